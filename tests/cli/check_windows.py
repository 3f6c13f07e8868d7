#!/usr/bin/env python3
"""check_windows.py H2SCOPE CAPTURE PORT — (PORT: the server's, h2c with
prior knowledge) the flow-control windows of
`h2scope read --json` checked against an arithmetic of this script's own,
fed from tshark's HTTP/2 dissector (not from h2scope's frames).

RFC 9113 §6.9: each endpoint may send on the connection and on each stream
what the receiver's windows allow: 65535 at the start (connection) and the
receiver's SETTINGS_INITIAL_WINDOW_SIZE for a stream when it opens; DATA
(its whole length, padding included) takes from both, WINDOW_UPDATE adds to
one, a change of INITIAL_WINDOW_SIZE moves every open stream's window by the
difference (§6.9.2, possibly below zero). As documented in
docs/read-output.md, an increase counts from the SETTINGS frame, a decrease
from its ACK.

After every frame h2scope says changed a window, the sender's and the peer's
connection and stream windows must be this script's; every DATA and
WINDOW_UPDATE must carry windows; the stall-begin events must be exactly the
DATA frames without END_STREAM that left a window at 0 or below, each
stall-end must name a begin, and a capture with no stall fails (the test is
meant to record one). Exit 0 when all agree."""
import json
import subprocess
import sys
from collections import defaultdict

h2scope, capture, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
DATA, HEADERS, SETTINGS, WINDOW_UPDATE, PUSH_PROMISE = 0, 1, 4, 8, 5
END_STREAM, ACK = 0x1, 0x1
IWS = 4

# ---- tshark's frames, in capture order -----------------------------------
cmd = ["tshark", "-r", capture, "-d", "tcp.port==%d,http2" % port, "-Y", "http2", "-T", "json",
       "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "http2.streamid",
       "-e", "http2.type", "-e", "http2.flags", "-e", "http2.length", "-e",
       "http2.window_update.window_size_increment", "-e", "http2.settings.id", "-e",
       "http2.settings.initial_window_size"]
res = subprocess.run(cmd, capture_output=True, check=True)
frames = []  # (pkt, conn, sender_port, stream, type, flags, length, increment, iws)
for p in json.loads(res.stdout.decode() or "[]"):
    L = p["_source"]["layers"]
    types = L.get("http2.type", [])
    sids = L.get("http2.streamid", [])[-len(types):] if types else []
    incs = list(L.get("http2.window_update.window_size_increment", []))
    sids_set = list(L.get("http2.settings.id", []))
    iwss = list(L.get("http2.settings.initial_window_size", []))
    for sid, t, fl, ln in zip(sids, types, L.get("http2.flags", []), L.get("http2.length", [])):
        t, fl, ln = int(t), int(fl, 16), int(ln)
        inc = iws = None
        if t == WINDOW_UPDATE:
            inc = int(incs.pop(0))
        if t == SETTINGS and not fl & ACK:
            for _ in range(ln // 6):
                if int(sids_set.pop(0)) == IWS:
                    iws = int(iwss.pop(0))
        frames.append((int(L["frame.number"][0]), int(L["tcp.stream"][0]),
                       int(L["tcp.srcport"][0]), int(sid), t, fl, ln, inc, iws))

# ---- the arithmetic ------------------------------------------------------
class Conn:
    def __init__(self):
        self.conn = [65535, 65535]      # what side d may still send on the connection
        self.stream = {}                # id -> [side 0, side 1]
        self.iws = [65535, 65535]       # INITIAL_WINDOW_SIZE set by side d (for what !d sends)
        self.pending = [[], []]         # side d's SETTINGS values awaiting the peer's ACK

    def apply_iws(self, setter, value):
        delta = value - self.iws[setter]
        self.iws[setter] = value
        for w in self.stream.values():
            w[1 - setter] += delta

expected = []  # per frame: (pkt, conn, side, stream, type, windows or None)
stalls = []    # (conn, side, pkt, stream, kind)
conns = defaultdict(Conn)
for pkt, cid, sport, sid, t, fl, ln, inc, iws in frames:
    c = conns[cid]
    side = 1 if sport == port else 0  # the server listens on port
    changed = False
    if t == SETTINGS and not fl & ACK:
        c.pending[side].append(iws)
        if iws is not None and iws > c.iws[side]:
            c.apply_iws(side, iws)
            changed = True
    elif t == SETTINGS:
        if c.pending[1 - side]:
            v = c.pending[1 - side].pop(0)
            if v is not None and v < c.iws[1 - side]:
                c.apply_iws(1 - side, v)
                changed = True
    elif t in (HEADERS, PUSH_PROMISE) and sid not in c.stream:
        opened = sid  # a PUSH_PROMISE's promised stream is not in tshark's fields: not used here
        if t == HEADERS:
            c.stream[opened] = [c.iws[1], c.iws[0]]
            changed = True
    elif t == DATA:
        c.conn[side] -= ln
        changed = True
        if sid in c.stream:
            c.stream[sid][side] -= ln
            if not fl & END_STREAM:
                if c.stream[sid][side] <= 0:
                    stalls.append((cid, side, pkt, sid, "stream"))
                if c.conn[side] <= 0:
                    stalls.append((cid, side, pkt, sid, "connection"))
    elif t == WINDOW_UPDATE:
        changed = True
        if sid == 0:
            c.conn[1 - side] += inc
        elif sid in c.stream:
            c.stream[sid][1 - side] += inc
    w = None
    if changed:
        sw = c.stream.get(sid) if sid else None
        w = {"sender": {"conn": c.conn[side]}, "peer": {"conn": c.conn[1 - side]}}
        if sw:
            w["sender"]["stream"] = sw[side]
            w["peer"]["stream"] = sw[1 - side]
        if t == SETTINGS:
            w["sender"]["initial"] = c.iws[1 - side]
            w["peer"]["initial"] = c.iws[side]
    expected.append((pkt, cid, side, sid, t, w))

# ---- h2scope's -------------------------------------------------------------
out = subprocess.run([h2scope, "read", "--json", capture],
                     capture_output=True, check=True)
ours, begins, ends = [], [], []
for line in out.stdout.decode().splitlines():
    o = json.loads(line)
    if o.get("event") == "stall-begin":
        begins.append((o["conn"] - 1, 0 if o["sender"] == "client" else 1, o["pkt"], o["stream"],
                       o["window"]))
    elif o.get("event") == "stall-end":
        ends.append(o)
    if "type" not in o:
        continue
    pkt = o["pkt"][1] if isinstance(o["pkt"], list) else o["pkt"]
    side = 0 if o["dir"] == "c2s" else 1
    ours.append((pkt, o["conn"] - 1, side, o["stream"], o["type_id"], o.get("windows")))

errors = 0
def fail(msg):
    global errors
    errors += 1
    if errors <= 10:
        print("FAIL: " + msg)

if len(ours) != len(expected):
    fail("h2scope shows %d frames, tshark %d" % (len(ours), len(expected)))
checked = 0
for i, (a, b) in enumerate(zip(ours, expected)):
    if a[:5] != b[:5]:
        fail("frame %d: h2scope %s, tshark %s" % (i, a[:5], b[:5]))
        break
    if b[4] in (DATA, WINDOW_UPDATE) and a[5] is None:
        fail("frame %d (packet %d, type %d) has no windows" % (i, a[0], a[4]))
    if a[5] is not None:
        checked += 1
        if a[5] != b[5]:
            fail("frame %d (packet %d, stream %d, type %d): h2scope %s, expected %s" %
                 (i, a[0], a[3], a[4], a[5], b[5]))
if sorted(begins) != sorted(stalls):
    fail("stall-begin events %s, expected %s" % (begins[:5], stalls[:5]))
begin_pkts = {b[2] for b in begins}
for e in ends:
    if e.get("begin_pkt") not in begin_pkts or e["duration_ms"] < 0:
        fail("stall-end %s names no stall-begin" % e)
if not stalls:
    fail("the capture has no zero-window stall")
print("%s: %d frames, %d with windows checked, %d stalls, %d ends: %s" %
      (capture, len(ours), checked, len(begins), len(ends), "equal" if not errors else "DIFFERENT"))
sys.exit(1 if errors else 0)
