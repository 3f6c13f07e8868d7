#!/usr/bin/python3
"""compare_follow.py H2SCOPE CAPTURE [--keylog FILE] — asserts that `h2scope
read --json CAPTURE` agrees with a second, independent decoding of the same
HTTP/2 connections (prior knowledge, cleartext or TLS): tshark's TCP
reassembly (`-z follow,tcp,raw`; with --keylog its decrypted TLS stream,
`-z follow,tls,raw`), not its HTTP/2 dissector, cut into frames here and
header blocks decoded by the python3-hpack library. Per connection and direction, the (stream, type,
flags, length) of every frame and the concatenated decoded header lists
must be equal.

Why not compare_tshark.py: tshark 4.0's HTTP/2 dissector loses its place
after a frame that spans a large (GSO-coalesced) loopback segment and then
drops every later frame of that direction, which gRPC's 20 kB streaming
messages provoke. Its TCP follow output stays right, so it is the byte
source here. Exit 0 when equal, 1 with the differences otherwise."""
import json
import subprocess
import sys
from collections import defaultdict

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
HEADERS, PUSH_PROMISE, CONTINUATION = 1, 5, 9
PADDED, END_HEADERS, PRIORITY = 0x8, 0x4, 0x20

h2scope, capture = sys.argv[1], sys.argv[2]
keylog = sys.argv[sys.argv.index("--keylog") + 1] if "--keylog" in sys.argv else None
tls_opts = ["-o", "tls.keylog_file:" + keylog] if keylog else []


def tshark_streams():
    """{tcp.stream: its two ports}."""
    out = subprocess.run(["tshark", "-r", capture, "-T", "fields", "-e", "tcp.stream", "-e",
                          "tcp.srcport", "-e", "tcp.dstport"],
                         capture_output=True, check=True).stdout.decode()
    streams = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3:
            streams.setdefault(int(f[0]), {int(f[1]), int(f[2])})
    return streams


def follow(stream, ports):
    """{sender port: bytes} of one TCP connection, from tshark's reassembly
    (for TLS, tshark names only the first sender: the other is the other port)."""
    what = "follow,tls,raw,%d" if keylog else "follow,tcp,raw,%d"
    out = subprocess.run(["tshark", "-r", capture, "-q", "-z", what % stream] + tls_opts,
                         capture_output=True, check=True).stdout.decode()
    nodes, data = {}, defaultdict(bytearray)
    for line in out.splitlines():
        if line.startswith("Node 0:") or line.startswith("Node 1:"):
            nodes[int(line[5])] = int(line.rsplit(":", 1)[1])
        elif line.strip() and not line.startswith(("=", "Follow:", "Filter:", "Node")):
            data[1 if line.startswith("\t") else 0].extend(bytes.fromhex(line.strip()))
    for k in (0, 1):
        if not nodes.get(k) and nodes.get(1 - k) in ports and len(ports) == 2:
            nodes[k] = (ports - {nodes[1 - k]}).pop()
    return {nodes[k]: bytes(v) for k, v in data.items() if nodes.get(k)}


def walk(b):
    """Frames and decoded header lists of one direction's bytes."""
    if b.startswith(PREFACE):
        b = b[len(PREFACE):]
    frames, headers, block = [], [], bytearray()
    decoder = hpack.Decoder()
    decoder.max_allowed_table_size = 1 << 30  # a reference for contents, not limits
    i = 0
    while i + 9 <= len(b):
        length = int.from_bytes(b[i:i + 3], "big")
        ftype, flags = b[i + 3], b[i + 4]
        sid = int.from_bytes(b[i + 5:i + 9], "big") & 0x7FFFFFFF
        if i + 9 + length > len(b):
            break  # cut off by the end of the capture
        p = b[i + 9:i + 9 + length]
        frames.append((sid, ftype, flags, length))
        if ftype in (HEADERS, PUSH_PROMISE, CONTINUATION):
            if ftype != CONTINUATION:
                pad = p[0] if flags & PADDED else 0
                p = p[1 if flags & PADDED else 0:len(p) - pad]
                if ftype == HEADERS and flags & PRIORITY:
                    p = p[5:]
                if ftype == PUSH_PROMISE:
                    p = p[4:]
            block.extend(p)
            if flags & END_HEADERS:
                for name, value in decoder.decode(bytes(block), raw=True):
                    headers.append((name.decode("utf-8", "replace"),
                                    value.decode("utf-8", "replace")))
                block = bytearray()
        i += 9 + length
    return frames, headers


ours_frames, ours_headers = defaultdict(list), defaultdict(list)
read_cmd = [h2scope, "read", "--json", capture] + (["--keylog", keylog] if keylog else [])
out = subprocess.run(read_cmd, capture_output=True, check=True)
for line in out.stdout.decode().splitlines():
    o = json.loads(line)
    if "type" not in o:
        continue
    key = (o["conn"] - 1, int(o["src"].rsplit(":", 1)[1]))
    ours_frames[key].append((o["stream"], o["type_id"], o["flags"], o["length"]))
    for name, value in o.get("headers", []):
        ours_headers[key].append((name, value))

ok, nframes, nfields = True, 0, 0
for stream, ports in sorted(tshark_streams().items()):
    for port, data in follow(stream, ports).items():
        key = (stream, port)
        frames, headers = walk(data)
        nframes += len(frames)
        nfields += len(headers)
        if frames != ours_frames.get(key, []):
            ok = False
            mine = ours_frames.get(key, [])
            print("frames differ for conn %d port %d: h2scope %d, reference %d"
                  % (stream + 1, port, len(mine), len(frames)))
            for k, (a, b) in enumerate(zip(mine, frames)):
                if a != b:
                    print("  first difference at frame %d: h2scope %s reference %s" % (k, a, b))
                    break
        if headers != ours_headers.get(key, []):
            ok = False
            print("headers differ for conn %d port %d" % (stream + 1, port))
print("%s: %s (%d frames, %d header fields)"
      % (capture, "equal" if ok else "DIFFERENT", nframes, nfields))
sys.exit(0 if ok else 1)
