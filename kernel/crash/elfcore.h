/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ELF core header a capture kernel reads to know what memory the
 * crashed kernel had: built by elfcore.c, tested by elfcore_kunit.c.
 */
#ifndef _KERNEL_CRASH_ELFCORE_H
#define _KERNEL_CRASH_ELFCORE_H

#include <linux/range.h>
#include <linux/types.h>

struct elf64_hdr;

/**
 * struct crash_elf_input - what goes into a crash ELF header
 * @machine: e_machine (EM_X86_64, ...)
 * @nr_notes: CPU notes, one PT_NOTE each
 * @note_paddr: their physical addresses
 * @note_size: the size of each
 * @vmcoreinfo_paddr: the vmcoreinfo note's physical address
 * @vmcoreinfo_size: its size
 * @arch_note_paddr: a note segment of the architecture's (crash_arch_note())
 * @arch_note_size: its size; 0 for none
 * @kernel_map: add a PT_LOAD for the kernel text mapping
 * @text_vaddr: the kernel's _text
 * @text_paddr: its physical address
 * @text_size: _end - _text
 * @direct_map: the virtual address of physical 0 in the direct map
 * @ram: System RAM ranges (inclusive), ascending, not overlapping
 * @nr_ram: how many
 * @exclude: ranges to leave out (the crash region, ...), ascending
 * @nr_exclude: how many
 */
struct crash_elf_input {
	u16 machine;
	unsigned int nr_notes;
	const phys_addr_t *note_paddr;
	u64 note_size;
	phys_addr_t vmcoreinfo_paddr;
	u64 vmcoreinfo_size;
	phys_addr_t arch_note_paddr;
	u64 arch_note_size;
	bool kernel_map;
	u64 text_vaddr;
	u64 text_paddr;
	u64 text_size;
	u64 direct_map;
	const struct range *ram;
	unsigned int nr_ram;
	const struct range *exclude;
	unsigned int nr_exclude;
};

#define CRASH_ELF_ALIGN	4096

void crash_elf_core_header(struct elf64_hdr *eh, u16 machine);
size_t crash_elf_size(unsigned int nr_notes, unsigned int nr_ram,
		      unsigned int nr_exclude);
ssize_t crash_elf_build(const struct crash_elf_input *in, void *buf,
			size_t size);
int crash_ranges_cut(struct range *r, unsigned int *nr, unsigned int max,
		     u64 start, u64 end);

#endif /* _KERNEL_CRASH_ELFCORE_H */
