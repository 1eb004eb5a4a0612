#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The demo: crash a QEMU guest once with every crash target this project
has configured, then report what each target captured.

    demo.py --kernel bzImage --initramfs e2e.cpio.gz --out DIR

The guest boots with each target's command line and devices, crashes
with LKDTM PANIC, enters its capture kernel, which saves the dump and
reboots, collects on its next boot what the targets left in it, and
powers off.  The report (also in
DIR/report.txt) has one block per target: captured or not, where the
artifact is, its size, and the crash line it holds.
"""
import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e  # noqa: E402
import receiver  # noqa: E402
from qemu import Guest, GuestError  # noqa: E402

CRASH = "PANIC"
CRASH_LINE = r"Kernel panic - not syncing: dumptest"
HERE = os.path.dirname(os.path.abspath(__file__))
MKCAPTURE = os.path.join(HERE, "..", "..", "..", "crash", "mkcapture")


class Target:
    """A crash target: its kernel parameters, what the guest does before
    the crash (prepare) and on the next boot (collect), and its report."""
    name = ""
    cmdline = ""
    prepare = ""
    collect = ""
    net = False

    def start(self, outdir, kernel):
        """Before the guest boots: the disks it needs, in order."""
        return []

    def report(self, outdir, log, outputs):
        """(captured, artifact path, the crash line it holds)"""
        raise NotImplementedError


class SerialConsole(Target):
    """The first boot's serial console, as the host saw it."""
    name = "serial console"

    def report(self, outdir, log, outputs):
        first = re.split(r"(?m)^(?=.*Linux version )", log)
        first = [p for p in first if "Linux version " in p]
        path = os.path.join(outdir, "console-crash.log")
        text = first[0] if first else ""
        with open(path, "w") as f:
            f.write(text)
        m = re.search(r"^.*%s.*$" % CRASH_LINE, text, re.M)
        return bool(m), path, m.group(0).strip() if m else None


class Ramoops(Target):
    """pstore on ramoops: the crash record, the console tail, pmsg."""
    name = "pstore/ramoops"
    cmdline = ("memmap=1M$0x30000000 ramoops.mem_address=0x30000000 "
               "ramoops.mem_size=0x100000 ramoops.record_size=0x10000 "
               "ramoops.console_size=0x10000 ramoops.pmsg_size=0x10000")
    prepare = 'echo "demo: pmsg line from before the crash" > /dev/pmsg0'
    collect = ("mkdir -p /sys/fs/pstore; "
               "mount -t pstore pstore /sys/fs/pstore; "
               "cp /sys/fs/pstore/*-ramoops-* . 2>/dev/null")

    def report(self, outdir, log, outputs):
        path = os.path.join(outdir, "dmesg-ramoops-0")
        text = outputs.get("dmesg-ramoops-0", b"").decode(errors="replace")
        m = re.search(r"^.*%s.*$" % CRASH_LINE, text, re.M)
        extra = ", ".join("%s %d bytes" % (n, len(outputs[n]))
                          for n in sorted(outputs)
                          if n.startswith(("console-", "pmsg-")))
        line = m.group(0).strip() if m else None
        if line and extra:
            line += "  (also: %s)" % extra
        return bool(m), path if text else None, line


class Mtdoops(Target):
    """mtdoops on a map_ram device over reserved RAM (a panic write)."""
    name = "mtdoops"
    cmdline = ("memmap=64K$0x31000000 mtdoops.mtddev=0 "
               "mtdoops.record_size=16384")
    prepare = ("insmod /lib/modules/mtdoops_ramdev.ko start=0x31000000 "
               "size=0x10000")
    collect = (prepare + "; for f in /sys/fs/pstore/dmesg-mtdoops-*; do "
               "cp $f . 2>/dev/null; done")

    def report(self, outdir, log, outputs):
        names = sorted(n for n in outputs if n.startswith("dmesg-mtdoops-"))
        for name in names:
            text = outputs[name].decode(errors="replace")
            m = re.search(r"^.*%s.*$" % CRASH_LINE, text, re.M)
            if m:
                return True, os.path.join(outdir, name), m.group(0).strip()
        return False, None, None


class Netconsole(Target):
    """netconsole, extended, to a UDP socket on the host."""
    name = "netconsole"
    net = True

    def start(self, outdir, kernel):
        self.rx = receiver.UdpReceiver()
        self.cmdline = ("netconsole=+6666@10.0.2.15/eth0,%d@10.0.2.2/"
                        % self.rx.port)
        return []

    def report(self, outdir, log, outputs):
        datagrams = self.rx.stop()
        path = os.path.join(outdir, "netconsole.udp")
        with open(path, "wb") as f:
            f.write(b"".join(datagrams))
        for head, body in receiver.reassemble(datagrams):
            if re.match(CRASH_LINE.encode(), body):
                line = body.decode(errors="replace").strip()
                return True, path, "%s  (%d datagrams)" % (line,
                                                          len(datagrams))
        return False, path, None


class Kdump(Target):
    """kdump: this kernel as its own capture kernel, with an initramfs
    from tools/crash/mkcapture that saves /proc/vmcore to a disk (vdc),
    filtered at dump level 31 by the capture kernel (-x 31)."""
    name = "kdump"
    cmdline = "crashkernel=128M"
    prepare = ("tar -xf /dev/vdb -C /tmp bzImage capture && "
               "kexec -p -s /tmp/bzImage --initrd=/tmp/capture "
               "--append='console=ttyS0 panic=10 maxcpus=1 reset_devices'")

    def start(self, outdir, kernel):
        capture = os.path.join(outdir, "capture.img")
        subprocess.run([MKCAPTURE, "-o", capture, "-t", "dev:/dev/vdc",
                        "-x", "31"], check=True, capture_output=True)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as t:
            t.add(kernel, "bzImage")
            t.add(capture, "capture")
        kexec = os.path.join(outdir, "kexec.img")
        self.vmcore = os.path.join(outdir, "vmcore")
        with open(kexec, "wb") as f:
            f.write(buf.getvalue())
            f.truncate(64 << 20)
        with open(self.vmcore, "wb") as f:
            f.truncate(1100 << 20)
        return [kexec, self.vmcore]

    def report(self, outdir, log, outputs):
        m = re.search(r"mkcapture: saved /proc/vmcore \((\d+) bytes\)", log)
        if not m:
            return False, None, None
        dmesg = os.path.join(outdir, "vmcore-dmesg.txt")
        subprocess.run(["makedumpfile", "--dump-dmesg", self.vmcore, dmesg],
                       capture_output=True)
        notes = subprocess.run(["readelf", "-n", self.vmcore],
                               capture_output=True, text=True).stdout
        text = ""
        if os.path.exists(dmesg):
            with open(dmesg, errors="replace") as f:
                text = f.read()
        line = re.search(r"^.*%s.*$" % CRASH_LINE, text, re.M)
        if not line:
            return False, self.vmcore, None
        before = text[:line.start()].splitlines()[-4:]
        self.log_tail = (dmesg, before + [line.group(0)])
        whole = re.search(r"mkcapture: filtered at 31: \d+ of (\d+) bytes",
                          log)
        return True, self.vmcore, (
            "%s  (in the dump's log; %s bytes saved, %s, %d CPU notes)"
            % (line.group(0).strip(), m.group(1),
               "filtered at 31 from %s" % whole.group(1) if whole else
               "not filtered", notes.count("NT_PRSTATUS")))


TARGETS = [SerialConsole(), Ramoops(), Mtdoops(), Netconsole(), Kdump()]


def panic_receipt(log):
    """The crash chain's receipt of the first panic run, as printed: its
    summary and lines, or when the run jumped to a capture kernel, the
    lines it printed before the persist and hand-off stages."""
    first = re.split(r"(?m)^(?=.*Linux version )", log)
    first = [p for p in first if "Linux version " in p][:1]
    text = first[0] if first else ""
    m = re.search(r"^.*crash_chain: (panic run: .*)$", text, re.M)
    heads = list(re.finditer(r"^.*crash_chain: (receipt so far:)$",
                             text[:m.start()] if m else text, re.M))
    if not m and not heads:
        return []
    lines = [m.group(1) if m else "(the run jumped to the capture kernel; "
             "the lines printed before that)"]
    for head in heads + ([m] if m else []):
        for line in text[head.end() + 1:].splitlines():
            r = re.match(r"^.*crash_chain:   (.*)$", line)
            if not r:
                break
            lines.append(r.group(1))
    return lines


def guest_script(targets):
    collect = "\n".join("\t" + t.collect for t in targets if t.collect)
    prepare = "\n".join("\t" + t.prepare for t in targets if t.prepare)
    return """
boot1() {
%s
	e2e_crash %s
}
boot2() {
	mkdir -p /tmp/demo && cd /tmp/demo
%s
	[ -n "$(ls)" ] && e2e_output *
	cd /
}
""" % (prepare or "\t:", CRASH, collect or "\t:")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--vmlinux")
    ap.add_argument("--initramfs", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    ctl = os.path.join(args.out, "control.img")
    e2e.make_control_disk(ctl, guest_script(TARGETS))
    disks = [ctl]
    for t in TARGETS:
        disks += t.start(args.out, args.kernel)
    cmdline = " ".join(filter(None, [e2e.BASE_CMDLINE["x86_64"], "panic=1"] +
                              [t.cmdline for t in TARGETS]))
    initrd = e2e.initrd_with_modules(args.initramfs,
                                     os.path.dirname(args.vmlinux),
                                     args.out) if args.vmlinux \
        else args.initramfs
    guest = Guest(args.kernel, initrd, cmdline, args.out, disks=disks,
                  net=any(t.net for t in TARGETS))
    print("demo: booting %s, crashing it with LKDTM %s" % (args.kernel,
                                                          CRASH))
    try:
        guest.start()
        guest.wait_for(r"^E2E: done", 180)
        guest.wait_exit(30)
    except GuestError as e:
        print("demo: the guest failed: %s (log: %s)" % (e, guest.log_path))
        return 1
    finally:
        guest.stop()
    _, outputs = e2e.read_control_disk(ctl)
    for name, data in outputs.items():
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)

    lines = ["demo report: one crash (LKDTM %s), %d target(s)"
             % (CRASH, len(TARGETS))]
    captured = 0
    for t in TARGETS:
        ok, path, crash_line = t.report(args.out, guest.text, outputs)
        captured += ok
        size = os.path.getsize(path) if path and os.path.exists(path) else 0
        lines += ["",
                  "%-16s %s" % (t.name, "captured" if ok else "NOT captured"),
                  "  artifact       %s (%d bytes)" % (path, size),
                  "  crash line     %s" % (crash_line or "-")]
    lines += ["", "%d of %d targets captured the crash" % (captured,
                                                           len(TARGETS))]
    lines += ["", "crash chain receipt of the panic run:"]
    lines += ["  " + r for r in panic_receipt(guest.text)] or ["  (none)"]
    for t in TARGETS:
        path, tail = getattr(t, "log_tail", (None, []))
        if tail:
            lines += ["", "the crashed kernel's log, read back from the "
                      "saved vmcore by", "makedumpfile --dump-dmesg into "
                      "%s, up to the crash:" % path]
            lines += ["  " + ln for ln in tail]
    report = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "report.txt"), "w") as f:
        f.write(report)
    print(report, end="")
    return 0 if captured == len(TARGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
