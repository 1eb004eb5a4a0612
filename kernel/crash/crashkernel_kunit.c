// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for crashkernel= parsing: a table of command lines, the
 * malformed ones outnumbering the valid, each with the request it must
 * produce or the fact that it must be refused.
 */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "crashkernel.h"

struct ck_case {
	const char *cmdline;
	u64 ram;
	int ret;
	u64 size;
	u64 base;
	u64 low_size;
	bool high;
	bool low_given;
};

#define OK(c, r, s, b)		{ c, r, 0, s, b }
#define BAD(c, r)		{ c, r, -EINVAL }
#define HIGH(c, r, s, l, lg)	{ c, r, 0, s, 0, l, true, lg }

static const struct ck_case ck_cases[] = {
	/* absent */
	{ "console=ttyS0 panic=1", SZ_1G, -ENOENT },
	{ "", SZ_1G, -ENOENT },
	{ "foo.crashkernel=64M", SZ_1G, -ENOENT },
	{ "xcrashkernel=64M", SZ_1G, -ENOENT },

	/* SIZE[@OFFSET] */
	OK("crashkernel=64M", SZ_1G, SZ_64M, 0),
	OK("crashkernel=64m", SZ_1G, SZ_64M, 0),
	OK("crashkernel=65536K", SZ_1G, SZ_64M, 0),
	OK("crashkernel=67108864", SZ_1G, SZ_64M, 0),
	OK("crashkernel=0x4000000", SZ_1G, SZ_64M, 0),
	OK("crashkernel=0X4000000", SZ_1G, SZ_64M, 0),
	OK("crashkernel=64M@16M", SZ_1G, SZ_64M, SZ_16M),
	OK("crashkernel=64M@0x1000000", SZ_1G, SZ_64M, SZ_16M),
	OK("crashkernel=1G", 4ULL * SZ_1G, SZ_1G, 0),
	OK("crashkernel=0", SZ_1G, 0, 0),
	OK("quiet crashkernel=64M panic=1", SZ_1G, SZ_64M, 0),
	OK("crashkernel=32M crashkernel=64M", SZ_1G, SZ_64M, 0),
	OK("crashkernel=64M\tfoo", SZ_1G, SZ_64M, 0),
	OK("crashkernel=64M crashkernel=128M,high", SZ_1G, SZ_64M, 0),

	/* ranges */
	OK("crashkernel=512M-2G:64M,2G-:128M", SZ_1G, SZ_64M, 0),
	OK("crashkernel=512M-2G:64M,2G-:128M", 8ULL * SZ_1G, SZ_128M, 0),
	OK("crashkernel=512M-2G:64M,2G-:128M", SZ_256M, 0, 0),
	OK("crashkernel=0-1G:32M@16M", 1000 * SZ_1M, 0, SZ_16M),
	OK("crashkernel=0-2G:32M@16M", SZ_1G, SZ_32M, SZ_16M),
	OK("crashkernel=1G-:256M", 4ULL * SZ_1G, SZ_256M, 0),
	/* 1000 MiB rounds up to 1 GiB, so it is not in 0-1G */
	OK("crashkernel=0-1G:32M,1G-:64M", 1000 * SZ_1M, SZ_64M, 0),

	/* auto */
	OK("crashkernel=auto", SZ_1G, SZ_64M + SZ_4M, 0),
	OK("crashkernel=auto", 16ULL * SZ_1G, SZ_128M, 0),

	/* ,high and ,low */
	HIGH("crashkernel=256M,high", 6ULL * SZ_1G, SZ_256M, 0, false),
	HIGH("crashkernel=256M,high crashkernel=128M,low",
	     6ULL * SZ_1G, SZ_256M, SZ_128M, true),
	HIGH("crashkernel=128M,low crashkernel=256M,high",
	     6ULL * SZ_1G, SZ_256M, SZ_128M, true),
	HIGH("crashkernel=256M,high crashkernel=0,low",
	     6ULL * SZ_1G, SZ_256M, 0, true),
	HIGH("crashkernel=auto,high", 16ULL * SZ_1G, SZ_128M, 0, false),

	/* ,cma (6.16) is noted, and is never the plain value */
	OK("crashkernel=64M crashkernel=256M,cma", SZ_1G, SZ_64M, 0),
	OK("crashkernel=256M,cma crashkernel=64M", SZ_1G, SZ_64M, 0),
	HIGH("crashkernel=256M,high crashkernel=1G,cma", 6ULL * SZ_1G,
	     SZ_256M, 0, false),
	{ "crashkernel=256M,cma", SZ_1G, -ENOENT },
	{ "crashkernel=junk,cma", SZ_1G, -ENOENT },

	/* malformed: numbers */
	BAD("crashkernel=", SZ_1G),
	BAD("crashkernel= 64M", SZ_1G),
	BAD("crashkernel=abc", SZ_1G),
	BAD("crashkernel=M", SZ_1G),
	BAD("crashkernel=-64M", SZ_1G),
	BAD("crashkernel=64Mx", SZ_1G),
	BAD("crashkernel=64MM", SZ_1G),
	BAD("crashkernel=64Q", SZ_1G),
	BAD("crashkernel=0x", SZ_1G),
	BAD("crashkernel=0xg", SZ_1G),
	BAD("crashkernel=09", SZ_1G),
	BAD("crashkernel=99999999999999999999", SZ_1G),
	BAD("crashkernel=18446744073709551616", SZ_1G),
	BAD("crashkernel=16777216T", SZ_1G),
	BAD("crashkernel=17179869184G", SZ_1G),
	BAD("crashkernel=0x10000000000000000", SZ_1G),
	BAD("crashkernel=2E@", SZ_1G),

	/* malformed: offsets */
	BAD("crashkernel=64M@", SZ_1G),
	BAD("crashkernel=64M@@16M", SZ_1G),
	BAD("crashkernel=64M@16M@32M", SZ_1G),
	BAD("crashkernel=64M@16Mx", SZ_1G),
	BAD("crashkernel=@16M", SZ_1G),
	BAD("crashkernel=64M@0xffffffffffffffff", 4ULL * SZ_1G),

	/* malformed: sizes that cannot fit */
	BAD("crashkernel=1G", SZ_1G),
	BAD("crashkernel=2G", SZ_1G),
	BAD("crashkernel=512M-2G:2G", SZ_1G),
	BAD("crashkernel=auto", SZ_128M),
	BAD("crashkernel=8G,high", 6ULL * SZ_1G),

	/* malformed: ranges */
	BAD("crashkernel=512M", SZ_256M),
	BAD("crashkernel=512M:64M", SZ_1G),
	BAD("crashkernel=512M-:", SZ_1G),
	BAD("crashkernel=512M-2G", SZ_1G),
	BAD("crashkernel=512M-2G:", SZ_1G),
	BAD("crashkernel=2G-512M:64M", SZ_1G),
	BAD("crashkernel=1G-1G:64M", SZ_1G),
	BAD("crashkernel=512M-2G:64M,", SZ_1G),
	BAD("crashkernel=512M-2G:64M,,2G-:128M", SZ_1G),
	BAD("crashkernel=2G-:128M,512M-2G:64M", SZ_1G),
	BAD("crashkernel=512M-2G:64M,1G-4G:128M", SZ_1G),
	BAD("crashkernel=1G-:128M,4G-:256M", SZ_1G),
	BAD("crashkernel=512M-2G:64Mx", SZ_1G),
	BAD("crashkernel=512M-2G:64M@", SZ_1G),
	BAD("crashkernel=512M-2G:64M;2G-:128M", SZ_1G),
	BAD("crashkernel=x-2G:64M", SZ_1G),
	BAD("crashkernel=512M-x:64M", SZ_1G),
	BAD("crashkernel=512M-2G:x", SZ_1G),

	/* malformed: ,high and ,low */
	BAD("crashkernel=,high", 6ULL * SZ_1G),
	BAD("crashkernel=0,high", 6ULL * SZ_1G),
	BAD("crashkernel=256Mx,high", 6ULL * SZ_1G),
	BAD("crashkernel=256M@16M,high", 6ULL * SZ_1G),
	BAD("crashkernel=256M,high crashkernel=,low", 6ULL * SZ_1G),
	BAD("crashkernel=256M,high crashkernel=1x,low", 6ULL * SZ_1G),
	BAD("crashkernel=128M,low", 6ULL * SZ_1G),
	BAD("crashkernel=256M,hi", 6ULL * SZ_1G),
	BAD("crashkernel=256M,high,low", 6ULL * SZ_1G),
	BAD("crashkernel=auto@16M", SZ_1G),
	BAD("crashkernel=autox", SZ_1G),
};

static void ck_case_desc(const struct ck_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\" ram=%lluM", c->cmdline,
		 c->ram >> 20);
}

KUNIT_ARRAY_PARAM(ck, ck_cases, ck_case_desc);

static void crashkernel_parse_table(struct kunit *test)
{
	const struct ck_case *c = test->param_value;
	struct crashkernel_req req;
	int ret;

	ret = crashkernel_parse(c->cmdline, c->ram, &req);
	KUNIT_ASSERT_EQ_MSG(test, ret, c->ret, "err: %s", req.err ?: "none");
	if (ret == -EINVAL) {
		KUNIT_EXPECT_NOT_NULL(test, req.err);
		return;
	}
	KUNIT_EXPECT_NULL(test, req.err);
	KUNIT_EXPECT_EQ(test, req.size, c->size);
	KUNIT_EXPECT_EQ(test, req.base, c->base);
	KUNIT_EXPECT_EQ(test, req.low_size, c->low_size);
	KUNIT_EXPECT_EQ(test, req.high, c->high);
	KUNIT_EXPECT_EQ(test, req.low_given, c->low_given);
}

/* The documented formula, at the sizes the admin guide quotes. */
static void crashkernel_auto_formula(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, crashkernel_auto_size(SZ_1G), SZ_64M + SZ_4M);
	KUNIT_EXPECT_EQ(test, crashkernel_auto_size(4ULL * SZ_1G),
			SZ_64M + SZ_16M);
	KUNIT_EXPECT_EQ(test, crashkernel_auto_size(16ULL * SZ_1G), SZ_128M);
	KUNIT_EXPECT_EQ(test, crashkernel_auto_size(64ULL * SZ_1G),
			SZ_64M + SZ_256M);
	/* odd RAM sizes round up to 2 MiB */
	KUNIT_EXPECT_EQ(test, crashkernel_auto_size(SZ_1G + SZ_1M),
			SZ_64M + SZ_4M + SZ_2M);
	KUNIT_EXPECT_EQ(test, crashkernel_auto_size(1ULL << 40),
			(u64)CRASHKERNEL_AUTO_MAX);
	KUNIT_EXPECT_EQ(test, crashkernel_auto_size(U64_MAX >> 1),
			(u64)CRASHKERNEL_AUTO_MAX);
}

/* The reason is the message a user sees: it must name the problem. */
static void crashkernel_error_reasons(struct kunit *test)
{
	struct crashkernel_req req;

	crashkernel_parse("crashkernel=99999999999999999999", SZ_1G, &req);
	KUNIT_EXPECT_STREQ(test, req.err, "number too large");
	crashkernel_parse("crashkernel=2G-:1M,1G-:1M", SZ_1G, &req);
	KUNIT_EXPECT_STREQ(test, req.err, "ranges out of order or overlapping");
	crashkernel_parse("crashkernel=2G", SZ_1G, &req);
	KUNIT_EXPECT_STREQ(test, req.err, "size not smaller than RAM");
	crashkernel_parse("crashkernel=64M@", SZ_1G, &req);
	KUNIT_EXPECT_STREQ(test, req.err, "memory value expected");
}

/* The ,cma value: the last one, suffix included, and its size. */
static void crashkernel_cma_noted(struct kunit *test)
{
	static const char line[] =
		"crashkernel=1G,cma crashkernel=64M crashkernel=2G,cma quiet";
	struct crashkernel_req req;

	KUNIT_EXPECT_EQ(test, crashkernel_parse(line, SZ_8G, &req), 0);
	KUNIT_EXPECT_EQ(test, req.size, SZ_64M);
	KUNIT_ASSERT_NOT_NULL(test, req.cma_arg);
	KUNIT_EXPECT_EQ(test, req.cma_arg_len, 6);
	KUNIT_EXPECT_EQ(test, memcmp(req.cma_arg, "2G,cma", 6), 0);
	KUNIT_EXPECT_EQ(test, req.cma_size, SZ_2G);
	KUNIT_EXPECT_NULL(test, req.cma_err);
	crashkernel_parse("crashkernel=64M", SZ_1G, &req);
	KUNIT_EXPECT_NULL(test, req.cma_arg);
	KUNIT_EXPECT_EQ(test, req.cma_size, 0);
}

struct ck_cma_case {
	const char *cmdline;
	u64 size;
	const char *err;
};

/* A bad ,cma value is refused alone: the main request stands. */
static void crashkernel_cma_values(struct kunit *test)
{
	static const struct ck_cma_case cases[] = {
		{ "crashkernel=64M crashkernel=256M,cma", SZ_256M, NULL },
		{ "crashkernel=0x10000000,cma crashkernel=64M", SZ_256M, NULL },
		{ "crashkernel=64M crashkernel=0,cma", 0,
		  "crashkernel=,cma needs a size" },
		{ "crashkernel=64M crashkernel=,cma", 0,
		  "memory value expected" },
		{ "crashkernel=64M crashkernel=256Mx,cma", 0,
		  "unexpected character before ,cma" },
		{ "crashkernel=64M crashkernel=256M@1G,cma", 0,
		  "unexpected character before ,cma" },
		{ "crashkernel=64M crashkernel=1G-:256M,cma", 0,
		  "unexpected character before ,cma" },
		{ "crashkernel=64M crashkernel=auto,cma", 0,
		  "memory value expected" },
		{ "crashkernel=64M crashkernel=8G,cma", 0,
		  "size not smaller than RAM" },
		{ "crashkernel=64M crashkernel=99999999999999999999,cma", 0,
		  "number too large" },
		{ "crashkernel=64M crashkernel=32E,cma", 0,
		  "number too large" },
	};
	struct crashkernel_req req;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		KUNIT_EXPECT_EQ_MSG(test, crashkernel_parse(cases[i].cmdline,
							    SZ_8G, &req), 0,
				    "%s", cases[i].cmdline);
		KUNIT_EXPECT_EQ_MSG(test, req.size, SZ_64M, "%s",
				    cases[i].cmdline);
		KUNIT_EXPECT_EQ_MSG(test, req.cma_size, cases[i].size, "%s",
				    cases[i].cmdline);
		if (cases[i].err)
			KUNIT_EXPECT_STREQ_MSG(test, req.cma_err, cases[i].err,
					       "%s", cases[i].cmdline);
		else
			KUNIT_EXPECT_NULL_MSG(test, req.cma_err, "%s",
					      cases[i].cmdline);
	}
	/* alone: nothing to reserve, the size still read */
	KUNIT_EXPECT_EQ(test, crashkernel_parse("crashkernel=256M,cma", SZ_1G,
						&req), -ENOENT);
	KUNIT_EXPECT_EQ(test, req.cma_size, SZ_256M);
}

static struct kunit_case crashkernel_test_cases[] = {
	KUNIT_CASE_PARAM(crashkernel_parse_table, ck_gen_params),
	KUNIT_CASE(crashkernel_auto_formula),
	KUNIT_CASE(crashkernel_error_reasons),
	KUNIT_CASE(crashkernel_cma_noted),
	KUNIT_CASE(crashkernel_cma_values),
	{}
};

static struct kunit_suite crashkernel_test_suite = {
	.name = "crashkernel",
	.test_cases = crashkernel_test_cases,
};

kunit_test_suite(crashkernel_test_suite);

MODULE_DESCRIPTION("KUnit tests for crashkernel= parsing");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
