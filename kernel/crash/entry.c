// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's crash chain: its built-in handlers, its parameters, the
 * entry points panic(), the oops path and the reboot paths call, and the
 * receipt in sysfs.
 *
 * DOC: what an entry point does after a fault was resumed
 *
 * When a handler faults, the nested entry (the oops path's or panic()'s
 * call into the chain) finishes the run (see chain.c).  It must then not
 * return into the code that faulted, so it finishes what the interrupted
 * caller would have done: a panic run ends in panic(), which finds the
 * panic run done and goes on to reboot; an emergency-restart run ends in
 * machine_emergency_restart(); a shutdown run in the restart, halt or
 * power-off system_state names.  An oops run simply returns: the oopsing
 * task dies, as it would have.  A panic run whose handler the watchdog
 * stopped is finished in a frame of its own (crash_chain_resume()) and
 * ends in panic() the same way.
 */
#include <linux/crash_handoff.h>
#include <linux/init.h>
#include <linux/kexec.h>
#include <linux/kobject.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/objtool.h>
#include <linux/panic.h>
#include <linux/panic_notifier.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>

#include "chain.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "crash_chain."

static struct crash_chain crash_chain;

/*
 * Stop the other CPUs, once; with kdump built in each saves its registers
 * and the first one stays to watch the budgets (see watch.c).  Also what a
 * panic does to an owner of the chain that does not yield.
 */
static void crash_stop_others(struct crash_chain *c)
{
	static bool stopped;

	if (stopped)
		return;
	stopped = true;
	if (IS_ENABLED(CONFIG_CRASH_CHAIN_WATCHDOG) && !in_nmi())
		atomic_set(&c->watch.state, CRASH_WATCH_WANTED);
	if (IS_ENABLED(CONFIG_CRASH_DUMP))
		crash_smp_send_stop();
	else
		smp_send_stop();
}

static int crash_stop_cpus(struct crash_handler *h,
			   const struct crash_context *ctx)
{
	struct crash_chain *c = &crash_chain;

	crash_stop_others(c);
	printk_legacy_allow_panic_sync();
	if (crash_watch_started(c, num_online_cpus() > 1))
		return 0;
	/* Nothing can stop a handler that hangs: see watch.c. */
	c->run.receipt.unwatched = true;
	if (IS_ENABLED(CONFIG_CRASH_DUMP) && kexec_crash_loaded()) {
		crash_run_handoff_next(c);
		crash_run_info(c, "no CPU can watch the budgets: handing off to the capture kernel first");
	}
	return 0;
}

/* panic_print=: task list, memory, timers, locks, ftrace, into the log */
static int crash_panic_print(struct crash_handler *h,
			     const struct crash_context *ctx)
{
	if (!panic_print)
		return CRASH_IDLE;
	panic_print_sys_info(false);
	return 0;
}

/* The hand-off is about to enter the next kernel: no watchdog NMI after it. */
static void crash_chain_jumping(void)
{
	crash_watch_retire(&crash_chain);
}

/* The capture kernel; does not return when the jump happens. */
static int crash_kexec_handoff(struct crash_handler *h,
			       const struct crash_context *ctx)
{
	if (!IS_ENABLED(CONFIG_CRASH_DUMP) || !kexec_crash_loaded())
		return CRASH_IDLE;
	return crash_kexec_jump(ctx->regs, crash_chain_jumping);
}

static int crash_panic_notifiers(struct crash_handler *h,
				 const struct crash_context *ctx)
{
	atomic_notifier_call_chain(&panic_notifier_list, 0,
				   (void *)ctx->desc);
	return 0;
}

enum {
	CRASH_BUILTIN_STOP_CPUS,
	CRASH_BUILTIN_PANIC_PRINT,
	CRASH_BUILTIN_KEXEC,
	CRASH_BUILTIN_NOTIFIERS,
	CRASH_NR_BUILTINS
};

static struct crash_handler crash_builtins[CRASH_NR_BUILTINS];

static int crash_this_cpu(void)
{
	return raw_smp_processor_id();
}

#ifdef CONFIG_CRASH_CHAIN_WATCHDOG
#include <asm/crash_chain.h>

static void crash_kick(int cpu)
{
	arch_crash_kick(cpu);
}
#else
#define crash_kick NULL
#endif

/*
 * The built-in handlers are on the chain from the first instruction, so
 * that a panic before any initcall still stops the CPUs, reaches kdump and
 * calls the notifiers: the list is linked at compile time, in stage order.
 */
static struct crash_chain crash_chain = {
	.handlers = {
		.next = &crash_builtins[0].node,
		.prev = &crash_builtins[CRASH_NR_BUILTINS - 1].node,
	},
	.lock = __MUTEX_INITIALIZER(crash_chain.lock),
	.run_cpu = ATOMIC_INIT(-1),
	.taker = ATOMIC_INIT(-1),
	.budget_ms = {
		[CRASH_STAGE_CAPTURE] = 3000,
		[CRASH_STAGE_PERSIST] = 5000,
		[CRASH_STAGE_STREAM] = 5000,
	},
	.order = CRASH_ORDER_PERSIST_FIRST,
	.legacy_first = &crash_kexec_post_notifiers,
	.busy_wait_ms = CRASH_BUSY_WAIT_MS,
	.takeover_ms = CRASH_TAKEOVER_MS,
	.clock = ktime_get_mono_fast_ns,
	.this_cpu = crash_this_cpu,
	.stop_others = crash_stop_others,
	.kick = crash_kick,
	.print = true,
	.watch = { .state = ATOMIC_INIT(CRASH_WATCH_OFF) },
	.last_seq = SEQCNT_ZERO(crash_chain.last_seq),
};

#define CRASH_PANIC_ONLY	CRASH_REASON(KMSG_DUMP_PANIC)

static struct crash_handler crash_builtins[CRASH_NR_BUILTINS] = {
	[CRASH_BUILTIN_STOP_CPUS] = {
		.name = "stop-cpus",
		.stage = CRASH_STAGE_CAPTURE,
		.reasons = CRASH_PANIC_ONLY,
		.run = crash_stop_cpus,
		.node = {
			.next = &crash_builtins[CRASH_BUILTIN_PANIC_PRINT].node,
			.prev = &crash_chain.handlers,
		},
		.registered = true,
	},
	[CRASH_BUILTIN_PANIC_PRINT] = {
		.name = "panic-print",
		.stage = CRASH_STAGE_CAPTURE,
		.priority = 100,
		.reasons = CRASH_PANIC_ONLY,
		.run = crash_panic_print,
		.node = {
			.next = &crash_builtins[CRASH_BUILTIN_KEXEC].node,
			.prev = &crash_builtins[CRASH_BUILTIN_STOP_CPUS].node,
		},
		.registered = true,
	},
	[CRASH_BUILTIN_KEXEC] = {
		.name = "kexec",
		.stage = CRASH_STAGE_HANDOFF,
		.reasons = CRASH_PANIC_ONLY,
		.run = crash_kexec_handoff,
		.node = {
			.next = &crash_builtins[CRASH_BUILTIN_NOTIFIERS].node,
			.prev = &crash_builtins[CRASH_BUILTIN_PANIC_PRINT].node,
		},
		.registered = true,
	},
	[CRASH_BUILTIN_NOTIFIERS] = {
		.name = "panic-notifiers",
		.stage = CRASH_STAGE_LEGACY,
		.reasons = CRASH_PANIC_ONLY,
		.run = crash_panic_notifiers,
		.node = {
			.next = &crash_chain.handlers,
			.prev = &crash_builtins[CRASH_BUILTIN_KEXEC].node,
		},
		.registered = true,
	},
};

/* crash_chain.order= */
static int crash_order_set(const char *val, const struct kernel_param *kp)
{
	int order;

	if (crash_order_parse(val, &order)) {
		pr_err("crash_chain: order=%.*s: expected persist-first or handoff-first\n",
		       (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	/* One word: a run reads it once, with READ_ONCE(), as it begins. */
	WRITE_ONCE(crash_chain.order, order);
	return 0;
}

static int crash_order_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  READ_ONCE(crash_chain.order) ==
			  CRASH_ORDER_HANDOFF_FIRST ?
			  "handoff-first" : "persist-first");
}

static const struct kernel_param_ops crash_order_ops = {
	.set = crash_order_set,
	.get = crash_order_get,
};
module_param_cb(order, &crash_order_ops, NULL, 0644);
MODULE_PARM_DESC(order, "persist-first (default) or handoff-first");

module_param_named(capture_ms, crash_chain.budget_ms[CRASH_STAGE_CAPTURE],
		   uint, 0644);
module_param_named(persist_ms, crash_chain.budget_ms[CRASH_STAGE_PERSIST],
		   uint, 0644);
module_param_named(stream_ms, crash_chain.budget_ms[CRASH_STAGE_STREAM],
		   uint, 0644);
module_param_named(handoff_ms, crash_chain.budget_ms[CRASH_STAGE_HANDOFF],
		   uint, 0644);
module_param_named(legacy_ms, crash_chain.budget_ms[CRASH_STAGE_LEGACY],
		   uint, 0644);
MODULE_PARM_DESC(persist_ms, "time budget of a stage in ms, 0 for none");

/**
 * crash_handler_register() - put a handler on the crash chain
 * @h: the handler; @h->name, @h->stage, @h->reasons and @h->run set
 *
 * May sleep.  Safe against a crash on another CPU at any moment.
 *
 * Return: 0, -EINVAL for an incomplete handler, -EBUSY if registered.
 */
int crash_handler_register(struct crash_handler *h)
{
	return crash_chain_add(&crash_chain, h);
}
EXPORT_SYMBOL_GPL(crash_handler_register);

/**
 * crash_handler_unregister() - take a handler off the crash chain
 * @h: the handler
 *
 * May sleep; returns once no run can be using @h.
 */
void crash_handler_unregister(struct crash_handler *h)
{
	crash_chain_del(&crash_chain, h);
}
EXPORT_SYMBOL_GPL(crash_handler_unregister);

/*
 * The registers of a fatal oops, for the capture stage and kdump: the
 * oops path records them before panic() is called from further down the
 * same path, so they are used only by that CPU and task.
 */
static struct {
	struct pt_regs regs;
	struct task_struct *task;
	int cpu;
} crash_fatal_oops = { .cpu = -1 };

/**
 * crash_chain_oops_end() - the oops path is about to finish an oops
 * @regs: the registers at the oops
 *
 * Called by the architecture's oops_end() in place of upstream's
 * crash_kexec(regs).  If the oops is going to end in panic() (in
 * interrupt, in init or the idle task, or panic_on_oops), remember its
 * registers for the panic run.
 */
void crash_chain_oops_end(struct pt_regs *regs)
{
	if (!regs || !(in_interrupt() || !current->pid ||
		       is_global_init(current) || panic_on_oops))
		return;
	/* An oops inside a handler: the run keeps its own fault's registers. */
	if (atomic_read(&crash_chain.run_cpu) == raw_smp_processor_id())
		return;
	crash_fatal_oops.regs = *regs;
	crash_fatal_oops.task = current;
	WRITE_ONCE(crash_fatal_oops.cpu, raw_smp_processor_id());
}

static struct pt_regs *crash_fatal_oops_regs(void)
{
	if (READ_ONCE(crash_fatal_oops.cpu) != raw_smp_processor_id() ||
	    crash_fatal_oops.task != current)
		return NULL;
	return &crash_fatal_oops.regs;
}

/*
 * What the path about to call panic() said brought the machine down:
 * like the fatal oops above, kept for the next run on that CPU.
 */
static struct {
	enum crash_cause cause;
	const char *text;
	int cpu;
} crash_pending_cause = { .cpu = -1 };

/**
 * crash_chain_cause() - say why the machine is going down, before panic()
 * @cause: what the caller found (mce_panic(): a fatal machine check)
 * @text: lines of text that say more, each ending in a newline, or NULL;
 *	they must stay as they are until the machine resets
 *
 * The next run on this CPU has @cause and @text in its context, and
 * @cause in its receipt.  May be called in any context, NMI and machine
 * check included.
 */
void crash_chain_cause(enum crash_cause cause, const char *text)
{
	if (cause >= CRASH_NR_CAUSES)
		return;
	crash_pending_cause.cause = cause;
	crash_pending_cause.text = text;
	/* pairs with the READ_ONCE() in crash_run_cause(), on this CPU */
	WRITE_ONCE(crash_pending_cause.cpu, raw_smp_processor_id());
}

/**
 * crash_chain_running_here() - whether this CPU is running the crash chain
 *
 * For code that printk reaches from anywhere (a console's write): true
 * inside a run on this CPU, oops runs included, where oops_in_progress
 * has already dropped but the crash-time rules hold (trylock only).
 *
 * Return: true if this CPU owns a run of the kernel's chain.
 */
bool crash_chain_running_here(void)
{
	return atomic_read(&crash_chain.run_cpu) == raw_smp_processor_id();
}
EXPORT_SYMBOL_GPL(crash_chain_running_here);

/**
 * crash_run_note() - add a line to the receipt of the run in progress
 * @fmt: printf format, without a newline
 *
 * For a handler of the run (a capture handler telling what it found, say
 * x86-64's corrected machine checks): the receipt keeps one such line,
 * the last one written, cut at CRASH_RECEIPT_NOTE_LEN, and prints it
 * with the run's lines.  Called from anywhere else, it does nothing.
 */
void crash_run_note(const char *fmt, ...)
{
	struct crash_receipt *r = &crash_chain.run.receipt;
	va_list args;

	if (atomic_read(&crash_chain.run_cpu) != raw_smp_processor_id())
		return;
	va_start(args, fmt);
	vscnprintf(r->note, sizeof(r->note), fmt, args);
	va_end(args);
	crash_run_info(&crash_chain, "note: %.*s", (int)sizeof(r->note),
		       r->note);
}

static void crash_run_cause(struct crash_context *ctx)
{
	if (READ_ONCE(crash_pending_cause.cpu) != raw_smp_processor_id())
		return;
	ctx->cause = crash_pending_cause.cause;
	ctx->cause_text = crash_pending_cause.text;
}

static void __noreturn crash_finish_shutdown(void)
{
	switch (system_state) {
	case SYSTEM_HALT:
		machine_halt();
		break;
	case SYSTEM_POWER_OFF:
		machine_power_off();
		break;
	default:
		machine_restart(NULL);
		break;
	}
	machine_emergency_restart();
	for (;;)
		cpu_relax();
}

/* A run was finished in a frame of a fault: see the DOC comment above. */
static void crash_chain_finish(const char *why)
{
	switch (crash_chain.last.reason) {
	case KMSG_DUMP_PANIC:
		panic("crash_chain: %s", why);
	case KMSG_DUMP_EMERG:
		machine_emergency_restart();
		break;
	case KMSG_DUMP_SHUTDOWN:
		crash_finish_shutdown();
	default:
		break;
	}
}

#ifdef CONFIG_CRASH_DUMP
/*
 * The registers of the caller, as they are where this call returns to:
 * a debugger unwinds the panicking task's stack from there.  Its own
 * frame is gone by then, so it may be as non-standard as
 * crash_setup_regs() needs.
 */
static noinline void crash_save_caller_regs(struct pt_regs *regs)
{
	crash_setup_regs(regs, NULL);
#ifdef CONFIG_X86_64
	/* with the frame pointer this forces: the return address above it */
	regs->sp = (unsigned long)__builtin_frame_address(0) + 16;
	regs->bp = *(unsigned long *)__builtin_frame_address(0);
#endif
	instruction_pointer_set(regs, _RET_IP_);
}

STACK_FRAME_NON_STANDARD(crash_save_caller_regs);
#endif

/* Run the stages in @stages of the kernel's chain for @reason. */
void crash_chain_run_stages(enum kmsg_dump_reason reason, const char *desc,
			    unsigned int stages)
{
	struct crash_context ctx = {
		.reason = reason,
		.desc = desc,
		.regs = crash_fatal_oops_regs(),
	};
#ifdef CONFIG_CRASH_DUMP
	struct pt_regs here;

	/*
	 * A panic's own registers, taken here in the panicking frame: the
	 * hand-off may run in a frame nested much deeper (a handler that
	 * faulted), whose registers would show the fault, not the panic.
	 */
	if (!ctx.regs && reason == KMSG_DUMP_PANIC) {
		crash_save_caller_regs(&here);
		ctx.regs = &here;
	}
#endif
	if (reason == KMSG_DUMP_PANIC)
		crash_run_cause(&ctx);
	if (crash_chain_walk_run(&crash_chain, &ctx, stages) ==
	    CRASH_RUN_RESUMED && reason == KMSG_DUMP_OOPS)
		crash_chain_finish("a handler faulted");
}

/**
 * crash_chain_run() - run the crash chain for a reason
 * @reason: panic, oops, emergency restart or shutdown
 * @desc: the panic message, or NULL
 *
 * The one call panic(), the oops path and the reboot paths make.  A panic
 * run does not return if a capture kernel takes over.
 */
void crash_chain_run(enum kmsg_dump_reason reason, const char *desc)
{
	crash_chain_run_stages(reason, desc, BIT(CRASH_NR_STAGES) - 1);
}
EXPORT_SYMBOL_GPL(crash_chain_run);

#ifdef CONFIG_CRASH_CHAIN_WATCHDOG
/**
 * crash_chain_watch() - watch the crash chain's budgets, if wanted
 *
 * Called by the architecture's crash stop on each CPU it stops, with
 * interrupts off, after the CPU saved its registers.  The first CPU to
 * come watches the handlers of the chain until the hand-off or the end
 * of the panic run retires it; it returns at once on the others, and when
 * no run wants a watchdog.
 */
void crash_chain_watch(void)
{
	atomic_t *state = &crash_chain.watch.state;

	if (!crash_watch_volunteer(&crash_chain))
		return;
	while (atomic_read(state) == CRASH_WATCH_ON) {
		crash_watch_poll(&crash_chain);
		cpu_relax();
	}
	atomic_set(state, CRASH_WATCH_OFF);
}

/* Where a run whose handler was stopped goes on; see watch.c. */
static unsigned long crash_resume_stack[THREAD_SIZE / sizeof(long)]
	__aligned(16);

static void __noreturn crash_chain_resume(void)
{
	local_irq_disable();
	crash_chain_abandon(&crash_chain);
	crash_chain_finish("a handler ran past its budget");
	for (;;)
		cpu_relax();
}

/**
 * crash_chain_nmi() - an NMI on the CPU that stopped the others
 * @regs: where the NMI interrupted it; changed to abandon that frame
 *
 * If the watchdog sent it because the handler running there is past its
 * deadline, the NMI returns into a fresh frame that finishes the run
 * without it.
 */
void crash_chain_nmi(struct pt_regs *regs)
{
	static bool said;

	if (crash_chain_overdue(&crash_chain) &&
	    !arch_crash_redirect(regs, crash_chain_resume, crash_resume_stack +
				 ARRAY_SIZE(crash_resume_stack)) && !said) {
		said = true;
		pr_emerg("crash_chain: cannot leave the overdue handler: unexpected NMI frame\n");
	}
}
#endif

static ssize_t receipt_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct crash_receipt *r = kmalloc(sizeof(*r), GFP_KERNEL);
	int n;

	if (!r)
		return -ENOMEM;
	crash_chain_last_receipt(&crash_chain, r);
	if (r->reason == KMSG_DUMP_UNDEF)
		n = sysfs_emit(buf, "no run yet\n");
	else
		n = crash_receipt_format(r, buf, PAGE_SIZE);
	kfree(r);
	return n;
}

static ssize_t handlers_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct crash_handler *h;
	int n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(h, &crash_chain.handlers, node)
		n += sysfs_emit_at(buf, n, "%-8s %5d 0x%02x %s\n",
				   crash_stage_name(h->stage), h->priority,
				   h->reasons, h->name);
	rcu_read_unlock();
	return n;
}

static struct kobj_attribute receipt_attr = __ATTR_RO(receipt);
static struct kobj_attribute handlers_attr = __ATTR_RO(handlers);

static struct attribute *crash_chain_attrs[] = {
	&receipt_attr.attr,
	&handlers_attr.attr,
	NULL
};

static const struct attribute_group crash_chain_group = {
	.attrs = crash_chain_attrs,
};

static int __init crash_chain_sysfs_init(void)
{
	struct kobject *kobj = kobject_create_and_add("crash_chain",
						      kernel_kobj);

	if (!kobj)
		return -ENOMEM;
	return sysfs_create_group(kobj, &crash_chain_group);
}
subsys_initcall(crash_chain_sysfs_init);
