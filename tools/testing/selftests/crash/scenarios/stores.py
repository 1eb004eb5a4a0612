# SPDX-License-Identifier: GPL-2.0
"""Every persistent store at once: ramoops, UEFI variables (efi-pstore,
under OVMF) and APEI ERST (QEMU's acpi-erst), each a pstore backend of
its own, all written by one crash."""
import os
import re
import sys

from . import CheckFailed, scenario
from .chain import expect_receipt
from .pstore import MOUNT, RAMOOPS, SAVE, text

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from qemu import erst_args, uefi_args  # noqa: E402

BACKENDS = ("ramoops", "efi_pstore", "erst")
PANIC = "Kernel panic - not syncing: sysrq triggered crash"

# boot2 lists the records, hands them over and removes them; boot3 lists
# what is left
GUEST = """
boot1() {
	%(before)s
	e2e_crash sysrq
}
boot2() {
	%(mount)s
	%(save)s
	rm -f /sys/fs/pstore/*
	ls /sys/fs/pstore | sed 's/^/E2E: left /'
	sync; reboot -f
}
boot3() {
	%(mount)s
	ls /sys/fs/pstore | sed 's/^/E2E: after rm /'
}
"""


def stores(uefi=False, erst=False):
    """A setup: the firmware and devices the backends need."""
    def setup(run):
        args = []
        if uefi:
            args += uefi_args(run.workdir)
        if erst:
            args += erst_args(run.workdir)
        run.data["qemu_args"] = args
    return setup


def guest(before=""):
    return GUEST % {"before": before, "mount": MOUNT, "save": SAVE}


def dmesg_records(run, backend):
    """The dmesg records @backend kept, as text, oldest part first."""
    names = sorted((n for n in run.outputs
                    if re.match(r"dmesg-%s-\d+$" % backend, n)),
                   key=lambda n: int(n.rsplit("-", 1)[1]))
    return [text(run, n) for n in names]


def expect_panic_in(run, backend):
    records = dmesg_records(run, backend)
    if not any(PANIC in r for r in records):
        raise CheckFailed("%s: no dmesg record with the panic (files: %s)"
                          % (backend, " ".join(sorted(run.outputs))))


def expect_erased(run):
    """rm removed every crash record and the next boot shows none of them
    (a console record is the boot before's, written anew)."""
    left = [n for n in re.findall(r"^E2E: (?:left|after rm) (\S+)$",
                                  run.log, re.M)
            if not n.startswith("console-")]
    if left:
        raise CheckFailed("records left after rm: %s" % " ".join(left))


def backends_registered(run):
    return re.findall(r"pstore: registered (\w+) as a persistent store",
                      run.boots[0])


@scenario("pstore-every-store", timeout=600, kernels=("patched", "baseline"),
          setup=stores(uefi=True, erst=True),
          cmdline="panic=1 " + RAMOOPS, guest=guest())
def pstore_every_store(run):
    """ramoops, efi-pstore and ERST in one guest under OVMF, one sysrq-c
    panic: after the reset each of the three has a dmesg record with the
    panic line, the panic run's receipt has a persist handler per
    backend, and rm erases all of them for good.  Upstream takes the
    first backend that registers and no other."""
    run.expect_boots(3)
    if run.kind != "patched":
        kept = [b for b in BACKENDS if dmesg_records(run, b)]
        if len(kept) != 1:
            raise CheckFailed("upstream kept records in %s" % kept)
        return
    if sorted(backends_registered(run)) != sorted(BACKENDS):
        raise CheckFailed("backends registered: %s"
                          % backends_registered(run))
    for b in BACKENDS:
        expect_panic_in(run, b)
    # ramoops first by default; the other two in the order they registered
    got = list(expect_receipt(run, run.boots[0],
                              [("pstore:ramoops", "persist", "ok"),
                               ("pstore:efi_pstore", "persist", "ok")]))
    expect_receipt(run, run.boots[0], [("pstore:ramoops", "persist", "ok"),
                                       ("pstore:erst", "persist", "ok")])
    if got.index("pstore:ramoops") > min(got.index("pstore:erst"),
                                         got.index("pstore:efi_pstore")):
        raise CheckFailed("ramoops is not first: %s" % got)
    expect_erased(run)


@scenario("pstore-store-fails", timeout=600, kernels=("patched",),
          setup=stores(uefi=True, erst=True),
          cmdline="panic=1 pstore.backends=failing,ramoops,efi_pstore,erst " +
          RAMOOPS, guest=guest("insmod /lib/modules/pstore_failing.ko"))
def pstore_store_fails(run):
    """A fourth backend that fails every write, first in the order: its
    handler fails, and ramoops, efi-pstore and ERST still have the
    panic's record after the reset."""
    run.expect_boots(3)
    run.expect(r"pstore_failing: registered, every write fails",
               run.boots[0])
    got = expect_receipt(run, run.boots[0],
                         [("pstore:failing", "persist", "failed -5")] +
                         [("pstore:%s" % b, "persist", "ok")
                          for b in BACKENDS])
    if list(got).index("pstore:failing") > list(got).index("pstore:ramoops"):
        raise CheckFailed("pstore.backends= not followed: %s" % list(got))
    for b in BACKENDS:
        expect_panic_in(run, b)


@scenario("pstore-efi", timeout=600, setup=stores(uefi=True),
          cmdline="panic=1", guest=guest())
def pstore_efi(run):
    """efi-pstore alone, under OVMF: the panic's dmesg record survives the
    reset in the variable store, shows up after it, and rm erases the
    variables (the next boot has no record)."""
    run.expect_boots(3)
    expect_panic_in(run, "efi_pstore")
    expect_erased(run)


@scenario("pstore-erst", timeout=300, setup=stores(erst=True),
          cmdline="panic=1", guest=guest())
def pstore_erst(run):
    """APEI ERST alone (QEMU's acpi-erst device, SeaBIOS): the panic's
    dmesg record survives the reset in the device's store, shows up
    after it, and rm erases it (the next boot has no record)."""
    run.expect_boots(3)
    expect_panic_in(run, "erst")
    expect_erased(run)


# Fill the UEFI variable store: variables of 32 KiB, then of 1 KiB, until
# the firmware takes no more (efivarfs: 4 bytes of attributes, then the
# data, in one write)
FILL_EFI = r"""
	mkdir -p /sys/firmware/efi/efivars
	mount -t efivarfs efivarfs /sys/firmware/efi/efivars
	# a vendor GUID of the test's own (efivarfs keeps the global one's
	# names to those the UEFI specification defines)
	guid=5a1a7e1d-e2e0-4e2e-9e2e-e2e0e2e0e2e0
	printf '\007\000\000\000' > /tmp/attr
	for kib in 32 1; do
		dd if=/dev/zero of=/tmp/data bs=1024 count=$kib 2>/dev/null
		cat /tmp/attr /tmp/data > /tmp/var
		i=0
		while [ $i -lt 400 ] &&
		      dd if=/tmp/var of=/sys/firmware/efi/efivars/E2Efill$kib-$i-$guid \
			 bs=$((kib * 1024 + 4)) count=1 2>/dev/null; do
			i=$((i + 1))
		done
		e2e_result filled $i of $kib KiB
	done
"""


@scenario("pstore-efi-full", timeout=600, kernels=("patched",),
          setup=stores(uefi=True), cmdline="panic=1 " + RAMOOPS,
          guest=guest(FILL_EFI))
def pstore_efi_full(run):
    """A UEFI variable store with no room left when the panic comes:
    efi-pstore's handler fails with one line for the whole record (not a
    line per part) and ENOSPC in the receipt, and ramoops still has the
    record after the reset."""
    run.expect_boots(3)
    run.expect(r"^E2E: result filled [1-9]\d* of 32 KiB$")
    first = run.boots[0]
    lines = re.findall(r"pstore: backend efi_pstore did not store the Panic "
                       r"record: -28 \(it is full\)", first)
    if len(lines) != 1:
        raise CheckFailed("%d lines about the full store, not 1"
                          % len(lines))
    expect_receipt(run, first, [("pstore:ramoops", "persist", "ok"),
                                ("pstore:efi_pstore", "persist",
                                 "failed -28")])
    expect_panic_in(run, "ramoops")
    if dmesg_records(run, "efi_pstore"):
        raise CheckFailed("efi_pstore kept a record in a full store")
