/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hand-off into the next kernel, between kernel/crash/ (which decides
 * whether to jump into a capture kernel) and the architecture (which
 * jumps).
 */
#ifndef _LINUX_CRASH_HANDOFF_H
#define _LINUX_CRASH_HANDOFF_H

#include <linux/types.h>

struct kexec_file_ops;
struct kimage;
struct pt_regs;

/* The crash chain's hand-off: returns only if it did not jump. */
int crash_kexec_jump(struct pt_regs *regs);

/*
 * x86-64 (arch/x86/kexec/): at load time, build what the jump into the
 * image needs, in pages kexec will not copy over; machine_kexec() then
 * jumps through it when it was prepared.
 */
int crash_handoff_prepare(struct kimage *image);
void crash_handoff_forget(struct kimage *image);
bool crash_handoff_prepared(struct kimage *image);
void crash_handoff_jump(struct kimage *image);

struct xxh64_state;
#ifdef CONFIG_X86_64
void crash_handoff_digest(const struct kimage *image,
			  struct xxh64_state *state);
#else
static inline void crash_handoff_digest(const struct kimage *image,
					struct xxh64_state *state)
{
}
#endif

/* kexec_file_load of kernels entered without a purgatory */
extern const struct kexec_file_ops crash_bzimage64_ops;

/* Whenever the crash region is protected again: remember its contents. */
void crash_image_seal(void);

/*
 * The capture kernel's side (arch/x86/kexec/oldmem.c): the crashed
 * kernel's memory, which this kernel does not map, mapped a range at a time.
 */
void *crash_oldmem_map(u64 paddr, size_t size, bool encrypted);
void crash_oldmem_unmap(void *addr);
u64 crash_oldmem_limit(void);

#endif
