#!/usr/bin/env bash
# fuzz_speed.sh — the throughput of `h2scope fuzz` (inputs per second, each
# input on its own connection) against `h2scope serve` and nghttpd on
# loopback, in one run: serve started apart (the network alone judges) and
# serve started by fuzz (-- CMD: the monitor polled after every input), the
# median of RUNS runs of --runs N inputs each with --seed 1 (the numbers of
# bench/README.md, section "fuzz throughput").
# usage: bench/fuzz_speed.sh [H2SCOPE_BINARY] [RUNS] [N]
set -euo pipefail
H=${1:-build/release/h2scope}
RUNS=${2:-3}
N=${3:-3000}
work=$(mktemp -d)
chmod 755 "$work"
. "$(dirname "$0")/../tests/cli/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
mkdir "$work/www"
echo hello >"$work/www/index.html"

# median of the inputs/s of RUNS runs: fuzz_median HOST:PORT [-- CMD...] (last:
# what follows -- is the command)
fuzz_median() {
  local i rates=()
  for i in $(seq "$RUNS"); do
    "$H" fuzz --seed 1 --runs "$N" --json --out "$work/out" "$@" >"$work/run.json" 2>/dev/null || true
    rates+=("$(tail -1 "$work/run.json" | grep -o '"inputs_per_second":[0-9.]*' | cut -d: -f2)")
  done
  printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

p=$(free_port)
start_serve "$p"
echo "serve (apart):   $(fuzz_median "127.0.0.1:$p") inputs/s"
p2=$(free_port)
echo "serve (-- CMD):  $(fuzz_median "127.0.0.1:$p2" -- "$H" serve --port "$p2") inputs/s"
if command -v nghttpd >/dev/null; then
  p3=$(free_port)
  start_nghttpd "$work/www" "$p3"
  echo "nghttpd (apart): $(fuzz_median "127.0.0.1:$p3") inputs/s"
fi
