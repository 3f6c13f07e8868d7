/* hpack_roundtrip.c — fuzz target: header lists derived from the input are
 * encoded with every encoder strategy the input picks (Huffman auto/never/
 * always, indexing default/none/all, never-indexed fields, table size changes
 * between blocks, the peer's SETTINGS_HEADER_TABLE_SIZE moving down and up)
 * and decoded back on one connection: the lists must be equal, the
 * representations must honour the flags, and after every block the
 * encoder's and decoder's dynamic tables must agree entry by entry. The
 * integer primitive (§5.1) is round-tripped on the side.
 *
 * Input: mode byte (bits 0-1 Huffman, 2-3 indexing, 4 index sensitive
 * fields, 5 an allocation budget byte follows), then per block: ctl (bits 0-4 field count, 5: a new
 * peer limit u16 % 8192 follows, 7: a table size u16 % 9000 follows, 6: a second one), then per
 * field: how (bit 0 vocabulary name, bits 6-7 never/no-index), name (length byte + bytes) unless
 * from the vocabulary, value (length + bytes). */
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

/* §5.1 integers: encode then decode gives the value back, with the pattern
 * bits above the prefix kept, and any shorter buffer is "truncated". */
static void int_roundtrip(uint32_t value, unsigned prefix_bits) {
  uint8_t buf[8];
  uint8_t pattern = (uint8_t)(0xa5u << prefix_bits);
  size_t n = h2_hpack_int_encode(value, prefix_bits, pattern, buf, sizeof buf);
  FUZZ_CHECK(n >= 1 && n <= 6, "integer %u took %zu bytes", value, n);
  FUZZ_CHECK((buf[0] & (uint8_t) ~(0xffu >> (8 - prefix_bits))) == pattern, "pattern bits lost");
  FUZZ_CHECK(h2_hpack_int_encode(value, prefix_bits, pattern, buf, n - 1) == 0, "short buffer");
  uint32_t back = 0;
  size_t used = 0;
  FUZZ_CHECK(h2_hpack_int_decode(buf, n, prefix_bits, &back, &used) == H2_OK && back == value &&
                 used == n,
             "integer %u (prefix %u) decoded as %u", value, prefix_bits, back);
  FUZZ_CHECK(h2_hpack_int_decode(buf, n - 1, prefix_bits, &back, &used) == H2_E_HPACK_TRUNCATED,
             "truncated integer accepted");
}

/* Names from a small vocabulary (so the tables get hits) or from the input. */
static const char *const vocab[] = {":method",
                                    ":path",
                                    ":authority",
                                    ":status",
                                    "cookie",
                                    "authorization",
                                    "user-agent",
                                    "content-type",
                                    "x-a",
                                    "date",
                                    "content-length",
                                    ":scheme",
                                    "etag",
                                    "location",
                                    "if-none-match",
                                    "last-modified",
                                    "if-modified-since",
                                    "set-cookie"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_reader r = fuzz_reader_make(data, size);
  uint8_t mode = fuzz_u8(&r);
  h2_hpack_encoder_config ec = {.huffman = (uint8_t)(mode % 3),
                                .indexing = (uint8_t)((mode >> 2) % 3),
                                .index_sensitive = (mode >> 4) & 1};
  /* Mode bit 5: the encoder allocates through a budget (the next byte) so
   * its H2_E_NO_MEMORY paths run; the run stops at the first failure. */
  fuzz_alloc_state as = {.budget = (mode & 0x20) ? fuzz_u8(&r) : -1};
  h2_allocator alloc = {.alloc = fuzz_alloc, .free = fuzz_free, .ctx = &as};
  ec.allocator = &alloc;
  h2_hpack_encoder *e = h2_hpack_encoder_new(&ec);
  if (!e) {
    FUZZ_CHECK(as.failures > 0 && as.live == 0, "encoder_new failed (%ld live blocks)", as.live);
    return 0;
  }
  h2_hpack_decoder d;
  FUZZ_CHECK(h2_hpack_decoder_init(&d, NULL) == H2_OK, "init");
  uint32_t peer_limit = 4096; /* RFC 9113 §6.5.2 initial value */
  static uint8_t out[1 << 16];
  static h2_header got[MAX_FIELDS];
  static h2_hpack_field_info infos[MAX_FIELDS];
  static char arena[1 << 16];
  for (int block = 0; block < 16 && r.left > 0; block++) {
    uint8_t ctl = fuzz_u8(&r);
    if (ctl & 0x20) {
      /* The decoder announces a new SETTINGS_HEADER_TABLE_SIZE; once it is
       * acknowledged the encoder may use up to it (RFC 9113 §6.5.2, RFC 7541
       * §4.2: a smaller limit forces a size update in the next block). */
      peer_limit = fuzz_u16(&r) % 8192;
      FUZZ_CHECK(h2_hpack_decoder_set_max_table_size(&d, peer_limit) == H2_OK, "decoder limit");
      h2_status st = h2_hpack_encoder_set_peer_limit(e, peer_limit);
      if (st == H2_E_NO_MEMORY) break;
      FUZZ_CHECK(st == H2_OK, "peer limit: %s", h2_status_name(st));
    }
    if (ctl & 0x80) {
      /* Sizes above the peer's limit must be refused. */
      uint32_t size1 = fuzz_u16(&r) % 9000;
      h2_status st1 = h2_hpack_encoder_set_max_table_size(e, size1);
      if (st1 == H2_E_NO_MEMORY) break;
      FUZZ_CHECK(st1 == (size1 <= peer_limit ? H2_OK : H2_E_INVALID_ARGUMENT), "set size %u",
                 size1);
      if (ctl & 0x40) {
        uint32_t size2 = fuzz_u16(&r) % 9000;
        h2_status st2 = h2_hpack_encoder_set_max_table_size(e, size2);
        if (st2 == H2_E_NO_MEMORY) break;
        FUZZ_CHECK(st2 == (size2 <= peer_limit ? H2_OK : H2_E_INVALID_ARGUMENT), "set size %u",
                   size2);
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
      list[i].flags = (how >> 6) == 1   ? H2_HEADER_NEVER_INDEX
                      : (how >> 6) == 2 ? H2_HEADER_NO_INDEX
                                        : 0;
    }
    size_t written, count;
    h2_error err;
    /* The bounds: the encoder's own is tighter than the any-mode one, and a
     * buffer one byte short of it is refused without changing any state
     * (the tables are compared after the real encode below). */
    size_t bound = h2_hpack_encoder_bound(e, list, n);
    FUZZ_CHECK(bound <= h2_hpack_encode_bound(list, n), "encoder bound %zu above the bound %zu",
               bound, h2_hpack_encode_bound(list, n));
    if (bound > 0 && bound <= sizeof out) {
      size_t short_written = 99;
      h2_status sst = h2_hpack_encode(e, list, n, out, bound - 1, &short_written, &err);
      if (sst == H2_E_NO_MEMORY) break;
      FUZZ_CHECK(sst == H2_E_BUFFER_TOO_SMALL && short_written == 0,
                 "cap %zu below the bound: %s, wrote %zu", bound - 1, h2_status_name(sst),
                 short_written);
    }
    h2_status est = h2_hpack_encode(e, list, n, out, sizeof out, &written, &err);
    if (est == H2_E_NO_MEMORY) break;
    FUZZ_CHECK(est == H2_OK, "encode: %s", h2_status_name(est));
    FUZZ_CHECK(written <= bound, "wrote %zu, bound %zu", written, bound);
    h2_status st = h2_hpack_decode_list(&d, out, written, got, infos, MAX_FIELDS, &count, arena,
                                        sizeof arena, &err);
    FUZZ_CHECK(st == H2_OK, "our decoder rejects our encoder's block: %s at %zu", h2_strerror(st),
               err.offset);
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
    int_roundtrip((uint32_t)written * 2654435761u ^ ctl, 1 + ctl % 8);
  }
  h2_hpack_encoder_free(e);
  FUZZ_CHECK(as.live == 0, "encoder leaked %ld blocks", as.live);
  h2_hpack_decoder_free(&d);
  return 0;
}
