// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg_dump: the kernel log for the persist stage of the crash chain.
 *
 * A dumper registered with kmsg_dump_register() is a persist-stage handler
 * of the crash chain that runs for every reason up to its max_reason.  Its
 * dump() callback reads the log with an iterator of its own, so several
 * dumpers, and several passes of one dumper, do not disturb each other.
 *
 * DOC: reading the log at crash time
 *
 * The records come from the printk ring buffer through three calls that
 * kernel/printk/ gives this file (printk_dump_first_seq(),
 * printk_dump_next_seq(), printk_dump_read()); nothing here sees the ring
 * buffer's layout.  The ring buffer is lockless: records may be added
 * while a dumper reads (on other CPUs during an oops, never during a
 * panic once the others are stopped), and old ones overwritten.  An
 * iterator therefore never trusts a sequence number to still exist: a
 * read moves on to the oldest record still there, and the range a dump
 * covers is fixed by kmsg_dump_rewind() (what was logged up to then).
 */
#include <linux/crash_chain.h>
#include <linux/kmsg_dump.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "../printk/internal.h"
#include "chain.h"
#include "kmsg.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "printk."

static bool always_kmsg_dump;
module_param_named(always_kmsg_dump, always_kmsg_dump, bool, 0644);
MODULE_PARM_DESC(always_kmsg_dump,
		 "dump for every reason, not only panics and oopses");

static const struct kmsg_log printk_log = {
	.first_seq = printk_dump_first_seq,
	.next_seq = printk_dump_next_seq,
	.read = printk_dump_read,
};

bool kmsg_log_get_line(const struct kmsg_log *log, struct kmsg_dump_iter *iter,
		       bool syslog, char *line, size_t size, size_t *len)
{
	u64 seq = max(iter->cur_seq, log->first_seq());
	size_t l = 0;
	bool ret = false;

	iter->cur_seq = seq;
	if ((!line || size) && log->read(&seq, syslog, line, size, &l)) {
		iter->cur_seq = seq + 1;
		ret = true;
	}
	if (len)
		*len = l;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmsg_log_get_line);

/*
 * kmsg_dump_get_buffer() walks back from the newest record, reading each
 * once: to the front of @buf, then moved behind the ones already taken at
 * its end, until one does not fit.  So the cost is what fits, not the
 * whole log behind it.  A record that cannot be read (overwritten, or its
 * text lost) is passed over.
 */
bool kmsg_log_get_buffer(const struct kmsg_log *log,
			 struct kmsg_dump_iter *iter, bool syslog, char *buf,
			 size_t size, size_t *len_out)
{
	u64 first, start, end, newest, seq, s;
	size_t len = 0, pos, l;
	bool ret = false;

	if (!buf || !size)
		goto out;

	first = max(iter->cur_seq, log->first_seq());
	seq = first;
	if (log->read(&seq, syslog, NULL, 0, &l))
		first = seq;
	iter->cur_seq = first;
	end = iter->next_seq;
	if (first >= end)
		goto out;

	/* taken records are at [pos, size - 1), a NUL after them */
	pos = size - 1;
	start = end;
	newest = end;
	for (seq = end; seq-- > first && pos > 1;) {
		s = seq;
		if (!log->read(&s, syslog, buf, pos, &l) || s != seq)
			continue;
		if (newest == end)
			newest = seq;
		/*
		 * Cut short, or dropped (printk drops a line that does not
		 * fit, and no record formats to nothing): it does not fit.
		 */
		if (!l || l + 1 >= pos)
			break;
		pos -= l;
		memmove(buf + pos, buf, l);
		start = seq;
	}
	if (start == end) {
		if (newest == end)
			goto out;	/* the records are all gone */
		/*
		 * Not even the newest record fits: hand out its beginning,
		 * rather than nothing at all forever as upstream did.
		 */
		start = newest;
		log->read(&start, syslog, buf, size, &len);
	} else {
		len = size - 1 - pos;
		memmove(buf, buf + pos, len);
		buf[len] = '\0';
	}
	iter->next_seq = start;
	ret = true;
out:
	if (len_out)
		*len_out = len;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmsg_log_get_buffer);

void kmsg_log_rewind(const struct kmsg_log *log, struct kmsg_dump_iter *iter)
{
	iter->cur_seq = log->first_seq();
	iter->next_seq = log->next_seq();
}
EXPORT_SYMBOL_IF_KUNIT(kmsg_log_rewind);

/**
 * kmsg_dump_get_line() - one record of the log, oldest first
 * @iter: the dumper's iterator (kmsg_dump_rewind() first)
 * @syslog: with the "<level>" prefix
 * @line: where to copy the record, or NULL for its length only
 * @size: size of @line
 * @len: bytes copied (or needed)
 *
 * Each call returns the record after the previous one, up to the newest.
 * A record longer than @line is truncated.
 *
 * Return: false when there is no record left.
 */
bool kmsg_dump_get_line(struct kmsg_dump_iter *iter, bool syslog,
			char *line, size_t size, size_t *len)
{
	return kmsg_log_get_line(&printk_log, iter, syslog, line, size, len);
}
EXPORT_SYMBOL_GPL(kmsg_dump_get_line);

/**
 * kmsg_dump_get_buffer() - as many of the newest records as fit
 * @iter: the dumper's iterator (kmsg_dump_rewind() first)
 * @syslog: with the "<level>" prefixes
 * @buf: where to copy the records
 * @size: size of @buf
 * @len_out: bytes copied
 *
 * Fills @buf with the newest records that fit, oldest of them first; the
 * next call returns the block of records just before those.  If even the
 * newest record is larger than @buf, its beginning is returned.
 *
 * Return: false when there is nothing left.
 */
bool kmsg_dump_get_buffer(struct kmsg_dump_iter *iter, bool syslog,
			  char *buf, size_t size, size_t *len_out)
{
	return kmsg_log_get_buffer(&printk_log, iter, syslog, buf, size,
				   len_out);
}
EXPORT_SYMBOL_GPL(kmsg_dump_get_buffer);

/**
 * kmsg_dump_rewind() - start an iterator over the whole log
 * @iter: the iterator
 *
 * The iterator covers what was logged until now and has not been cleared
 * with syslog's clear action; kmsg_dump_get_line() walks it forwards,
 * kmsg_dump_get_buffer() backwards.
 */
void kmsg_dump_rewind(struct kmsg_dump_iter *iter)
{
	kmsg_log_rewind(&printk_log, iter);
}
EXPORT_SYMBOL_GPL(kmsg_dump_rewind);

/**
 * kmsg_dump_reason_str() - a reason as upstream names it in records
 * @reason: the reason
 *
 * Return: "Panic", "Oops", "Emergency", "Shutdown" or "Unknown".
 */
const char *kmsg_dump_reason_str(enum kmsg_dump_reason reason)
{
	switch (reason) {
	case KMSG_DUMP_PANIC:
		return "Panic";
	case KMSG_DUMP_OOPS:
		return "Oops";
	case KMSG_DUMP_EMERG:
		return "Emergency";
	case KMSG_DUMP_SHUTDOWN:
		return "Shutdown";
	default:
		return "Unknown";
	}
}
EXPORT_SYMBOL_GPL(kmsg_dump_reason_str);

static enum kmsg_dump_reason kmsg_dumper_max(const struct kmsg_dumper *d)
{
	if (d->max_reason != KMSG_DUMP_UNDEF)
		return d->max_reason;
	return READ_ONCE(always_kmsg_dump) ? KMSG_DUMP_MAX : KMSG_DUMP_OOPS;
}

static int kmsg_dumper_run(struct crash_handler *h,
			   const struct crash_context *ctx)
{
	struct kmsg_dumper *d = container_of(h, struct kmsg_dumper, handler);
	struct kmsg_dump_detail detail = {
		.reason = ctx->reason,
		.description = ctx->desc,
	};

	if (ctx->reason > kmsg_dumper_max(d))
		return CRASH_NOT_MINE;
	d->dump(d, &detail);
	return 0;
}

/**
 * kmsg_dump_register() - add a log dumper to the crash chain
 * @dumper: the dumper, with dump() set and max_reason chosen
 *
 * The dumper becomes a persist-stage handler, named after its dump()
 * function in the chain's receipt, that runs for every reason up to
 * max_reason (KMSG_DUMP_UNDEF: up to oopses, or all with
 * printk.always_kmsg_dump).
 *
 * Return: 0, -EINVAL without dump(), -EBUSY if already registered.
 */
int kmsg_dump_register(struct kmsg_dumper *dumper)
{
	struct crash_handler *h = &dumper->handler;
	int ret;

	if (!dumper->dump)
		return -EINVAL;
	if (dumper->registered)
		return -EBUSY;
	/* the dump function's name, without a module's " [name]" */
	snprintf(h->name, sizeof(h->name), "%ps", dumper->dump);
	h->name[strcspn(h->name, " ")] = '\0';
	h->stage = CRASH_STAGE_PERSIST;
	h->priority = 0;
	h->reasons = CRASH_REASONS_ALL;
	h->run = kmsg_dumper_run;
	ret = crash_handler_register(h);
	if (!ret)
		dumper->registered = true;
	return ret;
}
EXPORT_SYMBOL_GPL(kmsg_dump_register);

/**
 * kmsg_dump_unregister() - remove a log dumper
 * @dumper: the dumper
 *
 * May sleep; returns once no run can be calling the dumper.
 *
 * Return: 0, or -EINVAL if it was not registered.
 */
int kmsg_dump_unregister(struct kmsg_dumper *dumper)
{
	if (!dumper->registered)
		return -EINVAL;
	crash_handler_unregister(&dumper->handler);
	dumper->registered = false;
	return 0;
}
EXPORT_SYMBOL_GPL(kmsg_dump_unregister);

/**
 * kmsg_dump_desc() - give the log to the dumpers
 * @reason: why
 * @desc: a description of the cause, or NULL
 *
 * Runs the persist stage of the crash chain for @reason: every dumper
 * whose max_reason covers it.  The crash entry points run the whole chain
 * instead; this is for code that only wants the log written.
 */
void kmsg_dump_desc(enum kmsg_dump_reason reason, const char *desc)
{
	crash_chain_run_stages(reason, desc, BIT(CRASH_STAGE_PERSIST));
}
EXPORT_SYMBOL_GPL(kmsg_dump_desc);
