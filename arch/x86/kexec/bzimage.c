// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_file_load of a bzImage64 kernel, entered at its 64-bit entry point
 * by the hand-off, with no purgatory in between: the hand-off checks the
 * image itself before the jump (kdump.c, handoff.c), copies it into place
 * and passes boot_params in %rsi (trampoline.S).
 *
 * Segments: the ELF core header (capture kernels only), boot_params with
 * the command line and the setup_data after it (the memory map's entries
 * past boot_params' 128, a seed for the next kernel's RNG, IMA's
 * measurement list), the kernel, the initramfs; for a capture kernel all
 * inside the crash region.  A capture kernel's memory map has
 * the crash regions (but the ELF header) as its RAM, the first MiB, and
 * the firmware's ACPI and reserved ranges; a kernel to boot now gets this
 * kernel's map.
 *
 * A kernel to boot now on an EFI machine goes to upstream's bzImage64
 * loader, which passes EFI's memory map on, with its purgatory.
 */
#include <linux/crash_handoff.h>
#include <linux/crash_reserve.h>
#include <linux/efi.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/log2.h>
#include <linux/pgtable.h>
#include <linux/random.h>
#include <linux/range.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#include <kunit/visibility.h>

#include <asm/bootparam.h>
#include <asm/crash.h>
#include <asm/e820/api.h>
#include <asm/e820/types.h>
#include <asm/kexec-bzimage64.h>
#include <asm/setup.h>

#include "handoff.h"

/* "elfcorehdr=0x<16 digits>@0x<16 digits> " and its NUL */
#define ELFCOREHDR_LEN		52
/* "crash_cma=0x<16 digits>@0x<16 digits> " */
#define CRASH_CMA_LEN		48
#define KERNEL_ENTRY_64		0x200
#define LOADER_KEXEC		0xd0

static const struct setup_header *bzimage_header(const void *buf)
{
	return buf + offsetof(struct boot_params, hdr);
}

static unsigned long bzimage_setup_size(const struct setup_header *h)
{
	return ((h->setup_sects ?: 4) + 1) * 512;
}

/**
 * bzimage_check() - whether a kernel can be entered at its 64-bit entry
 * @buf: the kernel file
 * @len: its length
 * @machine: what this machine asks of it, BZIMAGE_LA57 and BZIMAGE_EFI32
 *
 * Return: NULL if it can, or what is wrong, for an error message.
 */
const char *bzimage_check(const void *buf, unsigned long len,
			  unsigned int machine)
{
	const struct setup_header *h = bzimage_header(buf);

	if (len < 1024)
		return "too short for a boot sector and a setup header";
	if (memcmp(&h->header, "HdrS", 4))
		return "no setup header (HdrS)";
	if (h->boot_flag != 0xaa55)
		return "no boot sector signature (0xAA55)";
	if (h->version < 0x020c)
		return "boot protocol older than 2.12";
	if (!(h->loadflags & LOADED_HIGH))
		return "a zImage, not a bzImage";
	if (!(h->xloadflags & XLF_KERNEL_64))
		return "no 64-bit entry point (XLF_KERNEL_64)";
	if (!(h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
		return "cannot be loaded above 4 GiB";
	if ((machine & BZIMAGE_LA57) && !(h->xloadflags & XLF_5LEVEL))
		return "cannot start with 5-level paging";
	/* as upstream: 32-bit EFI cannot enter a kernel above 4 GiB */
	if (machine & BZIMAGE_EFI32)
		return "this machine's EFI is 32-bit; load a kernel for it with kexec_load";
	if (!h->relocatable_kernel)
		return "not relocatable";
	if (!is_power_of_2(h->kernel_alignment))
		return "kernel_alignment is not a power of 2";
	if (bzimage_setup_size(h) >= len)
		return "truncated: nothing after the setup code";
	if (h->init_size < len - bzimage_setup_size(h))
		return "init_size is smaller than the kernel";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(bzimage_check);

static int e820_cmp(const void *a, const void *b)
{
	const struct boot_e820_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

/**
 * kexec_e820_add() - add a range to the next kernel's memory map
 * @map: the map
 * @addr: first byte
 * @size: bytes; nothing is added for 0
 * @type: E820_TYPE_*
 *
 * Return: 0, or -E2BIG when the map is full (E820_MAX_ENTRIES, as many as
 * this kernel's own map may have).
 */
int kexec_e820_add(struct kexec_e820 *map, u64 addr, u64 size, u32 type)
{
	if (!size)
		return 0;
	if (map->nr == ARRAY_SIZE(map->table))
		return -E2BIG;
	map->table[map->nr++] = (struct boot_e820_entry){
		.addr = addr, .size = size, .type = type,
	};
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kexec_e820_add);

/**
 * kexec_e820_finish() - sort the map and merge what touches
 * @map: the map
 *
 * Ranges of one type that touch or overlap become one (firmware nests
 * resources); ranges of different types must not overlap.
 *
 * Return: 0, or -EINVAL for two types over one byte (the map is then
 * sorted, not merged).
 */
int kexec_e820_finish(struct kexec_e820 *map)
{
	struct boot_e820_entry *t = map->table, *last;
	unsigned int i, n = 0;

	sort(t, map->nr, sizeof(*t), e820_cmp, NULL);
	for (i = 0; i < map->nr; i++) {
		last = n ? &t[n - 1] : NULL;
		if (last && t[i].addr < last->addr + last->size &&
		    t[i].type != last->type)
			return -EINVAL;
		if (last && t[i].addr <= last->addr + last->size &&
		    t[i].type == last->type) {
			last->size = max(last->size,
					 t[i].addr + t[i].size - last->addr);
			continue;
		}
		t[n++] = t[i];
	}
	map->nr = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kexec_e820_finish);

/* Link one setup_data of @len bytes at @buf + *@off; its payload. */
static void *kexec_setup_add(void *buf, u64 phys, size_t *off, u64 *first,
			     u32 type, u32 len)
{
	struct setup_data *sd = buf + *off;

	sd->next = *first;
	sd->type = type;
	sd->len = len;
	*first = phys + *off;
	*off += ALIGN(sizeof(*sd) + len, 8);
	return sd->data;
}

/**
 * kexec_setup_data() - the next kernel's setup_data list
 * @buf: where it goes, at most KEXEC_SETUP_DATA_MAX bytes, 8-byte aligned
 * @phys: @buf's physical address in the next kernel's memory
 * @s: what goes in it
 *
 * Return: the physical address of the list's first entry, for
 * boot_params.hdr.setup_data; 0 if there is nothing to pass.
 */
u64 kexec_setup_data(void *buf, u64 phys, const struct kexec_setup *s)
{
	unsigned int ext = s->map->nr > E820_MAX_ENTRIES_ZEROPAGE ?
			   s->map->nr - E820_MAX_ENTRIES_ZEROPAGE : 0;
	size_t off = 0;
	u64 first = 0, *ima;

	if (ext)
		memcpy(kexec_setup_add(buf, phys, &off, &first, SETUP_E820_EXT,
				       ext * sizeof(s->map->table[0])),
		       s->map->table + E820_MAX_ENTRIES_ZEROPAGE,
		       ext * sizeof(s->map->table[0]));
	if (s->rng_seed)
		memcpy(kexec_setup_add(buf, phys, &off, &first, SETUP_RNG_SEED,
				       KEXEC_RNG_SEED),
		       s->rng_seed, KEXEC_RNG_SEED);
	if (s->ima_size) {
		ima = kexec_setup_add(buf, phys, &off, &first, SETUP_IMA,
				      2 * sizeof(u64));
		ima[0] = s->ima_addr;
		ima[1] = s->ima_size;
	}
	return first;
}
EXPORT_SYMBOL_IF_KUNIT(kexec_setup_data);

struct e820_walk {
	struct kexec_e820 *map;
	u32 type;
	int err;
};

static int e820_add_resource(struct resource *res, void *arg)
{
	struct e820_walk *w = arg;

	w->err = kexec_e820_add(w->map, res->start, resource_size(res),
				w->type);
	return w->err;
}

static int e820_add_walk(struct kexec_e820 *map, unsigned long desc,
			 unsigned long flags, u64 end, u32 type)
{
	struct e820_walk w = { .map = map, .type = type };

	/* -EINVAL from the walk itself only means "none of them" */
	walk_iomem_res_desc(desc, flags, 0, end, &w, e820_add_resource);
	return w.err;
}

/* What the capture kernel may use and must know about. */
static int crash_e820(struct kimage *image, struct kexec_e820 *map)
{
	u64 hdr = image->elf_load_addr;
	u64 hdr_end = PAGE_ALIGN(hdr + image->elf_headers_sz);
	u64 start = crashk_res.start, end = crashk_res.end + 1;
	int ret;

	ret = e820_add_walk(map, IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM |
			    IORESOURCE_BUSY, SZ_1M - 1, E820_TYPE_RAM);
	ret = ret ?: e820_add_walk(map, IORES_DESC_ACPI_TABLES, IORESOURCE_MEM |
				   IORESOURCE_BUSY, U64_MAX, E820_TYPE_ACPI);
	ret = ret ?: e820_add_walk(map, IORES_DESC_ACPI_NV_STORAGE,
				   IORESOURCE_MEM | IORESOURCE_BUSY, U64_MAX,
				   E820_TYPE_NVS);
	ret = ret ?: e820_add_walk(map, IORES_DESC_RESERVED, IORESOURCE_MEM,
				   U64_MAX, E820_TYPE_RESERVED);
	if (!ret && crashk_low_res.end)
		ret = kexec_e820_add(map, crashk_low_res.start,
				     resource_size(&crashk_low_res),
				     E820_TYPE_RAM);
	/* The ELF header stays out: the capture kernel reads it from there */
	if (hdr < start || hdr_end > end) {
		hdr = end;
		hdr_end = end;
	}
	ret = ret ?: kexec_e820_add(map, start, hdr - start, E820_TYPE_RAM);
	ret = ret ?: kexec_e820_add(map, hdr_end, end - hdr_end, E820_TYPE_RAM);
	return ret ?: kexec_e820_finish(map);
}

/* Loader data: what must live until the segments are copied. */
struct bzimage_load {
	void *upstream;
	struct boot_params *params;
	struct kimage *image;		/* loaded by us, to seal */
};

static int bzimage_add(struct kimage *image, const char *what, void *buf,
		       unsigned long bufsz, unsigned long memsz,
		       unsigned long align, unsigned long min,
		       unsigned long *addr)
{
	struct kexec_buf kbuf = {
		.image = image, .buffer = buf, .bufsz = bufsz,
		.memsz = memsz, .buf_align = align, .buf_min = min,
		.buf_max = ULONG_MAX, .top_down = true,
		.mem = KEXEC_BUF_MEM_UNKNOWN,
	};
	int ret = kexec_add_buffer(&kbuf);

	if (ret)
		pr_err("kexec: no room for the %s (%lu KiB) in %s (%llu MiB): %d\n",
		       what, memsz >> 10,
		       image->type == KEXEC_TYPE_CRASH ? "the crash region" :
		       "free RAM",
		       image->type == KEXEC_TYPE_CRASH ?
		       resource_size(&crashk_res) >> 20 :
		       (u64)totalram_pages() >> (20 - PAGE_SHIFT), ret);
	*addr = kbuf.mem;
	return ret;
}

/* A kernel to boot now: this kernel's memory map, as upstream gives it. */
static int kexec_e820(struct kexec_e820 *map)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < e820_table_kexec->nr_entries && !ret; i++)
		ret = kexec_e820_add(map, e820_table_kexec->entries[i].addr,
				     e820_table_kexec->entries[i].size,
				     e820_table_kexec->entries[i].type);
	return ret ?: kexec_e820_finish(map);
}

static int bzimage_load_ours(struct kimage *image, struct bzimage_load *load,
			     char *kernel, unsigned long kernel_len,
			     char *initrd, unsigned long initrd_len,
			     char *cmdline, unsigned long cmdline_len)
{
	const struct setup_header *h = bzimage_header(kernel);
	unsigned long setup = bzimage_setup_size(h), size, params, entry;
	bool crash = image->type == KEXEC_TYPE_CRASH;
	unsigned long initrd_addr = 0, sd_off, args;
	struct kexec_setup sd = { };
	u8 seed[KEXEC_RNG_SEED];
	struct kexec_e820 *map;
	struct boot_params *bp;
	struct range lent;
	char *line;
	int ret;

	args = ELFCOREHDR_LEN +
	       (crash && crash_movable_range(&lent) ? CRASH_CMA_LEN : 0);
	if (cmdline_len + args > h->cmdline_size) {
		pr_err("kexec: the command line is longer than the kernel takes (%u bytes)\n",
		       h->cmdline_size);
		return -EINVAL;
	}
	ret = crash ? crash_load_segments(image) : 0;
	if (ret) {
		pr_err("kexec: no room for the ELF core header in the crash region: %d\n",
		       ret);
		return ret;
	}

	sd_off = ALIGN(sizeof(*bp) + args + cmdline_len, 8);
	size = sd_off + KEXEC_SETUP_DATA_MAX;
	bp = kzalloc(size, GFP_KERNEL);
	load->params = bp;	/* freed with @load */
	map = kzalloc(sizeof(*map), GFP_KERNEL);
	ret = bp && map ? 0 : -ENOMEM;
	if (ret)
		goto out;
	memcpy(&bp->hdr, h, min_t(unsigned long, sizeof(bp->hdr),
				  0x202 + (u8)kernel[0x201] -
				  offsetof(struct boot_params, hdr)));

	ret = bzimage_add(image, "boot parameters", bp, size, size, 16, 0,
			  &params);
	ret = ret ?: bzimage_add(image, "kernel", kernel + setup,
				 kernel_len - setup, PAGE_ALIGN(h->init_size),
				 h->kernel_alignment,
				 max_t(unsigned long, h->pref_address, SZ_1M),
				 &entry);
	if (!ret && initrd)
		ret = bzimage_add(image, "initramfs", initrd, initrd_len,
				  initrd_len, PAGE_SIZE, SZ_16M, &initrd_addr);
	if (!ret)
		ret = crash ? crash_e820(image, map) : kexec_e820(map);
	if (ret == -E2BIG || ret == -EINVAL)
		pr_err("kexec: cannot describe the %s's memory in boot_params: %d\n",
		       crash ? "capture kernel" : "next kernel", ret);
	if (ret)
		goto out;

	line = (char *)(bp + 1);
	/* SIZE@ADDR, so that the capture kernel reserves just that */
	size = crash ? scnprintf(line, ELFCOREHDR_LEN, "elfcorehdr=0x%lx@0x%lx ",
				 image->elf_headers_sz, image->elf_load_addr) : 0;
	/* not in its memory map: a kernel that does not know it never uses it */
	if (args > ELFCOREHDR_LEN)
		size += scnprintf(line + size, args - size,
				  "crash_cma=0x%llx@0x%llx ", range_len(&lent),
				  lent.start);
	if (cmdline_len)
		memcpy(line + size, cmdline, cmdline_len);
	bp->hdr.cmd_line_ptr = lower_32_bits(params + sizeof(*bp));
	bp->ext_cmd_line_ptr = upper_32_bits(params + sizeof(*bp));
	bp->hdr.ramdisk_image = lower_32_bits(initrd_addr);
	bp->ext_ramdisk_image = upper_32_bits(initrd_addr);
	bp->hdr.ramdisk_size = lower_32_bits(initrd_len);
	bp->ext_ramdisk_size = upper_32_bits(initrd_len);
	bp->hdr.type_of_loader = LOADER_KEXEC;
	bp->hdr.loadflags = 0;
	bp->hdr.hardware_subarch = boot_params.hdr.hardware_subarch;
	bp->acpi_rsdp_addr = boot_params.acpi_rsdp_addr;
	bp->screen_info = boot_params.screen_info;
	bp->e820_entries = min_t(unsigned int, map->nr,
				 E820_MAX_ENTRIES_ZEROPAGE);
	memcpy(bp->e820_table, map->table,
	       bp->e820_entries * sizeof(map->table[0]));

	/* what upstream's loader passes too, but EFI's (see bzimage_load) */
	sd.map = map;
	if (rng_is_initialized()) {
		get_random_bytes(seed, sizeof(seed));
		sd.rng_seed = seed;
	}
#ifdef CONFIG_IMA_KEXEC
	sd.ima_addr = image->ima_buffer_addr;
	sd.ima_size = image->ima_buffer_size;
#endif
	bp->hdr.setup_data = kexec_setup_data((void *)bp + sd_off,
					      params + sd_off, &sd);
	memzero_explicit(seed, sizeof(seed));

	image->start = entry + KERNEL_ENTRY_64;
	crash_handoff_set_boot_params(image, params);
out:
	kfree(map);
	return ret;
}

static int bzimage_probe(const char *kernel, unsigned long kernel_len)
{
	unsigned int machine = 0;
	const char *why;

	if (pgtable_l5_enabled())
		machine |= BZIMAGE_LA57;
	if (efi_enabled(EFI_RUNTIME_SERVICES) && !efi_enabled(EFI_64BIT))
		machine |= BZIMAGE_EFI32;
	why = bzimage_check(kernel, kernel_len, machine);
	if (why)
		pr_err("kexec: not a kernel this machine can enter: %s\n", why);
	return why ? -ENOEXEC : 0;
}

static void *bzimage_load(struct kimage *image, char *kernel,
			  unsigned long kernel_len, char *initrd,
			  unsigned long initrd_len, char *cmdline,
			  unsigned long cmdline_len)
{
	struct bzimage_load *load = kzalloc(sizeof(*load), GFP_KERNEL);
	int ret = 0;

	if (!load)
		return ERR_PTR(-ENOMEM);
	/*
	 * Firmware state this loader does not pass on: EFI's memory map and
	 * runtime services for a kernel to boot now.
	 */
	if (image->type == KEXEC_TYPE_CRASH || !efi_enabled(EFI_BOOT)) {
		ret = bzimage_load_ours(image, load, kernel, kernel_len,
					initrd, initrd_len, cmdline,
					cmdline_len);
		load->image = image;
	} else {
		load->upstream = kexec_bzImage64_ops.load(image, kernel,
							  kernel_len, initrd,
							  initrd_len, cmdline,
							  cmdline_len);
		if (IS_ERR(load->upstream))
			ret = PTR_ERR(load->upstream);
	}
	if (ret) {
		kfree(load->params);
		kfree(load);
		return ERR_PTR(ret);
	}
	return load;
}

/* After the segments are copied; kexec frees @data itself. */
static int bzimage_cleanup(void *data)
{
	struct bzimage_load *load = data;

	if (!load)
		return 0;
	if (load->image)
		crash_handoff_seal(load->image);
	if (load->upstream)
		kexec_bzImage64_ops.cleanup(load->upstream);
	kfree(load->upstream);
	kfree(load->params);
	return 0;
}

const struct kexec_file_ops crash_bzimage64_ops = {
	.probe = bzimage_probe,
	.load = bzimage_load,
	.cleanup = bzimage_cleanup,
#ifdef CONFIG_KEXEC_BZIMAGE_VERIFY_SIG
	.verify_sig = kexec_kernel_verify_pe_sig,
#endif
};
