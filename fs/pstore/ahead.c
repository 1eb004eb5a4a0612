// SPDX-License-Identifier: GPL-2.0
/*
 * The log compressed ahead of a crash.
 *
 * DOC: compressing ahead
 *
 * Most of what a compressed crash record keeps was logged well before the
 * crash.  So a worker compresses the log as it grows, in chunks of whole
 * records and at most PSTORE_AHEAD_TEXT bytes of text, oldest first, into a
 * ring of about twice the largest dmesg record; at a crash, dmesg.c
 * compresses only the log newer than the newest chunk and copies the
 * chunks before it as they are, each a finished segment of the record.
 * The crash path's work is then the tail of the log, not all the record
 * keeps.  pstore.ahead=0 turns it off.
 *
 * The worker is deferrable work (it does not wake an idle CPU), run while
 * a dmesg backend compresses: every PSTORE_AHEAD_BUSY_MS while the log
 * grows, so that a crash after a burst of messages finds most of them
 * compressed, and every PSTORE_AHEAD_IDLE_MS once it does not.  It has a
 * workspace of its own: the crash path's stays free for the crash.
 *
 * A crash may stop the worker anywhere, on its CPU or another, and an oops
 * on another CPU may read the ring while the worker writes it.  So the
 * crash path takes no lock: a chunk's generation is odd while it is
 * written or its place in the ring reused; a reader copies a chunk whose
 * generation was even, and the same after the copy, and otherwise
 * compresses that log itself.  A chunk is used only where it continues
 * the record exactly (it ends where the record has got to), not where
 * syslog's clear leaves it out, and only if it was made with the
 * algorithm the record says.
 */
#include <linux/kmsg_dump.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "core.h"

#define PSTORE_AHEAD_BUSY_MS	20
#define PSTORE_AHEAD_IDLE_MS	500
/*
 * The text of a chunk: half a segment, so that the room a record has
 * left when the next chunk does not fit, which the crash path fills by
 * compressing, is half as large; zstd keeps 5% less log in 16 KiB pieces
 */
#define PSTORE_AHEAD_TEXT	SZ_16K

static bool ahead = true;
module_param(ahead, bool, 0444);
MODULE_PARM_DESC(ahead, "compress the log ahead of a crash (default: on)");

static struct pstore_ahead __rcu *pstore_ahead;
/* Orders the worker against start and stop */
static DEFINE_MUTEX(pstore_ahead_mutex);

static void pstore_ahead_run(struct work_struct *work);
static DECLARE_DEFERRABLE_WORK(pstore_ahead_work, pstore_ahead_run);

static void pstore_ahead_free(struct pstore_ahead *a)
{
	if (!a)
		return;
	vfree(a->ring);
	vfree(a->text);
	vfree(a->zbuf);
	kvfree(a->zwork);
	kfree(a);
}

/* Put a->zbuf's @size bytes in the ring, retiring the chunks it replaces. */
VISIBLE_IF_KUNIT void pstore_ahead_add(struct pstore_ahead *a, u64 first,
				       u64 next, size_t text, size_t size)
{
	unsigned int i = (a->newest + 1) % PSTORE_AHEAD_CHUNKS, j;
	u32 off = a->head + size > a->ring_size ? 0 : a->head;
	struct pstore_chunk *c;

	for (j = 0; j < PSTORE_AHEAD_CHUNKS; j++) {
		c = &a->chunk[j];
		if (!(c->gen & 1) &&
		    (j == i || (c->off < off + size && off < c->off + c->size)))
			WRITE_ONCE(c->gen, c->gen + 1);
	}
	smp_wmb();	/* retired before overwritten: pstore_ahead_take() */
	memcpy(a->ring + off, a->zbuf, size);
	c = &a->chunk[i];
	c->first_seq = first;
	c->next_seq = next;
	c->off = off;
	c->size = size;
	c->text = text;
	c->algo = pstore_compress_algo();
	smp_wmb();	/* whole before valid */
	WRITE_ONCE(c->gen, c->gen + 1);
	WRITE_ONCE(a->newest, i);
	a->head = off + size;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ahead_add);

/*
 * The text of the records from @iter's oldest on, whole records up to
 * PSTORE_AHEAD_TEXT bytes, into a->text.  Returns its length; -EAGAIN
 * when the log does not yet hold a whole chunk (or changed while it was
 * read); -E2BIG for a record larger than a chunk (hundreds of lines in
 * one printk), with @iter after it: the crash path compresses it.
 */
static ssize_t pstore_ahead_text(struct pstore_ahead *a,
				 struct kmsg_dump_iter *iter)
{
	struct kmsg_dump_iter peek;
	size_t len = 0, l;

	for (;;) {
		peek = *iter;
		if (!kmsg_dump_get_line(&peek, true, NULL, 0, &l))
			return -EAGAIN;
		/* as kmsg_dump_get_buffer() takes it: with room for a NUL */
		if (len + l + 1 > PSTORE_AHEAD_TEXT) {
			if (len)
				return len;
			*iter = peek;
			return -E2BIG;
		}
		/* the same record, not one that took its place meanwhile */
		if (!kmsg_dump_get_line(iter, true, a->text + len,
					PSTORE_AHEAD_TEXT - len, &l) ||
		    iter->cur_seq != peek.cur_seq || !l)
			return -EAGAIN;
		len += l;
	}
}

/* Compress the whole chunks the log has grown by; true if it grew. */
static bool pstore_ahead_fill(struct pstore_ahead *a)
{
	struct kmsg_dump_iter iter;
	ssize_t len, n;
	bool grew;
	u64 first;

	kmsg_dump_rewind(&iter);
	grew = iter.next_seq != a->seen;
	a->seen = iter.next_seq;
	for (;;) {
		first = max(a->next, iter.cur_seq);
		iter.cur_seq = first;
		len = pstore_ahead_text(a, &iter);
		if (len == -EAGAIN)
			return grew;
		/* a record too large is left to the crash path: a gap here */
		n = len < 0 ? 0 :
		    pstore_compress_seg_with(a->zwork, a->text, len, a->zbuf,
					     PSTORE_SEG_ROOM);
		if (n > 0 && n <= a->ring_size)
			pstore_ahead_add(a, first, iter.cur_seq, len, n);
		a->next = iter.cur_seq;
		cond_resched();
	}
}

static void pstore_ahead_run(struct work_struct *work)
{
	struct pstore_ahead *a;

	mutex_lock(&pstore_ahead_mutex);
	a = rcu_dereference_protected(pstore_ahead,
				      lockdep_is_held(&pstore_ahead_mutex));
	if (a)
		queue_delayed_work(system_unbound_wq, &pstore_ahead_work,
				   msecs_to_jiffies(pstore_ahead_fill(a) ?
						    PSTORE_AHEAD_BUSY_MS :
						    PSTORE_AHEAD_IDLE_MS));
	mutex_unlock(&pstore_ahead_mutex);
}

/**
 * pstore_ahead_start() - compress the log ahead for records of a size
 * @record_size: the bytes of a dmesg record of the backend registering
 *
 * Starts the worker, with a ring for twice @record_size, or a larger
 * ring if a backend with larger records comes.  Compression must be set
 * up; without memory, records are compressed at the crash only.  Called
 * under pstore_backend_lock.
 */
void pstore_ahead_start(size_t record_size)
{
	size_t ring = clamp_t(size_t, 2 * record_size, SZ_64K, SZ_1M);
	struct pstore_ahead *a, *old;
	bool enough;

	if (!ahead || !pstore_compress_enabled())
		return;
	mutex_lock(&pstore_ahead_mutex);
	old = rcu_dereference_protected(pstore_ahead,
					lockdep_is_held(&pstore_ahead_mutex));
	enough = old && old->ring_size >= ring;
	mutex_unlock(&pstore_ahead_mutex);
	if (enough)
		return;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return;
	memset(a->chunk, 0xff, sizeof(a->chunk));	/* odd: unused */
	a->newest = PSTORE_AHEAD_CHUNKS - 1;
	a->ring_size = ring;
	a->ring = vmalloc(ring);
	a->text = vmalloc(PSTORE_AHEAD_TEXT);
	a->zbuf = vmalloc(PSTORE_SEG_ROOM);
	a->zwork = pstore_zwork_alloc();
	if (!a->ring || !a->text || !a->zbuf || !a->zwork) {
		pstore_ahead_free(a);
		return;
	}
	pstore_ahead_stop();
	mutex_lock(&pstore_ahead_mutex);
	rcu_assign_pointer(pstore_ahead, a);
	mutex_unlock(&pstore_ahead_mutex);
	queue_delayed_work(system_unbound_wq, &pstore_ahead_work,
			   msecs_to_jiffies(PSTORE_AHEAD_BUSY_MS));
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ahead_start);

/**
 * pstore_ahead_stop() - stop compressing ahead and free the ring
 *
 * Returns once no crash chain run can be reading it.
 */
void pstore_ahead_stop(void)
{
	struct pstore_ahead *a;

	mutex_lock(&pstore_ahead_mutex);
	a = rcu_replace_pointer(pstore_ahead, NULL,
				lockdep_is_held(&pstore_ahead_mutex));
	mutex_unlock(&pstore_ahead_mutex);
	if (!a)
		return;
	cancel_delayed_work_sync(&pstore_ahead_work);
	synchronize_rcu();
	pstore_ahead_free(a);
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ahead_stop);

#if IS_ENABLED(CONFIG_KUNIT)
struct pstore_ahead *pstore_ahead_get(void)
{
	return rcu_dereference_protected(pstore_ahead, true);
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ahead_get);
#endif

/* Compress what the log has grown by now (for tests). */
void pstore_ahead_sync(void)
{
	struct pstore_ahead *a;

	mutex_lock(&pstore_ahead_mutex);
	a = rcu_dereference_protected(pstore_ahead,
				      lockdep_is_held(&pstore_ahead_mutex));
	if (a)
		pstore_ahead_fill(a);
	mutex_unlock(&pstore_ahead_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ahead_sync);

/**
 * pstore_ahead_end() - where the newest chunk ends in the log
 *
 * Return: the sequence number of the record after it; 0 if there is none.
 */
u64 pstore_ahead_end(void)
{
	struct pstore_ahead *a;
	struct pstore_chunk *c;
	unsigned long gen;
	u64 end = 0;

	rcu_read_lock();
	a = rcu_dereference(pstore_ahead);
	if (a) {
		c = &a->chunk[READ_ONCE(a->newest) % PSTORE_AHEAD_CHUNKS];
		gen = READ_ONCE(c->gen);
		smp_rmb();	/* pairs with the second in pstore_ahead_add() */
		end = READ_ONCE(c->next_seq);
		smp_rmb();	/* read before the generation is checked again */
		if ((gen & 1) || READ_ONCE(c->gen) != gen)
			end = 0;
	}
	rcu_read_unlock();
	return end;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ahead_end);

/**
 * pstore_ahead_take() - the chunk that ends where a record has got to
 * @iter: the record's iterator: the chunk must end at its newest end
 *	and not start before its oldest; moved back over the chunk's log
 * @dst: the room left in the record
 * @room: its bytes; the chunk's segment is copied to its end
 * @max_text: the most text the chunk may hold
 * @text: set to the text the chunk holds (also when it does not fit)
 * @size: set to the chunk's segment's bytes (also when it does not fit)
 *
 * For the crash path: takes no lock, allocates nothing.
 *
 * Return: the bytes copied; 0 if there is no such chunk, or it changed
 * while it was copied; -EFBIG if it does not fit in @room.
 */
ssize_t pstore_ahead_take(struct kmsg_dump_iter *iter, void *dst,
			  size_t room, size_t max_text, size_t *text,
			  size_t *size)
{
	struct pstore_ahead *a;
	struct pstore_chunk *c;
	ssize_t ret = 0;
	unsigned int i;

	rcu_read_lock();
	a = rcu_dereference(pstore_ahead);
	for (i = 0; a && i < PSTORE_AHEAD_CHUNKS; i++) {
		unsigned long gen = READ_ONCE(a->chunk[i].gen);
		u32 off, n;
		u64 first;

		c = &a->chunk[i];
		if (gen & 1)
			continue;
		smp_rmb();	/* pairs with the second in pstore_ahead_add() */
		if (READ_ONCE(c->next_seq) != iter->next_seq)
			continue;
		first = READ_ONCE(c->first_seq);
		off = READ_ONCE(c->off);
		n = READ_ONCE(c->size);
		*text = READ_ONCE(c->text);
		*size = n;
		if (first < iter->cur_seq || first >= iter->next_seq ||
		    READ_ONCE(c->algo) != pstore_compress_algo() ||
		    *text > max_text || !n || off > a->ring_size ||
		    n > a->ring_size - off)
			break;
		if (n > room) {
			ret = -EFBIG;
			break;
		}
		memcpy(dst + room - n, a->ring + off, n);
		smp_rmb();	/* pairs with the first in pstore_ahead_add() */
		if (READ_ONCE(c->gen) != gen)
			break;
		iter->next_seq = first;
		ret = n;
		break;
	}
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ahead_take);
