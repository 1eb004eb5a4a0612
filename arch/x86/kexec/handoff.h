/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _X86_KEXEC_HANDOFF_H
#define _X86_KEXEC_HANDOFF_H

#include <linux/types.h>
#include <asm/bootparam.h>
#include <asm/e820/types.h>

struct kimage;

/**
 * struct ident_map - page tables built for a jump out of this kernel
 * @alloc_page: returns a zeroed, page-aligned page of the direct map, or NULL
 * @data: passed to @alloc_page
 * @levels: paging depth the tables are for: 4, or 5 with LA57
 * @gbpages: 1 GiB leaves are allowed
 * @top: the top-level table, allocated by the first ident_map_add()
 *
 * Only what a jump needs: 2 MiB and 1 GiB leaves, present, writable,
 * executable, not global, not user.
 */
struct ident_map {
	void *(*alloc_page)(void *data);
	void *data;
	unsigned int levels;
	bool gbpages;
	u64 *top;
};

#define IDENT_MAP_NONE	(~0ULL)

int ident_map_add(struct ident_map *map, u64 va, u64 pa, u64 size);
u64 ident_map_lookup(const struct ident_map *map, u64 va);
u64 ident_map_entry(const struct ident_map *map, u64 va, unsigned int *level);

/*
 * bzimage.c: the checks and the memory map of its loader.  The first
 * E820_MAX_ENTRIES_ZEROPAGE entries go in boot_params, the rest in a
 * SETUP_E820_EXT setup_data.
 */
struct kexec_e820 {
	struct boot_e820_entry table[E820_MAX_ENTRIES];
	unsigned int nr;
};

/* What the next kernel gets as setup_data, after boot_params. */
struct kexec_setup {
	const struct kexec_e820 *map;	/* entries past the zeropage's */
	const u8 *rng_seed;		/* KEXEC_RNG_SEED bytes, or NULL */
	u64 ima_addr, ima_size;		/* IMA's measurement list, or 0, 0 */
};

#define KEXEC_RNG_SEED		32
/* the most kexec_setup_data() writes */
#define KEXEC_SETUP_DATA_MAX	(3 * sizeof(struct setup_data) + \
				 (E820_MAX_ENTRIES - \
				  E820_MAX_ENTRIES_ZEROPAGE) * \
				 sizeof(struct boot_e820_entry) + 8 + \
				 KEXEC_RNG_SEED + 2 * sizeof(u64))

/* bzimage_check()'s @machine: the running kernel uses 5-level paging */
#define BZIMAGE_LA57		BIT(0)
/* ... it was booted by 32-bit EFI, which has runtime services */
#define BZIMAGE_EFI32		BIT(1)
const char *bzimage_check(const void *buf, unsigned long len,
			  unsigned int machine);
int kexec_e820_add(struct kexec_e820 *map, u64 addr, u64 size, u32 type);
int kexec_e820_finish(struct kexec_e820 *map);
u64 kexec_setup_data(void *buf, u64 phys, const struct kexec_setup *s);

/* handoff.c: where the loaded image's boot_params are, 0 for none */
void crash_handoff_set_boot_params(struct kimage *image, phys_addr_t params);
void crash_handoff_seal(struct kimage *image);

/* trampoline.S: leave through @pgd for @entry; see there. */
void crash_trampoline(u64 pgd, u64 entry, u64 boot_params, u64 stack,
		      u64 page, u64 head);
extern const u8 crash_trampoline_page[], crash_trampoline_page_end[];

#endif
