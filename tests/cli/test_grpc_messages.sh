#!/usr/bin/env bash
# test_grpc_messages.sh — `read --grpc` and `--proto-descriptors` on gRPC
# calls between gRPC's C core peers (python3-grpcio, grpc_peer.py
# serve-proto / client-proto) with protobuf messages of tests/grpc/probe.proto
# (probe_pb2.py and the descriptor set made here with protoc), recorded on
# loopback: unary, server, client and bidirectional streaming, a gzip call,
# a NOT_FOUND error. grpc_check.py asserts every message decoded equals what
# the peers sent (protoc --decode_raw / --decode of the same bytes, the
# values python3-protobuf reads), the statuses, and agreement with tshark's
# grpc dissector. Then the limits: a message past --grpc-max-message skips
# the rest of its stream with a note; -j 2 gives the same output as -j 1.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
src=${H2_SOURCE_DIR:-$here/../..}
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() {
  local keep=${TMPDIR:-/tmp}/h2scope-grpc-messages-failure
  mkdir -p "$keep" && cp "$work"/*.pcap "$work"/calls.json "$keep/" 2>/dev/null || true
  echo "FAIL: $* (capture kept in $keep)" >&2
  exit 1
}
# Debian's interpreter: python3-grpcio and python3-protobuf are installed for it.
py=/usr/bin/python3
for t in tcpdump tshark protoc; do
  command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 0; }
done
"$py" -c 'import grpc, google.protobuf' 2>/dev/null || {
  echo "SKIP: python3-grpcio or python3-protobuf not installed"
  exit 0
}

protoc --python_out="$work" -I "$src/tests/grpc" "$src/tests/grpc/probe.proto"
protoc --include_imports --descriptor_set_out="$work/probe.pb" -I "$src/tests/grpc" \
  "$src/tests/grpc/probe.proto"

port=$(free_port)
"$py" "$here/grpc_peer.py" serve-proto "$port" "$work" 2>"$work/server.err" &
peer_pids+=($!)
wait_port "$port"
start_capture "$work/grpc.pcap" "$port"
timeout 60 "$py" "$here/grpc_peer.py" client-proto "$port" "$work" "$work/calls.json" \
  >"$work/client.out" 2>&1 || fail "gRPC client: $(tail -5 "$work/client.out")"
grep -x "client ok" "$work/client.out" >/dev/null || fail "gRPC client: $(cat "$work/client.out")"
stop_capture

H2_SOURCE_DIR=$src "$py" "$here/grpc_check.py" "$H" "$work/grpc.pcap" "$work/calls.json" "$work" \
  "$work/probe.pb" "$port" | grep -v "Running as user" >"$work/check.out" ||
  fail "$(cat "$work/check.out")"
cat "$work/check.out"

# -j 2: the same output as -j 1
"$H" read -j 1 --grpc --json --proto-descriptors "$work/probe.pb" "$work/grpc.pcap" >"$work/j1"
"$H" read -j 2 --grpc --json --proto-descriptors "$work/probe.pb" "$work/grpc.pcap" >"$work/j2"
cmp -s "$work/j1" "$work/j2" || fail "-j 2 output differs from -j 1"

# The JSON Schema (docs/schema/v1/read.schema.json) takes every gRPC line,
# raw and typed, and refuses a key it does not describe.
if "$py" -c 'import jsonschema' 2>/dev/null; then
  for opt in --grpc "--proto-descriptors $work/probe.pb"; do
    # shellcheck disable=SC2086
    "$H" read --json $opt "$work/grpc.pcap" |
      "$py" "$here/validate_json.py" "$src/docs/schema/v1" read.schema.json --min 30 ||
      fail "read --json $opt does not follow the schema"
  done
  echo '{"v":1,"conn":1,"ts":1,"src":"127.0.0.1:1","dst":"127.0.0.1:2","dir":"c2s","grpc":{"stream":1,"kind":"note","surprise":1}}' |
    "$py" "$here/validate_json.py" "$src/docs/schema/v1" read.schema.json --expect-invalid ||
    fail "the schema takes an undescribed gRPC key"
  echo "ok: the gRPC lines follow the JSON Schema"
fi

# The size limit: the 132-byte request is past 100 bytes; its stream's
# request direction is skipped with a note, the other calls still decode.
"$H" read --grpc --grpc-max-message 100 "$work/grpc.pcap" >"$work/limit.out"
grep -F "grpc stream=1 message 0 of 132 bytes exceeds the limit of 100: rest of the stream skipped" \
  "$work/limit.out" >/dev/null || fail "no size-limit note: $(grep ' grpc ' "$work/limit.out")"
grep -F "grpc stream=3 message=0 length=2" "$work/limit.out" >/dev/null ||
  fail "the calls after the limit were not decoded"
echo "ok: the message size limit is reported and skips only the rest of that stream"

# Options: a file that is no descriptor set, a missing one.
rc=0
"$H" read --proto-descriptors "$work/calls.json" "$work/grpc.pcap" >/dev/null 2>"$work/err" || rc=$?
[ $rc = 3 ] && grep -F "not a FileDescriptorSet" "$work/err" >/dev/null ||
  fail "--proto-descriptors on a JSON file: exit $rc: $(cat "$work/err")"
rc=0
"$H" read --proto-descriptors "$work/nothing.pb" "$work/grpc.pcap" >/dev/null 2>"$work/err" || rc=$?
[ $rc = 3 ] || fail "--proto-descriptors on a missing file: exit $rc"
echo "ok: bad descriptor files are refused"
