// SPDX-License-Identifier: GPL-2.0
/*
 * The crash chain's engine: handlers in stages, one run at a time, a
 * receipt of every run.
 *
 * DOC: crash chain runs
 *
 * A run walks the handlers of each stage in the chain's stage order, in
 * priority order inside a stage, calling those that take the run's reason.
 * The rules that make a run safe in a dying kernel:
 *
 * - The walk takes no lock.  The handler list is an RCU list: a run is an
 *   RCU reader for its whole length, register and unregister serialize on
 *   a mutex that no run ever takes, so a crash in the middle of a
 *   registration cannot deadlock.  A handler added during a run may or may
 *   not be seen by it; one being removed is not freed before the run ends
 *   (unregister waits for readers).
 *
 * - One CPU runs the chain at a time (@run_cpu).  A CPU that finds another
 *   running it waits a little for non-fatal reasons and gives up; a panic
 *   takes the chain over, since the CPU that had it is about to be stopped.
 *
 * - A CPU that enters the chain while it is already running the chain has
 *   faulted inside a handler: an oops or a panic in @cur.  That handler is
 *   recorded as faulted and abandoned, and the nested entry finishes the
 *   run from the next handler on; the faulted frames below it are never
 *   returned to (see entry.c for what the caller does next).  A second
 *   fault in the same run skips everything but the hand-off stage.
 *
 * - A stage whose handlers have used up its time budget records the rest
 *   of its handlers as over budget instead of running them.
 *
 * - Once a panic run has completed, later panic runs do nothing: they are
 *   the panic() that follows a fatal oops, or a nested panic after a
 *   resumed run.
 *
 * The run state lives in struct crash_chain, not on the stack, because a
 * nested entry has to pick it up where the faulting handler left it.
 */
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/rculist.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <kunit/visibility.h>

#include "chain.h"

static const char * const crash_stage_names[CRASH_NR_STAGES] = {
	[CRASH_STAGE_CAPTURE]	= "capture",
	[CRASH_STAGE_PERSIST]	= "persist",
	[CRASH_STAGE_STREAM]	= "stream",
	[CRASH_STAGE_HANDOFF]	= "handoff",
	[CRASH_STAGE_LEGACY]	= "legacy",
};

static const char * const crash_reason_names[KMSG_DUMP_MAX] = {
	[KMSG_DUMP_UNDEF]	= "undef",
	[KMSG_DUMP_PANIC]	= "panic",
	[KMSG_DUMP_OOPS]	= "oops",
	[KMSG_DUMP_EMERG]	= "emergency",
	[KMSG_DUMP_SHUTDOWN]	= "shutdown",
};

const char *crash_stage_name(enum crash_stage stage)
{
	return stage < CRASH_NR_STAGES ? crash_stage_names[stage] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(crash_stage_name);

static const char *crash_reason_name(enum kmsg_dump_reason reason)
{
	return reason < KMSG_DUMP_MAX ? crash_reason_names[reason] : "?";
}

/* The two stage orders crash_chain.order names; see crash-chain.rst. */
static const enum crash_stage crash_order_persist_first[CRASH_NR_STAGES] = {
	CRASH_STAGE_CAPTURE, CRASH_STAGE_PERSIST, CRASH_STAGE_STREAM,
	CRASH_STAGE_HANDOFF, CRASH_STAGE_LEGACY,
};

static const enum crash_stage crash_order_handoff_first[CRASH_NR_STAGES] = {
	CRASH_STAGE_CAPTURE, CRASH_STAGE_HANDOFF, CRASH_STAGE_PERSIST,
	CRASH_STAGE_STREAM, CRASH_STAGE_LEGACY,
};

/**
 * crash_order_parse() - read a crash_chain.order value
 * @s: "persist-first" or "handoff-first", with an optional newline
 * @order: filled with the stage order
 *
 * Return: 0, or -EINVAL for anything else.
 */
int crash_order_parse(const char *s, enum crash_stage *order)
{
	if (sysfs_streq(s, "persist-first"))
		memcpy(order, crash_order_persist_first,
		       sizeof(crash_order_persist_first));
	else if (sysfs_streq(s, "handoff-first"))
		memcpy(order, crash_order_handoff_first,
		       sizeof(crash_order_handoff_first));
	else
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(crash_order_parse);

void crash_chain_init(struct crash_chain *c)
{
	memset(c, 0, sizeof(*c));
	INIT_LIST_HEAD(&c->handlers);
	mutex_init(&c->lock);
	seqcount_init(&c->last_seq);
	atomic_set(&c->run_cpu, -1);
	memcpy(c->order, crash_order_persist_first, sizeof(c->order));
	c->clock = ktime_get_mono_fast_ns;
	c->busy_wait_ms = CRASH_BUSY_WAIT_MS;
}
EXPORT_SYMBOL_IF_KUNIT(crash_chain_init);

int crash_chain_add(struct crash_chain *c, struct crash_handler *h)
{
	struct crash_handler *pos;
	int ret = 0;

	if (!h->run || !h->name[0] || h->stage >= CRASH_NR_STAGES ||
	    !(h->reasons & CRASH_REASONS_ALL))
		return -EINVAL;

	mutex_lock(&c->lock);
	if (h->registered) {
		ret = -EBUSY;
		goto out;
	}
	/* After every handler that sorts before or equal to it. */
	list_for_each_entry(pos, &c->handlers, node)
		if (pos->stage > h->stage ||
		    (pos->stage == h->stage && pos->priority > h->priority))
			break;
	list_add_tail_rcu(&h->node, &pos->node);
	h->registered = true;
out:
	mutex_unlock(&c->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(crash_chain_add);

void crash_chain_del(struct crash_chain *c, struct crash_handler *h)
{
	bool was;

	mutex_lock(&c->lock);
	was = h->registered;
	if (was) {
		list_del_rcu(&h->node);
		h->registered = false;
	}
	mutex_unlock(&c->lock);
	if (was)
		synchronize_rcu();
}
EXPORT_SYMBOL_IF_KUNIT(crash_chain_del);

static void crash_run_record(struct crash_chain *c, struct crash_handler *h,
			     enum crash_result result, int err, u64 since)
{
	struct crash_receipt *r = &c->run.receipt;
	struct crash_receipt_line *l;

	if (r->nr_lines >= CRASH_RECEIPT_LINES) {
		r->dropped++;
		return;
	}
	l = &r->line[r->nr_lines++];
	strscpy(l->name, h->name, sizeof(l->name));
	l->stage = h->stage;
	l->result = result;
	l->err = clamp(err, S16_MIN, 0);
	l->usecs = since ? min_t(u64, (c->clock() - since) / NSEC_PER_USEC,
				 U32_MAX) : 0;
}

static void crash_run_record_return(struct crash_chain *c,
				    struct crash_handler *h, int ret, u64 since)
{
	if (ret == CRASH_NOT_MINE)
		return;
	if (ret < 0)
		crash_run_record(c, h, CRASH_RESULT_FAILED, ret, since);
	else
		crash_run_record(c, h, ret == CRASH_IDLE ? CRASH_RESULT_IDLE :
				 CRASH_RESULT_OK, 0, since);
}

static const char *crash_result_name(enum crash_result r)
{
	switch (r) {
	case CRASH_RESULT_OK:		return "ok";
	case CRASH_RESULT_IDLE:		return "idle";
	case CRASH_RESULT_FAILED:	return "failed";
	case CRASH_RESULT_FAULT:	return "FAULT";
	case CRASH_RESULT_OVER_BUDGET:	return "over-budget";
	case CRASH_RESULT_SKIPPED:	return "skipped";
	}
	return "?";
}

/**
 * crash_receipt_line_format() - one receipt line as text
 * @l: the line
 * @buf: where to write it, NUL-terminated, no newline
 * @size: size of @buf
 *
 * Return: what snprintf() returns.
 */
int crash_receipt_line_format(const struct crash_receipt_line *l, char *buf,
			      size_t size)
{
	char result[24];

	if (l->result == CRASH_RESULT_FAILED)
		snprintf(result, sizeof(result), "failed %pe",
			 ERR_PTR(l->err));
	else
		strscpy(result, crash_result_name(l->result), sizeof(result));
	return snprintf(buf, size, "%-8s %-24s %-16s %8u us",
			crash_stage_name(l->stage), l->name, result, l->usecs);
}
EXPORT_SYMBOL_IF_KUNIT(crash_receipt_line_format);

static int crash_receipt_summary(const struct crash_receipt *r, char *buf,
				 size_t size)
{
	return snprintf(buf, size, "%s run: %u handler%s, %u fault%s, %llu us%s",
			crash_reason_name(r->reason),
			r->nr_lines + r->dropped,
			r->nr_lines + r->dropped == 1 ? "" : "s",
			r->faults, r->faults == 1 ? "" : "s", r->usecs,
			r->dropped ? " (some lines not recorded)" : "");
}

/**
 * crash_receipt_format() - a whole receipt as text, a line per handler
 * @r: the receipt
 * @buf: where to write it
 * @size: size of @buf
 *
 * Return: bytes written, as scnprintf() counts them.
 */
int crash_receipt_format(const struct crash_receipt *r, char *buf, size_t size)
{
	char line[80];
	unsigned int i;
	int n;

	crash_receipt_summary(r, line, sizeof(line));
	n = scnprintf(buf, size, "%s\n", line);
	for (i = 0; i < r->nr_lines; i++) {
		crash_receipt_line_format(&r->line[i], line, sizeof(line));
		n += scnprintf(buf + n, size - n, "%s\n", line);
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(crash_receipt_format);

/* A panic's receipt goes to the consoles whatever the loglevel. */
static void crash_run_say(const struct crash_receipt *r, const char *text)
{
	if (r->reason == KMSG_DUMP_PANIC)
		pr_emerg("crash_chain: %s\n", text);
	else
		pr_info("crash_chain: %s\n", text);
}

/* Print receipt lines [first, nr_lines), after a summary or a heading. */
static void crash_run_print(struct crash_chain *c, unsigned int first,
			    bool summary)
{
	const struct crash_receipt *r = &c->run.receipt;
	char line[80];
	unsigned int i;

	if (!c->print)
		return;
	if (summary) {
		crash_receipt_summary(r, line, sizeof(line));
		crash_run_say(r, line);
	} else {
		crash_run_say(r, "receipt so far:");
	}
	for (i = first; i < r->nr_lines; i++) {
		memcpy(line, "  ", 2);
		crash_receipt_line_format(&r->line[i], line + 2,
					  sizeof(line) - 2);
		crash_run_say(r, line);
	}
}

static void crash_run_begin(struct crash_chain *c,
			    const struct crash_context *ctx,
			    unsigned int stages)
{
	struct crash_run *r = &c->run;
	unsigned int i, j = 0;

	r->ctx = *ctx;
	r->stages = stages;
	r->skip = 0;
	r->cur = NULL;
	r->stage_idx = 0;
	r->start = c->clock();
	r->printed_stages = 0;
	r->printed = 0;
	/* crash_kexec_post_notifiers: the notifiers right after capture */
	for (i = 0; i < CRASH_NR_STAGES; i++) {
		if (c->legacy_first && c->order[i] == CRASH_STAGE_LEGACY)
			continue;
		r->order[j++] = c->order[i];
		if (c->legacy_first && c->order[i] == CRASH_STAGE_CAPTURE)
			r->order[j++] = CRASH_STAGE_LEGACY;
	}
	memset(&r->receipt, 0, sizeof(r->receipt));
	r->receipt.reason = ctx->reason;
}

static void crash_run_end(struct crash_chain *c)
{
	struct crash_run *r = &c->run;
	struct crash_receipt *rc = &r->receipt;

	rc->usecs = (c->clock() - r->start) / NSEC_PER_USEC;
	if (rc->nr_lines || rc->reason == KMSG_DUMP_PANIC)
		crash_run_print(c, 0, true);

	raw_write_seqcount_begin(&c->last_seq);
	c->last = *rc;
	raw_write_seqcount_end(&c->last_seq);

	if (rc->reason == KMSG_DUMP_PANIC)
		WRITE_ONCE(c->panic_done, true);
	r->cur = NULL;
	WRITE_ONCE(r->generation, r->generation + 1);
	atomic_set_release(&c->run_cpu, -1);
}

static bool crash_stage_over_budget(struct crash_chain *c,
				    enum crash_stage stage)
{
	unsigned int ms = READ_ONCE(c->budget_ms[stage]);

	return ms && c->clock() - c->run.stage_start > (u64)ms * NSEC_PER_MSEC;
}

/*
 * Walk the run from stage index @first, starting after handler @after
 * (NULL: from the start of that stage).  Returns false if the run was
 * finished by a nested entry while one of its handlers ran.
 */
static bool crash_run_walk(struct crash_chain *c, unsigned int first,
			   struct crash_handler *after)
{
	struct crash_run *r = &c->run;
	unsigned long gen = r->generation;
	struct crash_handler *h;
	unsigned int i;
	int ret;

	rcu_read_lock();
	for (i = first; i < CRASH_NR_STAGES; i++) {
		enum crash_stage stage = r->order[i];

		if (!(r->stages & BIT(stage))) {
			after = NULL;
			continue;
		}
		r->stage_idx = i;
		if (!after)
			r->stage_start = c->clock();
		h = list_prepare_entry(after, &c->handlers, node);
		after = NULL;
		list_for_each_entry_continue_rcu(h, &c->handlers, node) {
			if (h->stage != stage ||
			    !(h->reasons & CRASH_REASON(r->ctx.reason)))
				continue;
			if (r->skip & BIT(stage)) {
				crash_run_record(c, h, CRASH_RESULT_SKIPPED, 0, 0);
				continue;
			}
			if (crash_stage_over_budget(c, stage)) {
				crash_run_record(c, h, CRASH_RESULT_OVER_BUDGET,
						 0, 0);
				continue;
			}
			/*
			 * Let the records persist writes, and the log a capture
			 * kernel finds, hold the receipt so far.
			 */
			if ((stage == CRASH_STAGE_PERSIST ||
			     stage == CRASH_STAGE_HANDOFF) &&
			    !(r->printed_stages & BIT(stage)) &&
			    r->receipt.nr_lines > r->printed) {
				r->printed_stages |= BIT(stage);
				crash_run_print(c, r->printed, false);
				r->printed = r->receipt.nr_lines;
			}
			r->cur = h;
			r->cur_start = c->clock();
			ret = h->run(h, &r->ctx);
			if (READ_ONCE(r->generation) != gen) {
				rcu_read_unlock();
				return false;
			}
			r->cur = NULL;
			crash_run_record_return(c, h, ret, r->cur_start);
		}
	}
	rcu_read_unlock();
	return true;
}

/*
 * This CPU entered the chain while running it: the handler in @cur has
 * faulted.  Abandon it and finish the run from here.
 */
static enum crash_run_outcome crash_chain_fault(struct crash_chain *c,
						const struct crash_context *ctx,
						unsigned int stages)
{
	struct crash_run *r = &c->run;
	struct crash_handler *h = r->cur;
	unsigned int i;

	r->cur = NULL;
	r->receipt.faults++;
	if (h)
		crash_run_record(c, h, CRASH_RESULT_FAULT, 0, r->cur_start);

	if (ctx->reason == KMSG_DUMP_PANIC &&
	    r->ctx.reason != KMSG_DUMP_PANIC) {
		/* A lighter run turned into a panic: close it, run the panic. */
		crash_run_end(c);
		atomic_set(&c->run_cpu, raw_smp_processor_id());
		crash_run_begin(c, ctx, stages);
		if (crash_run_walk(c, 0, NULL))
			crash_run_end(c);
		return CRASH_RUN_DONE;
	}

	if (!h) {
		/* A fault in the chain itself: do not walk again. */
		crash_run_end(c);
		return CRASH_RUN_RESUMED;
	}

	if (r->receipt.faults > 1) {
		/* Second fault: everything but the hand-off is skipped. */
		for (i = 0; i < CRASH_NR_STAGES; i++)
			if (i != CRASH_STAGE_HANDOFF)
				r->skip |= BIT(i);
	}
	if (crash_run_walk(c, r->stage_idx, h))
		crash_run_end(c);
	return CRASH_RUN_RESUMED;
}

/* Wait for another CPU's run to end; false if it does not soon. */
static bool crash_chain_wait(struct crash_chain *c, int cpu)
{
	unsigned int ms;
	int owner;

	for (ms = 0; ; ms++) {
		owner = -1;
		if (atomic_try_cmpxchg_acquire(&c->run_cpu, &owner, cpu))
			return true;
		if (ms >= c->busy_wait_ms)
			return false;
		mdelay(1);
	}
}

/**
 * crash_chain_walk_run() - run a chain for a reason
 * @c: the chain
 * @ctx: the reason, the panic message, the fault's registers
 * @stages: mask of BIT(stage) to run; the others are left out
 *
 * Return: what happened, see enum crash_run_outcome.
 */
enum crash_run_outcome crash_chain_walk_run(struct crash_chain *c,
					    const struct crash_context *ctx,
					    unsigned int stages)
{
	int cpu = raw_smp_processor_id();
	int owner = -1;

	if (ctx->reason == KMSG_DUMP_PANIC && READ_ONCE(c->panic_done))
		return CRASH_RUN_SKIPPED;

	if (!atomic_try_cmpxchg_acquire(&c->run_cpu, &owner, cpu)) {
		if (owner == cpu)
			return crash_chain_fault(c, ctx, stages);
		if (ctx->reason != KMSG_DUMP_PANIC) {
			if (!crash_chain_wait(c, cpu))
				return CRASH_RUN_BUSY;
		} else {
			atomic_set(&c->run_cpu, cpu);
		}
	}
	crash_run_begin(c, ctx, stages);
	if (!crash_run_walk(c, 0, NULL))
		return CRASH_RUN_RESUMED;	/* only tests come back here */
	crash_run_end(c);
	return CRASH_RUN_DONE;
}
EXPORT_SYMBOL_IF_KUNIT(crash_chain_walk_run);

/**
 * crash_chain_last_receipt() - a consistent copy of the last run's receipt
 * @c: the chain
 * @out: where to copy it
 */
void crash_chain_last_receipt(struct crash_chain *c, struct crash_receipt *out)
{
	unsigned int seq;

	do {
		seq = raw_read_seqcount_begin(&c->last_seq);
		*out = c->last;
	} while (read_seqcount_retry(&c->last_seq, seq));
}
EXPORT_SYMBOL_IF_KUNIT(crash_chain_last_receipt);
