// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crashed kernel's memory, seen from the capture kernel that reads it
 * for /proc/vmcore.  It is in no memory map of this kernel, so it is
 * mapped on demand: a whole range per call (not a page, as
 * copy_oldmem_page() does), write-back cached, with the encryption bit
 * when the crashed kernel ran with memory encryption.  What is wholly
 * System RAM here without being used, the DIMMs the crashed kernel had
 * hot-plugged, which this kernel adds and keeps offline, is reached
 * through the direct map instead: ioremap() refuses RAM whose struct
 * pages it cannot vouch for.
 */
#include <linux/crash_handoff.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/processor.h>
#include <linux/uio.h>

#include <asm/memtype.h>

void *crash_oldmem_map(u64 paddr, size_t len, bool encrypted)
{
	if (encrypted)
		return (__force void *)ioremap_encrypted(paddr, len);
	if (region_intersects(paddr, len, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) == REGION_INTERSECTS)
		return memremap(paddr, len, MEMREMAP_WB);
	return (__force void *)ioremap_cache(paddr, len);
}

/*
 * PAT gives memory it has no record of UC- when it is mapped a part at a
 * time (mmap() of /proc/vmcore, page by page or in PMDs; ioremap_cache()
 * records the windows read() keeps, for as long as it keeps them).  The
 * crashed kernel's RAM is write-back: record it so once.  What is System
 * RAM here (the hot-plugged DIMMs) PAT knows as write-back already.
 */
void crash_oldmem_prepare(u64 paddr, u64 size)
{
	if (region_intersects(paddr, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return;
	if (memtype_reserve(paddr, paddr + size, _PAGE_CACHE_MODE_WB, NULL))
		pr_warn("vmcore: 0x%llx-0x%llx: PAT keeps it from being mapped write-back\n",
			paddr, paddr + size - 1);
}

/* memunmap() undoes either */
void crash_oldmem_unmap(void *va)
{
	memunmap(va);
}

ssize_t crash_oldmem_copy(struct iov_iter *iter, u64 paddr, size_t len,
			  bool encrypted)
{
	void *p = crash_oldmem_map(paddr, len, encrypted);
	size_t copied;

	if (!p)
		return -ENOMEM;
	copied = copy_to_iter(p, len, iter);
	crash_oldmem_unmap(p);
	return copied == len ? len : -EFAULT;
}

/* The first physical address no memory of any kernel here can have. */
u64 crash_oldmem_limit(void)
{
	return 1ULL << boot_cpu_data.x86_phys_bits;
}
