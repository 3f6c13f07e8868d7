#!/usr/bin/env bash
# test_golden_jobs.sh — `read -j 1` (one thread: the default is a thread per
# core), `read -j 2` and `read -j 4` (connections decoded on
# worker threads) print exactly the golden files of tests/golden/, every
# bundled capture in every mode, like one thread (test_golden.sh).
set -euo pipefail
H=${H2SCOPE:?}
S=${H2_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for j in 1 2 4; do
  mkdir "$work/j$j"
  H2_GOLDEN_READ_OPTS="-j $j" "$S/scripts/golden.sh" --check "$work/j$j" "$H"
  if ! diff -r "$S/tests/golden" "$work/j$j" >"$work/diff"; then
    head -60 "$work/diff" >&2
    echo "FAIL: read -j $j differs from tests/golden" >&2
    exit 1
  fi
  echo "golden -j $j: $(ls "$work/j$j" | wc -l) files identical"
done
