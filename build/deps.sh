#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the build and the tests need, if any is
# missing.  A new machine needs nothing else.
set -e

pkgs="linux-source-6.12 ccache gcc make flex bison bc libelf-dev libssl-dev
      cpio xz-utils patch git python3 qemu-system-x86 sparse busybox-static
      kexec-tools makedumpfile gdb binutils zstd gcc-aarch64-linux-gnu
      libc6-dev-arm64-cross qemu-system-arm gdb-multiarch
      gcc-riscv64-linux-gnu device-tree-compiler ovmf rsyslog
      openssh-client openssh-server"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: these Debian packages are missing and only root can" \
	     "install them:$missing" >&2
	exit 1
fi
echo "  APT    $missing"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $missing >/dev/null
