# SPDX-License-Identifier: GPL-2.0
"""kdump, the first kernel's side: crashkernel= reservations, the CPUs'
crash notes, vmcoreinfo, and a capture kernel that reads what they
describe."""
import io
import os
import re
import socket
import struct
import subprocess
import sys
import tarfile
import time

from . import CheckFailed, scenario, NULL_DEREF

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
import receiver  # noqa: E402
from qemu import uefi_args  # noqa: E402

PATCHED = ("patched",)
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VMCOREINFO_KEYS = os.path.join(HERE, "vmcoreinfo-keys.txt")

REPORT = """
	grep -i "crash kernel" /proc/iomem | sed 's/^ */E2E: iomem /'
	e2e_result size=$(cat /sys/kernel/kexec_crash_size)
"""


def regions(run):
    """[(start, end)] of the "Crash kernel" lines of /proc/iomem."""
    return [(int(a, 16), int(b, 16)) for a, b in re.findall(
        r"^E2E: iomem ([0-9a-f]+)-([0-9a-f]+) : Crash kernel$", run.log,
        re.M)]


def expect_size(run, size):
    run.expect(r"^E2E: result size=%d$" % size)


def reserved(name, cmdline, check, mem="1G", extra=""):
    @scenario(name, cmdline=cmdline, kernels=PATCHED, mem=mem,
              guest="boot1() {%s%s}\n" % (REPORT, extra))
    def run_check(run):
        got = regions(run)
        check(run, got)
    run_check.__doc__ = "%s reserves what it asks for" % cmdline
    return run_check


M = 1 << 20
G = 1 << 30


def one_low(size, base=None):
    def check(run, got):
        if len(got) != 1:
            raise CheckFailed("Crash kernel regions: %s" % got)
        start, end = got[0]
        if end - start + 1 != size or end >= 4 * G:
            raise CheckFailed("region %x-%x, expected %d MiB below 4 GiB"
                              % (start, end, size // M))
        if base is not None and start != base:
            raise CheckFailed("region at %x, expected %x" % (start, base))
        if start % (16 * M):
            raise CheckFailed("region at %x is not 16 MiB aligned" % start)
        expect_size(run, size)
    return check


reserved("crashkernel-size", "crashkernel=64M", one_low(64 * M))
# nokaslr: a randomized kernel may itself sit at 512 MiB, and then the
# offset is rightly refused as not free.
reserved("crashkernel-offset", "crashkernel=64M@512M nokaslr",
         one_low(64 * M, 512 * M))
reserved("crashkernel-ranges", "crashkernel=512M-2G:96M,2G-:128M",
         one_low(96 * M))
reserved("crashkernel-auto", "crashkernel=auto", one_low(68 * M))


def cma_lent(run, got):
    """A 6.16 command line: the plain value is the capture kernel's region
    and the ,cma one is lent to movable allocations, as ZONE_MOVABLE; a
    lent block taken offline cannot come back as kernel memory, only as
    movable."""
    one_low(64 * M)(run, got)
    m = run.expect(r"crashkernel: 256 MiB at 0x([0-9a-f]+)-0x[0-9a-f]+ lent "
                   r"to movable allocations until a crash "
                   r"\(crashkernel=,cma\)$")
    run.expect(r"^E2E: result movable=65536$")
    run.expect(r"^E2E: result block=memory%d offline=0 kernel=1 "
               r"movable=0 zones=Movable$"
               % (int(m.group(1), 16) // (128 * M)))
    run.expect(r"is lent by crashkernel=,cma: movable memory only$")


def cma_bad(run, got):
    """A malformed ,cma value costs only itself."""
    one_low(64 * M)(run, got)
    run.expect(r'crashkernel: "crashkernel=256Mx,cma": unexpected character '
               r'before ,cma; nothing lent$')
    run.expect(r"^E2E: result movable=0$")


MOVABLE = """
	e2e_result movable=$(awk '/zone +Movable/ {m = 1}
		m && $1 == "present" {print $2; exit}
		END {if (!m) print 0}' /proc/zoneinfo)
"""
# the first lent block: offline, online_kernel (refused), online_movable
LENT_BLOCK = MOVABLE + """
	start=$(dmesg | sed -n 's/.*MiB at 0x\\([0-9a-f]*\\)-.* lent.*/\\1/p')
	b=memory$(( 0x$start / $(( 0x$(cat /sys/devices/system/memory/block_size_bytes) )) ))
	s=/sys/devices/system/memory/$b/state
	echo offline > $s; off=$?
	echo online_kernel > $s 2>/dev/null; kern=$?
	echo online_movable > $s; mov=$?
	e2e_result block=$b offline=$off kernel=$kern movable=$mov \\
		zones=$(cat /sys/devices/system/memory/$b/valid_zones)
"""
reserved("crashkernel-cma", "crashkernel=64M crashkernel=256M,cma",
         cma_lent, extra=LENT_BLOCK)


def cma_alone(run, got):
    """,cma alone has no region for the capture kernel to boot in: nothing
    is reserved or lent, and a line says so."""
    if got:
        raise CheckFailed("Crash kernel regions: %s" % got)
    run.expect(r'crashkernel: "crashkernel=256M,cma" needs a crashkernel= '
               r'the capture kernel boots in; nothing lent$')
    run.expect(r"^E2E: result movable=0$")


reserved("crashkernel-cma-alone", "crashkernel=256M,cma", cma_alone,
         extra=MOVABLE)
reserved("crashkernel-cma-bad", "crashkernel=64M crashkernel=256Mx,cma",
         cma_bad, extra=MOVABLE)


def high_with_low(low):
    def check(run, got):
        high = [r for r in got if r[0] >= 4 * G]
        lows = [r for r in got if r[1] < 4 * G]
        if len(high) != 1 or high[0][1] - high[0][0] + 1 != 256 * M:
            raise CheckFailed("no 256 MiB region above 4 GiB: %s" % got)
        if low and (len(lows) != 1 or lows[0][1] - lows[0][0] + 1 != low):
            raise CheckFailed("no %d MiB low part: %s" % (low // M, got))
        if not low and lows:
            raise CheckFailed("unexpected low part: %s" % got)
        expect_size(run, 256 * M + low)
    return check


def high_default_low(run, got):
    """The default low part: 32 MiB of bounce buffers (half of swiotlb's
    64 MiB) and 16 MiB of 32-bit DMA, with the reasoning on the console
    (upstream: 256 MiB)."""
    high_with_low(48 * M)(run, got)
    run.expect(r"crashkernel: 48 MiB below 4 GiB at 0x[0-9a-f]+ for the "
               r"capture kernel's DMA: 32 MiB of bounce buffers \(half of "
               r"swiotlb's size\) and 16 MiB of 32-bit DMA; "
               r"crashkernel=SIZE,low sets it")


reserved("crashkernel-high", "crashkernel=256M,high", high_default_low,
         mem="6G")
reserved("crashkernel-high-swiotlb", "crashkernel=256M,high swiotlb=65536",
         high_with_low(80 * M), mem="6G")
reserved("crashkernel-high-low", "crashkernel=256M,high crashkernel=0,low",
         high_with_low(0), mem="6G")


def shrunk(run, got):
    run.expect(r"^E2E: result shrunk=33554432$")
    run.expect(r"^E2E: result grow-refused$")
    # sizes that upstream's roundup() wraps to 0, freeing everything
    run.expect(r"^E2E: result wrap-refused$")
    run.expect(r"^E2E: result wrap2-refused$")
    after = re.findall(r"^E2E: after ([0-9a-f]+)-([0-9a-f]+) : Crash kernel$",
                       run.log, re.M)
    if len(after) != 1 or int(after[0][1], 16) - int(after[0][0], 16) + 1 \
            != 32 * M:
        raise CheckFailed("after shrinking: %s" % after)


reserved("crashkernel-shrink", "crashkernel=64M", shrunk, extra="""
	echo 33554432 > /sys/kernel/kexec_crash_size
	e2e_result shrunk=$(cat /sys/kernel/kexec_crash_size)
	echo 67108864 > /sys/kernel/kexec_crash_size 2>/dev/null ||
		e2e_result grow-refused
	echo 18446744073709551615 > /sys/kernel/kexec_crash_size 2>/dev/null ||
		e2e_result wrap-refused
	echo 18446744073709547521 > /sys/kernel/kexec_crash_size 2>/dev/null ||
		e2e_result wrap2-refused
	grep -i "crash kernel" /proc/iomem | sed 's/^ */E2E: after /'
""")


MALFORMED = [
    ("crashkernel=64Mx", "unexpected character after the size"),
    ("crashkernel=2G-1G:64M", "range end not above its start"),
    ("crashkernel=512M-2G:64M,1G-:128M", "ranges out of order or overlapping"),
    ("crashkernel=99999999999999999999", "number too large"),
    ("crashkernel=2G", "size not smaller than RAM"),
    ("crashkernel=128M,low", "crashkernel=,low needs crashkernel=,high"),
]


def malformed(i, value, why):
    @scenario("crashkernel-bad-%d" % i, cmdline=value, kernels=PATCHED,
              guest="boot1() {%s}\n" % REPORT)
    def check(run):
        run.expect(r'crashkernel: "%s": %s; nothing reserved$'
                   % (re.escape(value), re.escape(why)))
        if regions(run):
            raise CheckFailed("a region was reserved: %s" % regions(run))
        expect_size(run, 0)
    check.__doc__ = "%s: refused with a message, boot goes on" % value
    return check


for _i, (_value, _why) in enumerate(MALFORMED):
    malformed(_i, _value, _why)


@scenario("crashkernel-bad-offset", cmdline="crashkernel=64M@17M",
          kernels=PATCHED, guest="boot1() {%s}\n" % REPORT)
def crashkernel_bad_offset(run):
    """An offset that is not 16 MiB aligned is refused."""
    run.expect(r"crashkernel: offset 0x1100000 is not aligned to 16 MiB; "
               r"nothing reserved")
    expect_size(run, 0)


@scenario("crashkernel-not-ram", cmdline="crashkernel=64M@1008M",
          kernels=PATCHED, guest="boot1() {%s}\n" % REPORT)
def crashkernel_not_ram(run):
    """An offset whose range is not free RAM is refused."""
    run.expect(r"crashkernel: 0x3f000000-0x42ffffff is not free RAM; "
               r"nothing reserved")
    expect_size(run, 0)


def kcore_vmcoreinfo(data):
    """The VMCOREINFO note's text from the start of /proc/kcore."""
    if data[:4] != b"\x7fELF":
        raise CheckFailed("/proc/kcore does not start with an ELF header")
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        p_type, _, offset, _, _, filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type != 4:		# PT_NOTE
            continue
        pos, end = offset, offset + filesz
        while pos + 12 <= end:
            namesz, descsz, _ = struct.unpack_from("<III", data, pos)
            name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            desc = pos + 12 + (namesz + 3) // 4 * 4
            if name == b"VMCOREINFO":
                return data[desc:desc + descsz].decode()
            pos = desc + (descsz + 3) // 4 * 4
    raise CheckFailed("no VMCOREINFO note in /proc/kcore")


def keys_of(text):
    return [line.split("=", 1)[0] for line in text.splitlines() if "=" in line]


@scenario("vmcoreinfo", cmdline="crashkernel=64M", guest="""
boot1() {
	cat /sys/kernel/vmcoreinfo | sed 's/^/E2E: sysfs /'
	for c in 0 1; do
		e2e_result notes$c=$(cat /sys/devices/system/cpu/cpu$c/crash_notes) \\
			size=$(cat /sys/devices/system/cpu/cpu$c/crash_notes_size)
	done
	dd if=/proc/kcore of=/tmp/kcore bs=4096 count=16 2>/dev/null
	cd /tmp && e2e_output kcore
}
""")
def vmcoreinfo(run):
    """vmcoreinfo holds every key upstream's does (ours also where the
    memmap table and the log's arrays are); the CPUs' crash notes are
    exported as upstream exports them."""
    run.expect(r"^E2E: sysfs 0x[0-9a-f]{16} 1024$")
    run.expect(r"^E2E: result notes0=[0-9a-f]+ size=368$")
    run.expect(r"^E2E: result notes1=[0-9a-f]+ size=368$")
    text = kcore_vmcoreinfo(run.outputs.get("kcore", b""))
    keys = keys_of(text)
    with open(os.path.join(run.workdir, "vmcoreinfo.txt"), "w") as f:
        f.write(text)
    with open(VMCOREINFO_KEYS) as f:
        reference = [k.strip() for k in f if k.strip() and k[0] != "#"]
    missing = [k for k in reference if k not in keys]
    if missing:
        raise CheckFailed("vmcoreinfo lacks upstream's keys: %s"
                          % " ".join(missing))
    if run.kind == "baseline" and sorted(set(keys)) != sorted(reference):
        raise CheckFailed("%s is stale: upstream now has %s"
                          % (VMCOREINFO_KEYS,
                             " ".join(sorted(set(keys) ^ set(reference)))))
    run.expect(r"^OSRELEASE=6\.12\.\d+", text, "vmcoreinfo")
    if run.kind == "patched":
        # ours, for a filtering capture kernel: the memmap table, the log
        for key in ("NUMBER(crash_memmap_paddr)", "NUMBER(crash_memmap_size)",
                    "KEEP(printk_descs)", "KEEP(printk_infos)",
                    "KEEP(printk_text)"):
            if key not in keys:
                raise CheckFailed("vmcoreinfo lacks our %s" % key)


def write_kexec_disk(run, initrd, name):
    """kexec.img: a tar of the kernel (bzImage) and @initrd (as @name)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        t.add(run.kernel, "bzImage")
        t.add(initrd, name)
    with open(os.path.join(run.workdir, "kexec.img"), "r+b") as f:
        f.write(buf.getvalue())


def kexec_disk(run):
    """The kernel and initramfs the guest loads as its next kernel."""
    write_kexec_disk(run, run.initrd, "initrd")


NT_PRSTATUS = 1
PR_REG = 112		# offset of pr_reg in x86-64's struct elf_prstatus
REG_RIP, REG_RSP = 16, 19


def elf_notes(buf):
    """(name, type, desc) of every note in the PT_NOTE segments of the
    ELF64 core file that @buf starts."""
    phoff, = struct.unpack_from("<Q", buf, 32)
    phentsize, phnum = struct.unpack_from("<HH", buf, 54)
    notes = []
    for i in range(phnum):
        p_type, _, off, _, _, size = struct.unpack_from(
            "<IIQQQQ", buf, phoff + i * phentsize)
        if p_type != 4:		# PT_NOTE
            continue
        end = off + size
        if end > len(buf):
            raise CheckFailed("PT_NOTE ends at %d, beyond the %d bytes read"
                              % (end, len(buf)))
        while off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", buf, off)
            off += 12
            name = buf[off:off + namesz].rstrip(b"\0").decode("latin-1")
            off += (namesz + 3) & ~3
            notes.append((name, ntype, buf[off:off + descsz]))
            off += (descsz + 3) & ~3
    return notes


def check_vmcore_notes(run, hdr, cpus=2):
    """One filled NT_PRSTATUS per CPU, and VMCOREINFO."""
    if hdr[:4] != b"\x7fELF" or hdr[16] != 4:	# ET_CORE
        raise CheckFailed("/proc/vmcore does not start with an ELF core "
                          "header")
    notes = elf_notes(hdr)
    prstatus = [d for n, t, d in notes if n == "CORE" and t == NT_PRSTATUS]
    if len(prstatus) != cpus:
        raise CheckFailed("%d NT_PRSTATUS notes for %d CPUs"
                          % (len(prstatus), cpus))
    for cpu, desc in enumerate(prstatus):
        rip, rsp = (struct.unpack_from("<Q", desc, PR_REG + 8 * r)[0]
                    for r in (REG_RIP, REG_RSP))
        if not rip or not rsp:
            raise CheckFailed("NT_PRSTATUS %d was not filled: rip %#x rsp "
                              "%#x" % (cpu, rip, rsp))
    if not any(n == "VMCOREINFO" for n, _, _ in notes):
        raise CheckFailed("no VMCOREINFO note in /proc/vmcore")


CAPTURE_APPEND = "console=ttyS0 panic=10 printk.time=1 maxcpus=1 reset_devices"


def kdump_scenario(name, load, crash="PANIC", cmdline="crashkernel=128M",
                   mem="1G", above_4g=False, compare=False):
    """Load a capture kernel with @load, crash with @crash, and check the
    capture kernel's /proc/vmcore; @compare: all of it, read() against
    mmap()."""
    @scenario(name, cmdline=cmdline, timeout=240, mem=mem,
              disks=(("kexec.img", 64),), setup=kexec_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	%s /tmp/bzImage --initrd=/tmp/initrd --append="%s" &&
		e2e_result loaded=$(cat /sys/kernel/kexec_crash_loaded)
	e2e_crash %s
}
boot2() {
	e2e_result capture=$(cat /proc/cmdline | grep -o 'elfcorehdr=[0-9a-fx]*')
	e2e_result vmcore=$(stat -c %%s /proc/vmcore)
	%s
	dd if=/proc/vmcore of=/tmp/hdr bs=4096 count=4 2>/dev/null
	cd /tmp && e2e_output hdr
}
""" % (load, CAPTURE_APPEND, crash,
       "e2e_result $(vmcore-mmap-cmp)\n\te2e_result $(vmcore-mmap-cmp "
       "--windows)" if compare else ""))
    def run_check(run):
        run.expect(r"^E2E: result loaded=1$")
        if above_4g:
            kexec_segments_above_4g(run)
        run.expect_in_order(r"E2E: crashing with",
                            r"Linux version",
                            r"E2E: result capture=elfcorehdr=(0x[0-9a-f]+|[0-9]+)")
        if run.kind == "patched" and "-s" in load:
            # the header's size too, which the capture kernel reserves
            run.expect(r"Command line: .*elfcorehdr=0x[0-9a-f]+@0x[0-9a-f]+ ",
                       run.boots[1], "the capture kernel's command line")
        size = int(run.expect(r"^E2E: result vmcore=(\d+)$").group(1))
        if size < 512 * M:
            raise CheckFailed("/proc/vmcore is only %d bytes" % size)
        if compare:
            run.expect(r"^E2E: result mmap=same bytes=%d$" % size)
            m = run.expect(r"^E2E: result windows=same loads=(\d+) "
                           r"huge=(\d+) nothp=(\d+)$")
            if int(m.group(1)) < 1:
                raise CheckFailed("no PT_LOAD of 7 MiB or more to map")
            if run.kind == "patched" and m.group(2) != m.group(1):
                raise CheckFailed("%s of %s windows had their middle 2 MiB "
                                  "mapped in one PMD" % (m.group(2),
                                                         m.group(1)))
            if m.group(3) != "0":
                raise CheckFailed("%s windows were mapped in PMDs with THP "
                                  "off" % m.group(3))
        check_vmcore_notes(run, run.outputs.get("hdr", b""))
    run_check.__doc__ = (
        "`%s` loads a capture kernel; a %s crash with two CPUs enters it; "
        "its /proc/vmcore has both CPUs' registers and vmcoreinfo%s"
        % (load, crash, ", and read() gives what mmap() maps, every byte, "
           "also in windows mapped in 2 MiB pages, split, misaligned and with "
           "THP off"
           if compare else ""))
    return run_check


def kexec_segments_above_4g(run):
    """Where the loaded image is: upstream's kexec_file_load prints it with
    pr_debug, ours when it seals it."""
    text = run.boots[0]
    ours = re.findall(r"capture kernel sealed: \d+ segments from (0x[0-9a-f]+)",
                      text)
    if run.kind == "baseline" and not ours:
        return
    if not ours or int(ours[-1], 16) < 4 * G:
        raise CheckFailed("the capture kernel is not above 4 GiB: %s" % ours)


kdump_scenario("kdump-smoke", "kexec -p -s", compare=True)
kdump_scenario("kdump-legacy", "kexec -p")
kdump_scenario("kdump-sysrq", "kexec -p -s", crash="sysrq")
kdump_scenario("kdump-bug", "kexec -p -s", crash="BUG",
               cmdline="crashkernel=128M oops=panic")
kdump_scenario("kdump-exception", "kexec -p", crash="EXCEPTION",
               cmdline="crashkernel=128M oops=panic")
kdump_scenario("kdump-high", "kexec -p -s", mem="6G",
               cmdline="crashkernel=256M,high", above_4g=True)


def damaged_capture(name, sed, doc):
    @scenario(name, cmdline="crashkernel=128M", timeout=240,
              kernels=PATCHED, disks=(("kexec.img", 64),), setup=kexec_disk,
              guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s" || exit
	first=$(dmesg | sed -n '%s' | tail -n 1)
	e2e_result first=$first
	insmod /lib/modules/crash_stray_write_test.ko phys=$((first + 0x10))
	e2e_crash PANIC
}
boot2() {
	e2e_result capture=$(grep -c elfcorehdr= /proc/cmdline)
}
""" % (CAPTURE_APPEND, sed))
    def check(run):
        run.expect(r"^E2E: result first=0x[0-9a-f]+$")
        run.expect(r"crash_stray_write_test: flipped the byte")
        run.expect_in_order(
            r"Kernel panic - not syncing: dumptest",
            r"kexec: the capture kernel changed since it was loaded "
            r"\(digest [0-9a-f]{16}, now [0-9a-f]{16}\): not jumping to it",
            r"handoff\s+kexec\s+failed -(EBADMSG|74)",
            r"E2E: boot 2",
            r"E2E: result capture=0")
    check.__doc__ = doc
    return check


damaged_capture(
    "kdump-damaged",
    r"s/.*capture kernel sealed: [0-9]* segments from \(0x[0-9a-f]*\).*/\1/p",
    "A byte of the loaded capture kernel changed by a stray write: the "
    "hand-off refuses to jump, says why, the rest of the chain runs and the "
    "machine reboots into this kernel, not into the damaged one.")
damaged_capture(
    "kdump-damaged-tables",
    r"s/.*jump to the capture kernel prepared: .*tables at \(0x[0-9a-f]*\).*/\1/p",
    "A byte of the page tables the jump into the capture kernel switches "
    "to, changed by a stray write: the image's digest covers them, so the "
    "hand-off refuses to jump and the machine reboots into this kernel.")


@scenario("kdump-too-small", cmdline="crashkernel=16M", kernels=PATCHED,
          disks=(("kexec.img", 64),), setup=kexec_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s"
	e2e_result status=$? loaded=$(cat /sys/kernel/kexec_crash_loaded)
}
""" % CAPTURE_APPEND)
def kdump_too_small(run):
    """A capture kernel that does not fit in the crash region is refused
    at load time, with a message that says what did not fit where."""
    run.expect(r"kexec: no room for the (kernel|initramfs) \(\d+ KiB\) in "
               r"the crash region \(16 MiB\)")
    run.expect(r"^E2E: result status=[1-9]\d* loaded=0$")


def with_uefi(setup):
    """@setup, and the guest boots through OVMF (UEFI)."""
    def both(run):
        setup(run)
        run.data["qemu_args"] = (list(run.data.get("qemu_args", ())) +
                                 uefi_args(run.workdir))
    return both


def kexec_reboot(name, load, uefi=False):
    @scenario(name, timeout=480 if uefi else 240, disks=(("kexec.img", 64),),
              setup=with_uefi(kexec_disk) if uefi else kexec_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	%s /tmp/bzImage --initrd=/tmp/initrd \\
		--append="console=ttyS0 panic=10 printk.time=1 e2e_second=1" &&
		e2e_result loaded=$(cat /sys/kernel/kexec_loaded)
	sync
	kexec -e
	e2e_result kexec -e returned $?
}
boot2() {
	e2e_result second=$(grep -c e2e_second=1 /proc/cmdline)
}
""" % load)
    def run_check(run):
        run.expect(r"^E2E: result loaded=1$")
        # under UEFI, -s loads with upstream's loader and its purgatory
        ours = "-s" in load and not uefi
        if run.kind == "patched":
            run.expect(r"kexec: jump to the next kernel prepared: entry "
                       r"0x[0-9a-f]+%s, tables at 0x[0-9a-f]+"
                       % (" with boot_params" if ours else ""))
        run.expect_in_order(r"E2E: boot 1",
                            r"kexec_core: Starting new kernel",
                            r"Linux version", r"E2E: boot 2",
                            r"^E2E: result second=1$")
        if uefi:
            # the next kernel still has EFI's runtime services
            run.expect(r"efi: EFI v\d", run.boots[-1], "the next kernel")
    run_check.__doc__ = (
        "`%s` then `kexec -e` shuts this kernel down and boots the loaded "
        "one without the firmware (ours: through the hand-off, which copies "
        "it into place; with -s, our loader, no purgatory)" % load)
    if uefi:
        run_check.__doc__ = (
            "Under OVMF (UEFI), `%s` then `kexec -e`: the loaded kernel "
            "boots with EFI's memory map and runtime services, loaded by "
            "upstream's bzImage64 loader and entered through its purgatory "
            "by the hand-off." % load)
    return run_check


def big_initramfs_disk(run):
    """kexec.img as for kexec_reboot, and big.img: an ext2 filesystem with
    a sparse 300 MiB file, more than half of the guest's RAM, which
    kexec_file_load reads and then refuses."""
    kexec_disk(run)
    tree = os.path.join(run.workdir, "big")
    os.makedirs(tree, exist_ok=True)
    with open(os.path.join(tree, "big"), "wb") as f:
        f.truncate(300 << 20)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-d", tree,
                    os.path.join(run.workdir, "big.img")], check=True,
                   capture_output=True)


@scenario("kexec-after-failed-load", timeout=240, mem="512M",
          disks=(("kexec.img", 64), ("big.img", 320)),
          setup=big_initramfs_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -l -s /tmp/bzImage --initrd=/tmp/initrd \\
		--append="console=ttyS0 panic=10 printk.time=1 e2e_second=A" &&
		e2e_result loaded=A
	mkdir -p /mnt && mount -t ext2 -o ro /dev/vdc /mnt
	kexec -l -s /tmp/bzImage --initrd=/mnt/big \\
		--append="console=ttyS0 panic=10 printk.time=1 e2e_second=B" &&
		e2e_result loaded=B || e2e_result B-refused
	umount /mnt
	e2e_result still=$(cat /sys/kernel/kexec_loaded)
	sync
	kexec -e
	e2e_result kexec -e returned $?
}
boot2() {
	e2e_result second=$(grep -o 'e2e_second=[AB]' /proc/cmdline)
}
""")
def kexec_after_failed_load(run):
    """`kexec -l -s A`, then a load of B that fails (its initramfs is more
    than half of RAM): A is still loaded, and `kexec -e` boots A with its
    own command line."""
    run.expect(r"^E2E: result loaded=A$")
    run.expect(r"^E2E: result B-refused$")
    run.expect(r"^E2E: result still=1$")
    run.expect_in_order(r"kexec_core: Starting new kernel", r"Linux version",
                        r"E2E: boot 2", r"^E2E: result second=e2e_second=A$")


kexec_reboot("kexec-reboot", "kexec -l -s")
kexec_reboot("kexec-reboot-legacy", "kexec -l")
kexec_reboot("kexec-reboot-uefi", "kexec -l -s", uefi=True)


@scenario("kexec-segments", cmdline="crashkernel=64M", guest="""
boot1() {
	set -- $(grep -i "crash kernel" /proc/iomem |
		sed 's/^ *\\([0-9a-f]*\\)-\\([0-9a-f]*\\) .*/0x\\1 0x\\2/')
	s=$(($1)) e=$(($2 + 1))
	e2e_result below=$(kexec-segments $s 4096 $((s - 4096)) 4096)
	e2e_result past=$(kexec-segments $((e - 4096)) 8192)
	e2e_result unaligned=$(kexec-segments $((s + 512)) 4096)
	e2e_result overlap=$(kexec-segments $s 8192 $((s + 4096)) 4096)
	e2e_result oddsize=$(kexec-segments $s 4097 $((s + 8192)) 4096)
	e2e_result empty=$(kexec-segments $s 4096 0 0)
	e2e_result good=$(kexec-segments $s 4096 $((s + 8192)) 4096)
	e2e_result loaded=$(cat /sys/kernel/kexec_crash_loaded)
}
""")
def kexec_segments(run):
    """kexec_load() segments outside the crash region, unaligned or
    overlapping are refused before anything is copied, with the errno
    upstream gives and (ours) a log line naming the segment; good ones
    load and unload."""
    for name, err in (("below", "EADDRNOTAVAIL"), ("past", "EADDRNOTAVAIL"),
                      ("unaligned", "EADDRNOTAVAIL"), ("overlap", "EINVAL"),
                      ("oddsize", "EADDRNOTAVAIL"), ("empty", "EADDRNOTAVAIL"),
                      ("good", "ok")):
        run.expect(r"^E2E: result %s=%s$" % (name, err))
    run.expect(r"^E2E: result loaded=0$")
    if run.kind != "patched":
        return
    for why in (r"segment 1 \(0x[0-9a-f]+-0x[0-9a-f]+\) is outside the "
                r"crash region",
                r"segment 0 \(0x[0-9a-f]+-0x[0-9a-f]+\) is outside the "
                r"crash region",
                r"segment 0 \(0x[0-9a-f]+\+0x1000\) is not page aligned",
                r"segment 1 overlaps segment 0",
                r"segment 0 \(0x[0-9a-f]+\+0x1001\) is not page aligned",
                r"segment 1 \(0x0-0x0\) is outside the crash region"):
        run.expect(r"kexec: refusing the image: " + why)


@scenario("kexec-unload", cmdline="crashkernel=128M",
          disks=(("kexec.img", 64),), setup=kexec_disk, guest="""
state() {
	echo "$(cat /sys/kernel/kexec_crash_loaded)$(cat /sys/kernel/kexec_loaded)"
}
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	e2e_result before=$(state)
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s"
	e2e_result file=$(state)
	kexec -p -u
	e2e_result unloaded=$(state)
	kexec -p /tmp/bzImage --initrd=/tmp/initrd --append="%s"
	e2e_result legacy=$(state)
	kexec -p -u
	e2e_result again=$(state)
	kexec -p -s /tmp/bzImage --append="%s"
	e2e_result noinitramfs=$(state)
	kexec -p -u
	echo 1 > /proc/sys/kernel/kexec_load_disabled
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s" 2>&1 |
		grep -q "Operation not permitted" && e2e_result refused
	e2e_result disabled=$(state)
}
""" % (CAPTURE_APPEND, CAPTURE_APPEND, CAPTURE_APPEND, CAPTURE_APPEND))
def kexec_unload(run):
    """/sys/kernel/kexec_crash_loaded (and kexec_loaded, which stays 0)
    follow capture kernels loaded both ways (and without an initramfs)
    and unloaded; after kernel.kexec_load_disabled=1 a load is refused
    with EPERM."""
    for name, state in (("before", "00"), ("file", "10"), ("unloaded", "00"),
                        ("legacy", "10"), ("again", "00"),
                        ("noinitramfs", "10"), ("disabled", "00")):
        run.expect(r"^E2E: result %s=%s$" % (name, state))
    run.expect(r"^E2E: result refused$")


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
MKCAPTURE = os.path.join(REPO, "tools", "crash", "mkcapture")


def closed_port():
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ssh_target(run, user=None):
    """An ssh: target on the host's sshd (receiver.SshServer, started on
    first use), into @run's dumps/; as @user, one the server refuses."""
    if "sshd" not in run.data:
        run.data["sshd"] = receiver.SshServer(run.workdir)
    srv = run.data["sshd"]
    return "ssh:%s@10.0.2.2:%d:%s" % (user or srv.user, srv.port,
                                      os.path.join(run.workdir, "dumps"))


def stop_sshd(run):
    if "sshd" in run.data:
        run.data["sshd"].stop()


def capture_disk(run, targets=("dev:/dev/vdc",), args=()):
    """The kernel and a capture initramfs from tools/crash/mkcapture that
    saves /proc/vmcore to the third disk (or to @targets, in order; a
    target "net:CLOSED" is a host port nothing listens on, "ssh:HOST"
    the host's sshd, "ssh:STRANGER" it as a user it does not let in)."""
    capture = os.path.join(run.workdir, "capture.img")
    cmd = [MKCAPTURE, "-o", capture] + list(args)
    for t in targets:
        if t == "ssh:HOST":
            t = ssh_target(run)
        elif t == "ssh:STRANGER":
            t = ssh_target(run, "nobody")
        cmd += ["-t", t.replace("net:CLOSED", "net:10.0.2.2:%d"
                                % closed_port())]
    if "sshd" in run.data:
        cmd += ["-k", run.data["sshd"].key,
                "-K", run.data["sshd"].known_hosts]
    if any(t.startswith(("net:", "ssh:")) for t in targets):
        cmd += ["-n", "10.0.2.15/24,10.0.2.2"]
    subprocess.run(cmd, check=True, capture_output=True)
    write_kexec_disk(run, capture, "capture")


def host(run, args, what):
    p = subprocess.run(args, capture_output=True, text=True, cwd=run.workdir)
    with open(os.path.join(run.workdir, what + ".out"), "w") as f:
        f.write(p.stdout + p.stderr)
    if p.returncode:
        raise CheckFailed("%s failed (%d): %s" % (what, p.returncode,
                                                   p.stderr.strip()[-300:]))
    return p.stdout


# The task that writes PANIC to LKDTM: guest/init is a busybox sh script,
# so its comm is the script's name, "init"; it runs boot1 in a forked
# subshell (same comm), where e2e_crash's echo is a shell builtin.
CRASHING_COMM = "init"


def crashing_task_printf(offset):
    """A gdb command printing the panicking CPU and its current task,
    pcpu_hot.current_task in that CPU's per-CPU area.  Per-CPU symbols
    are offsets into the area, which KASLR does not move, but
    "symbol-file -o @offset" moved them with the rest: take @offset back
    off &pcpu_hot."""
    task = ("((struct pcpu_hot *)(__per_cpu_offset[panic_cpu.counter] + "
            "((unsigned long)&pcpu_hot - 0x%s)))->current_task" % offset)
    return ('printf "crashing cpu=%%d pid=%%d comm=%%s\\n", '
            'panic_cpu.counter, %s->pid, %s->comm' % (task, task))


# The crash's line in the dump's log.  On an oops, upstream enters the
# capture kernel before panic() prints its line: take the oops's own.
PANIC_LINES = {
    "PANIC": r"Kernel panic - not syncing: dumptest",
    "sysrq": r"Kernel panic - not syncing: sysrq triggered crash",
    "BUG": r"kernel BUG at drivers/misc/lkdtm/bugs\.c",
    "EXCEPTION": NULL_DEREF,
}


def capture_scenario(name, load, crash, cmdline="crashkernel=128M",
                     mem="1G", smp=2, before="", extra=None, doc=None,
                     kernels=("patched", "baseline"), task=True,
                     uefi=False, first="", targets=("dev:/dev/vdc",),
                     args=None, append="", during=None):
    """Run @first, load the kernel with a mkcapture initramfs as capture
    kernel with @load, run @before, crash with @crash, and read the saved
    dump with real clients; @extra(run, dmesg) checks more.  @uefi: under
    OVMF.  @targets: mkcapture's (see capture_disk()), the one that takes
    the dump last: the disk, or "ssh:HOST"; @args(run): more of its
    arguments; @append: more of the capture kernel's command line;
    @during(run, guest): what the host does before the crash."""
    def setup(run):
        capture_disk(run, targets, args(run) if args else ())

    def while_running(run, guest):
        if during:
            during(run, guest)
        time_capture(run, guest)
    @scenario(name, cmdline=cmdline, timeout=600 if uefi else 300, mem=mem,
              smp=smp, kernels=kernels, during=while_running,
              teardown=stop_sshd,
              net=any(t.startswith(("net:", "ssh:")) for t in targets),
              disks=(("kexec.img", 64), ("vmcore.img", 1100)),
              setup=with_uefi(setup) if uefi else setup,
              guest="""
boot1() {
	%s
	tar -xf /dev/vdb -C /tmp bzImage capture
	%s /tmp/bzImage --initrd=/tmp/capture --append="%s" || exit
	%s
	e2e_crash %s
}
boot2() {
	:
}
""" % (first, load, " ".join(filter(None, (CAPTURE_APPEND, append))),
       before, crash))
    def run_check(run):
        vmcore = os.path.join(run.workdir, "vmcore.img")
        if targets[-1] == "ssh:HOST":
            vmcore = ssh_dump(run)
        else:
            run.expect(r"mkcapture: saved /proc/vmcore \(\d+ bytes\) to "
                       r"dev:/dev/vdc")
        check_progress(run)
        dmesg = check_capture(run, PANIC_LINES[crash], cpus=smp, task=task,
                              vmcore=vmcore)
        if extra:
            extra(run, dmesg)
        # 1 GiB per run; kept when a check fails
        os.unlink(vmcore)
    run_check.__doc__ = doc or (
        "`%s`, a %s crash: the capture initramfs of tools/crash/mkcapture "
        "saves /proc/vmcore to a disk; on the host, readelf finds both "
        "CPUs' notes and vmcoreinfo, makedumpfile extracts the log with "
        "the panic and filters the dump, and gdb reads the kernel's "
        "release from it (KASLR on), has the panicking task among its "
        "threads, and finds it as the panicking CPU's current task, with "
        "the comm of the shell that crashed it." % (load, crash))
    return run_check


def check_progress(run):
    """mkcapture's progress lines (every 2 s of the copy) for the dump it
    saved, after any target that failed: of the dump's MiB, going
    forward."""
    m = run.expect(r"^mkcapture: saved /proc/vmcore \((\d+) bytes\)")
    mib = (int(m.group(1)) + (1 << 20) - 1) >> 20
    start = max(run.expect(r"^E2E: crashing with ").end(),
                run.log.rfind("\nmkcapture: failed", 0, m.start()))
    done = [(int(a), int(b)) for a, b in re.findall(
        r"^mkcapture: wrote (\d+) of (\d+) MiB$", run.log[start:m.start()],
        re.M)]
    run.data["progress"] = done
    if any(all_ != mib or not 0 <= n <= mib for n, all_ in done) or \
            [n for n, _ in done] != sorted(n for n, _ in done):
        raise CheckFailed("mkcapture's progress %s does not go forward to "
                          "the %d MiB saved" % (done, mib))


def time_capture(run, guest):
    """Host seconds from the panic's line to the capture kernel's first
    userspace, kept as panic-to-capture.txt."""
    panic = guest.wait_for(r"Kernel panic - not syncing|kernel BUG at|"
                           r"BUG: kernel NULL pointer", 120)
    t0 = guest.elapsed()
    guest.wait_for(r"Run /init as init process", 180, panic.end())
    run.data["panic_to_capture"] = guest.elapsed() - t0
    with open(os.path.join(run.workdir, "panic-to-capture.txt"), "w") as f:
        f.write("%.2f\n" % run.data["panic_to_capture"])


def ssh_dump(run):
    """The one dump the capture kernel wrote through ssh, checked whole:
    the path the console names, no .part left, the size it said."""
    m = run.expect(r"mkcapture: saved /proc/vmcore \((\d+) bytes\) to "
                   r"ssh:\S+ as (/\S+/(\d{8}-\d{6})/vmcore)$")
    dumps = os.path.join(run.workdir, "dumps")
    found = [os.path.join(dumps, t, f) for t in os.listdir(dumps)
             for f in os.listdir(os.path.join(dumps, t))]
    if found != [m.group(2)]:
        raise CheckFailed("the server holds %s, not only %s"
                          % (found, m.group(2)))
    if os.path.getsize(m.group(2)) != int(m.group(1)):
        raise CheckFailed("the dump on the server has %d bytes, not %s"
                          % (os.path.getsize(m.group(2)), m.group(1)))
    return m.group(2)


def dump_loads_of(hdr):
    """The (paddr, filesz, offset) of each PT_LOAD of the ELF core file
    that @hdr starts, but the kernel image's (paddr 0)."""
    phoff, = struct.unpack_from("<Q", hdr, 32)
    phnum, = struct.unpack_from("<H", hdr, 56)
    loads = []
    for i in range(phnum):
        p_type, _, off, _, pa, filesz = struct.unpack_from(
            "<IIQQQQ", hdr, phoff + i * 56)
        if p_type == 1 and pa:
            loads.append((pa, filesz, off))
    return loads


def dump_loads(vmcore):
    """dump_loads_of() the ELF dump @vmcore."""
    with open(vmcore, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phnum, = struct.unpack_from("<H", eh, 56)
        f.seek(0)
        return dump_loads_of(f.read(phoff + phnum * 56))


def dump_bytes(vmcore, paddr, size=4096):
    """The @size bytes at physical @paddr in the ELF dump @vmcore, or None
    when no PT_LOAD has the first of them."""
    for pa, filesz, off in dump_loads(vmcore):
        if pa <= paddr < pa + filesz:
            with open(vmcore, "rb") as f:
                f.seek(off + paddr - pa)
                return f.read(min(size, pa + filesz - paddr))
    return None


def built_without_dwarf(vmlinux):
    """Whether the build of @vmlinux was configured without debug
    information (CONFIG_DEBUG_INFO_NONE), so gdb cannot read its dumps."""
    try:
        with open(os.path.join(os.path.dirname(vmlinux), ".config")) as f:
            return "\nCONFIG_DEBUG_INFO_NONE=y\n" in f.read()
    except OSError:
        return False


def check_capture(run, panic_line, cpus=2, task=True, vmcore=None):
    """The dump on the disk (or the file @vmcore), read with readelf,
    makedumpfile and gdb; returns the crashed kernel's log from it.
    @task: check the panicking task (the first one that printed its PID)
    in gdb."""
    if not vmcore:
        run.expect(r"mkcapture: saved /proc/vmcore \(\d+ bytes\) to "
                   r"dev:/dev/vdc")
        vmcore = os.path.join(run.workdir, "vmcore.img")
    release = run.expect(r"Linux version (\S+)").group(1)
    notes = host(run, ["readelf", "-n", "-W", vmcore], "readelf")
    if notes.count("NT_PRSTATUS") != cpus or "VMCOREINFO" not in notes:
        raise CheckFailed("readelf: %d NT_PRSTATUS notes, VMCOREINFO %s"
                          % (notes.count("NT_PRSTATUS"),
                             "present" if "VMCOREINFO" in notes else
                             "missing"))
    host(run, ["makedumpfile", "--dump-dmesg", vmcore, "dmesg.txt"],
         "makedumpfile-dmesg")
    with open(os.path.join(run.workdir, "dmesg.txt"), errors="replace") as f:
        dmesg = f.read()
    run.expect(panic_line, dmesg, "makedumpfile --dump-dmesg")
    host(run, ["makedumpfile", "-c", "-d", "31", vmcore, "vmcore.d31"],
         "makedumpfile-filter")
    filtered = os.path.getsize(os.path.join(run.workdir, "vmcore.d31"))
    os.unlink(os.path.join(run.workdir, "vmcore.d31"))
    if filtered > 64 << 20:
        raise CheckFailed("makedumpfile -c -d 31 left %d bytes" % filtered)
    with open(vmcore, "rb") as f:
        hdr = f.read(1 << 16)
    info = {}
    for name, _, desc in elf_notes(hdr):
        if name == "VMCOREINFO":
            info = dict(line.split("=", 1) for line in
                        desc.decode("latin-1").splitlines() if "=" in line)
    run.data["vmcoreinfo"] = info
    offset = info.get("KERNELOFFSET", "0")
    vmlinux = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(run.kernel)))), "vmlinux")
    if built_without_dwarf(vmlinux):
        # the debug build (crash-debug.config); gdb reads the normal one's
        with open(os.path.join(run.workdir, "gdb.out"), "w") as f:
            f.write("not run: %s was built without debug information\n"
                    % vmlinux)
        return dmesg
    out = host(run, ["gdb", "-batch", "-nx",
                     "-ex", "symbol-file -o 0x%s %s" % (offset, vmlinux),
                     "-ex", "core-file %s" % vmcore,
                     "-ex", "p init_uts_ns.name.release",
                     "-ex", "info threads",
                     "-ex", crashing_task_printf(offset)], "gdb")
    if '"%s"' % release not in out:
        raise CheckFailed("gdb read %r, not the release %s"
                          % (out.strip()[-200:], release))
    run.data["gdb"] = (vmlinux, offset, vmcore, None, out)
    if not task:
        return dmesg
    # a thread per CPU note, one of them the panicking task
    # the first CPU line after the guest said it crashes (a slow debug
    # guest may have dumped another task earlier: an RCU stall at boot)
    crashing = run.expect(r"^E2E: crashing with ").end()
    pid = run.expect(r"CPU: \d+ UID: \d+ PID: (\d+) Comm: ",
                     run.log[crashing:]).group(1)
    if not re.search(r"\b(LWP|process) %s\b" % pid, out):
        raise CheckFailed("gdb has no thread for the panicking PID %s: %r"
                          % (pid, out.strip()[-300:]))
    task = re.search(r"^crashing cpu=(\d+) pid=(\d+) comm=(.*)$", out, re.M)
    if not task:
        raise CheckFailed("gdb did not print the crashing task: %r"
                          % out.strip()[-300:])
    if task.group(3) != CRASHING_COMM or task.group(2) != pid:
        raise CheckFailed("gdb: CPU %s's current task is PID %s %r, not "
                          "PID %s %r" % (task.group(1), task.group(2),
                                         task.group(3), pid, CRASHING_COMM))
    run.data["gdb"] = (vmlinux, offset, vmcore, pid, out)
    return dmesg


capture_scenario("kdump-capture", "kexec -p -s", "PANIC")
capture_scenario("kdump-capture-sysrq", "kexec -p", "sysrq", mem="512M")


def capture_ssh(run, dmesg):
    run.expect(r"mkcapture: failed: writing to ssh:nobody@10\.0\.2\.2:")
    # 400 MiB through QEMU's user network take more than 2 s
    if not run.data["progress"]:
        raise CheckFailed("mkcapture said nothing of its progress")
    log = os.path.join(run.workdir, "sshd", "sshd.log")
    with open(log, errors="replace") as f:
        run.expect(r"User nobody from 127\.0\.0\.1 not allowed", f.read(),
                   "sshd's log")


capture_scenario(
    "kdump-capture-ssh", "kexec -p -s", "PANIC", mem="512M",
    targets=("ssh:STRANGER", "ssh:HOST"), extra=capture_ssh,
    doc="mkcapture's ssh: targets, into Debian's sshd on the host: the "
    "first logs in as a user the server refuses, and fails with a line; "
    "the second writes the whole /proc/vmcore as DIR/TIME/vmcore (saying "
    "how far it got every 2 s), the path the console names, with no .part left, read on the host as "
    "kdump-capture's dump is (readelf, makedumpfile, gdb).")


def build_dir(run):
    """The build directory of @run's kernel (its modules are there)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(run.kernel))))


def capture_modules(run, dmesg):
    run.expect_in_order(r"Run /init as init process",
                        r"nand: device found",
                        r"mkcapture: loaded modules nand nandsim$",
                        r"mkcapture: saved /proc/vmcore")


capture_scenario(
    "kdump-capture-modules", "kexec -p -s", "PANIC", mem="512M",
    args=lambda run: ["-r", build_dir(run), "-M", "nandsim"],
    extra=capture_modules, doc="mkcapture -M: the capture initramfs "
    "carries nandsim.ko and nand.ko, which it depends on, from the "
    "kernel's build; the capture kernel loads nand, then nandsim (which "
    "finds its simulated chip), before it saves the dump, which is read "
    "on the host as kdump-capture's.")


# A guest whose memory is mostly free, 256 MiB of page cache (a file in
# its tmpfs) and some 60 MiB of a process's anonymous memory, none of it
# zeroes.
FILL_MEMORY = """
	yes abcdefghijklmnop | head -c 268435456 > /tmp/cache
	awk 'BEGIN { while (i++ < 400000) a[i] = sprintf("%0100d", i)
		system("touch /tmp/filled; exec sleep 100000") }' &
	while [ ! -e /tmp/filled ]; do sleep 1; done
"""
# Pages of known contents: one in use, four blocks freed (what
# vmcore_filter_test.c does), just before the crash
KNOWN_PAGES = FILL_MEMORY + """
	insmod /lib/modules/vmcore_filter_test.ko
"""
FILTER_TEST = (r"vmcore_filter_test: kept (0x[0-9a-f]+) freed (0x[0-9a-f]+) "
               r"(0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) \(order (\d+)\)")
FILTER_LINE = (r"vmcore: exclude=(\d+): keeps (\d+) of (\d+) MiB in \d+ "
               r"PT_LOADs; left out MiB: free (\d+), cache (\d+), "
               r"cache-private (\d+), user (\d+), zero (\d+)")


def capture_filtered(run, dmesg, near_makedumpfile=True):
    """kdump-filter's checks; @near_makedumpfile: the dump within 10% of
    what makedumpfile -E -d 31 makes of it."""
    m = run.expect(FILTER_LINE)
    level, kept, total, free, cache, _, user, _ = map(int, m.groups())
    saved = int(run.expect(r"mkcapture: saved /proc/vmcore \((\d+) bytes\)"
                           ).group(1))
    if level != 31 or cache < 200 or user < 30 or free < total // 2:
        raise CheckFailed("the filter left out too little: %s" % m.group(0))
    # the kernel image is in the file twice (its own PT_LOAD, and RAM's)
    if saved > (kept + 40) << 20 or saved > (total << 20) // 4:
        raise CheckFailed("%d bytes saved, %d MiB kept of %d"
                          % (saved, kept, total))
    # makedumpfile -d 31 finds little more to leave out of it
    vmcore = os.path.join(run.workdir, "vmcore.img")
    if near_makedumpfile:
        host(run, ["makedumpfile", "-E", "-d", "31", vmcore, "vmcore.E"],
             "makedumpfile-E")
        theirs = os.path.getsize(os.path.join(run.workdir, "vmcore.E"))
        os.unlink(os.path.join(run.workdir, "vmcore.E"))
        if saved > theirs * 1.1:
            raise CheckFailed("%d bytes saved, makedumpfile -E -d 31 "
                              "writes %d" % (saved, theirs))
    # the test module's page is there, its freed blocks are not
    m = run.expect(FILTER_TEST)
    kept, freed = int(m.group(1), 16), [int(a, 16) for a in m.groups()[1:5]]
    block = 4096 << int(m.group(6))
    if dump_bytes(vmcore, kept) != b"filter-test-kept" * 256:
        raise CheckFailed("the page in use at %#x is not in the dump with "
                          "its contents" % kept)
    for paddr in freed:
        for page in range(paddr, paddr + block, 4096):
            if dump_bytes(vmcore, page, 16) is not None:
                raise CheckFailed("the freed page at %#x is in the dump"
                                  % page)


capture_scenario(
    "kdump-filter", "kexec -p -s", "PANIC", mem="4G", kernels=PATCHED,
    first=KNOWN_PAGES, args=lambda run: ["-x", "31"],
    extra=capture_filtered,
    doc="A 4 GiB guest, mostly free, with 256 MiB of page cache and a "
    "process's anonymous memory, crashes; the capture initramfs of "
    "mkcapture -x 31 sets vmcore.exclude to 31, which leaves free, "
    "cache, user and zero pages out of /proc/vmcore, and the dump it "
    "saves is a quarter of RAM at most and within 10% of what "
    "makedumpfile -E -d 31 makes of it; it holds the page "
    "vmcore_filter_test keeps in use, with its contents, and none of the "
    "blocks it freed; it is read as kdump-capture's is (readelf, "
    "makedumpfile --dump-dmesg, gdb with the panicking task).")


# Memory plugged in and out at run time.  Once the capture kernel is
# loaded, the guest asks for a 1 GiB DIMM, which QEMU's monitor plugs in
# and the guest onlines for the kernel, then for a 512 MiB one, onlined
# movable, offlined and unplugged again.  Booted with 1 GiB, all below 4 GiB, the
# guest has no ZONE_NORMAL but the first DIMM's, so the kernel's own
# allocations go there from then on, the test module's page in use too.
DIMMS = (("online_kernel", 1024), ("online_movable", 512))
PLUG_MEMORY = """
	mem=/sys/devices/system/memory
	plug() {
		echo "E2E: plug $2 MiB"
		last=
		want=$(($2 * 1048576 / 0x$(cat $mem/block_size_bytes))) n=0
		until [ "$(grep -l offline $mem/memory*/state | wc -l)" -ge $want ]
		do
			n=$((n + 1))
			[ $n -le 60 ] || { echo "E2E: no memory was added"; break; }
			sleep 1
		done
		for f in $(grep -l offline $mem/memory*/state); do
			echo $1 > $f &&
				echo "E2E: $1 block 0x$(cat ${f%%/state}/phys_index)"
			last="$last $f"
		done
	}
	plug %s %d
	blocks=$(ls -d $mem/memory* | wc -l)
	plug %s %d
	for f in $last; do
		echo offline > $f || echo "E2E: cannot offline $f"
	done
	echo "E2E: unplug"
	n=0
	until [ "$(ls -d $mem/memory* | wc -l)" -eq $blocks ]; do
		n=$((n + 1))
		[ $n -le 60 ] || { echo "E2E: the DIMM stayed"; break; }
		sleep 1
	done
	[ $n -le 60 ] && echo "E2E: unplugged"
	echo "E2E: ELF header segment $(cat /sys/kernel/crash_elfcorehdr_size)" \
		"$(cat /sys/kernel/kexec/crash_elfcorehdr_size)"
""" % (DIMMS[0] + DIMMS[1])


def plug_dimms(run, guest):
    """Plug in each DIMM the guest asks for, and unplug the last one."""
    at = 0
    for i, (_, mib) in enumerate(DIMMS):
        at = guest.wait_for(r"^E2E: plug %d MiB$" % mib, 120, at).end()
        for cmd in ("object_add memory-backend-ram,id=hot%d,size=%dM"
                    % (i, mib),
                    "device_add pc-dimm,id=dimm%d,memdev=hot%d" % (i, i)):
            out = guest.monitor(cmd)
            if out.strip():
                raise CheckFailed("QEMU's %s: %r" % (cmd, out.strip()))
    guest.wait_for(r"^E2E: unplug$", 120, at)
    out = guest.monitor("device_del dimm%d" % (len(DIMMS) - 1))
    if out.strip():
        raise CheckFailed("QEMU's device_del: %r" % out.strip())


def dimm_range(run, how, mib, bs):
    """[start, end) of the DIMM of @mib MiB the guest onlined with @how,
    in blocks of @bs bytes."""
    blocks = [int(b, 16) * bs for b in
              re.findall(r"^E2E: %s block 0x([0-9a-f]+)$" % how, run.log,
                         re.M)]
    if len(blocks) * bs != mib << 20:
        raise CheckFailed("%d blocks of %d MiB %s, not a DIMM's %d MiB"
                          % (len(blocks), bs >> 20, how, mib))
    return min(blocks), min(blocks) + (mib << 20)


def capture_hotplug(run, dmesg):
    (how, mib), (gone_how, gone_mib) = DIMMS
    bs = int(run.expect(r"Memory block size: (\d+)MB").group(1)) << 20
    start, end = dimm_range(run, how, mib, bs)
    gone = dimm_range(run, gone_how, gone_mib, bs)
    run.expect(r"^E2E: unplugged$")
    # upstream's file and ours: the size kexec-tools pads a header to
    sizes = run.expect(r"^E2E: ELF header segment (\d+) (\d+)$").groups()
    if sizes[0] != sizes[1] or not int(sizes[0]):
        raise CheckFailed("crash_elfcorehdr_size: %s in /sys/kernel, %s in "
                          "/sys/kernel/kexec" % sizes)
    # the capture kernel adds the DIMM's memory too, and keeps it offline
    # (onlining it at the add stops at the first block refused)
    boot2 = run.expect(r"^E2E: crashing with").end()
    run.expect(r"vmcore: not onlining \[mem %#018x-%#018x\]: the crashed "
               r"kernel's memory, in its dump$" % (start, start + bs - 1),
               run.log[boot2:])
    total = int(run.expect(FILTER_LINE).group(3))
    # 1 GiB at boot and the DIMM left in, less the crash region and holes
    if not 1024 + mib - 256 <= total <= 1024 + mib:
        raise CheckFailed("the capture kernel's /proc/vmcore covers %d MiB, "
                          "not the 1 GiB of boot and the %d MiB DIMM left in "
                          "(less the crash region): its ELF header did not "
                          "follow the hotplug" % (total, mib))
    kept = int(run.expect(FILTER_TEST).group(1), 16)
    if not start <= kept < end:
        raise CheckFailed("the test module's page at %#x is not in the "
                          "DIMM's memory [%#x, %#x)" % (kept, start, end))
    # 60 to 110 MiB kept, and the kernel image's own 16 MiB PT_LOAD, kept
    # whole, where makedumpfile -E cuts 6 MiB of zero pages out of it:
    # not always within 10% of its dump
    capture_filtered(run, dmesg, near_makedumpfile=False)
    vmcore = os.path.join(run.workdir, "vmcore.img")

    def bytes_in(lo, hi):
        return sum(min(pa + size, hi) - max(pa, lo)
                   for pa, size, _ in dump_loads(vmcore)
                   if pa < hi and pa + size > lo)
    # the DIMM's free, cache and user pages are left out: its struct
    # pages were in the crashed kernel's table
    if bytes_in(start, end) > 64 << 20:
        raise CheckFailed("the dump keeps %d MiB of the DIMM's %d"
                          % (bytes_in(start, end) >> 20, mib))
    if bytes_in(*gone):
        raise CheckFailed("the dump has %d bytes of the unplugged DIMM"
                          % bytes_in(*gone))


capture_scenario(
    "kdump-hotplug", "kexec -p -s", "PANIC", mem="1G,slots=2,maxmem=3G",
    kernels=PATCHED, before=PLUG_MEMORY + KNOWN_PAGES,
    append="memhp_default_state=online",
    args=lambda run: ["-x", "31"], during=plug_dimms, extra=capture_hotplug,
    doc="Memory hot-plugged before the crash: with the capture kernel "
    "loaded, QEMU's monitor plugs a 1 GiB DIMM into a 1 GiB guest, which "
    "onlines it for the kernel, and a 512 MiB one, onlined movable, "
    "offlined and unplugged again (each change rewrites the loaded "
    "image's ELF header, which describes online memory only; "
    "/sys/kernel/kexec/crash_elfcorehdr_size says what "
    "/sys/kernel/crash_elfcorehdr_size does); then kdump-filter's page cache, process and test module, "
    "whose page in use lands in the first DIMM, and LKDTM PANIC.  The "
    "capture kernel, told to online hot-plugged memory, adds the first "
    "DIMM's and refuses to online it; its /proc/vmcore "
    "covers the boot memory and the first DIMM, not the unplugged one; "
    "the dump mkcapture -x 31 saves holds "
    "the module's page with its contents and no more than 64 MiB of the "
    "DIMM (its free, cache and user pages are left out: the crashed "
    "kernel's memmap table has its sections), and passes kdump-filter's "
    "checks but the size next to makedumpfile's (a dump this small can be "
    "more than 10% larger: the kernel image's own PT_LOAD keeps its zero "
    "pages).")


def slow_disk(run):
    """kexec_disk, and a disk QEMU reads at 1 MiB/s: each 4 MiB O_DIRECT
    read is a DMA into the reader's pages about 4 s after it was issued."""
    kexec_disk(run)
    path = os.path.join(run.workdir, "slow.img")
    with open(path, "wb") as f:
        f.truncate(64 * M)
    run.data["qemu_args"] = [
        "-drive", "file=%s,format=raw,if=virtio,cache=unsafe,index=2,"
        "id=slow,throttling.bps-read=%d" % (path, M)]


def slow_reads(guest):
    """Reads the slow disk has completed, from QEMU's monitor."""
    m = re.search(r"^slow: .*\brd_operations=(\d+)",
                  guest.monitor("info blockstats"), re.M)
    return int(m.group(1)) if m else -1


def dma_after_crash(run, guest):
    """Host seconds (QEMU's clock) from the crash to the end of the read
    the dying kernel left in flight, and to the capture kernel's adding
    the lent range."""
    crash = guest.wait_for(r"^E2E: crashing with", 120)
    reads = slow_reads(guest)
    t0 = guest.elapsed()
    while slow_reads(guest) == reads and guest.elapsed() - t0 < 60:
        time.sleep(0.1)
    run.data["dma_done"] = guest.elapsed() - t0
    guest.wait_for(r"added the crashed kernel's crashkernel=,cma", 120,
                   crash.end())
    run.data["cma_added"] = guest.elapsed() - t0
    with open(os.path.join(run.workdir, "dma.txt"), "w") as f:
        f.write("read ended %.2f s after the crash, range added after "
                "%.2f s\n" % (run.data["dma_done"], run.data["cma_added"]))


@scenario("kdump-cma", cmdline="crashkernel=192M crashkernel=256M,cma",
          kernels=PATCHED, timeout=300, mem="2G", disks=(("kexec.img", 64),),
          setup=slow_disk, during=dma_after_crash, guest="""
boot1() {
	%s
	range=$(dmesg | sed -n 's/.*MiB at 0x\\([0-9a-f]*\\)-0x\\([0-9a-f]*\\) lent.*/\\1 \\2/p')
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s" || exit
	# user pages a device writes into, in flight at the crash
	dma-into /dev/vdc $range > /tmp/dma.log &
	i=0
	until grep -q "dma-read 1" /tmp/dma.log || [ $i -ge 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sed 's/^/E2E: result /' /tmp/dma.log
	e2e_crash PANIC
}
boot2() {
	e2e_result capture=$(grep -o 'crash_cma=[0-9a-fx@]*' /proc/cmdline)
	dd if=/proc/vmcore of=/tmp/hdr bs=4096 count=4 2>/dev/null
	(cd /tmp && e2e_output hdr)
	i=0
	until dmesg | grep -q "added the crashed kernel's" || [ $i -ge 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
	e2e_result total=$(awk '/MemTotal/ {print $2 * 1024}' /proc/meminfo)
	# more than the 192 MiB the capture kernel booted in
	mount -o remount,size=320M /tmp 2>/dev/null
	dd if=/dev/zero of=/tmp/fill bs=1M count=250 2>/dev/null &&
		e2e_result filled=$(stat -c %%s /tmp/fill)
}
""" % (MOVABLE, CAPTURE_APPEND))
def kdump_cma(run):
    m = run.expect(r"crashkernel: 256 MiB at 0x([0-9a-f]+)-0x([0-9a-f]+) "
                   r"lent to movable allocations until a crash")
    start, end = int(m.group(1), 16), int(m.group(2), 16)
    run.expect(r"^E2E: result movable=65536$")
    # the whole DMA buffer in the lent range, read once before the crash
    run.expect(r"^E2E: result dma-buffer in=1024 of=1024 first=0x[0-9a-f]+$")
    run.expect(r"^E2E: result dma-read 1$")
    run.expect(r"^E2E: result capture=crash_cma=0x%x@0x%x$"
               % (end - start + 1, start))
    hdr = run.outputs.get("hdr", b"")
    check_vmcore_notes(run, hdr)
    inside = [(pa, sz) for pa, sz, _ in dump_loads_of(hdr)
              if pa <= end and pa + sz > start]
    if inside:
        raise CheckFailed("/proc/vmcore has the lent range: %s" % inside)
    run.expect(r"the crashed kernel's crashkernel=,cma \(256 MiB\) is "
               r"added 10 s after boot")
    after = run.expect(r"added the crashed kernel's crashkernel=,cma: 256 "
                       r"MiB at 0x%x-0x%x, (\d+) s after boot"
                       % (start, end)).group(1)
    if int(after) < 10:
        raise CheckFailed("the range was added %s s after boot" % after)
    # the 192 MiB region (less what the kernel keeps) and the 256 MiB
    total = int(run.expect(r"^E2E: result total=(\d+)$").group(1))
    if not 256 * M < total <= 448 * M:
        raise CheckFailed("the capture kernel has %d MiB" % (total // M))
    run.expect(r"^E2E: result filled=262144000$")
    # the dying kernel's read ended after the crash, before the range
    # was taken
    done, added = run.data["dma_done"], run.data["cma_added"]
    if not 0 < done < added:
        raise CheckFailed("the read in flight ended %.1f s after the crash, "
                          "the range was added after %.1f s" % (done, added))


kdump_cma.__doc__ = (
    "crashkernel=192M crashkernel=256M,cma on 2 GiB: the first kernel "
    "has 256 MiB of ZONE_MOVABLE; a program's pages, all in that range "
    "(from /proc/self/pagemap), are read into with O_DIRECT from a disk "
    "QEMU throttles to 1 MiB/s, and LKDTM PANIC comes while a 4 MiB read "
    "is in flight.  The capture kernel gets crash_cma=SIZE@ADDR, its "
    "/proc/vmcore leaves the range out, the read ends (QEMU's blockstats) "
    "after the crash and before the capture kernel adds the range, 10 s "
    "after its boot; MemTotal then has them and 250 MiB of tmpfs "
    "fit, more than the 192 MiB it booted in.")


EXCLUDE = "/sys/module/vmcore/parameters/exclude"


@scenario("vmcore-exclude", cmdline="crashkernel=128M", kernels=PATCHED,
          timeout=240, disks=(("kexec.img", 64),), setup=kexec_disk,
          guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd \
		--append="%s vmcore.exclude=user" || exit
	e2e_crash PANIC
}
boot2() {
	e2e_result level=$(cat %s)
	before=$(stat -c %%s /proc/vmcore)
	echo 32 > %s; e2e_result bad=$?
	echo zero,free > %s; e2e_result set=$? now=$(cat %s)
	dd if=/proc/vmcore of=/tmp/hdr bs=4096 count=64 2>/dev/null
	e2e_result sizes $before $(stat -c %%s /proc/vmcore)
	echo 0 > %s; e2e_result late=$? still=$(cat %s)
	cd /tmp && e2e_output hdr
}
""" % ((CAPTURE_APPEND,) + (EXCLUDE,) * 6))
def vmcore_exclude(run):
    """vmcore.exclude= on the capture kernel's command line, by name,
    filters /proc/vmcore at boot; the sysfs file refuses a bad level,
    filters again at another one (the file shrinks to the pages kept)
    until /proc/vmcore is opened, and refuses any change after; the
    filtered file's header has the notes and split PT_LOADs."""
    run.expect(r"^E2E: result level=8$")
    run.expect(r"vmcore: exclude=8: keeps \d+ of \d+ MiB in \d+ PT_LOADs")
    run.expect(r"^E2E: result bad=[1-9]")
    run.expect(r"vmcore: exclude=32: not a dump level")
    run.expect(r"^E2E: result set=0 now=17$")
    m = run.expect(r"vmcore: exclude=17: keeps (\d+) of (\d+) MiB in "
                   r"(\d+) PT_LOADs")
    kept, total, loads = map(int, m.groups())
    before, after = map(int, run.expect(
        r"^E2E: result sizes (\d+) (\d+)$").groups())
    if not after < before // 2 or not kept < total // 2 or loads < 2:
        raise CheckFailed("zero,free kept %d of %d MiB in %d PT_LOADs; the "
                          "file went from %d to %d bytes"
                          % (kept, total, loads, before, after))
    run.expect(r"^E2E: result late=[1-9]\d* still=17$")
    run.expect(r"vmcore: exclude=0: /proc/vmcore was opened already: the "
               r"level stays 17")
    run.expect_not(r"WARNING:|BUG:")
    hdr = run.outputs.get("hdr", b"")
    check_vmcore_notes(run, hdr)
    phnum, = struct.unpack_from("<H", hdr, 56)
    if phnum != loads + 1:
        raise CheckFailed("%d program headers, not %d PT_LOADs and a "
                          "PT_NOTE" % (phnum, loads))


def capture_fallback(run, dmesg):
    run.expect(r"mkcapture: failed: writing to net:10\.0\.2\.2:\d+$")
    run.expect(r"mkcapture: failed: no block device /dev/vdz$")
    run.expect_not(r"no target took the dump")


capture_scenario(
    "kdump-capture-fallback", "kexec -p -s", "PANIC", mem="512M",
    targets=("net:CLOSED", "dev:/dev/vdz", "dev:/dev/vdc"),
    extra=capture_fallback, doc="A capture initramfs with three targets: "
    "a TCP port nobody listens on, a disk that is not there and the "
    "disk; the first two fail with a line each and the dump is saved "
    "whole to the third, read on the host as kdump-capture's is.")


@scenario("kdump-capture-no-target", cmdline="crashkernel=128M",
          timeout=240, net=True, disks=(("kexec.img", 64),),
          until=r"reboot: Power down",
          setup=lambda run: capture_disk(run, ("net:CLOSED",),
                                         ("-F", "poweroff")),
          guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage capture
	kexec -p -s /tmp/bzImage --initrd=/tmp/capture --append="%s" || exit
	e2e_crash PANIC
}
""" % CAPTURE_APPEND)
def kdump_capture_no_target(run):
    """No target takes the dump (mkcapture -F poweroff, one TCP target
    nobody listens on): the capture kernel says so and powers the machine
    off instead of rebooting into the first kernel."""
    run.expect_in_order(r"mkcapture: failed: writing to net:",
                        r"mkcapture: no target took the dump; poweroff",
                        r"reboot: Power down")
    if len(run.boots) != 2:
        raise CheckFailed("%d kernels booted, not 2: no power-off"
                          % len(run.boots))
capture_scenario("kdump-capture-bug", "kexec -p -s", "BUG", mem="512M",
                 cmdline="crashkernel=128M oops=panic")
capture_scenario("kdump-capture-exception", "kexec -p", "EXCEPTION",
                 mem="512M", cmdline="crashkernel=128M oops=panic")
def shrink_wrap_refused(run, dmesg):
    """Refused with EINVAL, the region unchanged, and the capture kernel
    loaded afterwards saved the dump (checked by check_capture())."""
    for v in ("18446744073709551615", "18446744073709547521"):
        run.expect(r"^E2E: result %s: .*Invalid argument$" % v)
    run.expect(r"^E2E: result size=67108864$")


capture_scenario(
    "crashkernel-shrink-wrap", "kexec -p -s", "sysrq", mem="512M",
    cmdline="crashkernel=64M", kernels=PATCHED, extra=shrink_wrap_refused,
    first="""for v in 18446744073709551615 18446744073709547521; do
		e2e_result $v: $(sh -c "echo $v > /sys/kernel/kexec_crash_size" 2>&1)
	done
	e2e_result size=$(cat /sys/kernel/kexec_crash_size)""",
    doc="/sys/kernel/kexec_crash_size with the two values upstream's "
    "roundup() wraps to 0 (freeing the whole reservation there): each is "
    "refused with EINVAL, the reservation keeps its 64 MiB, and a capture "
    "kernel loaded afterwards saves the dump of a sysrq-c.")
capture_scenario(
    "kdump-capture-uefi", "kexec -p -s", "PANIC", uefi=True,
    doc="Under OVMF (UEFI): `kexec -p -s` loads the capture kernel with our "
    "loader, LKDTM PANIC, the capture kernel boots and saves /proc/vmcore, "
    "which readelf, makedumpfile and gdb read on the host.")


def panicking_frame(run):
    """(the symbol at the panicking task's pc, its backtrace) in the dump,
    with gdb."""
    vmlinux, offset, vmcore, pid, threads = run.data["gdb"]
    m = re.search(r"^\*?\s*(\d+)\s+(?:LWP|process) %s\b" % pid, threads,
                  re.M)
    if not m:
        raise CheckFailed("gdb lists no thread for PID %s" % pid)
    out = host(run, ["gdb", "-batch", "-nx",
                     "-ex", "symbol-file -o 0x%s %s" % (offset, vmlinux),
                     "-ex", "core-file %s" % vmcore,
                     "-ex", "thread %s" % m.group(1),
                     "-ex", "info symbol $pc",
                     "-ex", "printf \"sp=%lx\\n\", $sp",
                     "-ex", "bt 24"], "gdb-frame")
    sym = re.search(r"^(\w+) \+ \d+ in section \.text", out, re.M)
    sp = re.search(r"^sp=([0-9a-f]+)$", out, re.M)
    run.data["sp"] = int(sp.group(1), 16) if sp else 0
    return (sym.group(1) if sym else None), out


# A crash chain handler that misbehaves (crash_chain_fault_test) ahead of
# pstore, with kdump loaded: the capture kernel still gets the dump.
FAULT_MODULE = "insmod /lib/modules/crash_chain_fault_test.ko"
RAMOOPS_SMALL = ("memmap=1M$0x30000000 ramoops.mem_address=0x30000000 "
                 "ramoops.mem_size=0x100000 ramoops.record_size=0x10000")
HUNG_CMDLINE = ("crashkernel=128M crash_chain.persist_ms=2000 "
                + RAMOOPS_SMALL)


def hung_watched(run, dmesg):
    run.expect(r"crash_chain: fault-test-1 ran past its 2000 ms budget: "
               r"stopped after 20\d\d ms, off for the rest of this boot",
               dmesg, "the crashed kernel's log")
    run.expect_in_order(r"crash_chain:   persist  fault-test-1 +over-budget "
                        r"+20\d{5} us",
                        r"crash_chain:   persist  pstore:ramoops +ok",
                        r"crash_chain:   persist  fault-witness +ok",
                        text=dmesg, what="the crashed kernel's log")
    run.expect(r"crash_chain_fault_test: witness ran after the fault", dmesg,
               "the crashed kernel's log")


def hung_unwatched(run, dmesg):
    run.expect(r"crash_chain: no CPU can watch the budgets: handing off to "
               r"the capture kernel first", dmesg, "the crashed kernel's log")
    run.expect_not(r"fault-test-1: hang", dmesg, "the crashed kernel's log")


for _name, _fault, _smp, _check in (
        ("chain-hung-dumper", "hang", 2, hung_watched),
        ("chain-hung-dumper-irqs", "hang-irqs", 2, hung_watched),
        ("chain-hung-dumper-1cpu", "hang", 1, hung_unwatched)):
    capture_scenario(
        _name, "kexec -p -s", "sysrq", mem="512M", smp=_smp,
        cmdline=HUNG_CMDLINE, kernels=PATCHED, extra=_check,
        before="%s fault=%s" % (FAULT_MODULE, _fault),
        doc="A persist handler ahead of pstore that spins forever (%s), "
        "kdump loaded, sysrq-c, %d CPU(s): %s; the capture kernel saves "
        "the dump, which makedumpfile and gdb read." % (
            _fault, _smp, "the watchdog stops it after its budget, pstore "
            "and the rest of the chain run, the receipt in the dump's log "
            "says so" if _smp > 1 else "no CPU can watch, so the hand-off "
            "runs first and the hung handler never runs"))


def kmsg_hung(run, dmesg):
    """Ours: the watchdog stops the dumper after its budget, and the chain
    goes on to the hand-off.  Upstream: kdump runs before the dumpers, so
    the hung one never runs."""
    if run.kind != "patched":
        run.expect_not(r"kmsg_dump_hang: hanging", dmesg,
                       "the crashed kernel's log")
        return
    run.expect(r"kmsg_dump_hang: hanging in the panic dump on CPU \d+, "
               r"interrupts off", dmesg, "the crashed kernel's log")
    run.expect(r"crash_chain: kmsg_dump_hang.* ran past its 2000 ms "
               r"budget: stopped after 20\d\d ms", dmesg,
               "the crashed kernel's log")
    run.expect(r"crash_chain:   persist  kmsg_dump_hang.* +over-budget "
               r"+20\d{5} us", dmesg, "the crashed kernel's log")
    run.expect(r"crash_chain:   persist  pstore:ramoops +ok", dmesg,
               "the crashed kernel's log")


capture_scenario(
    "kmsg-hung-dumper", "kexec -p -s", "sysrq", mem="512M",
    cmdline=HUNG_CMDLINE, extra=kmsg_hung,
    before="insmod /lib/modules/kmsg_dump_hang.ko",
    doc="A kmsg dumper (upstream's kmsg_dump_register(), the same module "
    "on both kernels) that spins forever with interrupts off in its panic "
    "dump, kdump loaded, sysrq-c: on ours the watchdog stops it after its "
    "2 s budget, the receipt in the dump's log says so, and the capture "
    "kernel saves the dump; on upstream kdump runs first and the dumper "
    "never runs.  makedumpfile and gdb read the dump on both.")


def original_frame(want):
    """The panicking CPU's registers in the dump are those of the frame
    that crashed (its pc in @want), not of the handler that oopsed inside
    the panic run: that oops's stack pointer is below (nested in) theirs."""
    def check(run, dmesg):
        run.expect(r"persist  fault-test-1 +FAULT", dmesg,
                   "the crashed kernel's log")
        sym, out = panicking_frame(run)
        if sym != want:
            raise CheckFailed("the panicking CPU's pc is in %s, not in %s: "
                              "%s" % (sym, want, out[-600:]))
        oopses = re.findall(r"RIP: 0010:(\w+)\+[^\n]*\n(?:[^\n]*\n)?"
                            r"[^\n]*RSP: 0018:([0-9a-f]+)", dmesg)
        nested = [int(sp, 16) for rip, sp in oopses
                  if rip.startswith("crash_test_")]
        if not nested:
            raise CheckFailed("no oops of the handler in the log: %s"
                              % oopses)
        if run.data["sp"] <= nested[-1]:
            raise CheckFailed("the panicking CPU's sp %#x is not above the "
                              "handler's oops's %#x" % (run.data["sp"],
                                                        nested[-1]))
    return check


capture_scenario(
    "chain-fault-regs-bug", "kexec -p -s", "BUG", mem="512M",
    cmdline="crashkernel=128M oops=panic", kernels=PATCHED,
    before=FAULT_MODULE + " fault=oops", extra=original_frame("lkdtm_BUG"),
    doc="A handler oopses inside the chain's runs of a fatal BUG: in the "
    "dump, gdb finds the panicking CPU at the BUG in lkdtm_BUG, not in the "
    "handler that oopsed later.")
capture_scenario(
    "chain-fault-regs-panic", "kexec -p -s", "PANIC", mem="512M",
    kernels=PATCHED, before=FAULT_MODULE + " fault=oops",
    extra=original_frame("crash_chain_run_stages"),
    doc="A handler oopses inside a panic run: in the dump, gdb finds the "
    "panicking CPU in the frame panic() called into the chain from (the "
    "hand-off ran in the oops's frame, nested below it), not at the "
    "handler's fault.")


def raced(run, dmesg):
    run.expect_in_order(
        r"crash_chain_fault_test: fault-test-1: stalling 6000 ms in an oops "
        r"run on CPU (\d)",
        r"Kernel panic - not syncing: sysrq triggered crash",
        r"crash_chain: panic on CPU \d takes over the chain from CPU \d",
        r"crash_chain: fault-test-1 was running on a CPU that had to be "
        r"stopped",
        r"crash_chain:   persist  fault-test-1 +stopped",
        r"crash_chain:   persist  pstore:ramoops +ok",
        text=dmesg, what="the crashed kernel's log")
    run.expect_not(r"stall over", dmesg, "the crashed kernel's log")


capture_scenario(
    "chain-oops-panic-race", "kexec -p -s", "sysrq", mem="512M",
    cmdline="crashkernel=128M " + RAMOOPS_SMALL, kernels=PATCHED,
    task=False, extra=raced,
    before=FAULT_MODULE + " fault=stall stall_ms=6000\n"
    "\t(e2e_crash EXCEPTION) &\n\tsleep 1",
    doc="An oops run stuck in a handler on one CPU while sysrq-c panics "
    "the other: the panic waits for it to yield, stops it, runs the chain "
    "alone (the stuck handler recorded as stopped) and the capture kernel "
    "saves the dump.")


def capture_net(run):
    """A capture initramfs that sends the filtered dump to a TCP receiver
    on the host, and the receiver."""
    rx = receiver.TcpReceiver(os.path.join(run.workdir, "vmcore.flat"))
    run.data["tcp"] = rx
    capture = os.path.join(run.workdir, "capture.img")
    subprocess.run([MKCAPTURE, "-o", capture, "-f", "-t",
                    "net:10.0.2.2:%d" % rx.port, "-n", "10.0.2.15/24,10.0.2.2"],
                   check=True, capture_output=True)
    write_kexec_disk(run, capture, "capture")


@scenario("kdump-capture-net", cmdline="crashkernel=160M", timeout=300,
          net=True, disks=(("kexec.img", 64),), setup=capture_net,
          teardown=lambda run: run.data["tcp"].stop(0), guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage capture
	kexec -p -s /tmp/bzImage --initrd=/tmp/capture --append="%s" || exit
	e2e_crash PANIC
}
boot2() {
	:
}
""" % CAPTURE_APPEND)
def kdump_capture_net(run):
    """mkcapture -f -t net:...: the capture kernel filters the dump with
    makedumpfile and sends it over TCP; on the host makedumpfile -R
    rebuilds it and --dump-dmesg finds the panic in it."""
    run.expect(r"mkcapture: saved /proc/vmcore \(\d+ bytes\) to "
               r"net:10\.0\.2\.2:\d+")
    got = run.data["tcp"].stop()
    if not got:
        raise CheckFailed("the receiver got nothing")
    flat_dmesg(run, os.path.join(run.workdir, "vmcore.flat"),
               r"Kernel panic - not syncing: dumptest", "the received dump")


def flat_dmesg(run, flat, panic, what):
    """The flattened dump @flat made whole by makedumpfile -R (as vmcore
    in @run's directory), and its log, from --dump-dmesg, holding
    @panic."""
    with open(flat, "rb") as f:
        p = subprocess.run(["makedumpfile", "-R", "vmcore"], stdin=f,
                           capture_output=True, text=True, cwd=run.workdir)
    if p.returncode:
        raise CheckFailed("makedumpfile -R failed: %s" % p.stderr[-300:])
    host(run, ["makedumpfile", "--dump-dmesg", "vmcore", "dmesg.txt"],
         "makedumpfile-dmesg")
    with open(os.path.join(run.workdir, "dmesg.txt"), errors="replace") as f:
        run.expect(panic, f.read(), "makedumpfile --dump-dmesg of " + what)


@scenario("kexec-damaged", kernels=PATCHED, timeout=240,
          disks=(("kexec.img", 64),), setup=kexec_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -l -s /tmp/bzImage --initrd=/tmp/initrd \\
		--append="console=ttyS0 panic=10 printk.time=1 e2e_second=1" || exit
	first=$(dmesg | sed -n 's/.*next kernel sealed: [0-9]* pages, the first at \\(0x[0-9a-f]*\\).*/\\1/p')
	e2e_result first=$first
	insmod /lib/modules/crash_stray_write_test.ko phys=$((first + 0x10))
	sync
	kexec -e
}
boot2() {
	e2e_result second=$(grep -c e2e_second=1 /proc/cmdline)
}
""")
def kexec_damaged(run):
    """A byte of a loaded kexec -e kernel changed by a stray write: the
    hand-off refuses to copy and enter it, says so, and the machine
    reboots through the firmware into this kernel instead."""
    run.expect(r"^E2E: result first=0x[0-9a-f]+$")
    run.expect(r"crash_stray_write_test: flipped the byte")
    run.expect_in_order(
        r"kexec_core: Starting new kernel",
        r"kexec: the next kernel changed since it was loaded: not jumping "
        r"to it, rebooting",
        r"E2E: boot 2",
        r"^E2E: result second=0$")


# 130 reserved pages in RAM, one memmap= of comma-separated ranges: the
# capture kernel's memory map has more than boot_params' 128 entries.
MANY_E820 = "memmap=" + ",".join("4K$%dM" % (64 + 2 * i) for i in range(130))


@scenario("kdump-many-e820", cmdline="crashkernel=128M " + MANY_E820,
          kernels=PATCHED, timeout=240, disks=(("kexec.img", 64),),
          setup=kexec_disk, guest="""
boot1() {
	e2e_result reserved=$(grep -c 'Reserved$' /proc/iomem)
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s" &&
		e2e_result loaded=$(cat /sys/kernel/kexec_crash_loaded)
	e2e_crash PANIC
}
boot2() {
	e2e_result vmcore=$(stat -c %%s /proc/vmcore)
}
""" % CAPTURE_APPEND)
def kdump_many_e820(run):
    """A capture kernel whose memory map has more entries than boot_params
    holds (130 memmap= reservations) loads, gets the rest as
    SETUP_E820_EXT setup_data, and boots to its /proc/vmcore."""
    n = int(run.expect(r"^E2E: result reserved=(\d+)$").group(1))
    if n < 130:
        raise CheckFailed("only %d reserved ranges in /proc/iomem" % n)
    run.expect(r"^E2E: result loaded=1$")
    run.expect_boots(2)
    run.expect(r"extended physical RAM map:", run.boots[1],
               "the capture kernel")
    run.expect(r"^E2E: result vmcore=[1-9]\d+$")


IMA = "/sys/kernel/security/ima/ascii_runtime_measurements"


@scenario("kexec-ima-e820", cmdline="crashkernel=128M " + MANY_E820,
          kernels=PATCHED, timeout=300, disks=(("kexec.img", 64),),
          setup=kexec_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s" &&
		e2e_result loaded=$(cat /sys/kernel/kexec_crash_loaded)
	e2e_crash PANIC
}
boot2() {
	mount -t securityfs none /sys/kernel/security
	e2e_result capture: ima=$(grep -c boot_aggregate %s)
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -l -s /tmp/bzImage --initrd=/tmp/initrd \\
		--append="console=ttyS0 panic=10 printk.time=1 e2e_third=1" &&
		e2e_result loaded=$(cat /sys/kernel/kexec_loaded)
	sync
	kexec -e
	e2e_result kexec -e returned $?
}
boot3() {
	mount -t securityfs none /sys/kernel/security
	e2e_result third: ima=$(grep -c boot_aggregate %s)
}
""" % (CAPTURE_APPEND, IMA, IMA))
def kexec_ima_e820(run):
    """`kexec -l -s` + `kexec -e` from a kernel whose own memory map has
    more than boot_params' 128 entries (a capture kernel, given them as
    SETUP_E820_EXT): the next kernel gets the long map again as
    SETUP_E820_EXT, and IMA's measurement list as SETUP_IMA: it lists the
    previous kernel's boot_aggregate before its own."""
    run.expect(r"^E2E: result loaded=1$")
    run.expect_boots(3)
    run.expect(r"^E2E: result capture: ima=1$")
    third = run.boots[2]
    run.expect(r"e2e_third=1", third, "the third kernel")
    run.expect(r"extended physical RAM map:", third, "the third kernel")
    n = len(re.findall(r"(?m)extended: \[mem ", third))
    if n <= 128:
        raise CheckFailed("the third kernel's extended map has %d entries"
                          % n)
    run.expect(r"^E2E: result third: ima=2$", third, "the third kernel")


@scenario("kexec-sysfs", cmdline="crashkernel=64M", kernels=PATCHED,
          timeout=240, disks=(("kexec.img", 64),), setup=kexec_disk,
          guest="""
# both NEW OLD: /sys/kernel/kexec/NEW and /sys/kernel/OLD
both() { echo "$(cat /sys/kernel/kexec/$1)/$(cat /sys/kernel/$2)"; }
state() {
	e2e_result $1 loaded=$(both loaded kexec_loaded) \\
		crash=$(both crash_loaded kexec_crash_loaded) \\
		size=$(both crash_size kexec_crash_size) \\
		hdr=$(both crash_elfcorehdr_size crash_elfcorehdr_size)
}
boot1() {
	e2e_result files $(ls /sys/kernel/kexec | tr '\\n' ' ')
	state before
	tar -xf /dev/vdb -C /tmp bzImage initrd
	kexec -p -s /tmp/bzImage --initrd=/tmp/initrd --append="%s"
	kexec -l -s /tmp/bzImage --initrd=/tmp/initrd --append="%s"
	state loaded
	echo 33554432 > /sys/kernel/kexec/crash_size 2>/dev/null ||
		e2e_result shrink-refused-while-loaded
	kexec -p -u
	kexec -u
	echo 33554432 > /sys/kernel/kexec/crash_size
	state shrunk
	echo 67108864 > /sys/kernel/kexec/crash_size 2>/dev/null ||
		e2e_result grow-refused
	echo junk > /sys/kernel/kexec/crash_size 2>/dev/null ||
		e2e_result junk-refused
}
""" % (CAPTURE_APPEND, CAPTURE_APPEND))
def kexec_sysfs(run):
    """/sys/kernel/kexec/ (upstream's newer home of kexec's sysfs files)
    agrees with the old files before a load, with a kernel and a capture
    kernel loaded, and after shrinking the reservation through its
    crash_size, which refuses to shrink under a loaded capture kernel,
    to grow, and a value that is not a number."""
    run.expect(r"^E2E: result files crash_elfcorehdr_size crash_loaded "
               r"crash_size loaded$")
    size = 64 * M
    run.expect(r"^E2E: result before loaded=0/0 crash=0/0 size=%d/%d "
               r"hdr=(\d+)/\1$" % (size, size))
    m = run.expect(r"^E2E: result loaded loaded=1/1 crash=1/1 size=%d/%d "
                   r"hdr=(\d+)/\1$" % (size, size))
    if int(m.group(1)) == 0:
        raise CheckFailed("no elfcorehdr size with a capture kernel loaded")
    run.expect(r"^E2E: result shrink-refused-while-loaded$")
    run.expect(r"^E2E: result shrunk loaded=0/0 crash=0/0 size=%d/%d "
               r"hdr=\d+/\d+$" % (32 * M, 32 * M))
    run.expect(r"^E2E: result grow-refused$")
    run.expect(r"^E2E: result junk-refused$")
