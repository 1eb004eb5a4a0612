// SPDX-License-Identifier: GPL-2.0
/*
 * The dmesg frontend: the kernel log, written to the backend by the crash
 * chain's persist stage; and a fatal machine check's records, written by
 * its capture stage.
 *
 * DOC: filling a crash record
 *
 * A record is a header line ("Panic#1 Part1") and the newest part of the
 * log.  Without compression that is as much of the log as the backend's
 * buffer holds.  With compression the log is written in segments (see
 * compress.c), newest first, each compressed on its own and placed from
 * the end of the buffer backwards, each sized by the ratio the one before
 * reached (a log is not uniform: a flood of one repeated line compresses
 * 30:1, the boot log 4:1, so the ratio of all so far misleads); one that
 * does not fit is retried smaller, and after PSTORE_FIT_MISSES misses in a
 * row the record is full.  So the work is reading and compressing what
 * the record keeps, not more: kmsg_dump reads the log backwards from its
 * newest record, and nothing is compressed twice but a segment that
 * missed.  Kernel logs compress about 7:1 with zstd, so a record keeps
 * several times the log a plain record of the same size would.  And most
 * of that log was compressed before the crash (see ahead.c): the record
 * compresses only the log newer than the newest chunk compressed ahead,
 * then takes the chunks before it as they are while they fit.
 *
 * Each backend has a handler of its own ("pstore:<name>"), so one that
 * fails, faults or runs past its budget costs only its own record.  This
 * runs from the crash chain, at a panic with interrupts off, maybe in
 * NMI, and at an oops in the oopsing task: the backend's buffer lock is
 * only tried, never waited for, nothing is allocated (the buffers are
 * allocated at registration), and showing an oops record in the
 * filesystem is left to a timer.  If the chain abandons a backend's
 * handler (it faulted or ran past its budget), its console and pmsg
 * frontends stop writing to it for the rest of the boot.
 */
#include <linux/crash_chain.h>
#include <linux/kmsg_dump.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/pstore.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "core.h"

/* Segments in a row that did not fit, retried smaller: the record is full */
#define PSTORE_FIT_MISSES	3
/* Compressions for one record part, at most */
#define PSTORE_MAX_SEGS		64
/* No segment of less text than this */
#define PSTORE_SEG_MIN		256
/* Room for the header line's segment */
#define PSTORE_HEAD_SEG		128

unsigned long kmsg_bytes = CONFIG_PSTORE_DEFAULT_KMSG_BYTES;
EXPORT_SYMBOL_IF_KUNIT(kmsg_bytes);
/* 0444 as upstream: the mount option kmsg_bytes= changes it */
module_param(kmsg_bytes, ulong, 0444);
MODULE_PARM_DESC(kmsg_bytes,
		 "log bytes after which no further record parts are written");

static int pstore_max_reason = -1;
module_param_named(max_reason, pstore_max_reason, int, 0444);
MODULE_PARM_DESC(max_reason,
		 "most severe reason to write for (1 panic, 2 oops, ...; default: the backend's)");

/*
 * Fill @buf with a compressed record: the header line @head, then the
 * newest log that fits.  Returns the record's size, 0 if not even one
 * segment fits (the record is then written plain), or -ENODATA when the
 * log is all dumped.
 */
static ssize_t pstore_fill_compressed(struct pstore_backend *b,
				      struct kmsg_dump_iter *iter,
				      const char *head, size_t hlen,
				      char *buf, size_t size)
{
	size_t hs = sizeof(struct pstore_zhdr), end = size, text = 0;
	u64 ahead = pstore_ahead_end(), lower = iter->cur_seq;
	size_t want, room, len, zlen;
	struct kmsg_dump_iter before;
	u8 hseg[PSTORE_HEAD_SEG];
	int misses = 0, segs;
	bool got;
	ssize_t hn, n;

	hn = pstore_compress_seg(head, hlen, hseg, sizeof(hseg));
	if (hn < 0 || hs + hn >= size)
		return 0;
	if (ahead < lower || ahead > iter->next_seq)
		ahead = 0;
	/* 4:1 for the first segment, then the ratio of the one before */
	want = (size - hs - hn) * 4;
	for (segs = 0; misses < PSTORE_FIT_MISSES && segs < PSTORE_MAX_SEGS;
	     segs++) {
		room = end - hs - hn;
		n = pstore_ahead_take(iter, buf + hs + hn, room,
				      PSTORE_MAX_TEXT - hlen - text, &len,
				      &zlen);
		if (n > 0) {
			end -= n;
			text += len;
			misses = 0;
			want = div64_u64((u64)(room - n) * len, n) * 15 / 16;
			continue;
		}
		/* the rest of the room, sized by that chunk's ratio */
		if (n == -EFBIG && !misses)
			want = div64_u64((u64)len * room, zlen) * 7 / 8;
		want = min3(want, (size_t)PSTORE_SEG_TEXT,
			    PSTORE_MAX_TEXT - hlen - text);
		if (want < PSTORE_SEG_MIN)
			break;
		before = *iter;
		/* the log after the newest chunk compressed ahead, alone */
		if (iter->next_seq > ahead)
			iter->cur_seq = max(lower, ahead);
		got = kmsg_dump_get_buffer(iter, true, b->text, want, &len);
		iter->cur_seq = lower;
		if ((!got || !len) && iter->next_seq > ahead && ahead > lower) {
			ahead = 0;	/* that log is gone: read on */
			continue;
		}
		if (!got || !len) {
			if (!text)
				return -ENODATA;
			break;
		}
		n = pstore_compress_seg(b->text, len, b->zbuf,
					PSTORE_SEG_ROOM);
		if (n > 0 && n <= room) {
			end -= n;
			memcpy(buf + end, b->zbuf, n);
			text += len;
			misses = 0;
			/* the log nearby compresses like this one, roughly */
			want = div64_u64((u64)(room - n) * len, n) * 15 / 16;
			continue;
		}
		*iter = before;		/* these records go in a later part */
		if (n < 0 && n != -EFBIG)
			break;
		misses++;
		/* smaller by the overshoot, and a bit more */
		want = n > 0 ? div64_u64((u64)len * room, n) * 7 / 8 : len / 2;
	}
	if (!text)
		return 0;
	memcpy(buf + hs, hseg, hn);
	memmove(buf + hs + hn, buf + end, size - end);
	pstore_zhdr_init(buf, hlen + text);
	return hs + hn + size - end;
}

/* Write the record parts of one crash; the backend's buffer is held. */
static int pstore_write_parts(struct pstore_backend *b, const char *why,
			      enum kmsg_dump_reason reason)
{
	struct pstore_info *psi = b->psi;
	struct kmsg_dump_iter iter;
	unsigned long total = 0;
	unsigned int part;
	int ret = 0;

	kmsg_dump_rewind(&iter);
	for (part = 1; total < kmsg_bytes; part++) {
		struct pstore_record record;
		ssize_t len = 0;
		size_t hlen;

		pstore_record_init(&record, psi);
		record.type = PSTORE_TYPE_DMESG;
		record.count = b->oopscount;
		record.reason = reason;
		record.part = part;
		record.buf = psi->buf;

		if (b->text) {
			char head[48];

			hlen = scnprintf(head, sizeof(head), "%s#%d Part%u\n",
					 why, b->oopscount, part);
			len = pstore_fill_compressed(b, &iter, head, hlen,
						     psi->buf, psi->bufsize);
			if (len == -ENODATA)
				break;
			record.compressed = len > 0;
		}
		if (!record.compressed) {
			size_t loglen;

			hlen = scnprintf(psi->buf, psi->bufsize,
					 "%s#%d Part%u\n", why, b->oopscount,
					 part);
			if (!kmsg_dump_get_buffer(&iter, true, psi->buf + hlen,
						  psi->bufsize - hlen, &loglen) ||
			    !loglen)
				break;
			len = hlen + loglen;
		}
		record.size = len;
		ret = psi->write(&record);
		/* -ENOSPC after the first part: it keeps one part per crash */
		if (ret == -ENOSPC && part > 1)
			ret = 0;
		if (ret)
			break;
		total += len;
	}
	return ret;
}

static enum kmsg_dump_reason pstore_max(const struct pstore_info *psi)
{
	if (pstore_max_reason >= 0)
		return pstore_max_reason;
	return psi->max_reason ?: KMSG_DUMP_OOPS;
}

/* The persist-stage handler of one backend: its dmesg record. */
static int pstore_dump(struct crash_handler *h,
		       const struct crash_context *ctx)
{
	struct pstore_backend *b = container_of(h, struct pstore_backend, dump);
	const char *why = kmsg_dump_reason_str(ctx->reason);
	struct pstore_info *psi = b->psi;
	unsigned long flags;
	int ret;

	if (ctx->reason > pstore_max(psi))
		return CRASH_NOT_MINE;
	/*
	 * Every reason is a crash-time path (an oops too): the lock may be
	 * held by the code that crashed, or by a writer on a CPU the panic
	 * stopped.
	 */
	if (!raw_spin_trylock_irqsave(&psi->buf_lock, flags)) {
		pr_err("pstore: %s record skipped: backend %s is busy\n", why,
		       psi->name);
		return -EBUSY;
	}
	b->oopscount++;
	ret = pstore_write_parts(b, why, ctx->reason);
	raw_spin_unlock_irqrestore(&psi->buf_lock, flags);

	/* one line per crash, whatever the number of parts (a full store) */
	if (ret)
		pr_err("pstore: backend %s did not store the %s record: %d%s\n",
		       psi->name, why, ret, ret == -ENOSPC ? " (it is full)" : "");
	if (ctx->reason == KMSG_DUMP_OOPS)
		pstore_records_changed();
	return ret;
}

/*
 * A fatal machine check's records (the run's cause, crash_chain_cause())
 * as a record of their own, shown as mce-<backend>-<id>.  A capture
 * handler after stop-cpus: a machine check panics in NMI context, where
 * a run with kdump loaded hands off before the persist stage, so this
 * record is written even when the dmesg record is not.
 */
static int pstore_mce(struct crash_handler *h, const struct crash_context *ctx)
{
	struct pstore_backend *b = container_of(h, struct pstore_backend, mce);
	struct pstore_info *psi = b->psi;
	struct pstore_record record;
	unsigned long flags;
	ssize_t len;
	int ret;

	if (ctx->cause != CRASH_CAUSE_MCE || !ctx->cause_text)
		return CRASH_NOT_MINE;
	if (crash_handler_dead(&b->dump))
		return CRASH_IDLE;
	if (!raw_spin_trylock_irqsave(&psi->buf_lock, flags))
		return -EBUSY;
	len = strscpy(psi->buf, ctx->cause_text, psi->bufsize);
	pstore_record_init(&record, psi);
	record.type = PSTORE_TYPE_MCE;
	record.count = b->oopscount + 1;
	record.reason = KMSG_DUMP_PANIC;
	record.part = 1;
	record.buf = psi->buf;
	record.size = len < 0 ? psi->bufsize - 1 : len;
	ret = psi->write(&record);
	raw_spin_unlock_irqrestore(&psi->buf_lock, flags);
	/* a backend that takes no machine-check record */
	return ret == -EINVAL || ret == -EOPNOTSUPP ? CRASH_IDLE : ret;
}

static void pstore_free_buffers(struct pstore_backend *b)
{
	vfree(b->text);
	b->text = NULL;
	vfree(b->zbuf);
	b->zbuf = NULL;
}

/* Called under pstore_backend_lock, before @b is on the list. */
int pstore_dmesg_register(struct pstore_backend *b)
{
	struct pstore_info *psi = b->psi;
	int ret;

	pstore_compress_init();
	if (pstore_compress_enabled()) {
		b->text = vmalloc(PSTORE_SEG_TEXT);
		b->zbuf = vmalloc(PSTORE_SEG_ROOM);
		if (!b->text || !b->zbuf) {
			pr_warn("pstore: no memory to compress %s's records: they stay plain\n",
				psi->name);
			pstore_free_buffers(b);
		} else {
			pstore_ahead_start(psi->bufsize);
		}
	}
	b->dump = (struct crash_handler) {
		.stage = CRASH_STAGE_PERSIST,
		.priority = b->rank,
		.reasons = CRASH_REASONS_ALL,
		.run = pstore_dump,
	};
	snprintf(b->dump.name, sizeof(b->dump.name), "pstore:%s", psi->name);
	b->mce = (struct crash_handler) {
		.stage = CRASH_STAGE_CAPTURE,
		.priority = 50 + b->rank,	/* after stop-cpus */
		.reasons = CRASH_REASON(KMSG_DUMP_PANIC),
		.run = pstore_mce,
	};
	snprintf(b->mce.name, sizeof(b->mce.name), "pstore-mce:%s", psi->name);
	ret = crash_handler_register(&b->dump);
	if (!ret) {
		ret = crash_handler_register(&b->mce);
		if (ret)
			crash_handler_unregister(&b->dump);
	}
	if (ret)
		pstore_free_buffers(b);
	return ret;
}

/* Returns once no run can be in @b's handlers. */
void pstore_dmesg_unregister(struct pstore_backend *b)
{
	struct pstore_backend *other;

	crash_handler_unregister(&b->mce);
	crash_handler_unregister(&b->dump);
	pstore_free_buffers(b);
	list_for_each_entry(other, &pstore_backends, node)
		if (other->psi->flags & PSTORE_FLAGS_DMESG)
			return;
	pstore_compress_exit();
}
