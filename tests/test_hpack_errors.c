/* test_hpack_errors.c — every HPACK rejection with its status and offset
 * (RFC 7541 §4.2, §5.1, §5.2, §6, §2.3.3), the limits, eviction corner cases
 * (§4.4), encoder size updates (§4.2) and the state-unknown mode. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"

static h2_hpack_decoder dec;
static h2_header list[64];
static h2_hpack_field_info infos[64];
static char arena[1 << 17];
static size_t n;
static h2_error err;

static void setup(void) { ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK); }
static void teardown(void) { h2_hpack_decoder_free(&dec); }

static h2_status decode(const uint8_t *b, size_t len) {
  memset(&err, 0, sizeof err);
  return h2_hpack_decode_list(&dec, b, len, list, infos, 64, &n, arena, sizeof arena, &err);
}
#define DECODE(...)                                                                               \
  ({                                                                                              \
    static const uint8_t blk_[] = {__VA_ARGS__};                                                  \
    decode(blk_, sizeof blk_);                                                                    \
  })

START_TEST(integers) {
  uint32_t v;
  size_t used;
  /* 2^32-1 with a 5-bit prefix: 31 + 0xffffffe0 → e0 ff ff ff 0f. */
  const uint8_t max[] = {0x1f, 0xe0, 0xff, 0xff, 0xff, 0x0f};
  ck_assert_int_eq(h2_hpack_int_decode(max, sizeof max, 5, &v, &used), H2_OK);
  ck_assert_uint_eq(v, UINT32_MAX);
  ck_assert_uint_eq(used, 6);
  /* 2^32 */
  const uint8_t over[] = {0x1f, 0xe1, 0xff, 0xff, 0xff, 0x0f};
  ck_assert_int_eq(h2_hpack_int_decode(over, sizeof over, 5, &v, &used),
                   H2_E_HPACK_INTEGER_OVERFLOW);
  /* Six continuation bytes, even zero-valued, are more than any 32-bit value needs. */
  const uint8_t longer[] = {0x1f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  ck_assert_int_eq(h2_hpack_int_decode(longer, sizeof longer, 5, &v, &used),
                   H2_E_HPACK_INTEGER_OVERFLOW);
  /* Five continuation bytes with zeros: allowed. */
  const uint8_t padded[] = {0x1f, 0x81, 0x80, 0x80, 0x80, 0x00};
  ck_assert_int_eq(h2_hpack_int_decode(padded, sizeof padded, 5, &v, &used), H2_OK);
  ck_assert_uint_eq(v, 32);
  const uint8_t cut[] = {0x1f, 0x80};
  ck_assert_int_eq(h2_hpack_int_decode(cut, sizeof cut, 5, &v, &used), H2_E_HPACK_TRUNCATED);
  ck_assert_int_eq(h2_hpack_int_decode(cut, 0, 5, &v, &used), H2_E_HPACK_TRUNCATED);
  /* Encoder round trip over prefixes and boundaries. */
  const uint32_t values[] = {0, 1, 30, 31, 32, 126, 127, 128, 254, 255, 256, 16383, 1u << 21,
                             UINT32_MAX - 1, UINT32_MAX};
  for (unsigned p = 1; p <= 8; p++)
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
      uint8_t out[8];
      size_t w = h2_hpack_int_encode(values[i], p, 0, out, sizeof out);
      ck_assert_uint_gt(w, 0);
      ck_assert_int_eq(h2_hpack_int_decode(out, w, p, &v, &used), H2_OK);
      ck_assert_uint_eq(v, values[i]);
      ck_assert_uint_eq(used, w);
    }
}
END_TEST

START_TEST(representation_errors) {
  ck_assert_int_eq(DECODE(0x82, 0x80), H2_E_HPACK_INDEX_ZERO);
  ck_assert_uint_eq(err.offset, 1);
  ck_assert_int_eq(err.code, 0x9); /* COMPRESSION_ERROR */
  ck_assert_int_eq(DECODE(0xbe), H2_E_HPACK_INDEX_RANGE); /* 62, empty dynamic table */
  ck_assert_int_eq(DECODE(0x7f, 0x00, 0x01, 'x'), H2_E_HPACK_INDEX_RANGE); /* name index 63 */
  ck_assert_int_eq(DECODE(0x82, 0x04), H2_E_HPACK_TRUNCATED); /* literal, value missing */
  ck_assert_uint_eq(err.offset, 1);
  ck_assert_int_eq(DECODE(0x40, 0x03, 'a', 'b'), H2_E_HPACK_TRUNCATED);
  ck_assert_int_eq(DECODE(0x40, 0x81, 0x00, 0x00), H2_E_HPACK_HUFFMAN); /* zero padding */
  ck_assert_int_eq(DECODE(0x82, 0x3f, 0xe1, 0x1f), H2_E_HPACK_SIZE_UPDATE_POSITION);
  ck_assert_uint_eq(err.offset, 1);
  ck_assert_int_eq(DECODE(0x3f, 0xe2, 0x1f), H2_E_HPACK_SIZE_UPDATE_TOO_LARGE); /* 4097 */
  /* Several updates in a row at the start are fine. */
  ck_assert_int_eq(DECODE(0x20, 0x3f, 0xe1, 0x1f, 0x82), H2_OK);
  ck_assert_uint_eq(h2_hpack_decoder_table_max_size(&dec), 4096);
}
END_TEST

START_TEST(lowered_limit_requires_update) {
  ck_assert_int_eq(h2_hpack_decoder_set_max_table_size(&dec, 100), H2_OK);
  ck_assert_int_eq(DECODE(0x82), H2_E_HPACK_SIZE_UPDATE_MISSING);
  ck_assert_int_eq(DECODE(0x3f, 0x46, 0x82), H2_E_HPACK_SIZE_UPDATE_TOO_LARGE); /* 101 */
  ck_assert_int_eq(DECODE(0x3f, 0x45, 0x82), H2_OK);                          /* 100 */
  ck_assert_uint_eq(h2_hpack_decoder_table_max_size(&dec), 100);
  ck_assert_int_eq(DECODE(0x82), H2_OK); /* only the first block needs it */
  /* §4.2: limit lowered to 0 then raised to 2048 before the next block: the
   * smallest (0) must be signalled first. */
  ck_assert_int_eq(h2_hpack_decoder_set_max_table_size(&dec, 0), H2_OK);
  ck_assert_int_eq(h2_hpack_decoder_set_max_table_size(&dec, 2048), H2_OK);
  ck_assert_int_eq(DECODE(0x3f, 0x05, 0x82), H2_E_HPACK_SIZE_UPDATE_MISSING); /* 36 > 0 */
  ck_assert_int_eq(DECODE(0x20, 0x3f, 0x05, 0x82), H2_OK);
  ck_assert_uint_eq(h2_hpack_decoder_table_max_size(&dec), 36);
}
END_TEST

START_TEST(eviction_corner_cases) {
  /* Table max 64: a 32-byte entry fits exactly with 'a'/'' minus... build
   * entries of exact sizes: name "n" + value of k bytes = 33 + k octets. */
  ck_assert_int_eq(DECODE(0x3f, 0x21), H2_OK); /* size update to 64 */
  uint8_t blk[128] = {0x40, 0x01, 'n', 31};
  memset(blk + 4, 'v', 31); /* 1 + 31 + 32 = 64: exactly the max */
  ck_assert_int_eq(decode(blk, 4 + 31), H2_OK);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 1);
  ck_assert_uint_eq(h2_hpack_decoder_table_size(&dec), 64);
  blk[3] = 32; /* 65 octets: larger than the table → table emptied, not an error (§4.4) */
  memset(blk + 4, 'w', 32);
  ck_assert_int_eq(decode(blk, 4 + 32), H2_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_uint_eq(infos[0].evicted, 1);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 0);
  /* Size update to 0 then back to 4096. */
  ck_assert_int_eq(DECODE(0x40, 0x01, 'a', 0x01, 'b'), H2_OK);
  ck_assert_int_eq(DECODE(0x20, 0x3f, 0xe1, 0x1f), H2_OK);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 0);
  ck_assert_int_eq(DECODE(0x40, 0x01, 'a', 0x01, 'b', 0xbe), H2_OK);
  ck_assert_uint_eq(n, 2);
  ck_assert_mem_eq(list[1].name, "a", 1);
  ck_assert_mem_eq(list[1].value, "b", 1);
}
END_TEST

START_TEST(indexed_name_survives_eviction) {
  /* Table of 40 octets: entry "a"/"b" (34); a literal with incremental
   * indexing whose name is index 62 ("a") evicts that very entry. */
  ck_assert_int_eq(DECODE(0x3f, 0x09), H2_OK); /* 40 */
  ck_assert_int_eq(DECODE(0x40, 0x01, 'a', 0x01, 'b'), H2_OK);
  ck_assert_int_eq(DECODE(0x7e, 0x02, 'c', 'd'), H2_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_uint_eq(list[0].name_len, 1);
  ck_assert_mem_eq(list[0].name, "a", 1);
  ck_assert_mem_eq(list[0].value, "cd", 2);
  h2_header e;
  ck_assert(h2_hpack_decoder_table_entry(&dec, 0, &e));
  ck_assert_mem_eq(e.name, "a", 1);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 1);
}
END_TEST

START_TEST(limits) {
  h2_hpack_decoder_free(&dec);
  h2_hpack_decoder_config cfg = {.max_string_len = 4, .max_header_list_size = 80};
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, &cfg), H2_OK);
  ck_assert_int_eq(DECODE(0x40, 0x05, 'a', 'b', 'c', 'd', 'e', 0x00), H2_E_HPACK_STRING_TOO_LONG);
  /* Three fields of 34+ octets exceed 80: the block is still decoded to the
   * end and the table kept in sync; fields past the limit are dropped. */
  ck_assert_int_eq(DECODE(0x40, 0x01, 'a', 0x01, 'b', 0x40, 0x01, 'c', 0x01, 'd', 0x40, 0x01,
                          'e', 0x01, 'f'),
                   H2_E_HPACK_HEADER_LIST_TOO_LARGE);
  ck_assert_uint_eq(err.offset, 10);
  ck_assert_uint_eq(n, 2);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 3);
  ck_assert_int_eq(DECODE(0xbe), H2_OK); /* "e: f" is index 62 */
  ck_assert_mem_eq(list[0].name, "e", 1);
}
END_TEST

START_TEST(state_unknown_mode) {
  h2_hpack_decoder_set_state_unknown(&dec);
  ck_assert(!h2_hpack_decoder_state_known(&dec));
  /* Index 70 is unknown: reported, not an error; static fields still decode. */
  ck_assert_int_eq(DECODE(0x82, 0xc6, 0x7f, 0x07, 0x01, 'x'), H2_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert(!infos[0].unknown);
  ck_assert(infos[1].unknown);
  ck_assert_ptr_null(list[1].name);
  ck_assert(infos[2].unknown); /* literal with unknown name (index 70): value decoded */
  ck_assert_ptr_null(list[2].name);
  ck_assert_mem_eq(list[2].value, "x", 1);
  /* New entries are exact: index 62 is the one just inserted. */
  ck_assert_int_eq(DECODE(0x40, 0x01, 'k', 0x01, 'v', 0xbe, 0xbf), H2_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert(!infos[1].unknown);
  ck_assert_mem_eq(list[1].name, "k", 1);
  ck_assert(infos[2].unknown); /* 63: older than what we saw */
  /* A size update to 0 makes the state known: then 62 is an error again. */
  ck_assert_int_eq(DECODE(0x20), H2_OK);
  ck_assert(h2_hpack_decoder_state_known(&dec));
  ck_assert_int_eq(DECODE(0xbe), H2_E_HPACK_INDEX_RANGE);
}
END_TEST

START_TEST(state_known_when_table_full) {
  h2_hpack_decoder_set_state_unknown(&dec);
  ck_assert_int_eq(DECODE(0x3f, 0x21), H2_OK); /* max 64, still unknown (table may hold one) */
  ck_assert(!h2_hpack_decoder_state_known(&dec));
  ck_assert_int_eq(DECODE(0x40, 0x01, 'a', 0x01, 'b'), H2_OK); /* 34 + 32 > 64 */
  ck_assert(h2_hpack_decoder_state_known(&dec));
}
END_TEST

START_TEST(encoder_size_updates) {
  h2_hpack_encoder *e = h2_hpack_encoder_new(NULL);
  h2_header f = {"x-a", 3, "1", 1, 0};
  uint8_t out[64];
  size_t w;
  ck_assert_int_eq(h2_hpack_encode(e, &f, 1, out, sizeof out, &w, &err), H2_OK);
  ck_assert_uint_eq(h2_hpack_encoder_table_count(e), 1);
  ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(e, 0), H2_OK);
  ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(e, 2048), H2_OK);
  ck_assert_int_eq(h2_hpack_encode(e, &f, 1, out, sizeof out, &w, &err), H2_OK);
  /* §4.2: the minimum (0) then the final size (2048 = 31 + 2017: 3f e2 0f). */
  const uint8_t want[] = {0x20, 0x3f, 0xe1, 0x0f};
  ck_assert_mem_eq(out, want, sizeof want);
  ck_assert_int_eq(decode(out, w), H2_OK);
  ck_assert_uint_eq(h2_hpack_decoder_table_max_size(&dec), 2048);
  /* A short buffer is reported, never overrun. */
  h2_header big = {"x-big", 5, "0123456789012345678901234567890123456789", 40, 0};
  ck_assert_int_eq(h2_hpack_encode(e, &big, 1, out, 10, &w, &err), H2_E_BUFFER_TOO_SMALL);
  h2_hpack_encoder_free(e);
}
END_TEST

START_TEST(sensitive_fields_never_indexed) {
  h2_hpack_encoder *e = h2_hpack_encoder_new(NULL);
  h2_header f[] = {{"authorization", 13, "Basic Zm9vOmJhcg==", 18, 0},
                   {"cookie", 6, "a=1", 3, 0},
                   {"x-flagged", 9, "secret", 6, H2_HEADER_NEVER_INDEX},
                   {"x-plain", 7, "v", 1, H2_HEADER_NO_INDEX}};
  uint8_t out[256];
  size_t w;
  ck_assert_int_eq(h2_hpack_encode(e, f, 4, out, sizeof out, &w, &err), H2_OK);
  ck_assert_int_eq(decode(out, w), H2_OK);
  ck_assert_uint_eq(n, 4);
  ck_assert_int_eq(infos[0].rep, H2_HPACK_LITERAL_NEVER_INDEX);
  ck_assert_int_eq(infos[1].rep, H2_HPACK_LITERAL_NEVER_INDEX);
  ck_assert_int_eq(infos[2].rep, H2_HPACK_LITERAL_NEVER_INDEX);
  ck_assert_int_eq(infos[3].rep, H2_HPACK_LITERAL_NO_INDEX);
  ck_assert_uint_eq(h2_hpack_encoder_table_count(e), 0);
  h2_hpack_encoder_free(e);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("hpack_errors");
  TCase *t = tcase_create("errors");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, integers);
  tcase_add_test(t, representation_errors);
  tcase_add_test(t, lowered_limit_requires_update);
  tcase_add_test(t, eviction_corner_cases);
  tcase_add_test(t, indexed_name_survives_eviction);
  tcase_add_test(t, limits);
  tcase_add_test(t, state_unknown_mode);
  tcase_add_test(t, state_known_when_table_full);
  tcase_add_test(t, encoder_size_updates);
  tcase_add_test(t, sensitive_fields_never_indexed);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
