#!/usr/bin/env bash
# test_report_browser.sh — the HTML report (read --html) of every bundled
# capture (corpus/captures, the TLS ones with their key logs) opened in
# headless Chromium (tests/cli/report_browser.js): no console error, no
# request leaves the page, one lane per stream that `read --json` shows,
# every finding of `read --lint --json` in the page. Screenshots are kept in
# the build directory's report-shots/ (build/test/report-shots), with two
# Firefox screenshots as a smoke test of a second browser.
set -euo pipefail
H=${H2SCOPE:?}
S=${H2_SOURCE_DIR:?}
build=$(cd "$(dirname "$H")" && pwd)
npm_dir=$build/report-npm
[ -d "$npm_dir/node_modules/playwright-core" ] || { echo "FAIL: no playwright-core in $npm_dir (cmake installs it)" >&2; exit 1; }
command -v chromium >/dev/null || { echo "SKIP: no chromium (scripts/install-deps.sh --browsers)"; exit 77; }
shots=$build/report-shots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$shots"
cd "$S/corpus/captures"
echo '[' >"$work/cases.json"
sep=
n=0
while IFS= read -r cap; do
  name=${cap//\//_}
  name=${name%.*}
  key=()
  [ -f "${cap%.*}.keylog" ] && key=(--keylog "${cap%.*}.keylog")
  rc=0
  "$H" read -q "${key[@]}" --html "$work/$name.html" "$cap" || rc=$?
  # --html runs the linter: exit 1 when it found an error, as --lint does.
  [ "$rc" -le 1 ] || { echo "FAIL: read --html $cap exited $rc" >&2; exit 1; }
  grep -c 'Content-Security-Policy' "$work/$name.html" >/dev/null
  if grep -Eo '(src|href)="(https?:)?//[^"]*' "$work/$name.html" >"$work/urls"; then
    echo "FAIL: $cap: the report refers to outside addresses:" >&2
    cat "$work/urls" >&2
    exit 1
  fi
  # The streams of each connection, as read --json shows its frames.
  streams=$("$H" read --json "${key[@]}" "$cap" | jq -s -c '
      [.[] | select(.type_id != null and .stream != 0) | {conn, stream}] | unique
      | group_by(.conn) | map({key: (.[0].conn | tostring), value: length}) | from_entries')
  findings=$( ("$H" read --lint --json "${key[@]}" "$cap" || true) | jq -s '[.[] | select(.lint != null)] | length')
  windows=$(grep -c '^W ' "$work/$name.html" || true)
  printf '%s{"name":"%s","html":"%s","streams":%s,"findings":%s,"windows":%s}\n' "$sep" "$name" \
    "$work/$name.html" "$streams" "$findings" "$windows" >>"$work/cases.json"
  sep=,
  n=$((n + 1))
done < <(find . -name '*.pcap' -o -name '*.pcapng' | sed 's|^\./||' | LC_ALL=C sort)
echo ']' >>"$work/cases.json"
[ "$n" -ge 10 ] || { echo "FAIL: only $n bundled captures found" >&2; exit 1; }
NODE_PATH=$npm_dir/node_modules node "$S/tests/cli/report_browser.js" "$work/cases.json" "$shots"
echo "report_browser: $n reports checked in Chromium, screenshots in $shots"
# Firefox, as a second browser, only opens two of them and keeps a
# screenshot: its headless screenshot mode has no console or DOM to read,
# so this is a smoke test (it loads and paints), not the checks above.
if command -v firefox >/dev/null; then
  for name in concurrent tls_h2-tls13-aes128gcm; do
    mkdir -p "$work/ff-$name"
    timeout 120 firefox --headless --no-remote --profile "$work/ff-$name" --window-size 1400,900 \
      --screenshot "$shots/firefox-$name.png" "file://$work/$name.html" >/dev/null 2>&1 || true
    size=$(stat -c %s "$shots/firefox-$name.png" 2>/dev/null || echo 0)
    [ "$size" -gt 20000 ] || { echo "FAIL: Firefox drew no $name report ($size bytes)" >&2; exit 1; }
  done
  echo "report_browser: Firefox drew 2 reports"
fi
