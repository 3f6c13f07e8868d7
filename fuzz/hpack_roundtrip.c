/* hpack_roundtrip.c — fuzz target: header lists derived from the input are
 * encoded with every encoder strategy the input picks (Huffman auto/never/
 * always, indexing default/none/all, never-indexed fields, table size changes
 * between blocks) and decoded back on one connection: the lists must be
 * equal, the representations must honour the flags, and after every block
 * the encoder's and decoder's dynamic tables must agree entry by entry. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "h2/hpack.h"

#define MAX_FIELDS 32

static void tables_agree(const h2_hpack_encoder *e, const h2_hpack_decoder *d) {
  FUZZ_CHECK(h2_hpack_encoder_table_count(e) == h2_hpack_decoder_table_count(d),
             "entry counts %u vs %u", h2_hpack_encoder_table_count(e),
             h2_hpack_decoder_table_count(d));
  FUZZ_CHECK(h2_hpack_encoder_table_size(e) == h2_hpack_decoder_table_size(d), "table sizes");
  for (uint32_t i = 0; i < h2_hpack_decoder_table_count(d); i++) {
    h2_header a, b;
    FUZZ_CHECK(h2_hpack_encoder_table_entry(e, i, &a) && h2_hpack_decoder_table_entry(d, i, &b),
               "entry %u", i);
    FUZZ_CHECK(a.name_len == b.name_len && a.value_len == b.value_len &&
                   !memcmp(a.name, b.name, a.name_len) && !memcmp(a.value, b.value, a.value_len),
               "entry %u differs", i);
  }
}

/* Names from a small vocabulary (so the tables get hits) or from the input. */
static const char *const vocab[] = {":method", ":path", ":authority", ":status", "cookie",
                                    "authorization", "user-agent", "content-type", "x-a", "date",
                                    "content-length", ":scheme"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_reader r = fuzz_reader_make(data, size);
  uint8_t mode = fuzz_u8(&r);
  h2_hpack_encoder_config ec = {.huffman = (uint8_t)(mode % 3),
                                .indexing = (uint8_t)((mode >> 2) % 3),
                                .index_sensitive = (mode >> 4) & 1};
  h2_hpack_encoder *e = h2_hpack_encoder_new(&ec);
  h2_hpack_decoder d;
  FUZZ_CHECK(e && h2_hpack_decoder_init(&d, NULL) == H2_OK, "init");
  static uint8_t out[1 << 16];
  static h2_header got[MAX_FIELDS];
  static h2_hpack_field_info infos[MAX_FIELDS];
  static char arena[1 << 16];
  for (int block = 0; block < 16 && r.left > 0; block++) {
    uint8_t ctl = fuzz_u8(&r);
    if (ctl & 0x80) {
      /* Sizes above the peer's limit (4096 here) must be refused. */
      uint32_t size1 = fuzz_u16(&r) % 5000;
      h2_status st1 = h2_hpack_encoder_set_max_table_size(e, size1);
      FUZZ_CHECK(st1 == (size1 <= 4096 ? H2_OK : H2_E_INVALID_ARGUMENT), "set size %u", size1);
      if (ctl & 0x40) {
        uint32_t size2 = fuzz_u16(&r) % 5000;
        h2_status st2 = h2_hpack_encoder_set_max_table_size(e, size2);
        FUZZ_CHECK(st2 == (size2 <= 4096 ? H2_OK : H2_E_INVALID_ARGUMENT), "set size %u", size2);
      }
    }
    h2_header list[MAX_FIELDS];
    size_t n = (size_t)(ctl & 0x1f) % MAX_FIELDS;
    for (size_t i = 0; i < n; i++) {
      uint8_t how = fuzz_u8(&r);
      size_t got_len;
      if (how & 1) {
        const char *name = vocab[(how >> 1) % (sizeof vocab / sizeof *vocab)];
        list[i].name = name;
        list[i].name_len = strlen(name);
      } else {
        list[i].name = (const char *)fuzz_bytes(&r, fuzz_u8(&r) % 24, &got_len);
        list[i].name_len = got_len;
      }
      list[i].value = (const char *)fuzz_bytes(&r, fuzz_u8(&r) % 64, &got_len);
      list[i].value_len = got_len;
      list[i].flags = (how >> 6) == 1 ? H2_HEADER_NEVER_INDEX
                      : (how >> 6) == 2 ? H2_HEADER_NO_INDEX : 0;
    }
    size_t written, count;
    h2_error err;
    FUZZ_CHECK(h2_hpack_encode(e, list, n, out, sizeof out, &written, &err) == H2_OK, "encode");
    h2_status st = h2_hpack_decode_list(&d, out, written, got, infos, MAX_FIELDS, &count, arena,
                                        sizeof arena, &err);
    FUZZ_CHECK(st == H2_OK, "our decoder rejects our encoder's block: %s at %zu",
               h2_strerror(st), err.offset);
    FUZZ_CHECK(count == n, "field count %zu vs %zu", count, n);
    for (size_t i = 0; i < n; i++) {
      FUZZ_CHECK(got[i].name_len == list[i].name_len && got[i].value_len == list[i].value_len &&
                     (!got[i].name_len || !memcmp(got[i].name, list[i].name, got[i].name_len)) &&
                     (!got[i].value_len || !memcmp(got[i].value, list[i].value, got[i].value_len)),
                 "field %zu differs", i);
      if (list[i].flags & H2_HEADER_NEVER_INDEX)
        FUZZ_CHECK(infos[i].rep == H2_HPACK_LITERAL_NEVER_INDEX, "never-index flag ignored");
      if (list[i].flags & H2_HEADER_NO_INDEX)
        FUZZ_CHECK(infos[i].rep != H2_HPACK_LITERAL_INCREMENTAL, "no-index flag ignored");
      if (ec.indexing == H2_INDEXING_NONE)
        FUZZ_CHECK(infos[i].rep != H2_HPACK_LITERAL_INCREMENTAL, "indexing none ignored");
      if (ec.huffman == H2_HUFFMAN_NEVER)
        FUZZ_CHECK(!infos[i].name_huffman && !infos[i].value_huffman, "huffman never ignored");
    }
    tables_agree(e, &d);
  }
  h2_hpack_encoder_free(e);
  h2_hpack_decoder_free(&d);
  return 0;
}
