#!/usr/bin/env bash
# test_check_peers.sh — `h2scope check` against real servers on loopback
# (h2c): nghttpd, h2o, nginx and Node's http2 module, all at once (each run
# stays under 60 s). Asserts concrete verdicts whose outcome is known per
# server: for nghttpd exactly its known deviations fail (docs/check.md lists
# them with their RFC sections); for the others a few characteristic ones.
# Peers missing from the machine are reported and skipped.
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
chmod 755 "$work"
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
www=$work/www
mkdir -p "$www"
chmod 755 "$www"
echo hello >"$www/index.html"
chmod 644 "$www/index.html"

declare -A port
runs=()
if have nghttpd; then
  port[nghttpd]=$(free_port); start_nghttpd "$www" "${port[nghttpd]}"; runs+=(nghttpd)
else echo "SKIP: nghttpd not installed"; fi
if have h2o; then
  port[h2o]=$(free_port); start_h2o "$www" "${port[h2o]}" "$work"; runs+=(h2o)
else echo "SKIP: h2o not installed"; fi
if have nginx; then
  port[nginx]=$(free_port); start_nginx "$www" "${port[nginx]}" "$work"; runs+=(nginx)
else echo "SKIP: nginx not installed"; fi
if have node; then
  port[node]=$(free_port)
  node "$here/check_node_server.js" "${port[node]}" >/dev/null 2>&1 &
  peer_pids+=($!)
  wait_port "${port[node]}"
  runs+=(node)
else echo "SKIP: node not installed"; fi

pids=()
for p in "${runs[@]}"; do
  timeout 120 "$H" check "127.0.0.1:${port[$p]}" --timeout 5 --json --sarif "$work/$p.sarif" >"$work/$p.jsonl" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  rc=0; wait "$pid" || rc=$?
  [ $rc -le 1 ] || fail "check exited $rc"
done

# verdicts PEER ID=VERDICT[:TEXT IN ACTUAL] ...
verdicts() {
  local peer=$1
  shift
  python3 - "$work/$peer.jsonl" "$peer" "$@" <<'PY' || fail "$peer verdicts"
import json, sys
path, peer, wants = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = [json.loads(l) for l in open(path)]
cases = {c["id"]: c for c in lines if "id" in c}
summary = lines[-1]["summary"]
assert len(cases) >= 150, (peer, len(cases))
assert summary["passed"] + summary["lenient"] + summary["failed"] + summary["skipped"] == len(cases)
bad = []
for w in wants:
    cid, _, want = w.partition("=")
    verdict, _, text = want.partition(":")
    c = cases[cid]
    if c["verdict"] != verdict or text not in c["actual"]:
        bad.append("%s: %s want %s%s, got %s (%s; %s)" % (peer, cid, verdict, " with " + text if text else "", c["verdict"], c["actual"], c["reason"]))
assert not bad, "\n".join(bad)
PY
}

for p in "${runs[@]}"; do
  # every server gets the basics right
  verdicts "$p" 9113/8.1/1=pass 9113/6.7/1=pass 9113/6.5.3/1=pass 9113/6.7/3=pass:FRAME_SIZE_ERROR \
    9113/4.3/1=pass:COMPRESSION_ERROR 7541/2.3.3/1=pass 7541/5.2/5=pass 9113/6.10/1=pass
done

if [ -n "${port[nghttpd]:-}" ]; then
  # nghttpd: exactly its known deviations fail (docs/check.md)
  verdicts nghttpd 9113/4.2/7=fail:COMPRESSION_ERROR 9113/5.1.1/2=fail 9113/5.1.1/5=fail \
    9113/6.5.3/2=fail:"SETTINGS ACK" "9113/6.9.2/1=fail:RST_STREAM(1, FLOW_CONTROL_ERROR)"
  python3 - "$work/nghttpd.jsonl" <<'PY' || fail "nghttpd: unexpected failures"
import json, sys
known = {"9113/4.2/7", "9113/5.1.1/2", "9113/5.1.1/5", "9113/6.5.3/2", "9113/6.9.2/1"}
failed = {c["id"] for c in map(json.loads, open(sys.argv[1])) if c.get("verdict") == "fail"}
assert failed == known, (sorted(failed - known), sorted(known - failed))
PY
  # the same five as SARIF results
  python3 - "$work/nghttpd.sarif" <<'PY' || fail "nghttpd SARIF"
import json, sys
log = json.load(open(sys.argv[1]))
results = log["runs"][0]["results"]
assert sorted(r["ruleId"] for r in results) == sorted("check/" + i for i in (
    "9113/4.2/7", "9113/5.1.1/2", "9113/5.1.1/5", "9113/6.5.3/2", "9113/6.9.2/1")), results
assert all(r["level"] == "error" for r in results)
PY
  # over TLS with ALPN h2 too
  if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
      -days 2 -subj /CN=localhost >/dev/null 2>&1
    tport=$(free_port)
    start_nghttpd "$www" "$tport" "$work/key.pem" "$work/cert.pem"
    rc=0
    timeout 120 "$H" check "127.0.0.1:$tport" --tls --json 6.5 6.7 >"$work/tls.jsonl" || rc=$?
    [ $rc = 1 ] || fail "nghttpd TLS: exit $rc"
    python3 - "$work/tls.jsonl" <<'PY' || fail "nghttpd TLS verdicts"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
s = lines[-1]["summary"]
assert s["target"].endswith("(TLS)") and s["passed"] >= 25 and s["failed"] == 1, s
assert [c["id"] for c in lines[:-1] if c["verdict"] == "fail"] == ["9113/6.5.3/2"]
PY
  fi
fi
if [ -n "${port[h2o]:-}" ]; then
  # h2o answers malformed field values with 400 (lenient), accepts an empty :path
  verdicts h2o "9113/8.2.1/2=lenient:HEADERS(1, :status 400)" 9113/8.3.1/3=fail 9113/3.4/2=fail \
    9113/6.5.2/2=pass:PROTOCOL_ERROR "9113/5.1.1/2=fail:GOAWAY(last=5, STREAM_CLOSED)"
fi
if [ -n "${port[nginx]:-}" ]; then
  # nginx ignores frames on idle streams, answers malformed requests with 400
  verdicts nginx 9113/5.1/1=fail 9113/6.5.2/2=pass "9113/8.3/1=lenient:HEADERS(1, :status 400)" \
    "9113/4.2/2=fail:GOAWAY(last=1, PROTOCOL_ERROR)"
fi
if [ -n "${port[node]:-}" ]; then
  # node closes with INTERNAL_ERROR where PROTOCOL_ERROR is required
  verdicts node "9113/6.5/2=fail:INTERNAL_ERROR" "9113/6.7/2=fail:INTERNAL_ERROR" \
    9113/6.9.1/2=pass 9113/8.3/1=pass
fi
echo "PASS"
