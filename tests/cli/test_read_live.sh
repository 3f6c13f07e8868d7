#!/usr/bin/env bash
# test_read_live.sh — `h2scope read -i lo BPF` on a live loopback capture:
# frames appear while the capture runs (output is flushed per segment), and
# SIGTERM (like Ctrl-C) ends it cleanly with the summary. Needs root (packet
# capture) and nghttpd/nghttp; skipped otherwise.
set -euo pipefail
H=${H2SCOPE:?}
if [ "$(id -u)" != 0 ] || ! command -v nghttpd >/dev/null || ! command -v nghttp >/dev/null; then
  echo "skip: needs root, nghttpd and nghttp"
  exit 0
fi
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$work/out" >&2 || true; exit 1; }
echo hello >"$work/a.txt"
port=$((20000 + RANDOM % 20000))
nghttpd --no-tls -d "$work" "$port" >/dev/null 2>&1 &
pids+=($!)
"$H" read -i lo "tcp port $port" --summary --no-color >"$work/out" 2>"$work/err" &
rp=$!
pids+=($rp)
for _ in $(seq 50); do nghttp -n "http://127.0.0.1:$port/a.txt" >/dev/null 2>&1 && break; sleep 0.1; done
sleep 2
nghttp -n "http://127.0.0.1:$port/a.txt?second" >/dev/null
for _ in $(seq 50); do grep -q 'second' "$work/out" && break; sleep 0.1; done
grep -q ':path: /a.txt?second' "$work/out" || fail "frames not printed while the capture runs"
kill -TERM $rp
set +e
wait $rp
rc=$?
set -e
[ $rc = 0 ] || fail "exit status $rc after SIGTERM"
grep -qE '^total: [0-9]+ packets, [0-9]+ connections \([0-9]+ HTTP/2\)' "$work/out" || fail "no summary"
echo ok
