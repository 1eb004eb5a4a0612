# SPDX-License-Identifier: GPL-2.0
"""crashreport.py: records put back together and summed up, damaged and
foreign files passed over."""
import os
import sys
import tempfile
import unittest
import unittest.mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import crashreport  # noqa: E402
from crashreport import report  # noqa: E402

# A BUG that became a panic, as a ramoops record holds it (syslog prefixes)
OLD = """\
<6>[    1.900000] virtio_blk virtio1: [vdb] 8192 512-byte logical blocks
<6>[    1.936223] lkdtm: Performing direct entry BUG
<4>[    1.937209] ------------[ cut here ]------------
<4>[    1.937487] kernel BUG at drivers/misc/lkdtm/bugs.c:105!
"""
NEW = """\
<4>[    1.938409] Oops: invalid opcode: 0000 [#1] SMP
<4>[    1.939505] RIP: 0010:lkdtm_BUG+0x4/0x6
<4>[    1.948407] Call Trace:
<4>[    1.948848]  <TASK>
<4>[    1.949001]  ? lkdtm_do_action+0x18/0x1b
<4>[    1.949256]  ? direct_entry+0xa9/0xc8
<4>[    1.951166]  </TASK>
<4>[    1.951363] Modules linked in:
<0>[    1.969222] Kernel panic - not syncing: Fatal exception
<0>[    1.970000] crash_chain: receipt so far:
<0>[    1.970100] crash_chain:   capture  stop-cpus     ok     1748 us
<0>[    1.970200] crash_chain:   capture  panic-print   idle     17 us
"""


class Report(unittest.TestCase):
    def test_parts_in_order_and_facts(self):
        got = report({"dmesg-ramoops-1": "Panic#1 Part2\n" + OLD,
                      "dmesg-ramoops-0": "Panic#1 Part1\n" + NEW})
        self.assertIn("crash Panic#1, read from ramoops (16 log lines)",
                      got)
        self.assertIn("panic: Kernel panic - not syncing: Fatal exception",
                      got)
        # the first sign is in the older part: the parts were joined
        self.assertIn("first sign: kernel BUG at drivers/misc/lkdtm/"
                      "bugs.c:105!", got)
        self.assertIn("call trace:\n  ? lkdtm_do_action+0x18/0x1b\n"
                      "  ? direct_entry+0xa9/0xc8\ncrash chain receipt:", got)
        self.assertIn("  capture  stop-cpus     ok     1748 us\n"
                      "  capture  panic-print", got)
        self.assertIn("captured by:\n  ramoops    16 log lines", got)

    def test_full_receipt_wins(self):
        log = NEW + ("<0>[ 2.0] crash_chain: panic run: 6 handlers, 0 faults,"
                     " 25987 us\n<0>[ 2.0] crash_chain:   persist  "
                     "pstore:ramoops ok 20754 us\n<0>[ 2.1] Rebooting in 1 "
                     "seconds..\n")
        got = report({"dmesg-ramoops-0": "Panic#1 Part1\n" + log})
        self.assertIn("crash chain receipt:\n  crash_chain: panic run: 6 "
                      "handlers, 0 faults, 25987 us\n  persist  "
                      "pstore:ramoops ok 20754 us\ncaptured by:", got)

    def test_last_crash_and_a_named_one(self):
        fs = {"dmesg-ramoops-0": "Oops#1 Part1\n<4>[ 1.0] Oops: first\n",
              "dmesg-ramoops-1": "Panic#1 Part1\n" + NEW,
              "dmesg-ramoops-2": "Oops#2 Part1\n<4>[ 2.0] BUG: second\n"}
        self.assertIn("crash Oops#2", report(fs))
        self.assertIn("first sign: BUG: second", report(fs))
        self.assertIn("crash Panic#1", report(fs, "Panic#1"))
        self.assertIsNone(report(fs, "Panic#7"))
        fs.pop("dmesg-ramoops-2")
        self.assertIn("crash Panic#1", report(fs))	# before Oops#1

    def test_stores_and_machine_checks(self):
        fs = {"dmesg-ramoops-0": "Panic#1 Part1\n" + NEW,
              "dmesg-efi_pstore-173300": "Panic#1 Part1\n" + NEW[-200:],
              "mce-ramoops-0": "cpu 1 bank 4 status 0xbe00000000800400 "
                               "addr 0x0000000012345000\n",
              "console-ramoops-0": "Oops#9 Part1\nnot a dmesg record\n"}
        got = report(fs)
        self.assertIn("read from ramoops", got)
        self.assertIn("machine checks:\n  ramoops: cpu 1 bank 4 status "
                      "0xbe00000000800400", got)
        self.assertRegex(got, r"captured by:\n  efi_pstore +\d+ log lines\n"
                         r"  ramoops +12 log lines")
        self.assertNotIn("Oops#9", got)

    def test_damaged_and_foreign_files(self):
        fs = {"dmesg-ramoops-0.enc.z": "\x28\xb5\x2f\xfd garbage",
              "dmesg-ramoops-1": "no header here\n" + NEW,
              "notes.txt": "Panic#1 Part1\n" + NEW,
              "dmesg-ramoops": "Panic#1 Part1\n" + NEW}
        self.assertIsNone(report(fs))
        self.assertIsNone(report({}))

    def test_dump_log(self):
        got = report({}, dmesg=NEW)
        self.assertIn("crash dump, read from vmcore", got)
        self.assertIn("panic: Kernel panic", got)
        # with pstore's records: the last crash's, captured by both
        fs = {"dmesg-ramoops-0": "Oops#1 Part1\n<4>[ 1.0] Oops: first\n",
              "dmesg-ramoops-1": "Panic#1 Part1\n" + NEW[-200:]}
        got = report(fs, dmesg=NEW)
        self.assertIn("crash Panic#1, read from vmcore", got)
        self.assertRegex(got, r"captured by:\n  ramoops +\d+ log lines\n"
                         r"  vmcore +12 log lines \(the dump's")
        self.assertNotIn("vmcore", report(fs, "Oops#1", dmesg=None))

    def test_names(self):
        self.assertEqual(crashreport.parse_name("dmesg-ramoops-0"),
                         ("dmesg", "ramoops"))
        self.assertEqual(crashreport.parse_name("mce-erst-1720000000001"),
                         ("mce", "erst"))
        self.assertEqual(crashreport.parse_name("dmesg-efi_pstore-1.enc.z"),
                         ("dmesg", "efi_pstore"))
        self.assertIsNone(crashreport.parse_name("unknown-ramoops-0"))
        self.assertIsNone(crashreport.parse_name("dmesg-ramoops"))


class Main(unittest.TestCase):
    def test_exit_status(self):
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "dmesg-ramoops-0")
            with open(rec, "w") as f:
                f.write("Panic#1 Part1\n" + NEW)
            with unittest.mock.patch("sys.stdout") as out:
                self.assertEqual(crashreport.main(["x", rec]), 0)
            self.assertIn("Fatal exception", "".join(
                c.args[0] for c in out.write.call_args_list))
            with unittest.mock.patch("sys.stderr"):
                self.assertEqual(crashreport.main(["x", "-c", "Oops#1",
                                                   rec]), 1)
                self.assertEqual(crashreport.main(
                    ["x", os.path.join(d, "missing")]), 2)


if __name__ == "__main__":
    unittest.main()
