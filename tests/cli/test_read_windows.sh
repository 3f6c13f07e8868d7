#!/usr/bin/env bash
# test_read_windows.sh — flow-control windows and zero-window stalls of
# `h2scope read` on a fresh loopback recording of real peers: nghttp with
# small windows (-w 14: 16383-octet streams, -W 15: a 32767-octet connection)
# fetches files larger than them from nghttpd, so the server's DATA uses up
# the windows again and again and waits for nghttp's WINDOW_UPDATEs.
# check_windows.py recomputes every window from tshark's dissection with its
# own arithmetic and compares it after every frame, and the stall events
# with the DATA frames that used a window up. `--windows` shows the same in
# text. Needs root (capture), tcpdump, tshark, nghttpd and nghttp; skipped
# otherwise.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ] || ! command -v tcpdump >/dev/null || ! command -v nghttpd >/dev/null ||
  ! command -v nghttp >/dev/null || ! command -v tshark >/dev/null; then
  echo "skip: needs root, tcpdump, tshark, nghttpd and nghttp"
  exit 0
fi
# shellcheck source=session_peers.sh
. "$here/session_peers.sh"
work=$(mktemp -d)
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$work/www"
head -c 200000 /dev/urandom >"$work/www/big.bin"
head -c 50000 /dev/urandom >"$work/www/mid.bin"
chmod -R a+rX "$work"
port=$(free_port)
start_nghttpd "$work/www" "$port"
start_capture "$work/win.pcap" "$port"
nghttp -n -w 14 -W 15 "http://127.0.0.1:$port/big.bin" "http://127.0.0.1:$port/mid.bin"
nghttp -n -w 16 "http://127.0.0.1:$port/big.bin"
stop_capture

python3 "$here/check_windows.py" "$H" "$work/win.pcap" "$port" 2>&1 | grep -v "Running as user" ||
  fail "the windows differ from the independent computation"
[ "${PIPESTATUS[0]}" = 0 ] || fail "the windows differ from the independent computation"

# Text: a windows line under the frames that change them, the stalls as
# events, only with --windows.
"$H" read "$work/win.pcap" >"$work/plain.txt"
"$H" read --windows "$work/win.pcap" >"$work/win.txt"
grep -E '^    windows: sender conn=-?[0-9]+ stream=-?[0-9]+ \| peer conn=' "$work/win.txt" >/dev/null ||
  fail "no windows line in the --windows text"
grep -E ' stall-begin the server.s DATA on stream [0-9]+ waits' "$work/win.txt" >/dev/null ||
  fail "no stall-begin event in the --windows text"
grep -E ' stall-end .*began at offset [0-9]+, packet [0-9]+\)' "$work/win.txt" >/dev/null ||
  fail "no stall-end event naming its beginning in the --windows text"
if grep -E 'windows:|stall-' "$work/plain.txt" >/dev/null; then
  fail "windows shown without --windows"
fi
# The windows do not depend on --lint, and -j 2 gives the same output.
"$H" read --json "$work/win.pcap" >"$work/j1.json"
"$H" read --json -j 2 "$work/win.pcap" >"$work/j2.json"
cmp -s "$work/j1.json" "$work/j2.json" || fail "-j 2 differs from -j 1"
echo ok
