// SPDX-License-Identifier: GPL-2.0
/*
 * What kexec needs from the crash side: the jump into a loaded capture
 * kernel, the vmcoreinfo copy that travels with it, its ELF header, and
 * keeping that header right when CPUs come and go.
 */
#include <linux/btf.h>
#include <linux/cpuhotplug.h>
#include <linux/crash_handoff.h>
#include <linux/highmem.h>
#include <linux/kexec.h>
#include <linux/memory.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/objtool.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/vmcore_info.h>
#include <linux/xxhash.h>

#include <asm/sections.h>

#include "../kexec_internal.h"
#include "elfcore.h"

/**
 * kexec_crash_loaded() - whether a capture kernel is loaded
 *
 * Return: 1 if one is, 0 if not.
 */
int kexec_crash_loaded(void)
{
	return !!kexec_crash_image;
}
EXPORT_SYMBOL_GPL(kexec_crash_loaded);

/*
 * The loaded capture image as it was when it was last protected (its
 * segments, and the pages the architecture's jump reads): a stray write
 * into the crash region after that is found before the jump, not by a
 * capture kernel that dies (or a purgatory that spins) on it.
 */
static struct {
	const struct kimage *image;
	u64 digest;
} crash_seal;

static u64 crash_image_digest(const struct kimage *image)
{
	struct xxh64_state state;
	unsigned long pfn, end;
	unsigned int n;
	void *page;

	xxh64_reset(&state, 0);
	/* and what the jump itself reads: its page tables, its trampoline */
	crash_handoff_digest(image, &state);
	for (n = 0; n < image->nr_segments; n++) {
		pfn = PHYS_PFN(image->segment[n].mem);
		end = pfn + PHYS_PFN(image->segment[n].memsz);
		for (; pfn < end; pfn++) {
			page = kmap_local_pfn(pfn);
			xxh64_update(&state, page, PAGE_SIZE);
			kunmap_local(page);
		}
	}
	return xxh64_digest(&state);
}

/**
 * crash_image_seal() - take the digest of the loaded capture image
 *
 * After every load of a capture image and every change to a loaded one,
 * before arch_kexec_protect_crashkres() protects the crash region.
 */
void crash_image_seal(void)
{
	const struct kimage *image = kexec_crash_image;

	if (!image)
		return;
	crash_seal.digest = crash_image_digest(image);
	crash_seal.image = image;
	pr_info("kexec: capture kernel sealed: %lu segments from %pa, digest %016llx\n",
		image->nr_segments, &image->segment[0].mem, crash_seal.digest);
}

static int crash_image_check(const struct kimage *image)
{
	u64 digest;

	if (crash_seal.image != image) {
		pr_emerg("kexec: the capture kernel was never sealed: not jumping to it\n");
		return -EKEYREJECTED;
	}
	digest = crash_image_digest(image);
	if (digest != crash_seal.digest) {
		pr_emerg("kexec: the capture kernel changed since it was loaded (digest %016llx, now %016llx): not jumping to it\n",
			 crash_seal.digest, digest);
		return -EBADMSG;
	}
	return 0;
}

/**
 * crash_kexec_jump() - check and enter the loaded capture kernel
 * @regs: the registers of the fault, or NULL for the caller's own
 * @jumping: called once the image is found intact, before the jump, or NULL
 *
 * For the one CPU that handles the crash (the crash chain's hand-off
 * stage): checks the image against its seal, saves this CPU's registers
 * and vmcoreinfo's crash time, shuts the machine down for the jump and
 * jumps.
 *
 * Return: only on failure: -EBUSY if kexec is busy loading, -ENOENT if
 * nothing is loaded, -EBADMSG or -EKEYREJECTED if the image is damaged,
 * -EFAULT if the architecture could not jump.
 */
int __noclone crash_kexec_jump(struct pt_regs *regs, void (*jumping)(void))
{
	struct pt_regs fixed_regs;
	struct kimage *image;
	int ret;

	if (!kexec_trylock())
		return -EBUSY;
	image = kexec_crash_image;
	ret = image ? crash_image_check(image) : -ENOENT;
	if (!ret) {
		if (jumping)
			jumping();
		crash_setup_regs(&fixed_regs, regs);
		crash_save_vmcoreinfo();
		machine_crash_shutdown(&fixed_regs);
		machine_kexec(image);
		ret = -EFAULT;
	}
	kexec_unlock();
	return ret;
}

STACK_FRAME_NON_STANDARD(crash_kexec_jump);

/**
 * kexec_should_crash() - whether an oops jumps to the capture kernel now
 * @p: the task that oopsed
 *
 * Upstream's die() paths call crash_kexec() at once when this says so.
 * Here the jump is the crash chain's hand-off stage: an oops that is
 * fatal goes on to panic(), whose chain captures and persists first.
 * The architectures whose die() calls crash_chain_oops_end() instead
 * (x86, arm64) give that run the oops' registers.
 *
 * Return: 0.
 */
int kexec_should_crash(struct task_struct *p)
{
	return 0;
}

/**
 * __crash_kexec() - jump to the loaded capture kernel
 * @regs: the registers of the fault, or NULL for the caller's own
 *
 * crash_kexec_jump() for callers that only care whether it returns.
 */
void __crash_kexec(struct pt_regs *regs)
{
	crash_kexec_jump(regs, NULL);
}

/**
 * crash_kexec() - jump to the capture kernel from outside a panic
 * @regs: the registers of the fault, or NULL
 *
 * Only one CPU may: the one that owns panic_cpu.
 */
__bpf_kfunc void crash_kexec(struct pt_regs *regs)
{
	int old = PANIC_CPU_INVALID, cpu = raw_smp_processor_id();

	if (atomic_try_cmpxchg(&panic_cpu, &old, cpu)) {
		__crash_kexec(regs);
		atomic_set(&panic_cpu, PANIC_CPU_INVALID);
	}
}

/**
 * kimage_crash_copy_vmcoreinfo() - give a capture image its vmcoreinfo
 * @image: the image being loaded
 *
 * A page inside the crash region holds a copy of vmcoreinfo, so that the
 * note can be rebuilt at crash time even if the original was trampled.
 *
 * Return: 0, or -ENOMEM.
 */
int kimage_crash_copy_vmcoreinfo(struct kimage *image)
{
	struct page *page;
	void *copy;

	if (image->type != KEXEC_TYPE_CRASH)
		return 0;
	page = kimage_alloc_control_pages(image, 0);
	copy = page ? vmap(&page, 1, VM_MAP, PAGE_KERNEL) : NULL;
	if (!copy) {
		pr_err("kexec: no page in the crash region for vmcoreinfo\n");
		return -ENOMEM;
	}
	image->vmcoreinfo_data_copy = copy;
	crash_update_vmcoreinfo_safecopy(copy);
	return 0;
}

/**
 * crash_exclude_mem_range() - take a range out of a crash_mem
 * @mem: ranges, inclusive, ascending
 * @mstart: first byte to take out
 * @mend: last byte
 *
 * Return: 0, or -ENOMEM when a range must split and @mem is full.
 */
int crash_exclude_mem_range(struct crash_mem *mem, unsigned long long mstart,
			    unsigned long long mend)
{
	return crash_ranges_cut(mem->ranges, &mem->nr_ranges,
				mem->max_nr_ranges, mstart, mend);
}

#ifdef CONFIG_MEMORY_HOTPLUG
/*
 * The parts of the @nr ranges @ram whose memory sections are online,
 * into @out (NULL: only counted); how many.  Memory offline holds
 * nothing of the kernel's, and memory offlined to be unplugged may be
 * gone by the crash: the dump leaves both out.  The header is rebuilt
 * when a block goes online or offline (crash_memory_event()).
 */
static unsigned int crash_online_ranges(const struct range *ram,
					unsigned int nr, struct range *out)
{
	unsigned long pfn, last, next;
	unsigned int i, n = 0;
	bool in;

	for (i = 0; i < nr; i++) {
		last = PHYS_PFN(ram[i].end);
		in = false;
		for (pfn = PHYS_PFN(ram[i].start); pfn <= last; pfn = next) {
			next = min(round_up(pfn + 1, PAGES_PER_SECTION),
				   last + 1);
			if (pfn_to_section_nr(pfn) >= NR_MEM_SECTIONS ||
			    !online_section_nr(pfn_to_section_nr(pfn))) {
				in = false;
				continue;
			}
			if (!in && out)
				out[n].start = max_t(u64, PFN_PHYS(pfn),
						     ram[i].start);
			n += !in;
			in = true;
			if (out)
				out[n - 1].end = min_t(u64, PFN_PHYS(next) - 1,
						       ram[i].end);
		}
	}
	return n;
}
#endif

/**
 * crash_prepare_elf64_headers() - the ELF header for a capture kernel
 * @mem: the RAM to describe, crash region already taken out (with memory
 *	hotplug, only what is online is described; what crashkernel=,cma
 *	lent is left out here)
 * @need_kernel_map: add the kernel text mapping
 * @addr: set to the header, vzalloc()ed; the caller vfree()s it
 * @sz: set to its size
 *
 * Return: 0, -ENOMEM, or -EINVAL for ranges out of order.
 */
int crash_prepare_elf64_headers(struct crash_mem *mem, int need_kernel_map,
				void **addr, unsigned long *sz)
{
	struct crash_elf_input in = {
		.machine = ELF_ARCH,
		.note_size = sizeof(note_buf_t),
		.vmcoreinfo_paddr = paddr_vmcoreinfo_note(),
		.vmcoreinfo_size = VMCOREINFO_NOTE_SIZE,
		.kernel_map = need_kernel_map,
		.text_vaddr = (unsigned long)_text,
		.text_paddr = __pa_symbol(_text),
		.text_size = _end - _text,
		.direct_map = (unsigned long)__va(0),
		.ram = mem->ranges,
		.nr_ram = mem->nr_ranges,
	};
	struct range *online = NULL, lent;
	phys_addr_t *notes;
	unsigned int cpu;
	ssize_t ret;
	size_t size;
	void *buf;

#ifdef CONFIG_MEMORY_HOTPLUG
	in.nr_ram = crash_online_ranges(mem->ranges, mem->nr_ranges, NULL);
	online = kcalloc(in.nr_ram ?: 1, sizeof(*online), GFP_KERNEL);
	if (!online)
		return -ENOMEM;
	crash_online_ranges(mem->ranges, mem->nr_ranges, online);
	in.ram = online;
#endif
	notes = kcalloc(num_possible_cpus(), sizeof(*notes), GFP_KERNEL);
	if (!notes) {
		kfree(online);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		notes[in.nr_notes++] =
			per_cpu_ptr_to_phys(per_cpu_ptr(crash_notes, cpu));
	in.note_paddr = notes;
	crash_arch_note(&in.arch_note_paddr, &in.arch_note_size);

	/* what crashkernel=,cma lent: the capture kernel will write over it */
	if (crash_movable_range(&lent)) {
		in.exclude = &lent;
		in.nr_exclude = 1;
	}
	size = crash_elf_size(in.nr_notes + !!in.arch_note_size, in.nr_ram,
			      in.nr_exclude);
	buf = vzalloc(size);
	ret = buf ? crash_elf_build(&in, buf, size) : -ENOMEM;
	kfree(notes);
	kfree(online);
	if (ret < 0) {
		pr_err("kexec: cannot build the crash ELF header: %zd\n", ret);
		vfree(buf);
		return ret;
	}
	*addr = buf;
	*sz = ret;
	return 0;
}

#ifdef CONFIG_CRASH_HOTPLUG
/* Serializes hotplug updates of a loaded capture image's ELF header. */
static DEFINE_MUTEX(crash_hotplug_lock);

/**
 * crash_check_hotplug_support() - may the kernel update the loaded image
 *
 * What /sys/devices/system/cpu/crash_hotplug says: 1 if the capture
 * image was loaded to have its ELF header kept up to date on hotplug.
 *
 * Return: 1 or 0.
 */
int crash_check_hotplug_support(void)
{
	int ret = 0;

	mutex_lock(&crash_hotplug_lock);
	if (kexec_trylock()) {
		ret = kexec_crash_image && kexec_crash_image->hotplug_support;
		kexec_unlock();
	}
	mutex_unlock(&crash_hotplug_lock);
	return ret;
}

/* The segment holding the ELF header: the one that starts with ELFMAG. */
static int crash_find_elfcorehdr(struct kimage *image)
{
	unsigned int n;
	u8 *p;

	for (n = 0; n < image->nr_segments; n++) {
		p = kmap_local_page(pfn_to_page(image->segment[n].mem >>
						PAGE_SHIFT));
		if (!memcmp(p, ELFMAG, SELFMAG))
			image->elfcorehdr_index = n;
		kunmap_local(p);
	}
	return image->elfcorehdr_index;
}

static void crash_hotplug_update(unsigned int action, void *arg)
{
	struct kimage *image;

	mutex_lock(&crash_hotplug_lock);
	if (!kexec_trylock()) {
		pr_warn("crash: kexec busy: the capture kernel's CPU list may be stale\n");
		goto out;
	}
	image = kexec_crash_image;
	if (image && image->hotplug_support &&
	    (image->elfcorehdr_index >= 0 || crash_find_elfcorehdr(image) >= 0)) {
		arch_kexec_unprotect_crashkres();
		image->hp_action = action;
		arch_crash_handle_hotplug_event(image, arg);
		image->hp_action = KEXEC_CRASH_HP_NONE;
		image->elfcorehdr_updated = true;
		crash_image_seal();
		arch_kexec_protect_crashkres();
	}
	kexec_unlock();
out:
	mutex_unlock(&crash_hotplug_lock);
}

static int crash_cpu_online(unsigned int cpu)
{
	crash_hotplug_update(KEXEC_CRASH_HP_ADD_CPU, NULL);
	return 0;
}

static int crash_cpu_offline(unsigned int cpu)
{
	crash_hotplug_update(KEXEC_CRASH_HP_REMOVE_CPU, NULL);
	return 0;
}

static int crash_memory_event(struct notifier_block *nb, unsigned long val,
			      void *arg)
{
	if (val == MEM_ONLINE)
		crash_hotplug_update(KEXEC_CRASH_HP_ADD_MEMORY, arg);
	else if (val == MEM_OFFLINE)
		crash_hotplug_update(KEXEC_CRASH_HP_REMOVE_MEMORY, arg);
	return NOTIFY_OK;
}

static struct notifier_block crash_memory_nb = {
	.notifier_call = crash_memory_event,
};

static int __init crash_hotplug_init(void)
{
	if (IS_ENABLED(CONFIG_MEMORY_HOTPLUG))
		register_memory_notifier(&crash_memory_nb);
	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU))
		return 0;
	return cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "crash/cpuhp",
					 crash_cpu_online, crash_cpu_offline);
}
subsys_initcall(crash_hotplug_init);
#endif
