// SPDX-License-Identifier: GPL-2.0
/*
 * vmcoreinfo: what dump tools need to know about this kernel to read its
 * memory after a crash (makedumpfile, crash, gdb scripts).
 *
 * A page of "KEY=value" lines, built once at boot and wrapped in an ELF
 * note whose physical address /sys/kernel/vmcoreinfo gives.  The keys are
 * an ABI: the capture side's tools look them up by name, so every key
 * upstream writes is written here with the same name and format.  At
 * crash time CRASHTIME is added, and the architecture's lines
 * (crash_arch_vmcoreinfo(): x86-64's corrected machine checks).
 */
#include <linux/buildid.h>
#include <linux/crash_handoff.h>
#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/kexec.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pgtable.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/vmcore_info.h>
#include <linux/vmalloc.h>

#include <asm/page.h>
#include <asm/sections.h>

#include "../kallsyms_internal.h"
#include "../printk/internal.h"
#include "../printk/printk_ringbuffer.h"
#include "memmap.h"

unsigned char *vmcoreinfo_data;
size_t vmcoreinfo_size;
u32 *vmcoreinfo_note;

/* The copy inside the crash region a loaded capture kernel's image owns. */
static unsigned char *vmcoreinfo_safecopy;

/**
 * append_elf_note() - write an ELF note
 * @buf: where
 * @name: the note's owner, "CORE" or "VMCOREINFO"
 * @type: NT_PRSTATUS, ...
 * @data: the note's content
 * @data_len: its length
 *
 * Return: the word after the note, padded to 4 bytes.
 */
Elf_Word *append_elf_note(Elf_Word *buf, char *name, unsigned int type,
			  void *data, size_t data_len)
{
	struct elf_note *note = (struct elf_note *)buf;

	note->n_namesz = strlen(name) + 1;
	note->n_descsz = data_len;
	note->n_type = type;
	buf += DIV_ROUND_UP(sizeof(*note), sizeof(Elf_Word));
	memcpy(buf, name, note->n_namesz);
	buf += DIV_ROUND_UP(note->n_namesz, sizeof(Elf_Word));
	memcpy(buf, data, data_len);
	buf += DIV_ROUND_UP(data_len, sizeof(Elf_Word));
	return buf;
}

/* The empty note that ends a list of notes. */
void final_note(Elf_Word *buf)
{
	memset(buf, 0, sizeof(struct elf_note));
}

/**
 * vmcoreinfo_append_str() - add a line to vmcoreinfo
 * @fmt: printf format of the line, newline included
 *
 * Lines longer than 79 characters are cut; past a page, nothing more is
 * added (with a warning).
 */
void vmcoreinfo_append_str(const char *fmt, ...)
{
	char line[0x50];
	va_list args;
	size_t n;

	if (!vmcoreinfo_data)
		return;
	va_start(args, fmt);
	n = vscnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	n = min(n, VMCOREINFO_BYTES - vmcoreinfo_size);
	memcpy(vmcoreinfo_data + vmcoreinfo_size, line, n);
	vmcoreinfo_size += n;
	WARN_ONCE(vmcoreinfo_size == VMCOREINFO_BYTES,
		  "vmcoreinfo: a page is full, later lines are lost\n");
}

/* The architecture's lines: page-table layout, KASLR offset, ... */
void __weak arch_crash_save_vmcoreinfo(void)
{
}

/**
 * paddr_vmcoreinfo_note() - where the vmcoreinfo note is
 *
 * Return: its physical address, as /sys/kernel/vmcoreinfo and kexec-tools
 * use it.
 */
phys_addr_t __weak paddr_vmcoreinfo_note(void)
{
	return __pa(vmcoreinfo_note);
}
EXPORT_SYMBOL(paddr_vmcoreinfo_note);

static void vmcoreinfo_update_note(void)
{
	u32 *next;

	if (!vmcoreinfo_size)
		return;
	next = append_elf_note(vmcoreinfo_note, VMCOREINFO_NOTE_NAME, 0,
			       vmcoreinfo_data, vmcoreinfo_size);
	final_note(next);
}

/**
 * crash_update_vmcoreinfo_safecopy() - keep vmcoreinfo in the crash region
 * @ptr: a page of the loaded capture image, or NULL when it is unloaded
 *
 * At crash time the note is rebuilt from this copy: the original page may
 * have been overwritten by then.
 */
void crash_update_vmcoreinfo_safecopy(void *ptr)
{
	if (ptr)
		memcpy(ptr, vmcoreinfo_data, vmcoreinfo_size);
	vmcoreinfo_safecopy = ptr;
}

/*
 * At crash time: the crash's wall-clock time, the arch's lines, and the
 * table of where the struct pages are (memmap.c).
 */
void crash_save_vmcoreinfo(void)
{
	if (!vmcoreinfo_note)
		return;
	if (vmcoreinfo_safecopy)
		vmcoreinfo_data = vmcoreinfo_safecopy;
	vmcoreinfo_append_str("CRASHTIME=%lld\n", ktime_get_real_seconds());
	crash_arch_vmcoreinfo();
	crash_memmap_save();
	vmcoreinfo_update_note();
}

/* The mapcount values that mark a page's type, as tools compare them. */
#define VMCOREINFO_PAGE_TYPE(NAME, type) \
	vmcoreinfo_append_str("NUMBER(PAGE_%s_MAPCOUNT_VALUE)=%ld\n", #NAME, \
			      (long)(s32)((u32)PGTY_##type << 24))

/* Which kernel this is, and where its page tables and text are. */
static void __init vmcoreinfo_kernel(void)
{
	VMCOREINFO_OSRELEASE(init_uts_ns.name.release);
	VMCOREINFO_BUILD_ID();
	VMCOREINFO_PAGESIZE(PAGE_SIZE);
	VMCOREINFO_SYMBOL(init_uts_ns);
	VMCOREINFO_OFFSET(uts_namespace, name);
	VMCOREINFO_SYMBOL(node_online_map);
	if (IS_ENABLED(CONFIG_MMU))
		VMCOREINFO_SYMBOL_ARRAY(swapper_pg_dir);
	VMCOREINFO_SYMBOL(_stext);
	vmcoreinfo_append_str("NUMBER(VMALLOC_START)=0x%lx\n",
			      (unsigned long)VMALLOC_START);
}

/* How struct pages are found: flat, sparse, or virtually mapped. */
static void __init vmcoreinfo_memory_model(void)
{
#ifndef CONFIG_NUMA
	VMCOREINFO_SYMBOL(mem_map);
	VMCOREINFO_SYMBOL(contig_page_data);
#endif
#ifdef CONFIG_SPARSEMEM_VMEMMAP
	VMCOREINFO_SYMBOL_ARRAY(vmemmap);
#endif
#ifdef CONFIG_SPARSEMEM
	VMCOREINFO_SYMBOL_ARRAY(mem_section);
	VMCOREINFO_LENGTH(mem_section, NR_SECTION_ROOTS);
	VMCOREINFO_STRUCT_SIZE(mem_section);
	VMCOREINFO_OFFSET(mem_section, section_mem_map);
	VMCOREINFO_NUMBER(SECTION_SIZE_BITS);
	VMCOREINFO_NUMBER(MAX_PHYSMEM_BITS);
#endif
}

/* The structures makedumpfile walks to tell free pages from used ones. */
static void __init vmcoreinfo_page_structs(void)
{
	VMCOREINFO_STRUCT_SIZE(page);
	VMCOREINFO_STRUCT_SIZE(pglist_data);
	VMCOREINFO_STRUCT_SIZE(zone);
	VMCOREINFO_STRUCT_SIZE(free_area);
	VMCOREINFO_STRUCT_SIZE(list_head);
	VMCOREINFO_SIZE(nodemask_t);
	VMCOREINFO_OFFSET(page, flags);
	VMCOREINFO_OFFSET(page, _refcount);
	VMCOREINFO_OFFSET(page, mapping);
	VMCOREINFO_OFFSET(page, lru);
	VMCOREINFO_OFFSET(page, _mapcount);
	VMCOREINFO_OFFSET(page, private);
	VMCOREINFO_OFFSET(page, compound_head);
	VMCOREINFO_OFFSET(pglist_data, node_zones);
	VMCOREINFO_OFFSET(pglist_data, nr_zones);
#ifdef CONFIG_FLATMEM
	VMCOREINFO_OFFSET(pglist_data, node_mem_map);
#endif
	VMCOREINFO_OFFSET(pglist_data, node_start_pfn);
	VMCOREINFO_OFFSET(pglist_data, node_spanned_pages);
	VMCOREINFO_OFFSET(pglist_data, node_id);
	VMCOREINFO_OFFSET(zone, free_area);
	VMCOREINFO_OFFSET(zone, vm_stat);
	VMCOREINFO_OFFSET(zone, spanned_pages);
	VMCOREINFO_OFFSET(free_area, free_list);
	VMCOREINFO_OFFSET(list_head, next);
	VMCOREINFO_OFFSET(list_head, prev);
	VMCOREINFO_LENGTH(zone.free_area, NR_PAGE_ORDERS);
	VMCOREINFO_LENGTH(free_area.free_list, MIGRATE_TYPES);
}

/* Page flags and types, for makedumpfile's -d filters. */
static void __init vmcoreinfo_page_flags(void)
{
	VMCOREINFO_NUMBER(NR_FREE_PAGES);
	VMCOREINFO_NUMBER(PG_lru);
	VMCOREINFO_NUMBER(PG_private);
	VMCOREINFO_NUMBER(PG_swapcache);
	VMCOREINFO_NUMBER(PG_swapbacked);
	VMCOREINFO_PAGE_TYPE(SLAB, slab);
#ifdef CONFIG_MEMORY_FAILURE
	VMCOREINFO_NUMBER(PG_hwpoison);
#endif
	VMCOREINFO_NUMBER(PG_head_mask);
	VMCOREINFO_PAGE_TYPE(BUDDY, buddy);
	VMCOREINFO_PAGE_TYPE(HUGETLB, hugetlb);
	VMCOREINFO_PAGE_TYPE(OFFLINE, offline);
}

/* Where @p, @len bytes that a filtered dump must keep whole, are. */
static void __init vmcoreinfo_keep(const char *name, const void *p,
				   size_t len)
{
	unsigned long va = (unsigned long)p;
	phys_addr_t pa;

	if (!p || !len)
		return;
	if (virt_addr_valid(p))
		pa = __pa(va);
	else if (is_kernel(va))
		pa = __pa_symbol(va);
	else
		return;		/* vmalloc'ed: not contiguous */
	vmcoreinfo_append_str("KEEP(%s)=%llx,%zx\n", name, (u64)pa, len);
}

/*
 * The log's arrays, which a filtered dump keeps even where they are
 * zeroes (their unused part): readers need them whole.  Ours: a
 * capture kernel's vmcore.exclude= reads them.
 */
static void __init vmcoreinfo_log_arrays(void)
{
	const struct prb_desc_ring *d = &prb->desc_ring;

	vmcoreinfo_keep("printk_descs", d->descs,
			sizeof(*d->descs) << d->count_bits);
	vmcoreinfo_keep("printk_infos", d->infos,
			sizeof(*d->infos) << d->count_bits);
	vmcoreinfo_keep("printk_text", prb->text_data_ring.data,
			1UL << prb->text_data_ring.size_bits);
}

/* The symbol table, for tools that resolve names without vmlinux. */
static void __init vmcoreinfo_kallsyms(void)
{
#ifdef CONFIG_KALLSYMS
	VMCOREINFO_SYMBOL(kallsyms_names);
	VMCOREINFO_SYMBOL(kallsyms_num_syms);
	VMCOREINFO_SYMBOL(kallsyms_token_table);
	VMCOREINFO_SYMBOL(kallsyms_token_index);
	VMCOREINFO_SYMBOL(kallsyms_offsets);
	VMCOREINFO_SYMBOL(kallsyms_relative_base);
#endif
}

static int __init vmcoreinfo_init(void)
{
	vmcoreinfo_data = (unsigned char *)get_zeroed_page(GFP_KERNEL);
	vmcoreinfo_note = alloc_pages_exact(VMCOREINFO_NOTE_SIZE,
					    GFP_KERNEL | __GFP_ZERO);
	if (!vmcoreinfo_data || !vmcoreinfo_note) {
		pr_err("vmcoreinfo: no memory: dumps will lack it\n");
		free_page((unsigned long)vmcoreinfo_data);
		vmcoreinfo_data = NULL;
		if (vmcoreinfo_note)
			free_pages_exact(vmcoreinfo_note, VMCOREINFO_NOTE_SIZE);
		vmcoreinfo_note = NULL;
		return -ENOMEM;
	}
	vmcoreinfo_kernel();
	vmcoreinfo_memory_model();
	vmcoreinfo_page_structs();
	log_buf_vmcoreinfo_setup();	/* the printk ring buffer */
	vmcoreinfo_log_arrays();
	vmcoreinfo_page_flags();
	vmcoreinfo_kallsyms();
	crash_memmap_vmcoreinfo();
	arch_crash_save_vmcoreinfo();
	vmcoreinfo_update_note();
	return 0;
}
subsys_initcall(vmcoreinfo_init);
