// SPDX-License-Identifier: GPL-2.0
/*
 * A pstore backend whose every write fails, for the scenarios that show
 * one broken store costs the others nothing: registered through
 * upstream's pstore_register(), so the same module runs on the upstream
 * build (where, as the first backend, it is the only one).
 *
 *   insmod pstore_failing.ko		backend "failing", writes -EIO
 */
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/pstore.h>

static char pstore_failing_buf[1024];

static ssize_t pstore_failing_read(struct pstore_record *record)
{
	return 0;
}

static int pstore_failing_write(struct pstore_record *record)
{
	return -EIO;
}

static struct pstore_info pstore_failing = {
	.owner = THIS_MODULE,
	.name = "failing",
	.flags = PSTORE_FLAGS_DMESG,
	.max_reason = KMSG_DUMP_OOPS,
	.buf = pstore_failing_buf,
	.bufsize = sizeof(pstore_failing_buf),
	.read = pstore_failing_read,
	.write = pstore_failing_write,
};

static int __init pstore_failing_init(void)
{
	int ret = pstore_register(&pstore_failing);

	pr_info("pstore_failing: %s (%d)\n", ret ? "not registered" :
		"registered, every write fails", ret);
	return ret;
}
module_init(pstore_failing_init);

static void __exit pstore_failing_exit(void)
{
	pstore_unregister(&pstore_failing);
}
module_exit(pstore_failing_exit);

MODULE_DESCRIPTION("A pstore backend that fails every write, for tests");
MODULE_LICENSE("GPL");
