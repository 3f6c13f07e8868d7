#!/usr/bin/env bash
# byte-discipline.sh — the one byte discipline of the product sources
# (inspector/, session/src, codec/src, codec/include), checked by pattern:
#
# 1. Reads: every read of untrusted bytes goes through the cursor
#    (codec/include/h2/cursor.h) and every HTTP/2 frame header through the
#    one scanner (h2_frame_header_decode in codec/src/frame_decode.c). A line
#    that assembles a field from subscripted bytes by hand (`p[0] << 16 |`,
#    `[i + 1] << 8`, `hdr[3] << 8 | hdr[4]`) or indexes input at an offset
#    (`p[off + 5]`) is printed as "raw byte read".
# 2. Writes: every byte builder appends through h2_buf (codec/include/h2/buf.h:
#    growable, hard cap, sticky error). A realloc that grows bytes by hand —
#    its size has no `sizeof`, or its result is a char/uint8_t pointer — is
#    printed as "byte buffer grown by hand". Arrays of structs may still be
#    grown with realloc(p, n * sizeof *p).
# 3. Every realloc result is tested before use: a realloc whose result is not
#    assigned, is assigned over its own first argument (the block leaks when
#    it fails), or is not tested (`!n`, `n == NULL`, `if (n)`, `n ?`, `n &&`)
#    on its line or the next three, is printed as "unchecked realloc".
#
# Each rule has an allow-list below, with the reason for every entry. Prints
# nothing when the sources keep the discipline.
#   scripts/byte-discipline.sh [ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
dirs=(inspector session/src codec/src codec/include)
patterns=(
  '\] *\)? *<< *(8|16|24)\b' # a byte shifted into a field: p[0] << 16 | p[1] << 8 | p[2]
  '[A-Za-z_]\[(off|pos) *\+'   # p[off + 5]
)
# Files that may assemble bytes by hand, and why.
allow_reads=(
  # The scanner itself reads through the cursor; the cursor is where shifts live.
  'codec/include/h2/cursor.h'
  # Writers: they build bytes of their own, they read nothing untrusted.
  'codec/src/hpack_encoder.c' # packs the caller's characters into a word to test them
)
# Files that may grow bytes with realloc, and why.
allow_growth=(
  'codec/include/h2/buf.h' # h2_buf itself: the one place bytes are grown
)
allowed() { # FILE LIST...: FILE matches one of the globs in LIST
  local f=$1 a
  shift
  for a in "$@"; do
    # shellcheck disable=SC2053 # the allowlist entries are globs
    [[ $f == $a ]] && return 0
  done
  return 1
}
sources() {
  find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort
}

# 1. raw reads
for pat in "${patterns[@]}"; do
  grep -rnE --include='*.c' --include='*.h' -e "$pat" "${dirs[@]}" || true
done | sort -u | while IFS= read -r hit; do
  allowed "${hit%%:*}" "${allow_reads[@]}" || printf 'raw byte read: %s\n' "$hit"
done

# 2. and 3. realloc: a byte buffer grown by hand, a result not tested
sources | while IFS= read -r f; do
  grep -q 'realloc' "$f" || continue
  awk -v file="$f" '
    function isid(c) { return c ~ /[A-Za-z0-9_]/ }
    function skipsp(s) { sub(/^[ \t]+/, "", s); return s }
    # Whether text tests v: !v, v == NULL, v != NULL, v ?, v &&, v ||, if (v), while (v).
    function tests(text, v,    rest, pos, before, after, c0) {
      rest = text
      while ((pos = index(rest, v)) > 0) {
        before = substr(rest, 1, pos - 1)
        after = substr(rest, pos + length(v))
        c0 = substr(before, length(before), 1)
        if (!isid(c0) && c0 != "." && c0 != ">" && !isid(substr(after, 1, 1))) {
          sub(/[ \t(]+$/, "", before)
          if (substr(before, length(before), 1) == "!") return 1
          a = skipsp(after)
          if (a ~ /^(==|!=|\?|&&|\|\|)/) return 1
          if (before ~ /(if|while)$/ && a ~ /^\)/) return 1
        }
        rest = after
      }
      return 0
    }
    { line[NR] = $0 }
    END {
      for (i = 1; i <= NR; i++) {
        s = line[i]
        if (s ~ /^[ \t]*(\*|\/\*|\/\/)/ || s !~ /realloc[ \t]*\(/) continue
        call = substr(s, index(s, "realloc"))
        j = i
        while (call !~ /;/ && j < NR && j < i + 3) { j++; call = call " " line[j] }
        hit = file ":" i ": " s
        # 2. bytes: no sizeof in the call, or a byte pointer receives it
        if (call !~ /sizeof/ || s ~ /(char|uint8_t|u_char)[ \t]*\*[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*(\([^()]*\)[ \t]*)?realloc/)
          grown[++ng] = hit
        # 3. the result: assigned to v (the last assignment before realloc)
        pre = substr(s, 1, index(s, "realloc") - 1)
        v = ""
        if (match(pre, /[A-Za-z_][A-Za-z0-9_]*(->[A-Za-z_][A-Za-z0-9_]*|\.[A-Za-z_][A-Za-z0-9_]*|\[[^]]*\])*[ \t]*=[^=]/)) {
          v = substr(pre, RSTART, RLENGTH - 1)
          sub(/[ \t]*=$/, "", v)
        }
        arg = substr(call, index(call, "(") + 1)
        arg = skipsp(substr(arg, 1, index(arg, ",") - 1))
        if (v == "") { bad[++nb] = hit " (result not assigned)"; continue }
        if (arg == v) { bad[++nb] = hit " (result overwrites its argument)"; continue }
        window = substr(s, index(s, "realloc"))
        for (k = i + 1; k <= NR && k <= i + 3; k++) window = window "\n" line[k]
        if (!tests(window, v)) bad[++nb] = hit " (" v " not tested)"
      }
      for (k = 1; k <= ng; k++) print "G " grown[k]
      for (k = 1; k <= nb; k++) print "U " bad[k]
    }' "$f"
done | while IFS= read -r hit; do
  kind=${hit%% *}
  hit=${hit#* }
  if [ "$kind" = G ]; then
    allowed "${hit%%:*}" "${allow_growth[@]}" || printf 'byte buffer grown by hand: %s\n' "$hit"
  else
    printf 'unchecked realloc: %s\n' "$hit"
  fi
done
