#!/usr/bin/env bash
# multi_file.sh — reading a capture cut into files (editcap -c) costs about
# what reading it whole costs: `h2scope read -q --summary` of the whole
# capture and of the directory of its pieces, median wall time of RUNS runs
# each (CPU time, user + system: the machine is shared, wall time varies
# with its load), same run, and the two outputs compared (the set's summary has one
# extra "files:" line).
# usage: bench/multi_file.sh [CAPTURE] [PACKETS_PER_FILE] [H2SCOPE_BINARY]
#   defaults: bench/captures/data-heavy.pcap (bench/make-captures.sh) 100000
#   build/release/h2scope; RUNS (default 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cap=${1:-$root/bench/captures/data-heavy.pcap}
per=${2:-100000}
H=${3:-$root/build/release/h2scope}
runs=${RUNS:-5}
[ -f "$cap" ] || { echo "no $cap: run bench/make-captures.sh" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/set"
editcap -c "$per" "$cap" "$work/set/part.pcap"
nfiles=$(find "$work/set" -type f | wc -l)

sync # the pieces are on disk, not being written back while timed

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# one ARG LABEL: one timed run, its seconds appended to $work/LABEL.times
one() {
  /usr/bin/time -f '%U %S' -o "$work/t" "$H" read -q --summary "$1" >"$work/$2.out" 2>/dev/null
  awk '{ printf "%.2f\n", $1 + $2 }' "$work/t" >>"$work/$2.times"
}
for _ in $(seq "$runs"); do # interleaved, so both see the same machine
  one "$cap" whole
  one "$work/set" set
done
whole=$(median <"$work/whole.times")
set=$(median <"$work/set.times")
grep -v '^files: ' "$work/set.out" >"$work/set.cmp"
same=identical
cmp -s "$work/whole.out" "$work/set.cmp" || same=DIFFERENT
printf '%s (%s bytes) whole: %ss CPU; as %s files of %s packets: %ss CPU; ratio %s; summaries %s\n' \
  "$(basename "$cap")" "$(stat -c %s "$cap")" "$whole" "$nfiles" "$per" "$set" \
  "$(awk -v a="$set" -v b="$whole" 'BEGIN { printf "%.3f", a / b }')" "$same"
