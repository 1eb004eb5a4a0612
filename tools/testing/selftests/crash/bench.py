#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmarks, ours over upstream, measured in the same run.

    bench.py --ours bzImage --upstream bzImage --initramfs X --out DIR \
        [--arch arm64] [--rounds N] [BENCH...]

Each figure is measured on both kernels in alternation (so that a busy
host slows both alike), ROUNDS times, and the median is reported with the
ratio ours/upstream.  Which kernel goes first alternates too: with ours
always first, boot's QEMU-start-to-kernel time was 120 ms longer for
ours in the medians of 7 rounds, and for upstream when the order was
swapped (the same 0.53 s each over 10 rounds in alternating order).
Results go to DIR/bench.txt.  With --arch arm64 the kernels are arm64
Images, run on QEMU's virt machine, and only the benchmarks in
ARCH_BENCHES["arm64"] run.

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
            mmap() in 4 MiB windows (guest/vmcore_read.c), after a first
            whole read: QEMU allocates the guest's RAM when it is first
            touched, and the first read of memory the crashed kernel never
            used measured that (537 MB/s, then 3167 and 3247 MB/s in one
            capture kernel, with and without read()'s kept windows)
            Three times in turn with the /dev/zero reads below; the
            figures are the medians of the three.
  vmcore-frac  the read() figure over the same program reading 512 MiB
            of /dev/zero in the same capture kernel, right after it
  vmcore-mmap-frac  the mmap() figure over that same /dev/zero read()
            (one pass of either took 0.1 to 0.3 s: single passes spread
            from 0.75 to 1.00 in one run)
  crashkernel-min  the smallest crashkernel= (MiB) with which the same
            kernel, as capture kernel with tools/crash/mkcapture's
            initramfs, boots and saves /proc/vmcore whole to a disk, the
            saved file checked on the host (ELF core header, program
            headers ending at the size the capture kernel gave); found by
            bisection over 16..256 MiB in 4 MiB steps, one trial per boot,
            a trial failing on a load error, "Out of memory", a panic or a
            timeout; the sizes tried are listed under the table.  One
            round unless --rounds is given (a search is ten boots or so).
  kdump-mem-high, kdump-mem-auto  MiB the first kernel loses to kdump:
            the "Crash kernel" regions of /proc/iomem, low part included,
            in a 6 GiB guest booted with crashkernel=256M,high or
            crashkernel=auto; the capture kernel (the same kernel) is then
            loaded with kexec -p -s, and whether that worked is listed
            under the table.  Upstream has no crashkernel=auto: it
            reserves nothing for it (ratio "-").
  kdump-mem-cma  the same for a capture kernel that gets 256 MiB more
            than it boots in: upstream reserves crashkernel=256M,high
            (and its low part); ours crashkernel=64M,high and lends
            crashkernel=256M,cma to the first kernel's movable memory
            until a crash (ZONE_MOVABLE, not counted as lost; the
            capture kernel adds it 10 s after its boot).
  filter-s, filter-mb  a 4 GiB guest, mostly free, with 256 MiB of page
            cache and a process's anonymous memory (the kdump-filter
            scenario's), crashes into a capture kernel with mkcapture's
            initramfs saving to a disk at dump level 31: ours filters in
            the kernel (mkcapture -x 31, an ELF file), upstream runs
            makedumpfile -F -c -d 31 (compressed).  Host seconds from the
            capture kernel's "Run /init" to mkcapture's "saved" line, and
            the MB saved (upstream's: the file makedumpfile -R makes of
            the disk).  One round unless --rounds is given.
  elf-s, elf-mb  the same, but upstream's makedumpfile writes an ELF
            file (mkcapture -d 31 -E: makedumpfile -F -E -d 31), as
            ours is; ours is filter-s's run again.
  full-s, full-mb  the same guest and crash, the whole /proc/vmcore
            copied to the disk by each kernel (mkcapture without a
            filter).  One round unless --rounds is given.
"""
import argparse
import io
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e  # noqa: E402
import receiver  # noqa: E402
import qemu  # noqa: E402
from qemu import GuestError  # noqa: E402
from scenarios import CheckFailed  # noqa: E402
from scenarios.kdump import (CAPTURE_APPEND, FILL_MEMORY, MKCAPTURE,  # noqa: E402
                             elf_notes)

ROUNDS = 5
ARCH = "x86_64"			# --arch
CMDLINE = e2e.BASE_CMDLINE[ARCH]
CONSOLE = {"x86_64": "ttyS0", "arm64": "ttyAMA0"}
# What runs on other architectures: the rest needs x86's memmap= or more
ARCH_BENCHES = {"arm64": ("boot", "panic", "kdump")}


def Guest(*args, **kw):	# noqa: N802: the guests of --arch
    return qemu.Guest(*args, arch=ARCH, **kw)


def boot_seconds(kernel, initrd, workdir):
    os.makedirs(workdir, exist_ok=True)
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, "boot1() { :; }\n")
    g = Guest(kernel, initrd, CMDLINE, workdir, disks=[ctl])
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
    g = Guest(kernel, initrd, CMDLINE + " panic=-1", workdir,
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
    g = Guest(kernel, initrd, CMDLINE + " " + RAMOOPS_32K, workdir,
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


def efi_pstore_ms(kernel, initrd, workdir):
    """Under OVMF with efi-pstore the only backend (upstream takes one
    too): milliseconds from the panic message to "Rebooting in", the
    time the record's variables cost the panic path."""
    os.makedirs(workdir, exist_ok=True)
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, "boot1() { e2e_crash sysrq; }\n"
                          "boot2() { :; }\n")
    g = Guest(kernel, initrd, CMDLINE + " panic=1", workdir, disks=[ctl],
              extra_args=qemu.uefi_args(workdir))
    try:
        g.start()
        m = g.wait_for(r"^E2E: crashing with sysrq", 240)
        g.wait_for(r"Rebooting in", 120, start=m.end())
        t = re.search(r"\[\s*([\d.]+)\] Kernel panic - not syncing",
                      g.text[m.end():])
        r = re.search(r"\[\s*([\d.]+)\] Rebooting in", g.text[m.end():])
        if not re.search(r"pstore: (registered efi_pstore|Registered "
                         r"efi_pstore)", g.text):
            raise CheckFailed("efi-pstore did not register")
        return (float(r.group(1)) - float(t.group(1))) * 1000
    finally:
        g.stop()


FLOOD = 10000
NC_FLOOD = """
boot1() {
	e2e_kmsg_flood bench-nc %d
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
    g = Guest(kernel, initrd, CMDLINE + " " + cmdline, workdir,
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


def kdump_guest(kernel, initrd, workdir, script):
    """A guest running @script with crashkernel=128M and the kernel
    and initramfs to load as capture kernel on its second disk."""
    os.makedirs(workdir, exist_ok=True)
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, script)
    img = kexec_image(kernel, initrd, workdir)
    return Guest(kernel, initrd, CMDLINE + " crashkernel=128M",
                 workdir, disks=[ctl, img])


def kdump_seconds(kernel, initrd, workdir):
    g = kdump_guest(kernel, initrd, workdir,
                    KDUMP.replace("ttyS0", CONSOLE[ARCH]))
    try:
        g.start()
        m = g.wait_for(r"^E2E: crashing with PANIC", 120)
        t0 = g.elapsed()
        g.wait_for(r"^E2E: boot 2", 120, start=m.end())
        return g.elapsed() - t0
    finally:
        g.stop()


VMCORE_PASSES = 3
VMCORE = KDUMP.replace("boot2() { :; }", """boot2() {
	vmcore-read > /dev/null
	for i in %s; do
		e2e_result vmcore $(vmcore-read)
		e2e_result zero $(vmcore-read /dev/zero 512)
	done
}""" % " ".join(str(i) for i in range(VMCORE_PASSES)))

_vmcore_runs = {}


def _vmcore_run(kernel, initrd, workdir):
    """One capture kernel reading /proc/vmcore; cached for four figures."""
    workdir = re.sub(r"vmcore-[a-z-]+", "vmcore-read", workdir)
    if workdir in _vmcore_runs:
        return _vmcore_runs[workdir]
    g = kdump_guest(kernel, initrd, workdir, VMCORE)
    try:
        g.start()
        g.wait_for(r"^E2E: done", 300)
    finally:
        g.stop()
    _vmcore_runs[workdir] = vmcore_figures(g.text)
    return _vmcore_runs[workdir]


def vmcore_figures(text):
    """(read, mmap, read/zero, mmap/zero): medians over the passes, each
    fraction of a pass over the /dev/zero read right after it."""
    passes = re.findall(r"^E2E: result vmcore read=([\d.]+) mmap=([\d.-]+)"
                        r"\n(?:.*\n)*?E2E: result zero read=([\d.]+)",
                        text, re.M)
    if len(passes) < VMCORE_PASSES:
        raise GuestError("%d of %d /proc/vmcore passes"
                         % (len(passes), VMCORE_PASSES))
    figures = []
    for read, mmap, zero in passes:
        read, zero = float(read), float(zero)
        mmap = float(mmap) if mmap != "-" else 0
        figures.append((read, mmap, read / zero if zero else 0,
                        mmap / zero if zero else 0))
    return tuple(statistics.median(f) for f in zip(*figures))


def vmcore_read(kernel, initrd, workdir):
    return _vmcore_run(kernel, initrd, workdir)[0]


def vmcore_mmap(kernel, initrd, workdir):
    return _vmcore_run(kernel, initrd, workdir)[1]


def vmcore_read_frac(kernel, initrd, workdir):
    return _vmcore_run(kernel, initrd, workdir)[2]


def vmcore_mmap_frac(kernel, initrd, workdir):
    return _vmcore_run(kernel, initrd, workdir)[3]


CK_SIZES = range(16, 257, 4)	# MiB, the crashkernel= sizes searched
CK_DISK = 1100			# MiB: a 1 GiB guest's /proc/vmcore fits
CK_CAPTURE = """
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s" ||
		{ e2e_result load-failed; exit; }
	e2e_crash PANIC
}
boot2() { :; }
""" % CAPTURE_APPEND
# after the capture kernel's first line, any of these ends a trial as failed
CK_FAILED = (r"Out of memory|Kernel panic|^mkcapture: failed|^E2E: boot 2|"
             r"Initramfs unpacking failed")
CK_SAVED = r"^mkcapture: saved /proc/vmcore \((\d+) bytes\) to dev:/dev/vdc"

_capture_initrds = {}


def capture_initrd(outdir):
    """tools/crash/mkcapture's initramfs saving to /dev/vdc, made once."""
    if outdir not in _capture_initrds:
        path = os.path.join(outdir, "capture.img")
        os.makedirs(outdir, exist_ok=True)
        subprocess.run([MKCAPTURE, "-o", path, "-t", "dev:/dev/vdc"],
                       check=True, capture_output=True)
        _capture_initrds[outdir] = path
    return _capture_initrds[outdir]


def check_saved_vmcore(path, size):
    """The dump saved at the start of the disk @path: an ELF core file
    (readelf -h says so) with VMCOREINFO whose segments end at @size, the
    size of /proc/vmcore that the capture kernel reported."""
    p = subprocess.run(["readelf", "-h", "-l", "-W", path],
                       capture_output=True, text=True)
    if p.returncode or not re.search(r"Type:\s+CORE", p.stdout):
        raise CheckFailed("readelf: not an ELF core file: %s"
                          % (p.stderr or p.stdout).strip()[-200:])
    with open(path, "rb") as f:
        hdr = f.read(1 << 16)
    phoff, = struct.unpack_from("<Q", hdr, 32)
    phentsize, phnum = struct.unpack_from("<HH", hdr, 54)
    end = 0
    for i in range(phnum):
        _, _, off, _, _, filesz = struct.unpack_from(
            "<IIQQQQ", hdr, phoff + i * phentsize)
        end = max(end, off + filesz)
    if end != size or size > os.path.getsize(path):
        raise CheckFailed("the dump's segments end at %d, /proc/vmcore had "
                          "%d bytes" % (end, size))
    if not any(n == "VMCOREINFO" for n, _, _ in elf_notes(hdr)):
        raise CheckFailed("no VMCOREINFO note in the saved dump")


def capture_trial(kernel, initrd, workdir, mib):
    """Boot with crashkernel=@mib M, load the same kernel with mkcapture's
    initramfs, crash, and let it save /proc/vmcore to a disk.  ("ok", "")
    or (why it failed, detail)."""
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, CK_CAPTURE)
    img = kexec_image(kernel, capture_initrd(os.path.dirname(
        os.path.dirname(workdir))), workdir)
    vmcore = os.path.join(workdir, "vmcore.img")
    with open(vmcore, "wb") as f:
        f.truncate(CK_DISK << 20)
    g = Guest(kernel, initrd, CMDLINE + " crashkernel=%dM" % mib,
              workdir, disks=[ctl, img, vmcore])
    try:
        g.start()
        m = g.wait_for(r"^E2E: (crashing with PANIC|result load-failed)",
                       120)
        if "load-failed" in m.group(1):
            return "load", "kexec -p -s failed"
        m = g.wait_for(r"Linux version ", 60, start=m.end())
        m = g.wait_for(r"(%s)|(%s)" % (CK_SAVED, CK_FAILED), 180,
                       start=m.end())
        if not m.group(1):
            return "capture", m.group(0)
        size = int(m.group(2))
        # the capture kernel syncs before it resets: wait for that
        g.wait_for(r"^E2E: boot 2", 120, start=m.end())
    except GuestError as e:
        return "timeout", str(e)
    finally:
        g.stop()
    try:
        check_saved_vmcore(vmcore, size)
    except CheckFailed as e:
        return "dump", str(e)
    os.unlink(vmcore)	# 1 GiB; kept when a trial fails
    return "ok", ""


def crashkernel_min(kernel, initrd, workdir):
    """Bisection over CK_SIZES for the smallest size whose trial passes,
    the largest tried first (if it fails there is no result: 0)."""
    tried = []

    def ok(i):
        why, detail = capture_trial(kernel, initrd, os.path.join(
            workdir, "%dM" % CK_SIZES[i]), CK_SIZES[i])
        tried.append("%d:%s" % (CK_SIZES[i], why))
        with open(os.path.join(workdir, "trials.txt"), "a") as f:
            f.write("crashkernel=%dM %s %s\n" % (CK_SIZES[i], why, detail))
        return why == "ok"

    os.makedirs(workdir, exist_ok=True)
    lo, hi = -1, len(CK_SIZES) - 1	# CK_SIZES[hi] passes, [lo] fails
    if not ok(hi):
        return 0, " ".join(tried)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    if hi == 0:
        tried.append("(the smallest size searched)")
    return CK_SIZES[hi], " ".join(tried)


MEM_GUEST = """
boot1() {
	grep "Crash kernel" /proc/iomem | sed 's/^/E2E: region /'
	tar -xf /dev/vdb -C /tmp bzImage initrd
	if kexec -p -s /tmp/bzImage --initrd=/tmp/initrd \\
		--append="console=ttyS0 maxcpus=1 reset_devices"; then
		e2e_result capture loaded
	else
		e2e_result capture not loaded
	fi
}
"""


FILTER_CAPTURE = CK_CAPTURE.replace("boot1() {\n", "boot1() {" + FILL_MEMORY)
_filter_runs = {}


def _filter_run(kernel, initrd, workdir, how):
    """A 4 GiB guest with page cache and anonymous memory crashes; the
    capture kernel saves the dump with mkcapture @how ("filter": -x 31 on
    ours, -d 31 upstream; "elf": -x 31 on ours, -d 31 -E upstream;
    "full": neither).  (seconds, MB); cached for the two figures of each
    (WORKDIR/../HOW/KERNEL-ROUND)."""
    upstream = os.path.basename(workdir).startswith("upstream")
    if how == "elf" and not upstream:
        how = "filter"
    key = os.path.join(os.path.dirname(os.path.dirname(workdir)), how,
                       os.path.basename(workdir))
    if key in _filter_runs:
        return _filter_runs[key]
    workdir = key
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    args = {"full": [], "filter": ["-d" if upstream else "-x", "31"],
            "elf": ["-d", "31", "-E"]}[how]
    capture = os.path.join(workdir, "capture.img")
    subprocess.run([MKCAPTURE, "-o", capture, "-t", "dev:/dev/vdc"] + args,
                   check=True, capture_output=True)
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, FILTER_CAPTURE)
    img = kexec_image(kernel, capture, workdir)
    vmcore = os.path.join(workdir, "vmcore.img")
    with open(vmcore, "wb") as f:
        f.truncate(4200 << 20)
    g = Guest(kernel, initrd, CMDLINE + " crashkernel=192M", workdir,
              mem="4G", disks=[ctl, img, vmcore])
    try:
        g.start()
        m = g.wait_for(r"^E2E: crashing with PANIC", 300)
        m = g.wait_for(r"Run /init as init process", 120, start=m.end())
        t0 = g.elapsed()
        m = g.wait_for(CK_SAVED, 1200, start=m.end())
        seconds, size = g.elapsed() - t0, int(m.group(1))
        # the capture kernel syncs before it resets: wait for that
        g.wait_for(r"^E2E: boot 2", 120, start=m.end())
    finally:
        g.stop()
    try:
        if "-d" in args:	# mkcapture gave /proc/vmcore's size
            size = flattened_size(vmcore, workdir)
    finally:
        os.unlink(vmcore)
    _filter_runs[key] = (seconds, size / 1e6)
    return _filter_runs[key]


def flattened_size(disk, workdir):
    """The size of the kdump-compressed file makedumpfile -R makes of
    the flattened dump at the start of @disk."""
    out = os.path.join(workdir, "dump.kdump")
    with open(disk, "rb") as f:
        subprocess.run(["makedumpfile", "-R", out], stdin=f, check=True,
                       capture_output=True)
    size = os.path.getsize(out)
    os.unlink(out)
    return size


def filter_seconds(kernel, initrd, workdir):
    return _filter_run(kernel, initrd, workdir, "filter")[0]


def filter_mb(kernel, initrd, workdir):
    return _filter_run(kernel, initrd, workdir, "filter")[1]


def elf_seconds(kernel, initrd, workdir):
    return _filter_run(kernel, initrd, workdir, "elf")[0]


def elf_mb(kernel, initrd, workdir):
    return _filter_run(kernel, initrd, workdir, "elf")[1]


def full_seconds(kernel, initrd, workdir):
    return _filter_run(kernel, initrd, workdir, "full")[0]


def full_mb(kernel, initrd, workdir):
    return _filter_run(kernel, initrd, workdir, "full")[1]


def crash_regions(text):
    """Bytes of the "Crash kernel" regions an E2E: region line lists."""
    return sum(int(b, 16) - int(a, 16) + 1 for a, b in re.findall(
        r"^E2E: region\s+([0-9a-f]+)-([0-9a-f]+) : Crash kernel", text,
        re.M))


def _kdump_mem(kernel, initrd, workdir, arg):
    os.makedirs(workdir, exist_ok=True)
    ctl = os.path.join(workdir, "control.img")
    e2e.make_control_disk(ctl, MEM_GUEST)
    img = kexec_image(kernel, initrd, workdir)
    g = Guest(kernel, initrd, CMDLINE + " crashkernel=" + arg, workdir,
              mem="6G", disks=[ctl, img])
    try:
        g.start()
        m = g.wait_for(r"^E2E: result capture (loaded|not loaded)", 240)
    finally:
        g.stop()
    mib = crash_regions(g.text) / (1 << 20)
    lent = re.search(r"crashkernel: (\d+) MiB at \S+ lent to movable",
                     g.text)
    return mib, "crashkernel=%s: %d MiB reserved, capture kernel %s%s" % (
        arg, mib, m.group(1),
        ", %s MiB lent to movable memory" % lent.group(1) if lent else "")


def kdump_mem_high(kernel, initrd, workdir):
    return _kdump_mem(kernel, initrd, workdir, "256M,high")


def kdump_mem_auto(kernel, initrd, workdir):
    return _kdump_mem(kernel, initrd, workdir, "auto")


def kdump_mem_cma(kernel, initrd, workdir):
    """256 MiB for the capture kernel's tools: upstream (6.12, no ,cma)
    reserves them; ours lends them to the first kernel's movable memory
    with crashkernel=,cma and reserves 64 MiB to boot in."""
    if os.path.basename(workdir).startswith("upstream"):
        return _kdump_mem(kernel, initrd, workdir, "256M,high")
    return _kdump_mem(kernel, initrd, workdir, "64M,high crashkernel=256M,cma")


BENCHES = [
    ("boot", "s", "QEMU start to first userspace line", boot_seconds),
    ("panic", "s", "sysrq-c to the next boot's first line", panic_seconds),
    ("pstore-lines", "lines", "log lines in one 32 KiB ramoops record",
     pstore_lines),
    ("pstore-ms", "ms", "panic message to Rebooting, ramoops on",
     pstore_ms),
    ("efi-pstore-ms", "ms", "panic message to Rebooting, efi-pstore on "
     "(OVMF)", efi_pstore_ms),
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
    ("vmcore-mmap-frac", "ratio", "vmcore mmap() over /dev/zero read()",
     vmcore_mmap_frac),
    ("crashkernel-min", "MiB", "smallest crashkernel= that saves the dump",
     crashkernel_min, 1),
    ("kdump-mem-high", "MiB", "lost to kdump, crashkernel=256M,high, 6 GiB",
     kdump_mem_high, 1),
    ("kdump-mem-auto", "MiB", "lost to kdump, crashkernel=auto, 6 GiB",
     kdump_mem_auto, 1),
    ("kdump-mem-cma", "MiB", "lost to kdump, 256 MiB for the capture "
     "(ours: 64M,high + 256M,cma)", kdump_mem_cma, 1),
    ("filter-s", "s", "save a 4 GiB guest's dump at level 31 (ours: -x)",
     filter_seconds, 1),
    ("filter-mb", "MB", "the dump saved at level 31 (upstream compressed)",
     filter_mb, 1),
    ("elf-s", "s", "the same, upstream's makedumpfile writing ELF (-E)",
     elf_seconds, 1),
    ("elf-mb", "MB", "the dump saved at level 31, ELF both",
     elf_mb, 1),
    ("full-s", "s", "save a 4 GiB guest's whole dump", full_seconds, 1),
    ("full-mb", "MB", "the whole dump saved", full_mb, 1),
]


def main():
    global ARCH, CMDLINE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--initramfs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--arch", choices=tuple(CONSOLE), default=ARCH)
    ap.add_argument("--rounds", type=int,
                    help="rounds of every benchmark (default: %d, or what "
                    "the benchmark says)" % ROUNDS)
    ap.add_argument("names", nargs="*", metavar="BENCH",
                    help="run only these (default: all)")
    args = ap.parse_args()
    ARCH, CMDLINE = args.arch, e2e.BASE_CMDLINE[args.arch]
    have = ARCH_BENCHES.get(ARCH, [b[0] for b in BENCHES])
    unknown = set(args.names) - set(have)
    if unknown:
        ap.error("no %s benchmark %s" % (ARCH, " ".join(sorted(unknown))))
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)

    lines = ["benchmark         unit   ours(median)  upstream(median)  "
             "ours/upstream  what"]
    notes = []
    used = {}
    print(lines[0], flush=True)
    for name, unit, what, fn, *rounds in BENCHES:
        if name not in (args.names or have):
            continue
        rounds = args.rounds or (rounds[0] if rounds else ROUNDS)
        used[name] = rounds
        got = {"ours": [], "upstream": []}
        for r in range(rounds):
            pair = (("ours", args.ours), ("upstream", args.upstream))
            # which kernel goes first alternates (the docstring says why)
            for kind, kernel in pair[::-1] if r % 2 else pair:
                workdir = os.path.join(args.out, name, "%s-%d" % (kind, r))
                value = fn(kernel, args.initramfs, workdir)
                if isinstance(value, tuple):	# (figure, how it was found)
                    value, how = value
                    notes.append("  %s %s-%d: %s" % (name, kind, r, how))
                got[kind].append(value)
        ours = statistics.median(got["ours"])
        up = statistics.median(got["upstream"])
        ratio = "%.2f" % (ours / up) if up else "-"
        lines.append("%-17s %-5s %13.3f  %16.3f  %13s  %s" %
                     (name, unit, ours, up, ratio, what))
        print(lines[-1], flush=True)
    if notes:
        lines += ["", "how the figures were found:"] + notes
        print("\n".join(lines[-len(notes) - 2:]))
    with open(os.path.join(args.out, "bench.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("bench: %s; results in %s"
          % (", ".join("%s %d round(s)" % kv for kv in used.items()),
             os.path.join(args.out, "bench.txt")))


if __name__ == "__main__":
    sys.exit(main())
