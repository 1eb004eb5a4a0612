# SPDX-License-Identifier: GPL-2.0
"""tools/crash/mkcapture: usage errors, and what the initramfs holds."""
import gzip
import os
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
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-t",
                            "ssh:a@b:/c"), "TARGET must"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-d",
                            "32"), "0 to 31"),
                          (("-o", "/tmp/x", "-t", "dev:/dev/vdb", "-d",
                            "x"), "0 to 31"),
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


if __name__ == "__main__":
    unittest.main()
