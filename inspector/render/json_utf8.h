/* json_utf8.h — what valid UTF-8 is (RFC 3629 §4), shared by the JSON
 * writer (invalid bytes become \\u00XX) and the reader (RFC 8259 §8.1: JSON
 * text is UTF-8; invalid sequences are rejected). */
#ifndef H2SCOPE_JSON_UTF8_H
#define H2SCOPE_JSON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (≤ n bytes), 0 if invalid. */
static inline size_t json_utf8_len(const uint8_t *s, size_t n) {
  uint8_t c = s[0];
  if (c >= 0xc2 && c <= 0xdf)
    return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
      return 0;
    if (c == 0xe0 && s[1] < 0xa0)
      return 0; /* overlong */
    if (c == 0xed && s[1] >= 0xa0)
      return 0; /* UTF-16 surrogate */
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
      return 0;
    if (c == 0xf0 && s[1] < 0x90)
      return 0; /* overlong */
    if (c == 0xf4 && s[1] >= 0x90)
      return 0; /* above U+10FFFF */
    return 4;
  }
  return 0; /* 0x80..0xc1 (continuation, overlong lead), 0xf5..0xff */
}

#endif
