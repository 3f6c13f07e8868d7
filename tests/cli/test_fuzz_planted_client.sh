#!/usr/bin/env bash
# test_fuzz_planted_client.sh — `h2scope fuzz --client` finds the planted
# crash of tests/fuzz_peers/planted_client.py (an abort on an ALTSVC or
# ORIGIN frame on stream 0) that `h2scope check --client` does not reveal,
# as a crash finding whose saved case reproduces it:
#   1. check's client group runs against the client: no case says the
#      client crashed;
#   2. fuzz --client --seed 1 (at most 120 s) reports a reproduced crash of
#      the client, with a client case file and a pcap that read decodes;
#   3. check --client --cases on the saved case fails it, saying the client
#      crashed (SIGABRT), and passes it against the same client without
#      the bug (the case fails only because of the crash);
#   4. the protocol finding the same run reports (settings-ack-unexpected)
#      is saved with expect NO_LINT, and check --client --cases fails it on
#      the planted client and passes it on h2scope get.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
client=$here/../fuzz_peers/planted_client.py
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
"$PY" -c 'import hpack' 2>/dev/null || { echo "SKIP: python3-hpack is not installed"; exit 77; }

# 1. the fixed client cases do not reveal the bug
port=$(free_port)
rc=0
timeout 300 "$H" check --client --listen "$port" -- "$PY" "$client" --port "$port" \
  >"$work/check.txt" 2>&1 || rc=$?
[ $rc -le 1 ] || fail "check --client: exit $rc: $(tail -3 "$work/check.txt")"
grep -c ' against client via ' "$work/check.txt" >/dev/null || fail "no summary: $(tail -3 "$work/check.txt")"
if grep -c 'client crashed' "$work/check.txt" >/dev/null; then
  fail "check's client cases crash the client: $(grep -B3 'client crashed' "$work/check.txt")"
fi

# 2. the fuzzer finds it
port=$(free_port)
rc=0
timeout 400 "$H" fuzz --client --listen "$port" --seed 1 --time 120 --timeout 250ms \
  --stop-on crash --json --out "$work/out" -- "$PY" "$client" --port "$port" \
  >"$work/fuzz.json" 2>"$work/fuzz.err" || rc=$?
[ $rc = 1 ] || fail "fuzz exit $rc: $(tail -3 "$work/fuzz.err")"
grep '"type":"finding","kind":"crash"' "$work/fuzz.json" >"$work/finding" ||
  fail "no crash finding: $(tail -1 "$work/fuzz.json")"
grep -c '"why":"the client crashed: killed by SIGABRT"' "$work/finding" >/dev/null ||
  fail "not the client's SIGABRT: $(cat "$work/finding")"
grep -c '"reproduced":true' "$work/finding" >/dev/null || fail "not reproduced: $(cat "$work/finding")"
case=$work/out/crash-1.case pcap=$work/out/crash-1.pcap
[ -s "$case" ] || fail "no $case"
[ -s "$pcap" ] || fail "no $pcap"
grep -c '^group client$' "$case" >/dev/null || fail "the case is not a client case: $(cat "$case")"
grep -c '^send ' "$case" >/dev/null || fail "the case has no send line"
"$H" read "$pcap" >"$work/read.txt" 2>&1 || [ $? = 1 ] || fail "read $pcap: $(tail -2 "$work/read.txt")"
grep -c 'SETTINGS' "$work/read.txt" >/dev/null || fail "read does not decode the pcap: $(head -5 "$work/read.txt")"

# 3. the saved case reproduces it, and only because of the bug
port=$(free_port)
rc=0
timeout 60 "$H" check --client --listen "$port" --cases "$case" --timeout 3s \
  -- "$PY" "$client" --port "$port" >"$work/replay.txt" 2>&1 || rc=$?
[ $rc = 1 ] || fail "check --cases on the crash case: exit $rc: $(cat "$work/replay.txt")"
grep -c 'why: *the client crashed (killed by SIGABRT)' "$work/replay.txt" >/dev/null ||
  fail "the verdict does not say the client crashed: $(cat "$work/replay.txt")"
rc=0
timeout 60 "$H" check --client --listen "$port" --cases "$case" --timeout 3s \
  -- "$PY" "$client" --port "$port" --bug none >"$work/fixed.txt" 2>&1 || rc=$?
[ $rc = 0 ] || fail "the crash case fails a client without the bug: $(cat "$work/fixed.txt")"

# 4. a protocol finding reproduces too: the planted client acknowledges a
#    SETTINGS frame sent on a stream (check's seed client/9113/6.5/2), which
#    the observer reports as settings-ack-unexpected; its case expects
#    NO_LINT, fails on the planted client and passes on h2scope get
grep -c '"type":"finding","kind":"protocol","n":[0-9]*,"id":"settings-ack-unexpected"' \
  "$work/fuzz.json" >/dev/null || fail "no settings-ack-unexpected finding: $(grep finding "$work/fuzz.json")"
pcase=$(grep -l '^expect NO_LINT settings-ack-unexpected$' "$work"/out/protocol-*.case | head -1)
[ -n "$pcase" ] || fail "no protocol case expects NO_LINT settings-ack-unexpected"
rc=0
timeout 60 "$H" check --client --listen "$port" --cases "$pcase" --timeout 3s \
  -- "$PY" "$client" --port "$port" --bug none >"$work/lint.txt" 2>&1 || rc=$?
[ $rc = 1 ] || fail "check --cases on the protocol case: exit $rc: $(cat "$work/lint.txt")"
grep -c "why: *the peer's frames break settings-ack-unexpected" "$work/lint.txt" >/dev/null ||
  fail "the verdict does not name the finding: $(cat "$work/lint.txt")"
rc=0
timeout 60 "$H" check --client --listen "$port" --cases "$pcase" --timeout 3s \
  -- "$H" get "http://127.0.0.1:$port/" --timeout 3s >"$work/lint_get.txt" 2>&1 || rc=$?
[ $rc = 0 ] || fail "the protocol case fails h2scope get: $(cat "$work/lint_get.txt")"
echo "ok: client crash found: $(cat "$work/finding")"
