// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crashed kernel's memory, seen from the capture kernel, on an
 * architecture without a way of its own (see <linux/crash_handoff.h>): a
 * page at a time through the architecture's copy_oldmem_page(), which
 * knows how its old memory is reached, as upstream's /proc/vmcore reads
 * it.
 */
#include <linux/crash_dump.h>
#include <linux/crash_handoff.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/uio.h>

/* @encrypted: no architecture that uses this encrypts its memory. */
ssize_t crash_oldmem_copy(struct iov_iter *iter, u64 paddr, size_t len,
			  bool encrypted)
{
	size_t done = 0;

	while (done < len) {
		unsigned long off = offset_in_page(paddr);
		size_t n = min_t(size_t, len - done, PAGE_SIZE - off);
		ssize_t ret = copy_oldmem_page(iter, PHYS_PFN(paddr), n, off);

		if (ret < 0)
			return ret;
		if (ret != n)
			return -EFAULT;
		done += n;
		paddr += n;
	}
	return done;
}

/* Mappings of old memory take their cache mode from the VMA here. */
void crash_oldmem_prepare(u64 paddr, u64 size)
{
}

/* Nothing maps old memory here but copy_oldmem_page(). */
void *crash_oldmem_map(u64 paddr, size_t len, bool encrypted)
{
	return NULL;
}

void crash_oldmem_unmap(void *va)
{
}

u64 crash_oldmem_limit(void)
{
#ifdef MAX_PHYSMEM_BITS
	return 1ULL << MAX_PHYSMEM_BITS;
#else
	return (u64)PHYS_ADDR_MAX;
#endif
}
