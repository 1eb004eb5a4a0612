// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace frontend: every kernel function call, with its caller, into
 * the backends that keep ftrace records (ramoops' ftrace zone), so that
 * after a reset without a panic (a hardware watchdog, a triple fault)
 * the last functions each CPU ran can be read as ftrace-<backend>-0.
 *
 * DOC: recording and reading function traces
 *
 * Recording is off at boot; pstore.record_ftrace=1 or writing 1 to
 * /sys/kernel/debug/pstore/record_ftrace turns it on, as upstream.  The
 * callback runs for every traced function, in any context: it takes no
 * lock, allocates nothing, and writes one struct pstore_ftrace_record
 * (upstream's layout: ip, parent ip, and a stamp with the CPU in its low
 * bits) to each backend that takes ftrace records.  A backend's ring
 * keeps the newest records; the stamp is a global sequence, so records
 * of several CPUs read back in the order they were made.
 *
 * Addresses in the kernel's own image are kept as offsets from _text:
 * with KASLR the next boot's kernel is elsewhere, and upstream's raw
 * addresses name the wrong functions there.  Offsets are told apart from
 * raw addresses (modules', which cannot be named after a reboot anyway)
 * by being below PSTORE_FTRACE_OFFSET_MAX.
 *
 * A backend registers or goes only with recording off: the list of
 * ftrace backends is changed after unregister_ftrace_function() has
 * waited for every callback to return.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pstore.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/sections.h>
#include <kunit/visibility.h>

#include "core.h"

/* Offsets from _text are below this; kernel addresses never are */
#define PSTORE_FTRACE_OFFSET_MAX	BIT(31)

static struct pstore_info *pstore_ftrace_psi[PSTORE_MAX_BACKENDS];
static unsigned int pstore_ftrace_nr;
static atomic64_t pstore_ftrace_seq;
static DEFINE_MUTEX(pstore_ftrace_lock);	/* recording and the list */
static bool pstore_ftrace_on;

static bool record_ftrace;
static int pstore_ftrace_set(bool on);

/* At boot, before any backend: remembered, started with the first one. */
static int record_ftrace_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	record_ftrace = on;
	if (!READ_ONCE(pstore_ftrace_nr))
		return 0;
	return pstore_ftrace_set(on);
}

static const struct kernel_param_ops record_ftrace_ops = {
	.set = record_ftrace_set,
	.get = param_get_bool,
};
module_param_cb(record_ftrace, &record_ftrace_ops, &record_ftrace, 0600);
MODULE_PARM_DESC(record_ftrace,
		 "record every function call in the backends that keep ftrace records");

/**
 * pstore_ftrace_pack() - an address as a record keeps it
 * @addr: a kernel address
 * @text: the kernel's _text
 * @size: its image's size, from _text to _end
 *
 * Return: the offset from @text for an address in the kernel's image,
 * the address itself otherwise (a module's: modules live just above the
 * image, so an address near it is not the image's).
 */
unsigned long pstore_ftrace_pack(unsigned long addr, unsigned long text,
				 unsigned long size)
{
	return addr >= text && addr - text < min(size, PSTORE_FTRACE_OFFSET_MAX) ?
	       addr - text : addr;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ftrace_pack);

/**
 * pstore_ftrace_unpack() - a record's address in this kernel
 * @val: what a record keeps
 * @text: this kernel's _text
 *
 * Return: @text plus an offset, or the address a record kept as it was.
 */
unsigned long pstore_ftrace_unpack(unsigned long val, unsigned long text)
{
	return val < PSTORE_FTRACE_OFFSET_MAX ? text + val : val;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ftrace_unpack);

/* pstore_ftrace_pack() for this kernel */
unsigned long pstore_ftrace_pack_kernel(unsigned long addr)
{
	return pstore_ftrace_pack(addr, (unsigned long)_text,
				  (unsigned long)_end - (unsigned long)_text);
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ftrace_pack_kernel);

static void notrace pstore_ftrace_call(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *op,
				       struct ftrace_regs *fregs)
{
	struct pstore_ftrace_record rec = { };
	struct pstore_record record;
	unsigned long flags;
	unsigned int i;
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	local_irq_save(flags);
	rec.ip = pstore_ftrace_pack_kernel(ip);
	rec.parent_ip = pstore_ftrace_pack_kernel(parent_ip);
	pstore_ftrace_write_timestamp(&rec,
				      atomic64_inc_return(&pstore_ftrace_seq));
	pstore_ftrace_encode_cpu(&rec, raw_smp_processor_id());
	for (i = 0; i < READ_ONCE(pstore_ftrace_nr); i++) {
		struct pstore_info *psi = pstore_ftrace_psi[i];

		memset(&record, 0, sizeof(record));
		record.psi = psi;
		record.type = PSTORE_TYPE_FTRACE;
		record.buf = (char *)&rec;
		record.size = sizeof(rec);
		psi->write(&record);
	}
	local_irq_restore(flags);
	ftrace_test_recursion_unlock(bit);
}

static struct ftrace_ops pstore_ftrace_ops = {
	.func = pstore_ftrace_call,
};

static int pstore_ftrace_set_locked(bool on)
{
	int ret = 0;

	lockdep_assert_held(&pstore_ftrace_lock);
	if (on == pstore_ftrace_on)
		return 0;
	if (on && !pstore_ftrace_nr) {
		pr_err("pstore: no backend keeps ftrace records: not recording\n");
		return -ENODEV;
	}
	if (on)
		ret = register_ftrace_function(&pstore_ftrace_ops);
	else
		ret = unregister_ftrace_function(&pstore_ftrace_ops);
	if (ret) {
		pr_err("pstore: cannot %s recording function calls: %d\n",
		       on ? "start" : "stop", ret);
		return ret;
	}
	pstore_ftrace_on = on;
	pr_info("pstore: recording function calls %s\n", on ? "on" : "off");
	return 0;
}

static int pstore_ftrace_set(bool on)
{
	int ret;

	mutex_lock(&pstore_ftrace_lock);
	ret = pstore_ftrace_set_locked(on);
	mutex_unlock(&pstore_ftrace_lock);
	return ret;
}

/**
 * pstore_ftrace_add() - a backend that keeps ftrace records registers
 * @psi: the backend
 *
 * Recording pauses while the list changes; pstore.record_ftrace=1 starts
 * it with the first backend.
 */
void pstore_ftrace_add(struct pstore_info *psi)
{
	bool was;

	mutex_lock(&pstore_ftrace_lock);
	was = pstore_ftrace_on || record_ftrace;
	pstore_ftrace_set_locked(false);
	if (pstore_ftrace_nr < ARRAY_SIZE(pstore_ftrace_psi))
		pstore_ftrace_psi[pstore_ftrace_nr++] = psi;
	if (was)
		pstore_ftrace_set_locked(true);
	mutex_unlock(&pstore_ftrace_lock);
}

/**
 * pstore_ftrace_del() - a backend that kept ftrace records goes
 * @psi: the backend
 *
 * Returns once no callback can be writing to it.
 */
void pstore_ftrace_del(struct pstore_info *psi)
{
	unsigned int i;
	bool was;

	mutex_lock(&pstore_ftrace_lock);
	was = pstore_ftrace_on;
	pstore_ftrace_set_locked(false);
	for (i = 0; i < pstore_ftrace_nr; i++) {
		if (pstore_ftrace_psi[i] == psi) {
			pstore_ftrace_psi[i] =
				pstore_ftrace_psi[--pstore_ftrace_nr];
			break;
		}
	}
	if (was && pstore_ftrace_nr)
		pstore_ftrace_set_locked(true);
	mutex_unlock(&pstore_ftrace_lock);
}

static int pstore_ftrace_cmp(const void *a, const void *b)
{
	u64 x = pstore_ftrace_read_timestamp((void *)a);
	u64 y = pstore_ftrace_read_timestamp((void *)b);

	return x < y ? -1 : x > y;
}

/**
 * pstore_ftrace_decode() - a backend's ftrace record as text
 * @record: its records as the backend read them; replaced by their text
 *
 * One line per call, oldest first (by stamp, whatever CPU made it), in
 * upstream's form: "CPU:N ts:STAMP IP  PARENT  function <- caller+off".
 * A partial record at the end, and records of stamp 0 (slots of a ring
 * never written), are left out.  Addresses are named in this
 * kernel (see the DOC comment): right for the kernel that wrote them if
 * it is this one; a function named in a module shows as its address.
 *
 * Return: 0, or -ENOMEM (the record is left as it was).
 */
int pstore_ftrace_decode(struct pstore_record *record)
{
	size_t n = record->size / sizeof(struct pstore_ftrace_record), i;
	struct pstore_ftrace_record *rec = (void *)record->buf;
	const size_t line = 256;
	size_t len = 0;
	char *text;

	if (record->type != PSTORE_TYPE_FTRACE || record->size <= 0)
		return 0;
	text = kvmalloc(n * line + 1, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	sort(rec, n, sizeof(*rec), pstore_ftrace_cmp, NULL);
	for (i = 0; i < n; i++) {
		unsigned long ip, parent;

		/* a slot of the ring never written: stamps start at 1 */
		if (!pstore_ftrace_read_timestamp(&rec[i]))
			continue;
		ip = pstore_ftrace_unpack(rec[i].ip, (unsigned long)_text);
		parent = pstore_ftrace_unpack(rec[i].parent_ip,
					      (unsigned long)_text);
		len += scnprintf(text + len, line + 1,
				 "CPU:%u ts:%llu %016lx  %016lx  %ps <- %pS\n",
				 pstore_ftrace_decode_cpu(&rec[i]),
				 pstore_ftrace_read_timestamp(&rec[i]), ip,
				 parent, (void *)ip, (void *)parent);
	}
	kvfree(record->buf);
	record->buf = text;
	record->size = len;
	record->ecc_notice_size = 0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pstore_ftrace_decode);

static struct dentry *pstore_ftrace_dir;

static ssize_t pstore_ftrace_knob_write(struct file *f, const char __user *buf,
					size_t count, loff_t *ppos)
{
	bool on;
	int ret = kstrtobool_from_user(buf, count, &on);

	if (ret)
		return ret;
	record_ftrace = on;
	ret = pstore_ftrace_set(on);
	return ret ? ret : count;
}

static ssize_t pstore_ftrace_knob_read(struct file *f, char __user *buf,
				       size_t count, loff_t *ppos)
{
	char val[] = { READ_ONCE(pstore_ftrace_on) ? '1' : '0', '\n' };

	return simple_read_from_buffer(buf, count, ppos, val, sizeof(val));
}

static const struct file_operations pstore_ftrace_knob_fops = {
	.open = simple_open,
	.read = pstore_ftrace_knob_read,
	.write = pstore_ftrace_knob_write,
	.llseek = default_llseek,
};

/* /sys/kernel/debug/pstore/record_ftrace, as upstream */
void pstore_ftrace_init(void)
{
	pstore_ftrace_dir = debugfs_create_dir("pstore", NULL);
	debugfs_create_file("record_ftrace", 0600, pstore_ftrace_dir, NULL,
			    &pstore_ftrace_knob_fops);
}

void pstore_ftrace_exit(void)
{
	pstore_ftrace_set(false);
	debugfs_remove_recursive(pstore_ftrace_dir);
}
