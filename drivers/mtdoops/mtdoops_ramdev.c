// SPDX-License-Identifier: GPL-2.0
/*
 * For tests: a map_ram MTD device over RAM the kernel does not use
 * (memmap=SIZE$START), which keeps its content across a warm reset and
 * has a panic write, so that mtdoops can record panics in QEMU.
 *
 *   insmod mtdoops_ramdev.ko start=0x31000000 size=0x10000
 */
#include <linux/module.h>
#include <linux/mtd/physmap.h>
#include <linux/platform_device.h>
#include <linux/security.h>

/* hardware parameters: refused under lockdown, as /dev/mem is */
static unsigned long long start;
module_param_hw(start, ullong, iomem, 0400);
MODULE_PARM_DESC(start, "physical start of the reserved RAM");

static unsigned long size;
module_param_hw(size, ulong, other, 0400);
MODULE_PARM_DESC(size, "its size");

static struct physmap_flash_data ramdev_data = {
	.width = 4,
	.probe_type = "map_ram",
};

static struct platform_device *ramdev;

static int __init ramdev_init(void)
{
	struct resource res = DEFINE_RES_MEM(start, size);
	int ret = security_locked_down(LOCKDOWN_DEV_MEM);

	if (ret) {
		pr_err("mtdoops_ramdev: refused under lockdown\n");
		return ret;
	}
	if (!start || !size) {
		pr_err("mtdoops_ramdev: start= and size= are needed\n");
		return -EINVAL;
	}
	ramdev = platform_device_register_resndata(NULL, "physmap-flash", 0,
						   &res, 1, &ramdev_data,
						   sizeof(ramdev_data));
	return PTR_ERR_OR_ZERO(ramdev);
}
module_init(ramdev_init);

static void __exit ramdev_exit(void)
{
	platform_device_unregister(ramdev);
}
module_exit(ramdev_exit);

MODULE_DESCRIPTION("A map_ram MTD device over reserved RAM, for tests");
MODULE_LICENSE("GPL");
