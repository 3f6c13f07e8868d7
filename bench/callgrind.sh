#!/usr/bin/env bash
# callgrind.sh — instructions per header / per frame of each codec benchmark,
# h2scope and libnghttp2, from valgrind --tool=callgrind. Instruction counts
# repeat exactly run to run (unlike wall time on a shared machine), so a
# change in them is a real regression or gain.
#   bench/callgrind.sh [--no-build] [--json]
# Each benchmark binary runs with BENCH_ONCE=1 BENCH_ONLY=NAME (one check pass
# per contender, nothing timed); --toggle-collect counts only the instructions
# executed inside the contender function (inclusive: the library calls it
# makes), which is one pass over the input. Smaller inputs than bench/run.sh
# (CALLGRIND_LISTS lists, CALLGRIND_REQUESTS requests) keep it to a few minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${H2_SHARED_DIR:-$root/../shared}
json=0 build=1
for a in "$@"; do
  case $a in
  --json) json=1 ;;
  --no-build) build=0 ;;
  *) echo "usage: bench/callgrind.sh [--no-build] [--json]" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 3; }
bin=$root/build/release/bench
if [ $build = 1 ]; then
  (cd "$root" && cmake --workflow --preset release >/dev/null)
fi
lists=${CALLGRIND_LISTS:-10000}
requests=${CALLGRIND_REQUESTS:-5000}
stories=()
for d in "$shared"/vectors/hpack-test-case/*/; do
  case $d in */raw-data/) continue ;; esac
  stories+=(--stories "$d")
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count BENCH FUNCTION CMD... → prints "IR UNITS"
count() {
  local bench=$1 fn=$2
  shift 2
  BENCH_ONCE=1 BENCH_ONLY=$bench valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
    --toggle-collect="$fn" "$@" >"$tmp/stdout" 2>"$tmp/stderr" ||
    { cat "$tmp/stderr" >&2; exit 1; }
  local ir units
  ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$tmp/out")
  [ -n "$ir" ] || ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$tmp/out")
  units=$(sed -n "s/.*\"bench\":\"$bench\",\"once\":true,\"units_per_pass\":\([0-9]*\).*/\1/p" "$tmp/stdout")
  echo "$ir $units"
}

[ $json = 0 ] && printf '| callgrind (instructions per unit, one pass) | libnghttp2 | h2scope | ratio |\n|---|---|---|---|\n'
row() { # bench unit ref_fn ours_fn cmd...
  local bench=$1 unit=$2 reffn=$3 oursfn=$4
  shift 4
  local r o rir runits oir ounits
  r=$(count "$bench" "$reffn" "$@")
  o=$(count "$bench" "$oursfn" "$@")
  read -r rir runits <<<"$r"
  read -r oir ounits <<<"$o"
  if [ $json = 1 ]; then
    awk -v b="$bench" -v u="$unit" -v r="$rir" -v o="$oir" -v n="$ounits" 'BEGIN {
      printf "{\"bench\":\"callgrind-%s\",\"h2scope\":%.1f,\"reference\":%.1f,\"unit\":\"instructions/%s\",\"ratio\":%.3f}\n", b, o/n, r/n, u, r/o }'
  else
    awk -v b="$bench" -v u="$unit" -v r="$rir" -v o="$oir" -v n="$ounits" 'BEGIN {
      printf "| %s (%d %ss) | %.1f | %.1f | **%.2f×** |\n", b, n, u, r/n, o/n, r/o }'
  fi
}
row hpack-decode-stories header decode_nghttp2 decode_h2scope "$bin/bench_hpack" --lists 1 "${stories[@]}"
row hpack-decode-4096 header decode_nghttp2 decode_h2scope "$bin/bench_hpack" --lists "$lists"
row hpack-decode-0 header decode_nghttp2 decode_h2scope "$bin/bench_hpack" --lists "$lists"
row hpack-encode header encode_nghttp2 encode_h2scope "$bin/bench_hpack" --lists "$lists"
row frames-headers frame run_nghttp2 run_h2scope "$bin/bench_frames" --requests "$requests"
row frames-data frame run_nghttp2 run_h2scope "$bin/bench_frames" --requests "$requests"
