// SPDX-License-Identifier: GPL-2.0
/*
 * The crash ELF core header: one PT_NOTE per CPU note and one for
 * vmcoreinfo, a PT_LOAD for the kernel text mapping, and a PT_LOAD for
 * every range of System RAM that is not the crash region itself.  The
 * capture kernel's /proc/vmcore is this header with the memory it
 * describes.
 *
 * The builder is a pure function of its input, so that KUnit can check
 * every field it writes; crash_prepare_elf64_headers() feeds it the
 * running kernel's CPUs and notes.
 */
#include <linux/elf.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "elfcore.h"

/**
 * crash_elf_size() - room a crash ELF header needs
 * @nr_notes: note segments besides vmcoreinfo: the CPUs', the arch's
 * @nr_ram: RAM ranges
 * @nr_exclude: ranges left out: each can split a RAM range in two
 *
 * Return: bytes, a multiple of CRASH_ELF_ALIGN.
 */
size_t crash_elf_size(unsigned int nr_notes, unsigned int nr_ram,
		      unsigned int nr_exclude)
{
	size_t nr_phdr = (size_t)nr_notes + 1 + 1 + nr_ram + nr_exclude;

	return ALIGN(sizeof(struct elf64_hdr) + nr_phdr * sizeof(struct elf64_phdr),
		     CRASH_ELF_ALIGN);
}
EXPORT_SYMBOL_IF_KUNIT(crash_elf_size);

static bool crash_ranges_ok(const struct range *r, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (r[i].start > r[i].end ||
		    (i && r[i].start <= r[i - 1].end))
			return false;
	return true;
}

static struct elf64_phdr *crash_elf_phdr(struct elf64_hdr *eh, u32 type,
					 u64 paddr, u64 size)
{
	struct elf64_phdr *ph = (struct elf64_phdr *)(eh + 1) + eh->e_phnum++;

	ph->p_type = type;
	ph->p_offset = paddr;
	ph->p_paddr = paddr;
	ph->p_filesz = size;
	ph->p_memsz = size;
	return ph;
}

static void crash_elf_load(struct elf64_hdr *eh, const struct crash_elf_input *in,
			   u64 start, u64 end)
{
	struct elf64_phdr *ph = crash_elf_phdr(eh, PT_LOAD, start, end - start + 1);

	ph->p_flags = PF_R | PF_W | PF_X;
	ph->p_vaddr = in->direct_map + start;
}

/**
 * crash_elf_core_header() - fill an ELF header for a core file
 * @eh: the header, zeroed
 * @machine: its e_machine
 *
 * The program headers follow it; e_phnum and e_flags are the caller's.
 */
void crash_elf_core_header(struct elf64_hdr *eh, u16 machine)
{
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELF_DATA;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = ET_CORE;
	eh->e_machine = machine;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(struct elf64_hdr);
	eh->e_ehsize = sizeof(struct elf64_hdr);
	eh->e_phentsize = sizeof(struct elf64_phdr);
}

/**
 * crash_elf_build() - write a crash ELF header
 * @in: the CPUs' notes, vmcoreinfo, the kernel mapping and the memory
 * @buf: where; zeroed here
 * @size: room in @buf, crash_elf_size() of the input at least
 *
 * Return: the header's size (aligned), -EINVAL for ranges that are not
 * ascending and disjoint, -E2BIG when @buf is too small.
 */
ssize_t crash_elf_build(const struct crash_elf_input *in, void *buf,
			size_t size)
{
	size_t need = crash_elf_size(in->nr_notes + !!in->arch_note_size,
				     in->nr_ram, in->nr_exclude);
	struct elf64_hdr *eh = buf;
	unsigned int i, j;
	struct elf64_phdr *ph;

	if (!crash_ranges_ok(in->ram, in->nr_ram) ||
	    !crash_ranges_ok(in->exclude, in->nr_exclude))
		return -EINVAL;
	if (size < need)
		return -E2BIG;

	memset(buf, 0, need);
	crash_elf_core_header(eh, in->machine);

	for (i = 0; i < in->nr_notes; i++)
		crash_elf_phdr(eh, PT_NOTE, in->note_paddr[i], in->note_size);
	crash_elf_phdr(eh, PT_NOTE, in->vmcoreinfo_paddr, in->vmcoreinfo_size);
	if (in->arch_note_size)
		crash_elf_phdr(eh, PT_NOTE, in->arch_note_paddr,
			       in->arch_note_size);
	if (in->kernel_map) {
		ph = crash_elf_phdr(eh, PT_LOAD, in->text_paddr, in->text_size);
		ph->p_flags = PF_R | PF_W | PF_X;
		ph->p_vaddr = in->text_vaddr;
	}

	/* each RAM range, minus the excluded ranges inside it */
	for (i = 0; i < in->nr_ram; i++) {
		u64 start = in->ram[i].start, end = in->ram[i].end;
		bool left = true;

		for (j = 0; j < in->nr_exclude && left; j++) {
			const struct range *x = &in->exclude[j];

			if (x->end < start || x->start > end)
				continue;
			if (x->start > start)
				crash_elf_load(eh, in, start, x->start - 1);
			left = x->end < end;
			start = x->end + 1;
		}
		if (left)
			crash_elf_load(eh, in, start, end);
	}
	return need;
}
EXPORT_SYMBOL_IF_KUNIT(crash_elf_build);

/**
 * crash_ranges_cut() - take [@start, @end] out of ascending ranges
 * @r: the ranges, inclusive, ascending
 * @nr: how many; updated
 * @max: room in @r
 * @start: first byte to take out
 * @end: last byte to take out
 *
 * Return: 0, or -ENOMEM when a range must split and @r is full.
 */
int crash_ranges_cut(struct range *r, unsigned int *nr, unsigned int max,
		     u64 start, u64 end)
{
	unsigned int i = 0;

	while (i < *nr) {
		if (r[i].end < start || r[i].start > end) {
			i++;
			continue;
		}
		if (r[i].start >= start && r[i].end <= end) {
			memmove(&r[i], &r[i + 1], (*nr - i - 1) * sizeof(*r));
			(*nr)--;
			continue;
		}
		if (r[i].start < start && r[i].end > end) {
			if (*nr >= max)
				return -ENOMEM;
			memmove(&r[i + 2], &r[i + 1],
				(*nr - i - 1) * sizeof(*r));
			r[i + 1].start = end + 1;
			r[i + 1].end = r[i].end;
			r[i].end = start - 1;
			(*nr)++;
			return 0;
		}
		if (r[i].start < start)
			r[i].end = start - 1;
		else
			r[i].start = end + 1;
		i++;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(crash_ranges_cut);
