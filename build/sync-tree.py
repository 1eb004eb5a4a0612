#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make the build tree equal to base + hook patches + overlay, touching only
the files whose content changes, so that kbuild rebuilds only what depends
on them.

    sync-tree.py BASE TREE PATCHDIR REPO
    sync-tree.py --export REPO DEST   copy only the overlay, mapped, to DEST
    sync-tree.py --paths PATCHDIR REPO  list the tree paths we write

BASE      the pristine kernel tree (never written)
TREE      the build tree (created from BASE on first use)
PATCHDIR  holds `series` and the hook patches it names, applied in order
REPO      the repository: its overlay (see OVERLAY) is copied over the tree

The tree remembers in .crash-sync which paths the last run wrote; a path
dropped from the patches or the overlay is put back to BASE's version.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

# Repository path -> tree path.  Directories are copied recursively.
OVERLAY = {
    "Kconfig": "crash/Kconfig",
    "Makefile": "crash/Makefile",
    "kernel": "kernel",
    "include": "include",
    "arch": "arch",
    "fs": "fs",
    "drivers": "drivers",
    "Documentation": "Documentation",
    "tools/testing": "tools/testing",
    "tools/crash": "tools/crash",
}
STATE = ".crash-sync"
SKIP_SUFFIXES = (".pyc", "~", ".orig", ".rej")
SKIP_DIRS = ("__pycache__",)


def slurp(path):
    with open(path, "rb") as f:
        return f.read()


def series(patchdir):
    path = os.path.join(patchdir, "series")
    if not os.path.exists(path):
        return []
    names = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(os.path.join(patchdir, line))
    return names


def touched_paths(patch):
    """Paths a -p1 patch creates, changes or deletes."""
    paths = set()
    with open(patch, errors="replace") as f:
        for line in f:
            for prefix in ("--- a/", "+++ b/"):
                if line.startswith(prefix):
                    paths.add(line[len(prefix):].rstrip("\n").split("\t")[0])
    return paths


def patched_files(base, patches):
    """{path: bytes or None (deleted)} for every file the patches touch."""
    paths = set()
    for p in patches:
        paths |= touched_paths(p)
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            src = os.path.join(base, path)
            if os.path.exists(src):
                os.makedirs(os.path.dirname(os.path.join(tmp, path)),
                            exist_ok=True)
                shutil.copy2(src, os.path.join(tmp, path))
        for p in patches:
            r = subprocess.run(["patch", "-p1", "-s", "-f", "-N", "-F0",
                                "--no-backup-if-mismatch", "-d", tmp,
                                "-i", os.path.abspath(p)],
                               capture_output=True, text=True)
            if r.returncode:
                sys.exit("sync-tree: %s does not apply to %s:\n%s%s"
                         % (p, base, r.stdout, r.stderr))
        for path in paths:
            dst = os.path.join(tmp, path)
            result[path] = slurp(dst) if os.path.exists(dst) \
                else None
    return result


def overlay_files(repo):
    """{tree path: repository path} for every overlay file."""
    files = {}
    for src, dst in OVERLAY.items():
        top = os.path.join(repo, src)
        if os.path.isfile(top):
            files[dst] = top
            continue
        for root, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            for name in names:
                if name.endswith(SKIP_SUFFIXES):
                    continue
                full = os.path.join(root, name)
                rel = os.path.relpath(full, top)
                files[os.path.normpath(os.path.join(dst, rel))] = full
    return files


def write_if_changed(path, data, mode=None):
    """Write @data to @path unless it already holds it.  True if written."""
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                if mode is not None and os.stat(path).st_mode & 0o777 != mode:
                    os.chmod(path, mode)
                return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".crash-sync-tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)
    return True


def remove(path):
    if os.path.lexists(path):
        os.unlink(path)
        return True
    return False


def sync(base, tree, patchdir, repo, log=print):
    if not os.path.isdir(tree):
        log("sync-tree: copying %s to %s" % (base, tree))
        tmp = tree + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run(["cp", "-a", base, tmp], check=True)
        os.rename(tmp, tree)

    state_path = os.path.join(tree, STATE)
    try:
        with open(state_path) as f:
            previous = set(json.load(f))
    except (FileNotFoundError, ValueError):
        previous = set()

    wanted = patched_files(base, series(patchdir))
    overlay = overlay_files(repo)
    changed = []
    for path, content in wanted.items():
        if path in overlay:
            continue
        dst = os.path.join(tree, path)
        if content is None:
            if remove(dst):
                changed.append("-" + path)
        elif write_if_changed(dst, content):
            changed.append("P" + path)
    for path, src in overlay.items():
        data = slurp(src)
        if write_if_changed(os.path.join(tree, path), data,
                            os.stat(src).st_mode & 0o777):
            changed.append("O" + path)

    managed = set(wanted) | set(overlay)
    for path in sorted(previous - managed):
        orig = os.path.join(base, path)
        dst = os.path.join(tree, path)
        if os.path.exists(orig):
            if write_if_changed(dst, slurp(orig)):
                changed.append("B" + path)
        elif remove(dst):
            changed.append("-" + path)

    with open(state_path + ".tmp", "w") as f:
        json.dump(sorted(managed), f, indent=0)
    os.replace(state_path + ".tmp", state_path)
    for c in changed:
        log("sync-tree: %s %s" % (c[0], c[1:]))
    return changed


def export(repo, dest):
    for path, src in overlay_files(repo).items():
        write_if_changed(os.path.join(dest, path), slurp(src),
                         os.stat(src).st_mode & 0o777)


def paths(patchdir, repo):
    touched = set()
    for p in series(patchdir):
        touched |= touched_paths(p)
    return sorted(touched | set(overlay_files(repo)))


def main():
    argv = sys.argv[1:]
    if len(argv) == 3 and argv[0] == "--export":
        export(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "--paths":
        print("\n".join(paths(argv[1], argv[2])))
    elif len(argv) == 4:
        sync(*argv)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
