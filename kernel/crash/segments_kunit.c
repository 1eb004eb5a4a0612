// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the kexec segment checks: a table of segment lists, most
 * of them wrong, and the reason each must be refused with.
 */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "segments.h"

#define P		PAGE_SIZE
#define REGION		0x30000000UL

#define SEG(m, sz, b)	{ .mem = (m), .memsz = (sz), .bufsz = (b) }

struct segments_case {
	const char *name;
	bool crash;
	unsigned long nr;
	struct kexec_segment seg[4];
	int err;
	const char *reason;
};

static const struct rules_of {
	struct kexec_segment_rules normal, crash;
} rules = {
	.normal = { .limit = SZ_2G, .max_pages = 1024,
		    .region_start = 1, .region_end = 0 },
	.crash = { .limit = SZ_2G, .max_pages = 1024,
		   .region_start = REGION, .region_end = REGION + SZ_2M - 1 },
};

static const struct segments_case cases[] = {
	{ "one segment", false, 1, { SEG(SZ_16M, 4 * P, 100) }, 0, NULL },
	{ "none at all", false, 0, { }, 0, NULL },
	{ "in the crash region", true, 3,
	  { SEG(REGION, P, P), SEG(REGION + P, 8 * P, 3 * P),
	    SEG(REGION + SZ_2M - P, P, 0) }, 0, NULL },
	{ "empty segment in the crash region", true, 1, { SEG(REGION, 0, 0) },
	  0, NULL },
	{ "empty segment anywhere else", false, 1, { SEG(0, 0, 0) }, 0, NULL },
	/* upstream refuses it too; it used to pass, and hotplug mapped pfn 0 */
	{ "empty crash segment outside the region", true, 2,
	  { SEG(REGION, P, P), SEG(0, 0, 0) }, -EADDRNOTAVAIL,
	  "segment 1 (0x0-0x0) is outside the crash region (0x30000000-0x301fffff)" },
	{ "empty crash segment just past the region", true, 1,
	  { SEG(REGION + SZ_2M, 0, 0) }, -EADDRNOTAVAIL,
	  "segment 0 (0x30200000-0x30200000) is outside the crash region" },
	{ "touching, not overlapping", false, 2,
	  { SEG(SZ_1M, P, 0), SEG(SZ_1M + P, P, 0) }, 0, NULL },
	{ "too many", false, KEXEC_SEGMENT_MAX + 1, { }, -EINVAL,
	  "segments, at most" },
	{ "unaligned start", false, 1, { SEG(SZ_1M + 8, P, 0) },
	  -EADDRNOTAVAIL, "segment 0 (0x100008+0x1000) is not page aligned" },
	{ "unaligned size", false, 2, { SEG(0, P, 0), SEG(SZ_1M, P + 1, 0) },
	  -EADDRNOTAVAIL, "segment 1 (0x100000+0x1001) is not page aligned" },
	{ "wraps around", false, 1, { SEG(-2 * P, 4 * P, 0) },
	  -EADDRNOTAVAIL, "segment 0 wraps around" },
	{ "beyond the limit", false, 1, { SEG(SZ_2G - P, 2 * P, 0) },
	  -EADDRNOTAVAIL, "segment 0 ends at 0x80001000, beyond 0x80000000" },
	{ "more data than room", false, 1, { SEG(SZ_1M, P, P + 1) }, -EINVAL,
	  "segment 0 holds 4097 bytes in 4096" },
	{ "overlap", false, 3,
	  { SEG(SZ_1M, 4 * P, 0), SEG(SZ_4M, P, 0), SEG(SZ_1M + 3 * P, P, 0) },
	  -EINVAL, "segment 2 overlaps segment 0" },
	{ "same address twice", false, 2, { SEG(SZ_1M, P, 0), SEG(SZ_1M, P, 0) },
	  -EINVAL, "segment 1 overlaps segment 0" },
	{ "below the crash region", true, 2,
	  { SEG(REGION, P, 0), SEG(REGION - P, P, 0) }, -EADDRNOTAVAIL,
	  "segment 1 (0x2ffff000-0x2fffffff) is outside the crash region (0x30000000-0x301fffff)" },
	{ "past the crash region", true, 1, { SEG(REGION + SZ_2M - P, 2 * P, 0) },
	  -EADDRNOTAVAIL, "outside the crash region" },
	{ "half of RAM and more", false, 2,
	  { SEG(0, 1000 * P, 0), SEG(SZ_16M, 25 * P, 0) }, -EINVAL,
	  "the segments take 1025 pages, more than 1024" },
};

static void check_case(struct kunit *test, const struct segments_case *c)
{
	struct kexec_segment many[KEXEC_SEGMENT_MAX + 1] = { };
	const struct kexec_segment *seg = c->seg;
	char why[160] = "";
	int ret;

	if (c->nr > ARRAY_SIZE(c->seg))
		seg = many;	/* "too many" fails before it reads them */
	ret = kexec_segments_check(seg, c->nr,
				   c->crash ? &rules.crash : &rules.normal,
				   why, sizeof(why));
	KUNIT_EXPECT_EQ_MSG(test, ret, c->err, "%s: \"%s\"", c->name, why);
	if (c->reason)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->reason),
					  "%s: \"%s\"", c->name, why);
}

static void segment_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(test, &cases[i]);
}

/* Every refusal names a segment or the count, never an empty reason */
static void reasons_are_never_empty(struct kunit *test)
{
	struct kexec_segment seg[2] = { SEG(SZ_1M, P, 0), SEG(SZ_1M, P, 0) };
	char why[160] = "";

	KUNIT_ASSERT_EQ(test, kexec_segments_check(seg, 2, &rules.normal, why,
						   sizeof(why)), -EINVAL);
	KUNIT_EXPECT_GT(test, strlen(why), 0);
	/* a short buffer is truncated, not overrun */
	memset(why, 'x', sizeof(why));
	kexec_segments_check(seg, 2, &rules.normal, why, 8);
	KUNIT_EXPECT_EQ(test, strlen(why), 7);
}

static struct kunit_case segments_cases[] = {
	KUNIT_CASE(segment_table),
	KUNIT_CASE(reasons_are_never_empty),
	{}
};

static struct kunit_suite segments_suite = {
	.name = "kexec_segments",
	.test_cases = segments_cases,
};

kunit_test_suite(segments_suite);

MODULE_DESCRIPTION("KUnit tests for the kexec segment checks");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
