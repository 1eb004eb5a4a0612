// SPDX-License-Identifier: GPL-2.0
/*
 * kexec-segments ADDR SIZE [ADDR SIZE...]
 *
 * Asks kexec_load() to load a capture kernel of zeroed segments at the
 * given physical addresses and sizes (in bytes, decimal or 0x hex), as no
 * kexec-tools would, and prints what the kernel answered: "ok" or the
 * errno's name.  A loaded image is unloaded again at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case ENOMEM: return "ENOMEM";
	}
	return strerror(e);
}

int main(int argc, char **argv)
{
	struct kexec_segment seg[KEXEC_SEGMENT_MAX + 1];
	unsigned long nr = 0;
	static char zeros[1 << 16];
	int i;

	if (argc < 3 || argc % 2 == 0) {
		fprintf(stderr, "usage: %s ADDR SIZE [ADDR SIZE...]\n", argv[0]);
		return 2;
	}
	for (i = 1; i + 1 < argc && nr <= KEXEC_SEGMENT_MAX; i += 2, nr++) {
		seg[nr].mem = (void *)strtoul(argv[i], NULL, 0);
		seg[nr].memsz = strtoul(argv[i + 1], NULL, 0);
		seg[nr].buf = zeros;
		seg[nr].bufsz = seg[nr].memsz < sizeof(zeros) ?
				seg[nr].memsz : sizeof(zeros);
	}
	if (syscall(SYS_kexec_load, (unsigned long)seg[0].mem, nr, seg,
		    KEXEC_ON_CRASH | KEXEC_ARCH_DEFAULT)) {
		printf("%s\n", errno_name(errno));
		return 1;
	}
	syscall(SYS_kexec_load, 0, 0, NULL, KEXEC_ON_CRASH);
	printf("ok\n");
	return 0;
}
