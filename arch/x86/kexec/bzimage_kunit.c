// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the capture kernel loader: the bzImage setup header
 * checks, and the memory map it gives the capture kernel.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <asm/e820/types.h>

#include "handoff.h"

#define IMAGE_LEN	4096
#define GOOD_XLOADFLAGS	(XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G | XLF_5LEVEL)

/* A setup header the loader accepts, in front of 3 KiB of "kernel". */
static u8 *good_image(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, IMAGE_LEN, GFP_KERNEL);
	struct setup_header *h;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	h = (void *)buf + offsetof(struct boot_params, hdr);
	h->setup_sects = 1;
	h->boot_flag = 0xaa55;
	memcpy(&h->header, "HdrS", 4);
	h->version = 0x020f;
	h->loadflags = LOADED_HIGH;
	h->xloadflags = GOOD_XLOADFLAGS;
	h->relocatable_kernel = 1;
	h->kernel_alignment = SZ_2M;
	h->init_size = SZ_64K;
	return buf;
}

static struct setup_header *hdr(u8 *buf)
{
	return (void *)buf + offsetof(struct boot_params, hdr);
}

static void accepts_a_bzimage64(struct kunit *test)
{
	u8 *buf = good_image(test);

	KUNIT_EXPECT_NULL(test, bzimage_check(buf, IMAGE_LEN, 0));
	KUNIT_EXPECT_NULL(test, bzimage_check(buf, IMAGE_LEN, BZIMAGE_LA57));
	/* setup_sects 0 means 4 */
	hdr(buf)->setup_sects = 0;
	KUNIT_EXPECT_NULL(test, bzimage_check(buf, IMAGE_LEN, 0));
}

#define OFF(f)		offsetof(struct setup_header, f)
#define LEN(f)		sizeof_field(struct setup_header, f)

/* One field of the good header set to a bad value, and the complaint */
static const struct damage {
	const char *what;
	size_t offset, size;
	u32 value;
	const char *reason;
} damages[] = {
	{ "magic", OFF(header), LEN(header), 0x53726449,
	  "no setup header" },
	{ "boot flag", OFF(boot_flag), LEN(boot_flag), 0,
	  "no boot sector signature" },
	{ "protocol 2.11", OFF(version), LEN(version), 0x020b,
	  "older than 2.12" },
	{ "zImage", OFF(loadflags), LEN(loadflags), 0, "a zImage" },
	{ "32-bit only", OFF(xloadflags), LEN(xloadflags),
	  GOOD_XLOADFLAGS & ~XLF_KERNEL_64, "no 64-bit entry point" },
	{ "below 4 GiB only", OFF(xloadflags), LEN(xloadflags),
	  GOOD_XLOADFLAGS & ~XLF_CAN_BE_LOADED_ABOVE_4G, "above 4 GiB" },
	{ "not relocatable", OFF(relocatable_kernel),
	  LEN(relocatable_kernel), 0, "not relocatable" },
	{ "alignment 3 MiB", OFF(kernel_alignment), LEN(kernel_alignment),
	  3 << 20, "not a power of 2" },
	{ "alignment 0", OFF(kernel_alignment), LEN(kernel_alignment), 0,
	  "not a power of 2" },
	{ "setup code to the end", OFF(setup_sects), LEN(setup_sects), 7,
	  "truncated" },
	{ "init_size too small", OFF(init_size), LEN(init_size), 1024,
	  "init_size" },
};

static void refuses_damaged_headers(struct kunit *test)
{
	const struct damage *d;
	const char *why;
	u8 *buf;

	for (d = damages; d < damages + ARRAY_SIZE(damages); d++) {
		buf = good_image(test);
		/* little-endian: the low bytes of the value */
		memcpy((u8 *)hdr(buf) + d->offset, &d->value,
		       min(d->size, sizeof(d->value)));
		why = bzimage_check(buf, IMAGE_LEN, 0);
		KUNIT_EXPECT_NOT_NULL_MSG(test, why, "%s", d->what);
		if (why)
			KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, d->reason),
						  "%s: \"%s\"", d->what, why);
	}
}

static void refuses_short_files(struct kunit *test)
{
	u8 *buf = good_image(test);

	KUNIT_EXPECT_NOT_NULL(test, bzimage_check(buf, 0, 0));
	KUNIT_EXPECT_NOT_NULL(test, bzimage_check(buf, 1023, 0));
	/* The setup code (2 sectors) and not a byte more */
	KUNIT_EXPECT_NOT_NULL(test, bzimage_check(buf, 1024, 0));
	KUNIT_EXPECT_NULL(test, bzimage_check(buf, 1025, 0));
}

static void refuses_4_levels_under_la57(struct kunit *test)
{
	u8 *buf = good_image(test);

	hdr(buf)->xloadflags &= ~XLF_5LEVEL;
	KUNIT_EXPECT_NULL(test, bzimage_check(buf, IMAGE_LEN, 0));
	KUNIT_EXPECT_NOT_NULL(test, bzimage_check(buf, IMAGE_LEN, BZIMAGE_LA57));
}

/* Upstream's rule too: a 64-bit kernel is not entered on 32-bit EFI */
static void refuses_32bit_efi(struct kunit *test)
{
	u8 *buf = good_image(test);
	const char *why;

	why = bzimage_check(buf, IMAGE_LEN, BZIMAGE_EFI32);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "EFI is 32-bit"));
	KUNIT_EXPECT_NOT_NULL(test, bzimage_check(buf, IMAGE_LEN,
						  BZIMAGE_EFI32 | BZIMAGE_LA57));
}

static struct kexec_e820 *new_map(struct kunit *test)
{
	struct kexec_e820 *map = kunit_kzalloc(test, sizeof(*map), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, map);
	return map;
}

static void expect_entry(struct kunit *test, struct kexec_e820 *map,
			 unsigned int i, u64 addr, u64 size, u32 type)
{
	KUNIT_ASSERT_LT(test, i, map->nr);
	KUNIT_EXPECT_EQ_MSG(test, map->table[i].addr, addr, "entry %u", i);
	KUNIT_EXPECT_EQ_MSG(test, map->table[i].size, size, "entry %u", i);
	KUNIT_EXPECT_EQ_MSG(test, map->table[i].type, type, "entry %u", i);
}

/* The capture kernel's map as the loader adds it, in its order. */
static void capture_kernel_map(struct kunit *test)
{
	struct kexec_e820 *map = new_map(test);
	u64 crash = 0x30000000, hdr = 0x3ff00000;

	KUNIT_ASSERT_EQ(test, kexec_e820_add(map, 0x1000, 0x9e000,
					     E820_TYPE_RAM), 0);
	KUNIT_ASSERT_EQ(test, kexec_e820_add(map, 0x7ffe0000, 0x20000,
					     E820_TYPE_ACPI), 0);
	KUNIT_ASSERT_EQ(test, kexec_e820_add(map, 0x9fc00, 0x400,
					     E820_TYPE_RESERVED), 0);
	KUNIT_ASSERT_EQ(test, kexec_e820_add(map, 0xf0000, 0x10000,
					     E820_TYPE_RESERVED), 0);
	/* the crash region around its ELF header */
	KUNIT_ASSERT_EQ(test, kexec_e820_add(map, crash, hdr - crash,
					     E820_TYPE_RAM), 0);
	KUNIT_ASSERT_EQ(test, kexec_e820_add(map, hdr + SZ_64K,
					     crash + SZ_256M - hdr - SZ_64K,
					     E820_TYPE_RAM), 0);
	KUNIT_ASSERT_EQ(test, kexec_e820_add(map, 0xfffc0000, 0, E820_TYPE_RAM),
			0);
	KUNIT_ASSERT_EQ(test, kexec_e820_finish(map), 0);

	KUNIT_EXPECT_EQ(test, map->nr, 6);
	expect_entry(test, map, 0, 0x1000, 0x9e000, E820_TYPE_RAM);
	expect_entry(test, map, 1, 0x9fc00, 0x400, E820_TYPE_RESERVED);
	expect_entry(test, map, 2, 0xf0000, 0x10000, E820_TYPE_RESERVED);
	expect_entry(test, map, 3, crash, hdr - crash, E820_TYPE_RAM);
	expect_entry(test, map, 4, hdr + SZ_64K, crash + SZ_256M - hdr - SZ_64K,
		     E820_TYPE_RAM);
	expect_entry(test, map, 5, 0x7ffe0000, 0x20000, E820_TYPE_ACPI);
}

static void merges_one_type(struct kunit *test)
{
	struct kexec_e820 *map = new_map(test);

	/* touching, nested and overlapping ranges of one type */
	kexec_e820_add(map, 0x200000, 0x100000, E820_TYPE_RAM);
	kexec_e820_add(map, 0x100000, 0x100000, E820_TYPE_RAM);
	kexec_e820_add(map, 0x180000, 0x10000, E820_TYPE_RAM);
	kexec_e820_add(map, 0x280000, 0x100000, E820_TYPE_RAM);
	kexec_e820_add(map, 0x400000, 0x1000, E820_TYPE_RESERVED);
	kexec_e820_add(map, 0x401000, 0x1000, E820_TYPE_RAM);
	KUNIT_ASSERT_EQ(test, kexec_e820_finish(map), 0);
	KUNIT_EXPECT_EQ(test, map->nr, 3);
	expect_entry(test, map, 0, 0x100000, 0x280000, E820_TYPE_RAM);
	expect_entry(test, map, 1, 0x400000, 0x1000, E820_TYPE_RESERVED);
	expect_entry(test, map, 2, 0x401000, 0x1000, E820_TYPE_RAM);
}

static void refuses_two_types_on_a_byte(struct kunit *test)
{
	struct kexec_e820 *map = new_map(test);

	kexec_e820_add(map, 0x100000, 0x100000, E820_TYPE_RAM);
	kexec_e820_add(map, 0x1ff000, 0x2000, E820_TYPE_ACPI);
	KUNIT_EXPECT_EQ(test, kexec_e820_finish(map), -EINVAL);
}

static void refuses_a_full_table(struct kunit *test)
{
	struct kexec_e820 *map = new_map(test);
	unsigned int i;

	/* more than boot_params holds: the rest goes in SETUP_E820_EXT */
	for (i = 0; i < E820_MAX_ENTRIES; i++)
		KUNIT_ASSERT_EQ(test, kexec_e820_add(map, 2ULL * i * SZ_1M,
						     SZ_1M, E820_TYPE_RAM), 0);
	KUNIT_EXPECT_EQ(test, kexec_e820_add(map, SZ_4G, SZ_1M,
					     E820_TYPE_RAM), -E2BIG);
	/* an empty range needs no room */
	KUNIT_EXPECT_EQ(test, kexec_e820_add(map, SZ_4G, 0, E820_TYPE_RAM), 0);
	KUNIT_EXPECT_EQ(test, kexec_e820_finish(map), 0);
	KUNIT_EXPECT_EQ(test, map->nr, E820_MAX_ENTRIES);
}

/* Walk a setup_data list built at @buf for @phys; count each type. */
static void walk_setup_data(struct kunit *test, void *buf, u64 phys, u64 at,
			    unsigned int *seen)
{
	unsigned int n = 0;

	while (at && n++ < 8) {
		struct setup_data *sd;

		KUNIT_ASSERT_GE(test, at, phys);
		KUNIT_ASSERT_LT(test, at - phys, (u64)KEXEC_SETUP_DATA_MAX);
		KUNIT_EXPECT_EQ(test, at % 8, 0);
		sd = buf + (at - phys);
		KUNIT_ASSERT_LE(test, at - phys + sizeof(*sd) + sd->len,
				(u64)KEXEC_SETUP_DATA_MAX);
		if (sd->type < 16)
			seen[sd->type]++;
		at = sd->next;
	}
	KUNIT_EXPECT_EQ(test, at, 0);
}

/* The entries past boot_params', the RNG seed and IMA's list, linked. */
static void passes_setup_data(struct kunit *test)
{
	struct kexec_e820 *map = new_map(test);
	u8 *buf = kunit_kzalloc(test, KEXEC_SETUP_DATA_MAX, GFP_KERNEL);
	u8 seed[KEXEC_RNG_SEED] = { 1, 2, 3 };
	struct kexec_setup s = { .map = map };
	const u64 phys = 0x7f000000;
	unsigned int seen[16] = { }, i;
	struct setup_data *sd;
	u64 at;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* nothing to pass */
	KUNIT_EXPECT_EQ(test, kexec_setup_data(buf, phys, &s), 0);

	for (i = 0; i < E820_MAX_ENTRIES_ZEROPAGE + 3; i++)
		kexec_e820_add(map, 2ULL * i * SZ_1M, SZ_1M, E820_TYPE_RAM);
	s.rng_seed = seed;
	s.ima_addr = 0x12340000;
	s.ima_size = 0x3000;
	at = kexec_setup_data(buf, phys, &s);
	walk_setup_data(test, buf, phys, at, seen);
	KUNIT_EXPECT_EQ(test, seen[SETUP_E820_EXT], 1);
	KUNIT_EXPECT_EQ(test, seen[SETUP_RNG_SEED], 1);
	KUNIT_EXPECT_EQ(test, seen[SETUP_IMA], 1);

	/* the list starts with the last added: IMA, then the seed, the map */
	sd = (struct setup_data *)(buf + (at - phys));
	KUNIT_ASSERT_EQ(test, sd->type, SETUP_IMA);
	KUNIT_EXPECT_EQ(test, ((u64 *)sd->data)[0], 0x12340000ULL);
	KUNIT_EXPECT_EQ(test, ((u64 *)sd->data)[1], 0x3000ULL);
	sd = (struct setup_data *)(buf + (sd->next - phys));
	KUNIT_ASSERT_EQ(test, sd->type, SETUP_RNG_SEED);
	KUNIT_EXPECT_EQ(test, sd->len, KEXEC_RNG_SEED);
	KUNIT_EXPECT_EQ(test, memcmp(sd->data, seed, KEXEC_RNG_SEED), 0);
	sd = (struct setup_data *)(buf + (sd->next - phys));
	KUNIT_ASSERT_EQ(test, sd->type, SETUP_E820_EXT);
	KUNIT_ASSERT_EQ(test, sd->len, 3 * sizeof(struct boot_e820_entry));
	KUNIT_EXPECT_EQ(test, ((struct boot_e820_entry *)sd->data)[2].addr,
			2ULL * (E820_MAX_ENTRIES_ZEROPAGE + 2) * SZ_1M);

	/* a full map, with everything: within the room reserved for it */
	memset(seen, 0, sizeof(seen));
	for (; i < E820_MAX_ENTRIES; i++)
		kexec_e820_add(map, 2ULL * i * SZ_1M, SZ_1M, E820_TYPE_RAM);
	walk_setup_data(test, buf, phys, kexec_setup_data(buf, phys, &s), seen);
	KUNIT_EXPECT_EQ(test, seen[SETUP_E820_EXT], 1);
}

static struct kunit_case bzimage_cases[] = {
	KUNIT_CASE(accepts_a_bzimage64),
	KUNIT_CASE(refuses_damaged_headers),
	KUNIT_CASE(refuses_short_files),
	KUNIT_CASE(refuses_4_levels_under_la57),
	KUNIT_CASE(refuses_32bit_efi),
	KUNIT_CASE(capture_kernel_map),
	KUNIT_CASE(merges_one_type),
	KUNIT_CASE(refuses_two_types_on_a_byte),
	KUNIT_CASE(refuses_a_full_table),
	KUNIT_CASE(passes_setup_data),
	{}
};

static struct kunit_suite bzimage_suite = {
	.name = "crash_bzimage64",
	.test_cases = bzimage_cases,
};

kunit_test_suite(bzimage_suite);

MODULE_DESCRIPTION("KUnit tests for the x86-64 capture kernel loader");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
