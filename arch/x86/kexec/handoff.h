/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _X86_KEXEC_HANDOFF_H
#define _X86_KEXEC_HANDOFF_H

#include <linux/types.h>

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

/* trampoline.S: leave through @pgd for @entry; see there. */
void crash_trampoline(u64 pgd, u64 entry, u64 boot_params, u64 stack,
		      u64 identity);
extern const u8 crash_trampoline_identity[];

#endif
