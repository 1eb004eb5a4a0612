// SPDX-License-Identifier: GPL-2.0
/*
 * A device dump, as a driver in a capture kernel adds one: SIZE bytes,
 * byte i being (i * 7) & 0xff, under the name NAME.  It exists for
 * tools/testing/selftests/crash/, which reads it back from /proc/vmcore.
 *
 *	modprobe vmcore_device_dump_test name=test0 size=10000
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
	return ret;
}
module_init(device_dump_test_init);

/* The dump stays: /proc/vmcore keeps a copy. */
static void __exit device_dump_test_exit(void)
{
}
module_exit(device_dump_test_exit);

MODULE_DESCRIPTION("Add a device dump to /proc/vmcore, for the crash tests");
MODULE_LICENSE("GPL");
