#!/usr/bin/env bash
# test_check_jobs.sh — `h2scope check -j N` reports exactly what one case at
# a time reports: against `h2scope serve` and nghttpd, the whole server suite
# with the robustness group under -j 1, -j 4 and the default gives the same
# verdicts in case order, with the same actual frames and reasons for every
# server case (a flood's frames race by nature, and its verdict is a
# measurement of canary timings: only its place is compared), and the same text, JUnit and SARIF output of the server suite
# apart from the timings. -j's value is checked (exit status 2).
set -euo pipefail
H=${H2SCOPE:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
chmod 755 "$work"
. "$here/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for bad in 0 65 x 2x -1; do
  rc=0; "$H" check 127.0.0.1:1 -j "$bad" >/dev/null 2>&1 || rc=$?
  [ $rc = 2 ] || fail "-j $bad: exit $rc"
done
rc=0; "$H" check 127.0.0.1:1 --jobs >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "--jobs without a value: exit $rc"
"$H" check --help | grep -- '-j, --jobs N' >/dev/null || fail "--help lacks -j"

declare -A port
peers=(serve)
port[serve]=$(free_port)
start_serve "${port[serve]}"
if command -v nghttpd >/dev/null; then
  mkdir -p "$work/www" && echo hello >"$work/www/index.html" && chmod -R a+rX "$work/www"
  port[nghttpd]=$(free_port)
  start_nghttpd "$work/www" "${port[nghttpd]}"
  peers+=(nghttpd)
else
  echo "SKIP: nghttpd not installed"
fi

# timings out: the summary's "in N s", JUnit's time="...", JSON's ms/seconds
untime_text() { sed -E 's/ in [0-9.]+ s$//' "$1"; }
untime_xml() { sed -E 's/ time="[0-9.]+"//g' "$1"; }

n=$("$H" check --list --robustness | wc -l)
for p in "${peers[@]}"; do
  for j in 1 4 default; do
    jarg=(-j "$j")
    [ $j = default ] && jarg=()
    rc=0
    timeout 120 "$H" check "127.0.0.1:${port[$p]}" --robustness "${jarg[@]}" --json >"$work/$p.$j.jsonl" || rc=$?
    [ $rc -le 1 ] || fail "$p -j $j: exit $rc"
    rc=0
    timeout 120 "$H" check "127.0.0.1:${port[$p]}" "${jarg[@]}" --color=never \
      --junit "$work/$p.$j.xml" --sarif "$work/$p.$j.sarif" >"$work/$p.$j.txt" || rc=$?
    [ $rc -le 1 ] || fail "$p -j $j text: exit $rc"
  done
  python3 - "$work/$p" "$n" <<'PY' || fail "$p: -j changes the report"
import json, sys
base, n = sys.argv[1], int(sys.argv[2])
def cases(j):
    lines = [json.loads(l) for l in open("%s.%s.jsonl" % (base, j))]
    # a robustness verdict is a measurement (canary timings: docs/check.md),
    # not a function of the case: only its place in the report is compared
    return [(c["id"], c["verdict"], c["actual"], c["reason"]) if c["group"] != "robust"
            else (c["id"],) for c in lines if "id" in c]
one = cases("1")
assert len(one) == n, (len(one), n)
for j in ("4", "default"):
    other = cases(j)
    assert [c[0] for c in other] == [c[0] for c in one], "case order differs under -j " + j
    diff = [(a, b) for a, b in zip(one, other) if a != b]
    assert not diff, "-j %s: %s" % (j, diff[:3])
PY
  for j in 4 default; do
    cmp -s <(untime_text "$work/$p.1.txt") <(untime_text "$work/$p.$j.txt") \
      || fail "$p: text differs under -j $j: $(diff <(untime_text "$work/$p.1.txt") <(untime_text "$work/$p.$j.txt") | head -5)"
    cmp -s <(untime_xml "$work/$p.1.xml") <(untime_xml "$work/$p.$j.xml") || fail "$p: JUnit differs under -j $j"
    cmp -s "$work/$p.1.sarif" "$work/$p.$j.sarif" || fail "$p: SARIF differs under -j $j"
  done
done
echo "PASS"
