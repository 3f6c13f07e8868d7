#!/usr/bin/env bash
# test_filter_outputs.sh — the display filter (-Y) selects what goes into
# every output, not only the frames: the exchange records of --exchanges
# (fields method, path, status, content-type, header[...], exchange), the
# bodies --export writes, and the frames, events and exchanges of the
# --html report. Each selection is checked against the unfiltered output
# filtered here by the same condition.
set -euo pipefail
H=${H2SCOPE:?}
S=${H2_SOURCE_DIR:?}
cap=$S/corpus/captures/sample.pcapng
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- exchanges ----
"$H" read -q "$cap" --exchanges --json >"$work/all.json"
"$H" read -q "$cap" --exchanges --json -Y 'exchange and path contains "index" and status == 200' \
  >"$work/some.json"
python3 - "$work/all.json" "$work/some.json" <<'PY' || fail "-Y on exchanges"
import json, sys
rec = lambda f: [json.loads(l)["exchange"] for l in open(f) if '"exchange"' in l]
everything, some = rec(sys.argv[1]), rec(sys.argv[2])
want = [x for x in everything if "index" in x.get("path", "") and x.get("status") == 200]
assert want and len(want) < len(everything), (len(want), len(everything))
assert some == want, (len(some), len(want))
PY
# a filter on frames only (`frame`) selects no exchange; `not frame` all of them
n=$("$H" read -q "$cap" --exchanges --json -Y 'frame' | grep -c '"exchange"' || true)
[ "$n" = 0 ] || fail "-Y frame kept $n exchanges"
n=$("$H" read -q "$cap" --exchanges --json -Y 'not frame' | grep -c '"exchange"' || true)
[ "$n" = "$(grep -c '"exchange"' "$work/all.json")" ] || fail "-Y 'not frame' kept $n exchanges"

# ---- --export: only the bodies of the exchanges selected ----
"$H" read -q "$cap" --export "$work/every" >/dev/null
"$H" read -q "$cap" --export "$work/some" -Y 'header["content-type"] contains "css"' >/dev/null
python3 - "$work/all.json" "$work/every" "$work/some" <<'PY' || fail "-Y with --export"
import json, os, sys
everything = [json.loads(l)["exchange"] for l in open(sys.argv[1]) if '"exchange"' in l]
css = {"%d-%d-response" % (x["conn"], x["stream"]) for x in everything
       if "css" in x.get("response", {}).get("content_type", "")}
every, some = set(os.listdir(sys.argv[2])), set(os.listdir(sys.argv[3]))
assert css and some == (css & every) and some < every, (sorted(some), sorted(css & every))
for f in some:
    assert open(os.path.join(sys.argv[2], f), "rb").read() == open(os.path.join(sys.argv[3], f), "rb").read(), f
PY

# ---- --html: the report holds what the filter selects ----
"$H" read -q "$cap" --html "$work/r.html" -Y 'stream == 15'
"$H" read "$cap" --json -Y 'stream == 15' >"$work/s15.json"
frames=$(grep -c '"type"' "$work/s15.json" || true)
[ "$(grep -c '^F ' "$work/r.html")" = "$frames" ] ||
  fail "report frames: $(grep -c '^F ' "$work/r.html"), read -Y: $frames"
python3 - "$work/r.html" <<'PY' || fail "report exchanges under -Y"
import json, sys
xs = [json.loads(l[2:])["exchange"] for l in open(sys.argv[1]) if l.startswith("X ")]
assert xs and all(x["stream"] == 15 for x in xs), xs
PY
echo "PASS"
