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
#include <linux/seqlock.h>

#define CRASH_RECEIPT_LINES	32
/* How long a non-fatal run waits for another CPU's run to end. */
#define CRASH_BUSY_WAIT_MS	100

enum crash_result {
	CRASH_RESULT_OK,
	CRASH_RESULT_IDLE,
	CRASH_RESULT_FAILED,
	CRASH_RESULT_FAULT,
	CRASH_RESULT_OVER_BUDGET,
	CRASH_RESULT_SKIPPED,
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
 * @nr_lines: lines recorded in @line
 * @dropped: handlers beyond CRASH_RECEIPT_LINES, not recorded
 * @faults: handlers that faulted
 * @usecs: the whole run
 * @line: one per handler, in the order they ran
 */
struct crash_receipt {
	enum kmsg_dump_reason reason;
	unsigned int nr_lines;
	unsigned int dropped;
	unsigned int faults;
	u64 usecs;
	struct crash_receipt_line line[CRASH_RECEIPT_LINES];
};

/* The run in progress; owned by the CPU in crash_chain.run_cpu. */
struct crash_run {
	struct crash_context ctx;
	enum crash_stage order[CRASH_NR_STAGES];
	unsigned int stages;		/* mask of BIT(stage) this run covers */
	unsigned int skip;		/* stages recorded as skipped, not run */
	unsigned int stage_idx;		/* index into @order being walked */
	struct crash_handler *cur;	/* handler running now, or NULL */
	u64 start, stage_start, cur_start;
	unsigned long generation;	/* bumped when a run ends */
	unsigned int printed_stages;	/* BIT(stage): receipt printed before */
	unsigned int printed;		/* receipt lines printed so far */
	struct crash_receipt receipt;
};

/**
 * struct crash_chain - handlers and the state of their runs
 * @handlers: sorted by stage, then priority; walked under RCU
 * @lock: serializes register and unregister; never taken by a run
 * @run_cpu: the CPU running the chain, or -1
 * @panic_done: a panic run has completed; later panic runs do nothing
 * @budget_ms: per stage; 0 means no limit
 * @order: the stage order of a full run
 * @legacy_first: run the legacy stage right after capture
 *	(crash_kexec_post_notifiers)
 * @busy_wait_ms: how long a non-fatal run waits for another CPU's
 * @clock: nanoseconds, safe in NMI; tests substitute their own
 * @print: print receipt lines (tests turn it off)
 * @run: the run in progress
 * @last_seq: guards @last for readers outside a run
 * @last: the receipt of the last completed run
 */
struct crash_chain {
	struct list_head handlers;
	struct mutex lock;	/* register and unregister only */
	atomic_t run_cpu;
	bool panic_done;
	unsigned int budget_ms[CRASH_NR_STAGES];
	enum crash_stage order[CRASH_NR_STAGES];
	bool legacy_first;
	unsigned int busy_wait_ms;
	u64 (*clock)(void);
	bool print;
	struct crash_run run;
	seqcount_t last_seq;
	struct crash_receipt last;
};

/* Result of crash_chain_walk_run(). */
enum crash_run_outcome {
	CRASH_RUN_DONE,		/* ran this run to its end */
	CRASH_RUN_RESUMED,	/* finished the run a faulting handler broke */
	CRASH_RUN_BUSY,		/* another CPU ran the chain; nothing done */
	CRASH_RUN_SKIPPED,	/* a panic run had already completed */
};

void crash_chain_init(struct crash_chain *c);
int crash_chain_add(struct crash_chain *c, struct crash_handler *h);
void crash_chain_del(struct crash_chain *c, struct crash_handler *h);
enum crash_run_outcome crash_chain_walk_run(struct crash_chain *c,
					    const struct crash_context *ctx,
					    unsigned int stages);
void crash_chain_last_receipt(struct crash_chain *c,
			      struct crash_receipt *out);
int crash_receipt_format(const struct crash_receipt *r, char *buf,
			 size_t size);
int crash_receipt_line_format(const struct crash_receipt_line *l, char *buf,
			      size_t size);
void crash_chain_run_stages(enum kmsg_dump_reason reason, const char *desc,
			    unsigned int stages);
const char *crash_stage_name(enum crash_stage stage);
int crash_order_parse(const char *s, enum crash_stage *order);

#endif /* _KERNEL_CRASH_CHAIN_H */
