#!/usr/bin/env python3
"""stories-to-seeds.py — converts hpack-test-case stories (JSON, one header
block per case) into inputs of the hpack_decode / hpack_differential format
(fuzz/hpack_input.h): a settings byte of 0 (table limit 4096), then per case
a record: ctl (0x80 + u16 when the case carries header_table_size, else 0),
u16 length, the wire bytes.

  fuzz/stories-to-seeds.py OUTDIR STORY_DIR...

The committed story-* seeds are the few that bring new edges, chosen with
  build/fuzz/fuzz/hpack_decode -merge=1 -use_counters=0 COPY_OF_SEEDS OUTDIR
"""
import json
import os
import struct
import sys


def convert(path):
    with open(path) as f:
        cases = json.load(f)["cases"]
    out = bytearray([0])
    for case in cases:
        wire = bytes.fromhex(case.get("wire", ""))
        if "header_table_size" in case:
            out += bytes([0x80]) + struct.pack(">H", min(case["header_table_size"], 65535))
        else:
            out += bytes([0])
        out += struct.pack(">H", len(wire)) + wire
    return bytes(out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for story_dir in sys.argv[2:]:
        impl = os.path.basename(os.path.normpath(story_dir))
        for name in sorted(os.listdir(story_dir)):
            if name.startswith("story_") and name.endswith(".json"):
                seed = convert(os.path.join(story_dir, name))
                with open(os.path.join(outdir, "story-%s-%s" % (impl, name[:-5])), "wb") as f:
                    f.write(seed)
                n += 1
    print("%d seeds in %s" % (n, outdir))


if __name__ == "__main__":
    main()
