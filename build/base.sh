#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unpack Debian's linux-source-6.12 into DIR once; the result is the
# pristine base and is never written to again.
set -e
dir=$1
tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || { echo "base: $tarball missing (make deps)" >&2; exit 1; }
echo "  UNPACK  $tarball"
rm -rf "$dir/.unpack"
mkdir -p "$dir/.unpack"
tar -xJf "$tarball" -C "$dir/.unpack"
rm -rf "$dir/linux-source-6.12"
mv "$dir/.unpack/linux-source-6.12" "$dir/"
rmdir "$dir/.unpack"
