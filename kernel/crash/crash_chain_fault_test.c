// SPDX-License-Identifier: GPL-2.0
/*
 * Crash chain handlers that misbehave on purpose, for the end-to-end
 * scenarios in tools/testing/selftests/crash/: loading this module makes
 * the next crash fault inside the chain.
 *
 *   modprobe crash_chain_fault_test fault=oops     a NULL dereference
 *   modprobe crash_chain_fault_test fault=panic    panic() from a handler
 *   modprobe crash_chain_fault_test fault=error    returns -EIO
 *   modprobe crash_chain_fault_test fault=slow     takes 500 ms
 *   modprobe crash_chain_fault_test fault=hang     spins forever, interrupts off
 *   modprobe crash_chain_fault_test fault=hang-irqs  spins forever, interrupts on
 *   modprobe crash_chain_fault_test fault=stall stall_ms=N
 *	in an oops run only, spins N ms with interrupts on: long enough for
 *	a panic on another CPU to find the chain busy
 *   modprobe crash_chain_fault_test fault=oops faults=2   two of them
 *
 * The misbehaving handlers run first in the persist stage, ahead of
 * pstore, for panics and oopses; a witness handler after them says on
 * the console that it ran.
 */
#include <linux/crash_chain.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/smp.h>

static char *fault = "oops";
module_param(fault, charp, 0444);
MODULE_PARM_DESC(fault, "oops, panic, error, slow, hang, hang-irqs or stall");

static unsigned int stall_ms = 2000;
module_param(stall_ms, uint, 0444);
MODULE_PARM_DESC(stall_ms, "how long fault=stall spins");

/* Opaque to the compiler, so that the store below is really made. */
static int *crash_test_nowhere;

static int faults = 1;
module_param(faults, int, 0444);
MODULE_PARM_DESC(faults, "how many faulting handlers, 1 or 2");

static int crash_test_misbehave(struct crash_handler *h,
				const struct crash_context *ctx)
{
	if (!strcmp(fault, "stall")) {
		if (ctx->reason != KMSG_DUMP_OOPS)
			return CRASH_NOT_MINE;
		pr_emerg("crash_chain_fault_test: %s: stalling %u ms in an oops run on CPU %d\n",
			 h->name, stall_ms, raw_smp_processor_id());
		mdelay(stall_ms);
		pr_emerg("crash_chain_fault_test: %s: stall over\n", h->name);
		return 0;
	}
	pr_emerg("crash_chain_fault_test: %s: %s now on CPU %d\n", h->name,
		 fault, raw_smp_processor_id());
	if (!strncmp(fault, "hang", 4)) {
		if (!strcmp(fault, "hang-irqs"))
			local_irq_enable();
		for (;;)
			cpu_relax();
	}
	if (!strcmp(fault, "oops"))
		WRITE_ONCE(*crash_test_nowhere, 0);
	if (!strcmp(fault, "panic"))
		panic("crash_chain_fault_test: %s panics", h->name);
	if (!strcmp(fault, "slow")) {
		mdelay(500);
		return 0;
	}
	return -EIO;
}

static int crash_test_witness(struct crash_handler *h,
			      const struct crash_context *ctx)
{
	pr_emerg("crash_chain_fault_test: witness ran after the fault\n");
	return 0;
}

#define TEST_REASONS (CRASH_REASON(KMSG_DUMP_PANIC) | \
		      CRASH_REASON(KMSG_DUMP_OOPS))

static struct crash_handler crash_test_handlers[] = {
	{ .name = "fault-test-1", .stage = CRASH_STAGE_PERSIST,
	  .priority = -1000, .reasons = TEST_REASONS,
	  .run = crash_test_misbehave },
	{ .name = "fault-test-2", .stage = CRASH_STAGE_PERSIST,
	  .priority = -999, .reasons = TEST_REASONS,
	  .run = crash_test_misbehave },
	{ .name = "fault-witness", .stage = CRASH_STAGE_PERSIST,
	  .priority = 1000, .reasons = TEST_REASONS,
	  .run = crash_test_witness },
};

static void crash_test_unregister(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(crash_test_handlers); i++)
		crash_handler_unregister(&crash_test_handlers[i]);
}

static int __init crash_test_init(void)
{
	int i, ret;

	if (faults < 1 || faults > 2) {
		pr_err("crash_chain_fault_test: faults=%d: must be 1 or 2\n",
		       faults);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(crash_test_handlers); i++) {
		if (i == 1 && faults < 2)
			continue;
		ret = crash_handler_register(&crash_test_handlers[i]);
		if (ret) {
			crash_test_unregister();
			return ret;
		}
	}
	pr_info("crash_chain_fault_test: armed, fault=%s faults=%d\n", fault,
		faults);
	return 0;
}
module_init(crash_test_init);

static void __exit crash_test_exit(void)
{
	crash_test_unregister();
}
module_exit(crash_test_exit);

MODULE_DESCRIPTION("Crash chain handlers that fault, for tests");
MODULE_LICENSE("GPL");
