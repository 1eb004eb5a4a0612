// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which pages of a crashed kernel a filtered dump may leave out.
 *
 * makedumpfile decides this from user space, with each kernel version's
 * struct page layout built in.  Here the layout comes from the crashed
 * kernel's own VMCOREINFO, and the decision from its struct pages read
 * through old memory: a free buddy block, page cache (with or without
 * private data), anonymous and hugetlb memory, poisoned and offline
 * pages, makedumpfile's dump levels.
 */
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/log2.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "pagefilter.h"

/*
 * DOC: what a filtered dump may leave out, and why it is safe
 *
 * A crash may be memory corruption, so a struct page is believed only
 * when it is consistent, and a page is kept whenever it is not: a free
 * block's order larger than the buddy allocator's or not aligned to
 * it, a folio's order out of range or misaligned, a tail page that does
 * not point to the head before it, page cache whose mapping is not a
 * kernel pointer.  A page with no type and no mapping is the kernel's
 * (slab, page tables, the log buffer, vmalloc and module memory) and is
 * always kept; so are slab pages.  Hardware-poisoned and offline pages
 * are always left out: reading them may machine-check, or reach
 * memory the hypervisor took back.
 *
 * The walk runs in the capture kernel over the crashed kernel's struct
 * page array, one page at a time in pfn order, in bounded time and with
 * no allocation: what it remembers is the current free block's or
 * folio's extent.  It reads 64-bit struct pages of the capture kernel's
 * own byte order: the crashed kernel is the same architecture, built
 * from the same tree.
 */

/* the folio orders a head may give: up to a 16 GiB gigantic page */
#define CRASH_FOLIO_MAX_ORDER	22

enum key_kind { KEY_U32, KEY_BIT, KEY_MASK, KEY_TYPE, KEY_ORDERS };

static const struct crash_page_key {
	const char *name;
	enum key_kind kind;
	size_t at;
	bool optional;
} crash_page_keys[] = {
#define U32(name, f)	{ name, KEY_U32, offsetof(struct crash_page_layout, f) }
#define BIT_(name, f)	{ name, KEY_BIT, offsetof(struct crash_page_layout, f) }
#define TYPE(name, f, opt) \
	{ name, KEY_TYPE, offsetof(struct crash_page_layout, f), opt }
	U32("SIZE(page)", size),
	U32("OFFSET(page.flags)", off_flags),
	U32("OFFSET(page.mapping)", off_mapping),
	U32("OFFSET(page.private)", off_private),
	U32("OFFSET(page.compound_head)", off_head),
	U32("OFFSET(page._mapcount)", off_type),
	BIT_("NUMBER(PG_lru)", pg_lru),
	BIT_("NUMBER(PG_private)", pg_private),
	BIT_("NUMBER(PG_swapcache)", pg_swapcache),
	BIT_("NUMBER(PG_swapbacked)", pg_swapbacked),
	{ "NUMBER(PG_head_mask)", KEY_MASK,
	  offsetof(struct crash_page_layout, pg_head) },
	{ "NUMBER(PG_hwpoison)", KEY_BIT,
	  offsetof(struct crash_page_layout, pg_hwpoison), true },
	TYPE("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", ty_buddy, false),
	TYPE("NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)", ty_slab, false),
	TYPE("NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)", ty_hugetlb, true),
	TYPE("NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", ty_offline, true),
	{ "LENGTH(zone.free_area)", KEY_ORDERS,
	  offsetof(struct crash_page_layout, max_order) },
#undef U32
#undef BIT_
#undef TYPE
};

/* Store @v for @k in @l; false if it is not a believable value. */
static bool crash_page_key_set(struct crash_page_layout *l,
			       const struct crash_page_key *k, long long v)
{
	void *p = (void *)l + k->at;

	switch (k->kind) {
	case KEY_U32:
		if (v < 0 || v > 1024)
			return false;
		*(u32 *)p = v;
		return true;
	case KEY_BIT:
		if (v < 0 || v > 63)
			return false;
		*(s8 *)p = v;
		return true;
	case KEY_MASK:
		if (v <= 0 || !is_power_of_2((u64)v))
			return false;
		*(s8 *)p = ilog2((u64)v);
		return true;
	case KEY_TYPE:
		/* (s32)(PGTY_x << 24): a top byte from 0x80, nothing below */
		if (v >= 0 || v < S32_MIN || ((u32)v & 0xffffff))
			return false;
		*(u8 *)p = (u32)v >> 24;
		return true;
	case KEY_ORDERS:
		if (v < 1 || v > CRASH_FOLIO_MAX_ORDER)
			return false;
		*(u8 *)p = v - 1;
		return true;
	}
	return false;
}

/* Parse the value from @v to @end for @k into @l; false if it is bad. */
static bool crash_page_key_parse(struct crash_page_layout *l,
				 const struct crash_page_key *k,
				 const char *v, const char *end)
{
	char val[24];
	long long n;

	if (end - v >= sizeof(val))
		return false;
	memcpy(val, v, end - v);
	val[end - v] = '\0';
	return !kstrtoll(val, 10, &n) && crash_page_key_set(l, k, n);
}

/**
 * crash_page_layout_parse() - the struct page layout a VMCOREINFO gives
 * @info: the VMCOREINFO note's text, KEY=VALUE lines
 * @len: its length
 * @l: filled in
 * @why: set to what is missing or wrong when it fails
 *
 * Every key is needed but PG_hwpoison and the hugetlb and offline page
 * types (without them such pages are kept); a value is believed only
 * when it fits the struct it describes.
 *
 * Return: 0, or -EINVAL with @why set.
 */
int crash_page_layout_parse(const char *info, size_t len,
			    struct crash_page_layout *l, const char **why)
{
	unsigned long seen = 0;
	const char *end = info + len;
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(crash_page_keys) > BITS_PER_LONG);
	memset(l, 0, sizeof(*l));
	l->pg_hwpoison = -1;
	while (info < end) {
		const char *nl = memchr(info, '\n', end - info) ?: end;
		const char *eq = memchr(info, '=', nl - info);

		for (i = 0; eq && i < ARRAY_SIZE(crash_page_keys); i++) {
			const struct crash_page_key *k = &crash_page_keys[i];

			if (strlen(k->name) != eq - info ||
			    memcmp(k->name, info, eq - info))
				continue;
			if (!crash_page_key_parse(l, k, eq + 1, nl)) {
				*why = k->name;
				return -EINVAL;
			}
			seen |= BIT(i);
			break;
		}
		info = nl + 1;
	}
	for (i = 0; i < ARRAY_SIZE(crash_page_keys); i++) {
		if (!(seen & BIT(i)) && !crash_page_keys[i].optional) {
			*why = crash_page_keys[i].name;
			return -EINVAL;
		}
	}
	/* every field read must lie inside the struct */
	if (l->size < 32 || l->off_flags > l->size - 8 ||
	    l->off_mapping > l->size - 8 || l->off_private > l->size - 8 ||
	    l->off_head > l->size - 8 || l->off_type > l->size - 4) {
		*why = "SIZE(page)";
		return -EINVAL;
	}
	return 0;
}

/**
 * crash_vmcoreinfo_number() - a decimal value of a VMCOREINFO
 * @info: the VMCOREINFO note's text
 * @len: its length
 * @key: the key, "NUMBER(x)"
 * @val: set to the value of the first line with @key
 *
 * Return: 0, -ENOENT without such a line, -EINVAL if its value is not a
 * number.
 */
int crash_vmcoreinfo_number(const char *info, size_t len, const char *key,
			    u64 *val)
{
	const char *end = info + len;
	size_t klen = strlen(key);
	char buf[24];

	while (info < end) {
		const char *nl = memchr(info, '\n', end - info) ?: end;

		if (nl - info > klen && info[klen] == '=' &&
		    !memcmp(info, key, klen)) {
			info += klen + 1;
			if (nl - info >= sizeof(buf))
				return -EINVAL;
			memcpy(buf, info, nl - info);
			buf[nl - info] = '\0';
			return kstrtou64(buf, 10, val) ? -EINVAL : 0;
		}
		info = nl + 1;
	}
	return -ENOENT;
}

static const char * const crash_exclude_names[] = {
	"zero", "cache", "cache-private", "user", "free",
};

/**
 * crash_exclude_parse() - a dump level, as vmcore.exclude= gives it
 * @s: a number from 0 to 31 (makedumpfile's -d), or names joined by
 *	commas: zero, cache, cache-private, user, free; "none" is 0; a
 *	trailing newline is allowed
 * @level: set to the CRASH_EXCLUDE_* bits
 *
 * Return: 0, or -EINVAL.
 */
int crash_exclude_parse(const char *s, unsigned int *level)
{
	size_t len = strcspn(s, "\n");
	unsigned int bits = 0, i;
	char buf[64], *p, *name;

	if (!len || len >= sizeof(buf) || s[len + !!s[len]])
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (isdigit(buf[0]))
		return kstrtouint(buf, 0, level) || *level > CRASH_EXCLUDE_ALL ?
		       -EINVAL : 0;
	if (!strcmp(buf, "none")) {
		*level = 0;
		return 0;
	}
	p = buf;
	while ((name = strsep(&p, ","))) {
		for (i = 0; i < ARRAY_SIZE(crash_exclude_names); i++)
			if (!strcmp(name, crash_exclude_names[i]))
				break;
		if (i == ARRAY_SIZE(crash_exclude_names))
			return -EINVAL;
		bits |= BIT(i);
	}
	*level = bits;
	return 0;
}

static u64 crash_page_u64(const void *page, u32 off)
{
	return get_unaligned((const u64 *)(page + off));
}

static bool crash_page_flag(const struct crash_page_layout *l, u64 flags,
			    int bit)
{
	return bit >= 0 && (flags & BIT_ULL(bit));
}

/* A kernel pointer: in the upper half, aligned as a struct address_space */
static bool crash_kernel_pointer(u64 v)
{
	return (s64)v < 0 && !(v & 7);
}

/* The kind of a page that starts nothing (no free block, no folio) */
static enum crash_page_kind crash_page_kind_of(const struct crash_page_layout *l,
					       u64 flags, u64 mapping)
{
	bool cache;

	if (mapping & 1)	/* anonymous, or KSM */
		return CRASH_PAGE_USER;
	cache = crash_page_flag(l, flags, l->pg_lru) ||
		(crash_page_flag(l, flags, l->pg_swapcache) &&
		 crash_page_flag(l, flags, l->pg_swapbacked));
	if (!cache || !crash_kernel_pointer(mapping))
		return CRASH_PAGE_KEEP;
	return crash_page_flag(l, flags, l->pg_private) ?
		CRASH_PAGE_CACHE_PRIVATE : CRASH_PAGE_CACHE;
}

/**
 * crash_page_walk_init() - start a walk over a crashed kernel's pages
 * @w: the walk
 * @l: the layout of its struct page
 * @memmap: its address of the struct page of pfn 0 (vmemmap)
 */
void crash_page_walk_init(struct crash_page_walk *w,
			  const struct crash_page_layout *l, u64 memmap)
{
	w->l = l;
	w->memmap = memmap;
	w->end = 0;
	w->head = 0;
	w->kind = CRASH_PAGE_KEEP;
}

/**
 * crash_page_walk_next() - the kind of the page at @pfn
 * @w: the walk; pfns must come in increasing order
 * @pfn: the page's frame number
 * @page: its struct page, as the crashed kernel left it
 * @next: the struct page of @pfn + 1 (a folio's order is there), or NULL
 *
 * Return: what the page is; CRASH_PAGE_KEEP when in doubt.
 */
enum crash_page_kind crash_page_walk_next(struct crash_page_walk *w, u64 pfn,
					  const void *page, const void *next)
{
	const struct crash_page_layout *l = w->l;
	u64 flags = crash_page_u64(page, l->off_flags);
	u64 mapping = crash_page_u64(page, l->off_mapping);
	u64 head = crash_page_u64(page, l->off_head);
	u8 type = get_unaligned((const u32 *)(page + l->off_type)) >> 24;
	enum crash_page_kind kind;
	u64 order;

	if (crash_page_flag(l, flags, l->pg_hwpoison) ||
	    (l->ty_offline && type == l->ty_offline))
		return CRASH_PAGE_POISON;
	if (pfn < w->end) {
		/* a free block's other pages: no tail, on no LRU, no type */
		if (w->kind == CRASH_PAGE_FREE && !(head & 1) &&
		    !crash_page_flag(l, flags, l->pg_lru) &&
		    (type < 0x80 || type == 0xff))
			return CRASH_PAGE_FREE;
		/* a folio's tails point to its head */
		if (w->kind != CRASH_PAGE_FREE &&
		    head == w->memmap + w->head * l->size + 1)
			return w->kind;
		w->end = 0;	/* not what the block's first page said */
		return CRASH_PAGE_KEEP;
	}
	if (head & 1)		/* a tail whose head was not seen */
		return CRASH_PAGE_KEEP;
	if (type == l->ty_buddy) {
		order = crash_page_u64(page, l->off_private);
		if (order > l->max_order || !IS_ALIGNED(pfn, 1ULL << order))
			return CRASH_PAGE_KEEP;
		w->kind = CRASH_PAGE_FREE;
		w->end = pfn + (1ULL << order);
		return CRASH_PAGE_FREE;
	}
	if (type == l->ty_slab)
		return CRASH_PAGE_KEEP;
	kind = l->ty_hugetlb && type == l->ty_hugetlb ? CRASH_PAGE_USER :
	       crash_page_kind_of(l, flags, mapping);
	if (!crash_page_flag(l, flags, l->pg_head))
		return kind;
	/* a folio: its order is in the next struct page's flags */
	order = next ? crash_page_u64(next, l->off_flags) & 0xff : 0;
	if (!order || order > CRASH_FOLIO_MAX_ORDER ||
	    !IS_ALIGNED(pfn, 1ULL << order))
		return CRASH_PAGE_KEEP;
	w->kind = kind;
	w->head = pfn;
	w->end = pfn + (1ULL << order);
	return kind;
}

/**
 * crash_page_excluded() - whether dump level @level leaves such a page out
 * @kind: the page's kind
 * @level: makedumpfile's dump level, CRASH_EXCLUDE_* bits
 *
 * Return: true to leave the page out.  Poisoned pages always are.
 */
bool crash_page_excluded(enum crash_page_kind kind, unsigned int level)
{
	switch (kind) {
	case CRASH_PAGE_POISON:
		return true;
	case CRASH_PAGE_CACHE:
		return level & CRASH_EXCLUDE_CACHE;
	case CRASH_PAGE_CACHE_PRIVATE:
		return level & CRASH_EXCLUDE_CACHE_PRIVATE;
	case CRASH_PAGE_USER:
		return level & CRASH_EXCLUDE_USER;
	case CRASH_PAGE_FREE:
		return level & CRASH_EXCLUDE_FREE;
	default:
		return false;
	}
}

/**
 * crash_ranges_init() - no kept pages yet
 * @rs: the ranges
 * @r: room for @max ranges
 * @max: at least 2
 */
void crash_ranges_init(struct crash_ranges *rs, struct crash_range *r,
		       unsigned int max)
{
	rs->r = r;
	rs->nr = 0;
	rs->max = max;
	rs->gap = 1;
}

/* Merge the ranges whose holes are shorter than rs->gap. */
static void crash_ranges_merge(struct crash_ranges *rs)
{
	unsigned int i, n = 0;

	for (i = 1; i < rs->nr; i++) {
		if (rs->r[i].start - rs->r[n].end < rs->gap)
			rs->r[n].end = rs->r[i].end;
		else
			rs->r[++n] = rs->r[i];
	}
	rs->nr = n + 1;
}

/**
 * crash_ranges_keep() - add the kept pages [@start, @end)
 * @rs: the ranges
 * @start: the first pfn; those below the end of the last range added
 *	are in it already
 * @end: the pfn after the last
 *
 * When the ranges are full, holes up to twice as long as before are
 * kept as well, until there is room: the dump's program headers stay
 * at most @rs->max however fragmented the kept memory is, at the cost
 * of keeping some pages a filter would leave out.
 */
void crash_ranges_keep(struct crash_ranges *rs, u64 start, u64 end)
{
	struct crash_range *last = rs->nr ? &rs->r[rs->nr - 1] : NULL;

	if (last && start < last->end)	/* PT_LOADs that share a page */
		start = last->end;
	if (start >= end)
		return;
	if (last && start - last->end < rs->gap) {
		last->end = end;
		return;
	}
	while (rs->nr == rs->max) {
		rs->gap *= 2;
		crash_ranges_merge(rs);
		last = &rs->r[rs->nr - 1];
		if (start - last->end < rs->gap) {
			last->end = end;
			return;
		}
	}
	rs->r[rs->nr].start = start;
	rs->r[rs->nr].end = end;
	rs->nr++;
}
