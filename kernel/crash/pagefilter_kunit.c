// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the dump filter's page classification: the layout
 * read from VMCOREINFO text (this kernel's own, and damaged copies),
 * made-up struct page arrays of each kind, free blocks and folios of
 * each order, corrupted fields, and the kept ranges' bound.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/crc32.h>
#include <linux/elf.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>
#include <linux/string.h>
#include <linux/vmcore_info.h>

#include "memmap.h"
#include "pagefilter.h"
#include "vmcore.h"

/* 6.12's x86-64 layout, as its VMCOREINFO prints it */
static const char layout_text[] =
	"OSRELEASE=6.12.0\n"
	"SIZE(page)=64\n"
	"OFFSET(page.flags)=0\n"
	"OFFSET(page._refcount)=52\n"
	"OFFSET(page.mapping)=24\n"
	"OFFSET(page.lru)=8\n"
	"OFFSET(page._mapcount)=48\n"
	"OFFSET(page.private)=40\n"
	"OFFSET(page.compound_head)=8\n"
	"LENGTH(zone.free_area)=11\n"
	"NUMBER(PG_lru)=5\n"
	"NUMBER(PG_private)=14\n"
	"NUMBER(PG_swapcache)=10\n"
	"NUMBER(PG_swapbacked)=17\n"
	"NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\n"
	"NUMBER(PG_hwpoison)=20\n"
	"NUMBER(PG_head_mask)=64\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
	"NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-201326592\n"
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240\n";

#define NPAGES		2048
#define MEMMAP		0xffffea0000000000ULL	/* the fake vmemmap */
#define MAPPING		0xffff888012345600ULL	/* an address_space */
#define ANON		(0xffff888012345700ULL | 1)

/* made-up struct pages, 64 bytes each as in layout_text */
struct fpage {
	u64 flags, head, lru2, mapping, index, private;
	u32 type, refcount;
	u64 memcg;
};

struct pf_test {
	struct crash_page_layout l;
	struct fpage p[NPAGES];
	enum crash_page_kind kind[NPAGES];
};

static void pf_reset(struct pf_test *t)
{
	unsigned int i;

	memset(t->p, 0, sizeof(t->p));
	for (i = 0; i < NPAGES; i++)
		t->p[i].type = ~0U;	/* no type, not mapped */
}

static void pf_walk(struct pf_test *t)
{
	struct crash_page_walk w;
	unsigned int i;

	crash_page_walk_init(&w, &t->l, MEMMAP);
	for (i = 0; i < NPAGES; i++)
		t->kind[i] = crash_page_walk_next(&w, i, &t->p[i],
						  i + 1 < NPAGES ?
						  &t->p[i + 1] : NULL);
}

static void pf_buddy(struct pf_test *t, unsigned int pfn, u64 order)
{
	t->p[pfn].type = 0xf0000000;
	t->p[pfn].private = order;
}

static void pf_folio(struct pf_test *t, unsigned int pfn, unsigned int order,
		     u64 flags, u64 mapping)
{
	unsigned int i;

	t->p[pfn].flags = flags | BIT(6);	/* PG_head */
	t->p[pfn].mapping = mapping;
	t->p[pfn + 1].flags = order;		/* _flags_1's low byte */
	for (i = 1; i < 1U << order; i++)
		t->p[pfn + i].head = MEMMAP + (u64)pfn * 64 + 1;
}

static int pf_init(struct kunit *test)
{
	struct pf_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	const char *why = NULL;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, crash_page_layout_parse(layout_text,
						      strlen(layout_text),
						      &t->l, &why), 0);
	pf_reset(t);
	test->priv = t;
	return 0;
}

static void pf_layout_fields(struct kunit *test)
{
	struct pf_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, t->l.size, 64);
	KUNIT_EXPECT_EQ(test, t->l.off_mapping, 24);
	KUNIT_EXPECT_EQ(test, t->l.off_type, 48);
	KUNIT_EXPECT_EQ(test, t->l.pg_head, 6);
	KUNIT_EXPECT_EQ(test, t->l.pg_hwpoison, 20);
	KUNIT_EXPECT_EQ(test, t->l.ty_buddy, 0xf0);
	KUNIT_EXPECT_EQ(test, t->l.ty_slab, 0xf5);
	KUNIT_EXPECT_EQ(test, t->l.ty_hugetlb, 0xf4);
	KUNIT_EXPECT_EQ(test, t->l.ty_offline, 0xf1);
	KUNIT_EXPECT_EQ(test, t->l.max_order, 10);
}

/* This kernel's own VMCOREINFO describes this kernel's struct page. */
static void pf_layout_of_this_kernel(struct kunit *test)
{
	struct crash_page_layout l;
	const char *why = NULL;

	if (!IS_ENABLED(CONFIG_VMCORE_INFO) || !vmcoreinfo_data)
		kunit_skip(test, "no VMCOREINFO");
	KUNIT_ASSERT_EQ_MSG(test, crash_page_layout_parse(vmcoreinfo_data,
							  vmcoreinfo_size,
							  &l, &why), 0,
			    "%s", why);
	KUNIT_EXPECT_EQ(test, l.size, sizeof(struct page));
	KUNIT_EXPECT_EQ(test, l.off_flags, offsetof(struct page, flags));
	KUNIT_EXPECT_EQ(test, l.off_mapping, offsetof(struct page, mapping));
	KUNIT_EXPECT_EQ(test, l.off_private, offsetof(struct page, private));
	KUNIT_EXPECT_EQ(test, l.off_head,
			offsetof(struct page, compound_head));
	KUNIT_EXPECT_EQ(test, l.off_type, offsetof(struct page, page_type));
	KUNIT_EXPECT_EQ(test, l.pg_lru, PG_lru);
	KUNIT_EXPECT_EQ(test, l.pg_head, PG_head);
	KUNIT_EXPECT_EQ(test, l.ty_buddy, PGTY_buddy);
	KUNIT_EXPECT_EQ(test, l.ty_slab, PGTY_slab);
	KUNIT_EXPECT_EQ(test, l.max_order, MAX_PAGE_ORDER);
}

/* A key missing, a value out of range or not a number: refused, named. */
static void pf_layout_damaged(struct kunit *test)
{
	static const struct {
		const char *from, *to, *why;
	} cases[] = {
		{ "OFFSET(page.mapping)=24", "", "OFFSET(page.mapping)" },
		{ "OFFSET(page.mapping)=24", "OFFSET(page.mapping)=60",
		  "SIZE(page)" },
		{ "OFFSET(page.mapping)=24", "OFFSET(page.mapping)=-8",
		  "OFFSET(page.mapping)" },
		{ "OFFSET(page.mapping)=24", "OFFSET(page.mapping)=2x",
		  "OFFSET(page.mapping)" },
		{ "OFFSET(page.mapping)=24",
		  "OFFSET(page.mapping)=99999999999999999999999999",
		  "OFFSET(page.mapping)" },
		{ "SIZE(page)=64", "SIZE(page)=16", "SIZE(page)" },
		{ "NUMBER(PG_lru)=5", "NUMBER(PG_lru)=64", "NUMBER(PG_lru)" },
		{ "NUMBER(PG_head_mask)=64", "NUMBER(PG_head_mask)=96",
		  "NUMBER(PG_head_mask)" },
		{ "-268435456", "-268435455",
		  "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)" },
		{ "-268435456", "4026531840",
		  "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)" },
		{ "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376", "",
		  "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)" },
		{ "LENGTH(zone.free_area)=11", "LENGTH(zone.free_area)=0",
		  "LENGTH(zone.free_area)" },
		{ "LENGTH(zone.free_area)=11", "LENGTH(zone.free_area)=",
		  "LENGTH(zone.free_area)" },
	};
	size_t size = sizeof(layout_text) + 64;
	char *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	struct crash_page_layout l;
	const char *why = NULL;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *at = strstr(layout_text, cases[i].from);
		int ret;

		snprintf(buf, size, "%.*s%s%s", (int)(at - layout_text),
			 layout_text, cases[i].to, at + strlen(cases[i].from));
		ret = crash_page_layout_parse(buf, strlen(buf), &l, &why);
		KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "case %u", i);
		KUNIT_EXPECT_STREQ_MSG(test, why, cases[i].why, "case %u", i);
	}
	/* the optional keys: without them, no poisoned or hugetlb pages */
	strscpy(buf, layout_text, size);
	*strstr(buf, "NUMBER(PG_hwpoison)") = 'X';
	*strstr(buf, "NUMBER(PAGE_HUGETLB") = 'X';
	KUNIT_EXPECT_EQ(test, crash_page_layout_parse(buf, strlen(buf), &l,
						      &why), 0);
	KUNIT_EXPECT_EQ(test, l.pg_hwpoison, -1);
	KUNIT_EXPECT_EQ(test, l.ty_hugetlb, 0);
	/* no trailing newline, a line without '=' */
	KUNIT_EXPECT_EQ(test, crash_page_layout_parse(buf, strlen(buf) - 1, &l,
						      &why), 0);
	KUNIT_EXPECT_EQ(test, crash_page_layout_parse("junk\n", 5, &l,
						      &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "SIZE(page)");
}

/* One page of each kind, each alone */
static void pf_single_pages(struct kunit *test)
{
	struct pf_test *t = test->priv;

	t->p[1].flags = BIT(5);			/* PG_lru */
	t->p[1].mapping = MAPPING;		/* page cache */
	t->p[2].flags = BIT(5) | BIT(14);	/* ... with PG_private */
	t->p[2].mapping = MAPPING;
	t->p[3].flags = BIT(5);
	t->p[3].mapping = ANON;			/* anonymous */
	t->p[4].type = 0xf5000000;		/* slab */
	t->p[4].mapping = ANON;			/* (slab reuses the word) */
	t->p[5].flags = BIT(20);		/* PG_hwpoison */
	t->p[6].type = 0xf1000000;		/* offline */
	t->p[7].flags = BIT(10) | BIT(17);	/* swap cache */
	t->p[7].mapping = MAPPING;
	t->p[8].mapping = ANON | 2;		/* KSM */
	t->p[9].flags = BIT(10);		/* PG_owner_priv_1 alone */
	t->p[9].mapping = MAPPING;
	t->p[10].flags = BIT(5);		/* on the LRU, no mapping */
	t->p[11].flags = BIT(5);		/* mapping not a pointer */
	t->p[11].mapping = 0x12345600;
	t->p[12].flags = BIT(5);
	t->p[12].mapping = MAPPING | 2;		/* movable, not cache */
	pf_walk(t);
	KUNIT_EXPECT_EQ(test, t->kind[0], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[1], CRASH_PAGE_CACHE);
	KUNIT_EXPECT_EQ(test, t->kind[2], CRASH_PAGE_CACHE_PRIVATE);
	KUNIT_EXPECT_EQ(test, t->kind[3], CRASH_PAGE_USER);
	KUNIT_EXPECT_EQ(test, t->kind[4], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[5], CRASH_PAGE_POISON);
	KUNIT_EXPECT_EQ(test, t->kind[6], CRASH_PAGE_POISON);
	KUNIT_EXPECT_EQ(test, t->kind[7], CRASH_PAGE_CACHE);
	KUNIT_EXPECT_EQ(test, t->kind[8], CRASH_PAGE_USER);
	KUNIT_EXPECT_EQ(test, t->kind[9], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[10], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[11], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[12], CRASH_PAGE_KEEP);
}

/* Free blocks of every order, and orders a corrupted page may give */
static void pf_buddy_orders(struct kunit *test)
{
	struct pf_test *t = test->priv;
	unsigned int order, i;

	for (order = 0; order <= 10; order++) {
		pf_reset(t);
		pf_buddy(t, 1024, order);
		pf_walk(t);
		for (i = 1020; i < NPAGES; i++)
			KUNIT_EXPECT_EQ_MSG(test, t->kind[i],
					    i >= 1024 && i < 1024 + (1U << order) ?
					    CRASH_PAGE_FREE : CRASH_PAGE_KEEP,
					    "order %u pfn %u", order, i);
	}
	/* above the allocator's largest order, or misaligned: kept */
	pf_reset(t);
	pf_buddy(t, 0, 11);
	pf_buddy(t, 1025, 1);
	pf_buddy(t, 1536, ~0ULL);
	pf_walk(t);
	for (i = 0; i < NPAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, t->kind[i], CRASH_PAGE_KEEP, "pfn %u",
				    i);
}

/* A page inside a free block that is not free ends the block there. */
static void pf_buddy_inconsistent(struct kunit *test)
{
	struct pf_test *t = test->priv;
	unsigned int i;

	pf_buddy(t, 0, 4);
	t->p[5].flags = BIT(5);			/* on an LRU */
	t->p[5].mapping = MAPPING;
	pf_buddy(t, 16, 4);
	t->p[20].head = MEMMAP + 1;		/* a tail */
	pf_buddy(t, 32, 4);
	t->p[40].type = 0xf5000000;		/* slab */
	pf_buddy(t, 48, 4);
	pf_buddy(t, 50, 1);			/* a block inside a block */
	pf_walk(t);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, t->kind[i], CRASH_PAGE_FREE);
	KUNIT_EXPECT_EQ(test, t->kind[5], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[6], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[19], CRASH_PAGE_FREE);
	KUNIT_EXPECT_EQ(test, t->kind[20], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[21], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[39], CRASH_PAGE_FREE);
	KUNIT_EXPECT_EQ(test, t->kind[40], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[49], CRASH_PAGE_FREE);
	KUNIT_EXPECT_EQ(test, t->kind[50], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[63], CRASH_PAGE_KEEP);
}

/* Folios of every order take their head's kind; hugetlb is user. */
static void pf_folios(struct kunit *test)
{
	struct pf_test *t = test->priv;
	unsigned int order, i;

	for (order = 1; order <= 10; order++) {
		pf_reset(t);
		pf_folio(t, 1024, order, BIT(5), MAPPING);
		pf_walk(t);
		for (i = 1000; i < NPAGES; i++)
			KUNIT_EXPECT_EQ_MSG(test, t->kind[i],
					    i >= 1024 && i < 1024 + (1U << order) ?
					    CRASH_PAGE_CACHE : CRASH_PAGE_KEEP,
					    "order %u pfn %u", order, i);
	}
	pf_reset(t);
	pf_folio(t, 512, 9, 0, 0);
	t->p[512].type = 0xf4000000;		/* hugetlb */
	pf_folio(t, 1024, 2, BIT(5), ANON);
	pf_walk(t);
	KUNIT_EXPECT_EQ(test, t->kind[512], CRASH_PAGE_USER);
	KUNIT_EXPECT_EQ(test, t->kind[1023], CRASH_PAGE_USER);
	KUNIT_EXPECT_EQ(test, t->kind[1024], CRASH_PAGE_USER);
	KUNIT_EXPECT_EQ(test, t->kind[1027], CRASH_PAGE_USER);
	KUNIT_EXPECT_EQ(test, t->kind[1028], CRASH_PAGE_KEEP);
}

/* A folio whose fields do not agree is kept, whole or from the fault. */
static void pf_folios_inconsistent(struct kunit *test)
{
	struct pf_test *t = test->priv;
	unsigned int i;

	pf_folio(t, 0, 3, BIT(5), MAPPING);
	t->p[1].flags = 0;			/* order 0 */
	pf_folio(t, 16, 3, BIT(5), MAPPING);
	t->p[17].flags = 40;			/* order 40 */
	pf_folio(t, 34, 2, BIT(5), MAPPING);	/* misaligned */
	pf_folio(t, 64, 3, BIT(5), MAPPING);
	t->p[68].head = MEMMAP + 4 * 64 + 1;	/* a tail of another head */
	t->p[128].head = MEMMAP + 1;		/* a stray tail */
	t->p[128].flags = BIT(5);
	t->p[128].mapping = MAPPING;
	pf_folio(t, 2046, 1, BIT(5), MAPPING);	/* the last head */
	pf_walk(t);
	for (i = 0; i < 40; i++)
		KUNIT_EXPECT_EQ_MSG(test, t->kind[i], CRASH_PAGE_KEEP, "pfn %u",
				    i);
	for (i = 64; i < 68; i++)
		KUNIT_EXPECT_EQ(test, t->kind[i], CRASH_PAGE_CACHE);
	for (i = 68; i < 72; i++)
		KUNIT_EXPECT_EQ(test, t->kind[i], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[128], CRASH_PAGE_KEEP);
	KUNIT_EXPECT_EQ(test, t->kind[2046], CRASH_PAGE_CACHE);
	KUNIT_EXPECT_EQ(test, t->kind[2047], CRASH_PAGE_CACHE);
}

/* makedumpfile's levels: each bit leaves its kind out, poison always */
static void pf_levels(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, crash_page_excluded(CRASH_PAGE_KEEP, 31));
	KUNIT_EXPECT_TRUE(test, crash_page_excluded(CRASH_PAGE_POISON, 0));
	KUNIT_EXPECT_TRUE(test, crash_page_excluded(CRASH_PAGE_CACHE, 2));
	KUNIT_EXPECT_FALSE(test, crash_page_excluded(CRASH_PAGE_CACHE, 29));
	KUNIT_EXPECT_TRUE(test,
			  crash_page_excluded(CRASH_PAGE_CACHE_PRIVATE, 4));
	KUNIT_EXPECT_FALSE(test,
			   crash_page_excluded(CRASH_PAGE_CACHE_PRIVATE, 2));
	KUNIT_EXPECT_TRUE(test, crash_page_excluded(CRASH_PAGE_USER, 8));
	KUNIT_EXPECT_FALSE(test, crash_page_excluded(CRASH_PAGE_USER, 23));
	KUNIT_EXPECT_TRUE(test, crash_page_excluded(CRASH_PAGE_FREE, 16));
	KUNIT_EXPECT_FALSE(test, crash_page_excluded(CRASH_PAGE_FREE, 15));
}

/* The kept ranges: adjacent pages merge; never more than max ranges */
static void pf_ranges(struct kunit *test)
{
	struct crash_range r[8];
	struct crash_ranges rs;
	u64 pfn, kept = 0;
	unsigned int i;

	crash_ranges_init(&rs, r, ARRAY_SIZE(r));
	crash_ranges_keep(&rs, 0, 10);
	crash_ranges_keep(&rs, 10, 20);
	crash_ranges_keep(&rs, 30, 40);
	crash_ranges_keep(&rs, 40, 40);		/* empty */
	KUNIT_EXPECT_EQ(test, rs.nr, 2);
	KUNIT_EXPECT_EQ(test, r[0].end, 20);
	KUNIT_EXPECT_EQ(test, r[1].start, 30);
	/* every other page of a million: 8 ranges that cover them all */
	crash_ranges_init(&rs, r, ARRAY_SIZE(r));
	for (pfn = 0; pfn < 1 << 20; pfn += 2)
		crash_ranges_keep(&rs, pfn, pfn + 1);
	KUNIT_EXPECT_LE(test, rs.nr, ARRAY_SIZE(r));
	KUNIT_EXPECT_EQ(test, r[0].start, 0);
	KUNIT_EXPECT_EQ(test, r[rs.nr - 1].end, (1 << 20) - 1);
	for (i = 0; i < rs.nr; i++) {
		if (i)
			KUNIT_EXPECT_GT(test, r[i].start, r[i - 1].end);
		kept += r[i].end - r[i].start;
	}
	/* a large gap stays a gap while there is room */
	crash_ranges_init(&rs, r, ARRAY_SIZE(r));
	crash_ranges_keep(&rs, 0, 1);
	crash_ranges_keep(&rs, 1 << 30, (1 << 30) + 1);
	KUNIT_EXPECT_EQ(test, rs.nr, 2);
	KUNIT_EXPECT_EQ(test, kept, (1 << 20) - 1);
}

/* vmcore.exclude='s values, by number and by name, and bad ones */
static void pf_exclude_parse(struct kunit *test)
{
	static const struct {
		const char *s;
		int level;	/* -1: refused */
	} cases[] = {
		{ "31", 31 }, { "0", 0 }, { "0x1f", 31 }, { "17\n", 17 },
		{ "none", 0 }, { "zero", 1 }, { "cache-private", 4 },
		{ "zero,cache,cache-private,user,free", 31 },
		{ "free,zero", 17 }, { "user\n", 8 },
		{ "32", -1 }, { "-1", -1 }, { "", -1 }, { "\n", -1 },
		{ "zero,,free", -1 }, { "zero,", -1 }, { "cache private", -1 },
		{ "Free", -1 }, { "free\nzero", -1 }, { "1 ", -1 },
		{ "zero,cache,cache-private,user,free,zero,cache,cache-private,user", -1 },
	};
	unsigned int i, level;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = crash_exclude_parse(cases[i].s, &level);

		if (cases[i].level < 0) {
			KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "%s", cases[i].s);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s", cases[i].s);
			KUNIT_EXPECT_EQ_MSG(test, level, cases[i].level, "%s",
					    cases[i].s);
		}
	}
}

/* Numbers from VMCOREINFO text: only the whole key, only decimal */
static void pf_vmcoreinfo_number(struct kunit *test)
{
	static const char info[] =
		"NUMBER(crash_memmap_paddr_x)=7\n"
		"NUMBER(crash_memmap_paddr)=4096\n"
		"NUMBER(bad)=12a\n"
		"NUMBER(long)=123456789012345678901234567890\n"
		"NUMBER(last)=5";
	size_t len = strlen(info);
	u64 v = 0;

	KUNIT_EXPECT_EQ(test, crash_vmcoreinfo_number(info, len, "NUMBER(crash_memmap_paddr)",
						      &v), 0);
	KUNIT_EXPECT_EQ(test, v, 4096);
	KUNIT_EXPECT_EQ(test, crash_vmcoreinfo_number(info, len, "NUMBER(last)",
						      &v), 0);
	KUNIT_EXPECT_EQ(test, v, 5);
	KUNIT_EXPECT_EQ(test, crash_vmcoreinfo_number(info, len, "NUMBER(bad)",
						      &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, crash_vmcoreinfo_number(info, len, "NUMBER(long)",
						      &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, crash_vmcoreinfo_number(info, len, "NUMBER(crash_memmap)",
						      &v), -ENOENT);
	/* a key past the length given is not there */
	KUNIT_EXPECT_EQ(test, crash_vmcoreinfo_number(info, 20, "NUMBER(last)",
						      &v), -ENOENT);
}

/*
 * A whole filter over made-up old memory: FPAGES pages, the first
 * FRAM of them described by struct pages at pfn FMEMMAP, the memmap
 * table at pfn FTABLE, one PT_LOAD over all of it.
 */
#define FPAGES		64
#define FRAM		48
#define FMEMMAP		40
#define FTABLE		46

struct ff_test {
	u8 *mem;
	struct fpage *p;
	struct crash_memmap *t;
	char note[2048];
	Elf64_Phdr loads[2];
	struct vmcore_dump dump;
	struct vmcore_mem vm;
	/* maps made, maps outside memory, maps not undone */
	unsigned int maps, bad_maps, mapped;
	bool map_fails;
};

static int ff_read(void *ctx, void *buf, size_t len, u64 paddr, bool header)
{
	struct ff_test *f = ctx;

	if (paddr > FPAGES * PAGE_SIZE || len > FPAGES * PAGE_SIZE - paddr)
		return -EFAULT;
	memcpy(buf, f->mem + paddr, len);
	return 0;
}

static void *ff_map(void *ctx, u64 paddr, size_t len)
{
	struct ff_test *f = ctx;

	if (paddr > FPAGES * PAGE_SIZE || len > FPAGES * PAGE_SIZE - paddr ||
	    !PAGE_ALIGNED(paddr) || !PAGE_ALIGNED(len)) {
		f->bad_maps++;
		return NULL;
	}
	if (f->map_fails)
		return NULL;
	f->maps++;
	f->mapped++;
	return f->mem + paddr;
}

static void ff_unmap(void *ctx, void *va)
{
	struct ff_test *f = ctx;

	f->mapped--;
}

/* The table over pfns [0, @nr), its sum right. */
static void ff_table(struct ff_test *f, u64 nr)
{
	f->t->magic = CRASH_MEMMAP_MAGIC;
	f->t->page_size = 64;
	f->t->max = (PAGE_SIZE - sizeof(*f->t)) / sizeof(f->t->run[0]);
	f->t->nr = 1;
	f->t->run[0] = (struct crash_memmap_run) {
		.pfn = 0, .nr = nr, .paddr = FMEMMAP * PAGE_SIZE,
		.vaddr = MEMMAP,
	};
	f->t->sum = crc32_le(~0, (u8 *)f->t->run, sizeof(f->t->run[0]));
}

/* A CORE note, then VMCOREINFO with @extra after the layout. */
static void ff_notes(struct ff_test *f, const char *extra)
{
	Elf64_Nhdr *n = (Elf64_Nhdr *)f->note;
	size_t len;

	memset(f->note, 0, sizeof(f->note));
	n->n_namesz = 5;
	n->n_descsz = 8;
	n->n_type = NT_PRSTATUS;
	memcpy(n + 1, "CORE", 5);
	n = (void *)(n + 1) + 8 + 8;
	len = scnprintf((char *)(n + 1) + 12, 1800, "%s%s", layout_text,
			extra);
	n->n_namesz = 11;
	n->n_descsz = len;
	memcpy(n + 1, "VMCOREINFO", 11);
	f->dump.notes = f->note;
	f->dump.notes_size = (void *)(n + 1) + 12 + ALIGN(len, 4) -
			     (void *)f->note;
}

static struct ff_test *ff_init(struct kunit *test)
{
	struct ff_test *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	char extra[192];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->mem = kunit_kzalloc(test, FPAGES * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->mem);
	f->p = (struct fpage *)(f->mem + FMEMMAP * PAGE_SIZE);
	f->t = (struct crash_memmap *)(f->mem + FTABLE * PAGE_SIZE);
	for (i = 0; i < FRAM; i++) {
		f->p[i].type = ~0U;
		f->mem[(i + 1) * PAGE_SIZE - 1] = 0x5a;	/* not zeroes */
	}
	ff_table(f, FRAM);
	snprintf(extra, sizeof(extra),
		 "NUMBER(crash_memmap_paddr)=%lu\nNUMBER(crash_memmap_size)=%lu\n"
		 "KEEP(printk_text)=%lx,800\nKEEP(bad)=zz,1\n",
		 FTABLE * PAGE_SIZE, PAGE_SIZE, 20 * PAGE_SIZE + 0x100);
	ff_notes(f, extra);
	f->loads[0] = (Elf64_Phdr) {
		.p_type = PT_LOAD, .p_offset = 0, .p_paddr = 0,
		.p_vaddr = 0xffff888000000000ULL,
		.p_filesz = FPAGES * PAGE_SIZE, .p_memsz = FPAGES * PAGE_SIZE,
	};
	f->dump.loads = f->loads;
	f->dump.nr_loads = 1;
	f->vm = (struct vmcore_mem) { .read = ff_read, .ctx = f };
	/* 4-7 and 8-15 free, 16 anonymous, 17 page cache, 18 zeroes; */
	f->p[4].type = 0xf0000000;
	f->p[4].private = 2;
	f->p[8].type = 0xf0000000;
	f->p[8].private = 3;
	f->p[16].mapping = ANON;
	f->p[17].flags = BIT(5);	/* PG_lru */
	f->p[17].mapping = MAPPING;
	memset(f->mem + 18 * PAGE_SIZE, 0, PAGE_SIZE);
	/* 20 zeroes, but the log's (a KEEP() line): kept at every level */
	memset(f->mem + 20 * PAGE_SIZE, 0, PAGE_SIZE);
	return f;
}

/* Two PT_LOADs instead of one: [0, @end) and [@start, FPAGES pages) */
static void ff_split(struct ff_test *f, u64 end, u64 start)
{
	f->loads[1] = f->loads[0];
	f->loads[0].p_filesz = end;
	f->loads[0].p_memsz = end;
	f->loads[1].p_offset = start;
	f->loads[1].p_paddr = start;
	f->loads[1].p_vaddr += start;
	f->loads[1].p_filesz = FPAGES * PAGE_SIZE - start;
	f->loads[1].p_memsz = f->loads[1].p_filesz;
	f->dump.nr_loads = 2;
}

/* Filter @f at @level, as it is set up to read old memory. */
static int ff_run_once(struct kunit *test, struct ff_test *f,
		       unsigned int level, char *buf, size_t size)
{
	Elf64_Phdr *loads;
	unsigned int nr, i;
	size_t n = 0;
	int ret;

	buf[0] = '\0';
	ret = vmcore_filter(&f->vm, &f->dump, level, NULL, &loads, &nr);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		const Elf64_Phdr *ph = &loads[i];

		KUNIT_EXPECT_EQ(test, ph->p_memsz, ph->p_filesz);
		KUNIT_EXPECT_EQ(test, ph->p_paddr, ph->p_offset);
		KUNIT_EXPECT_EQ(test, ph->p_vaddr,
				0xffff888000000000ULL + ph->p_offset);
		n += scnprintf(buf + n, size - n, "%s%llu-%llu", i ? " " : "",
			       ph->p_offset >> PAGE_SHIFT,
			       (ph->p_offset + ph->p_filesz) >> PAGE_SHIFT);
	}
	kvfree(loads);
	return 0;
}

/*
 * Filter @f at @level; the kept pfn ranges as "a-b a-b ..." in @buf.
 * Old memory copied, mapped in place, and copied where mapping fails
 * must all give the same, and no map outlives the filter.
 */
static int ff_run(struct kunit *test, struct ff_test *f, unsigned int level,
		  char *buf, size_t size)
{
	char mapped[128];
	int ret, how;

	f->vm.map = NULL;
	f->vm.unmap = NULL;
	ret = ff_run_once(test, f, level, buf, size);
	for (how = 0; how < 2; how++) {
		f->vm.map = ff_map;
		f->vm.unmap = ff_unmap;
		f->map_fails = how;
		f->maps = 0;
		KUNIT_EXPECT_EQ(test, ff_run_once(test, f, level, mapped,
						  sizeof(mapped)), ret);
		KUNIT_EXPECT_STREQ(test, mapped, buf);
		KUNIT_EXPECT_EQ(test, f->bad_maps, 0);
		KUNIT_EXPECT_EQ(test, f->mapped, 0);
		if (!ret && !how)
			KUNIT_EXPECT_GT(test, f->maps, 0);
	}
	return ret;
}

/* Each level leaves out its pages, and only those */
static void pf_filter_levels(struct kunit *test)
{
	struct ff_test *f = ff_init(test);
	char got[128];

	KUNIT_ASSERT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), 0);
	KUNIT_EXPECT_STREQ(test, got, "0-4 19-64");
	KUNIT_ASSERT_EQ(test, ff_run(test, f, CRASH_EXCLUDE_FREE, got,
				     sizeof(got)), 0);
	KUNIT_EXPECT_STREQ(test, got, "0-4 16-64");
	KUNIT_ASSERT_EQ(test, ff_run(test, f, CRASH_EXCLUDE_ZERO, got,
				     sizeof(got)), 0);
	/* what the table does not cover is kept unread, zeroes or not */
	KUNIT_EXPECT_STREQ(test, got, "0-18 19-64");
	KUNIT_ASSERT_EQ(test, ff_run(test, f, CRASH_EXCLUDE_USER |
				     CRASH_EXCLUDE_CACHE, got,
				     sizeof(got)), 0);
	KUNIT_EXPECT_STREQ(test, got, "0-16 18-64");
}

/* Pfns the table does not cover, and a PT_LOAD split, are kept */
static void pf_filter_uncovered(struct kunit *test)
{
	struct ff_test *f = ff_init(test);
	char got[128];

	ff_table(f, 8);		/* the second free block is not covered */
	KUNIT_ASSERT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), 0);
	KUNIT_EXPECT_STREQ(test, got, "0-4 8-64");
	/* two PT_LOADs that meet inside page 5: it is classified (free) */
	ff_table(f, FRAM);
	ff_split(f, 5 * PAGE_SIZE + 100, 5 * PAGE_SIZE + 100);
	KUNIT_ASSERT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), 0);
	KUNIT_EXPECT_STREQ(test, got, "0-4 19-64");
	/* with a gap inside page 5, it is a partial page: kept, each part */
	ff_split(f, 5 * PAGE_SIZE + 100, 5 * PAGE_SIZE + 2048);
	KUNIT_ASSERT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), 0);
	KUNIT_EXPECT_STREQ(test, got, "0-4 5-5 5-6 19-64");
}

/*
 * PT_LOADs that overlap, out of order: the one inside the other (the
 * kernel image's) is kept whole, the other cut around it
 */
static void pf_filter_overlap(struct kunit *test)
{
	struct ff_test *f = ff_init(test);
	char got[128];

	/* the kernel text's own PT_LOAD first, inside the RAM one */
	f->loads[1] = f->loads[0];
	f->loads[0].p_offset = 10 * PAGE_SIZE;
	f->loads[0].p_paddr = f->loads[0].p_offset;
	f->loads[0].p_vaddr += f->loads[0].p_offset;
	f->loads[0].p_filesz = 15 * PAGE_SIZE;
	f->loads[0].p_memsz = f->loads[0].p_filesz;
	f->dump.nr_loads = 2;
	KUNIT_ASSERT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), 0);
	KUNIT_EXPECT_STREQ(test, got, "10-25 0-4 10-64");
	KUNIT_ASSERT_EQ(test, ff_run(test, f, CRASH_EXCLUDE_USER, got,
				     sizeof(got)), 0);
	KUNIT_EXPECT_STREQ(test, got, "10-25 0-64");
}

/* A table or layout the filter cannot trust: nothing is filtered */
static void pf_filter_refused(struct kunit *test)
{
	struct ff_test *f = ff_init(test);
	char got[128], extra[128];

	f->t->run[0].nr = 47;			/* the sum no longer matches */
	KUNIT_EXPECT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), -EINVAL);
	ff_table(f, FRAM);
	f->t->magic++;
	KUNIT_EXPECT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), -EINVAL);
	ff_table(f, FRAM);
	f->t->nr = f->t->max + 1;
	KUNIT_EXPECT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), -EINVAL);
	ff_table(f, FRAM);
	f->t->page_size = 56;			/* not SIZE(page) */
	KUNIT_EXPECT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), -EINVAL);
	/* struct pages outside the dump's memory */
	ff_table(f, FRAM);
	f->t->run[0].paddr = FPAGES * PAGE_SIZE - 1024;
	f->t->sum = crc32_le(~0, (u8 *)f->t->run, sizeof(f->t->run[0]));
	KUNIT_EXPECT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), -EINVAL);
	/* a table past the end of memory, or none */
	ff_table(f, FRAM);
	snprintf(extra, sizeof(extra),
		 "NUMBER(crash_memmap_paddr)=%lu\nNUMBER(crash_memmap_size)=%lu\n",
		 (FPAGES - 1) * PAGE_SIZE, 2 * PAGE_SIZE);
	ff_notes(f, extra);
	KUNIT_EXPECT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), -EINVAL);
	ff_notes(f, "");
	KUNIT_EXPECT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), -EINVAL);
	/* no VMCOREINFO at all */
	f->dump.notes_size = 0;
	KUNIT_EXPECT_EQ(test, ff_run(test, f, 31, got, sizeof(got)), -EINVAL);
}

static struct kunit_case pagefilter_cases[] = {
	KUNIT_CASE(pf_layout_fields),
	KUNIT_CASE(pf_layout_of_this_kernel),
	KUNIT_CASE(pf_layout_damaged),
	KUNIT_CASE(pf_single_pages),
	KUNIT_CASE(pf_buddy_orders),
	KUNIT_CASE(pf_buddy_inconsistent),
	KUNIT_CASE(pf_folios),
	KUNIT_CASE(pf_folios_inconsistent),
	KUNIT_CASE(pf_levels),
	KUNIT_CASE(pf_ranges),
	KUNIT_CASE(pf_exclude_parse),
	KUNIT_CASE(pf_vmcoreinfo_number),
	KUNIT_CASE(pf_filter_levels),
	KUNIT_CASE(pf_filter_uncovered),
	KUNIT_CASE(pf_filter_overlap),
	KUNIT_CASE(pf_filter_refused),
	{}
};

static struct kunit_suite pagefilter_suite = {
	.name = "crash_pagefilter",
	.init = pf_init,
	.test_cases = pagefilter_cases,
};

kunit_test_suite(pagefilter_suite);

MODULE_DESCRIPTION("KUnit tests for the dump filter's page classification");
MODULE_LICENSE("GPL");
