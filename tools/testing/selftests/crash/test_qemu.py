# SPDX-License-Identifier: GPL-2.0
"""Tests of qemu.py's reading of the serial console."""
import unittest

from qemu import unmix


class Unmix(unittest.TestCase):
    def test_kernel_line_in_a_userspace_line(self):
        self.assertEqual(
            unmix("E2E: result cpus=2[    1.833643] tsc: Refined\nE2E: done\n"),
            "E2E: result cpus=2\n[    1.833643] tsc: Refined\nE2E: done\n")

    def test_lines_left_alone(self):
        text = ("[    0.000000] Linux version 6.12\n"
                "[    1.000000] a [    2.000000] in a message\n"
                "E2E: boot 1\n")
        # only the mid-line timestamp moves
        self.assertEqual(unmix(text).count("\n"), text.count("\n") + 1)
        self.assertTrue(unmix(text).startswith("[    0.000000] Linux"))
        self.assertEqual(unmix("plain\n"), "plain\n")


if __name__ == "__main__":
    unittest.main()
