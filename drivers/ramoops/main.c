// SPDX-License-Identifier: GPL-2.0
/*
 * ramoops: a pstore backend in RAM that survives a reset.
 *
 * The region comes from ramoops.mem_address/mem_size (or a reserve_mem=
 * region named by ramoops.mem_name), from a "ramoops" device-tree node, or
 * from a platform device with struct ramoops_platform_data.  It must be
 * kept out of the memory the kernel uses: memmap=SIZE$ADDRESS on x86, a
 * reserved-memory node on device-tree machines, or reserve_mem=.
 *
 * A region the kernel has pages for (RAM kept out of its use) is checked
 * page by page and mapped with vmap().  Any other region (SRAM, a device's
 * memory) is claimed with request_mem_region() first, so that ramoops
 * never takes, and wipes, memory a driver owns; ramoops.mem_address= of
 * such a region is only probed at late_initcall, after the drivers have
 * claimed their devices' memory.
 */
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/kmsg_dump.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/pstore.h>
#include <linux/pstore_ram.h>
#include <linux/rslib.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "ramoops.h"

static ulong record_size = 4096;
module_param(record_size, ulong, 0400);
MODULE_PARM_DESC(record_size, "size of each crash record");

static ulong console_size = 4096;
module_param_named(console_size, console_size, ulong, 0400);
MODULE_PARM_DESC(console_size, "size of the console log");

static ulong ftrace_size = 4096;
module_param(ftrace_size, ulong, 0400);
MODULE_PARM_DESC(ftrace_size, "size of the function-trace log");

static uint flags;
module_param(flags, uint, 0400);
MODULE_PARM_DESC(flags, "1: a function-trace zone per CPU (RAMOOPS_FLAG_FTRACE_PER_CPU)");

static ulong pmsg_size = 4096;
module_param(pmsg_size, ulong, 0400);
MODULE_PARM_DESC(pmsg_size, "size of the user space message log");

static unsigned long long mem_address;
module_param_hw(mem_address, ullong, other, 0400);
MODULE_PARM_DESC(mem_address, "physical start of the reserved region");

static char *mem_name;
module_param(mem_name, charp, 0400);
MODULE_PARM_DESC(mem_name, "reserve_mem= region to use");

static ulong mem_size;
module_param(mem_size, ulong, 0400);
MODULE_PARM_DESC(mem_size, "size of the reserved region");

static unsigned int mem_type;
module_param(mem_type, uint, 0400);
MODULE_PARM_DESC(mem_type, "0 write-combined (default), 1 unbuffered, 2 cached");

static int max_reason = -1;
module_param(max_reason, int, 0400);
MODULE_PARM_DESC(max_reason, "most severe reason to keep: 1 panic, 2 oops (default), ...");

static int ecc;
module_param(ecc, int, 0400);
MODULE_PARM_DESC(ecc, "ECC parity bytes per 128-byte block (1 means 16; 0 off)");

static int dump_oops = -1;
module_param(dump_oops, int, 0400);
MODULE_PARM_DESC(dump_oops, "deprecated: 1 keeps oopses and panics, 0 panics only");

struct ramoops_context {
	struct pstore_info pstore;
	void *vaddr;
	phys_addr_t phys;
	size_t size;
	bool vmapped;
	struct rs_control *rs;
	bool claimed;			/* request_mem_region() done */
	bool iomapped;			/* ioremap(), not memremap() */
	struct ramoops_layout layout;
	struct ramoops_zone zone[RAMOOPS_MAX_ZONES];
	struct ramoops_zone *console, *pmsg;
	struct ramoops_zone *ftrace;	/* the first of layout.nr_ftrace */
	/* the previous boot's console, pmsg and ftrace, with notices */
	char *old[RAMOOPS_NR_ZONE_TYPES];
	size_t old_size[RAMOOPS_NR_ZONE_TYPES];
	size_t old_notice[RAMOOPS_NR_ZONE_TYPES];
	unsigned int read_pos;
};

static struct ramoops_context *ramoops_cxt;

static int ramoops_open(struct pstore_info *psi)
{
	struct ramoops_context *cxt = psi->data;

	cxt->read_pos = 0;
	return 0;
}

static ssize_t ramoops_read_zone(struct ramoops_zone *z, unsigned int id,
				 struct pstore_record *record)
{
	char notice[96];
	int n = ramoops_zone_notice(z, notice, sizeof(notice));

	record->buf = kvzalloc(z->hdr.size + n + 1, GFP_KERNEL);
	if (!record->buf)
		return -ENOMEM;
	record->type = z->hdr.mce ? PSTORE_TYPE_MCE : PSTORE_TYPE_DMESG;
	record->id = id;
	record->size = ramoops_zone_copy_out(z, record->buf, z->hdr.size);
	memcpy(record->buf + record->size, notice, n);
	record->ecc_notice_size = n;
	record->compressed = z->hdr.compressed;
	record->reason = z->hdr.reason;
	record->part = z->hdr.part;
	record->count = z->hdr.count;
	record->time = ns_to_timespec64(z->hdr.time_ns);
	return record->size;
}

static ssize_t ramoops_read_old(struct ramoops_context *cxt,
				enum ramoops_zone_type t,
				enum pstore_type_id type,
				struct pstore_record *record)
{
	size_t len = cxt->old_size[t] + cxt->old_notice[t];

	record->buf = kvmalloc(len + 1, GFP_KERNEL);
	if (!record->buf)
		return -ENOMEM;
	memcpy(record->buf, cxt->old[t], len);
	record->buf[len] = '\0';
	record->type = type;
	record->id = 0;
	record->size = cxt->old_size[t];
	record->ecc_notice_size = cxt->old_notice[t];
	return record->size;
}

/* The records, in order: dmesg zones, then the old console, pmsg, ftrace. */
static ssize_t ramoops_read(struct pstore_record *record)
{
	struct ramoops_context *cxt = record->psi->data;
	unsigned int nr = cxt->layout.nr_dmesg, i;

	while (cxt->read_pos < nr) {
		i = cxt->read_pos++;
		if (cxt->zone[i].valid)
			return ramoops_read_zone(&cxt->zone[i], i, record);
	}
	if (cxt->read_pos == nr) {
		cxt->read_pos++;
		if (cxt->old[RAMOOPS_ZONE_CONSOLE])
			return ramoops_read_old(cxt, RAMOOPS_ZONE_CONSOLE,
						PSTORE_TYPE_CONSOLE, record);
	}
	if (cxt->read_pos == nr + 1) {
		cxt->read_pos++;
		if (cxt->old[RAMOOPS_ZONE_PMSG])
			return ramoops_read_old(cxt, RAMOOPS_ZONE_PMSG,
						PSTORE_TYPE_PMSG, record);
	}
	if (cxt->read_pos == nr + 2) {
		cxt->read_pos++;
		if (cxt->old[RAMOOPS_ZONE_FTRACE])
			return ramoops_read_old(cxt, RAMOOPS_ZONE_FTRACE,
						PSTORE_TYPE_FTRACE, record);
	}
	return 0;
}

static int ramoops_write(struct pstore_record *record)
{
	struct ramoops_context *cxt = record->psi->data;
	const struct pstore_ftrace_record *rec;
	struct ramoops_hdr_info info = { };
	unsigned int i;

	switch (record->type) {
	case PSTORE_TYPE_CONSOLE:
		if (!cxt->console)
			return -ENOMEM;
		ramoops_zone_ring_write(cxt->console, record->buf,
					record->size);
		return 0;
	case PSTORE_TYPE_FTRACE:
		if (!cxt->ftrace || record->size != sizeof(*rec))
			return -EINVAL;
		rec = (const void *)record->buf;
		i = pstore_ftrace_decode_cpu((void *)rec) %
		    cxt->layout.nr_ftrace;
		return ramoops_zone_ftrace_write(&cxt->ftrace[i], rec) ?
		       0 : -EBUSY;
	case PSTORE_TYPE_DMESG:
		/* one record per crash: the later parts are older log */
		if (record->part != 1)
			return -ENOSPC;
		break;
	case PSTORE_TYPE_MCE:
		/* a machine check's records take a dmesg zone of their own */
		if (record->compressed)
			return -EINVAL;
		info.mce = true;
		break;
	default:
		return -EINVAL;
	}
	if (!cxt->layout.nr_dmesg)
		return -ENOSPC;
	i = ramoops_pick_zone(cxt->zone, cxt->layout.nr_dmesg, &info.seq);
	info.compressed = record->compressed;
	info.reason = record->reason;
	info.part = record->part;
	info.count = record->count;
	info.time_ns = timespec64_to_ns(&record->time);
	record->id = i;
	return ramoops_zone_write_record(&cxt->zone[i], record->buf,
					 record->size, &info);
}

static int ramoops_write_user(struct pstore_record *record,
			      const char __user *buf)
{
	struct ramoops_context *cxt = record->psi->data;

	if (record->type != PSTORE_TYPE_PMSG || !cxt->pmsg)
		return -EINVAL;
	if (ramoops_zone_ring_write_user(cxt->pmsg, buf, record->size) <
	    min_t(size_t, record->size, cxt->pmsg->data_size))
		return -EFAULT;
	return 0;
}

static int ramoops_erase(struct pstore_record *record)
{
	struct ramoops_context *cxt = record->psi->data;
	enum ramoops_zone_type t;

	switch (record->type) {
	case PSTORE_TYPE_DMESG:
	case PSTORE_TYPE_MCE:
		if (record->id >= cxt->layout.nr_dmesg)
			return -EINVAL;
		ramoops_zone_reset(&cxt->zone[record->id]);
		return 0;
	case PSTORE_TYPE_CONSOLE:
		t = RAMOOPS_ZONE_CONSOLE;
		break;
	case PSTORE_TYPE_PMSG:
		t = RAMOOPS_ZONE_PMSG;
		break;
	case PSTORE_TYPE_FTRACE:
		t = RAMOOPS_ZONE_FTRACE;
		break;
	default:
		return -EINVAL;
	}
	kvfree(cxt->old[t]);
	cxt->old[t] = NULL;
	cxt->old_size[t] = 0;
	cxt->old_notice[t] = 0;
	return 0;
}

/* Keep a ring's previous-boot content, then start it empty. */
static void ramoops_keep_old(struct ramoops_context *cxt,
			     struct ramoops_zone *z)
{
	char notice[96];
	int n = ramoops_zone_notice(z, notice, sizeof(notice));
	char *old;

	if (!z->valid || !z->hdr.size)
		goto reset;
	old = kvmalloc(z->hdr.size + n, GFP_KERNEL);
	if (!old)
		goto reset;
	cxt->old_size[z->type] = ramoops_zone_copy_out(z, old, z->hdr.size);
	memcpy(old + cxt->old_size[z->type], notice, n);
	cxt->old_notice[z->type] = n;
	cxt->old[z->type] = old;
reset:
	ramoops_zone_reset(z);
}

/*
 * Keep the previous boot's function traces, every CPU's zone one after
 * the other (pstore orders the records by their stamps), then start the
 * zones empty.  A zone claims its whole size from the start (its writes
 * do not touch the header): zones that no call was written to are all
 * zeroes and give no record, or every boot would show an empty one that
 * rm could not remove.
 */
static void ramoops_keep_old_ftrace(struct ramoops_context *cxt)
{
	const enum ramoops_zone_type t = RAMOOPS_ZONE_FTRACE;
	size_t len = 0, i;
	char *old;

	for (i = 0; i < cxt->layout.nr_ftrace; i++)
		if (cxt->ftrace[i].valid)
			len += cxt->ftrace[i].hdr.size;
	old = len ? kvmalloc(len, GFP_KERNEL) : NULL;
	len = 0;
	for (i = 0; i < cxt->layout.nr_ftrace; i++) {
		struct ramoops_zone *z = &cxt->ftrace[i];

		if (old && z->valid)
			len += ramoops_zone_copy_out(z, old + len, z->hdr.size);
		ramoops_zone_reset(z);
	}
	if (old && !memchr_inv(old, 0, len)) {
		kvfree(old);
		old = NULL;
		len = 0;
	}
	cxt->old[t] = old;
	cxt->old_size[t] = len;
	cxt->old_notice[t] = 0;
}

/* Check every zone; report garbage and damaged records. */
static int ramoops_check_zones(struct ramoops_context *cxt,
			       unsigned int ecc_size)
{
	static const char * const names[] = {
		"dmesg", "console", "pmsg", "ftrace",
	};
	unsigned int i, garbage = 0;
	const char *why, *last_why = NULL;
	bool ftrace;
	int ret;

	for (i = 0; i < cxt->layout.nr_zones; i++) {
		struct ramoops_zone *z = &cxt->zone[i];

		/* ftrace zones: no ECC, see ramoops_zone_ftrace_write() */
		ftrace = cxt->layout.zone[i].type == RAMOOPS_ZONE_FTRACE;
		ret = ramoops_zone_init(z, cxt->layout.zone[i].type,
					cxt->vaddr + cxt->layout.zone[i].offset,
					cxt->layout.zone[i].size,
					ftrace ? 0 : ecc_size,
					ftrace ? NULL : cxt->rs);
		if (ret) {
			pr_err("ramoops: the %s zone is too small for ecc=%u\n",
			       names[z->type], ecc_size);
			return ret;
		}
		ret = ramoops_zone_check(z, &why);
		if (ret == -EINVAL) {
			garbage++;
			last_why = why;
			ramoops_zone_reset(z);
		} else if (ret == -ENODATA) {
			ramoops_zone_reset(z);
		} else if (z->bad_blocks || z->crc_bad) {
			pr_err("ramoops: %s zone %u is damaged beyond repair (%d bad blocks%s): its record is kept with a notice\n",
			       names[z->type], i, z->bad_blocks,
			       z->crc_bad ? ", checksum mismatch" : "");
		} else if (z->corrected) {
			pr_info("ramoops: %s zone %u: ECC repaired %d bytes\n",
				names[z->type], i, z->corrected);
		}
		if (z->type == RAMOOPS_ZONE_CONSOLE) {
			cxt->console = z;
			ramoops_keep_old(cxt, z);
		} else if (z->type == RAMOOPS_ZONE_PMSG) {
			cxt->pmsg = z;
			ramoops_keep_old(cxt, z);
		} else if (z->type == RAMOOPS_ZONE_FTRACE && !cxt->ftrace) {
			cxt->ftrace = z;
		}
	}
	if (cxt->ftrace)
		ramoops_keep_old_ftrace(cxt);
	if (garbage)
		pr_err("ramoops: %u of %u zones held no valid record (%s): they start empty\n",
		       garbage, cxt->layout.nr_zones, last_why);
	return 0;
}

#define RAMOOPS_IN_USE	"is RAM the kernel uses"

/*
 * Why [@start, @start + @size) cannot be ramoops' region, or NULL.  Sets
 * @ram when the kernel has pages for all of it.
 */
static const char *ramoops_region_problem(phys_addr_t start, size_t size,
					  bool *ram)
{
	unsigned long pfn, first = PHYS_PFN(start), valid = 0, n;

	if (!size || start + size - 1 < start)
		return "wraps around the end of the address space";
	n = PHYS_PFN(start + size - 1) - first + 1;
	for (pfn = first; pfn < first + n; pfn++) {
		if (!pfn_valid(pfn))
			continue;
		valid++;
		if (page_is_ram(pfn) && !PageReserved(pfn_to_page(pfn)))
			return RAMOOPS_IN_USE;
	}
	if (valid && valid != n)
		return "is partly RAM and partly not";
	*ram = valid;
	return NULL;
}

/*
 * Map the region: RAM kept out of the kernel's use (memmap=,
 * reserve_mem=) with vmap() and the protection mem_type asks for; other
 * memory, once claimed, with ioremap_wc() (0), ioremap() (1, unbuffered)
 * or memremap() (2, cached).  VM_IOREMAP keeps /proc/kcore readers away.
 */
static void *ramoops_map(struct ramoops_context *cxt, unsigned int type,
			 bool ram)
{
	unsigned long pfn = PHYS_PFN(cxt->phys), i, n;
	struct page **pages;
	pgprot_t prot;
	void *v;

	if (!ram) {
		cxt->iomapped = type < 2;
		if (type == 0)
			return (void __force *)ioremap_wc(cxt->phys, cxt->size);
		if (type == 1)
			return (void __force *)ioremap(cxt->phys, cxt->size);
		return memremap(cxt->phys, cxt->size, MEMREMAP_WB);
	}

	n = PHYS_PFN(PAGE_ALIGN(cxt->phys + cxt->size)) - pfn;
	prot = type == 0 ? pgprot_writecombine(PAGE_KERNEL) :
	       type == 1 ? pgprot_noncached(PAGE_KERNEL) : PAGE_KERNEL;
	pages = kmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++)
		pages[i] = pfn_to_page(pfn + i);
	v = vmap(pages, n, VM_MAP | VM_IOREMAP, prot);
	kfree(pages);
	if (!v)
		return NULL;
	cxt->vmapped = true;
	return v + offset_in_page(cxt->phys);
}

static void ramoops_unmap(struct ramoops_context *cxt)
{
	if (!cxt->vaddr)
		return;
	if (cxt->vmapped)
		vunmap(cxt->vaddr - offset_in_page(cxt->phys));
	else if (cxt->iomapped)
		iounmap((void __iomem __force *)cxt->vaddr);
	else
		memunmap(cxt->vaddr);
}

static void ramoops_free(struct ramoops_context *cxt)
{
	int t;

	for (t = 0; t < RAMOOPS_NR_ZONE_TYPES; t++)
		kvfree(cxt->old[t]);
	kvfree(cxt->pstore.buf);
	if (cxt->rs)
		free_rs(cxt->rs);
	ramoops_unmap(cxt);
	if (cxt->claimed)
		release_mem_region(cxt->phys, cxt->size);
	vfree(cxt);
}

static int ramoops_parse_dt(struct platform_device *pdev,
			    struct ramoops_platform_data *pdata)
{
	struct device_node *np = pdev->dev.of_node;
	struct resource *res;
	u32 v;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res) {
		dev_err(&pdev->dev, "ramoops: no reg in the device tree node\n");
		return -EINVAL;
	}
	pdata->mem_address = res->start;
	pdata->mem_size = resource_size(res);
	pdata->max_reason = of_property_read_bool(np, "no-dump-oops") ?
			    KMSG_DUMP_PANIC : KMSG_DUMP_OOPS;
	if (of_property_read_bool(np, "unbuffered"))
		pdata->mem_type = 1;
	if (!of_property_read_u32(np, "mem-type", &v))
		pdata->mem_type = v;
	if (!of_property_read_u32(np, "record-size", &v))
		pdata->record_size = v;
	if (!of_property_read_u32(np, "console-size", &v))
		pdata->console_size = v;
	if (!of_property_read_u32(np, "ftrace-size", &v))
		pdata->ftrace_size = v;
	if (!of_property_read_u32(np, "pmsg-size", &v))
		pdata->pmsg_size = v;
	if (!of_property_read_u32(np, "ecc-size", &v))
		pdata->ecc_info.ecc_size = v;
	if (!of_property_read_u32(np, "max-reason", &v))
		pdata->max_reason = v;
	if (!of_property_read_u32(np, "flags", &v))
		pdata->flags = v;
	return 0;
}

static int ramoops_probe(struct platform_device *pdev)
{
	struct ramoops_platform_data dt = { }, *pdata;
	struct ramoops_params p = { };
	struct ramoops_context *cxt;
	const char *why;
	bool ram;
	int ret;

	if (ramoops_cxt) {
		pr_err("ramoops: already in use; ignoring %s\n",
		       dev_name(&pdev->dev));
		return -EBUSY;
	}
	pdata = dev_get_platdata(&pdev->dev);
	if (!pdata && pdev->dev.of_node) {
		ret = ramoops_parse_dt(pdev, &dt);
		if (ret)
			return ret;
		pdata = &dt;
	}
	if (!pdata) {
		pr_err("ramoops: %s has no region\n", dev_name(&pdev->dev));
		return -EINVAL;
	}

	p.mem_size = pdata->mem_size;
	p.record_size = pdata->record_size;
	p.console_size = pdata->console_size;
	p.pmsg_size = pdata->pmsg_size;
	p.ftrace_size = pdata->ftrace_size;
	p.ftrace_zones = pdata->flags & RAMOOPS_FLAG_FTRACE_PER_CPU ?
			 nr_cpu_ids : 1;
	p.ecc_size = pdata->ecc_info.ecc_size;
	if (!pdata->mem_address && pdata->mem_size) {
		pr_err("ramoops: mem_size is set but mem_address is 0\n");
		return -EINVAL;
	}
	cxt = vzalloc(sizeof(*cxt));
	if (!cxt)
		return -ENOMEM;
	ret = ramoops_layout(&p, &cxt->layout, &why);
	if (ret) {
		pr_err("ramoops: %s (mem_size=0x%llx record_size=0x%llx console_size=0x%llx pmsg_size=0x%llx ftrace_size=0x%llx ecc=%u): ramoops is off\n",
		       why, p.mem_size, p.record_size, p.console_size,
		       p.pmsg_size, p.ftrace_size, p.ecc_size);
		goto fail;
	}
	if (pdata->mem_type > 2) {
		pr_err("ramoops: mem_type=%u: expected 0, 1 or 2: ramoops is off\n",
		       pdata->mem_type);
		ret = -EINVAL;
		goto fail;
	}
	why = ramoops_region_problem(pdata->mem_address, pdata->mem_size, &ram);
	if (why && !strcmp(why, RAMOOPS_IN_USE)) {
		pr_err("ramoops: 0x%llx-0x%llx %s; keep it out with memmap=0x%lx$0x%llx or a reserved-memory node: ramoops is off\n",
		       (u64)pdata->mem_address,
		       (u64)pdata->mem_address + pdata->mem_size - 1, why,
		       pdata->mem_size, (u64)pdata->mem_address);
	} else if (why) {
		pr_err("ramoops: mem_address=0x%llx mem_size=0x%lx %s: ramoops is off\n",
		       (u64)pdata->mem_address, pdata->mem_size, why);
	}
	if (why) {
		ret = -EINVAL;
		goto fail;
	}
	cxt->phys = pdata->mem_address;
	cxt->size = pdata->mem_size;
	if (!ram) {
		if (!request_mem_region(cxt->phys, cxt->size, "ramoops")) {
			pr_err("ramoops: 0x%llx-0x%llx is in use (see /proc/iomem): ramoops is off\n",
			       (u64)cxt->phys, (u64)cxt->phys + cxt->size - 1);
			ret = -EBUSY;
			goto fail;
		}
		cxt->claimed = true;
	}
	if (pdata->flags & ~RAMOOPS_FLAG_FTRACE_PER_CPU)
		pr_warn("ramoops: flags 0x%x: only 0x%lx (an ftrace zone per CPU) means something: the rest is ignored\n",
			pdata->flags, RAMOOPS_FLAG_FTRACE_PER_CPU);
	cxt->vaddr = ramoops_map(cxt, pdata->mem_type, ram);
	if (!cxt->vaddr) {
		pr_err("ramoops: cannot map 0x%zx@0x%llx: ramoops is off\n",
		       cxt->size, (u64)cxt->phys);
		ret = -ENOMEM;
		goto fail;
	}
	if (p.ecc_size) {
		cxt->rs = init_rs(RAMOOPS_ECC_SYMSIZE, RAMOOPS_ECC_POLY, 0, 1,
				  p.ecc_size);
		if (!cxt->rs) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	ret = ramoops_check_zones(cxt, p.ecc_size);
	if (ret)
		goto fail;

	cxt->pstore.owner = THIS_MODULE;
	cxt->pstore.name = "ramoops";
	cxt->pstore.data = cxt;
	cxt->pstore.open = ramoops_open;
	cxt->pstore.read = ramoops_read;
	cxt->pstore.write = ramoops_write;
	cxt->pstore.write_user = ramoops_write_user;
	cxt->pstore.erase = ramoops_erase;
	cxt->pstore.max_reason = pdata->max_reason;
	if (cxt->layout.nr_dmesg) {
		cxt->pstore.flags |= PSTORE_FLAGS_DMESG;
		cxt->pstore.bufsize = cxt->zone[0].data_size;
		cxt->pstore.buf = kvzalloc(cxt->pstore.bufsize, GFP_KERNEL);
		if (!cxt->pstore.buf) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	if (cxt->console)
		cxt->pstore.flags |= PSTORE_FLAGS_CONSOLE;
	if (cxt->pmsg)
		cxt->pstore.flags |= PSTORE_FLAGS_PMSG;
	if (cxt->ftrace)
		cxt->pstore.flags |= PSTORE_FLAGS_FTRACE;
	if (!cxt->pstore.flags) {
		pr_err("ramoops: no zone for any record: ramoops is off\n");
		ret = -EINVAL;
		goto fail;
	}
	ramoops_cxt = cxt;
	ret = pstore_register(&cxt->pstore);
	if (ret) {
		pr_err("ramoops: pstore did not take ramoops: %pe\n", ERR_PTR(ret));
		ramoops_cxt = NULL;
		goto fail;
	}
	platform_set_drvdata(pdev, cxt);

	/* what is in use, for /sys/module/ramoops/parameters */
	mem_address = cxt->phys;
	mem_size = cxt->size;
	record_size = p.record_size;
	console_size = p.console_size;
	pmsg_size = p.pmsg_size;
	ftrace_size = p.ftrace_size;
	max_reason = pdata->max_reason;
	pr_info("ramoops: using 0x%zx@0x%llx: %u crash records of 0x%zx bytes, ecc: %u\n",
		cxt->size, (u64)cxt->phys, cxt->layout.nr_dmesg,
		cxt->layout.nr_dmesg ? cxt->zone[0].data_size : 0, p.ecc_size);
	return 0;

fail:
	ramoops_free(cxt);
	return ret;
}

static void ramoops_remove(struct platform_device *pdev)
{
	struct ramoops_context *cxt = platform_get_drvdata(pdev);

	pstore_unregister(&cxt->pstore);
	ramoops_cxt = NULL;
	ramoops_free(cxt);
}

static const struct of_device_id ramoops_of_match[] = {
	{ .compatible = "ramoops" },
	{}
};
MODULE_DEVICE_TABLE(of, ramoops_of_match);

static struct platform_driver ramoops_driver = {
	.probe = ramoops_probe,
	.remove = ramoops_remove,
	.driver = {
		.name = "ramoops",
		.of_match_table = ramoops_of_match,
	},
};

static struct platform_device *ramoops_dev;

/* ramoops.mem_address= and friends: a platform device of our own. */
static void __init ramoops_register_params(bool late)
{
	struct ramoops_platform_data pdata = { };
	phys_addr_t start, size;

	if (late && mem_name)
		return;		/* reserve_mem= is RAM: done at postcore */
	if (mem_name && reserve_mem_find_by_name(mem_name, &start, &size)) {
		mem_address = start;
		mem_size = size;
	} else if (mem_name) {
		pr_err("ramoops: mem_name=%s: no such reserve_mem= region\n",
		       mem_name);
		return;
	}
	if (!mem_size)
		return;
	/* built in, not RAM: after the drivers, that claim their memory */
	if (!IS_MODULE(CONFIG_PSTORE_RAM) &&
	    late == pfn_valid(PHYS_PFN(mem_address)))
		return;

	pdata.mem_size = mem_size;
	pdata.mem_address = mem_address;
	pdata.mem_type = mem_type;
	pdata.record_size = record_size;
	pdata.console_size = console_size;
	pdata.ftrace_size = ftrace_size;
	pdata.pmsg_size = pmsg_size;
	pdata.flags = flags;
	if (max_reason >= 0)
		pdata.max_reason = max_reason;
	else if (dump_oops != -1)
		pdata.max_reason = dump_oops ? KMSG_DUMP_OOPS : KMSG_DUMP_PANIC;
	else
		pdata.max_reason = KMSG_DUMP_OOPS;
	pdata.ecc_info.ecc_size = ecc == 1 ? RAMOOPS_ECC_DEFAULT : ecc;

	ramoops_dev = platform_device_register_data(NULL, "ramoops", -1,
						    &pdata, sizeof(pdata));
	if (IS_ERR(ramoops_dev)) {
		pr_err("ramoops: cannot create its platform device: %ld\n",
		       PTR_ERR(ramoops_dev));
		ramoops_dev = NULL;
	}
}

static int __init ramoops_init(void)
{
	int ret = platform_driver_register(&ramoops_driver);

	if (!ret)
		ramoops_register_params(false);
	return ret;
}
postcore_initcall(ramoops_init);

#ifndef MODULE
static int __init ramoops_init_late(void)
{
	ramoops_register_params(true);
	return 0;
}
late_initcall(ramoops_init_late);
#endif

static void __exit ramoops_exit(void)
{
	platform_device_unregister(ramoops_dev);
	platform_driver_unregister(&ramoops_driver);
}
module_exit(ramoops_exit);

MODULE_DESCRIPTION("pstore backend in RAM that survives a reset");
MODULE_LICENSE("GPL");
