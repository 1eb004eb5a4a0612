#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check-series.sh BASE TREE PATCHES
# The series must apply with git am to the pristine base and give exactly
# the tree we build: every file it changes equals the build tree's copy,
# and it changes nothing else.
set -e
base=$1 tree=$2 patches=$3
out=$(dirname "$patches")
repo=$out/base.git
check=$out/series-check

"$(dirname "$0")/base-git.sh" "$base" "$repo"

git -C "$repo" worktree prune
rm -rf "$check"
# Check out only the paths the series touches: git am needs no others.
git -C "$repo" worktree add -q --no-checkout --detach "$check" HEAD
cd "$check"
sed -n 's|^diff --git a/\([^ ]*\) b/.*|/\1|p' "$patches"/*.patch | sort -u |
	git sparse-checkout set --no-cone --stdin
git checkout -q HEAD
git am -q $(ls "$patches"/*.patch | grep -v 0000-cover-letter)
n=$(git rev-list --count HEAD~0 ^"$(git -C "$repo" rev-parse HEAD)")
bad=0
for f in $(git diff --name-only "$(git -C "$repo" rev-parse HEAD)" HEAD); do
	if [ -e "$f" ]; then
		cmp -s "$f" "$tree/$f" || { echo "series: $f differs from the build tree" >&2; bad=1; }
	elif [ -e "$tree/$f" ]; then
		echo "series: $f deleted by the series but present in the build tree" >&2
		bad=1
	fi
done
managed=$(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$tree/.crash-sync")
for f in $managed; do
	if [ -e "$tree/$f" ] && ! cmp -s "$f" "$tree/$f"; then
		echo "series: the build tree's $f is not what the series gives" >&2
		bad=1
	fi
done
cd - >/dev/null
git -C "$repo" worktree remove --force "$check"
[ $bad = 0 ] || exit 1
echo "  SERIES  $n patches apply with git am to $(basename "$base") and give the build tree"
