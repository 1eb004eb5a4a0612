// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for /proc/vmcore's reader of the crashed kernel's ELF core
 * header, its layout of the file, and elfcorehdr= parsing.  The crashed
 * kernel's memory is a buffer here; headers are built in it, valid and
 * damaged.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/elf.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "vmcore.h"

#define OLD_BASE	0x1000000ULL	/* the fake old memory's address */
#define OLD_SIZE	SZ_64K
#define OWN_RAM		0x40000000ULL	/* "this kernel's RAM": 256 MiB here */
#define LIMIT		BIT_ULL(36)
/* where notes go when some 1100 program headers fill the buffer first */
#define NOTES_AFTER_PHDRS	(OLD_SIZE - SZ_2K)

struct old_mem {
	u8 buf[OLD_SIZE];
	u64 limit;		/* of physical addresses; LIMIT if 0 */
	Elf64_Ehdr *ehdr;
	Elf64_Phdr *ph;
	size_t notes_at;	/* where the next PT_NOTE's notes go */
};

static int old_read(void *ctx, void *buf, size_t len, u64 paddr, bool hdr)
{
	struct old_mem *m = ctx;

	if (paddr < OLD_BASE || paddr - OLD_BASE > OLD_SIZE ||
	    len > OLD_SIZE - (paddr - OLD_BASE))
		return -EFAULT;
	memcpy(buf, m->buf + (paddr - OLD_BASE), len);
	return 0;
}

static const char *old_bad_range(void *ctx, u64 paddr, u64 size)
{
	struct old_mem *m = ctx;
	u64 limit = m->limit ?: LIMIT;

	if (paddr >= limit || size > limit - paddr)
		return "beyond the limit";
	if (paddr < OWN_RAM + SZ_256M && paddr + size > OWN_RAM)
		return "own RAM";
	return NULL;
}

static struct old_mem *old_mem_new(struct kunit *test, struct vmcore_mem *mem)
{
	struct old_mem *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->ehdr = (Elf64_Ehdr *)m->buf;
	m->ph = (Elf64_Phdr *)(m->ehdr + 1);
	m->notes_at = SZ_4K;
	memcpy(m->ehdr->e_ident, ELFMAG, SELFMAG);
	m->ehdr->e_ident[EI_CLASS] = ELFCLASS64;
	m->ehdr->e_ident[EI_DATA] = ELF_DATA;
	m->ehdr->e_ident[EI_VERSION] = EV_CURRENT;
	m->ehdr->e_type = ET_CORE;
	m->ehdr->e_machine = EM_X86_64;
	m->ehdr->e_version = EV_CURRENT;
	m->ehdr->e_phoff = sizeof(Elf64_Ehdr);
	m->ehdr->e_phentsize = sizeof(Elf64_Phdr);
	*mem = (struct vmcore_mem) {
		.read = old_read, .bad_range = old_bad_range, .ctx = m,
		.machine = EM_X86_64,
	};
	return m;
}

static Elf64_Phdr *add_phdr(struct old_mem *m, u32 type, u64 at, u64 filesz,
			    u64 memsz)
{
	Elf64_Phdr *ph = &m->ph[m->ehdr->e_phnum++];

	*ph = (Elf64_Phdr) {
		.p_type = type, .p_offset = at, .p_paddr = at,
		.p_filesz = filesz, .p_memsz = memsz,
	};
	return ph;
}

/* A note of @descsz bytes at @p; returns its size. */
static size_t put_note(u8 *p, const char *name, u32 type, u32 descsz)
{
	Elf64_Nhdr *n = (Elf64_Nhdr *)p;
	u32 namesz = strlen(name) + 1;

	n->n_namesz = namesz;
	n->n_descsz = descsz;
	n->n_type = type;
	memcpy(n + 1, name, namesz);
	memset(p + sizeof(*n) + ALIGN(namesz, 4), type & 0xff, descsz);
	return sizeof(*n) + ALIGN(namesz, 4) + ALIGN(descsz, 4);
}

/*
 * A PT_NOTE of @memsz bytes holding notes of the given types (one name,
 * 100-byte descriptors) padded with zeroes, as a crashed kernel's are.
 */
static size_t add_notes(struct old_mem *m, u64 memsz, const u32 *types,
			unsigned int n)
{
	u8 *p = m->buf + m->notes_at;
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		used += put_note(p + used, "CORE", types[i], 100);
	add_phdr(m, PT_NOTE, OLD_BASE + m->notes_at, memsz, memsz);
	m->notes_at += ALIGN(memsz, 256);
	return used;
}

static const Elf64_Nhdr *note_at(const struct vmcore_dump *d, size_t off)
{
	return d->notes + off;
}

static void vmcore_merges_notes_and_keeps_loads(struct kunit *test)
{
	static const u32 cpu0[] = { NT_PRSTATUS }, cpu1[] = { NT_PRSTATUS };
	static const u32 info[] = { 0 };
	const size_t one = sizeof(Elf64_Nhdr) + 8 + 100;
	struct vmcore_layout lay;
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);
	const Elf64_Phdr *ph;
	const Elf64_Ehdr *e;

	add_notes(m, 512, cpu0, 1);
	add_notes(m, 512, cpu1, 1);
	add_phdr(m, PT_NULL, 0, 0, 0);
	add_phdr(m, PT_LOAD, 0x10000000, SZ_2M, SZ_2M)->p_vaddr = 0xffff1;
	add_phdr(m, PT_LOAD, 0x30000123, SZ_4K, SZ_8K);
	add_phdr(m, PT_LOAD, 0x50000000, 0, SZ_4K);
	add_notes(m, 256, info, 1);
	((Elf64_Nhdr *)(m->buf + m->notes_at - 256))->n_type = 7;

	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, SZ_4K, &d), 0);
	KUNIT_EXPECT_EQ(test, d.notes_size, 3 * one);
	KUNIT_EXPECT_EQ(test, note_at(&d, 0)->n_type, NT_PRSTATUS);
	KUNIT_EXPECT_EQ(test, note_at(&d, one)->n_type, NT_PRSTATUS);
	KUNIT_EXPECT_EQ(test, note_at(&d, 2 * one)->n_type, 7);
	KUNIT_EXPECT_EQ(test, d.nr_loads, 3);

	KUNIT_ASSERT_EQ(test, vmcore_layout_build(&d, &lay), 0);
	e = lay.head;
	ph = lay.head + sizeof(*e);
	KUNIT_EXPECT_EQ(test, memcmp(e->e_ident, ELFMAG, SELFMAG), 0);
	KUNIT_EXPECT_EQ(test, e->e_type, ET_CORE);
	KUNIT_EXPECT_EQ(test, e->e_phnum, 4);
	KUNIT_EXPECT_EQ(test, lay.notes_offset, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, lay.data_offset, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ph[0].p_type, PT_NOTE);
	KUNIT_EXPECT_EQ(test, ph[0].p_offset, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ph[0].p_filesz, 3 * one);
	KUNIT_EXPECT_EQ(test, memcmp(lay.head + PAGE_SIZE, d.notes, 3 * one), 0);

	KUNIT_EXPECT_EQ(test, ph[1].p_type, PT_LOAD);
	KUNIT_EXPECT_EQ(test, ph[1].p_vaddr, 0xffff1);
	KUNIT_EXPECT_EQ(test, ph[1].p_offset, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ph[2].p_offset, 2 * PAGE_SIZE + SZ_2M + 0x123);
	KUNIT_EXPECT_EQ(test, ph[2].p_filesz, SZ_4K);
	KUNIT_EXPECT_EQ(test, ph[2].p_memsz, SZ_8K);
	KUNIT_EXPECT_EQ(test, ph[3].p_filesz, 0);

	KUNIT_ASSERT_EQ(test, lay.nr_segs, 2);
	KUNIT_EXPECT_EQ(test, lay.segs[1].paddr, 0x30000000);
	KUNIT_EXPECT_EQ(test, lay.segs[1].size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, lay.size, 2 * PAGE_SIZE + SZ_2M + SZ_8K);

	KUNIT_EXPECT_PTR_EQ(test, vmcore_seg_find(&lay, 2 * PAGE_SIZE),
			    &lay.segs[0]);
	KUNIT_EXPECT_PTR_EQ(test, vmcore_seg_find(&lay, 2 * PAGE_SIZE + SZ_2M - 1),
			    &lay.segs[0]);
	KUNIT_EXPECT_PTR_EQ(test, vmcore_seg_find(&lay, 2 * PAGE_SIZE + SZ_2M),
			    &lay.segs[1]);
	KUNIT_EXPECT_NULL(test, vmcore_seg_find(&lay, lay.size));

	vmcore_layout_free(&lay);
	vmcore_dump_free(&d);
}

struct bad_ehdr {
	const char *what;
	void (*damage)(struct old_mem *m);
	u64 size;
};

static void no_magic(struct old_mem *m) { m->ehdr->e_ident[EI_MAG1] = 'e'; }
static void elf32(struct old_mem *m) { m->ehdr->e_ident[EI_CLASS] = ELFCLASS32; }
static void big_endian(struct old_mem *m) { m->ehdr->e_ident[EI_DATA] = ELFDATA2MSB; }
static void version(struct old_mem *m) { m->ehdr->e_version = 2; }
static void not_core(struct old_mem *m) { m->ehdr->e_type = ET_EXEC; }
static void other_machine(struct old_mem *m) { m->ehdr->e_machine = EM_AARCH64; }
static void phentsize(struct old_mem *m) { m->ehdr->e_phentsize = 32; }
static void no_phdrs(struct old_mem *m)
{
	m->ehdr->e_phnum = 0;
}

static void xnum(struct old_mem *m) { m->ehdr->e_phnum = PN_XNUM; }
static void phoff_far(struct old_mem *m) { m->ehdr->e_phoff = SZ_4K - 8; }
static void phoff_wraps(struct old_mem *m) { m->ehdr->e_phoff = -16ULL; }
static void phoff_unreadable(struct old_mem *m) { m->ehdr->e_phoff = SZ_1M; }
static void intact(struct old_mem *m) { }

static const struct bad_ehdr bad_ehdrs[] = {
	{ "no ELF magic", no_magic, SZ_4K },
	{ "ELFCLASS32", elf32, SZ_4K },
	{ "big endian", big_endian, SZ_4K },
	{ "e_version 2", version, SZ_4K },
	{ "ET_EXEC", not_core, SZ_4K },
	{ "EM_AARCH64", other_machine, SZ_4K },
	{ "e_phentsize 32", phentsize, SZ_4K },
	{ "e_phnum 0", no_phdrs, SZ_4K },
	{ "e_phnum PN_XNUM", xnum, 0 },
	{ "phdrs past the given size", phoff_far, SZ_4K },
	{ "e_phoff wraps", phoff_wraps, 0 },
	{ "phdrs not readable", phoff_unreadable, 0 },
	{ "size smaller than the ELF header", intact, 32 },
};

static void bad_ehdr_desc(const struct bad_ehdr *t, char *desc)
{
	strscpy(desc, t->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_ehdr, bad_ehdrs, bad_ehdr_desc);

static void vmcore_refuses_bad_headers(struct kunit *test)
{
	static const u32 cpu[] = { NT_PRSTATUS };
	const struct bad_ehdr *t = test->param_value;
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);

	add_notes(m, 256, cpu, 1);
	add_phdr(m, PT_LOAD, 0x10000000, SZ_2M, SZ_2M);
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, SZ_4K, &d), 0);
	vmcore_dump_free(&d);

	t->damage(m);
	KUNIT_EXPECT_LT(test, vmcore_dump_read(&mem, OLD_BASE, t->size, &d), 0);
	KUNIT_EXPECT_NULL(test, d.notes);
	KUNIT_EXPECT_EQ(test, d.nr_loads, 0);
}

static void vmcore_refuses_unreadable_header(struct kunit *test)
{
	struct vmcore_dump d;
	struct vmcore_mem mem;

	old_mem_new(test, &mem);
	KUNIT_EXPECT_EQ(test, vmcore_dump_read(&mem, 0x2000000, 0, &d), -EFAULT);
}

/* Old memory of which [@own_start, @own_end) is "this kernel's RAM" */
struct own_mem {
	struct old_mem *old;
	u64 own_start, own_end;
};

static const char *own_bad_range(void *ctx, u64 paddr, u64 size)
{
	struct own_mem *o = ctx;

	return paddr < o->own_end && paddr + size > o->own_start ?
	       "own RAM" : NULL;
}

static int own_read(void *ctx, void *buf, size_t len, u64 paddr, bool hdr)
{
	struct own_mem *o = ctx;

	return old_read(o->old, buf, len, paddr, hdr);
}

static void own_byte(struct own_mem *o, u64 paddr)
{
	o->own_start = paddr;
	o->own_end = paddr + 1;
}

/*
 * The header and its program headers are read only where the crashed
 * kernel's memory can be: never from this kernel's own RAM.
 */
static void vmcore_refuses_a_header_in_own_ram(struct kunit *test)
{
	static const u32 cpu0[] = { NT_PRSTATUS };
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct own_mem o = { .old = old_mem_new(test, &mem) };

	add_notes(o.old, 512, cpu0, 1);
	mem.ctx = &o;
	mem.read = own_read;
	mem.bad_range = own_bad_range;
	/* the ELF header's first byte */
	own_byte(&o, OLD_BASE);
	KUNIT_EXPECT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), -EINVAL);
	KUNIT_EXPECT_NULL(test, d.notes);
	/* the program headers' last byte */
	own_byte(&o, OLD_BASE + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) - 1);
	KUNIT_EXPECT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), -EINVAL);
	/* the notes, after them: only their segment is left out */
	own_byte(&o, OLD_BASE + SZ_4K);
	KUNIT_EXPECT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), -ENODATA);
	/* nowhere near: all read */
	own_byte(&o, 0);
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_EXPECT_NOT_NULL(test, d.notes);
	vmcore_dump_free(&d);
}

/* A bad note costs the notes after it in its segment, nothing else. */
static void vmcore_leaves_out_bad_notes(struct kunit *test)
{
	static const u32 three[] = { 1, 2, 3 }, one[] = { 4 };
	const size_t note = sizeof(Elf64_Nhdr) + 8 + 100;
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);
	Elf64_Nhdr *second;

	add_notes(m, 512, three, 3);
	second = (Elf64_Nhdr *)(m->buf + SZ_4K + note);
	second->n_descsz = 1000;		/* past the segment's end */
	add_notes(m, 256, one, 1);
	add_notes(m, 256, one, 1);
	m->ph[m->ehdr->e_phnum - 1].p_memsz = 0;	/* an empty PT_NOTE */

	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.notes_size, 2 * note);
	KUNIT_EXPECT_EQ(test, note_at(&d, 0)->n_type, 1);
	KUNIT_EXPECT_EQ(test, note_at(&d, note)->n_type, 4);
	vmcore_dump_free(&d);

	second->n_descsz = 100;
	second->n_namesz = 0xfffffff0;		/* a name that wraps */
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.notes_size, 2 * note);
	vmcore_dump_free(&d);
}

/* Segments that cannot be read or are not old memory are left out. */
static void vmcore_leaves_out_bad_segments(struct kunit *test)
{
	static const u32 cpu[] = { NT_PRSTATUS };
	const size_t note = sizeof(Elf64_Nhdr) + 8 + 100;
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);

	add_notes(m, 256, cpu, 1);
	add_phdr(m, PT_NOTE, 0x2000000, 256, 256);		/* unreadable */
	add_phdr(m, PT_NOTE, OLD_BASE, SZ_2M, SZ_2M);		/* too large */
	add_phdr(m, PT_NOTE, -256ULL, 512, 512);		/* wraps */
	add_phdr(m, PT_LOAD, 0x10000000, SZ_2M, SZ_1M);		/* filesz > memsz */
	add_phdr(m, PT_LOAD, -SZ_4K, SZ_8K, SZ_8K);		/* wraps */
	add_phdr(m, PT_LOAD, LIMIT - SZ_4K, SZ_8K, SZ_8K);	/* past the limit */
	add_phdr(m, PT_LOAD, OWN_RAM - SZ_4K, SZ_8K, SZ_8K);	/* own RAM */
	add_phdr(m, PT_DYNAMIC, 0x10000000, SZ_4K, SZ_4K);	/* not for a core */
	add_phdr(m, PT_LOAD, 0x20000000, SZ_4K, SZ_4K);		/* fine */

	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.notes_size, note);
	KUNIT_ASSERT_EQ(test, d.nr_loads, 1);
	KUNIT_EXPECT_EQ(test, d.loads[0].p_offset, 0x20000000);
	vmcore_dump_free(&d);
}

/*
 * A PT_LOAD of VMCORE_PMD_LOAD or more starts at a file offset that agrees
 * with its physical address modulo PMD_SIZE (mmap() maps it in PMDs), the
 * hole before it less than PMD_SIZE; smaller ones stay back to back, and
 * an offset in a hole finds the segment after it.
 */
static void vmcore_aligns_large_loads(struct kunit *test)
{
	const u64 big = VMCORE_PMD_LOAD;
	struct vmcore_layout l;
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);
	const Elf64_Phdr *ph;
	unsigned int i;

	add_phdr(m, PT_LOAD, 0x1000, 0x9f000, 0x9f000);
	add_phdr(m, PT_LOAD, 0x100000, big, big);
	add_phdr(m, PT_LOAD, 0x100003456ULL, big, big);	/* not page aligned */
	add_phdr(m, PT_LOAD, 0x200000000ULL, SZ_8K, SZ_8K);
	m->limit = BIT_ULL(40);
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_ASSERT_EQ(test, vmcore_layout_build(&d, &l), 0);
	KUNIT_ASSERT_EQ(test, l.nr_segs, 4);
	ph = l.head + sizeof(Elf64_Ehdr);
	KUNIT_EXPECT_EQ(test, l.segs[0].offset, l.data_offset);
	for (i = 1; i < 3; i++) {
		u64 end = l.segs[i - 1].offset + l.segs[i - 1].size;

		KUNIT_EXPECT_EQ(test, (l.segs[i].offset - l.segs[i].paddr) &
				(PMD_SIZE - 1), 0);
		KUNIT_EXPECT_GE(test, l.segs[i].offset, end);
		KUNIT_EXPECT_LT(test, l.segs[i].offset - end, PMD_SIZE);
		KUNIT_EXPECT_EQ(test, ph[i].p_offset - l.segs[i].offset,
				offset_in_page(ph[i].p_paddr));
		if (l.segs[i].offset > end)	/* a hole: the next one */
			KUNIT_EXPECT_PTR_EQ(test, vmcore_seg_find(&l, end),
					    &l.segs[i]);
	}
	KUNIT_EXPECT_NE(test, l.segs[1].offset,
			l.segs[0].offset + l.segs[0].size);
	KUNIT_EXPECT_EQ(test, l.segs[3].offset,
			l.segs[2].offset + l.segs[2].size);
	KUNIT_EXPECT_EQ(test, l.size, l.segs[3].offset + SZ_8K);
	KUNIT_EXPECT_PTR_EQ(test, vmcore_seg_find(&l, l.size - 1), &l.segs[3]);
	KUNIT_EXPECT_NULL(test, vmcore_seg_find(&l, l.size));
	vmcore_layout_free(&l);
	vmcore_dump_free(&d);
}

/*
 * Overlapping PT_LOADs as large as the physical address space would make
 * a file larger than a file offset holds, and wrap the layout's sum: the
 * ones past VMCORE_MAX_DATA are left out, and every offset in the file
 * still finds its segment.
 */
static void vmcore_bounds_the_file(struct kunit *test)
{
	const u64 huge = BIT_ULL(56);
	struct vmcore_layout l;
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);
	unsigned int i;

	m->limit = BIT_ULL(60);
	for (i = 0; i < 300; i++)
		add_phdr(m, PT_LOAD, BIT_ULL(40), huge, huge);
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_EXPECT_GT(test, d.nr_loads, 0);
	KUNIT_EXPECT_LT(test, d.nr_loads, 300);
	KUNIT_EXPECT_LE(test, (u64)d.nr_loads * huge, VMCORE_MAX_DATA);
	KUNIT_ASSERT_EQ(test, vmcore_layout_build(&d, &l), 0);
	/* the first starts on a PMD boundary, as its physical address does */
	KUNIT_EXPECT_EQ(test, l.segs[0].offset, ALIGN(l.data_offset, PMD_SIZE));
	KUNIT_EXPECT_EQ(test, l.size, l.segs[0].offset + d.nr_loads * huge);
	KUNIT_EXPECT_LE(test, l.size, (u64)MAX_LFS_FILESIZE);
	KUNIT_EXPECT_NOT_NULL(test, vmcore_seg_find(&l, l.size - 1));
	KUNIT_EXPECT_NULL(test, vmcore_seg_find(&l, l.size));
	vmcore_layout_free(&l);
	vmcore_dump_free(&d);

	/* one that would wrap once rounded up to a page */
	m->ehdr->e_phnum = 0;
	add_phdr(m, PT_LOAD, 0x20000000, SZ_4K, SZ_4K);
	add_phdr(m, PT_LOAD, U64_MAX - 100, 50, 50);
	m->limit = U64_MAX;
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.nr_loads, 1);
	vmcore_dump_free(&d);
}

/*
 * Thousands of PT_NOTEs of the largest size a note segment may have (here
 * unreadable, so that nothing but the sizing matters) ask for gigabytes:
 * the room for notes stays within VMCORE_MAX_NOTES, the good notes are
 * kept and the dump is not lost.
 */
static void vmcore_bounds_the_notes(struct kunit *test)
{
	static const u32 cpu[] = { NT_PRSTATUS };
	const size_t note = sizeof(Elf64_Nhdr) + 8 + 100;
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);
	unsigned int i;

	m->notes_at = NOTES_AFTER_PHDRS;
	add_notes(m, 256, cpu, 1);
	for (i = 0; i < 1100; i++)
		add_phdr(m, PT_NOTE, 0x2000000, VMCORE_MAX_NOTE_SEG,
			 VMCORE_MAX_NOTE_SEG);
	add_phdr(m, PT_LOAD, 0x20000000, SZ_4K, SZ_4K);
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.notes_size, note);
	KUNIT_EXPECT_EQ(test, d.nr_loads, 1);
	vmcore_dump_free(&d);

	/* as many readable ones: each is kept, in the room they leave */
	m->ehdr->e_phnum = 0;
	m->notes_at = NOTES_AFTER_PHDRS;
	add_notes(m, SZ_2K, cpu, 1);
	for (i = 0; i < 1100; i++)
		add_phdr(m, PT_NOTE, OLD_BASE + NOTES_AFTER_PHDRS, SZ_2K, SZ_2K);
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.notes_size, 1101 * note);
	vmcore_dump_free(&d);
}

static void vmcore_refuses_a_header_of_nothing(struct kunit *test)
{
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);

	add_phdr(m, PT_LOAD, OWN_RAM, SZ_4K, SZ_4K);
	add_phdr(m, PT_NOTE, 0x2000000, 256, 256);
	KUNIT_EXPECT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), -ENODATA);
}

/* Notes added later (device dumps) move the PT_LOADs' contents along. */
static void vmcore_appended_notes_move_loads(struct kunit *test)
{
	static const u32 cpu[] = { NT_PRSTATUS };
	const size_t note = sizeof(Elf64_Nhdr) + 8 + 100;
	struct vmcore_layout before, after;
	struct vmcore_dump d;
	struct vmcore_mem mem;
	struct old_mem *m = old_mem_new(test, &mem);
	u8 *extra = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	size_t extra_size;
	const Elf64_Phdr *ph;

	KUNIT_ASSERT_NOT_NULL(test, extra);
	add_notes(m, 256, cpu, 1);
	add_phdr(m, PT_LOAD, 0x10000800, SZ_4K, SZ_4K);
	KUNIT_ASSERT_EQ(test, vmcore_dump_read(&mem, OLD_BASE, 0, &d), 0);
	KUNIT_ASSERT_EQ(test, vmcore_layout_build(&d, &before), 0);

	extra_size = put_note(extra, "LINUX", 0x700, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, vmcore_notes_append(&d, extra, extra_size), 0);
	KUNIT_ASSERT_EQ(test, vmcore_layout_build(&d, &after), 0);

	ph = after.head + sizeof(Elf64_Ehdr);
	KUNIT_EXPECT_EQ(test, ph[0].p_filesz, note + extra_size);
	KUNIT_EXPECT_EQ(test, after.data_offset,
			before.data_offset + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ph[1].p_offset, after.data_offset + 0x800);
	KUNIT_EXPECT_EQ(test, after.size, before.size + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, memcmp(after.head + after.notes_offset + note,
				     extra, extra_size), 0);
	vmcore_layout_free(&before);
	vmcore_layout_free(&after);
	vmcore_dump_free(&d);
}

struct hdr_arg {
	const char *arg;
	int ret;
	u64 addr;
	u64 size;
};

static const struct hdr_arg hdr_args[] = {
	{ "0x7f000000", 0, 0x7f000000, 0 },
	{ "2080768K", 0, 0x7f000000, 0 },
	{ "8K@0x7f000000", 0, 0x7f000000, SZ_8K },
	{ "4096@16M", 0, SZ_16M, 4096 },
	{ "", -EINVAL },
	{ "@16M", -EINVAL },
	{ "0@16M", -EINVAL },
	{ "4K@", -EINVAL },
	{ "16Mx", -EINVAL },
	{ "4K@16M,", -EINVAL },
	{ "bogus", -EINVAL },
	{ "4M@16M", 0, SZ_16M, SZ_4M },
	/* the size kexec-tools and our loader pass, bounded */
	{ "0x1000@0x7f000000", 0, 0x7f000000, 0x1000 },
	{ "1T@16M", -E2BIG },
	{ "4097K@16M", -E2BIG },
	{ "0xffffffffffffffff", -ERANGE },
	{ "8K@0xfffffffffffff000", -ERANGE },
};

static void hdr_arg_desc(const struct hdr_arg *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", t->arg);
}

KUNIT_ARRAY_PARAM(hdr_arg, hdr_args, hdr_arg_desc);

static void elfcorehdr_parses(struct kunit *test)
{
	const struct hdr_arg *t = test->param_value;
	u64 addr = 1, size = 1;

	KUNIT_ASSERT_EQ(test, crash_parse_elfcorehdr(t->arg, &addr, &size),
			t->ret);
	if (t->ret)
		return;
	KUNIT_EXPECT_EQ(test, addr, t->addr);
	KUNIT_EXPECT_EQ(test, size, t->size);
}

static struct kunit_case vmcore_cases[] = {
	KUNIT_CASE(vmcore_merges_notes_and_keeps_loads),
	KUNIT_CASE_PARAM(vmcore_refuses_bad_headers, bad_ehdr_gen_params),
	KUNIT_CASE(vmcore_refuses_unreadable_header),
	KUNIT_CASE(vmcore_refuses_a_header_in_own_ram),
	KUNIT_CASE(vmcore_leaves_out_bad_notes),
	KUNIT_CASE(vmcore_leaves_out_bad_segments),
	KUNIT_CASE(vmcore_aligns_large_loads),
	KUNIT_CASE(vmcore_bounds_the_file),
	KUNIT_CASE(vmcore_bounds_the_notes),
	KUNIT_CASE(vmcore_refuses_a_header_of_nothing),
	KUNIT_CASE(vmcore_appended_notes_move_loads),
	KUNIT_CASE_PARAM(elfcorehdr_parses, hdr_arg_gen_params),
	{}
};

static struct kunit_suite vmcore_suite = {
	.name = "crash_vmcore",
	.test_cases = vmcore_cases,
};

kunit_test_suite(vmcore_suite);

MODULE_DESCRIPTION("KUnit tests for /proc/vmcore's header reader and layout");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
