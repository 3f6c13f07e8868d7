#!/usr/bin/env bash
# test_house.sh — the wings of inspector/ call only down: every include
# between two parts of docs/house.json follows one of its arrows, none breaks
# a never-rule, and the live-peer folders (check, replay, serve, get) never
# include each other (scripts/house.sh measures it).
set -euo pipefail
S=${H2_SOURCE_DIR:?}
command -v jq >/dev/null || { echo "test_house: jq is needed (scripts/install-deps.sh)" >&2; exit 1; }
out=$(bash "$S/scripts/house.sh" 2>&1) || { echo "$out" >&2; echo "FAIL: an include breaks docs/house.json" >&2; exit 1; }
if [ -n "$out" ]; then
  echo "$out" >&2
  echo "FAIL: includes that follow no arrow of docs/house.json" >&2
  exit 1
fi
# The check itself can fail: a decode file that includes a writer is caught.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$S/docs" "$S/scripts" "$work/"
mkdir -p "$work/inspector"
cp -r "$S/inspector/." "$work/inspector/"
cp -r "$S/codec" "$S/session" "$work/"
echo '#include "json_write.h"' >>"$work/inspector/read/h2_detect.c"
if bash "$work/scripts/house.sh" >"$work/log" 2>&1; then
  echo "FAIL: house.sh did not catch read/h2_detect.c including json_write.h" >&2
  exit 1
fi
grep -q "up-call decode -> render: inspector/read/h2_detect.c" "$work/log" ||
  { cat "$work/log" >&2; echo "FAIL: the planted up-call is not named" >&2; exit 1; }
echo "house: every include follows docs/house.json"
