#!/usr/bin/env bash
# test_read_live.sh — `h2scope read -i lo BPF` on a live loopback capture:
# frames appear while the capture runs (output not to a terminal is flushed
# on a 200 ms timer), SIGTERM (like Ctrl-C) ends it cleanly with the summary,
# and packets the kernel dropped are reported as they grow. Needs root (packet
# capture) and nghttpd/nghttp; skipped otherwise. SIGINT ends an idle capture
# within a second, with its summary.
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

# SIGINT (Ctrl-C) stops an idle capture within a second, with its summary:
# the handler only raises a flag, and the capture loop waits for packets in
# poll() (at most its 200 ms flush period), which the signal interrupts.
# env --default-signal: a background job of a script starts with SIGINT
# ignored, and h2scope keeps a signal its caller ignores.
env --default-signal=INT "$H" read -i lo "tcp port $port" --summary --no-color \
  >"$work/int.out" 2>"$work/int.err" &
rp=$!
pids+=($rp)
sleep 2 # the capture is open, and idle
kill -INT $rp
for _ in $(seq 20); do kill -0 $rp 2>/dev/null || break; sleep 0.05; done
if kill -0 $rp 2>/dev/null; then fail "still running 1 s after SIGINT"; fi
set +e
wait $rp
rc=$?
set -e
[ $rc = 0 ] || fail "exit status $rc after SIGINT: $(cat "$work/int.err")"
grep -qE '^total: [0-9]+ packets, [0-9]+ connections' "$work/int.out" ||
  fail "no summary after SIGINT: $(cat "$work/int.out")"
echo "ok: SIGINT ends an idle live capture within a second, with its summary"

# A capture that cannot keep up says so as the drops grow: the reader is
# stopped (SIGSTOP) with a 64 KiB buffer while 200 responses of 200 KB go by,
# so the kernel must drop; after SIGCONT the drops are on stderr, in a
# capture-drops event and in the summary (all valid against the schema).
if command -v h2load >/dev/null; then
  head -c 200000 /dev/urandom >"$work/big.bin"
  "$H" read -i lo "tcp port $port" -B 64 --json --summary >"$work/drops.out" 2>"$work/drops.err" &
  rp=$!
  pids+=("$rp")
  sleep 2
  kill -STOP $rp
  h2load -n 200 -c 4 -m 10 "http://127.0.0.1:$port/big.bin" >"$work/h2load.out" 2>&1 || true
  kill -CONT $rp
  sleep 2 # the drop counters are read about once a second
  kill -TERM $rp
  wait $rp || fail "exit status $? after SIGTERM (drops)"
  grep -qE '^h2scope read: the kernel dropped [1-9][0-9]* packets' "$work/drops.err" ||
    fail "no drop notice on stderr: $(cat "$work/drops.err")"
  grep -qE '"event":"capture-drops",.*"dropped":[1-9]' "$work/drops.out" ||
    fail "no capture-drops event: $(grep -v '"type"' "$work/drops.out" | head)"
  grep -qE '"summary":"capture",.*"kernel_dropped":[1-9]' "$work/drops.out" ||
    fail "no kernel_dropped in the summary"
  if [ -n "${H2_SOURCE_DIR:-}" ] && python3 -c 'import jsonschema' 2>/dev/null; then
    python3 "$H2_SOURCE_DIR/tests/cli/validate_json.py" "$H2_SOURCE_DIR/docs/schema/v1" \
      read.schema.json --min 2 <"$work/drops.out" || fail "drops output does not validate"
  fi
  echo "ok: kernel drops reported ($(head -1 "$work/drops.err"))"
else
  echo "SKIP: h2load missing (drops part)"
fi

# TLS, live, with the key log the client writes as it goes (SSLKEYLOGFILE): the
# secrets of each connection appear after its handshake packets were captured,
# and the records wait for them (the key log is followed in live captures).
if command -v curl >/dev/null && command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 2 -subj /CN=localhost 2>/dev/null
  tport=$((20000 + RANDOM % 20000))
  nghttpd -d "$work" "$tport" "$work/key.pem" "$work/cert.pem" >/dev/null 2>&1 &
  pids+=($!)
  : >"$work/keys.log" # the file exists (empty) when the capture starts
  "$H" read -i lo "tcp port $tport" --keylog "$work/keys.log" --summary --no-color \
    >"$work/tls.out" 2>"$work/tls.err" &
  rp=$!
  pids+=($rp)
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$tport") 2>/dev/null && break
    sleep 0.1
  done
  sleep 2 # the capture is open
  for v in 1.2 1.3; do
    SSLKEYLOGFILE=$work/keys.log curl -sk --http2 --tlsv$v --tls-max $v -H "x-live: tls$v" \
      "https://127.0.0.1:$tport/a.txt" >/dev/null || fail "curl TLS $v"
  done
  for _ in $(seq 50); do grep -q 'x-live: tls1.3' "$work/tls.out" && break; sleep 0.1; done
  kill -TERM $rp
  wait $rp || fail "exit status $? after SIGTERM (TLS)"
  for v in 1.2 1.3; do
    grep -q "x-live: tls$v" "$work/tls.out" || fail "TLS $v request not decrypted live: $(cat "$work/tls.out")"
  done
  [ "$(grep -c 'close .* alpn=h2 decrypted$' "$work/tls.out")" -ge 2 ] ||
    fail "TLS connections not decrypted: $(grep close "$work/tls.out")"
  if grep -q 'notice' "$work/tls.out"; then fail "notice: $(grep notice "$work/tls.out")"; fi
  echo "ok: TLS decrypted live with a key log written during the capture"
else
  echo "SKIP: curl or openssl missing (TLS part)"
fi
