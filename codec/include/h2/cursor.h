/* cursor.h — bounds-checked reads of untrusted bytes (a pointer plus the
 * length left). Every getter fails instead of reading past the end; no other
 * code does pointer arithmetic on input. Header-only so the hot paths inline. */
#ifndef H2_CURSOR_H
#define H2_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct h2_cursor {
  const uint8_t *p;
  size_t left;
} h2_cursor;

static inline h2_cursor h2_cursor_make(const uint8_t *p, size_t len) {
  h2_cursor c = {p, len};
  return c;
}

static inline bool h2_cursor_get_u8(h2_cursor *c, uint8_t *out) {
  if (c->left < 1) return false;
  *out = c->p[0];
  c->p += 1;
  c->left -= 1;
  return true;
}

static inline bool h2_cursor_get_u16(h2_cursor *c, uint16_t *out) {
  if (c->left < 2) return false;
  *out = (uint16_t)((c->p[0] << 8) | c->p[1]);
  c->p += 2;
  c->left -= 2;
  return true;
}

static inline bool h2_cursor_get_u24(h2_cursor *c, uint32_t *out) {
  if (c->left < 3) return false;
  *out = ((uint32_t)c->p[0] << 16) | ((uint32_t)c->p[1] << 8) | c->p[2];
  c->p += 3;
  c->left -= 3;
  return true;
}

static inline bool h2_cursor_get_u32(h2_cursor *c, uint32_t *out) {
  if (c->left < 4) return false;
  *out = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) | ((uint32_t)c->p[2] << 8) |
         c->p[3];
  c->p += 4;
  c->left -= 4;
  return true;
}

/* Little-endian, for the capture formats that write in the host's order
 * (pcapng sections, §3.1 of its draft). HTTP/2 and TLS are big-endian. */
static inline bool h2_cursor_get_u32_le(h2_cursor *c, uint32_t *out) {
  if (c->left < 4) return false;
  *out = ((uint32_t)c->p[3] << 24) | ((uint32_t)c->p[2] << 16) | ((uint32_t)c->p[1] << 8) |
         c->p[0];
  c->p += 4;
  c->left -= 4;
  return true;
}

/* Takes n bytes as a sub-span (no copy). */
static inline bool h2_cursor_get_bytes(h2_cursor *c, size_t n, const uint8_t **out) {
  if (c->left < n) return false;
  *out = c->p;
  c->p += n;
  c->left -= n;
  return true;
}

/* Splits off the next n bytes as their own cursor. */
static inline bool h2_cursor_get_sub(h2_cursor *c, size_t n, h2_cursor *sub) {
  if (c->left < n) return false;
  sub->p = c->p;
  sub->left = n;
  c->p += n;
  c->left -= n;
  return true;
}

static inline bool h2_cursor_skip(h2_cursor *c, size_t n) {
  if (c->left < n) return false;
  c->p += n;
  c->left -= n;
  return true;
}

static inline bool h2_cursor_peek_u8(const h2_cursor *c, uint8_t *out) {
  if (c->left < 1) return false;
  *out = c->p[0];
  return true;
}

#endif
