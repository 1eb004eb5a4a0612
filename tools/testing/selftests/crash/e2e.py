#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""End-to-end crash scenarios in QEMU.

    e2e.py --kernel bzImage --initramfs e2e.cpio.gz --out DIR [--jobs N]
           [NAME...]

Boots the kernel once per scenario (TCG, -smp 2, -m 1G unless the
scenario says otherwise), lets the guest run the scenario's steps across
as many reboots as it causes, stops QEMU as soon as the guest has powered
off (or the scenario's timeout passes), and checks what was captured;
--jobs N runs N scenarios at a time.
Prints one line per scenario and "N passed, N failed"; exits non-zero if
any failed.  Each scenario's files are in DIR/NAME/.

The control disk (the guest's /dev/vda), 4 MiB:
    0       a tar archive holding run.sh, the guest steps
    1 MiB   the boot counter, written by the guest (guest/lib.sh)
    2 MiB   a tar archive the guest may write for the host (e2e_output)
"""
import argparse
import concurrent.futures
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qemu import Guest, GuestError  # noqa: E402
from scenarios import REGISTRY, CheckFailed, Run  # noqa: E402

# What lockdep, the atomic-sleep checks and KASAN print: any of it in a
# scenario's console fails the scenario on the debug build (--debug-reports).
DEBUG_REPORTS = re.compile(
    r"BUG: KASAN: |"
    r"WARNING: possible (circular|recursive) locking|"
    r"WARNING: inconsistent lock state|"
    r"WARNING: bad unlock balance|"
    r"WARNING: suspicious RCU usage|"
    r"WARNING: lock held when returning to user space|"
    r"INFO: possible irq lock inversion|"
    r"BUG: Invalid wait context|"
    r"BUG: sleeping function called from invalid context|"
    r"BUG: scheduling while atomic|"
    r"BUG: spinlock |"
    r"INFO: task \S+ blocked for more than|"
    r"BUG: workqueue lockup")


def debug_reports(log):
    """The lines of @log that are debug reports, with the line after each."""
    lines = log.splitlines()
    return [" / ".join(lines[i:i + 2]).strip()
            for i, line in enumerate(lines) if DEBUG_REPORTS.search(line)]


CTL_SIZE = 4 << 20
CTL_COUNTER = 1 << 20
CTL_OUTPUT = 2 << 20
# Every guest's command line starts with its architecture's
BASE_CMDLINE = {"x86_64": "console=ttyS0 panic=10 printk.time=1",
                "arm64": "console=ttyAMA0 panic=10 printk.time=1"}
POWEROFF_GRACE = 30
NO_POWEROFF = "guest said done but did not power off"


def make_control_disk(path, guest_script):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        data = guest_script.encode()
        info = tarfile.TarInfo("run.sh")
        info.size = len(data)
        info.mode = 0o644
        t.addfile(info, io.BytesIO(data))
    image = buf.getvalue()
    assert len(image) < CTL_COUNTER
    with open(path, "wb") as f:
        f.write(image)
        f.truncate(CTL_SIZE)


def read_control_disk(path):
    """(boot counter, {name: bytes} the guest handed over)."""
    with open(path, "rb") as f:
        f.seek(CTL_COUNTER)
        digits = bytes(c for c in f.read(16) if 48 <= c <= 57)
        f.seek(CTL_OUTPUT)
        raw = f.read()
    outputs = {}
    if raw[:512].strip(b"\0"):
        with tarfile.open(fileobj=io.BytesIO(raw)) as t:
            for m in t.getmembers():
                if m.isfile():
                    outputs[m.name] = t.extractfile(m).read()
    return int(digits or b"0"), outputs


def module_signer(build_dir):
    """The command that signs a module with the build's own key, as
    `make modules_install` would (lockdown loads signed modules only), or
    None for a build without module signing."""
    key = os.path.join(build_dir, "certs", "signing_key.pem")
    tool = os.path.join(build_dir, "scripts", "sign-file")
    try:
        with open(os.path.join(build_dir, ".config")) as f:
            m = re.search(r'^CONFIG_MODULE_SIG_HASH="(\w+)"', f.read(), re.M)
    except FileNotFoundError:
        return None
    if not m or not os.path.exists(key) or not os.path.exists(tool):
        return None
    return [tool, m.group(1), key,
            os.path.join(build_dir, "certs", "signing_key.x509")]


# Where `make e2e-modules` builds modules/ of this directory, in a build
EXTRA_MODULES = "e2e-modules"

# The strip of each architecture's binutils
STRIP = {"x86_64": "strip", "arm64": "aarch64-linux-gnu-strip"}


def initrd_with_modules(initrd, build_dir, outdir, arch="x86_64"):
    """The guest initramfs plus the kernel's modules in /lib/modules/, as a
    second cpio archive appended to the first (the kernel unpacks both).
    The modules lose their debug information (most of their size, and
    unpacking it is most of a KASAN guest's boot), then are signed."""
    try:
        with open(os.path.join(build_dir, "modules.order")) as f:
            modules = [os.path.join(build_dir, line.strip()[:-2] + ".ko")
                       for line in f if line.strip()]
    except FileNotFoundError:
        modules = []
    # the test modules built out of tree against this kernel (make
    # e2e-modules), upstream's build included
    extra = os.path.join(build_dir, EXTRA_MODULES)
    if os.path.isdir(extra):
        modules += sorted(os.path.join(extra, n) for n in os.listdir(extra)
                          if n.endswith(".ko"))
    modules = [m for m in modules if os.path.exists(m)]
    if not modules:
        return initrd
    out = os.path.join(outdir, "initrd.cpio.gz")
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "lib", "modules"))
        sign = module_signer(build_dir)
        for m in modules:
            dest = os.path.join(root, "lib", "modules", os.path.basename(m))
            subprocess.run([STRIP[arch], "--strip-debug", "-o", dest, m],
                           check=True)
            if sign:
                subprocess.run(sign + [dest], check=True)
        names = subprocess.run(["find", "lib"], cwd=root, check=True,
                               capture_output=True, text=True).stdout
        archive = subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0",
                                  "--quiet"], cwd=root, input=names.encode(),
                                 check=True, capture_output=True).stdout
    with open(out, "wb") as f:
        with open(initrd, "rb") as base:
            f.write(base.read())
        f.write(subprocess.run(["gzip", "-1"], input=archive, check=True,
                               capture_output=True).stdout)
    return out


def kaslr_offset(guest, banner):
    """How far KASLR moved the running kernel: the 2 MiB step at which
    linux_banner (linked at @banner) reads "Li", through the monitor."""
    for step in range(512) if banner else ():
        out = guest.monitor("x/2bx %#x" % (banner + (step << 21)))
        if re.search(r"0x4c\s+0x69", out):	# "Li"
            return step << 21
    return 0


def hang_snapshot(guest, vmlinux):
    """Where each vCPU of a guest that hangs is: the monitor's registers,
    kept in the scenario's hang.txt, and their instruction pointers as
    symbols of @vmlinux (x86-64)."""
    try:
        regs = guest.monitor("info registers -a")
        with open(os.path.join(guest.workdir, "hang.txt"), "w") as f:
            f.write(regs)
        # the blocked tasks and every CPU's stack, from the keyboard's SysRq
        for key in "wl":
            guest.monitor("sendkey alt-sysrq-" + key)
        end = time.monotonic() + 3
        while time.monotonic() < end and guest._read(0.2):
            pass
        ips = [int(m, 16) for m in re.findall(r"\bRIP=([0-9a-f]+)", regs)]
        text, banner = [], 0
        if vmlinux and os.path.exists(vmlinux):
            out = subprocess.run(["nm", "-n", vmlinux], capture_output=True,
                                 text=True, check=True).stdout
            syms = [(int(f[0], 16), f[1], f[2]) for f in map(
                str.split, out.splitlines()) if len(f) == 3]
            text = [(a, n) for a, t, n in syms if t in "tTWw"]
            banner = next((a for a, t, n in syms if n == "linux_banner"), 0)
        shift = kaslr_offset(guest, banner) if ips else 0
    except (OSError, subprocess.CalledProcessError) as e:
        return "no register dump: %s" % e
    where = []
    for ip in ips:
        name = [(n, ip - shift - a) for a, n in text if a <= ip - shift]
        where.append("%s+%#x" % name[-1] if name else "%#x" % ip)
    return "vCPUs at %s (hang.txt)" % ", ".join(where)


def run_scenario(sc, kind, kernel, initrd, outdir, reports=False, slow=1,
                 vmlinux=None):
    """Run one scenario; (ok, message, seconds).  @reports: fail it on a
    debug report in its console; @slow: every wait that many times longer;
    @vmlinux: to name where a guest that hangs is."""
    workdir = os.path.join(outdir, sc.name)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    ctl = os.path.join(workdir, "control.img")
    make_control_disk(ctl, sc.guest)
    disks = [ctl]
    for name, mib in sc.disks:
        path = os.path.join(workdir, name)
        with open(path, "wb") as f:
            f.truncate(mib << 20)
        disks.append(path)

    run = Run(kind, workdir)
    run.kernel = kernel
    run.initrd = initrd
    if sc.setup:
        sc.setup(run)
    cmdline = " ".join(filter(None, [BASE_CMDLINE[sc.arch], sc.cmdline,
                                     run.data.get("cmdline")]))
    guest = Guest(kernel, initrd, cmdline, workdir, mem=sc.mem, smp=sc.smp,
                  disks=disks, net=sc.net, arch=sc.arch,
                  extra_args=run.data.get("qemu_args", ()), slow=slow)
    start = time.monotonic()
    try:
        guest.start()
        if sc.during:
            sc.during(run, guest)
        guest.wait_for(sc.until, sc.timeout)
        if guest.wait_exit(POWEROFF_GRACE) is None:
            where = hang_snapshot(guest, vmlinux)
            raise GuestError("%s within %ds; %s" % (
                NO_POWEROFF, POWEROFF_GRACE * slow, where))
        run.log = guest.text
        run.boot_count, run.outputs = read_control_disk(ctl)
        sc.check(run)
        found = debug_reports(run.log) if reports else []
        if found:
            raise CheckFailed("debug report: %s" % found[0][:200])
        return True, "", time.monotonic() - start
    except (GuestError, CheckFailed) as e:
        return False, str(e), time.monotonic() - start
    finally:
        guest.stop()
        if sc.teardown:
            sc.teardown(run)


# Console lines worth seeing when a scenario failed
NOTABLE = re.compile(r"E2E: |Linux version |BUG:|Oops|WARNING:|Kernel panic|"
                     r"INFO: task|circular locking|Call Trace|reboot: |"
                     r"netconsole: ")


def console_tail(workdir, n=15):
    """The last @n notable lines of a scenario's serial console log; of a
    guest that hung, the last 60 lines whatever they are (its SysRq
    output)."""
    try:
        with open(os.path.join(workdir, "serial.log"), "rb") as f:
            text = f.read().decode("utf-8", "replace").replace("\r", "")
    except OSError:
        return []
    if os.path.exists(os.path.join(workdir, "hang.txt")):
        return text.splitlines()[-60:]
    return [t for t in text.splitlines() if NOTABLE.search(t)][-n:]


def rerun_reason(sc, workdir, msg):
    """Why a failed run (@msg) failed outside this project, or None: the
    console line its scenario's rerun_on matches, or QEMU that did not
    exit after the guest's kernel powered off."""
    try:
        with open(os.path.join(workdir, "serial.log"), "rb") as f:
            text = f.read().decode("utf-8", "replace").replace("\r", "")
    except OSError:
        return None
    if msg.startswith(NO_POWEROFF) and re.search(
            r"^E2E: done$(?:.*\n)*.*reboot: Power down$", text, re.M):
        return "QEMU did not exit after reboot: Power down"
    m = re.search(sc.rerun_on, text, re.M) if sc.rerun_on else None
    return m.group(0).strip() if m else None


def run_with_rerun(sc, kind, initrd, args):
    """Run @sc, and once more if its first run failed for a reason outside
    this project (rerun_reason()); (passed, its summary line)."""
    ok, msg, secs = run_scenario(sc, kind, args.kernel, initrd, args.out,
                                 args.debug_reports, args.slow, args.vmlinux)
    why = None if ok else rerun_reason(sc, os.path.join(args.out, sc.name),
                                       msg)
    if why:
        first = os.path.join(args.out, sc.name + ".first")
        shutil.rmtree(first, ignore_errors=True)
        os.rename(os.path.join(args.out, sc.name), first)
        first_msg = msg
        ok, msg, secs = run_scenario(sc, kind, args.kernel, initrd, args.out,
                                     args.debug_reports, args.slow,
                                     args.vmlinux)
        msg = "%s; run again after \"%s\" (first run: %s, in %s)" % (
            msg or "", why, first_msg, first)
    if ok:
        line = "PASS %-24s %5.1fs" % (sc.name, secs)
        if why:
            line += "  %s" % msg.lstrip("; ")
    else:
        line = "FAIL %-24s %5.1fs  %s (see %s)" % (
            sc.name, secs, msg, os.path.join(args.out, sc.name))
    return ok, line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--vmlinux")
    ap.add_argument("--initramfs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kind", choices=("patched", "baseline"))
    ap.add_argument("--arch", choices=tuple(BASE_CMDLINE), default="x86_64",
                    help="the kernel's architecture: its scenarios run")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--debug-reports", action="store_true",
                    help="fail on lockdep, atomic-sleep and KASAN reports")
    ap.add_argument("--slow", type=int, default=1, metavar="N",
                    help="wait N times longer for every step (debug build)")
    ap.add_argument("--jobs", type=int, default=1, metavar="N",
                    help="run N scenarios at a time, each in its own QEMU")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    if args.jobs < 1:
        ap.error("--jobs needs at least 1")

    kind = args.kind or ("baseline" if "baseline" in args.kernel
                         else "patched")
    mine = {n: sc for n, sc in REGISTRY.items() if sc.arch == args.arch}
    chosen = [sc for sc in mine.values() if kind in sc.kernels]
    if args.names:
        unknown = [n for n in args.names if n not in mine]
        if unknown:
            sys.exit("e2e: no such %s scenario: %s (have: %s)"
                     % (args.arch, " ".join(unknown), " ".join(mine)))
        # each once: a scenario's directory is its name
        chosen = [mine[n] for n in dict.fromkeys(args.names)]
    if args.list:
        for sc in chosen:
            print("%-24s %s" % (sc.name, sc.doc))
        return 0

    os.makedirs(args.out, exist_ok=True)
    initrd = args.initramfs
    if args.vmlinux:
        initrd = initrd_with_modules(initrd, os.path.dirname(args.vmlinux),
                                     args.out, args.arch)
    print("e2e: %d scenario(s) on the %s kernel (%s)%s"
          % (len(chosen), kind, args.kernel,
             ", %d at a time" % args.jobs if args.jobs > 1 else ""))
    results = {}
    # Each scenario has its own QEMU, work directory, monitor socket and
    # host-side servers (on ports the kernel picks), so several can run at
    # once; the lines come as they finish, the summary in the usual order.
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        todo = {pool.submit(run_with_rerun, sc, kind, initrd, args): sc
                for sc in chosen}
        for done in concurrent.futures.as_completed(todo):
            ok, line = done.result()
            print(line, flush=True)
            results[todo[done].name] = (ok, line)
    lines = [results[sc.name][1] for sc in chosen]
    passed = sum(results[sc.name][0] for sc in chosen)
    failed = len(chosen) - passed
    tails = [(sc.name, console_tail(os.path.join(args.out, sc.name)))
             for sc in chosen if not results[sc.name][0]]
    # what each failed guest printed last, where a CI log's end shows it
    for name, tail in tails:
        print("%s, last console lines:" % name)
        for t in tail:
            print("  | " + t)
    summary = "%d passed, %d failed" % (passed, failed)
    print(summary)
    with open(os.path.join(args.out, "summary.txt"), "w") as f:
        f.write("\n".join(lines + [summary]) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
