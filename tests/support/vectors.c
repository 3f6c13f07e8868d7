/* vectors.c — file, hex and JSON loading for the test suites (vectors.h). */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>

char *vectors_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0, r;
  char *buf = malloc(cap + 1);
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *b = realloc(buf, cap * 2 + 1);
      if (!b) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = b;
      cap *= 2;
    }
  }
  fclose(f);
  if (!buf)
    return NULL;
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

uint8_t *vectors_hex_decode(const char *hex, size_t hex_len, size_t *out_len) {
  uint8_t *out = malloc(hex_len / 2 + 1);
  size_t n = 0;
  int hi = -1;
  if (!out)
    return NULL;
  for (size_t i = 0; i < hex_len; i++) {
    char c = hex[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
      continue;
    int v = hexval(c);
    if (v < 0) {
      free(out);
      return NULL;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0) {
    free(out);
    return NULL;
  }
  *out_len = n;
  return out;
}

json_doc *vectors_load_json(const char *path) {
  size_t len;
  char *text = vectors_read_file(path, &len);
  if (!text) {
    fprintf(stderr, "cannot read %s\n", path);
    return NULL;
  }
  char err[256];
  json_doc *d = json_parse(text, len, err, sizeof err);
  if (!d)
    fprintf(stderr, "%s: %s\n", path, err);
  free(text);
  return d;
}
