// SPDX-License-Identifier: GPL-2.0
/*
 * A kmsg dumper that never returns from a panic dump, for the scenarios
 * that show what a hung consumer costs: registered through upstream's
 * kmsg_dump_register(), so the same module runs on the upstream build.
 *
 *   insmod kmsg_dump_hang.ko		spins with interrupts off
 *   insmod kmsg_dump_hang.ko irqs=1	spins with interrupts on
 */
#include <linux/irqflags.h>
#include <linux/kmsg_dump.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/smp.h>

static bool irqs;
module_param(irqs, bool, 0444);
MODULE_PARM_DESC(irqs, "spin with interrupts on");

static void kmsg_dump_hang(struct kmsg_dumper *dumper,
			   struct kmsg_dump_detail *detail)
{
	if (detail->reason != KMSG_DUMP_PANIC)
		return;
	pr_emerg("kmsg_dump_hang: hanging in the panic dump on CPU %d, interrupts %s\n",
		 raw_smp_processor_id(), irqs ? "on" : "off");
	if (irqs)
		local_irq_enable();
	for (;;)
		cpu_relax();
}

static struct kmsg_dumper kmsg_dump_hang_dumper = {
	.dump = kmsg_dump_hang,
	.max_reason = KMSG_DUMP_PANIC,
};

static int __init kmsg_dump_hang_init(void)
{
	int ret = kmsg_dump_register(&kmsg_dump_hang_dumper);

	if (!ret)
		pr_info("kmsg_dump_hang: armed\n");
	return ret;
}
module_init(kmsg_dump_hang_init);

static void __exit kmsg_dump_hang_exit(void)
{
	kmsg_dump_unregister(&kmsg_dump_hang_dumper);
}
module_exit(kmsg_dump_hang_exit);

MODULE_DESCRIPTION("A kmsg dumper that hangs in a panic dump, for tests");
MODULE_LICENSE("GPL");
