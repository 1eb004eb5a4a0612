// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crashed kernel's memory, seen from the capture kernel that reads it
 * for /proc/vmcore.  It is in no memory map of this kernel, so it is
 * mapped on demand: a whole range per call, write-back cached, with the
 * encryption bit when the crashed kernel ran with memory encryption.
 */
#include <linux/crash_handoff.h>
#include <linux/io.h>
#include <linux/processor.h>

void *crash_oldmem_map(u64 paddr, size_t size, bool encrypted)
{
	void __iomem *p;

	if (encrypted)
		p = ioremap_encrypted(paddr, size);
	else
		p = ioremap_cache(paddr, size);
	return (__force void *)p;
}

void crash_oldmem_unmap(void *addr)
{
	iounmap((__force void __iomem *)addr);
}

/* The first physical address no memory of any kernel here can have. */
u64 crash_oldmem_limit(void)
{
	return 1ULL << boot_cpu_data.x86_phys_bits;
}
