// SPDX-License-Identifier: GPL-2.0
/*
 * The machine-check records of a crash: their text form (one line per
 * bank, for the log, pstore and netconsole), the memory they say is bad,
 * and the ELF note that carries them to the capture kernel.
 *
 * DOC: crash-time rules
 *
 * The text, range and note functions are pure functions of their
 * arguments: no lock, no allocation, bounded by the record count.  A
 * record is never trusted: a bank past the CPU's banks or ADDRV without
 * an address is written as it is and marked.
 *
 * crash_mce_panic() runs in mce_panic(), in the machine-check handler of
 * the one CPU that won mce_panicked (the others wait in it for the
 * panic), with the records of every CPU that saw the event in the pending
 * list mce_gen_pool_prepare_records() returned.  It copies them into
 * static storage (at most CRASH_MCE_MAX, the fatal one always), writes
 * their lines and the note the crashed kernel's ELF header points to, and
 * tells the chain the panic that follows is a machine check's, with the
 * lines.  The note is written here, not in a handler, so that it is there
 * whatever part of the run comes next: a machine check that hits a
 * handler of a run already going is a nested panic, and the run goes on
 * from the next handler.  The chain's "mce" capture handler, the first of
 * every panic run, then prints the lines and puts the corrected errors
 * counted since boot in the receipt.  Nothing here takes a lock or
 * allocates; a second machine check on the CPU inside mce_panic() (MCIP
 * still set) shuts the machine down before any of this sees it.
 *
 * The counts of corrected errors are atomics that the decode chain
 * (process context) adds to and the crash reads.
 */
#include <linux/crash_chain.h>
#include <linux/crash_dump.h>
#include <linux/crash_handoff.h>
#include <linux/elf.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/llist.h>
#include <linux/log2.h>
#include <linux/notifier.h>
#include <linux/pfn.h>
#include <linux/printk.h>
#include <linux/range.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/vmcore_info.h>
#include <kunit/visibility.h>
#include <asm/crash_mce.h>
#include <asm/page.h>

#include "../kernel/cpu/mce/internal.h"
#include "mce.h"

/* internal.h names everything "mce: "; these lines say whose they are */
#undef pr_fmt
#define pr_fmt(fmt) fmt

static const struct {
	u64 bit;
	const char *name;
} crash_mce_bits[] = {
	{ MCI_STATUS_OVER, "OVER" },
	{ MCI_STATUS_UC, "UC" },
	{ MCI_STATUS_EN, "EN" },
	{ MCI_STATUS_MISCV, "MISCV" },
	{ MCI_STATUS_ADDRV, "ADDRV" },
	{ MCI_STATUS_PCC, "PCC" },
};

/**
 * crash_mce_format() - one bank's record as a line of text
 * @m: the record
 * @nr_banks: the banks the CPU has (0: unknown, not checked)
 * @buf: where the line goes, NUL-terminated, without a newline
 * @size: its size; CRASH_MCE_LINE_MAX always suffices
 *
 * cpu, bank, status, addr, misc, mcgstatus, ip, time, then the status
 * bits set (OVER UC EN MISCV ADDRV PCC), "not-valid" without VAL, and
 * "bad-bank" or "bad-addr" for a bank past @nr_banks or ADDRV with an
 * address of 0.
 *
 * Return: the length of the line, as scnprintf().
 */
int crash_mce_format(const struct mce *m, unsigned int nr_banks, char *buf,
		     size_t size)
{
	int n, i;

	n = scnprintf(buf, size, "cpu %u bank %u status 0x%016llx addr 0x%016llx",
		      m->extcpu, m->bank, m->status, m->addr);
	n += scnprintf(buf + n, size - n,
		       " misc 0x%016llx mcgstatus 0x%016llx ip 0x%016llx time %llu",
		       m->misc, m->mcgstatus, m->ip, m->time);
	if (!(m->status & MCI_STATUS_VAL))
		n += scnprintf(buf + n, size - n, " not-valid");
	for (i = 0; i < ARRAY_SIZE(crash_mce_bits); i++)
		if (m->status & crash_mce_bits[i].bit)
			n += scnprintf(buf + n, size - n, " %s",
				       crash_mce_bits[i].name);
	if (nr_banks && m->bank >= nr_banks)
		n += scnprintf(buf + n, size - n, " bad-bank");
	if ((m->status & MCI_STATUS_ADDRV) && !m->addr)
		n += scnprintf(buf + n, size - n, " bad-addr");
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_format);

/**
 * crash_mce_bad_range() - the memory an uncorrected error was reported in
 * @m: the record
 * @start: its first byte
 * @end: its last byte
 *
 * The page of the address; with MISCV, the block of 2^lsb bytes that
 * MCi_MISC's address LSB says the address is within, up to 2 MiB (a
 * larger block is not believed: the page only).
 *
 * Return: whether the record names bad memory: VAL, UC and ADDRV with an
 * address.
 */
bool crash_mce_bad_range(const struct mce *m, u64 *start, u64 *end)
{
	const u64 need = MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_ADDRV;
	unsigned int lsb = PAGE_SHIFT;

	if ((m->status & need) != need || !m->addr)
		return false;
	if ((m->status & MCI_STATUS_MISCV) &&
	    MCI_MISC_ADDR_LSB(m->misc) > PAGE_SHIFT &&
	    MCI_MISC_ADDR_LSB(m->misc) <= ilog2(SZ_2M))
		lsb = MCI_MISC_ADDR_LSB(m->misc);
	*start = m->addr & ~((1ULL << lsb) - 1);
	*end = *start + (1ULL << lsb) - 1;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_bad_range);

#define CRASH_MCE_NAME_SIZE	ALIGN(sizeof(CRASH_MCE_NOTE_NAME), 4)

/**
 * crash_mce_note_size() - the bytes of a note of @nr records
 * @nr: the records
 *
 * Return: the note's header, name and description, and the empty note
 * that ends the list.
 */
size_t crash_mce_note_size(unsigned int nr)
{
	return CRASH_MCE_NOTE_SIZE(nr);
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_note_size);

/**
 * crash_mce_note_build() - the records of a crash as an ELF note
 * @buf: where the note goes
 * @size: its size
 * @recs: the records
 * @nr: how many
 * @lost: records of the same crash already left out
 *
 * As many records as fit in @size; those that do not are counted as
 * lost.  The note is followed by an empty one, as the crash notes are.
 *
 * Return: the bytes written, or 0 if not even an empty note fits.
 */
size_t crash_mce_note_build(void *buf, size_t size, const struct mce *recs,
			    unsigned int nr, unsigned int lost)
{
	struct elf64_note *note = buf;
	struct crash_mce_desc desc;
	size_t used;
	char *p;

	if (size < crash_mce_note_size(0))
		return 0;
	while (crash_mce_note_size(nr) > size) {
		nr--;
		lost++;
	}
	desc = (struct crash_mce_desc) {
		.version = CRASH_MCE_VERSION,
		.nr = nr,
		.lost = lost,
		.rec_size = sizeof(struct mce),
	};
	used = crash_mce_note_size(nr);
	memset(buf, 0, used);
	note->n_namesz = sizeof(CRASH_MCE_NOTE_NAME);
	note->n_descsz = sizeof(desc) + nr * sizeof(struct mce);
	note->n_type = NT_CRASH_MCE;
	p = (char *)(note + 1);
	memcpy(p, CRASH_MCE_NOTE_NAME, sizeof(CRASH_MCE_NOTE_NAME));
	p += CRASH_MCE_NAME_SIZE;
	memcpy(p, &desc, sizeof(desc));
	memcpy(p + sizeof(desc), recs, nr * sizeof(struct mce));
	/* the empty note that ends the list stays zeroed */
	return used;
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_note_build);

static void crash_range_add(struct range *r, unsigned int *nr,
			    unsigned int max, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < *nr; i++) {
		if (start <= r[i].end && end >= r[i].start) {
			r[i].start = min(r[i].start, start);
			r[i].end = max(r[i].end, end);
			return;
		}
	}
	if (*nr < max)
		r[(*nr)++] = (struct range) { start, end };
}

/**
 * crash_mce_note_ranges() - the bad memory the machine-check notes name
 * @notes: ELF notes, one after the other (a dump's merged notes)
 * @size: their bytes
 * @r: where the ranges go, inclusive; overlapping ones are merged
 * @max: room in @r
 *
 * Reads every CRASH-MCE note of type NT_CRASH_MCE whose description is
 * whole (a note that says it has more records than it holds gives those
 * it holds; records shorter than status, misc and addr give none) and
 * takes crash_mce_bad_range() of each record.  The walk stops at the
 * first note that does not fit in @size.
 *
 * Return: the ranges in @r.
 */
unsigned int crash_mce_note_ranges(const void *notes, size_t size,
				   struct range *r, unsigned int max)
{
	const size_t need = offsetofend(struct mce, addr);
	unsigned int nr = 0;
	size_t pos = 0;

	while (size - pos >= sizeof(struct elf64_note)) {
		const struct elf64_note *n = notes + pos;
		u64 namesz = ALIGN((u64)n->n_namesz, 4);
		u64 descsz = ALIGN((u64)n->n_descsz, 4);
		const char *name = (const char *)(n + 1);
		const struct crash_mce_desc *d;
		const u8 *rec;
		u32 i, nrec;

		if (!n->n_namesz ||
		    namesz + descsz > size - pos - sizeof(*n))
			break;
		pos += sizeof(*n) + namesz + descsz;
		if (n->n_type != NT_CRASH_MCE ||
		    n->n_namesz != sizeof(CRASH_MCE_NOTE_NAME) ||
		    memcmp(name, CRASH_MCE_NOTE_NAME, n->n_namesz) ||
		    n->n_descsz < sizeof(*d))
			continue;
		d = (const void *)(name + namesz);
		if (d->version != CRASH_MCE_VERSION || d->rec_size < need)
			continue;
		nrec = min_t(u64, d->nr,
			     (n->n_descsz - sizeof(*d)) / d->rec_size);
		rec = (const u8 *)(d + 1);
		for (i = 0; i < nrec; i++, rec += d->rec_size) {
			struct mce m = { };
			u64 start, end;

			memcpy(&m, rec, min_t(u32, d->rec_size, sizeof(m)));
			if (crash_mce_bad_range(&m, &start, &end))
				crash_range_add(r, &nr, max, start, end);
		}
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_note_ranges);

static bool crash_mce_same(const struct mce *a, const struct mce *b)
{
	return a->extcpu == b->extcpu && a->bank == b->bank &&
	       a->status == b->status && a->addr == b->addr &&
	       a->misc == b->misc;
}

static void crash_mce_keep(struct crash_mce_saved *s, const struct mce *m,
			   unsigned int room)
{
	if (s->nr < room)
		s->rec[s->nr++] = *m;
	else
		s->lost++;
}

/**
 * crash_mce_collect() - the records of a fatal machine check, in order
 * @s: where they go; emptied first
 * @pending: the records mce_panic() prints (struct mce_evt_llist)
 * @final: the record that decided the panic, or NULL
 *
 * mce_panic()'s order: the corrected records, then the uncorrected ones,
 * then @final, which is left out of the pending ones it is also among.
 * @final is always kept; pending records past the room left are counted
 * in @s->lost.
 */
void crash_mce_collect(struct crash_mce_saved *s, struct llist_node *pending,
		       const struct mce *final)
{
	unsigned int room = CRASH_MCE_MAX - !!final;
	struct mce_evt_llist *l;
	int uc;

	s->nr = 0;
	s->lost = 0;
	for (uc = 0; uc < 2; uc++) {
		llist_for_each_entry(l, pending, llnode) {
			if (!!(l->mce.status & MCI_STATUS_UC) != uc ||
			    (final && crash_mce_same(&l->mce, final)))
				continue;
			crash_mce_keep(s, &l->mce, room);
		}
	}
	if (final)
		s->rec[s->nr++] = *final;
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_collect);

/**
 * crash_mce_text() - the records of a crash as lines of text
 * @buf: where the lines go, each ending in a newline, NUL-terminated
 * @size: its size
 * @s: the records
 *
 * A line per record (crash_mce_format()), then one that counts the
 * records not kept, if any.  Lines that do not fit whole are left out.
 *
 * Return: the bytes written, without the NUL.
 */
size_t crash_mce_text(char *buf, size_t size, const struct crash_mce_saved *s)
{
	char line[CRASH_MCE_LINE_MAX];
	size_t n = 0, len;
	unsigned int i;

	if (!size)
		return 0;
	buf[0] = '\0';
	for (i = 0; i <= s->nr; i++) {
		if (i < s->nr)
			len = crash_mce_format(&s->rec[i],
					       s->rec[i].mcgcap & MCG_BANKCNT_MASK,
					       line, sizeof(line));
		else if (s->lost)
			len = scnprintf(line, sizeof(line),
					"%u more records not kept", s->lost);
		else
			break;
		if (n + len + 2 > size)
			break;
		memcpy(buf + n, line, len);
		buf[n + len] = '\n';
		n += len + 1;
		buf[n] = '\0';
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_text);

static const char * const crash_mce_kind_names[CRASH_MCE_NR_KINDS] = {
	[CRASH_MCE_MEMORY]	= "memory",
	[CRASH_MCE_CACHE]	= "cache",
	[CRASH_MCE_TLB]		= "tlb",
	[CRASH_MCE_BUS]		= "bus",
	[CRASH_MCE_OTHER]	= "other",
};

/**
 * crash_mce_kind() - the kind of error a bank's status reports
 * @status: MCi_STATUS
 *
 * By the architectural compound error code in MCACOD (bits 15:0, the
 * filter bit 12 ignored), which Intel and AMD share: memory controller
 * (0000 0000 1MMM CCCC), cache hierarchy (0000 0001 RRRR TTLL), TLB
 * (0000 0000 0001 TTLL), bus and interconnect (0000 1PPT RRRR IILL);
 * anything else, simple and model-specific codes included, is "other".
 *
 * Return: enum crash_mce_kind.
 */
enum crash_mce_kind crash_mce_kind(u64 status)
{
	u16 code = status & 0xefff;

	if ((code & 0xff80) == 0x0080)
		return CRASH_MCE_MEMORY;
	if ((code & 0xff00) == 0x0100)
		return CRASH_MCE_CACHE;
	if ((code & 0xfff0) == 0x0010)
		return CRASH_MCE_TLB;
	if ((code & 0xf800) == 0x0800)
		return CRASH_MCE_BUS;
	return CRASH_MCE_OTHER;
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_kind);

/**
 * crash_mce_counts_format() - corrected errors by kind, as text
 * @buf: where the text goes
 * @size: its size
 * @counts: CRASH_MCE_NR_KINDS counts
 *
 * Return: the length, as scnprintf(); 0 when every count is 0.
 */
int crash_mce_counts_format(char *buf, size_t size, const unsigned long *counts)
{
	unsigned long total = 0;
	int i, n;

	for (i = 0; i < CRASH_MCE_NR_KINDS; i++)
		total += counts[i];
	if (!total) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	n = scnprintf(buf, size, "%lu corrected machine check%s since boot:",
		      total, total == 1 ? "" : "s");
	for (i = 0; i < CRASH_MCE_NR_KINDS; i++)
		n += scnprintf(buf + n, size - n, " %s %lu",
			       crash_mce_kind_names[i], counts[i]);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(crash_mce_counts_format);

static struct crash_mce_saved crash_mce_saved;
static bool crash_mce_panicking;
static char crash_mce_lines[CRASH_MCE_MAX * CRASH_MCE_LINE_MAX];
static atomic_long_t crash_mce_corrected[CRASH_MCE_NR_KINDS];

/* The crashed kernel's ELF header points here: one page of notes */
static u8 crash_mce_note[PAGE_SIZE] __aligned(PAGE_SIZE);

static void crash_mce_counts(unsigned long *counts)
{
	int i;

	for (i = 0; i < CRASH_MCE_NR_KINDS; i++)
		counts[i] = atomic_long_read(&crash_mce_corrected[i]);
}

/**
 * crash_mce_panic() - a fatal machine check is about to panic
 * @pending: the records mce_panic() printed
 * @final: the one that decided the panic, or NULL
 *
 * Called by mce_panic() right before its panic(); see the DOC comment.
 */
void crash_mce_panic(struct llist_node *pending, const struct mce *final)
{
	struct crash_mce_saved *s = &crash_mce_saved;

	if (crash_mce_panicking)
		return;
	crash_mce_panicking = true;
	crash_mce_collect(s, pending, final);
	crash_mce_text(crash_mce_lines, sizeof(crash_mce_lines), s);
	crash_mce_note_build(crash_mce_note, sizeof(crash_mce_note), s->rec,
			     s->nr, s->lost);
	crash_chain_cause(CRASH_CAUSE_MCE, crash_mce_lines);
}

/*
 * The capture handler, first of every panic run: the corrected errors
 * before the crash in the receipt, and a fatal machine check's records in
 * the log, where every target of the run finds them.
 */
static int crash_mce_run(struct crash_handler *h,
			 const struct crash_context *ctx)
{
	unsigned long counts[CRASH_MCE_NR_KINDS];
	char line[CRASH_MCE_LINE_MAX];
	const char *p, *end;
	int done = CRASH_NOT_MINE;

	crash_mce_counts(counts);
	if (crash_mce_counts_format(line, sizeof(line), counts)) {
		crash_run_note("%s", line);
		done = 0;
	}
	if (ctx->cause != CRASH_CAUSE_MCE || !ctx->cause_text)
		return done;
	for (p = ctx->cause_text; *p; p = end + 1) {
		end = strchrnul(p, '\n');
		pr_emerg("crash: mce: %.*s\n", (int)(end - p), p);
		if (!*end)
			break;
	}
	return 0;
}

static struct crash_handler crash_mce_handler = {
	.name = "mce",
	.stage = CRASH_STAGE_CAPTURE,
	.priority = -100,	/* before stop-cpus: nothing comes before it */
	.reasons = CRASH_REASON(KMSG_DUMP_PANIC),
	.run = crash_mce_run,
};

/**
 * crash_arch_note() - the note segment x86-64 adds to a crash ELF header
 * @paddr: set to its physical address
 * @size: set to its size
 *
 * The machine-check records of a crash (crash_mce_run()); all zeroes, no
 * note, until a fatal machine check.
 */
void crash_arch_note(phys_addr_t *paddr, u64 *size)
{
	*paddr = __pa_symbol(crash_mce_note);
	*size = sizeof(crash_mce_note);
}

#ifdef CONFIG_VMCORE_INFO
/**
 * crash_arch_vmcoreinfo() - x86-64's vmcoreinfo lines at crash time
 *
 * The corrected machine checks since boot, a line per kind:
 * MCE_CORRECTED(memory)=2 and so on, 0 included.
 */
void crash_arch_vmcoreinfo(void)
{
	unsigned long counts[CRASH_MCE_NR_KINDS];
	int i;

	crash_mce_counts(counts);
	for (i = 0; i < CRASH_MCE_NR_KINDS; i++)
		vmcoreinfo_append_str("MCE_CORRECTED(%s)=%lu\n",
				      crash_mce_kind_names[i], counts[i]);
}
#endif

/*
 * Every record the kernel logs passes the decode chain, in process
 * context (mce_gen_pool_process()): count the corrected ones.
 */
static int crash_mce_count(struct notifier_block *nb, unsigned long val,
			   void *data)
{
	const struct mce *m = data;

	if (m && (m->status & MCI_STATUS_VAL) && !(m->status & MCI_STATUS_UC))
		atomic_long_inc(&crash_mce_corrected[crash_mce_kind(m->status)]);
	return NOTIFY_DONE;
}

static struct notifier_block crash_mce_counter = {
	.notifier_call = crash_mce_count,
	.priority = MCE_PRIO_HIGHEST,
};

static int __init crash_mce_init(void)
{
	BUILD_BUG_ON(CRASH_MCE_NOTE_SIZE(CRASH_MCE_MAX) > PAGE_SIZE);
	mce_register_decode_chain(&crash_mce_counter);
	return crash_handler_register(&crash_mce_handler);
}
early_initcall(crash_mce_init);

#ifdef CONFIG_PROC_VMCORE
/*
 * In a capture kernel: the memory the crashed kernel's fatal machine
 * check named reads as zeroes from /proc/vmcore, so that a poisoned line
 * is never consumed again while the dump is saved.
 */
static struct range crash_mce_hidden[CRASH_MCE_MAX];
static unsigned int crash_mce_nr_hidden;
static struct {
	struct elf64_note note;
	char name[ALIGN(sizeof(CRASH_MCE_NOTE_NAME), 4)];
	u64 range[CRASH_MCE_MAX][2];
} crash_mce_hidden_note;

static bool crash_mce_pfn_readable(struct vmcore_cb *cb, unsigned long pfn)
{
	u64 paddr = PFN_PHYS(pfn);
	unsigned int i;

	for (i = 0; i < crash_mce_nr_hidden; i++)
		if (paddr + PAGE_SIZE - 1 >= crash_mce_hidden[i].start &&
		    paddr <= crash_mce_hidden[i].end)
			return false;
	return true;
}

static struct vmcore_cb crash_mce_vmcore_cb = {
	.pfn_is_ram = crash_mce_pfn_readable,
};

/**
 * crash_arch_vmcore_notes() - hide what the machine-check notes name
 * @notes: the crashed kernel's notes
 * @size: their bytes
 * @note_size: set to the size of the note returned, 0 for none
 *
 * Return: a note for /proc/vmcore that lists the hidden ranges, or NULL.
 */
const void *crash_arch_vmcore_notes(const void *notes, size_t size,
				    size_t *note_size)
{
	struct range *r = crash_mce_hidden;
	unsigned int i, nr;

	*note_size = 0;
	nr = crash_mce_note_ranges(notes, size, r, CRASH_MCE_MAX);
	if (!nr)
		return NULL;
	for (i = 0; i < nr; i++) {
		pr_warn("vmcore: old memory %#llx-%#llx had an uncorrected machine check: read as zeroes\n",
			r[i].start, r[i].end);
		crash_mce_hidden_note.range[i][0] = r[i].start;
		crash_mce_hidden_note.range[i][1] = r[i].end;
	}
	crash_mce_nr_hidden = nr;
	register_vmcore_cb(&crash_mce_vmcore_cb);

	crash_mce_hidden_note.note = (struct elf64_note) {
		.n_namesz = sizeof(CRASH_MCE_NOTE_NAME),
		.n_descsz = nr * sizeof(crash_mce_hidden_note.range[0]),
		.n_type = NT_CRASH_MCE_HIDDEN,
	};
	memcpy(crash_mce_hidden_note.name, CRASH_MCE_NOTE_NAME,
	       sizeof(CRASH_MCE_NOTE_NAME));
	*note_size = offsetof(typeof(crash_mce_hidden_note), range[nr]);
	return &crash_mce_hidden_note;
}
#endif
