/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hand-off into a loaded capture kernel, between kernel/crash/ (which
 * decides whether to jump) and the architecture (which jumps).
 */
#ifndef _LINUX_CRASH_HANDOFF_H
#define _LINUX_CRASH_HANDOFF_H

#include <linux/kexec.h>

struct kimage;
struct pt_regs;

/* The crash chain's hand-off: returns only if it did not jump. */
int crash_kexec_jump(struct pt_regs *regs);

/*
 * Architecture: at load time, build what the jump needs inside the crash
 * region; at crash time, with the other CPUs stopped, jump, and return
 * only if that is impossible.  Elsewhere, upstream's machine_kexec().
 */
#ifdef CONFIG_X86_64
int crash_handoff_prepare(struct kimage *image);
void crash_handoff_jump(struct kimage *image);

/* kexec_file_load of capture kernels entered without a purgatory */
extern const struct kexec_file_ops crash_bzimage64_ops;
#else
static inline int crash_handoff_prepare(struct kimage *image)
{
	return 0;
}

static inline void crash_handoff_jump(struct kimage *image)
{
	machine_kexec(image);
}
#endif

/* Whenever the crash region is protected again: remember its contents. */
void crash_image_seal(void);

#endif
