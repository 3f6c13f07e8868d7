#!/usr/bin/env python3
"""compare_tshark.py H2SCOPE CAPTURE [--frames-only] [--keylog FILE] — asserts
that `h2scope read --json CAPTURE` and `tshark -Y http2` agree: per connection and
direction, the sequence of (stream, type, flags, length) frames and the
concatenated decoded header lists are equal, and each frame's packet numbers
agree: tshark lists a frame under the packet where it ends (where its TCP
segments or TLS records were reassembled), which must be our last packet
("pkt":N or the M of "pkt":[N,M]); the first is never after it. Connections are matched by
tshark's tcp.stream (0-based, first-packet order) = our conn - 1, directions
by the sender's port. With --keylog, both decrypt TLS with the same key log
(tshark -o tls.keylog_file:FILE; tshark finds h2 by ALPN, so no port is
forced). Exit 0 when equal, 1 with a diff otherwise."""
import json
import subprocess
import sys
from collections import defaultdict

h2scope, capture = sys.argv[1], sys.argv[2]
frames_only = "--frames-only" in sys.argv
keylog = sys.argv[sys.argv.index("--keylog") + 1] if "--keylog" in sys.argv else None

ours_frames = defaultdict(list)
ours_pkts = defaultdict(list)
ours_headers = defaultdict(list)
ports = set()
upgraded = set()
read_cmd = [h2scope, "read", "--json", capture] + (["--keylog", keylog] if keylog else [])
out = subprocess.run(read_cmd, capture_output=True, check=True)
for line in out.stdout.decode().splitlines():
    o = json.loads(line)
    assert o["v"] == 1
    if o.get("event") == "upgrade":
        upgraded.add(o["conn"])
    if "type" not in o:
        continue
    key = (o["conn"] - 1, int(o["src"].rsplit(":", 1)[1]))
    if o["dir"] == "c2s" and o["conn"] not in upgraded and not keylog:
        # tshark's HTTP dissector follows Upgrade: h2c itself; forcing http2
        # on such a port would make it parse the HTTP/1.1 head as frames.
        ports.add(int(o["dst"].rsplit(":", 1)[1]))
    ours_frames[key].append((o["stream"], o["type_id"], o["flags"], o["length"]))
    pkt = o.get("pkt")
    first, last = (pkt if isinstance(pkt, list) else [pkt, pkt])
    assert first is None or first <= last, "pkt %s: first after last" % pkt
    ours_pkts[key].append(last)
    for name, value in o.get("headers", []):
        ours_headers[key].append((name, value))

cmd = ["tshark", "-r", capture, "-Y", "http2", "-T", "json", "-e", "frame.number", "-e",
       "tcp.stream", "-e",
       "tcp.srcport", "-e", "http2.streamid", "-e", "http2.type", "-e", "http2.flags", "-e",
       "http2.length", "-e", "http2.header.name", "-e", "http2.header.value"]
for p in sorted(ports):
    cmd[3:3] = ["-d", "tcp.port==%d,http2" % p]
if keylog:
    cmd[3:3] = ["-o", "tls.keylog_file:" + keylog]
res = subprocess.run(cmd, capture_output=True, check=True)
theirs_frames = defaultdict(list)
theirs_pkts = defaultdict(list)
theirs_headers = defaultdict(list)
for pkt in json.loads(res.stdout.decode() or "[]"):
    layers = pkt["_source"]["layers"]
    key = (int(layers["tcp.stream"][0]), int(layers["tcp.srcport"][0]))
    types = layers.get("http2.type", [])
    # The connection preface ("Magic") has a stream id but no type.
    sids = layers.get("http2.streamid", [])[-len(types):] if types else []
    for sid, t, fl, ln in zip(sids, types, layers.get("http2.flags", []),
                              layers.get("http2.length", [])):
        theirs_frames[key].append((int(sid), int(t), int(fl, 16), int(ln)))
        theirs_pkts[key].append(int(layers["frame.number"][0]))
    for n, v in zip(layers.get("http2.header.name", []), layers.get("http2.header.value", [])):
        theirs_headers[key].append((n, v))

ok = True
for key in sorted(set(ours_frames) | set(theirs_frames)):
    a, b = ours_frames.get(key, []), theirs_frames.get(key, [])
    if a != b:
        ok = False
        print("frames differ for conn %d port %d: h2scope %d frames, tshark %d" %
              (key[0] + 1, key[1], len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                print("  first difference at frame %d: h2scope %s tshark %s" % (i, x, y))
                break
    pa, pb = ours_pkts.get(key, []), theirs_pkts.get(key, [])
    if a == b and pa != pb:
        ok = False
        print("packet numbers differ for conn %d port %d" % (key[0] + 1, key[1]))
        for i, (x, y) in enumerate(zip(pa, pb)):
            if x != y:
                print("  first difference at frame %d %s: h2scope packet %s, tshark %s" %
                      (i, a[i], x, y))
                break
    if not frames_only:
        ha, hb = ours_headers.get(key, []), theirs_headers.get(key, [])
        if ha != hb:
            ok = False
            print("headers differ for conn %d port %d: %d vs %d fields" %
                  (key[0] + 1, key[1], len(ha), len(hb)))
            for i, (x, y) in enumerate(zip(ha, hb)):
                if x != y:
                    print("  first difference at field %d: h2scope %s tshark %s" % (i, x, y))
                    break
nframes = sum(len(v) for v in ours_frames.values())
nheaders = sum(len(v) for v in ours_headers.values())
print("%s: %s (%d frames, %d header fields)" % (capture, "equal" if ok else "DIFFERENT", nframes,
                                               nheaders))
sys.exit(0 if ok else 1)
