// SPDX-License-Identifier: GPL-2.0
/*
 * vmcore-edges [FILE]
 *
 * The edges of /proc/vmcore (default FILE) that a careless reader hits,
 * each against what one read() of the whole file gave: pread() across
 * every program header's start, of the last byte and past the end;
 * mmap() of a window over the end of the head and the start of the
 * data, at the end (EINVAL), past it (EINVAL), and writable, private or
 * shared (EPERM).  Prints "edges=ok", or "edges=bad WHAT" for the first one
 * that is wrong.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what, long long at)
{
	printf("edges=bad %s at %lld\n", what, at);
	return 1;
}

/* pread @len bytes at @off; compare with @whole. */
static int pread_ok(int fd, const char *whole, off_t size, off_t off,
		    size_t len)
{
	static char buf[3 * 4096];
	size_t want = off >= size ? 0 :
		      (size_t)(size - off) < len ? (size_t)(size - off) : len;
	ssize_t n = pread(fd, buf, len, off);

	if (n != (ssize_t)want)
		return 0;
	return !want || !memcmp(buf, whole + off, want);
}

/* mmap @len bytes at @off; the errno, or 0 if it maps and matches. */
static int mmap_err(int fd, const char *whole, off_t off, size_t len,
		    int prot, int flags)
{
	char *p = mmap(NULL, len, prot, flags, fd, off);
	int same;

	if (p == MAP_FAILED)
		return errno;
	same = !memcmp(p, whole + off, len);
	munmap(p, len);
	return same ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/proc/vmcore";
	long page = sysconf(_SC_PAGESIZE);
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	off_t size, head, done = 0;
	struct stat st;
	char *whole;
	ssize_t n;
	int fd, rw, i;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size < (off_t)sizeof(*eh))
		return fail("open", 0);
	size = st.st_size;
	whole = malloc(size);
	if (!whole)
		return fail("malloc", size);
	while (done < size && (n = read(fd, whole + done, size - done)) > 0)
		done += n;
	if (done != size)
		return fail("read", done);

	eh = (Elf64_Ehdr *)whole;
	ph = (Elf64_Phdr *)(whole + eh->e_phoff);
	head = size;
	for (i = 0; i < eh->e_phnum; i++) {
		off_t at = ph[i].p_offset;

		if (ph[i].p_type == PT_LOAD && (at & ~(page - 1)) < head)
			head = at & ~(page - 1);
		if (!pread_ok(fd, whole, size, at > 4096 ? at - 4096 : 0,
			      8192))
			return fail("pread across a segment's start", at);
	}
	if (!pread_ok(fd, whole, size, size - 1, 1))
		return fail("pread of the last byte", size - 1);
	if (!pread_ok(fd, whole, size, size, 4096) ||
	    !pread_ok(fd, whole, size, size + 4096, 4096))
		return fail("pread past the end", size);

	/* the head's last page and the first segment's first */
	if (head >= page && head + page <= size &&
	    mmap_err(fd, whole, head - page, 2 * page, PROT_READ,
		     MAP_PRIVATE))
		return fail("mmap over the head's end", head - page);
	if (size % page == 0 &&
	    mmap_err(fd, whole, size, page, PROT_READ, MAP_PRIVATE) != EINVAL)
		return fail("mmap at the end (not EINVAL)", size);
	if (mmap_err(fd, whole, 0, (size & ~(page - 1)) + 2 * page, PROT_READ,
		     MAP_PRIVATE) != EINVAL)
		return fail("mmap past the end (not EINVAL)", size);
	/* writable: private on this fd, shared on one opened for writing */
	if (mmap_err(fd, whole, 0, page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE) != EPERM)
		return fail("writable private mmap (not EPERM)", 0);
	rw = open(path, O_RDWR);
	if (rw >= 0 && mmap_err(rw, whole, 0, page, PROT_READ | PROT_WRITE,
				MAP_SHARED) != EPERM)
		return fail("writable shared mmap (not EPERM)", 0);
	printf("edges=ok\n");
	return 0;
}
