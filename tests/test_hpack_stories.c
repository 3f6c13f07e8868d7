/* test_hpack_stories.c — the hpack-test-case suite (../shared/vectors/
 * hpack-test-case): every story of every implementation's folder decodes to
 * exactly the listed headers (with the story's header_table_size), and every
 * raw-data story encoded by our encoder in each mode decodes back to the same
 * list with encoder and decoder tables in agreement after every block. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"
#include "vectors.h"

#define VECTORS H2_SHARED_DIR "/vectors/hpack-test-case"

static void expect_list(const h2_header *got, size_t n, const vectors_story_case *c,
                        const char *path) {
  ck_assert_msg(n == c->count, "%s seqno %d: %zu fields, want %zu", path, c->seqno, n, c->count);
  for (size_t i = 0; i < n; i++) {
    const h2_header *w = &c->headers[i];
    ck_assert_uint_eq(got[i].name_len, w->name_len);
    ck_assert_mem_eq(got[i].name, w->name, w->name_len);
    ck_assert_uint_eq(got[i].value_len, w->value_len);
    if (w->value_len) ck_assert_mem_eq(got[i].value, w->value, w->value_len);
  }
}

static char arena[1 << 20];
static h2_header got[1024];

static size_t decode_folder(const char *folder) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s/%s", VECTORS, folder);
  size_t count, cases = 0;
  char **paths = vectors_list_stories(dir, &count);
  ck_assert_msg(count > 0, "no stories in %s", dir);
  for (size_t s = 0; s < count; s++) {
    vectors_story *story = vectors_story_load(paths[s]);
    ck_assert_ptr_nonnull(story);
    h2_hpack_decoder dec;
    ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK);
    for (size_t k = 0; k < story->count; k++) {
      const vectors_story_case *c = &story->cases[k];
      if (c->header_table_size >= 0)
        ck_assert_int_eq(h2_hpack_decoder_set_max_table_size(&dec, (uint32_t)c->header_table_size),
                         H2_OK);
      ck_assert_ptr_nonnull(c->wire);
      size_t n;
      h2_error err;
      h2_status st = h2_hpack_decode_list(&dec, c->wire, c->wire_len, got, NULL, 1024, &n, arena,
                                          sizeof arena, &err);
      ck_assert_msg(st == H2_OK, "%s seqno %d: %s at %zu", paths[s], c->seqno, h2_strerror(st),
                    err.offset);
      expect_list(got, n, c, paths[s]);
      cases++;
    }
    h2_hpack_decoder_free(&dec);
    vectors_story_free(story);
  }
  vectors_paths_free(paths, count);
  return cases;
}

static const char *const folders[] = {
    "go-hpack", "haskell-http2-linear", "haskell-http2-static-huffman",
    "nghttp2",  "nghttp2-16384-4096",   "python-hpack"};

START_TEST(decode_every_story) {
  size_t cases = decode_folder(folders[_i]);
  ck_assert_uint_gt(cases, 100);
}
END_TEST

typedef struct mode {
  uint8_t huffman, indexing;
  uint32_t table_size;
  int never_index_all;
} mode;

static const mode modes[] = {
    {H2_HUFFMAN_AUTO, H2_INDEXING_DEFAULT, 4096, 0},
    {H2_HUFFMAN_NEVER, H2_INDEXING_DEFAULT, 4096, 0},
    {H2_HUFFMAN_ALWAYS, H2_INDEXING_ALL, 4096, 0},
    {H2_HUFFMAN_AUTO, H2_INDEXING_NONE, 4096, 0},
    {H2_HUFFMAN_AUTO, H2_INDEXING_ALL, 0, 0},
    {H2_HUFFMAN_AUTO, H2_INDEXING_ALL, 256, 0},
    {H2_HUFFMAN_NEVER, H2_INDEXING_DEFAULT, 4096, 1},
};

static void tables_agree(const h2_hpack_encoder *e, const h2_hpack_decoder *d) {
  ck_assert_uint_eq(h2_hpack_encoder_table_count(e), h2_hpack_decoder_table_count(d));
  ck_assert_uint_eq(h2_hpack_encoder_table_size(e), h2_hpack_decoder_table_size(d));
  for (uint32_t i = 0; i < h2_hpack_decoder_table_count(d); i++) {
    h2_header a, b;
    ck_assert(h2_hpack_encoder_table_entry(e, i, &a));
    ck_assert(h2_hpack_decoder_table_entry(d, i, &b));
    ck_assert_uint_eq(a.name_len, b.name_len);
    ck_assert_uint_eq(a.value_len, b.value_len);
    ck_assert_mem_eq(a.name, b.name, a.name_len);
    ck_assert_mem_eq(a.value, b.value, a.value_len);
  }
}

static h2_header want[1024];

START_TEST(raw_data_round_trip) {
  const mode *m = &modes[_i];
  size_t count;
  char **paths = vectors_list_stories(VECTORS "/raw-data", &count);
  ck_assert_uint_gt(count, 0);
  static uint8_t out[1 << 18];
  static h2_hpack_field_info infos[1024];
  for (size_t s = 0; s < count; s++) {
    vectors_story *story = vectors_story_load(paths[s]);
    ck_assert_ptr_nonnull(story);
    h2_hpack_encoder_config ec = {.huffman = m->huffman, .indexing = m->indexing};
    h2_hpack_encoder *enc = h2_hpack_encoder_new(&ec);
    h2_hpack_decoder dec;
    ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK);
    if (m->table_size != 4096)
      ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(enc, m->table_size), H2_OK);
    for (size_t k = 0; k < story->count; k++) {
      const vectors_story_case *c = &story->cases[k];
      ck_assert_uint_le(c->count, 1024);
      size_t n = c->count, written, got_n;
      memcpy(want, c->headers, n * sizeof *want);
      if (m->never_index_all)
        for (size_t i = 0; i < n; i++)
          want[i].flags = H2_HEADER_NEVER_INDEX;
      h2_error err;
      ck_assert_int_eq(h2_hpack_encode(enc, want, n, out, sizeof out, &written, &err), H2_OK);
      h2_status st = h2_hpack_decode_list(&dec, out, written, got, infos, 1024, &got_n, arena,
                                          sizeof arena, &err);
      ck_assert_msg(st == H2_OK, "%s: %s", paths[s], h2_strerror(st));
      expect_list(got, got_n, c, paths[s]);
      for (size_t i = 0; i < n; i++) {
        if (m->never_index_all) /* §6.2.3, even where a static entry matches */
          ck_assert_int_eq(infos[i].rep, H2_HPACK_LITERAL_NEVER_INDEX);
        if (m->huffman == H2_HUFFMAN_NEVER)
          ck_assert(!infos[i].name_huffman && !infos[i].value_huffman);
        if (m->indexing == H2_INDEXING_NONE)
          ck_assert(infos[i].rep != H2_HPACK_LITERAL_INCREMENTAL);
      }
      tables_agree(enc, &dec);
    }
    h2_hpack_encoder_free(enc);
    h2_hpack_decoder_free(&dec);
    vectors_story_free(story);
  }
  vectors_paths_free(paths, count);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("hpack_stories");
  TCase *t = tcase_create("stories");
  tcase_set_timeout(t, 300);
  tcase_add_loop_test(t, decode_every_story, 0, (int)(sizeof folders / sizeof *folders));
  tcase_add_loop_test(t, raw_data_round_trip, 0, (int)(sizeof modes / sizeof *modes));
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return run_suite(suite()); }
