/* test_talk_body.c — streaming Content-Encoding decoding (talk/
 * body_decode.c): gzip, zlib-wrapped and raw deflate, zstd and br give the
 * original bytes whatever the sizes the wire bytes come in; chained codings
 * are undone in reverse order; a corrupt or truncated stream, a body past
 * --max-body and a decompression bomb past --max-body-ratio stop decoding
 * with the state and the decoded offset; an unknown coding passes through. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "body_decode.h"

typedef struct sink {
  uint8_t *p;
  size_t len, cap;
  size_t max_chunk;
  bool offsets_ok;
} sink;

static void collect(void *user, const uint8_t *p, size_t n, uint64_t offset) {
  sink *s = user;
  if (offset != s->len) s->offsets_ok = false;
  if (n > s->max_chunk) s->max_chunk = n;
  if (s->len + n > s->cap) {
    s->cap = (s->len + n) * 2;
    s->p = realloc(s->p, s->cap);
    ck_assert_ptr_nonnull(s->p);
  }
  memcpy(s->p + s->len, p, n);
  s->len += n;
}

/* Bytes that compress well but are not trivial. */
static uint8_t *sample(size_t n) {
  uint8_t *p = malloc(n);
  ck_assert_ptr_nonnull(p);
  uint32_t x = 12345;
  for (size_t i = 0; i < n; i++) {
    x = x * 1103515245u + 12345u;
    p[i] = (uint8_t)("abcdefgh \n"[(x >> 16) % 10]);
  }
  return p;
}

/* windowBits: 15 + 16 gzip, 15 zlib, -15 raw deflate. */
static uint8_t *deflate_with(const uint8_t *in, size_t n, int window_bits, size_t *out_len) {
  z_stream z;
  memset(&z, 0, sizeof z);
  ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  size_t cap = deflateBound(&z, n) + 64;
  uint8_t *out = malloc(cap);
  ck_assert_ptr_nonnull(out);
  z.next_in = (Bytef *)(uintptr_t)in;
  z.avail_in = (uInt)n;
  z.next_out = out;
  z.avail_out = (uInt)cap;
  ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
  *out_len = cap - z.avail_out;
  deflateEnd(&z);
  return out;
}

static uint8_t *zstd_of(const uint8_t *in, size_t n, size_t *out_len) {
  size_t cap = ZSTD_compressBound(n);
  uint8_t *out = malloc(cap);
  ck_assert_ptr_nonnull(out);
  *out_len = ZSTD_compress(out, cap, in, n, 3);
  ck_assert(!ZSTD_isError(*out_len));
  return out;
}

/* Decodes wire[0..n) fed in pieces of about step bytes (varying). */
static enum body_state decode(const char *coding, const uint8_t *wire, size_t n, size_t step,
                              const body_limits *lim, sink *s) {
  body_limits none = {0, 0};
  body_decoder *d = body_decoder_new(coding, strlen(coding), lim ? lim : &none);
  ck_assert_ptr_nonnull(d);
  memset(s, 0, sizeof *s);
  s->offsets_ok = true;
  for (size_t i = 0, k = 0; i < n; k++) {
    size_t m = step + (k % 7);
    if (m > n - i) m = n - i;
    body_decoder_feed(d, wire + i, m, collect, s);
    i += m;
  }
  body_decoder_finish(d, collect, s);
  enum body_state st = body_decoder_state(d);
  ck_assert_uint_eq(body_decoder_decoded(d), s->len);
  ck_assert_uint_eq(body_decoder_wire(d), n);
  body_decoder_free(d);
  ck_assert(s->offsets_ok);
  ck_assert_uint_le(s->max_chunk, BODY_CHUNK);
  return st;
}

static void expect_same(const char *coding, const uint8_t *wire, size_t n, const uint8_t *want,
                        size_t want_len) {
  static const size_t steps[] = {1, 13, 1000, 16384, 100000};
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
    sink s;
    ck_assert_int_eq(decode(coding, wire, n, steps[i], NULL, &s), BODY_OK);
    ck_assert_uint_eq(s.len, want_len);
    ck_assert(memcmp(s.p, want, want_len) == 0);
    free(s.p);
  }
}

START_TEST(gzip_deflate_raw_deflate) {
  size_t n = 300000, wl;
  uint8_t *body = sample(n);
  uint8_t *w = deflate_with(body, n, 15 + 16, &wl);
  expect_same("gzip", w, wl, body, n);
  expect_same("X-GZip", w, wl, body, n);
  free(w);
  w = deflate_with(body, n, 15, &wl);
  expect_same("deflate", w, wl, body, n);
  free(w);
  w = deflate_with(body, n, -15, &wl);
  expect_same("deflate", w, wl, body, n);
  free(w);
  free(body);
}
END_TEST

START_TEST(gzip_members_concatenated) {
  size_t n = 5000, wl;
  uint8_t *body = sample(2 * n);
  uint8_t *a = deflate_with(body, n, 15 + 16, &wl);
  size_t wl2;
  uint8_t *b = deflate_with(body + n, n, 15 + 16, &wl2);
  uint8_t *both = malloc(wl + wl2);
  ck_assert_ptr_nonnull(both);
  memcpy(both, a, wl);
  memcpy(both + wl, b, wl2);
  expect_same("gzip", both, wl + wl2, body, 2 * n);
  free(a), free(b), free(both), free(body);
}
END_TEST

START_TEST(zstd_and_br) {
  size_t n = 200000, wl;
  uint8_t *body = sample(n);
  uint8_t *w = zstd_of(body, n, &wl);
  expect_same("zstd", w, wl, body, n);
  free(w);
  free(body);
  /* `brotli -c` of the text below (the test links no brotli encoder). */
  static const uint8_t br[] = {
  0xa1, 0xe0, 0x03, 0x00, 0x66, 0xa4, 0xaa, 0xfd, 0xc1, 0x80, 0x4d, 0xfb,
  0x4a, 0x22, 0x44, 0x05, 0xdf, 0x52, 0x27, 0x8d, 0x0d, 0x99, 0x70, 0x3a,
  0x50, 0x8c, 0x12, 0x08, 0x0f, 0x48, 0xcf, 0x0d, 0x01, 0xd6, 0xef, 0xd1,
  0x1d, 0xf0, 0xc4, 0x44, 0x62, 0xb1, 0x39, 0x5c, 0x1e, 0x3f, 0x73, 0x64,
  0x52, 0x96, 0xed, 0xb8, 0x5e, 0x8c, 0x24, 0x49, 0x92, 0x94, 0x24, 0x49,
  0x92, 0x6e, 0x0d, 0x3e
  };
  static const char text[] = "brotli body: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 \n";
  expect_same("br", br, sizeof br, (const uint8_t *)text, strlen(text));
}
END_TEST

START_TEST(chained_codings_reverse_order) {
  size_t n = 100000, gl, zl;
  uint8_t *body = sample(n);
  uint8_t *g = deflate_with(body, n, 15 + 16, &gl); /* gzip applied first */
  uint8_t *z = zstd_of(g, gl, &zl);                 /* then zstd */
  expect_same("gzip, zstd", z, zl, body, n);
  expect_same("identity,gzip , zstd", z, zl, body, n);
  free(g), free(z), free(body);
}
END_TEST

START_TEST(corrupt_and_truncated) {
  size_t n = 100000, wl;
  uint8_t *body = sample(n);
  uint8_t *w = deflate_with(body, n, 15 + 16, &wl);
  sink s;
  ck_assert_int_eq(decode("gzip", w, wl / 2, 100, NULL, &s), BODY_ERROR);
  ck_assert_uint_lt(s.len, n);
  ck_assert(memcmp(s.p, body, s.len) == 0);
  free(s.p);
  for (size_t i = wl / 3; i < wl / 3 + 64; i++) w[i] ^= 0x5a;
  ck_assert_int_eq(decode("gzip", w, wl, 100, NULL, &s), BODY_ERROR);
  ck_assert_uint_lt(s.len, n);
  free(s.p);
  static const uint8_t junk[] = "this is not gzip at all";
  ck_assert_int_eq(decode("gzip", junk, sizeof junk, 5, NULL, &s), BODY_ERROR);
  ck_assert_uint_eq(s.len, 0);
  free(s.p);
  free(w), free(body);
}
END_TEST

START_TEST(bomb_and_size_limits) {
  size_t n = 64u << 20, wl;
  uint8_t *zeros = calloc(1, n);
  ck_assert_ptr_nonnull(zeros);
  uint8_t *w = deflate_with(zeros, n, 15 + 16, &wl);
  free(zeros);
  sink s;
  body_limits ratio = {0, 100};
  ck_assert_int_eq(decode("gzip", w, wl, 4096, &ratio, &s), BODY_BOMB);
  ck_assert_uint_lt(s.len, 4u << 20); /* stopped soon after 1 MiB decoded */
  ck_assert_uint_gt(s.len, BODY_RATIO_FLOOR);
  free(s.p);
  body_limits size = {1000000, 0};
  ck_assert_int_eq(decode("gzip", w, wl, 4096, &size, &s), BODY_TOO_LARGE);
  ck_assert_uint_eq(s.len, 1000000);
  free(s.p);
  body_limits defaults = {BODY_DEFAULT_MAX_DECODED, BODY_DEFAULT_MAX_RATIO};
  ck_assert_int_eq(decode("gzip", w, wl, 4096, &defaults, &s), BODY_BOMB);
  free(s.p);
  /* A small body with a high ratio is not a bomb (the 1 MiB floor). */
  uint8_t small[1000] = {0};
  size_t sl;
  uint8_t *sw = deflate_with(small, sizeof small, 15 + 16, &sl);
  ck_assert_int_eq(decode("gzip", sw, sl, 10, &ratio, &s), BODY_OK);
  ck_assert_uint_eq(s.len, sizeof small);
  free(s.p), free(sw), free(w);
}
END_TEST

START_TEST(unknown_coding_passes_through) {
  sink s;
  static const uint8_t raw[] = "compress(1) data, kept as it is";
  ck_assert_int_eq(decode("compress", raw, sizeof raw, 3, NULL, &s), BODY_UNKNOWN_CODING);
  ck_assert_uint_eq(s.len, sizeof raw);
  free(s.p);
  ck_assert_int_eq(decode("identity", raw, sizeof raw, 3, NULL, &s), BODY_OK);
  ck_assert_uint_eq(s.len, sizeof raw);
  free(s.p);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("talk_body");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, gzip_deflate_raw_deflate);
  tcase_add_test(tc, gzip_members_concatenated);
  tcase_add_test(tc, zstd_and_br);
  tcase_add_test(tc, chained_codings_reverse_order);
  tcase_add_test(tc, corrupt_and_truncated);
  tcase_add_test(tc, bomb_and_size_limits);
  tcase_add_test(tc, unknown_coding_passes_through);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(suite());
}
