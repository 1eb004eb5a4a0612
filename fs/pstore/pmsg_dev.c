// SPDX-License-Identifier: GPL-2.0
/*
 * The pmsg frontend: /dev/pmsg0, where user space writes what it wants to
 * find after a reset, as pmsg-<backend>-0 of every backend that takes it.
 *
 * A write takes pstore_backend_lock and goes to each registered backend
 * that takes pmsg and whose crash record the chain has not given up on;
 * pstore_unregister() takes the lock too before a backend can go.  A file
 * opened on /dev/pmsg0 outlives the backends: a write when none is left
 * fails with -ENODEV.
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/pstore.h>
#include <linux/uaccess.h>

#include "core.h"

static int pmsg_major;
static struct class *pmsg_class;

static ssize_t pmsg_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct pstore_record record;
	struct pstore_backend *b;
	int err = -ENODEV, ret;
	bool took = false;

	if (!count)
		return 0;
	if (count > SSIZE_MAX || !access_ok(buf, count))
		return -EFAULT;

	mutex_lock(&pstore_backend_lock);
	list_for_each_entry(b, &pstore_backends, node) {
		if (!(b->psi->flags & PSTORE_FLAGS_PMSG))
			continue;
		if (pstore_backend_dead(b)) {
			err = -EIO;	/* it may be stuck: see dmesg.c */
			continue;
		}
		pstore_record_init(&record, b->psi);
		record.type = PSTORE_TYPE_PMSG;
		record.size = count;
		ret = b->psi->write_user(&record, buf);
		if (ret < 0)
			err = ret;
		else
			took = true;
	}
	mutex_unlock(&pstore_backend_lock);
	/* one backend that took it is enough */
	return took ? count : err;
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

/* The first backend that takes pmsg: /dev/pmsg0. */
void pstore_pmsg_register(void)
{
	struct device *dev;

	pmsg_major = register_chrdev(0, "pmsg", &pmsg_fops);
	if (pmsg_major < 0) {
		pr_err("pstore: pmsg: no character device: %d\n", pmsg_major);
		pmsg_major = 0;
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

/* The last one went. */
void pstore_pmsg_unregister(void)
{
	if (!pmsg_major)
		return;
	device_destroy(pmsg_class, MKDEV(pmsg_major, 0));
	class_destroy(pmsg_class);
	unregister_chrdev(pmsg_major, "pmsg");
	pmsg_major = 0;
}
