/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a crashed kernel's struct pages are in physical memory: the table
 * it writes at crash time (memmap.c) and a filtering capture kernel reads
 * (vmcore_filter.c).
 */
#ifndef _KERNEL_CRASH_MEMMAP_H
#define _KERNEL_CRASH_MEMMAP_H

#include <linux/types.h>

#define CRASH_MEMMAP_MAGIC	0x50414d4d454d5243ULL	/* "CRMEMMAP" */

/**
 * struct crash_memmap_run - pfns whose struct pages are physically
 *	contiguous
 * @pfn: the first pfn
 * @nr: how many pfns
 * @paddr: the physical address of @pfn's struct page
 * @vaddr: its virtual address in the crashed kernel, which a tail page's
 *	compound_head points into
 */
struct crash_memmap_run {
	u64 pfn, nr, paddr, vaddr;
};

/**
 * struct crash_memmap - the table
 * @magic: CRASH_MEMMAP_MAGIC
 * @page_size: sizeof(struct page)
 * @max: how many runs there is room for
 * @nr: how many runs follow, in increasing pfn order, none overlapping
 * @sum: crc32_le(~0) of the @nr runs
 * @run: the runs
 *
 * The table's address and size are the vmcoreinfo numbers
 * crash_memmap_paddr and crash_memmap_size.  A pfn in no run has no
 * struct page the table vouches for: a filter keeps it.
 */
struct crash_memmap {
	u64 magic;
	u32 page_size;
	u32 max;
	u32 nr;
	u32 sum;
	struct crash_memmap_run run[];
};

#ifdef CONFIG_CRASH_MEMMAP
void crash_memmap_vmcoreinfo(void);
void crash_memmap_save(void);
#else
static inline void crash_memmap_vmcoreinfo(void) { }
static inline void crash_memmap_save(void) { }
#endif

#endif /* _KERNEL_CRASH_MEMMAP_H */
