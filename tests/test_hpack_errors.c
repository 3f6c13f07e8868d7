/* test_hpack_errors.c — every HPACK rejection with its status and offset
 * (RFC 7541 §4.2, §5.1, §5.2, §6, §2.3.3), the limits, eviction corner cases
 * (§4.4), encoder size updates (§4.2) and the state-unknown mode. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"

static h2_hpack_decoder dec;
static h2_header list[64];
static h2_hpack_field_info infos[64];
static char arena[1 << 17];
static size_t n;
static h2_error err;

static void setup(void) {
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK);
}
static void teardown(void) {
  h2_hpack_decoder_free(&dec);
}

static h2_status decode(const uint8_t *b, size_t len) {
  memset(&err, 0, sizeof err);
  return h2_hpack_decode_list(&dec, b, len, list, infos, 64, &n, arena, sizeof arena, &err);
}
#define DECODE(...)                                                                                \
  ({                                                                                               \
    static const uint8_t blk_[] = {__VA_ARGS__};                                                   \
    decode(blk_, sizeof blk_);                                                                     \
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
  /* Truncated after five continuation bytes: already too long, so overflow. */
  const uint8_t long_cut[] = {0x1f, 0x80, 0x80, 0x80, 0x80, 0x80};
  ck_assert_int_eq(h2_hpack_int_decode(long_cut, sizeof long_cut, 5, &v, &used),
                   H2_E_HPACK_INTEGER_OVERFLOW);
  const uint8_t cut[] = {0x1f, 0x80};
  ck_assert_int_eq(h2_hpack_int_decode(cut, sizeof cut, 5, &v, &used), H2_E_HPACK_TRUNCATED);
  ck_assert_int_eq(h2_hpack_int_decode(cut, 0, 5, &v, &used), H2_E_HPACK_TRUNCATED);
  /* Encoder round trip over prefixes and boundaries. */
  const uint32_t values[] = {
      0, 1, 30, 31, 32, 126, 127, 128, 254, 255, 256, 16383, 1u << 21, UINT32_MAX - 1, UINT32_MAX};
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
  ck_assert_int_eq(err.code, 0x9);                        /* COMPRESSION_ERROR */
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
  ck_assert_int_eq(DECODE(0x3f, 0x45, 0x82), H2_OK);                            /* 100 */
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
  ck_assert_int_eq(
      DECODE(0x40, 0x01, 'a', 0x01, 'b', 0x40, 0x01, 'c', 0x01, 'd', 0x40, 0x01, 'e', 0x01, 'f'),
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

START_TEST(block_errors_with_offsets) {
  /* Integer overflow inside a block: index 2^32 after one good field. */
  ck_assert_int_eq(DECODE(0x82, 0xff, 0x81, 0xff, 0xff, 0xff, 0x0f), H2_E_HPACK_INTEGER_OVERFLOW);
  ck_assert_uint_eq(err.offset, 1);
  ck_assert_uint_eq(n, 1); /* the field before the error was delivered */
  /* Six continuation bytes for a name index, even though the value is small. */
  ck_assert_int_eq(DECODE(0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), H2_E_HPACK_INTEGER_OVERFLOW);
  ck_assert_uint_eq(err.offset, 0);
  /* Truncated integers: an index, a size update, a string length. */
  ck_assert_int_eq(DECODE(0x82, 0xff), H2_E_HPACK_TRUNCATED);
  ck_assert_uint_eq(err.offset, 1);
  ck_assert_int_eq(DECODE(0x3f, 0x80), H2_E_HPACK_TRUNCATED);
  ck_assert_uint_eq(err.offset, 0);
  ck_assert_int_eq(DECODE(0x40, 0x7f), H2_E_HPACK_TRUNCATED);
  ck_assert_int_eq(DECODE(0x40), H2_E_HPACK_TRUNCATED);
  ck_assert_int_eq(DECODE(0x40, 0x01, 'a'), H2_E_HPACK_TRUNCATED); /* no value */
  /* A string length far past the block (2^32-1). */
  ck_assert_int_eq(DECODE(0x82, 0x04, 0x7f, 0x80, 0xff, 0xff, 0xff, 0x0f), H2_E_HPACK_TRUNCATED);
  ck_assert_uint_eq(err.offset, 1);
  /* Huffman errors in a value: EOS (30 ones) inside, and 8 bits of padding. */
  ck_assert_int_eq(DECODE(0x04, 0x84, 0xff, 0xff, 0xff, 0xfc), H2_E_HPACK_HUFFMAN);
  ck_assert_int_eq(DECODE(0x04, 0x82, 0x1f, 0xff), H2_E_HPACK_HUFFMAN); /* 'a' + 11 ones */
  ck_assert_int_eq(DECODE(0x04, 0x81, 0x1f), H2_OK);                    /* 'a' (00011) + 3 ones */
  ck_assert_mem_eq(list[0].value, "a", 1);
  ck_assert(infos[0].value_huffman);
  /* Nothing is inserted by a failed literal. */
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 0);
}
END_TEST

START_TEST(huffman_string_limit) {
  h2_hpack_decoder_free(&dec);
  h2_hpack_decoder_config cfg = {.max_string_len = 4};
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, &cfg), H2_OK);
  /* "aaaa" in Huffman: 4 × 5 bits = 20 bits → 3 bytes: fits exactly. */
  ck_assert_int_eq(DECODE(0x04, 0x83, 0x00, 0x00, 0x0f), H2_OK);
  ck_assert_uint_eq(list[0].value_len, 4);
  /* "aaaaa": 25 bits → 4 bytes, 5 decoded bytes > 4. */
  ck_assert_int_eq(DECODE(0x82, 0x04, 0x84, 0x00, 0x00, 0x00, 0x7f), H2_E_HPACK_STRING_TOO_LONG);
  ck_assert_uint_eq(err.offset, 1);
}
END_TEST

START_TEST(state_unknown_insert_with_unknown_name) {
  h2_hpack_decoder_set_state_unknown(&dec);
  ck_assert_int_eq(DECODE(0x40, 0x01, 'k', 0x01, 'v'), H2_OK);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 1);
  /* Incremental literal naming unknown index 80: its size is unknown, so
   * our view is dropped (and 62 becomes unknown) rather than guessed. */
  ck_assert_int_eq(DECODE(0x7f, 0x11, 0x02, 'v', '2', 0xbe, 0xbf), H2_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert(infos[0].unknown);
  ck_assert_int_eq(infos[0].rep, H2_HPACK_LITERAL_INCREMENTAL);
  ck_assert_uint_eq(infos[0].index, 80);
  ck_assert_ptr_null(list[0].name);
  ck_assert_mem_eq(list[0].value, "v2", 2);
  ck_assert(infos[1].unknown && infos[2].unknown);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 0);
  ck_assert(!h2_hpack_decoder_state_known(&dec));
  /* Unknown mode assumes the protocol maximum (4096): entries totalling
   * more than 4096 - 32 octets make the state known again. */
  static uint8_t blk[4096];
  size_t len = 0;
  for (int i = 0; i < 2; i++) {
    blk[len++] = 0x40;
    blk[len++] = 0x01;
    blk[len++] = (uint8_t)('p' + i);
    blk[len++] = 0x7f; /* value of 127 + 1900 = 2027 bytes: entry of 2060 */
    blk[len++] = 0xec;
    blk[len++] = 0x0e;
    ck_assert_uint_eq(127 + 0x6c + (0x0e << 7), 2027);
    memset(blk + len, 'x', 2027);
    len += 2027;
    ck_assert_int_eq(decode(blk, len), H2_OK);
    len = 0;
  }
  /* 2060 alone: an older entry up to 2036 could remain; then 2060 evicts the
   * first (4120 > 4096), leaving 2060 — still unknown... */
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 1);
  ck_assert(!h2_hpack_decoder_state_known(&dec));
  /* ...a third entry of 2036 fills the table to 4096: 4096 + 32 > 4096. */
  blk[0] = 0x40, blk[1] = 0x01, blk[2] = 'r', blk[3] = 0x7f, blk[4] = 0xd4, blk[5] = 0x0e;
  ck_assert_uint_eq(127 + 0x54 + (0x0e << 7), 2003); /* 1 + 2003 + 32 = 2036 */
  memset(blk + 6, 'y', 2003);
  ck_assert_int_eq(decode(blk, 6 + 2003), H2_OK);
  ck_assert_uint_eq(h2_hpack_decoder_table_size(&dec), 4096);
  ck_assert(h2_hpack_decoder_state_known(&dec));
  ck_assert_int_eq(DECODE(0xc0), H2_E_HPACK_INDEX_RANGE); /* 64: known to be empty */
}
END_TEST

START_TEST(encoder_size_updates) {
  h2_hpack_encoder *e = h2_hpack_encoder_new(NULL);
  h2_header f = {"x-a", 3, "1", 1, 0};
  uint8_t out[256];
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
  ck_assert_uint_eq(w, 0);
  /* ...without touching the table, so a retry stays in step with the decoder. */
  ck_assert_uint_eq(h2_hpack_encoder_table_count(e), 1);
  ck_assert_uint_le(h2_hpack_encoder_bound(e, &big, 1), sizeof out);
  ck_assert_int_eq(h2_hpack_encode(e, &big, 1, out, sizeof out, &w, &err), H2_OK);
  ck_assert_int_eq(decode(out, w), H2_OK);
  ck_assert_uint_eq(h2_hpack_encoder_table_count(e), 2);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 2);
  ck_assert_uint_eq(h2_hpack_encoder_table_size(e), h2_hpack_decoder_table_size(&dec));
  /* The any-mode bound covers forced Huffman of bytes with 30-bit codes. */
  const char bin[4] = {10, 13, 22, 10};
  h2_header worst = {"x", 1, bin, sizeof bin, 0};
  /* 12 (updates) + 6 (representation) + 6 + ceil(30/8) (name) + 6 + 120/8 (value) */
  ck_assert_uint_eq(h2_hpack_encode_bound(&worst, 1), 12 + 6 + 6 + 4 + 6 + 15);
  h2_hpack_encoder_free(e);
  h2_hpack_encoder_config always = {.huffman = H2_HUFFMAN_ALWAYS};
  e = h2_hpack_encoder_new(&always);
  size_t b = h2_hpack_encode_bound(&worst, 1);
  ck_assert_int_eq(h2_hpack_encode(e, &worst, 1, out, b, &w, &err), H2_OK);
  /* 0x40, name length, 'x' (7 bits), value length, 4 × 30 bits = 15 bytes */
  ck_assert_uint_eq(w, 1 + 1 + 1 + 1 + 15);
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
  tcase_add_test(t, block_errors_with_offsets);
  tcase_add_test(t, huffman_string_limit);
  tcase_add_test(t, state_unknown_insert_with_unknown_name);
  tcase_add_test(t, encoder_size_updates);
  tcase_add_test(t, sensitive_fields_never_indexed);
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return run_suite(suite()); }
