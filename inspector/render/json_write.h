/* json_write.h — JSON emission into an out_buf. Strings are always valid JSON
 * whatever the bytes: valid UTF-8 passes through, control characters are
 * escaped, and every byte that is not part of a valid UTF-8 sequence
 * (overlongs, surrogates, truncated or stray continuation bytes, > U+10FFFF)
 * is written as \u00XX — so a consumer can tell exactly which bytes came in. */
#ifndef H2SCOPE_JSON_WRITE_H
#define H2SCOPE_JSON_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "out_buf.h"

/* A quoted JSON string of the bytes s[0..n). */
void json_str(out_buf *o, const char *s, size_t n);
/* ["a","b"], both strings as json_str writes them (a header field). */
void json_str_pair(out_buf *o, const char *a, size_t an, const char *b, size_t bn);
static inline void json_cstr(out_buf *o, const char *s) {
  json_str(o, s, strlen(s));
}
/* ,"key": — `first` suppresses the comma. Keys are trusted ASCII. */
static inline void json_key(out_buf *o, const char *key, int first) {
  if (!first) out_putc(o, ',');
  out_putc(o, '"');
  out_puts(o, key);
  out_write(o, "\":", 2);
}

#endif
