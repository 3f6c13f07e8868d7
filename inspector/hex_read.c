/* hex_read.c — hex decoding with whitespace skipping (hex_read.h). */
#include "hex_read.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

long hex_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *bad_at) {
  size_t n = 0;
  int hi = -1;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
      continue;
    int v = hexval(c);
    if (v < 0) {
      *bad_at = i;
      return -1;
    }
    if (hi < 0) {
      hi = v;
      continue;
    }
    if (n == cap)
      return -2;
    out[n++] = (uint8_t)(hi << 4 | v);
    hi = -1;
  }
  if (hi >= 0) {
    *bad_at = len;
    return -1;
  }
  return (long)n;
}
