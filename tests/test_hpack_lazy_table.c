/* test_hpack_lazy_table.c — the HPACK dynamic table's memory follows the
 * entries inserted, not the announced maximum (a peer may announce 2^32 - 1,
 * RFC 9113 §6.5.2): with 0xFFFFFFFF announced and a few entries inserted the
 * decoder and encoder hold (by a counting allocator and by their accessors)
 * under 64 KiB; a table grown to a large maximum and evicting still decodes
 * the RFC 7541 Appendix C examples and round-trips the hpack-test-case
 * stories exactly; a refused growth is H2_E_NO_MEMORY, cleanly (the encoder
 * unchanged, so a retry gives the same bytes). */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"
#include "vectors.h"

/* ---- a counting allocator: live bytes, peak, and refusals above a size ---- */

typedef struct counting {
  size_t live, peak, refuse_above; /* 0: refuse nothing */
  unsigned refused;
} counting;

static void *count_alloc(void *ctx, size_t n) {
  counting *c = ctx;
  if (c->refuse_above && n > c->refuse_above) {
    c->refused++;
    return NULL;
  }
  size_t *p = malloc(n + sizeof(size_t) * 2);
  if (!p) return NULL;
  p[0] = n;
  c->live += n;
  if (c->live > c->peak) c->peak = c->live;
  return p + 2;
}

static void count_free(void *ctx, void *q) {
  counting *c = ctx;
  size_t *p = (size_t *)q - 2;
  c->live -= p[0];
  free(p);
}

#define KIB 1024u

static void make_field(h2_header *h, char *name, char *value, unsigned i, size_t vlen) {
  int n = snprintf(name, 32, "x-lazy-%u", i);
  for (size_t k = 0; k < vlen; k++)
    value[k] = (char)('a' + (i + k) % 26);
  *h = (h2_header){.name = name, .name_len = (size_t)n, .value = value, .value_len = vlen};
}

static void expect_fields(const h2_header *got, size_t n, const h2_header *want, size_t wn) {
  ck_assert_uint_eq(n, wn);
  for (size_t i = 0; i < n; i++) {
    ck_assert_uint_eq(got[i].name_len, want[i].name_len);
    ck_assert_mem_eq(got[i].name, want[i].name, want[i].name_len);
    ck_assert_uint_eq(got[i].value_len, want[i].value_len);
    ck_assert_mem_eq(got[i].value, want[i].value, want[i].value_len);
  }
}

static void tables_agree(const h2_hpack_encoder *e, const h2_hpack_decoder *d) {
  ck_assert_uint_eq(h2_hpack_encoder_table_count(e), h2_hpack_decoder_table_count(d));
  ck_assert_uint_eq(h2_hpack_encoder_table_size(e), h2_hpack_decoder_table_size(d));
  for (uint32_t i = 0; i < h2_hpack_decoder_table_count(d); i++) {
    h2_header a, b;
    ck_assert(h2_hpack_encoder_table_entry(e, i, &a));
    ck_assert(h2_hpack_decoder_table_entry(d, i, &b));
    expect_fields(&a, 1, &b, 1);
  }
}

static char arena[1 << 20];
static h2_header got[256];
static uint8_t wire[1 << 18];

/* ---- 0xFFFFFFFF announced, a few entries inserted ---- */

START_TEST(huge_announcement_small_memory) {
  counting dc = {0}, ec = {0};
  h2_allocator da = {.alloc = count_alloc, .free = count_free, .ctx = &dc};
  h2_allocator ea = {.alloc = count_alloc, .free = count_free, .ctx = &ec};
  h2_hpack_decoder_config dcfg = {.max_string_len = 4096, .allocator = &da};
  h2_hpack_decoder dec;
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, &dcfg), H2_OK);
  /* Our SETTINGS_HEADER_TABLE_SIZE of 2^32 - 1 acknowledged; nothing allocated for it. */
  size_t before = dc.live;
  ck_assert_int_eq(h2_hpack_decoder_set_max_table_size(&dec, 0xFFFFFFFFu), H2_OK);
  ck_assert_uint_eq(dc.live, before);
  h2_hpack_encoder_config ecfg = {
      .indexing = H2_INDEXING_ALL, .max_table_size = 0xFFFFFFFFu, .allocator = &ea};
  h2_hpack_encoder *enc = h2_hpack_encoder_new(&ecfg);
  ck_assert_ptr_nonnull(enc);
  /* The encoder uses all of it: its first block starts with the size update. */
  ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(enc, 0xFFFFFFFFu), H2_OK);
  char names[8][32], values[8][600];
  h2_header list[8];
  for (unsigned i = 0; i < 8; i++)
    make_field(&list[i], names[i], values[i], i, 100 + 60 * i);
  for (unsigned round = 0; round < 2; round++) { /* the second round is all indexed */
    size_t written, n;
    h2_error err;
    ck_assert_int_eq(h2_hpack_encode(enc, list, 8, wire, sizeof wire, &written, &err), H2_OK);
    ck_assert_int_eq(
        h2_hpack_decode_list(&dec, wire, written, got, NULL, 256, &n, arena, sizeof arena, &err),
        H2_OK);
    expect_fields(got, n, list, 8);
    tables_agree(enc, &dec);
  }
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 8);
  ck_assert_uint_eq(h2_hpack_decoder_table_max_size(&dec), 0xFFFFFFFFu);
  /* The allocator saw every byte the accessors report, and it is small. */
  ck_assert_uint_eq(h2_hpack_decoder_reserved(&dec), dc.live);
  ck_assert_uint_eq(h2_hpack_encoder_reserved(enc), ec.live);
  ck_assert_uint_lt(dc.peak, 64 * KIB);
  ck_assert_uint_lt(ec.peak, 64 * KIB);
  h2_hpack_encoder_free(enc);
  h2_hpack_decoder_free(&dec);
  ck_assert_uint_eq(dc.live, 0);
  ck_assert_uint_eq(ec.live, 0);
}
END_TEST

/* A decoder block of n fields sent to both sides (INDEXING_ALL). */
static void send_fields(h2_hpack_encoder *enc, h2_hpack_decoder *dec, unsigned first, unsigned n,
                        size_t vlen) {
  static char names[256][32], values[256][400];
  static h2_header list[256];
  ck_assert_uint_le(n, 256);
  ck_assert_uint_le(vlen, 400);
  for (unsigned i = 0; i < n; i++)
    make_field(&list[i], names[i], values[i], first + i, vlen);
  size_t written, got_n;
  h2_error err;
  ck_assert_int_eq(h2_hpack_encode(enc, list, n, wire, sizeof wire, &written, &err), H2_OK);
  ck_assert_int_eq(
      h2_hpack_decode_list(dec, wire, written, got, NULL, 256, &got_n, arena, sizeof arena, &err),
      H2_OK);
  expect_fields(got, got_n, list, n);
}

/* Fills a decoder whose limit is 1 MiB past its maximum (so entries are
 * evicted), through an encoder in step. */
static void fill_large(h2_hpack_decoder *dec) {
  h2_hpack_encoder_config ecfg = {.indexing = H2_INDEXING_ALL, .max_table_size = 1u << 20};
  h2_hpack_encoder *enc = h2_hpack_encoder_new(&ecfg);
  ck_assert_ptr_nonnull(enc);
  for (unsigned b = 0; b < 16; b++)
    send_fields(enc, dec, b * 250, 250, 300); /* 16 × 250 × 341 octets ≈ 1.3 MiB */
  tables_agree(enc, dec);
  ck_assert_uint_gt(h2_hpack_decoder_table_size(dec), (1u << 20) - 400);
  ck_assert_uint_lt(h2_hpack_decoder_table_count(dec), 16 * 250); /* some were evicted */
  /* Grown to the entries, within what a 1 MiB table needs. */
  ck_assert_uint_gt(h2_hpack_decoder_reserved(dec), 1u << 20);
  ck_assert_uint_lt(h2_hpack_decoder_reserved(dec), 4u << 20);
  h2_hpack_encoder_free(enc);
}

static uint8_t *hex_of(const json_value *v, size_t *n) {
  ck_assert_ptr_nonnull(v);
  uint8_t *b = vectors_hex_decode(v->str, v->str_len, n);
  ck_assert_ptr_nonnull(b);
  return b;
}

/* Every Appendix C example, each decoding context starting from a decoder
 * grown to 1 MiB and then emptied (size updates to 0 and to the example's
 * table size, §6.3): fields and the dynamic table after each block exact. */
START_TEST(grown_table_decodes_appendix_c) {
  json_doc *doc = vectors_load_json(H2_SHARED_DIR "/vectors/rfc7541-appendix-c.json");
  ck_assert_ptr_nonnull(doc);
  const json_value *ex = json_object_get(json_doc_root(doc), "examples");
  ck_assert_uint_eq(ex->count, 16);
  h2_hpack_decoder dec;
  bool have = false;
  unsigned blocks = 0;
  for (const json_value *e = ex->first; e; e = e->next) {
    if (json_object_get(e, "new_decoding_context")->type == JSON_TRUE) {
      if (have) h2_hpack_decoder_free(&dec);
      h2_hpack_decoder_config cfg = {.max_table_size = 1u << 20};
      ck_assert_int_eq(h2_hpack_decoder_init(&dec, &cfg), H2_OK);
      have = true;
      fill_large(&dec);
      uint32_t size = (uint32_t)json_object_get(e, "header_table_size")->number;
      uint8_t upd[8] = {0x20};
      size_t len = 1 + h2_hpack_int_encode(size, 5, 0x20, upd + 1, sizeof upd - 1);
      h2_error err;
      ck_assert_int_eq(h2_hpack_decode_block(&dec, upd, len, NULL, &err), H2_OK);
      ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 0);
    }
    size_t n, got_n;
    uint8_t *w = hex_of(json_object_get(e, "wire_hex"), &n);
    h2_error err;
    ck_assert_int_eq(
        h2_hpack_decode_list(&dec, w, n, got, NULL, 256, &got_n, arena, sizeof arena, &err), H2_OK);
    const json_value *headers = json_object_get(e, "headers");
    ck_assert_uint_eq(got_n, headers->count);
    size_t i = 0;
    for (const json_value *h = headers->first; h; h = h->next, i++) {
      const json_value *name = json_object_get(h, "name"), *value = json_object_get(h, "value");
      h2_header want = {.name = name->str,
                        .name_len = name->str_len,
                        .value = value->str,
                        .value_len = value->str_len};
      expect_fields(&got[i], 1, &want, 1);
    }
    const json_value *table = json_object_get(e, "dynamic_table_after");
    ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), table->count);
    ck_assert_uint_eq(h2_hpack_decoder_table_size(&dec),
                      (uint32_t)json_object_get(e, "dynamic_table_size_after")->number);
    i = 0;
    for (const json_value *t = table->first; t; t = t->next, i++) {
      h2_header entry;
      ck_assert(h2_hpack_decoder_table_entry(&dec, (uint32_t)i, &entry));
      const json_value *name = json_object_get(t, "name"), *value = json_object_get(t, "value");
      h2_header want = {.name = name->str,
                        .name_len = name->str_len,
                        .value = value->str,
                        .value_len = value->str_len};
      expect_fields(&entry, 1, &want, 1);
    }
    free(w);
    blocks++;
  }
  if (have) h2_hpack_decoder_free(&dec);
  json_doc_free(doc);
  ck_assert_uint_eq(blocks, 16);
}
END_TEST

/* The raw-data stories encoded and decoded with a 2^32 - 1 table (grows with
 * every entry, never evicts) and with a 64 KiB one (grows, then evicts):
 * lists exact, the tables' sizes equal after every block and their entries
 * at the end of each story. */
static const uint32_t story_tables[] = {0xFFFFFFFFu, 64u * KIB};

START_TEST(stories_round_trip_growing) {
  uint32_t max = story_tables[_i];
  size_t count;
  char **paths = vectors_list_stories(H2_SHARED_DIR "/vectors/hpack-test-case/raw-data", &count);
  ck_assert_uint_gt(count, 0);
  size_t blocks = 0;
  for (size_t s = 0; s < count; s++) {
    vectors_story *story = vectors_story_load(paths[s]);
    ck_assert_ptr_nonnull(story);
    h2_hpack_encoder_config ecfg = {.indexing = H2_INDEXING_ALL, .max_table_size = max};
    h2_hpack_encoder *enc = h2_hpack_encoder_new(&ecfg);
    ck_assert_ptr_nonnull(enc);
    h2_hpack_decoder_config dcfg = {.max_table_size = max};
    h2_hpack_decoder dec;
    ck_assert_int_eq(h2_hpack_decoder_init(&dec, &dcfg), H2_OK);
    for (size_t k = 0; k < story->count; k++) {
      const vectors_story_case *c = &story->cases[k];
      ck_assert_uint_le(c->count, 256);
      size_t written, got_n;
      h2_error err;
      ck_assert_int_eq(
          h2_hpack_encode(enc, c->headers, c->count, wire, sizeof wire, &written, &err), H2_OK);
      ck_assert_int_eq(h2_hpack_decode_list(&dec, wire, written, got, NULL, 256, &got_n, arena,
                                            sizeof arena, &err),
                       H2_OK);
      expect_fields(got, got_n, c->headers, c->count);
      ck_assert_uint_eq(h2_hpack_encoder_table_size(enc), h2_hpack_decoder_table_size(&dec));
      blocks++;
    }
    tables_agree(enc, &dec); /* entry by entry once per story (a 2^32 - 1 table keeps all) */
    h2_hpack_encoder_free(enc);
    h2_hpack_decoder_free(&dec);
    vectors_story_free(story);
  }
  vectors_paths_free(paths, count);
  ck_assert_uint_gt(blocks, 1000);
}
END_TEST

/* ---- refused growth ---- */

START_TEST(refused_growth_is_a_clean_error) {
  counting dc = {0}, ec = {0};
  h2_allocator da = {.alloc = count_alloc, .free = count_free, .ctx = &dc};
  h2_allocator ea = {.alloc = count_alloc, .free = count_free, .ctx = &ec};
  h2_hpack_decoder_config dcfg = {.max_table_size = 0xFFFFFFFFu, .allocator = &da};
  h2_hpack_decoder dec;
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, &dcfg), H2_OK);
  h2_hpack_encoder_config ecfg = {
      .indexing = H2_INDEXING_ALL, .max_table_size = 0xFFFFFFFFu, .allocator = &ea};
  h2_hpack_encoder *enc = h2_hpack_encoder_new(&ecfg);
  ck_assert_ptr_nonnull(enc);
  /* 4 KiB of entries fit the initial storage; more needs growth. */
  send_fields(enc, &dec, 0, 10, 300);
  ck_assert_uint_eq(dc.refused + ec.refused, 0);
  char names[20][32], values[20][400];
  h2_header list[20];
  for (unsigned i = 0; i < 20; i++)
    make_field(&list[i], names[i], values[i], 100 + i, 390);
  /* The encoder: refused before anything is written or changed. */
  ec.refuse_above = 1024;
  uint32_t count = h2_hpack_encoder_table_count(enc);
  size_t written = 1234;
  h2_error err;
  ck_assert_int_eq(h2_hpack_encode(enc, list, 20, wire, sizeof wire, &written, &err),
                   H2_E_NO_MEMORY);
  ck_assert_uint_gt(ec.refused, 0);
  ck_assert_uint_eq(written, 0);
  ck_assert_uint_eq(h2_hpack_encoder_table_count(enc), count);
  tables_agree(enc, &dec);
  /* Allowed again, the same call succeeds; the decoder then fails growing,
   * at the offset of the first field that needed it. */
  ec.refuse_above = 0;
  ck_assert_int_eq(h2_hpack_encode(enc, list, 20, wire, sizeof wire, &written, &err), H2_OK);
  dc.refuse_above = 1024;
  size_t got_n;
  ck_assert_int_eq(
      h2_hpack_decode_list(&dec, wire, written, got, NULL, 256, &got_n, arena, sizeof arena, &err),
      H2_E_NO_MEMORY);
  ck_assert_uint_gt(dc.refused, 0);
  ck_assert_uint_gt(err.offset, 0);
  ck_assert_uint_lt(err.offset, written);
  h2_hpack_encoder_free(enc);
  h2_hpack_decoder_free(&dec);
  ck_assert_uint_eq(dc.live, 0);
  ck_assert_uint_eq(ec.live, 0);
}
END_TEST

/* ---- a table name longer than max_string, moved by an insertion ---- */

/* With strings limited to 8 octets, an entry named by Appendix A's longest
 * name (index 20, "access-control-allow-origin", 27 octets), then a literal
 * with incremental indexing that reuses that entry's name (index 62) and
 * evicts it (a 64-octet table holds one 60-octet entry): the name is copied
 * aside before the eviction (RFC 7541 §4.4) into room sized for the longest
 * static name, not only for max_string. */
START_TEST(longest_static_name_survives_eviction) {
  h2_hpack_decoder_config cfg = {.max_table_size = 64, .max_string_len = 8};
  h2_hpack_decoder dec;
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, &cfg), H2_OK);
  static const uint8_t first[] = {0x54, 0x01, '*'}, second[] = {0x7e, 0x01, 'x'};
  size_t n;
  h2_error err;
  ck_assert_int_eq(h2_hpack_decode_list(&dec, first, sizeof first, got, NULL, 256, &n, arena,
                                        sizeof arena, &err),
                   H2_OK);
  ck_assert_int_eq(h2_hpack_decode_list(&dec, second, sizeof second, got, NULL, 256, &n, arena,
                                        sizeof arena, &err),
                   H2_OK);
  static const h2_header want = {
      .name = "access-control-allow-origin", .name_len = 27, .value = "x", .value_len = 1};
  expect_fields(got, n, &want, 1);
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&dec), 1);
  h2_header e;
  ck_assert(h2_hpack_decoder_table_entry(&dec, 0, &e));
  expect_fields(&e, 1, &want, 1);
  h2_hpack_decoder_free(&dec);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("hpack_lazy_table");
  TCase *t = tcase_create("lazy");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, huge_announcement_small_memory);
  tcase_add_test(t, grown_table_decodes_appendix_c);
  tcase_add_loop_test(t, stories_round_trip_growing, 0, 2);
  tcase_add_test(t, refused_growth_is_a_clean_error);
  tcase_add_test(t, longest_static_name_survives_eviction);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
