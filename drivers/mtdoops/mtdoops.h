/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mtdoops: crash records in a ring of slots on an MTD device.
 *
 * The device is cut into slots of record_size; each holds one record, a
 * header and the end of the kernel log.  The newest record is the one
 * with the highest sequence number (in serial arithmetic, so the counter
 * may wrap).  Slots in bad erase blocks are never used.
 * tools/testing/selftests/crash/mtdoops_decode.py reads the same format.
 */
#ifndef _DRIVERS_MTDOOPS_MTDOOPS_H
#define _DRIVERS_MTDOOPS_MTDOOPS_H

#include <linux/types.h>

#define MTDOOPS_MAGIC		0x314f544d	/* "MTO1" */
#define MTDOOPS_HDR_PANIC	BIT(0)		/* written by the panic path */

/*
 * At the start of each slot, little endian.  Erased flash reads all ones;
 * a record removed through pstore has its magic written to zero (flash
 * bits can be cleared without an erase).
 */
struct mtdoops_hdr {
	__le32 magic;
	__le32 seq;
	__le32 len;		/* bytes of log after the header */
	u8 reason;		/* enum kmsg_dump_reason */
	u8 flags;		/* MTDOOPS_HDR_* */
	__le16 reserved;
	__le64 time_ns;		/* wall clock when written */
	__le32 data_crc;	/* crc32 of the log */
	__le32 crc;		/* crc32 of this header with crc zero */
} __packed;

struct mtdoops_rec {
	u32 seq;
	u32 len;
	u8 reason;
	u8 flags;
	u64 time_ns;
	u32 data_crc;
};

enum mtdoops_slot_state {
	MTDOOPS_SLOT_ERASED,
	MTDOOPS_SLOT_RECORD,
	MTDOOPS_SLOT_DELETED,
	MTDOOPS_SLOT_GARBAGE,
};

void mtdoops_hdr_encode(struct mtdoops_hdr *h, const struct mtdoops_rec *r);
enum mtdoops_slot_state mtdoops_hdr_decode(const struct mtdoops_hdr *h,
					   u32 max_len,
					   struct mtdoops_rec *r);

/* The device as the ring sees it. */
struct mtdoops_geom {
	u64 size;
	u32 erasesize;
	u32 writesize;
	u32 record_size;
	const unsigned long *bad;	/* bad erase blocks, or NULL */
};

int mtdoops_geom_check(const struct mtdoops_geom *g, const char **why);
unsigned int mtdoops_nr_slots(const struct mtdoops_geom *g);
bool mtdoops_slot_usable(const struct mtdoops_geom *g, unsigned int slot);
int mtdoops_next_slot(const struct mtdoops_geom *g, unsigned int slot);
bool mtdoops_slot_opens_block(const struct mtdoops_geom *g, unsigned int slot);
void mtdoops_slot_blocks(const struct mtdoops_geom *g, unsigned int slot,
			 u64 *start, u64 *len);

/* What a scan of the slots found. */
struct mtdoops_scan {
	int newest;		/* slot of the newest record, or -1 */
	u32 newest_seq;
	unsigned int records, erased, deleted, garbage;
};

void mtdoops_scan_init(struct mtdoops_scan *s);
void mtdoops_scan_add(struct mtdoops_scan *s, unsigned int slot,
		      enum mtdoops_slot_state state,
		      const struct mtdoops_rec *r);

#endif /* _DRIVERS_MTDOOPS_MTDOOPS_H */
