#!/usr/bin/env bash
# check_speed.sh — how long `h2scope check` takes for its whole server suite
# against `h2scope serve` and against nghttpd, in one run: wall time of the
# suite and per case, one case at a time (-j 1) and with the default -j, the
# median of RUNS runs each (the numbers of bench/README.md, section "check
# speed"). h2spec runs too when it is on PATH; the comparison with h2spec,
# round by round, h2c and TLS, is bench/check_vs_h2spec.sh.
# usage: bench/check_speed.sh [H2SCOPE_BINARY] [RUNS]
set -euo pipefail
H=${1:-build/release/h2scope}
RUNS=${2:-5}
work=$(mktemp -d)
chmod 755 "$work"
. "$(dirname "$0")/../tests/cli/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
mkdir "$work/www"
echo hello >"$work/www/index.html"
chmod -R a+rX "$work/www"

declare -A port
port[serve]=$(free_port)
start_serve "${port[serve]}"
peers=(serve)
if command -v nghttpd >/dev/null; then
  port[nghttpd]=$(free_port)
  start_nghttpd "$work/www" "${port[nghttpd]}"
  peers+=(nghttpd)
else
  echo "nghttpd not installed: serve only" >&2
fi
cases=$("$H" check --list | wc -l)

# median of the wall times (s) of RUNS runs of a command (its exit status
# is ignored: nghttpd fails five cases)
median_wall() {
  local i t0 t1 times=()
  for i in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=("$(((t1 - t0) / 1000))")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p" | awk '{ printf "%.4f", $1 / 1e6 }'
}

printf '%-10s %-12s %6s %10s %14s\n' peer mode cases "wall (s)" "per case (ms)"
for p in "${peers[@]}"; do
  for j in 1 default; do
    jarg=(-j "$j")
    [ $j = default ] && jarg=()
    w=$(median_wall "$H" check "127.0.0.1:${port[$p]}" "${jarg[@]}" --color=never)
    awk -v p="$p" -v m="-j $j" -v n="$cases" -v w="$w" 'BEGIN {
      printf "%-10s %-12s %6d %10.4f %14.3f\n", p, m, n, w, 1000 * w / n }'
  done
  if command -v h2spec >/dev/null; then
    w=$(median_wall h2spec -h 127.0.0.1 -p "${port[$p]}")
    awk -v p="$p" -v w="$w" 'BEGIN { printf "%-10s %-12s %6d %10.4f %14.3f\n", p, "h2spec", 146, w, 1000 * w / 146 }'
  fi
done
