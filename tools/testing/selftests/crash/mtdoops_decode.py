#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read mtdoops records from an image of the MTD device.

    mtdoops_decode.py IMAGE [--record-size N] [--all]

Prints the newest record's log (or every record with --all, oldest
first), as drivers/mtdoops/ writes them: slots of record_size bytes, each
starting with a 32-byte little-endian header (magic "MTO1", sequence,
length, reason, flags, reserved, time in ns, data crc32, header crc32).
The newest record has the highest sequence number in serial arithmetic.
Exits 1 when the image holds no record.
"""
import argparse
import struct
import sys
import zlib

MAGIC = 0x314f544d
HDR = struct.Struct("<IIIBBHQII")
REASONS = {1: "Panic", 2: "Oops", 3: "Emergency", 4: "Shutdown"}


def crc32(data):
    """The kernel's crc32_le(~0, data): zlib's crc32, not inverted."""
    return zlib.crc32(data) ^ 0xffffffff


def decode_header(raw, max_len):
    """A dict for a valid record header, or None."""
    magic, seq, length, reason, flags, reserved, time_ns, data_crc, crc = \
        HDR.unpack(raw[:HDR.size])
    if magic != MAGIC or reserved or flags & ~1 or not 1 <= reason <= 4:
        return None
    if not 0 < length <= max_len:
        return None
    if crc32(raw[:HDR.size - 4] + b"\0\0\0\0") != crc:
        return None
    return {"seq": seq, "len": length, "reason": REASONS[reason],
            "panic": bool(flags & 1), "time_ns": time_ns,
            "data_crc": data_crc}


def records(image, record_size):
    """[(slot, header, text, intact)] of every valid record."""
    out = []
    for slot in range(len(image) // record_size):
        raw = image[slot * record_size:(slot + 1) * record_size]
        h = decode_header(raw, record_size - HDR.size)
        if not h:
            continue
        text = raw[HDR.size:HDR.size + h["len"]]
        out.append((slot, h, text, crc32(text) == h["data_crc"]))
    return out


def newer(a, b):
    """Serial arithmetic on 32-bit sequence numbers: a after b."""
    return 0 < (a - b) & 0xffffffff < 0x80000000


def newest(recs):
    best = None
    for r in recs:
        if best is None or newer(r[1]["seq"], best[1]["seq"]):
            best = r
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("image")
    ap.add_argument("--record-size", type=int, default=4096)
    ap.add_argument("--all", action="store_true")
    args = ap.parse_args(argv)
    with open(args.image, "rb") as f:
        image = f.read()
    recs = records(image, args.record_size)
    if not recs:
        print("mtdoops_decode: no record in %s" % args.image,
              file=sys.stderr)
        return 1
    chosen = sorted(recs, key=lambda r: r[1]["seq"]) if args.all \
        else [newest(recs)]
    for slot, h, text, intact in chosen:
        print("=== slot %d: #%d %s%s, %d bytes%s" % (
            slot, h["seq"], h["reason"], " (panic write)" if h["panic"]
            else "", h["len"], "" if intact else ", DAMAGED"))
        sys.stdout.write(text.decode(errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
