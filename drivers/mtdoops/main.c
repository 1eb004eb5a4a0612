// SPDX-License-Identifier: GPL-2.0
/*
 * mtdoops: panic and oops records on an MTD device, for boards whose only
 * persistent storage is raw flash.
 *
 * DOC: how records reach the flash
 *
 * mtdoops is a kmsg dumper, so a persist-stage handler of the crash
 * chain.  An oops record is formatted at once and written later through
 * the normal MTD write path, which may sleep.  A panic record can
 * only be written through the device's panic write (mtd_panic_write()),
 * which polls instead of sleeping; a device without one is told about when
 * mtdoops attaches, and only oopses are recorded on it.
 *
 * Flash must be erased before it is written, and erasing takes too long
 * and sleeps, so it is never done at crash time: the slot the next record
 * goes to is erased ahead of need, when mtdoops attaches and after each
 * record it writes.
 *
 * The slot the next record goes to is published to the crash path by
 * @slot: NONE (none erased), READY (@next is erased; set with release
 * after @next was written) or BUSY.  A crash writer claims it with a
 * cmpxchg READY to BUSY, which orders its read of @next after the
 * release, and keeps it BUSY while it writes; the erase ahead only runs
 * on a slot nobody can claim (NONE, or BUSY for the oops record it is
 * writing), so a panic on another CPU can never write into a slot that is
 * being erased.  An oops record is formatted at crash time and written
 * by a work item that a timer queues (crash_defer()): the crash path
 * queues nothing itself.
 *
 * The records are also files in /sys/fs/pstore (dmesg-mtdoops-N):
 * mtdoops shows them through pstore as a record-only backend rather than
 * being pstore's backend, so that it works beside ramoops or efi-pstore
 * and keeps its own ring format.  Unlinking a file clears the record's
 * magic; the slot is reused after its next erase.
 */
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/crash_defer.h>
#include <linux/crc32.h>
#include <linux/kmsg_dump.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mtd/mtd.h>
#include <linux/mutex.h>
#include <linux/pstore.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "mtdoops.h"

static char mtddev[80];
module_param_string(mtddev, mtddev, sizeof(mtddev), 0400);
MODULE_PARM_DESC(mtddev, "the MTD device to use, by name or by index");

static ulong record_size = 4096;
module_param(record_size, ulong, 0400);
MODULE_PARM_DESC(record_size, "size of each record, a multiple of the write size");

static bool dump_oops = true;
module_param(dump_oops, bool, 0600);
MODULE_PARM_DESC(dump_oops, "record oopses too, not only panics (default)");

static struct mtdoops_context {
	struct mtd_info *mtd;
	struct mtdoops_geom geom;
	unsigned long *bad;
	bool panic_write;
	unsigned int next;		/* the slot the next record goes to */
	atomic_t slot;			/* enum mtdoops_claim of @next */
	u32 seq;			/* the next record's number */
	char *buf;			/* a record being written */
	struct crash_defer write_later;	/* writes an oops record in @buf */
	struct kmsg_dumper dumper;
	struct pstore_info pstore;
	unsigned int read_pos;
} cxt;

static DEFINE_MUTEX(mtdoops_lock);	/* attach, detach, ring moves */

enum mtdoops_claim {
	MTDOOPS_SLOT_NONE,	/* no slot erased: records are off */
	MTDOOPS_SLOT_READY,	/* @next is erased, free to claim */
	MTDOOPS_SLOT_BUSY,	/* a crash writer claimed it */
};

/* For a crash writer: own cxt.next, or there is no slot to write. */
static bool mtdoops_claim_slot(void)
{
	/* fully ordered: pairs with the release in mtdoops_prepare_next() */
	return atomic_cmpxchg(&cxt.slot, MTDOOPS_SLOT_READY,
			      MTDOOPS_SLOT_BUSY) == MTDOOPS_SLOT_READY;
}

static bool mtdoops_wanted(struct mtd_info *mtd)
{
	unsigned int index;

	if (!mtddev[0])
		return false;
	if (!kstrtouint(mtddev, 0, &index))
		return mtd->index == index;
	return !strcmp(mtd->name, mtddev);
}

static int mtdoops_read_hdr(unsigned int slot, struct mtdoops_hdr *h)
{
	size_t got;
	int ret = mtd_read(cxt.mtd, (u64)slot * record_size, sizeof(*h), &got,
			   (u8 *)h);

	if (mtd_is_bitflip(ret))
		ret = 0;
	return ret ?: (got == sizeof(*h) ? 0 : -EIO);
}

/* Erase the blocks under @slot; called outside the crash path only. */
static int mtdoops_erase_slot(unsigned int slot)
{
	struct erase_info ei = { };
	int ret;

	mtdoops_slot_blocks(&cxt.geom, slot, &ei.addr, &ei.len);
	ret = mtd_erase(cxt.mtd, &ei);
	if (ret == -EIO) {
		pr_err("mtdoops: %s: erase at 0x%llx failed: marking the block bad\n",
		       cxt.mtd->name, ei.fail_addr);
		mtd_block_markbad(cxt.mtd, ei.addr);
		set_bit(div_u64(ei.addr, cxt.geom.erasesize), cxt.bad);
	} else if (ret) {
		pr_err("mtdoops: %s: erase at 0x%llx failed: %d\n",
		       cxt.mtd->name, ei.addr, ret);
	}
	return ret;
}

/*
 * Make cxt.next a slot that can be written at any moment: erased.  A slot
 * that opens an erase block is erased; one inside a block was erased with
 * it, unless a record was deleted there, and then the ring moves on to
 * the next block.  Called with mtdoops_lock held and the slot NONE or
 * BUSY for us, so that no crash writer can claim it meanwhile.
 */
static void mtdoops_prepare_next(void)
{
	struct mtdoops_hdr h;
	int slot = cxt.next, tries = mtdoops_nr_slots(&cxt.geom);

	while (tries-- > 0 && slot >= 0) {
		if (mtdoops_slot_opens_block(&cxt.geom, slot)) {
			if (!mtdoops_erase_slot(slot))
				break;
		} else if (!mtdoops_read_hdr(slot, &h) &&
			   !memchr_inv(&h, 0xff, sizeof(h))) {
			break;
		}
		slot = mtdoops_next_slot(&cxt.geom, slot);
	}
	if (tries < 0 || slot < 0) {
		pr_err("mtdoops: %s: no slot can be erased: records are off\n",
		       cxt.mtd->name);
		atomic_set(&cxt.slot, MTDOOPS_SLOT_NONE);
		return;
	}
	if (!mtdoops_slot_usable(&cxt.geom, slot)) {
		atomic_set(&cxt.slot, MTDOOPS_SLOT_NONE);
		return;
	}
	WRITE_ONCE(cxt.next, slot);
	/* pairs with the cmpxchg in mtdoops_claim_slot() */
	atomic_set_release(&cxt.slot, MTDOOPS_SLOT_READY);
}

static void mtdoops_advance(void)
{
	int next = mtdoops_next_slot(&cxt.geom, cxt.next);

	cxt.seq++;
	if (next >= 0) {
		cxt.next = next;
		mtdoops_prepare_next();
	} else {
		atomic_set(&cxt.slot, MTDOOPS_SLOT_NONE);
	}
}

/* The oops record in cxt.buf, written where sleeping is allowed. */
static void mtdoops_work_write(struct work_struct *work)
{
	size_t done;
	int ret;

	mutex_lock(&mtdoops_lock);
	if (cxt.mtd && atomic_read(&cxt.slot) == MTDOOPS_SLOT_BUSY) {
		ret = mtd_write(cxt.mtd, (u64)cxt.next * record_size,
				record_size, &done, cxt.buf);
		if (ret || done != record_size) {
			pr_err("mtdoops: %s: writing slot %u failed: %d\n",
			       cxt.mtd->name, cxt.next, ret);
			/* still erased, or damaged: move on in both cases */
		}
		mtdoops_advance();
	}
	mutex_unlock(&mtdoops_lock);
}

static void mtdoops_dump(struct kmsg_dumper *dumper,
			 struct kmsg_dump_detail *detail)
{
	bool at_panic = detail->reason != KMSG_DUMP_OOPS;
	struct mtdoops_rec r = { .reason = detail->reason };
	struct kmsg_dump_iter iter;
	size_t len = 0, done;
	int ret;

	if (at_panic && !cxt.panic_write)
		return;		/* said so when attaching */
	if (!mtdoops_claim_slot()) {
		pr_err("mtdoops: no erased slot ready: this %s is not recorded\n",
		       kmsg_dump_reason_str(detail->reason));
		return;
	}

	kmsg_dump_rewind(&iter);
	kmsg_dump_get_buffer(&iter, true, cxt.buf + sizeof(struct mtdoops_hdr),
			     record_size - sizeof(struct mtdoops_hdr), &len);
	if (!len) {
		atomic_set_release(&cxt.slot, MTDOOPS_SLOT_READY);
		return;
	}
	memset(cxt.buf + sizeof(struct mtdoops_hdr) + len, 0xff,
	       record_size - sizeof(struct mtdoops_hdr) - len);
	r.seq = cxt.seq;
	r.len = len;
	r.flags = at_panic ? MTDOOPS_HDR_PANIC : 0;
	r.time_ns = ktime_get_real_fast_ns();
	r.data_crc = crc32_le(~0U, cxt.buf + sizeof(struct mtdoops_hdr), len);
	mtdoops_hdr_encode((struct mtdoops_hdr *)cxt.buf, &r);

	if (!at_panic) {
		crash_defer(&cxt.write_later);
		return;
	}
	/* the slot stays BUSY: nothing else is written in this boot */
	ret = mtd_panic_write(cxt.mtd, (u64)cxt.next * record_size,
			      record_size, &done, cxt.buf);
	if (ret || done != record_size)
		pr_err("mtdoops: %s: panic write of slot %u failed: %d\n",
		       cxt.mtd->name, cxt.next, ret);
}

static int mtdoops_pstore_open(struct pstore_info *psi)
{
	cxt.read_pos = 0;
	return 0;
}

static ssize_t mtdoops_read_record(unsigned int slot,
				   const struct mtdoops_rec *r,
				   struct pstore_record *record)
{
	static const char damaged[] =
		"\nmtdoops: this record does not match its checksum: it is damaged\n";
	size_t got;
	char *buf;
	int ret;

	buf = kvmalloc(r->len + sizeof(damaged), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = mtd_read(cxt.mtd, (u64)slot * record_size +
		       sizeof(struct mtdoops_hdr), r->len, &got, buf);
	if ((ret && !mtd_is_bitflip(ret)) || got != r->len) {
		kvfree(buf);
		return -EIO;
	}
	record->ecc_notice_size = 0;
	if (crc32_le(~0U, buf, r->len) != r->data_crc) {
		memcpy(buf + r->len, damaged, sizeof(damaged) - 1);
		record->ecc_notice_size = sizeof(damaged) - 1;
	}
	record->buf = buf;
	record->type = PSTORE_TYPE_DMESG;
	record->id = slot;
	record->count = r->seq;
	record->reason = r->reason;
	record->part = 1;
	record->time = ns_to_timespec64(r->time_ns);
	return r->len;
}

static ssize_t mtdoops_pstore_read(struct pstore_record *record)
{
	struct mtdoops_hdr h;
	struct mtdoops_rec r;
	ssize_t ret;

	mutex_lock(&mtdoops_lock);
	for (ret = 0; cxt.mtd && cxt.read_pos < mtdoops_nr_slots(&cxt.geom);) {
		unsigned int slot = cxt.read_pos++;

		if (!mtdoops_slot_usable(&cxt.geom, slot) ||
		    mtdoops_read_hdr(slot, &h) ||
		    mtdoops_hdr_decode(&h, record_size - sizeof(h), &r) !=
		    MTDOOPS_SLOT_RECORD)
			continue;
		ret = mtdoops_read_record(slot, &r, record);
		if (ret != -EIO)
			break;
	}
	mutex_unlock(&mtdoops_lock);
	return ret;
}

/* Unlinked in /sys/fs/pstore: clear the record's magic. */
static int mtdoops_pstore_erase(struct pstore_record *record)
{
	static const __le32 zero;
	size_t done;
	int ret = -ENODEV;

	mutex_lock(&mtdoops_lock);
	if (cxt.mtd && mtd_type_is_nand(cxt.mtd))
		ret = -EOPNOTSUPP;	/* NAND pages cannot be written twice */
	else if (cxt.mtd)
		ret = mtd_write(cxt.mtd, record->id * record_size,
				sizeof(zero), &done, (const u8 *)&zero);
	mutex_unlock(&mtdoops_lock);
	return ret;
}

/* Find the newest record, and where the next one goes. */
static void mtdoops_scan(void)
{
	unsigned int slot, n = mtdoops_nr_slots(&cxt.geom);
	struct mtdoops_scan scan;
	struct mtdoops_hdr h;
	struct mtdoops_rec r;

	mtdoops_scan_init(&scan);
	for (slot = 0; slot < n; slot++) {
		if (!mtdoops_slot_usable(&cxt.geom, slot))
			continue;
		if (mtdoops_read_hdr(slot, &h)) {
			scan.garbage++;
			continue;
		}
		mtdoops_scan_add(&scan, slot,
				 mtdoops_hdr_decode(&h, record_size - sizeof(h),
						    &r), &r);
	}
	if (scan.garbage)
		pr_err("mtdoops: %s: %u of %u slots hold no mtdoops record (garbage, or another layout): they will be overwritten\n",
		       cxt.mtd->name, scan.garbage, n);
	cxt.seq = scan.newest >= 0 ? scan.newest_seq + 1 : 1;
	cxt.next = scan.newest >= 0 ? scan.newest : n - 1;
	cxt.next = max(mtdoops_next_slot(&cxt.geom, cxt.next), 0);
	pr_info("mtdoops: %s: %u records in %u slots of %lu bytes; the newest is #%u in slot %d\n",
		cxt.mtd->name, scan.records, n, record_size, scan.newest_seq,
		scan.newest);
}

/* Called with mtdoops_lock held; true once attached. */
static bool mtdoops_attach(struct mtd_info *mtd)
{
	const char *why;
	u64 b, nr_blocks;

	cxt.geom = (struct mtdoops_geom){
		.size = mtd->size, .erasesize = mtd->erasesize,
		.writesize = mtd->writesize, .record_size = record_size,
	};
	if (mtdoops_geom_check(&cxt.geom, &why)) {
		pr_err("mtdoops: %s: %s (size 0x%llx, erase size 0x%x, write size 0x%x, record_size 0x%lx): not used\n",
		       mtd->name, why, mtd->size, mtd->erasesize,
		       mtd->writesize, record_size);
		return false;
	}
	nr_blocks = div_u64(mtd->size, mtd->erasesize);
	cxt.bad = bitmap_zalloc(nr_blocks, GFP_KERNEL);
	cxt.buf = vmalloc(record_size);
	if (!cxt.bad || !cxt.buf)
		goto fail;
	for (b = 0; b < nr_blocks; b++)
		if (mtd_block_isbad(mtd, b * mtd->erasesize) > 0)
			set_bit(b, cxt.bad);
	cxt.geom.bad = cxt.bad;
	cxt.mtd = mtd;
	cxt.panic_write = mtd_get_master(mtd)->_panic_write;
	mtdoops_scan();
	atomic_set(&cxt.slot, MTDOOPS_SLOT_NONE);
	mtdoops_prepare_next();

	cxt.dumper.dump = mtdoops_dump;
	cxt.dumper.max_reason = dump_oops ? KMSG_DUMP_OOPS : KMSG_DUMP_PANIC;
	if (kmsg_dump_register(&cxt.dumper)) {
		cxt.mtd = NULL;
		goto fail;
	}
	if (!cxt.panic_write)
		pr_warn("mtdoops: %s has no panic write: oopses will be recorded, panics cannot be\n",
			mtd->name);
	pr_info("mtdoops: attached to %s\n", mtd->name);
	return true;

fail:
	pr_err("mtdoops: %s: no memory: not used\n", mtd->name);
	bitmap_free(cxt.bad);
	vfree(cxt.buf);
	cxt.bad = NULL;
	cxt.buf = NULL;
	return false;
}

/* Show the records in /sys/fs/pstore; outside mtdoops_lock, as reading takes it. */
static void mtdoops_show_in_pstore(void)
{
	cxt.pstore = (struct pstore_info){
		.owner = THIS_MODULE, .name = "mtdoops",
		.open = mtdoops_pstore_open, .read = mtdoops_pstore_read,
		.erase = mtdoops_pstore_erase,
	};
	if (IS_REACHABLE(CONFIG_PSTORE) && pstore_register(&cxt.pstore))
		pr_warn("mtdoops: its records will not show in /sys/fs/pstore\n");
}

static void mtdoops_detach(void)
{
	if (IS_REACHABLE(CONFIG_PSTORE))
		pstore_unregister(&cxt.pstore);
	kmsg_dump_unregister(&cxt.dumper);
	/* a write still to come finds no device */
	mutex_lock(&mtdoops_lock);
	cxt.mtd = NULL;
	atomic_set(&cxt.slot, MTDOOPS_SLOT_NONE);
	mutex_unlock(&mtdoops_lock);
	bitmap_free(cxt.bad);
	vfree(cxt.buf);
	cxt.bad = NULL;
	cxt.buf = NULL;
}

static void mtdoops_notify_add(struct mtd_info *mtd)
{
	bool attached = false;

	if (!mtdoops_wanted(mtd))
		return;
	mutex_lock(&mtdoops_lock);
	if (cxt.mtd)
		pr_err("mtdoops: already on %s, not on %s\n", cxt.mtd->name,
		       mtd->name);
	else
		attached = mtdoops_attach(mtd);
	mutex_unlock(&mtdoops_lock);
	if (attached)
		mtdoops_show_in_pstore();
}

static void mtdoops_notify_remove(struct mtd_info *mtd)
{
	if (cxt.mtd != mtd)
		return;
	mtdoops_detach();
	pr_info("mtdoops: %s went away\n", mtd->name);
}

static struct mtd_notifier mtdoops_notifier = {
	.add = mtdoops_notify_add,
	.remove = mtdoops_notify_remove,
};

static int __init mtdoops_init(void)
{
	if (!mtddev[0]) {
		pr_info("mtdoops: no mtdoops.mtddev= given: not used\n");
		return 0;
	}
	/* the ring keeps it in 32 bits: 0x100001000 must not pass as 4 KiB */
	if (record_size > U32_MAX) {
		pr_err("mtdoops: record_size=%#lx is more than a record can be (4 GiB): not used\n",
		       record_size);
		mtddev[0] = '\0';
		return 0;
	}
	INIT_WORK(&cxt.write_later.work, mtdoops_work_write);
	crash_defer_add(&cxt.write_later);
	pr_info("mtdoops: waiting for MTD device %s\n", mtddev);
	register_mtd_user(&mtdoops_notifier);
	return 0;
}
module_init(mtdoops_init);

static void __exit mtdoops_exit(void)
{
	if (!mtddev[0])
		return;
	unregister_mtd_user(&mtdoops_notifier);
	crash_defer_del(&cxt.write_later);
}
module_exit(mtdoops_exit);

MODULE_DESCRIPTION("panic and oops records on an MTD device");
MODULE_LICENSE("GPL");
