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
 * buffer holds.  With compression, pstore looks for the largest tail of
 * the log whose compressed form fits: it starts from PSTORE_MAX_RATIO
 * times the buffer, and shrinks the tail by what the last attempt
 * overshot until it fits (three attempts, then it falls back to plain
 * text).  Kernel logs compress about 7:1 with zstd, so a record keeps
 * several times the log a plain record of the same size would.
 *
 * This runs from the crash chain, at a panic with interrupts off, maybe
 * in NMI, and at an oops in the oopsing task: the backend's buffer lock
 * is only tried, never waited for, nothing is allocated (the buffers are
 * allocated at registration), and showing an oops record in the
 * filesystem is left to a timer.  If the chain abandons pstore_dump()
 * (it faulted or ran past its budget), the console and pmsg frontends
 * stop writing to the backend for the rest of the boot.
 */
#include <linux/crash_chain.h>
#include <linux/kmsg_dump.h>
#include <linux/moduleparam.h>
#include <linux/pstore.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "core.h"

/* The most uncompressed log tried per compressed record, in buffers. */
#define PSTORE_MAX_RATIO	8UL
#define PSTORE_FIT_TRIES	4

unsigned long kmsg_bytes = CONFIG_PSTORE_DEFAULT_KMSG_BYTES;
/* 0444 as upstream: the mount option kmsg_bytes= changes it */
module_param(kmsg_bytes, ulong, 0444);
MODULE_PARM_DESC(kmsg_bytes,
		 "log bytes after which no further record parts are written");

static int pstore_max_reason = -1;
module_param_named(max_reason, pstore_max_reason, int, 0444);
MODULE_PARM_DESC(max_reason,
		 "most severe reason to write for (1 panic, 2 oops, ...; default: the backend's)");

static struct kmsg_dumper pstore_dumper;
static char *pstore_text;	/* header and log, to compress */
static size_t pstore_text_size;
static char *pstore_zbuf;	/* compressed, up to twice the record */
static size_t pstore_zbuf_size;
static int pstore_oopscount;

/*
 * Compress the header in pstore_text and the newest log that fits into
 * @buf.  Returns the record's size, 0 if it does not work out (then the
 * record is written plain), or -ENODATA when the log is all dumped.
 */
static ssize_t pstore_fill_compressed(struct kmsg_dump_iter *iter, size_t hlen,
				      char *buf, size_t size)
{
	struct kmsg_dump_iter start = *iter;
	size_t want = pstore_text_size, len;
	ssize_t zlen;
	int i;

	for (i = 0; i < PSTORE_FIT_TRIES; i++) {
		*iter = start;
		if (!kmsg_dump_get_buffer(iter, true, pstore_text + hlen,
					  want - hlen, &len) || !len)
			return -ENODATA;
		zlen = pstore_compress(pstore_text, hlen + len, pstore_zbuf,
				       pstore_zbuf_size);
		if (zlen > 0 && zlen <= size) {
			memcpy(buf, pstore_zbuf, zlen);
			return zlen;
		}
		if (zlen > 0)	/* shrink by the overshoot, and a bit more */
			want = (hlen + len) * size / zlen * 15 / 16;
		else if (zlen == -EFBIG)
			want /= 2;
		else
			break;
		if (want <= hlen)
			break;
	}
	*iter = start;
	return 0;
}

/* Write the record parts of one crash; the backend's buffer is held. */
static int pstore_write_parts(struct pstore_info *psi, const char *why,
			      struct kmsg_dump_detail *detail)
{
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
		record.count = pstore_oopscount;
		record.reason = detail->reason;
		record.part = part;
		record.buf = psi->buf;

		if (pstore_text) {
			hlen = scnprintf(pstore_text, pstore_text_size,
					 "%s#%d Part%u\n", why, pstore_oopscount,
					 part);
			len = pstore_fill_compressed(&iter, hlen, psi->buf,
						     psi->bufsize);
			if (len == -ENODATA)
				break;
			record.compressed = len > 0;
		}
		if (!record.compressed) {
			size_t loglen;

			hlen = scnprintf(psi->buf, psi->bufsize,
					 "%s#%d Part%u\n", why, pstore_oopscount,
					 part);
			if (!kmsg_dump_get_buffer(&iter, true, psi->buf + hlen,
						  psi->bufsize - hlen, &loglen) ||
			    !loglen)
				break;
			len = hlen + loglen;
		}
		record.size = len;
		ret = psi->write(&record);
		if (ret)
			break;
		total += len;
	}
	return ret;
}

static void pstore_dump(struct kmsg_dumper *dumper,
			struct kmsg_dump_detail *detail)
{
	struct pstore_info *psi = psinfo;
	const char *why = kmsg_dump_reason_str(detail->reason);
	unsigned long flags;
	int ret;

	if (!psi)
		return;
	/*
	 * Every reason is a crash-time path (an oops too): the lock may be
	 * held by the code that crashed, or by a writer on a CPU the panic
	 * stopped.
	 */
	if (!raw_spin_trylock_irqsave(&psi->buf_lock, flags)) {
		pr_err("pstore: %s record skipped: the backend is busy\n", why);
		return;
	}
	pstore_oopscount++;
	ret = pstore_write_parts(psi, why, detail);
	raw_spin_unlock_irqrestore(&psi->buf_lock, flags);

	/* -ENOSPC: the backend keeps one part per crash; not an error */
	if (ret && ret != -ENOSPC)
		pr_err_once("pstore: backend %s could not write a %s record: %d\n",
			    psi->name, why, ret);
	if (detail->reason == KMSG_DUMP_OOPS)
		pstore_records_changed();
}

/*
 * A fatal machine check's records (the run's cause, crash_chain_cause())
 * as a record of their own, shown as mce-<backend>-<id>.  A capture
 * handler after stop-cpus: a machine check panics in NMI context, where
 * a run with kdump loaded hands off before the persist stage, so this
 * record is written even when the dmesg record is not.
 */
static int pstore_mce_run(struct crash_handler *h,
			  const struct crash_context *ctx)
{
	struct pstore_info *psi = READ_ONCE(psinfo);
	struct pstore_record record;
	unsigned long flags;
	ssize_t len;
	int ret;

	if (ctx->cause != CRASH_CAUSE_MCE || !ctx->cause_text)
		return CRASH_NOT_MINE;
	if (!psi || crash_handler_dead(&pstore_dumper.handler))
		return CRASH_IDLE;
	if (!raw_spin_trylock_irqsave(&psi->buf_lock, flags))
		return -EBUSY;
	len = strscpy(psi->buf, ctx->cause_text, psi->bufsize);
	pstore_record_init(&record, psi);
	record.type = PSTORE_TYPE_MCE;
	record.count = pstore_oopscount + 1;
	record.reason = KMSG_DUMP_PANIC;
	record.part = 1;
	record.buf = psi->buf;
	record.size = len < 0 ? psi->bufsize - 1 : len;
	ret = psi->write(&record);
	raw_spin_unlock_irqrestore(&psi->buf_lock, flags);
	/* a backend that takes no machine-check record */
	return ret == -EINVAL || ret == -EOPNOTSUPP ? CRASH_IDLE : ret;
}

static struct crash_handler pstore_mce_handler = {
	.name = "pstore_mce",
	.stage = CRASH_STAGE_CAPTURE,
	.priority = 50,		/* after stop-cpus, before panic-print */
	.reasons = CRASH_REASON(KMSG_DUMP_PANIC),
	.run = pstore_mce_run,
};

/**
 * pstore_dmesg_dead() - whether the crash chain gave up on a crash record
 *
 * The abandoned frame of pstore_dump() or of the machine-check record
 * may hold the backend's locks: the other frontends stop writing to the
 * backend too.
 *
 * Return: true once either faulted or was stopped.
 */
bool pstore_dmesg_dead(void)
{
	return crash_handler_dead(&pstore_dumper.handler) ||
	       crash_handler_dead(&pstore_mce_handler);
}

static void pstore_free_buffers(void)
{
	vfree(pstore_text);
	pstore_text = NULL;
	vfree(pstore_zbuf);
	pstore_zbuf = NULL;
	pstore_compress_exit();
}

int pstore_dmesg_register(struct pstore_info *psi)
{
	int ret;

	pstore_text_size = clamp_t(size_t, psi->bufsize * PSTORE_MAX_RATIO,
				   SZ_4K, PSTORE_MAX_TEXT);
	pstore_zbuf_size = 2 * psi->bufsize + 64;
	if (pstore_compress_init(pstore_text_size) == 0 &&
	    pstore_compress_enabled()) {
		pstore_text = vmalloc(pstore_text_size);
		pstore_zbuf = vmalloc(pstore_zbuf_size);
		if (!pstore_text || !pstore_zbuf) {
			pr_warn("pstore: no memory for compression, records stay plain\n");
			pstore_free_buffers();
		}
	}
	pstore_dumper.dump = pstore_dump;
	pstore_dumper.max_reason = pstore_max_reason >= 0 ? pstore_max_reason :
							      psi->max_reason;
	ret = kmsg_dump_register(&pstore_dumper);
	if (ret) {
		pstore_free_buffers();
		return ret;
	}
	crash_handler_register(&pstore_mce_handler);
	return 0;
}

void pstore_dmesg_unregister(void)
{
	crash_handler_unregister(&pstore_mce_handler);
	kmsg_dump_unregister(&pstore_dumper);
	pstore_free_buffers();
}
