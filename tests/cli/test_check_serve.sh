#!/usr/bin/env bash
# test_check_serve.sh — `h2scope check` against `h2scope serve` (h2c and
# TLS): every server case passes; --list, selectors, --exclude, --json
# (shape of every object), --junit (valid XML, counts), -v (frames), colour,
# the robustness group, and the exit statuses 2 (usage) and 3 (unreachable).
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
T() { timeout 120 "$@"; }

# --list: >= 150 server cases with stable ids, robustness and client apart
"$H" check --list >"$work/list"
n=$(wc -l <"$work/list")
[ "$n" -ge 150 ] || fail "--list shows $n cases"
grep -q '^9113/6.5.3/1 ' "$work/list" || fail "--list lacks 9113/6.5.3/1"
grep -q '^7541/5.2/1 ' "$work/list" || fail "--list lacks 7541/5.2/1"
grep -q '^robust/' "$work/list" && fail "--list shows robustness cases without --robustness"
"$H" check --list --robustness | grep '^robust/rapid-reset ' >/dev/null || fail "--list --robustness"
nc=$("$H" check --list --client | grep -c '^client/')
[ "$nc" -ge 20 ] || fail "--list --client shows $nc cases"
[ "$("$H" check --list 6.5.2 | wc -l)" -ge 15 ] || fail "selector 6.5.2"
"$H" check --list 6.5 --exclude 6.5.2,9113/6.5.3/1 | grep '^9113/6.5.2/' >/dev/null && fail "--exclude"

# usage errors: 2; nothing listening: 3
rc=0; "$H" check >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "no target: exit $rc"
rc=0; "$H" check 127.0.0.1:1 --bogus >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "bad option: $rc"
rc=0; "$H" check 127.0.0.1:1 --timeout 0 >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "timeout 0: $rc"
rc=0; "$H" check --client >/dev/null 2>&1 || rc=$?; [ $rc = 2 ] || fail "--client without --listen: $rc"
dead=$(free_port)
rc=0; "$H" check "127.0.0.1:$dead" >"$work/dead" 2>&1 || rc=$?
[ $rc = 3 ] || fail "unreachable target: exit $rc"

port=$(free_port)
start_serve "$port"

# the whole server suite but the extension cases (their verdicts against
# serve: test_check_cases_ext.sh): 0 failed, exit 0, within the time budget
start=$(date +%s)
ext=(--exclude 8441,9218,8336)
n=$("$H" check --list "${ext[@]}" | wc -l)
T "$H" check "127.0.0.1:$port" "${ext[@]}" >"$work/all.txt" || fail "check against serve: exit $? $(grep -A3 FAIL "$work/all.txt")"
grep -Eq "^$n passed, 0 failed, 0 skipped \(0 lenient\) against 127.0.0.1:$port \(h2c\)" "$work/all.txt" \
  || fail "summary: $(tail -1 "$work/all.txt")"
[ $(($(date +%s) - start)) -le 60 ] || fail "the suite took more than 60 s"
grep -q '^RFC 9113 §6.5.2$' "$work/all.txt" || fail "no section heading"
grep -q $'\033' "$work/all.txt" && fail "colour on a pipe"

# --json: one object per case with the documented keys, then the summary
T "$H" check "127.0.0.1:$port" --json 6.5 7541/5.2 --exclude 9113/6.5/1 >"$work/j.jsonl"
want=$("$H" check --list 6.5 7541/5.2 --exclude 9113/6.5/1 | wc -l)
python3 - "$work/j.jsonl" "$want" <<'PY' || fail "--json shape"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
cases, summary = lines[:-1], lines[-1]
assert len(cases) == int(sys.argv[2]), (len(cases), sys.argv[2])
for c in cases:
    assert c["v"] == 1
    for k in ("id", "rfc", "section", "title", "verdict", "expected", "actual", "reason"):
        assert k in c, (k, c)
    assert c["id"] == "%d/%s/%s" % (c["rfc"], c["section"], c["id"].split("/")[-1]), c
    assert c["verdict"] == "pass", c
    assert c["section"].startswith("6.5") or c["section"] == "5.2", c
    assert c["id"] != "9113/6.5/1"
ids = {c["id"]: c for c in cases}
assert ids["9113/6.5/3"]["actual"].startswith("GOAWAY(last=0, FRAME_SIZE_ERROR)"), ids["9113/6.5/3"]
assert ids["9113/6.5.3/1"]["actual"] == "SETTINGS ACK", ids["9113/6.5.3/1"]
assert ids["7541/5.2/1"]["expected"] == "GOAWAY COMPRESSION_ERROR"
s = summary["summary"]
assert summary["v"] == 1 and s["failed"] == 0 and s["passed"] == len(cases), s
PY

# --junit: well-formed XML whose counts match
T "$H" check "127.0.0.1:$port" --junit "$work/j.xml" 8.3 >/dev/null || fail "--junit run"
python3 - "$work/j.xml" <<'PY' || fail "--junit XML"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("failures") == "0", root.attrib
cases = root.findall("./testsuite/testcase")
assert len(cases) == int(root.get("tests")) >= 10, len(cases)
assert {s.get("name") for s in root.findall("testsuite")} == {"RFC 9113 §8.3", "RFC 9113 §8.3.1"}
assert any(c.get("name").startswith("9113/8.3.1/1 ") for c in cases)
PY

# --path: the cases' requests ask for it (serve answers any path)
T "$H" check "127.0.0.1:$port" --path /some/where 8.1 | grep "0 failed" >/dev/null || fail "--path"
rc=0; "$H" check "127.0.0.1:$port" --path relative >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "--path without /: $rc"

# -v: the frames of each case, both directions; --color=always colours
T "$H" check "127.0.0.1:$port" -v 9113/6.7/1 >"$work/v.txt"
grep -q '^  -- 9113/6.7/1$' "$work/v.txt" || fail "-v case header"
grep -q '> .*PING' "$work/v.txt" || fail "-v sent PING"
grep -q '< .*PING.*ACK' "$work/v.txt" || fail "-v received PING ACK"
T "$H" check "127.0.0.1:$port" --color=always 9113/6.7/1 | grep $'\033\[32mPASS' >/dev/null || fail "colour"

# robustness group (only when asked): serve's flood limits answer with
# GOAWAY ENHANCE_YOUR_CALM
T "$H" check "127.0.0.1:$port" --json robust >"$work/r.jsonl"
python3 - "$work/r.jsonl" <<'PY' || fail "robustness"
import json, sys
cases = {c["id"]: c for c in map(json.loads, open(sys.argv[1])) if "id" in c}
assert len(cases) >= 7, cases.keys()
for k in ("ping-flood", "settings-flood", "continuation-flood", "empty-data-flood"):
    c = cases["robust/" + k]
    assert c["group"] == "robust" and c["rfc"] is None, c
    assert "ENHANCE_YOUR_CALM" in c["actual"], c
PY

# TLS with ALPN h2
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 2 -subj /CN=localhost >/dev/null 2>&1
  tport=$(free_port)
  start_serve "$tport" --tls "$work/cert.pem" "$work/key.pem"
  T "$H" check "127.0.0.1:$tport" --tls 6.5 6.7 3.4 >"$work/tls.txt" || fail "TLS: $(tail -3 "$work/tls.txt")"
  grep -q "0 failed.*(TLS)" "$work/tls.txt" || fail "TLS summary"
fi
echo "PASS"
