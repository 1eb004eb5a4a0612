// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/kexec/: the state of kexec in one directory, upstream's
 * newer home of what /sys/kernel/kexec_loaded, kexec_crash_loaded,
 * kexec_crash_size and crash_elfcorehdr_size show (those stay).
 *
 *	loaded			1 when a kernel is loaded for kexec -e
 *	crash_loaded		1 when a capture kernel is loaded
 *	crash_size		bytes reserved for it; writing a smaller
 *				size gives the rest back to the system
 *	crash_elfcorehdr_size	the size of its ELF header segment
 */
#include <linux/init.h>
#include <linux/kexec.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

static ssize_t loaded_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", !!kexec_image);
}

static struct kobj_attribute loaded_attr = __ATTR_RO(loaded);

#ifdef CONFIG_CRASH_DUMP
static ssize_t crash_loaded_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", kexec_crash_loaded());
}

static struct kobj_attribute crash_loaded_attr = __ATTR_RO(crash_loaded);

static ssize_t crash_size_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	ssize_t size = crash_get_memory_size();

	return size < 0 ? size : sysfs_emit(buf, "%zd\n", size);
}

static ssize_t crash_size_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	unsigned long size;
	int ret = kstrtoul(buf, 0, &size);

	if (ret)
		return ret;
	ret = crash_shrink_memory(size);
	return ret < 0 ? ret : count;
}

static struct kobj_attribute crash_size_attr = __ATTR_RW(crash_size);
#endif

#ifdef CONFIG_CRASH_HOTPLUG
static ssize_t crash_elfcorehdr_size_show(struct kobject *kobj,
					  struct kobj_attribute *attr,
					  char *buf)
{
	return sysfs_emit(buf, "%u\n", crash_get_elfcorehdr_size());
}

static struct kobj_attribute crash_elfcorehdr_size_attr =
	__ATTR_RO(crash_elfcorehdr_size);
#endif

static struct attribute *kexec_attrs[] = {
	&loaded_attr.attr,
#ifdef CONFIG_CRASH_DUMP
	&crash_loaded_attr.attr,
	&crash_size_attr.attr,
#endif
#ifdef CONFIG_CRASH_HOTPLUG
	&crash_elfcorehdr_size_attr.attr,
#endif
	NULL,
};
ATTRIBUTE_GROUPS(kexec);

static int __init kexec_sysfs_init(void)
{
	struct kobject *kobj = kobject_create_and_add("kexec", kernel_kobj);
	int ret;

	if (!kobj)
		return -ENOMEM;
	ret = sysfs_create_groups(kobj, kexec_groups);
	if (ret) {
		pr_err("kexec: /sys/kernel/kexec/ not made: %d\n", ret);
		kobject_put(kobj);
	}
	return ret;
}
subsys_initcall(kexec_sysfs_init);
