// SPDX-License-Identifier: GPL-2.0-only
/*
 * Whether this kernel is a capture kernel: elfcorehdr=, which the loader
 * of a capture kernel passes, says where the crashed kernel's ELF core
 * header is.  is_kdump_kernel() is true when it was given and valid.
 */
#define pr_fmt(fmt) "vmcore: " fmt

#include <kunit/visibility.h>
#include <linux/crash_dump.h>
#include <linux/crash_handoff.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/memory.h>
#include <linux/sizes.h>

#include "vmcore.h"

unsigned long long elfcorehdr_addr = ELFCORE_ADDR_MAX;
EXPORT_SYMBOL_GPL(elfcorehdr_addr);
unsigned long long elfcorehdr_size;

/*
 * The largest crash ELF header: the ELF header and 65535 program headers
 * (ELF64's limit without extended numbering), rounded up.
 */
#define ELFCOREHDR_SIZE_MAX	SZ_4M

/**
 * crash_parse_elfcorehdr() - parse elfcorehdr=ADDR or elfcorehdr=SIZE@ADDR
 * @arg: the value
 * @addr: the header's physical address
 * @size: its size, 0 when not given
 *
 * Return: 0, or -EINVAL if @arg is not of that form or SIZE is 0, -E2BIG
 * if SIZE is more than ELFCOREHDR_SIZE_MAX (then @size is set), or -ERANGE
 * if the header would wrap around or ADDR is a reserved value.
 */
int crash_parse_elfcorehdr(const char *arg, u64 *addr, u64 *size)
{
	char *end;
	u64 a, s = 0;

	if (!arg || !*arg)
		return -EINVAL;
	a = memparse(arg, &end);
	if (end == arg)
		return -EINVAL;
	if (*end == '@') {
		s = a;
		arg = end + 1;
		a = memparse(arg, &end);
		if (end == arg || !s)
			return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	if (s > ELFCOREHDR_SIZE_MAX) {
		*size = s;
		return -E2BIG;
	}
	if (a == ELFCORE_ADDR_MAX || a == ELFCORE_ADDR_ERR || a + s < a)
		return -ERANGE;
	*addr = a;
	*size = s;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(crash_parse_elfcorehdr);

static int __init elfcorehdr_setup(char *arg)
{
	u64 addr, size;
	int ret = crash_parse_elfcorehdr(arg, &addr, &size);

	if (ret == -E2BIG) {
		pr_err("elfcorehdr=%s: a %llu MiB header is more than any crashed kernel needs (%u MiB): not a capture kernel\n",
		       arg, size >> 20, ELFCOREHDR_SIZE_MAX >> 20);
		return 0;
	}
	if (ret) {
		pr_err("elfcorehdr=%s is not ADDR or SIZE@ADDR (%d): not a capture kernel\n",
		       arg ?: "", ret);
		return 0;
	}
	elfcorehdr_addr = addr;
	elfcorehdr_size = size;
	/*
	 * Loaders keep it out of this kernel's RAM; if one did not, keep
	 * what it said the header takes (a page: it did not say).
	 */
	memblock_reserve(addr, size ?: PAGE_SIZE);
	return 0;
}
early_param("elfcorehdr", elfcorehdr_setup);

#ifdef CONFIG_MEMORY_HOTPLUG
/*
 * A capture kernel finds the DIMMs the crashed kernel had hot-plugged
 * (ACPI describes them to every kernel) and adds their memory.  All RAM
 * outside the crash region is the crashed kernel's: onlined, it would be
 * written over while the dump is read from it.  So none is onlined, by a
 * hotplug policy or by hand, but what it lent with crashkernel=,cma,
 * which is not in the dump, once this kernel takes it.
 */
static int vmcore_keep_offline(struct notifier_block *nb,
			       unsigned long action, void *arg)
{
	struct memory_notify *mn = arg;

	if (action != MEM_GOING_ONLINE ||
	    crash_movable_taken(PFN_PHYS(mn->start_pfn),
				PFN_PHYS(mn->start_pfn + mn->nr_pages) - 1))
		return NOTIFY_OK;
	pr_notice("not onlining [mem %#018llx-%#018llx]: the crashed kernel's memory, in its dump\n",
		  PFN_PHYS(mn->start_pfn),
		  PFN_PHYS(mn->start_pfn + mn->nr_pages) - 1);
	return notifier_from_errno(-EPERM);
}

static struct notifier_block vmcore_keep_offline_nb = {
	.notifier_call = vmcore_keep_offline,
};

/* before ACPI's scan (subsys_initcall) adds the DIMMs */
static int __init vmcore_keep_offline_init(void)
{
	return is_kdump_kernel() ?
	       register_memory_notifier(&vmcore_keep_offline_nb) : 0;
}
core_initcall(vmcore_keep_offline_init);
#endif
