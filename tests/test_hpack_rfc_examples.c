/* test_hpack_rfc_examples.c — RFC 7541 Appendix C: integer examples (C.1) and
 * every header block example (C.2–C.6) from ../shared/vectors, checking the
 * decoded list and the dynamic table (entries and size) after each block; the
 * C.3–C.6 lists re-encoded with the RFC's strategy give the RFC's bytes and
 * tables; and the hex dumps in the RFC text itself match the vector file. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"
#include "vectors.h"

static json_doc *doc;

static void load(void) {
  doc = vectors_load_json(H2_SHARED_DIR "/vectors/rfc7541-appendix-c.json");
  ck_assert_ptr_nonnull(doc);
}
static void unload(void) {
  json_doc_free(doc);
}

static uint8_t *hex_of(const json_value *v, size_t *n) {
  ck_assert_ptr_nonnull(v);
  uint8_t *b = vectors_hex_decode(v->str, v->str_len, n);
  ck_assert_ptr_nonnull(b);
  return b;
}

START_TEST(integers) {
  const json_value *ints = json_object_get(json_doc_root(doc), "integer_examples");
  ck_assert_uint_eq(ints->count, 3);
  for (const json_value *e = ints->first; e; e = e->next) {
    uint32_t value = (uint32_t)json_object_get(e, "value")->number;
    unsigned prefix = (unsigned)json_object_get(e, "prefix_bits")->number;
    size_t n, used;
    uint8_t *wire = hex_of(json_object_get(e, "encoded_hex"), &n);
    uint32_t got;
    ck_assert_int_eq(h2_hpack_int_decode(wire, n, prefix, &got, &used), H2_OK);
    ck_assert_uint_eq(got, value);
    ck_assert_uint_eq(used, n);
    uint8_t out[8];
    ck_assert_uint_eq(h2_hpack_int_encode(value, prefix, 0, out, sizeof out), n);
    ck_assert_mem_eq(out, wire, n);
    free(wire);
  }
}
END_TEST

typedef struct collected {
  h2_header list[64];
  char arena[8192];
  size_t n;
} collected;

START_TEST(header_blocks) {
  const json_value *ex = json_object_get(json_doc_root(doc), "examples");
  ck_assert_uint_eq(ex->count, 16);
  h2_hpack_decoder dec;
  bool have = false;
  for (const json_value *e = ex->first; e; e = e->next) {
    const char *id = json_object_get(e, "id")->str;
    if (json_object_get(e, "new_decoding_context")->type == JSON_TRUE) {
      if (have) h2_hpack_decoder_free(&dec);
      h2_hpack_decoder_config cfg = {.max_table_size =
                                         (uint32_t)json_object_get(e, "header_table_size")->number};
      ck_assert_int_eq(h2_hpack_decoder_init(&dec, &cfg), H2_OK);
      have = true;
    }
    size_t n;
    uint8_t *wire = hex_of(json_object_get(e, "wire_hex"), &n);
    collected c;
    h2_hpack_field_info infos[64];
    h2_error err;
    ck_assert_msg(h2_hpack_decode_list(&dec, wire, n, c.list, infos, 64, &c.n, c.arena,
                                       sizeof c.arena, &err) == H2_OK,
                  "%s failed", id);
    const json_value *headers = json_object_get(e, "headers");
    ck_assert_uint_eq(c.n, headers->count);
    size_t i = 0;
    for (const json_value *h = headers->first; h; h = h->next, i++) {
      const json_value *name = json_object_get(h, "name"), *value = json_object_get(h, "value");
      ck_assert_uint_eq(c.list[i].name_len, name->str_len);
      ck_assert_mem_eq(c.list[i].name, name->str, name->str_len);
      ck_assert_uint_eq(c.list[i].value_len, value->str_len);
      if (value->str_len) ck_assert_mem_eq(c.list[i].value, value->str, value->str_len);
    }
    const json_value *never = json_object_get(e, "never_indexed");
    if (never && never->count) {
      ck_assert_int_eq(infos[c.n - 1].rep, H2_HPACK_LITERAL_NEVER_INDEX);
      ck_assert(c.list[c.n - 1].flags & H2_HEADER_NEVER_INDEX);
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
      ck_assert_uint_eq(entry.name_len, name->str_len);
      ck_assert_mem_eq(entry.name, name->str, name->str_len);
      ck_assert_uint_eq(entry.value_len, value->str_len);
      ck_assert_mem_eq(entry.value, value->str, value->str_len);
    }
    free(wire);
  }
  if (have) h2_hpack_decoder_free(&dec);
}
END_TEST

/* C.3/C.5 (no Huffman) and C.4/C.6 (Huffman): the RFC's encoder indexes
 * every field that is not already in a table, naming fields by their static
 * index first; ours in INDEXING_ALL mode does the same — including the
 * evictions of C.5/C.6 with a 256-octet table — and ends up with the same
 * dynamic table after every block. */
static void encode_sequence(const char *seq, uint8_t huffman, uint32_t table_size) {
  const json_value *ex = json_object_get(json_doc_root(doc), "examples");
  h2_hpack_encoder_config cfg = {
      .huffman = huffman, .indexing = H2_INDEXING_ALL, .max_table_size = table_size};
  h2_hpack_encoder *enc = h2_hpack_encoder_new(&cfg);
  ck_assert_ptr_nonnull(enc);
  int blocks = 0;
  for (const json_value *e = ex->first; e; e = e->next) {
    if (strcmp(json_object_get(e, "sequence")->str, seq) != 0) continue;
    const json_value *headers = json_object_get(e, "headers");
    h2_header list[16];
    size_t n = 0;
    for (const json_value *h = headers->first; h; h = h->next, n++) {
      const json_value *name = json_object_get(h, "name"), *value = json_object_get(h, "value");
      list[n] = (h2_header){name->str, name->str_len, value->str, value->str_len, 0};
    }
    uint8_t out[512];
    size_t written, wn;
    h2_error err;
    ck_assert_int_eq(h2_hpack_encode(enc, list, n, out, sizeof out, &written, &err), H2_OK);
    uint8_t *wire = hex_of(json_object_get(e, "wire_hex"), &wn);
    ck_assert_uint_eq(written, wn);
    ck_assert_mem_eq(out, wire, wn);
    free(wire);
    const json_value *table = json_object_get(e, "dynamic_table_after");
    ck_assert_uint_eq(h2_hpack_encoder_table_count(enc), table->count);
    ck_assert_uint_eq(h2_hpack_encoder_table_size(enc),
                      (uint32_t)json_object_get(e, "dynamic_table_size_after")->number);
    uint32_t i = 0;
    for (const json_value *t = table->first; t; t = t->next, i++) {
      h2_header entry;
      ck_assert(h2_hpack_encoder_table_entry(enc, i, &entry));
      const json_value *name = json_object_get(t, "name"), *value = json_object_get(t, "value");
      ck_assert_uint_eq(entry.name_len, name->str_len);
      ck_assert_mem_eq(entry.name, name->str, name->str_len);
      ck_assert_uint_eq(entry.value_len, value->str_len);
      ck_assert_mem_eq(entry.value, value->str, value->str_len);
    }
    blocks++;
  }
  ck_assert_int_eq(blocks, 3);
  h2_hpack_encoder_free(enc);
}

START_TEST(encode_c3) {
  encode_sequence("C.3", H2_HUFFMAN_NEVER, 4096);
}
END_TEST
START_TEST(encode_c4) {
  encode_sequence("C.4", H2_HUFFMAN_ALWAYS, 4096);
}
END_TEST
START_TEST(encode_c5) {
  encode_sequence("C.5", H2_HUFFMAN_NEVER, 256);
}
END_TEST
START_TEST(encode_c6) {
  encode_sequence("C.6", H2_HUFFMAN_ALWAYS, 256);
}
END_TEST

/* The hex dumps in the RFC text (e.g. "8286 8441 0f77 ...") concatenated per
 * example must equal the vector file's wire_hex: the file is checked against
 * the RFC itself. */
START_TEST(rfc_text_dumps) {
  size_t len;
  char *text = vectors_read_file(H2_SHARED_DIR "/spec/hpack-rfc7541.txt", &len);
  ck_assert_ptr_nonnull(text);
  const json_value *ex = json_object_get(json_doc_root(doc), "examples");
  int matched = 0;
  for (const json_value *e = ex->first; e; e = e->next) {
    const json_value *layout = json_object_get(e, "wire_hex_rfc_layout");
    /* The first group of 4 hex digits + the second must appear in the text
     * as the start of a dump line; then the whole layout, line-wrapped in the
     * RFC, is compared group by group. */
    char first[16];
    ck_assert(layout->str_len >= 2);
    memcpy(first, layout->str, layout->str_len < 9 ? layout->str_len : 9);
    first[layout->str_len < 9 ? layout->str_len : 9] = '\0';
    const char *p = text;
    bool found = false;
    while (!found && (p = strstr(p, first)) != NULL) {
      /* Walk groups in the text, skipping the "| ascii" column and newlines. */
      const char *q = p, *g = layout->str, *gend = layout->str + layout->str_len;
      bool ok = true;
      while (ok && g < gend) {
        if (*g == ' ') {
          g++;
          continue;
        }
        while (*q == ' ')
          q++;
        if (*q == '|') { /* end of a dump line: skip to the next line's hex */
          q = strchr(q, '\n');
          if (!q) {
            ok = false;
            break;
          }
          q++;
          continue;
        }
        if (*q == '\n') {
          q++;
          continue;
        }
        if (*q != *g) ok = false;
        q++;
        g++;
      }
      found = ok;
      p++;
    }
    ck_assert_msg(found, "%s: RFC text dump not found", json_object_get(e, "id")->str);
    matched++;
  }
  ck_assert_int_eq(matched, 16);
  free(text);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("hpack_rfc_examples");
  TCase *t = tcase_create("appendix_c");
  tcase_add_checked_fixture(t, load, unload);
  tcase_add_test(t, integers);
  tcase_add_test(t, header_blocks);
  tcase_add_test(t, encode_c3);
  tcase_add_test(t, encode_c4);
  tcase_add_test(t, encode_c5);
  tcase_add_test(t, encode_c6);
  tcase_add_test(t, rfc_text_dumps);
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return run_suite(suite()); }
