// SPDX-License-Identifier: GPL-2.0
/*
 * crashkernel=SIZE,cma: memory this kernel lends to movable allocations
 * until it crashes, and that its capture kernel takes once nothing can
 * still write to it.  Upstream (6.16) builds it on CMA; here it is a
 * ZONE_MOVABLE range, which needs only memory hotplug.
 *
 * The running kernel takes SIZE, rounded up to whole memory blocks, out
 * of memblock at boot, before anything is allocated in it, and hot-adds
 * it at late_initcall as ZONE_MOVABLE.  A memory notifier refuses to
 * online it in any other zone later.  The crash ELF header leaves it out
 * (what was in it is overwritten by the capture kernel), and x86-64's
 * loader passes it to a capture kernel as crash_cma=SIZE@ADDR, not in its
 * memory map, so a capture kernel that does not know the parameter never
 * touches it.
 */
#define pr_fmt(fmt) "crashkernel: " fmt

#include <linux/crash_dump.h>
#include <linux/crash_handoff.h>
#include <linux/device.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/memblock.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/range.h>
#include <linux/workqueue.h>

/**
 * DOC: DMA in flight at the crash
 *
 * Only movable memory lives in the range: user pages and page cache,
 * never a slab object, a page table or a ring, and never a long-term
 * pin (pin_user_pages(FOLL_LONGTERM) migrates a page out of ZONE_MOVABLE
 * before pinning it, so RDMA, VFIO and io_uring buffers are elsewhere).
 * What a device may still write into it after the crash is a short-term
 * DMA the dying kernel started: O_DIRECT into user memory, a block read
 * into the page cache.  Such a transfer ends within its command's
 * timeout.  The capture kernel adds the range CRASH_MOVABLE_DELAY_S
 * seconds after its own boot, which is later than that after the crash;
 * it boots and saves the dump in its own reservation meanwhile.
 * Upstream waits the same 10 s, with mdelay() in the dying kernel before
 * the jump; here the dump does not wait, only the extra memory does.
 */
#define CRASH_MOVABLE_DELAY_S	10

/* The range this kernel lends; empty when there is none. */
static struct range crash_movable __ro_after_init;

/**
 * crash_movable_range() - the range lent to movable allocations
 * @r: set to it, inclusive
 *
 * Return: whether there is one.
 */
bool crash_movable_range(struct range *r)
{
	*r = crash_movable;
	return crash_movable.end;
}

/**
 * crash_movable_reserve() - take crashkernel=SIZE,cma out of memblock
 * @size: SIZE; rounded up to whole memory blocks
 *
 * From reserve_crashkernel_generic(), once the capture kernel's own
 * region is reserved.
 */
void __init crash_movable_reserve(u64 size)
{
	u64 block = memory_block_size_bytes();
	u64 base, want = size;

	size = round_up(size, block);
	base = memblock_phys_alloc_range(size, block, 0,
					 MEMBLOCK_ALLOC_ACCESSIBLE);
	if (!base) {
		pr_err("no %llu MiB of free RAM in %llu MiB memory blocks for crashkernel=,cma; nothing lent\n",
		       size >> 20, block >> 20);
		return;
	}
	if (size != want)
		pr_info("lending %llu MiB for crashkernel=,cma's %llu bytes: whole %llu MiB memory blocks\n",
			size >> 20, want, block >> 20);
	memblock_phys_free(base, size);
	memblock_remove(base, size);
	crash_movable.start = base;
	crash_movable.end = base + size - 1;
}

static int crash_movable_online(struct memory_block *mem, void *arg)
{
	*(unsigned int *)arg += mem->state == MEM_ONLINE;
	return 0;
}

/*
 * Add [@base, @base + @size), @what, and online its blocks as @type;
 * say which did not come online.
 */
static int crash_movable_add(struct resource *res, u64 base, u64 size,
			     enum mmop type, const char *what)
{
	int nid = memory_add_physaddr_to_nid(base);
	unsigned int online = 0;
	enum mmop was;
	int ret;

	lock_device_hotplug();
	was = mhp_get_default_online_type();
	mhp_set_default_online_type(type);
	ret = res ? add_memory_resource(nid, res, MHP_NONE) :
		    __add_memory(nid, base, size, MHP_NONE);
	mhp_set_default_online_type(was);
	unlock_device_hotplug();
	if (ret) {
		pr_err("cannot add %s at 0x%llx-0x%llx: %pe\n", what, base,
		       base + size - 1, ERR_PTR(ret));
		return ret;
	}
	walk_memory_blocks(base, size, &online, crash_movable_online);
	if (online * memory_block_size_bytes() < size)
		pr_err("only %u of %llu memory blocks of %s came online\n",
		       online, div_u64(size, memory_block_size_bytes()), what);
	return 0;
}

/* Blocks of the range online anywhere but ZONE_MOVABLE are refused. */
static int crash_movable_notify(struct notifier_block *nb,
				unsigned long action, void *data)
{
	const struct memory_notify *arg = data;
	u64 start = PFN_PHYS(arg->start_pfn);
	u64 end = start + PFN_PHYS(arg->nr_pages) - 1;

	if (action != MEM_GOING_ONLINE || end < crash_movable.start ||
	    start > crash_movable.end ||
	    zone_idx(page_zone(pfn_to_page(arg->start_pfn))) == ZONE_MOVABLE)
		return NOTIFY_OK;
	pr_err("0x%llx-0x%llx is lent by crashkernel=,cma: movable memory only\n",
	       start, end);
	return NOTIFY_BAD;
}

static struct notifier_block crash_movable_nb = {
	.notifier_call = crash_movable_notify,
};

static int __init crash_movable_lend(void)
{
	static struct resource res = {
		.name = "crashkernel=,cma",
		.flags = IORESOURCE_SYSTEM_RAM,
	};
	u64 size = range_len(&crash_movable);

	if (!crash_movable.end)
		return 0;
	register_memory_notifier(&crash_movable_nb);
	/* e820's System RAM still covers it: add it under a name of its own */
	res.start = crash_movable.start;
	res.end = crash_movable.end;
	if (crash_movable_add(&res, res.start, size, MMOP_ONLINE_MOVABLE,
			      "crashkernel=,cma"))
		return 0;
	pr_info("%llu MiB at 0x%llx-0x%llx lent to movable allocations until a crash (crashkernel=,cma)\n",
		size >> 20, res.start, res.end);
	return 0;
}
late_initcall(crash_movable_lend);

/*
 * The capture kernel's side: crash_cma=SIZE@ADDR, from the loader.  The
 * range is added once the DMA the crashed kernel left running is over.
 */
static struct range crash_cma;
static bool crash_cma_taken;

/* For the capture kernel's refusal to online the crashed kernel's RAM. */
bool crash_movable_taken(u64 start, u64 end)
{
	return READ_ONCE(crash_cma_taken) && start >= crash_cma.start &&
	       end <= crash_cma.end;
}

static int __init crash_cma_param(char *arg)
{
	u64 size, base;
	char *end;

	size = memparse(arg ?: "", &end);
	if (*end != '@' || !size)
		goto bad;
	base = memparse(end + 1, &end);
	if (*end || !PAGE_ALIGNED(base | size) || base + size < base)
		goto bad;
	crash_cma.start = base;
	crash_cma.end = base + size - 1;
	return 0;
bad:
	pr_err("crash_cma=%s: not SIZE@ADDR in whole pages; ignored\n", arg);
	return 0;
}
early_param("crash_cma", crash_cma_param);

static void crash_cma_take(struct work_struct *work)
{
	u64 size = range_len(&crash_cma);

	WRITE_ONCE(crash_cma_taken, true);
	if (!crash_movable_add(NULL, crash_cma.start, size, MMOP_ONLINE_KERNEL,
			       "the crashed kernel's crashkernel=,cma"))
		pr_info("added the crashed kernel's crashkernel=,cma: %llu MiB at 0x%llx-0x%llx, %u s after boot\n",
			size >> 20, crash_cma.start, crash_cma.end,
			jiffies_to_msecs(jiffies - INITIAL_JIFFIES) / 1000);
}

static DECLARE_DELAYED_WORK(crash_cma_work, crash_cma_take);

static int __init crash_cma_schedule(void)
{
	long wait = CRASH_MOVABLE_DELAY_S * HZ - (jiffies - INITIAL_JIFFIES);
	u64 size = range_len(&crash_cma);

	if (!crash_cma.end)
		return 0;
	if (!is_kdump_kernel()) {
		pr_err("crash_cma= is for a capture kernel; ignored\n");
		return 0;
	}
	if (!IS_ALIGNED(crash_cma.start | size, memory_block_size_bytes()) ||
	    region_intersects(crash_cma.start, size, IORESOURCE_MEM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("crash_cma=: 0x%llx-0x%llx is not whole memory blocks outside this kernel's memory map; ignored\n",
		       crash_cma.start, crash_cma.end);
		return 0;
	}
	pr_info("the crashed kernel's crashkernel=,cma (%llu MiB) is added %d s after boot, once DMA it left running is over\n",
		size >> 20, CRASH_MOVABLE_DELAY_S);
	schedule_delayed_work(&crash_cma_work, max(wait, 0L));
	return 0;
}
late_initcall(crash_cma_schedule);
