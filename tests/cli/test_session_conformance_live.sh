#!/usr/bin/env bash
# test_session_conformance_live.sh — the server cases of `h2scope check`
# (inspector/check/check_cases_*.c, also run in-process by test_session_conformance)
# sent over TCP to a running `h2scope serve`: the server must react to each
# violation exactly as the RFC requires (every case "pass", none lenient).
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/session_peers.sh"
trap cleanup_peers EXIT
port=$(free_port)
start_serve "$port"
# the extension cases (RFC 8441/9218/8336) have their own test with the
# verdicts of serve measured: test_check_cases_ext.sh
out=$(timeout 300 "$H" check "127.0.0.1:$port" --color=never --exclude 8441,9218,8336) || {
  echo "$out" | grep -A3 -E 'FAIL|LENIENT' >&2
  echo "FAIL: check against serve" >&2
  exit 1
}
echo "$out" | tail -1 | grep -Eq '^[0-9]+ passed, 0 failed, 0 skipped \(0 lenient\)' || {
  echo "FAIL: $(echo "$out" | tail -1)" >&2
  exit 1
}
echo "PASS"
