// SPDX-License-Identifier: GPL-2.0
/*
 * dma-into DEV START END [MIB]
 *
 * Reads DEV with O_DIRECT, MIB MiB at a time (default 4), into a buffer
 * of user memory, forever: the device writes into those pages by DMA.
 * First prints how many of the buffer's pages are at physical addresses
 * START to END (inclusive, hex), from /proc/self/pagemap:
 *
 *	dma-buffer in=N of=M first=PADDR
 *
 * then "dma-reading" before the first read, and "dma-read N" after each.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long long start, end, pfn_mask = (1ULL << 55) - 1;
	size_t size, page = sysconf(_SC_PAGESIZE), i, in = 0;
	unsigned long long first = 0;
	unsigned long n;
	uint64_t entry;
	char *buf;
	int fd, map;

	if (argc < 4)
		return 2;
	start = strtoull(argv[2], NULL, 16);
	end = strtoull(argv[3], NULL, 16);
	size = (argc > 4 ? strtoul(argv[4], NULL, 0) : 4) << 20;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	map = open("/proc/self/pagemap", O_RDONLY);
	if (buf == MAP_FAILED || fd < 0 || map < 0) {
		perror("dma-into");
		return 1;
	}
	memset(buf, 0x5a, size);
	for (i = 0; i < size; i += page) {
		if (pread(map, &entry, sizeof(entry),
			  (uintptr_t)(buf + i) / page * sizeof(entry)) !=
		    sizeof(entry))
			return 1;
		entry &= pfn_mask;
		if (!i)
			first = entry * page;
		in += entry * page >= start && entry * page <= end;
	}
	printf("dma-buffer in=%zu of=%zu first=0x%llx\n", in, size / page,
	       first);
	printf("dma-reading\n");
	fflush(stdout);
	for (n = 1;; n++) {
		if (pread(fd, buf, size, (off_t)(n - 1) * size) != (ssize_t)size)
			return 1;
		printf("dma-read %lu\n", n);
		fflush(stdout);
	}
}
