/* test_hpack_random.c — fixed-seed randomized HPACK round trips: random header
 * lists (static-table names, repeated and fresh values, binary bytes, empty
 * strings, fields larger than the table, per-field never/no-index flags)
 * through our encoder in every mode and back through our decoder, with random
 * table-size changes and SETTINGS limit changes between blocks (RFC 7541
 * §4.2, §6.3). After every block the lists must be equal and the encoder's
 * and decoder's dynamic tables identical entry by entry. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"
#include "h2/huffman.h"

/* xorshift64*: a fixed seed gives the same run everywhere. */
typedef struct rng {
  uint64_t s;
} rng;

static uint32_t rnd(rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t)((r->s * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(rng *r, uint32_t n) {
  return n ? rnd(r) % n : 0;
}

static const char *const names[] = {":authority",
                                    ":method",
                                    ":path",
                                    ":scheme",
                                    ":status",
                                    "accept",
                                    "cookie",
                                    "authorization",
                                    "user-agent",
                                    "set-cookie",
                                    "content-length",
                                    "x-trace",
                                    "date",
                                    "etag",
                                    "proxy-authorization",
                                    "x-custom-header-with-a-long-name"};
static const char *const values[] = {"GET",   "POST",       "/",         "/index.html",
                                     "https", "200",        "404",       "gzip, deflate",
                                     "a=1",   "text/html",  "",          "example.com",
                                     "0",     "keep-alive", "max-age=0", "Basic dXNlcjpwYXNz"};

#define MAX_FIELDS 40
#define POOL (1 << 16)

typedef struct gen {
  char pool[POOL]; /* bytes of generated strings */
  size_t used;
  h2_header list[MAX_FIELDS];
  size_t n;
} gen;

static const char *random_bytes(rng *r, gen *g, size_t len, bool binary) {
  ck_assert_uint_le(g->used + len, POOL);
  char *p = g->pool + g->used;
  for (size_t i = 0; i < len; i++)
    p[i] = binary ? (char)below(r, 256) : (char)('a' + below(r, 26));
  g->used += len;
  return p;
}

static void random_list(rng *r, gen *g, uint32_t table_size) {
  g->used = 0;
  g->n = below(r, MAX_FIELDS);
  for (size_t i = 0; i < g->n; i++) {
    h2_header *h = &g->list[i];
    uint32_t pick = below(r, 16);
    if (pick < 10) {
      const char *nm = names[below(r, sizeof names / sizeof *names)];
      h->name = nm;
      h->name_len = strlen(nm);
    } else if (pick < 15) {
      h->name_len = 1 + below(r, 20);
      h->name = random_bytes(r, g, h->name_len, false);
    } else {
      h->name_len = below(r, 4); /* empty names are legal HPACK */
      h->name = random_bytes(r, g, h->name_len, true);
    }
    pick = below(r, 16);
    if (pick < 8) {
      const char *v = values[below(r, sizeof values / sizeof *values)];
      h->value = v;
      h->value_len = strlen(v);
    } else if (pick < 12) {
      h->value_len = below(r, 40);
      h->value = random_bytes(r, g, h->value_len, false);
    } else if (pick < 15) {
      h->value_len = below(r, 60);
      h->value = random_bytes(r, g, h->value_len, true);
    } else {
      /* Around the table size: exactly fitting, just over, far over (§4.4). */
      uint32_t target = table_size > 32 ? table_size - 32 : 0;
      uint32_t len = target + below(r, 3) - 1 - (uint32_t)h->name_len;
      if (len > 6000) len = below(r, 6000);
      h->value_len = len;
      h->value = random_bytes(r, g, len, below(r, 2));
    }
    pick = below(r, 8);
    h->flags = pick == 0 ? H2_HEADER_NEVER_INDEX : pick == 1 ? H2_HEADER_NO_INDEX : 0;
  }
}

static void tables_agree(const h2_hpack_encoder *e, const h2_hpack_decoder *d) {
  ck_assert_uint_eq(h2_hpack_encoder_table_count(e), h2_hpack_decoder_table_count(d));
  ck_assert_uint_eq(h2_hpack_encoder_table_size(e), h2_hpack_decoder_table_size(d));
  ck_assert_uint_le(h2_hpack_decoder_table_size(d), h2_hpack_decoder_table_max_size(d));
  uint64_t sum = 0;
  for (uint32_t i = 0; i < h2_hpack_decoder_table_count(d); i++) {
    h2_header a, b;
    ck_assert(h2_hpack_encoder_table_entry(e, i, &a));
    ck_assert(h2_hpack_decoder_table_entry(d, i, &b));
    ck_assert_uint_eq(a.name_len, b.name_len);
    ck_assert_uint_eq(a.value_len, b.value_len);
    if (a.name_len) ck_assert_mem_eq(a.name, b.name, a.name_len);
    if (a.value_len) ck_assert_mem_eq(a.value, b.value, a.value_len);
    sum += a.name_len + a.value_len + H2_HPACK_ENTRY_OVERHEAD; /* §4.1 */
  }
  ck_assert_uint_eq(sum, h2_hpack_decoder_table_size(d));
}

static bool is_sensitive(const h2_header *h) {
  return (h->name_len == 13 && !memcmp(h->name, "authorization", 13)) ||
         (h->name_len == 19 && !memcmp(h->name, "proxy-authorization", 19)) ||
         (h->name_len == 6 && !memcmp(h->name, "cookie", 6) && h->value_len < 20);
}

static gen g;
static h2_header got[MAX_FIELDS];
static h2_hpack_field_info infos[MAX_FIELDS];
static char arena[1 << 17];
static uint8_t wire[1 << 17];

/* Loop index → encoder mode: 3 Huffman modes × 3 indexing modes × sensitive policy. */
START_TEST(random_round_trips) {
  h2_hpack_encoder_config ec = {.huffman = (uint8_t)(_i % 3),
                                .indexing = (uint8_t)((_i / 3) % 3),
                                .index_sensitive = _i / 9 != 0};
  rng r = {0x9e3779b97f4a7c15ULL ^ (uint64_t)(_i + 1) * 0x100000001b3ULL};
  uint32_t limit = 4096; /* SETTINGS_HEADER_TABLE_SIZE of the decoding side */
  h2_hpack_encoder *enc = h2_hpack_encoder_new(&ec);
  ck_assert_ptr_nonnull(enc);
  h2_hpack_decoder dec;
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK);
  uint32_t current = 4096, blocks_with_update = 0, inserts = 0, evictions = 0;
  for (int block = 0; block < 400; block++) {
    uint32_t change = below(&r, 16);
    if (change == 0) {
      /* A new SETTINGS value, acknowledged before the next block. */
      static const uint32_t limits[] = {0, 64, 100, 256, 1000, 4096, 8192, 65536};
      limit = limits[below(&r, 8)];
      ck_assert_int_eq(h2_hpack_decoder_set_max_table_size(&dec, limit), H2_OK);
      ck_assert_int_eq(h2_hpack_encoder_set_peer_limit(enc, limit), H2_OK);
      if (current > limit) current = limit;
    } else if (change <= 2) {
      /* The encoder picks its own size within the limit, maybe twice. */
      for (uint32_t k = below(&r, 2) + 1; k > 0; k--) {
        current = below(&r, limit + 1);
        ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(enc, current), H2_OK);
      }
    } else if (change == 3 && limit < UINT32_MAX) {
      ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(enc, limit + 1), H2_E_INVALID_ARGUMENT);
    }
    random_list(&r, &g, current);
    size_t written, n;
    h2_error err;
    ck_assert_uint_le(h2_hpack_encoder_bound(enc, g.list, g.n), h2_hpack_encode_bound(g.list, g.n));
    ck_assert_int_eq(h2_hpack_encode(enc, g.list, g.n, wire, sizeof wire, &written, &err), H2_OK);
    ck_assert_uint_le(written, h2_hpack_encoder_bound(enc, g.list, g.n));
    if (written && (wire[0] & 0xe0) == 0x20) blocks_with_update++;
    h2_status st = h2_hpack_decode_list(&dec, wire, written, got, infos, MAX_FIELDS, &n, arena,
                                        sizeof arena, &err);
    ck_assert_msg(st == H2_OK, "mode %d block %d: %s at %zu", _i, block, h2_strerror(st),
                  err.offset);
    ck_assert_uint_eq(n, g.n);
    ck_assert_uint_eq(h2_hpack_decoder_table_max_size(&dec), current);
    for (size_t i = 0; i < n; i++) {
      const h2_header *w = &g.list[i];
      ck_assert_uint_eq(got[i].name_len, w->name_len);
      ck_assert_uint_eq(got[i].value_len, w->value_len);
      if (w->name_len) ck_assert_mem_eq(got[i].name, w->name, w->name_len);
      if (w->value_len) ck_assert_mem_eq(got[i].value, w->value, w->value_len);
      bool never = (w->flags & H2_HEADER_NEVER_INDEX) || (!ec.index_sensitive && is_sensitive(w));
      /* §6.2.3: a never-indexed field stays a never-indexed literal. */
      if (never) {
        ck_assert_int_eq(infos[i].rep, H2_HPACK_LITERAL_NEVER_INDEX);
        ck_assert(got[i].flags & H2_HEADER_NEVER_INDEX);
      }
      if ((w->flags & H2_HEADER_NO_INDEX) || ec.indexing == H2_INDEXING_NONE)
        ck_assert_int_ne(infos[i].rep, H2_HPACK_LITERAL_INCREMENTAL);
      if (ec.huffman == H2_HUFFMAN_NEVER)
        ck_assert(!infos[i].name_huffman && !infos[i].value_huffman);
      if (ec.huffman == H2_HUFFMAN_ALWAYS) {
        if (infos[i].rep != H2_HPACK_INDEXED && infos[i].index == 0 && w->name_len)
          ck_assert(infos[i].name_huffman);
        if (infos[i].rep != H2_HPACK_INDEXED && w->value_len) ck_assert(infos[i].value_huffman);
      }
      if (infos[i].rep == H2_HPACK_LITERAL_INCREMENTAL) inserts++;
      evictions += infos[i].evicted;
    }
    tables_agree(enc, &dec);
  }
  /* The run must have exercised what it claims to. */
  ck_assert_uint_gt(blocks_with_update, 20);
  if (ec.indexing != H2_INDEXING_NONE) {
    ck_assert_uint_gt(inserts, 100);
    ck_assert_uint_gt(evictions, 10);
  }
  h2_hpack_encoder_free(enc);
  h2_hpack_decoder_free(&dec);
}
END_TEST

/* The decoder's table must own its bytes: after every block the wire and the
 * generated strings are overwritten, and both tables must still agree. */
START_TEST(decode_from_copied_wire) {
  rng r = {12345};
  h2_hpack_encoder_config ec = {.indexing = H2_INDEXING_ALL};
  h2_hpack_encoder *enc = h2_hpack_encoder_new(&ec);
  h2_hpack_decoder dec;
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK);
  for (int block = 0; block < 200; block++) {
    random_list(&r, &g, 4096);
    size_t written, n;
    h2_error err;
    ck_assert_int_eq(h2_hpack_encode(enc, g.list, g.n, wire, sizeof wire, &written, &err), H2_OK);
    uint8_t *copy = malloc(written + 1);
    memcpy(copy, wire, written);
    ck_assert_int_eq(h2_hpack_decode_list(&dec, copy, written, got, infos, MAX_FIELDS, &n, arena,
                                          sizeof arena, &err),
                     H2_OK);
    memset(copy, 0xa5, written);
    free(copy);
    memset(g.pool, 0x5a, g.used);
    tables_agree(enc, &dec);
  }
  h2_hpack_encoder_free(enc);
  h2_hpack_decoder_free(&dec);
}
END_TEST

/* H2_HUFFMAN_AUTO uses the code exactly when it is strictly shorter (the
 * encoder tries it within the raw length, no separate measuring pass): one
 * value per length up to 300 and per mix of 5-bit ('a') and 8-bit ('&')
 * symbols, so the code is shorter, as long (tie: raw) or longer (binary
 * bytes); lengths ≥ 127 whose code is under 127 octets take a shorter length
 * prefix than the raw string would. The wire size and the decoded value and
 * representation are checked for each. */
START_TEST(auto_huffman_exactly_when_shorter) {
  h2_hpack_encoder_config ec = {.huffman = H2_HUFFMAN_AUTO, .indexing = H2_INDEXING_NONE};
  h2_hpack_encoder *enc = h2_hpack_encoder_new(&ec);
  ck_assert_ptr_nonnull(enc);
  h2_hpack_decoder dec;
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, NULL), H2_OK);
  static char value[300];
  unsigned huffman = 0, raw = 0, shorter_prefix = 0;
  for (size_t len = 1; len <= sizeof value; len++)
    for (size_t fives = 0; fives <= 12; fives++)
      for (int binary = 0; binary < 2; binary++) {
        for (size_t k = 0; k < len; k++)
          value[k] = binary ? (char)(0x80 + (k * 7 + fives) % 128) : k < fives ? 'a' : '&';
        h2_header h = {.name = "x-v", .name_len = 3, .value = value, .value_len = len};
        size_t written, n;
        h2_error err;
        ck_assert_int_eq(h2_hpack_encode(enc, &h, 1, wire, sizeof wire, &written, &err), H2_OK);
        size_t hlen = h2_huffman_encoded_len((const uint8_t *)value, len);
        bool want_huffman = hlen < len;
        size_t body = want_huffman ? hlen : len;
        size_t prefix = body < 127 ? 1 : body - 127 < 128 ? 2 : 3;
        /* representation byte, name "x-v" (3 octets, raw or Huffman), value */
        ck_assert_uint_eq(written, 1 + 1 + 3 + prefix + body);
        ck_assert_int_eq(h2_hpack_decode_list(&dec, wire, written, got, infos, MAX_FIELDS, &n,
                                              arena, sizeof arena, &err),
                         H2_OK);
        ck_assert_uint_eq(n, 1);
        ck_assert_uint_eq(got[0].value_len, len);
        ck_assert_mem_eq(got[0].value, value, len);
        ck_assert(infos[0].value_huffman == want_huffman);
        want_huffman ? huffman++ : raw++;
        if (want_huffman && len >= 127 && hlen < 127) shorter_prefix++;
      }
  ck_assert_uint_gt(huffman, 100);
  ck_assert_uint_gt(raw, 100);
  ck_assert_uint_gt(shorter_prefix, 10);
  h2_hpack_encoder_free(enc);
  h2_hpack_decoder_free(&dec);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("hpack_random");
  TCase *t = tcase_create("random");
  tcase_set_timeout(t, 300);
  tcase_add_loop_test(t, random_round_trips, 0, 18);
  tcase_add_test(t, decode_from_copied_wire);
  tcase_add_test(t, auto_huffman_exactly_when_shorter);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
