#!/usr/bin/env bash
# test_report_cli.sh — `read --html` as a command: the options' errors (exit
# 2) and an unwritable file (exit 3) before the capture is read; the report
# to standard output with the frames on stderr; the same report with -j 4 as
# with -j 1 (--html decodes on one thread); the limits (--html-max-frames
# bins the rest, --html-details, --html-max-lanes in the page's settings);
# --html alone exits 0 on error findings, with --lint 1; the file is
# created mode 0600; a lost packet's gap and resync are in it. (--redact in
# the report: tests/test_report_write.c.)
set -euo pipefail
H=${H2SCOPE:?}
S=${H2_SOURCE_DIR:?}
caps=$S/corpus/captures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
expect_rc() { # expect_rc WANT MESSAGE-PART ARGS...
  local want=$1 part=$2 rc=0
  shift 2
  "$H" read "$@" >"$work/out" 2>"$work/err" || rc=$?
  if [ "$rc" != "$want" ] || ! grep -F -- "$part" "$work/err" >/dev/null; then
    echo "FAIL: read $* exited $rc (want $want), stderr: $(head -c 300 "$work/err")"
    fail=1
  fi
}
expect_rc 2 "--html-max-frames" "$caps/concurrent.pcap" --html "$work/r.html" --html-max-frames 0
expect_rc 2 "--html-max-lanes" "$caps/concurrent.pcap" --html "$work/r.html" --html-max-lanes x
expect_rc 2 "--html and --har cannot both be '-'" "$caps/concurrent.pcap" --html - --har -
expect_rc 3 "--html" "$caps/concurrent.pcap" --html /nonexistent-dir/r.html

data() { # the data block of a report
  sed -n '/<script type="text\/plain" id="h2-data">/,/<\/script>/p' "$1"
}

# Standard output: the page; the frames go to stderr.
"$H" read "$caps/concurrent.pcap" --html - >"$work/stdout.html" 2>"$work/frames.txt"
grep -F '</html>' "$work/stdout.html" >/dev/null || { echo "FAIL: --html - wrote no page"; fail=1; }
grep -F 'HEADERS' "$work/frames.txt" >/dev/null || { echo "FAIL: --html -: frames not on stderr"; fail=1; }

# One thread whatever -j says: the same page.
"$H" read -q -j 1 "$caps/concurrent.pcap" --html "$work/j1.html"
"$H" read -q -j 4 "$caps/concurrent.pcap" --html "$work/j4.html"
cmp "$work/j1.html" "$work/j4.html" >/dev/null || { echo "FAIL: -j 4 wrote another report than -j 1"; fail=1; }
[ "$(stat -c %a "$work/j1.html")" = 600 ] || { echo "FAIL: the report is not mode 0600"; fail=1; }

# Limits: 20 frames drawn, the rest in G lines whose counts add up.
frames=$("$H" read --json "$caps/concurrent.pcap" | grep -c '"type_id"')
"$H" read -q "$caps/concurrent.pcap" --html "$work/lim.html" --html-max-frames 20 --html-details 3 \
  --html-max-lanes 2
data "$work/lim.html" >"$work/lim.data"
drawn=$(grep -c '^F ' "$work/lim.data")
binned=$(awk '/^G / {n += $4} END {print n + 0}' "$work/lim.data")
[ "$drawn" = 20 ] || { echo "FAIL: --html-max-frames 20 drew $drawn frames"; fail=1; }
[ $((drawn + binned)) = "$frames" ] || { echo "FAIL: $drawn drawn + $binned binned != $frames frames"; fail=1; }
[ "$(grep -c '^J ' "$work/lim.data")" = 3 ] || { echo "FAIL: --html-details 3"; fail=1; }
grep -F '"max_lanes":2' "$work/lim.data" >/dev/null || { echo "FAIL: --html-max-lanes not in the page"; fail=1; }
grep -F "\"frames\":$frames," "$work/lim.data" >/dev/null || { echo "FAIL: the totals miss frames"; fail=1; }

# Findings: in the report without --lint (exit 0), with --lint exit 1 as always.
rc=0
"$H" read -q "$caps/rst_stream.pcap" --html "$work/f.html" || rc=$?
[ "$rc" = 0 ] || { echo "FAIL: --html alone exited $rc on error findings"; fail=1; }
want=$( ("$H" read --lint --json "$caps/rst_stream.pcap" || true) | grep -c '"lint"')
got=$(data "$work/f.html" | grep -c '^{"v":1,"lint"')
[ "$want" -gt 0 ] && [ "$got" = "$want" ] || { echo "FAIL: $got findings in the report, --lint has $want"; fail=1; }
rc=0
"$H" read -q --lint "$caps/rst_stream.pcap" --html "$work/f2.html" >/dev/null || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: --lint --html exited $rc"; fail=1; }
cmp "$work/f.html" "$work/f2.html" >/dev/null || { echo "FAIL: --lint changed the report"; fail=1; }

# A packet lost from the capture: its gap and the resync after it are in the
# report (the capture lane of the waterfall).
if command -v editcap >/dev/null; then
  editcap "$caps/flowcontrol.pcap" "$work/cut.pcap" 10
  "$H" read -q "$work/cut.pcap" --html "$work/cut.html"
  for ev in gap resync; do
    data "$work/cut.html" | grep -F "\"event\":\"$ev\"" >/dev/null ||
      { echo "FAIL: no $ev event in the report of a capture with a lost packet"; fail=1; }
  done
fi
# the report lists the exchanges read --exchanges gives, the same records
for cap in concurrent rst_stream upgrade; do
  f="$H2_SOURCE_DIR/corpus/captures/$cap.pcap"
  rm -f "$work/x.html"
  "$H" read -q "$f" --html "$work/x.html" 2>/dev/null
  "$H" read -q "$f" --exchanges --json -t a 2>/dev/null | grep '"exchange"' >"$work/x.want" || true
  grep '^X ' "$work/x.html" | sed 's/^X //' >"$work/x.got" || true
  if [ ! -s "$work/x.want" ] || ! cmp -s "$work/x.want" "$work/x.got"; then
    echo "FAIL: $cap: the report's exchanges differ from read --exchanges --json"
    fail=1
  fi
done
[ "$fail" = 0 ] && echo "report_cli: ok"
exit "$fail"
