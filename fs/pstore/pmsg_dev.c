// SPDX-License-Identifier: GPL-2.0
/*
 * The pmsg frontend: /dev/pmsg0, where user space writes what it wants to
 * find after a reset, as pmsg-<backend>-0.
 *
 * A file opened on /dev/pmsg0 outlives the backend it was opened for:
 * each write takes pmsg_lock and uses the backend pmsg_psi names, which
 * pstore_pmsg_unregister() clears under pmsg_lock before the backend can
 * go.  A write after that fails with -ENODEV.
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/pstore.h>
#include <linux/rtmutex.h>
#include <linux/uaccess.h>

#include "core.h"

static DEFINE_RT_MUTEX(pmsg_lock);
static struct pstore_info *pmsg_psi;	/* under pmsg_lock */
static int pmsg_major;
static struct class *pmsg_class;

static ssize_t pmsg_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct pstore_record record;
	int ret;

	if (!count)
		return 0;
	if (pstore_dmesg_dead())
		return -EIO;	/* the backend may be stuck: see dmesg.c */
	if (count > SSIZE_MAX || !access_ok(buf, count))
		return -EFAULT;

	rt_mutex_lock(&pmsg_lock);
	if (pmsg_psi) {
		pstore_record_init(&record, pmsg_psi);
		record.type = PSTORE_TYPE_PMSG;
		record.size = count;
		ret = pmsg_psi->write_user(&record, buf);
	} else {
		ret = -ENODEV;
	}
	rt_mutex_unlock(&pmsg_lock);
	return ret < 0 ? ret : count;
}

static const struct file_operations pmsg_fops = {
	.owner = THIS_MODULE,
	.llseek = noop_llseek,
	.write = pmsg_write,
};

static char *pmsg_devnode(const struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0220;
	return NULL;
}

void pstore_pmsg_register(struct pstore_info *psi)
{
	struct device *dev;

	rt_mutex_lock(&pmsg_lock);
	pmsg_psi = psi;
	rt_mutex_unlock(&pmsg_lock);
	pmsg_major = register_chrdev(0, "pmsg", &pmsg_fops);
	if (pmsg_major < 0) {
		pr_err("pstore: pmsg: no character device: %d\n", pmsg_major);
		return;
	}
	pmsg_class = class_create("pmsg");
	if (IS_ERR(pmsg_class)) {
		pr_err("pstore: pmsg: no device class: %ld\n",
		       PTR_ERR(pmsg_class));
		goto err_chrdev;
	}
	pmsg_class->devnode = pmsg_devnode;
	dev = device_create(pmsg_class, NULL, MKDEV(pmsg_major, 0), NULL,
			    "pmsg%d", 0);
	if (IS_ERR(dev)) {
		pr_err("pstore: pmsg: no /dev/pmsg0: %ld\n", PTR_ERR(dev));
		class_destroy(pmsg_class);
		goto err_chrdev;
	}
	return;

err_chrdev:
	pmsg_class = NULL;
	unregister_chrdev(pmsg_major, "pmsg");
	pmsg_major = 0;
}

void pstore_pmsg_unregister(void)
{
	rt_mutex_lock(&pmsg_lock);
	pmsg_psi = NULL;
	rt_mutex_unlock(&pmsg_lock);
	if (!pmsg_major)
		return;
	device_destroy(pmsg_class, MKDEV(pmsg_major, 0));
	class_destroy(pmsg_class);
	unregister_chrdev(pmsg_major, "pmsg");
	pmsg_major = 0;
}
