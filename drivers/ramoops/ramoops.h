/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ramoops: pstore records in a region of RAM that survives a reset.
 *
 * The region is cut into zones (layout.c): dmesg zones for crash records,
 * then one zone each for the console, user messages (pmsg) and ftrace.
 * Each zone has a header and, with ECC, Reed-Solomon parity (zone.c).
 * All the formats live here; see Documentation/admin-guide/crash/pstore.rst.
 */
#ifndef _DRIVERS_RAMOOPS_RAMOOPS_H
#define _DRIVERS_RAMOOPS_RAMOOPS_H

#include <linux/atomic.h>
#include <linux/pstore.h>
#include <linux/types.h>

struct rs_control;

enum ramoops_zone_type {
	RAMOOPS_ZONE_DMESG,
	RAMOOPS_ZONE_CONSOLE,
	RAMOOPS_ZONE_PMSG,
	RAMOOPS_ZONE_FTRACE,
	RAMOOPS_NR_ZONE_TYPES
};

/* What the parameters ask for, before any check. */
struct ramoops_params {
	u64 mem_size;
	u64 record_size;
	u64 console_size;
	u64 pmsg_size;
	u64 ftrace_size;
	unsigned int ftrace_zones;	/* the ftrace size split this many ways */
	unsigned int ecc_size;		/* parity bytes per block, 0: no ECC */
};

#define RAMOOPS_MAX_ZONES	256
/* ftrace zones, one per CPU at most */
#define RAMOOPS_MAX_FTRACE_ZONES	64

/* Where each zone is, as offsets into the region. */
struct ramoops_layout {
	unsigned int nr_dmesg;
	unsigned int nr_ftrace;		/* the last zones */
	unsigned int nr_zones;
	struct {
		enum ramoops_zone_type type;
		u64 offset;
		u64 size;
	} zone[RAMOOPS_MAX_ZONES];
};

int ramoops_layout(const struct ramoops_params *p, struct ramoops_layout *l,
		   const char **why);

/*
 * The zone header, little endian, at the start of every zone.  @crc is
 * the crc32 of the header with @crc zero: a header that does not check
 * out is garbage, or another layout, and the zone starts empty.
 */
#define RAMOOPS_MAGIC		0x314e5a52	/* "RZN1" */
#define RAMOOPS_HDR_COMPRESSED	BIT(0)
/* a dmesg zone holding a machine-check record (PSTORE_TYPE_MCE), not a log */
#define RAMOOPS_HDR_MCE		BIT(1)
#define RAMOOPS_HDR_FLAGS	(RAMOOPS_HDR_COMPRESSED | RAMOOPS_HDR_MCE)

struct ramoops_hdr {
	__le32 magic;
	u8 type;		/* enum ramoops_zone_type */
	u8 flags;		/* RAMOOPS_HDR_* */
	u8 reason;		/* dmesg: enum kmsg_dump_reason */
	u8 part;		/* dmesg: the record's part */
	__le32 size;		/* bytes of data in the zone */
	__le32 start;		/* rings: where the next byte goes */
	__le64 time_ns;		/* dmesg: wall clock when written */
	__le32 count;		/* dmesg: the crash's number this boot */
	__le32 data_crc;	/* dmesg: crc32 of the data */
	__le32 seq;		/* dmesg: write order, across boots */
	__le32 crc;
} __packed;

/* A header decoded and checked against its zone. */
struct ramoops_hdr_info {
	enum ramoops_zone_type type;
	bool compressed;
	bool mce;
	u8 reason;
	u8 part;
	u32 size;
	u32 start;
	u64 time_ns;
	u32 count;
	u32 data_crc;
	u32 seq;
};

void ramoops_hdr_encode(struct ramoops_hdr *h, const struct ramoops_hdr_info *i);
int ramoops_hdr_decode(const struct ramoops_hdr *h, u32 data_size,
		       enum ramoops_zone_type type, struct ramoops_hdr_info *i,
		       const char **why);

#define RAMOOPS_ECC_BLOCK	128
#define RAMOOPS_ECC_SYMSIZE	8
#define RAMOOPS_ECC_POLY	0x11d
#define RAMOOPS_ECC_DEFAULT	16
#define RAMOOPS_ECC_MAX		64

/* One zone, mapped: header, its parity, data, the data's parity. */
struct ramoops_zone {
	enum ramoops_zone_type type;
	void *mem;			/* the zone's first byte */
	size_t size;
	struct ramoops_hdr_info hdr;	/* what the header says now */
	u8 *data;
	size_t data_size;
	unsigned int ecc_size;		/* 0: no ECC */
	unsigned int nr_blocks;
	u8 *hdr_par;
	u8 *data_par;
	struct rs_control *rs;
	/* what the boot-time check found */
	bool valid;
	int corrected;			/* bytes ECC repaired */
	int bad_blocks;			/* blocks beyond repair */
	bool crc_bad;
	atomic_t busy;			/* ftrace: a write is under way */
	size_t ftrace_pos;		/* ftrace: where the next record goes */
};

int ramoops_zone_init(struct ramoops_zone *z, enum ramoops_zone_type type,
		      void *mem, size_t size, unsigned int ecc_size,
		      struct rs_control *rs);
int ramoops_zone_check(struct ramoops_zone *z, const char **why);
void ramoops_zone_reset(struct ramoops_zone *z);
unsigned int ramoops_pick_zone(const struct ramoops_zone *zones,
			       unsigned int n, u32 *seq);
int ramoops_zone_write_record(struct ramoops_zone *z, const void *buf,
			      size_t len, const struct ramoops_hdr_info *info);
size_t ramoops_zone_ring_write(struct ramoops_zone *z, const void *buf,
			       size_t len);
bool ramoops_zone_ftrace_write(struct ramoops_zone *z,
			       const struct pstore_ftrace_record *rec);
size_t ramoops_zone_ring_write_user(struct ramoops_zone *z,
				    const void __user *buf, size_t len);
size_t ramoops_zone_copy_out(const struct ramoops_zone *z, void *buf,
			     size_t size);
int ramoops_zone_notice(const struct ramoops_zone *z, char *buf, size_t size);

#endif /* _DRIVERS_RAMOOPS_RAMOOPS_H */
