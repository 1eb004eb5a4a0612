// SPDX-License-Identifier: GPL-2.0
/*
 * vmcore-read [FILE [SIZE_MIB]]
 *
 * Reads FILE (default /proc/vmcore) whole, or its first SIZE_MIB MiB,
 * once with read() in 1 MiB blocks and once through mmap() in 4 MiB
 * windows, and prints the throughput of each:
 *
 *	read=MBPS mmap=MBPS
 *
 * mmap is "-" when the file cannot be mapped.  Used by the benchmarks in
 * a capture kernel, and on /dev/zero there for the reference.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK	(1UL << 20)
#define WINDOW	(4UL << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mbps(unsigned long bytes, double secs)
{
	return secs > 0 ? bytes / secs / 1e6 : 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/proc/vmcore";
	unsigned long size, done;
	volatile unsigned long sum = 0;
	static char buf[BLOCK];
	struct stat st;
	double t0, rd;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		return 1;
	}
	size = argc > 2 ? strtoul(argv[2], NULL, 0) << 20 : st.st_size;
	if (!size) {
		fprintf(stderr, "%s: give a size for a file without one\n", path);
		return 1;
	}

	t0 = now();
	for (done = 0; done < size; done += n) {
		n = read(fd, buf, size - done < BLOCK ? size - done : BLOCK);
		if (n <= 0)
			break;
		sum += buf[0];
	}
	rd = mbps(done, now() - t0);

	t0 = now();
	for (done = 0; done < size; done += WINDOW) {
		unsigned long len = size - done < WINDOW ? size - done : WINDOW;
		volatile char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd,
					done);
		unsigned long i;

		if (p == MAP_FAILED)
			break;
		for (i = 0; i < len; i += 64)
			sum += p[i];
		munmap((void *)p, len);
	}
	if (done < size)
		printf("read=%.1f mmap=-\n", rd);
	else
		printf("read=%.1f mmap=%.1f\n", rd, mbps(size, now() - t0));
	return 0;
}
