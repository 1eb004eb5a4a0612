# SPDX-License-Identifier: GPL-2.0
"""bench.py's parts that need no QEMU: the crashkernel= search, the check
of a saved dump, and the table."""
import os
import struct
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench  # noqa: E402
from scenarios import CheckFailed  # noqa: E402


def elf_core(size, info=b"OSRELEASE=6.12.0\n"):
    """An ELF64 core file: a VMCOREINFO note and one PT_LOAD that ends at
    @size."""
    name = b"VMCOREINFO\0\0"
    desc = info + b"\0" * (-len(info) % 4)
    note = struct.pack("<III", 11, len(info), 0) + name + desc
    phoff, phnum = 64, 2
    note_off = phoff + 56 * phnum
    load_off = 4096
    ehdr = (b"\x7fELF\x02\x01\x01" + b"\0" * 9 +
            struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, phoff, 0, 0, 64, 56,
                        phnum, 0, 0, 0))
    phdrs = (struct.pack("<IIQQQQQQ", 4, 0, note_off, 0, 0, len(note),
                         len(note), 0) +
             struct.pack("<IIQQQQQQ", 1, 7, load_off, 0xffff888000000000,
                         0, size - load_off, size - load_off, 4096))
    return (ehdr + phdrs + note).ljust(load_off, b"\0")


class CrashkernelSearch(unittest.TestCase):
    def search(self, smallest):
        """crashkernel_min with trials that pass from @smallest MiB up."""
        def trial(kernel, initrd, workdir, mib):
            return ("ok", "") if mib >= smallest else ("capture", "oom")
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(bench, "capture_trial", trial):
            got = bench.crashkernel_min("bzImage", "initrd", tmp)
            with open(os.path.join(tmp, "trials.txt")) as f:
                return got, f.read()

    def test_finds_the_smallest_passing_size(self):
        for smallest in (1, 16, 17, 28, 100, 128, 256):
            mib, tried = self.search(smallest)[0]
            want = min(s for s in bench.CK_SIZES if s >= smallest)
            self.assertEqual(mib, want)
            sizes = [int(t.split(":")[0]) for t in tried.split()
                     if t[0].isdigit()]
            self.assertEqual(want == bench.CK_SIZES[0],
                             tried.endswith("(the smallest size searched)"))
            self.assertEqual(sizes[0], bench.CK_SIZES[-1])
            self.assertIn("%d:ok" % want, tried.split())
            self.assertLessEqual(len(sizes), 8)

    def test_nothing_passes(self):
        (mib, tried), log = self.search(1000)
        self.assertEqual(mib, 0)
        self.assertEqual(tried, "%d:capture" % bench.CK_SIZES[-1])
        self.assertIn("crashkernel=256M capture oom", log)


class SavedVmcore(unittest.TestCase):
    def check(self, data, size):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "vmcore.img")
            with open(path, "wb") as f:
                f.write(data)
                f.truncate(64 << 20)
            bench.check_saved_vmcore(path, size)

    def test_whole_dump(self):
        self.check(elf_core(40 << 20), 40 << 20)

    def test_size_differs(self):
        with self.assertRaisesRegex(CheckFailed, "segments end at"):
            self.check(elf_core(40 << 20), 41 << 20)

    def test_not_elf(self):
        with self.assertRaisesRegex(CheckFailed, "not an ELF core"):
            self.check(b"\0" * 4096, 40 << 20)

    def test_no_vmcoreinfo(self):
        data = elf_core(40 << 20).replace(b"VMCOREINFO", b"XMCOREINFO")
        with self.assertRaisesRegex(CheckFailed, "no VMCOREINFO"):
            self.check(data, 40 << 20)


class Table(unittest.TestCase):
    def test_rounds_and_how_figures_were_found(self):
        calls = []

        def plain(kernel, initrd, workdir):
            calls.append(("plain", workdir))
            return 2.0 if "ours" in workdir else 4.0

        def search(kernel, initrd, workdir):
            calls.append(("search", workdir))
            return 28, "256:ok 128:ok"

        benches = [("plain", "s", "a figure", plain),
                   ("search", "MiB", "a search", search, 1)]
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(bench, "BENCHES", benches), \
                mock.patch.object(sys, "argv", [
                    "bench.py", "--ours", "o", "--upstream", "u",
                    "--initramfs", "i", "--out", tmp]), \
                mock.patch("sys.stdout"):
            bench.main()
            with open(os.path.join(tmp, "bench.txt")) as f:
                text = f.read()
        self.assertEqual(sum(1 for c in calls if c[0] == "plain"),
                         2 * bench.ROUNDS)
        self.assertEqual(sum(1 for c in calls if c[0] == "search"), 2)
        self.assertRegex(text, r"(?m)^plain\s+s\s+2\.000\s+4\.000\s+0\.50 ")
        self.assertRegex(text, r"(?m)^search\s+MiB\s+28\.000\s+28\.000\s+"
                         r"1\.00 ")
        self.assertIn("  search ours-0: 256:ok 128:ok", text)
        self.assertIn("  search upstream-0: 256:ok 128:ok", text)


class CrashRegions(unittest.TestCase):
    def test_sums_every_region(self):
        text = ("E2E: region   1f000000-2effffff : Crash kernel\n"
                "E2E: region 140000000-14fffffff : Crash kernel\n"
                "E2E: region   00100000-001fffff : System RAM\n"
                "E2E: result capture loaded\n")
        self.assertEqual(bench.crash_regions(text), 512 << 20)

    def test_none(self):
        self.assertEqual(bench.crash_regions("E2E: result capture loaded"),
                         0)


class Order(unittest.TestCase):
    def test_the_kernel_that_goes_first_alternates(self):
        calls = []

        def fig(kernel, initrd, workdir):
            calls.append(kernel)
            return 1.0
        fake = [("fig", "s", "a figure", fig)]
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(bench, "BENCHES", fake), \
                mock.patch.object(bench, "ARCH_BENCHES", {}), \
                mock.patch.object(sys, "argv", [
                    "bench.py", "--ours", "O", "--upstream", "U",
                    "--initramfs", "I", "--out", tmp, "--rounds", "4"]), \
                mock.patch("builtins.print"):
            bench.main()
        self.assertEqual(calls, ["O", "U", "U", "O", "O", "U", "U", "O"])


class VmcoreFigures(unittest.TestCase):
    def text(self, passes):
        lines = ["E2E: boot 2", "[  1.0] random kernel line"]
        for read, mmap, zero in passes:
            lines += ["E2E: result vmcore read=%s mmap=%s" % (read, mmap),
                      "[  2.0] another line",
                      "E2E: result zero read=%s mmap=1.0" % zero]
        return "\n".join(lines + ["E2E: done", ""])

    def test_medians_of_pairs(self):
        # each fraction is over the /dev/zero read after its own pass
        read, mmap, rfrac, mfrac = bench.vmcore_figures(self.text(
            [(100, 800, 1000), (300, 400, 400), (200, 900, 1000)]))
        self.assertEqual((read, mmap), (200, 800))
        self.assertAlmostEqual(rfrac, 0.2)
        self.assertAlmostEqual(mfrac, 0.9)

    def test_no_mmap(self):
        figures = bench.vmcore_figures(self.text([(100, "-", 1000)] * 3))
        self.assertEqual(figures[1], 0)
        self.assertEqual(figures[3], 0)

    def test_passes_missing(self):
        with self.assertRaisesRegex(bench.GuestError, "2 of 3"):
            bench.vmcore_figures(self.text([(100, 800, 1000)] * 2))



if __name__ == "__main__":
    unittest.main()
