#!/usr/bin/env bash
# filter_speed.sh — what a display filter costs: `read -q --summary -Y EXPR`
# against `read -q --summary` on the same capture, in the same run, paired
# (A B A B ...) as interleaved /usr/bin/time runs (and by hyperfine when it
# is installed), median wall and CPU time and their ratio. On
# many-conns.pcap and one-conn.pcap of bench/make-captures.sh (recorded
# first if missing), with -j 1 (the filter's own cost) and the default -j.
# The target (issue #18): 'status >= 500' within 1.5x of no filter.
# usage: bench/filter_speed.sh [H2SCOPE_BINARY]   (default build/release/h2scope)
#   RUNS (default 5); FILTERS: the expressions, one per line (default below)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
H=${1:-$root/build/release/h2scope}
runs=${RUNS:-5}
captures=${BENCH_CAPTURES:-$root/bench/captures}
filters=${FILTERS:-'status >= 500
header[":path"] matches "^/[a-z]+/[0-9]+$" or type == RST_STREAM
method == "GET" and content-type contains "html" and stream > 100'}
if [ ! -f "$captures/many-conns.pcap" ] || [ ! -f "$captures/one-conn.pcap" ]; then
  CAPTURES="many-conns one-conn" "$root/bench/make-captures.sh" >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, RUNS=$runs"
printf '| %-10s | %-4s | %-62s | %-17s | %-17s | %s |\n' capture -j filter "no filter wall (cpu)" \
  "filter wall (cpu)" "ratio wall (cpu)"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------ ------ ---------------------------------------------------------------- \
  ------------------- ------------------- ------------------
while IFS= read -r expr; do
  for cap in many-conns one-conn; do
    f=$captures/$cap.pcap
    for j in 1 2; do
      rm -f "$work"/*.wall "$work"/*.cpu
      for _ in $(seq "$runs"); do
        for side in base filt; do
          args=(read -q --summary -j "$j" "$f")
          [ "$side" = filt ] && args+=(-Y "$expr")
          /usr/bin/time -f '%e %U %S' -o "$work/t" "$H" "${args[@]}" >/dev/null 2>&1
          read -r wall user sys <"$work/t"
          echo "$wall" >>"$work/$side.wall"
          awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f\n", u + s }' >>"$work/$side.cpu"
        done
      done
      bw=$(median <"$work/base.wall") bc=$(median <"$work/base.cpu")
      fw=$(median <"$work/filt.wall") fc=$(median <"$work/filt.cpu")
      rw=$(awk -v a="$fw" -v b="$bw" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
      rc=$(awk -v a="$fc" -v b="$bc" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
      printf '| %-10s | %-4s | %-62s | %-17s | %-17s | %s× (%s×) |\n' "$cap" "$j" "\`$expr\`" \
        "$bw ($bc)" "$fw ($fc)" "$rw" "$rc"
    done
  done
done <<<"$filters"
# hyperfine times both in one run too (its relative speed: the headline number).
if command -v hyperfine >/dev/null; then
  for cap in many-conns one-conn; do
    echo "hyperfine, $cap, 'status >= 500' vs no filter:"
    hyperfine --runs "$runs" --style basic "$H read -q --summary $captures/$cap.pcap -Y 'status >= 500'" \
      "$H read -q --summary $captures/$cap.pcap" 2>&1 | sed 's/^/    /'
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
