#!/usr/bin/env bash
# test_check_cases.sh — `check --cases FILE` and `--print-cases`: parse errors
# with file, line, column (exit 2); the round trip of every built-in case
# (print, load back: the same --list and the same verdicts against
# `h2scope serve`); example files that pass and fail against serve; the
# extension cases (RFC 8441/9218/8336) with serve's measured verdicts.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
src=${H2_SOURCE_DIR:?}
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
T() { timeout 200 "$@"; }

# parse errors: exact message, exit 2
bad() { # CONTENT EXPECTED-MESSAGE
  printf '%s\n' "$1" >"$work/bad.cases"
  rc=0
  "$H" check --list --cases "$work/bad.cases" 2>"$work/err" >/dev/null || rc=$?
  [ $rc = 2 ] || fail "exit $rc for: $1"
  got=$(cat "$work/err")
  [ "$got" = "h2scope check: $work/bad.cases:$2" ] || fail "message: got '$got', want '$2'"
}
bad 'title x' "1:1: expected 'case ID' before 'title'"
bad $'case a\ntitle t\nsend PING - 0 zeros:8' "1:1: case 'a' has no 'expect' line"
bad $'case a\ntitle t\nsend PING - 0 bogus:1\nexpect PING_ACK' "3:6: bad frame line: bad payload token 'bogus:1'"
bad $'case a\ntitle t\nsend PING - 0 zeros:8\nexpect GOAWAY NOPE' "4:15: expected an error code name (PROTOCOL_ERROR...) or CLOSE, got 'NOPE'"
bad $'case a\ngroup nowhere' "2:7: expected server, robust or client, got 'nowhere'"
bad $'case a b' "1:7: expected a case id (1 to 95 of A-Z a-z 0-9 . _ / : + -), got 'a b'"
bad $'case a\nfrobnicate 1' "2:1: expected case, group, rfc, title, handshake, send, expect, needs, alone or repeat, got 'frobnicate'"
bad $'case a\ntitle t\ntitle u' "3:1: 'title' given twice in one case (first on line 2)"
bad $'case a\nhandshake settings 123' "2:11: expected default, none or 'settings HEX' (an even number of hex digits), got 'settings 123'"
bad $'case a\nneeds colour<=3' "2:7: expected a setting name (max_concurrent_streams, enable_connect_protocol...), got 'colour'"
bad $'case a\nsend PING - 0 zeros:8; PING - 0 zeros:8' "2:22: ';' cannot appear in a send line (one frame line per send)"
bad '# only a comment' " no case in the file (a case starts with 'case ID')"
rc=0; "$H" check --list --cases "$work/nope.cases" 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "missing file: exit $rc"

# round trip: every built-in case printed and loaded back
"$H" check --print-cases >"$work/all.cases"
for mode in "" --robustness --client; do
  diff <("$H" check --list $mode) <("$H" check --list $mode --cases "$work/all.cases") >/dev/null \
    || fail "--list $mode differs after the round trip"
done
"$H" check --print-cases 6.5.2 | grep -c '^case ' | grep -E '^[1-9]' >/dev/null || fail "--print-cases selector"

port=$(free_port)
start_serve "$port"
strip() { sed -E 's/ in [0-9.]+ s$//'; }
T "$H" check "127.0.0.1:$port" --color=never -j 2 | strip >"$work/builtin.txt" || true
T "$H" check "127.0.0.1:$port" --color=never -j 2 --cases "$work/all.cases" | strip >"$work/loaded.txt" || true
diff "$work/builtin.txt" "$work/loaded.txt" >&2 || fail "verdicts differ between built-in and loaded cases"
grep -E '^[0-9]+ passed' "$work/builtin.txt" >/dev/null || fail "no summary"

# the examples: one file passes, one fails (exit 1) against serve
T "$H" check "127.0.0.1:$port" --cases "$src/examples/cases/ping.cases" >"$work/ping.txt" \
  || fail "ping.cases against serve: $(cat "$work/ping.txt")"
grep '^2 passed, 0 failed' "$work/ping.txt" >/dev/null || fail "ping.cases: $(tail -1 "$work/ping.txt")"
T "$H" check "127.0.0.1:$port" --cases "$src/examples/cases/settings.cases" >"$work/settings.txt" \
  || fail "settings.cases against serve: $(cat "$work/settings.txt")"
grep '^2 passed, 0 failed, 0 skipped' "$work/settings.txt" >/dev/null \
  || fail "settings.cases: $(tail -1 "$work/settings.txt")"
rc=0; T "$H" check "127.0.0.1:$port" --cases "$src/examples/cases/strict-priority.cases" --json \
  >"$work/strict.jsonl" || rc=$?
[ $rc = 1 ] || fail "strict-priority.cases: exit $rc"
grep '"id":"house/priority-update-on-stream"' "$work/strict.jsonl" | grep '"verdict":"fail"' >/dev/null \
  || fail "strict-priority.cases verdict: $(cat "$work/strict.jsonl")"
# two files at once; JUnit and SARIF name the loaded ids
rc=0; T "$H" check "127.0.0.1:$port" --cases "$src/examples/cases/strict-priority.cases" \
  --cases "$src/examples/cases/ping.cases" --junit "$work/l.xml" --sarif "$work/l.sarif" \
  >/dev/null || rc=$?
[ $rc = 1 ] || fail "two files: exit $rc"
grep 'name="my/ping-answered ' "$work/l.xml" >/dev/null || fail "JUnit lacks a loaded id"
python3 - "$work/l.sarif" <<'PY' || fail "SARIF of loaded cases"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]["results"]
assert [x["ruleId"] for x in r] == ["check/house/priority-update-on-stream"], r
PY
# selectors and --exclude work by the loaded ids
[ "$("$H" check --list --cases "$src/examples/cases/ping.cases" my/ping-answered | wc -l)" = 1 ] \
  || fail "selector by a loaded id"
[ "$("$H" check --list --cases "$src/examples/cases/ping.cases" --exclude 9113/6.7 | wc -l)" = 1 ] \
  || fail "--exclude by section of a loaded case"

# the extension cases against serve: the measured verdicts (docs/check.md)
rc=0; T "$H" check "127.0.0.1:$port" --json 8441 9218 8336 >"$work/ext.jsonl" || rc=$?
verdict() { grep "\"id\":\"$1\"" "$work/ext.jsonl" | sed -E 's/.*"verdict":"([a-z]+)".*/\1/'; }
for want in 8441/3/1=skip 8441/3/2=pass 8441/4/1=pass 9218/2.1/1=skip 9218/2.1/2=pass \
  9218/4/1=pass 9218/5/1=pass 9218/7.1/1=pass 9218/7.1/2=skip 9218/7.1/3=skip 9218/7.1/4=pass \
  8336/2.2/1=pass 8336/2.2/2=pass; do
  got=$(verdict "${want%%=*}")
  [ "$got" = "${want#*=}" ] || fail "serve ${want%%=*}: $got, want ${want#*=}"
done

# the round trip against nghttpd too: the same verdicts built-in and loaded
have() { command -v "$1" >/dev/null; }
if have nghttpd; then
  mkdir -p "$work/www"; echo hi >"$work/www/index.html"
  gport=$(free_port); start_nghttpd "$work/www" "$gport"; wait_port "$gport"
  T "$H" check "127.0.0.1:$gport" --color=never -j 2 | strip >"$work/g-builtin.txt" || true
  T "$H" check "127.0.0.1:$gport" --color=never -j 2 --cases "$work/all.cases" | strip \
    >"$work/g-loaded.txt" || true
  diff "$work/g-builtin.txt" "$work/g-loaded.txt" >&2 || fail "nghttpd: verdicts differ"
  grep -E '^[0-9]+ passed' "$work/g-builtin.txt" >/dev/null || fail "nghttpd: no summary"
else echo "SKIP: nghttpd not installed"; fi

# the extension cases against Node http2 with enableConnectProtocol
if have node; then
  nport=$(free_port)
  node "$here/check_node_server.js" "$nport" --connect-protocol >/dev/null 2>&1 &
  peer_pids+=($!)
  wait_port "$nport"
  rc=0; T "$H" check "127.0.0.1:$nport" --json 8441 9218 8336 >"$work/ext.jsonl" || rc=$?
  [ $rc = 0 ] || fail "node extension cases: exit $rc"
  for want in 8441/3/1=pass 8441/3/2=skip 8441/4/1=pass 9218/2.1/1=skip 9218/2.1/2=pass \
    9218/4/1=pass 9218/5/1=pass 9218/7.1/1=pass 9218/7.1/2=skip 9218/7.1/3=skip \
    9218/7.1/4=pass 8336/2.2/1=pass 8336/2.2/2=pass; do
    got=$(verdict "${want%%=*}")
    [ "$got" = "${want#*=}" ] || fail "node ${want%%=*}: $got, want ${want#*=}"
  done
else echo "SKIP: node not installed"; fi
# the client extension cases against nghttp (it does not announce
# SETTINGS_NO_RFC7540_PRIORITIES: the RFC 9218 case is skipped)
if have nghttp; then
  cport=$(free_port)
  T "$H" check --client --listen "$cport" --json 9218 8336 -- nghttp -t 10 "http://127.0.0.1:$cport/" \
    >"$work/ext.jsonl" || fail "nghttp client extension cases: $(cat "$work/ext.jsonl")"
  for want in client/9218/2.1/1=skip client/8336/2.2/1=pass; do
    got=$(verdict "${want%%=*}")
    [ "$got" = "${want#*=}" ] || fail "nghttp ${want%%=*}: $got, want ${want#*=}"
  done
else echo "SKIP: nghttp not installed"; fi
echo ok
