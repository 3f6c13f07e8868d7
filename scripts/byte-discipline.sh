#!/usr/bin/env bash
# byte-discipline.sh — every read of untrusted bytes goes through the cursor
# (codec/include/h2/cursor.h) and every HTTP/2 frame header through the one
# scanner (h2_frame_header_decode in codec/src/frame_decode.c). Prints each
# line of the product sources (inspector/, session/src, codec/src) that
# assembles a field from subscripted bytes by hand (`p[0] << 16 |`,
# `[i + 1] << 8`, `hdr[3] << 8 | hdr[4]`) or indexes input at an offset
# (`p[off + 5]`) outside the allowlist below; prints nothing when there is
# none.
#   scripts/byte-discipline.sh [ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
patterns=(
  '\] *\)? *<< *(8|16|24)\b' # a byte shifted into a field: p[0] << 16 | p[1] << 8 | p[2]
  '[A-Za-z_]\[(off|pos) *\+'   # p[off + 5]
)
# Files that may assemble bytes by hand, and why.
allow=(
  # The scanner itself reads through the cursor; the cursor is where shifts live.
  'codec/include/h2/cursor.h'
  # Writers: they build bytes of their own, they read nothing untrusted.
  'codec/src/hpack_encoder.c'     # packs the caller's characters into a word to test them
)
allowed() {
  local f=$1 a
  for a in "${allow[@]}"; do
    # shellcheck disable=SC2053 # the allowlist entries are globs
    [[ $f == $a ]] && return 0
  done
  return 1
}
for pat in "${patterns[@]}"; do
  grep -rnE --include='*.c' --include='*.h' -e "$pat" inspector session/src codec/src || true
done | sort -u | while IFS= read -r hit; do
  allowed "${hit%%:*}" || printf 'raw byte read: %s\n' "$hit"
done
