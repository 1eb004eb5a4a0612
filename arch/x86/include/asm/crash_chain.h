/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64's part of the crash chain watchdog (kernel/crash/watch.c): the
 * NMI the watchdog sends, and the NMI's return into a fresh frame.
 */
#ifndef _ASM_X86_CRASH_CHAIN_H
#define _ASM_X86_CRASH_CHAIN_H

#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/processor-flags.h>
#include <asm/ptrace.h>

/* An NMI to @cpu; safe with interrupts off and in NMI. */
static inline void arch_crash_kick(int cpu)
{
	__apic_send_IPI(cpu, NMI_VECTOR);
}

/*
 * Make the NMI that interrupted the kernel at @regs return into @fn, on
 * the stack that ends at @top (16-byte aligned), with interrupts off: the
 * interrupted frame is abandoned.  @fn starts as if called, with a zero
 * return address above it, which ends unwinding there.
 *
 * An NMI from kernel mode returns through the "iret" frame that
 * entry_64.S keeps right above pt_regs, a copy of the "outermost" frame
 * that pt_regs ends with (and copied again from it when a nested NMI
 * forces another pass): both are changed.  Returns false, changing
 * nothing, if the copy above pt_regs is not what that layout says.
 */
struct crash_iret_frame {
	unsigned long ip, cs, flags, sp, ss;
};

static inline bool arch_crash_redirect(struct pt_regs *regs,
				       void (*fn)(void), unsigned long *top)
{
	struct crash_iret_frame *iret = (struct crash_iret_frame *)(regs + 1);
	unsigned long *sp = top - 1;

	if (user_mode(regs) || iret->ip != regs->ip || iret->sp != regs->sp ||
	    iret->cs != regs->cs)
		return false;
	*sp = 0;
	regs->ip = (unsigned long)fn;
	regs->sp = (unsigned long)sp;
	regs->flags &= ~X86_EFLAGS_IF;
	iret->ip = regs->ip;
	iret->sp = regs->sp;
	iret->flags = regs->flags;
	return true;
}

#endif /* _ASM_X86_CRASH_CHAIN_H */
