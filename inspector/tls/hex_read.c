/* hex_read.c — hex decoding with whitespace and '#' comments (hex_read.h). */
#include "hex_read.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void hex_reader_init(hex_reader *h) {
  h->hi = -1;
  h->comment = false;
  h->pos = 0;
}

long hex_reader_feed(hex_reader *h, const char *text, size_t len, uint8_t *out, uint64_t *bad_at) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (h->comment) {
      h->comment = c != '\n';
      continue;
    }
    if (c == '#') {
      h->comment = true;
      continue;
    }
    if (is_space(c)) continue;
    int v = hexval(c);
    if (v < 0) {
      *bad_at = h->pos + i;
      h->pos += i;
      return -1;
    }
    if (h->hi < 0) {
      h->hi = v;
    } else {
      out[n++] = (uint8_t)(h->hi << 4 | v);
      h->hi = -1;
    }
  }
  h->pos += len;
  return (long)n;
}

bool hex_reader_complete(const hex_reader *h) {
  return h->hi < 0;
}

long hex_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *bad_at) {
  /* Counts the digits first so `out` is never written past cap. */
  size_t digits = 0;
  bool comment = false;
  for (size_t i = 0; i < len; i++) {
    if (comment)
      comment = text[i] != '\n';
    else if (text[i] == '#')
      comment = true;
    else if (hexval(text[i]) >= 0)
      digits++;
    else if (!is_space(text[i])) {
      *bad_at = i;
      return -1;
    }
  }
  if (digits % 2) {
    *bad_at = len;
    return -1;
  }
  if (digits / 2 > cap) return -2;
  hex_reader h;
  hex_reader_init(&h);
  uint64_t bad = 0;
  return hex_reader_feed(&h, text, len, out, &bad);
}
