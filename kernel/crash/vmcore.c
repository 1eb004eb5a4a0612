// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/vmcore: in a capture kernel, the crashed kernel's memory as an ELF
 * core file, laid out by vmcore_elf.c from the header elfcorehdr= points
 * to.  read() keeps windows of the old memory mapped and copies from
 * them; mmap() maps it into the reader directly.  Drivers may mark pages
 * that must not be read (register_vmcore_cb()), and add device dumps as
 * notes before the file is first opened.
 */
#define pr_fmt(fmt) "vmcore: " fmt

#include <linux/cc_platform.h>
#include <linux/crash_dump.h>
#include <linux/crash_handoff.h>
#include <linux/huge_mm.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pfn_t.h>
#include <linux/proc_fs.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/srcu.h>
#include <linux/sysfs.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>

#include "pagefilter.h"
#include "vmcore.h"

/* The most of the old memory read() maps at once, and its alignment. */
#define VMCORE_WINDOW	SZ_16M

/*
 * The file changes (device dumps) only until it is first opened: readers
 * need no lock.  vmcore_lock orders the first open against those changes
 * and keeps registrations apart; readers walk the callbacks under SRCU.
 */
static DEFINE_MUTEX(vmcore_lock);
DEFINE_STATIC_SRCU(vmcore_cb_srcu);
static struct vmcore_dump vmcore_dump;
static struct vmcore_layout vmcore;
static struct proc_dir_entry *vmcore_entry;
static LIST_HEAD(vmcore_cbs);
static bool vmcore_opened;
/* vmcore.exclude=, and the PT_LOADs cut to what it keeps (or NULL) */
static unsigned int vmcore_exclude;
static Elf64_Phdr *vmcore_kept;
static unsigned int vmcore_nr_kept;

static bool vmcore_encrypted(bool header)
{
	return cc_platform_has(header ? CC_ATTR_GUEST_MEM_ENCRYPT :
				CC_ATTR_MEM_ENCRYPT);
}

static int vmcore_mem_read(void *ctx, void *buf, size_t len, u64 paddr,
			   bool header)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	ssize_t ret;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	ret = crash_oldmem_copy(&iter, paddr, len, vmcore_encrypted(header));
	return ret < 0 ? ret : 0;
}

static void *vmcore_mem_map(void *ctx, u64 paddr, size_t len)
{
	return crash_oldmem_map(paddr, len, vmcore_encrypted(false));
}

static void vmcore_mem_unmap(void *ctx, void *va)
{
	crash_oldmem_unmap(va);
}

/*
 * Whether [@paddr, @paddr + @size) is inside what this kernel keeps for
 * the header (elfcorehdr=, or the architecture's device tree): that may
 * be in its own RAM (arm64's loaders put it in the crash region), reserved.
 */
static bool vmcore_in_header(u64 paddr, u64 size)
{
	u64 len = elfcorehdr_size ?: PAGE_SIZE;

	return paddr >= elfcorehdr_addr && size <= len &&
	       paddr - elfcorehdr_addr <= len - size;
}

#ifdef CONFIG_MEMORY_HOTPLUG
static int vmcore_online_ram(unsigned long pfn, unsigned long nr, void *arg)
{
	unsigned long end = pfn + nr;

	for (; pfn < end; pfn = round_up(pfn + 1, PAGES_PER_SECTION))
		if (pfn_to_online_page(pfn))
			return 1;
	return 0;
}
#endif

/*
 * Whether [@paddr, @paddr + @size) overlaps RAM this kernel uses.  The
 * DIMMs the crashed kernel had hot-plugged are found and added here too,
 * but never onlined (capture.c): that System RAM is not this kernel's.
 */
static bool vmcore_own_ram(u64 paddr, u64 size)
{
	if (region_intersects(paddr, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) == REGION_DISJOINT)
		return false;
#ifdef CONFIG_MEMORY_HOTPLUG
	return walk_system_ram_range(PHYS_PFN(paddr),
				     PHYS_PFN(paddr + size - 1) -
				     PHYS_PFN(paddr) + 1, NULL,
				     vmcore_online_ram) == 1;
#else
	return true;
#endif
}

static const char *vmcore_bad_range(void *ctx, u64 paddr, u64 size)
{
	if (paddr >= crash_oldmem_limit() ||
	    size > crash_oldmem_limit() - paddr)
		return "beyond the physical address width";
	if (!vmcore_in_header(paddr, size) && vmcore_own_ram(paddr, size))
		return "it overlaps this kernel's own RAM";
	return NULL;
}

static const struct vmcore_mem vmcore_mem = {
	.read = vmcore_mem_read,
	.bad_range = vmcore_bad_range,
	.map = vmcore_mem_map,
	.unmap = vmcore_mem_unmap,
	.machine = ELF_ARCH,
};

static bool vmcore_pfn_is_ram(unsigned long pfn)
{
	struct vmcore_cb *cb;
	bool ram = true;
	int idx;

	idx = srcu_read_lock(&vmcore_cb_srcu);
	list_for_each_entry_srcu(cb, &vmcore_cbs, next,
				 srcu_read_lock_held(&vmcore_cb_srcu)) {
		if (cb->pfn_is_ram && !cb->pfn_is_ram(cb, pfn)) {
			ram = false;
			break;
		}
	}
	srcu_read_unlock(&vmcore_cb_srcu, idx);
	return ram;
}

/*
 * read() keeps the old memory it mapped.  Mapping and unmapping it for
 * each request took a third of a read's time under function_graph (the
 * unmap's TLB flush most of it, 27%), so windows of up to VMCORE_WINDOW
 * stay mapped, VMCORE_MAPS of them, the oldest replaced.  A window is the
 * part of one segment inside a VMCORE_WINDOW-aligned stretch: never
 * memory outside the dump.  Readers copy under vmcore_maps_lock held for
 * reading; a replacement takes it for writing.  Where the architecture
 * maps nothing (crash_oldmem_map() NULL), reads copy a page at a time.
 */
#define VMCORE_MAPS	8

static struct {
	u64 paddr;
	u64 size;	/* 0: unused */
	void *va;
} vmcore_maps[VMCORE_MAPS];
static unsigned int vmcore_maps_next;
static bool vmcore_maps_off;
static DECLARE_RWSEM(vmcore_maps_lock);

static void *vmcore_map_find(u64 paddr, u64 size)
{
	unsigned int i;

	for (i = 0; i < VMCORE_MAPS; i++)
		if (vmcore_maps[i].size == size && vmcore_maps[i].paddr == paddr)
			return vmcore_maps[i].va;
	return NULL;
}

/* Map a window in place of the oldest; with vmcore_maps_lock written. */
static void *vmcore_map_add(u64 paddr, u64 size)
{
	unsigned int i = vmcore_maps_next;
	void *va = crash_oldmem_map(paddr, size, vmcore_encrypted(false));

	if (!va) {
		WRITE_ONCE(vmcore_maps_off, true);
		return NULL;
	}
	if (vmcore_maps[i].size)
		crash_oldmem_unmap(vmcore_maps[i].va);
	vmcore_maps[i].paddr = paddr;
	vmcore_maps[i].size = size;
	vmcore_maps[i].va = va;
	vmcore_maps_next = (i + 1) % VMCORE_MAPS;
	return va;
}

/* Copy up to @len bytes at @paddr in @seg, to the end of its window. */
static ssize_t vmcore_copy_window(struct iov_iter *iter,
				  const struct vmcore_seg *seg, u64 paddr,
				  size_t len)
{
	u64 block = ALIGN_DOWN(paddr, VMCORE_WINDOW);
	u64 start = max(block, seg->paddr);
	u64 size = min(block + VMCORE_WINDOW, seg->paddr + seg->size) - start;
	size_t copied = 0;
	void *va;

	len = min_t(u64, len, start + size - paddr);
	if (READ_ONCE(vmcore_maps_off))
		return crash_oldmem_copy(iter, paddr, len,
					 vmcore_encrypted(false));
	down_read(&vmcore_maps_lock);
	va = vmcore_map_find(start, size);
	if (!va) {
		up_read(&vmcore_maps_lock);
		down_write(&vmcore_maps_lock);
		va = vmcore_map_find(start, size) ?: vmcore_map_add(start, size);
		downgrade_write(&vmcore_maps_lock);
	}
	if (va)
		copied = copy_to_iter(va + (paddr - start), len, iter);
	up_read(&vmcore_maps_lock);
	if (!va)
		return crash_oldmem_copy(iter, paddr, len,
					 vmcore_encrypted(false));
	return copied == len ? len : -EFAULT;
}

/* Copy @len bytes at @paddr in @seg, zeroes where a driver says so. */
static ssize_t vmcore_copy_old(struct iov_iter *iter,
			       const struct vmcore_seg *seg, u64 paddr,
			       size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t n = len - done;
		ssize_t ret;

		if (!list_empty(&vmcore_cbs)) {
			n = min_t(size_t, n, PAGE_SIZE - offset_in_page(paddr));
			if (!vmcore_pfn_is_ram(PHYS_PFN(paddr))) {
				if (iov_iter_zero(n, iter) != n)
					return -EFAULT;
				done += n;
				paddr += n;
				continue;
			}
		}
		ret = vmcore_copy_window(iter, seg, paddr, n);
		if (ret < 0)
			return ret;
		done += ret;
		paddr += ret;
	}
	return done;
}

/* Copy what is at @pos, at most @len bytes: the head or one segment's. */
static ssize_t vmcore_copy(struct iov_iter *iter, u64 pos, size_t len)
{
	const struct vmcore_seg *seg;

	if (pos < vmcore.data_offset) {
		len = min_t(u64, len, vmcore.data_offset - pos);
		if (copy_to_iter(vmcore.head + pos, len, iter) != len)
			return -EFAULT;
		return len;
	}
	seg = vmcore_seg_find(&vmcore, pos);
	if (!seg)
		return 0;
	if (pos < seg->offset) {	/* the hole before it */
		len = min_t(u64, len, seg->offset - pos);
		return iov_iter_zero(len, iter) == len ? len : -EFAULT;
	}
	len = min_t(u64, len, seg->offset + seg->size - pos);
	len = min_t(size_t, len, VMCORE_WINDOW);
	return vmcore_copy_old(iter, seg, seg->paddr + pos - seg->offset, len);
}

static ssize_t vmcore_read_iter(struct kiocb *iocb, struct iov_iter *iter)
{
	ssize_t done = 0, n = 0;
	u64 pos = iocb->ki_pos;

	while (iov_iter_count(iter) && pos < vmcore.size) {
		n = vmcore_copy(iter, pos, min_t(u64, iov_iter_count(iter),
						 vmcore.size - pos));
		if (n <= 0)
			break;
		pos += n;
		done += n;
		cond_resched();		/* a read may span gigabytes */
	}
	iocb->ki_pos = pos;
	return done ?: n;
}

/*
 * DOC: mmap() of /proc/vmcore
 *
 * The head and the old memory are both mapped by pfn (VM_PFNMAP), never
 * writable.  Where the kernel can map pfns in PMDs (THP), every 2 MiB of
 * a mapping that one PMD can map whole is left to its first fault, which
 * maps it in one entry; the rest is mapped at mmap() time.  Mapping a
 * 4 MiB window page by page and zapping it again took as long as reading
 * it (kdump-setup.rst).  vmcore_get_unmapped_area() places a mapping so
 * that its addresses and the old memory's agree modulo 2 MiB, and
 * vmcore_layout_build() lays large PT_LOADs out so that file offsets do
 * too.  The old memory is write-back (crash_oldmem_prepare()).  A fault
 * that cannot be huge (the mapping was split, THP is off for the
 * process) maps a page.  Pages a driver says are not to be read are the
 * zero page, and then nothing is mapped huge; nor is the head.
 */

/* The pfn behind the file's page at @pos */
static unsigned long vmcore_pfn(u64 pos)
{
	const struct vmcore_seg *seg;
	unsigned long pfn;

	if (pos < vmcore.data_offset)
		return vmalloc_to_pfn(vmcore.head + pos);
	seg = vmcore_seg_find(&vmcore, pos);
	if (!seg || pos < seg->offset)	/* a hole */
		return my_zero_pfn(0);
	pfn = PHYS_PFN(seg->paddr + pos - seg->offset);
	if (!list_empty(&vmcore_cbs) && !vmcore_pfn_is_ram(pfn))
		return my_zero_pfn(0);
	return pfn;
}

/* Where the PMD for the file's 2 MiB at @pos maps from, or 0: none can */
static u64 vmcore_pmd_paddr(u64 pos)
{
	const struct vmcore_seg *seg;
	u64 paddr;

	if (pos < vmcore.data_offset || !list_empty(&vmcore_cbs))
		return 0;
	seg = vmcore_seg_find(&vmcore, pos);
	if (!seg || pos < seg->offset ||
	    seg->offset + seg->size - pos < PMD_SIZE)
		return 0;
	paddr = seg->paddr + pos - seg->offset;
	return IS_ALIGNED(paddr, PMD_SIZE) ? paddr : 0;
}

static vm_fault_t vmcore_fault(struct vm_fault *vmf)
{
	u64 pos = (u64)vmf->pgoff << PAGE_SHIFT;

	if (pos >= vmcore.size)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn(vmf->vma, vmf->address, vmcore_pfn(pos));
}

static vm_fault_t vmcore_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = vmf->address & PMD_MASK;
	u64 paddr;

	if (!IS_ENABLED(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) ||
	    order != PMD_ORDER || addr < vma->vm_start ||
	    vma->vm_end - addr < PMD_SIZE)
		return VM_FAULT_FALLBACK;
	paddr = vmcore_pmd_paddr(((u64)vma->vm_pgoff << PAGE_SHIFT) +
				 addr - vma->vm_start);
	if (!paddr)
		return VM_FAULT_FALLBACK;
	return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(PHYS_PFN(paddr), PFN_DEV),
				  false);
}

static const struct vm_operations_struct vmcore_vm_ops = {
	.fault = vmcore_fault,
	.huge_fault = vmcore_huge_fault,
};

/*
 * Map [@uaddr, @uaddr + @size) of @vma, the file from @pos on: in @seg
 * when there is one (else the head or a hole, page by page), but the
 * 2 MiB stretches a PMD fault will map when @huge.  Without @huge, old
 * memory is mapped in one call: one that covers the whole VMA has x86's
 * PAT record its type once, not look each page up.
 */
static int vmcore_remap(struct vm_area_struct *vma, unsigned long uaddr,
			u64 pos, unsigned long size,
			const struct vmcore_seg *seg, bool huge)
{
	unsigned long end = uaddr + size;
	int ret = 0;

	if (!list_empty(&vmcore_cbs))
		seg = NULL;	/* page by page, asking the drivers */
	while (uaddr < end && !ret) {
		unsigned long n = PAGE_SIZE;
		u64 paddr;

		if (!seg) {
			ret = remap_pfn_range(vma, uaddr, vmcore_pfn(pos), n,
					      vma->vm_page_prot);
		} else {
			n = huge ? min(end, ALIGN(uaddr + 1, PMD_SIZE)) - uaddr :
				   end - uaddr;
			paddr = seg->paddr + pos - seg->offset;
			if (!huge || n < PMD_SIZE || !IS_ALIGNED(paddr, PMD_SIZE))
				ret = remap_pfn_range(vma, uaddr, PHYS_PFN(paddr),
						      n, vma->vm_page_prot);
		}
		uaddr += n;
		pos += n;
	}
	return ret;
}

static int vmcore_mmap(struct file *file, struct vm_area_struct *vma)
{
	u64 pos = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned long uaddr = vma->vm_start;
	u64 left = vma->vm_end - vma->vm_start;
	bool huge;
	int ret = 0;

	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	if (pos >= vmcore.size || left > vmcore.size - pos)
		return -EINVAL;
	vm_flags_mod(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP,
		     VM_MAYWRITE | VM_MAYEXEC);
	vma->vm_ops = &vmcore_vm_ops;
	huge = thp_vma_allowable_order(vma, vma->vm_flags,
				       TVA_IN_PF | TVA_ENFORCE_SYSFS,
				       PMD_ORDER);
	while (left && !ret) {
		const struct vmcore_seg *seg = NULL;
		u64 n = left;

		/* the head, then a segment or the hole before one at a time */
		if (pos < vmcore.data_offset) {
			n = min(n, vmcore.data_offset - pos);
		} else {
			seg = vmcore_seg_find(&vmcore, pos);
			if (WARN_ON_ONCE(!seg))	/* within vmcore.size */
				return -EINVAL;
			if (pos < seg->offset) {
				n = min(n, seg->offset - pos);
				seg = NULL;
			} else {
				n = min(n, seg->offset + seg->size - pos);
			}
		}
		ret = vmcore_remap(vma, uaddr, pos, n, seg, huge);
		pos += n;
		uaddr += n;
		left -= n;
	}
	return ret;
}

#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
/*
 * A mapping's addresses agree with the old memory's modulo 2 MiB, from
 * the segment it starts in on: thp_get_unmapped_area() aligns on the
 * offset it is given, here that of the old memory (physical).
 */
static unsigned long vmcore_get_unmapped_area(struct file *file,
					      unsigned long addr,
					      unsigned long len,
					      unsigned long pgoff,
					      unsigned long flags)
{
	u64 pos = (u64)pgoff << PAGE_SHIFT;
	const struct vmcore_seg *seg = NULL;

	if (pos >= vmcore.data_offset && pos < vmcore.size)
		seg = vmcore_seg_find(&vmcore, pos);
	if (seg && pos >= seg->offset)
		pgoff = PHYS_PFN(seg->paddr + pos - seg->offset);
	return thp_get_unmapped_area(file, addr, len, pgoff, flags);
}
#endif

/* Lay the file out from the dump, filtered when vmcore.exclude= says so. */
static int vmcore_build(struct vmcore_layout *out)
{
	struct vmcore_dump view = vmcore_dump;

	if (vmcore_kept) {
		view.loads = vmcore_kept;
		view.nr_loads = vmcore_nr_kept;
	}
	return vmcore_layout_build(&view, out);
}

/*
 * Filter the dump at vmcore_exclude's level (none: the whole dump) and
 * lay the file out again; under vmcore_lock, or before the file exists.
 */
static int vmcore_refilter(void)
{
	struct vmcore_layout layout;
	Elf64_Phdr *loads = NULL;
	unsigned int nr = 0;
	int ret;

	if (IS_ENABLED(CONFIG_VMCORE_FILTER) && vmcore_exclude &&
	    vmcore_filter(&vmcore_mem, &vmcore_dump, vmcore_exclude,
			  list_empty(&vmcore_cbs) ? NULL : vmcore_pfn_is_ram,
			  &loads, &nr))
		loads = NULL;
	kvfree(vmcore_kept);
	vmcore_kept = loads;
	vmcore_nr_kept = nr;
	ret = vmcore_build(&layout);
	if (ret)
		return ret;
	vmcore_layout_free(&vmcore);
	vmcore = layout;
	if (vmcore_entry)
		proc_set_size(vmcore_entry, vmcore.size);
	return 0;
}

/*
 * vmcore.exclude=: what a filtered dump leaves out, set at boot or in
 * /sys/module/vmcore/parameters/exclude until /proc/vmcore is opened.
 */
static int vmcore_exclude_set(const char *val, const struct kernel_param *kp)
{
	int len = strcspn(val, "\n");	/* sysfs writes end with one */
	unsigned int level;
	int ret;

	if (!IS_ENABLED(CONFIG_VMCORE_FILTER)) {
		pr_err("exclude=%.*s: this kernel cannot filter dumps (CONFIG_VMCORE_FILTER)\n",
		       len, val);
		return -EOPNOTSUPP;
	}
	if (crash_exclude_parse(val, &level)) {
		pr_err("exclude=%.*s: not a dump level: 0 to 31, or names from zero,cache,cache-private,user,free\n",
		       len, val);
		return -EINVAL;
	}
	if (system_state < SYSTEM_SCHEDULING) {	/* the command line */
		vmcore_exclude = level;
		return 0;
	}
	mutex_lock(&vmcore_lock);
	if (vmcore_opened) {
		pr_err("exclude=%.*s: /proc/vmcore was opened already: the level stays %u\n",
		       len, val, vmcore_exclude);
		ret = -EBUSY;
	} else if (level == vmcore_exclude) {
		ret = 0;
	} else {
		vmcore_exclude = level;
		ret = vmcore_entry ? vmcore_refilter() : 0;
	}
	mutex_unlock(&vmcore_lock);
	return ret;
}

static int vmcore_exclude_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(vmcore_exclude));
}

static const struct kernel_param_ops vmcore_exclude_ops = {
	.set = vmcore_exclude_set,
	.get = vmcore_exclude_get,
};
module_param_cb(exclude, &vmcore_exclude_ops, NULL, 0644);
MODULE_PARM_DESC(exclude, "what a dump leaves out: makedumpfile's dump level, or zero,cache,cache-private,user,free");

static int vmcore_open(struct inode *inode, struct file *file)
{
	mutex_lock(&vmcore_lock);
	vmcore_opened = true;
	/* stat's size, from an inode made before a filter or device dump */
	i_size_write(inode, vmcore.size);
	mutex_unlock(&vmcore_lock);
	return 0;
}

static const struct proc_ops vmcore_proc_ops = {
	.proc_open	= vmcore_open,
	.proc_read_iter	= vmcore_read_iter,
	.proc_lseek	= default_llseek,
	.proc_mmap	= vmcore_mmap,
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	.proc_get_unmapped_area = vmcore_get_unmapped_area,
#endif
};

/**
 * register_vmcore_cb() - have a driver say which pages not to read
 * @cb: its callbacks; pages it says are not RAM read as zeroes
 *
 * Register before /proc/vmcore is first opened, or readers may already
 * have read what the callback would have hidden.
 */
void register_vmcore_cb(struct vmcore_cb *cb)
{
	mutex_lock(&vmcore_lock);
	list_add_tail_rcu(&cb->next, &vmcore_cbs);
	if (vmcore_opened)
		pr_warn_once("a callback was registered after /proc/vmcore was opened\n");
	mutex_unlock(&vmcore_lock);
}
EXPORT_SYMBOL_GPL(register_vmcore_cb);

/**
 * unregister_vmcore_cb() - undo register_vmcore_cb()
 * @cb: what was registered
 */
void unregister_vmcore_cb(struct vmcore_cb *cb)
{
	mutex_lock(&vmcore_lock);
	list_del_rcu(&cb->next);
	mutex_unlock(&vmcore_lock);
	synchronize_srcu(&vmcore_cb_srcu);
}
EXPORT_SYMBOL_GPL(unregister_vmcore_cb);

#ifdef CONFIG_PROC_VMCORE_DEVICE_DUMP
static bool vmcoredd_disabled;
core_param(novmcoredd, vmcoredd_disabled, bool, 0);

/**
 * vmcore_add_device_dump() - add a driver's dump of its device as a note
 * @data: the dump's name, size and the callback that fills it
 *
 * The dump becomes an NT_VMCOREDD note named "LINUX" after the crashed
 * kernel's notes.  Dumps are added until /proc/vmcore is first opened.
 *
 * Return: 0, -EINVAL for bad @data or with novmcoredd, -EBUSY once
 * /proc/vmcore was opened or if this is not a capture kernel, -ENOMEM, or
 * the callback's error.
 */
int vmcore_add_device_dump(struct vmcoredd_data *data)
{
	size_t size, desc;
	struct vmcoredd_header *hdr;
	int ret;

	if (vmcoredd_disabled) {
		pr_err_once("device dumps are off (novmcoredd)\n");
		return -EINVAL;
	}
	if (!data || !strnlen(data->dump_name, sizeof(data->dump_name)) ||
	    !data->vmcoredd_callback || !data->size)
		return -EINVAL;
	desc = ALIGN((size_t)data->size, 4);
	size = sizeof(*hdr) + desc;
	hdr = vzalloc(size);
	if (!hdr)
		return -ENOMEM;
	ret = data->vmcoredd_callback(data, hdr + 1);
	if (ret)
		goto out;
	hdr->n_namesz = sizeof(hdr->name);
	hdr->n_descsz = sizeof(hdr->dump_name) + desc;
	hdr->n_type = NT_VMCOREDD;
	strscpy_pad(hdr->name, VMCOREDD_NOTE_NAME);
	strscpy_pad(hdr->dump_name, data->dump_name);

	mutex_lock(&vmcore_lock);
	if (!vmcore_entry || vmcore_opened) {
		pr_warn("device dump %s: /proc/vmcore %s: not added\n",
			data->dump_name,
			vmcore_entry ? "was opened already" : "does not exist");
		ret = -EBUSY;
	} else {
		struct vmcore_layout layout;

		ret = vmcore_notes_append(&vmcore_dump, hdr, size) ?:
		      vmcore_build(&layout);
		if (!ret) {
			vmcore_layout_free(&vmcore);
			vmcore = layout;
			proc_set_size(vmcore_entry, vmcore.size);
		}
	}
	mutex_unlock(&vmcore_lock);
out:
	vfree(hdr);
	return ret;
}
EXPORT_SYMBOL(vmcore_add_device_dump);
#endif

static int __init vmcore_init(void)
{
	const void *note;
	size_t note_size;
	unsigned int i;
	int ret;

	if (!is_vmcore_usable())
		return 0;
	ret = vmcore_dump_read(&vmcore_mem, elfcorehdr_addr, elfcorehdr_size,
			       &vmcore_dump);
	if (!ret) {
		for (i = 0; i < vmcore_dump.nr_loads; i++) {
			const Elf64_Phdr *load = &vmcore_dump.loads[i];

			if (load->p_filesz)
				crash_oldmem_prepare(round_down(load->p_offset,
								PAGE_SIZE),
						     vmcore_load_span(load));
		}
		note = crash_arch_vmcore_notes(vmcore_dump.notes,
					       vmcore_dump.notes_size,
					       &note_size);
		if (note && vmcore_notes_append(&vmcore_dump, note, note_size))
			pr_err("no room for the note of the memory read as zeroes\n");
	}
	ret = ret ?: vmcore_refilter();
	if (ret) {
		pr_err("no /proc/vmcore: the crashed kernel's header at %#llx is unusable (%d)\n",
		       elfcorehdr_addr, ret);
		vmcore_dump_free(&vmcore_dump);
		return 0;
	}
	vmcore_entry = proc_create("vmcore", 0400, NULL, &vmcore_proc_ops);
	if (!vmcore_entry) {
		pr_err("cannot create /proc/vmcore\n");
		return 0;
	}
	proc_set_size(vmcore_entry, vmcore.size);
	pr_info("/proc/vmcore: %llu bytes, %zu bytes of notes, %u PT_LOADs\n",
		vmcore.size, vmcore_dump.notes_size, vmcore_dump.nr_loads);
	return 0;
}
fs_initcall(vmcore_init);
