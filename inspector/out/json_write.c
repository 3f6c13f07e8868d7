/* json_write.c — JSON string escaping with UTF-8 validation (RFC 8259 §7,
 * RFC 3629 §4 for what valid UTF-8 is). */
#include "json_write.h"

#include "json_utf8.h"

void json_str(out_buf *o, const char *str, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const uint8_t *s = (const uint8_t *)str;
  size_t run = 0; /* start of the pending run of bytes copied as they are */
  if (n == 0) {   /* also covers s == NULL */
    out_write(o, "\"\"", 2);
    return;
  }
  out_putc(o, '"');
  for (size_t i = 0; i < n;) {
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
