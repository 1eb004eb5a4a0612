#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bisect-series.sh BASE PATCHES OUT REPO [FIRST]
# Apply the generated series to the pristine base one patch at a time
# and build each step for x86-64 (kernel/configs/crash-qemu.config) and
# arm64 (crash-qemu-arm64.config): vmlinux and modules, warnings allowed.
# One build directory per architecture is kept across steps, so a step
# rebuilds what its patch changed (and ccache what an earlier run saw).
# FIRST skips the builds of the steps before it.  Stops at the first step
# that does not build, naming it; OUT/bisect/log.txt has the results.
set -e
base=$1 patches=$2 out=$3 repo=$4 first=${5:-1}
repo_git=$out/base.git
tree=$out/bisect/tree
log=$out/bisect/log.txt
jobs=$(nproc)
cc=gcc arm_cc=aarch64-linux-gnu-gcc
if command -v ccache >/dev/null; then
	cc="ccache gcc" arm_cc="ccache aarch64-linux-gnu-gcc"
fi

"$(dirname "$0")/base-git.sh" "$base" "$repo_git"
mkdir -p "$out/bisect"
# A copy: make patches may rewrite PATCHES while this runs
rm -rf "$out/bisect/patches"
cp -r "$patches" "$out/bisect/patches"
patches=$out/bisect/patches
git -C "$repo_git" worktree prune
if [ ! -d "$tree" ]; then
	echo "  GIT     checking the base out in $tree"
	git -C "$repo_git" worktree add -q --detach "$tree" HEAD
fi
cd "$tree"
git am --abort 2>/dev/null || true
git reset -q --hard "$(git -C "$repo_git" rev-parse HEAD)"
# A checkout that moves files back to the base gives them a new mtime:
# kbuild then rebuilds what depends on them, which is what is wanted.

step() {	# ARCH-ENV CC FRAGMENT OBJ TARGETS...
	env=$1 c=$2 frag=$3 obj=$4
	shift 4
	mkdir -p "$obj"
	# tinyconfig, the fragment, olddefconfig, and no check of what the
	# fragment asked for: a step may not have an option yet, or have it
	# only in a Kconfig file nothing sources any more (PSTORE_RAM between
	# pstore's commit and ramoops')
	{ env $env make -s -C "$tree" O="$obj" CC="$c" tinyconfig &&
	  "$tree/scripts/kconfig/merge_config.sh" -m -Q -O "$obj" \
		"$obj/.config" "$frag" &&
	  env $env make -s -C "$tree" O="$obj" CC="$c" olddefconfig
	} >"$obj/config.log" 2>&1 || { cat "$obj/config.log"; return 1; }
	env $env make -s -C "$tree" O="$obj" CC="$c" -j"$jobs" "$@" \
		>"$obj/build.log" 2>&1 || {
		grep -E 'error|undefined|Error' "$obj/build.log" | head -20
		return 1; }
}

n=0
: >"$log"
for p in $(ls "$patches"/*.patch | grep -v 0000-cover-letter); do
	n=$((n + 1))
	git am -q --keep-cr "$p"
	[ "$n" -lt "$first" ] && continue
	name=$(basename "$p")
	for arch in x86_64 arm64; do
		if [ $arch = x86_64 ]; then
			set -- "" "$cc" "$repo/kernel/configs/crash-qemu.config" \
				"$out/bisect/x86_64" vmlinux modules
		else
			set -- "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" \
				"$arm_cc" "$repo/kernel/configs/crash-qemu-arm64.config" \
				"$out/bisect/arm64" vmlinux modules
		fi
		t0=$(date +%s)
		if ! step "$@"; then
			echo "FAIL $name $arch" | tee -a "$log"
			exit 1
		fi
		echo "ok   $name $arch $(( $(date +%s) - t0 ))s" | tee -a "$log"
	done
done
echo "  BISECT  all $n patches build on x86_64 and arm64" | tee -a "$log"
