// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the crash ELF header builder: build a header, parse it
 * back, and check every field, for RAM with holes, one range, many
 * ranges, and the crash region in the middle of a range or at its edges.
 */
#include <kunit/test.h>
#include <linux/elf.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmcore_info.h>

#include "elfcore.h"

#define DIRECT_MAP	0xffff888000000000ULL
#define TEXT_VADDR	0xffffffff81000000ULL

static const phys_addr_t notes[] = { 0x7fc01000, 0x7fc01200 };

static struct crash_elf_input input(const struct range *ram, unsigned int nr,
				    const struct range *ex, unsigned int nx)
{
	return (struct crash_elf_input){
		.machine = EM_X86_64,
		.nr_notes = ARRAY_SIZE(notes),
		.note_paddr = notes,
		.note_size = 368,
		.vmcoreinfo_paddr = 0x7fd00000,
		.vmcoreinfo_size = 4132,
		.kernel_map = true,
		.text_vaddr = TEXT_VADDR,
		.text_paddr = 0x1000000,
		.text_size = 0x2345000,
		.direct_map = DIRECT_MAP,
		.ram = ram, .nr_ram = nr, .exclude = ex, .nr_exclude = nx,
	};
}

/* Build, check the fixed part, and return the PT_LOADs after the text. */
static const struct elf64_phdr *build(struct kunit *test,
				      const struct crash_elf_input *in,
				      unsigned int *nr_loads)
{
	size_t size = crash_elf_size(in->nr_notes, in->nr_ram, in->nr_exclude);
	void *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	const struct elf64_hdr *eh = buf;
	const struct elf64_phdr *ph = buf + sizeof(*eh);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, crash_elf_build(in, buf, size), (ssize_t)size);
	KUNIT_EXPECT_EQ(test, size % 4096, 0);
	KUNIT_EXPECT_EQ(test, memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
	KUNIT_EXPECT_EQ(test, eh->e_ident[EI_CLASS], ELFCLASS64);
	KUNIT_EXPECT_EQ(test, eh->e_ident[EI_DATA], ELFDATA2LSB);
	KUNIT_EXPECT_EQ(test, eh->e_ident[EI_VERSION], EV_CURRENT);
	KUNIT_EXPECT_EQ(test, eh->e_type, ET_CORE);
	KUNIT_EXPECT_EQ(test, eh->e_machine, EM_X86_64);
	KUNIT_EXPECT_EQ(test, eh->e_version, EV_CURRENT);
	KUNIT_EXPECT_EQ(test, eh->e_phoff, sizeof(struct elf64_hdr));
	KUNIT_EXPECT_EQ(test, eh->e_phentsize, sizeof(struct elf64_phdr));
	KUNIT_EXPECT_EQ(test, eh->e_ehsize, sizeof(struct elf64_hdr));
	KUNIT_EXPECT_EQ(test, eh->e_shnum, 0);
	KUNIT_EXPECT_LE(test, sizeof(*eh) + eh->e_phnum * sizeof(*ph), size);

	for (i = 0; i < ARRAY_SIZE(notes); i++) {
		KUNIT_EXPECT_EQ(test, ph[i].p_type, PT_NOTE);
		KUNIT_EXPECT_EQ(test, ph[i].p_paddr, notes[i]);
		KUNIT_EXPECT_EQ(test, ph[i].p_offset, notes[i]);
		KUNIT_EXPECT_EQ(test, ph[i].p_filesz, 368);
		KUNIT_EXPECT_EQ(test, ph[i].p_memsz, 368);
	}
	KUNIT_EXPECT_EQ(test, ph[i].p_type, PT_NOTE);
	KUNIT_EXPECT_EQ(test, ph[i].p_paddr, 0x7fd00000);
	KUNIT_EXPECT_EQ(test, ph[i].p_filesz, 4132);
	i++;
	KUNIT_EXPECT_EQ(test, ph[i].p_type, PT_LOAD);
	KUNIT_EXPECT_EQ(test, ph[i].p_vaddr, TEXT_VADDR);
	KUNIT_EXPECT_EQ(test, ph[i].p_paddr, 0x1000000);
	KUNIT_EXPECT_EQ(test, ph[i].p_offset, 0x1000000);
	KUNIT_EXPECT_EQ(test, ph[i].p_filesz, 0x2345000);
	KUNIT_EXPECT_EQ(test, ph[i].p_flags, PF_R | PF_W | PF_X);
	i++;

	*nr_loads = eh->e_phnum - i;
	/* every RAM PT_LOAD: direct-mapped, file offset = physical */
	for (; i < eh->e_phnum; i++) {
		KUNIT_EXPECT_EQ(test, ph[i].p_type, PT_LOAD);
		KUNIT_EXPECT_EQ(test, ph[i].p_vaddr, DIRECT_MAP + ph[i].p_paddr);
		KUNIT_EXPECT_EQ(test, ph[i].p_offset, ph[i].p_paddr);
		KUNIT_EXPECT_EQ(test, ph[i].p_filesz, ph[i].p_memsz);
		KUNIT_EXPECT_EQ(test, ph[i].p_flags, PF_R | PF_W | PF_X);
	}
	return ph + ARRAY_SIZE(notes) + 2;
}

static void expect_loads(struct kunit *test, const struct elf64_phdr *ph,
			 unsigned int nr, const struct range *want,
			 unsigned int nr_want)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, nr, nr_want);
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ_MSG(test, ph[i].p_paddr, want[i].start,
				    "load %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ph[i].p_paddr + ph[i].p_memsz - 1,
				    want[i].end, "load %u", i);
	}
}

static void elf_one_range(struct kunit *test)
{
	static const struct range ram[] = { { 0x100000, 0x3fffffff } };
	struct crash_elf_input in = input(ram, 1, NULL, 0);
	const struct elf64_phdr *ph;
	unsigned int n;

	ph = build(test, &in, &n);
	expect_loads(test, ph, n, ram, 1);

	/* without the kernel mapping: notes, vmcoreinfo, RAM */
	in.kernel_map = false;
	in.ram = ram;
	{
		size_t size = crash_elf_size(2, 1, 0);
		struct elf64_hdr *eh = kunit_kzalloc(test, size, GFP_KERNEL);

		KUNIT_ASSERT_GT(test, crash_elf_build(&in, eh, size), 0);
		KUNIT_EXPECT_EQ(test, eh->e_phnum, 4);
	}
}

static void elf_holes_and_many_ranges(struct kunit *test)
{
	static struct range ram[64];
	struct crash_elf_input in;
	const struct elf64_phdr *ph;
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(ram); i++) {
		ram[i].start = (u64)i * SZ_256M;
		ram[i].end = ram[i].start + SZ_128M - 1;	/* holes between */
	}
	in = input(ram, ARRAY_SIZE(ram), NULL, 0);
	ph = build(test, &in, &n);
	expect_loads(test, ph, n, ram, ARRAY_SIZE(ram));
}

static void elf_crash_region_in_the_middle(struct kunit *test)
{
	static const struct range ram[] = {
		{ 0x1000, 0x9ffff }, { 0x100000, 0xbfffffff },
		{ 0x100000000ULL, 0x13fffffffULL },
	};
	static const struct range ex[] = {
		{ 0x0, 0xfffff },			/* the low 1 MiB */
		{ 0x2f000000, 0x30ffffff },		/* crashkernel */
		{ 0x13f000000ULL, 0x13fffffffULL },	/* at a range's end */
	};
	static const struct range want[] = {
		{ 0x100000, 0x2effffff }, { 0x31000000, 0xbfffffff },
		{ 0x100000000ULL, 0x13effffffULL },
	};
	struct crash_elf_input in = input(ram, 3, ex, 3);
	const struct elf64_phdr *ph;
	unsigned int n;

	ph = build(test, &in, &n);
	expect_loads(test, ph, n, want, ARRAY_SIZE(want));
}

static void elf_exclusion_at_the_start_and_covering(struct kunit *test)
{
	static const struct range ram[] = {
		{ 0x1000000, 0x1ffffff }, { 0x4000000, 0x4ffffff },
		{ 0x8000000, 0xfffffff },
	};
	static const struct range ex[] = {
		{ 0x1000000, 0x10fffff },	/* the start of one */
		{ 0x3000000, 0x5ffffff },	/* the whole of another */
		{ 0x8000000, 0xbffffff },	/* and two at once... */
		{ 0xd000000, 0xdffffff },	/* ...of the last */
	};
	static const struct range want[] = {
		{ 0x1100000, 0x1ffffff }, { 0xc000000, 0xcffffff },
		{ 0xe000000, 0xfffffff },
	};
	struct crash_elf_input in = input(ram, 3, ex, 4);
	const struct elf64_phdr *ph;
	unsigned int n;

	ph = build(test, &in, &n);
	expect_loads(test, ph, n, want, ARRAY_SIZE(want));
}

static void elf_refuses(struct kunit *test)
{
	static const struct range unsorted[] = {
		{ 0x200000, 0x2fffff }, { 0x100000, 0x1fffff },
	};
	static const struct range overlapping[] = {
		{ 0x100000, 0x2fffff }, { 0x200000, 0x3fffff },
	};
	static const struct range backwards[] = { { 0x200000, 0x1fffff } };
	static const struct range ram[] = { { 0, 0x3fffffff } };
	struct crash_elf_input in;
	size_t size = crash_elf_size(2, 2, 2);
	void *buf = kunit_kzalloc(test, size, GFP_KERNEL);

	in = input(unsorted, 2, NULL, 0);
	KUNIT_EXPECT_EQ(test, crash_elf_build(&in, buf, size), -EINVAL);
	in = input(overlapping, 2, NULL, 0);
	KUNIT_EXPECT_EQ(test, crash_elf_build(&in, buf, size), -EINVAL);
	in = input(ram, 1, backwards, 1);
	KUNIT_EXPECT_EQ(test, crash_elf_build(&in, buf, size), -EINVAL);
	/* a buffer sized for fewer ranges than given */
	in = input(ram, 1, NULL, 0);
	in.nr_notes = 200;
	KUNIT_EXPECT_EQ(test, crash_elf_build(&in, buf, size), -E2BIG);
}

static void elf_sizes(struct kunit *test)
{
	/* 2 notes + vmcoreinfo + text + 3 ranges + 1 split = 8 phdrs */
	KUNIT_EXPECT_EQ(test, crash_elf_size(2, 3, 1), 4096);
	/* upstream's per-CPU note: 2 headers, "CORE", elf_prstatus */
	KUNIT_EXPECT_EQ(test, sizeof(note_buf_t), 368);
	KUNIT_EXPECT_EQ(test, VMCOREINFO_NOTE_SIZE, 4132);
	/* 8192 CPUs and ranges need three pages, not one */
	KUNIT_EXPECT_EQ(test, crash_elf_size(64, 8192, 2),
			ALIGN(64 + (64 + 2 + 8192 + 2) * 56, 4096));
}

/* The architecture's note comes right after vmcoreinfo, and is counted */
static void elf_arch_note(struct kunit *test)
{
	static const struct range ram[] = { { 0x100000, 0x7fffffff } };
	struct crash_elf_input in = input(ram, 1, NULL, 0);
	const struct elf64_hdr *eh;
	const struct elf64_phdr *ph;
	size_t size;
	void *buf;

	in.arch_note_paddr = 0x2345000;
	in.arch_note_size = 4096;
	size = crash_elf_size(in.nr_notes + 1, 1, 0);
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, crash_elf_build(&in, buf, size), (ssize_t)size);
	eh = buf;
	ph = buf + sizeof(*eh);
	KUNIT_ASSERT_EQ(test, eh->e_phnum, ARRAY_SIZE(notes) + 4);
	KUNIT_EXPECT_EQ(test, ph[2].p_paddr, 0x7fd00000);
	KUNIT_EXPECT_EQ(test, ph[3].p_type, PT_NOTE);
	KUNIT_EXPECT_EQ(test, ph[3].p_paddr, 0x2345000);
	KUNIT_EXPECT_EQ(test, ph[3].p_offset, 0x2345000);
	KUNIT_EXPECT_EQ(test, ph[3].p_filesz, 4096);
	KUNIT_EXPECT_EQ(test, ph[4].p_type, PT_LOAD);
	KUNIT_EXPECT_EQ(test, ph[4].p_vaddr, TEXT_VADDR);
	KUNIT_EXPECT_EQ(test, ph[5].p_paddr, 0x100000);
	/*
	 * 69 notes, vmcoreinfo, the text and a range fill a page: the arch's
	 * note needs a second one, and a page is refused before any note
	 * address is read
	 */
	in.nr_notes = 69;
	KUNIT_ASSERT_EQ(test, crash_elf_size(69, 1, 0), 4096);
	KUNIT_EXPECT_EQ(test, crash_elf_build(&in, buf, 4096),
			(ssize_t)-E2BIG);
}

static void elf_ranges_cut(struct kunit *test)
{
	struct range r[4] = {
		{ 0x1000, 0x1fff }, { 0x4000, 0x7fff }, { 0x9000, 0x9fff },
	};
	unsigned int nr = 3;

	/* split: room for one more */
	KUNIT_ASSERT_EQ(test, crash_ranges_cut(r, &nr, 4, 0x5000, 0x5fff), 0);
	KUNIT_ASSERT_EQ(test, nr, 4U);
	KUNIT_EXPECT_EQ(test, r[1].end, 0x4fff);
	KUNIT_EXPECT_EQ(test, r[2].start, 0x6000);
	/* no room for another split */
	KUNIT_EXPECT_EQ(test, crash_ranges_cut(r, &nr, 4, 0x9100, 0x91ff),
			-ENOMEM);
	/* a whole range, a head and a tail in one go */
	KUNIT_ASSERT_EQ(test, crash_ranges_cut(r, &nr, 4, 0x1800, 0x5000), 0);
	KUNIT_ASSERT_EQ(test, nr, 3U);
	KUNIT_EXPECT_EQ(test, r[0].start, 0x1000);
	KUNIT_EXPECT_EQ(test, r[0].end, 0x17ff);
	KUNIT_EXPECT_EQ(test, r[1].start, 0x6000);
	/* nothing there */
	KUNIT_ASSERT_EQ(test, crash_ranges_cut(r, &nr, 4, 0xa000, 0xffff), 0);
	KUNIT_EXPECT_EQ(test, nr, 3U);
}

static struct kunit_case elf_test_cases[] = {
	KUNIT_CASE(elf_one_range),
	KUNIT_CASE(elf_holes_and_many_ranges),
	KUNIT_CASE(elf_crash_region_in_the_middle),
	KUNIT_CASE(elf_exclusion_at_the_start_and_covering),
	KUNIT_CASE(elf_refuses),
	KUNIT_CASE(elf_sizes),
	KUNIT_CASE(elf_arch_note),
	KUNIT_CASE(elf_ranges_cut),
	{}
};

static struct kunit_suite elf_test_suite = {
	.name = "crash_elf",
	.test_cases = elf_test_cases,
};

kunit_test_suite(elf_test_suite);

MODULE_DESCRIPTION("KUnit tests for the crash ELF core header");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
