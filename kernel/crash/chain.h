/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The crash chain's engine, shared by the kernel's one chain and by the
 * KUnit tests, which build chains of their own.
 */
#ifndef _KERNEL_CRASH_CHAIN_H
#define _KERNEL_CRASH_CHAIN_H

#include <linux/atomic.h>
#include <linux/crash_chain.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/seqlock.h>

#define CRASH_RECEIPT_LINES	32
/* The most a handler's note in a receipt holds (crash_run_note()). */
#define CRASH_RECEIPT_NOTE_LEN	96
/* How long a non-fatal run waits for another CPU's run to end. */
#define CRASH_BUSY_WAIT_MS	100
/* How long a panic waits for another CPU's run to yield before it stops it. */
#define CRASH_TAKEOVER_MS	100
/* How long the CPU that stops the others waits for a watchdog to start. */
#define CRASH_WATCH_START_MS	20
/* How long the hand-off waits for the watchdog to retire. */
#define CRASH_WATCH_RETIRE_MS	20

enum crash_result {
	CRASH_RESULT_OK,
	CRASH_RESULT_IDLE,
	CRASH_RESULT_FAILED,
	CRASH_RESULT_FAULT,
	CRASH_RESULT_OVER_BUDGET,	/* stopped by the watchdog, abandoned */
	CRASH_RESULT_LATE,		/* returned after its budget */
	CRASH_RESULT_SKIPPED,
	CRASH_RESULT_DEAD,		/* abandoned in an earlier run */
	CRASH_RESULT_STOPPED,		/* its CPU was stopped by a takeover */
};

/* One line of the receipt: a handler that was considered for the run. */
struct crash_receipt_line {
	char name[CRASH_HANDLER_NAME_LEN];
	u8 stage;
	u8 result;
	s16 err;
	u32 usecs;
};

/**
 * struct crash_receipt - what one run did
 * @reason: why it ran
 * @cause: what brought the machine down, if known
 * @nr_lines: lines recorded in @line
 * @dropped: handlers beyond CRASH_RECEIPT_LINES, not recorded
 * @faults: handlers that faulted
 * @overruns: handlers stopped by the watchdog, or that returned late
 * @taken_from: the CPU whose run this one took over, or -1
 * @unwatched: budgets could not be enforced in this run (no watchdog)
 * @handoff_moved: the hand-off was moved before persist for that reason
 * @usecs: the whole run
 * @note: a line a handler added (crash_run_note()), or empty
 * @line: one per handler, in the order they ran
 */
struct crash_receipt {
	enum kmsg_dump_reason reason;
	enum crash_cause cause;
	unsigned int nr_lines;
	unsigned int dropped;
	unsigned int faults;
	unsigned int overruns;
	int taken_from;
	bool unwatched;
	bool handoff_moved;
	u64 usecs;
	char note[CRASH_RECEIPT_NOTE_LEN];
	struct crash_receipt_line line[CRASH_RECEIPT_LINES];
};

/* The run in progress; owned by the CPU in crash_chain.run_cpu. */
struct crash_run {
	struct crash_context ctx;
	struct pt_regs regs;		/* ctx.regs points here, or is NULL */
	enum crash_stage order[CRASH_NR_STAGES];
	unsigned int stages;		/* mask of BIT(stage) this run covers */
	unsigned int skip;		/* stages recorded as skipped, not run */
	unsigned int stage_idx;		/* index into @order being walked */
	struct crash_handler *cur;	/* handler running now, or NULL */
	u64 start, cur_start;
	unsigned long generation;	/* bumped when a run begins or ends */
	unsigned int printed_stages;	/* BIT(stage): receipt printed before */
	unsigned int printed;		/* receipt lines printed so far */
	struct crash_receipt receipt;
};

enum crash_watch_state {
	CRASH_WATCH_OFF,	/* no watchdog, none wanted */
	CRASH_WATCH_WANTED,	/* the first stopped CPU to come may watch */
	CRASH_WATCH_ON,		/* a CPU watches the handlers' deadlines */
	CRASH_WATCH_RETIRE,	/* the hand-off asked it to stop */
};

/**
 * struct crash_watch - what the watchdog CPU and the chain's CPU share
 * @state: enum crash_watch_state
 * @seq: bumped when a handler starts
 * @deadline: when the handler of @seq must have returned (@clock), 0 if
 *	none is running or it has no budget
 * @kicked: the @seq the watchdog interrupted the chain's CPU for
 *
 * See "crash chain watchdog" in watch.c for the protocol.
 */
struct crash_watch {
	atomic_t state;
	unsigned long seq;
	u64 deadline;
	unsigned long kicked;
};

enum crash_order {
	CRASH_ORDER_PERSIST_FIRST,
	CRASH_ORDER_HANDOFF_FIRST,
};

/**
 * struct crash_chain - handlers and the state of their runs
 * @handlers: sorted by stage, then priority; walked under RCU
 * @lock: serializes register and unregister; never taken by a run
 * @run_cpu: the CPU running the chain, or -1
 * @taker: the CPU taking the chain over for a panic, or -1
 * @panic_done: a panic run has completed; later panic runs do nothing
 * @budget_ms: per stage, the most one handler may take; 0 means no limit
 * @order: enum crash_order of a full run
 * @legacy_first: points to true to run the legacy stage right after
 *	capture (crash_kexec_post_notifiers); may be NULL
 * @busy_wait_ms: how long a non-fatal run waits for another CPU's
 * @takeover_ms: how long a panic waits for another CPU's run to yield
 * @clock: nanoseconds, safe in NMI; tests substitute their own
 * @this_cpu: the CPU we run on; tests pretend to be other CPUs
 * @stop_others: stop every other CPU, for a panic whose owner does not
 *	yield; tests substitute their own
 * @kick: interrupt @cpu with an NMI, for the watchdog; may be NULL
 * @print: print receipt lines (tests turn it off)
 * @watch: shared with the watchdog CPU
 * @run: the run in progress
 * @last_seq: guards @last for readers outside a run
 * @last: the receipt of the last completed run
 */
struct crash_chain {
	struct list_head handlers;
	struct mutex lock;	/* register and unregister only */
	atomic_t run_cpu;
	atomic_t taker;
	bool panic_done;
	unsigned int budget_ms[CRASH_NR_STAGES];
	int order;
	const bool *legacy_first;
	unsigned int busy_wait_ms;
	unsigned int takeover_ms;
	u64 (*clock)(void);
	int (*this_cpu)(void);
	void (*stop_others)(struct crash_chain *c);
	void (*kick)(int cpu);
	bool print;
	struct crash_watch watch;
	struct crash_run run;
	seqcount_t last_seq;
	struct crash_receipt last;
};

/* Result of crash_chain_walk_run() and crash_chain_abandon(). */
enum crash_run_outcome {
	CRASH_RUN_DONE,		/* ran this run to its end */
	CRASH_RUN_RESUMED,	/* finished a run a handler's fault broke */
	CRASH_RUN_BUSY,		/* another CPU ran the chain; nothing done */
	CRASH_RUN_SKIPPED,	/* a panic run had already completed */
	CRASH_RUN_LOST,		/* a panic on another CPU took the run over */
};

/* chain.c */
void crash_chain_init(struct crash_chain *c);
int crash_chain_add(struct crash_chain *c, struct crash_handler *h);
void crash_chain_del(struct crash_chain *c, struct crash_handler *h);
enum crash_run_outcome crash_chain_walk_run(struct crash_chain *c,
					    const struct crash_context *ctx,
					    unsigned int stages);
void crash_chain_last_receipt(struct crash_chain *c,
			      struct crash_receipt *out);
void crash_run_handoff_next(struct crash_chain *c);
int crash_order_parse(const char *s, int *order);
const char *crash_stage_name(enum crash_stage stage);

/* watch.c */
bool crash_watch_started(struct crash_chain *c, bool others);
bool crash_watch_volunteer(struct crash_chain *c);
bool crash_watch_poll(struct crash_chain *c);
void crash_watch_retire(struct crash_chain *c);
bool crash_chain_overdue(struct crash_chain *c);
enum crash_run_outcome crash_chain_abandon(struct crash_chain *c);
void crash_watch_arm(struct crash_chain *c, enum crash_stage stage);
void crash_watch_disarm(struct crash_chain *c);

/* receipt.c */
int crash_receipt_format(const struct crash_receipt *r, char *buf,
			 size_t size);
int crash_receipt_line_format(const struct crash_receipt_line *l, char *buf,
			      size_t size);
void crash_run_print(struct crash_chain *c, unsigned int first, bool summary);
void crash_run_info(const struct crash_chain *c, const char *fmt, ...);
void crash_run_record(struct crash_chain *c, struct crash_handler *h,
		      enum crash_result result, int err, u64 since);

/* entry.c */
void crash_chain_run_stages(enum kmsg_dump_reason reason, const char *desc,
			    unsigned int stages);

#endif /* _KERNEL_CRASH_CHAIN_H */
