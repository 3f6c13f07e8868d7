#!/usr/bin/env bash
# test_grpc_edges.sh — `read --grpc` on a synthetic capture of gRPC edge
# cases (grpc_edges.py says which): a message split over DATA frames and
# two in one frame, a gzip message, percent-decoding of grpc-message (an
# invalid escape kept as it is), a Message-Length past the limit, a corrupt
# compressed message, a Trailers-Only response, a message cut short by the
# end of the capture; the JSON lines follow the schema.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
src=${H2_SOURCE_DIR:-$here/../..}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
py=/usr/bin/python3
"$py" -c 'import hpack' 2>/dev/null || { echo "SKIP: python3-hpack not installed"; exit 0; }
"$py" "$here/grpc_edges.py" "$work/edges.pcap"
"$H" read --grpc "$work/edges.pcap" >"$work/out" || fail "read --grpc: exit $?"
grep ' grpc ' "$work/out" | sed -E 's/^#1 [0-9.]+ (#[0-9:-]+ )?[0-9.:]+ -> [0-9.:]+ //' >"$work/lines"
cat >"$work/want" <<'W'
grpc stream=1 message=0 length=9
grpc stream=1 message=1 length=10
grpc stream=1 message=2 length=9
grpc stream=1 message=0 length=30 compressed=gzip decoded=10
grpc stream=1 status=3 (INVALID_ARGUMENT) message="bad input%zz€"
grpc stream=3 message 0 of 2147483647 bytes exceeds the limit of 4194304: rest of the stream skipped
grpc stream=3 50 bytes skipped after the limit
grpc stream=3 status=8 (RESOURCE_EXHAUSTED)
grpc stream=5 message=0 length=32 compressed=gzip note: corrupt compressed message (grpc-encoding gzip)
grpc stream=7 message=0 length=9
grpc stream=7 status=12 (UNIMPLEMENTED) message="not here"
grpc stream=9 stream ends inside message 0: 10 of 100 bytes
W
diff -u "$work/want" "$work/lines" || fail "read --grpc lines differ"
for f in '2: "first"' '2: "second"' '2: "third"' '2: "zipped"' '2: "seven"'; do
  grep -F "    $f" "$work/out" >/dev/null || fail "no field $f"
done
echo "ok: split and packed messages, gzip, statuses, limits, corrupt and cut-short messages"

"$H" read --grpc --json "$work/edges.pcap" >"$work/json"
grep -F '"grpc":{"stream":1,"kind":"status","status":3,"status_name":"INVALID_ARGUMENT","message":"bad input%zz€"}' \
  "$work/json" >/dev/null || fail "JSON status: $(grep '"status"' "$work/json" | head -2)"
grep -F '"grpc":{"stream":9,"kind":"note","offset":0,"note":"stream ends inside message 0: 10 of 100 bytes"}' \
  "$work/json" >/dev/null || fail "JSON note of the cut-short message"
if "$py" -c 'import jsonschema' 2>/dev/null; then
  "$py" "$here/validate_json.py" "$src/docs/schema/v1" read.schema.json --min 20 <"$work/json" ||
    fail "the JSON does not follow the schema"
fi
# --stream: only that stream's gRPC lines (and frames)
n=$("$H" read --grpc --stream 7 "$work/edges.pcap" | grep -c ' grpc ' || true)
[ "$n" = 2 ] || fail "--stream 7: $n gRPC lines, want 2"
echo "ok: JSON, schema, --stream"
# --grpc-max-buffered: stream 9's 100-byte message does not fit in 50
"$H" read --grpc --grpc-max-buffered 50 "$work/edges.pcap" >"$work/budget"
grep -F "grpc stream=9 message 0 of 100 bytes would pass the 50 bytes held for unfinished messages of all streams: rest of the stream skipped" \
  "$work/budget" >/dev/null || fail "--grpc-max-buffered: $(grep 'stream=9' "$work/budget")"
echo "ok: --grpc-max-buffered"
