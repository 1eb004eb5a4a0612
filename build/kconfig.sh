#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kconfig.sh SRC CONFIG FRAGMENT CC [baseline|patched] [BASECONFIG]
# Configure an out-of-tree build: BASECONFIG (tinyconfig), then the
# fragment, then olddefconfig, then check that every option the fragment
# asks for is set.  A baseline (upstream) tree may lack options only this
# project defines.
set -e
src=$1 config=$2 fragment=$3 cc=$4 kind=$5 base=${6:-tinyconfig}
obj=$(dirname "$config")
here=$(dirname "$0")
mkdir -p "$obj"
echo "  CONFIG  $obj ($(basename "$fragment") on $base)"
make -s -C "$src" O="$obj" CC="$cc" "$base" >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -Q -O "$obj" "$obj/.config" \
	"$fragment" >/dev/null
make -s -C "$src" O="$obj" CC="$cc" olddefconfig >/dev/null
if [ "$kind" = baseline ]; then
	python3 "$here/check-config.py" --known-in "$src" "$fragment" "$config"
else
	python3 "$here/check-config.py" "$fragment" "$config"
fi
