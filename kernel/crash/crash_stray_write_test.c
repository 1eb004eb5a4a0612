// SPDX-License-Identifier: GPL-2.0
/*
 * A stray write, on purpose: flip one byte of physical memory through a
 * mapping of this module's own, as a buggy driver writing through a stale
 * pointer would.  The crash region's read-only direct map does not stop
 * it; the hand-off's digest must.
 *
 *	modprobe crash_stray_write_test phys=0x3f000010
 *
 * Under lockdown, which forbids writing RAM through /dev/mem, it is
 * refused: phys= is a hardware parameter, and the module checks too.
 */
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/security.h>
#include <linux/vmalloc.h>

static unsigned long long phys;
module_param_hw(phys, ullong, iomem, 0444);
MODULE_PARM_DESC(phys, "physical address of the byte to flip");

static int __init stray_write_init(void)
{
	struct page *page;
	u8 *alias;
	int ret = security_locked_down(LOCKDOWN_DEV_MEM);

	if (ret) {
		pr_err("crash_stray_write_test: refused under lockdown\n");
		return ret;
	}
	if (!pfn_valid(PHYS_PFN(phys))) {
		pr_err("crash_stray_write_test: %#llx is not RAM\n", phys);
		return -EINVAL;
	}
	page = pfn_to_page(PHYS_PFN(phys));
	alias = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!alias)
		return -ENOMEM;
	alias[offset_in_page(phys)] ^= 0xff;
	vunmap(alias);
	pr_info("crash_stray_write_test: flipped the byte at %#llx\n", phys);
	return 0;
}
module_init(stray_write_init);

MODULE_DESCRIPTION("Flip a byte of physical memory, for the crash tests");
MODULE_LICENSE("GPL");
