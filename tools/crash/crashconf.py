#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""crashconf.py: crashctl's logic that needs no machine.

    crashconf.py check [CONF]            check CONF (default /etc/crash.conf)
    crashconf.py cmdline CONF [CMDLINE]  the capture kernel's command line,
                                         from CMDLINE (default /proc/cmdline)
    crashconf.py get CONF KEY            KEY's value, one line per target
    crashconf.py reach HOST:PORT         whether a TCP connection opens
    crashconf.py resolve HOST            HOST's IPv4 address
    crashconf.py estimate KERNEL INITRD [RESERVED]
                                         the crashkernel= they need, and
                                         whether RESERVED bytes are enough

/etc/crash.conf is one "key = value" per line; "#" starts a comment.  The
keys (Documentation/admin-guide/crash/crashctl.rst has the whole manual):

  target = dev:DEVICE | dir:DIRECTORY | net:HOST:PORT
         | ssh:USER@HOST[:PORT]:DIR
        where a dump goes; may be given more than once, tried in order
  exclude = LEVEL | NAME[,NAME...]
        what a dump leaves out, makedumpfile's dump level (0 to 31) or
        the names of its bits: zero, cache, cache-private, user, free
  filter = kernel | makedumpfile
        what leaves them out: the capture kernel itself (vmcore.exclude=,
        an ELF dump; the default), or makedumpfile in the capture
        initramfs (a compressed dump in its flattened format)
  capture_args = ARGS
        more arguments for the capture kernel's command line (last word)
  on_failure = reboot | shell | poweroff
        what the capture kernel does when no target took the dump
  kernel = PATH
        the capture kernel (default /boot/vmlinuz-RELEASE, the running
        one's)
  initrd = PATH
        where setup writes the capture initramfs (default
        /var/lib/crash/capture.img)
  sshkey = PATH
        the key ssh: targets log in with (default
        /root/.ssh/kdump_id_rsa, as kdump's other tools)

A mistake is an error naming the file and line, and nothing is loaded.

The capture kernel's command line is the running kernel's, less what
breaks or wastes a capture kernel (DROP, each with its reason), plus what
a capture kernel needs (ADD), plus capture_args.
"""
import re
import sys

# makedumpfile's dump level bits, by the names crash.conf gives them
EXCLUDE_BITS = {"zero": 1, "cache": 2, "cache-private": 4, "user": 8,
                "free": 16}
ON_FAILURE = ("reboot", "shell", "poweroff")
FILTERS = ("kernel", "makedumpfile")
KEYS = ("target", "exclude", "filter", "capture_args", "on_failure",
        "kernel", "initrd", "sshkey")
TARGET_KINDS = ("dev", "dir", "net", "ssh")

# Parameters the capture kernel does not get: (name, reason).  A name
# ending in "." drops every parameter of that module.
DROP = [
    ("crashkernel", "the capture kernel reserves nothing for another"),
    ("hugepages", "a huge page pool the capture kernel's memory cannot hold"),
    ("hugepagesz", "a huge page pool the capture kernel's memory cannot "
     "hold"),
    ("default_hugepagesz", "a huge page pool the capture kernel's memory "
     "cannot hold"),
    ("hugetlb_cma", "a CMA area the capture kernel's memory cannot hold"),
    ("cma", "a CMA area the capture kernel's memory cannot hold"),
    ("memmap", "a reservation in the running kernel's memory map; kexec "
     "gives the capture kernel its own"),
    ("mem", "a memory limit for the running kernel; the capture kernel's "
     "memory is the crash region"),
    ("swiotlb", "bounce buffers sized for the running kernel's memory"),
    ("log_buf_len", "a log buffer sized for the running kernel"),
    ("nr_cpus", "the capture kernel runs on one CPU (nr_cpus=1 is added)"),
    ("maxcpus", "the capture kernel runs on one CPU (nr_cpus=1 is added)"),
    ("possible_cpus", "the capture kernel runs on one CPU"),
    ("isolcpus", "CPUs the capture kernel does not bring up; on one CPU it "
     "could isolate the only one"),
    ("nohz_full", "CPUs the capture kernel does not bring up"),
    ("rcu_nocbs", "CPUs the capture kernel does not bring up"),
    ("irqaffinity", "CPUs the capture kernel does not bring up"),
    ("panic", "the capture kernel reboots 10 s after a panic of its own "
     "(panic=10 is added)"),
    ("crash_kexec_post_notifiers", "the capture kernel loads no capture "
     "kernel"),
    ("resume", "a capture kernel must not resume a hibernation image"),
    ("resume_offset", "a capture kernel must not resume a hibernation image"),
    ("noresume", "a capture kernel must not resume a hibernation image "
     "(it never tries)"),
    ("init", "the capture initramfs runs its own init"),
    ("rdinit", "the capture initramfs runs its own init"),
    ("initrd", "the boot loader's initramfs; kexec loads the capture one"),
    ("BOOT_IMAGE", "the boot loader's kernel image"),
    ("quiet", "the capture kernel's progress belongs on the console"),
    ("slub_debug", "slab debugging slows the capture and costs memory"),
    ("page_owner", "page owner tracking costs the capture memory"),
    ("ramoops.", "the crashed kernel's records stay for its next boot: the "
     "capture kernel does not attach to their region"),
]

# What a capture kernel needs: (parameter, reason).
ADD = [
    ("reset_devices", "drivers reset devices the crashed kernel left "
     "running"),
    ("nr_cpus=1", "the other CPUs stay stopped; one CPU needs the least "
     "memory"),
    ("irqpoll", "interrupts the crashed kernel routed elsewhere are still "
     "handled"),
    ("panic=10", "a capture kernel that panics reboots rather than hangs"),
    ("cma=0", "no CMA area out of the capture kernel's few MiB"),
]


class ConfError(Exception):
    """A mistake in crash.conf: str() is "FILE:LINE: what"."""


class Conf:
    def __init__(self):
        self.targets = []		# [(kind, where)]
        self.exclude = 0		# makedumpfile's dump level
        self.filter = "kernel"	# what leaves out what exclude says
        self.capture_args = ""
        self.on_failure = "reboot"
        self.kernel = ""		# "": the running kernel's image
        self.initrd = "/var/lib/crash/capture.img"
        self.sshkey = "/root/.ssh/kdump_id_rsa"


def parse_target(value):
    """(kind, where) of a target value; ValueError saying why not."""
    kind, sep, where = value.partition(":")
    if not sep or kind not in TARGET_KINDS:
        raise ValueError("'%s' is not dev:DEVICE, dir:DIRECTORY, "
                         "net:HOST:PORT or ssh:USER@HOST:/DIR" % value)
    if kind in ("dev", "dir") and not where.startswith("/"):
        raise ValueError("%s: '%s' is not an absolute path" % (kind, where))
    if kind == "net":
        host, sep, port = where.rpartition(":")
        if not host or not sep or not port.isdigit() or \
                not 0 < int(port) < 65536:
            raise ValueError("net: '%s' is not HOST:PORT" % where)
    if kind == "ssh":
        # only what neither a shell nor ssh reads, no leading dash
        m = re.fullmatch(r"[\w][\w.-]*@[A-Za-z0-9][A-Za-z0-9.-]*"
                         r"(?::(\d{1,5}))?:/[\w./-]*", where, re.ASCII)
        if not m or m.group(1) and not 0 < int(m.group(1)) < 65536:
            raise ValueError("ssh: '%s' is not USER@HOST[:PORT]:/DIR "
                             "(letters, digits and . _ - /)" % where)
    return kind, where


def parse_exclude(value):
    """makedumpfile's dump level of an exclude value; ValueError if bad."""
    if value.isdigit():
        level = int(value)
        if level > 31:
            raise ValueError("dump level %d is not 0 to 31" % level)
        return level
    level = 0
    for name in value.split(","):
        name = name.strip()
        if name not in EXCLUDE_BITS:
            raise ValueError("'%s' is not one of %s" %
                             (name, ", ".join(EXCLUDE_BITS)))
        level |= EXCLUDE_BITS[name]
    return level


def parse_conf(text, path="crash.conf"):
    """A Conf from crash.conf's @text; ConfError at the first mistake."""
    conf = Conf()
    seen = {}
    for n, line in enumerate(text.splitlines(), 1):
        if "\ufffd" in line:
            raise ConfError("%s:%d: a byte that is not UTF-8" % (path, n))
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = (s.strip() for s in line.partition("="))
        where = "%s:%d" % (path, n)
        if not sep or not key:
            raise ConfError("%s: '%s' is not key = value" % (where, line))
        if not value:
            raise ConfError("%s: %s has no value" % (where, key))
        if key != "target" and key in seen:
            raise ConfError("%s: %s given again (first on line %d)" %
                            (where, key, seen[key]))
        seen[key] = n
        try:
            if key == "target":
                conf.targets.append(parse_target(value))
            elif key == "exclude":
                conf.exclude = parse_exclude(value)
            elif key == "filter":
                if value not in FILTERS:
                    raise ValueError("'%s' is not %s" %
                                     (value, " or ".join(FILTERS)))
                conf.filter = value
            elif key == "capture_args":
                conf.capture_args = value
            elif key == "on_failure":
                if value not in ON_FAILURE:
                    raise ValueError("'%s' is not %s" %
                                     (value, ", ".join(ON_FAILURE)))
                conf.on_failure = value
            elif key in ("kernel", "initrd", "sshkey"):
                if not value.startswith("/") or " " in value:
                    raise ValueError("'%s' is not an absolute path" % value)
                setattr(conf, key, value)
            else:
                raise ValueError("unknown key (%s)" % ", ".join(KEYS))
        except ValueError as e:
            raise ConfError("%s: %s: %s" % (where, key, e)) from None
    if not conf.targets:
        raise ConfError("%s: no target: say where dumps go "
                        "(target = dev:/dev/sdb, say)" % path)
    return conf


def split_cmdline(cmdline):
    """The words of a kernel command line, as the kernel splits it: at
    spaces outside double quotes, the quotes kept."""
    words, word, quoted = [], "", False
    for c in cmdline.strip():
        if c == '"':
            quoted = not quoted
        if c.isspace() and not quoted:
            if word:
                words.append(word)
            word = ""
        else:
            word += c
    if word:
        words.append(word)
    return words


def drop_reason(word):
    """Why the capture kernel does not get @word, or None."""
    name = word.split("=", 1)[0]
    for drop, reason in DROP:
        if name == drop or (drop.endswith(".") and name.startswith(drop)):
            return reason
    return None


def capture_cmdline(cmdline, capture_args=""):
    """(the capture kernel's command line, [(word dropped, why)]) from the
    running kernel's @cmdline.  What follows "--" is for the running
    system's init and is dropped; capture_args come last, so they win."""
    words = split_cmdline(cmdline)
    dropped = []
    if "--" in words:
        i = words.index("--")
        dropped += [(w, "for the running system's init") for w in words[i:]]
        words = words[:i]
    kept = []
    for w in words:
        reason = drop_reason(w)
        if reason:
            dropped.append((w, reason))
        else:
            kept.append(w)
    added = [a for a, _ in ADD if a not in kept]
    return " ".join(kept + added + split_cmdline(capture_args)), dropped


MIB = 1 << 20
# What a capture kernel needs besides its image and initramfs: slab, page
# tables, per-CPU areas, the devices' buffers, the dump's copy through the
# page cache.  Calibrated with make bench's crashkernel-min (x86-64, the
# QEMU config, mkcapture's initramfs: 32 MiB saves the dump, 28 does not).
RUNTIME = 8 * MIB
STEP = 4 * MIB		# the bench's search step, and the reservation's


def image_footprint(head):
    """Bytes a kernel image needs to run, from its first 4 KiB @head:
    x86's bzImage header (init_size), arm64's Image header (image_size),
    or None for an image this does not know."""
    import struct
    if len(head) >= 0x264 and head[0x202:0x206] == b"HdrS":
        return struct.unpack_from("<I", head, 0x260)[0]
    if len(head) >= 0x40 and head[0x38:0x3c] == b"ARM\x64":
        return struct.unpack_from("<Q", head, 0x10)[0]
    return None


def gzip_unpacked(data):
    """The unpacked size of the gzip stream @data (its last 4 bytes, mod
    4 GiB), or None if it is not gzip."""
    if data[:2] != b"\x1f\x8b" or len(data) < 18:
        return None
    return int.from_bytes(data[-4:], "little")


def estimate(footprint, initrd, unpacked):
    """[(what, bytes)] a capture kernel needs, the last ("crashkernel=")
    their sum with the struct pages of the reservation (1/64 of it),
    rounded up to STEP."""
    parts = [("kernel image (its init_size)", footprint),
             ("initramfs, as loaded", initrd),
             ("initramfs, unpacked", unpacked),
             ("kernel at run time", RUNTIME)]
    total = sum(b for _, b in parts)
    total += total // 63		# struct pages of the whole
    parts.append(("crashkernel=", -(-total // STEP) * STEP))
    return parts


def cmd_estimate(kernel, initrd, reserved=None):
    try:
        with open(kernel, "rb") as f:
            head = f.read(4096)
        if head[:2] == b"\x1f\x8b":		# arm64's Image.gz
            import gzip
            with gzip.open(kernel) as f:
                head = f.read(4096)
        with open(initrd, "rb") as f:
            rd = f.read()
    except OSError as e:
        print("crashctl: %s: %s" % (e.filename, e.strerror), file=sys.stderr)
        return 1
    footprint = image_footprint(head)
    if footprint is None:
        print("crashctl: %s: not a bzImage or arm64 Image" % kernel,
              file=sys.stderr)
        return 1
    unpacked = gzip_unpacked(rd)
    if unpacked is None:
        print("crashctl: %s: not a gzip'ed initramfs" % initrd,
              file=sys.stderr)
        return 1
    parts = estimate(footprint, len(rd), unpacked)
    for what, b in parts[:-1]:
        print("  %-30s %6.1f MiB" % (what, b / MIB))
    need = parts[-1][1]
    print("crashkernel=%dM" % (need // MIB))
    if reserved is None:
        return 0
    if reserved >= need:
        print("reserved %d MiB: enough" % (reserved // MIB))
        return 0
    print("reserved %d MiB: too little; boot with crashkernel=%dM" %
          (reserved // MIB, need // MIB))
    return 3


def reach(hostport, timeout=3):
    """None if a TCP connection to HOST:PORT opens, else why not."""
    import socket
    host, _, port = hostport.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout):
            return None
    except Exception as e:	# noqa: B902 (a reason, whatever it is)
        return "%s does not answer: %s" % (hostport,
                                           getattr(e, "strerror", None) or e)


def resolve(host):
    """HOST's IPv4 address (HOST itself when it is one); OSError if none:
    a capture kernel has no resolver."""
    import socket
    return socket.getaddrinfo(host, None, socket.AF_INET)[0][4][0]


def main(argv):
    if len(argv) == 3 and argv[1] == "resolve":
        try:
            print(resolve(argv[2]))
            return 0
        except (OSError, UnicodeError) as e:
            print("crashctl: cannot resolve %s: %s" %
                  (argv[2], getattr(e, "strerror", None) or e),
                  file=sys.stderr)
            return 1
    if len(argv) == 3 and argv[1] == "reach":
        why = reach(argv[2])
        if why:
            print(why)
        return 1 if why else 0
    if len(argv) >= 4 and argv[1] == "estimate":
        return cmd_estimate(argv[2], argv[3],
                            int(argv[4]) if len(argv) > 4 else None)
    if len(argv) < 2 or argv[1] not in ("check", "cmdline", "get") or \
            (argv[1] == "get" and len(argv) != 4):
        sys.stderr.write(__doc__)
        return 2
    path = argv[2] if len(argv) > 2 else "/etc/crash.conf"
    try:
        # a BOM an editor added is not part of the first key; a byte
        # that is not UTF-8 is named where it is, as any other mistake
        with open(path, "rb") as f:
            data = f.read()
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        conf = parse_conf(data.decode("utf-8", "replace"), path)
    except OSError as e:
        print("crashctl: %s: %s" % (path, e.strerror), file=sys.stderr)
        return 1
    except ConfError as e:
        print("crashctl: %s" % e, file=sys.stderr)
        return 1
    if argv[1] == "get":
        key = argv[3]
        if key not in KEYS:
            print("crashctl: no key %s" % key, file=sys.stderr)
            return 2
        if key == "target":
            for kind, where in conf.targets:
                print("%s:%s" % (kind, where))
        else:
            print(getattr(conf, key))
        return 0
    if argv[1] == "cmdline":
        if len(argv) > 3:
            cmdline = argv[3]
        else:
            with open("/proc/cmdline") as f:
                cmdline = f.read()
        line, dropped = capture_cmdline(cmdline, conf.capture_args)
        for word, why in dropped:
            print("crashctl: dropped %s: %s" % (word, why), file=sys.stderr)
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
