#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-config.py [--known-in SRC] FRAGMENT CONFIG

Fail, naming them, if options FRAGMENT asks for are not what CONFIG holds
after olddefconfig (Kconfig drops options whose dependencies are unmet
without a word).  With --known-in, options that SRC's Kconfig files do not
define at all are skipped: an upstream baseline lacks this project's own.
"""
import argparse
import os
import re
import sys

LINE = re.compile(r"^(CONFIG_\w+)=(.*)$")
UNSET = re.compile(r"^# (CONFIG_\w+) is not set$")


def read_options(path):
    """{CONFIG_X: value or None for 'is not set'} from a .config file."""
    opts = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            m = LINE.match(line)
            if m:
                opts[m.group(1)] = m.group(2)
                continue
            m = UNSET.match(line)
            if m:
                opts[m.group(1)] = None
    return opts


def defined_symbols(src):
    syms = set()
    pat = re.compile(r"^\s*(?:menu)?config\s+(\w+)\s*$")
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("Kconfig"):
                continue
            with open(os.path.join(root, name), errors="replace") as f:
                for line in f:
                    m = pat.match(line)
                    if m:
                        syms.add("CONFIG_" + m.group(1))
    return syms


def problems(wanted, have, known=None):
    """Lines naming each option of @wanted that @have does not match."""
    out = []
    for sym, val in wanted.items():
        if known is not None and sym not in known:
            continue
        got = have.get(sym)
        if val is None:
            if got not in (None, "n"):
                out.append("%s should be unset, is %s" % (sym, got))
        elif got != val:
            out.append("%s=%s requested, got %s" %
                       (sym, val, "unset" if got is None else got))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--known-in")
    ap.add_argument("fragment")
    ap.add_argument("config")
    args = ap.parse_args()
    known = defined_symbols(args.known_in) if args.known_in else None
    bad = problems(read_options(args.fragment), read_options(args.config),
                   known)
    for line in bad:
        print("check-config: %s" % line, file=sys.stderr)
    if bad:
        sys.exit("check-config: %d option(s) of %s not set in %s (unmet "
                 "dependencies?)" % (len(bad), args.fragment, args.config))


if __name__ == "__main__":
    main()
