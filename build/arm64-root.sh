#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arm64-root.sh DIR: Debian's arm64 busybox-static and kexec-tools, with
# the libraries kexec links, unpacked into DIR/root for the arm64 guests'
# initramfs.  The packages are downloaded (apt-get download, with arm64
# added to dpkg's architectures), not installed: installing them through
# multiarch would replace the host's own busybox-static and kexec-tools.
set -e
dir=$1
pkgs="busybox-static kexec-tools libc6 zlib1g libxenmisc4.17 libxencall1
      libxenevtchn1 libxengnttab1 libxenforeignmemory1 libxendevicemodel1
      libxentoolcore1 libxentoollog1"

[ -x "$dir/root/sbin/kexec" ] && [ -x "$dir/root/bin/busybox" ] && exit 0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	if [ "$(id -u)" != 0 ]; then
		echo "arm64-root: arm64 is not one of dpkg's architectures and" \
		     "only root can add it (dpkg --add-architecture arm64)" >&2
		exit 1
	fi
	dpkg --add-architecture arm64
	apt-get update -q >/dev/null
fi
echo "  APT     arm64 userspace for the guests in $dir"
rm -rf "$dir/debs" "$dir/root"
mkdir -p "$dir/debs" "$dir/root"
# apt's sandbox user may not write here; the download is unsandboxed then
(cd "$dir/debs" && apt-get download -qq $(for p in $pkgs; do
	echo "$p:arm64"; done) 2>&1 | grep -v '^W: Download is performed' || :)
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done
[ -x "$dir/root/sbin/kexec" ] && [ -x "$dir/root/bin/busybox" ] || {
	echo "arm64-root: the download did not give busybox and kexec" >&2
	exit 1
}
