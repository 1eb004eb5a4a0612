# SPDX-License-Identifier: GPL-2.0
"""tools/crash/mkcapture: usage errors, and what the initramfs holds."""
import gzip
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
MKCAPTURE = os.path.join(HERE, "..", "..", "..", "crash", "mkcapture")


def mkcapture(*args):
    return subprocess.run([MKCAPTURE] + list(args), capture_output=True,
                          text=True)


def cpio_members(path):
    """{name: data} of a gzip'ed newc cpio archive."""
    with gzip.open(path) as f:
        raw = f.read()
    members, off = {}, 0
    while raw[off:off + 6] == b"070701":
        namesize = int(raw[off + 94:off + 102], 16)
        filesize = int(raw[off + 54:off + 62], 16)
        name = raw[off + 110:off + 110 + namesize - 1].decode()
        off = (off + 110 + namesize + 3) & ~3
        members[name] = raw[off:off + filesize]
        off = (off + filesize + 3) & ~3
        if name == "TRAILER!!!":
            break
    return members


class TestMkcapture(unittest.TestCase):
    def test_help(self):
        p = mkcapture("-h")
        self.assertEqual(p.returncode, 0)
        self.assertIn("mkcapture - build the initramfs", p.stdout)

    def test_usage_errors(self):
        for args, why in ((("-t", "dev:/dev/vdb"), "no -o"),
                          (("-o", "/tmp/x", "-t", "disk"), "TARGET must"),
                          (("-o", "/tmp/x", "-t", "net:10.0.2.2:9"),
                           "need -n"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-b",
                            "/nonexistent"), "no busybox"),
                          (("-o", "/tmp/x"), "no -t TARGET"),
                          (("-o", "/tmp", "-t", "dev:/dev/vdb"),
                           "is a directory"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:/c"),
                           "need -n"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:/c", "-n",
                            "10.0.2.15/24"), "need -k KEY"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:/c", "-n",
                            "10.0.2.15/24", "-k", "/nonexistent"),
                           "cannot read the ssh key"),
                          (("-o", "/tmp/x", "-t", "ssh:b:/c"), "not ssh:"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:c"), "not ssh:"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:/c d"),
                           "has a space"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:/c;reboot"),
                           "not ssh:"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:/$(reboot)"),
                           "not ssh:"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:70000:/c"),
                           "not ssh:"),
                          (("-o", "/tmp/x", "-t", "ssh:a@b:0:/c"),
                           "not ssh:"),
                          (("-o", "/tmp/x", "-t", "ssh:-oProxy@b:/c"),
                           "not ssh:"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-d",
                            "32"), "0 to 31"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-d",
                            "x"), "0 to 31"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-E"),
                           "-E needs -f or -d"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-E",
                            "-x", "31"), "-E needs -f or -d"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-x",
                            "32"), "-x LEVEL must be"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-x",
                            "zero,,free"), "-x LEVEL must be"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-x",
                            "free,"), "-x LEVEL must be"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-x",
                            "zero;reboot"), "-x LEVEL must be"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-x",
                            "zero,pagecache"), "no level named"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-x",
                            "31", "-d", "31"), "give one"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-F",
                            "halt"), "-F must be"),
                          (("-o", "/tmp/x", "-t", "dir:/var/crash"),
                           "TARGET must"),
                          (("-o", "/tmp/x", "-t", "dir:/dev/vdd::/x"),
                           "TARGET must"),
                          (("-o", "/tmp/x", "-t", "dir:/dev/vdd:ext2:x"),
                           "TARGET must")):
            p = mkcapture(*args)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertIn(why, p.stderr, args)

    @unittest.skipUnless(os.path.exists("/bin/busybox"), "busybox-static")
    def test_initramfs(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "capture.img")
            p = mkcapture("-o", out, "-t", "dev:/dev/vdc")
            self.assertEqual(p.returncode, 0, p.stderr)
            members = cpio_members(out)
            init = members["init"].decode()
            self.assertIn("targets='dev:/dev/vdc'", init)
            self.assertIn("filter=''", init)
            self.assertIn("failure='reboot'", init)
            self.assertIn("bin/busybox", members)
            self.assertNotIn("bin/makedumpfile", members)

    @unittest.skipUnless(os.path.exists("/bin/busybox") and
                         shutil.which("makedumpfile"),
                         "busybox-static, makedumpfile")
    def test_makedumpfile_format(self):
        """-d compresses (-c); with -E makedumpfile writes ELF."""
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "capture.img")
            for extra, fmt in (((), "-c"), (("-E",), "-E")):
                p = mkcapture("-o", out, "-t", "dev:/dev/vdc", "-d", "31",
                              *extra)
                self.assertEqual(p.returncode, 0, p.stderr)
                members = cpio_members(out)
                init = members["init"].decode()
                self.assertIn("filter='31'", init)
                self.assertIn("format='%s'" % fmt, init)
                self.assertIn('makedumpfile -F "$format"', init)
                self.assertIn("bin/makedumpfile", members)

    @unittest.skipUnless(os.path.exists("/bin/busybox"), "busybox-static")
    def test_targets_in_order_and_failure(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "capture.img")
            p = mkcapture("-o", out, "-t", "net:10.0.0.1:9", "-t",
                          "dev:/dev/vdc", "-t", "dir:/dev/vdd:ext2:/crash",
                          "-n", "10.0.0.2/24", "-F", "shell", "-d", "0")
            self.assertEqual(p.returncode, 0, p.stderr)
            members = cpio_members(out)
            init = members["init"].decode()
            self.assertIn("targets='net:10.0.0.1:9 dev:/dev/vdc "
                          "dir:/dev/vdd:ext2:/crash'", init)
            for applet in ("umount", "date", "mkdir", "poweroff"):
                self.assertIn("bin/" + applet, members)
            self.assertIn("failure='shell'", init)
            self.assertIn("filter=''", init)

    @unittest.skipUnless(os.path.exists("/bin/busybox"), "busybox-static")
    def test_kernel_filter(self):
        """-x: the level goes to vmcore.exclude, no makedumpfile."""
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "capture.img")
            for level in ("31", "zero,cache-private,free"):
                p = mkcapture("-o", out, "-t", "dev:/dev/vdc", "-x", level)
                self.assertEqual(p.returncode, 0, p.stderr)
                members = cpio_members(out)
                init = members["init"].decode()
                self.assertIn("exclude='%s'" % level, init)
                self.assertIn("filter=''", init)
                self.assertIn("/sys/module/vmcore/parameters/exclude", init)
                self.assertNotIn("bin/makedumpfile", members)

    @unittest.skipUnless(os.path.exists("/bin/busybox") and
                         shutil.which("xz") and shutil.which("zstd"),
                         "busybox, xz, zstd")
    def test_modules(self):
        """-M: each module after what it depends on, uncompressed;
        built-in ones passed over; missing ones and loops refused."""
        with tempfile.TemporaryDirectory() as d:
            md = os.path.join(d, "mods")
            os.makedirs(os.path.join(md, "kernel", "x"))

            def ko(path, depends, compress=None):
                data = b"\x7fELF\0depends=%s\0vermagic=6.12\0" % depends
                path = os.path.join(md, path)
                with open(path, "wb") as f:
                    f.write(data)
                if compress:
                    subprocess.run([compress, "-q", path], check=True)
                return data

            a = ko("kernel/x/a_mod.ko", b"b_mod,c-mod")
            b = ko("kernel/b-mod.ko", b"c_mod", "xz")
            c = ko("kernel/x/c_mod.ko", b"", "gzip")
            ko("kernel/x/z.ko", b"", "zstd")
            with open(os.path.join(md, "modules.builtin"), "w") as f:
                f.write("kernel/fs/ext4/ext4.ko\n")
            out = os.path.join(d, "capture.img")
            p = mkcapture("-o", out, "-t", "dev:/dev/vdc", "-r", md,
                          "-M", "a-mod", "-M", "ext4", "-M", "c_mod",
                          "-M", "z")
            self.assertEqual(p.returncode, 0, p.stderr)
            members = cpio_members(out)
            self.assertIn("modules='c_mod b_mod a_mod z'",
                          members["init"].decode())
            for name, data in (("a_mod", a), ("b_mod", b), ("c_mod", c)):
                self.assertEqual(members["lib/modules/%s.ko" % name], data)
            self.assertIn("bin/insmod", members)
            self.assertNotIn("lib/modules/ext4.ko", members)
            p = mkcapture("-o", out, "-t", "dev:/dev/vdc", "-r", md,
                          "-M", "nope")
            self.assertEqual(p.returncode, 2)
            self.assertIn("no module nope in %s, and not built in" % md,
                          p.stderr)
            ko("kernel/x/c_mod.ko", b"a_mod")	# now a loop
            os.unlink(os.path.join(md, "kernel/x/c_mod.ko.gz"))
            p = mkcapture("-o", out, "-t", "dev:/dev/vdc", "-r", md,
                          "-M", "a_mod")
            self.assertEqual(p.returncode, 2)
            self.assertIn("depend on each other in a loop", p.stderr)

    @unittest.skipUnless(os.path.exists("/bin/busybox") and
                         os.path.exists("/usr/bin/ssh"), "busybox, ssh")
    def test_ssh(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "capture.img")
            key = os.path.join(d, "id")
            known = os.path.join(d, "known_hosts")
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                            "-f", key], check=True)
            with open(key + ".pub") as f:
                pub = " ".join(f.read().split()[:2])
            with open(known, "w") as f:
                f.write("[10.0.2.2]:2222 %s\nlocalhost %s\n" % (pub, pub))
            base = ["-o", out, "-n", "10.0.2.15/24,10.0.2.2", "-k", key,
                    "-K", known]
            # the key of a host not in KNOWN_HOSTS: refused at once
            for t, entry in (("ssh:u@10.0.2.2:/crash", "10.0.2.2"),
                             ("ssh:u@10.0.2.2:22:/crash", "10.0.2.2"),
                             ("ssh:u@localhost:2222:/c", "[localhost]:2222")):
                p = mkcapture(*base, "-t", t)
                self.assertEqual(p.returncode, 2, t)
                self.assertIn("no host key for %s in" % entry, p.stderr)
            self.assertFalse(os.path.exists(out))
            p = mkcapture(*base, "-t", "ssh:crash@10.0.2.2:2222:/srv/c-1.x",
                          "-t", "ssh:u@localhost:/d", "-d", "31")
            self.assertEqual(p.returncode, 0, p.stderr)
            members = cpio_members(out)
            init = members["init"].decode()
            self.assertIn("targets='ssh:crash@10.0.2.2:2222:/srv/c-1.x "
                          "ssh:u@localhost:/d'", init)
            for name in ("bin/ssh", "bin/makedumpfile", "bin/mv",
                         "etc/passwd", "etc/mkcapture/known_hosts"):
                self.assertIn(name, members)
            with open(key, "rb") as f:
                self.assertEqual(members["etc/mkcapture/id"], f.read())
            self.assertTrue(any("libcrypto" in m for m in members))
            self.assertRegex(members["etc/hosts"].decode(),
                             r"^\S+ localhost\n$")
            mode = subprocess.run("zcat %s | cpio -itv 2>/dev/null | "
                                  "grep etc/mkcapture/id$" % out, shell=True,
                                  capture_output=True, text=True).stdout
            self.assertTrue(mode.startswith("-rw-------"), mode)


if __name__ == "__main__":
    unittest.main()
