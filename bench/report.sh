#!/usr/bin/env bash
# report.sh — the HTML report (read --html) of a capture of about a million
# frames: the page's size, the time and peak memory to write it (next to
# `read -q` on the same capture, same run), and the time headless Chromium
# takes to draw it (tests/cli/report_browser.js --time: navigation to the
# drawn page, and the script's own steps).
#   bench/report.sh [--no-build]     (RUNS=3 repetitions, median)
# The capture: h2load → nghttpd, 340 000 requests on 4 connections
# (1 020 024 frames), recorded once by make-captures.sh into
# $REPORT_CAPTURES (default bench/captures/report/, git-ignored).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
caps=${REPORT_CAPTURES:-$root/bench/captures/report}
[ "${1:-}" = --no-build ] || cmake --workflow --preset release >/dev/null
H=$root/build/release/h2scope
npm_dir=$root/build/release/report-npm
[ -x "$H" ] || { echo "report.sh: no $H (build the release preset)" >&2; exit 2; }
cap=$caps/headers-heavy.pcap
if [ ! -f "$cap" ]; then
  HEADERS_REQUESTS=340000 CAPTURES=headers-heavy BENCH_CAPTURES=$caps "$root/bench/make-captures.sh"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
frames=$("$H" read -q --summary --json "$cap" | jq -s '[.[] | select(.summary == "capture") | .frames] | first // empty')
for i in $(seq "$runs"); do
  /usr/bin/time -f '%e %M' -o "$work/plain.$i" "$H" read -q "$cap"
  /usr/bin/time -f '%e %M' -o "$work/html.$i" "$H" read -q --html "$work/r.html" "$cap"
  NODE_PATH=$npm_dir/node_modules node "$root/tests/cli/report_browser.js" --time "$work/r.html" \
    "$work/shot.png" >"$work/draw.$i"
done
plain_s=$(cat "$work"/plain.* | awk '{print $1}' | median)
html_s=$(cat "$work"/html.* | awk '{print $1}' | median)
html_kib=$(cat "$work"/html.* | awk '{print $2}' | median)
draw_ms=$(jq -s '.[].painted_ms' "$work"/draw.* | median)
parse_ms=$(jq -s '.[].parse_ms' "$work"/draw.* | median)
charts_ms=$(jq -s '.[].charts_ms' "$work"/draw.* | median)
size=$(stat -c %s "$work/r.html")
# Memory does not grow with the capture: a tenth of it, then all of it.
/usr/bin/time -f '%M' -o "$work/rss.tenth" "$H" read -q --max-packets 4258 --html "$work/t.html" "$cap"
rss_tenth=$(cat "$work/rss.tenth")
echo "capture: $cap (${frames:-?} frames)"
echo "report size: $size bytes ($(awk -v s="$size" 'BEGIN {printf "%.1f", s / 1048576}') MiB; limit 20 MiB)"
echo "write: read -q --html ${html_s} s, peak RSS ${html_kib} KiB; read -q ${plain_s} s (median of $runs)"
echo "memory: peak RSS ${rss_tenth} KiB for the first tenth of the packets, ${html_kib} KiB for all"
echo "draw in headless Chromium: ${draw_ms} ms to the painted page (script: parse ${parse_ms} ms, charts ${charts_ms} ms)"
[ "$size" -lt $((20 * 1048576)) ] || { echo "report.sh: the report is over 20 MiB" >&2; exit 1; }
