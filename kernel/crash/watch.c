// SPDX-License-Identifier: GPL-2.0
/*
 * The crash chain watchdog: budgets that stop a handler.
 *
 * DOC: crash chain watchdog
 *
 * A handler that never returns, spinning with interrupts off, would hold
 * the chain forever, and with it the hand-off to the capture kernel.  So
 * the budget of a stage is enforced by another CPU:
 *
 * - Before the capture stage stops the other CPUs it asks for a watchdog
 *   (@state WANTED).  The first stopped CPU to save its registers takes
 *   the job (WANTED to ON) instead of halting, and polls the chain's
 *   deadline with crash_watch_poll(); the others halt as before.
 *
 * - Before each handler, the chain's CPU publishes the handler's number
 *   (@seq) and deadline (@deadline, its start plus its stage's budget),
 *   like a seqcount: deadline 0, smp_wmb(), seq + 1, smp_wmb(), the
 *   deadline.  The watchdog reads seq, smp_rmb(), deadline, smp_rmb(), seq
 *   again: if seq did not change the deadline is the handler's own, or 0.
 *   The pairing barriers are named at each site.
 *
 * - When a deadline passes, the watchdog writes @kicked = seq and sends
 *   the chain's CPU an NMI, once per handler.  The chain's CPU, in NMI,
 *   asks crash_chain_overdue(): still the chain's owner, in that handler,
 *   past its deadline?  If so the architecture makes the NMI return into a
 *   fresh frame on a stack of the chain's own instead of into the handler
 *   (arch_crash_redirect()), with interrupts off; that frame records the
 *   handler as over budget, marks it dead and finishes the run with
 *   crash_chain_abandon().  The abandoned frame is never returned to, so
 *   a handler that hangs again later can be stopped again.
 *
 * - Before the hand-off jumps, the chain retires the watchdog (ON to
 *   RETIRE, and waits up to CRASH_WATCH_RETIRE_MS for it to go back to
 *   OFF and halt), so that no NMI follows the jump into the next kernel;
 *   and at the end of a panic run that did not jump, so that its CPU
 *   halts with the others instead of polling until the reboot.
 *
 * Without a watchdog the budgets cannot stop a handler: with one CPU, on
 * an architecture that does not select CRASH_CHAIN_WATCHDOG, or when the
 * panic itself runs in NMI (an NMI cannot interrupt it).  Then a panic
 * run with a capture kernel loaded hands off right after the capture
 * stage, as upstream does, so that a hung dumper cannot cost the vmcore;
 * the receipt says "no watchdog, hand-off first".
 */
#include <linux/atomic.h>
#include <linux/processor.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "chain.h"

/**
 * crash_watch_started() - whether a watchdog came after the CPUs stopped
 * @c: the chain, after the stop that asked for one
 * @others: other CPUs were stopped, so one of them may come
 *
 * Waits up to CRASH_WATCH_START_MS for the first stopped CPU to take the
 * job.  If none came, none can come later.
 *
 * Return: true if a CPU watches the budgets.
 */
bool crash_watch_started(struct crash_chain *c, bool others)
{
	u64 until = c->clock() + CRASH_WATCH_START_MS * NSEC_PER_MSEC;
	atomic_t *state = &c->watch.state;

	while (others && atomic_read(state) == CRASH_WATCH_WANTED &&
	       c->clock() < until)
		cpu_relax();
	atomic_cmpxchg(state, CRASH_WATCH_WANTED, CRASH_WATCH_OFF);
	return atomic_read(state) == CRASH_WATCH_ON;
}
EXPORT_SYMBOL_IF_KUNIT(crash_watch_started);

/**
 * crash_watch_volunteer() - take the watchdog's job
 * @c: the chain
 *
 * For a CPU that was just stopped.
 *
 * Return: true if this CPU is the watchdog now and must poll until the
 * state leaves CRASH_WATCH_ON, then set it to CRASH_WATCH_OFF.
 */
bool crash_watch_volunteer(struct crash_chain *c)
{
	return atomic_cmpxchg(&c->watch.state, CRASH_WATCH_WANTED,
			      CRASH_WATCH_ON) == CRASH_WATCH_WANTED;
}
EXPORT_SYMBOL_IF_KUNIT(crash_watch_volunteer);

/* Before a handler runs, on the chain's CPU: publish its deadline. */
void crash_watch_arm(struct crash_chain *c, enum crash_stage stage)
{
	struct crash_watch *w = &c->watch;
	unsigned int ms = READ_ONCE(c->budget_ms[stage]);

	WRITE_ONCE(w->deadline, 0);
	smp_wmb();	/* pairs with the second smp_rmb() in crash_watch_poll() */
	WRITE_ONCE(w->seq, w->seq + 1);
	smp_wmb();	/* pairs with the first smp_rmb() in crash_watch_poll() */
	WRITE_ONCE(w->deadline,
		   ms ? c->run.cur_start + (u64)ms * NSEC_PER_MSEC : 0);
}
EXPORT_SYMBOL_IF_KUNIT(crash_watch_arm);

/* The handler returned or was abandoned: no deadline. */
void crash_watch_disarm(struct crash_chain *c)
{
	WRITE_ONCE(c->watch.deadline, 0);
}
EXPORT_SYMBOL_IF_KUNIT(crash_watch_disarm);

/**
 * crash_watch_poll() - the watchdog's check, called in a loop
 * @c: the chain
 *
 * Return: true if it kicked the chain's CPU just now.
 */
bool crash_watch_poll(struct crash_chain *c)
{
	struct crash_watch *w = &c->watch;
	unsigned long seq = READ_ONCE(w->seq);
	u64 deadline;

	smp_rmb();	/* pairs with the second smp_wmb() in crash_watch_arm() */
	deadline = READ_ONCE(w->deadline);
	smp_rmb();	/* pairs with the first smp_wmb() in crash_watch_arm() */
	if (READ_ONCE(w->seq) != seq || !deadline ||
	    READ_ONCE(w->kicked) == seq || c->clock() <= deadline)
		return false;
	WRITE_ONCE(w->kicked, seq);
	smp_mb();	/* pairs with smp_rmb() in crash_chain_overdue() */
	if (c->kick)
		c->kick(atomic_read(&c->run_cpu));
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(crash_watch_poll);

/**
 * crash_chain_overdue() - whether to abandon the handler this CPU is in
 * @c: the chain
 *
 * For the NMI handler of the chain's CPU.
 *
 * Return: true if this CPU owns the run, is inside a handler, and the
 * watchdog kicked it because that handler's deadline passed.
 */
bool crash_chain_overdue(struct crash_chain *c)
{
	struct crash_watch *w = &c->watch;
	u64 deadline = READ_ONCE(w->deadline);

	if (atomic_read(&c->run_cpu) != c->this_cpu() || !c->run.cur ||
	    !deadline)
		return false;
	smp_rmb();	/* pairs with smp_mb() in crash_watch_poll() */
	return READ_ONCE(w->kicked) == READ_ONCE(w->seq) &&
	       c->clock() > deadline;
}
EXPORT_SYMBOL_IF_KUNIT(crash_chain_overdue);

/**
 * crash_watch_retire() - stop the watchdog: before the hand-off jumps,
 * and when a panic run ends
 * @c: the chain
 */
void crash_watch_retire(struct crash_chain *c)
{
	u64 until = c->clock() + CRASH_WATCH_RETIRE_MS * NSEC_PER_MSEC;
	atomic_t *state = &c->watch.state;

	atomic_cmpxchg(state, CRASH_WATCH_WANTED, CRASH_WATCH_OFF);
	if (atomic_cmpxchg(state, CRASH_WATCH_ON, CRASH_WATCH_RETIRE) !=
	    CRASH_WATCH_ON)
		return;
	while (atomic_read(state) == CRASH_WATCH_RETIRE && c->clock() < until)
		cpu_relax();
}
EXPORT_SYMBOL_IF_KUNIT(crash_watch_retire);
