// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the crash chain's engine, on chains of their own with a
 * clock of their own.  A "fault" is simulated the way the kernel sees one:
 * the faulting handler enters the chain again on the same CPU, as the
 * oops path or panic() would.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/string.h>

#include "chain.h"

struct test_handler {
	struct crash_handler h;
	int ret;
	u64 takes_ns;
	void (*action)(struct test_handler *t);
	int ran;
	enum crash_run_outcome nested;
};

static struct {
	struct crash_chain chain;
	char log[256];
	u64 now;
	u64 tick;		/* added to the clock at every read */
	enum kmsg_dump_reason nested_reason;
	int fake_cpu;		/* what the chain is told this CPU is */
	struct task_struct *other;	/* a thread that is "CPU 1" */
	int stops;		/* calls of stop_others */
	int kicked_cpu;
	enum crash_run_outcome abandoned;
	bool legacy_first;
	atomic_t in_handler;	/* handlers running now, on any thread */
	int most_in_handler;
} t;

static u64 test_clock(void)
{
	t.now += t.tick;
	return t.now;
}

static int test_cpu(void)
{
	return t.other && current == t.other ? 1 : t.fake_cpu;
}

static void test_stop_others(struct crash_chain *c)
{
	t.stops++;
}

static int test_run(struct crash_handler *h, const struct crash_context *ctx)
{
	struct test_handler *th = container_of(h, struct test_handler, h);

	int n = atomic_inc_return(&t.in_handler);

	t.most_in_handler = max(t.most_in_handler, n);
	th->ran++;
	strlcat(t.log, h->name, sizeof(t.log));
	strlcat(t.log, " ", sizeof(t.log));
	t.now += th->takes_ns;
	if (th->action)
		th->action(th);
	atomic_dec(&t.in_handler);
	return th->ret;
}

#define TH(_name, _stage, _prio, _reasons) {				\
	.h = { .name = _name, .stage = _stage, .priority = _prio,	\
	       .reasons = _reasons, .run = test_run },			\
}

#define PANIC_ONLY	CRASH_REASON(KMSG_DUMP_PANIC)
#define OOPS_ONLY	CRASH_REASON(KMSG_DUMP_OOPS)
#define ALL		CRASH_REASONS_ALL

static int chain_test_init(struct kunit *test)
{
	memset(&t, 0, sizeof(t));
	crash_chain_init(&t.chain);
	t.chain.clock = test_clock;
	t.chain.this_cpu = test_cpu;
	t.chain.stop_others = test_stop_others;
	t.chain.legacy_first = &t.legacy_first;
	t.chain.busy_wait_ms = 0;
	t.now = 1000;
	return 0;
}

static void add_all(struct kunit *test, struct test_handler *hs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		hs[i].h.dead = CRASH_ALIVE;
		hs[i].ran = 0;
		KUNIT_ASSERT_EQ(test, crash_chain_add(&t.chain, &hs[i].h), 0);
	}
}

static void del_all(struct test_handler *hs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		crash_chain_del(&t.chain, &hs[i].h);
}

static enum crash_run_outcome run(enum kmsg_dump_reason reason)
{
	struct crash_context ctx = { .reason = reason, .desc = "test" };

	return crash_chain_walk_run(&t.chain, &ctx, BIT(CRASH_NR_STAGES) - 1);
}

static const struct crash_receipt_line *line_of(const char *name)
{
	const struct crash_receipt *r = &t.chain.last;
	unsigned int i;

	for (i = 0; i < r->nr_lines; i++)
		if (!strcmp(r->line[i].name, name))
			return &r->line[i];
	return NULL;
}

static struct test_handler scrambled[] = {
	TH("s1", CRASH_STAGE_STREAM, 0, ALL),
	TH("p2", CRASH_STAGE_PERSIST, 5, ALL),
	TH("c", CRASH_STAGE_CAPTURE, 0, ALL),
	TH("p1", CRASH_STAGE_PERSIST, -5, ALL),
	TH("h", CRASH_STAGE_HANDOFF, 0, ALL),
	TH("l", CRASH_STAGE_LEGACY, 0, ALL),
	TH("p3", CRASH_STAGE_PERSIST, 5, ALL),
};

static void chain_orders_stages_and_priorities(struct kunit *test)
{
	add_all(test, scrambled, ARRAY_SIZE(scrambled));
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_PANIC), CRASH_RUN_DONE);
	/* equal priorities keep registration order: p2 before p3 */
	KUNIT_EXPECT_STREQ(test, t.log, "c p1 p2 p3 s1 h l ");
	KUNIT_EXPECT_EQ(test, t.chain.last.nr_lines, 7U);
	KUNIT_EXPECT_EQ(test, t.chain.last.line[0].stage, CRASH_STAGE_CAPTURE);

	t.log[0] = '\0';
	t.chain.panic_done = false;
	KUNIT_ASSERT_EQ(test, crash_order_parse("handoff-first\n",
						&t.chain.order), 0);
	run(KMSG_DUMP_PANIC);
	KUNIT_EXPECT_STREQ(test, t.log, "c h p1 p2 p3 s1 l ");

	/* crash_kexec_post_notifiers: the notifiers right after capture */
	t.log[0] = '\0';
	t.chain.panic_done = false;
	crash_order_parse("persist-first", &t.chain.order);
	t.legacy_first = true;
	run(KMSG_DUMP_PANIC);
	KUNIT_EXPECT_STREQ(test, t.log, "c l p1 p2 p3 s1 h ");
	del_all(scrambled, ARRAY_SIZE(scrambled));
}

static struct test_handler by_reason[] = {
	TH("panic", CRASH_STAGE_PERSIST, 0, PANIC_ONLY),
	TH("oops", CRASH_STAGE_PERSIST, 0, OOPS_ONLY),
	TH("any", CRASH_STAGE_STREAM, 0, ALL),
	TH("notmine", CRASH_STAGE_STREAM, 1, ALL),
	TH("idle", CRASH_STAGE_STREAM, 2, ALL),
};

static void chain_filters_reasons(struct kunit *test)
{
	by_reason[3].ret = CRASH_NOT_MINE;
	by_reason[4].ret = CRASH_IDLE;
	add_all(test, by_reason, ARRAY_SIZE(by_reason));
	run(KMSG_DUMP_OOPS);
	KUNIT_EXPECT_STREQ(test, t.log, "oops any notmine idle ");
	/* a handler that says the reason is not its own is not listed */
	KUNIT_EXPECT_EQ(test, t.chain.last.nr_lines, 3U);
	KUNIT_EXPECT_NULL(test, line_of("notmine"));
	KUNIT_ASSERT_NOT_NULL(test, line_of("idle"));
	KUNIT_EXPECT_EQ(test, line_of("idle")->result, CRASH_RESULT_IDLE);
	KUNIT_EXPECT_EQ(test, t.chain.last.reason, KMSG_DUMP_OOPS);

	t.log[0] = '\0';
	run(KMSG_DUMP_SHUTDOWN);
	KUNIT_EXPECT_STREQ(test, t.log, "any notmine idle ");

	t.log[0] = '\0';
	crash_chain_walk_run(&t.chain, &(struct crash_context){
			.reason = KMSG_DUMP_PANIC }, BIT(CRASH_STAGE_PERSIST));
	KUNIT_EXPECT_STREQ(test, t.log, "panic ");
	del_all(by_reason, ARRAY_SIZE(by_reason));
}

static struct test_handler steady = TH("steady", CRASH_STAGE_PERSIST, 0,
				       ALL);
static struct test_handler flicker = TH("flicker", CRASH_STAGE_PERSIST, 1,
					ALL);

static int flicker_thread(void *data)
{
	while (!kthread_should_stop()) {
		crash_chain_add(&t.chain, &flicker.h);
		crash_chain_del(&t.chain, &flicker.h);
		cond_resched();
	}
	return 0;
}

/* Register and unregister on one CPU while another runs the chain. */
static void chain_register_concurrently(struct kunit *test)
{
	struct task_struct *k;
	int i, runs = 300;

	KUNIT_ASSERT_EQ(test, crash_chain_add(&t.chain, &steady.h), 0);
	k = kthread_run(flicker_thread, NULL, "crash-chain-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	for (i = 0; i < runs; i++) {
		t.log[0] = '\0';
		KUNIT_ASSERT_EQ(test, run(KMSG_DUMP_OOPS), CRASH_RUN_DONE);
		KUNIT_ASSERT_TRUE(test, !strcmp(t.log, "steady ") ||
				  !strcmp(t.log, "steady flicker "));
		if (i % 16 == 0)
			usleep_range(100, 200);
	}
	kthread_stop(k);
	KUNIT_EXPECT_EQ(test, steady.ran, runs);
	crash_chain_del(&t.chain, &steady.h);
	KUNIT_EXPECT_TRUE(test, list_empty(&t.chain.handlers));
}

static struct test_handler failing[] = {
	TH("eio", CRASH_STAGE_PERSIST, 0, ALL),
	TH("next", CRASH_STAGE_PERSIST, 1, ALL),
};

static void chain_records_failures(struct kunit *test)
{
	/* %pe names the error only with CONFIG_SYMBOLIC_ERRNAME */
	const char *want = IS_ENABLED(CONFIG_SYMBOLIC_ERRNAME) ?
		"persist  eio                      failed -EIO          1500 us" :
		"persist  eio                      failed -5            1500 us";
	char buf[80];

	failing[0].ret = -EIO;
	failing[0].takes_ns = 1500 * NSEC_PER_USEC;
	add_all(test, failing, ARRAY_SIZE(failing));
	run(KMSG_DUMP_PANIC);
	KUNIT_EXPECT_STREQ(test, t.log, "eio next ");
	KUNIT_ASSERT_NOT_NULL(test, line_of("eio"));
	KUNIT_EXPECT_EQ(test, line_of("eio")->result, CRASH_RESULT_FAILED);
	KUNIT_EXPECT_EQ(test, line_of("eio")->err, -EIO);
	KUNIT_EXPECT_EQ(test, line_of("eio")->usecs, 1500U);
	KUNIT_EXPECT_EQ(test, line_of("next")->result, CRASH_RESULT_OK);
	crash_receipt_line_format(line_of("eio"), buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, want);
	del_all(failing, ARRAY_SIZE(failing));
}

/* The faulting handler's frame enters the chain again, as an oops would. */
static void fault(struct test_handler *th)
{
	struct crash_context ctx = { .reason = t.nested_reason };

	th->nested = crash_chain_walk_run(&t.chain, &ctx,
					  BIT(CRASH_NR_STAGES) - 1);
}

static struct test_handler faulting[] = {
	TH("before", CRASH_STAGE_PERSIST, 0, ALL),
	TH("boom", CRASH_STAGE_PERSIST, 1, ALL),
	TH("after", CRASH_STAGE_PERSIST, 2, ALL),
	TH("stream", CRASH_STAGE_STREAM, 0, ALL),
};

static void chain_resumes_after_a_fault(struct kunit *test)
{
	faulting[1].action = fault;
	t.nested_reason = KMSG_DUMP_OOPS;
	add_all(test, faulting, ARRAY_SIZE(faulting));
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_OOPS), CRASH_RUN_RESUMED);
	KUNIT_EXPECT_EQ(test, faulting[1].nested, CRASH_RUN_RESUMED);
	/* boom never ran to its end; the others ran once each */
	KUNIT_EXPECT_STREQ(test, t.log, "before boom after stream ");
	KUNIT_EXPECT_EQ(test, t.chain.last.faults, 1U);
	KUNIT_EXPECT_EQ(test, t.chain.last.nr_lines, 4U);
	KUNIT_EXPECT_EQ(test, line_of("boom")->result, CRASH_RESULT_FAULT);
	KUNIT_EXPECT_EQ(test, line_of("after")->result, CRASH_RESULT_OK);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.chain.run_cpu), -1);

	KUNIT_EXPECT_EQ(test, faulting[1].h.dead, CRASH_DIED_FAULT);

	/* the chain is usable again afterwards, without the dead handler */
	faulting[1].action = NULL;
	t.log[0] = '\0';
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_OOPS), CRASH_RUN_DONE);
	KUNIT_EXPECT_STREQ(test, t.log, "before after stream ");
	KUNIT_EXPECT_EQ(test, line_of("boom")->result, CRASH_RESULT_DEAD);
	KUNIT_EXPECT_EQ(test, t.chain.last.faults, 0U);
	del_all(faulting, ARRAY_SIZE(faulting));
}

static struct test_handler twice[] = {
	TH("boom1", CRASH_STAGE_PERSIST, 0, ALL),
	TH("boom2", CRASH_STAGE_PERSIST, 1, ALL),
	TH("p", CRASH_STAGE_PERSIST, 2, ALL),
	TH("s", CRASH_STAGE_STREAM, 0, ALL),
	TH("h", CRASH_STAGE_HANDOFF, 0, ALL),
	TH("l", CRASH_STAGE_LEGACY, 0, ALL),
};

static void chain_second_fault_goes_to_handoff(struct kunit *test)
{
	twice[0].action = fault;
	twice[1].action = fault;
	t.nested_reason = KMSG_DUMP_OOPS;
	add_all(test, twice, ARRAY_SIZE(twice));
	run(KMSG_DUMP_PANIC);
	KUNIT_EXPECT_STREQ(test, t.log, "boom1 boom2 h ");
	KUNIT_EXPECT_EQ(test, t.chain.last.faults, 2U);
	KUNIT_EXPECT_EQ(test, t.chain.last.reason, KMSG_DUMP_PANIC);
	KUNIT_EXPECT_EQ(test, line_of("boom1")->result, CRASH_RESULT_FAULT);
	KUNIT_EXPECT_EQ(test, line_of("boom2")->result, CRASH_RESULT_FAULT);
	KUNIT_EXPECT_EQ(test, line_of("p")->result, CRASH_RESULT_SKIPPED);
	KUNIT_EXPECT_EQ(test, line_of("s")->result, CRASH_RESULT_SKIPPED);
	KUNIT_EXPECT_EQ(test, line_of("h")->result, CRASH_RESULT_OK);
	KUNIT_EXPECT_EQ(test, line_of("l")->result, CRASH_RESULT_SKIPPED);
	KUNIT_EXPECT_TRUE(test, t.chain.panic_done);
	del_all(twice, ARRAY_SIZE(twice));
}

static struct test_handler escalating[] = {
	TH("oops-dumper", CRASH_STAGE_PERSIST, 0, ALL),
	TH("panics", CRASH_STAGE_PERSIST, 1, OOPS_ONLY),
	TH("oops-only", CRASH_STAGE_PERSIST, 2, OOPS_ONLY),
	TH("kdump", CRASH_STAGE_HANDOFF, 0, PANIC_ONLY),
};

/* A handler of an oops run panics: the oops run ends, a panic run runs. */
static void chain_panic_inside_an_oops_run(struct kunit *test)
{
	escalating[1].action = fault;
	t.nested_reason = KMSG_DUMP_PANIC;
	add_all(test, escalating, ARRAY_SIZE(escalating));
	run(KMSG_DUMP_OOPS);
	KUNIT_EXPECT_EQ(test, escalating[1].nested, CRASH_RUN_DONE);
	KUNIT_EXPECT_STREQ(test, t.log, "oops-dumper panics oops-dumper kdump ");
	KUNIT_EXPECT_EQ(test, t.chain.last.reason, KMSG_DUMP_PANIC);
	KUNIT_EXPECT_EQ(test, t.chain.last.nr_lines, 2U);
	KUNIT_EXPECT_TRUE(test, t.chain.panic_done);
	KUNIT_EXPECT_EQ(test, escalating[2].ran, 0);

	/* the panic() after a completed panic run does not run it again */
	t.log[0] = '\0';
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_PANIC), CRASH_RUN_SKIPPED);
	KUNIT_EXPECT_STREQ(test, t.log, "");
	del_all(escalating, ARRAY_SIZE(escalating));
}

static struct test_handler slow[] = {
	TH("p-slow", CRASH_STAGE_PERSIST, 0, ALL),
	TH("p-late", CRASH_STAGE_PERSIST, 1, ALL),
	TH("s", CRASH_STAGE_STREAM, 0, ALL),
	TH("s-slow", CRASH_STAGE_STREAM, 1, ALL),
	TH("s-late", CRASH_STAGE_STREAM, 2, ALL),
};

/* Without a watchdog a budget only marks a handler late when it returns. */
static void chain_marks_late_handlers(struct kunit *test)
{
	slow[0].takes_ns = 20 * NSEC_PER_MSEC;
	slow[3].takes_ns = 5 * NSEC_PER_MSEC;
	t.chain.budget_ms[CRASH_STAGE_PERSIST] = 10;
	t.chain.budget_ms[CRASH_STAGE_STREAM] = 10;
	add_all(test, slow, ARRAY_SIZE(slow));
	run(KMSG_DUMP_PANIC);
	/* the budget is each handler's: the one after a late one runs */
	KUNIT_EXPECT_STREQ(test, t.log, "p-slow p-late s s-slow s-late ");
	KUNIT_EXPECT_EQ(test, line_of("p-slow")->result, CRASH_RESULT_LATE);
	KUNIT_EXPECT_EQ(test, line_of("p-slow")->usecs, 20000U);
	KUNIT_EXPECT_EQ(test, line_of("p-late")->result, CRASH_RESULT_OK);
	KUNIT_EXPECT_EQ(test, line_of("s-slow")->result, CRASH_RESULT_OK);
	KUNIT_EXPECT_EQ(test, t.chain.last.overruns, 1U);
	KUNIT_EXPECT_EQ(test, t.chain.last.usecs, 25000ULL);
	/* late is not dead: it returned */
	KUNIT_EXPECT_FALSE(test, crash_handler_dead(&slow[0].h));
	del_all(slow, ARRAY_SIZE(slow));
}

static void chain_busy_and_takeover(struct kunit *test)
{
	struct test_handler *th = &scrambled[2];	/* "c", capture */

	th->ran = 0;
	t.tick = NSEC_PER_MSEC;
	KUNIT_ASSERT_EQ(test, crash_chain_add(&t.chain, &th->h), 0);
	atomic_set(&t.chain.run_cpu, 7);	/* a CPU that never yields */
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_OOPS), CRASH_RUN_BUSY);
	KUNIT_EXPECT_EQ(test, th->ran, 0);
	/* a panic waits for it to yield, then stops it */
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_PANIC), CRASH_RUN_DONE);
	KUNIT_EXPECT_EQ(test, t.stops, 1);
	KUNIT_EXPECT_EQ(test, th->ran, 1);
	KUNIT_EXPECT_EQ(test, t.chain.last.taken_from, 7);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.chain.run_cpu), -1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.chain.taker), -1);
	crash_chain_del(&t.chain, &th->h);
}

/*
 * Handlers of an oops run on "CPU 1" while a panic comes on "CPU 0".  The
 * panic enters from inside the first handler, as if on the other CPU
 * while CPU 1 is stuck there.
 */
static struct test_handler contested[] = {
	TH("stuck", CRASH_STAGE_PERSIST, 0, OOPS_ONLY),
	TH("oops-after", CRASH_STAGE_PERSIST, 1, OOPS_ONLY),
	TH("c", CRASH_STAGE_CAPTURE, 0, PANIC_ONLY),
	TH("panic-dumper", CRASH_STAGE_PERSIST, 2, PANIC_ONLY),
	TH("h", CRASH_STAGE_HANDOFF, 0, PANIC_ONLY),
};

static void panic_from_cpu0(struct test_handler *th)
{
	struct crash_context ctx = { .reason = KMSG_DUMP_PANIC };

	t.fake_cpu = 0;
	th->nested = crash_chain_walk_run(&t.chain, &ctx,
					  BIT(CRASH_NR_STAGES) - 1);
	t.fake_cpu = 1;
}

/* An owner stuck in a handler is stopped; its run is lost, never resumed. */
static void chain_takeover_stops_a_stuck_owner(struct kunit *test)
{
	t.fake_cpu = 1;
	t.tick = NSEC_PER_MSEC;
	contested[0].action = panic_from_cpu0;
	add_all(test, contested, ARRAY_SIZE(contested));
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_OOPS), CRASH_RUN_LOST);
	KUNIT_EXPECT_EQ(test, contested[0].nested, CRASH_RUN_DONE);
	KUNIT_EXPECT_EQ(test, t.stops, 1);
	/* the old owner never went on with its run after it lost it */
	KUNIT_EXPECT_STREQ(test, t.log, "stuck c panic-dumper h ");
	KUNIT_EXPECT_EQ(test, contested[1].ran, 0);
	KUNIT_EXPECT_EQ(test, t.chain.last.reason, KMSG_DUMP_PANIC);
	KUNIT_EXPECT_EQ(test, t.chain.last.taken_from, 1);
	KUNIT_ASSERT_NOT_NULL(test, line_of("stuck"));
	KUNIT_EXPECT_EQ(test, line_of("stuck")->result, CRASH_RESULT_STOPPED);
	KUNIT_EXPECT_EQ(test, contested[0].h.dead, CRASH_DIED_STOPPED);
	KUNIT_EXPECT_EQ(test, line_of("h")->result, CRASH_RESULT_OK);
	/* the panic waited for the owner first, then stopped it */
	KUNIT_EXPECT_GE(test, t.now, 1000 + CRASH_TAKEOVER_MS * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.chain.run_cpu), -1);
	del_all(contested, ARRAY_SIZE(contested));
}

static struct completion contested_in, contested_out, panicked;

/* "CPU 1"'s first handler: stays until the panic asks for the chain. */
static void wait_for_taker(struct test_handler *th)
{
	complete(&contested_in);
	while (atomic_read(&t.chain.taker) < 0)
		cpu_relax();
}

static int oops_on_cpu1(void *data)
{
	struct test_handler *th = data;

	th->nested = run(KMSG_DUMP_OOPS);
	complete(&contested_out);
	return 0;
}

static enum crash_run_outcome panic_outcome;

static int panic_on_cpu0(void *data)
{
	wait_for_completion(&contested_in);
	panic_outcome = run(KMSG_DUMP_PANIC);
	complete(&panicked);
	return 0;
}

/*
 * Two threads on two CPUs, one of them "CPU 1", really at once: the owner
 * yields at the next handler boundary and the panic waits for that; no
 * handler of the one runs beside a handler of the other.
 */
static void chain_takeover_waits_for_a_yield(struct kunit *test)
{
	struct test_handler *th = &contested[0];
	struct task_struct *p;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	init_completion(&contested_in);
	init_completion(&contested_out);
	init_completion(&panicked);
	t.chain.takeover_ms = 60000;	/* the clock does not tick: wait */
	th->action = wait_for_taker;
	add_all(test, contested, ARRAY_SIZE(contested));
	t.other = kthread_create(oops_on_cpu1, th, "crash-chain-cpu1");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t.other));
	p = kthread_create(panic_on_cpu0, NULL, "crash-chain-cpu0");
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	/* both spin without sleeping: never on the same CPU */
	kthread_bind(t.other, cpumask_first(cpu_online_mask));
	kthread_bind(p, cpumask_next(cpumask_first(cpu_online_mask),
				     cpu_online_mask));
	wake_up_process(t.other);
	wake_up_process(p);
	wait_for_completion(&panicked);
	wait_for_completion(&contested_out);

	KUNIT_EXPECT_EQ(test, panic_outcome, CRASH_RUN_DONE);
	KUNIT_EXPECT_EQ(test, th->nested, CRASH_RUN_LOST);
	KUNIT_EXPECT_EQ(test, t.stops, 0);
	KUNIT_EXPECT_EQ(test, contested[1].ran, 0);
	KUNIT_EXPECT_EQ(test, t.most_in_handler, 1);
	KUNIT_EXPECT_EQ(test, t.chain.last.taken_from, 1);
	KUNIT_EXPECT_EQ(test, t.chain.last.nr_lines, 3U);
	KUNIT_EXPECT_FALSE(test, crash_handler_dead(&th->h));
	t.other = NULL;
	del_all(contested, ARRAY_SIZE(contested));
}

static struct test_handler watched[] = {
	TH("c", CRASH_STAGE_CAPTURE, 0, ALL),
	TH("hangs", CRASH_STAGE_PERSIST, 0, ALL),
	TH("dumper", CRASH_STAGE_PERSIST, 1, ALL),
	TH("s", CRASH_STAGE_STREAM, 0, ALL),
	TH("h", CRASH_STAGE_HANDOFF, 0, ALL),
};

/*
 * The watchdog's NMI on the chain's CPU: what the kernel does in
 * crash_chain_nmi() and the frame it returns into.
 */
static void test_kick(int cpu)
{
	t.kicked_cpu = cpu;
	if (crash_chain_overdue(&t.chain))
		t.abandoned = crash_chain_abandon(&t.chain);
}

/* Hang, while the watchdog on another CPU polls. */
static void hang(struct test_handler *th)
{
	int polls = 0;

	while (!crash_watch_poll(&t.chain) && polls++ < 100000)
		t.now += 100 * NSEC_PER_USEC;
}

static void chain_watchdog_stops_a_hung_handler(struct kunit *test)
{
	t.fake_cpu = 3;
	t.chain.kick = test_kick;
	t.chain.budget_ms[CRASH_STAGE_PERSIST] = 50;
	watched[1].action = hang;
	add_all(test, watched, ARRAY_SIZE(watched));
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_PANIC), CRASH_RUN_RESUMED);
	KUNIT_EXPECT_EQ(test, t.kicked_cpu, 3);
	KUNIT_EXPECT_EQ(test, t.abandoned, CRASH_RUN_RESUMED);
	/* the stage goes on after it, then the rest of the run */
	KUNIT_EXPECT_STREQ(test, t.log, "c hangs dumper s h ");
	KUNIT_ASSERT_NOT_NULL(test, line_of("hangs"));
	KUNIT_EXPECT_EQ(test, line_of("hangs")->result,
			CRASH_RESULT_OVER_BUDGET);
	/* kicked at the first poll past the deadline */
	KUNIT_EXPECT_GE(test, line_of("hangs")->usecs, 50000U);
	KUNIT_EXPECT_LE(test, line_of("hangs")->usecs, 50200U);
	KUNIT_EXPECT_EQ(test, line_of("dumper")->result, CRASH_RESULT_OK);
	KUNIT_EXPECT_EQ(test, t.chain.last.overruns, 1U);
	KUNIT_EXPECT_EQ(test, watched[1].h.dead, CRASH_DIED_BUDGET);
	KUNIT_EXPECT_TRUE(test, t.chain.panic_done);

	/* dead for the rest of the boot: listed, never called again */
	t.log[0] = '\0';
	KUNIT_EXPECT_EQ(test, run(KMSG_DUMP_OOPS), CRASH_RUN_DONE);
	KUNIT_EXPECT_STREQ(test, t.log, "c dumper s h ");
	KUNIT_EXPECT_EQ(test, line_of("hangs")->result, CRASH_RESULT_DEAD);
	KUNIT_EXPECT_EQ(test, watched[1].ran, 1);
	del_all(watched, ARRAY_SIZE(watched));
}

/* What the watchdog may and may not kick for. */
static void chain_watchdog_kicks_only_the_overdue(struct kunit *test)
{
	struct test_handler th = TH("x", CRASH_STAGE_PERSIST, 0, ALL);

	t.fake_cpu = 2;
	t.chain.kick = test_kick;
	t.chain.budget_ms[CRASH_STAGE_PERSIST] = 10;
	atomic_set(&t.chain.run_cpu, 2);
	t.chain.run.cur = &th.h;
	t.chain.run.cur_start = t.now;
	crash_watch_arm(&t.chain, CRASH_STAGE_PERSIST);

	t.now += 10 * NSEC_PER_MSEC;
	KUNIT_EXPECT_FALSE(test, crash_watch_poll(&t.chain));	/* not yet */
	KUNIT_EXPECT_FALSE(test, crash_chain_overdue(&t.chain));
	t.now += 1;
	t.chain.kick = NULL;
	KUNIT_EXPECT_TRUE(test, crash_watch_poll(&t.chain));
	KUNIT_EXPECT_FALSE(test, crash_watch_poll(&t.chain));	/* once */
	KUNIT_EXPECT_TRUE(test, crash_chain_overdue(&t.chain));
	t.fake_cpu = 1;					/* another CPU's NMI */
	KUNIT_EXPECT_FALSE(test, crash_chain_overdue(&t.chain));
	t.fake_cpu = 2;

	/* the next handler has a deadline of its own: the old kick is stale */
	crash_watch_arm(&t.chain, CRASH_STAGE_PERSIST);
	KUNIT_EXPECT_FALSE(test, crash_chain_overdue(&t.chain));
	crash_watch_disarm(&t.chain);
	t.now += 60 * NSEC_PER_MSEC;
	KUNIT_EXPECT_FALSE(test, crash_watch_poll(&t.chain));	/* returned */

	/* no budget, no deadline */
	t.chain.budget_ms[CRASH_STAGE_PERSIST] = 0;
	crash_watch_arm(&t.chain, CRASH_STAGE_PERSIST);
	t.now += 1000 * NSEC_PER_MSEC;
	KUNIT_EXPECT_FALSE(test, crash_watch_poll(&t.chain));
	t.chain.run.cur = NULL;
	atomic_set(&t.chain.run_cpu, -1);
}

/* The watchdog's life: wanted, taken by one CPU, retired before the jump. */
static void chain_watchdog_comes_and_goes(struct kunit *test)
{
	atomic_t *state = &t.chain.watch.state;

	t.tick = NSEC_PER_MSEC;
	/* nobody asked: nobody watches */
	KUNIT_EXPECT_FALSE(test, crash_watch_volunteer(&t.chain));
	KUNIT_EXPECT_FALSE(test, crash_watch_started(&t.chain, true));

	atomic_set(state, CRASH_WATCH_WANTED);
	KUNIT_EXPECT_TRUE(test, crash_watch_volunteer(&t.chain));
	KUNIT_EXPECT_FALSE(test, crash_watch_volunteer(&t.chain));
	KUNIT_EXPECT_TRUE(test, crash_watch_started(&t.chain, true));
	crash_watch_retire(&t.chain);	/* no ack: gives up after a while */
	KUNIT_EXPECT_EQ(test, atomic_read(state), CRASH_WATCH_RETIRE);

	/* wanted, but no other CPU came: a late one must not start */
	atomic_set(state, CRASH_WATCH_WANTED);
	KUNIT_EXPECT_FALSE(test, crash_watch_started(&t.chain, true));
	KUNIT_EXPECT_FALSE(test, crash_watch_volunteer(&t.chain));
	atomic_set(state, CRASH_WATCH_WANTED);
	KUNIT_EXPECT_FALSE(test, crash_watch_started(&t.chain, false));
	KUNIT_EXPECT_EQ(test, atomic_read(state), CRASH_WATCH_OFF);
}

/* A panic run is the last one: its end sends the watchdog away. */
static void chain_panic_run_retires_the_watchdog(struct kunit *test)
{
	struct test_handler th = TH("p", CRASH_STAGE_PERSIST, 0, ALL);
	atomic_t *state = &t.chain.watch.state;

	t.tick = NSEC_PER_MSEC;		/* the retirement waits, bounded */
	add_all(test, &th, 1);
	atomic_set(state, CRASH_WATCH_ON);
	run(KMSG_DUMP_OOPS);
	KUNIT_EXPECT_EQ(test, atomic_read(state), CRASH_WATCH_ON);
	run(KMSG_DUMP_PANIC);
	KUNIT_EXPECT_EQ(test, atomic_read(state), CRASH_WATCH_RETIRE);
	KUNIT_EXPECT_EQ(test, th.ran, 2);
	del_all(&th, 1);
}

/* With no watchdog, the run hands off before the stages that could hang. */
static void promote_handoff(struct test_handler *th)
{
	crash_run_handoff_next(&t.chain);
}

static struct test_handler unwatched[] = {
	TH("c", CRASH_STAGE_CAPTURE, 0, ALL),
	TH("c2", CRASH_STAGE_CAPTURE, 1, ALL),
	TH("p", CRASH_STAGE_PERSIST, 0, ALL),
	TH("s", CRASH_STAGE_STREAM, 0, ALL),
	TH("h", CRASH_STAGE_HANDOFF, 0, ALL),
	TH("l", CRASH_STAGE_LEGACY, 0, ALL),
};

static void chain_unwatched_hands_off_first(struct kunit *test)
{
	unwatched[0].action = promote_handoff;
	add_all(test, unwatched, ARRAY_SIZE(unwatched));
	run(KMSG_DUMP_PANIC);
	KUNIT_EXPECT_STREQ(test, t.log, "c c2 h p s l ");
	KUNIT_EXPECT_TRUE(test, t.chain.last.handoff_moved);

	/* already right after capture: nothing moves */
	t.log[0] = '\0';
	t.chain.panic_done = false;
	crash_order_parse("handoff-first", &t.chain.order);
	run(KMSG_DUMP_PANIC);
	KUNIT_EXPECT_STREQ(test, t.log, "c c2 h p s l ");
	KUNIT_EXPECT_FALSE(test, t.chain.last.handoff_moved);
	del_all(unwatched, ARRAY_SIZE(unwatched));
}

static struct pt_regs test_regs;

/* A nested oops overwrites the registers its caller had saved. */
static void clobber_regs(struct test_handler *th)
{
	instruction_pointer_set(&test_regs, 0xbad);
}

static unsigned long seen_ip;
static enum crash_cause seen_cause;

static int see_regs(struct crash_handler *h, const struct crash_context *ctx)
{
	seen_ip = ctx->regs ? instruction_pointer(ctx->regs) : 0;
	seen_cause = ctx->cause;
	return 0;
}

static void chain_keeps_the_faults_registers(struct kunit *test)
{
	struct test_handler hs[] = {
		TH("clobber", CRASH_STAGE_PERSIST, 0, ALL),
		{ .h = { .name = "see", .stage = CRASH_STAGE_HANDOFF,
			 .reasons = ALL, .run = see_regs } },
	};
	struct crash_context ctx = { .reason = KMSG_DUMP_PANIC,
				     .cause = CRASH_CAUSE_MCE,
				     .regs = &test_regs };

	instruction_pointer_set(&test_regs, 0x1234);
	hs[0].action = clobber_regs;
	add_all(test, hs, ARRAY_SIZE(hs));
	crash_chain_walk_run(&t.chain, &ctx, BIT(CRASH_NR_STAGES) - 1);
	KUNIT_EXPECT_EQ(test, seen_ip, 0x1234UL);
	/* and the cause, to the handlers and the receipt */
	KUNIT_EXPECT_EQ(test, seen_cause, CRASH_CAUSE_MCE);
	KUNIT_EXPECT_EQ(test, t.chain.last.cause, CRASH_CAUSE_MCE);
	del_all(hs, ARRAY_SIZE(hs));
}

static void chain_receipt_text(struct kunit *test)
{
	static struct test_handler many[40];
	static const struct crash_receipt r = {
		.reason = KMSG_DUMP_PANIC, .nr_lines = 2, .faults = 1,
		.usecs = 4321, .taken_from = -1,
		.line = {
			{ "stop-cpus", CRASH_STAGE_CAPTURE, CRASH_RESULT_OK, 0,
			  1021 },
			{ "pstore_dump", CRASH_STAGE_PERSIST,
			  CRASH_RESULT_FAULT, 0, 7 },
		},
	};
	char *buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	static struct crash_receipt r3;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	static const char want[] =
		"panic run: 2 handlers, 1 fault, 4321 us\n"
		"capture  stop-cpus                ok                   1021 us\n"
		"persist  pstore_dump              FAULT                   7 us\n";

	static const struct crash_receipt r2 = {
		.reason = KMSG_DUMP_PANIC, .cause = CRASH_CAUSE_MCE,
		.nr_lines = 1, .overruns = 1,
		.usecs = 12, .taken_from = 1, .unwatched = true,
		.handoff_moved = true,
		.line = {
			{ "hangs", CRASH_STAGE_PERSIST,
			  CRASH_RESULT_OVER_BUDGET, 0, 5000123 },
		},
	};
	static const char want2[] =
		"panic run (machine check): 1 handler, 0 faults, 1 over budget, 12 us; took over CPU 1's run; no watchdog, hand-off first\n"
		"persist  hangs                    over-budget       5000123 us\n";
	static const char want_note[] =
		"4321 us\nnote: 2 corrected machine checks\ncapture  ";

	crash_receipt_format(&r, buf, 512);
	KUNIT_EXPECT_STREQ(test, buf, want);
	crash_receipt_format(&r2, buf, 512);
	KUNIT_EXPECT_STREQ(test, buf, want2);
	/* a cause the receipt does not know is left out, not indexed */
	r3 = r;
	r3.cause = CRASH_NR_CAUSES + 3;
	crash_receipt_format(&r3, buf, 512);
	KUNIT_EXPECT_STREQ(test, buf, want);
	/* a handler's note comes right after the summary */
	strscpy(r3.note, "2 corrected machine checks", sizeof(r3.note));
	crash_receipt_format(&r3, buf, 512);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, want_note));
	/* one that fills its field is still cut at it */
	memset(r3.note, 'x', sizeof(r3.note));
	crash_receipt_format(&r3, buf, 512);
	KUNIT_ASSERT_NOT_NULL(test, strstr(buf, "note: x"));
	KUNIT_EXPECT_EQ(test, strspn(strstr(buf, "note: ") + 6, "x"),
			sizeof(r3.note));
	/* the longest summary is whole */
	r3 = (struct crash_receipt){ .reason = KMSG_DUMP_EMERG,
		.cause = CRASH_CAUSE_MCE, .dropped = 4000, .faults = 4000,
		.overruns = 4000, .usecs = U64_MAX, .taken_from = 4095,
		.unwatched = true, .handoff_moved = true };
	crash_receipt_format(&r3, buf, 512);
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(buf, "first; some lines not recorded\n"));

	for (i = 0; i < ARRAY_SIZE(many); i++) {
		many[i] = (struct test_handler)TH("h", CRASH_STAGE_STREAM, i,
						  ALL);
		snprintf(many[i].h.name, sizeof(many[i].h.name), "h%d", i);
	}
	add_all(test, many, ARRAY_SIZE(many));
	run(KMSG_DUMP_OOPS);
	KUNIT_EXPECT_EQ(test, t.chain.last.nr_lines, CRASH_RECEIPT_LINES);
	KUNIT_EXPECT_EQ(test, t.chain.last.dropped, 8U);
	crash_receipt_format(&t.chain.last, buf, 512);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "oops run: 40 handlers"));
	del_all(many, ARRAY_SIZE(many));
}

static void chain_rejects_bad_handlers(struct kunit *test)
{
	struct test_handler ok = TH("ok", CRASH_STAGE_STREAM, 0, ALL);
	struct test_handler bad[] = {
		TH("", CRASH_STAGE_STREAM, 0, ALL),
		TH("stage", CRASH_NR_STAGES, 0, ALL),
		TH("reasons", CRASH_STAGE_STREAM, 0, 0),
		TH("undef", CRASH_STAGE_STREAM, 0,
		   CRASH_REASON(KMSG_DUMP_UNDEF)),
		{ .h = { .name = "norun", .reasons = ALL } },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, crash_chain_add(&t.chain, &bad[i].h),
				    -EINVAL, "handler %d", i);
	KUNIT_EXPECT_EQ(test, crash_chain_add(&t.chain, &ok.h), 0);
	KUNIT_EXPECT_EQ(test, crash_chain_add(&t.chain, &ok.h), -EBUSY);
	crash_chain_del(&t.chain, &ok.h);
	crash_chain_del(&t.chain, &ok.h);	/* twice is harmless */
	KUNIT_EXPECT_TRUE(test, list_empty(&t.chain.handlers));
}

static void chain_order_values(struct kunit *test)
{
	static const char * const bad[] = {
		"", "persist", "handoff", "Persist-First", "handoff-first-x",
		"persist-first handoff-first", " handoff-first",
	};
	int i, order = -1;

	KUNIT_EXPECT_EQ(test, crash_order_parse("persist-first", &order), 0);
	KUNIT_EXPECT_EQ(test, order, CRASH_ORDER_PERSIST_FIRST);
	KUNIT_EXPECT_EQ(test, crash_order_parse("handoff-first", &order), 0);
	KUNIT_EXPECT_EQ(test, order, CRASH_ORDER_HANDOFF_FIRST);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, crash_order_parse(bad[i], &order),
				    -EINVAL, "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, order, CRASH_ORDER_HANDOFF_FIRST);
	}
}

static struct kunit_case chain_test_cases[] = {
	KUNIT_CASE(chain_orders_stages_and_priorities),
	KUNIT_CASE(chain_filters_reasons),
	KUNIT_CASE(chain_register_concurrently),
	KUNIT_CASE(chain_records_failures),
	KUNIT_CASE(chain_resumes_after_a_fault),
	KUNIT_CASE(chain_second_fault_goes_to_handoff),
	KUNIT_CASE(chain_panic_inside_an_oops_run),
	KUNIT_CASE(chain_marks_late_handlers),
	KUNIT_CASE(chain_busy_and_takeover),
	KUNIT_CASE(chain_takeover_stops_a_stuck_owner),
	KUNIT_CASE(chain_takeover_waits_for_a_yield),
	KUNIT_CASE(chain_watchdog_stops_a_hung_handler),
	KUNIT_CASE(chain_watchdog_kicks_only_the_overdue),
	KUNIT_CASE(chain_watchdog_comes_and_goes),
	KUNIT_CASE(chain_panic_run_retires_the_watchdog),
	KUNIT_CASE(chain_unwatched_hands_off_first),
	KUNIT_CASE(chain_keeps_the_faults_registers),
	KUNIT_CASE(chain_receipt_text),
	KUNIT_CASE(chain_rejects_bad_handlers),
	KUNIT_CASE(chain_order_values),
	{}
};

static struct kunit_suite chain_test_suite = {
	.name = "crash_chain",
	.init = chain_test_init,
	.test_cases = chain_test_cases,
};

kunit_test_suite(chain_test_suite);

MODULE_DESCRIPTION("KUnit tests for the crash chain");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
