#!/usr/bin/env bash
# test_byte_discipline.sh — the product sources keep the one byte discipline
# that scripts/byte-discipline.sh checks: no length assembled from raw bytes
# outside the cursor and the frame-header scanner, no byte buffer grown by
# hand with realloc outside h2_buf (codec/include/h2/buf.h) and the
# allow-list, no realloc whose result goes untested. And each check can fail:
# lines planted in a copy of the sources are caught and named (a hand-decoded
# 24-bit length, a char buffer grown by realloc, a realloc used untested,
# assigned over its own argument or not assigned at all), while a checked
# realloc of an array and a byte buffer in an allowed file (h2_buf itself)
# are not; read -j's files, no longer on the allow-list, are checked too.
set -euo pipefail
S=${H2_SOURCE_DIR:?}
out=$(bash "$S/scripts/byte-discipline.sh" "$S" 2>&1) || { echo "$out" >&2; echo "FAIL: byte-discipline.sh did not run" >&2; exit 1; }
if [ -n "$out" ]; then
  echo "$out" >&2
  echo "FAIL: the byte discipline is broken (raw reads outside the cursor, bytes grown outside h2_buf, or an unchecked realloc)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/session" "$work/codec"
cp -r "$S/scripts" "$S/inspector" "$work/"
cp -r "$S/session/src" "$work/session/"
cp -r "$S/codec/src" "$S/codec/include" "$work/codec/"
check() { # FILE TEXT: the output for the copy with TEXT appended to FILE
  cp "$S/$1" "$work/$1"
  printf '%s\n' "$2" >>"$work/$1"
  bash "$work/scripts/byte-discipline.sh" "$work" >"$work/log" 2>&1 || true
  cp "$S/$1" "$work/$1"
}
plant() { # KIND FILE TEXT: TEXT appended to FILE must be caught as KIND, naming FILE
  check "$2" "$3"
  grep -q "^$1: $2:" "$work/log" ||
    { cat "$work/log" >&2; echo "FAIL: '$1' planted in $2 was not caught: $3" >&2; exit 1; }
}
clean() { # FILE TEXT: TEXT appended to FILE must not be reported
  check "$1" "$2"
  if [ -s "$work/log" ]; then
    cat "$work/log" >&2
    echo "FAIL: reported, but it keeps the discipline: $1: $2" >&2
    exit 1
  fi
}
plant 'raw byte read' inspector/read/h2_detect.c '  uint32_t len = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];'
plant 'raw byte read' codec/src/hpack_decoder.c '  size_t n = (size_t)in[pos + 1] << 8 | in[pos + 2];'
plant 'raw byte read' inspector/check/check_run.c '  uint8_t type = p[off + 3];'
plant 'raw byte read' session/src/session_recv.c '  uint16_t v = (uint16_t)(h[3] << 8 | h[4]);'
plant 'byte buffer grown by hand' inspector/render/json_write.c \
  "$(printf '  char *q = realloc(o->text, o->len + n + 1);\n  if (!q) return false;')"
plant 'byte buffer grown by hand' session/src/session_send.c \
  "$(printf '  uint8_t *nb = (uint8_t *)realloc(s->pending, cap * 2);\n  if (nb == NULL) return;')"
plant 'unchecked realloc' codec/src/hpack_table.c \
  "$(printf '  entry *n = realloc(t->items, cap * sizeof *n);\n  n[t->count++] = e;')"
plant 'unchecked realloc' inspector/talk/exchange_track.c \
  '  t->open = realloc(t->open, cap * sizeof *t->open);'
plant 'unchecked realloc' inspector/filter/filter_parse.c \
  '  use(realloc(f->nodes, cap * sizeof *f->nodes));'
clean inspector/filter/filter_parse.c \
  "$(printf '  filter_node *n = realloc(f->nodes, cap * sizeof *n);\n  if (!n) return false;')"
# read -j's buffers are h2_bufs now: its file is off the allow-list
plant 'byte buffer grown by hand' inspector/cli/read_jobs.c \
  "$(printf '  char *q = realloc(m->p, cap);\n  if (!q) return false;')"
clean codec/include/h2/buf.h \
  "$(printf '  uint8_t *q = (uint8_t *)realloc(b->p, cap);\n  if (!q) return false;')"
echo "byte discipline: reads through the cursor, bytes grown through h2_buf, every realloc tested"
