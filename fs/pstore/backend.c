// SPDX-License-Identifier: GPL-2.0
/*
 * pstore backends: registration of the backends that store records, and
 * reading what they hold into the filesystem.
 *
 * DOC: every backend at once
 *
 * A backend (ramoops, efi-pstore, ERST, ...) registers a struct
 * pstore_info with its name, the frontends it takes (PSTORE_FLAGS_*), a
 * staging buffer for crash records (@buf, @bufsize) and read/write/erase
 * callbacks.  Any number of backends register, and each gets the
 * frontends it asked for: the kernel log at crashes (dmesg.c: a crash
 * chain handler of its own per backend, with its own budget and receipt
 * line), the console (console.c: a console per backend), /dev/pmsg0
 * (pmsg_dev.c: a write goes to every backend that takes pmsg).  A
 * backend without frontend flags only shows its records (mtdoops').
 *
 * The order of the crash handlers is pstore.backends= (names, comma
 * separated; those not named follow in the order they registered), by
 * default ramoops first: it only writes memory, the others call firmware.
 * pstore.backend= (upstream's) takes one backend only.
 *
 * Records are read back when the filesystem is mounted, when a backend
 * registers, and after a crash record was written while the system runs
 * on.  pstore_backend_lock guards the list: registration, reading and
 * pmsg writes take it.  Nothing at crash time walks the list: each crash
 * handler and console knows its backend, and unregistering one returns
 * only once the chain, the console and the function tracer can no longer
 * be in it.
 */
#include <linux/crash_defer.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pstore.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "core.h"

/* A backend that never stops returning records is broken: stop reading. */
#define PSTORE_MAX_RECORDS	65536

LIST_HEAD(pstore_backends);
DEFINE_MUTEX(pstore_backend_lock);	/* guards pstore_backends */

static char *backend;

/*
 * Reading pstore.backend gives the backend asked for, or else the first
 * in the crash order, as upstream's gives the one in use (its selftests
 * name the files from it); "(null)" when none is registered.
 */
static int backend_get(char *buf, const struct kernel_param *kp)
{
	struct pstore_backend *b;
	int n;

	if (backend)
		return sysfs_emit(buf, "%s\n", backend);
	mutex_lock(&pstore_backend_lock);
	list_for_each_entry(b, &pstore_backends, node)
		if (b->psi->flags)	/* not one that only shows records */
			break;
	n = sysfs_emit(buf, "%s\n",
		       list_entry_is_head(b, &pstore_backends, node) ?
		       "(null)" : b->psi->name);
	mutex_unlock(&pstore_backend_lock);
	return n;
}

static const struct kernel_param_ops backend_ops = {
	.set = param_set_charp,
	.get = backend_get,
	.free = param_free_charp,
};
module_param_cb(backend, &backend_ops, &backend, 0444);
MODULE_PARM_DESC(backend, "the one backend to use, by name (default: all)");

static char *backends;
module_param(backends, charp, 0444);
MODULE_PARM_DESC(backends,
		 "the order crash records are written in, by backend name (default: ramoops first)");

/* Backends registered so far: their order when pstore.backends= is silent */
static unsigned int pstore_registrations;

/* Poll the backend for records something else wrote. */
static int pstore_update_ms = -1;
module_param_named(update_ms, pstore_update_ms, int, 0600);
MODULE_PARM_DESC(update_ms,
		 "milliseconds between re-reads of the backend (-1: never)");

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
		if (pstore_ftrace_decode(&rd->record) && !quiet)
			pr_warn("pstore: %s's function traces stay binary: no memory\n",
				psi->name);
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
	struct pstore_backend *b;

	list_for_each_entry(b, &pstore_backends, node)
		pstore_read_backend(b->psi, quiet);
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
	if (!psi->read) {
		pr_err("pstore: backend '%s' lacks read()\n", psi->name);
		return -EINVAL;
	}
	if (!psi->flags)
		return 0;	/* it only shows its records */
	if (!(psi->flags & (PSTORE_FLAGS_DMESG | PSTORE_FLAGS_CONSOLE |
			    PSTORE_FLAGS_FTRACE | PSTORE_FLAGS_PMSG))) {
		pr_err("pstore: backend '%s' takes no frontend\n", psi->name);
		return -EINVAL;
	}
	if (!psi->write) {
		pr_err("pstore: backend '%s' lacks write()\n", psi->name);
		return -EINVAL;
	}
	if ((psi->flags & PSTORE_FLAGS_DMESG) && (!psi->buf || !psi->bufsize)) {
		pr_err("pstore: backend '%s' takes crash records but has no buffer\n",
		       psi->name);
		return -EINVAL;
	}
	return 0;
}

/**
 * pstore_backend_rank() - a backend's place in the crash order
 * @order: pstore.backends=, names separated by commas, or NULL
 * @name: the backend's name
 * @registered: backends registered before it
 *
 * Return: its position in @order; after every name of @order, in the
 * order of registration, if @order does not name it; without @order,
 * ramoops first, then the others in the order of registration.
 */
int pstore_backend_rank(const char *order, const char *name,
			unsigned int registered)
{
	size_t len = strlen(name);
	unsigned int i = 0;
	const char *p;

	if (!order || !*order)
		return strcmp(name, "ramoops") ? 1 + registered : 0;
	for (p = order; *p; i++) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, name, len))
			return i;
		p += n;
		if (*p)
			p++;
	}
	return PSTORE_MAX_BACKENDS + registered;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_backend_rank);

/**
 * pstore_backend_dead() - whether the chain gave up on a backend's record
 * @b: the backend
 *
 * The abandoned frame of its dmesg or machine-check record may hold the
 * backend's locks: its console and pmsg stop writing to it too.
 *
 * Return: true once either faulted or was stopped.
 */
bool pstore_backend_dead(const struct pstore_backend *b)
{
	return crash_handler_dead(&b->dump) || crash_handler_dead(&b->mce);
}

static struct pstore_backend *pstore_find(const char *name)
{
	struct pstore_backend *b;

	list_for_each_entry(b, &pstore_backends, node)
		if (!strcmp(b->psi->name, name))
			return b;
	return NULL;
}

static bool pstore_any_flag(unsigned int flag)
{
	struct pstore_backend *b;

	list_for_each_entry(b, &pstore_backends, node)
		if (b->psi->flags & flag)
			return true;
	return false;
}

/* In crash order, which is also the order the records are read in. */
static void pstore_backend_add(struct pstore_backend *b)
{
	struct pstore_backend *pos;

	list_for_each_entry(pos, &pstore_backends, node) {
		if (pos->rank > b->rank) {
			list_add_tail(&b->node, &pos->node);
			return;
		}
	}
	list_add_tail(&b->node, &pstore_backends);
}

/**
 * pstore_register() - add a backend to the stores of crash records
 * @psi: the backend
 *
 * A backend with no frontend flags only shows its records in the
 * filesystem.
 *
 * Return: 0; -EINVAL for an incomplete backend; -EPERM if pstore.backend=
 * names another; -EBUSY if one of that name is registered; -ENOSPC past
 * PSTORE_MAX_BACKENDS; -ENOMEM.
 */
int pstore_register(struct pstore_info *psi)
{
	struct pstore_backend *b;
	unsigned int n = 0;
	bool first_pmsg;
	int ret;

	/* pstore.backend= picks among stores, not among record-only ones */
	if (backend && psi->flags && strcmp(backend, psi->name)) {
		pr_warn("pstore: ignoring backend '%s': pstore.backend=%s\n",
			psi->name, backend);
		return -EPERM;
	}
	ret = pstore_check_backend(psi);
	if (ret)
		return ret;

	mutex_lock(&pstore_backend_lock);
	list_for_each_entry(b, &pstore_backends, node)
		n++;
	if (pstore_find(psi->name)) {
		pr_warn("pstore: a backend named '%s' is registered already\n",
			psi->name);
		ret = -EBUSY;
		goto out;
	}
	if (n >= PSTORE_MAX_BACKENDS) {
		pr_err("pstore: no room for backend '%s': %u registered\n",
		       psi->name, n);
		ret = -ENOSPC;
		goto out;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		ret = -ENOMEM;
		goto out;
	}
	first_pmsg = !pstore_any_flag(PSTORE_FLAGS_PMSG);
	b->psi = psi;
	b->rank = pstore_backend_rank(backends, psi->name,
				      pstore_registrations++);
	if (!psi->write_user)
		psi->write_user = pstore_write_user_bounce;
	mutex_init(&psi->read_mutex);
	raw_spin_lock_init(&psi->buf_lock);

	if (psi->flags & PSTORE_FLAGS_DMESG) {
		ret = pstore_dmesg_register(b);
		if (ret) {
			kfree(b);
			goto out;
		}
	}
	pstore_backend_add(b);
	if (psi->flags & PSTORE_FLAGS_CONSOLE)
		pstore_console_register(b);
	if ((psi->flags & PSTORE_FLAGS_PMSG) && first_pmsg)
		pstore_pmsg_register();
	if ((psi->flags & PSTORE_FLAGS_FTRACE) &&
	    IS_ENABLED(CONFIG_PSTORE_FTRACE))
		pstore_ftrace_add(psi);
	else if (psi->flags & PSTORE_FLAGS_FTRACE)
		pr_info("pstore: backend '%s' keeps ftrace records, which this kernel does not write (CONFIG_PSTORE_FTRACE)\n",
			psi->name);
	pstore_read_backend(psi, false);
	if (pstore_update_ms >= 0)
		mod_timer(&pstore_timer,
			  jiffies + msecs_to_jiffies(pstore_update_ms));
	if (psi->flags)
		pr_info("pstore: registered %s as a persistent store backend (crash order %u)\n",
			psi->name, b->rank);
	else
		pr_info("pstore: showing the records of %s\n", psi->name);
out:
	mutex_unlock(&pstore_backend_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(pstore_register);

/**
 * pstore_unregister() - stop using a backend
 * @psi: the backend pstore_register() took
 *
 * Detaches its frontends and removes its files; the other backends go on.
 * Returns once no crash chain run, console or pmsg write can use it.
 */
void pstore_unregister(struct pstore_info *psi)
{
	struct pstore_backend *b;

	mutex_lock(&pstore_backend_lock);
	list_for_each_entry(b, &pstore_backends, node)
		if (b->psi == psi)
			break;
	if (list_entry_is_head(b, &pstore_backends, node)) {
		mutex_unlock(&pstore_backend_lock);
		return;
	}
	if (psi->flags & PSTORE_FLAGS_FTRACE)
		pstore_ftrace_del(psi);
	if (psi->flags & PSTORE_FLAGS_CONSOLE)
		pstore_console_unregister(b);
	list_del(&b->node);
	/* pmsg writes hold pstore_backend_lock: none can be using @b now */
	if ((psi->flags & PSTORE_FLAGS_PMSG) &&
	    !pstore_any_flag(PSTORE_FLAGS_PMSG))
		pstore_pmsg_unregister();
	if (psi->flags & PSTORE_FLAGS_DMESG)
		pstore_dmesg_unregister(b);
	if (list_empty(&pstore_backends))
		del_timer_sync(&pstore_timer);	/* its work takes our lock */
	mutex_unlock(&pstore_backend_lock);
	kfree(b);
	pstore_fs_remove_backend(psi);
}
EXPORT_SYMBOL_GPL(pstore_unregister);

static int __init pstore_init(void)
{
	int ret = pstore_fs_init();

	if (!ret) {
		crash_defer_add(&pstore_refresh_later);
		pstore_ftrace_init();
	}
	return ret;
}
late_initcall(pstore_init);

static void __exit pstore_exit(void)
{
	pstore_ftrace_exit();
	crash_defer_del(&pstore_refresh_later);
	pstore_fs_exit();
}
module_exit(pstore_exit);

MODULE_AUTHOR("The crash-diagnosis project");
MODULE_DESCRIPTION("Persistent store of crash records");
MODULE_LICENSE("GPL");
