#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh OUTPUT [SELFTESTS]
# The guest side of the end-to-end scenarios: Debian's busybox-static,
# kexec-tools with the shared libraries it needs, guest/init, a static
# builds of guest/kexec_segments.c and vmcore_read.c, and the base
# tree's selftests directory SELFTESTS/pstore (run unchanged in the guest).
# It does not depend on the kernel: test modules travel in a second
# archive that e2e.py appends per kernel.
#
# For another architecture's guests, ROOTFS names a directory holding its
# busybox and kexec (build/arm64-root.sh unpacks them) and CC its cross
# compiler; the libraries kexec needs are then found from its ELF
# headers in ROOTFS instead of by ldd.
set -e
out=$1
selftests=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
sys=${ROOTFS:-}

need() { [ -e "$1" ] || { echo "mkinitramfs: $1 missing (make deps)" >&2; exit 1; }; }
need "$sys/bin/busybox"
need "$sys/sbin/kexec"

mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" \
	"$root/tmp" "$root/e2e" "$root/lib/modules"
cp "$sys/bin/busybox" "$root/bin/busybox"
cp "$here/guest/init" "$root/init"
cp "$here/guest/lib.sh" "$root/e2e/lib.sh"
chmod 755 "$root/init"

# The libraries @1 (a file in ROOTFS) needs, and theirs: paths in ROOTFS.
needed() {
	for lib in $(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		for d in lib usr/lib; do
			for p in "$sys/$d/$lib" "$sys"/$d/*-linux-gnu/"$lib"; do
				[ -e "$p" ] && echo "${p#"$sys"}" && needed "$p" && break 2
			done
		done
	done
}

# A dynamically linked program and every library it needs.
copy_prog() {
	cp "$sys$1" "$root/sbin/"
	if [ -n "$sys" ]; then
		interp=$(readelf -l "$sys$1" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
		libs="$interp $(needed "$sys$1" | sort -u)"
	else
		libs=$(ldd "$1" | grep -o '/[^ ]*')
	fi
	for lib in $libs; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$sys$lib" "$root$lib"
	done
}
copy_prog /sbin/kexec
# kexec_load() with segments no kexec-tools would pass
${CC:-gcc} -static -O2 -Wall -o "$root/sbin/kexec-segments" \
	"$here/guest/kexec_segments.c"
# read() and mmap() throughput of /proc/vmcore, for the benchmarks
${CC:-gcc} -static -O2 -Wall -o "$root/sbin/vmcore-read" \
	"$here/guest/vmcore_read.c"
# /proc/vmcore through mmap() against read(), for the scenarios
${CC:-gcc} -static -O2 -Wall -o "$root/sbin/vmcore-mmap-cmp" \
	"$here/guest/vmcore_mmap_cmp.c"
# a device's DMA into user pages, in flight at a crash
${CC:-gcc} -static -O2 -Wall -o "$root/sbin/dma-into" \
	"$here/guest/dma_into.c"
# the edges of /proc/vmcore: pread and mmap at and past them
${CC:-gcc} -static -O2 -Wall -o "$root/sbin/vmcore-edges" \
	"$here/guest/vmcore_edges.c"

if [ -n "$selftests" ]; then
	mkdir -p "$root/e2e/selftests"
	cp -r "$selftests/pstore" "$root/e2e/selftests/"
fi

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "  INITRD  $out ($(du -h "$out" | cut -f1))"
