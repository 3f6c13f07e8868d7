#!/usr/bin/env bash
# read_jobs_threads.sh — what `read -j 2` could do on two free cores, measured
# on a busy machine: the CPU time (user + system, the fastest of RUNS) of
# -j 1 and -j 2, how the -j 2 work divides between the threads (perf
# task-clock samples per thread of one run), and the bound that follows:
# the longer of the busiest thread and half of all the CPU time. Wall time
# on a shared machine measures the neighbours; these do not.
# usage: bench/read_jobs_threads.sh [H2SCOPE_BINARY...]  (default build/release/h2scope)
#   RUNS (default 3); output goes to $TMPDIR (default /tmp: set /dev/shm for tmpfs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$root/build/release/h2scope"
runs=${RUNS:-3}
captures=${BENCH_CAPTURES:-$root/bench/captures}
command -v perf >/dev/null || {
  echo "perf is needed (apt-get install linux-perf)" >&2
  exit 1
}
if [ ! -f "$captures/many-conns.pcap" ] || [ ! -f "$captures/one-conn.pcap" ]; then
  CAPTURES="many-conns one-conn" "$root/bench/make-captures.sh" >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# cpu BIN J ARGS...: the fastest CPU time of RUNS runs
cpu() {
  local bin=$1 j=$2 best=
  shift 2
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%U %S' -o "$work/t" "$bin" read -j "$j" "$@" >"$work/out" 2>/dev/null
    best=$(awk -v b="$best" '{ c = $1 + $2; print (b == "" || c < b) ? c : b }' "$work/t")
  done
  echo "$best"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, RUNS=$runs"
echo "| build | capture | mode | -j 1 CPU s | -j 2 CPU s | -j 2 threads | bound s | bound speedup |"
echo "|---|---|---|---|---|---|---|---|"
for cap in many-conns one-conn; do
  for mode in "-q --summary" "--json" "text"; do
    read -r -a opts <<<"${mode/text/}"
    for bin in "$@"; do
      c1=$(cpu "$bin" 1 "${opts[@]}" "$captures/$cap.pcap")
      c2=$(cpu "$bin" 2 "${opts[@]}" "$captures/$cap.pcap")
      perf record -q -e task-clock -o "$work/perf.data" "$bin" read -j 2 "${opts[@]}" \
        "$captures/$cap.pcap" >"$work/out" 2>/dev/null
      shares=$(perf report -i "$work/perf.data" --sort pid --stdio -g none 2>/dev/null |
        awk '!/^#/ && NF { sub("%", "", $1); printf "%s%.0f", sep, $1; sep = " / " }')
      awk -v c1="$c1" -v c2="$c2" -v sh="$shares" -v cap="$cap" -v mode="$mode" \
        -v bin="$(basename "$(dirname "$bin")")/$(basename "$bin")" 'BEGIN {
          n = split(sh, s, " / "); m = 0
          for (i = 1; i <= n; i++) if (s[i] + 0 > m) m = s[i] + 0
          t = m / 100 * c2; h = c2 / 2; b = t > h ? t : h
          printf "| %s | %s | %s | %.2f | %.2f | %s %% | %.2f | %.2f× |\n", bin, cap, mode, c1, c2, sh, b, c1 / b }'
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
