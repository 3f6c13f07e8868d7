#!/usr/bin/env python3
"""compare_talk_tshark.py H2SCOPE CAPTURE PORT... — asserts that the exchanges
of `h2scope read --exchanges --json CAPTURE` agree with tshark's HTTP/2
dissector (`tshark -d tcp.port==PORT,http2 -T pdml`, the servers' ports):
per connection (tshark's tcp.stream = conn - 1) and stream, the request's
:method and :path, the response's :status, and the body sizes on the wire in
both directions (the DATA payloads without padding: Length minus Pad Length
and its octet when PADDED). Where tshark decoded a Content-Encoding ("Content-
encoded entity body (gzip): N bytes -> M bytes") and ours decoded without a
problem, the decoded sizes must be equal too. A record ends at a RST_STREAM
from either side (docs/read-output.md, Exchanges): frames of the stream that
the capture holds after it (DATA the client had in flight when the server's
RST_STREAM came) are not counted on tshark's side either. Exit 0 when they
agree, 1 with the differences."""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

h2scope, capture, ports = sys.argv[1], sys.argv[2], sys.argv[3:]

ours = {}
out = subprocess.run([h2scope, "read", capture, "--exchanges", "--json"], capture_output=True,
                     check=True)
for line in out.stdout.decode().splitlines():
    o = json.loads(line)
    if "exchange" in o:
        x = o["exchange"]
        ours[(x["conn"] - 1, x["stream"])] = x

cmd = ["tshark", "-r", capture, "-Y", "http2", "-T", "pdml"]
for p in ports:
    cmd[3:3] = ["-d", "tcp.port==%s,http2" % p]
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
theirs = defaultdict(lambda: {"method": None, "path": None, "status": None, "wire": [0, 0],
                              "decoded": [None, None]})
decoded_re = re.compile(r"Content-encoded entity body \(([^)]*)\): (\d+) bytes -> (\d+) bytes")
server_ports = set(ports)
reset = set()  # (conn, stream) whose RST_STREAM has been seen
for _, el in ET.iterparse(proc.stdout, events=("end",)):
    if el.tag != "packet":
        continue
    fields = {f.get("name"): f.get("show") for f in el.iter("field") if f.get("name") in
              ("tcp.stream", "tcp.srcport")}
    conn = int(fields["tcp.stream"])
    side = 1 if fields["tcp.srcport"] in server_ports else 0
    for fr in el.iter("field"):
        if fr.get("name") != "http2.stream":
            continue
        kids = {}
        for f in fr.iter("field"):
            n = f.get("name")
            if n and n not in kids:
                kids[n] = f.get("show")
            s = f.get("show") or ""
            m = decoded_re.match(s)
            if m:
                kids["decoded"] = int(m.group(3))
        if "http2.streamid" not in kids or "http2.type" not in kids:
            continue
        sid = int(kids["http2.streamid"])
        if (conn, sid) in reset:
            continue
        t = theirs[(conn, sid)]
        if kids["http2.type"] == "3":
            reset.add((conn, sid))
        if kids["http2.type"] == "0":
            length = int(kids.get("http2.length", 0))
            flags = int(kids.get("http2.flags", "0"), 16)
            if flags & 0x8:
                length -= int(kids.get("http2.pad_length", 0)) + 1
            t["wire"][side] += length
            if "decoded" in kids:
                t["decoded"][side] = kids["decoded"]
        for key, name in (("method", "http2.headers.method"), ("path", "http2.headers.path"),
                          ("status", "http2.headers.status")):
            if name in kids and t[key] is None:
                t[key] = kids[name]
    el.clear()
proc.wait()

bad = []
compared = decoded_compared = 0
for key, t in sorted(theirs.items()):
    if key[1] == 0:
        continue
    if t["method"] is None and t["status"] is None and t["wire"] == [0, 0]:
        continue  # PRIORITY frames only (nghttp's dependency tree): no exchange
    x = ours.get(key)
    if x is None:
        bad.append("%s: tshark has a stream we have no exchange for" % (key,))
        continue
    compared += 1
    if t["method"] != x.get("method") or t["path"] != x.get("path"):
        bad.append("%s: request %s %s, ours %s %s" % (key, t["method"], t["path"], x.get("method"),
                                                      x.get("path")))
    if t["status"] is not None and int(t["status"]) != x.get("status"):
        bad.append("%s: status %s, ours %s" % (key, t["status"], x.get("status")))
    for side, name in ((0, "request"), (1, "response")):
        if t["wire"][side] != x[name]["wire"]:
            bad.append("%s: %s body %d bytes, ours %d" % (key, name, t["wire"][side],
                                                          x[name]["wire"]))
        if t["decoded"][side] is not None and x[name]["decoding"] == "ok":
            decoded_compared += 1
            if t["decoded"][side] != x[name]["decoded"]:
                bad.append("%s: %s decoded %d bytes, ours %d" % (key, name, t["decoded"][side],
                                                                x[name]["decoded"]))
for key in ours:
    if key not in theirs:
        bad.append("%s: an exchange tshark does not have" % (key,))
if compared < 5:
    bad.append("only %d streams compared" % compared)
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("ok: %d exchanges agree with tshark (%d decoded sizes)" % (compared, decoded_compared))
