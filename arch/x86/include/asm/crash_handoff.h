/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64's hand-off into the next kernel (arch/x86/kexec/): what is
 * prepared for one loaded image, kept in its struct kimage_arch, and the
 * functions kexec calls.  Included by <linux/crash_handoff.h>.
 */
#ifndef _ASM_X86_CRASH_HANDOFF_H
#define _ASM_X86_CRASH_HANDOFF_H

#include <linux/types.h>

/**
 * struct crash_handoff - the jump into one loaded image
 * @pgd: physical address of the page tables the jump switches to
 * @stack: physical top of the stack page the trampoline runs on
 * @page: physical address of the copy of the trampoline's second part
 * @boot_params: where the image's boot_params are, 0 for none (the
 *	loader sets it; the entry finds it in %rsi)
 * @digest: of everything the jump reads, taken when the image was sealed
 * @prepared: @pgd, @stack and @page are built for this image
 * @sealed: @digest is set and checked before the jump
 */
struct crash_handoff {
	phys_addr_t pgd;
	phys_addr_t stack;
	phys_addr_t page;
	phys_addr_t boot_params;
	u64 digest;
	bool prepared;
	bool sealed;
};

struct kexec_file_ops;
struct kimage;
struct xxh64_state;

/*
 * At load time, build what the jump into the image needs, in pages kexec
 * will not copy over; machine_kexec() then jumps through it when it was
 * prepared.
 */
int crash_handoff_prepare(struct kimage *image);
void crash_handoff_forget(struct kimage *image);
bool crash_handoff_prepared(struct kimage *image);
void crash_handoff_jump(struct kimage *image);
void crash_handoff_digest(const struct kimage *image,
			  struct xxh64_state *state);

/* kexec_file_load of kernels entered without a purgatory */
extern const struct kexec_file_ops crash_bzimage64_ops;

#endif /* _ASM_X86_CRASH_HANDOFF_H */
