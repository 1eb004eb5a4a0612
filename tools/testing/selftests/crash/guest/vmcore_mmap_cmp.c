// SPDX-License-Identifier: GPL-2.0
/*
 * vmcore-mmap-cmp [FILE]
 * vmcore-mmap-cmp --windows [FILE]
 *
 * Maps FILE (default /proc/vmcore) whole and compares every byte with
 * what read() returns for it; prints
 *
 *	mmap=same bytes=N	or	mmap=differs at=OFFSET	or	mmap=error
 *
 * With --windows, maps parts of each PT_LOAD of 4 MiB or more the ways a
 * dump tool does and the ways that keep the kernel from mapping them in
 * 2 MiB pages, and compares each with read():
 *
 *	a 6 MiB window a page into the PT_LOAD (where the kernel chooses);
 *	the same with a page unmapped in its middle after it was read (the
 *	2 MiB around it split);
 *	the same at an address chosen to disagree with the old memory's
 *	modulo 2 MiB (MAP_FIXED).
 *
 * Then all of it again with THP off for the process (PR_SET_THP_DISABLE).
 * It prints
 *
 *	windows=same loads=N huge=H nothp=P
 *	or	windows=differs at=OFFSET how=WAY
 *
 * where H counts the first windows whose 2 MiB aligned middle the page
 * tables (debugfs' page_tables/current_kernel, x86) show as one PMD,
 * write-back (not PCD), and P the same with THP off.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE	4096UL
#define PMD	(2UL << 20)
#define WINDOW	(6UL << 20)

static char buf[1 << 16];

/* The first offset in [off, off + len) where @map and the file differ */
static long long differs(int fd, const char *map, off_t off, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t want = len - done < sizeof(buf) ? len - done : sizeof(buf);
		ssize_t n = pread(fd, buf, want, off + done);

		if (n <= 0)
			return off + done;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != map[done + i])
				return off + done + i;
		done += n;
	}
	return -1;
}

/* Whether the page tables map [va, va + PMD) with one cached PMD */
static int pmd_mapped(unsigned long va)
{
	FILE *f = fopen("/sys/kernel/debug/page_tables/current_kernel", "r");
	char line[256];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long start, end;

		if (sscanf(line, "0x%lx-0x%lx", &start, &end) == 2 &&
		    start <= va && va + PMD <= end &&
		    strstr(line, " PSE ") && !strstr(line, " PCD ") &&
		    strstr(line, " pmd"))
			found = 1;
	}
	fclose(f);
	return found;
}

static int whole(int fd)
{
	struct stat st;
	char *map;

	if (fstat(fd, &st) || !st.st_size)
		return -1;
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	long long at = differs(fd, map, 0, st.st_size);

	if (at >= 0) {
		printf("mmap=differs at=%lld\n", at);
		return 1;
	}
	printf("mmap=same bytes=%lld\n", (long long)st.st_size);
	return 0;
}

/* One PT_LOAD's windows; 0, 1 when they differ, -1 on errors */
static int map_windows(int fd, const Elf64_Phdr *ph, int *huge)
{
	/* a page into the PT_LOAD, at a page of the file and of old memory */
	off_t off = (ph->p_offset & ~(PAGE - 1)) + PAGE;
	unsigned long paddr = (ph->p_paddr & ~(PAGE - 1)) + PAGE;
	unsigned long mid, fixed;
	size_t len = WINDOW;
	char *map, *area;
	long long at;

	map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
	if (map == MAP_FAILED)
		return -1;
	/* touched before read() maps any of it for itself */
	mid = ((unsigned long)map + PMD - 1) & ~(PMD - 1);
	asm("" : : "r" (*(char *)mid));
	*huge += pmd_mapped(mid);
	at = differs(fd, map, off, len);
	if (at >= 0) {
		printf("windows=differs at=%lld how=placed\n", at);
		return 1;
	}
	/* split the 2 MiB in the middle: the rest is faulted in by pages */
	mid -= (unsigned long)map;
	if (munmap(map + mid + PAGE, PAGE))
		return -1;
	at = differs(fd, map + mid, off + mid, PAGE);
	if (at < 0)
		at = differs(fd, map + mid + 2 * PAGE, off + mid + 2 * PAGE,
			     len - mid - 2 * PAGE);
	munmap(map, len);
	if (at >= 0) {
		printf("windows=differs at=%lld how=split\n", at);
		return 1;
	}
	/* an address a page off the old memory's alignment */
	area = mmap(NULL, len + 2 * PMD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (area == MAP_FAILED)
		return -1;
	fixed = (((unsigned long)area + PMD - 1) & ~(PMD - 1)) +
		((paddr + PAGE) & (PMD - 1));
	map = mmap((void *)fixed, len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd,
		   off);
	if (map == MAP_FAILED)
		return -1;
	at = differs(fd, map, off, len);
	munmap(area, len + 2 * PMD);
	if (at >= 0) {
		printf("windows=differs at=%lld how=fixed\n", at);
		return 1;
	}
	return 0;
}

/* Each PT_LOAD's windows; @huge counts those mapped in a PMD */
static int all_windows(int fd, int *loads, int *huge)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int ret;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		return -1;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    sizeof(ph))
			return -1;
		if (ph.p_type != PT_LOAD || ph.p_filesz < WINDOW + 2 * PAGE)
			continue;
		ret = map_windows(fd, &ph, huge);
		if (ret)
			return ret;
		(*loads)++;
	}
	return 0;
}

/* The windows, then again with THP off for this process */
static int both_ways(int fd)
{
	int loads = 0, huge = 0, plain = 0, ret;

	ret = all_windows(fd, &loads, &huge);
	if (ret)
		return ret;
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		return -1;
	ret = all_windows(fd, &loads, &plain);
	if (ret)
		return ret;
	printf("windows=same loads=%d huge=%d nothp=%d\n", loads / 2, huge,
	       plain);
	return 0;
}

int main(int argc, char **argv)
{
	int many = argc > 1 && !strcmp(argv[1], "--windows");
	const char *path = argc > 1 + many ? argv[1 + many] : "/proc/vmcore";
	int fd = open(path, O_RDONLY);
	int ret = fd < 0 ? -1 : many ? both_ways(fd) : whole(fd);

	if (ret < 0) {
		perror(path);
		printf("%s=error\n", many ? "windows" : "mmap");
		return 1;
	}
	return ret;
}
