// SPDX-License-Identifier: GPL-2.0
/*
 * The machine-check records of a crash: their text form (one line per
 * bank, for the log, pstore and netconsole), the memory they say is bad,
 * and the ELF note that carries them to the capture kernel.
 *
 * DOC: crash-time rules
 *
 * Everything here is a pure function of its arguments: no lock, no
 * allocation, bounded by the record count; a machine check's panic path
 * may call any of it.  A record is never trusted: a bank past the CPU's
 * banks or ADDRV without an address is written as it is and marked.
 */
#include <linux/elf.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <asm/page.h>

#include "mce.h"

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
	return 2 * sizeof(struct elf64_note) + CRASH_MCE_NAME_SIZE +
	       ALIGN(sizeof(struct crash_mce_desc) +
		     (size_t)nr * sizeof(struct mce), 4);
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
