// SPDX-License-Identifier: GPL-2.0
/*
 * Resets the machine without a panic, for the scenario that reads the
 * last function calls back from pstore's function tracer: loading it
 * calls emergency_restart() at once, as a hardware watchdog would end a
 * hung kernel, with nothing written to any crash record.
 */
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/reboot.h>

static int __init ftrace_reset_init(void)
{
	pr_emerg("ftrace_reset: resetting now, no panic\n");
	emergency_restart();
	return -EBUSY;
}
module_init(ftrace_reset_init);

MODULE_DESCRIPTION("Resets the machine without a panic, for tests");
MODULE_LICENSE("GPL");
