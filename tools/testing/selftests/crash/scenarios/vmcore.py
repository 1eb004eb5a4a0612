# SPDX-License-Identifier: GPL-2.0
"""/proc/vmcore from ELF core headers made on the host, valid and damaged.

QEMU's generic loader puts a made-up crashed kernel's memory (its ELF core
header, its notes and two PT_LOADs whose every 8-byte word holds its own
physical address) into a RAM range that memmap= keeps from the kernel,
and the kernel boots with elfcorehdr= pointing at it: a capture kernel
whose crashed kernel the test wrote byte by byte."""
import os
import re
import struct
import subprocess

from . import CheckFailed, scenario

PATCHED = ("patched",)
OLD = 0x38000000			# the made-up old memory: 16 MiB
NOTES = OLD + 0x1000
LOAD_A = (OLD + 0x100000, 0x40000)	# (paddr, size)
LOAD_B = (OLD + 0x200123, 0x2000)	# not page aligned
NT_PRSTATUS = 1
PRSTATUS_SIZE = 336
PR_REG = 112
CMDLINE = "nokaslr memmap=16M$0x%x" % OLD

GUEST = """
boot1() {
	if [ -e /proc/vmcore ]; then
		e2e_result vmcore=$(stat -c %s /proc/vmcore)
		e2e_result $(vmcore-mmap-cmp)
		e2e_result $(vmcore-edges)
		cp /proc/vmcore /tmp/vmcore && cd /tmp && e2e_output vmcore
	else
		e2e_result vmcore=none
	fi
}
"""


def pattern(paddr, size):
    """The contents of old memory: each 8-byte word is its own address."""
    first = paddr & ~7
    words = (size + (paddr - first) + 7) // 8
    data = b"".join(struct.pack("<Q", first + 8 * i) for i in range(words))
    return data[paddr - first:paddr - first + size]


def note(name, ntype, desc):
    name = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)  # noqa: E731
    return struct.pack("<III", len(name), len(desc), ntype) + pad(name) + \
        pad(desc)


def prstatus(cpu):
    desc = bytearray(PRSTATUS_SIZE)
    struct.pack_into("<I", desc, 32, 100 + cpu)		# pr_pid
    struct.pack_into("<Q", desc, PR_REG + 16 * 8, 0xffffffff81000000 + cpu)
    struct.pack_into("<Q", desc, PR_REG + 19 * 8, 0xffffc90000000000 + cpu)
    return note("CORE", NT_PRSTATUS, bytes(desc))


# 6.12's x86-64 struct page layout, as its VMCOREINFO gives it
LAYOUT = (b"SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=24\n"
          b"OFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n"
          b"OFFSET(page.compound_head)=8\nLENGTH(zone.free_area)=11\n"
          b"NUMBER(PG_lru)=5\nNUMBER(PG_private)=14\n"
          b"NUMBER(PG_swapcache)=10\nNUMBER(PG_swapbacked)=17\n"
          b"NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\n"
          b"NUMBER(PG_head_mask)=64\n"
          b"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n")
TABLE = OLD + 0x300000		# a memmap table, in a PT_LOAD of its own


def memmap_table():
    """A memmap table (kernel/crash/memmap.h) whose crc32 is wrong."""
    run = struct.pack("<QQQQ", 0, 0x100, OLD + 0x100000,
                      0xffffea0000000000)
    return struct.pack("<QIIII", 0x50414d4d454d5243, 64, (4096 - 24) // 32,
                       1, 0x12345678) + run


def old_memory(damage=None, info=b"OSRELEASE=made-up\n"):
    """The made-up old memory from OLD on, and what the kernel should find
    in it.  @damage: None, "header", "parts" or "table" (a damaged memmap
    table); @info: the VMCOREINFO's text."""
    if damage == "table":
        info += b"NUMBER(crash_memmap_paddr)=%d\n" % TABLE
        info += b"NUMBER(crash_memmap_size)=4096\n"
    segs = [prstatus(0), prstatus(1), note("VMCOREINFO", 0, info)]
    if damage == "parts":
        # the second CPU's note claims more than its segment holds
        bad = bytearray(segs[1])
        struct.pack_into("<I", bad, 4, 5000)
        segs[1] = bytes(bad)
    phdrs = []
    blob = bytearray(0x310000 if damage == "table" else 0x210000 + 0x2200)
    at = NOTES - OLD
    for s in segs:
        blob[at:at + len(s)] = s
        phdrs.append((4, OLD + at, 0, 1024, 1024))	# PT_NOTE, zero padded
        at += 1024
    loads = [LOAD_A, LOAD_B]
    if damage == "table":
        loads.append((TABLE, 0x1000))
        table = memmap_table()
        blob[TABLE - OLD:TABLE - OLD + len(table)] = table
    if damage == "parts":
        loads += [(1 << 52, 0x1000),			# beyond the address width
                  (0x1000000, 0x100000)]		# this kernel's own RAM
    for paddr, size in loads:
        if OLD <= paddr < OLD + len(blob) and paddr != TABLE:
            blob[paddr - OLD:paddr - OLD + size] = pattern(paddr, size)
        phdrs.append((1, paddr, (0xffff888000000000 + paddr) % (1 << 64), size,
                       size))
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    if damage == "header":
        ident = b"\x7fELG" + ident[4:]
    ehdr = ident + struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0,
                               64, 56, len(phdrs), 0, 0, 0)
    blob[:len(ehdr)] = ehdr
    for i, (ptype, paddr, vaddr, filesz, memsz) in enumerate(phdrs):
        struct.pack_into("<IIQQQQQQ", blob, 64 + 56 * i, ptype, 0, paddr,
                         vaddr, paddr, filesz, memsz, 0)
    return bytes(blob)


def loader(damage, info=b"OSRELEASE=made-up\n"):
    def setup(run):
        path = os.path.join(run.workdir, "old-memory.bin")
        with open(path, "wb") as f:
            f.write(old_memory(damage, info))
        run.data["qemu_args"] = ["-device", "loader,file=%s,addr=%#x,"
                                 "force-raw=on" % (path, OLD)]
    return setup


def no_oops(run):
    for bad in (r"^\s*\[[ .0-9]+\] (BUG|WARNING|Oops|Kernel panic)",):
        m = re.search(bad, run.log, re.M)
        if m:
            raise CheckFailed("the capture kernel said: %s" % m.group(0))


def saved_vmcore(run):
    data = run.outputs.get("vmcore")
    if not data:
        raise CheckFailed("the guest handed over no /proc/vmcore")
    path = os.path.join(run.workdir, "vmcore")
    with open(path, "wb") as f:
        f.write(data)
    return path, data


def readelf(path, opt):
    return subprocess.run(["readelf", "-W", opt, path], check=True,
                          capture_output=True, text=True).stdout


def check_loads(path, data, expect, hidden=None):
    """The PT_LOADs readelf lists are @expect, with their old contents at
    their p_offset, zeroes in the page at @hidden."""
    got = []
    for m in re.finditer(r"^\s*LOAD\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+"
                         r"(0x[0-9a-f]+)\s+(0x[0-9a-f]+)",
                         readelf(path, "-l"), re.M):
        offset, paddr, filesz = (int(x, 16) for x in m.groups())
        got.append((paddr, filesz))
        old = bytearray(pattern(paddr, filesz))
        if hidden is not None and paddr <= hidden < paddr + filesz:
            old[hidden - paddr:hidden - paddr + 4096] = bytes(4096)
        if data[offset:offset + filesz] != old:
            raise CheckFailed("PT_LOAD at %#x: the file at %#x does not "
                              "hold its old contents" % (paddr, offset))
    if got != expect:
        raise CheckFailed("PT_LOADs %s, expected %s" % (
            [(hex(a), hex(s)) for a, s in got],
            [(hex(a), hex(s)) for a, s in expect]))


def check_notes(path, cpus):
    notes = readelf(path, "-n")
    n = len(re.findall(r"^\s*CORE\s+0x[0-9a-f]+\s+NT_PRSTATUS", notes, re.M))
    if n != cpus:
        raise CheckFailed("readelf -n: %d NT_PRSTATUS notes, expected %d:\n%s"
                          % (n, cpus, notes))
    if not re.search(r"^\s*VMCOREINFO\s", notes, re.M):
        raise CheckFailed("readelf -n: no VMCOREINFO note:\n%s" % notes)


def check_file(run, cpus, loads, hidden=None):
    size = int(run.expect(r"^E2E: result vmcore=(\d+)$").group(1))
    run.expect(r"^E2E: result mmap=same bytes=%d$" % size)
    run.expect(r"^E2E: result edges=ok$")
    path, data = saved_vmcore(run)
    if len(data) != size:
        raise CheckFailed("read %d bytes of a %d-byte /proc/vmcore"
                          % (len(data), size))
    check_notes(path, cpus)
    check_loads(path, data, loads, hidden)


@scenario("vmcore-made-up", cmdline=CMDLINE + " elfcorehdr=0x%x" % OLD,
          setup=loader(None), guest=GUEST)
def vmcore_made_up(run):
    """/proc/vmcore from a header made on the host: readelf finds both
    CPUs' notes and VMCOREINFO merged, the PT_LOADs with the old contents
    at their offsets (one not page aligned), mmap() equals read(), and
    pread() and mmap() at and past the file's edges (vmcore-edges) give
    the bytes read() gave or EINVAL, EPERM for a writable shared map"""
    no_oops(run)
    check_file(run, 2, [LOAD_A, LOAD_B])


NOT_FILTERING = r"vmcore: exclude=31: not filtering, the dump keeps everything: "


@scenario("vmcore-exclude-no-layout", kernels=PATCHED, guest=GUEST,
          cmdline=CMDLINE + " elfcorehdr=0x%x vmcore.exclude=31" % OLD,
          setup=loader(None))
def vmcore_exclude_no_layout(run):
    """vmcore.exclude=31 with a crashed kernel whose VMCOREINFO has no
    struct page layout: one line says so, and /proc/vmcore is whole, as
    vmcore-made-up checks it"""
    run.expect(NOT_FILTERING + r"its VMCOREINFO has no usable SIZE\(page\)$")
    no_oops(run)
    check_file(run, 2, [LOAD_A, LOAD_B])


@scenario("vmcore-exclude-no-table", kernels=PATCHED, guest=GUEST,
          cmdline=CMDLINE + " elfcorehdr=0x%x vmcore.exclude=31" % OLD,
          setup=loader(None, LAYOUT))
def vmcore_exclude_no_table(run):
    """... a layout but no memmap table (a kernel without
    CONFIG_CRASH_MEMMAP): one line says so, /proc/vmcore is whole"""
    run.expect(NOT_FILTERING + r"the crashed kernel wrote no memmap table")
    no_oops(run)
    check_file(run, 2, [LOAD_A, LOAD_B])


@scenario("vmcore-exclude-bad-table", kernels=PATCHED, guest=GUEST,
          cmdline=CMDLINE + " elfcorehdr=0x%x vmcore.exclude=31" % OLD,
          setup=loader("table", LAYOUT))
def vmcore_exclude_bad_table(run):
    """... a memmap table whose crc32 does not match its runs: one line
    says it is damaged, and every PT_LOAD stays whole"""
    run.expect(NOT_FILTERING + r"its memmap table is damaged$")
    no_oops(run)
    path, data = saved_vmcore(run)
    loads = re.findall(r"^\s*LOAD\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+"
                       r"(0x[0-9a-f]+)\s+(0x[0-9a-f]+)",
                       readelf(path, "-l"), re.M)
    if [(int(a, 16), int(b, 16)) for a, b in loads] != \
            [LOAD_A, LOAD_B, (TABLE, 0x1000)]:
        raise CheckFailed("PT_LOADs %s: not the three whole ones" % loads)


@scenario("vmcore-bad-header", cmdline=CMDLINE + " elfcorehdr=4K@0x%x" % OLD,
          setup=loader("header"), guest=GUEST, kernels=PATCHED)
def vmcore_bad_header(run):
    """A header without ELF magic: no /proc/vmcore, a line saying why, no
    oops"""
    run.expect(r"vmcore: the ELF header at 0x%x is unusable: no ELF magic"
               % OLD)
    run.expect(r"vmcore: no /proc/vmcore: ")
    run.expect(r"^E2E: result vmcore=none$")
    no_oops(run)


@scenario("vmcore-huge-elfcorehdr", cmdline=CMDLINE + " elfcorehdr=1T@16M",
          guest="boot1() {\n\tgrep MemTotal /proc/meminfo | "
          "sed 's/^/E2E: result /'\n}\n", kernels=PATCHED)
def vmcore_huge_elfcorehdr(run):
    """elfcorehdr=1T@16M does not reserve everything above 16 MiB: a line
    says the size is beyond any header, the kernel boots as a plain one
    with all its RAM"""
    run.expect(r"vmcore: elfcorehdr=1T@16M: a 1048576 MiB header is more "
               r"than any crashed kernel needs \(4 MiB\): not a capture "
               r"kernel")
    total = int(run.expect(r"^E2E: result MemTotal: +(\d+) kB$").group(1))
    if total < 900 * 1024:
        raise CheckFailed("MemTotal %d kB: the RAM was reserved" % total)
    no_oops(run)


@scenario("vmcore-bad-parts", cmdline=CMDLINE + " elfcorehdr=0x%x" % OLD,
          setup=loader("parts"), guest=GUEST, kernels=PATCHED)
def vmcore_bad_parts(run):
    """A note that overruns its segment, a PT_LOAD beyond the physical
    address width and one over the capture kernel's own RAM: each left out
    with a line saying why; the rest of /proc/vmcore is intact"""
    run.expect(r"vmcore: program header 1: a note of type 0x1 \(5020 bytes\) "
               r"overruns the segment's 1024 bytes")
    run.expect(r"vmcore: program header 5: PT_LOAD 0x10000000000000-"
               r"0x10000000001000: beyond the physical address width: "
               r"left out")
    run.expect(r"vmcore: program header 6: PT_LOAD 0x1000000-0x1100000: "
               r"it overlaps this kernel's own RAM: left out")
    no_oops(run)
    check_file(run, 1, [LOAD_A, LOAD_B])


NT_VMCOREDD = 0x700
DD_SIZE = 10000
HIDDEN = LOAD_A[0] + 0x1000


@scenario("vmcore-device-dump", cmdline=CMDLINE + " elfcorehdr=0x%x" % OLD,
          setup=loader(None), kernels=PATCHED, guest="""
boot1() {
	insmod /lib/modules/vmcore_device_dump_test.ko name=e2e-dump size=%d \
		hide=%#x
	e2e_result vmcore=$(stat -c %%s /proc/vmcore)
	e2e_result $(vmcore-mmap-cmp)
	e2e_result $(vmcore-edges)
	cp /proc/vmcore /tmp/vmcore && cd /tmp && e2e_output vmcore
	rmmod vmcore_device_dump_test
	insmod /lib/modules/vmcore_device_dump_test.ko name=late ||
		e2e_result late=refused
}
""" % (DD_SIZE, HIDDEN >> 12))
def vmcore_device_dump(run):
    """A driver's device dump added before /proc/vmcore is opened becomes
    an NT_VMCOREDD note after the crashed kernel's, the PT_LOADs move
    along intact; a page a driver's callback says not to read reads as
    zeroes, through read() and mmap(); a dump added after the file was
    opened is refused"""
    from .kdump import elf_notes
    run.expect(r"vmcore_device_dump_test: e2e-dump, %d bytes: 0$" % DD_SIZE)
    run.expect(r"vmcore: device dump late: /proc/vmcore was opened already: "
               r"not added")
    run.expect(r"^E2E: result late=refused$")
    no_oops(run)
    check_file(run, 2, [LOAD_A, LOAD_B], HIDDEN)
    dumps = [d for n, t, d in elf_notes(saved_vmcore(run)[1])
             if n == "LINUX" and t == NT_VMCOREDD]
    if len(dumps) != 1:
        raise CheckFailed("%d NT_VMCOREDD notes, expected 1" % len(dumps))
    name, data = dumps[0][:44].rstrip(b"\0"), dumps[0][44:44 + DD_SIZE]
    if name != b"e2e-dump" or data != bytes(i * 7 & 0xff
                                            for i in range(DD_SIZE)):
        raise CheckFailed("the device dump %r does not hold what the "
                          "driver gave" % name)
