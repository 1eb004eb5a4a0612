// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the machine-check records of a crash: the line of text,
 * the bad memory a record names, the ELF note, the records a panic keeps.
 */
#include <kunit/test.h>
#include <linux/elf.h>
#include <linux/llist.h>
#include <linux/range.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "../kernel/cpu/mce/internal.h"
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

/* The bad memory of the notes: found after other notes, merged, bounded */
static void mce_note_ranges(struct kunit *test)
{
	struct mce recs[3] = { fatal, fatal, fatal };
	size_t size = crash_mce_note_size(3);
	char *buf = kunit_kzalloc(test, 64 + size, GFP_KERNEL);
	struct elf64_note *other = (struct elf64_note *)buf;
	struct crash_mce_desc *desc;
	struct range r[4];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* a note of another owner first: 12 + "CORE" + 44 bytes */
	*other = (struct elf64_note) { 5, 44, 1 };
	memcpy(other + 1, "CORE", 5);
	recs[1].addr += 0x10;			/* the same page */
	recs[2].addr = 0x40000000;
	recs[2].misc = 21;			/* MISCV: a 2 MiB block */
	crash_mce_note_build(buf + 64, size, recs, 3, 0);
	desc = (void *)(buf + 64 + sizeof(struct elf64_note) + 12);

	KUNIT_ASSERT_EQ(test, crash_mce_note_ranges(buf, 64 + size, r, 4), 2U);
	KUNIT_EXPECT_EQ(test, r[0].start, 0x12345000);
	KUNIT_EXPECT_EQ(test, r[0].end, 0x12345fff);
	KUNIT_EXPECT_EQ(test, r[1].start, 0x40000000);
	KUNIT_EXPECT_EQ(test, r[1].end, 0x401fffff);
	/* no more than room for */
	KUNIT_EXPECT_EQ(test, crash_mce_note_ranges(buf, 64 + size, r, 1), 1U);
	/* the empty note that ends them, and a cut-off note, end the walk */
	KUNIT_EXPECT_EQ(test, crash_mce_note_ranges(buf, 64, r, 4), 0U);
	KUNIT_EXPECT_EQ(test, crash_mce_note_ranges(buf, 64 + size - 13, r, 4),
			0U);
	KUNIT_EXPECT_EQ(test, crash_mce_note_ranges(buf, 3, r, 4), 0U);

	/* a count past the records there: those there */
	desc->nr = 1000;
	KUNIT_EXPECT_EQ(test, crash_mce_note_ranges(buf, 64 + size, r, 4), 2U);
	/* records too short to hold an address, a version not known: none */
	desc->nr = 3;
	desc->rec_size = 8;
	KUNIT_EXPECT_EQ(test, crash_mce_note_ranges(buf, 64 + size, r, 4), 0U);
	desc->rec_size = sizeof(struct mce);
	desc->version = 2;
	KUNIT_EXPECT_EQ(test, crash_mce_note_ranges(buf, 64 + size, r, 4), 0U);
	/* longer records of a later kernel: their first bytes are read */
	desc->version = 1;
	desc->rec_size = sizeof(struct mce) + 64;
	desc->nr = 1;
	KUNIT_EXPECT_EQ(test, crash_mce_note_ranges(buf, 64 + size, r, 4), 1U);
	KUNIT_EXPECT_EQ(test, r[0].start, 0x12345000);
}

/* A pending list as mce_gen_pool_prepare_records() gives it: @m in order */
static struct llist_node *pending_of(struct kunit *test, const struct mce *m,
				     unsigned int nr)
{
	struct mce_evt_llist *l = kunit_kcalloc(test, nr, sizeof(*l),
						GFP_KERNEL);
	LLIST_HEAD(head);

	KUNIT_ASSERT_NOT_NULL(test, l);
	while (nr--) {
		l[nr].mce = m[nr];
		llist_add(&l[nr].llnode, &head);
	}
	return head.first;
}

/* Corrected records, then uncorrected, then the final one, once */
static void mce_collect_order(struct kunit *test)
{
	struct crash_mce_saved *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct mce m[4] = { fatal, fatal, fatal, fatal };
	struct llist_node *pending;

	KUNIT_ASSERT_NOT_NULL(test, s);
	m[0].bank = 4;			/* uncorrected, not the final one */
	m[1].status = MCI_STATUS_VAL | MCI_STATUS_EN;	/* corrected */
	m[1].bank = 5;
	m[3].extcpu = 0;		/* the same bank on the other CPU */
	/* m[2] is the final record, also in the pending list */
	pending = pending_of(test, m, 4);
	s->nr = 99;
	s->lost = 99;
	crash_mce_collect(s, pending, &fatal);
	KUNIT_ASSERT_EQ(test, s->nr, 4U);
	KUNIT_EXPECT_EQ(test, s->lost, 0U);
	KUNIT_EXPECT_EQ(test, s->rec[0].bank, 5);
	KUNIT_EXPECT_EQ(test, s->rec[1].bank, 4);
	KUNIT_EXPECT_EQ(test, s->rec[2].extcpu, 0U);
	KUNIT_EXPECT_EQ(test, memcmp(&s->rec[3], &fatal, sizeof(fatal)), 0);

	/* no final record, no pending ones */
	crash_mce_collect(s, pending, NULL);
	KUNIT_EXPECT_EQ(test, s->nr, 4U);
	crash_mce_collect(s, NULL, NULL);
	KUNIT_EXPECT_EQ(test, s->nr, 0U);
	crash_mce_collect(s, NULL, &fatal);
	KUNIT_EXPECT_EQ(test, s->nr, 1U);
}

/* Past CRASH_MCE_MAX records are counted, and the final one is kept */
static void mce_collect_full(struct kunit *test)
{
	struct crash_mce_saved *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	const unsigned int nr = CRASH_MCE_MAX + 5;
	struct mce *m = kunit_kcalloc(test, nr, sizeof(*m), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, m);
	for (i = 0; i < nr; i++) {
		m[i] = fatal;
		m[i].extcpu = i + 100;
	}
	crash_mce_collect(s, pending_of(test, m, nr), &fatal);
	KUNIT_EXPECT_EQ(test, s->nr, (unsigned int)CRASH_MCE_MAX);
	KUNIT_EXPECT_EQ(test, s->lost, 6U);
	KUNIT_EXPECT_EQ(test, s->rec[CRASH_MCE_MAX - 2].extcpu,
			CRASH_MCE_MAX - 2 + 100U);
	KUNIT_EXPECT_EQ(test, memcmp(&s->rec[CRASH_MCE_MAX - 1], &fatal,
				     sizeof(fatal)), 0);
	/* and what is kept fits the page of note the ELF header gives */
	KUNIT_EXPECT_LE(test, crash_mce_note_size(CRASH_MCE_MAX),
			(size_t)PAGE_SIZE);
}

/* The lines of the records a panic keeps, and of those it does not */
static void mce_text(struct kunit *test)
{
	struct crash_mce_saved *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	char line[CRASH_MCE_LINE_MAX], *buf;
	size_t size = 3 * CRASH_MCE_LINE_MAX, n, len;

	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, crash_mce_text(buf, size, s), (size_t)0);
	KUNIT_EXPECT_STREQ(test, buf, "");

	s->rec[0] = fatal;
	s->rec[0].mcgcap = 10;			/* 10 banks */
	s->rec[1] = fatal;
	s->rec[1].bank = 12;			/* past them */
	s->rec[1].mcgcap = 10;
	s->nr = 2;
	s->lost = 4;
	len = crash_mce_format(&s->rec[0], 10, line, sizeof(line));
	n = crash_mce_text(buf, size, s);
	KUNIT_EXPECT_EQ(test, n, strlen(buf));
	KUNIT_EXPECT_EQ(test, strncmp(buf, line, len), 0);
	KUNIT_EXPECT_EQ(test, buf[len], '\n');
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf + len + 1, "bank 12 "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " bad-bank\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "\n4 more records not kept\n"));
	KUNIT_EXPECT_EQ(test, buf[n - 1], '\n');

	/* room for one line: whole lines only */
	n = crash_mce_text(buf, len + 2, s);
	KUNIT_EXPECT_EQ(test, n, len + 1);
	KUNIT_EXPECT_EQ(test, strlen(buf), len + 1);
	KUNIT_EXPECT_EQ(test, crash_mce_text(buf, len + 1, s), (size_t)0);
	KUNIT_EXPECT_STREQ(test, buf, "");
}

/* The kinds corrected errors are counted by, from MCACOD */
static void mce_kinds(struct kunit *test)
{
	static const struct {
		u64 status;
		enum crash_mce_kind kind;
	} cases[] = {
		{ 0x009f, CRASH_MCE_MEMORY },	/* memory controller read */
		{ 0x10c0, CRASH_MCE_MEMORY },	/* with the filter bit */
		{ 0x0134, CRASH_MCE_CACHE },	/* data read, L0 */
		{ 0x017a, CRASH_MCE_CACHE },
		{ 0x0011, CRASH_MCE_TLB },
		{ 0x0e0b, CRASH_MCE_BUS },
		{ 0x0800, CRASH_MCE_BUS },
		{ 0x0000, CRASH_MCE_OTHER },	/* no error */
		{ 0x0400, CRASH_MCE_OTHER },	/* internal timer */
		{ 0x0005, CRASH_MCE_OTHER },	/* internal parity */
		{ 0x2000, CRASH_MCE_OTHER },	/* bits past the compound ones */
		{ 0xffff, CRASH_MCE_OTHER },
		/* the status bits above MCACOD do not count */
		{ MCI_STATUS_VAL | MCI_STATUS_EN | 0x009f, CRASH_MCE_MEMORY },
		{ 0xffffffffffff0134ULL, CRASH_MCE_CACHE },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, crash_mce_kind(cases[i].status),
				    cases[i].kind, "status %#llx",
				    cases[i].status);
}

static void mce_counts_text(struct kunit *test)
{
	unsigned long counts[CRASH_MCE_NR_KINDS] = { };
	char buf[128];

	KUNIT_EXPECT_EQ(test, crash_mce_counts_format(buf, sizeof(buf), counts),
			0);
	KUNIT_EXPECT_STREQ(test, buf, "");
	counts[CRASH_MCE_MEMORY] = 2;
	counts[CRASH_MCE_OTHER] = 1;
	crash_mce_counts_format(buf, sizeof(buf), counts);
	KUNIT_EXPECT_STREQ(test, buf,
			   "3 corrected machine checks since boot: memory 2 cache 0 tlb 0 bus 0 other 1");
	counts[CRASH_MCE_MEMORY] = 0;
	crash_mce_counts_format(buf, sizeof(buf), counts);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "1 corrected machine check since"));
	/* a short buffer is cut, not overrun */
	KUNIT_EXPECT_EQ(test, crash_mce_counts_format(buf, 8, counts), 7);
	KUNIT_EXPECT_STREQ(test, buf, "1 corre");
}

static struct kunit_case crash_mce_cases[] = {
	KUNIT_CASE(mce_line),
	KUNIT_CASE(mce_line_marks),
	KUNIT_CASE(mce_line_short),
	KUNIT_CASE(mce_range),
	KUNIT_CASE(mce_range_none),
	KUNIT_CASE(mce_note),
	KUNIT_CASE(mce_note_full),
	KUNIT_CASE(mce_note_ranges),
	KUNIT_CASE(mce_collect_order),
	KUNIT_CASE(mce_collect_full),
	KUNIT_CASE(mce_text),
	KUNIT_CASE(mce_kinds),
	KUNIT_CASE(mce_counts_text),
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
