// SPDX-License-Identifier: GPL-2.0
/*
 * What drivers in a capture kernel do to /proc/vmcore: add a device dump
 * of SIZE bytes, byte i being (i * 7) & 0xff, under the name NAME; and,
 * with HIDE, say that the page frame HIDE must not be read.  It exists
 * for tools/testing/selftests/crash/, which reads /proc/vmcore back.
 *
 *	modprobe vmcore_device_dump_test name=test0 size=10000 hide=0x38101
 */
#include <linux/crash_dump.h>
#include <linux/init.h>
#include <linux/module.h>

static char *name = "vmcoredd-test";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "the dump's name");
static unsigned int size = 4096;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "its size in bytes");
static unsigned long hide;
module_param(hide, ulong, 0444);
MODULE_PARM_DESC(hide, "a page frame /proc/vmcore must not read");

static bool not_hidden(struct vmcore_cb *cb, unsigned long pfn)
{
	return pfn != hide;
}

static struct vmcore_cb hide_cb = { .pfn_is_ram = not_hidden };

static int fill(struct vmcoredd_data *data, void *buf)
{
	u8 *p = buf;
	unsigned int i;

	for (i = 0; i < data->size; i++)
		p[i] = i * 7;
	return 0;
}

static int __init device_dump_test_init(void)
{
	static struct vmcoredd_data data = { .vmcoredd_callback = fill };
	int ret;

	strscpy(data.dump_name, name);
	data.size = size;
	ret = vmcore_add_device_dump(&data);
	pr_info("vmcore_device_dump_test: %s, %u bytes: %d\n", name, size, ret);
	if (!ret && hide)
		register_vmcore_cb(&hide_cb);
	return ret;
}
module_init(device_dump_test_init);

/* The dump stays: /proc/vmcore keeps a copy. */
static void __exit device_dump_test_exit(void)
{
	if (hide)
		unregister_vmcore_cb(&hide_cb);
}
module_exit(device_dump_test_exit);

MODULE_DESCRIPTION("Add a device dump to /proc/vmcore, for the crash tests");
MODULE_LICENSE("GPL");
