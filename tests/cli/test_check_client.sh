#!/usr/bin/env bash
# test_check_client.sh — `h2scope check --client`: h2scope plays a
# misbehaving server, curl and nghttp (prior knowledge h2c) are the clients
# run per case (-- COMMAND) or started by hand (no COMMAND: h2scope waits).
# Both are strict (libnghttp2): every case passes, except that nghttp leaves
# server push enabled, so the PUSH_PROMISE case is skipped for it. The
# project's own `h2scope get` passes every case.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
# the extension cases (RFC 9218/8336) have their own test with their
# verdicts: test_check_cases.sh
ext=(--exclude 8441,9218,8336)
n=$("$H" check --list --client "${ext[@]}" | wc -l)
[ "$n" -ge 20 ] || fail "only $n client cases"

if have curl && curl --version | grep HTTP2 >/dev/null; then
  p=$(free_port)
  timeout 300 "$H" check --client --listen "$p" "${ext[@]}" --json -- \
    curl -s -o /dev/null --max-time 10 --http2-prior-knowledge "http://127.0.0.1:$p/" >"$work/curl.jsonl" \
    || fail "curl run: $(grep -v '"pass"' "$work/curl.jsonl" | head -3)"
  python3 - "$work/curl.jsonl" "$n" <<'PY' || fail "curl verdicts"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
cases = {c["id"]: c for c in lines if "id" in c}
assert len(cases) == int(sys.argv[2]), len(cases)
assert all(c["verdict"] == "pass" for c in cases.values()), [c for c in cases.values() if c["verdict"] != "pass"]
assert cases["client/9113/6.5.2/1"]["actual"].startswith("GOAWAY(last=0, PROTOCOL_ERROR)")
assert cases["client/9113/8.2.1/1"]["actual"].startswith("RST_STREAM(1, PROTOCOL_ERROR)")
assert cases["client/9113/8.4/1"]["verdict"] == "pass"
PY
else
  echo "SKIP: curl without HTTP/2"
fi

if have nghttp; then
  p=$(free_port)
  timeout 300 "$H" check --client --listen "$p" "${ext[@]}" --color=never -- nghttp -t 10 "http://127.0.0.1:$p/" \
    >"$work/nghttp.txt" || fail "nghttp run: $(grep -A3 FAIL "$work/nghttp.txt")"
  grep -q "^$((n - 1)) passed, 0 failed, 1 skipped (0 lenient)" "$work/nghttp.txt" \
    || fail "nghttp summary: $(tail -1 "$work/nghttp.txt")"
  grep -A1 "SKIP     client/9113/8.4/1" "$work/nghttp.txt" | grep "SETTINGS_ENABLE_PUSH" >/dev/null \
    || fail "nghttp push case not skipped for its reason"
  # nghttp asks on stream 13 (after its priority tree): stream 1 of the cases maps to it
  timeout 60 "$H" check --client --listen "$p" --json 8.2.1 -- nghttp -t 10 "http://127.0.0.1:$p/" \
    | grep '"actual":"RST_STREAM(13, PROTOCOL_ERROR)' >/dev/null || fail "nghttp request stream"
else
  echo "SKIP: nghttp not installed"
fi

# the project's own client passes every case too
p=$(free_port)
timeout 300 "$H" check --client --listen "$p" "${ext[@]}" --color=never -- "$H" get "http://127.0.0.1:$p/" \
  >"$work/get.txt" || fail "h2scope get: $(grep -A3 -E 'FAIL|SKIP' "$work/get.txt")"
grep -q "^$n passed, 0 failed, 0 skipped (0 lenient)" "$work/get.txt" || fail "get: $(tail -1 "$work/get.txt")"

# without COMMAND: h2scope waits for each client
if have curl; then
  p=$(free_port)
  timeout 60 "$H" check --client --listen "$p" --json 6.7 >"$work/wait.jsonl" &
  cpid=$!
  wait_port "$p"
  for i in 1 2; do
    curl -s -o /dev/null --max-time 5 --http2-prior-knowledge "http://127.0.0.1:$p/" || true
  done
  wait "$cpid" || fail "waiting mode exited $?"
  [ "$(grep -c '"verdict":"pass"' "$work/wait.jsonl")" = 2 ] || fail "waiting mode: $(cat "$work/wait.jsonl")"
fi
echo "PASS"
