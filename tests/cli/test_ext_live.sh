#!/usr/bin/env bash
# test_ext_live.sh — WebSocket over HTTP/2 (RFC 8441) from real peers: Node's
# http2 server with SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 sending ALTSVC and
# ORIGIN (session.altsvc, session.origin), and a Node http2 client doing an
# extended CONNECT :protocol websocket (tests/cli/ws_h2_peer.js builds the
# WebSocket frames), recorded with tcpdump on loopback (h2c, prior
# knowledge). `read --json` must decode what the script sent: the settings,
# the ALTSVC and ORIGIN values, the priority field of a GET, and every
# WebSocket frame (opcode, FIN, mask, length encoding, payload text, close
# code and reason), also the one split over two DATA frames and the three
# carried by one; `--lint` finds nothing; the JSON validates.
set -euo pipefail
H=${H2SCOPE:?}
src=${H2_SOURCE_DIR:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in tcpdump node; do
  command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 0; }
done

port=$(free_port)
node "$here/ws_h2_peer.js" serve "$port" 2>"$work/server.err" &
peer_pids+=($!)
wait_port "$port"
start_capture "$work/ws.pcap" "$port"
timeout 60 node "$here/ws_h2_peer.js" client "$port" >"$work/client.out" 2>&1 ||
  fail "client: $(cat "$work/client.out") $(cat "$work/server.err")"
grep "^client ok 1,10,1,8$" "$work/client.out" >/dev/null || fail "client: $(cat "$work/client.out")"
stop_capture

"$H" read --json "$work/ws.pcap" >"$work/read.json" || fail "read exit $?"
python3 - "$work/read.json" <<'PY' || fail "decoded values differ from what the peers sent"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
frames = [f for f in lines if "type" in f]
def of(t, d=None): return [f for f in frames if f["type"] == t and (d is None or f["dir"] == d)]
assert not [f for f in frames if "error" in f or "notes" in f], "errors or notes"
srv = [s for f in of("SETTINGS", "s2c") for s in f["settings"]]
assert {"id": 8, "name": "SETTINGS_ENABLE_CONNECT_PROTOCOL", "value": 1} in srv, srv
alt = [(f["stream"], f["altsvc"]) for f in of("ALTSVC", "s2c")]
assert alt == [(0, {"origin": "http://example.test", "value": 'h2=":8443"; ma=60'}),
               (1, {"origin": "", "value": 'h2=":9443"'})], alt
org = [f["origins"] for f in of("ORIGIN", "s2c")]
assert org == [["http://example.test", "http://other.test:8080"]], org
get = [f for f in of("HEADERS", "c2s") if ["priority", "u=1, i"] in f["headers"]]
assert get and get[0]["priority_field"] == {"urgency": 1, "incremental": True, "valid": True}
connect = [f for f in of("HEADERS", "c2s") if [":protocol", "websocket"] in f["headers"]]
assert connect and [":method", "CONNECT"] in connect[0]["headers"], connect
ws_stream = connect[0]["stream"]
def ws(d):
    out = []
    for f in of("DATA", d):
        assert f["stream"] == ws_stream or "websocket" not in f
        out += f.get("websocket", [])
    return out
c = ws("c2s")
def brief(w):
    keep = {k: w[k] for k in ("fin", "opcode_name", "masked", "length", "length_bits")}
    for k in ("text", "close_code", "close_reason", "mask_key"):
        if k in w: keep[k] = w[k]
    return keep
got = [brief(w) for w in c]
key = "37fa213d"
want = [
    {"fin": True, "opcode_name": "text", "masked": True, "length": 15, "length_bits": 7,
     "text": "hello websocket", "mask_key": key},
    {"fin": True, "opcode_name": "binary", "masked": True, "length": 300, "length_bits": 16,
     "mask_key": key},
    {"fin": True, "opcode_name": "ping", "masked": True, "length": 2, "length_bits": 7, "mask_key": key},
    {"fin": False, "opcode_name": "text", "masked": True, "length": 5, "length_bits": 7,
     "text": "frag-", "mask_key": key},
    {"fin": True, "opcode_name": "continuation", "masked": True, "length": 4, "length_bits": 7,
     "text": "ment", "mask_key": key},
    {"fin": True, "opcode_name": "close", "masked": True, "length": 6, "length_bits": 7,
     "close_code": 1000, "close_reason": "done", "mask_key": key},
]
assert got == want, got
assert c[1]["data_frames"] == 2 and c[1]["hex"] == "ab" * 64 and c[1]["preview_truncated"], c[1]
assert c[2]["hex"] == "7069", c[2]
s = [brief(w) for w in ws("s2c")]
assert s == [
    {"fin": True, "opcode_name": "text", "masked": False, "length": 21, "length_bits": 7,
     "text": "echo: hello websocket"},
    {"fin": True, "opcode_name": "pong", "masked": False, "length": 2, "length_bits": 7},
    {"fin": True, "opcode_name": "text", "masked": False, "length": 11, "length_bits": 7,
     "text": "echo: frag-"},
    {"fin": True, "opcode_name": "close", "masked": False, "length": 5, "length_bits": 7,
     "close_code": 1000, "close_reason": "bye"}], s
PY
python3 "$src/tests/cli/validate_json.py" "$src/docs/schema/v1" read.schema.json <"$work/read.json" ||
  fail "read --json does not validate"
"$H" read "$work/ws.pcap" >"$work/read.txt"
grep -E '^    websocket: binary FIN masked key=37fa213d length=300 \(16-bit\) over 2 DATA frames ab' \
  "$work/read.txt" >/dev/null || fail "text: no WebSocket line for the split frame"
grep -E '^    websocket: close FIN unmasked length=5 \(7-bit\) code=1000 reason="bye"$' \
  "$work/read.txt" >/dev/null || fail "text: no close line"
rc=0
"$H" read --lint -q "$work/ws.pcap" >"$work/lint.out" 2>&1 || rc=$?
[ $rc = 0 ] && [ ! -s "$work/lint.out" ] || fail "lint (exit $rc): $(head -20 "$work/lint.out")"
echo "ok: Node http2 extended CONNECT: 6 client and 4 server WebSocket frames, ALTSVC, ORIGIN, priority decoded as sent; lint clean"
