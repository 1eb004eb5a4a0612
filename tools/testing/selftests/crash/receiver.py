# SPDX-License-Identifier: GPL-2.0
"""The netconsole receiver on the host: a UDP socket on 127.0.0.1 that
keeps every datagram, and a reader of netconsole's extended format that
reassembles fragmented messages and checks sequence numbers.

QEMU's user-mode network delivers what the guest sends to 10.0.2.2 to the
host's 127.0.0.1.
"""
import errno
import multiprocessing
import os
import pwd
import re
import socket
import struct
import subprocess
import tempfile
import threading
import time

FRAG = re.compile(rb"^(?P<head>[^;]*?),ncfrag=(?P<off>\d+)/(?P<total>\d+);")


class UdpReceiver:
    """Collect datagrams on 127.0.0.1:port until stop(), in a process of
    its own: a thread shares the interpreter lock with the harness, which
    holds it while it scans a flooded console, and the socket overflows."""

    def __init__(self, port=0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.datagrams = None
        self._spool = tempfile.TemporaryFile()
        ctx = multiprocessing.get_context("fork")
        self._stop = ctx.Event()
        self._proc = ctx.Process(target=self._run, daemon=True)
        self._proc.start()

    def _run(self):
        """In the child: spool each datagram, length first, until stop()
        and then until the socket has been quiet for 0.2 s."""
        fd = self._spool.fileno()
        self.sock.settimeout(0.2)
        while True:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                if self._stop.is_set():
                    break
                continue
            os.write(fd, struct.pack("<I", len(data)) + data)

    def stop(self):
        """Stop once what is queued is received; the datagrams, in order."""
        if self.datagrams is not None:
            return self.datagrams
        self._stop.set()
        self._proc.join(30)
        if self._proc.is_alive():
            self._proc.kill()
        self.sock.close()
        self._spool.seek(0)
        spool = self._spool.read()
        self._spool.close()
        self.datagrams, at = [], 0
        while at + 4 <= len(spool):
            size, = struct.unpack_from("<I", spool, at)
            self.datagrams.append(spool[at + 4:at + 4 + size])
            at += 4 + size
        return self.datagrams

    def text(self):
        return b"".join(self.stop()).decode(errors="replace")


# Each datagram one line: the sender, a space, the datagram JSON-escaped
# (its newlines as \\n), so a multi-line message stays one line and
# nothing of it is lost or rewritten.
RSYSLOG_CONF = """\
global(workDirectory="%(dir)s" maxMessageSize="64k"
       parser.escapeControlCharactersOnReceive="off"
       parser.dropTrailingLFOnReception="off")
module(load="imudp")
template(name="netconsole" type="string"
         string="%%fromhost-ip%% %%rawmsg:::json%%\\n")
ruleset(name="netconsole") {
	action(type="omfile" file="%(log)s" template="netconsole")
}
input(type="imudp" address="127.0.0.1" port="%(port)d"
      ruleset="netconsole")
"""
JSON_ESCAPE = re.compile(rb"\\(u[0-9a-fA-F]{4}|.)")
JSON_CHARS = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b"b": b"\b",
              b"f": b"\f"}


def json_unescape(data):
    """The bytes rsyslog's json property option escaped into @data."""
    def one(m):
        e = m.group(1)
        if e.startswith(b"u"):
            return bytes([int(e[1:], 16) & 0xff])
        return JSON_CHARS.get(e, e)
    return JSON_ESCAPE.sub(one, data)


def rsyslog_lines(text):
    """[(sender, datagram)] from the file RSYSLOG_CONF writes."""
    out = []
    for line in text.split(b"\n"):
        sender, sep, data = line.partition(b" ")
        if sep:
            out.append((sender.decode(), json_unescape(data)))
    return out


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RsyslogReceiver:
    """Debian's rsyslogd, as a fleet's log host runs it, taking netconsole
    on 127.0.0.1:port with its UDP input and writing it to a file in
    @workdir (RSYSLOG_CONF); stop() reads the datagrams back from that
    file, so a check sees what the syslog daemon kept."""

    def __init__(self, workdir, port=0):
        self.dir = os.path.join(workdir, "rsyslog")
        os.makedirs(self.dir, exist_ok=True)
        self.log = os.path.join(self.dir, "netconsole.log")
        self.port = port or free_udp_port()
        conf = os.path.join(self.dir, "rsyslog.conf")
        with open(conf, "w") as f:
            f.write(RSYSLOG_CONF % {"dir": self.dir, "log": self.log,
                                    "port": self.port})
        self.datagrams = self.senders = None
        self._out = open(os.path.join(self.dir, "rsyslogd.out"), "wb")
        self._proc = subprocess.Popen(
            ["rsyslogd", "-n", "-f", conf, "-i",
             os.path.join(self.dir, "rsyslogd.pid")],
            stdout=self._out, stderr=subprocess.STDOUT)
        self._wait_bound()

    def _wait_bound(self, timeout=20):
        """Until rsyslogd has bound the port (ours to bind no more)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self._proc.poll() is not None:
                break
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                try:
                    s.bind(("127.0.0.1", self.port))
                except OSError as e:
                    if e.errno == errno.EADDRINUSE:
                        return
                    raise
            time.sleep(0.05)
        self.stop()
        with open(self._out.name, "rb") as f:
            raise RuntimeError("rsyslogd did not start: %s"
                               % f.read().decode(errors="replace")[-500:])

    def stop(self):
        """Stop rsyslogd (it writes what it has first); the datagrams."""
        if self.datagrams is not None:
            return self.datagrams
        time.sleep(0.5)		# what is in flight reaches the file
        self._proc.terminate()
        try:
            self._proc.wait(30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._out.close()
        try:
            with open(self.log, "rb") as f:
                lines = rsyslog_lines(f.read())
        except FileNotFoundError:
            lines = []
        self.senders = sorted(set(s for s, _ in lines))
        self.datagrams = [d for _, d in lines]
        return self.datagrams


SSHD_CONF = """\
ListenAddress 127.0.0.1
Port %(port)d
HostKey %(dir)s/host_key
AuthorizedKeysFile %(dir)s/authorized_keys
PidFile %(dir)s/sshd.pid
AllowUsers %(user)s
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
LogLevel VERBOSE
"""


class SshServer:
    """Debian's sshd on 127.0.0.1:port (10.0.2.2:port to a guest), letting
    in this user with a key of its own, as the dump server of mkcapture's
    ssh: targets: key (the client's private key) and known_hosts (with
    the host key as "[@alias]:port") are files in @workdir/sshd for the
    guest's side; stop() stops it.  The log is sshd.log there."""

    def __init__(self, workdir, alias="10.0.2.2"):
        self.dir = os.path.join(workdir, "sshd")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_tcp_port()
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.key = os.path.join(self.dir, "id")
        self.known_hosts = os.path.join(self.dir, "known_hosts")
        for name in ("host_key", "id"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                            "-f", os.path.join(self.dir, name)], check=True)
        with open(self.key + ".pub") as f:
            client = f.read()
        with open(os.path.join(self.dir, "authorized_keys"), "w") as f:
            f.write(client)
        with open(os.path.join(self.dir, "host_key.pub")) as f:
            host = " ".join(f.read().split()[:2])
        with open(self.known_hosts, "w") as f:
            f.write("[%s]:%d %s\n" % (alias, self.port, host))
        conf = os.path.join(self.dir, "sshd_config")
        with open(conf, "w") as f:
            f.write(SSHD_CONF % {"dir": self.dir, "port": self.port,
                                 "user": self.user})
        if os.getuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self._out = open(os.path.join(self.dir, "sshd.log"), "wb")
        self._proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f",
                                       conf], stdout=self._out,
                                      stderr=subprocess.STDOUT)
        end = time.monotonic() + 20
        while self._proc.poll() is None and time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        with open(self._out.name, "rb") as f:
            raise RuntimeError("sshd did not start: %s"
                               % f.read().decode(errors="replace")[-500:])

    def stop(self):
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._out.close()


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpReceiver:
    """Accept one connection on 127.0.0.1:port in a thread and write what
    it sends to @path, until it closes; stop() waits for that."""

    def __init__(self, path, port=0):
        self.path = path
        self.bytes = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn, open(self.path, "wb") as f:
            while True:
                data = conn.recv(1 << 20)
                if not data:
                    break
                f.write(data)
                self.bytes += len(data)

    def stop(self, timeout=30):
        """Wait up to @timeout s for the sender to finish; bytes received."""
        self._thread.join(timeout)
        self.sock.close()
        return self.bytes


def reassemble(datagrams):
    """Extended-format datagrams to whole messages: [(header, body)].

    A message longer than a datagram comes as fragments that repeat its
    header with ",ncfrag=OFFSET/TOTAL" added; OFFSET counts bytes of the
    body."""
    messages = []
    partial = {}
    for d in datagrams:
        m = FRAG.match(d)
        if not m:
            head, _, body = d.partition(b";")
            messages.append((head, body))
            continue
        head, off, total = m.group("head"), int(m.group("off")), \
            int(m.group("total"))
        buf = partial.setdefault(head, bytearray(total))
        chunk = d[m.end():]
        buf[off:off + len(chunk)] = chunk
        got = partial.setdefault((head, "got"), set())
        got.update(range(off, off + len(chunk)))
        if len(got) == total:
            messages.append((head, bytes(buf)))
            del partial[head], partial[(head, "got")]
    return messages


def seq_of(header):
    """The sequence number of an extended header: [release,]level,seq,..."""
    fields = header.split(b",")
    if len(fields) >= 5 and not fields[0].isdigit():
        fields = fields[1:]	# the release prefix
    return int(fields[1])


def gaps(messages):
    """Sequence numbers missing between the first and the last message."""
    seqs = sorted(set(seq_of(h) for h, _ in messages))
    if not seqs:
        return []
    have = set(seqs)
    return [s for s in range(seqs[0], seqs[-1] + 1) if s not in have]


def fields(body):
    """The " key=value" lines after an extended message's text (its
    dictionary, userdata and sysdata) as a dict, the last of a key winning."""
    out = {}
    for line in body.decode(errors="replace").split("\n")[1:]:
        key, sep, value = line[1:].partition("=")
        if line.startswith(" ") and sep:
            out[key] = value
    return out


def msgid_gaps(messages):
    """msgids missing between the first and the last message that has one
    (netconsole's per-target message counter, counting every message)."""
    ids = sorted(int(f["msgid"]) for f in (fields(b) for _, b in messages)
                 if "msgid" in f)
    if not ids:
        return []
    have = set(ids)
    return [i for i in range(ids[0], ids[-1] + 1) if i not in have]
