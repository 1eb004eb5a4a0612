/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The crash chain: one ordered, fault-isolated path for every consumer of
 * a crash (capture the machine state, persist the log, stream it, hand
 * off to a capture kernel).  See Documentation/core-api/crash-chain.rst.
 */
#ifndef _LINUX_CRASH_CHAIN_H
#define _LINUX_CRASH_CHAIN_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/types.h>

struct pt_regs;

/*
 * Why the chain runs.  These are the kmsg_dump reasons, which the chain
 * owns now; kmsg_dump.h keeps their historical names.
 */
enum kmsg_dump_reason {
	KMSG_DUMP_UNDEF,
	KMSG_DUMP_PANIC,
	KMSG_DUMP_OOPS,
	KMSG_DUMP_EMERG,
	KMSG_DUMP_SHUTDOWN,
	KMSG_DUMP_MAX
};

#define CRASH_REASON(r)		BIT(r)
#define CRASH_REASONS_ALL	(CRASH_REASON(KMSG_DUMP_PANIC) |	\
				 CRASH_REASON(KMSG_DUMP_OOPS) |		\
				 CRASH_REASON(KMSG_DUMP_EMERG) |	\
				 CRASH_REASON(KMSG_DUMP_SHUTDOWN))

/**
 * enum crash_stage - the stages of a run, each a group of handlers
 * @CRASH_STAGE_CAPTURE: stop the other CPUs, save registers and
 *	machine-check state
 * @CRASH_STAGE_PERSIST: write the log where it survives a reset (the
 *	kmsg dumpers)
 * @CRASH_STAGE_STREAM: push the log out (netconsole, consoles)
 * @CRASH_STAGE_HANDOFF: jump to the capture kernel; does not return when
 *	it works
 * @CRASH_STAGE_LEGACY: the panic notifier list
 * @CRASH_NR_STAGES: number of stages
 *
 * The stages run in the order crash_chain.order chooses; see
 * Documentation/admin-guide/crash/crash-chain.rst.
 */
enum crash_stage {
	CRASH_STAGE_CAPTURE,
	CRASH_STAGE_PERSIST,
	CRASH_STAGE_STREAM,
	CRASH_STAGE_HANDOFF,
	CRASH_STAGE_LEGACY,
	CRASH_NR_STAGES
};

/**
 * enum crash_cause - what brought the machine down, when the path that
 *	called panic() knows more than the panic message says
 * @CRASH_CAUSE_NONE: nothing more is known
 * @CRASH_CAUSE_MCE: a fatal machine check
 * @CRASH_NR_CAUSES: number of causes
 */
enum crash_cause {
	CRASH_CAUSE_NONE,
	CRASH_CAUSE_MCE,
	CRASH_NR_CAUSES
};

/**
 * struct crash_context - what a handler is told about the run
 * @reason: why the chain runs
 * @cause: what brought the machine down, if known (crash_chain_cause())
 * @cause_text: what the caller found of @cause, as lines of text each
 *	ending in a newline (a machine check's bank records), or NULL
 * @desc: the panic message, or NULL
 * @regs: registers at the fault that led here, or NULL
 */
struct crash_context {
	enum kmsg_dump_reason reason;
	enum crash_cause cause;
	const char *cause_text;
	const char *desc;
	struct pt_regs *regs;
};

/* Handler return values besides 0 (done) and -errno (failed). */
#define CRASH_IDLE	1	/* nothing to do this time; listed as idle */
#define CRASH_NOT_MINE	2	/* does not take this reason; not listed */

/**
 * struct crash_handler - one consumer of crashes
 * @name: short name for the receipt
 * @stage: the stage it runs in
 * @priority: order inside the stage, lower first
 * @reasons: mask of CRASH_REASON() it runs for
 * @run: the work; 0, CRASH_IDLE, CRASH_NOT_MINE or -errno
 * @node: on the chain; private to the chain
 * @registered: private to the chain
 * @dead: why the chain stopped calling it (enum crash_death), 0 while it
 *	is alive; private to the chain, see crash_handler_dead()
 *
 * @run may be called in any context, with interrupts off and the other
 * CPUs stopped or dead: it must not sleep, allocate, or wait for a lock
 * (trylock only), and must bound its work.  A handler that faults, runs
 * past its stage's budget or is running on a CPU the chain has to stop
 * is abandoned where it is and never called again in this boot.  The
 * rules are in Documentation/core-api/crash-chain.rst.
 */
#define CRASH_HANDLER_NAME_LEN	24

struct crash_handler {
	char name[CRASH_HANDLER_NAME_LEN];
	enum crash_stage stage;
	int priority;
	unsigned int reasons;
	int (*run)(struct crash_handler *h, const struct crash_context *ctx);
	struct list_head node;
	bool registered;
	u8 dead;
};

/* Why a handler is dead: the chain abandoned a frame of it. */
enum crash_death {
	CRASH_ALIVE,
	CRASH_DIED_FAULT,	/* it oopsed or panicked */
	CRASH_DIED_BUDGET,	/* it ran past its budget and was stopped */
	CRASH_DIED_STOPPED,	/* its CPU was stopped under it */
};

/**
 * crash_handler_dead() - whether the chain gave up on a handler
 * @h: the handler
 *
 * A dead handler's abandoned frame may still hold its locks and leave its
 * data half written: its owner should stop using what the frame used
 * (a backend, a device) for the rest of the boot.
 *
 * Return: true once the handler faulted or was abandoned.
 */
static inline bool crash_handler_dead(const struct crash_handler *h)
{
	return READ_ONCE(h->dead) != CRASH_ALIVE;
}

int crash_handler_register(struct crash_handler *h);
void crash_handler_unregister(struct crash_handler *h);
void crash_chain_run(enum kmsg_dump_reason reason, const char *desc);
void crash_chain_oops_end(struct pt_regs *regs);
void crash_chain_cause(enum crash_cause cause, const char *text);
__printf(1, 2) void crash_run_note(const char *fmt, ...);
bool crash_chain_running_here(void);

/*
 * The watchdog that enforces budgets, for an architecture that selects
 * CRASH_CHAIN_WATCHDOG: its crash stop calls crash_chain_watch() on each
 * CPU it stops, after that CPU saved its registers (one of them stays and
 * watches until the hand-off), and crash_chain_nmi() from the NMI handler
 * of the CPU that stopped them.  See "crash chain watchdog" in
 * kernel/crash/watch.c.
 */
void crash_chain_watch(void);
void crash_chain_nmi(struct pt_regs *regs);

#endif /* _LINUX_CRASH_CHAIN_H */
