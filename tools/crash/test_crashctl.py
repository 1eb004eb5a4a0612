# SPDX-License-Identifier: GPL-2.0
"""crashctl on a made-up machine (CRASHCTL_ROOT): what setup loads and
refuses, status, estimate, test, report, archive and unload.  kexec is a
stand-in that logs its arguments; mkcapture and the Python parts are the
real ones."""
import os
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CRASHCTL = os.path.join(HERE, "crashctl")
M = 1 << 20

# kexec: log the arguments; refuse -s when KEXEC_NO_FILE is set
FAKE_KEXEC = """#!/bin/sh
echo "$*" >> "$KEXEC_LOG"
case " $* " in *" -s "*) [ -z "$KEXEC_NO_FILE" ] || exit 1 ;; esac
exit 0
"""

PANIC_RECORD = """Panic#1 Part1
<4>[    1.938409] Oops: invalid opcode: 0000 [#1] SMP
<0>[    1.969222] Kernel panic - not syncing: Fatal exception
<0>[    1.970000] crash_chain: receipt so far:
<0>[    1.970100] crash_chain:   capture  stop-cpus     ok     1748 us
"""


def bzimage(init_size):
    head = bytearray(8192)
    head[0x202:0x206] = b"HdrS"
    struct.pack_into("<I", head, 0x260, init_size)
    return bytes(head)


@unittest.skipUnless(os.path.exists("/bin/busybox"), "busybox-static")
class Crashctl(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = r = self.tmp.name
        for d in ("etc", "proc", "sys/kernel/kexec", "sys/fs/pstore",
                  "boot", "bin", "dev"):
            os.makedirs(os.path.join(r, d))
        self.write("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 "
                   "crashkernel=64M hugepages=16 console=ttyS0 quiet\n")
        self.write("proc/iomem", "00100000-3ffdffff : System RAM\n"
                   "  3b000000-3effffff : Crash kernel\n")
        self.write("sys/kernel/kexec/crash_size", "%d\n" % (64 * M))
        self.write("sys/kernel/kexec/crash_loaded", "0\n")
        self.write("proc/sysrq-trigger", "")
        self.write("proc/mounts", "/dev/vda1 / ext2 rw 0 0\n"
                   "tmpfs /run tmpfs rw 0 0\n/dev/vda1 /var/log ext2 rw 0 0\n"
                   "/dev/vda1 /srv xfs rw 0 0\n")
        self.write("proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n"
                   "/dev/vdd2\tpartition\t1048572\t0\t-2\n")
        self.write("proc/filesystems", "nodev\tsysfs\nnodev\ttmpfs\n"
                   "\text2\n")
        with open(os.path.join(r, "boot/vmlinuz"), "wb") as f:
            f.write(bzimage(int(19.5 * M)))
        self.write("bin/kexec", FAKE_KEXEC)
        os.chmod(os.path.join(r, "bin/kexec"), 0o755)
        # a block device for dev: targets (loop0's numbers; never opened)
        # and disks in use: vda1 holds /, vdd2 is swap
        for i, name in enumerate(("vdb", "vda", "vda1", "vdd", "vdd2")):
            os.mknod(os.path.join(r, "dev", name), stat.S_IFBLK | 0o600,
                     os.makedev(7, i))
        os.symlink("vda", os.path.join(r, "dev/root-disk"))
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]

    def tearDown(self):
        self.listener.close()
        self.tmp.cleanup()

    def write(self, path, text):
        with open(os.path.join(self.root, path), "w") as f:
            f.write(text)

    def read(self, path):
        try:
            with open(os.path.join(self.root, path)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def conf(self, text):
        self.write("etc/crash.conf", "kernel = /boot/vmlinuz\n" + text)

    def capture_init(self):
        """The init script of the capture initramfs setup wrote."""
        initrd = os.path.join(self.root, "var/lib/crash/capture.img")
        return subprocess.run("zcat %s | cpio -i --to-stdout init "
                              "2>/dev/null" % initrd, shell=True,
                              capture_output=True, text=True).stdout

    def crashctl(self, *args, stdin="", **env):
        e = dict(os.environ, CRASHCTL_ROOT=self.root,
                 KEXEC_LOG=os.path.join(self.root, "kexec.log"),
                 PATH=os.path.join(self.root, "bin") + ":" +
                 os.environ["PATH"])
        e.update(env)
        return subprocess.run([CRASHCTL] + list(args), capture_output=True,
                              text=True, env=e, input=stdin, timeout=60)

    def test_setup_loads_with_the_composed_command_line(self):
        self.conf("target = net:localhost:%d\ntarget = dev:/dev/vdb\n"
                  "on_failure = poweroff\ncapture_args = e2e=1\n" % self.port)
        p = self.crashctl("setup")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("loaded (kexec_file_load)", p.stdout)
        self.assertIn("crashctl: dropped crashkernel=64M:", p.stderr)
        calls = self.read("kexec.log").splitlines()
        self.assertEqual(len(calls), 1)
        initrd = os.path.join(self.root, "var/lib/crash/capture.img")
        self.assertEqual(calls[0], "-p -s %s/boot/vmlinuz --initrd=%s "
                         "--append=root=/dev/vda1 console=ttyS0 "
                         "reset_devices nr_cpus=1 irqpoll panic=10 cma=0 "
                         "e2e=1" % (self.root, initrd))
        init = self.capture_init()
        self.assertIn("targets='net:127.0.0.1:%d dev:/dev/vdb'" % self.port,
                      init)
        self.assertIn("failure='poweroff'", init)
        self.assertIn("net='127.0.0.1/8'", init)

    def test_who_filters(self):
        """exclude: the capture kernel leaves the pages out (mkcapture -x),
        or makedumpfile in the initramfs does when filter says so (-d)."""
        for extra, exclude, level in (("", "31", ""),
                                      ("filter = makedumpfile\n", "", "31")):
            self.conf("target = dev:/dev/vdb\nexclude = 31\n" + extra)
            p = self.crashctl("setup")
            self.assertEqual(p.returncode, 0, p.stderr)
            init = self.capture_init()
            self.assertIn("exclude='%s'" % exclude, init)
            self.assertIn("filter='%s'" % level, init)

    def test_dir_targets_become_the_device_and_the_path_on_it(self):
        self.conf("target = dir:/var/crash/\ntarget = dir:/var/log/k\n")
        p = self.crashctl("setup")
        self.assertEqual(p.returncode, 0, p.stderr)
        init = self.capture_init()
        self.assertIn("targets='dir:/dev/vda1:ext2:/var/crash "
                      "dir:/dev/vda1:ext2:/k'", init)
        # no filesystem here has room for a full dump of 64 TiB
        os.unlink(os.path.join(self.root, "kexec.log"))
        self.write("proc/iomem", "100000000-3fffffffffff : System RAM\n")
        self.refused(None, "target dir:/var/crash/: free in /var/crash/: ")
        self.refused(None, "MiB, smaller than a full dump (67104768 MiB of "
                     "RAM; exclude = 31 filters it)")

    def test_modules_the_targets_need(self):
        """A modular kernel: the disk's driver and its bus's, and a dir:
        target's filesystem, go into the initramfs, found in sysfs;
        built-in drivers (no initstate) do not."""
        r = self.root
        pci = "sys/devices/pci0000:00/0000:00:05.0"
        disk = pci + "/virtio2/block/vdb"
        os.makedirs(os.path.join(r, disk))
        os.makedirs(os.path.join(r, "sys/class/block"))
        os.symlink("../../devices/pci0000:00/0000:00:05.0/virtio2/block/vdb",
                   os.path.join(r, "sys/class/block/vda1"))
        for dev, drv, mod in ((pci + "/virtio2", "virtio/drivers/virtio_blk",
                               "virtio_blk"),
                              (pci, "pci/drivers/virtio-pci", "virtio_pci"),
                              ("sys/devices/pci0000:00", "x/drivers/host",
                               "builtin_host")):
            os.makedirs(os.path.join(r, "sys/bus", drv))
            os.makedirs(os.path.join(r, "sys/module", mod))
            os.symlink(os.path.join(r, "sys/bus", drv),
                       os.path.join(r, dev, "driver"))
            os.symlink(os.path.join(r, "sys/module", mod),
                       os.path.join(r, "sys/bus", drv, "module"))
            if mod != "builtin_host":
                self.write("sys/module/%s/initstate" % mod, "live\n")
        os.makedirs(os.path.join(r, "sys/module/ext2"))
        self.write("sys/module/ext2/initstate", "live\n")
        md = os.path.join(r, "lib/modules", os.uname().release, "kernel")
        os.makedirs(md)
        for mod, deps in (("virtio_blk", "virtio_ring"), ("virtio_pci", ""),
                          ("virtio_ring", ""), ("ext2", "mbcache"),
                          ("mbcache", "")):
            with open(os.path.join(md, mod + ".ko"), "wb") as f:
                f.write(b"\0depends=%s\0" % deps.encode())
        self.conf("target = dir:/var/crash\n")
        p = self.crashctl("setup")
        self.assertEqual(p.returncode, 0, p.stderr)
        init = self.capture_init()
        self.assertIn("modules='virtio_pci virtio_ring virtio_blk mbcache "
                      "ext2'", init)

    def test_setup_falls_back_to_kexec_load(self):
        self.conf("target = dev:/dev/vdb\n")
        p = self.crashctl("setup", KEXEC_NO_FILE="1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("kexec_file_load refused the capture kernel; loading "
                      "it with kexec_load", p.stderr)
        self.assertIn("loaded (kexec_load)", p.stdout)
        calls = self.read("kexec.log").splitlines()
        self.assertEqual([c.split()[:2] for c in calls],
                         [["-p", "-s"], ["-p", self.root + "/boot/vmlinuz"]])

    def refused(self, conf, why, **env):
        if conf is not None:
            self.conf(conf)
        p = self.crashctl("setup", **env)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(why, p.stderr)
        self.assertEqual(self.read("kexec.log"), "", "something was loaded")

    def test_setup_refuses(self):
        self.refused("target = dev:/dev/vdb\non_failure = halt\n",
                     "crash.conf:3: on_failure: 'halt'")
        # / as /dev/root, found by device number: vde, its vde3
        r = self.root
        os.makedirs(os.path.join(r, "proc/self"))
        self.write("proc/self/mountinfo", "21 26 0:20 / /proc rw - proc "
                   "proc rw\n26 1 254:3 / / rw - ext4 /dev/root rw\n")
        for d in ("vde", "vde/vde3"):
            os.makedirs(os.path.join(r, "sys/class/block", d))
        self.write("sys/class/block/vde/dev", "254:0\n")
        self.write("sys/class/block/vde/vde3/dev", "254:3\n")
        os.mknod(os.path.join(r, "dev/vde"), stat.S_IFBLK | 0o600,
                 os.makedev(7, 9))
        for dev, use in (("vda", "/ (/dev/vda1)"), ("vda1", "/"),
                         ("root-disk", "/ (/dev/vda1)"),
                         ("vdd", "swap (/dev/vdd2)"),
                         ("vde", "/ (/dev/vde3)")):
            self.refused("target = dev:/dev/%s\n" % dev,
                         "target dev:/dev/%s: in use as %s: a dump would "
                         "overwrite it; nothing loaded" % (dev, use))
        self.refused("target = dev:/dev/nothere\n",
                     "target dev:/dev/nothere: no block device "
                     "/dev/nothere; nothing loaded")
        self.listener.close()
        self.refused("target = net:127.0.0.1:%d\n" % self.port,
                     "target net:127.0.0.1:%d: 127.0.0.1:%d does not answer"
                     % (self.port, self.port))
        self.refused("target = dir:/run/crash\n", "target dir:/run/crash: "
                     "/run/crash is on tmpfs (tmpfs), not on a disk the "
                     "capture kernel can mount")
        self.refused("target = dir:/srv/dumps\n", "this kernel cannot mount "
                     "xfs, the filesystem of /srv/dumps")
        self.refused("target = ssh:a@b:/c\n", "target ssh:a@b:/c: no ssh "
                     "key %s/root/.ssh/kdump_id_rsa" % self.root)
        self.write("etc/crash.conf", "target = dev:/dev/vdb\n"
                   "kernel = /boot/none\n")
        self.refused(None, "no capture kernel at %s/boot/none" % self.root)
        self.write("sys/kernel/kexec/crash_size", "0\n")
        self.refused("target = dev:/dev/vdb\n",
                     "no memory is reserved for a capture kernel")
        self.write("sys/kernel/kexec/crash_size", "%d\n" % (16 * M))
        self.refused("target = dev:/dev/vdb\n", "reserved 16 MiB: too "
                     "little; boot with crashkernel=32M; nothing loaded")
        os.unlink(os.path.join(self.root, "etc/crash.conf"))
        self.refused(None, "crash.conf: No such file")

    def test_a_device_too_small_for_a_full_dump(self):
        os.makedirs(os.path.join(self.root, "sys/class/block/vdb"))
        self.write("sys/class/block/vdb/size", "%d\n" % (512 * 2048))
        # 1 GiB of RAM less the first MiB: 1022 MiB
        self.refused("target = dev:/dev/vdb\n", "target dev:/dev/vdb: 512 "
                     "MiB, smaller than a full dump (1022 MiB of RAM; "
                     "exclude = 31 filters it); nothing loaded")
        # filtered, it fits: 1022 MiB, 64 reserved, 200 free, 300 cache,
        # 100 user, 50 buffers: 308 MiB kept, and a quarter more
        meminfo = ("MemTotal: 900000 kB\nMemFree: 204800 kB\n"
                   "Buffers: 51200 kB\nCached: 307200 kB\n"
                   "AnonPages: 102400 kB\nShmem: 1000 kB\n")
        self.write("proc/meminfo", meminfo)
        self.conf("target = dev:/dev/vdb\nexclude = 31\n")
        p = self.crashctl("status")
        self.assertIn("target dev:/dev/vdb: ok", p.stdout)
        # but not when the kernel holds more than that
        self.write("sys/class/block/vdb/size", "%d\n" % (384 * 2048))
        self.refused(None, "target dev:/dev/vdb: 384 MiB, smaller than a "
                     "dump at exclude = 31 (about 385 MiB: what the kernel "
                     "holds now that it keeps, and a quarter more)")
        # what each level leaves out: free only, 758 MiB kept
        self.refused("target = dev:/dev/vdb\nexclude = free\n",
                     "about 947 MiB")
        self.refused("target = dev:/dev/vdb\nexclude = free,user,cache\n",
                     "about 447 MiB")
        self.write("sys/class/block/vdb/size", "%d\n" % (900 * 2048))
        self.conf("target = dev:/dev/vdb\nexclude = free,user\n")
        p = self.crashctl("status")
        self.assertIn("target dev:/dev/vdb: ok", p.stdout)
        # makedumpfile's compressed dump is not estimated
        self.write("sys/class/block/vdb/size", "%d\n" % (64 * 2048))
        self.conf("target = dev:/dev/vdb\nexclude = 31\n"
                  "filter = makedumpfile\n")
        p = self.crashctl("status")
        self.assertIn("target dev:/dev/vdb: ok", p.stdout)

    def test_status(self):
        self.conf("target = dev:/dev/vdb\ntarget = dev:/dev/gone\n")
        self.write("sys/kernel/kexec/crash_loaded", "1\n")
        self.write("sys/fs/pstore/dmesg-ramoops-0", PANIC_RECORD)
        p = self.crashctl("status")
        self.assertEqual(p.returncode, 0, p.stderr)
        for line in ("reserved: 64 MiB", "  3b000000-3effffff : Crash kernel",
                     "capture kernel: loaded", "target dev:/dev/vdb: ok",
                     "target dev:/dev/gone: no block device /dev/gone",
                     "pstore: 1 record(s) in", "crash chain receipt:",
                     "  capture  stop-cpus     ok     1748 us"):
            self.assertIn(line, p.stdout)
        self.assertNotIn("captured by", p.stdout)

    def test_estimate(self):
        self.conf("target = dev:/dev/vdb\n")
        p = self.crashctl("estimate")
        self.assertEqual(p.returncode, 1)
        self.assertIn("crashctl setup builds it", p.stderr)
        self.assertEqual(self.crashctl("setup").returncode, 0)
        p = self.crashctl("estimate")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("crashkernel=32M", p.stdout)
        self.assertIn("reserved 64 MiB: enough", p.stdout)
        self.write("sys/kernel/kexec/crash_size", "%d\n" % (28 * M))
        self.assertEqual(self.crashctl("estimate").returncode, 3)

    def test_test_asks_first(self):
        p = self.crashctl("test", stdin="no\n")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(self.read("proc/sysrq-trigger"), "")
        p = self.crashctl("test", stdin="crash\n")
        self.assertEqual(self.read("proc/sysrq-trigger"), "c\n")
        self.assertIn("no capture kernel is loaded", p.stderr)
        self.write("proc/sysrq-trigger", "")
        self.crashctl("test", "--yes")
        self.assertEqual(self.read("proc/sysrq-trigger"), "c\n")

    def test_report_archive_unload(self):
        p = self.crashctl("report")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no crash recorded", p.stderr)
        self.write("sys/fs/pstore/dmesg-ramoops-0", PANIC_RECORD)
        p = self.crashctl("report")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Kernel panic - not syncing: Fatal exception", p.stdout)
        p = self.crashctl("archive")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.listdir(os.path.join(self.root,
                                                 "sys/fs/pstore")), [])
        # from the archive once pstore is empty; a disk's lost+found is
        # not an archive
        os.makedirs(os.path.join(self.root, "var/lib/crash/lost+found"))
        p = self.crashctl("report")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Kernel panic - not syncing: Fatal exception", p.stdout)
        self.assertIn("archived in: %s/var/lib/crash/" % self.root, p.stdout)
        p = self.crashctl("unload")
        self.assertEqual(p.returncode, 0)
        self.assertEqual(self.read("kexec.log"), "-p -u\n")

    def test_archive_takes_the_dump_of_a_dev_target(self):
        sys.path.insert(0, HERE)
        from test_crasharchive import elf_core
        core = elf_core([(4096, 4096)])
        self.write("sys/fs/pstore/dmesg-ramoops-0", PANIC_RECORD)
        with open(os.path.join(self.root, "dev/dump"), "wb") as f:
            f.write(core)
        self.conf("target = dev:/dev/dump\n")
        p = self.crashctl("archive")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("an ELF dump of %d bytes" % len(core), p.stdout)
        dest = os.path.join(self.root, "var/lib/crash")
        stamp = [d for d in os.listdir(dest) if d[0].isdigit()][0]
        with open(os.path.join(dest, stamp, "vmcore"), "rb") as f:
            self.assertEqual(f.read(), core)
        with open(os.path.join(self.root, "dev/dump"), "rb") as f:
            self.assertEqual(f.read(4096), bytes(4096))

    @unittest.skipUnless(os.path.exists("/usr/sbin/sshd"), "openssh-server")
    def test_ssh_targets(self):
        """Against a real sshd on 127.0.0.1: setup checks that the key
        gets in and can write, refuses a user or a host key that is not
        right, and a server without room for a full dump; report names
        the newest dump there."""
        sys.path.insert(0, os.path.join(HERE, "..", "testing", "selftests",
                                        "crash"))
        from receiver import SshServer
        srv = SshServer(self.root, alias="127.0.0.1")
        self.addCleanup(srv.stop)
        os.makedirs(os.path.join(self.root, "root/.ssh"))
        known = os.path.join(self.root, "root/.ssh/known_hosts")
        key = os.path.join(self.root, "root/.ssh/kdump_id_rsa")
        shutil.copy(srv.key, key)
        remote = os.path.join(self.root, "remote")
        target = "ssh:%s@127.0.0.1:%d:%s" % (srv.user, srv.port, remote)
        conf = "target = %s\nexclude = 31\nfilter = makedumpfile\n" % target
        # HOST's key not known yet
        self.write("root/.ssh/known_hosts", "")
        self.refused(conf, "target %s: cannot write into %s on %s@127.0.0.1:"
                     "%d with %s: Host key verification failed."
                     % (target, remote, srv.user, srv.port, key))
        shutil.copy(srv.known_hosts, known)
        self.refused(conf.replace(srv.user + "@", "nobody@"),
                     "Permission denied")
        # no room for a full dump of 64 TiB
        iomem = self.read("proc/iomem")
        self.write("proc/iomem", "100000000-3fffffffffff : System RAM\n")
        self.refused(conf.replace("= 31", "= 0"), "free in %s: " % remote)
        self.refused(None, "MiB, smaller than a full dump (67104768 MiB of "
                     "RAM; exclude = 31 filters it)")
        # nor for one the capture kernel filters, of a kernel that holds
        # 16 TiB
        self.write("proc/meminfo", "MemFree: %d kB\n" % (48 << 30))
        self.refused(conf.replace("filter = makedumpfile\n", ""),
                     "free in %s: " % remote)
        self.refused(None, "smaller than a dump at exclude = 31 (about "
                     "20966320 MiB: what the kernel holds now that it "
                     "keeps, and a quarter more)")
        os.unlink(os.path.join(self.root, "proc/meminfo"))
        self.write("proc/iomem", iomem)
        self.conf(conf)
        p = self.crashctl("setup")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.isdir(remote), "setup made no directory")
        initrd = os.path.join(self.root, "var/lib/crash/capture.img")
        listing = subprocess.run("zcat %s | cpio -it 2>/dev/null" % initrd,
                                 shell=True, capture_output=True,
                                 text=True).stdout.split()
        for name in ("bin/ssh", "etc/mkcapture/id",
                     "etc/mkcapture/known_hosts", "bin/makedumpfile"):
            self.assertIn(name, listing)
        init = self.capture_init()
        self.assertIn("targets='%s'" % target, init)
        self.assertIn("net='127.0.0.1/8'", init)
        p = self.crashctl("status")
        self.assertIn("target %s: ok" % target, p.stdout)
        # report: the newest dump on the server, or that it was cut short
        self.write("sys/fs/pstore/dmesg-ramoops-0", PANIC_RECORD)
        who = "%s@127.0.0.1:%d" % (srv.user, srv.port)
        p = self.crashctl("report")
        self.assertIn("dump on %s: none in %s" % (who, remote), p.stdout)
        for t, name in (("20261205-100000", "vmcore.flat"),
                        ("20261205-110000", "vmcore.flat.part")):
            os.makedirs(os.path.join(remote, t))
            self.write(os.path.join(remote, t, name), "")
        p = self.crashctl("report")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Kernel panic - not syncing: Fatal exception", p.stdout)
        self.assertIn("dump on %s: %s/20261205-110000/vmcore.flat.part, cut "
                      "short" % (who, remote), p.stdout)
        os.makedirs(os.path.join(remote, "20261205-120000"))
        self.write(os.path.join(remote, "20261205-120000", "vmcore"), "")
        p = self.crashctl("report")
        self.assertIn("dump on %s: %s/20261205-120000/vmcore\n"
                      % (who, remote), p.stdout)
        srv.stop()
        p = self.crashctl("report")
        self.assertIn("dump on %s: cannot look, ssh failed" % who, p.stdout)

    def test_usage(self):
        self.assertEqual(self.crashctl("frobnicate").returncode, 2)
        self.assertEqual(self.crashctl().returncode, 2)
        p = self.crashctl("-h")
        self.assertEqual(p.returncode, 0)
        self.assertIn("crashctl - set up, check, test", p.stdout)


class Install(unittest.TestCase):
    def test_install_and_the_init_script(self):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.run([os.path.join(HERE, "install"), d],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            for f in ("usr/lib/crashctl/crashctl",
                      "usr/lib/crashctl/crashconf.py",
                      "usr/lib/crashctl/mkcapture",
                      "lib/systemd/system/crashctl.service",
                      "etc/init.d/crashctl", "etc/crash.conf"):
                self.assertTrue(os.path.exists(os.path.join(d, f)), f)
            self.assertNotIn("test_", " ".join(os.listdir(
                os.path.join(d, "usr/lib/crashctl"))))
            # through the link, crashctl finds its Python parts
            sbin = os.path.join(d, "usr/sbin/crashctl")
            p = subprocess.run([sbin, "-c", os.path.join(d, "etc/crash.conf"),
                                "status"], capture_output=True, text=True,
                               env=dict(os.environ, CRASHCTL_ROOT=d))
            self.assertIn("target dev:/dev/sdb: no block device", p.stdout)
            if shutil.which("systemd-analyze"):
                unit = os.path.join(d, "crashctl.service")
                with open(os.path.join(d, "lib/systemd/system/"
                                       "crashctl.service")) as f:
                    text = f.read().replace("/usr/sbin/crashctl", sbin)
                with open(unit, "w") as f:
                    f.write(text)
                p = subprocess.run(["systemd-analyze", "verify", "--man=no",
                                    unit], capture_output=True, text=True)
                self.assertEqual((p.returncode, p.stderr), (0, ""))
            # a second install keeps the user's configuration
            with open(os.path.join(d, "etc/crash.conf"), "w") as f:
                f.write("target = dev:/dev/vdb\n")
            subprocess.run([os.path.join(HERE, "install"), d], check=True,
                           capture_output=True)
            with open(os.path.join(d, "etc/crash.conf")) as f:
                self.assertEqual(f.read(), "target = dev:/dev/vdb\n")

    def test_init_script_order(self):
        with tempfile.TemporaryDirectory() as d:
            fake = os.path.join(d, "crashctl")
            with open(fake, "w") as f:
                f.write('#!/bin/sh\necho "$*" >> %s/log\n' % d)
            os.chmod(fake, 0o755)
            init = os.path.join(HERE, "crashctl.init")
            env = dict(os.environ, CRASHCTL=fake, CRASHCTL_ROOT=d)
            log = os.path.join(d, "log")
            # no configuration: start does nothing
            subprocess.run([init, "start"], env=env, check=True)
            self.assertFalse(os.path.exists(log))
            os.makedirs(os.path.join(d, "etc"))
            with open(os.path.join(d, "etc/crash.conf"), "w") as f:
                f.write("target = dev:/dev/vdb\n")
            for arg in ("start", "stop", "status"):
                subprocess.run([init, arg], env=env, check=True)
            with open(log) as f:
                self.assertEqual(f.read().split(), ["archive", "setup",
                                                    "unload", "status"])
            self.assertEqual(subprocess.run([init, "bogus"], env=env,
                                            capture_output=True).returncode,
                             2)


if __name__ == "__main__":
    unittest.main()
