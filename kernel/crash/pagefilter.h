/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which pages of a crashed kernel a filtered dump may leave out, decided
 * from its struct pages and the layout its VMCOREINFO describes.
 */
#ifndef _KERNEL_CRASH_PAGEFILTER_H
#define _KERNEL_CRASH_PAGEFILTER_H

#include <linux/types.h>

/* makedumpfile's dump level bits: what a filtered dump leaves out */
#define CRASH_EXCLUDE_ZERO		0x01
#define CRASH_EXCLUDE_CACHE		0x02
#define CRASH_EXCLUDE_CACHE_PRIVATE	0x04
#define CRASH_EXCLUDE_USER		0x08
#define CRASH_EXCLUDE_FREE		0x10
#define CRASH_EXCLUDE_ALL		0x1f

/**
 * struct crash_page_layout - the crashed kernel's struct page, as its
 *	VMCOREINFO describes it
 * @size: SIZE(page)
 * @off_flags: OFFSET(page.flags)
 * @off_mapping: OFFSET(page.mapping)
 * @off_private: OFFSET(page.private)
 * @off_head: OFFSET(page.compound_head): a tail page's head, plus 1
 * @off_type: OFFSET(page._mapcount), which page_type shares
 * @pg_lru: NUMBER(PG_lru)
 * @pg_private: NUMBER(PG_private)
 * @pg_swapcache: NUMBER(PG_swapcache)
 * @pg_swapbacked: NUMBER(PG_swapbacked)
 * @pg_head: the bit of NUMBER(PG_head_mask)
 * @pg_hwpoison: NUMBER(PG_hwpoison), -1 when the kernel has none
 * @ty_buddy: page_type's top byte for a free buddy page
 * @ty_slab: ... for a slab page
 * @ty_hugetlb: ... for a hugetlb folio
 * @ty_offline: ... for a page given back by a balloon or hot-unplug
 * @max_order: the largest buddy order, LENGTH(free_area) - 1
 */
struct crash_page_layout {
	u32 size;
	u32 off_flags, off_mapping, off_private, off_head, off_type;
	s8 pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_head;
	s8 pg_hwpoison;
	u8 ty_buddy, ty_slab, ty_hugetlb, ty_offline;
	u8 max_order;
};

int crash_page_layout_parse(const char *info, size_t len,
			    struct crash_page_layout *l, const char **why);
int crash_vmcoreinfo_number(const char *info, size_t len, const char *key,
			    u64 *val);
int crash_exclude_parse(const char *s, unsigned int *level);

enum crash_page_kind {
	CRASH_PAGE_KEEP,		/* the kernel's, or in doubt */
	CRASH_PAGE_CACHE,		/* page cache */
	CRASH_PAGE_CACHE_PRIVATE,	/* page cache with private data */
	CRASH_PAGE_USER,		/* anonymous or hugetlb */
	CRASH_PAGE_FREE,		/* in the buddy allocator */
	CRASH_PAGE_POISON,		/* hardware-poisoned or offline */
};

/**
 * struct crash_page_walk - classifying consecutive pages, which needs
 *	what earlier pages said: a free block's or a folio's extent
 * @l: the layout
 * @memmap: the crashed kernel's address of the struct page of pfn 0
 *	(vmemmap), to check that a tail page points to its head
 * @end: the pfn after the current free block or folio
 * @head: the pfn of the current folio's head
 * @kind: the current free block's or folio's kind
 */
struct crash_page_walk {
	const struct crash_page_layout *l;
	u64 memmap;
	u64 end, head;
	enum crash_page_kind kind;
};

void crash_page_walk_init(struct crash_page_walk *w,
			  const struct crash_page_layout *l, u64 memmap);
enum crash_page_kind crash_page_walk_next(struct crash_page_walk *w, u64 pfn,
					  const void *page, const void *next);
bool crash_page_excluded(enum crash_page_kind kind, unsigned int level);

/**
 * struct crash_ranges - the kept pfns as at most @max ranges
 * @r: the ranges, [start, end) each, in order
 * @nr: how many there are
 * @max: how many @r holds
 * @gap: holes shorter than this many pages are kept too, to stay
 *	within @max: 1, doubled each time @r fills up
 */
struct crash_ranges {
	struct crash_range {
		u64 start, end;
	} *r;
	unsigned int nr, max;
	u64 gap;
};

void crash_ranges_init(struct crash_ranges *rs, struct crash_range *r,
		       unsigned int max);
void crash_ranges_keep(struct crash_ranges *rs, u64 start, u64 end);

#endif /* _KERNEL_CRASH_PAGEFILTER_H */
