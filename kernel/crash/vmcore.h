/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/vmcore, the crashed kernel's memory as an ELF core file: what the
 * crashed kernel's ELF core header describes (read and checked by
 * vmcore_elf.c), the file laid out from it, and the elfcorehdr= parser.
 */
#ifndef _KERNEL_CRASH_VMCORE_H
#define _KERNEL_CRASH_VMCORE_H

#include <linux/elf.h>
#include <linux/fs.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/types.h>

/**
 * struct vmcore_mem - the crashed kernel's memory, as the reader sees it
 * @read: copy @len bytes at physical address @paddr to @buf; 0 or -errno.
 *	@header says whether they are the ELF core header the loader wrote
 *	or the crashed kernel's own memory (notes), which may be encrypted
 *	differently
 * @bad_range: why [@paddr, @paddr + @size) cannot be the crashed kernel's
 *	RAM, or NULL if it can
 * @map: optional: @len bytes of the crashed kernel's memory at @paddr
 *	mapped to be read in place, or NULL when they cannot be (@read them)
 * @unmap: undo @map
 * @ctx: passed to all
 * @machine: the e_machine the header must have
 */
struct vmcore_mem {
	int (*read)(void *ctx, void *buf, size_t len, u64 paddr, bool header);
	const char *(*bad_range)(void *ctx, u64 paddr, u64 size);
	void *(*map)(void *ctx, u64 paddr, size_t len);
	void (*unmap)(void *ctx, void *va);
	void *ctx;
	u16 machine;
};

/**
 * struct vmcore_dump - what the crashed kernel's header describes, checked
 * @notes: all its notes, one after the other (vmalloc'ed)
 * @notes_size: their size in bytes
 * @loads: its PT_LOADs that passed the checks; p_offset is the physical
 *	address of the contents, as in the crashed kernel's header
 * @nr_loads: how many
 * @flags: the header's e_flags
 * @machine: its e_machine
 */
struct vmcore_dump {
	void *notes;
	size_t notes_size;
	Elf64_Phdr *loads;
	unsigned int nr_loads;
	u32 flags;
	u16 machine;
};

/**
 * struct vmcore_seg - a stretch of the file read from the crashed kernel
 * @offset: where it starts in the file, page aligned
 * @paddr: the physical address of that, page aligned
 * @size: its length, a multiple of the page size
 */
struct vmcore_seg {
	u64 offset;
	u64 paddr;
	u64 size;
};

/**
 * struct vmcore_layout - the file /proc/vmcore serves
 * @head: its first @data_offset bytes (vmalloc_user'ed, so mappable): the
 *	ELF header, the program headers, the merged notes at @notes_offset
 * @notes_offset: page aligned
 * @data_offset: where the old memory starts (the first of @segs, or the
 *	hole before it); page aligned
 * @size: the file's size
 * @segs: the rest of the file, ascending; a hole before one reads as zeroes
 * @nr_segs: how many
 */
struct vmcore_layout {
	void *head;
	u64 notes_offset;
	u64 data_offset;
	u64 size;
	struct vmcore_seg *segs;
	unsigned int nr_segs;
};

#define VMCORE_MAX_NOTE_SEG	SZ_1M	/* one PT_NOTE */
#define VMCORE_MAX_NOTES	SZ_16M	/* all the notes a dump keeps */
#define VMCORE_MAX_HEADER	SZ_4M	/* the ELF header and its phdrs */
/* the old memory in the file: half the largest file, room for the head */
#define VMCORE_MAX_DATA		((u64)MAX_LFS_FILESIZE / 2)
/* a PT_LOAD this large is laid out so that mmap() maps it in PMDs */
#define VMCORE_PMD_LOAD		(64 * (u64)PMD_SIZE)

/* The file bytes a PT_LOAD's contents take: whole pages, as laid out. */
static inline u64 vmcore_load_span(const Elf64_Phdr *ph)
{
	return round_up(ph->p_offset + ph->p_filesz, PAGE_SIZE) -
	       round_down(ph->p_offset, PAGE_SIZE);
}

int vmcore_dump_read(const struct vmcore_mem *mem, u64 addr, u64 size,
		     struct vmcore_dump *dump);
void vmcore_dump_free(struct vmcore_dump *dump);
int vmcore_notes_append(struct vmcore_dump *dump, const void *note,
			size_t size);
int vmcore_layout_build(const struct vmcore_dump *dump,
			struct vmcore_layout *out);
void vmcore_layout_free(struct vmcore_layout *layout);
const struct vmcore_seg *vmcore_seg_find(const struct vmcore_layout *layout,
					 u64 pos);

int crash_parse_elfcorehdr(const char *arg, u64 *addr, u64 *size);

int vmcore_filter(const struct vmcore_mem *mem, const struct vmcore_dump *dump,
		  unsigned int level, bool (*is_ram)(unsigned long pfn),
		  Elf64_Phdr **loads, unsigned int *nr);

#endif /* _KERNEL_CRASH_VMCORE_H */
