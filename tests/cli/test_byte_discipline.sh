#!/usr/bin/env bash
# test_byte_discipline.sh — no product source assembles a length from raw
# bytes outside the cursor and the frame-header scanner
# (scripts/byte-discipline.sh names each such line), and the check can fail:
# a hand-decoded 24-bit length planted in a copy is caught and named.
set -euo pipefail
S=${H2_SOURCE_DIR:?}
out=$(bash "$S/scripts/byte-discipline.sh" "$S" 2>&1) || { echo "$out" >&2; echo "FAIL: byte-discipline.sh did not run" >&2; exit 1; }
if [ -n "$out" ]; then
  echo "$out" >&2
  echo "FAIL: raw length reads outside the cursor (codec/include/h2/cursor.h) and h2_frame_header_decode" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/session" "$work/codec"
cp -r "$S/scripts" "$S/inspector" "$work/"
cp -r "$S/session/src" "$work/session/"
cp -r "$S/codec/src" "$S/codec/include" "$work/codec/"
plant() { # FILE LINE: the copy with LINE appended to FILE must be caught, naming FILE
  cp "$S/$1" "$work/$1"
  printf '%s\n' "$2" >>"$work/$1"
  bash "$work/scripts/byte-discipline.sh" "$work" >"$work/log" 2>&1 || true
  grep -q "^raw byte read: $1:" "$work/log" ||
    { cat "$work/log" >&2; echo "FAIL: a raw read planted in $1 was not caught: $2" >&2; exit 1; }
  cp "$S/$1" "$work/$1"
}
plant inspector/read/h2_detect.c '  uint32_t len = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];'
plant codec/src/hpack_decoder.c '  size_t n = (size_t)in[pos + 1] << 8 | in[pos + 2];'
plant inspector/check/check_run.c '  uint8_t type = p[off + 3];'
plant session/src/session_recv.c '  uint16_t v = (uint16_t)(h[3] << 8 | h[4]);'
echo "byte discipline: every length read goes through the cursor or the frame-header scanner"
