// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for ramoops: the zone layout, record headers with every
 * field malformed in turn, ECC up to its limit and past it, and records
 * and rings in zones of test memory.
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/kmsg_dump.h>
#include <linux/random.h>
#include <linux/rslib.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ramoops.h"

static void ramoops_layout_defaults(struct kunit *test)
{
	struct ramoops_params p = {
		.mem_size = SZ_1M, .record_size = SZ_64K,
		.console_size = SZ_64K, .pmsg_size = SZ_64K,
	};
	struct ramoops_layout *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	const char *why;

	KUNIT_ASSERT_NOT_NULL(test, l);
	KUNIT_ASSERT_EQ(test, ramoops_layout(&p, l, &why), 0);
	KUNIT_EXPECT_EQ(test, l->nr_dmesg, 14U);
	KUNIT_EXPECT_EQ(test, l->nr_zones, 16U);
	KUNIT_EXPECT_EQ(test, l->zone[13].offset, 13ULL * SZ_64K);
	KUNIT_EXPECT_EQ(test, l->zone[14].type, RAMOOPS_ZONE_CONSOLE);
	KUNIT_EXPECT_EQ(test, l->zone[14].offset, (u64)SZ_1M - 2 * SZ_64K);
	KUNIT_EXPECT_EQ(test, l->zone[15].type, RAMOOPS_ZONE_PMSG);
	KUNIT_EXPECT_EQ(test, l->zone[15].offset + l->zone[15].size,
			(u64)SZ_1M);

	/* sizes are not rounded, and the leftover stays unused */
	p.record_size = 30000;
	p.console_size = 5000;
	p.pmsg_size = 0;
	p.ftrace_size = 4096;
	KUNIT_ASSERT_EQ(test, ramoops_layout(&p, l, &why), 0);
	KUNIT_EXPECT_EQ(test, l->nr_dmesg, (SZ_1M - 9096U) / 30000U);
	KUNIT_EXPECT_EQ(test, l->zone[l->nr_dmesg].offset, SZ_1M - 9096ULL);
	KUNIT_EXPECT_EQ(test, l->zone[l->nr_zones - 1].type,
			RAMOOPS_ZONE_FTRACE);

	/* many tiny records are capped, not overflowed */
	p = (struct ramoops_params){ .mem_size = SZ_1M, .record_size = 128 };
	KUNIT_ASSERT_EQ(test, ramoops_layout(&p, l, &why), 0);
	KUNIT_EXPECT_EQ(test, l->nr_zones, RAMOOPS_MAX_ZONES - 3U);

	/* no dmesg zones: console only */
	p = (struct ramoops_params){ .mem_size = SZ_4K, .console_size = SZ_4K };
	KUNIT_ASSERT_EQ(test, ramoops_layout(&p, l, &why), 0);
	KUNIT_EXPECT_EQ(test, l->nr_dmesg, 0U);
	KUNIT_EXPECT_EQ(test, l->nr_zones, 1U);
}

static const struct {
	struct ramoops_params p;
	const char *why;
} bad_layouts[] = {
	{ { .mem_size = 0, .record_size = SZ_4K }, "mem_size is 0" },
	{ { .mem_size = SZ_1M }, "all 0" },
	{ { .mem_size = SZ_64K, .record_size = SZ_128K }, "larger than the room" },
	{ { .mem_size = SZ_64K, .record_size = SZ_4K, .console_size = SZ_64K,
	    .pmsg_size = SZ_4K }, "exceed mem_size" },
	{ { .mem_size = SZ_64K, .console_size = U64_MAX,
	    .pmsg_size = SZ_4K }, "exceed mem_size" },
	{ { .mem_size = SZ_64K, .record_size = 16 }, "too small" },
	{ { .mem_size = SZ_64K, .record_size = SZ_4K, .console_size = 20 },
	  "too small" },
	{ { .mem_size = SZ_64K, .record_size = SZ_4K, .ecc_size = 65 },
	  "ecc" },
	{ { .mem_size = SZ_64K, .record_size = 60, .ecc_size = 16 },
	  "too small" },
};

static void ramoops_layout_refuses(struct kunit *test)
{
	struct ramoops_layout *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	const char *why;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, l);
	for (i = 0; i < ARRAY_SIZE(bad_layouts); i++) {
		KUNIT_EXPECT_EQ_MSG(test, ramoops_layout(&bad_layouts[i].p, l,
							 &why),
				    -EINVAL, "case %d", i);
		KUNIT_EXPECT_NOT_NULL_MSG(test, why, "case %d", i);
		if (why && strcmp(bad_layouts[i].why, "all 0"))
			KUNIT_EXPECT_NOT_NULL_MSG(test,
						  strstr(why, bad_layouts[i].why),
						  "case %d: %s", i, why);
	}
}

static const struct ramoops_hdr_info good_dmesg = {
	.type = RAMOOPS_ZONE_DMESG, .compressed = true,
	.reason = KMSG_DUMP_PANIC, .part = 1, .size = 100,
	.time_ns = 1234567890123ULL, .count = 3, .data_crc = 0xdeadbeef,
	.seq = 0x80000001,
};

static void ramoops_header_round_trip(struct kunit *test)
{
	struct ramoops_hdr_info out, info;
	struct ramoops_hdr h;
	const char *why;

	ramoops_hdr_encode(&h, &good_dmesg);
	KUNIT_ASSERT_EQ(test, ramoops_hdr_decode(&h, 1000, RAMOOPS_ZONE_DMESG,
						 &out, &why), 0);
	KUNIT_EXPECT_TRUE(test, out.compressed);
	KUNIT_EXPECT_EQ(test, out.reason, KMSG_DUMP_PANIC);
	KUNIT_EXPECT_EQ(test, out.size, 100U);
	KUNIT_EXPECT_EQ(test, out.time_ns, 1234567890123ULL);
	KUNIT_EXPECT_EQ(test, out.count, 3U);
	KUNIT_EXPECT_EQ(test, out.data_crc, 0xdeadbeefU);
	KUNIT_EXPECT_EQ(test, out.seq, 0x80000001U);
	KUNIT_EXPECT_EQ(test, sizeof(h), 40U);
	KUNIT_EXPECT_FALSE(test, out.mce);

	/* a machine check's records: plain text in a dmesg zone, marked */
	info = good_dmesg;
	info.compressed = false;
	info.mce = true;
	ramoops_hdr_encode(&h, &info);
	KUNIT_EXPECT_EQ(test, h.flags, RAMOOPS_HDR_MCE);
	KUNIT_ASSERT_EQ(test, ramoops_hdr_decode(&h, 1000, RAMOOPS_ZONE_DMESG,
						 &out, &why), 0);
	KUNIT_EXPECT_TRUE(test, out.mce);
	KUNIT_EXPECT_FALSE(test, out.compressed);
}

/* Each case breaks one thing of a good header and re-seals its crc. */
enum { RESEAL = 1, NOSEAL = 0 };

static void corrupt_magic(struct ramoops_hdr *h)
{
	h->magic ^= cpu_to_le32(1);
}

static void corrupt_type(struct ramoops_hdr *h)
{
	h->type = RAMOOPS_ZONE_PMSG;
}

static void corrupt_flags(struct ramoops_hdr *h)
{
	h->flags |= 0x80;
}

/* a machine check's records are never compressed */
static void corrupt_mce_compressed(struct ramoops_hdr *h)
{
	h->flags |= RAMOOPS_HDR_MCE;
}

static void corrupt_size(struct ramoops_hdr *h)
{
	h->size = cpu_to_le32(1001);
}

static void corrupt_empty(struct ramoops_hdr *h)
{
	h->size = cpu_to_le32(0);
}

static void corrupt_start(struct ramoops_hdr *h)
{
	h->start = cpu_to_le32(4);
}

static void corrupt_reason0(struct ramoops_hdr *h)
{
	h->reason = KMSG_DUMP_UNDEF;
}

static void corrupt_reason9(struct ramoops_hdr *h)
{
	h->reason = KMSG_DUMP_MAX;
}

static void corrupt_part(struct ramoops_hdr *h)
{
	h->part--;
}

static void corrupt_time(struct ramoops_hdr *h)
{
	h->time_ns ^= cpu_to_le64(1);
}

static const struct {
	void (*corrupt)(struct ramoops_hdr *h);
	bool reseal;
	const char *why;
} bad_headers[] = {
	{ corrupt_magic, RESEAL, "no ramoops header" },
	{ corrupt_time, NOSEAL, "checksum" },
	{ corrupt_type, RESEAL, "another zone type" },
	{ corrupt_flags, RESEAL, "flags" },
	{ corrupt_mce_compressed, RESEAL, "compressed machine-check" },
	{ corrupt_size, RESEAL, "larger than the zone" },
	{ corrupt_empty, RESEAL, "out of range" },
	{ corrupt_start, RESEAL, "out of range" },
	{ corrupt_reason0, RESEAL, "out of range" },
	{ corrupt_reason9, RESEAL, "out of range" },
	{ corrupt_part, RESEAL, "out of range" },
};

static void ramoops_header_refuses(struct kunit *test)
{
	struct ramoops_hdr_info out;
	struct ramoops_hdr h;
	const char *why;
	int i;

	memset(&h, 0, sizeof(h));
	KUNIT_EXPECT_EQ(test, ramoops_hdr_decode(&h, 1000, RAMOOPS_ZONE_DMESG,
						 &out, &why), -ENODATA);
	for (i = 0; i < ARRAY_SIZE(bad_headers); i++) {
		ramoops_hdr_encode(&h, &good_dmesg);
		bad_headers[i].corrupt(&h);
		if (bad_headers[i].reseal) {
			h.crc = 0;
			h.crc = cpu_to_le32(crc32_le(~0U, (u8 *)&h, sizeof(h)));
		}
		KUNIT_EXPECT_EQ_MSG(test,
				    ramoops_hdr_decode(&h, 1000,
						       RAMOOPS_ZONE_DMESG,
						       &out, &why),
				    -EINVAL, "case %d", i);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, bad_headers[i].why),
					  "case %d: %s", i, why);
	}
	/* random bytes are never taken for a header */
	for (i = 0; i < 1000; i++) {
		get_random_bytes(&h, sizeof(h));
		KUNIT_ASSERT_EQ(test, ramoops_hdr_decode(&h, 1000,
							 RAMOOPS_ZONE_DMESG,
							 &out, &why), -EINVAL);
	}
}

static void ramoops_ring_header_refuses(struct kunit *test)
{
	struct ramoops_hdr_info ring = { .type = RAMOOPS_ZONE_CONSOLE };
	struct ramoops_hdr_info out;
	struct ramoops_hdr h;
	const char *why;

	ring.size = 10;
	ring.start = 10;
	ramoops_hdr_encode(&h, &ring);
	KUNIT_EXPECT_EQ(test, ramoops_hdr_decode(&h, 100,
						 RAMOOPS_ZONE_CONSOLE,
						 &out, &why), 0);
	ring.start = 7;		/* not full: start must equal size */
	ramoops_hdr_encode(&h, &ring);
	KUNIT_EXPECT_EQ(test, ramoops_hdr_decode(&h, 100,
						 RAMOOPS_ZONE_CONSOLE,
						 &out, &why), -EINVAL);
	ring.size = 100;	/* full: start anywhere inside */
	ring.start = 100;
	ramoops_hdr_encode(&h, &ring);
	KUNIT_EXPECT_EQ(test, ramoops_hdr_decode(&h, 100,
						 RAMOOPS_ZONE_CONSOLE,
						 &out, &why), -EINVAL);
	ring.start = 99;
	ramoops_hdr_encode(&h, &ring);
	KUNIT_EXPECT_EQ(test, ramoops_hdr_decode(&h, 100,
						 RAMOOPS_ZONE_CONSOLE,
						 &out, &why), 0);
}

#define TEXT_SIZE	8192

struct zone_fixture {
	struct ramoops_zone z;
	u8 *mem;
	u8 *text;
	struct rs_control *rs;
};

static struct zone_fixture *zone_setup(struct kunit *test,
				       enum ramoops_zone_type type,
				       size_t size, unsigned int ecc)
{
	struct zone_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->mem = kunit_kzalloc(test, size, GFP_KERNEL);
	f->text = kunit_kzalloc(test, TEXT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->mem);
	KUNIT_ASSERT_NOT_NULL(test, f->text);
	for (i = 0; i < TEXT_SIZE; i++)
		f->text[i] = 'a' + i % 26;
	if (ecc) {
		f->rs = init_rs(RAMOOPS_ECC_SYMSIZE, RAMOOPS_ECC_POLY, 0, 1,
				ecc);
		KUNIT_ASSERT_NOT_NULL(test, f->rs);
	}
	KUNIT_ASSERT_EQ(test, ramoops_zone_init(&f->z, type, f->mem, size, ecc,
						f->rs), 0);
	return f;
}

static void zone_teardown(struct zone_fixture *f)
{
	if (f->rs)
		free_rs(f->rs);
}

static void ramoops_record_round_trip(struct kunit *test)
{
	struct zone_fixture *f = zone_setup(test, RAMOOPS_ZONE_DMESG, 4096, 0);
	struct ramoops_hdr_info info = good_dmesg;
	u8 *out = kunit_kzalloc(test, 4096, GFP_KERNEL);
	const char *why;

	KUNIT_EXPECT_EQ(test, ramoops_zone_check(&f->z, &why), -ENODATA);
	KUNIT_EXPECT_EQ(test, f->z.data_size, 4096U - 40U);
	info.compressed = false;
	KUNIT_ASSERT_EQ(test, ramoops_zone_write_record(&f->z, f->text, 3000,
							&info), 0);
	/* what the next boot finds */
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_TRUE(test, f->z.valid);
	KUNIT_EXPECT_FALSE(test, f->z.crc_bad);
	KUNIT_EXPECT_EQ(test, ramoops_zone_copy_out(&f->z, out, 4096), 3000U);
	KUNIT_EXPECT_EQ(test, memcmp(out, f->text, 3000), 0);
	KUNIT_EXPECT_EQ(test, f->z.hdr.count, 3U);

	/* a damaged record is kept, and says so */
	f->mem[40 + 1000] ^= 0x20;
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_TRUE(test, f->z.crc_bad);
	KUNIT_EXPECT_GT(test, ramoops_zone_notice(&f->z, out, 200), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr((char *)out, "damaged"));

	/* too long: plain text is cut, compressed text refused */
	KUNIT_EXPECT_EQ(test, ramoops_zone_write_record(&f->z, f->text, 5000,
							&info), 0);
	KUNIT_EXPECT_EQ(test, f->z.hdr.size, 4096U - 40U);
	info.compressed = true;
	KUNIT_EXPECT_EQ(test, ramoops_zone_write_record(&f->z, f->text, 5000,
							&info), -EFBIG);

	ramoops_zone_reset(&f->z);
	KUNIT_EXPECT_EQ(test, ramoops_zone_check(&f->z, &why), -ENODATA);
}

/* Flip @n bytes of block @b of the zone's data. */
static void flip(struct zone_fixture *f, unsigned int b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		f->z.data[b * RAMOOPS_ECC_BLOCK + 3 * i] ^= 0xff;
}

static void ramoops_ecc_repairs_to_its_limit(struct kunit *test)
{
	struct zone_fixture *f = zone_setup(test, RAMOOPS_ZONE_DMESG, 4096, 16);
	struct ramoops_hdr_info info = good_dmesg;
	u8 *out = kunit_kzalloc(test, 4096, GFP_KERNEL);
	const char *why;

	info.compressed = false;
	KUNIT_ASSERT_EQ(test, ramoops_zone_write_record(&f->z, f->text, 2000,
							&info), 0);
	/* 16 parity bytes repair 8 bad bytes per block */
	flip(f, 0, 8);
	flip(f, 5, 3);
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_EQ(test, f->z.corrected, 11);
	KUNIT_EXPECT_EQ(test, f->z.bad_blocks, 0);
	ramoops_zone_copy_out(&f->z, out, 4096);
	KUNIT_EXPECT_EQ(test, memcmp(out, f->text, 2000), 0);
	ramoops_zone_notice(&f->z, out, 200);
	KUNIT_EXPECT_STREQ(test, (char *)out,
			   "\nECC: 11 Corrected bytes, 0 unrecoverable blocks\n");

	/* repaired in place: the next check finds nothing */
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_EQ(test, f->z.corrected, 0);
	ramoops_zone_notice(&f->z, out, 200);
	KUNIT_EXPECT_STREQ(test, (char *)out, "\nECC: No errors detected\n");

	/* one more than it can repair is detected, never mistaken */
	flip(f, 2, 9);
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_EQ(test, f->z.bad_blocks, 1);
	KUNIT_EXPECT_TRUE(test, f->z.crc_bad);

	/* the header has its own parity */
	ramoops_zone_write_record(&f->z, f->text, 2000, &info);
	f->mem[4] ^= 0x55;
	f->mem[20] ^= 0x55;
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_EQ(test, f->z.corrected, 2);
	memset(f->mem + 4, 0x5a, 12);
	KUNIT_EXPECT_EQ(test, ramoops_zone_check(&f->z, &why), -EINVAL);
	zone_teardown(f);
}

static void ramoops_ring_wraps(struct kunit *test)
{
	struct zone_fixture *f = zone_setup(test, RAMOOPS_ZONE_CONSOLE, 256, 0);
	size_t room = f->z.data_size;
	u8 *out = kunit_kzalloc(test, 512, GFP_KERNEL);
	const char *why;

	ramoops_zone_reset(&f->z);
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_EQ(test, f->z.hdr.size, 0U);
	ramoops_zone_ring_write(&f->z, f->text, 100);
	ramoops_zone_ring_write(&f->z, f->text + 100, 100);
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_EQ(test, ramoops_zone_copy_out(&f->z, out, 512), 200U);
	KUNIT_EXPECT_EQ(test, memcmp(out, f->text, 200), 0);

	/* past the end: the newest room bytes, oldest first */
	ramoops_zone_ring_write(&f->z, f->text + 200, 100);
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_EQ(test, ramoops_zone_copy_out(&f->z, out, 512), room);
	KUNIT_EXPECT_EQ(test, memcmp(out, f->text + 300 - room, room), 0);

	/* a write larger than the ring keeps its tail */
	ramoops_zone_ring_write(&f->z, f->text, 500);
	ramoops_zone_check(&f->z, &why);
	ramoops_zone_copy_out(&f->z, out, 512);
	KUNIT_EXPECT_EQ(test, memcmp(out, f->text + 500 - room, room), 0);
}

static void ramoops_ring_with_ecc(struct kunit *test)
{
	struct zone_fixture *f = zone_setup(test, RAMOOPS_ZONE_PMSG, 1024, 16);
	u8 *out = kunit_kzalloc(test, 1024, GFP_KERNEL);
	const char *why;
	int i;

	ramoops_zone_reset(&f->z);
	for (i = 0; i < 30; i++)
		ramoops_zone_ring_write(&f->z, f->text + 37 * i, 37);
	flip(f, 1, 5);
	KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), 0);
	KUNIT_EXPECT_EQ(test, f->z.corrected, 5);
	KUNIT_EXPECT_EQ(test, f->z.bad_blocks, 0);
	KUNIT_EXPECT_EQ(test, ramoops_zone_copy_out(&f->z, out, 1024),
			f->z.data_size);
	KUNIT_EXPECT_EQ(test, memcmp(out, f->text + 1110 - f->z.data_size,
				     f->z.data_size), 0);
	zone_teardown(f);
}

static void ramoops_garbage_zone(struct kunit *test)
{
	struct zone_fixture *f = zone_setup(test, RAMOOPS_ZONE_DMESG, 2048, 0);
	const char *why;
	int i;

	for (i = 0; i < 100; i++) {
		get_random_bytes(f->mem, 2048);
		KUNIT_ASSERT_EQ(test, ramoops_zone_check(&f->z, &why), -EINVAL);
		KUNIT_EXPECT_FALSE(test, f->z.valid);
	}
	/* another layout: upstream's "DBGC" zone header */
	memset(f->mem, 0, 2048);
	memcpy(f->mem, "DBGC", 4);
	KUNIT_EXPECT_EQ(test, ramoops_zone_check(&f->z, &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "another layout"));
}

/*
 * The next record replaces the zone written longest ago by sequence
 * number: without an RTC this boot's clock reads less than the last
 * boot's, and picking by time would overwrite the newest record.
 */
static void ramoops_picks_by_sequence(struct kunit *test)
{
	static const struct {
		bool valid[4];
		u32 seq[4];
		u64 time_ns[4];
		unsigned int pick;
		u32 next;
	} cases[] = {
		/* all empty: the first, and sequence 1 */
		{ { 0, 0, 0, 0 }, { 0 }, { 0 }, 0, 1 },
		/* an empty zone first, after the written ones */
		{ { 1, 0, 1, 0 }, { 7, 0, 8, 0 }, { 0 }, 1, 9 },
		/* full: the lowest sequence, whatever the clock said */
		{ { 1, 1, 1, 1 }, { 5, 6, 4, 7 }, { 900, 10, 500, 20 }, 2, 8 },
		/* across the wrap of the counter */
		{ { 1, 1, 1, 1 }, { 0xfffffffe, 0xffffffff, 0, 1 }, { 0 }, 0, 2 },
		/* records of before the sequence number (0): oldest */
		{ { 1, 1, 1, 1 }, { 3, 0, 2, 4 }, { 0 }, 1, 5 },
	};
	struct ramoops_zone z[4] = { };
	unsigned int i, j;
	u32 next;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (j = 0; j < 4; j++) {
			z[j].valid = cases[i].valid[j];
			z[j].hdr.seq = cases[i].seq[j];
			z[j].hdr.time_ns = cases[i].time_ns[j];
		}
		KUNIT_EXPECT_EQ_MSG(test, ramoops_pick_zone(z, 4, &next),
				    cases[i].pick, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, next, cases[i].next, "case %u", i);
	}
}

static struct kunit_case ramoops_test_cases[] = {
	KUNIT_CASE(ramoops_layout_defaults),
	KUNIT_CASE(ramoops_layout_refuses),
	KUNIT_CASE(ramoops_header_round_trip),
	KUNIT_CASE(ramoops_header_refuses),
	KUNIT_CASE(ramoops_ring_header_refuses),
	KUNIT_CASE(ramoops_record_round_trip),
	KUNIT_CASE(ramoops_ecc_repairs_to_its_limit),
	KUNIT_CASE(ramoops_ring_wraps),
	KUNIT_CASE(ramoops_ring_with_ecc),
	KUNIT_CASE(ramoops_garbage_zone),
	KUNIT_CASE(ramoops_picks_by_sequence),
	{}
};

static struct kunit_suite ramoops_test_suite = {
	.name = "ramoops",
	.test_cases = ramoops_test_cases,
};

kunit_test_suite(ramoops_test_suite);

MODULE_DESCRIPTION("KUnit tests for ramoops");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
