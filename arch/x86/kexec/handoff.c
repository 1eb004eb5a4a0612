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

/**
 * crash_handoff_set_boot_params() - enter an image with boot_params in %rsi
 * @image: the image being loaded
 * @params: physical address of its boot_params
 *
 * For a loader that puts the kernel's own entry point in image->start.
 */
void crash_handoff_set_boot_params(struct kimage *image, phys_addr_t params)
{
	image->arch.handoff.boot_params = params;
}

/**
 * crash_handoff_forget() - an image is being freed
 * @image: the image
 *
 * What was prepared for it was in it: nothing else to do but say that it
 * is gone, for images that are freed but still referenced.
 */
void crash_handoff_forget(struct kimage *image)
{
	memset(&image->arch.handoff, 0, sizeof(image->arch.handoff));
}

/**
 * crash_handoff_prepared() - whether the jump into @image is ours
 * @image: a loaded image
 *
 * Return: true if crash_handoff_prepare() prepared it.
 */
bool crash_handoff_prepared(struct kimage *image)
{
	return image->arch.handoff.prepared;
}

static void digest_page(struct xxh64_state *state, phys_addr_t pa)
{
	xxh64_update(state, &pa, sizeof(pa));
	xxh64_update(state, phys_to_virt(pa), PAGE_SIZE);
}

/* Every table under @table, a page of level @level; see identmap.c. */
static void digest_tables(struct xxh64_state *state, phys_addr_t table,
			  unsigned int level)
{
	const u64 *entry = phys_to_virt(table);
	unsigned int i;

	digest_page(state, table);
	if (level <= 2)
		return;		/* level 2 holds 2 MiB leaves only */
	for (i = 0; i < PTRS_PER_PTE; i++)
		if ((entry[i] & _PAGE_PRESENT) && !(entry[i] & _PAGE_PSE))
			digest_tables(state, entry[i] & PTE_PFN_MASK,
				      level - 1);
}

/**
 * crash_handoff_digest() - add what the jump into @image reads to a digest
 * @image: a prepared image
 * @state: the digest
 *
 * The page tables, the trampoline's stack and second page, and the page of
 * this kernel's text its first part runs in: a stray write into any of
 * them would take the jump down as surely as one into the image.
 */
void crash_handoff_digest(const struct kimage *image, struct xxh64_state *state)
{
	const struct crash_handoff *h = &image->arch.handoff;
	phys_addr_t text = __pa_symbol(crash_trampoline) & PAGE_MASK;

	if (!h->prepared)
		return;
	digest_tables(state, h->pgd, pgtable_l5_enabled() ? 5 : 4);
	digest_page(state, h->stack - PAGE_SIZE);
	digest_page(state, h->page);
	digest_page(state, text);
}

/*
 * Whether the destination page at @dest is IMA's measurement list, which
 * IMA's reboot notifier writes into the loaded image at kexec -e, after
 * the seal: its contents are left out of the digest (as upstream's
 * purgatory leaves that segment out of its own).
 */
static bool handoff_ima_page(const struct kimage *image, phys_addr_t dest)
{
#ifdef CONFIG_IMA_KEXEC
	return image->ima_buffer_size && dest >= image->ima_buffer_addr &&
	       dest - image->ima_buffer_addr < image->ima_buffer_size;
#else
	return false;
#endif
}

/*
 * A digest of what a kexec -e image will copy: each destination and the
 * source pages after it, in order, but for IMA's measurement list;
 * @pages and @first count and locate the source pages it covers.
 */
static u64 handoff_source_digest(struct kimage *image, unsigned long *pages,
				 phys_addr_t *first)
{
	kimage_entry_t *ptr = &image->head, entry;
	struct xxh64_state state;
	phys_addr_t dest = 0;

	*pages = 0;
	*first = 0;
	xxh64_reset(&state, 0);
	crash_handoff_digest(image, &state);
	while ((entry = *ptr) && !(entry & IND_DONE)) {
		if (entry & IND_INDIRECTION) {
			ptr = boot_phys_to_virt(entry & PAGE_MASK);
			continue;
		}
		if (entry & IND_DESTINATION) {
			xxh64_update(&state, &entry, sizeof(entry));
			dest = entry & PAGE_MASK;
		} else if (entry & IND_SOURCE) {
			if (!handoff_ima_page(image, dest)) {
				xxh64_update(&state,
					     boot_phys_to_virt(entry & PAGE_MASK),
					     PAGE_SIZE);
				if (!(*pages)++)
					*first = entry & PAGE_MASK;
			}
			dest += PAGE_SIZE;
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
	struct crash_handoff *h = &image->arch.handoff;
	unsigned long pages;
	phys_addr_t first;

	if (image->type == KEXEC_TYPE_CRASH || !h->prepared)
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
	struct crash_handoff *h = &image->arch.handoff;
	void *stack = NULL, *page = NULL;
	int ret;

	h->prepared = false;
	h->sealed = false;
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
	h->prepared = true;
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

/* A kexec -e that cannot jump: this kernel's devices are shut down. */
static void __noreturn handoff_give_up(const char *why)
{
	pr_emerg("kexec: %s: not jumping to it, rebooting\n", why);
	emergency_restart();
	for (;;)
		cpu_relax();
}

/**
 * crash_handoff_jump() - enter the next kernel
 * @image: the loaded image: a capture kernel, or one for kexec -e
 *
 * Called with the other CPUs stopped and the interrupt controllers shut
 * down.  For a capture kernel it returns if it cannot jump (the crash
 * chain goes on and the machine reboots): what was prepared is missing,
 * no longer points into the crash region, or changed since it was sealed.
 * For a kexec -e image, which runs after machine_shutdown(), it reboots
 * instead of returning to a system without its devices.
 */
void crash_handoff_jump(struct kimage *image)
{
	struct crash_handoff *h;
	unsigned long pages;
	phys_addr_t first;
	bool crash;

	if (!image) {
		pr_emerg("kexec: no image to jump to\n");
		return;
	}
	h = &image->arch.handoff;
	crash = image->type == KEXEC_TYPE_CRASH;
	if (!h->prepared) {
		if (!crash)
			handoff_give_up("no jump was prepared for the next kernel");
		pr_emerg("kexec: no jump was prepared for the capture kernel\n");
		return;
	}
	if (crash && (!in_crash_region(h->pgd) || !in_crash_region(h->page) ||
		      !in_crash_region(h->stack - 1) ||
		      (h->boot_params && !in_crash_region(h->boot_params)))) {
		pr_emerg("kexec: the jump to the capture kernel is not in the crash region\n");
		return;
	}
	if (!crash && h->sealed &&
	    handoff_source_digest(image, &pages, &first) != h->digest)
		handoff_give_up("the next kernel changed since it was loaded");
	local_irq_disable();
	hw_breakpoint_disable();
	cet_disable();
	crash_trampoline(h->pgd, image->start, h->boot_params, h->stack,
			 h->page, crash ? 0 : image->head);
}
