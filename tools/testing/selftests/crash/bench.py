#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmarks, ours over upstream, measured in the same run.

    bench.py --ours bzImage --upstream bzImage --initramfs X --out DIR

Each figure is measured on both kernels in alternation (so that a busy
host slows both alike), ROUNDS times, and the median is reported with the
ratio ours/upstream.  Results go to DIR/bench.txt.

  boot      host wall time from QEMU start to the guest's first line of
            userspace output
  panic     host wall time from the guest's sysrq-c to the first line of
            the next boot (panic path, then reset; panic=-1)
"""
import argparse
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e  # noqa: E402
from qemu import Guest  # noqa: E402

ROUNDS = 5


def boot_seconds(kernel, initrd, workdir):
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, "boot1() { :; }\n")
    g = Guest(kernel, initrd, e2e.BASE_CMDLINE, workdir, disks=[ctl])
    try:
        g.start()
        g.wait_for(r"^E2E: boot 1", 60)
        return g.elapsed()
    finally:
        g.stop()


def panic_seconds(kernel, initrd, workdir):
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, "boot1() { e2e_crash sysrq; }\n"
                          "boot2() { :; }\n")
    g = Guest(kernel, initrd, e2e.BASE_CMDLINE + " panic=-1", workdir,
              disks=[ctl])
    try:
        g.start()
        m = g.wait_for(r"^E2E: crashing with sysrq", 60)
        t0 = g.elapsed()
        # the console line is seen a little after it was written: the
        # same for both kernels
        g.wait_for(r"Linux version ", 60, start=m.end())
        return g.elapsed() - t0
    finally:
        g.stop()


BENCHES = [
    ("boot", "s", "QEMU start to first userspace line", boot_seconds),
    ("panic", "s", "sysrq-c to the next boot's first line", panic_seconds),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--initramfs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)

    lines = ["benchmark  unit  ours(median)  upstream(median)  ours/upstream"
             "  what"]
    print(lines[0], flush=True)
    for name, unit, what, fn in BENCHES:
        got = {"ours": [], "upstream": []}
        for r in range(args.rounds):
            for kind, kernel in (("ours", args.ours),
                                 ("upstream", args.upstream)):
                workdir = os.path.join(args.out, name, "%s-%d" % (kind, r))
                got[kind].append(fn(kernel, args.initramfs, workdir))
        ours = statistics.median(got["ours"])
        up = statistics.median(got["upstream"])
        lines.append("%-10s %-5s %12.3f  %16.3f  %13.2f  %s" %
                     (name, unit, ours, up, ours / up, what))
        print(lines[-1], flush=True)
    with open(os.path.join(args.out, "bench.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("bench: %d rounds each; results in %s"
          % (args.rounds, os.path.join(args.out, "bench.txt")))


if __name__ == "__main__":
    sys.exit(main())
