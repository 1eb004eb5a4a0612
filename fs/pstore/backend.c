// SPDX-License-Identifier: GPL-2.0
/*
 * pstore backends: registration of the one backend that stores records,
 * and reading what it holds into the filesystem.
 *
 * DOC: one backend at a time
 *
 * A backend (ramoops, efi-pstore, ...) registers a struct pstore_info
 * with its name, the frontends it takes (PSTORE_FLAGS_*), a staging
 * buffer for crash records (@buf, @bufsize) and read/write/erase
 * callbacks.  pstore takes the first backend that registers, or the one
 * pstore.backend= names, and attaches the frontends it asked for: the
 * kernel log at crashes (dmesg.c), the console (console.c), /dev/pmsg0
 * (pmsg.c).  Records are read back when the filesystem is mounted, when a
 * backend registers, and after a crash record was written while the
 * system runs on.
 */
#include <linux/crash_defer.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pstore.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "core.h"

/* A backend that never stops returning records is broken: stop reading. */
#define PSTORE_MAX_RECORDS	65536

struct pstore_info *psinfo;
EXPORT_SYMBOL_IF_KUNIT(psinfo);

/* Backends that take no frontend and only show their records. */
static struct pstore_info *pstore_shown[4];
DEFINE_MUTEX(pstore_backend_lock);	/* guards psinfo and registration */

static char *backend;
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "the backend to use, by name (default: the first)");

/* Poll the backend for records something else wrote. */
static int pstore_update_ms = -1;
module_param_named(update_ms, pstore_update_ms, int, 0600);
MODULE_PARM_DESC(update_ms,
		 "milliseconds between re-reads of the backend (-1: never)");

static bool backend_was_set;
static void pstore_poll(struct timer_list *unused);
static DEFINE_TIMER(pstore_timer, pstore_poll);
static void pstore_refresh(struct work_struct *work);
/* A record written at an oops is read back from a timer: see defer.c. */
static struct crash_defer pstore_refresh_later = {
	.work = __WORK_INITIALIZER(pstore_refresh_later.work, pstore_refresh),
};

void pstore_record_init(struct pstore_record *record, struct pstore_info *psi)
{
	memset(record, 0, sizeof(*record));
	record->psi = psi;
	/* safe at crash time: no lock, no sleeping */
	record->time = ns_to_timespec64(ktime_get_real_fast_ns());
}

/* A record read from the backend, waiting for its file. */
struct pstore_read {
	struct list_head node;
	struct pstore_record record;
};

/*
 * Read one backend's records into the filesystem; @quiet: do not log each
 * record's problems (periodic updates).
 *
 * Records already shown are skipped by pstore_fs_add().  The records are
 * read under the backend's read_mutex and given their files after it is
 * dropped: unlink takes the two locks the other way round.  If a record
 * is erased in between, the records read are dropped and read again
 * soon, so that the erased one does not come back as a file.  The caller
 * holds pstore_backend_lock, so that @psi cannot be unregistered (and
 * freed) under it.
 */
static void pstore_read_backend(struct pstore_info *psi, bool quiet)
{
	unsigned long erases = pstore_fs_erases();
	struct pstore_read *rd, *tmp;
	bool again = false;
	LIST_HEAD(records);
	int ret, n = 0;

	lockdep_assert_held(&pstore_backend_lock);
	if (!psi || !pstore_fs_mounted())
		return;

	mutex_lock(&psi->read_mutex);
	if (psi->open && psi->open(psi)) {
		mutex_unlock(&psi->read_mutex);
		return;
	}
	while (n++ < PSTORE_MAX_RECORDS) {
		rd = kzalloc(sizeof(*rd), GFP_KERNEL);
		if (!rd)
			break;
		pstore_record_init(&rd->record, psi);
		rd->record.size = psi->read(&rd->record);
		if (rd->record.size <= 0) {
			kvfree(rd->record.buf);
			kfree(rd);
			break;
		}
		list_add_tail(&rd->node, &records);
	}
	if (psi->close)
		psi->close(psi);
	mutex_unlock(&psi->read_mutex);

	list_for_each_entry_safe(rd, tmp, &records, node) {
		struct pstore_record *record;

		list_del(&rd->node);
		ret = pstore_decompress_record(&rd->record);
		if (ret == -EFBIG && !quiet)
			pr_warn("pstore: %s record %llu says it holds more than the %u bytes pstore writes: left compressed\n",
				psi->name, rd->record.id, PSTORE_MAX_TEXT);
		else if (ret && !quiet)
			pr_warn("pstore: %s record %llu stays compressed: %d\n",
				psi->name, rd->record.id, ret);
		record = kmemdup(&rd->record, sizeof(*record), GFP_KERNEL);
		ret = record ? pstore_fs_add(record, erases) : -ENOMEM;
		again |= ret == -EAGAIN;
		if (ret) {
			if (ret != -EEXIST && ret != -EAGAIN && !quiet)
				pr_err("pstore: cannot show %s record %llu: %d\n",
				       psi->name, rd->record.id, ret);
			kvfree(rd->record.buf);
			kfree(rd->record.priv);
			kfree(record);
		}
		kfree(rd);
	}
	if (again)
		pstore_records_changed();
}

static void pstore_read_all(bool quiet)
{
	int i;

	pstore_read_backend(psinfo, quiet);
	for (i = 0; i < ARRAY_SIZE(pstore_shown); i++)
		pstore_read_backend(pstore_shown[i], quiet);
}

/**
 * pstore_get_records() - read every backend's records into the filesystem
 * @quiet: do not log each record's problems (periodic updates)
 *
 * Takes pstore_backend_lock: the mount and the update timer's work race
 * pstore_unregister() otherwise.
 */
void pstore_get_records(bool quiet)
{
	mutex_lock(&pstore_backend_lock);
	pstore_read_all(quiet);
	mutex_unlock(&pstore_backend_lock);
}

static void pstore_refresh(struct work_struct *work)
{
	pstore_get_records(true);
}

/*
 * A crash record was written and the system runs on: show it within a
 * second.  Safe at crash time: it only sets a flag.
 */
void pstore_records_changed(void)
{
	crash_defer(&pstore_refresh_later);
}

static void pstore_poll(struct timer_list *unused)
{
	schedule_work(&pstore_refresh_later.work);
	if (pstore_update_ms >= 0)
		mod_timer(&pstore_timer,
			  jiffies + msecs_to_jiffies(pstore_update_ms));
}

/* A write_user() for backends that have none: through a bounce buffer. */
static int pstore_write_user_bounce(struct pstore_record *record,
				    const char __user *buf)
{
	int ret;

	if (record->size < 0)
		return -EINVAL;
	record->buf = vmemdup_user(buf, record->size);
	if (IS_ERR(record->buf)) {
		ret = PTR_ERR(record->buf);
		record->buf = NULL;
		return ret;
	}
	ret = record->psi->write(record);
	kvfree(record->buf);
	record->buf = NULL;
	return ret;
}

static int pstore_check_backend(struct pstore_info *psi)
{
	if (!psi->name || !psi->name[0]) {
		pr_err("pstore: a backend without a name cannot register\n");
		return -EINVAL;
	}
	if (!(psi->flags & (PSTORE_FLAGS_DMESG | PSTORE_FLAGS_CONSOLE |
			    PSTORE_FLAGS_FTRACE | PSTORE_FLAGS_PMSG))) {
		pr_err("pstore: backend '%s' takes no frontend\n", psi->name);
		return -EINVAL;
	}
	if (!psi->read || !psi->write) {
		pr_err("pstore: backend '%s' lacks read() or write()\n",
		       psi->name);
		return -EINVAL;
	}
	if ((psi->flags & PSTORE_FLAGS_DMESG) && (!psi->buf || !psi->bufsize)) {
		pr_err("pstore: backend '%s' takes crash records but has no buffer\n",
		       psi->name);
		return -EINVAL;
	}
	return 0;
}

/*
 * A backend with no frontend flags only shows records that something
 * else wrote (mtdoops's, say): any number may register beside the one
 * that takes the frontends.
 */
static int pstore_register_shown(struct pstore_info *psi)
{
	int i, ret = -ENOSPC;

	if (!psi->name || !psi->name[0] || !psi->read) {
		pr_err("pstore: a record-only backend needs a name and read()\n");
		return -EINVAL;
	}
	mutex_lock(&pstore_backend_lock);
	for (i = 0; i < ARRAY_SIZE(pstore_shown); i++) {
		if (!pstore_shown[i]) {
			mutex_init(&psi->read_mutex);
			raw_spin_lock_init(&psi->buf_lock);
			pstore_shown[i] = psi;
			pstore_read_backend(psi, false);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&pstore_backend_lock);
	if (ret) {
		pr_err("pstore: no room for backend '%s'\n", psi->name);
		return ret;
	}
	pr_info("pstore: showing the records of %s\n", psi->name);
	return 0;
}

/**
 * pstore_register() - make a backend the store of crash records
 * @psi: the backend
 *
 * A backend with no frontend flags only shows its records in the
 * filesystem; any number of those may register.
 *
 * Return: 0; -EINVAL for an incomplete backend; -EPERM if pstore.backend=
 * names another; -EBUSY if another backend is registered.
 */
int pstore_register(struct pstore_info *psi)
{
	int ret;

	if (!psi->flags)
		return pstore_register_shown(psi);

	if (backend && strcmp(backend, psi->name)) {
		pr_warn("pstore: ignoring backend '%s': pstore.backend=%s\n",
			psi->name, backend);
		return -EPERM;
	}
	ret = pstore_check_backend(psi);
	if (ret)
		return ret;

	mutex_lock(&pstore_backend_lock);
	if (psinfo) {
		pr_warn("pstore: backend '%s' already registered, ignoring '%s'\n",
			psinfo->name, psi->name);
		ret = -EBUSY;
		goto out;
	}
	if (!psi->write_user)
		psi->write_user = pstore_write_user_bounce;
	mutex_init(&psi->read_mutex);
	raw_spin_lock_init(&psi->buf_lock);

	if (psi->flags & PSTORE_FLAGS_DMESG) {
		ret = pstore_dmesg_register(psi);
		if (ret)
			goto out;
	}
	psinfo = psi;
	if (psi->flags & PSTORE_FLAGS_CONSOLE)
		pstore_console_register();
	if (psi->flags & PSTORE_FLAGS_PMSG)
		pstore_pmsg_register(psi);
	if (psi->flags & PSTORE_FLAGS_FTRACE)
		pr_info("pstore: backend '%s' keeps ftrace records, which this kernel does not write\n",
			psi->name);
	if (!backend) {
		backend = kstrdup(psi->name, GFP_KERNEL);
		backend_was_set = true;
	}
	pstore_read_all(false);
	if (pstore_update_ms >= 0)
		mod_timer(&pstore_timer,
			  jiffies + msecs_to_jiffies(pstore_update_ms));
	pr_info("pstore: registered %s as the persistent store backend\n",
		psi->name);
out:
	mutex_unlock(&pstore_backend_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(pstore_register);

/**
 * pstore_unregister() - stop using a backend
 * @psi: the backend pstore_register() took
 *
 * Detaches the frontends and removes the backend's files.
 */
void pstore_unregister(struct pstore_info *psi)
{
	int i;

	mutex_lock(&pstore_backend_lock);
	for (i = 0; i < ARRAY_SIZE(pstore_shown); i++) {
		if (pstore_shown[i] == psi) {
			pstore_shown[i] = NULL;
			mutex_unlock(&pstore_backend_lock);
			pstore_fs_remove_backend(psi);
			return;
		}
	}
	if (psinfo != psi) {
		mutex_unlock(&pstore_backend_lock);
		return;
	}
	if (psi->flags & PSTORE_FLAGS_PMSG)
		pstore_pmsg_unregister();
	if (psi->flags & PSTORE_FLAGS_CONSOLE)
		pstore_console_unregister();
	if (psi->flags & PSTORE_FLAGS_DMESG)
		pstore_dmesg_unregister();
	del_timer_sync(&pstore_timer);	/* its work takes our lock: it stays */
	psinfo = NULL;
	if (backend_was_set) {
		kfree(backend);
		backend = NULL;
		backend_was_set = false;
	}
	mutex_unlock(&pstore_backend_lock);
	pstore_fs_remove_backend(psi);
}
EXPORT_SYMBOL_GPL(pstore_unregister);

static int __init pstore_init(void)
{
	int ret = pstore_fs_init();

	if (!ret)
		crash_defer_add(&pstore_refresh_later);
	return ret;
}
late_initcall(pstore_init);

static void __exit pstore_exit(void)
{
	crash_defer_del(&pstore_refresh_later);
	pstore_fs_exit();
}
module_exit(pstore_exit);

MODULE_AUTHOR("The crash-diagnosis project");
MODULE_DESCRIPTION("Persistent store of crash records");
MODULE_LICENSE("GPL");
