#!/usr/bin/env bash
# test_lint_captures.sh — `h2scope read --lint` on the captures of real peers
# in corpus/captures (prior knowledge, Upgrade: h2c, mid-stream, TLS 1.2/1.3
# with key logs): no error findings (false positives are bugs), except the
# one capture that was recorded with a deliberately malformed request. Also
# the SARIF log: valid JSON, version 2.1.0, the rule ids and the result.
set -euo pipefail
H=${H2SCOPE:?}
C=${H2_SOURCE_DIR:?}/corpus/captures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for f in "$C"/*.pcap "$C"/*.pcapng; do
  name=$(basename "$f")
  set +e
  "$H" read --lint --json "$f" >"$work/out"
  rc=$?
  set -e
  if [ "$name" = rst_stream.pcap ]; then
    # nghttp was asked to send "te: gzip": the one finding, and the server's reset.
    [ $rc = 1 ] || fail "$name: exit $rc, want 1"
    [ "$(wc -l <"$work/out")" = 1 ] || fail "$name: $(cat "$work/out")"
    grep -q '"lint":"connection-specific-field","severity":"error","conn":1,.*"dir":"c2s","stream":13,.*"section":"RFC 9113 §8.2.2"' \
      "$work/out" || fail "$name: $(cat "$work/out")"
    continue
  fi
  [ $rc = 0 ] || fail "$name: exit $rc: $(cat "$work/out")"
  if grep '"severity":"error"' "$work/out"; then fail "$name: error findings"; fi
done

for f in "$C"/tls/*.pcap "$C"/tls/*.pcapng; do
  k=${f%.*}.keylog
  args=()
  [ -f "$k" ] && args=(--keylog "$k")
  "$H" read --lint --json --summary "${args[@]}" "$f" >"$work/out" || fail "$(basename "$f"): exit $?"
  if grep '"severity":"error"' "$work/out"; then fail "$(basename "$f"): error findings"; fi
  grep -q '"lint":{"verdict":"pass"' "$work/out" || fail "$(basename "$f"): no pass verdict: $(cat "$work/out")"
done

# SARIF: a valid log with the catalogue and the result.
set +e
"$H" read --sarif "$work/out.sarif" "$C/rst_stream.pcap" >/dev/null
rc=$?
set -e
[ $rc = 1 ] || fail "--sarif: exit $rc"
python3 - "$work/out.sarif" "$C/rst_stream.pcap" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
assert log["version"] == "2.1.0", log["version"]
assert log["$schema"].endswith("sarif-2.1.0.json")
run = log["runs"][0]
assert run["tool"]["driver"]["name"] == "h2scope"
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
for want in ["rapid-reset", "continuation-flood", "settings-flood", "ping-flood",
             "empty-frames-flood", "hpack-bomb", "data-dribble", "reset-flood", "resource-loop",
             "excessive-streams", "made-you-reset", "window-update-flood",
             "zero-length-headers", "internal-data-buffering", "flow-control-overrun",
             "connection-specific-field"]:
    assert want in ids, want
assert len(ids) == len(set(ids))
res = run["results"]
assert len(res) == 1, res
r = res[0]
assert r["ruleId"] == "connection-specific-field" and r["level"] == "error"
assert ids[r["ruleIndex"]] == r["ruleId"]
assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == sys.argv[2]
assert run["artifacts"][0]["location"]["uri"] == sys.argv[2]
assert "RFC 9113 §8.2.2" in r["message"]["text"]
PY
echo ok
