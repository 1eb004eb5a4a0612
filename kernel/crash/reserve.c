// SPDX-License-Identifier: GPL-2.0
/*
 * crashkernel=: reserving memory for the capture kernel at boot, and
 * giving it back through /sys/kernel/kexec_crash_size.
 *
 * The architecture's setup code calls parse_crashkernel() and, on most,
 * reserve_crashkernel_generic(), upstream's interface.  The region is
 * taken from memblock in setup_arch(), before the page allocator exists,
 * so it never holds anything of the running kernel, and is put into
 * iomem_resource as "Crash kernel", where kexec finds it.
 */
#include <linux/crash_handoff.h>
#include <linux/crash_reserve.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>

#include "../kexec_internal.h"
#include "crashkernel.h"

struct resource crashk_res = {
	.name  = "Crash kernel",
	.flags = IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM,
	.desc  = IORES_DESC_CRASH_KERNEL,
};

struct resource crashk_low_res = {
	.name  = "Crash kernel",
	.flags = IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM,
	.desc  = IORES_DESC_CRASH_KERNEL,
};

/* crashkernel= is read by parse_crashkernel(), not as a parameter. */
static int __init crashkernel_param(char *arg)
{
	return 0;
}
early_param("crashkernel", crashkernel_param);

#ifndef DEFAULT_CRASH_KERNEL_LOW_SIZE
/* The architecture reserves the region itself, and any low part. */
#define DEFAULT_CRASH_KERNEL_LOW_SIZE	0
#endif

/* crashkernel=SIZE,cma, lent once the capture kernel's region is in */
static u64 crash_cma_size __initdata;

/* 32-bit DMA allocations of a capture kernel: rings, coherent buffers */
#define CRASH_LOW_DMA32		SZ_16M

/*
 * The low part of a region above 4 GiB when crashkernel=,low does not
 * say: what its capture kernel allocates below 4 GiB.  That is the
 * bounce buffers of devices that reach only 32 bits, half of swiotlb's
 * size (swiotlb halves its size until it fits; a capture kernel drives
 * one disk or one NIC), and CRASH_LOW_DMA32.  64 MiB of swiotlb gives
 * 48 MiB, where upstream reserves 256 MiB on x86-64 and 128 MiB
 * elsewhere; the architecture's figure stays the most it can be.
 */
static u64 __init crash_low_default(void)
{
	u64 bounce = IS_ENABLED(CONFIG_SWIOTLB) ?
		     ALIGN(swiotlb_size_or_default() / 2, SZ_1M) : 0;

	return min_t(u64, DEFAULT_CRASH_KERNEL_LOW_SIZE,
		     bounce + CRASH_LOW_DMA32);
}

/**
 * parse_crashkernel() - what crashkernel= asks to reserve
 * @cmdline: the command line to read it from
 * @system_ram: bytes of RAM, for range lists and crashkernel=auto
 * @crash_size: set to the bytes to reserve
 * @crash_base: set to the requested start, 0 for anywhere
 * @low_size: set to the part below 4 GiB that goes with a region above
 *	it (the ,low size or the default), 0 for none; may be NULL
 * @high: set when the region is to go above 4 GiB; NULL if the
 *	architecture cannot place it there, which refuses ,high
 *
 * What every architecture's setup code calls (then, on most,
 * reserve_crashkernel_generic()).  Unlike upstream, a value with any
 * malformed part is refused as a whole, and every refusal is logged with
 * the value and what is wrong with it.
 *
 * Return: 0 with a size to reserve, -ENOENT without crashkernel=, or
 * -EINVAL for a refused value or one that gives no size for this RAM.
 */
int __init parse_crashkernel(char *cmdline, unsigned long long system_ram,
			     unsigned long long *crash_size,
			     unsigned long long *crash_base,
			     unsigned long long *low_size, bool *high)
{
	struct crashkernel_req req;
	int ret = crashkernel_parse(cmdline, system_ram, &req);

	*crash_size = 0;
	*crash_base = 0;
	crash_cma_size = 0;
	if (req.cma_err)
		pr_err("crashkernel: \"crashkernel=%.*s\": %s; nothing lent\n",
		       req.cma_arg_len, req.cma_arg, req.cma_err);
	else if (req.cma_arg && !IS_ENABLED(CONFIG_CRASH_MOVABLE))
		pr_warn("crashkernel: \"crashkernel=%.*s\": this kernel cannot lend memory to a capture kernel (CONFIG_CRASH_MOVABLE); ignored\n",
			req.cma_arg_len, req.cma_arg);
	else if (req.cma_arg && ret)
		pr_err("crashkernel: \"crashkernel=%.*s\" needs a crashkernel= the capture kernel boots in; nothing lent\n",
		       req.cma_arg_len, req.cma_arg);
	else
		crash_cma_size = req.cma_size;
	if (ret == -ENOENT)
		return ret;
	if (!ret && req.high && !high) {
		req.err = "this architecture cannot place it above 4 GiB";
		ret = -EINVAL;
	}
	if (ret) {
		pr_err("crashkernel: \"crashkernel=%.*s\": %s; nothing reserved\n",
		       req.arg_len, req.arg, req.err);
		return -EINVAL;
	}
	if (!req.size) {
		pr_info("crashkernel: \"crashkernel=%.*s\" gives no size for %llu MiB of RAM; nothing reserved\n",
			req.arg_len, req.arg, system_ram >> 20);
		return -EINVAL;
	}
	if (req.auto_size)
		pr_info("crashkernel=auto: %llu MiB for %llu MiB of RAM (64 MiB for the capture kernel, 4 MiB per GiB for the dump tools)\n",
			req.size >> 20, system_ram >> 20);
	*crash_size = req.size;
	*crash_base = req.base;
	if (high)
		*high = req.high;
	if (low_size)
		*low_size = !req.high ? 0 : req.low_given ? req.low_size :
			    crash_low_default();
	return 0;
}

#ifdef CONFIG_ARCH_HAS_GENERIC_CRASHKERNEL_RESERVATION
static u64 __init crash_alloc(u64 size, u64 start, u64 end)
{
	return memblock_phys_alloc_range(size, CRASH_ALIGN, start, end);
}

/*
 * The regions go into iomem_resource as soon as they are reserved where
 * the architecture's RAM resources are inserted around them (x86), and
 * at early_initcall, after the architecture requested its RAM, elsewhere.
 */
static void __init crash_claim(struct resource *res, u64 base, u64 size)
{
	res->start = base;
	res->end = base + size - 1;
#ifdef HAVE_ARCH_ADD_CRASH_RES_TO_IOMEM_EARLY
	insert_resource(&iomem_resource, res);
#endif
}

#ifndef HAVE_ARCH_ADD_CRASH_RES_TO_IOMEM_EARLY
static int __init crash_claim_late(void)
{
	if (crashk_res.end)
		insert_resource(&iomem_resource, &crashk_res);
	if (crashk_low_res.end)
		insert_resource(&iomem_resource, &crashk_low_res);
	return 0;
}
early_initcall(crash_claim_late);
#endif

/*
 * The low part that goes with a region above 4 GiB, for the capture
 * kernel's DMA buffers: @low bytes, or the default when the region went
 * above 4 GiB because low memory was short.
 */
static bool __init crash_reserve_low(u64 low, bool asked_high)
{
	u64 size = asked_high ? low : crash_low_default();
	u64 base;

	if (!size)
		return true;
	base = crash_alloc(size, 0, CRASH_ADDR_LOW_MAX);
	if (!base)
		return false;
	crash_claim(&crashk_low_res, base, size);
	if (size == crash_low_default() && size < DEFAULT_CRASH_KERNEL_LOW_SIZE)
		pr_info("crashkernel: %llu MiB below 4 GiB at 0x%llx for the capture kernel's DMA: %llu MiB of bounce buffers (half of swiotlb's size) and %lu MiB of 32-bit DMA; crashkernel=SIZE,low sets it\n",
			size >> 20, base, (size - CRASH_LOW_DMA32) >> 20,
			(unsigned long)CRASH_LOW_DMA32 >> 20);
	else
		pr_info("crashkernel: %llu MiB below 4 GiB at 0x%llx for DMA\n",
			size >> 20, base);
	return true;
}

/*
 * Where the region goes: at the requested offset; above 4 GiB for
 * ,high (below if there is no room up there); below 4 GiB otherwise,
 * and above it when low memory is short.
 */
static u64 __init crash_place(u64 size, u64 want, bool asked_high, bool *high)
{
	u64 base;

	*high = false;
	if (want)
		return crash_alloc(size, want, want + size);
	if (asked_high) {
		base = crash_alloc(size, CRASH_ADDR_LOW_MAX, CRASH_ADDR_HIGH_MAX);
		*high = base;
		return base ?: crash_alloc(size, 0, CRASH_ADDR_LOW_MAX);
	}
	base = crash_alloc(size, 0, CRASH_ADDR_LOW_MAX);
	if (base)
		return base;
	base = crash_alloc(size, CRASH_ADDR_LOW_MAX, CRASH_ADDR_HIGH_MAX);
	if (base)
		pr_info("crashkernel: too little free memory below 4 GiB: placing it above\n");
	*high = base;
	return base;
}

/**
 * reserve_crashkernel_generic() - reserve what parse_crashkernel() found
 * @cmdline: the command line (unused: parse_crashkernel() read it)
 * @size: bytes to reserve, 0 for nothing
 * @want: the requested start, 0 for anywhere
 * @low: bytes below 4 GiB that go with a region placed above it
 * @asked_high: the region is to go above 4 GiB
 *
 * Called by the architecture's setup code once memblock knows the RAM.
 * Every problem is logged with the value that caused it, and leaves
 * nothing reserved; boot goes on.
 */
void __init reserve_crashkernel_generic(char *cmdline, unsigned long long size,
					unsigned long long want,
					unsigned long long low, bool asked_high)
{
	u64 base;
	bool high;

	if (!size)
		return;
	if (want && !IS_ALIGNED(want, CRASH_ALIGN)) {
		pr_err("crashkernel: offset 0x%llx is not aligned to %lu MiB; nothing reserved\n",
		       want, (unsigned long)CRASH_ALIGN >> 20);
		return;
	}
	base = crash_place(size, want, asked_high, &high);
	if (!base) {
		if (want)
			pr_err("crashkernel: 0x%llx-0x%llx is not free RAM; nothing reserved\n",
			       want, want + size - 1);
		else
			pr_err("crashkernel: no free RAM for %llu MiB; nothing reserved\n",
			       size >> 20);
		return;
	}
	if (high && !crash_reserve_low(low, asked_high)) {
		memblock_phys_free(base, size);
		pr_err("crashkernel: no room below 4 GiB for the low part; nothing reserved\n");
		return;
	}
	crash_claim(&crashk_res, base, size);
	pr_info("crashkernel: reserved %llu MiB at 0x%llx-0x%llx\n",
		size >> 20, base, base + size - 1);
	if (crash_cma_size)
		crash_movable_reserve(crash_cma_size);
}
#endif /* CONFIG_ARCH_HAS_GENERIC_CRASHKERNEL_RESERVATION */

static u64 crash_res_size(const struct resource *res)
{
	return res->end ? resource_size(res) : 0;
}

/**
 * crash_get_memory_size() - bytes reserved for the capture kernel
 *
 * Return: the size of both regions, or -EBUSY while kexec is busy.
 */
ssize_t crash_get_memory_size(void)
{
	ssize_t size;

	if (!kexec_trylock())
		return -EBUSY;
	size = crash_res_size(&crashk_res) + crash_res_size(&crashk_low_res);
	kexec_unlock();
	return size;
}

/* Cut @res to its first @keep bytes; the rest goes to the page allocator. */
static int crash_cut(struct resource *res, u64 keep)
{
	struct resource *ram = kzalloc(sizeof(*ram), GFP_KERNEL);

	if (!ram)
		return -ENOMEM;
	ram->name = "System RAM";
	ram->flags = IORESOURCE_BUSY | IORESOURCE_SYSTEM_RAM;
	ram->start = res->start + keep;
	ram->end = res->end;
	if (keep) {
		res->end = ram->start - 1;
	} else {
		release_resource(res);
		res->start = 0;
		res->end = 0;
	}
	crash_free_reserved_phys_range(ram->start, ram->end);
	insert_resource(&iomem_resource, ram);
	return 0;
}

/**
 * crash_shrink_memory() - give part of the reservation back
 * @new_size: bytes to keep, rounded up to a page
 *
 * The low part is given back last.  Refused while a capture kernel is
 * loaded.
 *
 * Return: 0; -EINVAL to grow (any size above the reservation, however
 * large: upstream's rounding wrapped the largest to 0 and freed it all);
 * -ENOENT with a capture kernel loaded;
 * -EBUSY while kexec is busy; -ENOMEM.
 */
int crash_shrink_memory(unsigned long new_size)
{
	u64 low = crash_res_size(&crashk_low_res), old;
	int ret = 0;

	if (!kexec_trylock())
		return -EBUSY;
	if (kexec_crash_image) {
		ret = -ENOENT;
		goto unlock;
	}
	old = crash_res_size(&crashk_res) + low;
	/* before rounding up, which would wrap to 0 and free it all */
	if (new_size > old) {
		ret = -EINVAL;
		goto unlock;
	}
	new_size = roundup(new_size, KEXEC_CRASH_MEM_ALIGN);
	if (new_size >= old) {
		ret = new_size == old ? 0 : -EINVAL;
		goto unlock;
	}
	if (new_size < low) {
		ret = crash_cut(&crashk_res, 0);
		if (!ret)
			ret = crash_cut(&crashk_low_res, new_size);
	} else {
		ret = crash_cut(&crashk_res, new_size - low);
	}
	/* only a low part left: it becomes the region */
	if (!ret && !crashk_res.end && crashk_low_res.end) {
		release_resource(&crashk_low_res);
		crashk_res.start = crashk_low_res.start;
		crashk_res.end = crashk_low_res.end;
		crashk_low_res.start = 0;
		crashk_low_res.end = 0;
		insert_resource(&iomem_resource, &crashk_res);
	}
unlock:
	kexec_unlock();
	return ret;
}
