/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _X86_KEXEC_MCE_H
#define _X86_KEXEC_MCE_H

#include <linux/elf.h>
#include <linux/types.h>
#include <asm/mce.h>

struct llist_node;

/*
 * The machine-check records of a crash, as an ELF note of the crashed
 * kernel's core header: owner CRASH_MCE_NOTE_NAME, type NT_CRASH_MCE,
 * a struct crash_mce_desc and then @nr struct mce (the UAPI layout of
 * asm/mce.h, @rec_size bytes each).  The capture kernel adds a note of
 * type NT_CRASH_MCE_HIDDEN to /proc/vmcore: the ranges of old memory it
 * reads as zeroes, as pairs of u64 (first byte, last byte).
 * tools/crash/mce-decode reads both.
 */
#define CRASH_MCE_NOTE_NAME	"CRASH-MCE"
/* not 1 and 2: readelf names those NT_PRSTATUS and NT_FPREGSET whatever the owner */
#define NT_CRASH_MCE		0x4d430001	/* "MC" 1 */
#define NT_CRASH_MCE_HIDDEN	0x4d430002
#define CRASH_MCE_VERSION	1

struct crash_mce_desc {
	__u32 version;
	__u32 nr;		/* records that follow */
	__u32 lost;		/* records of the crash that did not fit */
	__u32 rec_size;		/* sizeof(struct mce) */
};

/* The bytes of a note of @nr records and the empty note after it */
#define CRASH_MCE_NOTE_SIZE(nr)						\
	(2 * sizeof(struct elf64_note) +				\
	 ALIGN(sizeof(CRASH_MCE_NOTE_NAME), 4) +			\
	 ALIGN(sizeof(struct crash_mce_desc) +				\
	       (size_t)(nr) * sizeof(struct mce), 4))

/* The records a crash keeps: as many as a page of note takes */
#define CRASH_MCE_MAX	30

/**
 * struct crash_mce_saved - the records of a fatal machine check
 * @nr: records in @rec
 * @lost: records of it that did not fit
 * @rec: in the order mce_panic() printed them, the fatal one last
 */
struct crash_mce_saved {
	unsigned int nr;
	unsigned int lost;
	struct mce rec[CRASH_MCE_MAX];
};

/* The longest line crash_mce_format() writes, with its NUL */
#define CRASH_MCE_LINE_MAX	256

/* The kinds of error corrected errors are counted by (crash_mce_kind()) */
enum crash_mce_kind {
	CRASH_MCE_MEMORY,
	CRASH_MCE_CACHE,
	CRASH_MCE_TLB,
	CRASH_MCE_BUS,
	CRASH_MCE_OTHER,
	CRASH_MCE_NR_KINDS
};

int crash_mce_format(const struct mce *m, unsigned int nr_banks, char *buf,
		     size_t size);
size_t crash_mce_text(char *buf, size_t size,
		      const struct crash_mce_saved *s);
enum crash_mce_kind crash_mce_kind(u64 status);
int crash_mce_counts_format(char *buf, size_t size,
			    const unsigned long *counts);
bool crash_mce_bad_range(const struct mce *m, u64 *start, u64 *end);
size_t crash_mce_note_size(unsigned int nr);
size_t crash_mce_note_build(void *buf, size_t size, const struct mce *recs,
			    unsigned int nr, unsigned int lost);
struct range;
unsigned int crash_mce_note_ranges(const void *notes, size_t size,
				   struct range *r, unsigned int max);
void crash_mce_collect(struct crash_mce_saved *s, struct llist_node *pending,
		       const struct mce *final);

#endif
