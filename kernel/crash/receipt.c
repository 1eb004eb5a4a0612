// SPDX-License-Identifier: GPL-2.0
/*
 * The crash chain's receipt: a line per handler a run considered, its
 * text form, and printing it while the run goes on.
 *
 * Everything here runs inside a run, on the CPU that owns it: no lock,
 * no allocation, the text built on the stack.
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "chain.h"

static const char * const crash_reason_names[KMSG_DUMP_MAX] = {
	[KMSG_DUMP_UNDEF]	= "undef",
	[KMSG_DUMP_PANIC]	= "panic",
	[KMSG_DUMP_OOPS]	= "oops",
	[KMSG_DUMP_EMERG]	= "emergency",
	[KMSG_DUMP_SHUTDOWN]	= "shutdown",
};

static const char *crash_reason_name(enum kmsg_dump_reason reason)
{
	return reason < KMSG_DUMP_MAX ? crash_reason_names[reason] : "?";
}

static const char * const crash_cause_names[CRASH_NR_CAUSES] = {
	[CRASH_CAUSE_MCE]	= "machine check",
};

static const char * const crash_result_names[] = {
	[CRASH_RESULT_OK]		= "ok",
	[CRASH_RESULT_IDLE]		= "idle",
	[CRASH_RESULT_FAILED]		= "failed",
	[CRASH_RESULT_FAULT]		= "FAULT",
	[CRASH_RESULT_OVER_BUDGET]	= "over-budget",
	[CRASH_RESULT_LATE]		= "late",
	[CRASH_RESULT_SKIPPED]		= "skipped",
	[CRASH_RESULT_DEAD]		= "dead",
	[CRASH_RESULT_STOPPED]		= "stopped",
};

/* Append a line for @h to the run's receipt; @since 0: it did not run. */
void crash_run_record(struct crash_chain *c, struct crash_handler *h,
		      enum crash_result result, int err, u64 since)
{
	struct crash_receipt *r = &c->run.receipt;
	struct crash_receipt_line *l;

	if (result == CRASH_RESULT_FAULT)
		r->faults++;
	if (result == CRASH_RESULT_OVER_BUDGET || result == CRASH_RESULT_LATE)
		r->overruns++;
	if (r->nr_lines >= CRASH_RECEIPT_LINES) {
		r->dropped++;
		return;
	}
	l = &r->line[r->nr_lines++];
	strscpy(l->name, h->name, sizeof(l->name));
	l->stage = h->stage;
	l->result = result;
	l->err = clamp(err, S16_MIN, 0);
	l->usecs = since ? min_t(u64, div_u64(c->clock() - since,
					      NSEC_PER_USEC), U32_MAX) : 0;
}

/**
 * crash_receipt_line_format() - one receipt line as text
 * @l: the line
 * @buf: where to write it, NUL-terminated, no newline
 * @size: size of @buf
 *
 * Return: what snprintf() returns.
 */
int crash_receipt_line_format(const struct crash_receipt_line *l, char *buf,
			      size_t size)
{
	char result[24];

	if (l->result == CRASH_RESULT_FAILED)
		snprintf(result, sizeof(result), "failed %pe",
			 ERR_PTR(l->err));
	else if (l->result < ARRAY_SIZE(crash_result_names))
		strscpy(result, crash_result_names[l->result], sizeof(result));
	else
		strscpy(result, "?", sizeof(result));
	return snprintf(buf, size, "%-8s %-24s %-16s %8u us",
			crash_stage_name(l->stage), l->name, result, l->usecs);
}
EXPORT_SYMBOL_IF_KUNIT(crash_receipt_line_format);

static int crash_receipt_summary(const struct crash_receipt *r, char *buf,
				 size_t size)
{
	unsigned int n = r->nr_lines + r->dropped;
	int len;

	len = scnprintf(buf, size, "%s run", crash_reason_name(r->reason));
	if (r->cause > CRASH_CAUSE_NONE && r->cause < CRASH_NR_CAUSES)
		len += scnprintf(buf + len, size - len, " (%s)",
				 crash_cause_names[r->cause]);
	len += scnprintf(buf + len, size - len, ": %u handler%s, %u fault%s, ",
			 n, n == 1 ? "" : "s", r->faults,
			 r->faults == 1 ? "" : "s");
	if (r->overruns)
		len += scnprintf(buf + len, size - len, "%u over budget, ",
				 r->overruns);
	len += scnprintf(buf + len, size - len, "%llu us", r->usecs);
	if (r->taken_from >= 0)
		len += scnprintf(buf + len, size - len,
				 "; took over CPU %d's run", r->taken_from);
	if (r->unwatched)
		len += scnprintf(buf + len, size - len, "; no watchdog%s",
				 r->handoff_moved ? ", hand-off first" : "");
	if (r->dropped)
		len += scnprintf(buf + len, size - len,
				 "; some lines not recorded");
	return len;
}

/**
 * crash_receipt_format() - a whole receipt as text, a line per handler
 * @r: the receipt
 * @buf: where to write it
 * @size: size of @buf
 *
 * Return: bytes written, as scnprintf() counts them.
 */
int crash_receipt_format(const struct crash_receipt *r, char *buf, size_t size)
{
	char line[192];	/* the longest summary: about 170 */
	unsigned int i;
	int n;

	crash_receipt_summary(r, line, sizeof(line));
	n = scnprintf(buf, size, "%s\n", line);
	if (r->note[0])
		n += scnprintf(buf + n, size - n, "note: %.*s\n",
			       (int)sizeof(r->note), r->note);
	for (i = 0; i < r->nr_lines; i++) {
		crash_receipt_line_format(&r->line[i], line, sizeof(line));
		n += scnprintf(buf + n, size - n, "%s\n", line);
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(crash_receipt_format);

/**
 * crash_run_info() - a line about the run in progress
 * @c: the chain
 * @fmt: printf format, without the "crash_chain: " prefix or newline
 *
 * A panic run's lines reach the consoles whatever the loglevel.
 */
void crash_run_info(const struct crash_chain *c, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (!c->print)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (c->run.receipt.reason == KMSG_DUMP_PANIC)
		pr_emerg("crash_chain: %pV\n", &vaf);
	else
		pr_info("crash_chain: %pV\n", &vaf);
	va_end(args);
}

/*
 * Print receipt lines [first, nr_lines), after a summary or a heading.
 * The lines before @first were printed under headings earlier in the run.
 */
void crash_run_print(struct crash_chain *c, unsigned int first, bool summary)
{
	const struct crash_receipt *r = &c->run.receipt;
	char line[192];	/* the longest summary: about 170 */
	unsigned int i;

	if (summary) {
		crash_receipt_summary(r, line, sizeof(line));
		if (first)
			crash_run_info(c, "%s; first %u line%s above", line,
				       first, first == 1 ? "" : "s");
		else
			crash_run_info(c, "%s", line);
	} else {
		crash_run_info(c, "receipt so far:");
	}
	for (i = first; i < r->nr_lines; i++) {
		crash_receipt_line_format(&r->line[i], line, sizeof(line));
		crash_run_info(c, "  %s", line);
	}
}
