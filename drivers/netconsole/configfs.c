// SPDX-License-Identifier: GPL-2.0
/*
 * netconsole targets at run time: /sys/kernel/config/netconsole/<name>/.
 *
 *	mkdir /sys/kernel/config/netconsole/t1
 *	cd /sys/kernel/config/netconsole/t1
 *	echo eth0 > dev_name; echo 10.0.0.2 > remote_ip; echo 1 > enabled
 *
 * Everything but enabled and the userdata values is refused while the
 * target is enabled.  mkdir of "cmdlineN" takes over the Nth target of
 * netconsole=.  userdata/<key>/value adds " key=value" lines to the
 * extended format; userdata/cpu_nr_enabled, taskname_enabled,
 * release_enabled and msgid_enabled add the kernel's lines after them
 * (format.c), and may change while the target is enabled.
 */
#include <linux/configfs.h>
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "netconsole.h"

static struct nc_target *to_target(struct config_item *item)
{
	return container_of(to_config_group(item), struct nc_target, group);
}

/* Settings that cannot change while the target sends. */
static int nc_settable(struct nc_target *t)
{
	if (t->enabled) {
		pr_err("netconsole: %s is enabled: disable it to change its settings\n",
		       t->name);
		return -EINVAL;
	}
	return 0;
}

static ssize_t enabled_show(struct config_item *item, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_target(item)->enabled);
}

static ssize_t enabled_store(struct config_item *item, const char *buf,
			     size_t count)
{
	struct nc_target *t = to_target(item);
	bool on;
	int ret;

	ret = kstrtobool(buf, &on);
	if (ret)
		return ret;
	mutex_lock(&nc_config_mutex);
	if (on == t->enabled) {
		pr_info("netconsole: %s is already %s\n", t->name,
			on ? "enabled" : "disabled");
		ret = -EINVAL;
	} else if (on) {
		ret = nc_target_enable(t);
	} else {
		nc_target_disable(t);
	}
	mutex_unlock(&nc_config_mutex);
	return ret ?: count;
}

static ssize_t nc_bool_store(struct nc_target *t, bool *field,
			     const char *buf, size_t count)
{
	bool v;
	int ret = kstrtobool(buf, &v);

	if (ret)
		return ret;
	mutex_lock(&nc_config_mutex);
	ret = nc_settable(t);
	if (!ret)
		*field = v;
	mutex_unlock(&nc_config_mutex);
	return ret ?: count;
}

static ssize_t extended_show(struct config_item *item, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_target(item)->extended);
}

static ssize_t extended_store(struct config_item *item, const char *buf,
			      size_t count)
{
	struct nc_target *t = to_target(item);

	return nc_bool_store(t, &t->extended, buf, count);
}

static ssize_t release_show(struct config_item *item, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_target(item)->release);
}

static ssize_t release_store(struct config_item *item, const char *buf,
			     size_t count)
{
	struct nc_target *t = to_target(item);

	return nc_bool_store(t, &t->release, buf, count);
}

static ssize_t dev_name_show(struct config_item *item, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_target(item)->np.dev_name);
}

static ssize_t dev_name_store(struct config_item *item, const char *buf,
			      size_t count)
{
	struct nc_target *t = to_target(item);
	size_t len = strcspn(buf, "\n");
	int ret;

	if (len >= IFNAMSIZ)
		return -ENAMETOOLONG;
	mutex_lock(&nc_config_mutex);
	ret = nc_settable(t);
	if (!ret) {
		memcpy(t->np.dev_name, buf, len);
		t->np.dev_name[len] = '\0';
	}
	mutex_unlock(&nc_config_mutex);
	return ret ?: count;
}

static ssize_t nc_port_store(struct nc_target *t, u16 *port, const char *buf,
			     size_t count)
{
	u16 p;
	int ret = nc_parse_port(buf, &p);

	if (ret)
		return ret;
	mutex_lock(&nc_config_mutex);
	ret = nc_settable(t);
	if (!ret)
		*port = p;
	mutex_unlock(&nc_config_mutex);
	return ret ?: count;
}

static ssize_t local_port_show(struct config_item *item, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_target(item)->np.local_port);
}

static ssize_t local_port_store(struct config_item *item, const char *buf,
				size_t count)
{
	struct nc_target *t = to_target(item);

	return nc_port_store(t, &t->np.local_port, buf, count);
}

static ssize_t remote_port_show(struct config_item *item, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_target(item)->np.remote_port);
}

static ssize_t remote_port_store(struct config_item *item, const char *buf,
				 size_t count)
{
	struct nc_target *t = to_target(item);

	return nc_port_store(t, &t->np.remote_port, buf, count);
}

static ssize_t nc_ip_show(const struct nc_target *t,
			  const union inet_addr *ip, char *buf)
{
	if (t->np.ipv6)
		return sysfs_emit(buf, "%pI6c\n", &ip->in6);
	return sysfs_emit(buf, "%pI4\n", &ip->ip);
}

/*
 * A target's two addresses are of one family: the first address written
 * sets it, the other must follow.
 */
static ssize_t nc_ip_store(struct nc_target *t, union inet_addr *ip,
			   const union inet_addr *other, const char *buf,
			   size_t count)
{
	union inet_addr a = { };
	bool v6;
	int ret = nc_parse_ip(buf, &a, &v6);

	if (ret) {
		pr_err("netconsole: %s: \"%.*s\" is not an IP address\n",
		       t->name, (int)strcspn(buf, "\n"), buf);
		return ret;
	}
	mutex_lock(&nc_config_mutex);
	ret = nc_settable(t);
	if (!ret && v6 != t->np.ipv6 && memchr_inv(other, 0, sizeof(*other))) {
		pr_err("netconsole: %s: local and remote IP must be of one family\n",
		       t->name);
		ret = -EINVAL;
	}
	if (!ret) {
		*ip = a;
		t->np.ipv6 = v6;
	}
	mutex_unlock(&nc_config_mutex);
	return ret ?: count;
}

static ssize_t local_ip_show(struct config_item *item, char *buf)
{
	struct nc_target *t = to_target(item);

	return nc_ip_show(t, &t->np.local_ip, buf);
}

static ssize_t local_ip_store(struct config_item *item, const char *buf,
			      size_t count)
{
	struct nc_target *t = to_target(item);

	return nc_ip_store(t, &t->np.local_ip, &t->np.remote_ip, buf, count);
}

static ssize_t remote_ip_show(struct config_item *item, char *buf)
{
	struct nc_target *t = to_target(item);

	return nc_ip_show(t, &t->np.remote_ip, buf);
}

static ssize_t remote_ip_store(struct config_item *item, const char *buf,
			       size_t count)
{
	struct nc_target *t = to_target(item);

	return nc_ip_store(t, &t->np.remote_ip, &t->np.local_ip, buf, count);
}

static ssize_t local_mac_show(struct config_item *item, char *buf)
{
	struct net_device *dev = to_target(item)->np.dev;
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return sysfs_emit(buf, "%pM\n", dev ? dev->dev_addr : bcast);
}

static ssize_t remote_mac_show(struct config_item *item, char *buf)
{
	return sysfs_emit(buf, "%pM\n", to_target(item)->np.remote_mac);
}

static ssize_t remote_mac_store(struct config_item *item, const char *buf,
				size_t count)
{
	struct nc_target *t = to_target(item);
	u8 mac[ETH_ALEN];
	int ret = nc_parse_mac(buf, mac);

	if (ret)
		return ret;
	mutex_lock(&nc_config_mutex);
	ret = nc_settable(t);
	if (!ret)
		memcpy(t->np.remote_mac, mac, ETH_ALEN);
	mutex_unlock(&nc_config_mutex);
	return ret ?: count;
}

CONFIGFS_ATTR(, enabled);
CONFIGFS_ATTR(, extended);
CONFIGFS_ATTR(, release);
CONFIGFS_ATTR(, dev_name);
CONFIGFS_ATTR(, local_port);
CONFIGFS_ATTR(, remote_port);
CONFIGFS_ATTR(, local_ip);
CONFIGFS_ATTR(, remote_ip);
CONFIGFS_ATTR_RO(, local_mac);
CONFIGFS_ATTR(, remote_mac);

static struct configfs_attribute *nc_target_attrs[] = {
	&attr_enabled, &attr_extended, &attr_release, &attr_dev_name,
	&attr_local_port, &attr_remote_port, &attr_local_ip, &attr_remote_ip,
	&attr_local_mac, &attr_remote_mac, NULL,
};

/* userdata/<key>/value */
struct nc_userdatum {
	struct config_item item;
	char value[NC_USERDATA_VALUE_MAX];
};

static struct nc_userdatum *to_userdatum(struct config_item *item)
{
	return container_of(item, struct nc_userdatum, item);
}

static struct nc_target *userdata_target(struct config_item *item)
{
	return container_of(to_config_group(item->ci_parent), struct nc_target,
			    userdata_group);
}

/* Render the target's userdata lines; nc_config_mutex held. */
static void nc_userdata_update(struct nc_target *t)
{
	char *buf = kmalloc(NC_USERDATA_MAX, GFP_KERNEL);
	struct config_item *item;
	unsigned long flags;
	size_t n = 0;

	if (!buf)
		return;
	list_for_each_entry(item, &t->userdata_group.cg_children, ci_entry)
		n = nc_userdata_append(buf, n, NC_USERDATA_MAX,
				       config_item_name(item),
				       to_userdatum(item)->value);
	spin_lock_irqsave(&nc_lock, flags);
	memcpy(t->userdata, buf, n);
	t->userdata_len = n;
	spin_unlock_irqrestore(&nc_lock, flags);
	kfree(buf);
}

static ssize_t value_show(struct config_item *item, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_userdatum(item)->value);
}

static ssize_t value_store(struct config_item *item, const char *buf,
			   size_t count)
{
	struct nc_userdatum *ud = to_userdatum(item);
	size_t len = count && buf[count - 1] == '\n' ? count - 1 : count;
	const char *why = nc_userdata_bad(buf, len, false);

	if (len >= NC_USERDATA_VALUE_MAX)
		return -EMSGSIZE;
	if (why) {
		pr_err("netconsole: userdata %s: the value has %s: refused\n",
		       config_item_name(item), why);
		return -EINVAL;
	}
	mutex_lock(&nc_config_mutex);
	memcpy(ud->value, buf, len);
	ud->value[len] = '\0';
	nc_userdata_update(userdata_target(item));
	mutex_unlock(&nc_config_mutex);
	return count;
}

CONFIGFS_ATTR(, value);

static struct configfs_attribute *nc_userdatum_attrs[] = {
	&attr_value, NULL,
};

static void nc_userdatum_release(struct config_item *item)
{
	kfree(to_userdatum(item));
}

static struct configfs_item_operations nc_userdatum_ops = {
	.release = nc_userdatum_release,
};

static const struct config_item_type nc_userdatum_type = {
	.ct_item_ops = &nc_userdatum_ops,
	.ct_attrs = nc_userdatum_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_item *nc_userdata_make(struct config_group *group,
					    const char *name)
{
	const char *why = nc_userdata_bad(name, strlen(name), true);
	struct config_item *item;
	struct nc_userdatum *ud;
	unsigned int n = 0;

	if (strlen(name) > NC_USERDATA_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	if (why) {
		pr_err("netconsole: userdata key \"%*pE\" has %s: refused\n",
		       (int)strlen(name), name, why);
		return ERR_PTR(-EINVAL);
	}
	list_for_each_entry(item, &group->cg_children, ci_entry)
		n++;
	if (n >= NC_USERDATA_ITEMS)
		return ERR_PTR(-ENOSPC);
	ud = kzalloc(sizeof(*ud), GFP_KERNEL);
	if (!ud)
		return ERR_PTR(-ENOMEM);
	config_item_init_type_name(&ud->item, name, &nc_userdatum_type);
	return &ud->item;
}

static void nc_userdata_drop(struct config_group *group,
			     struct config_item *item)
{
	struct nc_target *t = container_of(group, struct nc_target,
					   userdata_group);

	mutex_lock(&nc_config_mutex);
	config_item_put(item);
	nc_userdata_update(t);
	mutex_unlock(&nc_config_mutex);
}

/*
 * userdata/{cpu_nr,taskname,release,msgid}_enabled: the sysdata lines,
 * which may change while the target sends.
 */
static struct nc_target *sysdata_target(struct config_item *item)
{
	return container_of(to_config_group(item), struct nc_target,
			    userdata_group);
}

static ssize_t nc_sysdata_show(struct config_item *item, char *buf,
			       unsigned int field)
{
	return sysfs_emit(buf, "%d\n",
			  !!(READ_ONCE(sysdata_target(item)->sysdata) & field));
}

static ssize_t nc_sysdata_store(struct config_item *item, const char *buf,
				size_t count, unsigned int field)
{
	struct nc_target *t = sysdata_target(item);
	unsigned long flags;
	bool on;
	int ret = kstrtobool(buf, &on);

	if (ret)
		return ret;
	spin_lock_irqsave(&nc_lock, flags);
	if (on)
		t->sysdata |= field;
	else
		t->sysdata &= ~field;
	spin_unlock_irqrestore(&nc_lock, flags);
	return count;
}

/* userdata/<name>_enabled for NC_SYSDATA_<bit> */
#define NC_SYSDATA_ATTR(name, bit)					\
static ssize_t name##_enabled_show(struct config_item *item, char *buf)	\
{									\
	return nc_sysdata_show(item, buf, NC_SYSDATA_##bit);		\
}									\
static ssize_t name##_enabled_store(struct config_item *item,		\
				    const char *buf, size_t count)	\
{									\
	return nc_sysdata_store(item, buf, count, NC_SYSDATA_##bit);	\
}									\
CONFIGFS_ATTR(, name##_enabled)

NC_SYSDATA_ATTR(cpu_nr, CPU);
NC_SYSDATA_ATTR(taskname, TASKNAME);
NC_SYSDATA_ATTR(release, RELEASE);
NC_SYSDATA_ATTR(msgid, MSGID);

static struct configfs_attribute *nc_sysdata_attrs[] = {
	&attr_cpu_nr_enabled, &attr_taskname_enabled, &attr_release_enabled,
	&attr_msgid_enabled, NULL,
};

static struct configfs_group_operations nc_userdata_ops = {
	.make_item = nc_userdata_make,
	.drop_item = nc_userdata_drop,
};

static const struct config_item_type nc_userdata_type = {
	.ct_group_ops = &nc_userdata_ops,
	.ct_attrs = nc_sysdata_attrs,
	.ct_owner = THIS_MODULE,
};

static void nc_target_release(struct config_item *item)
{
	nc_target_free(to_target(item));
}

static struct configfs_item_operations nc_target_item_ops = {
	.release = nc_target_release,
};

static const struct config_item_type nc_target_type = {
	.ct_item_ops = &nc_target_item_ops,
	.ct_attrs = nc_target_attrs,
	.ct_owner = THIS_MODULE,
};

/* "cmdlineN": the target netconsole= made, not yet in configfs. */
static struct nc_target *nc_find_cmdline(const char *name)
{
	struct nc_target *t;

	list_for_each_entry(t, &nc_targets, list)
		if (t->from_cmdline && !strcmp(t->name, name))
			return t;
	return NULL;
}

static struct config_group *nc_target_make(struct config_group *group,
					   const char *name)
{
	struct nc_target *t;
	unsigned long flags;

	mutex_lock(&nc_config_mutex);
	t = nc_find_cmdline(name);
	if (t) {
		t->from_cmdline = false;
	} else {
		t = nc_target_alloc(name);
		if (t) {
			spin_lock_irqsave(&nc_lock, flags);
			list_add_tail(&t->list, &nc_targets);
			spin_unlock_irqrestore(&nc_lock, flags);
		}
	}
	mutex_unlock(&nc_config_mutex);
	if (!t)
		return ERR_PTR(-ENOMEM);
	config_group_init_type_name(&t->group, name, &nc_target_type);
	config_group_init_type_name(&t->userdata_group, "userdata",
				    &nc_userdata_type);
	configfs_add_default_group(&t->userdata_group, &t->group);
	return &t->group;
}

static void nc_target_drop(struct config_group *group, struct config_item *item)
{
	struct nc_target *t = to_target(item);
	unsigned long flags;

	mutex_lock(&nc_config_mutex);
	nc_target_disable(t);
	spin_lock_irqsave(&nc_lock, flags);
	list_del(&t->list);
	spin_unlock_irqrestore(&nc_lock, flags);
	mutex_unlock(&nc_config_mutex);
	config_item_put(item);
}

static struct configfs_group_operations nc_subsys_ops = {
	.make_group = nc_target_make,
	.drop_item = nc_target_drop,
};

static const struct config_item_type nc_subsys_type = {
	.ct_group_ops = &nc_subsys_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem nc_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "netconsole",
			.ci_type = &nc_subsys_type,
		},
	},
};

int nc_configfs_init(void)
{
	config_group_init(&nc_subsys.su_group);
	mutex_init(&nc_subsys.su_mutex);
	return configfs_register_subsystem(&nc_subsys);
}

void nc_configfs_exit(void)
{
	configfs_unregister_subsystem(&nc_subsys);
}
