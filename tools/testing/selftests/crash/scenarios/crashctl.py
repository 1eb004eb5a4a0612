# SPDX-License-Identifier: GPL-2.0
"""crashctl in a guest: installed with tools/crash/install, with Debian's
python3 from the host, run as a user would, through a crash and the next
boot's service."""
import io
import os
import re
import subprocess
import tarfile

from . import CheckFailed, scenario
from .kdump import REPO, closed_port, flat_dmesg, ssh_target, stop_sshd
from .pstore import RAMOOPS

PATCHED = ("patched",)
PYTHON = "/usr/bin/python3"	# Debian's (make deps), not a PATH's pyenv
MAKEDUMPFILE = "/usr/bin/makedumpfile"
SSH = ("/usr/bin/ssh", "/usr/bin/ssh-keygen")
CRASH_TOOLS = os.path.join(REPO, "tools", "crash")
# What crashctl's Python parts import, lazily ones too (argparse's
# messages go through gettext, which imports locale)
IMPORTS = ("crashconf", "crashreport", "crasharchive", "argparse", "gzip",
           "locale", "socket", "encodings.idna", "struct", "tempfile",
           "time", "re")


def python_files():
    """The files Debian's python3 needs to run crashctl's parts: the
    interpreter, its libraries and those of its extension modules, and
    each stdlib module they import; and makedumpfile and ssh with their
    libraries, for exclude= and ssh: targets."""
    code = ("import sys; sys.path.insert(0, %r); import %s; "
            "print('\\n'.join(m.__file__ for m in list(sys.modules.values())"
            " if getattr(m, '__file__', None) and "
            "m.__file__.startswith(sys.base_prefix + '/lib/')))"
            % (CRASH_TOOLS, ", ".join(IMPORTS)))
    mods = subprocess.run([PYTHON, "-c", code], check=True,
                          capture_output=True, text=True).stdout.split()
    exe = os.path.realpath(PYTHON)
    files = {exe, MAKEDUMPFILE, *SSH} | set(mods)
    for obj in [exe, MAKEDUMPFILE, *SSH] + [m for m in mods
                                            if m.endswith(".so")]:
        ldd = subprocess.run(["ldd", obj], capture_output=True,
                             text=True).stdout
        files |= set(re.findall(r"(/\S+) \(0x", ldd))
    return sorted(files), exe


def tools_disk(run, ssh=False):
    """crashctl.img: a tar to unpack at the guest's /: python3, crashctl
    installed by tools/crash/install, the kernel as /boot/vmlinuz; with
    @ssh, root's key and known_hosts for the host's sshd, and its ssh:
    target in /etc/ssh-target."""
    files, exe = python_files()
    stage = os.path.join(run.workdir, "stage")
    subprocess.run([os.path.join(CRASH_TOOLS, "install"), stage],
                   check=True, capture_output=True)
    os.unlink(os.path.join(stage, "etc", "crash.conf"))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        # the files, not links: a library's link (the loader's is
        # absolute) would replace the guest's own copy with a dangling one
        for f in files:
            t.add(os.path.realpath(f), f.lstrip("/"))
        link = tarfile.TarInfo("usr/bin/python3")
        link.type, link.linkname = tarfile.SYMTYPE, os.path.basename(exe)
        t.addfile(link)
        t.add(stage, ".", recursive=True)
        t.add(run.kernel, "boot/vmlinuz")
        if ssh:
            target = ssh_target(run)
            srv = run.data["sshd"]
            t.add(srv.key, "root/.ssh/kdump_id_rsa")
            t.add(srv.known_hosts, "root/.ssh/known_hosts")
            data = (target + "\n").encode()
            info = tarfile.TarInfo("etc/ssh-target")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    with open(os.path.join(run.workdir, "crashctl.img"), "r+b") as f:
        f.write(buf.getvalue())
    run.data["cmdline"] = "e2e_closed=%d" % closed_port()
    crash = os.path.join(run.workdir, "crash.img")
    if os.path.exists(crash):		# the scenario's /var/lib/crash
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-L", "crash",
                        crash], check=True)


def ext2_file(run, path):
    """The file @path of the guest's /var/lib/crash disk, read on the host
    with debugfs; None if it is not there."""
    out = os.path.join(run.workdir, "from-disk")
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run(["debugfs", "-R", "dump %s %s" % (path, out),
                    os.path.join(run.workdir, "crash.img")],
                   capture_output=True)
    if not os.path.exists(out) or (os.path.getsize(out) == 0 and
                                   not path.endswith(".txt")):
        return None
    with open(out, "rb") as f:
        return f.read()


CONF = ("target = dev:/dev/vdc\\nexclude = 31\\nfilter = makedumpfile\\n"
        "on_failure = poweroff\\nkernel = /boot/vmlinuz\\n")
INSTALL = """
	tar -xf /dev/vdb -C /
	export PATH=$PATH:/usr/sbin:/usr/bin
	mkdir -p /var/lib/crash && mount -t ext2 /dev/vdd /var/lib/crash
	printf '%s' > /etc/crash.conf
""" % CONF


@scenario("crashctl", kernels=PATCHED, timeout=400, net=True,
          cmdline="crashkernel=128M log_buf_len=1M " + RAMOOPS,
          disks=(("crashctl.img", 64), ("vmcore.img", 64),
                 ("crash.img", 64)),
          setup=tools_disk, guest="""
boot1() {
	tar -xf /dev/vdb -C /
	export PATH=$PATH:/usr/sbin:/usr/bin
	mkdir -p /var/lib/crash && mount -t ext2 /dev/vdd /var/lib/crash
	e2e_result python $(python3 -c 'print(6 * 7)')
	closed=$(sed -n 's/.*e2e_closed=\\([0-9]*\\).*/\\1/p' /proc/cmdline)
	printf 'target = net:10.0.2.2:%%s\nkernel = /boot/vmlinuz\n' \
		"$closed" > /etc/crash.conf
	crashctl setup
	e2e_result refused status=$? loaded=$(cat /sys/kernel/kexec/crash_loaded)
	printf '%(conf)s' > /etc/crash.conf
	/etc/init.d/crashctl start
	e2e_result setup status=$? loaded=$(cat /sys/kernel/kexec/crash_loaded)
	crashctl status | sed 's/^/E2E: status /'
	crashctl estimate | sed 's/^/E2E: estimate /'
	# the capture gets exactly what estimate says it needs
	need=$(crashctl estimate | sed -n 's/^crashkernel=\\([0-9]*\\)M$/\\1/p')
	crashctl unload
	echo $((need << 20)) > /sys/kernel/kexec/crash_size
	crashctl setup > /dev/null
	e2e_result shrunk to $(($(cat /sys/kernel/kexec/crash_size) >> 20)) \\
		loaded=$(cat /sys/kernel/kexec/crash_loaded)
	crashctl test --yes
}
boot2() {
	%(install)s
	mount -t pstore pstore /sys/fs/pstore
	e2e_result records $(ls /sys/fs/pstore 2>/dev/null | wc -l)
	/etc/init.d/crashctl start > /tmp/service.txt 2>&1
	e2e_result service status=$? left=$(ls /sys/fs/pstore | wc -l)
	sed 's/^/E2E: service /' /tmp/service.txt
	crashctl report > /tmp/report.txt
	e2e_result report status=$?
	ls /var/lib/crash/2* | sed 's/^/E2E: archived /'
	e2e_result dump header $(head -c 8 /dev/vdc | tr '\\0' 0)
	umount /var/lib/crash
	cd /tmp && e2e_output report.txt
}
""" % {"conf": CONF, "install": INSTALL})
def crashctl(run):
    """crashctl as a user runs it, on Debian's python3: setup refuses a
    target nobody answers and loads nothing; the init script's start
    loads the capture kernel with a command line that lost crashkernel=,
    log_buf_len= and ramoops.* and gained reset_devices and the rest;
    status and estimate describe it; the reservation shrunk to exactly
    the estimate still saves the whole dump after `crashctl test --yes`;
    the next boot's service moves the pstore records into
    /var/lib/crash/ with a report, and `crashctl report` names the panic,
    the receipt and both stores that caught it (ramoops and the dump)."""
    run.expect(r"^E2E: result python 42$")
    # "Network is unreachable": the guest's eth0 has no address
    run.expect(r"crashctl: target net:10\.0\.2\.2:\d+: 10\.0\.2\.2:\d+ does "
               r"not answer: \w.*; nothing loaded")
    run.expect(r"^E2E: result refused status=1 loaded=0$")
    run.expect(r"^E2E: result setup status=0 loaded=1$")
    run.expect(r"crashctl: dropped crashkernel=128M: ")
    run.expect(r"crashctl: dropped log_buf_len=1M: ")
    line = run.expect(r"crashctl: its command line: (.*)$").group(1)
    words = line.split()
    for w in ("reset_devices", "nr_cpus=1", "irqpoll", "panic=10", "cma=0"):
        if w not in words:
            raise CheckFailed("no %s in %r" % (w, line))
    bad = [w for w in words if w.split("=")[0] in ("crashkernel",
                                                    "log_buf_len") or
           w.startswith("ramoops.") or w.startswith("memmap=")]
    if bad:
        raise CheckFailed("the capture command line kept %s" % bad)
    run.expect(r"crashctl: capture kernel /boot/vmlinuz loaded "
               r"\(kexec_file_load\) with /var/lib/crash/capture\.img")
    for line in (r"reserved: 128 MiB", r"capture kernel: loaded",
                 r"  crashkernel: reserved 128 MiB at 0x[0-9a-f]+-0x[0-9a-f]+",
                 r"target dev:/dev/vdc: ok"):
        run.expect(r"^E2E: status %s$" % line)
    need = int(run.expect(r"^E2E: estimate crashkernel=(\d+)M$").group(1))
    run.expect(r"^E2E: estimate reserved 128 MiB: enough$")
    run.expect(r"^E2E: result shrunk to %d loaded=1$" % need)
    run.expect_in_order(r"sysrq: Trigger a crash",
                        r"mkcapture: saved /proc/vmcore \(\d+ bytes\) to "
                        r"dev:/dev/vdc", r"E2E: boot 2")
    records = int(run.expect(r"^E2E: result records (\d+)$").group(1))
    if records == 0:
        raise CheckFailed("pstore held no record of the crash")
    run.expect(r"^E2E: result service status=0 left=0$")
    run.expect(r"^E2E: service crasharchive: /dev/vdc: a filtered dump, "
               r"\d+ bytes as vmcore$")
    stamp = run.expect(r"^E2E: service crasharchive: %d record\(s\) "
                       r"archived in /var/lib/crash/(\d{8}-\d{6})$"
                       % records).group(1)
    run.expect(r"^E2E: result report status=0$")
    for name in ("report.txt", "dmesg.txt", "vmcore", "dmesg-ramoops-0"):
        run.expect(r"^E2E: archived %s$" % name)
    # the dump was cleared once archived
    run.expect(r"^E2E: result dump header 00000000$")
    # read on the host, from the disk the guest archived to
    vmcore = ext2_file(run, "/%s/vmcore" % stamp)
    if not vmcore or not vmcore.startswith(b"KDUMP   "):
        raise CheckFailed("no kdump-compressed vmcore on the disk: %r"
                          % (vmcore or b"")[:16])
    dmesg = (ext2_file(run, "/%s/dmesg.txt" % stamp) or b"").decode(
        errors="replace")
    if "sysrq: Trigger a crash" not in dmesg:
        raise CheckFailed("the dump's log lacks the crash: %r" % dmesg[-300:])
    reports = {"crashctl report": run.outputs.get("report.txt", b""),
               "the archived report.txt": ext2_file(
                   run, "/%s/report.txt" % stamp) or b""}
    for name, text in reports.items():
        text = text.decode(errors="replace")
        for want in ("Kernel panic - not syncing: sysrq triggered crash",
                     "crash chain receipt:", "captured by:", "\n  ramoops ",
                     "\n  vmcore "):
            if want not in text:
                raise CheckFailed("%s: no %r in %r" % (name, want,
                                                       text[:300]))


DIR_CONF = ("target = dir:/var/lib/crash/dumps\\nexclude = 31\\n"
            "kernel = /boot/vmlinuz\\n")


@scenario("crashctl-dir", kernels=PATCHED, timeout=400,
          cmdline="crashkernel=128M " + RAMOOPS,
          disks=(("crashctl.img", 64), ("crash.img", 256)),
          setup=tools_disk, guest="""
install() {
	tar -xf /dev/vdb -C /
	export PATH=$PATH:/usr/sbin:/usr/bin
	mkdir -p /var/lib/crash && mount -t ext2 /dev/vdc /var/lib/crash
	mkdir -p /var/lib/crash/dumps
	printf '%(conf)s' > /etc/crash.conf
}
boot1() {
	install
	/etc/init.d/crashctl start
	e2e_result setup status=$? loaded=$(cat /sys/kernel/kexec/crash_loaded)
	# still mounted, as on a real machine: the capture kernel mounts it
	# as the crash left it
	crashctl test --yes
}
boot2() {
	install
	mount -t pstore pstore /sys/fs/pstore
	/etc/init.d/crashctl start > /tmp/service.txt 2>&1
	sed 's/^/E2E: service /' /tmp/service.txt
	e2e_result left $(ls /var/lib/crash/dumps | wc -l)
	umount /var/lib/crash
}
""" % {"conf": DIR_CONF})
def crashctl_dir(run):
    """A dir: target: setup turns /var/lib/crash/dumps into the disk and
    filesystem under it; exclude = 31 has the capture kernel filter the
    dump itself (vmcore.exclude=), and it mounts that disk and writes the
    filtered dump, an ELF file, there; the next boot's service moves it
    into the archive as vmcore with its log."""
    run.expect(r"^E2E: result setup status=0 loaded=1$")
    run.expect(r"^mkcapture: filtered at 31: \d+ of \d+ bytes kept$")
    run.expect(r"mkcapture: saved /proc/vmcore \(\d+ bytes\) to "
               r"dir:/dev/vdc:ext2:/dumps as /dumps/\d{8}-\d{6}/vmcore$")
    run.expect(r"^E2E: service crasharchive: /var/lib/crash/dumps/\d{8}-"
               r"\d{6}: a dump of \d+ bytes as vmcore$")
    stamp = run.expect(r"^E2E: service crasharchive: \d+ record\(s\) "
                       r"archived in /var/lib/crash/(\d{8}-\d{6})$").group(1)
    run.expect(r"^E2E: result left 0$")
    vmcore = ext2_file(run, "/%s/vmcore" % stamp)
    if not vmcore or not vmcore.startswith(b"\x7fELF"):
        raise CheckFailed("no ELF vmcore in the archive")
    dmesg = (ext2_file(run, "/%s/dmesg.txt" % stamp) or b"").decode(
        errors="replace")
    if "sysrq: Trigger a crash" not in dmesg:
        raise CheckFailed("the dump's log lacks the crash")


@scenario("crashctl-ssh", kernels=PATCHED, timeout=400, net=True,
          cmdline="crashkernel=128M " + RAMOOPS,
          disks=(("crashctl.img", 64),),
          setup=lambda run: tools_disk(run, ssh=True), teardown=stop_sshd,
          guest="""
install() {
	tar -xf /dev/vdb -C /
	export PATH=$PATH:/usr/sbin:/usr/bin
	ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0
	ip route add default via 10.0.2.2
	echo root:x:0:0:root:/root:/bin/sh > /etc/passwd	# ssh needs one
	printf 'target = %s\nexclude = 31\nfilter = makedumpfile\n' \\
		"$(cat /etc/ssh-target)" > /etc/crash.conf
	echo kernel = /boot/vmlinuz >> /etc/crash.conf
}
boot1() {
	install
	/etc/init.d/crashctl start
	e2e_result setup status=$? loaded=$(cat /sys/kernel/kexec/crash_loaded)
	crashctl status | sed 's/^/E2E: status /'
	crashctl test --yes
}
boot2() {
	install
	mount -t pstore pstore /sys/fs/pstore
	crashctl report > /tmp/report.txt
	e2e_result report status=$?
	cd /tmp && e2e_output report.txt
}
""")
def crashctl_ssh(run):
    """An ssh: target on Debian's sshd on the host: setup logs in with
    root's key and the server's known host key to check it can write
    there, and gives the capture kernel ssh, the key and the address
    towards the host; after `crashctl test --yes` the capture kernel
    writes the filtered dump to the server as DIR/TIME/vmcore.flat,
    which makedumpfile -R and --dump-dmesg read on the host; on the next
    boot `crashctl report` names the panic and that dump."""
    run.expect(r"^E2E: result setup status=0 loaded=1$")
    run.expect(r"^E2E: status target ssh:\S+: ok$")
    m = run.expect(r"mkcapture: saved /proc/vmcore \(\d+ bytes\) to "
                   r"ssh:\S+ as (/\S+/\d{8}-\d{6}/vmcore\.flat)$")
    flat = m.group(1)
    if not flat.startswith(os.path.join(run.workdir, "dumps") + "/"):
        raise CheckFailed("the dump went to %s" % flat)
    flat_dmesg(run, flat, r"sysrq: Trigger a crash", "the dump on the server")
    run.expect(r"^E2E: result report status=0$")
    report = run.outputs.get("report.txt", b"").decode(errors="replace")
    run.expect(r"Kernel panic - not syncing: sysrq triggered crash", report,
               "crashctl report")
    run.expect(r"^dump on \S+@10\.0\.2\.2:\d+: %s$" % re.escape(flat),
               report, "crashctl report")
