# SPDX-License-Identifier: GPL-2.0
"""Tests of receiver.py: the host's reading of netconsole datagrams."""
import shutil
import socket
import tempfile
import time
import unittest

import receiver


def fragments(head, body, size):
    """@body cut the way netconsole cuts it: each piece with @head and
    ",ncfrag=OFFSET/TOTAL"."""
    return [b"%s,ncfrag=%d/%d;%s" % (head, off, len(body),
                                     body[off:off + size])
            for off in range(0, len(body), size)]


class Reassemble(unittest.TestCase):
    def test_whole_and_fragmented(self):
        body = b"x" * 2500 + b"\n"
        d = [b"6,1,10,-;first\n"] + fragments(b"6,2,20,-", body, 1000) + \
            [b"6,3,30,-;third\n"]
        self.assertEqual(receiver.reassemble(d), [
            (b"6,1,10,-", b"first\n"), (b"6,2,20,-", body),
            (b"6,3,30,-", b"third\n")])

    def test_fragments_out_of_order(self):
        body = bytes(range(256)) * 9
        d = fragments(b"6,7,70,-", body, 900)
        d.reverse()
        self.assertEqual(receiver.reassemble(d), [(b"6,7,70,-", body)])

    def test_missing_fragment_is_no_message(self):
        d = fragments(b"6,8,80,-", b"y" * 1500, 1000)[1:]
        self.assertEqual(receiver.reassemble(d), [])

    def test_release_prefix(self):
        msgs = receiver.reassemble([b"6.12.117,6,41,5,-;a\n",
                                    b"6.12.117,4,43,6,c;b\n"])
        self.assertEqual([receiver.seq_of(h) for h, _ in msgs], [41, 43])
        self.assertEqual(receiver.gaps(msgs), [42])

    def test_no_gaps(self):
        msgs = receiver.reassemble([b"6,%d,0,-;m\n" % s
                                    for s in (5, 7, 6)])
        self.assertEqual(receiver.gaps(msgs), [])


class Socket(unittest.TestCase):
    def test_fields(self):
        body = b"text\n DEVICE=+pci:0\n k=v\n cpu=1\n msgid=7\n"
        self.assertEqual(receiver.fields(body), {
            "DEVICE": "+pci:0", "k": "v", "cpu": "1", "msgid": "7"})
        # the text's own '=' is not a field, nor a line without a space
        self.assertEqual(receiver.fields(b"a=b\nc=d\n x=\n"), {"x": ""})

    def test_msgid_gaps(self):
        msgs = [(b"6,%d,0,-" % i, b"m\n msgid=%d\n" % i)
                for i in (4, 5, 7, 9)] + [(b"6,1,0,-", b"no id\n")]
        self.assertEqual(receiver.msgid_gaps(msgs), [6, 8])
        self.assertEqual(receiver.msgid_gaps(msgs[:2]), [])
        self.assertEqual(receiver.msgid_gaps([]), [])

    def test_keeps_what_is_queued_at_stop(self):
        rx = receiver.UdpReceiver()
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(100):
            tx.sendto(b"%d" % i, ("127.0.0.1", rx.port))
        tx.close()
        time.sleep(0.05)
        got = rx.stop()
        self.assertEqual(sorted(int(d) for d in got), list(range(100)))


if __name__ == "__main__":
    unittest.main()


class Tcp(unittest.TestCase):
    def test_one_connection_to_a_file(self):
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "dump")
            rx = receiver.TcpReceiver(path)
            data = bytes(range(256)) * 4096
            with socket.create_connection(("127.0.0.1", rx.port)) as s:
                s.sendall(data)
            self.assertEqual(rx.stop(5), len(data))
            with open(path, "rb") as f:
                self.assertEqual(f.read(), data)


class Rsyslog(unittest.TestCase):
    def test_lines(self):
        text = (b'127.0.0.1 6,1,2,-;a \\"b\\" c\\\\d\\n k=v\\n\n'
                b'10.0.0.7 x\\u0001\xff\\ty\n\n')
        self.assertEqual(receiver.rsyslog_lines(text), [
            ("127.0.0.1", b'6,1,2,-;a "b" c\\d\n k=v\n'),
            ("10.0.0.7", b"x\x01\xff\ty")])

    @unittest.skipUnless(shutil.which("rsyslogd"), "no rsyslogd (make deps)")
    def test_datagrams_through_rsyslogd(self):
        sent = [b"6,1,1000,-;one\n", b'6,2,1001,-;"quoted" \\ back\n k=v\n',
                b"6,3,1002,-;bytes \x01\x7f\xc3\xa9\n",
                b"plain text without a newline"]
        sent += fragments(b"6,4,1003,-", b"x" * 2500 + b"\n msgid=9\n", 900)
        with tempfile.TemporaryDirectory() as d:
            rx = receiver.RsyslogReceiver(d)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
                for s in sent:
                    tx.sendto(s, ("127.0.0.1", rx.port))
            got = rx.stop()
        self.assertEqual(got, sent)
        self.assertEqual(rx.senders, ["127.0.0.1"])
        msgs = receiver.reassemble(got)
        self.assertEqual(msgs[-1], (b"6,4,1003,-",
                                    b"x" * 2500 + b"\n msgid=9\n"))
