/* json_write.c — JSON string escaping with UTF-8 validation (RFC 8259 §7,
 * RFC 3629 §4 for what valid UTF-8 is). */
#include "json_write.h"

#include "json_utf8.h"
#include "plain_copy.h"

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* JSON's plain bytes (plain_copy.h): printable ASCII but '"' and '\\' (RFC
 * 8259 §7 makes those two and the controls the only characters that must be
 * escaped; 0x7f and bytes ≥ 0x80 go the byte-wise way for \u007f and UTF-8
 * checks). Out of line, as its three callers had it. */
static bool copy_plain(char *d, const uint8_t *s, size_t n) {
  return plain_copy(d, s, n, '"');
}

/* Strings with bytes to escape or check as UTF-8, or that do not fit in
 * the buffer: byte by byte (whole plain words skipped). Kept out of line so
 * the common path of json_str stays small. */
static NOINLINE void json_str_escaped(out_buf *o, const uint8_t *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0; /* start of the pending run of bytes copied as they are */
  out_putc(o, '"');
  for (size_t i = 0; i < n;) {
    if (n - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (plain_word(w, '"')) {
        i += 8;
        continue;
      }
    }
    uint8_t c = s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      i++;
      continue;
    }
    size_t ulen = c >= 0x80 ? json_utf8_len(s + i, n - i) : 0;
    if (ulen) {
      i += ulen;
      continue;
    }
    out_write(o, s + run, i - run);
    switch (c) {
    case '"':
      out_write(o, "\\\"", 2);
      break;
    case '\\':
      out_write(o, "\\\\", 2);
      break;
    case '\n':
      out_write(o, "\\n", 2);
      break;
    case '\r':
      out_write(o, "\\r", 2);
      break;
    case '\t':
      out_write(o, "\\t", 2);
      break;
    default: {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out_write(o, esc, 6);
    }
    }
    i++;
    run = i;
  }
  out_write(o, s + run, n - run);
  out_putc(o, '"');
}

void json_str(out_buf *o, const char *str, size_t n) {
  const uint8_t *s = (const uint8_t *)str;
  if (n == 0) { /* also covers s == NULL */
    out_write(o, "\"\"", 2);
    return;
  }
  /* The common case: every byte plain and room in the buffer, so the
   * string goes straight in between its quotes. */
  if (n + 2 <= o->cap - o->len && copy_plain(o->data + o->len + 1, s, n)) {
    o->data[o->len] = '"';
    o->data[o->len + n + 1] = '"';
    o->len += n + 2;
    return;
  }
  json_str_escaped(o, s, n);
}

void json_str_pair(out_buf *o, const char *a, size_t an, const char *b, size_t bn) {
  /* ["a","b"]: one room check and no calls when both are plain and non-empty. */
  char *d = o->data + o->len;
  if (an && bn && an + bn + 7 <= o->cap - o->len && copy_plain(d + 2, (const uint8_t *)a, an) &&
      copy_plain(d + an + 5, (const uint8_t *)b, bn)) {
    memcpy(d, "[\"", 2);
    memcpy(d + 2 + an, "\",\"", 3);
    memcpy(d + 5 + an + bn, "\"]", 2);
    o->len += an + bn + 7;
    return;
  }
  out_putc(o, '[');
  json_str(o, a, an);
  out_putc(o, ',');
  json_str(o, b, bn);
  out_putc(o, ']');
}
