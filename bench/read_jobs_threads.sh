#!/usr/bin/env bash
# read_jobs_threads.sh — what `read -j 2` could do on two free cores, measured
# on a busy machine: the CPU time (user + system, the fastest of RUNS) of
# -j 1 and -j 2 and their ratio, the context switches of that -j 2 run, how
# the -j 2 work divides between the threads (perf task-clock samples per
# thread of one run: the capture thread, which reads, reassembles and writes,
# and the busiest worker), and the bound that follows: the longer of the
# busiest thread and half of all the CPU time. Wall time on a shared machine
# measures the neighbours; these do not, or much less.
# usage: bench/read_jobs_threads.sh [H2SCOPE_BINARY...]  (default build/release/h2scope)
#   RUNS (default 3); output goes to $TMPDIR (default /tmp: set /dev/shm for tmpfs);
#   PREFIX: a command every run goes through, e.g. PREFIX="chrt -f 10" (root)
#   so that the threads run side by side instead of taking turns with the
#   neighbours' (what two free cores would do)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$root/build/release/h2scope"
runs=${RUNS:-3}
read -r -a prefix <<<"${PREFIX:-}"
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
# cpu BIN J ARGS...: the fastest CPU time of RUNS runs and that run's
# context switches (voluntary + involuntary)
cpu() {
  local bin=$1 j=$2 best=
  shift 2
  for _ in $(seq "$runs"); do
    "${prefix[@]}" /usr/bin/time -f '%U %S %w %c' -o "$work/t" "$bin" read -j "$j" "$@" \
      >"$work/out" 2>/dev/null
    best=$(awk -v b="$best" '{ c = $1 + $2; split(b, o, " ")
      print (b == "" || c < o[1]) ? c " " $3 + $4 : b }' "$work/t")
  done
  echo "$best"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, RUNS=$runs"
echo "| build | capture | mode | -j 1 CPU s | -j 2 CPU s | CPU ratio | context switches | capture thread | busiest worker | bound s | bound speedup |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for cap in many-conns one-conn; do
  for mode in "-q --summary" "--json" "text"; do
    read -r -a opts <<<"${mode/text/}"
    for bin in "$@"; do
      read -r c1 _ < <(cpu "$bin" 1 "${opts[@]}" "$captures/$cap.pcap")
      read -r c2 cs < <(cpu "$bin" 2 "${opts[@]}" "$captures/$cap.pcap")
      "${prefix[@]}" perf record -q -e task-clock -o "$work/perf.data" "$bin" read -j 2 \
        "${opts[@]}" "$captures/$cap.pcap" >"$work/out" 2>/dev/null
      # "share tid:comm" per thread; the capture thread is the first (lowest tid)
      shares=$(perf report -i "$work/perf.data" --sort pid --stdio -g none 2>/dev/null |
        awk '!/^#/ && NF { sub("%", "", $1); split($2, t, ":"); print t[1], $1 }' | sort -n |
        awk '{ printf "%s%s", sep, $2; sep = " " }')
      awk -v c1="$c1" -v c2="$c2" -v cs="$cs" -v sh="$shares" -v cap="$cap" -v mode="$mode" \
        -v bin="$(basename "$(dirname "$bin")")/$(basename "$bin")" 'BEGIN {
          n = split(sh, s, " "); m = 0
          for (i = 2; i <= n; i++) if (s[i] + 0 > m) m = s[i] + 0
          t = (m > s[1] ? m : s[1]) / 100 * c2; h = c2 / 2; b = t > h ? t : h
          printf "| %s | %s | %s | %.2f | %.2f | %.3f | %d | %.0f %% | %.0f %% | %.2f | %.2f× |\n",
            bin, cap, mode, c1, c2, c2 / c1, cs, s[1], m, b, c1 / b }'
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
