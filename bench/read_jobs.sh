#!/usr/bin/env bash
# read_jobs.sh — `read -j 2` against `read -j 1` (connections decoded on
# worker threads): median (or with STAT=min the minimum) wall time of RUNS
# runs each, interleaved so both
# see the same machine, CPU time (user + system, all threads), peak resident
# size, and the two outputs compared byte for byte. On many-conns.pcap (200
# connections) and one-conn.pcap (one connection) of bench/make-captures.sh,
# recorded first if missing; in -q --summary, --json and text mode.
# usage: bench/read_jobs.sh [H2SCOPE_BINARY]   (default build/release/h2scope)
#   RUNS (default 5); JOBS (default 2): the -j compared with -j 1; STAT=min:
#   the fastest run of each instead of the median (a loaded machine: the
#   run that was least disturbed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
H=${1:-$root/build/release/h2scope}
runs=${RUNS:-5}
jobs=${JOBS:-2}
captures=${BENCH_CAPTURES:-$root/bench/captures}
if [ ! -f "$captures/many-conns.pcap" ] || [ ! -f "$captures/one-conn.pcap" ]; then
  CAPTURES="many-conns one-conn" "$root/bench/make-captures.sh" >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() {
  if [ "${STAT:-median}" = min ]; then
    sort -g | head -1
  else
    sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
  fi
}
# one LABEL J ARGS...: one timed run; wall, cpu and rss appended to $work/LABEL.*
one() {
  local label=$1 j=$2
  shift 2
  local t0=$EPOCHREALTIME
  /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$H" read -j "$j" "$@" >"$work/$label.out" 2>/dev/null
  local t1=$EPOCHREALTIME
  read -r _ user sys rss <"$work/t"
  # the wall time to the millisecond (time's %e has 10 ms steps)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$work/$label.wall"
  awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f\n", u + s }' >>"$work/$label.cpu"
  echo $((rss / 1024)) >>"$work/$label.rss"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, RUNS=$runs, ${STAT:-median}"
printf '| %-14s | %-13s | %-22s | %-22s | %-7s | %-11s | %s |\n' capture mode "-j 1 wall (cpu) s" \
  "-j $jobs wall (cpu) s" speedup "RSS MiB" output
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ---------------- --------------- ------------------------ \
  ------------------------ --------- ------------- --------
for cap in many-conns one-conn; do
  f=$captures/$cap.pcap
  for mode in "-q --summary" "--json" "text"; do
    read -r -a opts <<<"${mode/text/}"
    rm -f "$work"/*.wall "$work"/*.cpu "$work"/*.rss
    for _ in $(seq "$runs"); do
      one seq 1 "${opts[@]}" "$f"
      one par "$jobs" "${opts[@]}" "$f"
    done
    sw=$(median <"$work/seq.wall") sc=$(median <"$work/seq.cpu")
    pw=$(median <"$work/par.wall") pc=$(median <"$work/par.cpu")
    sr=$(sort -n "$work/seq.rss" | tail -1) pr=$(sort -n "$work/par.rss" | tail -1)
    same=identical
    cmp -s "$work/seq.out" "$work/par.out" || same=DIFFERENT
    speed=$(awk -v a="$sw" -v b="$pw" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
    printf '| %-14s | %-13s | %-22s | %-22s | %5s× | %4s → %-4s | %s |\n' "$cap" "$mode" \
      "$sw ($sc)" "$pw ($pc)" "$speed" "$sr" "$pr" "$same"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
