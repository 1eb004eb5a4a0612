// SPDX-License-Identifier: GPL-2.0
/*
 * netconsole: every kernel message over UDP to one or more receivers,
 * through netpoll, so that it works with interrupts off and when the rest
 * of the network stack is gone.
 *
 * DOC: sending, and crash-time rules
 *
 * netconsole is two consoles: "netcon" hands the plain text to the plain
 * targets, "netcon_ext" printk's extended records to the extended ones.
 * printk calls them for every message, in any context; they send at once
 * with netpoll_send_udp(), under nc_lock with interrupts off.
 *
 * While the kernel crashes (oops_in_progress), and always on the CPU that
 * runs the crash chain (an oops run happens after oops_in_progress
 * dropped; its handlers and receipt print through these consoles too),
 * nc_lock is only tried: a CPU stopped while holding it must not stop the
 * panic from reaching the other consoles and the capture kernel.  If the
 * chain abandons the handler (it faulted, or ran past its budget) its
 * frame may still hold nc_lock, so from then on nc_lock is only tried
 * everywhere.
 *
 * A target's device reference (np.dev) is taken and dropped under rtnl
 * only.  When a device goes away the netdevice notifier, under rtnl,
 * stops every target holding it and drops each reference; a target is
 * freed (configfs rmdir, module exit) only after nc_target_disable(),
 * which takes rtnl, so none is freed under the notifier's feet.
 *
 * The crash chain's stream stage runs "netconsole", which pushes what
 * printk has not yet handed to the consoles, sends what netpoll had left
 * for its worker, and polls the targets' devices so that their transmit
 * queues drain, before the hand-off to a capture kernel or the reboot:
 * until nothing is queued, for up to NC_CRASH_DRAIN_MS.  netpoll's worker
 * never runs again after a crash, and netpoll queues every datagram
 * behind one it queued, so while the kernel crashes each message first
 * sends what netpoll holds (a device that takes nothing costs each
 * message netpoll's one try, 4 ms at HZ=250).
 *
 * A device going down (NETDEV_GOING_DOWN, rtnl held, process context) sends
 * what netpoll holds for it first, for up to a second, as a reboot does
 * for every device: netpoll's worker frees that queue silently once the
 * device is not running.
 *
 * /sys/kernel/debug/netconsole/stats counts, per target, the messages and
 * datagrams sent and the messages not sent because the device was down;
 * then the messages not sent because nc_lock was busy during a crash, the
 * datagrams still queued when their device went down, and the records
 * printk dropped (overwrote before netconsole could send them)
 * for the extended targets; plain targets get printk's own
 * "** N printk messages dropped **" line instead.
 */
#include <linux/atomic.h>
#include <linux/console.h>
#include <linux/crash_chain.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netpoll.h>
#include <linux/reboot.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>

#include "netconsole.h"

#define NC_PARAM_MAX	256
/* The most the stream stage waits for what netpoll holds to be sent */
#define NC_CRASH_DRAIN_MS	1000

static char config[NC_PARAM_MAX];
module_param_string(netconsole, config, NC_PARAM_MAX, 0);
MODULE_PARM_DESC(netconsole,
		 " netconsole=[+][r][src-port]@[src-ip]/[dev],[tgt-port]@<tgt-ip>/[tgt-macaddr][;...]");

#ifndef MODULE
static int __init nc_setup(char *str)
{
	/* cut, the last target could log to another host: take none */
	if (strscpy(config, str, sizeof(config)) < 0) {
		pr_err("netconsole: netconsole= is %zu characters long, more than the %d it may be: no target taken from it\n",
		       strlen(str), NC_PARAM_MAX - 1);
		config[0] = '\0';
	}
	return 1;
}
__setup("netconsole=", nc_setup);
#endif

LIST_HEAD(nc_targets);
DEFINE_SPINLOCK(nc_lock);		/* nc_targets, targets' state, nc_buf */
DEFINE_MUTEX(nc_config_mutex);		/* configuration changes */

static char nc_buf[NC_MAX_PAYLOAD];	/* datagrams are built here, nc_lock held */
static char nc_sysbuf[NC_SYSDATA_MAX];	/* and a message's sysdata, the same */
static atomic_long_t nc_busy;		/* messages not sent: nc_lock busy in a crash */
static atomic_long_t nc_lost_down;	/* datagrams queued when their device went down */
static bool nc_consoles_up;		/* after init: enabling registers netcon_ext */

struct nc_msg {
	const char *text;
	size_t len;
	struct net_device *dev;	/* flush: this device's targets only, or all */
	int polled;
	unsigned int queued;
	unsigned int in_flight;
	bool crash;	/* set by nc_each_target(): visited during a crash */
};

static struct crash_handler nc_crash_handler;

/*
 * Visit every target under nc_lock; at crash time (@crash, while oopsing,
 * or on the CPU running the crash chain, whose oops runs print their
 * receipt after oops_in_progress dropped) only if it is free.
 */
static bool nc_each_target(void (*visit)(struct nc_target *t,
					 struct nc_msg *m),
			   struct nc_msg *m, bool crash)
{
	struct nc_target *t;
	unsigned long flags;

	m->crash = crash || oops_in_progress || crash_chain_running_here();
	if (m->crash || crash_handler_dead(&nc_crash_handler)) {
		if (!spin_trylock_irqsave(&nc_lock, flags)) {
			atomic_long_inc(&nc_busy);
			return false;
		}
	} else {
		spin_lock_irqsave(&nc_lock, flags);
	}
	list_for_each_entry(t, &nc_targets, list)
		visit(t, m);
	spin_unlock_irqrestore(&nc_lock, flags);
	return true;
}

static void nc_udp(void *ctx, const char *buf, size_t len)
{
	struct nc_target *t = ctx;

	netpoll_send_udp(&t->np, buf, len);
	t->datagrams++;
}

/*
 * netpoll queues what the device cannot take at once for a worker, and
 * then queues everything after it too, to keep the order: at a crash the
 * worker never runs, and the panic would wait behind the queue forever.
 * Send the queue from here, in order; what still does not go is queued
 * again.
 */
static void nc_drain(struct netpoll *np)
{
	struct netpoll_info *npinfo;
	struct sk_buff_head q;
	struct sk_buff *skb;
	unsigned long flags;

	__skb_queue_head_init(&q);
	rcu_read_lock();
	npinfo = rcu_dereference_bh(np->dev->npinfo);
	if (npinfo && spin_trylock_irqsave(&npinfo->txq.lock, flags)) {
		skb_queue_splice_init(&npinfo->txq, &q);
		spin_unlock_irqrestore(&npinfo->txq.lock, flags);
	}
	rcu_read_unlock();
	while ((skb = __skb_dequeue(&q)))
		netpoll_send_skb(np, skb);
}

/* Datagrams netpoll holds for its worker, for all the targets on @dev. */
static unsigned int nc_dev_queued(struct net_device *dev)
{
	struct netpoll_info *npinfo;
	unsigned int n = 0;

	rcu_read_lock();
	npinfo = rcu_dereference(dev->npinfo);
	if (npinfo)
		n = skb_queue_len(&npinfo->txq);
	rcu_read_unlock();
	return n;
}

static unsigned int nc_queued(struct nc_target *t)
{
	return t->enabled && t->np.dev ? nc_dev_queued(t->np.dev) : 0;
}

/*
 * Whether @t takes this console's messages; counts those it cannot send.
 * In a crash, what netpoll holds for its worker goes out first.
 */
static bool nc_sending(struct nc_target *t, const struct nc_msg *m,
		       bool extended)
{
	if (!t->enabled || t->extended != extended)
		return false;
	if (!t->np.dev || !netif_running(t->np.dev)) {
		t->unsent++;
		return false;
	}
	if (m->crash && nc_queued(t))
		nc_drain(&t->np);
	return true;
}

static void nc_visit_plain(struct nc_target *t, struct nc_msg *m)
{
	if (!nc_sending(t, m, false))
		return;
	nc_send_plain(m->text, m->len, nc_udp, t);
	t->messages++;
}

static void nc_write(struct console *con, const char *msg, unsigned int len)
{
	struct nc_msg m = { .text = msg, .len = len };

	nc_each_target(nc_visit_plain, &m, false);
}

/*
 * A message's msgid counts every message the enabled target was to send,
 * those its device was down for too, so a gap at the receiver is a loss.
 */
static void nc_visit_ext(struct nc_target *t, struct nc_msg *m)
{
	struct nc_extras x = {
		.release = t->release ? init_utsname()->release : NULL,
		.userdata = t->userdata,
		.userdata_len = t->userdata_len,
		.sysdata = nc_sysbuf,
	};
	struct nc_sysdata sd;

	if (t->enabled && t->extended)
		t->msgid++;
	if (!nc_sending(t, m, true))
		return;
	if (t->sysdata) {
		sd = (struct nc_sysdata){
			.cpu = raw_smp_processor_id(),
			.comm = current->comm,
			.release = init_utsname()->release,
			.msgid = t->msgid,
		};
		x.sysdata_len = nc_sysdata_format(nc_sysbuf, sizeof(nc_sysbuf),
						  t->sysdata, &sd);
	}
	nc_send_extended(m->text, m->len, &x, nc_buf, nc_udp, t);
	t->messages++;
}

static void nc_write_ext(struct console *con, const char *msg,
			 unsigned int len)
{
	struct nc_msg m = { .text = msg, .len = len };

	nc_each_target(nc_visit_ext, &m, false);
}

static struct console nc_console = {
	.name = "netcon",
	.flags = CON_ENABLED,
	.write = nc_write,
};

static struct console nc_console_ext = {
	.name = "netcon_ext",
	.flags = CON_ENABLED | CON_EXTENDED,
	.write = nc_write_ext,
};

static void nc_visit_poll(struct nc_target *t, struct nc_msg *m)
{
	if (t->enabled && t->np.dev) {
		nc_drain(&t->np);
		netpoll_poll_dev(t->np.dev);
		m->polled++;
	}
}

/* Bytes the device took and has not sent yet, as its queue limits count. */
static unsigned int nc_in_flight(struct nc_target *t)
{
	unsigned int n = 0;
#ifdef CONFIG_BQL
	unsigned int i;

	for (i = 0; t->enabled && t->np.dev &&
	     i < t->np.dev->real_num_tx_queues; i++) {
		struct dql *dql = &netdev_get_tx_queue(t->np.dev, i)->dql;

		n += READ_ONCE(dql->num_queued) - READ_ONCE(dql->num_completed);
	}
#endif
	return n;
}

/* Whether an enabled target before @t on the list sends through its device */
static bool nc_dev_counted(struct nc_target *t)
{
	struct nc_target *o;

	list_for_each_entry(o, &nc_targets, list) {
		if (o == t)
			return false;
		if (o->enabled && o->np.dev == t->np.dev)
			return true;
	}
	return false;
}

/*
 * A device that is down sends nothing more, and its transmit completions
 * are no longer reaped; what netpoll held for it was counted when it went
 * down.  The queue and the bytes in flight are the device's: counted once
 * whatever the number of its targets.
 */
static void nc_visit_flush(struct nc_target *t, struct nc_msg *m)
{
	if (!t->np.dev || !netif_running(t->np.dev) ||
	    (m->dev && t->np.dev != m->dev))
		return;
	nc_visit_poll(t, m);
	if (nc_dev_counted(t))
		return;
	m->queued += nc_queued(t);
	m->in_flight += nc_in_flight(t);
}

/*
 * The stream stage: push what is pending, and let the devices send what
 * netpoll holds and what they took, for up to NC_CRASH_DRAIN_MS: after a
 * burst on a slow NIC most of it, and the panic, was still queued.
 */
static int nc_crash_flush(struct crash_handler *h,
			  const struct crash_context *ctx)
{
	u64 end = ktime_get_mono_fast_ns() + NC_CRASH_DRAIN_MS * NSEC_PER_MSEC;
	struct nc_msg m;

	/*
	 * Not in NMI (a machine check): console_trylock() and the poll's
	 * netpoll_poll_dev() take a semaphore with down_trylock(), which
	 * spins on the semaphore's own lock, and the NMI may have
	 * interrupted its holder.  panic() flushes the consoles itself
	 * later, through netconsole's writes.
	 */
	if (in_nmi())
		return CRASH_IDLE;
	if (console_trylock())
		console_unlock();
	for (;;) {
		m = (struct nc_msg){ };
		if (!nc_each_target(nc_visit_flush, &m, true))
			return -EBUSY;
		if ((!m.queued && !m.in_flight) ||
		    ktime_get_mono_fast_ns() > end)
			break;
		mdelay(1);
	}
	if (m.queued || m.in_flight)
		pr_err("netconsole: %u datagrams queued and %u bytes in the devices after %d ms of a crash: left behind\n",
		       m.queued, m.in_flight, NC_CRASH_DRAIN_MS);
	return m.polled ? 0 : CRASH_IDLE;
}

/*
 * A reboot or power-off shuts the devices down right after the reboot
 * notifiers, and with them what netpoll still holds for its worker and
 * what the device took but has not sent: a burst of messages just before
 * a power-off was lost.  Send the one and let the device send the other
 * first, for up to a second.
 */
static int nc_reboot(struct notifier_block *nb, unsigned long action,
		     void *data)
{
	unsigned long end = jiffies + HZ;
	unsigned int waited = 0;
	struct nc_msg m;

	for (;;) {
		m = (struct nc_msg) { };
		nc_each_target(nc_visit_flush, &m, false);
		if ((!m.queued && !m.in_flight) || time_after(jiffies, end))
			break;
		if (!waited++)
			pr_info("netconsole: sending %u queued datagrams and %u bytes in the devices before shutdown\n",
				m.queued, m.in_flight);
		msleep(20);
	}
	if (m.queued || m.in_flight)
		pr_warn("netconsole: %u datagrams queued and %u bytes in the devices at shutdown: lost\n",
			m.queued, m.in_flight);
	return NOTIFY_DONE;
}

static struct notifier_block nc_reboot_notifier = {
	.notifier_call = nc_reboot,
};

static struct crash_handler nc_crash_handler = {
	.name = "netconsole",
	.stage = CRASH_STAGE_STREAM,
	.reasons = CRASH_REASON(KMSG_DUMP_PANIC) | CRASH_REASON(KMSG_DUMP_OOPS),
	.run = nc_crash_flush,
};

struct nc_target *nc_target_alloc(const char *name)
{
	struct nc_target *t = kzalloc(sizeof(*t), GFP_KERNEL);
	struct nc_options o;

	if (!t)
		return NULL;
	strscpy(t->name, name, sizeof(t->name));
	t->np.name = "netconsole";
	nc_options_default(&o, IS_ENABLED(CONFIG_NETCONSOLE_EXTENDED_LOG),
			   IS_ENABLED(CONFIG_NETCONSOLE_PREPEND_RELEASE));
	nc_target_options(t, &o);
	INIT_LIST_HEAD(&t->list);
	return t;
}

void nc_target_free(struct nc_target *t)
{
	kfree(t);
}

void nc_target_options(struct nc_target *t, const struct nc_options *o)
{
	t->extended = o->extended;
	t->release = o->release;
	strscpy(t->np.dev_name, o->dev_name, sizeof(t->np.dev_name));
	memcpy(t->np.dev_mac, o->dev_mac, ETH_ALEN);
	t->np.local_port = o->local_port;
	t->np.remote_port = o->remote_port;
	t->np.local_ip = o->local_ip;
	t->np.remote_ip = o->remote_ip;
	t->np.ipv6 = o->ipv6;
	memcpy(t->np.remote_mac, o->remote_mac, ETH_ALEN);
}

/* Start sending to @t: netpoll on its device; nc_config_mutex held. */
int nc_target_enable(struct nc_target *t)
{
	unsigned long flags;
	int ret;

	if (t->release && !t->extended) {
		pr_err("netconsole: %s: the release prefix needs the extended format\n",
		       t->name);
		return -EINVAL;
	}
	if (t->extended && nc_consoles_up &&
	    !console_is_registered(&nc_console_ext))
		register_console(&nc_console_ext);
	ret = netpoll_setup(&t->np);
	if (ret) {
		pr_err("netconsole: %s: cannot send through %s: %d\n", t->name,
		       t->np.dev_name[0] ? t->np.dev_name : "the device", ret);
		return ret;
	}
	spin_lock_irqsave(&nc_lock, flags);
	t->enabled = true;
	spin_unlock_irqrestore(&nc_lock, flags);
	if (t->np.ipv6)
		pr_info("netconsole: %s: logging to [%pI6c]:%u through %s\n",
			t->name, &t->np.remote_ip.in6, t->np.remote_port,
			t->np.dev_name);
	else
		pr_info("netconsole: %s: logging to %pI4:%u through %s\n",
			t->name, &t->np.remote_ip.ip, t->np.remote_port,
			t->np.dev_name);
	return 0;
}

/*
 * Stop sending to @t and release its device.  Takes rtnl: a target is
 * only freed after this, so the netdevice notifier, which runs under
 * rtnl, may use every target it finds on the list until it returns.
 */
void nc_target_disable(struct nc_target *t)
{
	unsigned long flags;

	spin_lock_irqsave(&nc_lock, flags);
	t->enabled = false;
	spin_unlock_irqrestore(&nc_lock, flags);
	netpoll_cleanup(&t->np);	/* under rtnl, if it holds a device */
}

/*
 * @dev goes down (rtnl held; still running, but netpoll no longer polls
 * it): netpoll's worker would free what it still holds for the device
 * once it is not running, without a word.  Send that now, for up to a
 * second, and count and name what is left.  What the device took is its
 * driver's to send or drop as it stops; its completions are not reaped
 * while netpoll may not poll, so its byte count is no measure here.  One
 * queue per device, whatever the number of its targets.
 */
static void nc_going_down(struct net_device *dev)
{
	unsigned long end = jiffies + HZ;
	unsigned int queued, waited = 0;
	struct nc_msg m;

	for (;;) {
		m = (struct nc_msg){ .dev = dev };
		nc_each_target(nc_visit_flush, &m, false);
		if (!m.polled)
			return;		/* no target sends through @dev */
		queued = nc_dev_queued(dev);
		if (!queued || time_after(jiffies, end))
			break;
		if (!waited++)
			pr_info("netconsole: %s goes down: sending %u queued datagrams first\n",
				dev->name, queued);
		msleep(20);
	}
	if (!queued)
		return;
	atomic_long_add(queued, &nc_lost_down);
	pr_warn("netconsole: %s went down with %u datagrams still queued: lost\n",
		dev->name, queued);
}

/* The next target holding @dev, stopped; NULL when none is left. */
static struct nc_target *nc_stop_one(struct net_device *dev)
{
	struct nc_target *t, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&nc_lock, flags);
	list_for_each_entry(t, &nc_targets, list) {
		if (t->np.dev == dev) {
			t->enabled = false;
			found = t;
			break;
		}
	}
	spin_unlock_irqrestore(&nc_lock, flags);
	return found;
}

/*
 * A target's device goes away: each target holding it lets go of it
 * before it is freed, however many there are.  rtnl is held by the
 * notifier's caller; np.dev only changes under rtnl.
 */
static int nc_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nc_target *t;
	unsigned long flags;

	if (event == NETDEV_CHANGENAME) {
		spin_lock_irqsave(&nc_lock, flags);
		list_for_each_entry(t, &nc_targets, list)
			if (t->np.dev == dev)
				strscpy(t->np.dev_name, dev->name, IFNAMSIZ);
		spin_unlock_irqrestore(&nc_lock, flags);
		return NOTIFY_DONE;
	}
	if (event == NETDEV_GOING_DOWN) {
		nc_going_down(dev);
		return NOTIFY_DONE;
	}
	if (event != NETDEV_UNREGISTER && event != NETDEV_RELEASE &&
	    event != NETDEV_JOIN)
		return NOTIFY_DONE;

	while ((t = nc_stop_one(dev))) {
		do_netpoll_cleanup(&t->np);	/* clears t->np.dev */
		pr_info("netconsole: %s: %s went away: logging stopped\n",
			t->name, dev->name);
	}
	return NOTIFY_DONE;
}

static struct notifier_block nc_netdev_notifier = {
	.notifier_call = nc_netdev_event,
};

static int nc_stats_show(struct seq_file *m, void *v)
{
	struct nc_target *t;
	unsigned long flags, dropped;

	seq_puts(m, "target enabled extended messages datagrams unsent queued\n");
	spin_lock_irqsave(&nc_lock, flags);
	list_for_each_entry(t, &nc_targets, list)
		seq_printf(m, "%s %d %d %lu %lu %lu %u\n", t->name, t->enabled,
			   t->extended, t->messages, t->datagrams, t->unsent,
			   nc_queued(t));
	spin_unlock_irqrestore(&nc_lock, flags);
	seq_printf(m, "messages not sent, target list busy in a crash: %ld\n",
		   atomic_long_read(&nc_busy));
	seq_printf(m, "datagrams lost, queued when their device went down: %ld\n",
		   atomic_long_read(&nc_lost_down));
	/* printk counts these under the console lock */
	console_lock();
	dropped = nc_console_ext.dropped;
	console_unlock();
	seq_printf(m, "extended records dropped by printk: %lu\n", dropped);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nc_stats);

static struct dentry *nc_debugfs;

/* The targets netconsole= names, as cmdline0, cmdline1, ... */
static int __init nc_cmdline_targets(void)
{
	char *rest = config, *s;
	unsigned int i = 0, n = 0;

	while ((s = strsep(&rest, ";"))) {
		struct nc_target *t;
		struct nc_options o;
		char name[16];
		const char *why;

		if (!*s)
			continue;
		i++;
		nc_options_default(&o, IS_ENABLED(CONFIG_NETCONSOLE_EXTENDED_LOG),
				   IS_ENABLED(CONFIG_NETCONSOLE_PREPEND_RELEASE));
		if (nc_parse_target(s, &o, &why)) {
			pr_err("netconsole: target %u \"%s\": %s; skipped\n", i,
			       s, why);
			continue;
		}
		snprintf(name, sizeof(name), "cmdline%u", n);
		t = nc_target_alloc(name);
		if (!t)
			return -ENOMEM;
		nc_target_options(t, &o);
#ifdef CONFIG_NETCONSOLE_DYNAMIC
		t->from_cmdline = true;
#endif
		if (nc_target_enable(t))
			pr_err("netconsole: %s: kept disabled\n", t->name);
		if (t->extended)
			nc_console_ext.flags |= CON_PRINTBUFFER;
		else
			nc_console.flags |= CON_PRINTBUFFER;
		list_add_tail(&t->list, &nc_targets);
		n++;
	}
	return n;
}

static int __init nc_init(void)
{
	int ret, n;

	mutex_lock(&nc_config_mutex);
	n = nc_cmdline_targets();
	mutex_unlock(&nc_config_mutex);
	if (n < 0)
		return n;
	ret = register_netdevice_notifier(&nc_netdev_notifier);
	if (ret)
		return ret;
	ret = nc_configfs_init();
	if (ret) {
		unregister_netdevice_notifier(&nc_netdev_notifier);
		return ret;
	}
	if (nc_console_ext.flags & CON_PRINTBUFFER)
		register_console(&nc_console_ext);
	register_console(&nc_console);
	nc_consoles_up = true;
	crash_handler_register(&nc_crash_handler);
	register_reboot_notifier(&nc_reboot_notifier);
	nc_debugfs = debugfs_create_dir("netconsole", NULL);
	debugfs_create_file("stats", 0444, nc_debugfs, NULL, &nc_stats_fops);
	pr_info("netconsole: network logging started, %d target(s) from netconsole=\n",
		n);
	return 0;
}
late_initcall(nc_init);

static void __exit nc_exit(void)
{
	struct nc_target *t, *tmp;

	debugfs_remove_recursive(nc_debugfs);
	unregister_reboot_notifier(&nc_reboot_notifier);
	crash_handler_unregister(&nc_crash_handler);
	unregister_console(&nc_console);
	if (console_is_registered(&nc_console_ext))
		unregister_console(&nc_console_ext);
	nc_configfs_exit();
	unregister_netdevice_notifier(&nc_netdev_notifier);
	list_for_each_entry_safe(t, tmp, &nc_targets, list) {
		list_del(&t->list);
		nc_target_disable(t);
		nc_target_free(t);
	}
}
module_exit(nc_exit);

MODULE_DESCRIPTION("The kernel log over UDP, through netpoll");
MODULE_LICENSE("GPL");
