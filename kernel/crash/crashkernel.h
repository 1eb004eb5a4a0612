/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crashkernel= parsing, shared by the boot-time reservation and its KUnit
 * test.  Pure string and arithmetic work: no memblock, no printk.
 */
#ifndef _KERNEL_CRASH_CRASHKERNEL_H
#define _KERNEL_CRASH_CRASHKERNEL_H

#include <linux/sizes.h>
#include <linux/types.h>

/*
 * crashkernel=auto: a fixed part for the capture kernel, its initramfs and
 * its own memory map, plus a share of installed RAM for the dump tools'
 * bookkeeping (makedumpfile's page bitmaps grow with the dumped memory).
 */
#define CRASHKERNEL_AUTO_FIXED		SZ_64M
#define CRASHKERNEL_AUTO_RAM_SHIFT	8	/* 4 MiB per GiB of RAM */
#define CRASHKERNEL_AUTO_MAX		SZ_1G

/**
 * struct crashkernel_req - what the command line asks to reserve
 * @size: bytes for the main region, 0 when nothing is to be reserved
 * @base: requested physical start, 0 for "anywhere"
 * @low_size: bytes below 4 GiB that go with a ,high region
 * @high: the main region may (and should) go above 4 GiB
 * @low_given: @low_size came from crashkernel=,low rather than a default
 * @auto_size: @size was computed by crashkernel=auto
 * @err: on -EINVAL, what was wrong, for the caller's pr_err()
 * @arg: the crashkernel= value the request came from (not terminated)
 * @arg_len: its length
 * @cma_arg: the last crashkernel=SIZE,cma value, or NULL
 * @cma_arg_len: its length
 * @cma_size: its size; 0 when there is none or it is malformed
 * @cma_err: why it was refused, or NULL
 */
struct crashkernel_req {
	u64 size;
	u64 base;
	u64 low_size;
	bool high;
	bool low_given;
	bool auto_size;
	const char *err;
	const char *arg;
	int arg_len;
	const char *cma_arg;
	int cma_arg_len;
	u64 cma_size;
	const char *cma_err;
};

u64 crashkernel_auto_size(u64 system_ram);
int crashkernel_parse(const char *cmdline, u64 system_ram,
		      struct crashkernel_req *req);

#endif /* _KERNEL_CRASH_CRASHKERNEL_H */
