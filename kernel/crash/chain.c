// SPDX-License-Identifier: GPL-2.0
/*
 * The crash chain's engine: handlers in stages, one owner at a time, a
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
 * - One CPU owns the chain at a time (@run_cpu), and only the owner calls
 *   handlers or writes the run's state.  A CPU that finds another owning
 *   it waits a little for a non-fatal reason and gives up.  A panic takes
 *   the chain over: it names itself @taker and waits for the owner to
 *   yield, which the owner does at the next handler boundary (it stops
 *   touching the run and releases @run_cpu; its own run is lost).  An
 *   owner that does not yield within @takeover_ms is stuck in a handler:
 *   the panic stops every other CPU (@stop_others) and takes the chain;
 *   the handler the stopped owner was in is dead.  Every frame of a walk
 *   checks, when a handler returns to it, that its CPU still owns the
 *   chain and the run is still the one it walked (@generation) before it
 *   writes anything; and the owner writes only between those checks and
 *   the next boundary, so an owner that yielded never writes again.
 *
 * - A CPU that enters the chain while owning it has faulted inside a
 *   handler: an oops or a panic in @cur.  That handler is recorded as
 *   faulted and is dead, and the nested entry finishes the run from the
 *   next handler on; the faulted frames below it are never returned to
 *   (see entry.c for what the caller does next).  A second fault in the
 *   same run skips everything but the hand-off stage.
 *
 * - A handler that runs past its stage's budget is stopped by the
 *   watchdog (watch.c), recorded as over budget, and is dead; the run goes
 *   on with the next handler.  Without a watchdog a late handler is only
 *   recorded as late when it returns.
 *
 * - Once a panic run has completed, later panic runs do nothing: they are
 *   the panic() that follows a fatal oops, or a nested panic after a
 *   resumed run.
 *
 * The run state lives in struct crash_chain, not on the stack, because a
 * nested entry has to pick it up where the faulting handler left it.
 */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/math64.h>
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

const char *crash_stage_name(enum crash_stage stage)
{
	return stage < CRASH_NR_STAGES ? crash_stage_names[stage] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(crash_stage_name);

/* The two stage orders crash_chain.order names; see crash-chain.rst. */
static const enum crash_stage crash_orders[][CRASH_NR_STAGES] = {
	[CRASH_ORDER_PERSIST_FIRST] = {
		CRASH_STAGE_CAPTURE, CRASH_STAGE_PERSIST, CRASH_STAGE_STREAM,
		CRASH_STAGE_HANDOFF, CRASH_STAGE_LEGACY,
	},
	[CRASH_ORDER_HANDOFF_FIRST] = {
		CRASH_STAGE_CAPTURE, CRASH_STAGE_HANDOFF, CRASH_STAGE_PERSIST,
		CRASH_STAGE_STREAM, CRASH_STAGE_LEGACY,
	},
};

/**
 * crash_order_parse() - read a crash_chain.order value
 * @s: "persist-first" or "handoff-first", with an optional newline
 * @order: set to the enum crash_order it names
 *
 * Return: 0, or -EINVAL for anything else.
 */
int crash_order_parse(const char *s, int *order)
{
	if (sysfs_streq(s, "persist-first"))
		*order = CRASH_ORDER_PERSIST_FIRST;
	else if (sysfs_streq(s, "handoff-first"))
		*order = CRASH_ORDER_HANDOFF_FIRST;
	else
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(crash_order_parse);

static int crash_this_cpu(void)
{
	return raw_smp_processor_id();
}

void crash_chain_init(struct crash_chain *c)
{
	memset(c, 0, sizeof(*c));
	INIT_LIST_HEAD(&c->handlers);
	mutex_init(&c->lock);
	seqcount_init(&c->last_seq);
	atomic_set(&c->run_cpu, -1);
	atomic_set(&c->taker, -1);
	c->clock = ktime_get_mono_fast_ns;
	c->this_cpu = crash_this_cpu;
	c->busy_wait_ms = CRASH_BUSY_WAIT_MS;
	c->takeover_ms = CRASH_TAKEOVER_MS;
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

/* The chain gave up on a frame of @h: never call it again, say so once. */
static void crash_handler_kill(struct crash_chain *c, struct crash_handler *h,
			       enum crash_death why, u64 since)
{
	unsigned int ms = div_u64(c->clock() - since, NSEC_PER_MSEC);

	if (h->dead)
		return;
	WRITE_ONCE(h->dead, why);
	switch (why) {
	case CRASH_DIED_FAULT:
		crash_run_info(c, "%s faulted: off for the rest of this boot",
			       h->name);
		break;
	case CRASH_DIED_BUDGET:
		crash_run_info(c, "%s ran past its %u ms budget: stopped after %u ms, off for the rest of this boot",
			       h->name, c->budget_ms[h->stage], ms);
		break;
	default:
		crash_run_info(c, "%s was running on a CPU that had to be stopped: off for the rest of this boot",
			       h->name);
		break;
	}
}

static void crash_run_record_return(struct crash_chain *c,
				    struct crash_handler *h, int ret, u64 since)
{
	unsigned int ms = READ_ONCE(c->budget_ms[h->stage]);

	if (ret == CRASH_NOT_MINE)
		return;
	if (ret < 0)
		crash_run_record(c, h, CRASH_RESULT_FAILED, ret, since);
	else if (ms && c->clock() - since > (u64)ms * NSEC_PER_MSEC)
		crash_run_record(c, h, CRASH_RESULT_LATE, 0, since);
	else
		crash_run_record(c, h, ret == CRASH_IDLE ? CRASH_RESULT_IDLE :
				 CRASH_RESULT_OK, 0, since);
}

/* Record the handler the run was in as abandoned, and kill it. */
static void crash_run_abandon_cur(struct crash_chain *c,
				  enum crash_result result)
{
	static const u8 death[] = {
		[CRASH_RESULT_FAULT] = CRASH_DIED_FAULT,
		[CRASH_RESULT_OVER_BUDGET] = CRASH_DIED_BUDGET,
		[CRASH_RESULT_STOPPED] = CRASH_DIED_STOPPED,
	};
	struct crash_run *r = &c->run;
	struct crash_handler *h = r->cur;

	crash_watch_disarm(c);
	r->cur = NULL;
	if (!h)
		return;
	crash_run_record(c, h, result, 0, r->cur_start);
	crash_handler_kill(c, h, death[result], r->cur_start);
}

static void crash_run_begin(struct crash_chain *c,
			    const struct crash_context *ctx,
			    unsigned int stages)
{
	const enum crash_stage *order = crash_orders[READ_ONCE(c->order) &
						     1];
	bool legacy_first = c->legacy_first && READ_ONCE(*c->legacy_first);
	struct crash_run *r = &c->run;
	unsigned int i, j = 0;

	r->ctx = *ctx;
	if (ctx->regs) {
		/*
		 * By value: a nested oops inside a handler must not change
		 * what the hand-off saves for this CPU.
		 */
		r->regs = *ctx->regs;
		r->ctx.regs = &r->regs;
	}
	r->stages = stages;
	r->skip = 0;
	r->cur = NULL;
	r->stage_idx = 0;
	r->start = c->clock();
	r->printed_stages = 0;
	r->printed = 0;
	/* crash_kexec_post_notifiers: the notifiers right after capture */
	for (i = 0; i < CRASH_NR_STAGES; i++) {
		if (legacy_first && order[i] == CRASH_STAGE_LEGACY)
			continue;
		r->order[j++] = order[i];
		if (legacy_first && order[i] == CRASH_STAGE_CAPTURE)
			r->order[j++] = CRASH_STAGE_LEGACY;
	}
	memset(&r->receipt, 0, sizeof(r->receipt));
	r->receipt.reason = ctx->reason;
	r->receipt.cause = ctx->cause;
	r->receipt.taken_from = -1;
	WRITE_ONCE(r->generation, r->generation + 1);
}

/* Close the run: its receipt printed and kept; this CPU still owns it. */
static void crash_run_close(struct crash_chain *c)
{
	struct crash_run *r = &c->run;
	struct crash_receipt *rc = &r->receipt;

	crash_watch_disarm(c);
	/* a panic run is the last: the watchdog has nothing more to watch */
	if (rc->reason == KMSG_DUMP_PANIC)
		crash_watch_retire(c);
	rc->usecs = div_u64(c->clock() - r->start, NSEC_PER_USEC);
	if (rc->nr_lines || rc->reason == KMSG_DUMP_PANIC)
		crash_run_print(c, r->printed, true);

	raw_write_seqcount_begin(&c->last_seq);
	c->last = *rc;
	raw_write_seqcount_end(&c->last_seq);

	if (rc->reason == KMSG_DUMP_PANIC)
		WRITE_ONCE(c->panic_done, true);
	r->cur = NULL;
	WRITE_ONCE(r->generation, r->generation + 1);
}

static void crash_run_end(struct crash_chain *c)
{
	crash_run_close(c);
	atomic_set_release(&c->run_cpu, -1);
}

/*
 * Whether the frame that walked run @gen on @cpu may go on: false once a
 * nested entry finished the run, or another CPU took it over.
 */
static bool crash_run_still_ours(struct crash_chain *c, int cpu,
				 unsigned long gen)
{
	return atomic_read(&c->run_cpu) == cpu &&
	       READ_ONCE(c->run.generation) == gen;
}

/*
 * A panic is waiting to take the chain over: stop touching the run and
 * let it have the chain.  Pairs with the atomic_xchg() of @taker in
 * crash_chain_take().
 */
static bool crash_run_yield(struct crash_chain *c)
{
	if (atomic_read(&c->taker) < 0)
		return false;
	atomic_set_release(&c->run_cpu, -1);
	return true;
}

/* Print the receipt so far as the persist and hand-off stages begin. */
static void crash_run_print_before(struct crash_chain *c,
				   enum crash_stage stage)
{
	struct crash_run *r = &c->run;

	/*
	 * Let the records persist writes, and the log a capture kernel
	 * finds, hold the receipt so far.
	 */
	if ((stage == CRASH_STAGE_PERSIST || stage == CRASH_STAGE_HANDOFF) &&
	    !(r->printed_stages & BIT(stage)) &&
	    r->receipt.nr_lines > r->printed) {
		r->printed_stages |= BIT(stage);
		crash_run_print(c, r->printed, false);
		r->printed = r->receipt.nr_lines;
	}
}

/* How a frame's walk ended. */
enum crash_walk {
	CRASH_WALK_DONE,	/* to the end of the run: end it */
	CRASH_WALK_GONE,	/* a nested entry finished the run meanwhile */
	CRASH_WALK_YIELDED,	/* to a panic on another CPU */
};

/*
 * Walk the run from stage index @first, starting after handler @after
 * (NULL: from the start of that stage).
 */
static enum crash_walk crash_run_walk(struct crash_chain *c,
				      unsigned int first,
				      struct crash_handler *after)
{
	struct crash_run *r = &c->run;
	unsigned long gen = READ_ONCE(r->generation);
	enum crash_walk how = CRASH_WALK_DONE;
	int cpu = c->this_cpu();
	struct crash_handler *h;
	unsigned int i;
	int ret;

	rcu_read_lock();
	for (i = first; i < CRASH_NR_STAGES; i++) {
		enum crash_stage stage = READ_ONCE(r->order[i]);

		if (!(r->stages & BIT(stage))) {
			after = NULL;
			continue;
		}
		r->stage_idx = i;
		h = list_prepare_entry(after, &c->handlers, node);
		after = NULL;
		list_for_each_entry_continue_rcu(h, &c->handlers, node) {
			if (h->stage != stage ||
			    !(h->reasons & CRASH_REASON(r->ctx.reason)))
				continue;
			if (crash_run_yield(c)) {
				how = CRASH_WALK_YIELDED;
				goto out;
			}
			if (r->skip & BIT(stage)) {
				crash_run_record(c, h, CRASH_RESULT_SKIPPED, 0, 0);
				continue;
			}
			if (READ_ONCE(h->dead)) {
				crash_run_record(c, h, CRASH_RESULT_DEAD, 0, 0);
				continue;
			}
			crash_run_print_before(c, stage);
			r->cur = h;
			r->cur_start = c->clock();
			crash_watch_arm(c, stage);
			ret = h->run(h, &r->ctx);
			if (!crash_run_still_ours(c, cpu, gen)) {
				/*
				 * Only tests come back here: in the kernel a
				 * nested entry never returns to this frame,
				 * and a CPU taken over is stopped in it.
				 */
				how = READ_ONCE(r->receipt.taken_from) == cpu ?
				      CRASH_WALK_YIELDED : CRASH_WALK_GONE;
				goto out;
			}
			crash_watch_disarm(c);
			r->cur = NULL;
			crash_run_record_return(c, h, ret, r->cur_start);
		}
	}
out:
	rcu_read_unlock();
	return how;
}

/**
 * crash_run_handoff_next() - run the hand-off stage next
 * @c: the chain; called by a handler of the run in progress
 *
 * For a run whose budgets cannot be enforced: a handler that hangs would
 * cost the capture kernel, so the hand-off goes before the stages that
 * were to come before it, as upstream does.
 */
void crash_run_handoff_next(struct crash_chain *c)
{
	struct crash_run *r = &c->run;
	unsigned int i, at = r->stage_idx + 1;

	for (i = at; i < CRASH_NR_STAGES; i++)
		if (r->order[i] == CRASH_STAGE_HANDOFF)
			break;
	if (i >= CRASH_NR_STAGES || i == at)
		return;
	for (; i > at; i--)
		WRITE_ONCE(r->order[i], r->order[i - 1]);
	WRITE_ONCE(r->order[at], CRASH_STAGE_HANDOFF);
	r->receipt.handoff_moved = true;
}
EXPORT_SYMBOL_IF_KUNIT(crash_run_handoff_next);

/* Finish the run from after the handler in @cur; see crash_chain_fault(). */
static enum crash_run_outcome crash_run_resume(struct crash_chain *c,
					       struct crash_handler *h)
{
	struct crash_run *r = &c->run;

	if (!h) {
		/* A fault in the chain itself: do not walk again. */
		crash_run_end(c);
		return CRASH_RUN_RESUMED;
	}
	switch (crash_run_walk(c, r->stage_idx, h)) {
	case CRASH_WALK_DONE:
		crash_run_end(c);
		break;
	case CRASH_WALK_YIELDED:
		return CRASH_RUN_LOST;
	default:
		break;
	}
	return CRASH_RUN_RESUMED;
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

	if (!h)
		r->receipt.faults++;
	crash_run_abandon_cur(c, CRASH_RESULT_FAULT);

	if (ctx->reason == KMSG_DUMP_PANIC &&
	    r->ctx.reason != KMSG_DUMP_PANIC) {
		/*
		 * A lighter run turned into a panic: close it and run the
		 * panic, owning the chain throughout, so that no other CPU
		 * takes it in between.
		 */
		crash_run_close(c);
		crash_run_begin(c, ctx, stages);
		if (crash_run_walk(c, 0, NULL) == CRASH_WALK_DONE)
			crash_run_end(c);
		return CRASH_RUN_DONE;
	}

	if (r->receipt.faults > 1) {
		/* Second fault: everything but the hand-off is skipped. */
		for (i = 0; i < CRASH_NR_STAGES; i++)
			if (i != CRASH_STAGE_HANDOFF)
				r->skip |= BIT(i);
	}
	return crash_run_resume(c, h);
}

/**
 * crash_chain_abandon() - finish the run without its overdue handler
 * @c: the chain
 *
 * For the chain's CPU after the watchdog interrupted it in a handler that
 * crash_chain_overdue() found past its deadline, in a frame of its own:
 * the overdue frame is never returned to.
 *
 * Return: CRASH_RUN_RESUMED.
 */
enum crash_run_outcome crash_chain_abandon(struct crash_chain *c)
{
	struct crash_handler *h = c->run.cur;

	crash_run_abandon_cur(c, CRASH_RESULT_OVER_BUDGET);
	return crash_run_resume(c, h);
}
EXPORT_SYMBOL_IF_KUNIT(crash_chain_abandon);

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

/*
 * A panic on @cpu takes the chain from @owner: wait for it to yield at a
 * handler boundary, or stop it.  Returns the handler a stopped owner was
 * in, if any; the caller records it in its own run.
 */
static struct crash_handler *crash_chain_take(struct crash_chain *c, int cpu,
					      int owner)
{
	u64 until = c->clock() + (u64)c->takeover_ms * NSEC_PER_MSEC;
	struct crash_handler *stuck = NULL;
	int none;

	/* Full barrier: the owner sees @taker before its next boundary. */
	atomic_xchg(&c->taker, cpu);
	for (;;) {
		none = -1;
		if (atomic_try_cmpxchg_acquire(&c->run_cpu, &none, cpu))
			break;
		if (c->clock() > until) {
			stuck = READ_ONCE(c->run.cur);
			if (c->stop_others)
				c->stop_others(c);
			/* Stopped: it will not write the run again. */
			atomic_set(&c->run_cpu, cpu);
			break;
		}
		cpu_relax();
	}
	atomic_set(&c->taker, -1);
	return stuck;
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
	struct crash_handler *stuck = NULL;
	int cpu = c->this_cpu();
	int owner = -1;

	if (ctx->reason == KMSG_DUMP_PANIC && READ_ONCE(c->panic_done))
		return CRASH_RUN_SKIPPED;

	if (!atomic_try_cmpxchg_acquire(&c->run_cpu, &owner, cpu)) {
		if (owner == cpu)
			return crash_chain_fault(c, ctx, stages);
		if (ctx->reason != KMSG_DUMP_PANIC) {
			if (!crash_chain_wait(c, cpu))
				return CRASH_RUN_BUSY;
			owner = -1;
		} else {
			stuck = crash_chain_take(c, cpu, owner);
		}
	}
	crash_run_begin(c, ctx, stages);
	if (owner >= 0) {
		c->run.receipt.taken_from = owner;
		crash_run_info(c, "panic on CPU %d takes over the chain from CPU %d",
			       cpu, owner);
	}
	if (stuck) {
		c->run.cur = stuck;
		c->run.cur_start = c->run.start;
		crash_run_abandon_cur(c, CRASH_RESULT_STOPPED);
	}
	switch (crash_run_walk(c, 0, NULL)) {
	case CRASH_WALK_DONE:
		crash_run_end(c);
		return CRASH_RUN_DONE;
	case CRASH_WALK_YIELDED:
		return CRASH_RUN_LOST;
	default:
		return CRASH_RUN_RESUMED;	/* only tests come back here */
	}
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
