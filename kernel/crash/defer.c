// SPDX-License-Identifier: GPL-2.0
/*
 * Work that a crash-time handler leaves for after the crash.
 *
 * DOC: deferring work from a crash
 *
 * A handler that runs for an oops may have more to do once the system
 * runs on (write a record that needs a sleeping driver, show a new record
 * in a filesystem), but it must not queue work: queue_work() takes the
 * workqueue's pool lock, which the oopsing CPU may hold.  crash_defer()
 * only sets a flag, with WRITE_ONCE(); a deferrable timer, running once a
 * second while anything is registered, finds the flag and queues the
 * work from timer context.  The timer is deferrable, so an idle machine
 * is not woken for it.
 */
#include <linux/crash_defer.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/timer.h>

static LIST_HEAD(crash_deferred);
static DEFINE_MUTEX(crash_deferred_lock);	/* the list; never at crash time */
static void crash_defer_poll(struct timer_list *unused);
static DEFINE_TIMER(crash_defer_timer, crash_defer_poll);

static void crash_defer_poll(struct timer_list *unused)
{
	struct crash_defer *d;
	bool any = false;

	rcu_read_lock();
	list_for_each_entry_rcu(d, &crash_deferred, node) {
		any = true;
		/* pairs with WRITE_ONCE() in crash_defer() */
		if (READ_ONCE(d->pending)) {
			WRITE_ONCE(d->pending, false);
			schedule_work(&d->work);
		}
	}
	rcu_read_unlock();
	if (any)
		mod_timer(&crash_defer_timer, jiffies + HZ);
}

/**
 * crash_defer_add() - let crash_defer() queue a work item
 * @d: the item, its work initialized
 *
 * May sleep.
 */
void crash_defer_add(struct crash_defer *d)
{
	d->pending = false;
	mutex_lock(&crash_deferred_lock);
	list_add_rcu(&d->node, &crash_deferred);
	mutex_unlock(&crash_deferred_lock);
	mod_timer(&crash_defer_timer, jiffies + HZ);
}
EXPORT_SYMBOL_GPL(crash_defer_add);

/**
 * crash_defer_del() - stop deferring, and wait for a queued work item
 * @d: the item
 *
 * May sleep; the work is not queued again after this returns.
 */
void crash_defer_del(struct crash_defer *d)
{
	mutex_lock(&crash_deferred_lock);
	list_del_rcu(&d->node);
	mutex_unlock(&crash_deferred_lock);
	synchronize_rcu();
	cancel_work_sync(&d->work);
}
EXPORT_SYMBOL_GPL(crash_defer_del);
