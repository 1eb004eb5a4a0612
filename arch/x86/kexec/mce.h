/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _X86_KEXEC_MCE_H
#define _X86_KEXEC_MCE_H

#include <linux/types.h>
#include <asm/mce.h>

/*
 * The machine-check records of a crash, as an ELF note of the crashed
 * kernel's core header: owner CRASH_MCE_NOTE_NAME, type NT_CRASH_MCE,
 * a struct crash_mce_desc and then @nr struct mce (the UAPI layout of
 * asm/mce.h, @rec_size bytes each).  tools/crash/mce-decode reads it.
 */
#define CRASH_MCE_NOTE_NAME	"CRASH-MCE"
#define NT_CRASH_MCE		1
#define CRASH_MCE_VERSION	1

struct crash_mce_desc {
	__u32 version;
	__u32 nr;		/* records that follow */
	__u32 lost;		/* records of the crash that did not fit */
	__u32 rec_size;		/* sizeof(struct mce) */
};

/* The longest line crash_mce_format() writes, with its NUL */
#define CRASH_MCE_LINE_MAX	256

int crash_mce_format(const struct mce *m, unsigned int nr_banks, char *buf,
		     size_t size);
bool crash_mce_bad_range(const struct mce *m, u64 *start, u64 *end);
size_t crash_mce_note_size(unsigned int nr);
size_t crash_mce_note_build(void *buf, size_t size, const struct mce *recs,
			    unsigned int nr, unsigned int lost);

#endif
