#!/usr/bin/env bash
# test_serve_hostile.sh — `h2scope serve` against hostile peers (every attack
# of docs/serve-security.md that needs a live server): option validation;
# slowloris (idle connections up to --max-conns, and beyond the per-address
# limit) while a normal request is still served within a second; idle,
# preface and TLS handshake timeouts; EMFILE (a small `ulimit -n`:
# --max-conns lowered; and the limit lowered under a running server with
# prlimit: low CPU, still serving); --dir: index.html, dotfiles, symbolic
# links, a FIFO, long paths, a file truncated during a transfer, a missing
# --dir; an invalid preface answered with GOAWAY PROTOCOL_ERROR (and Upgrade
# still working); MadeYouReset; `check`'s robustness group with a canary
# request answered throughout; and memory returning after 600 clients that
# filled their buffers closed (strict bound with a non-ASan binary:
# H2SCOPE=build/release/h2scope bash tests/cli/test_serve_hostile.sh).
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
hostile() { timeout 60 python3 "$here/serve_hostile.py" "$@"; }

# fetch PORT PATH [SRC]: "CODE SECONDS" of one h2c GET (prior knowledge)
fetch() {
  curl -s -m 5 --http2-prior-knowledge ${3:+--interface "$3"} -o "$work/body" \
    -w '%{http_code} %{time_total}' "http://127.0.0.1:$1$2" || true
}
# served_fast PORT PATH [SRC]: a 200 within a second (generous on a loaded machine)
served_fast() {
  local r
  r=$(fetch "$@")
  [ "${r%% *}" = 200 ] || fail "GET $2 on port $1: '$r'"
  awk -v t="${r#* }" 'BEGIN { exit !(t < 1.0) }' || fail "GET $2 took ${r#* } s"
}
# wait_line FILE TEXT: until FILE has a line starting with TEXT (at most 20 s)
wait_line() {
  local i
  for i in $(seq 200); do grep -q "^$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "no '$2' in $1: $(cat "$1")"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# ---- options: validated, not truncated or crashing ----
for bad in "--max-conns 4000000000000000000" "--max-conns 0" "--max-conns -1" \
  "--max-conns-per-addr 0" "--idle-timeout 0" "--preface-timeout x" "--handshake-timeout 99999"; do
  rc=0
  # shellcheck disable=SC2086
  "$H" serve --port 0 $bad >/dev/null 2>"$work/err" || rc=$?
  [ $rc = 2 ] || fail "serve $bad: exit $rc, expected 2"
  grep -q -- "${bad%% *}" "$work/err" || fail "serve $bad: the message does not name the option"
done
rc=0; "$H" serve --port 0 --dir "$work/none" 2>"$work/err" || rc=$?
[ $rc = 3 ] || fail "missing --dir: exit $rc"
grep -q "none" "$work/err" || fail "missing --dir: $(cat "$work/err")"
: >"$work/file"
rc=0; "$H" serve --port 0 --dir "$work/file" 2>"$work/err" || rc=$?
[ $rc = 3 ] || fail "--dir on a file: exit $rc"
grep -qi "not a directory" "$work/err" || fail "--dir on a file: $(cat "$work/err")"

# ---- slowloris: silent connections fill the server; a client is still served ----
port=$(free_port)
start_serve "$port" --max-conns 20 --max-conns-per-addr 20 --preface-timeout 2 --idle-timeout 3
hostile idle "$port" 40 4.5 >"$work/idle" &
holder=$!
wait_line "$work/idle" open
served_fast "$port" /
served_fast "$port" /
wait "$holder"
grep -q "^closed 40 of 40" "$work/idle" || fail "silent connections left open: $(cat "$work/idle")"
# a preface trickled byte by byte keeps the idle timer fresh but not the
# preface deadline (2 s)
r=$(hostile trickle "$port" 8)
case $r in "closed after "[234].*) ;; *) fail "trickled preface: $r" ;; esac
# idle timeout after the preface: GOAWAY(NO_ERROR), then close
[ "$(hostile h2idle "$port" 6)" = "goaway 0" ] || fail "no GOAWAY NO_ERROR after --idle-timeout"
cleanup_peers

# TLS: a handshake that never starts is closed after --handshake-timeout
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 2 -subj /CN=localhost >/dev/null 2>&1
port=$(free_port)
start_serve "$port" --tls "$work/cert.pem" "$work/key.pem" --handshake-timeout 1 --idle-timeout 60
hostile idle "$port" 3 2.5 >"$work/idle"
grep -q "^closed 3 of 3" "$work/idle" || fail "TLS handshake timeout: $(cat "$work/idle")"
r=$(curl -sk -m 5 --http2 -o /dev/null -w '%{http_code} %{http_version}' "https://127.0.0.1:$port/" || true)
[ "$r" = "200 2" ] || fail "TLS request: '$r'"
cleanup_peers

# per-address limit: one address's extra connections evict its own idlest;
# another address is served
port=$(free_port)
start_serve "$port" --max-conns 50 --max-conns-per-addr 5 --preface-timeout 30
hostile idle "$port" 12 1.5 >"$work/idle" &
holder=$!
wait_line "$work/idle" open
served_fast "$port" / 127.0.0.2
wait "$holder"
grep -q "^closed 7 of 12" "$work/idle" || fail "per-address limit: $(cat "$work/idle")"
cleanup_peers

# ---- EMFILE: a soft and hard limit of 120 descriptors ----
port=$(free_port)
(
  ulimit -n 120
  exec "$H" serve --port "$port"
) 2>"$work/emfile.err" &
peer_pids+=($!)
spid=$!
wait_port "$port"
grep -q -- "--max-conns 1024 lowered to 40" "$work/emfile.err" ||
  fail "no --max-conns warning: $(cat "$work/emfile.err")"
hostile idle "$port" 150 4 >"$work/idle" &
holder=$!
wait_line "$work/idle" open
c0=$(cpu_ticks "$spid")
served_fast "$port" /
sleep 2
c1=$(cpu_ticks "$spid")
# a server spinning on a readable listener burns ~100 ticks per second
[ $((c1 - c0)) -lt 50 ] || fail "serve used $((c1 - c0)) ticks of CPU in 2 s with 150 clients"
wait "$holder"
cleanup_peers

# accept itself failing with EMFILE: the limit lowered under a running
# server (prlimit), then more clients; the old connections make room
if command -v prlimit >/dev/null; then
  port=$(free_port)
  start_serve "$port" --max-conns 200
  spid=${peer_pids[-1]}
  hostile idle "$port" 30 6 >"$work/idle1" &
  holder=$!
  wait_line "$work/idle1" open
  prlimit --pid "$spid" --nofile=45:45
  hostile idle "$port" 30 4 >"$work/idle2" &
  holder2=$!
  wait_line "$work/idle2" open
  c0=$(cpu_ticks "$spid")
  served_fast "$port" /
  sleep 2
  c1=$(cpu_ticks "$spid")
  [ $((c1 - c0)) -lt 50 ] || fail "serve used $((c1 - c0)) ticks of CPU in 2 s at EMFILE"
  wait "$holder" "$holder2"
  grep -q "^closed 0 of" "$work/idle1" && fail "no connection evicted at EMFILE"
  # a limit below the connections open: poll refuses them all (EINVAL)
  hostile idle "$port" 30 3 >"$work/idle1" &
  holder=$!
  wait_line "$work/idle1" open
  prlimit --pid "$spid" --nofile=20:20
  sleep 0.3
  served_fast "$port" /
  wait "$holder"
  cleanup_peers
fi

# ---- --dir ----
www=$work/www
mkdir -p "$www/sub"
echo '<p>home</p>' >"$www/index.html"
echo hello >"$www/a.txt"
echo SECRET=1 >"$www/.env"
ln -s /etc/passwd "$www/link"
ln -s "$www" "$www/sub/loop"
mkfifo "$www/fifo"
head -c 8000000 /dev/zero >"$www/big.bin"
port=$(free_port)
start_serve "$port" --dir "$www"
served_fast "$port" /
grep -q home "$work/body" || fail "/ does not serve index.html"
served_fast "$port" /a.txt
grep -q hello "$work/body" || fail "/a.txt"
for p in /.env /link /sub/loop/a.txt /fifo /missing; do
  r=$(fetch "$port" "$p")
  [ "${r%% *}" = 404 ] || fail "GET $p: $r, expected 404"
done
served_fast "$port" /a.txt # the FIFO did not block the server
long=/$(printf 'a%.0s' $(seq 5000))
r=$(fetch "$port" "$long")
[ "${r%% *}" = 414 ] || fail "a 5000-byte path: $r"
# truncated during the transfer: the stream is reset, the server lives on
r=$(hostile truncate "$port" /big.bin "$www/big.bin")
[ "$r" = "rst 2" ] || fail "truncation during a transfer: '$r', expected RST_STREAM INTERNAL_ERROR"
served_fast "$port" /a.txt
cleanup_peers

# ---- an invalid preface gets GOAWAY PROTOCOL_ERROR (RFC 9113 §3.4) ----
port=$(free_port)
start_serve "$port" --body "upgraded fine"
for garbage in 'PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n' 'INVALID CONNECTION PREFACE\r\n\r\n' \
  'GET / HTTP/2.0\r\n\r\n'; do
  hex=$(printf "$garbage" | od -An -v -tx1 | tr -d ' \n')
  hostile raw "$port" "$hex" | python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))' \
    >"$work/reply.bin"
  "$H" frames <"$work/reply.bin" >"$work/reply.txt" || true
  grep -A1 GOAWAY "$work/reply.txt" | grep "error_code: PROTOCOL_ERROR" >/dev/null ||
    fail "invalid preface '$garbage': $(head -c 300 "$work/reply.txt")"
done
# HTTP/1.1 Upgrade still works; plain HTTP/1.1 gets 505
[ "$(curl -s -m 5 --http2 "http://127.0.0.1:$port/")" = "upgraded fine" ] || fail "Upgrade: h2c"
r=$(curl -s -m 5 --http1.1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true)
[ "$r" = 505 ] || fail "HTTP/1.1 without Upgrade: $r"

# ---- MadeYouReset: 10k provoked resets per second over 4 connections, 5 s ----
hostile madeyoureset "$port" 4 5 10000 >"$work/myr"
[ "$(grep -c '^goaway 11 made-you-reset$' "$work/myr")" = 4 ] ||
  fail "MadeYouReset: $(tr '\n' ';' <"$work/myr")"
served_fast "$port" /
cleanup_peers

# ---- check's robustness group, with a canary request answered throughout ----
port=$(free_port)
start_serve "$port"
(
  for _ in $(seq 100); do
    [ -e "$work/stop" ] && break
    fetch "$port" / >>"$work/canary"
    echo >>"$work/canary"
    sleep 0.1
  done
) &
canary=$!
timeout 120 "$H" check "127.0.0.1:$port" robust >"$work/robust.txt" ||
  fail "check robust: $(grep -A3 FAIL "$work/robust.txt")"
grep -Eq '^[0-9]+ passed, 0 failed' "$work/robust.txt" || fail "check robust: $(tail -1 "$work/robust.txt")"
touch "$work/stop"
wait "$canary"
[ "$(grep -c . "$work/canary")" -ge 3 ] || fail "too few canary requests: $(cat "$work/canary")"
awk '$1 != 200 || $2 >= 2.0 { bad++ } END { exit bad > 0 }' "$work/canary" ||
  fail "the canary was not answered throughout: $(tr '\n' ';' <"$work/canary")"
cleanup_peers

# ---- memory returns after clients that filled their buffers closed ----
limit=16384
asan=0
if ldd "$H" | grep libasan >/dev/null; then
  # ASan's allocator keeps caches of its own that make its RSS vary by tens
  # of MB from run to run, so under ASan only a gross leak is caught (a
  # release build of the old design kept 99 MB here; this one keeps < 1 MB).
  limit=65536
  asan=1
fi
port=$(free_port)
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=0:allocator_release_to_os_interval_ms=50 \
  start_serve "$port" --dir "$www"
spid=${peer_pids[-1]}
head -c 4000000 /dev/urandom >"$www/big.bin"
hostile fill "$port" 20 20 /big.bin
fetch "$port" /a.txt >/dev/null
r0=$(rss_kb "$spid")
hostile fill "$port" 300 100 /big.bin
for _ in $(seq 20); do # memory is given back at most once a second
  sleep 0.5
  fetch "$port" /a.txt >/dev/null
  r1=$(rss_kb "$spid")
  { [ $asan = 1 ] || [ $((r1 - r0)) -lt 8192 ]; } && break
done
hostile fill "$port" 300 100 /big.bin
# memory is given back within a second of the last close; on a loaded
# machine closing 300 clients takes a while, so the figure is read until it
# settles (10 s at most): a leak never comes down, late trimming does.
for _ in $(seq 20); do
  sleep 0.5
  fetch "$port" /a.txt >/dev/null
  r2=$(rss_kb "$spid")
  [ $((r2 - r0)) -lt "$limit" ] && { [ $asan = 1 ] || [ $((r2 - r1)) -lt 8192 ]; } && break
done
echo "RSS of serve: ${r0} kB after 20 clients, ${r1} kB after 320, ${r2} kB after 620"
# 600 clients that each had ~1 MiB queued: what stays must not grow with them.
[ $asan = 1 ] || [ $((r2 - r1)) -lt 8192 ] || fail "RSS grew by $((r2 - r1)) kB over 300 more clients"
[ $((r2 - r0)) -lt "$limit" ] || fail "RSS ${r0} -> ${r2} kB after 600 clients closed"
echo "PASS"
