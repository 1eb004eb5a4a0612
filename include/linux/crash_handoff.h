/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hand-off into the next kernel, between kernel/crash/ (which decides
 * whether to jump into a capture kernel) and the architecture (which
 * jumps), and the capture kernel's access to the crashed kernel's memory.
 *
 * An architecture with a hand-off of this subsystem's selects
 * CRASH_HANDOFF_ARCH and declares its part in <asm/crash_handoff.h>
 * (x86-64: arch/x86/kexec/).  Every other one is entered through its own
 * machine_kexec(), and its old memory is read with its copy_oldmem_page()
 * (kernel/crash/oldmem.c).
 */
#ifndef _LINUX_CRASH_HANDOFF_H
#define _LINUX_CRASH_HANDOFF_H

#include <linux/types.h>

struct iov_iter;
struct kimage;
struct pt_regs;
struct range;
struct xxh64_state;

/* The crash chain's hand-off: returns only if it did not jump. */
int crash_kexec_jump(struct pt_regs *regs, void (*jumping)(void));

/* Whenever a capture image is loaded or changed: remember its contents. */
void crash_image_seal(void);

/*
 * The capture kernel's side: copy @len bytes of the crashed kernel's
 * memory at @paddr, which this kernel does not map, to @iter, with the
 * encryption the crashed kernel used when @encrypted.  Returns @len or a
 * negative error.  crash_oldmem_limit() is the first physical address no
 * memory of any kernel here can have.
 */
ssize_t crash_oldmem_copy(struct iov_iter *iter, u64 paddr, size_t len,
			  bool encrypted);
u64 crash_oldmem_limit(void);

/*
 * The same memory mapped to be read in place, @len bytes at @paddr, or
 * NULL where the architecture cannot (its readers copy it instead);
 * crash_oldmem_unmap() undoes what crash_oldmem_map() did.
 */
void *crash_oldmem_map(u64 paddr, size_t len, bool encrypted);
void crash_oldmem_unmap(void *va);

/*
 * Called once for each range of the crashed kernel's RAM before any is
 * mapped: it is write-back memory, however much of it a mapping takes.
 */
void crash_oldmem_prepare(u64 paddr, u64 size);

/*
 * What an architecture adds to a crash dump (x86-64: a fatal machine
 * check's records, CONFIG_CRASH_MCE):
 * - crash_arch_note(): a note segment for the crash ELF header, written
 *   at crash time; @size 0 for none;
 * - crash_arch_vmcoreinfo(): lines for vmcoreinfo at crash time, with
 *   vmcoreinfo_append_str();
 * - crash_arch_vmcore_notes(): in the capture kernel, before /proc/vmcore
 *   is made, what to do with the crashed kernel's notes (x86-64: hide
 *   the memory a fatal machine check named); a note to add to
 *   /proc/vmcore, @note_size bytes, or NULL.
 */
#ifdef CONFIG_CRASH_MCE
void crash_arch_note(phys_addr_t *paddr, u64 *size);
void crash_arch_vmcoreinfo(void);
const void *crash_arch_vmcore_notes(const void *notes, size_t size,
				    size_t *note_size);
#else
static inline void crash_arch_note(phys_addr_t *paddr, u64 *size)
{
	*paddr = 0;
	*size = 0;
}

static inline void crash_arch_vmcoreinfo(void)
{
}

static inline const void *crash_arch_vmcore_notes(const void *notes,
						  size_t size,
						  size_t *note_size)
{
	*note_size = 0;
	return NULL;
}
#endif

/*
 * crashkernel=SIZE,cma (kernel/crash/movable.c): memory the running
 * kernel lends to movable allocations until a crash.  The crash ELF
 * header leaves crash_movable_range() out and the loader passes it to a
 * capture kernel as crash_cma=SIZE@ADDR; crash_movable_reserve() takes
 * it out of memblock at boot.  In the capture kernel,
 * crash_movable_taken() says whether [@start, @end] is in that range and
 * the range is being (or was) added.
 */
#ifdef CONFIG_CRASH_MOVABLE
bool crash_movable_range(struct range *r);
void crash_movable_reserve(u64 size);
bool crash_movable_taken(u64 start, u64 end);
#else
static inline bool crash_movable_range(struct range *r)
{
	return false;
}

static inline void crash_movable_reserve(u64 size)
{
}

static inline bool crash_movable_taken(u64 start, u64 end)
{
	return false;
}
#endif

#ifdef CONFIG_CRASH_HANDOFF_ARCH
#include <asm/crash_handoff.h>
#else
/* What the architecture's jump reads besides the image: nothing of ours. */
static inline void crash_handoff_digest(const struct kimage *image,
					struct xxh64_state *state)
{
}
#endif

#endif
