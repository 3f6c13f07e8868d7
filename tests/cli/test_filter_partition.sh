#!/usr/bin/env bash
# test_filter_partition.sh — the property of display filters: for any X,
# `read -Y 'X'` and `read -Y 'not (X)'` partition the output (every frame and
# event of the unfiltered output is in exactly one of them; with --lint, every
# finding). 200 expressions from a seeded generator over the whole grammar
# (filter_exprs.py) run on two captures made of the bundled ones (several
# files read as one capture), alternately; every 10th also with --lint.
set -euo pipefail
H=${H2SCOPE:?}
C=${H2_SOURCE_DIR:?}/corpus/captures
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$C"
groups=("rst_stream.pcap upgrade.pcap continuation.pcap" "padding.pcap sample.pcapng concurrent.pcap")
run() { # OUT GROUP [OPTS...]: read --json -j 1; --lint may exit 1
  local out=$1 g rc=0
  read -r -a g <<<"$2"
  shift 2
  "$H" read --json -j 1 "${g[@]}" "$@" >"$out" || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "FAIL: read ${g[*]} $* exited $rc" >&2; return 1; }
}
for i in 0 1; do
  run "$work/all$i" "${groups[$i]}"
  run "$work/lint$i" "${groups[$i]}" --lint
  sort "$work/all$i" >"$work/all$i.sorted"
  sort "$work/lint$i" >"$work/lint$i.sorted"
done
fail=0 n=0 nonempty=0
while IFS= read -r x; do
  i=$((n % 2))
  opts=()
  all=$work/all$i.sorted
  if [ $((n % 10)) = 9 ]; then
    opts=(--lint)
    all=$work/lint$i.sorted
  fi
  n=$((n + 1))
  run "$work/yes" "${groups[$i]}" "${opts[@]}" -Y "$x" || { fail=1; continue; }
  run "$work/no" "${groups[$i]}" "${opts[@]}" -Y "not ($x)" || { fail=1; continue; }
  [ -s "$work/yes" ] && [ -s "$work/no" ] && nonempty=$((nonempty + 1))
  if ! cmp -s <(sort "$work/yes" "$work/no") "$all" || [ -n "$(sort "$work/yes" | comm -12 - <(sort "$work/no"))" ]; then
    echo "FAIL: -Y '$x' and its negation do not partition ${groups[$i]} ${opts[*]}"
    fail=1
  fi
done < <(python3 "$here/filter_exprs.py" 20261207 200)
[ "$n" = 200 ] || { echo "FAIL: $n expressions ran"; fail=1; }
# The generator must make expressions that split the output, not only ones
# that keep all or nothing.
[ "$nonempty" -ge 60 ] || { echo "FAIL: only $nonempty of $n expressions split the output"; fail=1; }
[ "$fail" = 0 ] && echo "ok: $n expressions, $nonempty split the output in two non-empty parts"
exit "$fail"
