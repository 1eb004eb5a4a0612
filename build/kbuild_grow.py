# SPDX-License-Identifier: GPL-2.0
"""The Kbuild and Kconfig files of a commit in the middle of the series.

The overlay holds each Makefile and Kconfig file of ours as it is at the
end of the series, naming every object and every Kconfig file.  A commit
that adds only part of the sources gets these files without the names of
sources not yet in its tree, so that each commit builds: an object "x.o"
stays when x.c or x.S is there (or, for an object made of parts, when
one of the parts is), a directory "d/" when d/Makefile or d/Kbuild is, a
Kconfig 'source "f"' when f is.  A name that the finished tree does not
resolve either is always kept, so the last commit's files are exactly
the overlay's.
"""
import os
import re

# Kbuild variables whose words name objects or directories
OBJ_VAR = re.compile(r"^(obj|lib|crash|[\w-]+-(y|objs|\$\(CONFIG_\w+\)))"
                     r"[\w$()-]*\s*[:+]?=")
PARTS = re.compile(r"^([\w-]+?)-(y|objs|\$\(CONFIG_\w+\))\s*[:+]?=")
NOT_PARTS = ("obj", "lib", "subdir", "ccflags", "asflags", "ldflags")
SOURCE = re.compile(r'^\s*source\s+"([^"]+)"')


def is_kbuild(path):
    name = os.path.basename(path)
    return name in ("Makefile", "Kbuild") or name.startswith("Kconfig")


def _statements(text):
    """Logical lines (backslash continuations joined), newlines kept."""
    out, cur = [], ""
    for line in text.splitlines(keepends=True):
        cur += line
        if not line.rstrip("\n").endswith("\\"):
            out.append(cur)
            cur = ""
    return out + ([cur] if cur else [])


def _words(stmt, m):
    return stmt[m.end():].replace("\\\n", " ").split()


def _word_path(path, word):
    """The tree path a Kbuild word names, or None for a word naming none."""
    if "$" in word or not (word.endswith(".o") or word.endswith("/")):
        return None
    # crash/Makefile is included by the top-level Kbuild: its words are
    # relative to the top of the tree.
    base = "" if path == "crash/Makefile" else os.path.dirname(path)
    return os.path.normpath(os.path.join(base, word)) + \
        ("/" if word.endswith("/") else "")


def _make_present(path, text, exists):
    """A predicate: is the source of this Kbuild word of @path there?"""
    def source(p):
        if p.endswith("/"):
            return exists(p + "Makefile") or exists(p + "Kbuild")
        return exists(p[:-2] + ".c") or exists(p[:-2] + ".S")

    made = set()        # objects made of parts, one of them there
    for stmt in _statements(text):
        m = PARTS.match(stmt)
        if m and m.group(1) not in NOT_PARTS and \
                any(source(p) for p in (_word_path(path, w)
                                        for w in _words(stmt, m)) if p):
            made.add(m.group(1))

    def present(word):
        p = _word_path(path, word)
        return p is None or source(p) or \
            os.path.basename(p)[:-2] in made, p
    return present


def unresolved(path, text, exists):
    """What @text names that the finished tree (@exists) lacks too."""
    if os.path.basename(path).startswith("Kconfig"):
        return {m.group(1) for m in map(SOURCE.match, text.splitlines())
                if m and not exists(m.group(1))}
    present = _make_present(path, text, exists)
    never = set()
    for stmt in _statements(text):
        m = OBJ_VAR.match(stmt)
        for w in _words(stmt, m) if m else ():
            ok, p = present(w)
            if not ok:
                never.add(p)
    return never


def grow(path, text, exists, keep):
    """@text of our Kbuild or Kconfig file @path in a commit whose tree
    answers @exists(path); names in @keep stay whatever @exists says."""
    out = []
    if os.path.basename(path).startswith("Kconfig"):
        for line in text.splitlines(keepends=True):
            m = SOURCE.match(line)
            if not m or m.group(1) in keep or exists(m.group(1)):
                out.append(line)
        return _tidy("".join(out), text)
    present = _make_present(path, text, exists)
    for stmt in _statements(text):
        m = OBJ_VAR.match(stmt)
        if not m:
            out.append(stmt)
            continue
        words = _words(stmt, m)
        kept = [w for w in words
                if present(w)[0] or present(w)[1] in keep]
        if kept == words:
            out.append(stmt)
        elif kept:
            out.append(stmt[:m.end()].rstrip() + " " + " ".join(kept) + "\n")
    return _tidy("".join(out), text)


def _tidy(out, text):
    """Blank lines that dropped lines left doubled or at the end go."""
    if out == text:
        return out
    return re.sub(r"\n{3,}", "\n\n", out).rstrip("\n") + "\n"
