#!/usr/bin/env bash
# test_read_live_memory.sh — a live `h2scope read -i lo` gives back what a
# closed connection held: 300 short HTTP/2 connections (15 batches of
# `h2load -n 200 -c 20 -m 1`) against nghttpd while the capture runs; the
# resident size (without the packet ring, a fixed mapping) after the last
# batch may exceed the size after the first by 2 MiB at most. Before, glibc's
# sliding mmap threshold moved each connection's large buffers into the heap
# and the process grew by about 20 KiB per connection. Under AddressSanitizer
# the allocator is ASan's: its quarantine is switched off, and the test then
# checks what the program itself keeps per connection. Needs root, nghttpd
# and h2load; skipped otherwise. Bounded: about 15 s.
set -euo pipefail
H=${H2SCOPE:?}
if [ "$(id -u)" != 0 ] || ! command -v nghttpd >/dev/null || ! command -v h2load >/dev/null; then
  echo "skip: needs root, nghttpd and h2load"
  exit 0
fi
. "$(dirname "$0")/session_peers.sh"
work=$(mktemp -d)
chmod 755 "$work"
rp=
trap '[ -n "$rp" ] && kill "$rp" 2>/dev/null; cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
if ldd "$H" 2>/dev/null | grep libasan >/dev/null; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
fi
mkdir "$work/www"
echo hello >"$work/www/a.txt"
port=$(free_port)
start_nghttpd "$work/www" "$port"

# resident KiB without the packet socket's ring mapping
rss() {
  awk '/^[0-9a-f]+-/ { ring = ($6 ~ /^socket:/) } /^Rss:/ { if (!ring) t += $2 } END { print t }' \
    "/proc/$1/smaps"
}
"$H" read -i lo "tcp port $port" -q --summary >"$work/out" 2>"$work/err" &
rp=$!
sleep 2 # the capture is open
first="" last=""
for _ in $(seq 15); do
  h2load -n 200 -c 20 -m 1 "http://127.0.0.1:$port/a.txt" >"$work/h2load" 2>&1 ||
    fail "h2load: $(cat "$work/h2load")"
  sleep 0.3 # the FINs are in
  kill -0 $rp 2>/dev/null || fail "read -i exited: $(cat "$work/err")"
  now=$(rss $rp)
  [ -z "$first" ] && first=$now
  last=$now
done
kill -TERM $rp
wait $rp || fail "exit status $? after SIGTERM"
rp=
conns=$(sed -n 's/^total: [0-9]* packets, \([0-9]*\) connections.*/\1/p' "$work/out")
[ "${conns:-0}" -ge 300 ] || fail "the capture saw ${conns:-no} connections: $(tail -5 "$work/out")"
echo "resident KiB (ring excluded): after batch 1: $first, after batch 15: $last ($conns connections)"
[ $((last - first)) -le 2048 ] || fail "grew by $((last - first)) KiB over 280 connections"
echo ok
