#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""crasharchive.py: move the previous boot's crash records out of pstore.

    crasharchive.py [-p PSTORE] [-d DIR] [-t TIME] [DUMP...]

Copies every record of the pstore filesystem (PSTORE, default
/sys/fs/pstore) and every DUMP file into DIR/TIME/ (default
/var/lib/crash/ and the current UTC time, 20261205-163000), writes the
crash's report there (report.txt, from crashreport.py), and only then
erases from pstore each record whose copy is complete: written, flushed
to the disk and read back equal.  A record whose copy fails stays where
it was, and the run says so, so the next boot tries again; nothing is
erased before its copy is safe.  With nothing to archive it does
nothing.  DUMP files are copied, never removed.

Exit status: 0 when everything was archived (or there was nothing), 1
when a record stayed in pstore.  The logic of crashctl's boot-time
service (as systemd-pstore does for pstore), with its unit tests in
test_crasharchive.py.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import crashreport  # noqa: E402


def copy_safely(src, dst):
    """Copy @src to @dst, flushed, and check the copy reads back equal;
    OSError if anything fails (the partial copy is removed)."""
    try:
        with open(src, "rb") as f:
            data = f.read()
        with open(dst, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with open(dst, "rb") as f:
            if f.read() != data:
                raise OSError(0, "the copy does not read back equal", dst)
    except OSError:
        try:
            os.unlink(dst)
        except OSError:
            pass
        raise


def archive(pstore, root, stamp, dumps=(), log=print):
    """Archive @pstore's records and @dumps into @root/@stamp; returns
    the records left in pstore (their copy failed)."""
    try:
        records = sorted(n for n in os.listdir(pstore)
                         if os.path.isfile(os.path.join(pstore, n)))
    except OSError as e:
        log("crasharchive: %s: %s" % (pstore, e.strerror))
        records = []
    if not records and not dumps:
        return []
    dest = os.path.join(root, stamp)
    try:
        os.makedirs(dest, exist_ok=True)
    except OSError as e:
        log("crasharchive: %s: %s: every record stays in pstore" %
            (dest, e.strerror))
        return records
    copied, left, texts = [], [], {}
    for name in records:
        src = os.path.join(pstore, name)
        try:
            copy_safely(src, os.path.join(dest, name))
            copied.append(name)
            with open(src, errors="replace") as f:
                texts[name] = f.read()
        except OSError as e:
            log("crasharchive: %s: %s: it stays in pstore" %
                (name, e.strerror))
            left.append(name)
    dmesg = None
    for path in dumps:
        try:
            copy_safely(path, os.path.join(dest, os.path.basename(path)))
            if path.endswith("dmesg.txt"):
                with open(path, errors="replace") as f:
                    dmesg = f.read()
        except OSError as e:
            log("crasharchive: %s: %s" % (path, e.strerror))
    report = crashreport.report(texts, dmesg=dmesg)
    if report:
        try:
            with open(os.path.join(dest, "report.txt"), "w") as f:
                f.write(report)
        except OSError as e:
            log("crasharchive: report.txt: %s" % e.strerror)
    for name in copied:
        try:
            os.unlink(os.path.join(pstore, name))	# erases the record
        except OSError as e:
            log("crasharchive: %s: archived, but not erased: %s" %
                (name, e.strerror))
    log("crasharchive: %d record(s) archived in %s%s" %
        (len(copied), dest, ", %d left in pstore" % len(left) if left
         else ""))
    return left


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-p", dest="pstore", default="/sys/fs/pstore")
    ap.add_argument("-d", dest="root", default="/var/lib/crash")
    ap.add_argument("-t", dest="stamp",
                    default=time.strftime("%Y%m%d-%H%M%S", time.gmtime()))
    ap.add_argument("dumps", nargs="*", metavar="DUMP")
    args = ap.parse_args(argv[1:])
    return 1 if archive(args.pstore, args.root, args.stamp,
                        args.dumps) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
