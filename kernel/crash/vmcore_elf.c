// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read the crashed kernel's ELF core header and lay /proc/vmcore out from
 * it.  The header is not trusted: every field that sizes a read or a
 * buffer is checked first.  A bad note or PT_LOAD is left out with a
 * message saying which and why; only a header that is unusable as a whole
 * makes the read fail.  What a header can make the capture kernel read or
 * allocate is bounded: the program headers lie within VMCORE_MAX_HEADER
 * of it (or the size elfcorehdr= gave), the notes kept take at most
 * VMCORE_MAX_NOTES, and the old memory in the file at most
 * VMCORE_MAX_DATA, so that no file offset wraps.
 */
#define pr_fmt(fmt) "vmcore: " fmt

#include <kunit/visibility.h>
#include <linux/elf.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "elfcore.h"
#include "vmcore.h"

static const char *vmcore_ehdr_problem(const Elf64_Ehdr *e, u16 machine)
{
	if (memcmp(e->e_ident, ELFMAG, SELFMAG))
		return "no ELF magic";
	if (e->e_ident[EI_CLASS] != ELFCLASS64)
		return "not ELFCLASS64";
	if (e->e_ident[EI_DATA] != ELF_DATA)
		return "not this machine's byte order";
	if (e->e_ident[EI_VERSION] != EV_CURRENT || e->e_version != EV_CURRENT)
		return "unknown ELF version";
	if (e->e_type != ET_CORE)
		return "not ET_CORE";
	if (e->e_machine != machine)
		return "e_machine is not this machine's";
	if (e->e_phentsize != sizeof(Elf64_Phdr))
		return "e_phentsize is not sizeof(Elf64_Phdr)";
	if (!e->e_phnum || e->e_phnum == PN_XNUM)
		return "e_phnum is 0 or PN_XNUM";
	return NULL;
}

/*
 * The bytes of a PT_NOTE's @size that whole notes take, up to the zeroes
 * that pad it or a note that does not fit, which is reported.
 */
static size_t vmcore_notes_used(const void *buf, size_t size, unsigned int seg)
{
	size_t used = 0;

	while (size - used >= sizeof(Elf64_Nhdr)) {
		const Elf64_Nhdr *n = buf + used;
		u64 len = sizeof(*n) + ALIGN((u64)n->n_namesz, 4) +
			  ALIGN((u64)n->n_descsz, 4);

		if (!n->n_namesz)
			break;
		if (len > size - used) {
			pr_err("program header %u: a note of type %#x (%llu bytes) overruns the segment's %zu bytes: left out with the rest of the segment\n",
			       seg, n->n_type, len, size);
			break;
		}
		used += len;
	}
	return used;
}

static const char *vmcore_load_problem(const struct vmcore_mem *mem,
				       const Elf64_Phdr *ph)
{
	if (ph->p_filesz > ph->p_memsz)
		return "p_filesz is above p_memsz";
	if (ph->p_offset > U64_MAX - PAGE_SIZE ||
	    ph->p_filesz > U64_MAX - PAGE_SIZE - ph->p_offset)
		return "it wraps around";
	if (!ph->p_filesz)
		return NULL;
	return mem->bad_range(mem->ctx, ph->p_offset, ph->p_filesz);
}

static const char *vmcore_note_problem(const struct vmcore_mem *mem,
				       const Elf64_Phdr *ph)
{
	if (ph->p_memsz > VMCORE_MAX_NOTE_SEG)
		return "larger than a note segment can be";
	if (ph->p_offset + ph->p_memsz < ph->p_offset)
		return "it wraps around";
	return mem->bad_range(mem->ctx, ph->p_offset, ph->p_memsz);
}

static int vmcore_read_phdrs(const struct vmcore_mem *mem, u64 addr, u64 size,
			     Elf64_Ehdr *ehdr, Elf64_Phdr **phdrs)
{
	u64 limit = size ?: VMCORE_MAX_HEADER, bytes;
	const char *why;
	int ret;

	if (size && size < sizeof(*ehdr)) {
		pr_err("the ELF header at %#llx: %llu bytes is too small\n",
		       addr, size);
		return -EINVAL;
	}
	why = mem->bad_range(mem->ctx, addr, sizeof(*ehdr));
	if (why) {
		pr_err("the ELF header at %#llx cannot be the crashed kernel's: %s\n",
		       addr, why);
		return -EINVAL;
	}
	ret = mem->read(mem->ctx, ehdr, sizeof(*ehdr), addr, true);
	if (ret) {
		pr_err("cannot read the ELF header at %#llx: %d\n", addr, ret);
		return ret;
	}
	why = vmcore_ehdr_problem(ehdr, mem->machine);
	if (why) {
		pr_err("the ELF header at %#llx is unusable: %s\n", addr, why);
		return -EINVAL;
	}
	bytes = ehdr->e_phnum * sizeof(Elf64_Phdr);
	if (ehdr->e_phoff > limit || bytes > limit - ehdr->e_phoff ||
	    addr > U64_MAX - limit) {
		pr_err("the ELF header at %#llx: %u program headers at offset %llu do not fit in its %llu bytes\n",
		       addr, ehdr->e_phnum, ehdr->e_phoff, limit);
		return -EINVAL;
	}
	why = mem->bad_range(mem->ctx, addr + ehdr->e_phoff, bytes);
	if (why) {
		pr_err("the program headers at %#llx cannot be the crashed kernel's: %s\n",
		       addr + ehdr->e_phoff, why);
		return -EINVAL;
	}
	*phdrs = kvmalloc(bytes, GFP_KERNEL);
	if (!*phdrs)
		return -ENOMEM;
	ret = mem->read(mem->ctx, *phdrs, bytes, addr + ehdr->e_phoff,
			true);
	if (ret) {
		pr_err("cannot read the program headers at %#llx: %d\n",
		       addr + ehdr->e_phoff, ret);
		kvfree(*phdrs);
	}
	return ret;
}

/* Keep the notes and the PT_LOADs that pass the checks in @dump. */
static int vmcore_take(const struct vmcore_mem *mem, const Elf64_Phdr *phdrs,
		       unsigned int phnum, struct vmcore_dump *dump)
{
	unsigned int i, nr_loads = 0, no_room = 0, too_big = 0;
	size_t room = 0, used = 0;
	u64 data = 0;
	const char *why;
	int ret;

	for (i = 0; i < phnum; i++) {
		if (phdrs[i].p_type == PT_NOTE && phdrs[i].p_memsz &&
		    !vmcore_note_problem(mem, &phdrs[i]))
			room = min_t(size_t, room + phdrs[i].p_memsz,
				     VMCORE_MAX_NOTES);
		nr_loads += phdrs[i].p_type == PT_LOAD;
	}
	dump->notes = vzalloc(room ?: 1);
	dump->loads = kvcalloc(nr_loads ?: 1, sizeof(*dump->loads), GFP_KERNEL);
	if (!dump->notes || !dump->loads)
		return -ENOMEM;

	for (i = 0; i < phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];

		switch (ph->p_type) {
		case PT_NOTE:
			if (!ph->p_memsz)
				break;
			why = vmcore_note_problem(mem, ph);
			if (why) {
				pr_err("program header %u: PT_NOTE of %llu bytes at %#llx: %s: left out\n",
				       i, ph->p_memsz, ph->p_offset, why);
				break;
			}
			if (ph->p_memsz > room - used) {
				no_room++;
				break;
			}
			ret = mem->read(mem->ctx, dump->notes + used,
					ph->p_memsz, ph->p_offset, false);
			if (ret) {
				pr_err("program header %u: cannot read its notes at %#llx: %d: left out\n",
				       i, ph->p_offset, ret);
				break;
			}
			used += vmcore_notes_used(dump->notes + used,
						  ph->p_memsz, i);
			break;
		case PT_LOAD:
			why = vmcore_load_problem(mem, ph);
			if (why) {
				pr_err("program header %u: PT_LOAD %#llx-%#llx: %s: left out\n",
				       i, ph->p_offset,
				       ph->p_offset + ph->p_filesz, why);
				break;
			}
			if (ph->p_filesz &&
			    vmcore_load_span(ph) > VMCORE_MAX_DATA - data) {
				too_big++;
				break;
			}
			if (ph->p_filesz)
				data += vmcore_load_span(ph);
			dump->loads[dump->nr_loads++] = *ph;
			break;
		case PT_NULL:
			break;
		default:
			pr_warn("program header %u: type %#x is not for a vmcore: left out\n",
				i, ph->p_type);
		}
	}
	if (no_room)
		pr_err("%u PT_NOTEs left out: the notes would take more than the %u MiB a dump keeps\n",
		       no_room, VMCORE_MAX_NOTES >> 20);
	if (too_big)
		pr_err("%u PT_LOADs left out: the dump would be larger than a file can be\n",
		       too_big);
	memset(dump->notes + used, 0, room - used);
	dump->notes_size = used;
	return 0;
}

/**
 * vmcore_dump_read() - read and check the crashed kernel's ELF core header
 * @mem: the crashed kernel's memory
 * @addr: the header's physical address (elfcorehdr=)
 * @size: its size, or 0 if not known
 * @dump: filled with its notes, merged, and its PT_LOADs
 *
 * Return: 0, or -errno if the header is unusable or describes nothing
 * usable; then @dump is empty.
 */
int vmcore_dump_read(const struct vmcore_mem *mem, u64 addr, u64 size,
		     struct vmcore_dump *dump)
{
	Elf64_Phdr *phdrs;
	Elf64_Ehdr ehdr;
	int ret;

	memset(dump, 0, sizeof(*dump));
	ret = vmcore_read_phdrs(mem, addr, size, &ehdr, &phdrs);
	if (ret)
		return ret;
	dump->flags = ehdr.e_flags;
	dump->machine = ehdr.e_machine;
	ret = vmcore_take(mem, phdrs, ehdr.e_phnum, dump);
	kvfree(phdrs);
	if (!ret && !dump->notes_size && !dump->nr_loads) {
		pr_err("the ELF header at %#llx describes no notes and no memory\n",
		       addr);
		ret = -ENODATA;
	}
	if (ret)
		vmcore_dump_free(dump);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vmcore_dump_read);

void vmcore_dump_free(struct vmcore_dump *dump)
{
	vfree(dump->notes);
	kvfree(dump->loads);
	memset(dump, 0, sizeof(*dump));
}
EXPORT_SYMBOL_IF_KUNIT(vmcore_dump_free);

/* Add @size bytes of whole notes after those @dump has. */
int vmcore_notes_append(struct vmcore_dump *dump, const void *note,
			size_t size)
{
	void *notes = vmalloc(dump->notes_size + size);

	if (!notes)
		return -ENOMEM;
	memcpy(notes, dump->notes, dump->notes_size);
	memcpy(notes + dump->notes_size, note, size);
	vfree(dump->notes);
	dump->notes = notes;
	dump->notes_size += size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmcore_notes_append);

/**
 * vmcore_layout_build() - lay /proc/vmcore out
 * @dump: what goes in it
 * @out: the layout, freed with vmcore_layout_free()
 *
 * The file is: the ELF header and program headers (one PT_NOTE with all
 * the notes, then the PT_LOADs in their order), the notes, then each
 * PT_LOAD's contents, from and to page boundaries so that they can be
 * mapped; p_offset points into that at the PT_LOAD's first byte.  A
 * PT_LOAD of VMCORE_PMD_LOAD or more starts where the file's offset and
 * its physical address agree modulo PMD_SIZE, so that mmap() maps it in
 * PMDs wherever a reader's window starts; the hole before it (less than
 * PMD_SIZE, so at most 1/64 of what follows) reads as zeroes, and no
 * offset wraps: the headers allow far fewer holes than VMCORE_MAX_DATA
 * leaves room for.
 *
 * Return: 0 or -ENOMEM.
 */
int vmcore_layout_build(const struct vmcore_dump *dump,
			struct vmcore_layout *out)
{
	unsigned int i, phnum = dump->nr_loads + !!dump->notes_size;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	u64 offset;

	memset(out, 0, sizeof(*out));
	out->notes_offset = PAGE_ALIGN(sizeof(Elf64_Ehdr) +
				       phnum * sizeof(Elf64_Phdr));
	out->data_offset = out->notes_offset + PAGE_ALIGN(dump->notes_size);
	out->head = vmalloc_user(out->data_offset);
	out->segs = kvcalloc(dump->nr_loads ?: 1, sizeof(*out->segs),
			     GFP_KERNEL);
	if (!out->head || !out->segs) {
		vmcore_layout_free(out);
		return -ENOMEM;
	}

	eh = out->head;
	crash_elf_core_header(eh, dump->machine);
	eh->e_flags = dump->flags;
	eh->e_phnum = phnum;
	ph = (Elf64_Phdr *)(eh + 1);
	if (dump->notes_size) {
		ph->p_type = PT_NOTE;
		ph->p_offset = out->notes_offset;
		ph->p_filesz = dump->notes_size;
		ph->p_memsz = dump->notes_size;
		memcpy(out->head + out->notes_offset, dump->notes,
		       dump->notes_size);
		ph++;
	}

	offset = out->data_offset;
	for (i = 0; i < dump->nr_loads; i++, ph++) {
		const Elf64_Phdr *load = &dump->loads[i];
		u64 start = round_down(load->p_offset, PAGE_SIZE);

		*ph = *load;
		ph->p_offset = offset + load->p_offset - start;
		if (!load->p_filesz)
			continue;
		/* no wrap: vmcore_take() kept the sum below VMCORE_MAX_DATA */
		if (vmcore_load_span(load) >= VMCORE_PMD_LOAD) {
			offset += (start - offset) & (PMD_SIZE - 1);
			ph->p_offset = offset + load->p_offset - start;
		}
		out->segs[out->nr_segs++] = (struct vmcore_seg) {
			.offset = offset, .paddr = start,
			.size = vmcore_load_span(load),
		};
		offset += vmcore_load_span(load);
	}
	out->size = offset;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmcore_layout_build);

void vmcore_layout_free(struct vmcore_layout *layout)
{
	vfree(layout->head);
	kvfree(layout->segs);
	memset(layout, 0, sizeof(*layout));
}
EXPORT_SYMBOL_IF_KUNIT(vmcore_layout_free);

/**
 * vmcore_seg_find() - the stretch of old memory a file offset is in
 * @layout: the file
 * @pos: an offset at or after @layout->data_offset
 *
 * Return: the segment @pos is in, or when @pos is in the hole before one
 * (see vmcore_layout_build()) that segment, whose offset is then past
 * @pos; NULL if @pos is past the end.
 */
const struct vmcore_seg *vmcore_seg_find(const struct vmcore_layout *layout,
					 u64 pos)
{
	unsigned int lo = 0, hi = layout->nr_segs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct vmcore_seg *seg = &layout->segs[mid];

		if (pos >= seg->offset && pos - seg->offset >= seg->size)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < layout->nr_segs ? &layout->segs[lo] : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmcore_seg_find);
