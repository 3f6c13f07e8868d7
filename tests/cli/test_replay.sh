#!/usr/bin/env bash
# test_replay.sh — `h2scope replay` end to end on loopback: the project's own
# captures (corpus/captures, recorded against nghttpd and h2o by
# scripts/record-captures.sh, whose files are recreated here byte for byte)
# replayed against a fresh nghttpd / h2o serving the same files → every
# stream "match"; against another server (h2o, `h2scope serve` without one of
# the files) → the real differences; --exact; JSON Lines; captures recorded
# here with tcpdump (a POST with body and trailers; a capture cut to start
# mid-connection, which --exact must re-encode); exit statuses 0/1/2/3.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
src=${H2_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
caps=$src/corpus/captures
work=$(mktemp -d)
chmod 755 "$work"
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
T() { timeout 30 "$@"; }

# the files of scripts/record-captures.sh
www=$work/www
mkdir -p "$www"
printf '<html><body>hello h2scope</body></html>\n' >"$www/index.html"
printf 'body { color: #123; }\n' >"$www/style.css"
head -c 300000 /dev/zero | tr '\0' 'd' >"$www/big.bin"
chmod -R a+rX "$www"

# expect NAME STATUS COMMAND...: stdout must equal $work/NAME.want, exit STATUS
expect() {
  local name=$1 want_rc=$2
  shift 2
  local rc=0
  T "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  if ! diff -u "$work/$name.want" "$work/$name.out"; then
    cat "$work/$name.err" >&2
    fail "$name: output differs"
  fi
  [ "$rc" = "$want_rc" ] || fail "$name: exit $rc, want $want_rc ($(cat "$work/$name.err"))"
  echo "ok: $name"
}

have nghttpd || {
  echo "SKIP: nghttpd not installed"
  exit 0
}
port=$(free_port)
start_nghttpd "$www" "$port"
to=127.0.0.1:$port

# ---- same server, same files: every stream matches ----
cat >"$work/sample.want" <<'OUT'
conn 1: 127.0.0.1:42064 -> 127.0.0.1:30769, 5 streams
conn 1 stream 13 GET /index.html: match (200, 40 bytes)
conn 1 stream 15 GET /style.css: match (200, 22 bytes)
conn 1 stream 17 GET /index.html?x=1: match (200, 40 bytes)
conn 1 stream 2 GET /style.css: skipped
    note: server push: not replayed (the replay does not enable push)
conn 1 stream 4 GET /style.css: skipped
    note: server push: not replayed (the replay does not enable push)
replay: 1 connection, 5 streams: 3 match, 0 differ, 2 skipped
OUT
expect sample 0 "$H" replay "$caps/sample.pcapng" --to "$to"

cat >"$work/flowcontrol.want" <<'OUT'
conn 1: 127.0.0.1:35342 -> 127.0.0.1:30769, 1 stream
conn 1 stream 13 GET /big.bin: match (200, 300000 bytes)
replay: 1 connection, 1 stream: 1 match, 0 differ, 0 skipped
OUT
expect flowcontrol 0 "$H" replay "$caps/flowcontrol.pcap" --to "$to"

for c in continuation padding; do
  "$H" replay "$caps/$c.pcap" --to "$to" >"$work/$c.out" || fail "$c: exit $?"
  tail -1 "$work/$c.out" | grep -x 'replay: 1 connection, 1 stream: 1 match, 0 differ, 0 skipped' >/dev/null ||
    fail "$c: $(cat "$work/$c.out")"
  echo "ok: $c"
done

# the recorded answer was RST_STREAM PROTOCOL_ERROR ("te: gzip", RFC 9113 §8.2.2)
cat >"$work/rst.want" <<'OUT'
conn 1: 127.0.0.1:50090 -> 127.0.0.1:34871, 1 stream
conn 1 stream 13 GET /index.html: match (RST_STREAM PROTOCOL_ERROR)
replay: 1 connection, 1 stream: 1 match, 0 differ, 0 skipped
OUT
expect rst 0 "$H" replay "$caps/rst_stream.pcap" --to "$to"

# 2 connections x 20 concurrent streams, JSON Lines summary; --conn 2 only the second
cat >"$work/concurrent.want" <<'OUT'
{"v":1,"summary":{"connections":2,"streams":40,"match":40,"differ":0,"skipped":0,"unreachable":0},"exit":0}
OUT
expect concurrent 0 sh -c "'$H' replay '$caps/concurrent.pcap' --to $to --json | tail -1"
"$H" replay "$caps/concurrent.pcap" --to "$to" --conn 2 --json >"$work/conn2.out"
python3 - "$work/conn2.out" <<'PY' || fail "--conn 2 JSON"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[0]["event"] == "connection" and lines[0]["conn"] == 2, lines[0]
streams = lines[1:-1]
assert len(streams) == 20 and all(s["conn"] == 2 and s["verdict"] == "match" for s in streams)
s = streams[0]
assert s["stream"] == 1 and s["live_stream"] == 1 and s["method"] == "GET" and s["path"] == "/style.css"
assert s["recorded"] == s["live"] == {"status": 200, "body_length": 22, "body_sha256":
    "ba52bca62f079df261c85f75c8f60b512fe8f7624dd8eb81749232e1bedf24e7", "reset": None,
    "complete": True}, s
assert s["differences"] == [] and s["violations"] == [] and s["notes"] == []
assert lines[-1]["summary"]["streams"] == 20 and lines[-1]["exit"] == 0
PY
echo "ok: --conn 2 --json"

# ---- --exact: the recorded frames byte for byte ----
cat >"$work/exact.want" <<'OUT'
conn 1: 127.0.0.1:42064 -> 127.0.0.1:30769, 5 streams
  note: exact: 11 recorded frames sent as they are, 0 HEADERS re-encoded
conn 1 stream 13 GET /index.html: match (200, 40 bytes)
conn 1 stream 15 GET /style.css: match (200, 22 bytes)
conn 1 stream 17 GET /index.html?x=1: match (200, 40 bytes)
conn 1 stream 2 GET /style.css: skipped
    note: server push: not replayed (the replay does not enable push)
conn 1 stream 4 GET /style.css: skipped
    note: server push: not replayed (the replay does not enable push)
replay: 1 connection, 5 streams: 3 match, 0 differ, 2 skipped
OUT
expect exact 0 "$H" replay "$caps/sample.pcapng" --to "$to" --exact
cat >"$work/exact-rst.want" <<'OUT'
conn 1: 127.0.0.1:50090 -> 127.0.0.1:34871, 1 stream
  note: exact: 9 recorded frames sent as they are, 0 HEADERS re-encoded
conn 1 stream 13 GET /index.html: match (RST_STREAM PROTOCOL_ERROR)
replay: 1 connection, 1 stream: 1 match, 0 differ, 0 skipped
OUT
expect exact-rst 0 "$H" replay "$caps/rst_stream.pcap" --to "$to" --exact
cat >"$work/exact-flow.want" <<'OUT'
conn 1: 127.0.0.1:35342 -> 127.0.0.1:30769, 1 stream
  note: exact: 25 recorded frames sent as they are, 0 HEADERS re-encoded
conn 1 stream 13 GET /big.bin: match (200, 300000 bytes)
replay: 1 connection, 1 stream: 1 match, 0 differ, 0 skipped
OUT
expect exact-flow 0 "$H" replay "$caps/flowcontrol.pcap" --to "$to" --exact
cat >"$work/exact-concurrent.want" <<'OUT'
replay: 2 connections, 40 streams: 40 match, 0 differ, 0 skipped
OUT
expect exact-concurrent 0 sh -c "'$H' replay '$caps/concurrent.pcap' --to $to --exact | tail -1"

# ---- TLS with ALPN h2 (the capture was h2c: :scheme becomes https) ----
if have openssl; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
    -subj /CN=localhost >/dev/null 2>&1
  tport=$(free_port)
  start_nghttpd "$www" "$tport" "$work/key.pem" "$work/cert.pem"
  for mode in "" --exact; do
    "$H" replay "$caps/flowcontrol.pcap" --to "127.0.0.1:$tport" --tls -k $mode >"$work/tls.out" ||
      fail "tls $mode: $(cat "$work/tls.out")"
    grep -qx 'conn 1 stream 13 GET /big.bin: match (200, 300000 bytes)' "$work/tls.out" ||
      fail "tls $mode: $(cat "$work/tls.out")"
  done
  # without -k the self-signed certificate is refused: cannot connect
  rc=0
  "$H" replay "$caps/flowcontrol.pcap" --to "127.0.0.1:$tport" --tls >/dev/null 2>&1 || rc=$?
  [ $rc = 3 ] || fail "tls without -k: exit $rc"
  echo "ok: TLS"
fi

# ---- another server: the real differences ----
# h2scope serve without style.css: 404 where nghttpd answered 200
www2=$work/www2
mkdir -p "$www2"
cp "$www/index.html" "$www2/"
sport=$(free_port)
start_serve "$sport" --dir "$www2"
cat >"$work/serve.want" <<'OUT'
conn 1: 127.0.0.1:42064 -> 127.0.0.1:30769, 5 streams
conn 1 stream 13 GET /index.html: differ (200, 40 bytes)
    header cache-control: recorded "max-age=3600", live (absent)
conn 1 stream 15 GET /style.css: differ (404, 10 bytes)
    status: recorded "200", live "404"
    header cache-control: recorded "max-age=3600", live (absent)
    header content-length: recorded "22", live "10"
    header content-type: recorded "text/css", live "text/plain"
    body: recorded "22 bytes, sha256 ba52bca62f079df261c85f75c8f60b512fe8f7624dd8eb81749232e1bedf24e7", live "10 bytes, sha256 709009e02c8e364113b28205aadde30cce270d709073f28153c85fdc5036c96d"
conn 1 stream 17 GET /index.html?x=1: differ (200, 40 bytes)
    header cache-control: recorded "max-age=3600", live (absent)
conn 1 stream 2 GET /style.css: skipped
    note: server push: not replayed (the replay does not enable push)
conn 1 stream 4 GET /style.css: skipped
    note: server push: not replayed (the replay does not enable push)
replay: 1 connection, 5 streams: 0 match, 3 differ, 2 skipped
OUT
expect serve 1 "$H" replay "$caps/sample.pcapng" --to "127.0.0.1:$sport"
# the same differences, ignoring cache-control, in JSON
"$H" replay "$caps/sample.pcapng" --to "127.0.0.1:$sport" --json --ignore-header cache-control \
  >"$work/serve-json.out" && fail "serve --json: exit 0"
python3 - "$work/serve-json.out" <<'PY' || fail "serve --json"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
by_stream = {l["stream"]: l for l in lines if "stream" in l}
assert by_stream[13]["verdict"] == "match", by_stream[13]
css = by_stream[15]
assert css["verdict"] == "differ" and css["live"]["status"] == 404
assert [d["field"] for d in css["differences"]] == ["status", "header content-length",
    "header content-type", "body"], css["differences"]
assert css["differences"][0] == {"field": "status", "recorded": "200", "live": "404"}
assert by_stream[2]["verdict"] == "skipped" and by_stream[2]["live"] is None
assert lines[-1] == {"v": 1, "summary": {"connections": 1, "streams": 5, "match": 2, "differ": 1,
    "skipped": 2, "unreachable": 0}, "exit": 1}, lines[-1]
PY
echo "ok: serve --json --ignore-header"

if have h2o; then
  hport=$(free_port)
  start_h2o "$www" "$hport" "$work"
  # upgrade.pcap was recorded against h2o: replayed against h2o, it matches
  # (stream 1 of each Upgrade is sent as a HEADERS request)
  cat >"$work/h2o-same.want" <<'OUT'
conn 1: 127.0.0.1:39642 -> 127.0.0.1:34873, 2 streams
conn 1 stream 1 GET /index.html: match (200, 40 bytes)
conn 1 stream 13 GET /style.css: match (200, 22 bytes)
conn 2: 127.0.0.1:39654 -> 127.0.0.1:34873, 1 stream
conn 2 stream 1 GET /index.html: match (200, 40 bytes)
replay: 2 connections, 3 streams: 3 match, 0 differ, 0 skipped
OUT
  expect h2o-same 0 "$H" replay "$caps/upgrade.pcap" --to "127.0.0.1:$hport"
  # nghttpd's capture against h2o: server, date, etag, last-modified are
  # volatile; cache-control and accept-ranges are real differences
  cat >"$work/h2o-other.want" <<'OUT'
conn 1: 127.0.0.1:35342 -> 127.0.0.1:30769, 1 stream
  note: exact: 25 recorded frames sent as they are, 0 HEADERS re-encoded
conn 1 stream 13 GET /big.bin: differ (200, 300000 bytes)
    header cache-control: recorded "max-age=3600", live (absent)
    header accept-ranges: recorded (absent), live "bytes"
replay: 1 connection, 1 stream: 0 match, 1 differ, 0 skipped
OUT
  expect h2o-other 1 "$H" replay "$caps/flowcontrol.pcap" --to "127.0.0.1:$hport" --exact
else
  echo "SKIP: h2o not installed"
fi

# ---- captures recorded here ----
if have tcpdump && have nghttp && have h2load && have editcap && have tshark; then
  record() { # FILE PORT COMMAND...
    local file=$1 p=$2
    shift 2
    tcpdump -i lo -s 0 -U --immediate-mode -w "$file" "tcp port $p" 2>/dev/null &
    local tp=$!
    sleep 0.5
    "$@" >/dev/null 2>&1 || fail "recording: $*"
    sleep 0.3
    kill -INT $tp
    wait $tp 2>/dev/null || true
  }
  # a POST with a body and trailers
  printf 'posted body\n' >"$work/post.txt"
  record "$work/post.pcap" "$port" nghttp -n -d "$work/post.txt" --trailer 'x-sum: 7' "http://$to/index.html"
  if [ -s "$work/post.pcap" ]; then
    for mode in "" --exact; do
      "$H" replay "$work/post.pcap" --to "$to" $mode >"$work/post.out" || fail "post $mode: $(cat "$work/post.out")"
      grep -q '^conn 1 stream 13 POST /index.html: match (200, 40 bytes)$' "$work/post.out" ||
        fail "post $mode: $(cat "$work/post.out")"
    done
    "$H" read "$work/post.pcap" | grep 'x-sum: 7' >/dev/null || fail "post: no trailers recorded"
    echo "ok: POST with body and trailers, both modes"
    # one request after another on one connection, against a server that
    # forbids the dynamic table (so the requests decode mid-connection),
    # then cut to start after the first exchange: --exact must re-encode
    # Without the handshake the client is taken to be the side with the
    # higher port: the server gets one below the ephemeral range.
    p0=$(python3 -c '
import random, socket
for _ in range(200):
    p = random.randint(20000, 30000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()')
    nghttpd --no-tls --header-table-size=0 -d "$www" "$p0" >/dev/null 2>&1 &
    peer_pids+=($!)
    wait_port "$p0"
    record "$work/seq.pcap" "$p0" h2load -n 3 -c 1 -m 1 "http://127.0.0.1:$p0/index.html"
    # cut at the packet that carries the client's second request (HEADERS on
    # stream 3), whatever the segmentation: its SETTINGS ACK may travel
    # alone, with the first request or with the second
    cut=$(tshark -r "$work/seq.pcap" -d "tcp.port==$p0,http2" -T fields -e frame.number \
      -Y "tcp.dstport==$p0 && http2.type==1 && http2.streamid==3" 2>/dev/null | head -1)
    [ -n "$cut" ] || fail "seq.pcap: no second request segment"
    editcap -r "$work/seq.pcap" "$work/seqmid.pcap" "$cut-100000"
    "$H" replay "$work/seqmid.pcap" --to "$to" --exact >"$work/seqmid.out" || fail "seqmid: $(cat "$work/seqmid.out")"
    # how many recorded frames follow the cut (SETTINGS ACK, GOAWAY) depends on timing
    grep -Eqx '  note: exact: [0-9]+ recorded frames sent as they are, 2 HEADERS re-encoded' \
      "$work/seqmid.out" || fail "seqmid: $(cat "$work/seqmid.out")"
    sed '1d;/note: exact: /d' "$work/seqmid.out" >"$work/seqmid.cut"
    cat >"$work/seqmid.want" <<'OUT'
  note: request HEADERS are re-encoded: the capture started mid-connection: the client's HPACK dynamic table is unknown
  note: no client SETTINGS in the capture: an empty one was sent, and the server's SETTINGS are acknowledged
conn 1 stream 3 GET /index.html: match (200, 40 bytes)
    note: HEADERS re-encoded (capture started mid-connection)
conn 1 stream 5 GET /index.html: match (200, 40 bytes)
    note: HEADERS re-encoded (capture started mid-connection)
replay: 1 connection, 2 streams: 2 match, 0 differ, 0 skipped
OUT
    diff -u "$work/seqmid.want" "$work/seqmid.cut" || fail "seqmid: output differs"
    echo "ok: mid-connection capture, --exact re-encodes"
  else
    echo "SKIP: tcpdump cannot capture on lo here"
  fi
else
  echo "SKIP: tcpdump / nghttp / h2load / editcap / tshark missing"
fi

# ---- exit statuses ----
rc=0
"$H" replay "$caps/sample.pcapng" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "no --to: exit $rc"
rc=0
"$H" replay --to "$to" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "no capture: exit $rc"
rc=0
"$H" replay "$caps/sample.pcapng" --to nocolon >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "bad --to: exit $rc"
rc=0
"$H" replay "$work/missing.pcap" --to "$to" >/dev/null 2>&1 || rc=$?
[ $rc = 3 ] || fail "missing capture: exit $rc"
rc=0
"$H" replay "$caps/sample.pcapng" --to "$to" --conn 7 >/dev/null 2>"$work/conn7.err" || rc=$?
[ $rc = 3 ] || fail "--conn 7: exit $rc"
grep -q 'connection 7 of .* is not an HTTP/2 connection' "$work/conn7.err" || fail "--conn 7 message"
dead=$(free_port)
rc=0
"$H" replay "$caps/sample.pcapng" --to "127.0.0.1:$dead" >"$work/dead.out" 2>"$work/dead.err" || rc=$?
[ $rc = 3 ] || fail "cannot connect: exit $rc"
grep -qx "  note: cannot connect to 127.0.0.1:$dead" "$work/dead.out" || fail "cannot connect: $(cat "$work/dead.out")"
echo "ok: exit statuses"

# ---- a live peer that breaks the protocol: `check --client` plays a server
# that sends DATA on stream 0 (RFC 9113 §6.1); the replay must name it ----
vport=$(free_port)
"$H" check --client --listen "$vport" client/9113/6.1/1 >"$work/bad-server.out" 2>&1 &
bad_pid=$!
wait_port "$vport"
rc=0
timeout 30 "$H" replay "$caps/sample.pcapng" --to "127.0.0.1:$vport" >"$work/violation.out" || rc=$?
wait "$bad_pid" || true
[ $rc = 1 ] || fail "violating peer: exit $rc"
grep -qx '  violation: RFC 9113 §6.1: frame-invalid (PROTOCOL_ERROR); the replay closed the connection' \
  "$work/violation.out" || fail "violation not reported: $(cat "$work/violation.out")"
grep -q '^replay: 1 connection, 5 streams: 0 match, 3 differ, 2 skipped$' "$work/violation.out" ||
  fail "violation summary"
timeout 30 "$H" check --client --listen "$vport" client/9113/6.1/1 >/dev/null 2>&1 &
bad_pid=$!
wait_port "$vport"
"$H" replay --json "$caps/sample.pcapng" --to "127.0.0.1:$vport" >"$work/violation.json" || true
wait "$bad_pid" || true
grep -q '"violations":\["RFC 9113 §6.1: frame-invalid (PROTOCOL_ERROR)' "$work/violation.json" || fail "JSON violation: $(head -3 "$work/violation.json")"
echo "ok: a violating live peer is reported (text and JSON)"
echo "all replay tests passed"
