#!/usr/bin/env bash
# test_talk_exchanges.sh — the exchange records of `read --exchanges --json`
# on a capture written here frame by frame (one connection, the client's
# header lists as HPACK literals): a 103 then a 200 (interim counted, the
# final status kept), padded DATA (wire sizes without padding), a pushed
# stream (PUSH_PROMISE: pushed, promised_on, its request from the promise),
# response trailers with grpc-status and grpc-message, END_STREAM on a
# HEADERS whose block ends in a CONTINUATION, a reset by the client, a
# stream left open (complete false at the close), a late DATA frame on a
# finished stream (no new record), a gzip body with a capture gap in it
# (decoding stops: capture-gap), and --max-streams 2 with three streams
# open at once (one limit event, the third's request not tracked). Also -j 2 = -j 1
# and the lines validate against the schema.
set -euo pipefail
H=${H2SCOPE:?}
src=${H2_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$work/gen.py" <<'PY'
import struct, sys
f = open(sys.argv[1], "wb")
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
seq = [1000, 9000]
ts = [1700000000.0]
def packet(side, flags, payload=b""):
    src, dst = (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02") if side == 0 else (b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01")
    sp, dp = (41000, 8080) if side == 0 else (8080, 41000)
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq[side], seq[1 - side], 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    frame = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + tcp + payload
    t = ts[0]
    f.write(struct.pack("<IIII", int(t), int((t - int(t)) * 1e6), len(frame), len(frame)))
    f.write(frame)
    ts[0] += 0.001
    seq[side] = (seq[side] + len(payload) + (1 if flags & 0x03 else 0)) & 0xffffffff
def fr(t, fl, sid, p):
    return struct.pack(">I", len(p))[1:] + bytes([t, fl]) + struct.pack(">I", sid) + p
def lit(name, value):  # literal without indexing, new name (RFC 7541 §6.2.2)
    return b"\x00" + bytes([len(name)]) + name.encode() + bytes([len(value)]) + value.encode()
def req(path, method="GET"):
    return lit(":method", method) + lit(":scheme", "https") + lit(":authority", "example.test") + lit(":path", path)
def status(s, *extra):
    return lit(":status", str(s)) + b"".join(lit(n, v) for n, v in extra)
C, S = 0, 1
seq[0] -= 1; packet(C, 0x02); seq[1] -= 1; packet(S, 0x12); packet(C, 0x10)
packet(C, 0x18, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + fr(4, 0, 0, b""))
packet(S, 0x18, fr(4, 0, 0, b"") + fr(4, 1, 0, b""))
packet(C, 0x18, fr(4, 1, 0, b""))
# stream 1: 103, 200, padded DATA (5 bytes of data, 10 of padding), a push
packet(C, 0x18, fr(1, 0x5, 1, req("/one")))
packet(S, 0x18, fr(1, 0x4, 1, status(103, ("link", "</s.css>"))))
packet(S, 0x18, fr(5, 0x4, 1, struct.pack(">I", 2) + req("/pushed")))
packet(S, 0x18, fr(1, 0x4, 1, status(200, ("content-type", "text/plain"))))
packet(S, 0x18, fr(0, 0x8, 1, bytes([10]) + b"hello" + bytes(10)) + fr(0, 0x1, 1, b"!"))
packet(S, 0x18, fr(1, 0x4, 2, status(200)) + fr(0, 0x1, 2, b"pushed body"))
# stream 3: trailers with grpc-status; the request's END_STREAM is on a
# HEADERS whose block ends in a CONTINUATION
block = req("/svc/Method", "POST") + lit("content-type", "application/grpc")
packet(C, 0x18, fr(1, 0x1, 3, block[:10]) + fr(9, 0x4, 3, block[10:]))
packet(S, 0x18, fr(1, 0x4, 3, status(200, ("content-type", "application/grpc"))) + fr(0, 0, 3, b"\x00\x00\x00\x00\x00"))
packet(S, 0x18, fr(1, 0x5, 3, lit("grpc-status", "5") + lit("grpc-message", "not found")))
# stream 5: reset by the client; then a late DATA frame on it
packet(C, 0x18, fr(1, 0x5, 5, req("/cancelled")))
packet(S, 0x18, fr(1, 0x4, 5, status(200)))
packet(C, 0x18, fr(3, 0, 5, struct.pack(">I", 8)))
packet(S, 0x18, fr(0, 0, 5, b"late"))
# streams 7, 9, 11 open at once (the limit test reads this with --max-streams 2);
# 7 and 9 end, 11 never does
packet(C, 0x18, fr(1, 0x5, 7, req("/seven")) + fr(1, 0x5, 9, req("/nine")) + fr(1, 0x5, 11, req("/eleven")))
packet(S, 0x18, fr(1, 0x5, 7, status(204)) + fr(1, 0x5, 9, status(404)) + fr(1, 0x4, 11, status(200)))
# stream 13: a gzip body whose middle the capture lost (a gap in the
# server's direction): decoding stops with capture-gap
import zlib
z = zlib.compressobj(6, zlib.DEFLATED, 31)
gz = z.compress(bytes(range(256)) * 64) + z.flush()
packet(C, 0x18, fr(1, 0x5, 13, req("/gz")))
packet(S, 0x18, fr(1, 0x4, 13, status(200, ("content-encoding", "gzip"))) + fr(0, 0, 13, gz[:40]))
lost = fr(0, 0, 13, gz[40:80])
seq[S] = (seq[S] + len(lost)) & 0xffffffff  # never written: a gap
for _ in range(3):
    packet(S, 0x18, fr(6, 0, 0, bytes(8)))  # PINGs: frames to resynchronise on
packet(S, 0x18, fr(0, 0x1, 13, gz[80:]))
packet(C, 0x11); packet(S, 0x11)
f.close()
PY
python3 "$work/gen.py" "$work/x.pcap"
"$H" read "$work/x.pcap" --exchanges --json >"$work/x.json" || fail "read: exit $?"
"$H" read "$work/x.pcap" --exchanges --json -j 2 >"$work/x2.json"
cmp "$work/x.json" "$work/x2.json" >/dev/null || fail "-j 2 differs from -j 1"
"$H" read "$work/x.pcap" --exchanges --json --max-streams 2 >"$work/lim.json"
python3 "$src/tests/cli/validate_json.py" "$src/docs/schema/v1" read.schema.json --min 7 <"$work/x.json" ||
  fail "does not validate"
python3 - "$work/x.json" "$work/lim.json" <<'PY' || fail "exchange records"
import json, sys
def load(p):
    ex, ev = {}, []
    for line in open(p):
        o = json.loads(line)
        if "exchange" in o:
            x = o["exchange"]
            assert x["stream"] not in ex, "two records for stream %d" % x["stream"]
            ex[x["stream"]] = x
        else:
            ev.append(o)
    return ex, ev
ex, ev = load(sys.argv[1])
assert sorted(ex) == [1, 2, 3, 5, 7, 9, 11, 13], sorted(ex)
gz = ex[13]["response"]
assert gz["decoding"] == "capture-gap" and gz["content_encoding"] == "gzip", gz
one = ex[1]
assert (one["status"], one["interim"], one["path"], one["method"]) == (200, 1, "/one", "GET"), one
assert one["response"]["wire"] == 6 and one["response"]["data_frames"] == 2, one["response"]
assert one["complete"] and one["response"]["ended"] and one["request"]["ended"], one
assert one["response"]["content_type"] == "text/plain"
p = ex[2]
assert p["pushed"] and p["promised_on"] == 1 and p["path"] == "/pushed" and p["status"] == 200, p
assert p["response"]["wire"] == len("pushed body") and p["complete"], p
g = ex[3]
assert g["method"] == "POST" and g["request"]["ended"], g
assert g["grpc_status"] == "5" and g["grpc_message"] == "not found", g
assert g["trailers"] == [["grpc-status", "5"], ["grpc-message", "not found"]], g["trailers"]
assert g["response"]["wire"] == 5 and g["complete"], g
c = ex[5]
assert c["reset"] == {"by": "client", "code": 8, "name": "CANCEL"}, c.get("reset")
assert c["response"]["wire"] == 0, "the late DATA frame counted: %s" % c["response"]
assert ex[7]["status"] == 204 and ex[9]["status"] == 404 and ex[7]["complete"]
assert not ex[11]["complete"] and ex[11]["status"] == 200, ex[11]
t = one["times"]
assert t["request"] <= t["response"] <= t["first_data"] <= t["last_data"] <= t["end"], t
lex, lev = load(sys.argv[2])
limits = [e for e in lev if e.get("event") == "limit" and e.get("kind") == "limit-streams"]
assert len(limits) == 1 and limits[0]["stream"] == 11, lev
# Stream 11's request went untracked; its response came after 7 and 9 ended,
# so it has a record, without the request.
assert 7 in lex and 9 in lex and "method" not in lex.get(11, {}), lex.get(11)
print("ok: %d exchange records as expected; --max-streams 2 reported once" % len(ex))
PY
"$H" read "$work/x.pcap" --exchanges >"$work/x.txt"
grep -E '^ +1 +3 +200 POST .*/svc/Method \[trailers 2\] \[grpc-status 5 not found\] \[#[0-9]+-[0-9]+\]$' "$work/x.txt" >/dev/null ||
  fail "text line of stream 3: $(cat "$work/x.txt")"
grep -E '^ +1 +2 +200 GET .*/pushed \[pushed on 1\] \[#[0-9]+-[0-9]+\]$' "$work/x.txt" >/dev/null || fail "pushed line"
grep -E '/cancelled \[reset by client CANCEL\] \[#[0-9]+-[0-9]+\]$' "$work/x.txt" >/dev/null || fail "reset line"
grep -E '/eleven \[incomplete\] \[response capture-gap at 0\] \[#[0-9]+-[0-9]+\]$' "$work/x.txt" >/dev/null || fail "incomplete line"
grep -E '/one \[1xx x1\] \[#[0-9]+-[0-9]+\]$' "$work/x.txt" >/dev/null || fail "1xx line"
"$H" read "$work/x.pcap" --follow 1:1 >"$work/follow.txt"
grep -Fx -- '-- response body: 6 bytes on the wire, 6 decoded' "$work/follow.txt" >/dev/null ||
  fail "follow: $(cat "$work/follow.txt")"
grep -Fx 'hello!' "$work/follow.txt" >/dev/null || fail "follow body"
echo ok
