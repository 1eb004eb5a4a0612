# SPDX-License-Identifier: GPL-2.0
"""arm64 guests on QEMU's virt machine: the generic core with arm64's own
kexec and copy_oldmem_page(), the dump read on the host with readelf and
gdb-multiarch, crashkernel= and the crash chain's receipt.  Run with
`make e2e-arm64` (e2e.py --arch arm64)."""
import io
import os
import re
import subprocess
import tarfile

from . import CheckFailed, scenario
from .chain import expect_receipt
from .kdump import elf_notes, host, time_capture
from .netconsole import (ALL, LONG, extended, body_with, received, receivers,
                         stop_receivers, target)

ARM64 = "arm64"
PATCHED = ("patched",)
CPUS = r"smp: Brought up 1 node, 2 CPUs"
CAPTURE_APPEND = ("console=ttyAMA0 panic=10 printk.time=1 nr_cpus=1 "
                  "reset_devices")
M = 1 << 20


@scenario("arm64-boot", arch=ARM64, guest="""
boot1() {
	e2e_result cpus=$(grep -c ^processor /proc/cpuinfo)
}
""")
def arm64_boot(run):
    """Boots to userspace with both CPUs of -smp 2 and powers off."""
    run.expect(CPUS)
    run.expect(r"^E2E: result cpus=2$")
    run.expect_in_order(r"E2E: done", r"reboot: Power down")
    run.expect_not(r"Kernel panic|BUG:|Oops")


def image_disk(run):
    """kexec.img: a tar of the kernel (Image) and the initramfs."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        t.add(run.kernel, "Image")
        t.add(run.initrd, "initrd")
    with open(os.path.join(run.workdir, "kexec.img"), "r+b") as f:
        f.write(buf.getvalue())


# The crash's line in the dump's log and on the console
PANIC_LINES = {
    "PANIC": r"Kernel panic - not syncing: dumptest",
    "sysrq": r"Kernel panic - not syncing: sysrq triggered crash",
    "BUG": r"kernel BUG at drivers/misc/lkdtm/bugs\.c",
}


def kdump(name, load, crash, cmdline="crashkernel=128M", gdb=True):
    guest = """
boot1() {
	tar -xf /dev/vdb -C /tmp Image initrd
	%s /tmp/Image --initrd=/tmp/initrd --append="%s" &&
		e2e_result loaded=$(cat /sys/kernel/kexec_crash_loaded)
	e2e_crash %s
}
boot2() {
	e2e_result vmcore=$(stat -c %%s /proc/vmcore)
	dd if=/proc/vmcore of=/dev/vdc bs=1M 2>/dev/null &&
		e2e_result saved
	sync
}
""" % (load, CAPTURE_APPEND, crash)

    def check(run):
        run.expect(r"^E2E: result loaded=1$")
        run.expect_boots(2)
        first, capture = run.boots
        run.expect(PANIC_LINES[crash], first, "the crashed kernel")
        # ours: no watchdog on arm64, so the capture kernel goes first
        if run.kind == "patched":
            run.expect_in_order(
                PANIC_LINES[crash],
                r"crash_chain: no CPU can watch the budgets: handing off to "
                r"the capture kernel first",
                r"crash_chain: receipt so far:",
                r"crash_chain:\s+capture\s+stop-cpus\s+ok",
                r"Starting crashdump kernel", text=first,
                what="the crashed kernel")
        size = int(run.expect(r"^E2E: result vmcore=(\d+)$").group(1))
        if size < 512 * M:
            raise CheckFailed("/proc/vmcore is only %d bytes" % size)
        run.expect(r"^E2E: result saved$")
        read_dump(run, size, gdb)
    check.__doc__ = (
        "`%s` of an arm64 Image, a %s crash with two CPUs: the chain hands "
        "off first (no watchdog on arm64: its receipt says so) to the "
        "capture kernel, whose "
        "/proc/vmcore (read through arm64's copy_oldmem_page()) is saved "
        "to a disk; on the host readelf finds both CPUs' NT_PRSTATUS and "
        "VMCOREINFO%s." % (load, crash, ", and gdb-multiarch reads the "
                           "kernel's release from it with the vmlinux"
                           if gdb else ""))
    return scenario(name, guest, arch=ARM64, cmdline=cmdline, timeout=400,
                    disks=(("kexec.img", 64), ("vmcore.img", 1100)),
                    setup=image_disk, during=time_capture)(check)


def read_dump(run, size, gdb=True):
    vmcore = os.path.join(run.workdir, "vmcore.img")
    os.truncate(vmcore, size)
    notes = host(run, ["readelf", "-n", "-W", vmcore], "readelf")
    if notes.count("NT_PRSTATUS") != 2 or "VMCOREINFO" not in notes:
        raise CheckFailed("readelf: %d NT_PRSTATUS notes, VMCOREINFO %s"
                          % (notes.count("NT_PRSTATUS"),
                             "present" if "VMCOREINFO" in notes else
                             "missing"))
    with open(vmcore, "rb") as f:
        hdr = f.read(1 << 16)
    info = {}
    for name, _, desc in elf_notes(hdr):
        if name == "VMCOREINFO":
            info = dict(line.split("=", 1) for line in
                        desc.decode("latin-1").splitlines() if "=" in line)
    release = run.expect(r"Linux version (\S+)").group(1)
    if info.get("OSRELEASE") != release:
        raise CheckFailed("VMCOREINFO's OSRELEASE is %r, not %s"
                          % (info.get("OSRELEASE"), release))
    if not gdb:
        os.unlink(vmcore)
        return
    offset = info.get("KERNELOFFSET", "0")
    vmlinux = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(run.kernel)))), "vmlinux")
    out = host(run, ["gdb-multiarch", "-batch", "-nx",
                     "-ex", "symbol-file -o 0x%s %s" % (offset, vmlinux),
                     "-ex", "core-file %s" % vmcore,
                     "-ex", "p init_uts_ns.name.release"], "gdb")
    if '"%s"' % release not in out:
        raise CheckFailed("gdb-multiarch read %r, not the release %s"
                          % (out.strip()[-200:], release))
    # 1 GiB per run; kept when a check fails
    os.unlink(vmcore)


kdump("arm64-kdump", "kexec -p -s", "PANIC")
kdump("arm64-kdump-sysrq", "kexec -p -s", "sysrq")
kdump("arm64-kdump-bug", "kexec -p -s", "BUG",
      cmdline="crashkernel=128M oops=panic")
# kexec-tools' ELF header gives the kernel's text no virtual address on
# arm64 6.12 (upstream's the same): notes and vmcoreinfo only
kdump("arm64-kdump-legacy", "kexec -p", "PANIC", gdb=False)


@scenario("arm64-crashkernel-auto", arch=ARM64, cmdline="crashkernel=auto",
          kernels=PATCHED,
          guest="""
boot1() {
	e2e_result region=$(grep -c "Crash kernel" /proc/iomem)
}
""")
def arm64_crashkernel_auto(run):
    """crashkernel=auto sizes the region from RAM (64 MiB plus 4 MiB per
    GiB: 68 MiB for 1 GiB), arm64's reserve_crashkernel_generic() places
    it, and it is in /proc/iomem."""
    m = run.expect(r"crashkernel=auto: (\d+) MiB for (\d+) MiB of RAM")
    want = 64 + int(m.group(2)) / 256
    if int(m.group(1)) != -(-want // 2) * 2:  # rounded up to 2 MiB
        raise CheckFailed("crashkernel=auto gave %s MiB for %s MiB"
                          % m.groups())
    run.expect(r"crashkernel: reserved %s MiB at 0x[0-9a-f]+" % m.group(1))
    run.expect(r"^E2E: result region=1$")


@scenario("arm64-crashkernel-bad", arch=ARM64, kernels=PATCHED,
          cmdline="crashkernel=64Mfoo", guest="""
boot1() {
	e2e_result region=$(grep -c "Crash kernel" /proc/iomem)
}
""")
def arm64_crashkernel_bad(run):
    """A malformed crashkernel= is refused with a line that names it, and
    nothing is reserved; boot goes on."""
    run.expect(r'crashkernel: "crashkernel=64Mfoo": .*; nothing reserved')
    run.expect(r"^E2E: result region=0$")
    run.expect_not(r"Kernel panic|BUG:|Oops")


@scenario("arm64-crashkernel-cma", arch=ARM64, kernels=PATCHED,
          cmdline="crashkernel=64M crashkernel=256M,cma", guest="""
boot1() {
	e2e_result region=$(grep -c "Crash kernel" /proc/iomem)
}
""")
def arm64_crashkernel_cma(run):
    """crashkernel=,cma needs x86-64's loader (CRASH_MOVABLE): on arm64
    it is named in a warning and ignored, and the main region is still
    reserved."""
    run.expect(r'crashkernel: "crashkernel=256M,cma": this kernel cannot '
               r'lend memory to a capture kernel \(CONFIG_CRASH_MOVABLE\); '
               r'ignored$')
    run.expect(r"^E2E: result region=1$")
    run.expect_not(r"lent to movable|Kernel panic|BUG:|Oops")


# ramoops in memory reserve_mem= sets aside, found by name (both 6.12)
RAMOOPS = ("reserve_mem=1M:4K:oops ramoops.mem_name=oops "
           "ramoops.record_size=0x10000 ramoops.console_size=0x10000 "
           "ramoops.pmsg_size=0x10000")
MOUNT = "mkdir -p /sys/fs/pstore; mount -t pstore pstore /sys/fs/pstore"


@scenario("arm64-ramoops", arch=ARM64, cmdline="panic=1 " + RAMOOPS,
          guest="""
boot1() {
	echo "pmsg line written before the crash" > /dev/pmsg0
	e2e_crash PANIC
}
boot2() {
	%s
	ls /sys/fs/pstore | sed 's/^/E2E: file /'
	grep -c "Kernel panic - not syncing: dumptest" \\
		/sys/fs/pstore/dmesg-ramoops-0 | sed 's/^/E2E: result panic in record /'
	grep -c "pmsg line written before the crash" \\
		/sys/fs/pstore/pmsg-ramoops-0 | sed 's/^/E2E: result pmsg kept /'
}
""" % MOUNT)
def arm64_ramoops(run):
    """ramoops in a reserve_mem= region named by ramoops.mem_name=: a
    panic with two CPUs is written by the chain's persist stage (its
    receipt says pstore:ramoops ok, and that arm64 has no watchdog), the
    machine resets, and the next boot's /sys/fs/pstore
    has the panic's dmesg record and the pmsg line."""
    run.expect_boots(2)
    if run.kind == "patched":
        run.expect(r"ramoops: using 0x100000@0x[0-9a-f]+: \d+ crash records")
        run.expect(r"crash_chain: panic run: .*; no watchdog", run.boots[0],
                   "the crashed kernel's receipt")
        run.expect(r"crash_chain:\s+persist\s+pstore:ramoops\s+ok",
                   run.boots[0], "the crashed kernel's receipt")
    run.expect(r"^E2E: file dmesg-ramoops-0$")
    run.expect(r"^E2E: result panic in record [1-9]\d*$")
    run.expect(r"^E2E: result pmsg kept 1$")


@scenario("arm64-netconsole", arch=ARM64, net=True, timeout=180,
          setup=receivers(("plain", "ext"), ALL + "panic=1 netconsole=%s;%s"
                          % (target("", 6665, "plain"),
                             target("+r", 6666, "ext"))),
          teardown=stop_receivers, guest="""
boot1() {
	echo "%s" > /dev/kmsg
	e2e_crash PANIC
}
boot2() { :; }
""" % LONG)
def arm64_netconsole(run):
    """netconsole= with a plain and an extended target over QEMU's user
    network from an arm64 guest: both get the boot log and the panic,
    the extended one every sequence number and a message longer than a
    datagram put back together, and the chain's stream stage ran."""
    plain = b"".join(received(run, "plain")).decode(errors="replace")
    for what in (LONG, "Kernel panic - not syncing: dumptest",
                 "Linux version "):
        if what not in plain:
            raise CheckFailed("plain target: no %r" % what[:40])
    msgs = extended(run, "ext")
    if body_with(msgs, LONG) != [LONG + "\n"]:
        raise CheckFailed("extended target: the long message is not whole")
    if not body_with(msgs, "Kernel panic - not syncing: dumptest"):
        raise CheckFailed("extended target: no panic message")
    if run.kind == "patched":
        expect_receipt(run, run.boots[0], [("netconsole", "stream", "ok")])


# A "ramoops" node in the device tree's reserved memory, as boards
# describe it, with upstream's properties; "flags" asks for per-CPU ftrace
# records, which this kernel does not keep.
DT_RAMOOPS = """
/ {
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		ramoops@7f000000 {
			compatible = "ramoops";
			reg = <0x0 0x7f000000 0x0 0x100000>;
			record-size = <0x10000>;
			console-size = <0x10000>;
			pmsg-size = <0x10000>;
			flags = <0x1>;
		};
	};
};
"""


def ramoops_dtb(run):
    """The virt machine's own device tree (QEMU's dumpdtb, same memory and
    CPUs as the scenario) with DT_RAMOOPS added, given to QEMU with -dtb."""
    dtb = os.path.join(run.workdir, "virt.dtb")
    subprocess.run(["qemu-system-aarch64", "-M", "virt,dumpdtb=" + dtb,
                    "-cpu", "cortex-a57", "-m", "1G", "-smp", "2",
                    "-display", "none"], check=True, capture_output=True)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb],
                         check=True, capture_output=True, text=True).stdout
    out = os.path.join(run.workdir, "ramoops.dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, "-"],
                   input=dts + DT_RAMOOPS, check=True, capture_output=True,
                   text=True)
    run.data["qemu_args"] = ["-dtb", out]


@scenario("arm64-ramoops-dt", arch=ARM64, cmdline="panic=1",
          setup=ramoops_dtb, guest="""
boot1() {
	echo "pmsg line written before the crash" > /dev/pmsg0
	e2e_crash PANIC
}
boot2() {
	%s
	ls /sys/fs/pstore | sed 's/^/E2E: file /'
	grep -c "Kernel panic - not syncing: dumptest" \\
		/sys/fs/pstore/dmesg-ramoops-0 | sed 's/^/E2E: result panic in record /'
}
""" % MOUNT)
def arm64_ramoops_dt(run):
    """ramoops from a "ramoops" node in the device tree's reserved memory
    (upstream's binding): its sizes are used, the panic's record is there
    after the reset, and (ours) the node's "flags", which ask for an
    ftrace zone per CPU, are followed, without a warning."""
    run.expect_boots(2)
    if run.kind == "patched":
        run.expect_not(r"ramoops: flags", run.boots[0], "the first boot")
        run.expect(r"ramoops: using 0x100000@0x7f000000: \d+ crash records "
                   r"of 0x[0-9a-f]+ bytes", run.boots[0], "the first boot")
    run.expect(r"^E2E: file dmesg-ramoops-0$")
    run.expect(r"^E2E: result panic in record [1-9]\d*$")
