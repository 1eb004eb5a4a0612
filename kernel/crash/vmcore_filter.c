// SPDX-License-Identifier: GPL-2.0-only
/*
 * A filtered /proc/vmcore (vmcore.exclude=): the crashed kernel's
 * PT_LOADs cut down to the pages a dump level keeps, so that readers,
 * and whatever saves the file, see only those.
 */
#define pr_fmt(fmt) "vmcore: " fmt

#include <linux/crc32.h>
#include <linux/elf.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmcore_info.h>

#include "memmap.h"
#include "pagefilter.h"
#include "vmcore.h"

/*
 * DOC: how a dump is filtered
 *
 * The crashed kernel's VMCOREINFO gives its struct page layout and where
 * it wrote the memmap table (memmap.c).  For each pfn the PT_LOADs hold,
 * in order, the struct page is read through old memory and classified
 * (pagefilter.c); with the zero level, the pages that would be kept are
 * read too, and left out when all zeroes.  Where the reader can map old
 * memory (mem->map), both are read in place through windows of up to
 * VMCORE_FILTER_WINDOW inside one PT_LOAD, one for struct pages and one
 * for pages, each moved on when a read falls outside it: a copy of every
 * struct page cost more than classifying it.  A pfn the table does not
 * cover is kept.  PT_LOADs may overlap and come in any order: pages are
 * classified once, over their union.  A PT_LOAD inside another one
 * (x86-64's kernel image, mapped at its own addresses as well as in
 * RAM's) is kept whole: readers that find the image through it (gdb,
 * makedumpfile) then find all of it there.
 *
 * What is kept becomes at most VMCORE_FILTER_RANGES ranges, the
 * shortest holes between them kept as well when there would be more.
 * Each PT_LOAD is cut on its own into pieces, one per kept range; the
 * pages left out are in none.  (Pieces whose p_memsz ran on over the
 * pages left out, to read them as zeroes, made makedumpfile 1.7's
 * page-table walk fail next to x86-64's kernel image PT_LOAD.)  The ELF
 * header grows by at most that many program headers (56 bytes each,
 * 448 KiB in all) however fragmented memory is.  What the crashed
 * kernel's VMCOREINFO says to keep whole (KEEP(name)=paddr,size lines:
 * the log's arrays, whose unused part is zeroes that readers need) is
 * kept as the kernel image is.
 *
 * Anything the filter cannot trust (no layout, no table, a table that
 * fails its checks) means no filtering, with a line saying why.
 */

#define VMCORE_FILTER_RANGES	8192
#define VMCORE_FILTER_CHUNK	256	/* struct pages read at once */
#define VMCORE_FILTER_ZERO	16	/* pages read at once for zeroes */
#define VMCORE_FILTER_MAX_TABLE	SZ_64M
#define VMCORE_FILTER_KEEPS	8	/* KEEP() lines read */
/*
 * 64 MiB: 32 huge mappings, and 8 MiB of shadow with KASAN_VMALLOC, which
 * the capture kernel's few MiB can give; moving it costs little.
 */
#define VMCORE_FILTER_WINDOW	SZ_64M

/*
 * What of old memory is mapped, [@start, @end) at @va (nothing if NULL),
 * and @buf to copy it to where it cannot be mapped.
 */
struct vmcore_view {
	void *va;
	u64 start, end;
	void *buf;
};

/*
 * A filter's state.  @alias: the pfns kept whole (PT_LOADs inside
 * others, KEEP() ranges); @pages: the struct pages, a buffer with room
 * for VMCORE_FILTER_CHUNK + 1 of at most 1 KiB each
 * (crash_page_layout_parse()); @data: the pages, a buffer for
 * VMCORE_FILTER_ZERO.
 */
struct vmcore_filter {
	const struct vmcore_mem *mem;
	const struct vmcore_dump *dump;
	bool (*is_ram)(unsigned long pfn);
	unsigned int level;
	struct crash_page_layout layout;
	struct crash_page_walk walk;
	struct crash_memmap_run *runs;
	unsigned int nr_runs, run;
	const char *info;		/* the crashed kernel's VMCOREINFO */
	size_t info_len;
	struct crash_range *alias;
	unsigned int nr_alias, at;
	struct crash_ranges ranges;
	struct vmcore_view pages, data;
	u64 left_out[CRASH_PAGE_POISON + 1], zero, unread, total;
};

/* The description of the first note named @name in @notes, or NULL. */
static const void *vmcore_note_find(const void *notes, size_t size,
				    const char *name, size_t *len)
{
	size_t namesz = strlen(name) + 1, pos = 0;

	while (size - pos >= sizeof(Elf64_Nhdr)) {
		const Elf64_Nhdr *n = notes + pos;
		size_t name_len = ALIGN((u64)n->n_namesz, 4);
		size_t desc_len = ALIGN((u64)n->n_descsz, 4);

		pos += sizeof(*n);
		if (name_len > size - pos || desc_len > size - pos - name_len)
			return NULL;
		if (n->n_namesz == namesz && !memcmp(notes + pos, name, namesz)) {
			*len = n->n_descsz;
			return notes + pos + name_len;
		}
		pos += name_len + desc_len;
	}
	return NULL;
}

/*
 * Of the dump's PT_LOADs that hold [@paddr, @paddr + @size), the one that
 * goes on furthest after it; NULL if none does.
 */
static const Elf64_Phdr *vmcore_load_of(const struct vmcore_dump *dump,
					u64 paddr, u64 size)
{
	const Elf64_Phdr *best = NULL;
	unsigned int i;

	for (i = 0; i < dump->nr_loads; i++) {
		const Elf64_Phdr *ph = &dump->loads[i];

		if (paddr >= ph->p_offset && size <= ph->p_filesz &&
		    paddr - ph->p_offset <= ph->p_filesz - size &&
		    (!best || ph->p_offset + ph->p_filesz >
			      best->p_offset + best->p_filesz))
			best = ph;
	}
	return best;
}

/* Unmap what @v maps. */
static void vmcore_view_drop(const struct vmcore_filter *f,
			     struct vmcore_view *v)
{
	if (v->va)
		f->mem->unmap(f->mem->ctx, v->va);
	v->va = NULL;
	v->start = 0;
	v->end = 0;
}

/*
 * Map a window onto [@paddr, @paddr + @len) in @v: up to
 * VMCORE_FILTER_WINDOW from there, inside the PT_LOAD that holds it,
 * starting on a 2 MiB boundary where it can so that huge mappings serve.
 */
static bool vmcore_view_map(const struct vmcore_filter *f,
			    struct vmcore_view *v, u64 paddr, size_t len)
{
	const Elf64_Phdr *ph = vmcore_load_of(f->dump, paddr, len);
	u64 start, end;

	vmcore_view_drop(f, v);
	if (!ph)
		return false;
	start = max(ALIGN_DOWN(paddr, SZ_2M),
		    ALIGN_DOWN(ph->p_offset, PAGE_SIZE));
	end = min(PAGE_ALIGN(ph->p_offset + ph->p_filesz),
		  start + VMCORE_FILTER_WINDOW);
	if (!IS_ALIGNED(start, SZ_2M))
		end = min(end, max(ALIGN(start, SZ_2M), PAGE_ALIGN(paddr + len)));
	v->va = f->mem->map(f->mem->ctx, start, end - start);
	if (!v->va)
		return false;
	v->start = start;
	v->end = end;
	return true;
}

/*
 * The @len bytes of old memory at @paddr, in place when the reader maps
 * it, else copied to v->buf; NULL when they cannot be read.
 */
static const void *vmcore_view_get(const struct vmcore_filter *f,
				   struct vmcore_view *v, u64 paddr,
				   size_t len)
{
	if (paddr >= v->start && paddr < v->end && len <= v->end - paddr)
		return v->va + (paddr - v->start);
	if (f->mem->map && vmcore_view_map(f, v, paddr, len))
		return v->va + (paddr - v->start);
	if (f->mem->read(f->mem->ctx, v->buf, len, paddr, false))
		return NULL;
	return v->buf;
}

/* Read the memmap table the VMCOREINFO @info points to; why it cannot. */
static const char *vmcore_filter_table(struct vmcore_filter *f,
				       const char *info, size_t len)
{
	const u64 sz = f->layout.size;
	struct crash_memmap t;
	u64 paddr, size, bytes;
	unsigned int i;

	if (crash_vmcoreinfo_number(info, len, "NUMBER(crash_memmap_paddr)",
				    &paddr) ||
	    crash_vmcoreinfo_number(info, len, "NUMBER(crash_memmap_size)",
				    &size))
		return "the crashed kernel wrote no memmap table (CONFIG_CRASH_MEMMAP)";
	if (size < sizeof(t) || size > VMCORE_FILTER_MAX_TABLE ||
	    !vmcore_load_of(f->dump, paddr, size) ||
	    f->mem->read(f->mem->ctx, &t, sizeof(t), paddr, false))
		return "its memmap table is not in its memory";
	if (t.magic != CRASH_MEMMAP_MAGIC || t.page_size != sz ||
	    t.max != (size - sizeof(t)) / sizeof(t.run[0]) || t.nr > t.max)
		return "its memmap table's header is damaged";
	bytes = (u64)t.nr * sizeof(*f->runs);
	f->runs = kvmalloc(bytes ?: 1, GFP_KERNEL);
	if (!f->runs)
		return "no memory for its memmap table";
	if (f->mem->read(f->mem->ctx, f->runs, bytes, paddr + sizeof(t), false) ||
	    crc32_le(~0, (const u8 *)f->runs, bytes) != t.sum)
		return "its memmap table is damaged";
	for (i = 0; i < t.nr; i++) {
		const struct crash_memmap_run *r = &f->runs[i];

		if (!r->nr || r->nr > U64_MAX / sz || r->pfn + r->nr < r->pfn ||
		    (i && r->pfn < r[-1].pfn + r[-1].nr) ||
		    !vmcore_load_of(f->dump, r->paddr, r->nr * sz))
			return "a run of its memmap table is wrong";
	}
	f->nr_runs = t.nr;
	return NULL;
}

/* Whether the @n pages at @pfn read as zeroes; false when in doubt. */
static void vmcore_filter_zeroes(struct vmcore_filter *f, u64 pfn,
				 unsigned int n, bool *zero)
{
	const void *data = vmcore_view_get(f, &f->data, PFN_PHYS(pfn),
					   n << PAGE_SHIFT);
	unsigned int i;

	for (i = 0; i < n; i++)
		zero[i] = data && !memchr_inv(data + (i << PAGE_SHIFT), 0,
					      PAGE_SIZE);
}

/*
 * Classify the @n pfns from @pfn, all in run f->run, whose struct pages
 * start at old memory @paddr; add the ones kept to f->ranges.
 */
static void vmcore_filter_chunk(struct vmcore_filter *f, u64 pfn,
				unsigned int n, u64 paddr, bool next)
{
	const struct crash_page_layout *l = &f->layout;
	bool keep[VMCORE_FILTER_CHUNK], zero[VMCORE_FILTER_ZERO];
	const void *pages = vmcore_view_get(f, &f->pages, paddr,
					    (n + next) * l->size);
	unsigned int i, j, from;

	if (!pages) {
		f->unread += n;
		crash_ranges_keep(&f->ranges, pfn, pfn + n);
		return;
	}
	for (i = 0; i < n; i++) {
		const void *page = pages + i * l->size;
		enum crash_page_kind kind;

		kind = crash_page_walk_next(&f->walk, pfn + i, page,
					    i + 1 < n || next ?
					    page + l->size : NULL);
		/* a page a driver says is not to be read: as if offline */
		if (f->is_ram && !f->is_ram(pfn + i))
			kind = CRASH_PAGE_POISON;
		keep[i] = !crash_page_excluded(kind, f->level);
		if (!keep[i])
			f->left_out[kind]++;
	}
	/* the zero level: read what would be kept, a few pages at a time */
	for (i = 0; (f->level & CRASH_EXCLUDE_ZERO) && i < n; i = j) {
		for (j = i; j < n && keep[j] && j - i < VMCORE_FILTER_ZERO; j++)
			;
		if (j == i) {
			j++;
			continue;
		}
		vmcore_filter_zeroes(f, pfn + i, j - i, zero);
		for (from = i; from < j; from++) {
			if (zero[from - i]) {
				keep[from] = false;
				f->zero++;
			}
		}
	}
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && keep[j] == keep[i]; j++)
			;
		if (keep[i])
			crash_ranges_keep(&f->ranges, pfn + i, pfn + j);
	}
}

/* Classify the pfns [@pfn, @end) of one PT_LOAD. */
static void vmcore_filter_pfns(struct vmcore_filter *f, u64 pfn, u64 end)
{
	const u64 sz = f->layout.size;

	while (pfn < end) {
		const struct crash_range *a;
		const struct crash_memmap_run *r;
		u64 n, stop;

		/* what another PT_LOAD maps too (the kernel image): kept */
		while (f->at < f->nr_alias && f->alias[f->at].end <= pfn)
			f->at++;
		a = f->at < f->nr_alias ? &f->alias[f->at] : NULL;
		if (a && a->start <= pfn) {
			n = min(end, a->end) - pfn;
			f->walk.end = 0;
			crash_ranges_keep(&f->ranges, pfn, pfn + n);
			pfn += n;
			continue;
		}
		stop = a ? min(end, a->start) : end;
		while (f->run < f->nr_runs &&
		       f->runs[f->run].pfn + f->runs[f->run].nr <= pfn)
			f->run++;
		r = f->run < f->nr_runs ? &f->runs[f->run] : NULL;
		if (!r || r->pfn > pfn) {
			/* no struct page vouched for: keep */
			n = r ? min(stop, r->pfn) - pfn : stop - pfn;
			f->walk.end = 0;
			crash_ranges_keep(&f->ranges, pfn, pfn + n);
			pfn += n;
			continue;
		}
		n = min3(stop - pfn, r->pfn + r->nr - pfn,
			 (u64)VMCORE_FILTER_CHUNK);
		f->walk.memmap = r->vaddr - r->pfn * sz;
		vmcore_filter_chunk(f, pfn, n, r->paddr + (pfn - r->pfn) * sz,
				    pfn + n < r->pfn + r->nr);
		pfn += n;
		cond_resched();
	}
}

/*
 * Cut the PT_LOAD @ph to the kept ranges, a piece for each: how many,
 * into @out unless it is NULL.
 */
static unsigned int vmcore_filter_cut_one(const struct crash_ranges *rs,
					  const Elf64_Phdr *ph,
					  Elf64_Phdr *out)
{
	u64 start = ph->p_offset, end = start + ph->p_filesz;
	unsigned int k = 0, nr = 0;

	while (k < rs->nr && PFN_PHYS(rs->r[k].end) <= start)
		k++;
	for (; k < rs->nr && PFN_PHYS(rs->r[k].start) < end; k++, nr++) {
		u64 from = max(start, PFN_PHYS(rs->r[k].start));
		u64 to = min(end, PFN_PHYS(rs->r[k].end));

		if (!out)
			continue;
		out[nr] = *ph;
		out[nr].p_offset = from;
		out[nr].p_paddr = ph->p_paddr + from - start;
		if (ph->p_vaddr != (u64)-1)
			out[nr].p_vaddr = ph->p_vaddr + from - start;
		out[nr].p_filesz = to - from;
		out[nr].p_memsz = to - from;
	}
	return nr;
}

/*
 * Cut the dump's PT_LOADs to the kept ranges: how many pieces, in @out.
 * The PT_LOADs may overlap (x86-64's kernel text has one of its own) and
 * come in any order: each is cut on its own.
 */
static unsigned int vmcore_filter_cut(const struct vmcore_filter *f,
				      Elf64_Phdr *out)
{
	unsigned int i, nr = 0;

	for (i = 0; i < f->dump->nr_loads; i++) {
		const Elf64_Phdr *ph = &f->dump->loads[i];

		if (!ph->p_filesz) {
			if (out)
				out[nr] = *ph;
			nr++;
			continue;
		}
		nr += vmcore_filter_cut_one(&f->ranges, ph, out ? out + nr : NULL);
	}
	return nr;
}

static void vmcore_filter_report(const struct vmcore_filter *f,
				 unsigned int nr, unsigned long start)
{
	u64 kept = 0;
	unsigned int i;

	for (i = 0; i < f->ranges.nr; i++)
		kept += f->ranges.r[i].end - f->ranges.r[i].start;
	pr_info("exclude=%u: keeps %llu of %llu MiB in %u PT_LOADs; left out MiB: free %llu, cache %llu, cache-private %llu, user %llu, zero %llu, poisoned or offline %llu (%u ms)\n",
		f->level, kept >> (20 - PAGE_SHIFT),
		f->total >> (20 - PAGE_SHIFT), nr,
		f->left_out[CRASH_PAGE_FREE] >> (20 - PAGE_SHIFT),
		f->left_out[CRASH_PAGE_CACHE] >> (20 - PAGE_SHIFT),
		f->left_out[CRASH_PAGE_CACHE_PRIVATE] >> (20 - PAGE_SHIFT),
		f->left_out[CRASH_PAGE_USER] >> (20 - PAGE_SHIFT),
		f->zero >> (20 - PAGE_SHIFT),
		f->left_out[CRASH_PAGE_POISON] >> (20 - PAGE_SHIFT),
		jiffies_to_msecs(jiffies - start));
	if (f->unread)
		pr_warn("exclude=%u: %llu struct pages could not be read: their pages are kept\n",
			f->level, f->unread);
}

static int vmcore_span_cmp(const void *a, const void *b)
{
	const struct crash_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort the @n ranges @r and merge those that overlap or meet: how many. */
static unsigned int vmcore_ranges_merge(struct crash_range *r, unsigned int n)
{
	unsigned int i, m = 0;

	sort(r, n, sizeof(*r), vmcore_span_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (m && r[i].start <= r[m - 1].end)
			r[m - 1].end = max(r[m - 1].end, r[i].end);
		else
			r[m++] = r[i];
	}
	return m;
}

/*
 * The physical memory the PT_LOADs hold, in bytes, into @spans; the pfns
 * of those inside another one (x86-64's kernel image, inside RAM) into
 * @alias.  Both in order, overlaps merged, room for every PT_LOAD.
 */
/*
 * The pfns of the KEEP(name)=PADDR,SIZE lines of VMCOREINFO @info (hex
 * numbers), at most VMCORE_FILTER_KEEPS, into @r: how many.  A line
 * that does not parse is passed over.
 */
static unsigned int vmcore_filter_keeps(const char *info, size_t len,
					struct crash_range *r)
{
	const char *end = info + len;
	unsigned int n = 0;

	while (info < end && n < VMCORE_FILTER_KEEPS) {
		const char *nl = memchr(info, '\n', end - info) ?: end;
		const char *eq = memchr(info, '=', nl - info);
		char buf[40], *comma;
		u64 pa, size;

		if (nl - info > 5 && !memcmp(info, "KEEP(", 5) && eq &&
		    nl - eq - 1 < sizeof(buf)) {
			memcpy(buf, eq + 1, nl - eq - 1);
			buf[nl - eq - 1] = '\0';
			comma = strchr(buf, ',');
			if (comma) {
				*comma = '\0';
				if (!kstrtou64(buf, 16, &pa) &&
				    !kstrtou64(comma + 1, 16, &size) && size &&
				    pa + size > pa) {
					r[n].start = PHYS_PFN(pa);
					r[n++].end = PFN_UP(pa + size);
				}
			}
		}
		info = nl + 1;
	}
	return n;
}

static void vmcore_filter_spans(struct vmcore_filter *f,
				struct crash_range *spans, unsigned int *nr)
{
	const struct vmcore_dump *dump = f->dump;
	unsigned int i, j, n = 0;

	for (i = 0; i < dump->nr_loads; i++) {
		const Elf64_Phdr *a = &dump->loads[i];

		if (!a->p_filesz)
			continue;
		spans[n].start = a->p_offset;
		spans[n++].end = a->p_offset + a->p_filesz;
		for (j = 0; j < dump->nr_loads; j++) {
			const Elf64_Phdr *b = &dump->loads[j];

			if (j == i || a->p_offset < b->p_offset ||
			    a->p_offset + a->p_filesz >
			    b->p_offset + b->p_filesz ||
			    (a->p_filesz == b->p_filesz && i < j))
				continue;
			f->alias[f->nr_alias].start = PHYS_PFN(a->p_offset);
			f->alias[f->nr_alias++].end =
				PFN_UP(a->p_offset + a->p_filesz);
			break;
		}
	}
	*nr = vmcore_ranges_merge(spans, n);
	f->nr_alias += vmcore_filter_keeps(f->info, f->info_len,
					   f->alias + f->nr_alias);
	f->nr_alias = vmcore_ranges_merge(f->alias, f->nr_alias);
}

/* Filter with @f set up; the new PT_LOADs or an error, and why. */
static const char *vmcore_filter_run(struct vmcore_filter *f,
				     Elf64_Phdr **loads, unsigned int *nr)
{
	const struct vmcore_dump *dump = f->dump;
	unsigned long start = jiffies;
	struct crash_range *spans;
	unsigned int i, n;

	spans = kvmalloc_array(dump->nr_loads ?: 1, sizeof(*spans),
			       GFP_KERNEL);
	f->alias = kvmalloc_array(dump->nr_loads + VMCORE_FILTER_KEEPS,
				  sizeof(*f->alias), GFP_KERNEL);
	if (!spans || !f->alias) {
		kvfree(spans);
		return "no memory for its PT_LOADs";
	}
	vmcore_filter_spans(f, spans, &n);
	crash_page_walk_init(&f->walk, &f->layout, 0);
	for (i = 0; i < n; i++) {
		u64 first = PHYS_PFN(spans[i].start);
		u64 end = PFN_UP(spans[i].end);

		f->total += end - first;
		/* a partial page at either end is kept whole */
		if (!PAGE_ALIGNED(spans[i].start)) {
			crash_ranges_keep(&f->ranges, first, first + 1);
			first++;
		}
		if (!PAGE_ALIGNED(spans[i].end) && end > first)
			end--;
		vmcore_filter_pfns(f, first, end);
		if (end < PFN_UP(spans[i].end))
			crash_ranges_keep(&f->ranges, end, end + 1);
	}
	kvfree(spans);
	*nr = vmcore_filter_cut(f, NULL);
	*loads = kvcalloc(*nr ?: 1, sizeof(**loads), GFP_KERNEL);
	if (!*loads)
		return "no memory for its program headers";
	vmcore_filter_cut(f, *loads);
	vmcore_filter_report(f, *nr, start);
	return NULL;
}

/**
 * vmcore_filter() - the PT_LOADs of a dump cut to what a level keeps
 * @mem: the crashed kernel's memory
 * @dump: its checked header; its loads in @mem
 * @level: CRASH_EXCLUDE_* bits, not 0
 * @is_ram: NULL, or false for the pfns a driver says are not to be read
 *	(they are left out as well)
 * @loads: set to the new PT_LOADs (kvfree() them)
 * @nr: set to how many
 *
 * See "how a dump is filtered".  Prints what was left out, or why
 * nothing was.
 *
 * Return: 0, or -errno with nothing filtered.
 */
int vmcore_filter(const struct vmcore_mem *mem, const struct vmcore_dump *dump,
		  unsigned int level, bool (*is_ram)(unsigned long pfn),
		  Elf64_Phdr **loads, unsigned int *nr)
{
	struct vmcore_filter *f;
	const char *info, *why, *key = NULL;
	struct crash_range *r;
	size_t len = 0;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	r = kvmalloc_array(VMCORE_FILTER_RANGES, sizeof(*r), GFP_KERNEL);
	if (f) {
		f->pages.buf = kvmalloc((VMCORE_FILTER_CHUNK + 1) * SZ_1K,
					GFP_KERNEL);
		f->data.buf = kvmalloc(VMCORE_FILTER_ZERO * PAGE_SIZE,
				       GFP_KERNEL);
	}
	if (!f || !r || !f->pages.buf || !f->data.buf) {
		why = "no memory";
		goto out;
	}
	f->mem = mem;
	f->dump = dump;
	f->level = level;
	f->is_ram = is_ram;
	crash_ranges_init(&f->ranges, r, VMCORE_FILTER_RANGES);
	info = vmcore_note_find(dump->notes, dump->notes_size,
				VMCOREINFO_NOTE_NAME, &len);
	f->info = info;
	f->info_len = len;
	if (!info)
		why = "the crashed kernel gave no VMCOREINFO";
	else if (crash_page_layout_parse(info, len, &f->layout, &key))
		why = key;	/* the VMCOREINFO key missing or wrong */
	else
		why = vmcore_filter_table(f, info, len) ?:
		      vmcore_filter_run(f, loads, nr);
out:
	if (why)
		pr_err("exclude=%u: not filtering, the dump keeps everything: %s%s\n",
		       level, why == key ? "its VMCOREINFO has no usable " : "",
		       why);
	if (f) {
		vmcore_view_drop(f, &f->pages);
		vmcore_view_drop(f, &f->data);
		kvfree(f->runs);
		kvfree(f->alias);
		kvfree(f->pages.buf);
		kvfree(f->data.buf);
	}
	kfree(f);
	kvfree(r);
	return why ? -EINVAL : 0;
}
