#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# static.sh TREE OBJ CC PATCHDIR DIR...  (run from the repository root)
# The static checks on this project's code, each failing the run:
#   checkpatch.pl --strict over our C sources and the hook patches,
#   a W=1 build of our directories with no warnings,
#   sparse (C=2) over the same directories with no warnings.
set -e
tree=$1 obj=$2 cc=$3 patchdir=$4
shift 4
log=$obj/static.log
status=0

# Our files only: fs/pstore/ in the tree also holds upstream's, unbuilt.
files=$(for d in "$@"; do find "$d" -name '*.[ch]'; done | sort)
echo "  CHECK   checkpatch --strict ($(echo "$files" | wc -w) files," \
     "$(ls "$patchdir"/*.patch | wc -l) hook patches)"
# UNDOCUMENTED_SETUP: with -f, checkpatch only knows the parameters a
# patch itself adds to kernel-parameters.txt, so check that here instead.
# CAMELCASE: checkpatch learns the base's own identifiers (such as
# kexec_bzImage64_ops) from git, and the build tree is no git tree.
if ! (cd "$tree" && scripts/checkpatch.pl --strict --quiet --no-summary \
	--show-types --ignore UNDOCUMENTED_SETUP,CAMELCASE -f $files); then
	status=1
fi
for p in $(cd "$tree" && sed -n 's/.*__setup("\([^"]*\)".*/\1/p' $files); do
	if ! grep -q "^[[:space:]]*$p" \
		"$tree/Documentation/admin-guide/kernel-parameters.txt"; then
		echo "static: $p is not in kernel-parameters.txt" >&2
		status=1
	fi
done
# EMBEDDED_FILENAME: a hook adding 'source "crash/Kconfig"' to the file
# Kconfig names "Kconfig"; every source line of the top-level Kconfig would.
for p in "$patchdir"/*.patch; do
	if ! (cd "$tree" && scripts/checkpatch.pl --strict --quiet \
		--no-summary --show-types --ignore EMBEDDED_FILENAME "$p"); then
		status=1
	fi
done

# Force our objects to be rebuilt with W=1 and checked by sparse; only
# diagnostics in our directories count, not those of base headers.
echo "  CHECK   W=1 C=2 (sparse) build of $*"
for d in "$@"; do
	find "$obj/$d" -name '*.o' -delete 2>/dev/null || true
done
make -s -C "$tree" O="$obj" CC="$cc" W=1 C=2 "$@" > "$log" 2>&1 || {
	cat "$log"
	echo "static: W=1 build of $* failed" >&2
	exit 1
}
dirs=$(printf '%s\n' "$@" | sed 's|/*$||' | paste -sd'|')
if grep -E "(^|/)($dirs)/[^:]*:[0-9]+:([0-9]+:)? (warning|error):" "$log"; then
	echo "static: warnings in our code (full log: $log)" >&2
	status=1
fi
[ $status = 0 ] && echo "  CHECK   static checks clean"
exit $status
