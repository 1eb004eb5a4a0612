/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KERNEL_CRASH_SEGMENTS_H
#define _KERNEL_CRASH_SEGMENTS_H

#include <linux/kexec.h>

/**
 * struct kexec_segment_rules - what the segments of one image must obey
 * @limit: no segment may reach this address
 * @max_pages: pages all segments may take together
 * @region_start: first byte of the crash region, for a capture kernel
 * @region_end: its last byte; below @region_start for "anywhere"
 */
struct kexec_segment_rules {
	unsigned long limit;
	unsigned long max_pages;
	unsigned long region_start;
	unsigned long region_end;
};

int kexec_segments_check(const struct kexec_segment *seg, unsigned long nr,
			 const struct kexec_segment_rules *rules, char *why,
			 size_t size);

#endif
