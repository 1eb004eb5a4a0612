// SPDX-License-Identifier: GPL-2.0
/*
 * The mtdoops ring: record headers, slots over erase blocks, and finding
 * the newest record.  Pure functions, shared with the KUnit test.
 */
#include <linux/bitops.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/kmsg_dump.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "mtdoops.h"

static u32 mtdoops_hdr_crc(const struct mtdoops_hdr *h)
{
	struct mtdoops_hdr c = *h;

	c.crc = 0;
	return crc32_le(~0U, (const u8 *)&c, sizeof(c));
}

void mtdoops_hdr_encode(struct mtdoops_hdr *h, const struct mtdoops_rec *r)
{
	struct mtdoops_hdr n = {
		.magic = cpu_to_le32(MTDOOPS_MAGIC),
		.seq = cpu_to_le32(r->seq),
		.len = cpu_to_le32(r->len),
		.reason = r->reason,
		.flags = r->flags,
		.time_ns = cpu_to_le64(r->time_ns),
		.data_crc = cpu_to_le32(r->data_crc),
	};

	n.crc = cpu_to_le32(mtdoops_hdr_crc(&n));
	memcpy(h, &n, sizeof(n));
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_hdr_encode);

/**
 * mtdoops_hdr_decode() - what a slot holds, from its header
 * @h: the header as read from flash
 * @max_len: the most log a slot holds
 * @r: filled for a record
 *
 * Return: erased (all ones), a record, deleted (zero magic), or garbage:
 * anything else, including another layout and a damaged header.
 */
enum mtdoops_slot_state mtdoops_hdr_decode(const struct mtdoops_hdr *h,
					   u32 max_len, struct mtdoops_rec *r)
{
	if (!memchr_inv(h, 0xff, sizeof(*h)))
		return MTDOOPS_SLOT_ERASED;
	if (!h->magic)
		return MTDOOPS_SLOT_DELETED;
	if (le32_to_cpu(h->magic) != MTDOOPS_MAGIC ||
	    le32_to_cpu(h->crc) != mtdoops_hdr_crc(h) ||
	    le32_to_cpu(h->len) > max_len || !h->len ||
	    h->reason == KMSG_DUMP_UNDEF || h->reason >= KMSG_DUMP_MAX ||
	    h->flags & ~MTDOOPS_HDR_PANIC || h->reserved)
		return MTDOOPS_SLOT_GARBAGE;
	r->seq = le32_to_cpu(h->seq);
	r->len = le32_to_cpu(h->len);
	r->reason = h->reason;
	r->flags = h->flags;
	r->time_ns = le64_to_cpu(h->time_ns);
	r->data_crc = le32_to_cpu(h->data_crc);
	return MTDOOPS_SLOT_RECORD;
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_hdr_decode);

/**
 * mtdoops_geom_check() - can this device hold a ring of records
 * @g: its size, erase and write sizes, and the record size
 * @why: on error, what is wrong
 *
 * Return: 0 or -EINVAL.
 */
int mtdoops_geom_check(const struct mtdoops_geom *g, const char **why)
{
	*why = NULL;
	if (g->record_size <= sizeof(struct mtdoops_hdr))
		*why = "record_size is too small for a record header";
	else if (!g->writesize || g->record_size % g->writesize)
		*why = "record_size is not a multiple of the device's write size";
	else if (!g->erasesize || (g->erasesize % g->record_size &&
				   g->record_size % g->erasesize))
		*why = "record_size and the erase size do not divide each other";
	else if (g->size < 2ULL * max(g->record_size, g->erasesize))
		*why = "the device is too small for two records";
	return *why ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_geom_check);

unsigned int mtdoops_nr_slots(const struct mtdoops_geom *g)
{
	return div_u64(g->size, g->record_size);
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_nr_slots);

/* The erase blocks under a slot: [*start, *start + *len) in bytes. */
void mtdoops_slot_blocks(const struct mtdoops_geom *g, unsigned int slot,
			 u64 *start, u64 *len)
{
	u64 off = (u64)slot * g->record_size;
	u32 in_block;

	div_u64_rem(off, g->erasesize, &in_block);
	*start = off - in_block;
	*len = max(g->record_size, g->erasesize);
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_slot_blocks);

/* Whether the slot is the first of its erase block: written after an erase. */
bool mtdoops_slot_opens_block(const struct mtdoops_geom *g, unsigned int slot)
{
	u32 in_block;

	div_u64_rem((u64)slot * g->record_size, g->erasesize, &in_block);
	return !in_block;
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_slot_opens_block);

bool mtdoops_slot_usable(const struct mtdoops_geom *g, unsigned int slot)
{
	u64 start, len, b;

	if (slot >= mtdoops_nr_slots(g))
		return false;
	if (!g->bad)
		return true;
	mtdoops_slot_blocks(g, slot, &start, &len);
	for (b = div_u64(start, g->erasesize);
	     b < div_u64(start + len, g->erasesize); b++)
		if (test_bit(b, g->bad))
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_slot_usable);

/**
 * mtdoops_next_slot() - the usable slot after @slot, around the ring
 * @g: the geometry
 * @slot: where to start; the search starts after it
 *
 * Return: the slot, or -ENOSPC when no slot is usable.
 */
int mtdoops_next_slot(const struct mtdoops_geom *g, unsigned int slot)
{
	unsigned int n = mtdoops_nr_slots(g), i;

	for (i = 1; i <= n; i++) {
		unsigned int s = (slot + i) % n;

		if (mtdoops_slot_usable(g, s))
			return s;
	}
	return -ENOSPC;
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_next_slot);

void mtdoops_scan_init(struct mtdoops_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->newest = -1;
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_scan_init);

void mtdoops_scan_add(struct mtdoops_scan *s, unsigned int slot,
		      enum mtdoops_slot_state state,
		      const struct mtdoops_rec *r)
{
	switch (state) {
	case MTDOOPS_SLOT_ERASED:
		s->erased++;
		return;
	case MTDOOPS_SLOT_DELETED:
		s->deleted++;
		return;
	case MTDOOPS_SLOT_GARBAGE:
		s->garbage++;
		return;
	case MTDOOPS_SLOT_RECORD:
		break;
	}
	s->records++;
	/* serial arithmetic: the counter may have wrapped */
	if (s->newest < 0 || (s32)(r->seq - s->newest_seq) > 0) {
		s->newest = slot;
		s->newest_seq = r->seq;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mtdoops_scan_add);
