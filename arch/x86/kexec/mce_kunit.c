// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the machine-check records of a crash: the line of text,
 * the bad memory a record names, the ELF note.
 */
#include <kunit/test.h>
#include <linux/elf.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "mce.h"

#define FATAL	(MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | \
		 MCI_STATUS_MISCV | MCI_STATUS_ADDRV | MCI_STATUS_PCC)

static const struct mce fatal = {
	.status = FATAL | 0x134,
	.addr = 0x12345678,
	.misc = 0x86,
	.mcgstatus = MCG_STATUS_MCIP | MCG_STATUS_EIPV,
	.ip = 0xffffffff81001234ULL,
	.time = 1733270000,
	.bank = 1,
	.extcpu = 3,
};

static void mce_line(struct kunit *test)
{
	char buf[CRASH_MCE_LINE_MAX];
	int n = crash_mce_format(&fatal, 10, buf, sizeof(buf));

	KUNIT_EXPECT_STREQ(test, buf,
			   "cpu 3 bank 1 status 0xbe00000000000134 addr 0x0000000012345678 misc 0x0000000000000086 mcgstatus 0x0000000000000006 ip 0xffffffff81001234 time 1733270000 UC EN MISCV ADDRV PCC");
	KUNIT_EXPECT_EQ(test, n, (int)strlen(buf));
}

/* Impossible fields are written as they are, and marked */
static void mce_line_marks(struct kunit *test)
{
	char buf[CRASH_MCE_LINE_MAX];
	struct mce m = {
		.status = ~0ULL,
		.addr = 0,
		.misc = ~0ULL,
		.mcgstatus = ~0ULL,
		.ip = ~0ULL,
		.time = ~0ULL,
		.bank = 255,
		.extcpu = ~0U,
	};

	crash_mce_format(&m, 10, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf,
			   "cpu 4294967295 bank 255 status 0xffffffffffffffff addr 0x0000000000000000 misc 0xffffffffffffffff mcgstatus 0xffffffffffffffff ip 0xffffffffffffffff time 18446744073709551615 OVER UC EN MISCV ADDRV PCC bad-bank bad-addr");
	KUNIT_EXPECT_LT(test, strlen(buf), (size_t)CRASH_MCE_LINE_MAX);

	m = (struct mce) { .bank = 9 };
	crash_mce_format(&m, 10, buf, sizeof(buf));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " not-valid"));
	KUNIT_EXPECT_NULL(test, strstr(buf, "bad-bank"));
	/* with the bank count unknown, no bank is bad */
	m.bank = 200;
	crash_mce_format(&m, 0, buf, sizeof(buf));
	KUNIT_EXPECT_NULL(test, strstr(buf, "bad-bank"));
}

/* A short buffer gets a truncated, terminated line */
static void mce_line_short(struct kunit *test)
{
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, crash_mce_format(&fatal, 10, buf, sizeof(buf)),
			15);
	KUNIT_EXPECT_STREQ(test, buf, "cpu 3 bank 1 st");
}

static void mce_range(struct kunit *test)
{
	struct mce m = fatal;
	u64 start, end;

	m.misc = 0;			/* an LSB below a page: the page */
	KUNIT_ASSERT_TRUE(test, crash_mce_bad_range(&m, &start, &end));
	KUNIT_EXPECT_EQ(test, start, 0x12345000ULL);
	KUNIT_EXPECT_EQ(test, end, 0x12345fffULL);

	m.misc = 21;			/* 2 MiB block */
	KUNIT_ASSERT_TRUE(test, crash_mce_bad_range(&m, &start, &end));
	KUNIT_EXPECT_EQ(test, start, 0x12200000ULL);
	KUNIT_EXPECT_EQ(test, end, 0x123fffffULL);

	m.misc = 30;			/* not believed: the page */
	KUNIT_ASSERT_TRUE(test, crash_mce_bad_range(&m, &start, &end));
	KUNIT_EXPECT_EQ(test, start, 0x12345000ULL);

	m.status &= ~MCI_STATUS_MISCV;	/* LSB not valid: the page */
	m.misc = 21;
	KUNIT_ASSERT_TRUE(test, crash_mce_bad_range(&m, &start, &end));
	KUNIT_EXPECT_EQ(test, end, 0x12345fffULL);

	m.addr = ~0ULL;			/* the top page, no wrap */
	KUNIT_ASSERT_TRUE(test, crash_mce_bad_range(&m, &start, &end));
	KUNIT_EXPECT_EQ(test, start, ~0ULL & ~0xfffULL);
	KUNIT_EXPECT_EQ(test, end, ~0ULL);
}

static void mce_range_none(struct kunit *test)
{
	static const u64 missing[] = {
		MCI_STATUS_VAL, MCI_STATUS_UC, MCI_STATUS_ADDRV,
	};
	struct mce m;
	u64 start = 1, end = 2;
	int i;

	for (i = 0; i < ARRAY_SIZE(missing); i++) {
		m = fatal;
		m.status &= ~missing[i];
		KUNIT_EXPECT_FALSE(test, crash_mce_bad_range(&m, &start, &end));
	}
	m = fatal;
	m.addr = 0;			/* ADDRV without an address */
	KUNIT_EXPECT_FALSE(test, crash_mce_bad_range(&m, &start, &end));
	KUNIT_EXPECT_EQ(test, start, 1ULL);
	KUNIT_EXPECT_EQ(test, end, 2ULL);
}

static void check_note(struct kunit *test, const void *buf, unsigned int nr,
		       unsigned int lost, const struct mce *recs)
{
	const struct elf64_note *note = buf, *last;
	const char *name = (const char *)(note + 1);
	const struct crash_mce_desc *desc = (const void *)(name + 12);

	KUNIT_EXPECT_EQ(test, note->n_namesz, 10U);
	KUNIT_EXPECT_EQ(test, note->n_type, (u32)NT_CRASH_MCE);
	KUNIT_EXPECT_EQ(test, note->n_descsz,
			(u32)(sizeof(*desc) + nr * sizeof(struct mce)));
	KUNIT_EXPECT_STREQ(test, name, "CRASH-MCE");
	KUNIT_EXPECT_EQ(test, desc->version, 1U);
	KUNIT_EXPECT_EQ(test, desc->nr, nr);
	KUNIT_EXPECT_EQ(test, desc->lost, lost);
	KUNIT_EXPECT_EQ(test, desc->rec_size, (u32)sizeof(struct mce));
	KUNIT_EXPECT_EQ(test, memcmp(desc + 1, recs, nr * sizeof(*recs)), 0);
	last = (const void *)((const char *)(desc + 1) +
			      ALIGN(nr * sizeof(struct mce), 4));
	KUNIT_EXPECT_EQ(test, last->n_namesz, 0U);
	KUNIT_EXPECT_EQ(test, last->n_descsz, 0U);
	KUNIT_EXPECT_EQ(test, last->n_type, 0U);
}

static void mce_note(struct kunit *test)
{
	struct mce recs[3] = { fatal, fatal, fatal };
	size_t size = crash_mce_note_size(3);
	char *buf = kunit_kzalloc(test, size + 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	recs[1].bank = 2;
	recs[2].extcpu = 0;
	memset(buf, 0xa5, size + 64);
	KUNIT_EXPECT_EQ(test, crash_mce_note_build(buf, size + 64, recs, 3, 0),
			size);
	check_note(test, buf, 3, 0, recs);
	/* nothing written past the note */
	KUNIT_EXPECT_EQ(test, (u8)buf[size], 0xa5);
	KUNIT_EXPECT_EQ(test, size, 3 * 12 + 16 + 3 * sizeof(struct mce));
}

/* Records that do not fit are counted, never written past the buffer */
static void mce_note_full(struct kunit *test)
{
	struct mce recs[4] = { fatal, fatal, fatal, fatal };
	size_t size = crash_mce_note_size(2) + sizeof(struct mce) - 1;
	char *buf = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, crash_mce_note_build(buf, size, recs, 4, 5),
			crash_mce_note_size(2));
	check_note(test, buf, 2, 7, recs);

	KUNIT_EXPECT_EQ(test, crash_mce_note_build(buf, crash_mce_note_size(0),
						   recs, 4, 0),
			crash_mce_note_size(0));
	check_note(test, buf, 0, 4, recs);
	KUNIT_EXPECT_EQ(test, crash_mce_note_build(buf,
						   crash_mce_note_size(0) - 1,
						   recs, 4, 0), (size_t)0);
}

static struct kunit_case crash_mce_cases[] = {
	KUNIT_CASE(mce_line),
	KUNIT_CASE(mce_line_marks),
	KUNIT_CASE(mce_line_short),
	KUNIT_CASE(mce_range),
	KUNIT_CASE(mce_range_none),
	KUNIT_CASE(mce_note),
	KUNIT_CASE(mce_note_full),
	{}
};

static struct kunit_suite crash_mce_suite = {
	.name = "crash_mce",
	.test_cases = crash_mce_cases,
};

kunit_test_suite(crash_mce_suite);

MODULE_DESCRIPTION("KUnit tests of the machine-check records of a crash");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
