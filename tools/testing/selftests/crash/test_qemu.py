# SPDX-License-Identifier: GPL-2.0
"""Tests of qemu.py's reading of the serial console."""
import tempfile
import unittest

from qemu import Guest, unmix


class Unmix(unittest.TestCase):
    def test_kernel_line_in_a_userspace_line(self):
        # the userspace line's own newline comes after the kernel's line
        self.assertEqual(
            unmix("E2E: result cpus=2[    1.833643] tsc: Refined\n\n"
                  "E2E: done\n"),
            "[    1.833643] tsc: Refined\nE2E: result cpus=2\nE2E: done\n")

    def test_userspace_line_cut_in_two(self):
        self.assertEqual(
            unmix("E2E: result rebo[   10.000001] a\n[   10.000002] b\n"
                  "und 40, files: x\n"),
            "[   10.000001] a\n[   10.000002] b\n"
            "E2E: result rebound 40, files: x\n")

    def test_cut_across_reads(self):
        guest = Guest("k", "i", "", tempfile.mkdtemp())
        for part in (b"E2E: result rebo[   10.000001] a\r\n",
                     b"und 4[   10.000002] b\r\n", b"0\r\nE2E: do", b"ne\r\n"):
            guest._feed(part)
        self.assertEqual(guest.text, "[   10.000001] a\n[   10.000002] b\n"
                         "E2E: result rebound 40\nE2E: done\n")

    def test_lines_left_alone(self):
        text = ("[    0.000000] Linux version 6.12\n"
                "[    1.000000] a [    2.000000] in a message\n"
                "E2E: boot 1\n")
        # a timestamp inside a kernel line is the kernel's own text
        self.assertEqual(unmix(text), text)
        self.assertEqual(unmix("plain\n"), "plain\n")


if __name__ == "__main__":
    unittest.main()
