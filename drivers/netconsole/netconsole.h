/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netconsole: the kernel log over UDP, through netpoll.
 *
 * params.c reads targets (netconsole= and configfs values), format.c cuts
 * messages into datagrams; both are pure and tested by
 * netconsole_kunit.c.  main.c sends, configfs.c configures at run time.
 */
#ifndef _DRIVERS_NETCONSOLE_NETCONSOLE_H
#define _DRIVERS_NETCONSOLE_NETCONSOLE_H

#include <linux/configfs.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/stringify.h>
#include <linux/netdevice.h>
#include <linux/netpoll.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/utsname.h>

#define NC_MAX_PAYLOAD		1000	/* bytes of UDP payload per datagram */
#define NC_USERDATA_NAME_MAX	53
#define NC_USERDATA_VALUE_MAX	200
#define NC_USERDATA_ITEMS	16
#define NC_USERDATA_MAX		(NC_USERDATA_ITEMS * \
				 (NC_USERDATA_NAME_MAX + NC_USERDATA_VALUE_MAX + 3))
#define NC_FIELD_MAX		63	/* characters of one netconsole= field */
#define NC_DEFAULT_LOCAL_PORT	6665
#define NC_DEFAULT_REMOTE_PORT	6666

/* One target as netconsole= describes it. */
struct nc_options {
	bool extended;
	bool release;
	char dev_name[IFNAMSIZ];
	u8 dev_mac[ETH_ALEN];		/* used when dev_name is empty */
	u16 local_port;
	u16 remote_port;
	union inet_addr local_ip;
	union inet_addr remote_ip;
	bool ipv6;
	u8 remote_mac[ETH_ALEN];
};

void nc_options_default(struct nc_options *o, bool extended, bool release);
int nc_parse_target(const char *s, struct nc_options *o, const char **why);
int nc_parse_ip(const char *s, union inet_addr *ip, bool *ipv6);
int nc_parse_mac(const char *s, u8 *mac);
int nc_parse_port(const char *s, u16 *port);
const char *nc_userdata_bad(const char *s, size_t len, bool key);

/* How a formatted datagram leaves: netpoll for real, a buffer in tests. */
typedef void (*nc_send_t)(void *ctx, const char *buf, size_t len);

struct nc_extras {
	const char *release;		/* prefix, or NULL */
	const char *userdata;		/* " key=value\n" lines, or NULL */
	size_t userdata_len;
	const char *sysdata;		/* nc_sysdata_format()'s lines */
	size_t sysdata_len;
};

/* What the kernel adds to a target's messages, switched on in userdata/ */
#define NC_SYSDATA_CPU		BIT(0)	/* cpu_nr_enabled */
#define NC_SYSDATA_TASKNAME	BIT(1)	/* taskname_enabled */
#define NC_SYSDATA_RELEASE	BIT(2)	/* release_enabled */
#define NC_SYSDATA_MSGID	BIT(3)	/* msgid_enabled */
/* All four at their longest: two u32s, a task's name and a release */
#define NC_SYSDATA_MAX		(sizeof(" cpu=\n taskname=\n release=\n msgid=\n") + \
				 2 * 10 + TASK_COMM_LEN - 1 + __NEW_UTS_LEN)

struct nc_sysdata {
	unsigned int cpu;
	const char *comm;
	const char *release;
	u32 msgid;
};

int nc_send_plain(const char *msg, size_t len, nc_send_t send, void *ctx);
int nc_send_extended(const char *msg, size_t len,
		     const struct nc_extras *x, char *scratch,
		     nc_send_t send, void *ctx);
size_t nc_userdata_append(char *buf, size_t used, size_t size,
			  const char *key, const char *value);
size_t nc_sysdata_format(char *buf, size_t size, unsigned int fields,
			 const struct nc_sysdata *s);

/* A destination, from netconsole= or configfs. */
struct nc_target {
	struct list_head list;		/* on nc_targets, under nc_lock */
	char name[32];
	bool enabled;			/* sending; changes under nc_lock */
	bool extended;
	bool release;
	struct netpoll np;
	char userdata[NC_USERDATA_MAX];
	size_t userdata_len;
	unsigned int sysdata;		/* NC_SYSDATA_*, under nc_lock */
	u32 msgid;			/* the last message's, under nc_lock */
	/* statistics, under nc_lock */
	unsigned long messages;
	unsigned long datagrams;
	unsigned long unsent;		/* enabled, but the device was down */
#ifdef CONFIG_NETCONSOLE_DYNAMIC
	bool from_cmdline;		/* not yet adopted by configfs */
	struct config_group group;
	struct config_group userdata_group;
#endif
};

extern struct list_head nc_targets;
extern spinlock_t nc_lock;
extern struct mutex nc_config_mutex;

struct nc_target *nc_target_alloc(const char *name);
void nc_target_free(struct nc_target *t);
int nc_target_enable(struct nc_target *t);
void nc_target_disable(struct nc_target *t);
void nc_target_options(struct nc_target *t, const struct nc_options *o);

#ifdef CONFIG_NETCONSOLE_DYNAMIC
int nc_configfs_init(void);
void nc_configfs_exit(void);
#else
static inline int nc_configfs_init(void) { return 0; }
static inline void nc_configfs_exit(void) { }
#endif

#endif /* _DRIVERS_NETCONSOLE_NETCONSOLE_H */
