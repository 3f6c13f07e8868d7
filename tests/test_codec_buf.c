/* test_codec_buf.c — h2/buf.h, the growable write buffer: it grows to its
 * limit and never past it, an append that does not fit leaves the bytes as
 * they were and sets the sticky error, big-endian writes, consume, reset. */
#include <check.h>

#include "run_suite.h"
#include <stdint.h>
#include <string.h>

#include "h2/buf.h"

START_TEST(grows_up_to_the_limit) {
  h2_buf b;
  h2_buf_init(&b, 1000);
  ck_assert_ptr_null(b.p);
  uint8_t chunk[100];
  memset(chunk, 7, sizeof chunk);
  for (int i = 0; i < 10; i++)
    ck_assert(h2_buf_put(&b, chunk, sizeof chunk));
  ck_assert_uint_eq(b.len, 1000);
  ck_assert_uint_le(b.cap, 1000);
  ck_assert(!b.failed);
  /* one more byte does not fit: refused, sticky, nothing changed */
  ck_assert(!h2_buf_put_u8(&b, 1));
  ck_assert(b.failed);
  ck_assert_uint_eq(b.len, 1000);
  ck_assert(!h2_buf_put(&b, NULL, 0)); /* even an empty append after an error */
  h2_buf_consume(&b, 990);
  ck_assert_uint_eq(b.len, 10);
  ck_assert(!h2_buf_put_u8(&b, 1)); /* still failed until reset */
  h2_buf_reset(&b);
  ck_assert(!b.failed);
  ck_assert_uint_eq(b.len, 0);
  ck_assert(h2_buf_put_u8(&b, 1));
  h2_buf_free(&b);
  ck_assert_ptr_null(b.p);
  ck_assert_uint_eq(b.limit, 1000); /* a freed buffer can be used again */
}
END_TEST

START_TEST(too_large_at_once_keeps_the_bytes) {
  h2_buf b;
  h2_buf_init(&b, 64);
  ck_assert(h2_buf_put(&b, "abc", 3));
  uint8_t big[65] = {0};
  ck_assert(!h2_buf_put(&b, big, sizeof big));
  ck_assert_uint_eq(b.len, 3);
  ck_assert_mem_eq(b.p, "abc", 3);
  h2_buf_free(&b);
}
END_TEST

START_TEST(big_endian_and_consume) {
  h2_buf b;
  h2_buf_init(&b, 1 << 20);
  ck_assert(h2_buf_put_be(&b, 0x010203, 3));
  ck_assert(h2_buf_put_be(&b, 0xa1b2c3d4, 4));
  ck_assert(h2_buf_put_be(&b, 0x7f, 1));
  ck_assert(h2_buf_fill(&b, 0xee, 2));
  static const uint8_t want[] = {1, 2, 3, 0xa1, 0xb2, 0xc3, 0xd4, 0x7f, 0xee, 0xee};
  ck_assert_uint_eq(b.len, sizeof want);
  ck_assert_mem_eq(b.p, want, sizeof want);
  h2_buf_consume(&b, 3);
  ck_assert_mem_eq(b.p, want + 3, sizeof want - 3);
  h2_buf_consume(&b, 100);
  ck_assert_uint_eq(b.len, 0);
  /* growth past the first allocation keeps every byte */
  for (uint32_t i = 0; i < 100000; i++)
    ck_assert(h2_buf_put_be(&b, i, 4));
  for (uint32_t i = 0; i < 100000; i += 997) {
    uint32_t v = (uint32_t)b.p[4 * i] << 24 | (uint32_t)b.p[4 * i + 1] << 16 |
                 (uint32_t)b.p[4 * i + 2] << 8 | b.p[4 * i + 3];
    ck_assert_uint_eq(v, i);
  }
  h2_buf_free(&b);
}
END_TEST

START_TEST(zero_limit_holds_nothing) {
  h2_buf b;
  h2_buf_init(&b, 0);
  ck_assert(!h2_buf_put_u8(&b, 1));
  ck_assert(b.failed);
  ck_assert_ptr_null(b.p);
  h2_buf_free(&b);
}
END_TEST

static Suite *buf_suite(void) {
  Suite *s = suite_create("codec_buf");
  TCase *tc = tcase_create("buf");
  tcase_add_test(tc, grows_up_to_the_limit);
  tcase_add_test(tc, too_large_at_once_keeps_the_bytes);
  tcase_add_test(tc, big_endian_and_consume);
  tcase_add_test(tc, zero_limit_holds_nothing);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(buf_suite());
}
