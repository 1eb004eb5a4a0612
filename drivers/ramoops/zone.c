// SPDX-License-Identifier: GPL-2.0
/*
 * A ramoops zone: a header, data, and optional Reed-Solomon parity, in
 * RAM that survived a reset.
 *
 * DOC: zone format and crash-time rules
 *
 * A zone is laid out as
 *
 *	struct ramoops_hdr | header parity | data | parity of each data block
 *
 * with the parity parts empty without ECC.  A dmesg zone holds one crash
 * record: the header says its size, time, reason and whether it is
 * compressed or a machine check's records (RAMOOPS_HDR_MCE, plain text),
 * and carries a crc32 of the data.  The console and pmsg
 * zones are rings: @start is where the next byte goes, @size how many
 * bytes are valid.
 *
 * The memory cannot be trusted after a reset: a header is only believed
 * when its magic, crc32 and every field check out against the zone, and
 * then the data is checked (ECC repairs what it can, or the data crc
 * says the record is damaged).  A zone that does not check out starts
 * empty.
 *
 * Writes take no lock.  Each zone has one writer at a time by
 * construction: dmesg records are written under pstore's buffer lock,
 * console output under the console lock (or by the panicking CPU alone),
 * pmsg writes under pstore's backend lock.  An ftrace zone is written
 * from every function of the kernel, on any CPU and in any context: its
 * writer claims the zone with an atomic flag and drops its record when
 * another holds it.  A record's header is invalidated
 * before its data is written and rewritten last, so a crash in the middle
 * of a write leaves a zone that reads as empty, not as a wrong record.
 */
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kmsg_dump.h>
#include <linux/rslib.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "ramoops.h"

static u32 ramoops_hdr_crc(const struct ramoops_hdr *h)
{
	struct ramoops_hdr copy = *h;

	copy.crc = 0;
	return crc32_le(~0U, (const u8 *)&copy, sizeof(copy));
}

void ramoops_hdr_encode(struct ramoops_hdr *h, const struct ramoops_hdr_info *i)
{
	struct ramoops_hdr n = {
		.magic = cpu_to_le32(RAMOOPS_MAGIC),
		.type = i->type,
		.flags = (i->compressed ? RAMOOPS_HDR_COMPRESSED : 0) |
			 (i->mce ? RAMOOPS_HDR_MCE : 0),
		.reason = i->reason,
		.part = i->part,
		.size = cpu_to_le32(i->size),
		.start = cpu_to_le32(i->start),
		.time_ns = cpu_to_le64(i->time_ns),
		.count = cpu_to_le32(i->count),
		.data_crc = cpu_to_le32(i->data_crc),
		.seq = cpu_to_le32(i->seq),
	};

	n.crc = cpu_to_le32(ramoops_hdr_crc(&n));
	memcpy(h, &n, sizeof(n));
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_hdr_encode);

/**
 * ramoops_hdr_decode() - check and read a zone header
 * @h: the header as found in memory
 * @data_size: the data room of its zone
 * @type: the zone's type
 * @i: filled with what the header says
 * @why: on error, what is wrong with it
 *
 * Return: 0; -ENODATA for an all-zero header (a zone never written);
 * -EINVAL for anything that does not check out.
 */
int ramoops_hdr_decode(const struct ramoops_hdr *h, u32 data_size,
		       enum ramoops_zone_type type, struct ramoops_hdr_info *i,
		       const char **why)
{
	struct ramoops_hdr c;

	memcpy(&c, h, sizeof(c));
	*why = NULL;
	if (!memchr_inv(&c, 0, sizeof(c)))
		*why = "empty";
	else if (le32_to_cpu(c.magic) != RAMOOPS_MAGIC)
		*why = "no ramoops header (garbage, or another layout)";
	else if (le32_to_cpu(c.crc) != ramoops_hdr_crc(&c))
		*why = "header checksum mismatch";
	else if (c.type != type)
		*why = "header of another zone type";
	else if (c.flags & ~RAMOOPS_HDR_FLAGS)
		*why = "unknown header flags";
	else if ((c.flags & RAMOOPS_HDR_MCE) &&
		 (c.flags & RAMOOPS_HDR_COMPRESSED))
		*why = "a compressed machine-check record";
	else if (le32_to_cpu(c.size) > data_size)
		*why = "size larger than the zone";
	else if (type == RAMOOPS_ZONE_DMESG &&
		 (c.start || !c.size || c.reason == KMSG_DUMP_UNDEF ||
		  c.reason >= KMSG_DUMP_MAX || !c.part))
		*why = "crash record fields out of range";
	else if (type != RAMOOPS_ZONE_DMESG &&
		 (c.flags || le32_to_cpu(c.start) >= data_size ||
		  (le32_to_cpu(c.size) < data_size &&
		   le32_to_cpu(c.start) != le32_to_cpu(c.size))))
		*why = "ring position out of range";
	if (*why)
		return strcmp(*why, "empty") ? -EINVAL : -ENODATA;

	i->type = c.type;
	i->compressed = c.flags & RAMOOPS_HDR_COMPRESSED;
	i->mce = c.flags & RAMOOPS_HDR_MCE;
	i->reason = c.reason;
	i->part = c.part;
	i->size = le32_to_cpu(c.size);
	i->start = le32_to_cpu(c.start);
	i->time_ns = le64_to_cpu(c.time_ns);
	i->count = le32_to_cpu(c.count);
	i->data_crc = le32_to_cpu(c.data_crc);
	i->seq = le32_to_cpu(c.seq);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_hdr_decode);

static void ramoops_ecc_encode(const struct ramoops_zone *z, const u8 *data,
			       size_t len, u8 *par)
{
	u16 p[RAMOOPS_ECC_MAX] = { };
	unsigned int i;

	encode_rs8(z->rs, (u8 *)data, len, p, 0);
	for (i = 0; i < z->ecc_size; i++)
		par[i] = p[i];
}

/* Corrected symbols, or -EBADMSG; @data and @par are repaired in place. */
static int ramoops_ecc_decode(const struct ramoops_zone *z, u8 *data,
			      size_t len, u8 *par)
{
	u16 p[RAMOOPS_ECC_MAX];
	unsigned int i;
	int n;

	for (i = 0; i < z->ecc_size; i++)
		p[i] = par[i];
	n = decode_rs8(z->rs, data, p, len, NULL, 0, NULL, 0, NULL);
	if (n > 0)
		for (i = 0; i < z->ecc_size; i++)
			par[i] = p[i];
	return n;
}

static size_t ramoops_block_len(const struct ramoops_zone *z, unsigned int b)
{
	return min_t(size_t, RAMOOPS_ECC_BLOCK,
		     z->data_size - b * RAMOOPS_ECC_BLOCK);
}

/* Recompute the parity of the data blocks that [off, off + len) touches. */
static void ramoops_ecc_update(const struct ramoops_zone *z, size_t off,
			       size_t len)
{
	unsigned int b, last;

	if (!z->ecc_size || !len)
		return;
	last = (off + len - 1) / RAMOOPS_ECC_BLOCK;
	for (b = off / RAMOOPS_ECC_BLOCK; b <= last; b++)
		ramoops_ecc_encode(z, z->data + b * RAMOOPS_ECC_BLOCK,
				   ramoops_block_len(z, b),
				   z->data_par + b * z->ecc_size);
}

static void ramoops_hdr_store(struct ramoops_zone *z)
{
	ramoops_hdr_encode(z->mem, &z->hdr);
	if (z->ecc_size)
		ramoops_ecc_encode(z, z->mem, sizeof(struct ramoops_hdr),
				   z->hdr_par);
}

/**
 * ramoops_zone_init() - lay a zone out over its memory
 * @z: the zone
 * @type: what it holds
 * @mem: its memory, mapped
 * @size: its size
 * @ecc_size: parity bytes per 128-byte block, or 0
 * @rs: the Reed-Solomon codec for @ecc_size, or NULL
 *
 * Nothing is read or written yet.
 *
 * Return: 0, or -EINVAL if @size holds no data with this ECC.
 */
int ramoops_zone_init(struct ramoops_zone *z, enum ramoops_zone_type type,
		      void *mem, size_t size, unsigned int ecc_size,
		      struct rs_control *rs)
{
	size_t hs = sizeof(struct ramoops_hdr), avail, rem;
	size_t unit = RAMOOPS_ECC_BLOCK + ecc_size;

	memset(z, 0, sizeof(*z));
	if (size < hs + 2 * ecc_size + 1 || ecc_size > RAMOOPS_ECC_MAX ||
	    (ecc_size && !rs))
		return -EINVAL;
	z->type = type;
	z->mem = mem;
	z->size = size;
	z->ecc_size = ecc_size;
	z->rs = rs;
	z->hdr_par = (u8 *)mem + hs;
	z->data = z->hdr_par + ecc_size;
	avail = size - hs - ecc_size;
	if (ecc_size) {
		z->nr_blocks = avail / unit;
		rem = avail % unit;
		z->data_size = z->nr_blocks * RAMOOPS_ECC_BLOCK;
		if (rem > ecc_size) {
			z->data_size += rem - ecc_size;
			z->nr_blocks++;
		}
		z->data_par = z->data + z->data_size;
	} else {
		z->data_size = avail;
	}
	/* ftrace: whole records only, so that a full ring wraps between two */
	if (type == RAMOOPS_ZONE_FTRACE) {
		z->data_size = rounddown(z->data_size,
					 sizeof(struct pstore_ftrace_record));
		if (!z->data_size)
			return -EINVAL;
		if (ecc_size)
			z->nr_blocks = DIV_ROUND_UP(z->data_size,
						    RAMOOPS_ECC_BLOCK);
	}
	z->hdr.type = type;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_zone_init);

/* The bytes of data that hold something: [0, size) either way. */
static size_t ramoops_zone_used(const struct ramoops_zone *z)
{
	return z->hdr.size;
}

/**
 * ramoops_zone_check() - find out what a zone kept across the reset
 * @z: the zone, after ramoops_zone_init()
 * @why: what was wrong, when it returns an error
 *
 * Repairs what ECC can.  On success @z->valid is set and @z->corrected,
 * @z->bad_blocks and @z->crc_bad say how the data fared.
 *
 * Return: 0; -ENODATA for a zone never written; -EINVAL for a zone whose
 * header does not check out (it should be reset).
 */
int ramoops_zone_check(struct ramoops_zone *z, const char **why)
{
	size_t hs = sizeof(struct ramoops_hdr);
	unsigned int b, last;
	int n, ret;

	z->valid = false;
	z->corrected = 0;
	z->bad_blocks = 0;
	z->crc_bad = false;
	if (z->ecc_size && memchr_inv(z->mem, 0, hs)) {
		n = ramoops_ecc_decode(z, z->mem, hs, z->hdr_par);
		if (n < 0) {
			*why = "header corrupt beyond repair";
			return -EINVAL;
		}
		z->corrected += n;
	}
	ret = ramoops_hdr_decode(z->mem, z->data_size, z->type, &z->hdr, why);
	if (ret) {
		memset(&z->hdr, 0, sizeof(z->hdr));
		z->hdr.type = z->type;
		return ret;
	}
	z->valid = true;
	if (z->ecc_size && ramoops_zone_used(z)) {
		last = (ramoops_zone_used(z) - 1) / RAMOOPS_ECC_BLOCK;
		for (b = 0; b <= last; b++) {
			n = ramoops_ecc_decode(z, z->data + b * RAMOOPS_ECC_BLOCK,
					       ramoops_block_len(z, b),
					       z->data_par + b * z->ecc_size);
			if (n < 0)
				z->bad_blocks++;
			else
				z->corrected += n;
		}
	}
	if (z->type == RAMOOPS_ZONE_DMESG &&
	    crc32_le(~0U, z->data, z->hdr.size) != z->hdr.data_crc)
		z->crc_bad = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_zone_check);

/* Make the zone empty: a valid header with nothing in it. */
void ramoops_zone_reset(struct ramoops_zone *z)
{
	memset(&z->hdr, 0, sizeof(z->hdr));
	z->hdr.type = z->type;
	z->valid = false;
	z->corrected = 0;
	z->bad_blocks = 0;
	z->crc_bad = false;
	if (z->type == RAMOOPS_ZONE_DMESG) {
		memset(z->mem, 0, sizeof(struct ramoops_hdr) + z->ecc_size);
		return;
	}
	if (z->type == RAMOOPS_ZONE_FTRACE) {
		/* a ring of records, none written yet: see ftrace_write */
		memset(z->data, 0, z->data_size);
		z->hdr.size = z->data_size;
		z->ftrace_pos = 0;
	}
	ramoops_hdr_store(z);
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_zone_reset);

/**
 * ramoops_pick_zone() - the dmesg zone the next crash record goes to
 * @zones: the dmesg zones
 * @n: how many (at least one)
 * @seq: set to the sequence number the record gets
 *
 * An empty zone if there is one, else the one written longest ago by
 * sequence number, not by the wall clock: on a board without an RTC every
 * boot's clock starts near zero, and this boot's record would look older
 * than the last boot's.  Sequence numbers compare modulo 2^32.
 *
 * Return: the zone's index.
 */
unsigned int ramoops_pick_zone(const struct ramoops_zone *zones,
			       unsigned int n, u32 *seq)
{
	unsigned int i, empty = n, oldest = n, newest = n;

	for (i = 0; i < n; i++) {
		if (!zones[i].valid) {
			if (empty == n)
				empty = i;
			continue;
		}
		if (oldest == n ||
		    (s32)(zones[i].hdr.seq - zones[oldest].hdr.seq) < 0)
			oldest = i;
		if (newest == n ||
		    (s32)(zones[i].hdr.seq - zones[newest].hdr.seq) > 0)
			newest = i;
	}
	*seq = newest == n ? 1 : zones[newest].hdr.seq + 1;
	if (empty < n)
		return empty;
	return oldest == n ? 0 : oldest;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_pick_zone);

/**
 * ramoops_zone_write_record() - store a crash record in a dmesg zone
 * @z: the zone
 * @buf: the record
 * @len: its length; the part beyond the zone is dropped
 * @info: reason, part, count, time, sequence number and whether it is
 *	compressed
 *
 * Return: 0, or -EFBIG when a compressed record does not fit (a cut
 * compressed record is worth nothing).
 */
int ramoops_zone_write_record(struct ramoops_zone *z, const void *buf,
			      size_t len, const struct ramoops_hdr_info *info)
{
	if (len > z->data_size) {
		if (info->compressed)
			return -EFBIG;
		len = z->data_size;
	}
	/* invalid while the data is half written */
	memset(z->mem, 0, sizeof(struct ramoops_hdr));
	memcpy(z->data, buf, len);
	ramoops_ecc_update(z, 0, len);
	z->hdr = *info;
	z->hdr.type = RAMOOPS_ZONE_DMESG;
	z->hdr.size = len;
	z->hdr.start = 0;
	z->hdr.data_crc = crc32_le(~0U, z->data, len);
	ramoops_hdr_store(z);
	z->valid = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_zone_write_record);

/*
 * Append to a ring zone with @copy (a memcpy or a copy from user space);
 * only the tail of a write larger than the ring is kept.
 */
static size_t ramoops_ring_append(struct ramoops_zone *z, const void *buf,
				  size_t len,
				  size_t (*copy)(void *dst, const void *src,
						 size_t n))
{
	size_t pos = z->hdr.start, first, done;

	if (len > z->data_size) {
		buf += len - z->data_size;
		len = z->data_size;
	}
	first = min(len, z->data_size - pos);
	done = copy(z->data + pos, buf, first);
	if (done == first && len > first)
		done += copy(z->data, buf + first, len - first);
	ramoops_ecc_update(z, pos, min(done, first));
	if (done > first)
		ramoops_ecc_update(z, 0, done - first);
	z->hdr.start = (pos + done) % z->data_size;
	z->hdr.size = min_t(size_t, z->hdr.size + done, z->data_size);
	ramoops_hdr_store(z);
	return done;
}

static size_t ramoops_copy_kernel(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	return n;
}

static size_t ramoops_copy_user(void *dst, const void *src, size_t n)
{
	return n - copy_from_user(dst, (const void __user *)src, n);
}

size_t ramoops_zone_ring_write(struct ramoops_zone *z, const void *buf,
			       size_t len)
{
	return ramoops_ring_append(z, buf, len, ramoops_copy_kernel);
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_zone_ring_write);

/**
 * ramoops_zone_ftrace_write() - add a function-trace record to a zone
 * @z: an ftrace zone
 * @rec: the record
 *
 * For the ftrace frontend's callback, on every function call, in any
 * context: a write that finds the zone busy (another CPU's, or an NMI's
 * nested in this CPU's) drops its record rather than wait or mix the
 * two.  It only copies the record: the zone's header says, from its
 * reset on, that the whole ring is records (those never written are
 * zeroes, and their stamp of 0 marks them), so nothing else is written
 * per call, and the zone has no ECC.
 *
 * Return: true if the record was written.
 */
bool ramoops_zone_ftrace_write(struct ramoops_zone *z,
			       const struct pstore_ftrace_record *rec)
{
	size_t pos;

	if (atomic_cmpxchg_acquire(&z->busy, 0, 1))
		return false;
	pos = z->ftrace_pos;
	memcpy(z->data + pos, rec, sizeof(*rec));
	pos += sizeof(*rec);
	z->ftrace_pos = pos < z->data_size ? pos : 0;
	/* pairs with the acquire of the next writer */
	atomic_set_release(&z->busy, 0);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_zone_ftrace_write);

size_t ramoops_zone_ring_write_user(struct ramoops_zone *z,
				    const void __user *buf, size_t len)
{
	return ramoops_ring_append(z, (const void __force *)buf, len,
				   ramoops_copy_user);
}

/**
 * ramoops_zone_copy_out() - the zone's content, oldest byte first
 * @z: a checked zone
 * @buf: where to copy it
 * @size: room in @buf
 *
 * Return: bytes copied.
 */
size_t ramoops_zone_copy_out(const struct ramoops_zone *z, void *buf,
			     size_t size)
{
	size_t used = min_t(size_t, z->hdr.size, size), first;

	if (z->type == RAMOOPS_ZONE_DMESG || z->hdr.size < z->data_size) {
		memcpy(buf, z->data, used);
		return used;
	}
	/* a full ring: from where the next byte would go, around */
	first = min(used, z->data_size - z->hdr.start);
	memcpy(buf, z->data + z->hdr.start, first);
	memcpy(buf + first, z->data, used - first);
	return used;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_zone_copy_out);

/* The line appended to a record that says how its data fared. */
int ramoops_zone_notice(const struct ramoops_zone *z, char *buf, size_t size)
{
	if (z->ecc_size && (z->corrected || z->bad_blocks))
		return scnprintf(buf, size,
				 "\nECC: %d Corrected bytes, %d unrecoverable blocks\n",
				 z->corrected, z->bad_blocks);
	if (z->ecc_size)
		return scnprintf(buf, size, "\nECC: No errors detected\n");
	if (z->crc_bad)
		return scnprintf(buf, size,
				 "\nramoops: this record does not match its checksum: it is damaged\n");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_zone_notice);
