#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mkseries.py BASE REPO OUTDIR

Write the project as a git-am-able patch series against BASE into OUTDIR:
a cover letter (patches/cover-letter), the overlay commits described by
patches/overlay, then the hook patches listed in patches/series.  Files
the hook patches delete are written with format-patch -D, so the series
carries none of the upstream code it removes.

The work happens in a small scratch repository whose base commit holds
only the base files the series touches; the patches apply all the same
to the whole tree.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "sync_tree", os.path.join(HERE, "sync-tree.py"))
sync_tree = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync_tree)


def parse_overlay(path):
    """[(paths, message)] from the stanzas of patches/overlay."""
    stanzas = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            if line.startswith("Files:"):
                stanzas.append((line.split()[1:], []))
            elif stanzas:
                stanzas[-1][1].append(line)
    return [(files, "".join(msg).strip() + "\n") for files, msg in stanzas]


def claim(stanzas, files):
    """Assign each overlay file to the first stanza naming it or a parent
    directory of it.  Exits naming the files no stanza claims."""
    groups = [[] for _ in stanzas]
    unclaimed = []
    for f in sorted(files):
        for i, (paths, _) in enumerate(stanzas):
            if any(f == p or (p.endswith("/") and f.startswith(p))
                   for p in paths):
                groups[i].append(f)
                break
        else:
            unclaimed.append(f)
    if unclaimed:
        sys.exit("mkseries: no stanza in patches/overlay claims:\n  " +
                 "\n  ".join(unclaimed))
    return groups


def git(repo, *args, **kw):
    return subprocess.run(["git", "-C", repo] + list(args), check=True,
                          text=True, **kw)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    base, repo, outdir = (os.path.abspath(a) for a in sys.argv[1:])
    patchdir = os.path.join(repo, "patches")
    overlay = sync_tree.overlay_files(repo)
    stanzas = parse_overlay(os.path.join(patchdir, "overlay"))
    groups = claim(stanzas, overlay)
    hooks = sync_tree.series(patchdir)

    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, GIT_AUTHOR_DATE="2026-01-01T00:00:00Z",
                   GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
        git(work, "init", "-q", "-b", "crash")
        # The base files the series touches, as the base commit.
        touched = set(overlay)
        for p in hooks:
            touched |= sync_tree.touched_paths(p)
        for path in sorted(touched):
            src = os.path.join(base, path)
            if os.path.exists(src):
                dst = os.path.join(work, path)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(src, dst)
        git(work, "add", "-A")
        git(work, "commit", "-q", "--allow-empty", "-m", "base", env=env)
        for (_, message), files in zip(stanzas, groups):
            if not files:
                continue
            for path in files:
                sync_tree.write_if_changed(
                    os.path.join(work, path), sync_tree.slurp(overlay[path]),
                    os.stat(overlay[path]).st_mode & 0o777)
            git(work, "add", "--", *files)
            git(work, "commit", "-q", "-s", "-F", "-", input=message,
                env=env)
        if hooks:
            git(work, "am", "-q", "--keep-cr", *hooks, env=env)

        with open(os.path.join(patchdir, "cover-letter")) as f:
            git(work, "config", "branch.crash.description", f.read())
        shutil.rmtree(outdir, ignore_errors=True)
        git(work, "format-patch", "-q", "-D", "--cover-letter",
            "--cover-from-description=subject", "--no-signature",
            "-o", outdir, "HEAD~%d" % (sum(1 for g in groups if g) +
                                        len(hooks)))
    names = sorted(os.listdir(outdir))
    print("  SERIES  %s: cover letter and %d patches" % (outdir,
                                                         len(names) - 1))


if __name__ == "__main__":
    main()
