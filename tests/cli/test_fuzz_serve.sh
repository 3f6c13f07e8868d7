#!/usr/bin/env bash
# test_fuzz_serve.sh — `h2scope fuzz` against `h2scope serve`: the usage
# errors (2) and an unreachable target (3); two runs with the same --seed
# and --runs give the same number of inputs and the same list of reactions
# (--json); seeds from captures and case files; TLS; a client fuzzed with
# --client; and a short run with serve started by fuzz itself (-- CMD) finds
# no crash, hang or memory growth in serve.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
src=${H2_SOURCE_DIR:-$here/../..}
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# usage and help
"$H" fuzz --help | grep -c -- '--stop-on' >/dev/null || fail "--help"
"$H" help fuzz | grep -c '^usage: h2scope fuzz' >/dev/null || fail "help fuzz"
rc=0; "$H" fuzz >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "no target: exit $rc"
rc=0; "$H" fuzz 127.0.0.1:1 --stop-on nothing >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "--stop-on: $rc"
rc=0; "$H" fuzz 127.0.0.1:1 --listen 5 >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "--listen: $rc"
rc=0; "$H" fuzz 127.0.0.1:1 --runs 0 >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "--runs 0: $rc"
rc=0; "$H" fuzz 127.0.0.1:1 -- >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "-- without COMMAND: $rc"
dead=$(free_port)
rc=0; "$H" fuzz "127.0.0.1:$dead" --runs 5 --out "$work/dead" >/dev/null 2>"$work/dead.err" || rc=$?
[ $rc = 3 ] || fail "unreachable target: exit $rc"

port=$(free_port)
"$H" serve --port "$port" >/dev/null 2>&1 &
peer_pids+=($!)
wait_port "$port"

# the same seed twice: the same inputs, the same reactions in the same order
for i in 1 2; do
  rc=0
  timeout 300 "$H" fuzz "127.0.0.1:$port" --seed 7 --runs 400 --json --out "$work/det$i" \
    >"$work/det$i.json" || rc=$?
  [ $rc -le 1 ] || fail "run $i: exit $rc"
  grep '"type":"reaction"' "$work/det$i.json" >"$work/reactions$i"
  grep -o '"inputs":[0-9]*' "$work/det$i.json" >"$work/inputs$i"
done
[ "$(cat "$work/inputs1")" = '"inputs":400' ] || fail "run 1: $(cat "$work/inputs1")"
cmp -s "$work/inputs1" "$work/inputs2" || fail "input counts differ"
[ "$(wc -l <"$work/reactions1")" -ge 10 ] || fail "only $(wc -l <"$work/reactions1") reactions"
diff "$work/reactions1" "$work/reactions2" >"$work/diff" || fail "the reactions differ: $(head "$work/diff")"

# seeds from captures and case files only
rc=0
"$H" fuzz "127.0.0.1:$port" --no-check-seeds --seeds "$src/corpus/captures" \
  --seeds "$src/examples/cases/ping.cases" --runs 40 --json --out "$work/caps" >"$work/caps.json" || rc=$?
[ $rc -le 1 ] || fail "--seeds: exit $rc"
seeds=$(grep -o '"seeds":[0-9]*' "$work/caps.json" | cut -d: -f2)
[ "$seeds" -ge 5 ] || fail "only $seeds seeds from the captures and the case file"
rc=0; "$H" fuzz "127.0.0.1:$port" --no-check-seeds --seeds "$work/none" --runs 1 >/dev/null 2>&1 || rc=$?
[ $rc = 3 ] || fail "missing --seeds: exit $rc"

# TLS with ALPN h2 (a write to a peer that closed must not kill fuzz: SIGPIPE)
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 1 -subj /CN=localhost >/dev/null 2>&1
  tport=$(free_port)
  rc=0
  timeout 120 "$H" fuzz "127.0.0.1:$tport" --tls --runs 150 --json --out "$work/tls" \
    -- "$H" serve --port "$tport" --tls "$work/cert.pem" "$work/key.pem" >"$work/tls.json" || rc=$?
  [ $rc -le 1 ] || fail "--tls: exit $rc"
  grep -c '"type":"summary","seed":1,"inputs":150' "$work/tls.json" >/dev/null ||
    fail "--tls: $(tail -1 "$work/tls.json")"
fi

# a client: h2scope plays the server, `h2scope get` connects once per input
cport=$(free_port)
rc=0
timeout 120 "$H" fuzz --client --listen "$cport" --runs 25 --json --out "$work/client" \
  -- "$H" get "http://127.0.0.1:$cport/" >"$work/client.json" 2>&1 || rc=$?
[ $rc -le 1 ] || fail "--client: exit $rc"
grep -c '"type":"summary","seed":1,"inputs":25' "$work/client.json" >/dev/null ||
  fail "--client: $(tail -1 "$work/client.json")"

# serve under fuzz, started and watched by fuzz: no crash, hang or memory
sport=$(free_port)
rc=0
timeout 300 "$H" fuzz "127.0.0.1:$sport" --seed 3 --time 30 --json --out "$work/serve" \
  -- "$H" serve --port "$sport" >"$work/serve.json" 2>"$work/serve.err" || rc=$?
[ $rc -le 1 ] || fail "fuzz -- serve: exit $rc ($(tail -2 "$work/serve.err"))"
sum=$(tail -1 "$work/serve.json")
grep -c '"crash":0,"hang":0,"memory":0' <<<"$sum" >/dev/null || fail "serve: $sum"
n=$(grep -o '"inputs":[0-9]*' <<<"$sum" | cut -d: -f2)
[ "$n" -ge 100 ] || fail "serve: only $n inputs in 30 s"
echo "ok: $sum"
