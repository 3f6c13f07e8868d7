#!/usr/bin/env bash
# live_rss.sh — memory of a long live capture: `h2scope read -i lo -q` while
# h2load opens short connections against nghttpd on loopback without pause
# (batches of `h2load -n 400 -c 20 -m 2`), resident size sampled every
# INTERVAL seconds: total VmRSS and without the packet ring (a fixed mapping
# of the -B size). Prints one line per sample, then the capture's totals.
# usage: bench/live_rss.sh [SECONDS] [H2SCOPE_BINARY] [INTERVAL]
#   defaults: 300 build/release/h2scope 10 (one hour: bench/live_rss.sh 3600)
# H2LOAD_ARGS replaces the batch's h2load options (default "-n 400 -c 20 -m 2"),
# e.g. "-n 400 -c 20 -m 1 --rps 5" for steady, gentler traffic.
set -euo pipefail
duration=${1:-300}
H=${2:-build/release/h2scope}
interval=${3:-10}
for t in h2load nghttpd; do
  command -v $t >/dev/null || { echo "live_rss.sh needs $t" >&2; exit 2; }
done
work=$(mktemp -d)
chmod 755 "$work"
. "$(dirname "$0")/../tests/cli/session_peers.sh"
rp="" lp=""
trap '[ -n "$lp" ] && kill $lp 2>/dev/null; [ -n "$rp" ] && kill $rp 2>/dev/null; cleanup_peers; rm -rf "$work"' EXIT
mkdir "$work/www"
head -c 1000 /dev/urandom >"$work/www/index.html"
port=$(free_port)
start_nghttpd "$work/www" "$port"

ring_free_rss() {
  awk '/^[0-9a-f]+-/ { ring = ($6 ~ /^socket:/) } /^Rss:/ { if (!ring) t += $2 } END { print t }' \
    "/proc/$1/smaps"
}
"$H" read -i lo "tcp port $port" -q --summary >"$work/out" 2>"$work/err" &
rp=$!
sleep 2
end=$((SECONDS + duration))
(
  while [ $SECONDS -lt $end ]; do
    # shellcheck disable=SC2086 # H2LOAD_ARGS is a list of options
    h2load ${H2LOAD_ARGS:--n 400 -c 20 -m 2} "http://127.0.0.1:$port/index.html" >/dev/null 2>&1 || true
  done
) &
lp=$!
start=$SECONDS
echo "seconds  VmRSS_KiB  without_ring_KiB"
while [ $SECONDS -lt $end ]; do
  sleep "$interval"
  printf '%7d  %9s  %16s\n' $((SECONDS - start)) "$(awk '/VmRSS/ { print $2 }' "/proc/$rp/status")" \
    "$(ring_free_rss $rp)"
done
wait $lp || true
lp=
sleep 1
kill -TERM $rp
wait $rp || true
rp=
grep -E '^total:|^kernel drops:' "$work/out"
