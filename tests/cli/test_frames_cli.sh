#!/usr/bin/env bash
# test_frames_cli.sh — `h2scope frames` end to end on the recorded sample
# streams (corpus/samples, recorded from nghttp/nghttpd by
# scripts/record-samples.sh) and hand-made invalid frames
# (corpus/samples/errors): exact frame lines, header values, JSON fields,
# truncation offsets, error names and sections, exit statuses.
set -euo pipefail
H=${H2SCOPE:?}
S=${H2_SOURCE_DIR:?}/corpus/samples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
has() { grep -qxF -- "$2" "$1" || fail "$1 lacks line: $2"; }
run() { # expected-status args...
  local want=$1
  shift
  set +e
  "$H" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  set -e
  [ $rc = "$want" ] || fail "h2scope $* exited $rc, expected $want: $(cat "$work/err")"
}

# Every sample decodes cleanly.
for f in "$S"/*.bin; do
  run 0 frames "$f"
  run 0 frames --json "$f"
  python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/out" ||
    fail "$f: invalid JSON"
done

# The whole text of the simple GET (client side) and the whole JSON of its
# server side, exactly.
cat >"$work/get-client.txt" <<'OUT'
preface (24 bytes)
[24] SETTINGS stream=0 length=12 flags=0x0
    SETTINGS_MAX_CONCURRENT_STREAMS = 100
    SETTINGS_INITIAL_WINDOW_SIZE = 65535
[45] PRIORITY stream=3 length=5 flags=0x0
    priority: weight=201 depends_on=0 exclusive=0
[59] PRIORITY stream=5 length=5 flags=0x0
    priority: weight=101 depends_on=0 exclusive=0
[73] PRIORITY stream=7 length=5 flags=0x0
    priority: weight=1 depends_on=0 exclusive=0
[87] PRIORITY stream=9 length=5 flags=0x0
    priority: weight=1 depends_on=7 exclusive=0
[101] PRIORITY stream=11 length=5 flags=0x0
    priority: weight=1 depends_on=3 exclusive=0
[115] HEADERS stream=13 length=39 flags=END_STREAM|END_HEADERS|PRIORITY (0x25)
    priority: weight=16 depends_on=11 exclusive=0
    :method: GET
    :path: /index.html
    :scheme: http
    :authority: 127.0.0.1:39902
    accept: */*
    accept-encoding: gzip, deflate
    user-agent: nghttp2/1.52.0
[163] SETTINGS stream=0 length=0 flags=ACK (0x1)
[172] GOAWAY stream=0 length=8 flags=0x0
    last_stream: 2 error_code: NO_ERROR (0x0)
OUT
cat >"$work/get-server.json" <<'OUT'
{"v":1,"offset":0,"stream":0,"type":"SETTINGS","type_id":4,"flags":0,"flag_names":[],"length":6,"settings":[{"id":3,"name":"SETTINGS_MAX_CONCURRENT_STREAMS","value":100}]}
{"v":1,"offset":15,"stream":0,"type":"SETTINGS","type_id":4,"flags":1,"flag_names":["ACK"],"length":0,"settings":[]}
{"v":1,"offset":24,"stream":13,"type":"PUSH_PROMISE","type_id":5,"flags":4,"flag_names":["END_HEADERS"],"length":28,"promised_stream":2,"fragment_length":24,"headers":[[":method","GET"],[":path","/style.css"],[":scheme","http"],[":authority","127.0.0.1:39902"]]}
{"v":1,"offset":61,"stream":13,"type":"HEADERS","type_id":1,"flags":4,"flag_names":["END_HEADERS"],"length":94,"fragment_length":94,"headers":[[":status","200"],["server","nghttpd nghttp2/1.52.0"],["cache-control","max-age=3600"],["date","Wed, 25 Nov 2026 07:39:47 GMT"],["content-length","40"],["last-modified","Wed, 25 Nov 2026 07:39:46 GMT"],["content-type","text/html"]]}
{"v":1,"offset":164,"stream":2,"type":"HEADERS","type_id":1,"flags":4,"flag_names":["END_HEADERS"],"length":18,"fragment_length":18,"headers":[[":status","200"],["server","nghttpd nghttp2/1.52.0"],["cache-control","max-age=3600"],["date","Wed, 25 Nov 2026 07:39:47 GMT"],["content-length","22"],["last-modified","Wed, 25 Nov 2026 07:39:46 GMT"],["content-type","text/css"]]}
{"v":1,"offset":191,"stream":13,"type":"DATA","type_id":0,"flags":1,"flag_names":["END_STREAM"],"length":40,"data_length":40}
{"v":1,"offset":240,"stream":2,"type":"DATA","type_id":0,"flags":1,"flag_names":["END_STREAM"],"length":22,"data_length":22}
OUT
run 0 frames "$S/get-client.bin"
diff -u "$work/get-client.txt" "$work/out" || fail "get-client text"
run 0 frames --json --server "$S/get-server.bin"
diff -u "$work/get-server.json" "$work/out" || fail "get-server JSON"

# A simple GET, client side: preface, SETTINGS, nghttp's PRIORITY tree, the request.
run 0 frames --client "$S/get-client.bin"
has "$work/out" "preface (24 bytes)"
has "$work/out" "[24] SETTINGS stream=0 length=12 flags=0x0"
has "$work/out" "    SETTINGS_MAX_CONCURRENT_STREAMS = 100"
has "$work/out" "    SETTINGS_INITIAL_WINDOW_SIZE = 65535"
has "$work/out" "[45] PRIORITY stream=3 length=5 flags=0x0"
has "$work/out" "    priority: weight=201 depends_on=0 exclusive=0"
has "$work/out" "[115] HEADERS stream=13 length=39 flags=END_STREAM|END_HEADERS|PRIORITY (0x25)"
has "$work/out" "    :method: GET"
has "$work/out" "    :path: /index.html"
has "$work/out" "    user-agent: nghttp2/1.52.0"
has "$work/out" "[163] SETTINGS stream=0 length=0 flags=ACK (0x1)"
has "$work/out" "    last_stream: 2 error_code: NO_ERROR (0x0)"

# The server side of the push sample: PUSH_PROMISE with its request headers.
run 0 frames --server "$S/push-server.bin"
has "$work/out" "[24] PUSH_PROMISE stream=13 length=28 flags=END_HEADERS (0x4)"
has "$work/out" "    promised_stream: 2"
has "$work/out" "    :path: /style.css"
has "$work/out" "[164] HEADERS stream=2 length=18 flags=END_HEADERS (0x4)"
has "$work/out" "    content-type: text/css"
has "$work/out" "[240] DATA stream=2 length=22 flags=END_STREAM (0x1)"

# JSON fields.
run 0 frames --json "$S/push-server.bin"
python3 - "$work/out" <<'PY'
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
assert all(f["v"] == 1 for f in frames)
pp = [f for f in frames if f.get("type") == "PUSH_PROMISE"][0]
assert pp["stream"] == 13 and pp["promised_stream"] == 2 and pp["flags"] == 4, pp
assert pp["flag_names"] == ["END_HEADERS"], pp
assert [":path", "/style.css"] in pp["headers"], pp
s = frames[0]
assert s["type"] == "SETTINGS" and s["settings"] == [
    {"id": 3, "name": "SETTINGS_MAX_CONCURRENT_STREAMS", "value": 100}], s
print("json ok")
PY

# DATA previews and --redact.
run 0 frames --data text --data-max 16 "$S/get-server.bin"
has "$work/out" "    data: <html><body>hell..."
run 0 frames --data hex --json "$S/get-server.bin"
grep -qF '"length":40,"data_length":40,"data":"3c68746d6c3e3c626f64793e68656c6c6f20683273636f70653c2f626f64793e3c2f68746d6c3e0a"}' \
  "$work/out" || fail "--data hex JSON"
run 2 frames --data bogus "$S/get-server.bin"
printf '00000b 01 05 00000001 82 0f2b 07 73656372657421' >"$work/ua.hex" # user-agent: secret!
run 0 frames --hex "$work/ua.hex"
has "$work/out" "    user-agent: secret!"
printf '00000a 01 05 00000001 82 60 07 73656372657421' >"$work/cookie.hex" # cookie (32): secret!
run 0 frames --hex --redact "$work/cookie.hex"
has "$work/out" "    cookie: [redacted]"

# Padding, CONTINUATION and a POST body.
run 0 frames "$S/padding-client.bin"
has "$work/out" "[115] HEADERS stream=13 length=54 flags=END_STREAM|END_HEADERS|PADDED|PRIORITY (0x2d)"
has "$work/out" "    padding: 6 bytes"
run 0 frames "$S/continuation-client.bin"
grep -q "CONTINUATION stream=13 length=" "$work/out" || fail "no CONTINUATION frame"
grep -q "flags=END_HEADERS (0x4)" "$work/out" || fail "no END_HEADERS on the CONTINUATION"
run 0 frames "$S/post-client.bin"
grep -qE "^\[[0-9]+\] DATA stream=13 length=320 flags=END_STREAM \(0x1\)$" "$work/out" ||
  fail "POST body DATA frame"

# Truncated input: cut a sample inside a frame header and inside a payload.
head -c 50 "$S/get-client.bin" >"$work/cut1"
run 1 frames "$work/cut1"
has "$work/out" "truncated frame at offset 45: need 9 more bytes"
head -c 30 "$S/get-client.bin" >"$work/cut2"
run 1 frames "$work/cut2"
has "$work/out" "truncated frame at offset 24: need 15 more bytes"
head -c 26 "$S/get-client.bin" >"$work/cut4"
run 1 frames "$work/cut4"
has "$work/out" "truncated frame at offset 24: need 7 more bytes"
head -c 10 "$S/get-client.bin" >"$work/cut3"
run 1 frames "$work/cut3"
has "$work/out" "truncated connection preface at offset 0: need 14 more bytes"
run 1 frames --json "$work/cut1"
has "$work/out" '{"v":1,"event":"truncated","offset":45,"message":"truncated frame at offset 45: need 9 more bytes","need":9}'

# Invalid frames: error name, RFC code, scope and section.
E=$S/errors
run 1 frames --hex "$E/settings-ack-with-payload.hex"
grep -q "error: .*\[settings-ack-length\] connection error FRAME_SIZE_ERROR (RFC 9113 §6.5)" "$work/out" ||
  fail "SETTINGS ACK with payload: $(cat "$work/out")"
run 1 frames --hex "$E/window-update-zero.hex"
grep -q "\[window-update-zero\] stream error PROTOCOL_ERROR (RFC 9113 §6.9)" "$work/out" ||
  fail "WINDOW_UPDATE 0: $(cat "$work/out")"
run 1 frames --hex "$E/ping-length-7.hex"
grep -q "connection error FRAME_SIZE_ERROR (RFC 9113 §6.7)" "$work/out" || fail "PING 7: $(cat "$work/out")"
run 1 frames --hex "$E/data-bad-padding.hex"
grep -q "\[padding-too-long\] connection error PROTOCOL_ERROR (RFC 9113 §6.1)" "$work/out" ||
  fail "DATA padding: $(cat "$work/out")"
run 1 frames --hex "$E/goaway-on-stream.hex"
grep -q "connection error PROTOCOL_ERROR (RFC 9113 §6.8)" "$work/out" || fail "GOAWAY: $(cat "$work/out")"
run 1 frames --hex "$E/headers-truncated-block.hex"
grep -q "header block error: .*\[hpack-truncated\] connection error COMPRESSION_ERROR" "$work/out" ||
  fail "truncated block: $(cat "$work/out")"
grep -qx "    :method: GET" "$work/out" || fail "fields before the broken one are shown"

# --hex reads the same stream as binary; stdin works.
xxd -p "$S/get-client.bin" >"$work/get.hex"
"$H" frames "$S/get-client.bin" >"$work/a"
"$H" frames --hex - <"$work/get.hex" >"$work/b"
diff -u "$work/a" "$work/b" || fail "--hex differs from binary"
run 3 frames --hex "$E/../get-client.bin"
grep -q "not a hex dump: unexpected character at offset 0" "$work/err" || fail "hex error: $(cat "$work/err")"
# '#' comments (with hex-looking words) are skipped, also when a read splits them.
{
  echo "# deadbeef: a SETTINGS ACK, then a PING"
  echo "000000 04 01 00000000 # ack"
  echo "000008 06 00 00000000 0102030405060708"
} >"$work/commented.hex"
run 0 frames --hex "$work/commented.hex"
has "$work/out" "[0] SETTINGS stream=0 length=0 flags=ACK (0x1)"
has "$work/out" "[9] PING stream=0 length=8 flags=0x0"
printf '000000 04 01 00000000 0' >"$work/odd.hex"
run 3 frames --hex "$work/odd.hex"
grep -q "odd number of hex digits" "$work/err" || fail "odd digits: $(cat "$work/err")"

# Cross-check with tshark: each sample wrapped into a one-packet TCP capture
# (text2pcap) and dissected as HTTP/2 gives the same frame types, streams,
# lengths, flags and decoded header fields as h2scope's JSON.
if command -v tshark >/dev/null && command -v text2pcap >/dev/null; then
  for f in "$S"/*.bin; do
    od -Ax -tx1 -v "$f" >"$work/od.txt"
    text2pcap -q -T 40000,8080 "$work/od.txt" "$work/s.pcap" 2>/dev/null
    tshark -r "$work/s.pcap" -d tcp.port==8080,http2 -T json -e http2.type -e http2.streamid \
      -e http2.length -e http2.flags -e http2.header.name -e http2.header.value \
      2>/dev/null >"$work/tshark.json"
    "$H" frames --json "$f" >"$work/ours.json"
    python3 - "$work/tshark.json" "$work/ours.json" "$f" <<'PY' || fail "$f differs from tshark"
import json, sys
layers = json.load(open(sys.argv[1]))[0]["_source"]["layers"]
ours = [json.loads(l) for l in open(sys.argv[2])]
frames = [o for o in ours if "type" in o]
theirs = list(zip(*[[int(x, 0) for x in layers[k]]
                    for k in ("http2.type", "http2.streamid", "http2.length", "http2.flags")]))
mine = [(o["type_id"], o["stream"], o["length"], o["flags"]) for o in frames]
assert mine == theirs, (sys.argv[3], mine, theirs)
assert len(mine) >= 3, mine
names = layers.get("http2.header.name", [])
values = layers.get("http2.header.value", [])
fields = [tuple(h) for o in frames for h in o.get("headers", [])]
assert fields == list(zip(names, values)), (sys.argv[3], fields, names, values)
assert len(fields) >= 4, fields
PY
  done
else
  echo "skip: tshark or text2pcap not installed"
fi

# Preface modes: --client needs the preface (§3.4), --server must not see one.
run 1 frames --client "$S/get-server.bin"
has "$work/out" "bad-preface the client connection preface is missing or wrong at offset 0 (RFC 9113 §3.4)"
has "$work/out" "[0] SETTINGS stream=0 length=6 flags=0x0"
run 1 frames --server "$S/get-client.bin"
has "$work/out" "unexpected-preface a client connection preface in a stream decoded as the server side"
has "$work/out" "[24] SETTINGS stream=0 length=12 flags=0x0"
run 0 frames --server "$S/get-server.bin"

# An extension frame type, an undefined flag, and a frame over the size
# limit (§4.2) that is skipped so the next frame still decodes.
printf '000003ff0500000003aabbcc 000000004100000001\n' >"$work/ext.hex"
run 0 frames --hex "$work/ext.hex"
has "$work/out" "[0] UNKNOWN(0xff) stream=3 length=3 flags=0x5"
has "$work/out" "[12] DATA stream=1 length=0 flags=END_STREAM|0x40 (0x41)"
{
  printf '004001000000000001'
  head -c 16385 /dev/zero | xxd -p
  printf '000008060000000000 0102030405060708\n'
} >"$work/big.hex"
run 1 frames --hex "$work/big.hex"
grep -q "^    error: .*\[frame-too-large\] stream error FRAME_SIZE_ERROR (RFC 9113 §4.2) at offset 0$" \
  "$work/out" || fail "oversized frame: $(head -3 "$work/out")"
has "$work/out" "[16394] PING stream=0 length=8 flags=0x0"
run 0 frames --hex --max-frame-size 16385 "$work/big.hex"
has "$work/out" "[0] DATA stream=1 length=16385 flags=0x0"

# Usage errors exit 2, unreadable input 3.
run 2 frames --bogus
run 2 frames --max-frame-size 5
run 2 frames a b
run 2 frames --client --server "$S/get-client.bin"
grep -q "exclude each other" "$work/err" || fail "--client --server message"
run 0 frames --client --client "$S/get-client.bin"
run 3 frames "$work/does-not-exist"
grep -q "cannot open" "$work/err" || fail "open error message"
run 3 frames "$work"
grep -q "read error" "$work/err" || fail "read error message"
run 0 frames --help
run 2
# A usage error: one line naming the problem, then exactly one hint line.
[ "$(wc -l <"$work/err")" = 2 ] || fail "no command: two lines on stderr"
[ "$(sed -n 2p "$work/err")" = "Try 'h2scope --help'." ] || fail "no command: hint line"
run 0 --help
run 0 --version
grep -q "^h2scope " "$work/out" || fail "--version"
echo ok
