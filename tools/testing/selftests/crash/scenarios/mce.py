# SPDX-License-Identifier: GPL-2.0
"""Machine checks: QEMU's monitor injects a fatal one ("mce CPU BANK
STATUS MCG_STATUS ADDR MISC"), the kernel's #MC handler panics, and the
crash chain carries the bank records to the log and to the dump."""
import os
import re
import subprocess

from . import CheckFailed, scenario
from .chain import expect_receipt
from .kdump import (CAPTURE_APPEND, PANIC_LINES, REPO, capture_disk,
                    check_capture, dump_bytes, host, time_capture)
from .netconsole import (ALL, body_with, extended, received, receivers,
                         stop_receivers, target)
from .pstore import MOUNT, RAMOOPS, SAVE, text

MCE_DECODE = os.path.join(REPO, "tools", "crash", "mce-decode")

# VAL UC EN MISCV ADDRV PCC, MCACOD 0x134 (a data read error in memory)
STATUS = 0xbe00000000000134
MCGSTATUS = 0x6			# MCIP EIPV: the context is lost
MISC = 0x86			# address LSB 6: within a cache line
BANK = 1

TARGET = r"^E2E: mce-target ([0-9a-f]+)$"
# A page of the kernel's text: never all zeroes in a dump
TARGET_OFFSET = 0x3000 + 0x40

# The kernel's last boot messages (the TSC's calibration, the mouse) come
# about 2 s after boot: a machine check that interrupts netconsole while
# it sends one finds its lock held and sends nothing, by design.  Inject
# after them.
WAIT_FOR_IT = """
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 3 ]; do sleep 0.2; done
	code=$(grep " : Kernel code" /proc/iomem | sed 's/^ *//; s/-.*//')
	echo "E2E: mce-target $code"
	sleep 120
	e2e_result no-machine-check
"""


def inject(cpus=(0,)):
    """A `during` hook: wait for the guest's target line, then have QEMU
    raise the machine check at that page on each of @cpus in turn, the
    next CPU's a page further."""
    def during(run, guest):
        m = guest.wait_for(TARGET, 60)
        addr = int(m.group(1), 16) + TARGET_OFFSET
        run.data["mce_addr"] = addr
        run.data["mce_addrs"] = {cpu: addr + i * 0x1000
                                 for i, cpu in enumerate(cpus)}
        for i, cpu in enumerate(cpus):
            out = guest.monitor("mce %d %d 0x%x 0x%x 0x%x 0x%x" % (
                cpu, BANK, STATUS, MCGSTATUS, addr + i * 0x1000, MISC))
            if out.strip():
                raise CheckFailed("QEMU's mce command: %r" % out.strip())
    return during


def our_line(cpu, status, addr):
    return (r"crash: mce: cpu %d bank %d status 0x%016x addr 0x%016x "
            % (cpu, BANK, status, addr))


@scenario("mce-panic", timeout=180, net=True, during=inject(),
          setup=receivers(("plain", "ext"), "panic=1 " + RAMOOPS + " " + ALL +
                          "netconsole=%s;%s" % (target("", 6665, "plain"),
                                                target("+", 6666, "ext"))),
          teardown=stop_receivers,
          guest="boot1() {%s}\nboot2() { %s; %s; }\n" % (WAIT_FOR_IT, MOUNT,
                                                         SAVE))
def mce_panic(run):
    """A fatal machine check injected on CPU 0 with a memory address: the
    kernel's handler panics; the panic run says it is a machine check's
    and logs the record (bank, status, address) in the crash chain's line
    form, decoded, before anything else of the run.  The line reaches
    netconsole (plain and extended) and, after the reset, the dmesg record
    and a record of its own, mce-ramoops-N."""
    addr = run.data["mce_addr"]
    first = run.boots[0]
    run.expect(r"Kernel panic - not syncing: .*[Mm]achine check", first)
    run.expect_not(r"E2E: result no-machine-check")
    if run.kind != "patched":
        run.expect(r"\[Hardware Error\]: .*Bank %d: %x" % (BANK, STATUS), first)
        return
    want = our_line(0, STATUS, addr)
    line = run.expect(want + r".*$", first).group(0)
    for bit in ("UC", "EN", "MISCV", "ADDRV", "PCC"):
        if " %s" % bit not in line:
            raise CheckFailed("%s not decoded in %r" % (bit, line))
    run.expect(r"crash_chain: panic run \(machine check\): ", first)
    expect_receipt(run, first, [("mce", "capture", "ok"),
                                ("stop-cpus", "capture", "ok"),
                                ("pstore-mce:ramoops", "capture", "ok"),
                                ("pstore:ramoops", "persist", "ok")])
    record = line.split("crash: mce: ", 1)[1].strip()

    mce = [n for n in run.outputs if n.startswith("mce-ramoops-")]
    if len(mce) != 1:
        raise CheckFailed("pstore: machine-check records %s (files: %s)"
                          % (mce, " ".join(sorted(run.outputs))))
    if text(run, mce[0]).splitlines() != [record]:
        raise CheckFailed("%s: %r, expected the one line %r"
                          % (mce[0], text(run, mce[0])[:300], record))
    dmesg = [n for n in run.outputs if n.startswith("dmesg-ramoops-")]
    if not dmesg or record not in text(run, dmesg[0]):
        raise CheckFailed("pstore: no dmesg record with the machine check's "
                          "line (files: %s)" % " ".join(sorted(run.outputs)))

    plain = b"".join(received(run, "plain")).decode(errors="replace")
    if record not in plain:
        raise CheckFailed("plain netconsole target: no %r" % record[:60])
    if not any(record in b for b in body_with(extended(run, "ext"),
                                              "crash: mce: ")):
        raise CheckFailed("extended netconsole target: no %r" % record[:60])


def intel_cpu(run):
    """On an AMD CPU (QEMU's qemu64) every machine check is local, so the
    first CPU panics alone; on Intel's a machine check without LMCES is
    broadcast, and the CPUs meet in the handler (mce_start()) before one
    of them panics for all."""
    run.data["qemu_args"] = ["-cpu", "qemu64,vendor=GenuineIntel,+mce,+mca"]


@scenario("mce-broadcast", cmdline="", timeout=120, during=inject((1, 0)),
          setup=intel_cpu,
          guest="boot1() {%s}\nboot2() {\n\t:\n}\n" % WAIT_FOR_IT)
def mce_broadcast(run):
    """A machine check on both CPUs at once, as a broadcast one reaches
    every CPU of an Intel machine (QEMU's `mce -b` gives the others a
    record without EN, which the kernel ignores, so each CPU gets its own
    injection, CPU 1 first): the CPUs meet in the handler, one of them
    panics, and the one panic run has both CPUs' records."""
    first = run.boots[0]
    addrs = run.data["mce_addrs"]
    run.expect(r"Kernel panic - not syncing: Fatal machine check", first)
    if run.kind != "patched":
        run.expect(r"\[Hardware Error\]: CPU 1: Machine Check Exception", first)
        return
    run.expect(our_line(0, STATUS, addrs[0]), first)
    run.expect(our_line(1, STATUS, addrs[1]), first)
    runs = re.findall(r"crash_chain: (\w+) run", first)
    if runs != ["panic"]:
        raise CheckFailed("runs: %s" % runs)


def zeroes_at(vmcore, paddr, size=4096):
    """Whether the dump holds @size bytes of zeroes at physical @paddr
    (None: no PT_LOAD has it)."""
    data = dump_bytes(vmcore, paddr, size)
    return None if data is None else data == bytes(size)


@scenario("mce-kdump", cmdline="crashkernel=128M", timeout=300,
          during=inject(), disks=(("kexec.img", 64), ("vmcore.img", 1100)),
          setup=capture_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage capture
	kexec -p -s /tmp/bzImage --initrd=/tmp/capture --append="%s" || exit
%s}
boot2() {
	:
}
""" % (CAPTURE_APPEND, WAIT_FOR_IT))
def mce_kdump(run):
    """A fatal machine check with `kexec -p -s` loaded: the capture kernel
    boots and saves the dump; readelf -n lists the CRASH-MCE note,
    tools/crash/mce-decode prints the injected status and address from
    it, makedumpfile and gdb read the dump, and the page of the address
    reads as zeroes from /proc/vmcore (the page after it does not), which
    the capture kernel says in its log and in a note."""
    addr = run.data["mce_addr"]
    page = addr & ~0xfff
    dmesg = check_capture(run, r"[Mm]achine check", task=False)
    vmcore = os.path.join(run.workdir, "vmcore.img")
    if run.kind != "patched":
        return
    # the hand-off came before the consoles: the dump's log has the line
    run.expect(our_line(0, STATUS, addr), dmesg, "makedumpfile --dump-dmesg")
    notes = host(run, ["readelf", "-n", "-W", vmcore], "readelf")
    if "CRASH-MCE" not in notes:
        raise CheckFailed("readelf -n lists no CRASH-MCE note")
    out = host(run, [MCE_DECODE, vmcore], "mce-decode")
    want = ("cpu 0 bank %d status 0x%016x addr 0x%016x"
            % (BANK, STATUS, addr))
    if want not in out:
        raise CheckFailed("mce-decode: no %r in %r" % (want, out[-400:]))
    hidden = "hidden 0x%016x-0x%016x read as zeroes" % (page, page + 0xfff)
    if hidden not in out:
        raise CheckFailed("mce-decode: no %r in %r" % (hidden, out[-400:]))
    run.expect(r"vmcore: old memory %#x-%#x had an uncorrected machine "
               r"check: read as zeroes" % (page, page + 0xfff),
               run.boots[1])
    if zeroes_at(vmcore, page) is not True:
        raise CheckFailed("the page at %#x is not zeroes in the dump" % page)
    if zeroes_at(vmcore, page + 4096) is not False:
        raise CheckFailed("the page after %#x reads as zeroes too" % page)
    os.unlink(vmcore)


# Corrected errors, a bank each (QEMU keeps one record per bank): two in
# memory (MCACOD 0x009f: a memory controller read) and one internal
# parity error (0x0005, "other").  VAL EN MISCV ADDRV, no UC.
CORRECTED = ((1, 0x9c0000000000009f, 0x12340000),
             (2, 0x9c0000000000009f, 0x12350000),
             (3, 0x9000000000000005, 0))
POLL = "/sys/devices/system/machinecheck/machinecheck0/check_interval"


def inject_corrected(run, guest):
    """QEMU latches a corrected error in a bank without an exception; the
    kernel finds it when it polls the banks (every second here)."""
    guest.wait_for(r"^E2E: inject-corrected$", 120)
    for bank, status, addr in CORRECTED:
        out = guest.monitor("mce 0 %d 0x%x 0 0x%x 0x86" % (bank, status,
                                                             addr))
        if out.strip():
            raise CheckFailed("QEMU's mce command: %r" % out.strip())
    time_capture(run, guest)


@scenario("mce-corrected", cmdline="crashkernel=128M", timeout=300,
          kernels=("patched",), during=inject_corrected,
          disks=(("kexec.img", 64), ("vmcore.img", 1100)),
          setup=capture_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage capture
	kexec -p -s /tmp/bzImage --initrd=/tmp/capture --append="%s" || exit
	echo 1 > %s
	echo "E2E: inject-corrected"
	i=0
	while [ "$(dmesg | grep -c 'Machine Check: 0 Bank')" -lt %d ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || break
		sleep 0.1
	done
	e2e_crash sysrq
}
boot2() {
	:
}
""" % (CAPTURE_APPEND, POLL, len(CORRECTED)))
def mce_corrected(run):
    """Corrected machine checks logged before a sysrq-c panic with kdump
    loaded: the panic run's receipt counts them by kind, and so does
    the crashed kernel's vmcoreinfo in the saved dump (upstream 6.12
    keeps no count: patched only)."""
    first = run.boots[0]
    if len(re.findall(r"Machine Check: 0 Bank \d", first)) != len(CORRECTED):
        raise CheckFailed("the kernel logged %d corrected errors, not %d"
                          % (len(re.findall(r"Machine Check: 0 Bank", first)),
                             len(CORRECTED)))
    note = (r"crash_chain: note: 3 corrected machine checks since boot: "
            r"memory 2 cache 0 tlb 0 bus 0 other 1$")
    run.expect(note, first)
    run.expect(r"crash_chain:   capture  mce +ok ", first)
    # the run hands off before its summary: the dump's log has the note
    dmesg = check_capture(run, PANIC_LINES["sysrq"], task=False)
    run.expect(note, dmesg, "makedumpfile --dump-dmesg")
    info = run.data["vmcoreinfo"]
    want = {"memory": "2", "cache": "0", "tlb": "0", "bus": "0", "other": "1"}
    got = {k: info.get("MCE_CORRECTED(%s)" % k) for k in want}
    if got != want:
        raise CheckFailed("vmcoreinfo: %s, expected %s" % (got, want))
    os.unlink(os.path.join(run.workdir, "vmcore.img"))


def inject_into_handler(run, guest):
    """Wait for the test module's handler to hang, then raise a fatal
    machine check on its CPU."""
    m = guest.wait_for(r"crash_chain_fault_test: fault-test-1: hang now on "
                       r"CPU (\d+)", 120)
    cpu = int(m.group(1))
    run.data["mce_cpu"] = cpu
    out = guest.monitor("mce %d %d 0x%x 0x%x 0x%x 0x%x" % (
        cpu, BANK, STATUS, MCGSTATUS, 0x1000000, MISC))
    if out.strip():
        raise CheckFailed("QEMU's mce command: %r" % out.strip())


@scenario("mce-in-handler", kernels=("patched",), timeout=180,
          during=inject_into_handler,
          cmdline="panic=1 crash_chain.persist_ms=60000 " + RAMOOPS, guest="""
boot1() {
	insmod /lib/modules/crash_chain_fault_test.ko fault=hang
	e2e_crash PANIC
}
boot2() { %s; %s; }
""" % (MOUNT, SAVE))
def mce_in_handler(run):
    """A fatal machine check hits a persist handler that spins with
    interrupts off, long before its budget ends: the chain takes the
    machine check's panic as a fault of that handler, and the run goes
    on with pstore and the rest; the dmesg record after the reset has
    the receipt."""
    first = run.boots[0]
    run.expect(r"CPU %d: Machine Check Exception" % run.data["mce_cpu"],
               first)
    run.expect(r"crash_chain: fault-test-1 faulted: off for the rest of "
               r"this boot", first)
    expect_receipt(run, first, [("fault-test-1", "persist", "FAULT"),
                                ("pstore:ramoops", "persist", "ok"),
                                ("fault-witness", "persist", "ok")])
    dmesg = [n for n in run.outputs if n.startswith("dmesg-ramoops-")]
    if not dmesg:
        raise CheckFailed("no dmesg record after the reset (files: %s)"
                          % " ".join(sorted(run.outputs)))
    # written in the persist stage: the machine check and the fault, not
    # yet the receipt printed at the run's end
    run.expect_in_order(r"Machine Check Exception: 6 Bank %d" % BANK,
                        r"crash_chain: fault-test-1 faulted",
                        text=text(run, dmesg[0]), what=dmesg[0])
