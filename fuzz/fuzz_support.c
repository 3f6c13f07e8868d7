/* fuzz_support.c — the helpers every fuzz target links: input reader,
 * invariant failure reporting, verbose logging, counting allocator. */
#include "fuzz_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int verbose_state = -1; /* -1: not decided yet */

bool fuzz_verbose(void) {
  if (verbose_state < 0) {
    const char *env = getenv("H2_FUZZ_VERBOSE");
    verbose_state = env && env[0] && strcmp(env, "0") != 0;
  }
  return verbose_state == 1;
}

void fuzz_set_verbose(bool on) {
  verbose_state = on ? 1 : 0;
}

void fuzz_log(const char *fmt, ...) {
  if (!fuzz_verbose()) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
}

void fuzz_log_hex(const char *label, const uint8_t *p, size_t n) {
  if (!fuzz_verbose()) return;
  fprintf(stderr, "%s (%zu bytes):", label, n);
  size_t shown = n < 64 ? n : 64;
  for (size_t i = 0; i < shown; i++)
    fprintf(stderr, " %02x", p[i]);
  fprintf(stderr, "%s\n", n > shown ? " ..." : "");
}

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...) {
  fprintf(stderr, "\n==FUZZ INVARIANT BROKEN== %s:%d: %s\n  ", file, line, cond);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  fflush(stderr);
  abort();
}

fuzz_reader fuzz_reader_make(const uint8_t *data, size_t size) {
  fuzz_reader r = {data, data ? size : 0};
  return r;
}

uint8_t fuzz_u8(fuzz_reader *r) {
  if (r->left == 0) return 0;
  uint8_t v = r->p[0];
  r->p++;
  r->left--;
  return v;
}

uint16_t fuzz_u16(fuzz_reader *r) {
  uint16_t hi = fuzz_u8(r);
  return (uint16_t)((hi << 8) | fuzz_u8(r));
}

uint32_t fuzz_u32(fuzz_reader *r) {
  uint32_t hi = fuzz_u16(r);
  return (hi << 16) | fuzz_u16(r);
}

bool fuzz_bool(fuzz_reader *r) {
  return (fuzz_u8(r) & 1) != 0;
}

const uint8_t *fuzz_bytes(fuzz_reader *r, size_t n, size_t *got) {
  if (n > r->left) n = r->left;
  const uint8_t *p = r->p;
  r->p += n;
  r->left -= n;
  *got = n;
  return p;
}

const uint8_t *fuzz_rest(fuzz_reader *r, size_t *got) {
  return fuzz_bytes(r, r->left, got);
}

void *fuzz_alloc(void *ctx, size_t size) {
  fuzz_alloc_state *st = ctx;
  if (st->budget == 0) {
    st->failures++;
    return NULL;
  }
  if (st->budget > 0) st->budget--;
  void *p = malloc(size ? size : 1);
  if (p) st->live++;
  return p;
}

void fuzz_free(void *ctx, void *ptr) {
  fuzz_alloc_state *st = ctx;
  if (!ptr) return;
  st->live--;
  free(ptr);
}
