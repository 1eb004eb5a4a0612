// SPDX-License-Identifier: GPL-2.0
/*
 * The jump from this x86-64 kernel into the next one: a capture kernel at
 * a crash, or a kernel loaded for `kexec -e`.
 *
 * Everything is prepared when the image is loaded, in pages kexec keeps
 * clear of what it will copy (for a capture kernel: inside the crash
 * region, so that they share its protection): page tables that map the
 * low 4 GiB and all RAM virtual == physical plus the trampoline's text, a
 * copy of the trampoline's second part, and a stack page.  At the jump,
 * the trampoline switches to those tables, copies a `kexec -e` image into
 * place (a capture kernel is in place already) and enters the image (the
 * kernel's 64-bit entry, or a purgatory) in 64-bit mode: no 32-bit detour,
 * and the image may sit anywhere in RAM, above 4 GiB too.
 */
#include <linux/crash_handoff.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/reboot.h>
#include <linux/sizes.h>
#include <linux/xxhash.h>

#include <asm/cpu.h>
#include <asm/debugreg.h>

#include "handoff.h"

/*
 * What was prepared, per image type (KEXEC_TYPE_DEFAULT, KEXEC_TYPE_CRASH)
 * and for which image; kexec_lock serializes.
 */
static struct handoff {
	struct kimage *image;
	phys_addr_t pgd;
	phys_addr_t stack;
	phys_addr_t page;		/* the trampoline's second part */
	struct kimage *loaded;		/* by bzimage.c, with */
	phys_addr_t boot_params;	/* where its boot_params are */
	u64 digest;			/* of a kexec -e image, if sealed */
	bool sealed;
} handoff[2];

static struct handoff *handoff_of(struct kimage *image)
{
	return &handoff[image->type == KEXEC_TYPE_CRASH];
}

/**
 * crash_handoff_set_boot_params() - enter an image with boot_params in %rsi
 * @image: the image being loaded
 * @params: physical address of its boot_params
 *
 * For a loader that puts the kernel's own entry point in image->start.
 */
void crash_handoff_set_boot_params(struct kimage *image, phys_addr_t params)
{
	handoff_of(image)->loaded = image;
	handoff_of(image)->boot_params = params;
}

/**
 * crash_handoff_forget() - an image is being freed
 * @image: the image
 */
void crash_handoff_forget(struct kimage *image)
{
	struct handoff *h = handoff_of(image);

	if (h->image == image)
		h->image = NULL;
	if (h->loaded == image)
		h->loaded = NULL;
}

/**
 * crash_handoff_prepared() - whether the jump into @image is ours
 * @image: a loaded image
 *
 * Return: true if crash_handoff_prepare() prepared it.
 */
bool crash_handoff_prepared(struct kimage *image)
{
	return handoff_of(image)->image == image;
}

/*
 * A digest of what a kexec -e image will copy: each destination and the
 * source pages after it, in order.
 */
static u64 handoff_source_digest(struct kimage *image, unsigned long *pages,
				 phys_addr_t *first)
{
	kimage_entry_t *ptr = &image->head, entry;
	struct xxh64_state state;

	*pages = 0;
	*first = 0;
	xxh64_reset(&state, 0);
	while ((entry = *ptr) && !(entry & IND_DONE)) {
		if (entry & IND_INDIRECTION) {
			ptr = boot_phys_to_virt(entry & PAGE_MASK);
			continue;
		}
		if (entry & IND_DESTINATION) {
			xxh64_update(&state, &entry, sizeof(entry));
		} else if (entry & IND_SOURCE) {
			xxh64_update(&state, boot_phys_to_virt(entry & PAGE_MASK),
				     PAGE_SIZE);
			if (!(*pages)++)
				*first = entry & PAGE_MASK;
		}
		ptr++;
	}
	return xxh64_digest(&state);
}

/**
 * crash_handoff_seal() - take the digest of a loaded kexec -e image
 * @image: the image, its segments copied in
 *
 * For a loader without a purgatory (which would check the image after
 * the jump): crash_handoff_jump() checks it before.
 */
void crash_handoff_seal(struct kimage *image)
{
	struct handoff *h = handoff_of(image);

	unsigned long pages;
	phys_addr_t first;

	if (image->type == KEXEC_TYPE_CRASH || h->image != image)
		return;
	h->digest = handoff_source_digest(image, &pages, &first);
	h->sealed = true;
	pr_info("kexec: next kernel sealed: %lu pages, the first at %pa, digest %016llx\n",
		pages, &first, h->digest);
}

static void *handoff_page(void *image)
{
	struct page *page = kimage_alloc_control_pages(image, 0);

	if (!page)
		return NULL;
	clear_page(page_address(page));
	return page_address(page);
}

static int map_ram(struct resource *res, void *map)
{
	u64 start = ALIGN_DOWN(res->start, SZ_2M);
	u64 end = ALIGN(res->end + 1, SZ_2M);

	return ident_map_add(map, start, start, end - start);
}

/**
 * crash_handoff_prepare() - build what the jump into an image needs
 * @image: the image being loaded
 *
 * The low 4 GiB is mapped whole: a purgatory copies the legacy low memory
 * and the next kernel may read firmware tables before it has page tables
 * of its own.
 *
 * Return: 0, or a negative errno if there was no room.
 */
int crash_handoff_prepare(struct kimage *image)
{
	struct ident_map map = {
		.alloc_page = handoff_page,
		.data = image,
		.levels = pgtable_l5_enabled() ? 5 : 4,
		.gbpages = boot_cpu_has(X86_FEATURE_GBPAGES),
	};
	size_t size = crash_trampoline_page_end - crash_trampoline_page;
	u64 text = (u64)crash_trampoline & PMD_MASK;
	struct handoff *h = handoff_of(image);
	void *stack = NULL, *page = NULL;
	int ret;

	BUILD_BUG_ON(sizeof(handoff) != 2 * sizeof(*h));
	h->image = NULL;
	h->sealed = false;
	if (h->loaded != image)
		h->boot_params = 0;
	ret = ident_map_add(&map, 0, 0, SZ_4G);
	if (!ret)
		ret = walk_system_ram_res(0, U64_MAX, &map, map_ram);
	/* Where the trampoline runs until it jumps to its page */
	if (!ret)
		ret = ident_map_add(&map, text, __pa_symbol(text), 2 * PMD_SIZE);
	if (!ret) {
		stack = handoff_page(image);
		page = handoff_page(image);
		ret = stack && page ? 0 : -ENOMEM;
	}
	if (ret) {
		pr_err("kexec: cannot prepare the jump to the next kernel: %d\n",
		       ret);
		return ret;
	}
	memcpy(page, crash_trampoline_page, min_t(size_t, size, PAGE_SIZE));
	h->pgd = __pa(map.top);
	h->stack = __pa(stack) + PAGE_SIZE;
	h->page = __pa(page);
	h->image = image;
	pr_info("kexec: jump to the %s prepared: entry %#lx%s, tables at %pa\n",
		image->type == KEXEC_TYPE_CRASH ? "capture kernel" : "next kernel",
		image->start, h->boot_params ? " with boot_params" : "",
		&h->pgd);
	return 0;
}

static bool in_crash_region(phys_addr_t addr)
{
#ifdef CONFIG_CRASH_DUMP
	return addr >= crashk_res.start && addr <= crashk_res.end;
#else
	return false;
#endif
}

/**
 * crash_handoff_jump() - enter the next kernel
 * @image: the loaded image: a capture kernel, or one for kexec -e
 *
 * Called with the other CPUs stopped and the interrupt controllers shut
 * down.  Returns only if @image was not prepared by this file, or, for a
 * capture kernel, what was prepared no longer points into the crash
 * region.
 */
void crash_handoff_jump(struct kimage *image)
{
	struct handoff *h = handoff_of(image);
	phys_addr_t params = h->loaded == image ? h->boot_params : 0;
	unsigned long pages;
	phys_addr_t first;

	if (!image || h->image != image) {
		pr_emerg("kexec: no jump was prepared for this kernel\n");
		return;
	}
	if (image->type == KEXEC_TYPE_CRASH &&
	    (!in_crash_region(h->pgd) || !in_crash_region(h->page) ||
	     !in_crash_region(h->stack - 1) ||
	     (params && !in_crash_region(params)))) {
		pr_emerg("kexec: the jump to the capture kernel is not in the crash region\n");
		return;
	}
	if (h->sealed &&
	    handoff_source_digest(image, &pages, &first) != h->digest) {
		pr_emerg("kexec: the next kernel changed since it was loaded: not jumping to it, rebooting\n");
		emergency_restart();
	}
	local_irq_disable();
	hw_breakpoint_disable();
	cet_disable();
	crash_trampoline(h->pgd, image->start, params, h->stack, h->page,
			 image->type == KEXEC_TYPE_CRASH ? 0 : image->head);
}
