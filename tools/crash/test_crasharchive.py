# SPDX-License-Identifier: GPL-2.0
"""crasharchive.py: records leave pstore only once their copy is safe."""
import os
import struct
import sys
import tempfile
import unittest
import unittest.mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import crasharchive  # noqa: E402
from crasharchive import archive  # noqa: E402

PANIC = ("Panic#1 Part1\n<0>[    1.9] Kernel panic - not syncing: "
         "dumptest\n")


class Archive(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.pstore = os.path.join(self.tmp.name, "pstore")
        self.root = os.path.join(self.tmp.name, "crash")
        os.mkdir(self.pstore)
        self.records = {"dmesg-ramoops-0": PANIC,
                        "console-ramoops-0": "console text\n",
                        "mce-ramoops-0": "cpu 0 bank 1 status 0x1\n"}
        for name, text in self.records.items():
            with open(os.path.join(self.pstore, name), "w") as f:
                f.write(text)
        self.log = []

    def tearDown(self):
        self.tmp.cleanup()

    def run_archive(self, dumps=()):
        return archive(self.pstore, self.root, "20261205-163000", dumps,
                       log=self.log.append)

    def test_moved_with_a_report(self):
        self.assertEqual(self.run_archive(), [])
        dest = os.path.join(self.root, "20261205-163000")
        for name, text in self.records.items():
            with open(os.path.join(dest, name)) as f:
                self.assertEqual(f.read(), text)
        self.assertEqual(os.listdir(self.pstore), [])
        with open(os.path.join(dest, "report.txt")) as f:
            report = f.read()
        self.assertIn("panic: Kernel panic - not syncing: dumptest", report)
        self.assertIn("machine checks:", report)
        self.assertIn("3 record(s) archived", self.log[-1])

    def test_a_failed_copy_stays(self):
        real = crasharchive.copy_safely

        def failing(src, dst):
            if src.endswith("dmesg-ramoops-0"):
                raise OSError(28, "No space left on device", dst)
            real(src, dst)

        with unittest.mock.patch.object(crasharchive, "copy_safely",
                                        failing):
            self.assertEqual(self.run_archive(), ["dmesg-ramoops-0"])
        self.assertEqual(os.listdir(self.pstore), ["dmesg-ramoops-0"])
        self.assertTrue(any("dmesg-ramoops-0: No space left on device: it "
                            "stays in pstore" in l for l in self.log))
        self.assertIn("1 left in pstore", self.log[-1])

    def test_no_directory_no_erasing(self):
        with open(self.root, "w") as f:	# a file where the directory goes
            f.write("x")
        self.assertEqual(sorted(self.run_archive()), sorted(self.records))
        self.assertEqual(sorted(os.listdir(self.pstore)),
                         sorted(self.records))
        self.assertIn("every record stays in pstore", self.log[-1])

    def test_a_copy_that_reads_back_wrong(self):
        src = os.path.join(self.pstore, "dmesg-ramoops-0")
        dst = os.path.join(self.tmp.name, "copy")
        real_open = open

        def short_write(path, mode="r", *a, **kw):
            f = real_open(path, mode, *a, **kw)
            if path == dst and "w" in mode:
                real_write = f.write
                f.write = lambda data: real_write(data[:-1])
            return f

        with unittest.mock.patch("builtins.open", short_write):
            with self.assertRaises(OSError):
                crasharchive.copy_safely(src, dst)
        self.assertFalse(os.path.exists(dst))

    def test_erase_failure_is_said(self):
        with unittest.mock.patch.object(crasharchive.os, "unlink",
                                        side_effect=OSError(1, "EPERM")):
            self.assertEqual(self.run_archive(), [])
        self.assertTrue(any("archived, but not erased" in l
                            for l in self.log))

    def test_nothing_to_do(self):
        for name in self.records:
            os.unlink(os.path.join(self.pstore, name))
        self.assertEqual(self.run_archive(), [])
        self.assertFalse(os.path.exists(self.root))
        self.assertEqual(self.log, [])

    def test_dumps_are_copied_not_moved(self):
        for name in self.records:
            os.unlink(os.path.join(self.pstore, name))
        dmesg = os.path.join(self.tmp.name, "vmcore-dmesg.txt")
        with open(dmesg, "w") as f:
            f.write("<0>[ 1.0] Kernel panic - not syncing: from the dump\n")
        self.assertEqual(self.run_archive([dmesg]), [])
        dest = os.path.join(self.root, "20261205-163000")
        self.assertTrue(os.path.exists(dmesg))
        with open(os.path.join(dest, "report.txt")) as f:
            self.assertIn("from the dump", f.read())


def elf_core(loads, phnum=None, phentsize=56):
    """An ELF64 core file: a PT_NOTE and a PT_LOAD per (offset, size) of
    @loads, each filled with its own byte."""
    n = len(loads) + 1
    hdr = bytearray(64)
    hdr[:5] = b"\x7fELF\x02"
    struct.pack_into("<HHIQQQIHHHHHH", hdr, 16, 4, 62, 1, 0, 64, 0, 0, 64,
                     phentsize, phnum if phnum is not None else n, 0, 0, 0)
    phdrs = struct.pack("<IIQQQQQQ", 4, 0, 64 + 56 * n, 0, 0, 16, 16, 0)
    for off, size in loads:
        phdrs += struct.pack("<IIQQQQQQ", 1, 7, off, 0, 0, size, size, 0)
    data = bytearray(hdr + phdrs + bytes(16))
    for i, (off, size) in enumerate(loads):
        data[len(data):off] = bytes(max(0, off - len(data)))
        data[off:off + size] = bytes([i + 1]) * size
    return bytes(data)


class Devices(unittest.TestCase):
    """Dumps on a capture target's device (a file here)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.pstore = os.path.join(self.tmp.name, "pstore")
        os.mkdir(self.pstore)
        self.root = os.path.join(self.tmp.name, "crash")
        self.dev = os.path.join(self.tmp.name, "vdc")
        self.log = []

    def tearDown(self):
        self.tmp.cleanup()

    def run_archive(self, device_bytes):
        with open(self.dev, "wb") as f:
            f.write(device_bytes)
        archive(self.pstore, self.root, "T", log=self.log.append,
                devices=[self.dev])
        return os.path.join(self.root, "T")

    def test_elf_dump_saved_then_cleared(self):
        core = elf_core([(4096, 8192), (16384, 100)])
        dest = self.run_archive(core + b"\xaa" * 5000)	# old data after it
        with open(os.path.join(dest, "vmcore"), "rb") as f:
            self.assertEqual(f.read(), core)
        with open(self.dev, "rb") as f:
            dev = f.read()
        self.assertEqual(dev[:4096], bytes(4096))
        self.assertEqual(dev[4096:], (core + b"\xaa" * 5000)[4096:])
        self.assertTrue(any("an ELF dump of %d bytes" % len(core) in l
                            for l in self.log), self.log)
        # cleared: the next boot finds nothing
        self.log.clear()
        archive(self.pstore, self.root, "T2", log=self.log.append,
                devices=[self.dev])
        self.assertFalse(os.path.exists(os.path.join(self.root, "T2")))

    def test_bad_dumps_stay(self):
        cases = [
            # cut short: the target was smaller than the dump
            (elf_core([(4096, 8192)])[:8000], "ends 4288 bytes early"),
            # program headers that would have it read 4 MiB of them
            (elf_core([(4096, 10)], phnum=65535, phentsize=64),
             "program headers of 65535 x 64 bytes"),
            (elf_core([(4096, 10)], phentsize=8), "x 8 bytes"),
        ]
        for data, why in cases:
            self.log.clear()
            dest = self.run_archive(data)
            self.assertFalse(os.path.exists(os.path.join(dest, "vmcore")))
            self.assertTrue(any("the dump stays there" in l and why in l
                                for l in self.log), (why, self.log))
            with open(self.dev, "rb") as f:
                self.assertEqual(f.read(), data, why)

    def test_no_dump(self):
        for data in (b"", bytes(8192), b"\x7fELF\x02" + bytes(100),
                     b"hsqs" + bytes(100)):
            self.run_archive(data)
            self.assertFalse(os.path.exists(self.root), data[:8])

    def test_dir_target_dumps_are_moved(self):
        saved = os.path.join(self.tmp.name, "var-crash")
        core = elf_core([(4096, 100)])
        for t, data in (("20261205-100000", b"older"),
                        ("20261205-110000", core)):
            os.makedirs(os.path.join(saved, t))
            with open(os.path.join(saved, t, "vmcore"), "wb") as f:
                f.write(data)
        os.makedirs(os.path.join(saved, "not-a-dump"))
        archive(self.pstore, self.root, "T", log=self.log.append,
                saved=[saved])
        dest = os.path.join(self.root, "T")
        with open(os.path.join(dest, "vmcore"), "rb") as f:
            self.assertEqual(f.read(), core)	# the newest
        with open(os.path.join(dest, "vmcore-20261205-100000"), "rb") as f:
            self.assertEqual(f.read(), b"older")
        self.assertEqual(os.listdir(saved), ["not-a-dump"])
        # a dir: target with nothing new: no archive at all
        archive(self.pstore, self.root, "T2", log=self.log.append,
                saved=[saved, "/nonexistent"])
        self.assertFalse(os.path.exists(os.path.join(self.root, "T2")))

    def test_kinds(self):
        self.assertEqual(crasharchive.dump_kind(elf_core([])), "elf")
        self.assertEqual(crasharchive.dump_kind(b"makedumpfile\0" +
                                                bytes(100)), "flat")
        exe = bytearray(elf_core([]))
        exe[16] = 2		# ET_EXEC
        self.assertIsNone(crasharchive.dump_kind(bytes(exe)))


if __name__ == "__main__":
    unittest.main()
