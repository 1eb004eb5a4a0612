# SPDX-License-Identifier: GPL-2.0
"""mtdoops: records on MTD devices that really exist in QEMU: map_ram
over reserved RAM (it has a panic write and keeps its content across a
reset) and block2mtd over a virtio disk the host reads afterwards."""
import os
import random
import sys

from . import CheckFailed, scenario, NULL_DEREF

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
import mtdoops_decode  # noqa: E402

PATCHED = ("patched",)
RAMDEV = ("memmap=64K$0x31000000 mtdoops.mtddev=0 "
          "mtdoops.record_size=16384 panic=1")
INSMOD = ("insmod /lib/modules/mtdoops_ramdev.ko start=0x31000000 "
          "size=0x10000")
MOUNT = "mkdir -p /sys/fs/pstore; mount -t pstore pstore /sys/fs/pstore"

CRASHES = 5	# the ring has 4 slots: the fifth wraps


def crash_boot(n):
    return """boot%d() {
	%s
	echo "mtdoops crash number %d" > /dev/kmsg
	e2e_crash PANIC
}
""" % (n, INSMOD, n)


@scenario("mtdoops-panic", cmdline=RAMDEV, kernels=PATCHED, timeout=240,
          guest="".join(crash_boot(n) for n in range(1, CRASHES + 1)) + """
boot%d() {
	%s
	%s
	for f in /sys/fs/pstore/dmesg-mtdoops-*; do
		echo "E2E: file $(basename $f) $(grep -o 'mtdoops crash number [0-9]*' $f | tail -n 1)"
	done
}
""" % (CRASHES + 1, INSMOD, MOUNT))
def mtdoops_panic(run):
    """Panics are recorded through map_ram's panic write; five crashes
    wrap the ring of four slots and the newest is still found, also in
    /sys/fs/pstore.  The slot after the newest is erased ahead of the next
    crash, so four slots keep the newest three records."""
    run.expect_boots(CRASHES + 1)
    for n in range(CRASHES):
        run.expect(r"Kernel panic - not syncing: dumptest", run.boots[n],
                   "boot %d" % (n + 1))
    last = run.boots[CRASHES]
    run.expect(r"mtdoops: physmap-flash.0: 4 records in 4 slots of 16384 "
               r"bytes; the newest is #5 in slot 0", last)
    run.expect_not(r"has no panic write", last)
    run.expect(r"^E2E: file dmesg-mtdoops-0 mtdoops crash number 5$", last)
    for slot, n in ((2, 3), (3, 4)):
        run.expect(r"^E2E: file dmesg-mtdoops-%d mtdoops crash number %d$"
                   % (slot, n), last)
    # the slot after the newest is kept erased for the next crash
    run.expect_not(r"^E2E: file dmesg-mtdoops-1 ", last)


def garbage_disk(run):
    path = os.path.join(run.workdir, "flash.img")
    rnd = random.Random(4)
    with open(path, "wb") as f:
        f.write(bytes(rnd.getrandbits(8) for _ in range(1 << 20)))


@scenario("mtdoops-oops", cmdline="mtdoops.mtddev=0 mtdoops.record_size=4096",
          kernels=PATCHED, disks=(("flash.img", 1),), setup=garbage_disk,
          guest="""
boot1() {
	echo /dev/vdb,65536 > /sys/module/block2mtd/parameters/block2mtd
	echo "e2e: before the oops" > /dev/kmsg
	(e2e_crash EXCEPTION)
	sleep 3		# the record is written from a timer, within 2 s
	sync
	e2e_result alive
}
""")
def mtdoops_oops(run):
    """On block2mtd over a disk full of garbage: the garbage is reported,
    the device's lack of a panic write is named, and a non-fatal oops is
    recorded; the host finds it in the disk image with its own decoder."""
    run.expect(r"mtdoops: block2mtd: /dev/vdb: 256 of 256 slots hold no "
               r"mtdoops record \(garbage, or another layout\)")
    run.expect(r"mtdoops: block2mtd: /dev/vdb has no panic write: oopses "
               r"will be recorded, panics cannot be")
    run.expect(r"^E2E: result alive$")
    with open(os.path.join(run.workdir, "flash.img"), "rb") as f:
        recs = mtdoops_decode.records(f.read(), 4096)
    best = mtdoops_decode.newest(recs)
    if not best:
        raise CheckFailed("no mtdoops record in flash.img")
    slot, hdr, text, intact = best
    text = text.decode(errors="replace")
    if hdr["reason"] != "Oops" or hdr["panic"] or not intact:
        raise CheckFailed("newest record: %s intact=%s" % (hdr, intact))
    run.expect(NULL_DEREF, text, "flash.img")
    run.expect(r"e2e: before the oops", text, "flash.img")


@scenario("mtdoops-bad-size",
          cmdline=RAMDEV.replace("record_size=16384", "record_size=65536"),
          kernels=PATCHED, guest="boot1() { %s; }\n" % INSMOD)
def mtdoops_bad_size(run):
    """A device too small for two records is refused, nothing written."""
    run.expect(r"mtdoops: physmap-flash.0: the device is too small for two "
               r"records \(size 0x10000, erase size 0x1000, write size 0x1, "
               r"record_size 0x10000\): not used")
    run.expect_not(r"mtdoops: attached")


@scenario("mtdoops-huge-size",
          cmdline=RAMDEV.replace("record_size=16384",
                                 "record_size=0x100001000"),
          kernels=PATCHED, guest="boot1() { %s; e2e_result booted; }\n"
          % INSMOD)
def mtdoops_huge_size(run):
    """A record_size beyond 32 bits is refused by name, not taken as the
    4 KiB its low bits say; nothing attaches, the boot goes on."""
    run.expect(r"mtdoops: record_size=0x100001000 is more than a record can "
               r"be \(4 GiB\): not used")
    run.expect_not(r"mtdoops: attached")
    run.expect(r"^E2E: result booted$")


@scenario("mtdoops-absent", cmdline="mtdoops.mtddev=nosuch", kernels=PATCHED,
          guest="boot1() { e2e_result booted; }\n")
def mtdoops_absent(run):
    """A device that does not exist is waited for; boot goes on."""
    run.expect(r"mtdoops: waiting for MTD device nosuch")
    run.expect(r"^E2E: result booted$")


@scenario("mtdoops-nand-unlink",
          cmdline="mtdoops.mtddev=0 mtdoops.record_size=4096",
          kernels=PATCHED, guest="""
boot1() {
	# the NAND core may be built in
	for m in nandcore nand; do
		[ -e /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
	done
	insmod /lib/modules/nandsim.ko parts=8 || e2e_result no nandsim
	echo "e2e: before the oops" > /dev/kmsg
	(e2e_crash EXCEPTION)
	sleep 3		# the record is written from a timer, within 2 s
	%(mount)s
	ls /sys/fs/pstore | sed 's/^/E2E: file /'
	if rm /sys/fs/pstore/dmesg-mtdoops-0; then
		e2e_result removed
	else
		e2e_result rm failed
	fi
	umount /sys/fs/pstore; %(mount)s
	ls /sys/fs/pstore | sed 's/^/E2E: after /'
}
""" % {"mount": MOUNT})
def mtdoops_nand_unlink(run):
    """On NAND (nandsim), whose pages cannot be written twice, mtdoops
    cannot erase a record: removing its file fails with a line saying the
    record stays, and the file is still there after a remount, rather
    than vanishing now and coming back at the next boot."""
    run.expect_not(r"^E2E: result no ")
    run.expect(r"^E2E: file dmesg-mtdoops-0$")
    run.expect(r"pstore: cannot erase dmesg-mtdoops-0 from mtdoops: -95: "
               r"the record stays")
    run.expect(r"^E2E: result rm failed$")
    run.expect(r"^E2E: after dmesg-mtdoops-0$")
