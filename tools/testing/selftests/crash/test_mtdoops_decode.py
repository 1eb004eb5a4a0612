# SPDX-License-Identifier: GPL-2.0
"""Tests of the mtdoops image decoder, on images it did not write."""
import io
import os
import sys
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mtdoops_decode as dec  # noqa: E402

RS = 4096


def record(seq, text, reason=1, flags=1, damage=False):
    body = text.encode()
    hdr = dec.HDR.pack(dec.MAGIC, seq, len(body), reason, flags, 0,
                       123456789, dec.crc32(body), 0)
    hdr = hdr[:-4] + dec.crc32(hdr[:-4] + b"\0\0\0\0").to_bytes(4, "little")
    if damage:
        body = body[:-1] + b"!"
    return (hdr + body).ljust(RS, b"\xff")


def image(*slots):
    return b"".join(slots)


ERASED = b"\xff" * RS


class Decoder(unittest.TestCase):
    def decode(self, img, *args):
        path = os.path.join(self.tmp, "img")
        with open(path, "wb") as f:
            f.write(img)
        out = io.StringIO()
        with redirect_stdout(out):
            rc = dec.main([path, "--record-size", str(RS)] + list(args))
        return rc, out.getvalue()

    def setUp(self):
        import tempfile
        self._td = tempfile.TemporaryDirectory()
        self.tmp = self._td.name

    def tearDown(self):
        self._td.cleanup()

    def test_newest_after_wrap(self):
        img = image(record(6, "six\n"), record(7, "seven\n"),
                    record(3, "three\n"), record(4, "four\n"))
        rc, out = self.decode(img)
        self.assertEqual(rc, 0)
        self.assertIn("#7 Panic", out)
        self.assertTrue(out.endswith("seven\n"))

    def test_sequence_counter_wrap(self):
        img = image(record(0xffffffff, "old\n"), record(1, "new\n"), ERASED)
        self.assertIn("new\n", self.decode(img)[1])

    def test_garbage_and_upstream_layout_are_skipped(self):
        upstream = (0).to_bytes(4, "little") + \
            (0x5d005e00).to_bytes(4, "little") + b"x" * (RS - 8)
        noise = bytes((i * 151 + 7) & 0xff for i in range(RS))
        img = image(noise, upstream, record(2, "real\n", reason=2, flags=0),
                    ERASED)
        rc, out = self.decode(img)
        self.assertEqual(rc, 0)
        self.assertIn("#2 Oops, 5 bytes", out)

    def test_corrupt_header_crc_is_not_a_record(self):
        bad = bytearray(record(9, "nine\n"))
        bad[5] ^= 1		# seq, not resealed
        rc, out = self.decode(image(bytes(bad), record(1, "one\n")))
        self.assertIn("one\n", out)

    def test_damaged_text_is_flagged(self):
        rc, out = self.decode(image(record(1, "text\n", damage=True)))
        self.assertIn("DAMAGED", out)

    def test_empty_image(self):
        rc, out = self.decode(image(ERASED, ERASED))
        self.assertEqual(rc, 1)

    def test_all_oldest_first(self):
        img = image(record(2, "b\n"), record(1, "a\n"))
        rc, out = self.decode(img, "--all")
        self.assertLess(out.index("#1"), out.index("#2"))


if __name__ == "__main__":
    unittest.main()
