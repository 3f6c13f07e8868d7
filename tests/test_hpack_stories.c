/* test_hpack_stories.c — the hpack-test-case suite (../shared/vectors/
 * hpack-test-case): every story of every implementation's folder decodes to
 * exactly the listed headers (with the story's header_table_size), and every
 * raw-data story encoded by our encoder in each mode decodes back to the same
 * list with encoder and decoder tables in agreement after every block. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"
#include "vectors.h"

#define VECTORS H2_SHARED_DIR "/vectors/hpack-test-case"

typedef struct story_list {
  char **paths;
  size_t n;
} story_list;

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static story_list list_stories(const char *folder) {
  story_list l = {0};
  char dir[512];
  snprintf(dir, sizeof dir, "%s/%s", VECTORS, folder);
  DIR *d = opendir(dir);
  ck_assert_msg(d != NULL, "cannot open %s", dir);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, "story_", 6) != 0 || !strstr(e->d_name, ".json"))
      continue;
    l.paths = realloc(l.paths, (l.n + 1) * sizeof *l.paths);
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    l.paths[l.n] = malloc(len);
    snprintf(l.paths[l.n], len, "%s/%s", dir, e->d_name);
    l.n++;
  }
  closedir(d);
  qsort(l.paths, l.n, sizeof *l.paths, cmp_str);
  return l;
}

static void free_list(story_list *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->paths[i]);
  free(l->paths);
}

/* One case's headers: [{"name": "value"}, ...]. */
static size_t case_headers(const json_value *c, h2_header *out, size_t max) {
  const json_value *hs = json_object_get(c, "headers");
  size_t n = 0;
  for (const json_value *h = hs->first; h && n < max; h = h->next, n++) {
    const json_value *kv = h->first;
    out[n] = (h2_header){kv->key, kv->key_len, kv->str, kv->str_len, 0};
  }
  ck_assert_uint_eq(n, hs->count);
  return n;
}

static char arena[1 << 20];
static h2_header got[1024];
static h2_header want[1024];

static size_t decode_folder(const char *folder) {
  story_list l = list_stories(folder);
  size_t cases = 0;
  ck_assert_uint_gt(l.n, 0);
  for (size_t s = 0; s < l.n; s++) {
    json_doc *doc = vectors_load_json(l.paths[s]);
    ck_assert_ptr_nonnull(doc);
    h2_hpack_decoder dec;
    ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK);
    for (const json_value *c = json_object_get(json_doc_root(doc), "cases")->first; c;
         c = c->next) {
      const json_value *size = json_object_get(c, "header_table_size");
      if (size)
        ck_assert_int_eq(h2_hpack_decoder_set_max_table_size(&dec, (uint32_t)size->number),
                         H2_OK);
      const json_value *wire_hex = json_object_get(c, "wire");
      size_t wn, n;
      uint8_t *wire = vectors_hex_decode(wire_hex->str, wire_hex->str_len, &wn);
      ck_assert_ptr_nonnull(wire);
      h2_error err;
      h2_status st = h2_hpack_decode_list(&dec, wire, wn, got, NULL, 1024, &n, arena, sizeof arena,
                                          &err);
      ck_assert_msg(st == H2_OK, "%s seqno %d: %s at %zu", l.paths[s],
                    (int)json_object_get(c, "seqno")->number, h2_strerror(st), err.offset);
      size_t wn_h = case_headers(c, want, 1024);
      ck_assert_uint_eq(n, wn_h);
      for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(got[i].name_len, want[i].name_len);
        ck_assert_mem_eq(got[i].name, want[i].name, want[i].name_len);
        ck_assert_uint_eq(got[i].value_len, want[i].value_len);
        if (want[i].value_len)
          ck_assert_mem_eq(got[i].value, want[i].value, want[i].value_len);
      }
      free(wire);
      cases++;
    }
    h2_hpack_decoder_free(&dec);
    json_doc_free(doc);
  }
  free_list(&l);
  return cases;
}

static const char *const folders[] = {"go-hpack",        "haskell-http2-linear",
                                      "haskell-http2-static-huffman", "nghttp2",
                                      "nghttp2-16384-4096", "python-hpack"};

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
    {H2_HUFFMAN_AUTO, H2_INDEXING_DEFAULT, 4096, 0}, {H2_HUFFMAN_NEVER, H2_INDEXING_DEFAULT, 4096, 0},
    {H2_HUFFMAN_ALWAYS, H2_INDEXING_ALL, 4096, 0},   {H2_HUFFMAN_AUTO, H2_INDEXING_NONE, 4096, 0},
    {H2_HUFFMAN_AUTO, H2_INDEXING_ALL, 0, 0},        {H2_HUFFMAN_AUTO, H2_INDEXING_ALL, 256, 0},
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

START_TEST(raw_data_round_trip) {
  const mode *m = &modes[_i];
  story_list l = list_stories("raw-data");
  static uint8_t out[1 << 18];
  for (size_t s = 0; s < l.n; s++) {
    json_doc *doc = vectors_load_json(l.paths[s]);
    ck_assert_ptr_nonnull(doc);
    h2_hpack_encoder_config ec = {.huffman = m->huffman, .indexing = m->indexing};
    h2_hpack_encoder *enc = h2_hpack_encoder_new(&ec);
    h2_hpack_decoder dec;
    ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK);
    if (m->table_size != 4096)
      ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(enc, m->table_size), H2_OK);
    for (const json_value *c = json_object_get(json_doc_root(doc), "cases")->first; c;
         c = c->next) {
      size_t n = case_headers(c, want, 1024), written, got_n;
      if (m->never_index_all)
        for (size_t i = 0; i < n; i++)
          want[i].flags = H2_HEADER_NEVER_INDEX;
      h2_error err;
      ck_assert_int_eq(h2_hpack_encode(enc, want, n, out, sizeof out, &written, &err), H2_OK);
      h2_hpack_field_info infos[1024];
      h2_status st = h2_hpack_decode_list(&dec, out, written, got, infos, 1024, &got_n, arena,
                                          sizeof arena, &err);
      ck_assert_msg(st == H2_OK, "%s: %s", l.paths[s], h2_strerror(st));
      ck_assert_uint_eq(got_n, n);
      for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(got[i].name_len, want[i].name_len);
        ck_assert_mem_eq(got[i].name, want[i].name, want[i].name_len);
        ck_assert_uint_eq(got[i].value_len, want[i].value_len);
        if (want[i].value_len)
          ck_assert_mem_eq(got[i].value, want[i].value, want[i].value_len);
        if (m->never_index_all)
          ck_assert(infos[i].rep == H2_HPACK_LITERAL_NEVER_INDEX ||
                    infos[i].rep == H2_HPACK_INDEXED); /* never-indexed literal or... */
        if (m->huffman == H2_HUFFMAN_NEVER)
          ck_assert(!infos[i].name_huffman && !infos[i].value_huffman);
        if (m->indexing == H2_INDEXING_NONE)
          ck_assert(infos[i].rep != H2_HPACK_LITERAL_INCREMENTAL);
      }
      if (m->never_index_all)
        for (size_t i = 0; i < n; i++)
          ck_assert_int_eq(infos[i].rep, H2_HPACK_LITERAL_NEVER_INDEX);
      tables_agree(enc, &dec);
    }
    h2_hpack_encoder_free(enc);
    h2_hpack_decoder_free(&dec);
    json_doc_free(doc);
  }
  free_list(&l);
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

int main(void) {
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
