// SPDX-License-Identifier: GPL-2.0
/*
 * Page tables for leaving this kernel: the physical memory the next kernel
 * or its purgatory touches, mapped virtual == physical, plus whatever the
 * caller needs to get from its own mapping into that one.  Built ahead of
 * time (at load), read only by the MMU at the jump.
 *
 * The walk is the same at every level: level 2 entries map 2 MiB, level 3
 * entries 1 GiB, levels 4 and 5 only point to tables.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/sizes.h>
#include <asm/page.h>
#include <asm/pgtable_types.h>
#include <kunit/visibility.h>

#include "handoff.h"

/* Never encrypted: the hand-off is not used when memory encryption is on */
#define TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
			 _PAGE_DIRTY)
#define LEAF_FLAGS	(TABLE_FLAGS | _PAGE_PSE)

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + 9 * (level - 1);
}

static unsigned int level_index(u64 va, unsigned int level)
{
	return (va >> level_shift(level)) & 511;
}

static u64 entry_addr(u64 entry)
{
	return entry & PTE_PFN_MASK;
}

/*
 * Map one leaf of 1 << level_shift(@leaf) bytes.  -EAGAIN: a 1 GiB leaf was
 * asked for where 2 MiB ones already are; the caller maps 2 MiB at a time.
 */
static int map_leaf(struct ident_map *map, u64 va, u64 pa, unsigned int leaf)
{
	u64 *table = map->top, *entry, size;
	unsigned int level;
	void *next;

	for (level = map->levels; level > leaf; level--) {
		entry = &table[level_index(va, level)];
		if (!(*entry & _PAGE_PRESENT)) {
			next = map->alloc_page(map->data);
			if (!next)
				return -ENOMEM;
			*entry = __pa(next) | TABLE_FLAGS;
		} else if (*entry & _PAGE_PSE) {
			/* A larger leaf is there: fine if it maps the same. */
			size = 1ULL << level_shift(level);
			return entry_addr(*entry) + (va & (size - 1)) == pa ?
				0 : -EEXIST;
		}
		table = __va(entry_addr(*entry));
	}
	entry = &table[level_index(va, leaf)];
	if (!(*entry & _PAGE_PRESENT)) {
		*entry = pa | LEAF_FLAGS;
		return 0;
	}
	if (!(*entry & _PAGE_PSE))
		return -EAGAIN;
	return entry_addr(*entry) == pa ? 0 : -EEXIST;
}

/**
 * ident_map_add() - map a range into the tables
 * @map: the tables
 * @va: first virtual address, 2 MiB aligned
 * @pa: first physical address, 2 MiB aligned; @va for an identity map
 * @size: bytes, a multiple of 2 MiB
 *
 * What is mapped already may be mapped again, to the same addresses.
 *
 * Return: 0; -EINVAL for unaligned arguments or a bad @map; -EEXIST if
 * part of the range is mapped elsewhere; -ENOMEM if a table page could
 * not be had (the range is then partly mapped).
 */
int ident_map_add(struct ident_map *map, u64 va, u64 pa, u64 size)
{
	unsigned int leaf;
	u64 step;
	int ret;

	if ((va | pa | size) & (SZ_2M - 1) || va + size < va ||
	    (map->levels != 4 && map->levels != 5))
		return -EINVAL;
	if (!map->top) {
		map->top = map->alloc_page(map->data);
		if (!map->top)
			return -ENOMEM;
	}
	while (size) {
		leaf = 2;
		if (map->gbpages && size >= SZ_1G && !((va | pa) & (SZ_1G - 1)))
			leaf = 3;
		step = 1ULL << level_shift(leaf);
		ret = map_leaf(map, va, pa, leaf);
		if (ret == -EAGAIN) {
			step = SZ_2M;
			ret = map_leaf(map, va, pa, 2);
		}
		if (ret)
			return ret;
		va += step;
		pa += step;
		size -= step;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ident_map_add);

/**
 * ident_map_entry() - the leaf entry that maps an address
 * @map: the tables
 * @va: the address
 * @level: set to the leaf's level (2: 2 MiB, 3: 1 GiB), if found
 *
 * Return: the entry, or 0 if @va is not mapped.
 */
u64 ident_map_entry(const struct ident_map *map, u64 va, unsigned int *level)
{
	const u64 *table = map->top;
	unsigned int l;
	u64 entry;

	for (l = map->levels; table && l >= 2; l--) {
		entry = table[level_index(va, l)];
		if (!(entry & _PAGE_PRESENT) || (l == 2 && !(entry & _PAGE_PSE)))
			return 0;
		if (l <= 3 && entry & _PAGE_PSE) {
			*level = l;
			return entry;
		}
		table = __va(entry_addr(entry));
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ident_map_entry);

/**
 * ident_map_lookup() - translate an address through the tables
 * @map: the tables
 * @va: the address
 *
 * Return: the physical address @va maps to, or IDENT_MAP_NONE.
 */
u64 ident_map_lookup(const struct ident_map *map, u64 va)
{
	unsigned int level;
	u64 entry = ident_map_entry(map, va, &level);

	if (!entry)
		return IDENT_MAP_NONE;
	return entry_addr(entry) + (va & ((1ULL << level_shift(level)) - 1));
}
EXPORT_SYMBOL_IF_KUNIT(ident_map_lookup);
