#!/usr/bin/env bash
# talk.sh — the conversation layer's cost: `read --exchanges --json` (every
# stream's record, bodies decoded for their sizes) and `read -q --export DIR`
# (every body decoded and written to a file) against `read --json` (frames)
# and against tshark (`tshark -Y http2 -T fields` with the stream, path,
# status and body length fields, its HTTP/2 dissector reassembling and
# decompressing the bodies) on the same capture in the same run, with
# hyperfine (medians; relative speed of each pair). The capture is recorded first if missing:
# h2load (accept-encoding: gzip) fetching text files from nginx with
# `gzip on` over h2c on loopback: bench/captures/talk-gzip.pcap.
# usage: bench/talk.sh [H2SCOPE_BINARY]   (default build/release/h2scope)
#   RUNS (default 5); TALK_REQUESTS (default 4000) sizes the capture.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
H=${1:-$root/build/release/h2scope}
runs=${RUNS:-5}
out=${BENCH_CAPTURES:-$root/bench/captures}
cap=$out/talk-gzip.pcap
port_file=$out/talk-gzip.port
work=$(mktemp -d)
chmod 755 "$work"
here=$root/tests/cli
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
if [ ! -f "$cap" ] || [ ! -f "$port_file" ]; then
  mkdir -p "$out" "$work/www"
  python3 - "$work/www" <<'PY'
import os, random, sys
r = random.Random(3)
words = ["stream", "frame", "window", "header", "body", "gzip", "peer", "data", "table", "size"]
for n, size in (("a.txt", 20000), ("b.json", 80000), ("c.html", 200000)):
    with open(os.path.join(sys.argv[1], n), "w") as f:
        while f.tell() < size:
            f.write(" ".join(r.choice(words) for _ in range(10)) + "\n")
PY
  chmod -R a+rX "$work/www"
  port=$(free_port)
  NGINX_EXTRA="gzip on; gzip_types text/plain application/json; gzip_min_length 1;" \
    start_nginx "$work/www" "$port" "$work"
  start_capture "$cap" "$port"
  n=${TALK_REQUESTS:-4000}
  for f in a.txt b.json c.html; do
    h2load -n "$n" -c 4 -m 8 -H 'accept-encoding: gzip' "http://127.0.0.1:$port/$f" >/dev/null
  done
  stop_capture
  cleanup_peers
  echo "$port" >"$port_file"
fi
port=$(cat "$port_file")
echo "capture: $cap, $(stat -c %s "$cap") bytes; $("$H" read "$cap" --exchanges --json -q |
  grep -c '"exchange"') exchanges"
tshark_cmd="tshark -r $cap -d tcp.port==$port,http2 -Y http2 -T fields -e tcp.stream -e http2.streamid -e http2.headers.path -e http2.headers.status -e http2.body.reassembled.length"
# bench BASELINE COMMAND: both timed by hyperfine in one run, COMMAND first
bench() { hyperfine --runs "$runs" --style basic "$2" "$1" 2>&1 | grep -Ev '^\s*$' | sed 's/^/    /'; }
echo "== --exchanges --json vs read --json (frames)"
bench "$H read -j 1 --json $cap" "$H read -j 1 --exchanges --json $cap"
echo "== -q --export DIR vs read --json (frames)"
bench "$H read -j 1 --json $cap" "rm -rf $work/x && exec $H read -j 1 -q --export $work/x $cap"
echo "== --exchanges --json vs tshark (fields, bodies reassembled and decompressed)"
bench "$tshark_cmd" "$H read -j 1 --exchanges --json $cap"
echo "== -q --export DIR vs tshark"
bench "$tshark_cmd" "rm -rf $work/x && exec $H read -j 1 -q --export $work/x $cap"
