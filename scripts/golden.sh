#!/usr/bin/env bash
# Writes what `h2scope read` prints for every bundled capture in every output
# mode into tests/golden/ (the expected outputs that tests/cli/test_golden.sh
# compares byte for byte). Run it after a change that is meant to change the
# output, and review the result with `git diff tests/golden`.
#   scripts/golden.sh [H2SCOPE]    (default: build/release/h2scope)
#   scripts/golden.sh --check DIR  write into DIR instead (used by the test)
# H2_GOLDEN_READ_OPTS adds read options to every run (e.g. "-j 4": the tests
# check that decoding on several threads prints the same files).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/tests/golden
if [ "${1:-}" = --check ]; then
  out=${2:?usage: $0 --check DIR [H2SCOPE]}
  shift 2
fi
H=${1:-$root/build/release/h2scope}
read -r -a extra <<<"${H2_GOLDEN_READ_OPTS:-}"
case $H in /*) ;; *) H=$PWD/$H ;; esac
[ -x "$H" ] || { echo "golden: no h2scope binary at $H (build it first)" >&2; exit 2; }
mkdir -p "$out"
# Relative capture names keep absolute paths out of the outputs (SARIF names
# the capture file).
cd "$root/corpus/captures"
# One line per mode: file suffix, then the read options.
modes=(
  "txt|"
  "json|--json"
  "hpack|--hpack"
  "windows|--windows"
  "data|--data hex --data-max 32"
  "summary|-q --summary"
  "summary.json|-q --summary --json"
  "lint|--lint"
  "lint.json|--lint --json"
)
captures=()
while IFS= read -r f; do captures+=("$f"); done < <(find . -name '*.pcap' -o -name '*.pcapng' | sed 's|^\./||' | LC_ALL=C sort)
for cap in "${captures[@]}"; do
  name=${cap//\//_}
  name=${name%.*}
  key=()
  [ -f "${cap%.*}.keylog" ] && key=(--keylog "${cap%.*}.keylog")
  for m in "${modes[@]}"; do
    suffix=${m%%|*}
    read -r -a opts <<<"${m#*|}"
    rc=0
    "$H" read "${extra[@]}" "${opts[@]}" "${key[@]}" "$cap" >"$out/$name.$suffix" 2>&1 || rc=$?
    echo "exit $rc" >>"$out/$name.$suffix"
  done
  rc=0
  "$H" read "${extra[@]}" -q "${key[@]}" --lint --sarif "$out/$name.sarif" "$cap" >/dev/null 2>&1 || rc=$?
  "$H" read "${extra[@]}" -q "${key[@]}" --har "$out/$name.har" "$cap" >/dev/null 2>&1 || rc=$?
done
