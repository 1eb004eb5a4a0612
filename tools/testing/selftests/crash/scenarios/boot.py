# SPDX-License-Identifier: GPL-2.0
"""Boot, reboot and the simplest crashes: the harness's own ground truth."""
from . import scenario

CPUS = r"smp: Brought up 1 node, 2 CPUs"


@scenario("boot", guest="""
boot1() {
	e2e_result cpus=$(grep -c ^processor /proc/cpuinfo)
}
""")
def boot(run):
    """Boots to userspace with both CPUs of -smp 2 and powers off cleanly."""
    run.expect(CPUS)
    run.expect(r"E2E: result cpus=2$")
    run.expect_in_order(r"E2E: done", r"reboot: Power down")
    run.expect_boots(1)
    run.expect_not(r"Kernel panic|BUG:|Oops")


@scenario("sysrq-panic", cmdline="panic=1", guest="""
boot1() { e2e_crash sysrq; }
boot2() { :; }
""")
def sysrq_panic(run):
    """sysrq-c panics, panic=1 reboots, the second boot comes up."""
    first, second = _two_boots(run)
    run.expect_in_order(r"E2E: crashing with sysrq",
                        r"Kernel panic - not syncing: sysrq triggered crash",
                        r"Rebooting in 1 seconds", text=first, what="boot 1")
    run.expect(CPUS, text=second, what="boot 2")
    run.expect(r"E2E: boot 2", text=second, what="boot 2")


@scenario("lkdtm-panic", cmdline="panic=1", guest="""
boot1() { e2e_crash PANIC; }
boot2() { :; }
""")
def lkdtm_panic(run):
    """LKDTM's PANIC crash type panics and the machine reboots."""
    first, second = _two_boots(run)
    run.expect_in_order(r"lkdtm: Performing direct entry PANIC",
                        r"Kernel panic - not syncing: dumptest",
                        r"Rebooting in 1 seconds", text=first, what="boot 1")
    run.expect(r"E2E: boot 2", text=second, what="boot 2")


def _two_boots(run):
    run.expect_boots(2)
    first, second = run.boots
    run.expect_not(r"still alive", text=first, what="boot 1")
    return first, second


@scenario("lockdown-test-modules", kernels=("patched",),
          cmdline="lockdown=integrity memmap=64K$0x31000000", guest="""
boot1() {
	if insmod /lib/modules/crash_stray_write_test.ko phys=0x31000010; then
		e2e_result stray write loaded
	fi
	if insmod /lib/modules/mtdoops_ramdev.ko start=0x31000000 size=0x10000
	then
		e2e_result ramdev loaded
	fi
	e2e_result booted
}
""")
def lockdown_test_modules(run):
    """Under lockdown the test modules that write or map any physical
    address (crash_stray_write_test's phys=, mtdoops_ramdev's start=)
    are refused, as /dev/mem is."""
    run.expect(r"Kernel is locked down from command line; see man "
               r"kernel_lockdown\.7")
    run.expect(r"Lockdown: insmod: unsafe module parameters is restricted")
    run.expect(r"^E2E: result booted$")
    run.expect_not(r"^E2E: result (stray write|ramdev) loaded$")
    run.expect_not(r"crash_stray_write_test: flipped the byte")
