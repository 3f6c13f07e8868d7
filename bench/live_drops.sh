#!/usr/bin/env bash
# live_drops.sh — does a live `h2scope read -i lo` keep up? Runs h2load
# against nghttpd on loopback while `tcpdump -i lo -w /dev/null` and
# `h2scope read -i lo -q --summary` capture the same traffic at the same time
# (same load, same run), and prints the packets each one's kernel buffer
# dropped (tcpdump: "N packets dropped by kernel"; h2scope: the summary's
# "kernel drops" line, from pcap_stats). Both capture without a filter, like
# the commands of bench/README.md.
# usage: bench/live_drops.sh [H2SCOPE_BINARY] [REQUESTS] [CLIENTS] [STREAMS]
#   defaults: build/release/h2scope 100000 20 10 (h2load -n -c -m)
#   H2SCOPE_ARGS: extra arguments for h2scope read (e.g. "-B 2048 --immediate")
#   H2LOAD_ARGS: extra arguments for h2load (e.g. "--rps 100" for a gentle load)
set -euo pipefail
H=${1:-build/release/h2scope}
N=${2:-100000}
C=${3:-20}
M=${4:-10}
for t in h2load nghttpd tcpdump; do
  command -v $t >/dev/null || { echo "live_drops.sh needs $t" >&2; exit 2; }
done
work=$(mktemp -d)
chmod 755 "$work"
. "$(dirname "$0")/../tests/cli/session_peers.sh"
tp="" hp=""
trap '[ -n "$tp" ] && kill $tp 2>/dev/null; [ -n "$hp" ] && kill $hp 2>/dev/null; cleanup_peers; rm -rf "$work"' EXIT
mkdir "$work/www"
head -c 1000 /dev/urandom >"$work/www/index.html"
port=$(free_port)
start_nghttpd "$work/www" "$port"

tcpdump -i lo -w /dev/null 2>"$work/tcpdump.err" &
tp=$!
# shellcheck disable=SC2086 # H2SCOPE_ARGS is a list of words
"$H" read -i lo -q --summary ${H2SCOPE_ARGS:-} >"$work/h2scope.out" 2>"$work/h2scope.err" &
hp=$!
sleep 2 # both are capturing
# shellcheck disable=SC2086 # H2LOAD_ARGS is a list of words
h2load -n "$N" -c "$C" -m "$M" ${H2LOAD_ARGS:-} "http://127.0.0.1:$port/index.html" 2>&1 |
  grep -E '^finished in|^requests:' | sed 's/^/h2load: /'
sleep 1 # the last packets are in
kill -INT $tp
kill -TERM $hp # a background job ignores SIGINT
wait $tp || true
wait $hp || true
tp="" hp=""
td=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$work/tcpdump.err")
tc=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$work/tcpdump.err")
hd=$(sed -n 's/^kernel drops: \([0-9]*\).*/\1/p' "$work/h2scope.out")
if [ -z "$hd" ]; then # an h2scope without the summary line: its notice, or none
  hd=$(sed -n 's/.*the kernel dropped \([0-9]*\) packets.*/\1/p' "$work/h2scope.out" "$work/h2scope.err" | head -1)
  hd=${hd:-0}
fi
hc=$(sed -n 's/^total: \([0-9]*\) packets.*/\1/p' "$work/h2scope.out")
hg=$(sed -n 's/^total: .* \([0-9]*\) gaps.*/\1/p' "$work/h2scope.out")
printf 'tcpdump -i lo -w /dev/null:        %8s captured, %8s dropped by the kernel\n' "$tc" "${td:-?}"
printf 'h2scope read -i lo -q --summary:   %8s captured, %8s dropped by the kernel, %s gaps\n' \
  "$hc" "$hd" "$hg"
