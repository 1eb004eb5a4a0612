#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# base-git.sh BASE REPO
# The pristine base as one commit of the bare repository REPO, made once;
# check-series.sh and bisect-series.sh apply the series to it.
set -e
base=$1 repo=$2
[ -e "$repo/.done" ] && exit 0
echo "  GIT     pristine base as $repo (once)"
rm -rf "$repo"
git init -q --bare "$repo"
g="git --git-dir=$repo --work-tree=$base -c core.bare=false"
$g add -A -f
$g -c user.name=base -c user.email=base@localhost \
	commit -q -m "base: $(basename "$base")"
touch "$repo/.done"
