# SPDX-License-Identifier: GPL-2.0
"""The crash chain: every crash type runs it, its receipt tells what ran,
and a handler that faults does not take the others down."""
import re

from . import CheckFailed, scenario, NULL_DEREF

# A ramoops region kept out of the kernel's RAM: its dumper (pstore:ramoops)
# is a persist-stage handler, so receipts have a persist line.  netconsole
# is built in without a target: its stream-stage handler is idle.
RAMOOPS = ("memmap=1M$0x30000000 ramoops.mem_address=0x30000000 "
           "ramoops.mem_size=0x100000 ramoops.record_size=0x10000")

PATCHED = ("patched",)

SAVE_PSTORE = """
boot2() {
	mkdir -p /sys/fs/pstore /tmp/ps
	mount -t pstore pstore /sys/fs/pstore
	cp /sys/fs/pstore/* /tmp/ps/ 2>/dev/null
	cd /tmp/ps && e2e_output *
}
"""


SUMMARY = re.compile(r"crash_chain: \w+ run(?: \([^)]*\))?: \d+ handlers?, "
                     r"\d+ faults?, (?:\d+ over budget, )?\d+ us[^\n]*\n")


def receipt(run, text, reason="panic"):
    """{name: (stage, result)} of the last @reason receipt in @text, in
    the order printed; CheckFailed if there is none.  Its lines are those
    after its summary and those printed under "receipt so far:" since the
    run before it."""
    ends = [m for m in SUMMARY.finditer(text)]
    last = [i for i, m in enumerate(ends)
            if re.match(r"crash_chain: %s run" % reason, m.group(0))]
    if not last:
        raise CheckFailed("no receipt of a %s run" % reason)
    i = last[-1]
    since = ends[i - 1].end() if i else 0
    heads = [m.end() for m in re.finditer(r"crash_chain: receipt so far:\n",
                                          text[since:ends[i].start()])]
    after = text[ends[i].end():]
    after = re.split(r"crash_chain: receipt so far:|" + SUMMARY.pattern,
                     after)[0]
    before = text[since + heads[0]:ends[i].start()] if heads else ""
    lines = {}
    for m in re.finditer(r"^.*crash_chain:   (\w+)\s+(\S+)\s+(.+?)\s+\d+ us$",
                         before + after, re.M):
        if m.group(2) in lines:
            break
        lines[m.group(2)] = (m.group(1), m.group(3))
    return lines


def expect_receipt(run, text, wanted, reason="panic"):
    """Every (name, stage, result) of @wanted is in the receipt, in this
    order."""
    got = receipt(run, text, reason)
    names = list(got)
    last = -1
    for name, stage, result in wanted:
        if name not in got:
            raise CheckFailed("receipt has no line for %s: %s" % (name, got))
        if got[name] != (stage, result):
            raise CheckFailed("receipt: %s is %s, expected %s" %
                              (name, got[name], (stage, result)))
        if names.index(name) < last:
            raise CheckFailed("receipt: %s out of order: %s" % (name, names))
        last = names.index(name)
    return got


def first_boot(run):
    run.expect_boots(2)
    return run.boots[0]


@scenario("chain-panic", cmdline="panic=1 " + RAMOOPS, kernels=PATCHED,
          guest="boot1() { e2e_crash PANIC; }\n" + SAVE_PSTORE)
def chain_panic(run):
    """LKDTM PANIC runs every stage; the pstore record holds the receipt
    of the stages before persist."""
    text = first_boot(run)
    expect_receipt(run, text, [
        ("stop-cpus", "capture", "ok"),
        ("panic-print", "capture", "idle"),
        ("pstore:ramoops", "persist", "ok"),
        ("netconsole", "stream", "idle"),
        ("kexec", "handoff", "idle"),
        ("panic-notifiers", "legacy", "ok")])
    run.expect(r"crash_chain: panic run: 6 handlers, 0 faults", text)
    record = run.outputs.get("dmesg-ramoops-0", b"").decode(errors="replace")
    run.expect(r"Kernel panic - not syncing: dumptest", record,
               what="dmesg-ramoops-0")
    run.expect(r"crash_chain: receipt so far:\n.*crash_chain:   capture  "
               r"stop-cpus +ok", record, what="dmesg-ramoops-0")


def fatal_oops(name, crash, cmdline, first_line, panic_line):
    @scenario(name, cmdline="panic=1 %s %s" % (cmdline, RAMOOPS),
              kernels=PATCHED, guest="boot1() { e2e_crash %s; }\n" % crash
              + "boot2() { :; }\n")
    def check(run):
        text = first_boot(run)
        run.expect_in_order(first_line, panic_line, text=text)
        expect_receipt(run, text, [
            ("stop-cpus", "capture", "ok"),
            ("pstore:ramoops", "persist", "ok"),
            ("kexec", "handoff", "idle"),
            ("panic-notifiers", "legacy", "ok")])
        run.expect(r"E2E: boot 2", run.boots[1])
    check.__doc__ = "LKDTM %s with %s ends in one panic run." % (crash,
                                                                 cmdline)
    return check


fatal_oops("chain-bug", "BUG", "oops=panic",
           r"kernel BUG at", r"Kernel panic - not syncing: Fatal exception")
fatal_oops("chain-exception", "EXCEPTION", "oops=panic",
           NULL_DEREF,
           r"Kernel panic - not syncing: Fatal exception")
fatal_oops("chain-warning", "WARNING", "panic_on_warn=1",
           r"WARNING: CPU: \d+ PID: \d+ at",
           r"Kernel panic - not syncing: kernel: panic_on_warn set")


@scenario("chain-oops", cmdline=RAMOOPS, kernels=PATCHED, guest="""
boot1() {
	(e2e_crash EXCEPTION)
	echo "E2E: result alive after the oops"
	cat /sys/kernel/crash_chain/receipt | sed 's/^/E2E: receipt /'
}
""")
def chain_oops(run):
    """A non-fatal oops runs the chain for oopses; the system runs on and
    /sys/kernel/crash_chain/receipt shows the run."""
    run.expect_boots(1)
    run.expect_in_order(NULL_DEREF,
                        r"E2E: result alive after the oops",
                        r"E2E: receipt oops run: 2 handlers, 0 faults",
                        r"E2E: receipt persist  pstore:ramoops +ok",
                        r"E2E: receipt stream   netconsole +idle")
    run.expect_not(r"Kernel panic")


def fault_scenario(name, args, doc, wanted, after):
    @scenario(name, cmdline="panic=1 " + RAMOOPS, kernels=PATCHED, guest="""
boot1() {
	insmod /lib/modules/crash_chain_fault_test.ko %s
	e2e_crash PANIC
}
boot2() { :; }
""" % args)
    def check(run):
        text = first_boot(run)
        run.expect(r"crash_chain_fault_test: armed", text)
        expect_receipt(run, text, wanted)
        for pattern in after:
            run.expect(pattern, text)
        run.expect(r"E2E: boot 2", run.boots[1])
    check.__doc__ = doc
    return check


fault_scenario(
    "chain-handler-oops", "fault=oops",
    "A handler that oopses is abandoned; the later handlers still run.",
    [("stop-cpus", "capture", "ok"),
     ("fault-test-1", "persist", "FAULT"),
     ("pstore:ramoops", "persist", "ok"),
     ("fault-witness", "persist", "ok"),
     ("netconsole", "stream", "idle"),
     ("kexec", "handoff", "idle"),
     ("panic-notifiers", "legacy", "ok")],
    [NULL_DEREF,
     r"crash_chain_fault_test: witness ran after the fault",
     r"crash_chain: panic run: 8 handlers, 1 fault",
     r"Kernel panic - not syncing: crash_chain: a handler faulted",
     r"Rebooting in 1 seconds"])

fault_scenario(
    "chain-handler-panics", "fault=panic",
    "A handler that panics is abandoned; the later handlers still run.",
    [("fault-test-1", "persist", "FAULT"),
     ("pstore:ramoops", "persist", "ok"),
     ("fault-witness", "persist", "ok"),
     ("kexec", "handoff", "idle")],
    [r"Kernel panic - not syncing: crash_chain_fault_test: fault-test-1 "
     r"panics",
     r"Rebooting in 1 seconds"])

fault_scenario(
    "chain-double-fault", "fault=oops faults=2",
    "A second fault skips everything but the hand-off.",
    [("fault-test-1", "persist", "FAULT"),
     ("fault-test-2", "persist", "FAULT"),
     ("pstore:ramoops", "persist", "skipped"),
     ("fault-witness", "persist", "skipped"),
     ("netconsole", "stream", "skipped"),
     ("kexec", "handoff", "idle"),
     ("panic-notifiers", "legacy", "skipped")],
    [r"crash_chain: panic run: 9 handlers, 2 faults",
     r"Rebooting in 1 seconds"])


@scenario("chain-budget", kernels=PATCHED,
          cmdline="panic=1 crash_chain.persist_ms=100 " + RAMOOPS, guest="""
boot1() {
	insmod /lib/modules/crash_chain_fault_test.ko fault=slow
	e2e_crash PANIC
}
boot2() { :; }
""")
def chain_budget(run):
    """A handler past its budget (500 ms of work, 100 ms allowed) is
    stopped by the watchdog CPU, recorded as over budget and dead; the
    handlers after it still run, each with a budget of its own."""
    text = first_boot(run)
    expect_receipt(run, text, [
        ("fault-test-1", "persist", "over-budget"),
        ("pstore:ramoops", "persist", "ok"),
        ("fault-witness", "persist", "ok"),
        ("kexec", "handoff", "idle"),
        ("panic-notifiers", "legacy", "ok")])
    # stopped soon after its 100 ms (a loaded host's TCG adds some), well
    # before the 500 ms it would take
    run.expect(r"persist  fault-test-1 +over-budget +1[0-4]\d{4} us", text)
    run.expect(r"crash_chain: fault-test-1 ran past its 100 ms budget: "
               r"stopped after 1[0-4]\d ms, off for the rest of this boot",
               text)
    run.expect(r"crash_chain: panic run: 8 handlers, 0 faults, 1 over "
               r"budget, \d+ us", text)
    run.expect(r"Kernel panic - not syncing: crash_chain: a handler ran past "
               r"its budget", text)
    run.expect(r"witness ran", text)


@scenario("chain-order", kernels=PATCHED,
          cmdline="panic=1 crash_chain.order=handoff-first " + RAMOOPS,
          guest="""
boot1() {
	p=/sys/module/crash_chain/parameters/order
	e2e_result order=$(cat $p)
	echo sideways > $p 2>/dev/null || e2e_result bad-order-refused
	e2e_result order=$(cat $p)
	e2e_crash PANIC
}
boot2() { :; }
""")
def chain_order(run):
    """crash_chain.order=handoff-first puts the hand-off before persist;
    a bad value at run time is refused with a message."""
    text = first_boot(run)
    run.expect_in_order(r"E2E: result order=handoff-first",
                        r"E2E: result bad-order-refused",
                        r"E2E: result order=handoff-first", text=text)
    # the kernel's line may reach the serial port before the shell's
    # earlier one, which waits in the tty's buffer
    run.expect(r"crash_chain: order=sideways: expected persist-first or "
               r"handoff-first", text=text)
    expect_receipt(run, text, [
        ("stop-cpus", "capture", "ok"),
        ("kexec", "handoff", "idle"),
        ("pstore:ramoops", "persist", "ok"),
        ("panic-notifiers", "legacy", "ok")])


@scenario("chain-post-notifiers", kernels=PATCHED,
          cmdline="panic=1 crash_kexec_post_notifiers " + RAMOOPS,
          guest="boot1() { e2e_crash PANIC; }\nboot2() { :; }\n")
def chain_post_notifiers(run):
    """crash_kexec_post_notifiers runs the notifiers right after capture,
    before the dumpers and the hand-off, as upstream did."""
    text = first_boot(run)
    expect_receipt(run, text, [
        ("stop-cpus", "capture", "ok"),
        ("panic-notifiers", "legacy", "ok"),
        ("pstore:ramoops", "persist", "ok"),
        ("kexec", "handoff", "idle")])


@scenario("chain-panic-print", kernels=PATCHED,
          cmdline="panic=1 panic_print=0x1",
          guest="boot1() { e2e_crash PANIC; }\nboot2() { :; }\n")
def chain_panic_print(run):
    """panic_print= still reports, from the capture stage, after the other
    CPUs stopped and before anything is persisted."""
    text = first_boot(run)
    expect_receipt(run, text, [
        ("stop-cpus", "capture", "ok"),
        ("panic-print", "capture", "ok"),
        ("kexec", "handoff", "idle")])
    run.expect_in_order(r"Kernel panic - not syncing: dumptest",
                        r"task:init +state:", r"crash_chain: panic run",
                        text=text)
