#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mkseries.py BASE REPO OUTDIR

Write the project as a git-am-able patch series against BASE into OUTDIR:
a cover letter (patches/cover-letter), the overlay commits described by
patches/overlay, then the hook patches listed in patches/series that no
stanza took.  A stanza's "Hooks:" line folds those hook patches into its
commit: the sources and the hooks that wire them in, so that each commit
builds.  Our Makefiles and Kconfig files grow with the sources
(build/kbuild_grow.py).  Files the hook patches delete are written with
format-patch -D, so the series carries none of the upstream code it
removes.

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
sys.path.insert(0, HERE)
import kbuild_grow  # noqa: E402


def parse_overlay(path):
    """[(paths, hooks, message)] from the stanzas of patches/overlay."""
    stanzas = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            if line.startswith("Files:"):
                stanzas.append((line.split()[1:], [], []))
            elif line.startswith("Hooks:") and stanzas:
                stanzas[-1][1].extend(line.split()[1:])
            elif stanzas:
                stanzas[-1][2].append(line)
    return [(files, hooks, "".join(msg).strip() + "\n")
            for files, hooks, msg in stanzas]


def hook_body(patch):
    """A hook patch's commit message body, without its sign-offs."""
    with open(patch) as f:
        text = f.read().split("\n---\n", 1)[0]
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    return "\n".join(line for line in body.strip().splitlines()
                     if not line.startswith("Signed-off-by:")).strip()


def claim(stanzas, files):
    """Assign each overlay file to the first stanza naming it or a parent
    directory of it.  Exits naming the files no stanza claims."""
    groups = [[] for _ in stanzas]
    unclaimed = []
    for f in sorted(files):
        for i, (paths, _, _) in enumerate(stanzas):
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
    by_name = {os.path.basename(h): h for h in hooks}
    folded = [h for _, names, _ in stanzas for h in names]
    unknown = [h for h in folded if h not in by_name]
    if unknown:
        sys.exit("mkseries: patches/overlay folds hooks that patches/series "
                 "does not list: " + " ".join(unknown))
    rest = [h for h in hooks if os.path.basename(h) not in folded]
    order = folded + [os.path.basename(h) for h in rest]
    if order != [os.path.basename(h) for h in hooks]:
        sys.exit("mkseries: the hooks folded into stanzas and the rest must "
                 "come in patches/series order:\n  " + "\n  ".join(order))

    touched = set(overlay)
    for p in hooks:
        touched |= sync_tree.touched_paths(p)
    kbuild = {p for p in overlay if kbuild_grow.is_kbuild(p)}

    with tempfile.TemporaryDirectory() as work:
        def exists(path):
            if path in touched:
                return os.path.exists(os.path.join(work, path))
            return os.path.exists(os.path.join(base, path))

        # Names the finished tree does not resolve either stay throughout.
        wanted = sync_tree.patched_files(base, hooks)
        final = set(overlay) | {p for p, data in wanted.items()
                                if data is not None}

        def exists_at_end(path):
            if path in touched:
                return path in final
            return os.path.exists(os.path.join(base, path))
        keep = {p: kbuild_grow.unresolved(
                    p, sync_tree.slurp(overlay[p]).decode(), exists_at_end)
                for p in kbuild}

        env = dict(os.environ, GIT_AUTHOR_DATE="2026-01-01T00:00:00Z",
                   GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
        git(work, "init", "-q", "-b", "crash")
        # The base files the series touches, as the base commit.
        for path in sorted(touched):
            src = os.path.join(base, path)
            if os.path.exists(src):
                dst = os.path.join(work, path)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(src, dst)
        git(work, "add", "-A")
        git(work, "commit", "-q", "--allow-empty", "-m", "base", env=env)
        commits = 0
        added = []
        for (_, names, message), files in zip(stanzas, groups):
            if not files and not message.strip():
                # hooks that are commits of their own
                if names:
                    git(work, "am", "-q", "--keep-cr",
                        *(by_name[n] for n in names), env=env)
                    commits += len(names)
                continue
            for path in files:
                data = sync_tree.slurp(overlay[path])
                sync_tree.write_if_changed(
                    os.path.join(work, path), data,
                    os.stat(overlay[path]).st_mode & 0o777)
            for name in names:
                git(work, "apply", "--index", by_name[name])
                message += "\n" + hook_body(by_name[name]) + "\n"
            added += files
            for path in added:
                if path in kbuild:
                    text = sync_tree.slurp(overlay[path]).decode()
                    sync_tree.write_if_changed(
                        os.path.join(work, path),
                        kbuild_grow.grow(path, text, exists,
                                         keep[path]).encode())
            git(work, "add", "-A")
            git(work, "commit", "-q", "-s", "-F", "-", input=message,
                env=env)
            commits += 1
        if rest:
            git(work, "am", "-q", "--keep-cr", *rest, env=env)

        with open(os.path.join(patchdir, "cover-letter")) as f:
            git(work, "config", "branch.crash.description", f.read())
        shutil.rmtree(outdir, ignore_errors=True)
        git(work, "format-patch", "-q", "-D", "--cover-letter",
            "--cover-from-description=subject", "--no-signature",
            "-o", outdir, "HEAD~%d" % (commits + len(rest)))
    names = sorted(os.listdir(outdir))
    print("  SERIES  %s: cover letter and %d patches" % (outdir,
                                                         len(names) - 1))


if __name__ == "__main__":
    main()
