#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""crasharchive.py: move the previous boot's crash records out of pstore.

    crasharchive.py [-p PSTORE] [-d DIR] [-t TIME] [-D DEVICE]... [-S DIR]...
                    [DUMP...]

Copies every record of the pstore filesystem (PSTORE, default
/sys/fs/pstore) and every DUMP file into DIR/TIME/ (default
/var/lib/crash/ and the current UTC time, 20261205-163000), writes the
crash's report there (report.txt, from crashreport.py), and only then
erases from pstore each record whose copy is complete: written, flushed
to the disk and read back equal.  A DEVICE is a dump target of the
capture kernel (mkcapture's dev:): a dump on it (an ELF core file, or
makedumpfile's flattened format, which makedumpfile -R turns into a
kdump-compressed file) is saved as vmcore with its log as dmesg.txt
(makedumpfile --dump-dmesg), and only then is the dump's first block
zeroed, so that the next boot does not take it again.  A -S DIR is a
dir: target: the dumps a capture kernel wrote there (DIR/TIME/vmcore,
or vmcore.flat) are moved into the archive the same way.  A record whose copy fails stays where
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
import struct
import subprocess
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


ET_CORE = 4
CHUNK = 1 << 20
# Bytes of program headers read at most: 1 MiB holds 18,000 of them
MAX_PHDRS = 1 << 20


def dump_kind(head):
    """"elf", "flat" or None: what the device starting with @head holds."""
    if head[:4] == b"\x7fELF" and len(head) >= 64 and head[4] == 2 and \
            struct.unpack_from("<H", head, 16)[0] == ET_CORE:
        return "elf"
    if head.startswith(b"makedumpfile"):
        return "flat"
    return None


def elf_size(f):
    """Bytes of the ELF64 core file @f (open, at any offset): the end of
    its furthest segment or of its program headers."""
    f.seek(0)
    head = f.read(64)
    phoff, = struct.unpack_from("<Q", head, 32)
    phentsize, phnum = struct.unpack_from("<HH", head, 54)
    if phentsize < 56 or phentsize * phnum > MAX_PHDRS:
        raise ValueError("program headers of %d x %d bytes" %
                         (phnum, phentsize))
    f.seek(phoff)
    phdrs = f.read(phentsize * phnum)
    end = phoff + len(phdrs)
    for i in range(len(phdrs) // phentsize):
        off, _, _, filesz = struct.unpack_from("<QQQQ", phdrs,
                                               i * phentsize + 8)
        end = max(end, off + filesz)
    return end


def copy_elf(dev, dst, log):
    """Copy the ELF core file at the start of @dev to @dst, flushed and
    read back equal; OSError or ValueError if not."""
    with open(dev, "rb") as f, open(dst, "wb") as out:
        size = elf_size(f)
        f.seek(0)
        left = size
        while left:
            data = f.read(min(CHUNK, left))
            if not data:
                raise ValueError("the dump ends %d bytes early (is the "
                                 "target smaller than the dump?)" % left)
            out.write(data)
            left -= len(data)
        out.flush()
        os.fsync(out.fileno())
    with open(dev, "rb") as a, open(dst, "rb") as b:
        left = size
        while left:
            n = min(CHUNK, left)
            if a.read(n) != b.read(n):
                raise ValueError("the copy does not read back equal")
            left -= n
    log("crasharchive: %s: an ELF dump of %d bytes" % (dev, size))


def unflatten(src, dst):
    """makedumpfile's flattened dump at the start of @src as the
    kdump-compressed file @dst; ValueError if makedumpfile refuses."""
    with open(src, "rb") as f:
        p = subprocess.run(["makedumpfile", "-R", dst], stdin=f,
                           capture_output=True, text=True)
    if p.returncode:
        raise ValueError("makedumpfile -R: %s" % p.stderr.strip()[-200:])


def dump_dmesg(vmcore, dest, log):
    """The log of the dump @vmcore as @dest/dmesg.txt, if makedumpfile
    can read it."""
    try:
        p = subprocess.run(["makedumpfile", "--dump-dmesg", vmcore,
                            os.path.join(dest, "dmesg.txt")],
                           capture_output=True, text=True)
        if p.returncode:
            log("crasharchive: no log from the dump: %s" %
                p.stderr.strip()[-200:])
    except OSError:
        log("crasharchive: no makedumpfile: no log from the dump")


def take_saved(saved, dest, log):
    """Move the dumps a capture kernel wrote into @saved (a dir: target:
    @saved/TIME/vmcore, or vmcore.flat when filtered) into @dest, the
    newest as vmcore; each TIME directory goes once it is empty."""
    try:
        times = sorted((t for t in os.listdir(saved)
                        if os.path.isdir(os.path.join(saved, t))),
                       reverse=True)
    except OSError:
        return
    first = True
    for t in times:
        name = "vmcore" if first else "vmcore-" + t
        src_dir = os.path.join(saved, t)
        dst = os.path.join(dest, name)
        flat = os.path.join(src_dir, "vmcore.flat")
        elf = os.path.join(src_dir, "vmcore")
        try:
            if os.path.exists(flat):
                unflatten(flat, dst)
                os.unlink(flat)
            elif os.path.exists(elf):
                try:
                    os.rename(elf, dst)
                except OSError:		# another filesystem
                    copy_safely(elf, dst)
                    os.unlink(elf)
            else:
                continue
        except (OSError, ValueError) as e:
            log("crasharchive: %s: the dump stays there: %s" %
                (src_dir, getattr(e, "strerror", None) or e))
            continue
        log("crasharchive: %s: a dump of %d bytes as %s" %
            (src_dir, os.path.getsize(dst), name))
        if first:
            dump_dmesg(dst, dest, log)
        first = False
        try:
            os.rmdir(src_dir)
        except OSError:
            pass


def has_saved(saved):
    """Whether the dir: target @saved holds a dump a capture kernel wrote."""
    try:
        return any(os.path.exists(os.path.join(saved, t, n))
                   for t in os.listdir(saved)
                   for n in ("vmcore", "vmcore.flat"))
    except OSError:
        return False


def save_dump(dev, kind, dest, log):
    """Save the dump of @kind on @dev into @dest as vmcore (and its log as
    dmesg.txt); then zero the dump's first block.  Whether it was saved."""
    vmcore = os.path.join(dest, "vmcore")
    try:
        if kind == "elf":
            copy_elf(dev, vmcore, log)
        else:
            unflatten(dev, vmcore)
            log("crasharchive: %s: a filtered dump, %d bytes as vmcore" %
                (dev, os.path.getsize(vmcore)))
    except (OSError, ValueError) as e:
        log("crasharchive: %s: the dump stays there: %s" %
            (dev, getattr(e, "strerror", None) or e))
        try:
            os.unlink(vmcore)
        except OSError:
            pass
        return False
    dump_dmesg(vmcore, dest, log)
    try:
        with open(dev, "r+b") as f:
            f.write(bytes(4096))
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        log("crasharchive: %s: archived, but not cleared: %s" %
            (dev, e.strerror))
    return True


def device_dumps(devices, log):
    """[(device, kind)] of @devices that hold a dump."""
    found = []
    for dev in devices:
        try:
            with open(dev, "rb") as f:
                kind = dump_kind(f.read(4096))
        except OSError as e:
            log("crasharchive: %s: %s" % (dev, e.strerror))
            continue
        if kind:
            found.append((dev, kind))
    return found


def archive(pstore, root, stamp, dumps=(), log=print, devices=(),
            saved=()):
    """Archive @pstore's records, the dumps on @devices and in the
    directories @saved, and the files @dumps into @root/@stamp; returns
    the records left in pstore (their copy failed)."""
    try:
        records = sorted(n for n in os.listdir(pstore)
                         if os.path.isfile(os.path.join(pstore, n)))
    except OSError as e:
        log("crasharchive: %s: %s" % (pstore, e.strerror))
        records = []
    on_devices = device_dumps(devices, log)
    saved = [d for d in saved if has_saved(d)]
    if not records and not dumps and not on_devices and not saved:
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
    for dev, kind in on_devices:
        save_dump(dev, kind, dest, log)
    for d in saved:
        take_saved(d, dest, log)
    try:
        with open(os.path.join(dest, "dmesg.txt"), errors="replace") as f:
            dmesg = f.read()
    except OSError:
        pass
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
    ap.add_argument("-D", dest="devices", action="append", default=[],
                    metavar="DEVICE")
    ap.add_argument("-S", dest="saved", action="append", default=[],
                    metavar="DIR")
    ap.add_argument("dumps", nargs="*", metavar="DUMP")
    args = ap.parse_args(argv[1:])
    return 1 if archive(args.pstore, args.root, args.stamp, args.dumps,
                        devices=args.devices, saved=args.saved) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
