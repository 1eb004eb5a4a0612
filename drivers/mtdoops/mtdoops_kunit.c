// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the mtdoops ring: record headers (each field broken in
 * turn), the newest record in a ring that wrapped or holds garbage, and
 * slots over bad erase blocks.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/crc32.h>
#include <linux/kmsg_dump.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "mtdoops.h"

static const struct mtdoops_rec good = {
	.seq = 7, .len = 100, .reason = KMSG_DUMP_PANIC,
	.flags = MTDOOPS_HDR_PANIC, .time_ns = 1700000000123456789ULL,
	.data_crc = 0x12345678,
};

static void mtdoops_header_round_trip(struct kunit *test)
{
	struct mtdoops_hdr h;
	struct mtdoops_rec r;

	KUNIT_EXPECT_EQ(test, sizeof(h), 32U);
	mtdoops_hdr_encode(&h, &good);
	KUNIT_ASSERT_EQ(test, mtdoops_hdr_decode(&h, 4064, &r),
			MTDOOPS_SLOT_RECORD);
	KUNIT_EXPECT_EQ(test, r.seq, 7U);
	KUNIT_EXPECT_EQ(test, r.len, 100U);
	KUNIT_EXPECT_EQ(test, r.reason, KMSG_DUMP_PANIC);
	KUNIT_EXPECT_EQ(test, r.flags, MTDOOPS_HDR_PANIC);
	KUNIT_EXPECT_EQ(test, r.time_ns, 1700000000123456789ULL);
	KUNIT_EXPECT_EQ(test, r.data_crc, 0x12345678U);

	memset(&h, 0xff, sizeof(h));
	KUNIT_EXPECT_EQ(test, mtdoops_hdr_decode(&h, 4064, &r),
			MTDOOPS_SLOT_ERASED);
	mtdoops_hdr_encode(&h, &good);
	h.magic = 0;		/* unlinked in pstore */
	KUNIT_EXPECT_EQ(test, mtdoops_hdr_decode(&h, 4064, &r),
			MTDOOPS_SLOT_DELETED);
}

static void reseal(struct mtdoops_hdr *h)
{
	h->crc = 0;
	h->crc = cpu_to_le32(crc32_le(~0U, (u8 *)h, sizeof(*h)));
}

static void break_magic(struct mtdoops_hdr *h)
{
	h->magic = cpu_to_le32(0x5d005e00);	/* upstream's */
}

static void break_len_long(struct mtdoops_hdr *h)
{
	h->len = cpu_to_le32(4065);
}

static void break_len_zero(struct mtdoops_hdr *h)
{
	h->len = cpu_to_le32(0);
}

static void break_reason_undef(struct mtdoops_hdr *h)
{
	h->reason = KMSG_DUMP_UNDEF;
}

static void break_reason_max(struct mtdoops_hdr *h)
{
	h->reason = KMSG_DUMP_MAX;
}

static void break_flags(struct mtdoops_hdr *h)
{
	h->flags = 0x80;
}

static void break_reserved(struct mtdoops_hdr *h)
{
	h->reserved = cpu_to_le16(1);
}

/* not resealed: the header crc must catch it */
static void break_seq(struct mtdoops_hdr *h)
{
	h->seq ^= cpu_to_le32(1);
}

static void (* const breakers[])(struct mtdoops_hdr *h) = {
	break_magic, break_len_long, break_len_zero, break_reason_undef,
	break_reason_max, break_flags, break_reserved, break_seq,
};

static void mtdoops_header_refuses(struct kunit *test)
{
	struct mtdoops_hdr h;
	struct mtdoops_rec r;
	int i;

	for (i = 0; i < ARRAY_SIZE(breakers); i++) {
		mtdoops_hdr_encode(&h, &good);
		breakers[i](&h);
		if (breakers[i] != break_seq)
			reseal(&h);
		KUNIT_EXPECT_EQ_MSG(test, mtdoops_hdr_decode(&h, 4064, &r),
				    MTDOOPS_SLOT_GARBAGE, "case %d", i);
	}
	for (i = 0; i < 1000; i++) {
		get_random_bytes(&h, sizeof(h));
		KUNIT_ASSERT_EQ(test, mtdoops_hdr_decode(&h, 4064, &r),
				MTDOOPS_SLOT_GARBAGE);
	}
}

static void mtdoops_geometry(struct kunit *test)
{
	struct mtdoops_geom g = {
		.size = SZ_64K, .erasesize = SZ_4K, .writesize = 1,
		.record_size = SZ_16K,
	};
	const char *why;
	u64 start, len;

	KUNIT_ASSERT_EQ(test, mtdoops_geom_check(&g, &why), 0);
	KUNIT_EXPECT_EQ(test, mtdoops_nr_slots(&g), 4U);
	mtdoops_slot_blocks(&g, 2, &start, &len);
	KUNIT_EXPECT_EQ(test, start, SZ_32K);
	KUNIT_EXPECT_EQ(test, len, SZ_16K);
	KUNIT_EXPECT_TRUE(test, mtdoops_slot_opens_block(&g, 3));

	/* several records per erase block */
	g = (struct mtdoops_geom){ .size = SZ_1M, .erasesize = SZ_64K,
				   .writesize = 2048, .record_size = SZ_4K };
	KUNIT_ASSERT_EQ(test, mtdoops_geom_check(&g, &why), 0);
	KUNIT_EXPECT_EQ(test, mtdoops_nr_slots(&g), 256U);
	KUNIT_EXPECT_TRUE(test, mtdoops_slot_opens_block(&g, 16));
	KUNIT_EXPECT_FALSE(test, mtdoops_slot_opens_block(&g, 17));
	mtdoops_slot_blocks(&g, 17, &start, &len);
	KUNIT_EXPECT_EQ(test, start, SZ_64K);
	KUNIT_EXPECT_EQ(test, len, SZ_64K);

	g.record_size = 3000;		/* not a multiple of 2048 */
	KUNIT_EXPECT_EQ(test, mtdoops_geom_check(&g, &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "write size"));
	g.record_size = 6144;		/* neither divides the other */
	KUNIT_EXPECT_EQ(test, mtdoops_geom_check(&g, &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "erase size"));
	g.record_size = 16;
	KUNIT_EXPECT_EQ(test, mtdoops_geom_check(&g, &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "header"));
	g.record_size = SZ_4K;
	g.size = SZ_64K;		/* one erase block: no room to rotate */
	KUNIT_EXPECT_EQ(test, mtdoops_geom_check(&g, &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "too small"));
}

static void mtdoops_bad_blocks(struct kunit *test)
{
	DECLARE_BITMAP(bad, 16) = { };
	struct mtdoops_geom g = {
		.size = SZ_1M, .erasesize = SZ_64K, .writesize = 1,
		.record_size = SZ_16K, .bad = bad,
	};

	/* block 1 (slots 4-7) and block 15 (slots 60-63) are bad */
	set_bit(1, bad);
	set_bit(15, bad);
	KUNIT_EXPECT_TRUE(test, mtdoops_slot_usable(&g, 3));
	KUNIT_EXPECT_FALSE(test, mtdoops_slot_usable(&g, 4));
	KUNIT_EXPECT_EQ(test, mtdoops_next_slot(&g, 3), 8);
	/* past the end, around to the start */
	KUNIT_EXPECT_EQ(test, mtdoops_next_slot(&g, 59), 0);
	KUNIT_EXPECT_FALSE(test, mtdoops_slot_usable(&g, 64));

	/* records spanning blocks: one bad block spoils the record */
	g.record_size = SZ_128K;
	bitmap_zero(bad, 16);
	set_bit(3, bad);
	KUNIT_EXPECT_TRUE(test, mtdoops_slot_usable(&g, 0));
	KUNIT_EXPECT_FALSE(test, mtdoops_slot_usable(&g, 1));
	KUNIT_EXPECT_EQ(test, mtdoops_next_slot(&g, 0), 2);

	/* nothing usable */
	bitmap_fill(bad, 16);
	KUNIT_EXPECT_EQ(test, mtdoops_next_slot(&g, 0), -ENOSPC);
}

static void scan_seqs(struct mtdoops_scan *s, const u32 *seq, int n)
{
	struct mtdoops_rec r = good;
	int i;

	mtdoops_scan_init(s);
	for (i = 0; i < n; i++) {
		r.seq = seq[i];
		mtdoops_scan_add(s, i, seq[i] ? MTDOOPS_SLOT_RECORD :
				 MTDOOPS_SLOT_ERASED, &r);
	}
}

static void mtdoops_newest(struct kunit *test)
{
	static const u32 fresh[] = { 1, 2, 3, 0, 0 };
	static const u32 wrapped_ring[] = { 6, 7, 3, 4, 5 };
	static const u32 wrapped_seq[] = { 0xfffffffe, 0xffffffff, 1, 2,
					   0xfffffffd };
	struct mtdoops_scan s;
	struct mtdoops_rec r = good;

	scan_seqs(&s, fresh, 5);
	KUNIT_EXPECT_EQ(test, s.newest, 2);
	KUNIT_EXPECT_EQ(test, s.records, 3U);
	KUNIT_EXPECT_EQ(test, s.erased, 2U);

	scan_seqs(&s, wrapped_ring, 5);
	KUNIT_EXPECT_EQ(test, s.newest, 1);
	KUNIT_EXPECT_EQ(test, s.newest_seq, 7U);

	/* the counter itself wrapped: 2 is newer than 0xffffffff */
	scan_seqs(&s, wrapped_seq, 5);
	KUNIT_EXPECT_EQ(test, s.newest, 3);
	KUNIT_EXPECT_EQ(test, s.newest_seq, 2U);

	/* garbage and deleted records are counted, never taken as newest */
	mtdoops_scan_init(&s);
	r.seq = 5;
	mtdoops_scan_add(&s, 0, MTDOOPS_SLOT_RECORD, &r);
	r.seq = 900;
	mtdoops_scan_add(&s, 1, MTDOOPS_SLOT_GARBAGE, &r);
	mtdoops_scan_add(&s, 2, MTDOOPS_SLOT_DELETED, &r);
	KUNIT_EXPECT_EQ(test, s.newest, 0);
	KUNIT_EXPECT_EQ(test, s.garbage, 1U);
	KUNIT_EXPECT_EQ(test, s.deleted, 1U);

	mtdoops_scan_init(&s);
	KUNIT_EXPECT_EQ(test, s.newest, -1);
}

static struct kunit_case mtdoops_test_cases[] = {
	KUNIT_CASE(mtdoops_header_round_trip),
	KUNIT_CASE(mtdoops_header_refuses),
	KUNIT_CASE(mtdoops_geometry),
	KUNIT_CASE(mtdoops_bad_blocks),
	KUNIT_CASE(mtdoops_newest),
	{}
};

static struct kunit_suite mtdoops_test_suite = {
	.name = "mtdoops",
	.test_cases = mtdoops_test_cases,
};

kunit_test_suite(mtdoops_test_suite);

MODULE_DESCRIPTION("KUnit tests for mtdoops");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
