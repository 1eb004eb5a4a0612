#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The base must be a clean 6.12.y tree: kbuild refuses out-of-tree builds
# from a tree that has been configured in place.
set -e
src=$1
v=$(make -s -C "$src" kernelversion 2>/dev/null) || v=
case "$v" in
6.12|6.12.*) ;;
*) echo "base: $src is not a Linux 6.12.y tree (kernelversion '$v')" >&2
   exit 1 ;;
esac
if [ -e "$src/.config" ] || [ -d "$src/include/config" ]; then
	echo "base: $src has been built in place; run 'make mrproper' there" >&2
	exit 1
fi
