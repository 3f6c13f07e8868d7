#!/usr/bin/env bash
# run.sh — every h2scope benchmark against its reference, same machine, same run.
#   bench/run.sh [--json] [--no-build] [--skip-inspector] [--skip-codec]
# Builds the release preset, then runs the codec benchmarks (bench_hpack,
# bench_frames: libnghttp2 as reference) and the inspector benchmarks (h2scope
# read vs tshark and cat on the captures of bench/make-captures.sh, recorded
# first if missing). Prints a Markdown table, or JSON lines with --json.
# BENCH_RUNS / BENCH_SECONDS (codec, default 5 × ≥1 s) and INSPECTOR_RUNS
# (default 5; tshark -V on the full capture takes minutes per run) tune it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${H2_SHARED_DIR:-$root/../shared}
json=0 build=1 inspector=1 codec=1
for a in "$@"; do
  case $a in
  --json) json=1 ;;
  --no-build) build=0 ;;
  --skip-inspector) inspector=0 ;;
  --skip-codec) codec=0 ;;
  *) echo "usage: bench/run.sh [--json] [--no-build] [--skip-inspector] [--skip-codec]" >&2; exit 2 ;;
  esac
done
bin=$root/build/release
if [ $build = 1 ]; then
  (cd "$root" && cmake --workflow --preset release >/dev/null)
fi
jflag=()
[ $json = 1 ] && jflag=(--json)

stories=()
for d in "$shared"/vectors/hpack-test-case/*/; do
  case $d in */raw-data/) continue ;; esac
  stories+=(--stories "$d")
done
if [ $codec = 1 ]; then
  "$bin/bench/bench_hpack" "${jflag[@]}" "${stories[@]}"
  [ $json = 0 ] && echo
  "$bin/bench/bench_frames" "${jflag[@]}"
  [ $json = 0 ] && echo
fi
[ $inspector = 1 ] || exit 0

captures=${BENCH_CAPTURES:-$root/bench/captures}
if [ ! -f "$captures/headers-heavy.pcap" ] || [ ! -f "$captures/data-heavy.pcap" ]; then
  "$root/bench/make-captures.sh" >&2
fi
port=$(sed -n 's/^port=//p' "$captures/port")
runs=${INSPECTOR_RUNS:-5}
h2scope=$bin/h2scope
timefile=$(mktemp)
trap 'rm -f "$timefile"' EXIT

# measure NAME CMD... → sets med_time (median wall seconds) and max_rss (MiB)
measure() {
  local times=() rss=0 t m
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$timefile" -f '%e %M' "$@" >/dev/null 2>&1
    read -r t m <"$timefile"
    times+=("$t")
    if [ "$m" -gt "$rss" ]; then rss=$m; fi
  done
  med_time=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
  max_rss=$((rss / 1024))
}

report() { # name what ours_time ref_time ref_name frames bytes rss
  local name=$1 what=$2 ours=$3 ref=$4 refname=$5 frames=$6 bytes=$7 rss=$8
  local ratio mbs fps
  ratio=$(awk -v a="$ref" -v b="$ours" 'BEGIN {printf "%.3g", (b > 0) ? a / b : 0}')
  mbs=$(awk -v s="$bytes" -v t="$ours" 'BEGIN {printf "%.1f", (t > 0) ? s / t / 1e6 : 0}')
  fps=$(awk -v s="$frames" -v t="$ours" 'BEGIN {printf "%.4g", (t > 0) ? s / t : 0}')
  if [ $json = 1 ]; then
    printf '{"bench":"%s","h2scope":%s,"reference":%s,"unit":"s","reference_name":"%s","mb_per_s":%s,"frames_per_s":%s,"rss_mb":%s,"ratio":%s}\n' \
      "$name" "$ours" "$ref" "$refname" "$mbs" "$fps" "$rss" "$ratio"
  else
    printf '| %-44s | %8s s | %8s s (%s) | %8s MB/s | %10s frames/s | %5s MiB | **%s×** |\n' \
      "$what" "$ours" "$ref" "$refname" "$mbs" "$fps" "$rss" "$ratio"
  fi
}

[ $json = 0 ] && printf '| Inspector (median of %s runs) | h2scope | reference | h2scope MB/s | frames/s | peak RSS | speedup |\n|---|---|---|---|---|---|---|\n' "$runs"
for cap in headers-heavy data-heavy; do
  f=$captures/$cap.pcap
  bytes=$(stat -c %s "$f")
  frames=$("$h2scope" read -q --summary --json "$f" 2>/dev/null | grep '"summary":"capture"' | grep -o '"frames":[0-9]*' | cut -d: -f2 || true)
  frames=${frames:-0}
  measure cat "$f"; t_cat=$med_time
  if [ $cap = headers-heavy ]; then
    measure tshark -r "$f" -d "tcp.port==$port,http2" -Y http2 -T fields -e http2.type -e http2.streamid
    t_fields=$med_time
    measure tshark -r "$f" -d "tcp.port==$port,http2" -Y http2 -V
    t_verbose=$med_time
    measure "$h2scope" read -q --summary "$f"
    report inspector-headers-summary "headers-heavy: read -q --summary vs tshark -T fields" "$med_time" "$t_fields" tshark-fields "$frames" "$bytes" "$max_rss"
    measure "$h2scope" read --json "$f"
    report inspector-headers-json "headers-heavy: read --json vs tshark -T fields" "$med_time" "$t_fields" tshark-fields "$frames" "$bytes" "$max_rss"
    measure "$h2scope" read "$f"
    report inspector-headers-text "headers-heavy: read (text) vs tshark -V" "$med_time" "$t_verbose" tshark-V "$frames" "$bytes" "$max_rss"
  else
    measure "$h2scope" read --json "$f"
    report inspector-data-json "data-heavy: read --json vs cat (I/O floor)" "$med_time" "$t_cat" cat "$frames" "$bytes" "$max_rss"
  fi
done
