/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The last instructions of a crashed kernel: switch to page tables that map
 * memory virtual == physical, leave this kernel's mapping, its descriptor
 * tables and its CR4 features behind, and enter the next kernel (or the
 * purgatory in front of it) the way the 64-bit boot protocol asks.
 *
 * Runs in place.  Nothing here is patched by objtool or alternatives, no
 * absolute address is used: after the jump to the identity mapping,
 * %rip-relative addresses are physical ones, in .rodata too.
 */
#include <linux/linkage.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/processor-flags.h>
#include <asm/unwind_hints.h>

#define BOOT_CS		0x10
#define BOOT_DS		0x18

	.text
/*
 * void crash_trampoline(u64 pgd, u64 entry, u64 boot_params, u64 stack,
 *			 u64 identity)
 *
 * %rdi: physical address of the top-level table
 * %rsi: physical entry point
 * %rdx: what the entry finds in %rsi (boot_params, or 0 for a purgatory)
 * %rcx: physical top of a stack page
 * %r8:  physical address of crash_trampoline_identity
 *
 * Interrupts off, the other CPUs stopped.  Does not return.
 */
SYM_CODE_START_NOALIGN(crash_trampoline)
	UNWIND_HINT_END_OF_STACK
	ANNOTATE_NOENDBR	/* called directly; the address is for the map */
	/* The tables also map this code where it runs now. */
	movq	%rdi, %cr3
	ANNOTATE_RETPOLINE_SAFE
	jmp	*%r8
	int3
SYM_CODE_END(crash_trampoline)

SYM_CODE_START_NOALIGN(crash_trampoline_identity)
	UNWIND_HINT_END_OF_STACK
	ENDBR
	movq	%rcx, %rsp

	/* Flat code and data selectors where the boot protocol wants them. */
	leaq	.Lgdt(%rip), %rax
	pushq	%rax
	pushw	$(.Lgdt_end - .Lgdt - 1)
	lgdt	(%rsp)
	/* No IDT: a fault from here on resets the machine. */
	pushq	$0
	pushw	$0
	lidt	(%rsp)
	pushq	$BOOT_CS
	leaq	.Lflat(%rip), %rax
	pushq	%rax
	lretq
.Lflat:
	UNWIND_HINT_END_OF_STACK
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	/*
	 * Keep only PAE and the paging depth in use: no global pages (this
	 * flushes them), PCIDs, SMEP, SMAP or CET for the next kernel to
	 * stumble on.
	 */
	movq	%cr4, %rax
	andq	$X86_CR4_LA57, %rax
	orq	$X86_CR4_PAE, %rax
	movq	%rax, %cr4
	/* And no write protection, alignment checks or lazy FPU traps. */
	movq	%cr0, %rax
	andq	$~(X86_CR0_AM | X86_CR0_WP | X86_CR0_TS | X86_CR0_EM), %rax
	movq	%rax, %cr0

	movq	%rsi, %rax
	movq	%rdx, %rsi
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	ANNOTATE_RETPOLINE_SAFE
	jmp	*%rax
	int3
SYM_CODE_END(crash_trampoline_identity)

	/* The kernel image is contiguous: its physical layout is its virtual one */
	.section .rodata
	.balign	16
.Lgdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* BOOT_CS: 64-bit code */
	.quad	0x00cf92000000ffff	/* BOOT_DS: flat data */
.Lgdt_end:
