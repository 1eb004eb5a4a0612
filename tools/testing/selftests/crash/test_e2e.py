# SPDX-License-Identifier: GPL-2.0
"""Tests of the end-to-end harness itself (no QEMU needed)."""
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e  # noqa: E402
from scenarios import REGISTRY, CheckFailed, Run  # noqa: E402

LOG = """[    0.000000] Linux version 6.12.117 (a@b)
E2E: boot 1
E2E: crashing with sysrq
[    2.0] Kernel panic - not syncing: sysrq triggered crash
[    2.1] Rebooting in 1 seconds..
[    0.000000] Linux version 6.12.117 (a@b)
[    0.3] smp: Brought up 1 node, 2 CPUs
E2E: boot 2
E2E: done
"""


class ControlDisk(unittest.TestCase):
    def test_round_trip_with_guest_tools(self):
        """The host's layout is the one guest/lib.sh uses: write the
        counter and the output area with the same dd and tar commands."""
        with tempfile.TemporaryDirectory() as tmp:
            img = os.path.join(tmp, "ctl.img")
            e2e.make_control_disk(img, "boot1() { :; }\n")
            self.assertEqual(os.path.getsize(img), e2e.CTL_SIZE)
            out = subprocess.run(["tar", "-xOf", img, "run.sh"],
                                 capture_output=True, text=True, check=True)
            self.assertEqual(out.stdout, "boot1() { :; }\n")
            self.assertEqual(e2e.read_control_disk(img), (0, {}))
            lib = os.path.join(os.path.dirname(e2e.__file__), "guest",
                               "lib.sh")
            subprocess.run(["sh", "-c", """
                . "$0"; E2E_CTL="$1"; e2e_counter_bump >/dev/null
                e2e_counter_bump >/dev/null; cd "$2" && echo hi > f &&
                e2e_output f""", lib, img, tmp], check=True,
                capture_output=True)
            self.assertEqual(e2e.read_control_disk(img), (2, {"f": b"hi\n"}))


class Checks(unittest.TestCase):
    def test_boots_and_order(self):
        run = Run("patched", "/tmp", LOG)
        self.assertEqual(len(run.boots), 2)
        run.expect_boots(2)
        run.expect_in_order(r"sysrq triggered crash", r"Rebooting",
                            r"E2E: boot 2")
        with self.assertRaises(CheckFailed):
            run.expect_in_order(r"E2E: boot 2", r"sysrq triggered crash")
        with self.assertRaises(CheckFailed):
            run.expect_not(r"Kernel panic")
        with self.assertRaises(CheckFailed):
            run.expect_boots(1)

    def test_registered_checks_accept_good_and_refuse_bad_logs(self):
        REGISTRY["sysrq-panic"].check(Run("patched", "/tmp", LOG))
        bad = LOG.replace("Rebooting in 1 seconds", "hang")
        with self.assertRaises(CheckFailed):
            REGISTRY["sysrq-panic"].check(Run("patched", "/tmp", bad))
        with self.assertRaises(CheckFailed):
            REGISTRY["boot"].check(Run("patched", "/tmp", LOG))


class Rerun(unittest.TestCase):
    def test_only_the_named_failure_is_run_again(self):
        sc = REGISTRY["pstore-ftrace"]
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "serial.log")
            with open(log, "w") as f:
                f.write(LOG + "[    2.460044] Oops: int3: 0000 [#1] SMP\n")
            self.assertEqual(e2e.rerun_reason(sc, d, "x"),
                             "[    2.460044] Oops: int3: 0000 [#1] SMP")
            with open(log, "w") as f:
                f.write(LOG + "[    2.4] Oops: general protection fault\n")
            self.assertIsNone(e2e.rerun_reason(sc, d, "x"))
            # a scenario without rerun_on is never run again
            with open(log, "w") as f:
                f.write(LOG + "[    2.460044] Oops: int3: 0000 [#1] SMP\n")
            self.assertIsNone(e2e.rerun_reason(REGISTRY["chain-panic"], d,
                                               "x"))
        self.assertIsNone(e2e.rerun_reason(sc, "/nonexistent", "x"))

    def test_qemu_that_stays_after_power_down_is_run_again(self):
        sc = REGISTRY["chain-panic"]
        hung = e2e.NO_POWEROFF + " within 30s; vCPUs at ..."
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "serial.log")
            with open(log, "w") as f:
                f.write("E2E: boot 2\nE2E: done\n[    1.8] ACPI: PM: "
                        "Preparing to enter system sleep state S5\n"
                        "[    1.9] reboot: Power down\n[   31.0] sysrq: "
                        "Show Blocked State\n")
            self.assertEqual(e2e.rerun_reason(sc, d, hung),
                             "QEMU did not exit after reboot: Power down")
            self.assertIsNone(e2e.rerun_reason(sc, d, "no E2E: done"))
            # the kernel that never got to power down is not run again
            with open(log, "w") as f:
                f.write("E2E: boot 2\nE2E: done\n[   31.0] sysrq: Show "
                        "Blocked State\n")
            self.assertIsNone(e2e.rerun_reason(sc, d, hung))
            # nor the one that powered down before the scenario was done
            with open(log, "w") as f:
                f.write("[    1.9] reboot: Power down\nE2E: done\n")
            self.assertIsNone(e2e.rerun_reason(sc, d, hung))


class Jobs(unittest.TestCase):
    def test_scenarios_run_side_by_side_and_report_in_order(self):
        """--jobs 2 runs two scenarios at once, never three, runs each
        once (named twice too), and the summary keeps the scenarios'
        order, whatever order they finish in."""
        names = ["chain-panic", "chain-oops", "pstore-panic", "mtdoops-panic"]
        lock = threading.Lock()
        state = {"now": 0, "most": 0, "ran": []}

        def fake(sc, *args):
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
                state["ran"].append(sc.name)
            # the first scenarios finish last
            time.sleep(0.05 * (len(names) - names.index(sc.name)))
            with lock:
                state["now"] -= 1
            return sc.name != "pstore-panic", "broke", 1.0

        with tempfile.TemporaryDirectory() as out, \
                mock.patch.object(e2e, "run_scenario", fake), \
                mock.patch.object(sys, "argv", [
                    "e2e.py", "--kernel", "k", "--initramfs", "i", "--out",
                    out, "--jobs", "2"] + names + ["chain-oops"]), \
                mock.patch("sys.stdout", new_callable=io.StringIO):
            self.assertEqual(e2e.main(), 1)
            with open(os.path.join(out, "summary.txt")) as f:
                summary = f.read().splitlines()
        self.assertEqual(state["most"], 2)
        self.assertEqual(sorted(state["ran"]), sorted(names))
        self.assertEqual([line.split()[1] for line in summary[:-1]], names)
        self.assertTrue(summary[2].startswith("FAIL pstore-panic"))
        self.assertEqual(summary[-1], "3 passed, 1 failed")


if __name__ == "__main__":
    unittest.main()


class DebugReports(unittest.TestCase):
    def test_reports_are_found_and_oopses_are_not(self):
        """The debug build fails a scenario on lockdep, atomic-sleep and
        KASAN reports, not on the oopses and panics scenarios cause."""
        log = LOG + (
            "[    3.0] BUG: kernel NULL pointer dereference, address: 0\n"
            "[    3.1] WARNING: CPU: 0 PID: 1 at kernel/panic.c:1 x+0x1\n")
        self.assertEqual(e2e.debug_reports(log), [])
        for report in (
                "BUG: KASAN: slab-out-of-bounds in pstore_dump+0x1/0x2",
                "WARNING: possible circular locking dependency detected",
                "WARNING: inconsistent lock state",
                "BUG: sleeping function called from invalid context at "
                "kernel/locking/mutex.c:1",
                "BUG: spinlock recursion on CPU#0, init/1",
                "INFO: task rm:70 blocked for more than 10 seconds."):
            found = e2e.debug_reports(log + "[    4.0] %s\n[    4.1] next\n"
                                      % report)
            self.assertEqual(len(found), 1, report)
            self.assertIn(report, found[0])
            self.assertIn("next", found[0])


RECEIPT = """[    1.0] Linux version 6.12.117 (a@b)
[    1.1] crash_chain: oops run: 1 handler, 0 faults, 9 us
[    1.2] crash_chain:   persist  pstore:ramoops           ok        3 us
[    2.0] Kernel panic - not syncing: dumptest
[    2.1] crash_chain: receipt so far:
[    2.2] crash_chain:   capture  stop-cpus                ok     1565 us
[    2.3] crash_chain: receipt so far:
[    2.4] crash_chain:   persist  pstore:ramoops           FAULT    7 us
[    2.5] crash_chain:   stream   netconsole               idle    60 us
[    2.6] some other CPU's line
[    2.7] crash_chain: panic run: 4 handlers, 1 fault, 138 us; first 3 lines above
[    2.8] crash_chain:   handoff  kexec                    idle    42 us
[    2.9] Rebooting in 1 seconds..
"""


class Receipt(unittest.TestCase):
    """The receipt's lines printed before its summary count as its own."""

    def test_chain_receipt(self):
        from scenarios.chain import receipt
        got = receipt(None, RECEIPT)
        self.assertEqual(list(got), ["stop-cpus", "pstore:ramoops",
                                     "netconsole", "kexec"])
        self.assertEqual(got["pstore:ramoops"], ("persist", "FAULT"))
        self.assertEqual(receipt(None, RECEIPT, "oops"),
                         {"pstore:ramoops": ("persist", "ok")})
        with self.assertRaises(CheckFailed):
            receipt(None, RECEIPT, "emergency")

    def test_demo_receipt(self):
        import demo
        got = demo.panic_receipt(RECEIPT)
        self.assertTrue(got[0].startswith("panic run: 4 handlers"))
        self.assertEqual([g.split()[1] for g in got[1:]],
                         ["stop-cpus", "pstore:ramoops", "netconsole",
                          "kexec"])
        jumped = RECEIPT.split("[    2.6]")[0]
        got = demo.panic_receipt(jumped)
        self.assertIn("jumped", got[0])
        self.assertEqual(len(got), 4)
        self.assertEqual(demo.panic_receipt("Linux version 6.12\n"), [])
