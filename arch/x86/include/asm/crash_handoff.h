/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64's hand-off into the next kernel (arch/x86/kexec/handoff.c): what
 * is prepared for one loaded image, kept in its struct kimage_arch.
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

#endif /* _ASM_X86_CRASH_HANDOFF_H */
