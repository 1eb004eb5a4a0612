# SPDX-License-Identifier: GPL-2.0
"""Tests of tools/crash/mce-decode on dumps it did not write."""
import importlib.machinery
import importlib.util
import io
import os
import struct
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "..", "crash", "mce-decode")
_loader = importlib.machinery.SourceFileLoader("mce_decode", TOOL)
_spec = importlib.util.spec_from_loader("mce_decode", _loader)
dec = importlib.util.module_from_spec(_spec)
_loader.exec_module(dec)

FATAL = dict.fromkeys(dec.MCE_FIELDS, 0)
FATAL.update(status=0xbe00000000000134, addr=0x12345678, misc=0x86,
             mcgstatus=6, ip=0xffffffff81001234, time=1733270000, bank=1,
             extcpu=3, mcgcap=0x10a)
# arch/x86/kexec/mce_kunit.c's mce_line() expects the same line
FATAL_LINE = ("cpu 3 bank 1 status 0xbe00000000000134 addr 0x0000000012345678"
              " misc 0x0000000000000086 mcgstatus 0x0000000000000006 ip "
              "0xffffffff81001234 time 1733270000 UC EN MISCV ADDRV PCC")


def mce(**kw):
    m = dict(FATAL, **kw)
    return dec.MCE.pack(*(m[f] for f in dec.MCE_FIELDS))


def note(name, ntype, desc):
    pad = lambda b: b + b"\0" * (-len(b) % 4)  # noqa: E731
    return (struct.pack("<3I", len(name) + 1, len(desc), ntype) +
            pad(name + b"\0") + pad(desc))


def mce_note(recs, lost=0, version=1, nr=None, rec_size=None):
    desc = dec.DESC.pack(version, len(recs) if nr is None else nr, lost,
                         rec_size or dec.MCE.size) + b"".join(recs)
    return note(b"CRASH-MCE", dec.NT_CRASH_MCE, desc)


def dump(*notes_):
    """An ELF core file: a PT_NOTE of @notes_ and an empty note, a PT_LOAD."""
    data = b"".join(notes_) + b"\0" * 12
    eh = bytearray(64)
    eh[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<HHI", eh, 16, 4, 62, 1)
    struct.pack_into("<Q", eh, 32, 64)
    struct.pack_into("<3H", eh, 52, 64, 56, 2)
    off = 64 + 2 * 56
    phn = struct.pack("<IIQQQQQQ", 4, 0, off, 0, 0, len(data), len(data), 0)
    phl = struct.pack("<IIQQQQQQ", 1, 7, off + len(data), 0, 0, 0, 0, 4096)
    return bytes(eh) + phn + phl + data


def run(data):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = dec.main(["mce-decode", f.name])
    return rc, out.getvalue().splitlines(), err.getvalue()


class Decode(unittest.TestCase):
    def test_records_as_the_kernel_logs_them(self):
        other = note(b"CORE", 1, b"\0" * 336)
        rc, out, _ = run(dump(other, mce_note([mce(), mce(bank=4,
                                                          extcpu=0)])))
        self.assertEqual(rc, 0)
        self.assertEqual(out[0], "2 machine-check record(s)")
        self.assertEqual(out[1], FATAL_LINE)
        self.assertTrue(out[2].startswith("cpu 0 bank 4 "))

    def test_impossible_fields_are_printed_and_marked(self):
        rc, out, _ = run(dump(mce_note([mce(bank=12, addr=0)], lost=3)))
        self.assertEqual(rc, 0)
        self.assertEqual(out[0], "1 machine-check record(s), 3 more lost")
        self.assertTrue(out[1].endswith(" PCC bad-bank bad-addr"), out[1])
        rc, out, _ = run(dump(mce_note([mce(status=0x134)])))
        self.assertTrue(out[1].endswith(" time 1733270000 not-valid"), out[1])

    def test_longer_records_of_a_later_kernel(self):
        rc, out, _ = run(dump(mce_note([mce() + b"\xee" * 8] * 2,
                                       rec_size=dec.MCE.size + 8)))
        self.assertEqual((rc, out[1:]), (0, [FATAL_LINE, FATAL_LINE]))

    def test_memory_the_capture_kernel_hid(self):
        ranges = struct.pack("<4Q", 0x12345000, 0x12345fff,
                             0x40000000, 0x401fffff)
        rc, out, _ = run(dump(mce_note([mce()]),
                              note(b"CRASH-MCE", dec.NT_CRASH_MCE_HIDDEN,
                                   ranges)))
        self.assertEqual(rc, 0)
        self.assertEqual(out[2:], [
            "hidden 0x0000000012345000-0x0000000012345fff read as zeroes",
            "hidden 0x0000000040000000-0x00000000401fffff read as zeroes"])
        rc, out, err = run(dump(mce_note([mce()]),
                                note(b"CRASH-MCE", dec.NT_CRASH_MCE_HIDDEN,
                                     ranges[:24])))
        self.assertEqual(rc, 2)
        self.assertIn("hidden-memory note of 24 bytes", err)

    def test_no_note(self):
        rc, out, err = run(dump(note(b"CORE", 1, b"\0" * 16)))
        self.assertEqual((rc, out), (1, []))
        self.assertIn("no machine-check note", err)

    def test_damaged_notes(self):
        for bad in (mce_note([mce()], nr=5), mce_note([mce()], version=2),
                    mce_note([mce()], rec_size=64),
                    note(b"CRASH-MCE", dec.NT_CRASH_MCE, b"\1\0\0\0")):
            rc, out, err = run(dump(bad))
            self.assertEqual(rc, 2, err)
            self.assertIn("CRASH-MCE note", err)

    def test_not_a_dump(self):
        for data in (b"", b"\x7fELF\x01\x01" + b"\0" * 58, b"x" * 200,
                     dump()[:70]):
            rc, out, err = run(data)
            self.assertEqual(rc, 2, (data[:8], err))
            self.assertEqual(out, [])

    def test_a_note_past_the_segment_ends_the_walk(self):
        good = mce_note([mce()])
        cut = note(b"CRASH-MCE", dec.NT_CRASH_MCE, b"\0" * 64)[:-20]
        rc, out, _ = run(dump(good, cut))
        self.assertEqual((rc, len(out)), (0, 2))


if __name__ == "__main__":
    unittest.main()
