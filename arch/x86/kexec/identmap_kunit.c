// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the hand-off page tables: build them as the hand-off
 * does, then walk what was built.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <asm/pgtable_types.h>

#include "handoff.h"

struct pages {
	struct kunit *test;
	int left;	/* pages the allocator may still give */
	int used;
};

static void *test_page(void *data)
{
	struct pages *pages = data;
	void *page;

	if (!pages->left)
		return NULL;
	page = kunit_kzalloc(pages->test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(pages->test, page);
	KUNIT_ASSERT_TRUE(pages->test, IS_ALIGNED((unsigned long)page,
						  PAGE_SIZE));
	pages->left--;
	pages->used++;
	return page;
}

static void init_map(struct kunit *test, struct ident_map *map,
		     struct pages *pages, unsigned int levels, bool gbpages)
{
	*pages = (struct pages){ .test = test, .left = 64 };
	*map = (struct ident_map){
		.alloc_page = test_page,
		.data = pages,
		.levels = levels,
		.gbpages = gbpages,
	};
}

#define KERNEL_VA	0xffffffff81000000ULL

static void expect_maps(struct kunit *test, struct ident_map *map, u64 va,
			u64 pa, unsigned int want_level)
{
	unsigned int level = 0;
	u64 entry = ident_map_entry(map, va, &level);

	KUNIT_EXPECT_EQ_MSG(test, ident_map_lookup(map, va), pa, "va %#llx",
			    va);
	KUNIT_EXPECT_EQ_MSG(test, level, want_level, "va %#llx", va);
	/* Present, writable, a leaf; executable, not user, not global. */
	KUNIT_EXPECT_TRUE(test, entry & _PAGE_PRESENT);
	KUNIT_EXPECT_TRUE(test, entry & _PAGE_RW);
	KUNIT_EXPECT_TRUE(test, entry & _PAGE_PSE);
	KUNIT_EXPECT_FALSE(test, entry & (_PAGE_NX | _PAGE_USER | _PAGE_GLOBAL));
}

static void hand_off_layout(struct kunit *test, unsigned int levels,
			    bool gbpages)
{
	unsigned int leaf = gbpages ? 3 : 2;
	struct ident_map map;
	struct pages pages;

	init_map(test, &map, &pages, levels, gbpages);
	/* The low 4 GiB, RAM above it with a hole, the trampoline's text */
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G), 0);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, 5ULL * SZ_1G, 5ULL * SZ_1G,
					    SZ_1G + SZ_4M), 0);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, KERNEL_VA, 0x3000000,
					    2 * SZ_2M), 0);

	expect_maps(test, &map, 0, 0, leaf);
	expect_maps(test, &map, 0x9f123, 0x9f123, leaf);
	expect_maps(test, &map, SZ_4G - 1, SZ_4G - 1, leaf);
	expect_maps(test, &map, 5ULL * SZ_1G + 77, 5ULL * SZ_1G + 77, leaf);
	expect_maps(test, &map, 6ULL * SZ_1G + SZ_4M - 1,
		    6ULL * SZ_1G + SZ_4M - 1, 2);
	expect_maps(test, &map, KERNEL_VA + 0x1234, 0x3001234, 2);
	expect_maps(test, &map, KERNEL_VA + SZ_4M - 8, 0x3000000 + SZ_4M - 8, 2);

	KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, SZ_4G), IDENT_MAP_NONE);
	KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, 5ULL * SZ_1G - 1),
			IDENT_MAP_NONE);
	KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, 6ULL * SZ_1G + SZ_4M),
			IDENT_MAP_NONE);
	KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, KERNEL_VA - 1),
			IDENT_MAP_NONE);
	KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, KERNEL_VA + SZ_4M),
			IDENT_MAP_NONE);
	/* The kernel's physical address is identity mapped, not aliased */
	KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, 0x3000000), 0x3000000);
}

static void four_levels_2m(struct kunit *test)
{
	hand_off_layout(test, 4, false);
}

static void four_levels_1g(struct kunit *test)
{
	hand_off_layout(test, 4, true);
}

static void five_levels(struct kunit *test)
{
	hand_off_layout(test, 5, false);
	hand_off_layout(test, 5, true);
}

/* Page tables used: a top, one table per level below, leaves in the last. */
static void table_count(struct kunit *test)
{
	struct ident_map map;
	struct pages pages;

	init_map(test, &map, &pages, 4, false);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G), 0);
	/* PML4, one PDPT, four page directories of 512 x 2 MiB */
	KUNIT_EXPECT_EQ(test, pages.used, 6);

	init_map(test, &map, &pages, 4, true);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G), 0);
	KUNIT_EXPECT_EQ(test, pages.used, 2);
}

static void remap_same(struct kunit *test)
{
	struct ident_map map;
	struct pages pages;
	int used;

	init_map(test, &map, &pages, 4, true);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G), 0);
	used = pages.used;
	/* RAM ranges inside what the 1 GiB leaves map: nothing new */
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, SZ_2M, SZ_2M, SZ_8M), 0);
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G), 0);
	KUNIT_EXPECT_EQ(test, pages.used, used);
}

/* 2 MiB leaves first, then a 1 GiB range over them: 2 MiB at a time */
static void gigabyte_over_2m(struct kunit *test)
{
	struct ident_map map;
	struct pages pages;
	u64 at;

	init_map(test, &map, &pages, 4, true);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, SZ_1G + SZ_4M,
					    SZ_1G + SZ_4M, SZ_2M), 0);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G), 0);
	for (at = 0; at < SZ_4G; at += SZ_256M / 2)
		KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, at + 4096),
				at + 4096);
	expect_maps(test, &map, SZ_1G + SZ_512M, SZ_1G + SZ_512M, 2);
	expect_maps(test, &map, SZ_2G, SZ_2G, 3);
}

static void conflicts(struct kunit *test)
{
	struct ident_map map;
	struct pages pages;

	init_map(test, &map, &pages, 4, true);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G), 0);
	/* Inside a 1 GiB leaf, and on a 2 MiB leaf, somewhere else */
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, SZ_2M, SZ_4M, SZ_2M),
			-EEXIST);
	KUNIT_ASSERT_EQ(test, ident_map_add(&map, KERNEL_VA, SZ_16M, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, KERNEL_VA, SZ_32M, SZ_2M),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, KERNEL_VA), SZ_16M);
}

static void bad_arguments(struct kunit *test)
{
	struct ident_map map;
	struct pages pages;

	init_map(test, &map, &pages, 4, false);
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, 4096, 4096, SZ_2M), -EINVAL);
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, 0, 4096, SZ_2M), -EINVAL);
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, 0, 0, SZ_2M + 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, -SZ_2M, -SZ_2M, SZ_4M),
			-EINVAL);
	map.levels = 3;
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, 0, 0, SZ_2M), -EINVAL);
	KUNIT_EXPECT_EQ(test, pages.used, 0);
	/* Nothing built, nothing mapped */
	map.levels = 4;
	KUNIT_EXPECT_EQ(test, ident_map_lookup(&map, 0), IDENT_MAP_NONE);
}

static void out_of_pages(struct kunit *test)
{
	struct ident_map map;
	struct pages pages;
	int budget;

	/* Every budget short of the 6 pages needed fails cleanly */
	for (budget = 0; budget < 6; budget++) {
		init_map(test, &map, &pages, 4, false);
		pages.left = budget;
		KUNIT_EXPECT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G),
				-ENOMEM);
	}
	init_map(test, &map, &pages, 4, false);
	pages.left = 6;
	KUNIT_EXPECT_EQ(test, ident_map_add(&map, 0, 0, SZ_4G), 0);
}

static struct kunit_case identmap_cases[] = {
	KUNIT_CASE(four_levels_2m),
	KUNIT_CASE(four_levels_1g),
	KUNIT_CASE(five_levels),
	KUNIT_CASE(table_count),
	KUNIT_CASE(remap_same),
	KUNIT_CASE(gigabyte_over_2m),
	KUNIT_CASE(conflicts),
	KUNIT_CASE(bad_arguments),
	KUNIT_CASE(out_of_pages),
	{}
};

static struct kunit_suite identmap_suite = {
	.name = "crash_handoff_identmap",
	.test_cases = identmap_cases,
};

kunit_test_suite(identmap_suite);

MODULE_DESCRIPTION("KUnit tests for the x86-64 crash hand-off page tables");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
