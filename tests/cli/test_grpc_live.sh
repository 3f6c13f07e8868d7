#!/usr/bin/env bash
# test_grpc_live.sh — gRPC, the biggest HTTP/2 user that is not a browser,
# from a third HTTP/2 stack: gRPC's C core (python3-grpcio, chttp2) as both
# client and server on loopback, recorded with tcpdump. Unary calls with
# metadata and trailers, a trailers-only error, an exceeded deadline,
# streaming both ways, a cancelled stream (RST_STREAM CANCEL), BDP PINGs and
# gRPC's own SETTINGS parameter 0xfe03. `h2scope read` must decode every
# frame and header list as the reference decoding does (compare_follow.py),
# show the gRPC facts, report nothing undecoded, and `--lint` must find
# nothing wrong with either side; `replay` (both modes) must get the same
# answers from the gRPC server.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() {
  local keep=${TMPDIR:-/tmp}/h2scope-grpc-failure
  mkdir -p "$keep" && cp "$work/grpc.pcap" "$keep/" 2>/dev/null || true
  echo "FAIL: $* (capture kept in $keep)" >&2
  exit 1
}
# Debian's interpreter: python3-grpcio is installed for it, not for others on PATH.
py=/usr/bin/python3
for t in tcpdump tshark; do
  command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 0; }
done
"$py" -c 'import grpc, hpack' 2>/dev/null || {
  echo "SKIP: python3-grpcio or python3-hpack not installed"
  exit 0
}

port=$(free_port)
"$py" "$here/grpc_peer.py" serve "$port" 2>"$work/server.err" &
peer_pids+=($!)
wait_port "$port"
start_capture "$work/grpc.pcap" "$port"
timeout 60 "$py" "$here/grpc_peer.py" client "$port" >"$work/client.out" 2>&1 ||
  fail "gRPC client: $(tail -5 "$work/client.out")"
grep -qx "client ok" "$work/client.out" || fail "gRPC client: $(cat "$work/client.out")"
stop_capture

# The reference decoding: tshark's TCP reassembly cut into frames and HPACK
# decoded by python3-hpack (compare_follow.py says why not tshark's HTTP/2
# dissector: gRPC's large messages make it lose frames).
out=$("$py" "$here/compare_follow.py" "$H" "$work/grpc.pcap" 2>&1 | grep -v "Running as user") ||
  fail "h2scope and the reference decoding differ: $out"
echo "$out"

"$H" read --json "$work/grpc.pcap" >"$work/read.json" || fail "read: exit $?"
has() { grep -q -- "$1" "$work/read.json" || fail "$2"; }
has '"event":"detect".*prior knowledge' "HTTP/2 with prior knowledge not detected"
# gRPC's own SETTINGS parameter (GRPC_ALLOW_TRUE_BINARY_METADATA), kept as unknown (§6.5.2)
has '"type":"SETTINGS".*{"id":65027,' "SETTINGS 0xfe03 not kept"
has '\["content-type","application/grpc"\],\["te","trailers"\]' "gRPC request fields"
has '\["x-h2scope-probe","grpc"\]' "the client's metadata"
has '"flag_names":\["END_STREAM","END_HEADERS"\].*"headers":\[\["grpc-status","0"\],\["x-trailer","done"\]\]' \
  "trailers with grpc-status 0"
has '"headers":\[\[":status","200"\],\["content-type","application/grpc"\],\["grpc-status","5"\],\["grpc-message","no such thing"\]\]' \
  "trailers-only error response"
has '\["grpc-timeout","[0-9]*[mu]"\]' "the deadline's grpc-timeout"
has '"dir":"c2s".*"type":"RST_STREAM".*"error_name":"CANCEL"' "the client's RST_STREAM CANCEL"
has '"type":"PING".*"flag_names":\["ACK"\]' "PING acknowledged"
if grep -E '"event":"(truncated|decode-error|notice|skipped|gap|not-http2)"' "$work/read.json" >&2; then
  fail "undecoded bytes"
fi
grep -q '"error":' "$work/read.json" && fail "a frame with an error: $(grep -m1 '"error":' "$work/read.json")"

rc=0
"$H" read --lint -q "$work/grpc.pcap" >"$work/lint.out" 2>&1 || rc=$?
[ $rc = 0 ] && [ ! -s "$work/lint.out" ] || fail "lint (exit $rc): $(head -20 "$work/lint.out")"
# --grpc on these calls (messages of bytes, not protobuf: grpc_peer's generic
# handlers): the trailers-only error's status and percent-decoded message, the
# 200 messages of the server stream, the client stream's ten 20000-byte
# messages, which are no protobuf and say so.
"$H" read --grpc "$work/grpc.pcap" >"$work/grpc.txt" || fail "read --grpc: exit $?"
grep -F 'status=5 (NOT_FOUND) message="no such thing"' "$work/grpc.txt" >/dev/null ||
  fail "read --grpc: no NOT_FOUND status: $(grep ' grpc ' "$work/grpc.txt" | head)"
n=$(grep -cE ' grpc stream=[0-9]+ message=[0-9]+ length=100[789]( |$)' "$work/grpc.txt" || true)
[ "$n" -ge 200 ] || fail "read --grpc: $n server-stream messages, want at least 200"
n=$(grep -cF 'message=9 length=20000 note: not a protobuf message' "$work/grpc.txt" || true)
[ "$n" = 1 ] || fail "read --grpc: the client stream's tenth message: $n"
echo "ok: read --grpc: statuses, the server stream's messages, bytes that are no protobuf"

streams=$("$H" read -q --summary --json "$work/grpc.pcap" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o.get("summary") == "total": print(o["streams"])')
[ "$streams" -ge 8 ] || fail "$streams streams, want 8 calls"
echo "ok: gRPC C core client and server ($streams streams): equal to the reference decoding, gRPC facts decoded, lint clean"

# Replayed against the same server, both ways: every call that was not
# cancelled in the capture gets the same answer (status, body, trailers).
# The client's HPACK encoder indexes its fields, so --exact must re-encode
# the header blocks that follow a cancelled call's, which is not replayed.
for mode in "" --exact; do
  rc=0
  timeout 60 "$H" replay "$work/grpc.pcap" --to "127.0.0.1:$port" $mode >"$work/replay.out" || rc=$?
  [ $rc = 0 ] || fail "replay $mode: exit $rc: $(cat "$work/replay.out")"
  # The cancelled stream is never replayed; the call past its deadline only
  # when the client reset it before the server's DEADLINE_EXCEEDED came.
  last=$(tail -1 "$work/replay.out")
  [ "$last" = "replay: 1 connection, $streams streams: $((streams - 1)) match, 0 differ, 1 skipped" ] ||
    [ "$last" = "replay: 1 connection, $streams streams: $((streams - 2)) match, 0 differ, 2 skipped" ] ||
    fail "replay $mode: $(cat "$work/replay.out")"
done
grep -Eq "^  note: request HEADERS after stream (5|13) are re-encoded: its header block is not replayed" \
  "$work/replay.out" || fail "replay --exact: no re-encoding note: $(cat "$work/replay.out")"
echo "ok: the gRPC calls replayed against the gRPC server (both modes)"
