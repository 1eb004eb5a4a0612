/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The last instructions of a kernel that hands over to the next one:
 * switch to page tables that map memory virtual == physical, leave this
 * kernel's mapping, descriptor tables and CR4 features behind, copy the
 * next kernel into place if it is not there yet, and enter it (or the
 * purgatory in front of it) the way the 64-bit boot protocol asks.
 *
 * Two parts.  crash_trampoline runs in this kernel's text, which the page
 * tables also map: it only switches to them and jumps to the second part,
 * crash_trampoline_page, which was copied at load time into a page that no
 * segment is copied over, and runs there at its physical address.  That
 * page is all the second part uses: %rip-relative addresses in it are
 * physical, and its GDT is in it.  Nothing here is patched by objtool or
 * alternatives.
 */
#include <linux/linkage.h>
#include <linux/kexec.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include <asm/unwind_hints.h>

#define BOOT_CS		0x10
#define BOOT_DS		0x18

	.text
/*
 * void crash_trampoline(u64 pgd, u64 entry, u64 boot_params, u64 stack,
 *			 u64 page, u64 head)
 *
 * %rdi: physical address of the top-level table
 * %rsi: physical entry point
 * %rdx: what the entry finds in %rsi (boot_params, or 0 for a purgatory)
 * %rcx: physical top of a stack page
 * %r8:  physical address of the copy of crash_trampoline_page
 * %r9:  kexec's first indirection entry (image->head), or 0: nothing to copy
 *
 * Interrupts off, CET off, the other CPUs stopped.  Does not return.
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

	/* Data here: copied to a page and run there, never in place. */
	.section .rodata
	.balign	16
SYM_DATA_START(crash_trampoline_page)
	movq	%rcx, %rsp
	movq	%rsi, %r12
	movq	%rdx, %r13
	movq	%r9, %rbx

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

	/*
	 * Walk kexec's list: a destination, then source pages copied one
	 * after the other from there, indirection pages holding more of the
	 * list, and a last entry.  kexec chose the pages so that copying in
	 * order never overwrites a source not copied yet, the list, or this
	 * page.
	 */
	cld
	xorl	%edi, %edi
.Lentry:
	testq	%rbx, %rbx
	jz	.Lenter
	testb	$IND_DONE, %bl
	jnz	.Lenter
	movq	%rbx, %rax
	andq	$PAGE_MASK, %rax
	testb	$IND_DESTINATION, %bl
	jz	1f
	movq	%rax, %rdi
	jmp	.Lnext
1:	testb	$IND_INDIRECTION, %bl
	jz	2f
	movq	%rax, %r10
	jmp	.Lnext
2:	testb	$IND_SOURCE, %bl
	jz	.Lnext
	movq	%rax, %rsi
	movl	$(PAGE_SIZE / 8), %ecx
	rep movsq
.Lnext:
	movq	(%r10), %rbx
	addq	$8, %r10
	jmp	.Lentry

.Lenter:
	movq	%r12, %rax
	movq	%r13, %rsi
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
	jmp	*%rax

	.balign	16
.Lgdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* BOOT_CS: 64-bit code */
	.quad	0x00cf92000000ffff	/* BOOT_DS: flat data */
.Lgdt_end:
SYM_DATA_END_LABEL(crash_trampoline_page, SYM_L_GLOBAL, crash_trampoline_page_end)
