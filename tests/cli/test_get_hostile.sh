#!/usr/bin/env bash
# test_get_hostile.sh — `h2scope get` against servers that abuse a client
# (hostile_server.js on loopback): a 65,000-byte header value printed by -i
# exactly and nothing else; a long body streamed to stdout with a small peak
# RSS (not kept in memory); --max-body stopping a body at the limit with
# RST_STREAM CANCEL and exit 1; an unwritable stdout stopping the fetch
# (exit 3); bodies kept in argument order when a later response finishes
# first; a silent server ended by --timeout (h2c: exit 1, TLS handshake:
# exit 3); a failed allocation reported (exit 3).
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v node >/dev/null || { echo "SKIP: node not installed"; exit 0; }
[ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time not installed"; exit 0; }
T() { timeout 120 "$@"; }

port=$(free_port)
silent=$(free_port)
node "$here/hostile_server.js" "$port" "$silent" &
peer_pids+=($!)
wait_port "$port"
wait_port "$silent"
base=http://127.0.0.1:$port

# 1. -i with a 65,000-byte header value: the exact response head, then the body.
T "$H" get -i "$base/bighdr" >"$work/big.out" || fail "get -i /bighdr exited $?"
python3 - "$work/big.out" <<'PY' || fail "get -i /bighdr printed something else"
import sys
got = open(sys.argv[1], "rb").read()
want = (b":status: 200\ndate: Thu, 01 Jan 2026 00:00:00 GMT\n"
        b"x-big: " + b"v" * 64999 + b"Z\n\nend\n")
if got != want:
    sys.exit(f"{len(got)} bytes, expected {len(want)}; first difference at "
             f"{next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))}")
PY
echo "ok: get -i prints a 65,000-byte header value exactly"

# 2. A 128 MiB body goes to stdout as it arrives: the peak RSS stays near
# that of a small response (a client keeping the body would pass 128 MiB).
T /usr/bin/time -f %M -o "$work/rss.small" "$H" get "$base/small" >/dev/null
big=$((128 << 20))
T /usr/bin/time -f %M -o "$work/rss.big" "$H" get "$base/body?bytes=$big" >"$work/body.out" ||
  fail "get of a 128 MiB body exited $?"
got=$(stat -c %s "$work/body.out")
[ "$got" = "$big" ] || fail "128 MiB body: $got bytes written"
[ "$(tr -d a <"$work/body.out" | wc -c)" = 0 ] || fail "128 MiB body: other bytes than 'a'"
rss_small=$(tail -1 "$work/rss.small")
rss_big=$(tail -1 "$work/rss.big")
echo "peak RSS: small response $rss_small KiB, 128 MiB body $rss_big KiB"
[ "$rss_big" -le $((rss_small + 32 * 1024)) ] ||
  fail "peak RSS $rss_big KiB for a streamed body ($rss_small KiB for a small one)"
echo "ok: a 128 MiB body is streamed (peak RSS $rss_big KiB)"

# 3. --max-body: the body stops at the limit, the stream is cancelled, exit 1.
set +e
T "$H" get -v --max-body 1M "$base/body?bytes=$big" >"$work/max.out" 2>"$work/max.err"
rc=$?
set -e
[ $rc = 1 ] || fail "--max-body exceeded: exit $rc, expected 1"
[ "$(stat -c %s "$work/max.out")" = 1048576 ] || fail "--max-body 1M wrote $(stat -c %s "$work/max.out") bytes"
grep -q 'exceeds --max-body' "$work/max.err" || fail "--max-body: no message"
grep -A1 'client -> server .*RST_STREAM stream=1 ' "$work/max.err" | grep 'CANCEL (0x8)' >/dev/null ||
  fail "--max-body: no RST_STREAM CANCEL sent"
T "$H" get --max-body 2k "$base/small" >"$work/small.out" || fail "a body under --max-body failed"
[ "$(cat "$work/small.out")" = hello ] || fail "a body under --max-body differs"
# An output that cannot be written stops the fetch (exit 3), not only the writing.
set +e
T "$H" get "$base/body?bytes=$big" >/dev/full 2>"$work/err"
rc=$?
set -e
[ $rc = 3 ] || fail "get >/dev/full: exit $rc, expected 3"
grep -q 'cannot write the output' "$work/err" || fail "get >/dev/full: $(cat "$work/err")"
for bad in 1x -1 k 99999999999G; do
  set +e
  "$H" get --max-body "$bad" "$base/small" >/dev/null 2>"$work/err"
  rc=$?
  set -e
  [ $rc = 2 ] || fail "--max-body $bad: exit $rc, expected 2"
done
echo "ok: --max-body stops a body with RST_STREAM CANCEL"

# 4. Argument order holds when a later response ends first (its body waits,
# past 64 KiB in a temporary file under $TMPDIR, while the first one streams).
T "$H" get "$base/body?bytes=$((8 << 20))&c=x" "$base/body?bytes=$((1 << 20))&c=y" "$base/small" \
  >"$work/order.out" || fail "three bodies: exit $?"
python3 - "$work/order.out" <<'PY' || fail "three bodies: not in argument order"
import sys
got = open(sys.argv[1], "rb").read()
sys.exit(got != b"x" * (8 << 20) + b"y" * (1 << 20) + b"hello\n")
PY
# The held-back body went to a file under $TMPDIR: without one, get says so.
set +e
TMPDIR=$work/none T "$H" get "$base/body?bytes=$((8 << 20))&c=x" "$base/body?bytes=$((1 << 20))&c=y" \
  >/dev/null 2>"$work/err"
rc=$?
set -e
[ $rc = 3 ] || fail "held-back body without a \$TMPDIR: exit $rc, expected 3"
grep -q 'temporary file' "$work/err" || fail "held-back body without a \$TMPDIR: $(cat "$work/err")"
echo "ok: bodies in argument order"

# 5. A silent server: --timeout ends the wait (h2c: the connection failed, 1;
# a TLS handshake that never completes: cannot connect, 3).
for scheme in http:1 https:3; do
  start=$(date +%s)
  set +e
  timeout 60 "$H" get -k --timeout 1 "${scheme%:*}://127.0.0.1:$silent/" >/dev/null 2>"$work/err"
  rc=$?
  set -e
  took=$(($(date +%s) - start))
  [ $rc = "${scheme#*:}" ] || fail "${scheme%:*} silent server: exit $rc, expected ${scheme#*:}"
  grep -q 'timed out' "$work/err" || fail "${scheme%:*} silent server: $(cat "$work/err")"
  [ "$took" -le 10 ] || fail "${scheme%:*} silent server: --timeout 1 took $took s"
done
for bad in x -1 4294967296; do
  set +e
  "$H" get --timeout "$bad" "$base/small" >/dev/null 2>&1
  rc=$?
  set -e
  [ $rc = 2 ] || fail "--timeout $bad: exit $rc, expected 2"
done
echo "ok: --timeout ends a silent server's connection"

# 6. An allocation that fails is said, not followed: a 100 MB --data @FILE
# (sparse) where the sanitizer's allocator refuses blocks over 64 MiB
# (a build without ASan ignores ASAN_OPTIONS and reads the file whole).
truncate -s 100M "$work/sparse"
set +e
ASAN_OPTIONS=${ASAN_OPTIONS:-}:allocator_may_return_null=1:max_allocation_size_mb=64 \
  T "$H" get --data @"$work/sparse" "$base/small" >/dev/null 2>"$work/err"
rc=$?
set -e
if grep -q 'cannot read' "$work/err"; then
  [ $rc = 3 ] || fail "--data @FILE that cannot be held: exit $rc, expected 3"
  echo "ok: a failed allocation is reported"
else
  [ $rc = 0 ] || fail "--data @FILE (100 MB): exit $rc: $(head -3 "$work/err")"
  echo "ok: a 100 MB request body is sent (allocation limits not testable in this build)"
fi
