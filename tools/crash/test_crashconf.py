# SPDX-License-Identifier: GPL-2.0
"""crashconf.py: every key of crash.conf, every bad value, and what the
capture kernel's command line keeps, drops and gains."""
import gzip
import io
import os
import struct
import sys
import tempfile
import unittest
import unittest.mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import crashconf  # noqa: E402
from crashconf import ConfError, capture_cmdline, parse_conf  # noqa: E402


class Conf(unittest.TestCase):
    def test_every_key(self):
        conf = parse_conf("""
# dumps
target = dev:/dev/vdb
target = dir:/var/crash   # a second one
target = net:10.0.2.2:9000
target = ssh:crash@dumps.example:/srv/crash
target = ssh:crash@10.0.0.1:2222:/
exclude = zero,cache,cache-private,user,free
filter = makedumpfile
capture_args = console=ttyS0 "foo=a b"
on_failure = shell
""")
        self.assertEqual(conf.targets, [
            ("dev", "/dev/vdb"), ("dir", "/var/crash"),
            ("net", "10.0.2.2:9000"),
            ("ssh", "crash@dumps.example:/srv/crash"),
            ("ssh", "crash@10.0.0.1:2222:/")])
        self.assertEqual(conf.exclude, 31)
        self.assertEqual(conf.filter, "makedumpfile")
        self.assertEqual(conf.capture_args, 'console=ttyS0 "foo=a b"')
        self.assertEqual(conf.on_failure, "shell")

    def test_defaults(self):
        conf = parse_conf("target = dev:/dev/sdb\n")
        self.assertEqual((conf.exclude, conf.filter, conf.capture_args,
                          conf.on_failure), (0, "kernel", "", "reboot"))

    def test_exclude_by_number_and_name(self):
        for value, level in (("0", 0), ("31", 31), ("17", 17),
                             ("free", 16), ("zero, user", 9)):
            conf = parse_conf("target = dev:/dev/sdb\nexclude = %s\n" % value)
            self.assertEqual(conf.exclude, level, value)

    def bad(self, text, line, words):
        with self.assertRaises(ConfError) as cm:
            parse_conf(text, "/etc/crash.conf")
        msg = str(cm.exception)
        self.assertTrue(msg.startswith("/etc/crash.conf:%d: " % line)
                        if line else msg.startswith("/etc/crash.conf: "), msg)
        for w in words:
            self.assertIn(w, msg)

    def test_every_bad_value(self):
        t = "target = dev:/dev/sdb\n"
        self.bad("tagret = dev:/dev/sdb\n", 1, ["unknown key", "tagret"])
        self.bad(t + "just words\n", 2, ["not key = value"])
        self.bad(t + "= 3\n", 2, ["not key = value"])
        self.bad(t + "exclude =\n", 2, ["exclude has no value"])
        self.bad("target = usb:/x\n", 1, ["usb:/x", "dev:DEVICE"])
        self.bad("target = /dev/sdb\n", 1, ["/dev/sdb", "dev:DEVICE"])
        self.bad("target = dev:sdb\n", 1, ["not an absolute path"])
        self.bad("target = dir:var/crash\n", 1, ["not an absolute path"])
        self.bad("target = net:host\n", 1, ["not HOST:PORT"])
        self.bad("target = net:host:http\n", 1, ["not HOST:PORT"])
        self.bad("target = net:host:0\n", 1, ["not HOST:PORT"])
        self.bad("target = net:host:65536\n", 1, ["not HOST:PORT"])
        self.bad("target = net::9000\n", 1, ["not HOST:PORT"])
        for bad in ("host:/srv", "u@host:srv", "u@host:0:/srv",
                    "u@host:65536:/srv", "-oProxyCommand=x@h:/d",
                    "u@-h:/d", "u@h:/a;reboot", "u@h:/$(reboot)",
                    "u@h:/a'b", "u@h:/\u00e9", "u@h:22:", "u@h::/d"):
            self.bad("target = ssh:%s\n" % bad, 1,
                     ["USER@HOST[:PORT]:/DIR"])
        self.bad(t + "exclude = 32\n", 2, ["0 to 31"])
        self.bad(t + "exclude = -1\n", 2, ["'-1' is not one of"])
        self.bad(t + "exclude = zero,slab\n", 2, ["'slab' is not one of"])
        self.bad(t + "exclude = zero,\n", 2, ["'' is not one of"])
        self.bad(t + "on_failure = halt\n", 2, ["'halt'", "reboot"])
        self.bad(t + "filter = crash\n", 2,
                 ["'crash' is not kernel or makedumpfile"])
        self.bad(t + "filter = kernel\nfilter = kernel\n", 3,
                 ["filter given again"])
        self.bad(t + "exclude = 1\nexclude = 2\n", 3,
                 ["exclude given again (first on line 2)"])
        self.bad("# nothing\n", 0, ["no target"])
        self.bad("", 0, ["no target"])
        self.bad(t + "kernel = vmlinuz\n", 2, ["kernel", "absolute path"])
        self.bad(t + "initrd = /a b\n", 2, ["initrd", "absolute path"])
        self.bad(t + "sshkey = id_rsa\n", 2, ["sshkey", "absolute path"])
        self.bad(t + "kernel = /a\nkernel = /b\n", 3, ["given again"])

    def test_kernel_and_initrd(self):
        conf = parse_conf("target = dev:/dev/sdb\n")
        self.assertEqual((conf.kernel, conf.initrd, conf.sshkey),
                         ("", "/var/lib/crash/capture.img",
                          "/root/.ssh/kdump_id_rsa"))
        conf = parse_conf("target = dev:/dev/sdb\nkernel = /boot/vmlinuz-x\n"
                          "initrd = /boot/capture.img\n")
        self.assertEqual((conf.kernel, conf.initrd),
                         ("/boot/vmlinuz-x", "/boot/capture.img"))


class Cmdline(unittest.TestCase):
    def test_dropped_with_reasons(self):
        line, dropped = capture_cmdline(
            "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet crashkernel=256M "
            "hugepages=64 hugepagesz=2M default_hugepagesz=2M "
            "hugetlb_cma=1G cma=64M memmap=1M$0x30000000 mem=8G "
            "swiotlb=65536 log_buf_len=16M nr_cpus=8 maxcpus=4 "
            "possible_cpus=8 isolcpus=2-3 nohz_full=2-3 rcu_nocbs=2-3 "
            "irqaffinity=0 panic=0 crash_kexec_post_notifiers "
            "resume=/dev/sda2 resume_offset=42 noresume init=/bin/sh "
            "rdinit=/init initrd=/initrd.img slub_debug=FZ page_owner=on "
            "ramoops.mem_address=0x30000000 ramoops.mem_size=0x100000 "
            "console=ttyS0,115200")
        self.assertEqual(line, "root=/dev/sda1 ro console=ttyS0,115200 "
                         "reset_devices nr_cpus=1 irqpoll panic=10 cma=0")
        words = [w for w, _ in dropped]
        self.assertEqual(len(words), 31)
        for w, why in dropped:
            self.assertTrue(why, w)
        self.assertIn("crashkernel=256M", words)
        self.assertIn("ramoops.mem_size=0x100000", words)

    def test_names_match_whole(self):
        # a parameter that only starts like a dropped one is kept
        line, dropped = capture_cmdline("memory_corruption_check=0 "
                                        "panic_print=3 cmatest initrdmem=1 "
                                        "ramoopsx=1 mem")
        self.assertEqual(line.split()[:5], ["memory_corruption_check=0",
                                            "panic_print=3", "cmatest",
                                            "initrdmem=1", "ramoopsx=1"])
        self.assertEqual(dropped, [("mem", crashconf.drop_reason("mem"))])

    def test_quotes_and_init_args(self):
        line, dropped = capture_cmdline(
            'console=ttyS0 dyndbg="file foo.c +p" quiet -- single '
            'systemd.unit=rescue.target')
        self.assertTrue(line.startswith('console=ttyS0 dyndbg="file foo.c '
                                        '+p" reset_devices'), line)
        self.assertIn(("single", "for the running system's init"), dropped)
        self.assertIn(("--", "for the running system's init"), dropped)
        self.assertNotIn("rescue", line)

    def test_added_once_and_capture_args_last(self):
        line, _ = capture_cmdline("reset_devices irqpoll console=ttyS0",
                                  'nr_cpus=2 "a=b c"')
        self.assertEqual(line, 'reset_devices irqpoll console=ttyS0 '
                         'nr_cpus=1 panic=10 cma=0 nr_cpus=2 "a=b c"')

    def test_empty(self):
        line, dropped = capture_cmdline("  \n")
        self.assertEqual(line, "reset_devices nr_cpus=1 irqpoll panic=10 "
                         "cma=0")
        self.assertEqual(dropped, [])

    def test_split_like_the_kernel(self):
        self.assertEqual(crashconf.split_cmdline(' a  "b c" d="e f"g  '),
                         ["a", '"b c"', 'd="e f"g'])
        # an unterminated quote runs to the end
        self.assertEqual(crashconf.split_cmdline('a "b c'), ["a", '"b c'])


class Documented(unittest.TestCase):
    def test_every_dropped_and_added_parameter(self):
        doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                           "..", "Documentation", "admin-guide", "crash",
                           "crashctl.rst")
        with open(doc) as f:
            text = f.read()
        for name, why in crashconf.DROP + crashconf.ADD:
            name = name + "*" if name.endswith(".") else name
            self.assertIn("``%s``" % name, text)
            self.assertIn(" ".join(why.split()[:4]), " ".join(text.split()))
        for key in crashconf.KEYS:
            self.assertIn("``%s``" % key, text)


class Main(unittest.TestCase):
    def test_resolve(self):
        self.assertEqual(self.run_main("resolve", "127.0.0.1"),
                         (0, "127.0.0.1\n", ""))
        self.assertEqual(self.run_main("resolve", "localhost")[:2],
                         (0, "127.0.0.1\n"))
        code, _, err = self.run_main("resolve", "no-such-host.invalid")
        self.assertEqual(code, 1)
        self.assertIn("cannot resolve no-such-host.invalid", err)

    def test_bom_and_bytes_that_are_not_utf8(self):
        import tempfile
        with tempfile.NamedTemporaryFile("wb", suffix=".conf") as f:
            f.write(b"\xef\xbb\xbftarget = dev:/dev/vdb\r\nexclude = 31\r\n")
            f.flush()
            self.assertEqual(self.run_main("check", f.name)[0], 0)
            f.seek(0)
            f.truncate()
            f.write(b"target = dev:/dev/vdb\nkernel = /boot/vmlinuz-\xff\n")
            f.flush()
            code, _, err = self.run_main("check", f.name)
            self.assertEqual(code, 1)
            self.assertIn(".conf:2: a byte that is not UTF-8", err)

    def test_check_names_the_line(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write("target = dev:/dev/vdb\non_failure = sometimes\n")
            f.flush()
            with unittest.mock.patch("sys.stderr") as err:
                self.assertEqual(crashconf.main(["x", "check", f.name]), 1)
            out = "".join(c.args[0] for c in err.write.call_args_list)
            self.assertIn("%s:2: on_failure: 'sometimes'" % f.name, out)

    def test_missing_file(self):
        with unittest.mock.patch("sys.stderr") as err:
            self.assertEqual(crashconf.main(["x", "check", "/nonexistent"]),
                             1)
        out = "".join(c.args[0] for c in err.write.call_args_list)
        self.assertIn("/nonexistent", out)


    def run_main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with unittest.mock.patch("sys.stdout", out), \
                unittest.mock.patch("sys.stderr", err):
            rc = crashconf.main(["x"] + list(args))
        return rc, out.getvalue(), err.getvalue()

    def test_get(self):
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write("target = dev:/dev/vdb\ntarget = net:h:1\nexclude = 3\n")
            f.flush()
            self.assertEqual(self.run_main("get", f.name, "target"),
                             (0, "dev:/dev/vdb\nnet:h:1\n", ""))
            self.assertEqual(self.run_main("get", f.name, "exclude")[1], "3\n")
            self.assertEqual(self.run_main("get", f.name, "filter")[1],
                             "kernel\n")
            self.assertEqual(self.run_main("get", f.name, "initrd")[1],
                             "/var/lib/crash/capture.img\n")
            self.assertEqual(self.run_main("get", f.name, "nokey")[0], 2)


def bzimage(init_size):
    head = bytearray(4096)
    head[0x202:0x206] = b"HdrS"
    struct.pack_into("<I", head, 0x260, init_size)
    return bytes(head)


def arm64_image(image_size):
    head = bytearray(4096)
    head[0x38:0x3c] = b"ARM\x64"
    struct.pack_into("<Q", head, 0x10, image_size)
    return bytes(head)


class Estimate(unittest.TestCase):
    M = 1 << 20

    def test_footprint(self):
        self.assertEqual(crashconf.image_footprint(bzimage(20 * self.M)),
                         20 * self.M)
        self.assertEqual(crashconf.image_footprint(arm64_image(30 * self.M)),
                         30 * self.M)
        self.assertIsNone(crashconf.image_footprint(b"\x7fELF" + bytes(4092)))
        self.assertIsNone(crashconf.image_footprint(b"HdrS"))
        self.assertIsNone(crashconf.image_footprint(b""))

    def test_gzip_unpacked(self):
        data = gzip.compress(b"x" * 123456)
        self.assertEqual(crashconf.gzip_unpacked(data), 123456)
        self.assertIsNone(crashconf.gzip_unpacked(b"070701" + bytes(100)))
        self.assertIsNone(crashconf.gzip_unpacked(b"\x1f\x8b"))

    def test_sum_and_rounding(self):
        M = self.M
        # the bench's case: 19.5 MiB image, 1 MiB and 1.9 MiB initramfs
        parts = crashconf.estimate(int(19.5 * M), M, int(1.9 * M))
        self.assertEqual(parts[-1], ("crashkernel=", 32 * M))
        self.assertEqual(sum(b for _, b in parts[:-1]),
                         int(19.5 * M) + M + int(1.9 * M) + crashconf.RUNTIME)
        # a step exactly is not rounded further; a byte over is
        exact = 36 * M * 63 // 64 - crashconf.RUNTIME
        self.assertEqual(crashconf.estimate(exact, 0, 0)[-1][1], 36 * M)
        self.assertEqual(crashconf.estimate(exact + 1, 0, 0)[-1][1], 40 * M)

    def test_command(self):
        M = self.M
        with tempfile.TemporaryDirectory() as d:
            k, rd = os.path.join(d, "bzImage"), os.path.join(d, "rd")
            with open(k, "wb") as f:
                f.write(bzimage(int(19.5 * M)))
            with open(rd, "wb") as f:
                f.write(gzip.compress(os.urandom(M // 2)))
            rc, out, err = Main.run_main(None, "estimate", k, rd)
            self.assertEqual((rc, err), (0, ""))
            self.assertIn("crashkernel=32M\n", out)
            rc, out, _ = Main.run_main(None, "estimate", k, rd, str(64 * M))
            self.assertEqual(rc, 0)
            self.assertIn("reserved 64 MiB: enough", out)
            rc, out, _ = Main.run_main(None, "estimate", k, rd, str(16 * M))
            self.assertEqual(rc, 3)
            self.assertIn("reserved 16 MiB: too little; boot with "
                          "crashkernel=32M", out)
            # an arm64 Image.gz is read through gzip
            with gzip.open(k, "wb") as f:
                f.write(arm64_image(40 * M))
            self.assertIn("crashkernel=52M\n",
                          Main.run_main(None, "estimate", k, rd)[1])
            # neither image nor initramfs of a known kind
            with open(k, "wb") as f:
                f.write(b"junk")
            rc, _, err = Main.run_main(None, "estimate", k, rd)
            self.assertEqual(rc, 1)
            self.assertIn("not a bzImage or arm64 Image", err)
            rc, _, err = Main.run_main(None, "estimate", rd, k)
            self.assertEqual(rc, 1)
            rc, _, err = Main.run_main(None, "estimate", k, "/nonexistent")
            self.assertIn("/nonexistent", err)


if __name__ == "__main__":
    unittest.main()
