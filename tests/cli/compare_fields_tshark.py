#!/usr/bin/env python3
"""compare_fields_tshark.py H2SCOPE CAPTURE — `h2scope read -T fields -e
stream -e type -e length -e packet` against `tshark -T fields -e
http2.streamid -e http2.type -e http2.length -e frame.number` on one capture:
per connection and direction (ours: conn and src; tshark's: tcp.stream + 1
and the source endpoint) the sequences of (stream, type, length, packet) are
equal (packet: the one that carried the frame's last byte, where Wireshark
shows a frame that spans packets). Type names are mapped to
their numbers (RFC 9113 §6). tshark joins a packet's frames with ',' (its
default aggregator); h2scope prints one line per frame. Exit 0 when equal."""
import subprocess
import sys
from collections import defaultdict

TYPES = {"DATA": 0, "HEADERS": 1, "PRIORITY": 2, "RST_STREAM": 3, "SETTINGS": 4,
         "PUSH_PROMISE": 5, "PING": 6, "GOAWAY": 7, "WINDOW_UPDATE": 8, "CONTINUATION": 9}

h2scope, capture = sys.argv[1], sys.argv[2]
ours = defaultdict(list)
ports = set()
upgraded = set()
ev = subprocess.run([h2scope, "read", capture, "-j", "1", "-Y", "event == upgrade",
                     "-T", "json"], capture_output=True, check=True).stdout.decode()
for line in ev.splitlines():
    upgraded.add(int(line.split('"conn":', 1)[1].split(",", 1)[0]))
out = subprocess.run([h2scope, "read", capture, "-j", "1", "-T", "fields", "-e", "conn",
                      "-e", "src", "-e", "dst", "-e", "dir", "-e", "stream", "-e", "type",
                      "-e", "length", "-e", "packet"], capture_output=True, check=True).stdout.decode()
for line in out.splitlines():
    conn, src, dst, d, stream, typ, length, packet = line.split("\t")
    t = TYPES[typ] if typ in TYPES else int(typ)
    ours[(int(conn) - 1, src)].append((int(stream), t, int(length), int(packet)))
    if d == "c2s" and int(conn) not in upgraded:
        ports.add(int(dst.rsplit(":", 1)[1]))

cmd = ["tshark", "-r", capture, "-Y", "http2", "-T", "fields", "-e", "tcp.stream", "-e",
       "ip.src", "-e", "tcp.srcport", "-e", "http2.streamid", "-e", "http2.type", "-e",
       "http2.length", "-e", "frame.number"]
for p in sorted(ports):
    cmd[3:3] = ["-d", "tcp.port==%d,http2" % p]
res = subprocess.run(cmd, capture_output=True, check=True).stdout.decode()
theirs = defaultdict(list)
for line in res.splitlines():
    stream, ip, port, sids, types, lengths, number = line.split("\t")
    types = [int(t) for t in types.split(",") if t]
    # The connection preface ("Magic") has a stream id but no type or length.
    sids = [int(s) for s in sids.split(",") if s][-len(types):] if types else []
    lengths = [int(n) for n in lengths.split(",") if n][-len(types):] if types else []
    for s, t, n in zip(sids, types, lengths):
        theirs[(int(stream), "%s:%s" % (ip, port))].append((s, t, n, int(number)))

bad = 0
for key in sorted(set(ours) | set(theirs)):
    if ours.get(key, []) != theirs.get(key, []):
        print("differ at %s:\n  h2scope: %s\n  tshark:  %s" % (key, ours.get(key), theirs.get(key)))
        bad = 1
frames = sum(len(v) for v in ours.values())
print("%s: %d frames in %d directions agree" % (capture, frames, len(ours)) if not bad else
      "%s: differs" % capture)
sys.exit(bad)
