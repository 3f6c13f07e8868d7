#!/usr/bin/env bash
# test_read_cli.sh — `h2scope read` end to end on the captures recorded by
# scripts/record-captures.sh (nghttp/h2load against nghttpd on loopback):
# frames and header lists equal tshark's (compare_tshark.py), detection and
# connection events, summary, filters, --hpack, --redact, --data, stdin, and
# clean errors on unusable files.
set -euo pipefail
H=${H2SCOPE:?}
C=${H2_SOURCE_DIR:?}/corpus/captures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { # expected-status args...
  local want=$1
  shift
  set +e
  "$H" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  set -e
  [ $rc = "$want" ] || fail "h2scope $* exited $rc, expected $want: $(head -3 "$work/err")"
}

# 1. Agreement with Wireshark's dissector: test_read_tshark.sh.

# 2. Prior knowledge: detection, preface, frames with metadata, close.
run 0 read --json "$C/sample.pcapng"
python3 - "$work/out" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
ev = [o["event"] for o in objs if "event" in o]
assert ev[:3] == ["connection", "detect", "preface"], ev
assert ev[-1] == "close", ev
frames = [o for o in objs if "type" in o]
for f in frames:
    assert f["v"] == 1 and f["conn"] == 1 and f["dir"] in ("c2s", "s2c"), f
    assert isinstance(f["ts"], float) and f["ts"] > 1.7e9, f
    for k in ("src", "dst", "stream", "type", "type_id", "flags", "length"):
        assert k in f, (k, f)
req = [f for f in frames if f["type"] == "HEADERS" and f["dir"] == "c2s"]
assert len(req) == 3, len(req)
assert [":path", "/index.html?x=1"] in req[2]["headers"], req[2]
pp = [f for f in frames if f["type"] == "PUSH_PROMISE"]
assert pp and pp[0]["promised_stream"] % 2 == 0, pp
print("json ok:", len(frames), "frames")
PY

# 3. Text output: frames under the connection, headers under their frame.
run 0 read --no-color "$C/sample.pcapng"
grep -q "detect HTTP/2 with prior knowledge (preface)" "$work/out" || fail "detect line"
grep -qE "^#1 [0-9.]+ #[0-9]+ 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:[0-9]+ \[24\] SETTINGS stream=0 length=12 flags=0x0$" "$work/out" ||
  fail "SETTINGS line"
grep -qx "    :path: /index.html?x=1" "$work/out" || fail "header line"
run 0 read -t a "$C/sample.pcapng"
grep -qE "^#1 1[0-9]{9}\.[0-9]{6} " "$work/out" || fail "absolute time"

# 4. Mid-connection start: detected from a chain of frames, no preface.
run 0 read --json "$C/midstream.pcap"
grep -q '"event":"detect".*mid-connection' "$work/out" || fail "midstream detect"
grep -q '"type":"DATA"' "$work/out" || fail "midstream frames"
# --port forces it too.
port=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if "type" in l][0]["dst"].rsplit(":",1)[1])' "$work/out")
run 0 read --json --port "$port" "$C/midstream.pcap"
grep -q 'forced by --port' "$work/out" || fail "--port detect"

# 5. Summary and quiet mode.
run 0 read -q --summary "$C/concurrent.pcap"
grep -qE "^total: [0-9]+ packets, 2 connections \(2 HTTP/2\), 132 frames, 40 streams, 0 protocol errors$" "$work/out" ||
  fail "summary total: $(tail -3 "$work/out")"
grep -q "^capture loss: 0 gaps (0 bytes), 0 resyncs, 0 cut-off frames, 0 truncated packets$" "$work/out" ||
  fail "summary capture loss: $(tail -3 "$work/out")"
grep -q "^frames by type: DATA=40 HEADERS=80 SETTINGS=8 GOAWAY=2 WINDOW_UPDATE=2$" "$work/out" ||
  fail "summary types: $(tail -1 "$work/out")"
[ "$(grep -c "preface" "$work/out")" = 2 ] || fail "two rows detected by preface"
run 0 read -q "$C/concurrent.pcap"
[ ! -s "$work/out" ] || fail "-q must print nothing"
run 0 read -q --summary --json "$C/concurrent.pcap"
grep -q '"summary":"capture".*"connections":2,"http2_connections":2,"frames":132' "$work/out" ||
  fail "JSON summary"

# 6. Filters.
run 0 read --json --conn 2 --type HEADERS --stream 1 "$C/concurrent.pcap"
python3 - "$work/out" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert objs and all(o["conn"] == 2 and o["type"] == "HEADERS" and o["stream"] == 1 for o in objs), objs
assert len(objs) == 2, len(objs)  # request and response
PY
run 2 read --type NOPE "$C/sample.pcapng"

# 7. --hpack, --redact, --data.
run 0 read --json --hpack "$C/sample.pcapng"
grep -q '"hpack":\[{"rep":"indexed","index":2,"name_huffman":false' "$work/out" || fail "--hpack JSON"
grep -q '{"rep":"literal-incremental","index":1,' "$work/out" || fail "--hpack literal"
run 0 read --hpack --no-color "$C/sample.pcapng"
grep -qE "^    :method: GET    \[indexed index=2 wire=1 table=[0-9]+\]$" "$work/out" || fail "--hpack text"
run 0 read --json --redact "$C/sample.pcapng"
grep -q '"user-agent","nghttp2/1.52.0"' "$work/out" || fail "redact keeps other values"
run 0 read --json --data text --data-max 10 "$C/sample.pcapng"
grep -q '"data":"<html><bod","data_truncated":true' "$work/out" || fail "--data text"
run 0 read --data hex --data-max 4 --no-color "$C/sample.pcapng"
grep -qx "    data: 3c68746d..." "$work/out" || fail "--data hex"

# 8. Spec violations next to their frame, with the RFC section; none on the
# well-behaved captures. Upgrade: stream 1 from the HTTP/1.1 request.
run 0 read --no-color "$C/rst_stream.pcap"
grep -qx '    violation: te field with a value other than "trailers" (RFC 9113 §8.2.2) \[connection-specific-field\]' \
  "$work/out" || fail "te violation"
run 0 read --json "$C/rst_stream.pcap"
grep -q '"type":"HEADERS".*"notes":\[{"rule":"connection-specific-field",.*"section":"RFC 9113 §8.2.2"}\]' \
  "$work/out" || fail "JSON notes"
for f in "$C"/*.pcap "$C"/*.pcapng; do
  case $f in */rst_stream.pcap) continue ;; esac
  "$H" read --json "$f" | grep '"notes"' >/dev/null && fail "unexpected violation in $f"
done
run 0 read --json "$C/upgrade.pcap"
python3 - "$work/out" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
up = [o for o in objs if o.get("event") == "upgrade"]
assert [o["conn"] for o in up] == [1, 2], up
assert up[0]["stream"] == 1 and up[0]["dir"] == "s2c", up[0]
assert up[0]["headers"][:3] == [[":method", "GET"], [":path", "/index.html"], [":scheme", "http"]]
assert ["upgrade", "h2c"] in up[0]["headers"], up[0]["headers"]
assert {"id": 3, "name": "SETTINGS_MAX_CONCURRENT_STREAMS", "value": 100} in up[0]["http2_settings"]
s1 = [o for o in objs if o.get("type") == "HEADERS" and o["conn"] == 1 and o["stream"] == 1]
assert len(s1) == 1 and s1[0]["dir"] == "s2c" and s1[0]["headers"][0] == [":status", "200"], s1
print("upgrade ok")
PY

# 9. --har: HAR 1.2 with one entry per exchange (pushed streams included),
# the Upgrade request as stream 1, a reset stream marked, --redact applied.
run 0 read -q --har "$work/s.har" "$C/sample.pcapng"
[ ! -s "$work/out" ] || fail "--har with -q prints nothing"
# owner-only: unredacted, a HAR file holds credentials
[ "$(stat -c %a "$work/s.har")" = 600 ] || fail "--har file mode $(stat -c %a "$work/s.har")"
run 0 read -q --redact --har "$work/u.har" "$C/upgrade.pcap"
run 0 read -q --har "$work/r.har" "$C/rst_stream.pcap"
python3 - "$work/s.har" "$work/u.har" "$work/r.har" <<'PY'
import json, sys
s, u, r = (json.load(open(p))["log"] for p in sys.argv[1:4])
assert s["version"] == "1.2" and s["creator"]["name"] == "h2scope"
got = [(e["_stream"], e["request"]["method"], e["request"]["url"].split("/", 3)[3],
        e["response"]["status"], e["response"]["content"]["size"], e.get("_pushed", False))
       for e in s["entries"]]
assert got == [(13, "GET", "index.html", 200, 40, False), (15, "GET", "style.css", 200, 22, False),
               (17, "GET", "index.html?x=1", 200, 40, False), (2, "GET", "style.css", 200, 22, True),
               (4, "GET", "style.css", 200, 22, True)], got
q = s["entries"][2]["request"]["queryString"]
assert q == [{"name": "x", "value": "1"}], q
e = s["entries"][0]
assert e["response"]["content"]["mimeType"] == "text/html", e["response"]
assert {"name": ":status", "value": "200"} in e["response"]["headers"]
assert e["serverIPAddress"] == "127.0.0.1" and e["connection"] == "1"
assert e["startedDateTime"].startswith("20") and e["startedDateTime"].endswith("Z")
for e in s["entries"]:
    for k in ("startedDateTime", "time", "request", "response", "cache", "timings"):
        assert k in e, k
got = [(e["connection"], e["_stream"], e["request"]["url"].split("/", 3)[3], e["response"]["status"])
       for e in u["entries"]]
assert got == [("1", 1, "index.html", 200), ("1", 13, "style.css", 200),
               ("2", 1, "index.html", 200)], got
assert {"name": "upgrade", "value": "h2c"} in u["entries"][0]["request"]["headers"]
assert [(e["_stream"], e["response"]["status"], e.get("_reset")) for e in r["entries"]] == \
    [(13, 0, "PROTOCOL_ERROR")], r["entries"]
print("har ok")
PY
run 3 read --har /nonexistent-dir/x.har "$C/sample.pcapng"

# 10. stdin, unusable and damaged inputs.
"$H" read --json - <"$C/sample.pcapng" >"$work/stdin.json"
"$H" read --json "$C/sample.pcapng" >"$work/file.json"
cmp -s "$work/stdin.json" "$work/file.json" || fail "stdin differs from file"
run 3 read "$work/does-not-exist.pcap"
head -c 5000 /dev/urandom >"$work/garbage.pcap"
run 3 read "$work/garbage.pcap"
grep -q "cannot read capture" "$work/err" || fail "garbage message"
head -c 1500 "$C/flowcontrol.pcap" >"$work/cut.pcap"
run 0 read "$work/cut.pcap"
run 2 read
run 2 read --bogus "$C/sample.pcapng"
run 0 read --help
echo ok
