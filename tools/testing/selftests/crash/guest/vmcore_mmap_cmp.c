// SPDX-License-Identifier: GPL-2.0
/*
 * vmcore-mmap-cmp [FILE]
 *
 * Maps FILE (default /proc/vmcore) whole and compares every byte with
 * what read() returns for it; prints
 *
 *	mmap=same bytes=N	or	mmap=differs at=OFFSET	or	mmap=error
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/proc/vmcore";
	static char buf[1 << 16];
	struct stat st;
	off_t off = 0;
	char *map;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || !st.st_size)
		goto error;
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		goto error;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != map[off + i]) {
				printf("mmap=differs at=%lld\n",
				       (long long)(off + i));
				return 1;
			}
		}
		off += n;
	}
	if (n < 0 || off != st.st_size)
		goto error;
	printf("mmap=same bytes=%lld\n", (long long)off);
	return 0;
error:
	perror(path);
	printf("mmap=error\n");
	return 1;
}
