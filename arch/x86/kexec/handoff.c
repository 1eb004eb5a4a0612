// SPDX-License-Identifier: GPL-2.0
/*
 * The jump from a crashed x86-64 kernel into its capture kernel.
 *
 * Everything is prepared when the capture kernel is loaded, inside the
 * crash region so that it shares the region's protection: page tables that
 * map the low 4 GiB and all RAM virtual == physical plus the trampoline's
 * own text, and a stack page.  At the crash, the trampoline switches to
 * them and enters the loaded image (a purgatory, from kexec_file_load or
 * kexec-tools) in 64-bit mode: no copying, no 32-bit detour, and the image
 * may sit anywhere in RAM, above 4 GiB too.
 */
#include <linux/crash_handoff.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sizes.h>

#include <asm/cpu.h>
#include <asm/debugreg.h>

#include "handoff.h"

/* What was prepared, and for which image; kexec_lock serializes. */
static struct {
	struct kimage *image;
	phys_addr_t pgd;
	phys_addr_t stack;
	struct kimage *loaded;		/* by bzimage.c, with */
	phys_addr_t boot_params;	/* where its boot_params are */
} handoff;

/**
 * crash_handoff_set_boot_params() - enter an image with boot_params in %rsi
 * @image: the crash image being loaded
 * @params: physical address of its boot_params
 *
 * For a loader that puts the kernel's own entry point in image->start.
 */
void crash_handoff_set_boot_params(struct kimage *image, phys_addr_t params)
{
	handoff.loaded = image;
	handoff.boot_params = params;
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
 * crash_handoff_prepare() - build the jump's page tables for a capture image
 * @image: the crash image being loaded
 *
 * The low 4 GiB is mapped whole: a purgatory copies the legacy low memory
 * and the next kernel may read firmware tables before it has page tables
 * of its own.
 *
 * Return: 0, or a negative errno if the crash region has no room.
 */
int crash_handoff_prepare(struct kimage *image)
{
	struct ident_map map = {
		.alloc_page = handoff_page,
		.data = image,
		.levels = pgtable_l5_enabled() ? 5 : 4,
		.gbpages = boot_cpu_has(X86_FEATURE_GBPAGES),
	};
	u64 text = (u64)crash_trampoline & PMD_MASK;
	void *stack = NULL;
	int ret;

	handoff.image = NULL;
	ret = ident_map_add(&map, 0, 0, SZ_4G);
	if (!ret)
		ret = walk_system_ram_res(0, U64_MAX, &map, map_ram);
	/* Where the trampoline runs until it jumps to its identity address */
	if (!ret)
		ret = ident_map_add(&map, text, __pa_symbol(text), 2 * PMD_SIZE);
	if (!ret) {
		stack = handoff_page(image);
		ret = stack ? 0 : -ENOMEM;
	}
	if (ret) {
		pr_err("kexec: cannot prepare the jump to the capture kernel: %d\n",
		       ret);
		return ret;
	}
	handoff.pgd = __pa(map.top);
	handoff.stack = __pa(stack) + PAGE_SIZE;
	handoff.image = image;
	return 0;
}

/**
 * crash_handoff_jump() - enter the capture kernel
 * @image: the loaded crash image
 *
 * Called with the other CPUs stopped and the interrupt controllers shut
 * down.  Returns only if @image was not prepared by this file, or what was
 * prepared no longer points into the crash region.
 */
void crash_handoff_jump(struct kimage *image)
{
	if (!image || handoff.image != image ||
	    handoff.pgd < crashk_res.start || handoff.pgd > crashk_res.end ||
	    handoff.stack <= crashk_res.start ||
	    handoff.stack > crashk_res.end + 1) {
		pr_emerg("kexec: no jump was prepared for this capture kernel\n");
		return;
	}
	if (handoff.loaded == image &&
	    (handoff.boot_params < crashk_res.start ||
	     handoff.boot_params > crashk_res.end)) {
		pr_emerg("kexec: the capture kernel's boot_params are not in the crash region\n");
		return;
	}
	local_irq_disable();
	hw_breakpoint_disable();
	cet_disable();
	crash_trampoline(handoff.pgd, image->start,
			 handoff.loaded == image ? handoff.boot_params : 0,
			 handoff.stack, __pa_symbol(crash_trampoline_identity));
}
