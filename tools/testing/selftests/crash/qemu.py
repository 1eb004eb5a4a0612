# SPDX-License-Identifier: GPL-2.0
"""One QEMU guest: start it, follow its serial console, talk to its monitor,
stop it.

QEMU runs under TCG (KVM does not work on the machines this is made for),
with the serial console on QEMU's stdout and the monitor on a UNIX socket.
A guest reset keeps the same QEMU process and so the guest's RAM, which the
persistent-RAM scenarios rely on.
"""
import os
import re
import selectors
import shutil
import socket
import subprocess
import time


class GuestError(Exception):
    """The guest did not do what the scenario waited for."""


# A userspace line's start, then a whole kernel console line (printk.time=1)
# that the serial port sent before the rest of the userspace line
KMSG_MID_LINE = re.compile(r"(?m)^([^\[\n][^\n]*?)(\[\s*\d+\.\d{6}\] [^\n]*\n)")


def unmix(text):
    """Move kernel console lines that the serial port interleaved into the
    middle of a userspace line out of it, before it, so that the userspace
    line is whole again.  The kernel writes its lines whole; a userspace
    line is drained in FIFO-sized pieces and may be cut anywhere."""
    while True:
        text, n = KMSG_MID_LINE.subn(r"\2\1", text)
        if not n:
            return text


# The machine of each architecture: a PC whose CPU model advertises
# machine checks and their banks (the kernel's #MC handler runs, QEMU's
# `mce` command injects), and arm64's virt board (its PL011 is the serial
# port, PCIe carries the virtio disks and NIC)
MACHINE = {
    "x86_64": ["qemu-system-x86_64", "-cpu", "qemu64,+mce,+mca"],
    "arm64": ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57"],
}


# UEFI firmware (Debian's ovmf) for the guests that need it
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def uefi_args(workdir):
    """QEMU arguments that boot the guest through OVMF (the kernel's EFI
    stub, still from -kernel), with a variable store of its own in
    @workdir: written by the guest, kept across its resets."""
    store = os.path.join(workdir, "OVMF_VARS.fd")
    if not os.path.exists(store):
        shutil.copyfile(OVMF_VARS, store)
    return ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" +
            OVMF_CODE,
            "-drive", "if=pflash,format=raw,unit=1,file=" + store]


def erst_args(workdir, size=0x10000):
    """QEMU arguments for an APEI ERST device (acpi-erst, QEMU 7.1) whose
    store is a file in @workdir, kept across the guest's resets."""
    store = os.path.join(workdir, "erst.img")
    return ["-object", "memory-backend-file,id=erst,mem-path=%s,size=%d,"
            "share=on" % (store, size),
            "-device", "acpi-erst,memdev=erst"]


class Guest:
    def __init__(self, kernel, initrd, cmdline, workdir, mem="1G", smp=2,
                 disks=(), net=False, extra_args=(), log_name="serial.log",
                 arch="x86_64", slow=1):
        self.workdir = workdir
        # Every wait is @slow times longer: a KASAN and lockdep kernel
        # under TCG runs some boots (ACPI's interpreter) many times slower
        self.slow = slow
        os.makedirs(workdir, exist_ok=True)
        self.log_path = os.path.join(workdir, log_name)
        self.monitor_path = os.path.join(workdir, "monitor.sock")
        self.args = MACHINE[arch] + [
            "-accel", "tcg", "-nodefaults",
            "-no-user-config", "-display", "none", "-m", str(mem),
            "-smp", str(smp), "-serial", "stdio",
            "-monitor", "unix:%s,server,nowait" % self.monitor_path,
            "-kernel", kernel, "-initrd", initrd, "-append", cmdline,
        ]
        for i, disk in enumerate(disks):
            self.args += ["-drive", "file=%s,format=raw,if=virtio,"
                          "cache=unsafe,index=%d" % (disk, i)]
        if net:
            # net may also be extra virtio-net-pci properties
            nic = "virtio-net-pci,netdev=n0"
            if isinstance(net, str):
                nic += "," + net
            self.args += ["-netdev", "user,id=n0", "-device", nic]
        self.args += list(extra_args)
        self.proc = None
        self.text = ""
        self._pending = b""
        self.started = None

    def start(self):
        if os.path.exists(self.monitor_path):
            os.unlink(self.monitor_path)
        self._log = open(self.log_path, "wb")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        return self

    def elapsed(self):
        return time.monotonic() - self.started

    def _read(self, timeout):
        """Read what the guest printed within @timeout seconds.
        False once QEMU has closed its output (it exited)."""
        if not self._sel.get_map():
            return False
        if not self._sel.select(timeout):
            return True
        data = self.proc.stdout.read()
        if not data:
            self._sel.unregister(self.proc.stdout)
            self.text += self._pending.decode("utf-8", "replace")
            self._pending = b""
            return False
        self._log.write(data)
        self._log.flush()
        self._feed(data)
        return True

    def _feed(self, data):
        """Add what the guest printed to self.text, a line at a time."""
        data = (self._pending + data).replace(b"\r", b"")
        cut = data.rfind(b"\n") + 1
        # a userspace line's start moved past a kernel line waits for its end
        text = unmix(data[:cut].decode("utf-8", "replace"))
        whole = text.rfind("\n") + 1
        self.text += text[:whole]
        self._pending = text[whole:].encode() + data[cut:]

    def wait_for(self, pattern, timeout, start=0):
        """Wait until the console (from offset @start) matches @pattern,
        which matches within a line.  Returns the match; raises GuestError
        on timeout or exit."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout * self.slow
        while True:
            m = regex.search(self.text, start)
            if m:
                return m
            # The text ends with a whole line: a line's match is in the
            # lines still to come, so do not scan a flooded console again.
            start = max(start, len(self.text))
            left = deadline - time.monotonic()
            if left <= 0:
                raise GuestError("timed out after %ds waiting for /%s/"
                                 % (timeout * self.slow, pattern))
            if not self._read(min(left, 0.5)):
                m = regex.search(self.text, start)
                if m:
                    return m
                raise GuestError("QEMU exited (status %s) while waiting for "
                                 "/%s/" % (self.proc.wait(), pattern))

    def wait_exit(self, timeout):
        """Wait for QEMU to exit by itself; its exit status, or None."""
        deadline = time.monotonic() + timeout * self.slow
        while time.monotonic() < deadline and self._read(0.2):
            pass
        try:
            return self.proc.wait(max(0.0, deadline - time.monotonic()) + 1)
        except subprocess.TimeoutExpired:
            return None

    def monitor(self, command, timeout=10):
        """Run a QEMU monitor command; its output."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.monitor_path)
        out = b""
        try:
            while not out.endswith(b"(qemu) "):
                out += s.recv(4096)
            s.sendall(command.encode() + b"\n")
            out = b""
            while not out.endswith(b"(qemu) "):
                chunk = s.recv(4096)
                if not chunk:
                    break
                out += chunk
        finally:
            s.close()
        text = out.decode("utf-8", "replace").replace("\r", "")
        return text.split("\n", 1)[-1].rsplit("(qemu) ", 1)[0]

    def stop(self):
        """Kill QEMU if it still runs."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc:
            while self._read(0.1):
                pass
            self._log.close()
