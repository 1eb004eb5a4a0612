/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work a crash-time handler leaves for after an oops, queued for it from
 * a timer: see kernel/crash/defer.c.
 */
#ifndef _LINUX_CRASH_DEFER_H
#define _LINUX_CRASH_DEFER_H

#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/workqueue.h>

/**
 * struct crash_defer - a work item a crash-time handler may ask for
 * @work: queued within about a second of crash_defer()
 * @node: private
 * @pending: private
 */
struct crash_defer {
	struct work_struct work;
	struct list_head node;
	bool pending;
};

void crash_defer_add(struct crash_defer *d);
void crash_defer_del(struct crash_defer *d);

/**
 * crash_defer() - have @d's work queued soon; safe at crash time
 * @d: an item added with crash_defer_add()
 *
 * Takes no lock and queues nothing: sets a flag a timer looks at.
 */
static inline void crash_defer(struct crash_defer *d)
{
	WRITE_ONCE(d->pending, true);
}

#endif /* _LINUX_CRASH_DEFER_H */
