// SPDX-License-Identifier: GPL-2.0
/*
 * The segments of a kexec image, checked before any of their contents is
 * copied: for kexec_load, where user space chose every address, and for
 * kexec_file_load, as a last check of what the loader placed.  Each
 * refusal says which segment and why.
 */
#include <linux/crash_reserve.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/mm.h>
#include <kunit/visibility.h>

#include "../kexec_internal.h"
#include "segments.h"

/**
 * kexec_segments_check() - check an image's segments against the rules
 * @seg: the segments
 * @nr: how many
 * @rules: what they must obey
 * @why: set to the reason of a refusal
 * @size: size of @why
 *
 * Return: 0; -EADDRNOTAVAIL for a segment at a wrong address (unaligned,
 * wrapping, beyond the limit, outside the crash region); -EINVAL for too
 * many segments, one holding more than its size, two overlapping, or
 * more pages than allowed.
 */
int kexec_segments_check(const struct kexec_segment *seg, unsigned long nr,
			 const struct kexec_segment_rules *rules, char *why,
			 size_t size)
{
	unsigned long i, j, start, end, pages = 0;
	bool region = rules->region_end >= rules->region_start;

	if (nr > KEXEC_SEGMENT_MAX) {
		snprintf(why, size, "%lu segments, at most %d", nr,
			 KEXEC_SEGMENT_MAX);
		return -EINVAL;
	}
	for (i = 0; i < nr; i++) {
		start = seg[i].mem;
		end = start + seg[i].memsz;
		if (end < start) {
			snprintf(why, size, "segment %lu wraps around", i);
			return -EADDRNOTAVAIL;
		}
		if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end)) {
			snprintf(why, size, "segment %lu (%#lx+%#zx) is not page aligned",
				 i, start, seg[i].memsz);
			return -EADDRNOTAVAIL;
		}
		if (end > rules->limit) {
			snprintf(why, size, "segment %lu ends at %#lx, beyond %#lx",
				 i, end, rules->limit);
			return -EADDRNOTAVAIL;
		}
		/*
		 * An empty segment too: a crash image's segments are all in
		 * the region, since code that updates one (the ELF header
		 * after a CPU goes offline) maps its start.
		 */
		if (region && (start < rules->region_start ||
			       (seg[i].memsz ? end - 1 : start) >
			       rules->region_end)) {
			snprintf(why, size,
				 "segment %lu (%#lx-%#lx) is outside the crash region (%#lx-%#lx)",
				 i, start, seg[i].memsz ? end - 1 : start,
				 rules->region_start, rules->region_end);
			return -EADDRNOTAVAIL;
		}
		if (seg[i].bufsz > seg[i].memsz) {
			snprintf(why, size, "segment %lu holds %zu bytes in %zu",
				 i, seg[i].bufsz, seg[i].memsz);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (end > seg[j].mem && start < seg[j].mem + seg[j].memsz) {
				snprintf(why, size, "segment %lu overlaps segment %lu",
					 i, j);
				return -EINVAL;
			}
		}
		pages += seg[i].memsz >> PAGE_SHIFT;
	}
	if (pages > rules->max_pages) {
		snprintf(why, size, "the segments take %lu pages, more than %lu",
			 pages, rules->max_pages);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kexec_segments_check);

/**
 * sanity_check_segment_list() - check a kexec image's segments
 * @image: the image, its segment list filled in
 *
 * Any image may take at most half of RAM and must stay below the
 * architecture's destination limit; a capture kernel must stay in the
 * crash region.
 *
 * Return: 0, or the error of kexec_segments_check(), logged with its
 * reason.
 */
int sanity_check_segment_list(struct kimage *image)
{
	struct kexec_segment_rules rules = {
		.limit = KEXEC_DESTINATION_MEMORY_LIMIT,
		.max_pages = totalram_pages() / 2,
		.region_start = 1,
		.region_end = 0,
	};
	char why[128];
	int ret;

#ifdef CONFIG_CRASH_DUMP
	if (image->type == KEXEC_TYPE_CRASH) {
		rules.region_start = phys_to_boot_phys(crashk_res.start);
		rules.region_end = phys_to_boot_phys(crashk_res.end);
	}
#endif
	ret = kexec_segments_check(image->segment, image->nr_segments, &rules,
				   why, sizeof(why));
	if (ret)
		pr_err("kexec: refusing the image: %s\n", why);
	return ret;
}
