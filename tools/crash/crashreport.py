#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""crashreport.py: one readable report of a crash from what caught it.

    crashreport.py [-c CRASH] [-d DMESG] FILE...

FILEs are what the pstore filesystem showed after the crash
(dmesg-ramoops-0, dmesg-efi-..., mce-ramoops-0, ...: the name says the
kind and the backend), DMESG the log of a dump (makedumpfile
--dump-dmesg).  A crash is named by its records' header, "Panic#2" or
"Oops#1"; without -c the report is of the last one (the highest count,
a panic before an oops of the same count).

The report: the panic line, the first sign of trouble before it (an
oops, a BUG, a warning), the call trace, the crash chain's receipt,
machine-check records, and which store holds what.  The parts of a
record (Part1 the newest log) are put back in order, and where two
stores hold the same crash the longest log is read.

Exit status: 0 with a report, 1 if no record is of a crash (or of
CRASH), 2 for bad arguments or an unreadable file.  The logic of
crashctl report; its unit tests are in test_crashreport.py.
"""
import argparse
import os
import re
import sys

HEADER = re.compile(r"^(Panic|Oops|Emergency|Shutdown|Unknown)#(\d+) "
                    r"Part(\d+)$")
PREFIX = re.compile(r"^(?:<\d+>)?(?:\[\s*[\d.]+\] )?")
FIRST_SIGNS = re.compile(r"^(?:Oops: |BUG: |kernel BUG at |WARNING: |"
                         r"general protection fault|Kernel panic - not "
                         r"syncing: |Internal error: |Unable to handle )")
RECEIPT = re.compile(r"^crash_chain: (?:panic|oops|emergency|shutdown|"
                     r"undef) run")


def text_of(line):
    """A log line without its syslog level and timestamp."""
    return PREFIX.sub("", line, count=1)


def parse_name(name):
    """(kind, backend) of a pstore file name: dmesg-ramoops-0 gives
    ("dmesg", "ramoops"); None for a name pstore does not give."""
    m = re.fullmatch(r"([a-z]+)-(\w+)-\d+(?:\.enc\.z)?", name)
    if not m or m.group(1) not in ("dmesg", "mce", "console", "pmsg",
                                   "ftrace"):
        return None
    return m.group(1), m.group(2)


def parse_record(text):
    """(crash, part, log lines) of a dmesg record; crash is "Panic#2".
    None for text without a record header (a damaged record)."""
    lines = text.splitlines()
    if not lines:
        return None
    m = HEADER.match(lines[0].strip())
    if not m:
        return None
    return "%s#%s" % (m.group(1), m.group(2)), int(m.group(3)), lines[1:]


def crash_order(crash):
    """Sort key: the count, then a panic after anything else."""
    reason, count = crash.split("#")
    return int(count), reason == "Panic"


def collect(files):
    """{crash: {backend: log lines}} from {file name: text}, each
    backend's parts joined oldest first; and [(backend, mce lines)]."""
    parts, mces = {}, []
    for name, text in sorted(files.items()):
        kind_backend = parse_name(os.path.basename(name))
        if not kind_backend:
            continue
        kind, backend = kind_backend
        if kind == "mce":
            mces.append((backend, [l for l in text.splitlines() if l]))
            continue
        if kind != "dmesg":
            continue
        rec = parse_record(text)
        if rec:
            crash, part, lines = rec
            parts.setdefault(crash, {}).setdefault(backend, {})[part] = lines
    crashes = {}
    for crash, backends in parts.items():
        for backend, byp in backends.items():
            log = []
            for part in sorted(byp, reverse=True):	# Part1 is the newest
                log += byp[part]
            crashes.setdefault(crash, {})[backend] = log
    return crashes, mces


def summarize(log):
    """The facts of one crash's log lines: {"panic", "first", "trace",
    "receipt"}, each possibly empty."""
    plain = [text_of(l) for l in log]
    facts = {"panic": "", "first": "", "trace": [], "receipt": []}
    for i, t in enumerate(plain):
        if t.startswith("Kernel panic - not syncing: "):
            facts["panic"] = t.strip()
        if not facts["first"] and FIRST_SIGNS.match(t):
            facts["first"] = t.strip()
        if t.startswith("Call Trace:") and not facts["trace"]:
            for u in plain[i + 1:]:
                if u.strip() in ("<TASK>", "<IRQ>", "</IRQ>"):
                    continue
                if not u.startswith(" ") or u.strip() == "</TASK>":
                    break
                facts["trace"].append(u.strip())
        if RECEIPT.match(t):
            facts["receipt"] = [t.strip()]
            for u in plain[i + 1:]:
                if not u.startswith("crash_chain:   "):
                    break
                facts["receipt"].append(u[len("crash_chain:   "):].strip())
    if not facts["receipt"]:	# a run that jumped: the lines it printed
        for t in plain:
            if t.startswith("crash_chain:   "):
                facts["receipt"].append(t[len("crash_chain:   "):].strip())
    return facts


def report(files, crash=None, dmesg=None):
    """The report's text, or None if there is no such crash.  @dmesg, the
    log of the dump a capture kernel saved, belongs to @crash, or else to
    the last crash pstore holds: the one that booted the capture."""
    crashes, mces = collect(files)
    if crash is None and crashes:
        crash = max(crashes, key=crash_order)
    if dmesg:
        crashes.setdefault(crash or "dump", {})["vmcore"] = \
            dmesg.splitlines()
    if not crashes:
        return None
    if crash is None:
        crash = "dump"
    if crash not in crashes:
        return None
    logs = crashes[crash]
    longest = max(logs, key=lambda b: len(logs[b]))
    facts = summarize(logs[longest])
    out = ["crash %s, read from %s (%d log lines)" %
           (crash, longest, len(logs[longest]))]
    if facts["panic"]:
        out.append("panic: " + facts["panic"])
    if facts["first"] and facts["first"] != facts["panic"]:
        out.append("first sign: " + facts["first"])
    if facts["trace"]:
        out.append("call trace:")
        out += ["  " + t for t in facts["trace"]]
    if facts["receipt"]:
        out.append("crash chain receipt:")
        out += ["  " + r for r in facts["receipt"]]
    if mces:
        out.append("machine checks:")
        for backend, lines in mces:
            out += ["  %s: %s" % (backend, l) for l in lines]
    out.append("captured by:")
    for backend in sorted(logs):
        out.append("  %-10s %d log lines%s" % (
            backend, len(logs[backend]),
            " (the dump's, from makedumpfile --dump-dmesg)"
            if backend == "vmcore" else ""))
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-c", dest="crash", help='which crash, "Panic#2"')
    ap.add_argument("-d", dest="dmesg", help="a dump's log")
    ap.add_argument("files", nargs="*", metavar="FILE")
    args = ap.parse_args(argv[1:])
    files = {}
    try:
        for f in args.files:
            with open(f, errors="replace") as fp:
                files[f] = fp.read()
        dmesg = None
        if args.dmesg:
            with open(args.dmesg, errors="replace") as fp:
                dmesg = fp.read()
    except OSError as e:
        print("crashreport: %s: %s" % (e.filename, e.strerror),
              file=sys.stderr)
        return 2
    text = report(files, args.crash, dmesg)
    if text is None:
        print("crashreport: no record of %s" % (args.crash or "a crash"),
              file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
