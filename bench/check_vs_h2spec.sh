#!/usr/bin/env bash
# check_vs_h2spec.sh — `h2scope check` and h2spec, the conformance tester
# HTTP/2 servers are usually compared with, against the same peers in one
# run: `h2scope serve` and nghttpd, each over h2c (prior knowledge) and TLS
# (a self-signed certificate; h2spec -t -k, check --tls). For each peer and
# tool: the cases run and passed, the median wall time of RUNS runs of the
# whole suite, and the time per case (the numbers of bench/README.md,
# section "check speed").
#
# h2spec is not packaged in Debian; H2SPEC names an h2spec binary built
# elsewhere. Without it the script says so and stops (exit 0).
# usage: H2SPEC=/path/to/h2spec bench/check_vs_h2spec.sh [H2SCOPE_BINARY] [RUNS]
set -euo pipefail
H=${1:-build/release/h2scope}
RUNS=${2:-5}
if [ -z "${H2SPEC:-}" ]; then
  echo "SKIP: H2SPEC is not set (the path of an h2spec binary; h2spec is not packaged in Debian)"
  exit 0
fi
if [ ! -x "$H2SPEC" ]; then
  echo "SKIP: H2SPEC=$H2SPEC is not an executable file"
  exit 0
fi
work=$(mktemp -d)
chmod 755 "$work"
. "$(dirname "$0")/../tests/cli/session_peers.sh"
trap 'cleanup_peers; rm -rf "$work"' EXIT
mkdir "$work/www"
echo hello >"$work/www/index.html"
chmod -R a+rX "$work/www"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 1 -subj /CN=127.0.0.1 2>/dev/null

declare -A port tls
peers=()
add_peer() { # name port tls(0/1)
  peers+=("$1")
  port[$1]=$2
  tls[$1]=$3
}
p=$(free_port)
start_serve "$p"
add_peer serve "$p" 0
p=$(free_port)
start_serve "$p" --tls "$work/cert.pem" "$work/key.pem"
add_peer "serve-tls" "$p" 1
if command -v nghttpd >/dev/null; then
  p=$(free_port)
  start_nghttpd "$work/www" "$p"
  add_peer nghttpd "$p" 0
  p=$(free_port)
  start_nghttpd "$work/www" "$p" "$work/key.pem" "$work/cert.pem"
  add_peer "nghttpd-tls" "$p" 1
else
  echo "nghttpd not installed: serve only" >&2
fi

# One timed run: its wall time in µs goes to stdout; what the command
# printed is kept in $work/last (its exit status is ignored: failed cases
# are not a failed run).
timed() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >"$work/last" 2>&1 || true
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))
}
median() { sort -n | sed -n "$(((RUNS + 1) / 2))p"; }

# cases and passed of the last run: check's summary line ("209 passed, 0
# failed, 4 skipped (0 lenient) against ...") or h2spec's ("146 tests, 146
# passed, 0 skipped, 0 failed"); h2spec's failed cases are kept in
# $work/h2spec_failed
counts() {
  local ok failed skipped
  if [ "$1" = h2spec ]; then
    sed -nE 's/^([0-9]+) tests, ([0-9]+) passed.*/\1 \2/p' "$work/last"
    sed -n '/^Failures:/,$p' "$work/last" | grep -E '× ' | sed 's/^ *//' >>"$work/h2spec_failed" || true
  else
    read -r ok failed skipped < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/p' "$work/last")
    echo $((ok + failed + skipped)) "$ok"
  fi
}

"$H2SPEC" --version
"$H" --version | head -1
echo "$RUNS rounds per peer, each: check (default -j), check -j 1, h2spec, in turn; medians"
printf '%-12s %-12s %6s %7s %10s %14s %16s\n' peer tool cases passed "wall (s)" "per case (ms)" "vs h2spec/case"
for p in "${peers[@]}"; do
  targ=() sarg=()
  if [ "${tls[$p]}" = 1 ]; then
    targ=(--tls)
    sarg=(-t -k)
  fi
  : >"$work/h2spec_failed"
  declare -A walls=() n=() ok=()
  ratio_j=() ratio_1=()
  for r in $(seq "$RUNS"); do
    wj=$(timed "$H" check "127.0.0.1:${port[$p]}" "${targ[@]}" --color=never)
    read -r n[check] ok[check] < <(counts check)
    w1=$(timed "$H" check "127.0.0.1:${port[$p]}" "${targ[@]}" -j 1 --color=never)
    read -r n[check1] ok[check1] < <(counts check)
    ws=$(timed "$H2SPEC" -h 127.0.0.1 -p "${port[$p]}" "${sarg[@]}")
    read -r n[h2spec] ok[h2spec] < <(counts h2spec)
    walls[check]+="$wj " walls[check1]+="$w1 " walls[h2spec]+="$ws "
    # per case, this round: check / h2spec
    ratio_j+=("$(awk -v a="$wj" -v na="${n[check]}" -v b="$ws" -v nb="${n[h2spec]}" 'BEGIN { if (na && nb) printf "%.3f", (a / na) / (b / nb); else printf "nan" }')")
    ratio_1+=("$(awk -v a="$w1" -v na="${n[check1]}" -v b="$ws" -v nb="${n[h2spec]}" 'BEGIN { if (na && nb) printf "%.3f", (a / na) / (b / nb); else printf "nan" }')")
  done
  for t in check check1 h2spec; do
    w=$(tr ' ' '\n' <<<"${walls[$t]}" | grep . | median)
    case $t in
    check) name="check" rat=$(printf '%s\n' "${ratio_j[@]}" | median) ;;
    check1) name="check -j 1" rat=$(printf '%s\n' "${ratio_1[@]}" | median) ;;
    h2spec) name="h2spec" rat="" ;;
    esac
    awk -v p="$p" -v t="$name" -v n="${n[$t]}" -v ok="${ok[$t]}" -v w="$w" -v r="$rat" 'BEGIN {
      # n 0: the tool printed no summary (the peer was not reached)
      printf "%-12s %-12s %6d %7d %10.4f %14s %16s\n", p, t, n, ok, w / 1e6,
             n ? sprintf("%.3f", w / 1e3 / n) : "-", r == "" ? "" : r "x" }'
  done
  if [ -s "$work/h2spec_failed" ]; then
    echo "  h2spec failed in some round:"
    sort "$work/h2spec_failed" | uniq -c | sed 's/^/   /'
  fi
done
