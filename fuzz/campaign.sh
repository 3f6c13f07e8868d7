#!/usr/bin/env bash
# campaign.sh — fuzzes every target for N seconds (fuzz/run.sh each), LANES
# targets at a time, and prints the Markdown table of fuzz/README.md's
# "Campaign" section: runs, exec/s, edges covered, corpus, peak RSS, result.
#
#   fuzz/campaign.sh 600               # 10 minutes per target, one at a time
#   fuzz/campaign.sh 600 -l 2          # two targets at a time (2 cores)
#   fuzz/campaign.sh --report          # the table from the last logs only
#
# Logs: build/fuzz/work/<target>.log (libFuzzer's, kept by run.sh) and
# build/fuzz/campaign/<target>.out (run.sh's summary and verdict).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${H2_FUZZ_BUILD:-$root/build/fuzz}
out=$build/campaign
seconds=600 lanes=1 report_only=0
while [ $# -gt 0 ]; do
  case $1 in
  --report) report_only=1; shift ;;
  -l) lanes=$2; shift 2 ;;
  [0-9]*) seconds=$1; shift ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
mapfile -t targets < <("$root/fuzz/run.sh" list)

if [ $report_only = 0 ]; then
  mkdir -p "$out"
  # Build once, then run without rebuilding (lanes would race on the build).
  (cd "$root" && cmake --preset fuzz >/dev/null && cmake --build --preset fuzz >/dev/null) || exit 2
  lane() {
    local t
    for t in "$@"; do
      H2_FUZZ_NO_BUILD=1 "$root/fuzz/run.sh" "$t" "$seconds" >"$out/$t.out" 2>&1
    done
  }
  pids=()
  for ((l = 0; l < lanes; l++)); do
    mine=()
    for ((i = l; i < ${#targets[@]}; i += lanes)); do mine+=("${targets[i]}"); done
    lane "${mine[@]}" &
    pids+=($!)
  done
  wait "${pids[@]}"
fi

failed=0
printf '| target | runs | exec/s | edges (cov) | features (ft) | corpus | peak RSS | result |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for t in "${targets[@]}"; do
  log=$build/work/$t.log
  [ -f "$log" ] || { printf '| `%s` | — | — | — | — | — | — | not run |\n' "$t"; continue; }
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$last")
  if grep -qE 'ERROR: libFuzzer|==FUZZ INVARIANT BROKEN==|ERROR: AddressSanitizer|runtime error' "$log"; then
    result="**finding**"
    failed=1
  else
    result=clean
  fi
  printf '| `%s` | %s | %s | %s | %s | %s | %s MB | %s |\n' "$t" "${runs:-?}" "${eps:-?}" \
    "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$result"
done
exit $failed
