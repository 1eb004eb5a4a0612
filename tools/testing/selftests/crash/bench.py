#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmarks, ours over upstream, measured in the same run.

    bench.py --ours bzImage --upstream bzImage --initramfs X --out DIR \
        [--rounds N] [BENCH...]

Each figure is measured on both kernels in alternation (so that a busy
host slows both alike), ROUNDS times, and the median is reported with the
ratio ours/upstream.  Results go to DIR/bench.txt.

  boot      host wall time from QEMU start to the guest's first line of
            userspace output
  panic     host wall time from the guest's sysrq-c to the first line of
            the next boot (panic path, then reset; panic=-1)
  pstore-lines  lines of kernel log kept in one 32 KiB ramoops record
            after a panic with a long log (4000 lines logged)
  pstore-ms guest time from the panic message to "Rebooting in", with
            ramoops configured (the persist stage is most of it)
  nc-rate   10,000 messages written to /dev/kmsg at once, sent by an
            extended netconsole target: messages per second of guest time
            between the first and the last received (their timestamps)
  nc-lost   of those 10,000, how many the host's socket never received
  kdump     host wall time from the guest's LKDTM panic to the capture
            kernel's first line of userspace output (the capture kernel
            is the same kernel, loaded with kexec -p -s)
  vmcore-read, vmcore-mmap  in that capture kernel, MB/s of reading
            /proc/vmcore whole with read() in 1 MiB blocks and through
            mmap() in 4 MiB windows (guest/vmcore_read.c)
  vmcore-frac  the read() figure over the same program reading 512 MiB
            of /dev/zero in the same capture kernel
"""
import argparse
import io
import os
import re
import shutil
import statistics
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e  # noqa: E402
import receiver  # noqa: E402
from qemu import Guest  # noqa: E402

ROUNDS = 5


def boot_seconds(kernel, initrd, workdir):
    os.makedirs(workdir, exist_ok=True)
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
    os.makedirs(workdir, exist_ok=True)
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


RAMOOPS_32K = ("memmap=1M$0x30000000 ramoops.mem_address=0x30000000 "
               "ramoops.mem_size=0x100000 ramoops.record_size=0x8000 "
               "log_buf_len=1M loglevel=1 panic=1")

LONG_LOG = """
boot1() {
	i=0
	while [ $i -lt 4000 ]; do
		echo "bench: eth$((i % 4)): rx queue $((i % 16)) drop $i at 0x$((i * 7919 % 65536)) len $((i * 13 % 1500))" > /dev/kmsg
		i=$((i + 1))
	done
	e2e_crash PANIC
}
boot2() {
	mkdir -p /sys/fs/pstore
	mount -t pstore pstore /sys/fs/pstore
	e2e_result lines=$(cat /sys/fs/pstore/dmesg-ramoops-0 | wc -l)
}
"""

_pstore_runs = {}


def _pstore_run(kernel, initrd, workdir):
    """One long-log panic with a 32 KiB record; cached for both figures."""
    if workdir in _pstore_runs:
        return _pstore_runs[workdir]
    ctl = os.path.join(workdir, "control.img")
    os.makedirs(workdir, exist_ok=True)
    e2e.make_control_disk(ctl, LONG_LOG)
    g = Guest(kernel, initrd, e2e.BASE_CMDLINE + " " + RAMOOPS_32K, workdir,
              disks=[ctl])
    try:
        g.start()
        m = g.wait_for(r"^E2E: result lines=(\d+)", 240)
        lines = int(m.group(1))
        t = re.search(r"\[\s*([\d.]+)\] Kernel panic - not syncing", g.text)
        r = re.search(r"\[\s*([\d.]+)\] Rebooting in", g.text)
        ms = (float(r.group(1)) - float(t.group(1))) * 1000
    finally:
        g.stop()
    _pstore_runs[workdir] = (lines, ms)
    return lines, ms


def pstore_lines(kernel, initrd, workdir):
    return _pstore_run(kernel, initrd, workdir.replace("pstore-ms",
                                                       "pstore-lines"))[0]


def pstore_ms(kernel, initrd, workdir):
    return _pstore_run(kernel, initrd, workdir.replace("pstore-ms",
                                                       "pstore-lines"))[1]


FLOOD = 10000
NC_FLOOD = """
boot1() {
	i=0
	while [ $i -lt %d ]; do
		echo "bench-nc $i"
		i=$((i + 1))
	done > /dev/kmsg
	e2e_result flooded
}
""" % FLOOD

_nc_runs = {}


def _nc_run(kernel, initrd, workdir):
    """One flood through netconsole; cached for both figures."""
    workdir = workdir.replace("nc-lost", "nc-rate")
    if workdir in _nc_runs:
        return _nc_runs[workdir]
    ctl = os.path.join(workdir, "control.img")
    os.makedirs(workdir, exist_ok=True)
    e2e.make_control_disk(ctl, NC_FLOOD)
    rx = receiver.UdpReceiver()
    cmdline = ("printk.devkmsg=on netconsole=+6666@10.0.2.15/eth0,"
               "%d@10.0.2.2/" % rx.port)
    g = Guest(kernel, initrd, e2e.BASE_CMDLINE + " " + cmdline, workdir,
              disks=[ctl], net=True)
    try:
        g.start()
        g.wait_for(r"^E2E: result flooded", 240)
    finally:
        g.stop()
    usecs = {}
    for head, body in receiver.reassemble(rx.stop()):
        m = re.match(rb"bench-nc (\d+)$", body.strip())
        if m:
            usecs[int(m.group(1))] = int(head.split(b",")[2])
    rate = 0
    if len(usecs) > 1:
        span = max(usecs.values()) - min(usecs.values())
        rate = (len(usecs) - 1) / (span / 1e6) if span else 0
    _nc_runs[workdir] = (rate, FLOOD - len(usecs))
    return _nc_runs[workdir]


def nc_rate(kernel, initrd, workdir):
    return _nc_run(kernel, initrd, workdir)[0]


def nc_lost(kernel, initrd, workdir):
    return _nc_run(kernel, initrd, workdir)[1]


KDUMP = """
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd \\
		--append="console=ttyS0 panic=10 printk.time=1 maxcpus=1 reset_devices" ||
		exit
	e2e_crash PANIC
}
boot2() { :; }
"""


def kexec_image(kernel, initrd, workdir):
    """A disk with a tar of the kernel and initramfs to load with kexec."""
    img = os.path.join(workdir, "kexec.img")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        t.add(kernel, "bzImage")
        t.add(initrd, "initrd")
    with open(img, "wb") as f:
        f.write(buf.getvalue())
        f.truncate(64 << 20)
    return img


def kdump_seconds(kernel, initrd, workdir):
    os.makedirs(workdir, exist_ok=True)
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, KDUMP)
    img = kexec_image(kernel, initrd, workdir)
    g = Guest(kernel, initrd, e2e.BASE_CMDLINE + " crashkernel=128M",
              workdir, disks=[ctl, img])
    try:
        g.start()
        m = g.wait_for(r"^E2E: crashing with PANIC", 120)
        t0 = g.elapsed()
        g.wait_for(r"^E2E: boot 2", 120, start=m.end())
        return g.elapsed() - t0
    finally:
        g.stop()


VMCORE = KDUMP.replace("boot2() { :; }", """boot2() {
	e2e_result vmcore $(vmcore-read)
	e2e_result zero $(vmcore-read /dev/zero 512)
}""")

_vmcore_runs = {}


def _vmcore_run(kernel, initrd, workdir):
    """One capture kernel reading /proc/vmcore; cached for three figures."""
    workdir = re.sub(r"vmcore-[a-z-]+", "vmcore-read", workdir)
    if workdir in _vmcore_runs:
        return _vmcore_runs[workdir]
    os.makedirs(workdir, exist_ok=True)
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, VMCORE)
    img = kexec_image(kernel, initrd, workdir)
    g = Guest(kernel, initrd, e2e.BASE_CMDLINE + " crashkernel=128M",
              workdir, disks=[ctl, img])
    try:
        g.start()
        m = g.wait_for(r"^E2E: result zero read=([\d.]+)", 300)
        zero = float(m.group(1))
        v = re.search(r"^E2E: result vmcore read=([\d.]+) mmap=([\d.-]+)",
                      g.text, re.M)
    finally:
        g.stop()
    read = float(v.group(1)) if v else 0
    mmap = float(v.group(2)) if v and v.group(2) != "-" else 0
    _vmcore_runs[workdir] = (read, mmap, read / zero if zero else 0)
    return _vmcore_runs[workdir]


def vmcore_read(kernel, initrd, workdir):
    return _vmcore_run(kernel, initrd, workdir)[0]


def vmcore_mmap(kernel, initrd, workdir):
    return _vmcore_run(kernel, initrd, workdir)[1]


def vmcore_read_frac(kernel, initrd, workdir):
    return _vmcore_run(kernel, initrd, workdir)[2]


BENCHES = [
    ("boot", "s", "QEMU start to first userspace line", boot_seconds),
    ("panic", "s", "sysrq-c to the next boot's first line", panic_seconds),
    ("pstore-lines", "lines", "log lines in one 32 KiB ramoops record",
     pstore_lines),
    ("pstore-ms", "ms", "panic message to Rebooting, ramoops on",
     pstore_ms),
    ("nc-rate", "msg/s", "netconsole flood, messages per guest second",
     nc_rate),
    ("nc-lost", "msgs", "netconsole flood, messages never received",
     nc_lost),
    ("kdump", "s", "LKDTM panic to the capture kernel's userspace",
     kdump_seconds),
    ("vmcore-read", "MB/s", "/proc/vmcore read() in 1 MiB blocks",
     vmcore_read),
    ("vmcore-mmap", "MB/s", "/proc/vmcore mmap() in 4 MiB windows",
     vmcore_mmap),
    ("vmcore-frac", "ratio", "vmcore read() over /dev/zero read()",
     vmcore_read_frac),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--initramfs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    ap.add_argument("names", nargs="*", metavar="BENCH",
                    help="run only these (default: all)")
    args = ap.parse_args()
    unknown = set(args.names) - {b[0] for b in BENCHES}
    if unknown:
        ap.error("no benchmark %s" % " ".join(sorted(unknown)))
    shutil.rmtree(args.out, ignore_errors=True)

    lines = ["benchmark    unit  ours(median)  upstream(median)  ours/upstream"
             "  what"]
    print(lines[0], flush=True)
    for name, unit, what, fn in BENCHES:
        if args.names and name not in args.names:
            continue
        got = {"ours": [], "upstream": []}
        for r in range(args.rounds):
            for kind, kernel in (("ours", args.ours),
                                 ("upstream", args.upstream)):
                workdir = os.path.join(args.out, name, "%s-%d" % (kind, r))
                got[kind].append(fn(kernel, args.initramfs, workdir))
        ours = statistics.median(got["ours"])
        up = statistics.median(got["upstream"])
        ratio = "%.2f" % (ours / up) if up else "-"
        lines.append("%-12s %-5s %12.3f  %16.3f  %13s  %s" %
                     (name, unit, ours, up, ratio, what))
        print(lines[-1], flush=True)
    with open(os.path.join(args.out, "bench.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("bench: %d rounds each; results in %s"
          % (args.rounds, os.path.join(args.out, "bench.txt")))


if __name__ == "__main__":
    sys.exit(main())
