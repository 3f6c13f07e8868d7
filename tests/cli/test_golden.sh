#!/usr/bin/env bash
# test_golden.sh — every bundled capture in every output mode of `read` (text,
# JSON, --hpack, --data, summaries, lint, SARIF, HAR) prints exactly the files
# under tests/golden/. A change meant to alter the output regenerates them with
# scripts/golden.sh and shows the difference as a reviewable diff.
set -euo pipefail
H=${H2SCOPE:?}
S=${H2_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$S/scripts/golden.sh" --check "$work" "$H"
want=$(ls "$S/tests/golden" | wc -l)
got=$(ls "$work" | wc -l)
[ "$want" -gt 100 ] || { echo "FAIL: only $want golden files" >&2; exit 1; }
if ! diff -r "$S/tests/golden" "$work" >"$work.diff"; then
  head -60 "$work.diff" >&2
  echo "FAIL: output differs from tests/golden ($(grep -c '^diff' "$work.diff") files; $got written, $want expected); scripts/golden.sh regenerates them" >&2
  rm -f "$work.diff"
  exit 1
fi
rm -f "$work.diff"
echo "golden: $got files identical"
