// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table of where this kernel's struct pages are in physical memory,
 * written at crash time for a capture kernel that filters the dump
 * (vmcore.exclude=).  With a virtually mapped memmap the struct pages'
 * physical addresses are only in the page tables; a capture kernel
 * would have to walk the crashed kernel's page tables through old
 * memory, the way makedumpfile does for each architecture.  Here the
 * crashed kernel walks its own, once per memory section.
 */
#define pr_fmt(fmt) "crash: " fmt

#include <linux/crc32.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/overflow.h>
#include <linux/pgtable.h>
#include <linux/vmcore_info.h>

#include "memmap.h"

/*
 * DOC: the memmap table at crash time
 *
 * crash_memmap_save() runs in crash_save_vmcoreinfo(), on the CPU that
 * jumps to the capture kernel, once the others are stopped.  It takes
 * no lock and allocates nothing: the table was allocated at boot.  It
 * reads the kernel's page tables for the memmap of every online memory
 * section, a few entries per section (one per 2 MiB of struct pages
 * when the memmap is mapped with huge pages), so it is bounded by the
 * number of sections and by the table's room.  A section being hot-added
 * or removed when the kernel died may be half mapped: what is not
 * mapped is not published, and a filter keeps every page the table
 * does not vouch for.  When hotplug added more sections than the room
 * made at boot (twice the sections then, at least a page), the last
 * ones are left out the same way.
 */

static struct crash_memmap *crash_memmap;
static size_t crash_memmap_bytes;

/*
 * The physical address the kernel's page tables map @va to, in @pa, and
 * how many bytes from there on are mapped by the same entry: 0 if @va is
 * not mapped.
 */
static unsigned long crash_kva_leaf(unsigned long va, phys_addr_t *pa)
{
	pgd_t *pgdp = pgd_offset_k(va);
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t pte;

	if (pgd_none(READ_ONCE(*pgdp)) || pgd_bad(READ_ONCE(*pgdp)))
		return 0;
	p4dp = p4d_offset(pgdp, va);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || p4d_bad(p4d))
		return 0;
	pudp = pud_offset(p4dp, va);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud))
		return 0;
	if (pud_leaf(pud)) {
		*pa = page_to_phys(pud_page(pud)) + (va & ~PUD_MASK);
		return PUD_SIZE - (va & ~PUD_MASK);
	}
	if (pud_bad(pud))
		return 0;
	pmdp = pmd_offset(pudp, va);
	pmd = READ_ONCE(*pmdp);
	if (pmd_none(pmd))
		return 0;
	if (pmd_leaf(pmd)) {
		*pa = page_to_phys(pmd_page(pmd)) + (va & ~PMD_MASK);
		return PMD_SIZE - (va & ~PMD_MASK);
	}
	if (pmd_bad(pmd))
		return 0;
	pte = ptep_get(pte_offset_kernel(pmdp, va));
	if (!pte_present(pte))
		return 0;
	*pa = PFN_PHYS(pte_pfn(pte)) + offset_in_page(va);
	return PAGE_SIZE - offset_in_page(va);
}

/*
 * Add the struct pages wholly inside [@va, @va + @len), mapped at @pa,
 * of the section whose memmap starts at @sva with pfn @spfn; false when
 * the table is full.
 */
static bool crash_memmap_add(struct crash_memmap *t, unsigned long spfn,
			     unsigned long sva, unsigned long va,
			     phys_addr_t pa, unsigned long len)
{
	const unsigned long sz = sizeof(struct page);
	unsigned long first = DIV_ROUND_UP(va - sva, sz);
	unsigned long end = (va + len - sva) / sz;
	struct crash_memmap_run *last = t->nr ? &t->run[t->nr - 1] : NULL;
	struct crash_memmap_run run;

	if (end <= first)
		return true;
	run.pfn = spfn + first;
	run.nr = end - first;
	run.vaddr = sva + first * sz;
	run.paddr = pa + (run.vaddr - va);
	if (last && last->pfn + last->nr == run.pfn &&
	    last->paddr + last->nr * sz == run.paddr &&
	    last->vaddr + last->nr * sz == run.vaddr) {
		last->nr += run.nr;
		return true;
	}
	if (t->nr == t->max)
		return false;
	t->run[t->nr++] = run;
	return true;
}

/* Add the memmap of the section that starts at @pfn; false when full. */
static bool crash_memmap_section(struct crash_memmap *t, unsigned long pfn)
{
	unsigned long sva = (unsigned long)pfn_to_page(pfn);
	unsigned long end = sva + PAGES_PER_SECTION * sizeof(struct page);
	unsigned long va = sva, cva = 0, clen = 0, n;
	phys_addr_t pa, cpa = 0;

	/* gather what is physically contiguous, then add it whole */
	while (va < end) {
		n = crash_kva_leaf(va, &pa);
		if (!n) {
			n = PAGE_SIZE - offset_in_page(va);
		} else {
			n = min(n, end - va);
			if (clen && cva + clen == va && cpa + clen == pa) {
				clen += n;
			} else {
				if (clen && !crash_memmap_add(t, pfn, sva, cva,
							      cpa, clen))
					return false;
				cva = va;
				cpa = pa;
				clen = n;
			}
		}
		va += n;
	}
	return !clen || crash_memmap_add(t, pfn, sva, cva, cpa, clen);
}

/**
 * crash_memmap_save() - write the memmap table, at crash time
 *
 * See "the memmap table at crash time" above.
 */
void crash_memmap_save(void)
{
	struct crash_memmap *t = crash_memmap;
	unsigned long nr;

	if (!t)
		return;
	t->nr = 0;
	for (nr = next_present_section_nr(-1); nr != -1;
	     nr = next_present_section_nr(nr)) {
		if (!online_section(__nr_to_section(nr)))
			continue;
		if (!crash_memmap_section(t, section_nr_to_pfn(nr)))
			break;
	}
	t->sum = crc32_le(~0, (const u8 *)t->run, t->nr * sizeof(*t->run));
}

/**
 * crash_memmap_vmcoreinfo() - make room for the table, say where it is
 *
 * Called while vmcoreinfo is built at boot.  Without room, dumps are
 * not filtered.
 */
void __init crash_memmap_vmcoreinfo(void)
{
	unsigned long nr, sections = 0;

	/* a struct page straddling two pages could not be vouched for */
	if (PAGE_SIZE % sizeof(struct page))
		return;
	for (nr = next_present_section_nr(-1); nr != -1;
	     nr = next_present_section_nr(nr))
		sections++;
	crash_memmap_bytes = PAGE_ALIGN(struct_size(crash_memmap, run,
						    2 * sections + 16));
	crash_memmap = alloc_pages_exact(crash_memmap_bytes,
					 GFP_KERNEL | __GFP_ZERO);
	if (!crash_memmap) {
		pr_err("no memory for the memmap table: dumps cannot be filtered\n");
		return;
	}
	crash_memmap->magic = CRASH_MEMMAP_MAGIC;
	crash_memmap->page_size = sizeof(struct page);
	crash_memmap->max = (crash_memmap_bytes - sizeof(*crash_memmap)) /
			    sizeof(crash_memmap->run[0]);
	vmcoreinfo_append_str("NUMBER(crash_memmap_paddr)=%ld\n",
			      (long)virt_to_phys(crash_memmap));
	vmcoreinfo_append_str("NUMBER(crash_memmap_size)=%ld\n",
			      (long)crash_memmap_bytes);
}
