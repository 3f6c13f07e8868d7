/* buf.h — the one growable write buffer: every builder of bytes (check's
 * frames, replay's texts, get's bodies, hpack's command line, the decoders'
 * holding buffers) appends through it. It grows on demand up to a hard limit
 * chosen by its owner and never beyond; an append that does not fit (the
 * limit, or no memory) sets a sticky error and leaves the bytes as they were,
 * and every later append is dropped, so a builder checks once at the end.
 * The counterpart of cursor.h (reads). Header-only, like cursor.h. */
#ifndef H2_BUF_H
#define H2_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct h2_buf {
  uint8_t *p;
  size_t len;     /* bytes held */
  size_t cap;     /* bytes allocated */
  size_t limit;   /* never holds more than this */
  bool failed;    /* an append did not fit (limit or memory): sticky */
  bool no_memory; /* ... because realloc failed, not the limit (to say which) */
} h2_buf;

/* An empty buffer that will hold at most `limit` bytes (nothing allocated
 * yet). */
static inline void h2_buf_init(h2_buf *b, size_t limit) {
  b->p = NULL;
  b->len = b->cap = 0;
  b->limit = limit;
  b->failed = b->no_memory = false;
}

static inline void h2_buf_free(h2_buf *b) {
  free(b->p);
  h2_buf_init(b, b->limit);
}

/* Empties the buffer and clears the error; keeps the allocation. */
static inline void h2_buf_reset(h2_buf *b) {
  b->len = 0;
  b->failed = b->no_memory = false;
}

/* Room for `extra` more bytes: grows (doubling, capped at the limit) when
 * needed. False, with the sticky error set, when it cannot. */
static inline bool h2_buf_reserve(h2_buf *b, size_t extra) {
  if (b->failed) return false;
  if (extra <= b->cap - b->len) return true;
  if (b->len > b->limit || extra > b->limit - b->len) {
    b->failed = true;
    return false;
  }
  size_t want = b->len + extra;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < want)
    cap = cap > b->limit / 2 ? b->limit : cap * 2;
  if (cap > b->limit) cap = b->limit;
  uint8_t *p = (uint8_t *)realloc(b->p, cap ? cap : 1);
  if (!p) {
    b->failed = b->no_memory = true;
    return false;
  }
  b->p = p;
  b->cap = cap;
  return true;
}

static inline bool h2_buf_put(h2_buf *b, const void *p, size_t n) {
  if (!h2_buf_reserve(b, n)) return false;
  if (n) memcpy(b->p + b->len, p, n);
  b->len += n;
  return true;
}

/* n copies of one byte (padding, filler). */
static inline bool h2_buf_fill(h2_buf *b, uint8_t byte, size_t n) {
  if (!h2_buf_reserve(b, n)) return false;
  if (n) memset(b->p + b->len, byte, n); /* p is NULL while nothing was reserved */
  b->len += n;
  return true;
}

static inline bool h2_buf_put_u8(h2_buf *b, uint8_t v) {
  return h2_buf_put(b, &v, 1);
}

/* v as `n` big-endian bytes (network order, n <= 8). */
static inline bool h2_buf_put_be(h2_buf *b, uint64_t v, unsigned n) {
  uint8_t be[8];
  if (n > 8) n = 8;
  for (unsigned i = 0; i < n; i++)
    be[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
  return h2_buf_put(b, be, n);
}

/* Removes the first n bytes (what a consumer has used up). */
static inline void h2_buf_consume(h2_buf *b, size_t n) {
  if (n >= b->len) {
    b->len = 0;
    return;
  }
  memmove(b->p, b->p + n, b->len - n);
  b->len -= n;
}

#endif
