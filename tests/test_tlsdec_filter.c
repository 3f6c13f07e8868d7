/* test_tlsdec_filter.c — the TLS-decrypting flow_consumer filter on synthetic
 * connections built here (tlsdec_build.h): TLS 1.2 and 1.3 handshakes with
 * every suite, delivery in chunks of every size, KeyUpdate, HelloRetryRequest,
 * pass-through of non-TLS connections, gaps, malformed and oversized records,
 * unsupported suites, role swaps by the inner consumer, and random bytes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_suite.h"

#include "capture_recorder.h"
#include "keylog.h"
#include "tls_print.h"
#include "tlsdec_build.h"
#include "tlsdec_filter.h"

enum { C = 0, S = 1 };

/* A scripted connection: pieces of bytes per direction, in order. */
typedef struct piece {
  int dir;
  tb_buf bytes;
} piece;

typedef struct script {
  piece p[32];
  int n;
  char keylog[2048];
  tb_buf plain[2]; /* expected application data per direction */
} script;

static tb_buf *next_piece(script *s, int dir) {
  if (s->n > 0 && s->p[s->n - 1].dir == dir) return &s->p[s->n - 1].bytes;
  ck_assert_int_lt(s->n, 32);
  s->p[s->n].dir = dir;
  memset(&s->p[s->n].bytes, 0, sizeof(tb_buf));
  return &s->p[s->n++].bytes;
}

static void script_free(script *s) {
  for (int i = 0; i < s->n; i++)
    tb_free(&s->p[i].bytes);
  tb_free(&s->plain[0]);
  tb_free(&s->plain[1]);
}

static void hexcat(char *out, size_t cap, const uint8_t *p, size_t n) {
  size_t used = strlen(out);
  for (size_t i = 0; i < n && used + 3 < cap; i++)
    used += (size_t)sprintf(out + used, "%02x", p[i]);
}

static void keylog_line(script *s, const char *label, const uint8_t cr[32], const uint8_t *sec,
                        size_t n) {
  size_t used = strlen(s->keylog);
  snprintf(s->keylog + used, sizeof s->keylog - used, "%s ", label);
  hexcat(s->keylog, sizeof s->keylog, cr, 32);
  strcat(s->keylog, " ");
  hexcat(s->keylog, sizeof s->keylog, sec, n);
  strcat(s->keylog, "\n");
}

static void app_data(script *s, int dir, tls_record_cipher *c, const char *text) {
  tb_sealed(next_piece(s, dir), c, 23, text, strlen(text));
  tb_put(&s->plain[dir], text, strlen(text));
}

static const char client_text[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nclient payload";
static const char server_text[] = "\x00\x00\x00\x04\x00\x00\x00\x00\x00server payload";

/* TLS 1.3 with suite, optional HRR, one KeyUpdate from each side. */
static void build13(script *s, uint16_t suite_id, bool hrr) {
  memset(s, 0, sizeof *s);
  const tls_suite_info *suite = tls_suite_lookup(suite_id);
  uint8_t cr[32], sr[32], sec[4][48];
  for (int i = 0; i < 32; i++) {
    cr[i] = (uint8_t)(i + 1);
    sr[i] = (uint8_t)(0x80 + i);
  }
  for (int k = 0; k < 4; k++)
    memset(sec[k], 0x11 * (k + 1), 48);
  static const char *labels[4] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                                  "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                                  "SERVER_TRAFFIC_SECRET_0"};
  strcpy(s->keylog, "# synthetic\n");
  for (int k = 0; k < 4; k++)
    keylog_line(s, labels[k], cr, sec[k], suite->hash_len);
  tls_record_cipher ch, sh, ca, sa;
  tls_record_keys kk;
  memset(&ch, 0, sizeof ch);
  memset(&sh, 0, sizeof sh);
  memset(&ca, 0, sizeof ca);
  memset(&sa, 0, sizeof sa);
  tls13_traffic_keys(suite, sec[0], suite->hash_len, &kk);
  tls_record_cipher_init(&ch, &kk, true);
  tls13_traffic_keys(suite, sec[1], suite->hash_len, &kk);
  tls_record_cipher_init(&sh, &kk, true);
  tls13_traffic_keys(suite, sec[2], suite->hash_len, &kk);
  tls_record_cipher_init(&ca, &kk, true);
  tls13_traffic_keys(suite, sec[3], suite->hash_len, &kk);
  tls_record_cipher_init(&sa, &kk, true);

  tb_buf m = {0};
  tb_client_hello(&m, cr, true, "h2,http/1.1", "tls13.test", false);
  tb_record(next_piece(s, C), 22, m.p, m.len);
  if (hrr) {
    static const uint8_t hrr_random[32] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11,
                                           0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
                                           0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E,
                                           0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
    m.len = 0;
    tb_server_hello(&m, hrr_random, suite_id, true, NULL, false);
    tb_record(next_piece(s, S), 22, m.p, m.len);
    tb_record(next_piece(s, S), 20, "\x01", 1);
    tb_record(next_piece(s, C), 20, "\x01", 1);
    m.len = 0;
    tb_client_hello(&m, cr, true, "h2,http/1.1", "tls13.test", false);
    tb_record(next_piece(s, C), 22, m.p, m.len);
  }
  m.len = 0;
  tb_server_hello(&m, sr, suite_id, true, NULL, false);
  tb_record(next_piece(s, S), 22, m.p, m.len);
  tb_record(next_piece(s, S), 20, "\x01", 1);
  /* EncryptedExtensions with ALPN h2, a Certificate split over two records,
   * Finished. */
  tb_buf cert = {0};
  m.len = 0;
  tb_encrypted_extensions(&m, "h2", false);
  uint8_t certbody[3000];
  memset(certbody, 0x30, sizeof certbody);
  tb_handshake(&cert, 11, certbody, sizeof certbody);
  tb_put(&m, cert.p, 1000);
  tb_sealed(next_piece(s, S), &sh, 22, m.p, m.len);
  m.len = 0;
  tb_put(&m, cert.p + 1000, cert.len - 1000);
  tb_handshake(&m, 20, certbody, suite->hash_len);
  tb_sealed(next_piece(s, S), &sh, 22, m.p, m.len);
  /* Server application data may start before the client's Finished. */
  app_data(s, S, &sa, server_text);
  tb_record(next_piece(s, C), 20, "\x01", 1);
  m.len = 0;
  tb_handshake(&m, 20, certbody, suite->hash_len);
  tb_sealed(next_piece(s, C), &ch, 22, m.p, m.len);
  app_data(s, C, &ca, client_text);
  /* Client KeyUpdate (update_requested), then data under the next secret. */
  m.len = 0;
  tb_handshake(&m, 24, "\x01", 1);
  tb_sealed(next_piece(s, C), &ca, 22, m.p, m.len);
  uint8_t next[48];
  tls13_next_traffic_secret(suite->hash_len, sec[2], next);
  tls13_traffic_keys(suite, next, suite->hash_len, &kk);
  tls_record_cipher_init(&ca, &kk, true);
  app_data(s, C, &ca, "after client key update");
  /* Server answers with its own KeyUpdate, and sends two more records. */
  m.len = 0;
  tb_handshake(&m, 24, "\x00", 1);
  tb_sealed(next_piece(s, S), &sa, 22, m.p, m.len);
  tls13_next_traffic_secret(suite->hash_len, sec[3], next);
  tls13_traffic_keys(suite, next, suite->hash_len, &kk);
  tls_record_cipher_init(&sa, &kk, true);
  app_data(s, S, &sa, "after server key update");
  app_data(s, S, &sa, "and again");
  /* close_notify alert, protected: not application data. */
  tb_sealed(next_piece(s, S), &sa, 21, "\x01\x00", 2);
  tb_free(&m);
  tb_free(&cert);
  tls_record_cipher_free(&ch);
  tls_record_cipher_free(&sh);
  tls_record_cipher_free(&ca);
  tls_record_cipher_free(&sa);
}

/* TLS 1.3 with 0-RTT: the client's ClientHello offers early_data and two
 * early records follow under CLIENT_EARLY_TRAFFIC_SECRET; the server accepts
 * (EncryptedExtensions early_data; the client then sends EndOfEarlyData under
 * the early keys) or rejects (the client sends its Finished and starts over).
 * with_early_secret: the key log has the early secret. The client's expected
 * plaintext is s->plain[C]. */
enum { EARLY_ACCEPT, EARLY_REJECT };
static const char early_text[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nearly request";
static void build13_early(script *s, uint16_t suite_id, int verdict, bool with_early_secret) {
  memset(s, 0, sizeof *s);
  const tls_suite_info *suite = tls_suite_lookup(suite_id);
  uint8_t cr[32], sr[32], sec[5][48];
  for (int i = 0; i < 32; i++) {
    cr[i] = (uint8_t)(0x20 + i);
    sr[i] = (uint8_t)(0x90 + i);
  }
  for (int k = 0; k < 5; k++)
    memset(sec[k], 0x21 * (k + 1), 48);
  static const char *labels[5] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                                  "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                                  "SERVER_TRAFFIC_SECRET_0", "CLIENT_EARLY_TRAFFIC_SECRET"};
  strcpy(s->keylog, "# synthetic 0-RTT\n");
  for (int k = 0; k < (with_early_secret ? 5 : 4); k++)
    keylog_line(s, labels[k], cr, sec[k], suite->hash_len);
  tls_record_cipher c[5]; /* ch, sh, ca, sa, early */
  for (int k = 0; k < 5; k++) {
    tls_record_keys kk;
    memset(&c[k], 0, sizeof c[k]);
    tls13_traffic_keys(suite, sec[k], suite->hash_len, &kk);
    tls_record_cipher_init(&c[k], &kk, true);
  }
  tb_buf m = {0};
  tb_client_hello_early(&m, cr, true, "h2", "early.test", false, true);
  tb_record(next_piece(s, C), 22, m.p, m.len);
  tb_record(next_piece(s, C), 20, "\x01", 1);
  /* the early data, in two records (only accepted data is the client's) */
  tb_sealed(next_piece(s, C), &c[4], 23, early_text, 20);
  tb_sealed(next_piece(s, C), &c[4], 23, early_text + 20, strlen(early_text) - 20);
  if (verdict == EARLY_ACCEPT) tb_put(&s->plain[C], early_text, strlen(early_text));
  m.len = 0;
  tb_server_hello(&m, sr, suite_id, true, NULL, false);
  tb_record(next_piece(s, S), 22, m.p, m.len);
  tb_record(next_piece(s, S), 20, "\x01", 1);
  m.len = 0;
  tb_encrypted_extensions(&m, "h2", verdict == EARLY_ACCEPT);
  uint8_t verify[48];
  memset(verify, 0x77, sizeof verify);
  tb_handshake(&m, 20, verify, suite->hash_len);
  tb_sealed(next_piece(s, S), &c[1], 22, m.p, m.len);
  app_data(s, S, &c[3], server_text);
  if (verdict == EARLY_ACCEPT) {
    m.len = 0;
    tb_handshake(&m, 5, "", 0); /* EndOfEarlyData */
    tb_sealed(next_piece(s, C), &c[4], 22, m.p, m.len);
  }
  m.len = 0;
  tb_handshake(&m, 20, verify, suite->hash_len);
  tb_sealed(next_piece(s, C), &c[0], 22, m.p, m.len);
  app_data(s, C, &c[2], verdict == EARLY_ACCEPT ? "after the handshake" : client_text);
  tb_free(&m);
  for (int k = 0; k < 5; k++)
    tls_record_cipher_free(&c[k]);
}

/* TLS 1.2: CLIENT_RANDOM, CCS switches, Finished first under the new keys. */
static void build12(script *s, uint16_t suite_id) {
  memset(s, 0, sizeof *s);
  const tls_suite_info *suite = tls_suite_lookup(suite_id);
  uint8_t cr[32], sr[32], ms[48];
  for (int i = 0; i < 32; i++) {
    cr[i] = (uint8_t)(0x40 + i);
    sr[i] = (uint8_t)(0xa0 + i);
  }
  memset(ms, 0x5a, sizeof ms);
  keylog_line(s, "CLIENT_RANDOM", cr, ms, 48);
  tls_record_keys ck, sk;
  tls12_traffic_keys(suite, ms, cr, sr, &ck, &sk);
  tls_record_cipher cc, sc;
  memset(&cc, 0, sizeof cc);
  memset(&sc, 0, sizeof sc);
  tls_record_cipher_init(&cc, &ck, true);
  tls_record_cipher_init(&sc, &sk, true);
  tb_buf m = {0};
  tb_client_hello(&m, cr, false, "h2", NULL, true);
  tb_record(next_piece(s, C), 22, m.p, m.len);
  m.len = 0;
  tb_server_hello(&m, sr, suite_id, false, "h2", true);
  tb_handshake(&m, 11, "\x00\x00\x00", 3); /* empty Certificate */
  tb_handshake(&m, 14, "", 0);             /* ServerHelloDone */
  tb_record(next_piece(s, S), 22, m.p, m.len);
  m.len = 0;
  tb_handshake(&m, 16, "\x00\x01\x02", 3); /* ClientKeyExchange */
  tb_record(next_piece(s, C), 22, m.p, m.len);
  tb_record(next_piece(s, C), 20, "\x01", 1);
  m.len = 0;
  tb_handshake(&m, 20, "0123456789ab", 12);
  tb_sealed(next_piece(s, C), &cc, 22, m.p, m.len);
  tb_record(next_piece(s, S), 20, "\x01", 1);
  tb_sealed(next_piece(s, S), &sc, 22, m.p, m.len);
  app_data(s, C, &cc, client_text);
  app_data(s, S, &sc, server_text);
  app_data(s, C, &cc, "second client record");
  tb_free(&m);
  tls_record_cipher_free(&cc);
  tls_record_cipher_free(&sc);
}

/* info's JSON members as render writes them (tls_print.h), NUL-terminated
 * in json[0..cap). */
static void info_json_into(const tls_conn_info *info, char *json, size_t cap) {
  out_buf *o = malloc(sizeof *o);
  ck_assert_ptr_nonnull(o);
  out_init(o, -1);
  tls_info_json(o, info);
  ck_assert_uint_lt(o->len, cap);
  memcpy(json, o->data, o->len);
  json[o->len] = '\0';
  free(o);
}

typedef struct harness {
  recorder rec;
  tlsdec_filter *filter;
  tls_conn_info info;
  bool have_info;
} harness;

static void h_close(void *u, capture_flow *f, int reason, double ts) {
  harness *h = u;
  const tls_conn_info *i = tlsdec_flow_info(h->filter, f);
  h->have_info = i != NULL;
  if (i) h->info = *i;
  rec_on_close(&h->rec, f, reason, ts);
}
static void h_open(void *u, capture_flow *f, double ts) {
  rec_on_open(&((harness *)u)->rec, f, ts);
}
static void h_bytes(void *u, capture_flow *f, int d, uint64_t o, const uint8_t *p, size_t n,
                    double ts) {
  rec_on_bytes(&((harness *)u)->rec, f, d, o, p, n, ts);
}
static void h_gap(void *u, capture_flow *f, int d, uint64_t o, uint64_t n, double ts) {
  rec_on_gap(&((harness *)u)->rec, f, d, o, n, ts);
}
static void h_notice(void *u, capture_flow *f, const char *k, const char *m, double ts) {
  rec_on_notice(&((harness *)u)->rec, f, k, m, ts);
}

/* Feeds the script in chunks of `chunk` bytes (0: whole pieces). */
/* Called by run_with between pieces (after piece `after`). */
typedef struct piece_hook {
  int after;
  void (*fn)(void *user);
  void *user;
} piece_hook;

static void run_with(harness *h, const script *s, keylog *keys, size_t chunk,
                     const piece_hook *hook);

static void run(harness *h, const script *s, keylog *keys, size_t chunk) {
  run_with(h, s, keys, chunk, NULL);
}

static void run_with(harness *h, const script *s, keylog *keys, size_t chunk,
                     const piece_hook *hook) {
  memset(h, 0, sizeof *h);
  rec_init(&h->rec);
  flow_consumer inner = {h, h_open, h_bytes, h_gap, h_close, h_notice, NULL};
  h->filter = tlsdec_filter_new(keys, &inner);
  const flow_consumer *fc = tlsdec_filter_consumer(h->filter);
  capture_flow f;
  memset(&f, 0, sizeof f);
  f.id = 1;
  strcpy(f.endpoint[0], "10.0.0.1:50000");
  strcpy(f.endpoint[1], "10.0.0.2:443");
  f.syn_seen = true;
  fc->on_open(fc->user, &f, 1.0);
  uint64_t off[2] = {0, 0};
  for (int i = 0; i < s->n; i++) {
    const tb_buf *b = &s->p[i].bytes;
    size_t step = chunk ? chunk : b->len;
    for (size_t at = 0; at < b->len; at += step) {
      size_t n = b->len - at < step ? b->len - at : step;
      int d = s->p[i].dir;
      f.bytes[d] += n;
      fc->on_bytes(fc->user, &f, d, off[d], b->p + at, n, 2.0);
      off[d] += n;
    }
    if (hook && hook->after == i) hook->fn(hook->user);
  }
  fc->on_close(fc->user, &f, FLOW_CLOSE_FIN, 3.0);
  tlsdec_filter_free(h->filter);
  ck_assert_int_eq(h->rec.errors, 0);
}

static void check_plain(harness *h, const script *s) {
  for (int d = 0; d < 2; d++) {
    ck_assert_msg(h->rec.stream[1][d].len == s->plain[d].len, "dir %d: %zu != %zu\n%s", d,
                  h->rec.stream[1][d].len, s->plain[d].len, h->rec.log);
    if (s->plain[d].len) ck_assert_mem_eq(h->rec.stream[1][d].data, s->plain[d].p, s->plain[d].len);
  }
}

static void decrypts_all_chunkings(script *s, const char *suite_name, uint16_t version,
                                   uint32_t key_updates) {
  keylog k;
  keylog_init(&k);
  ck_assert_uint_gt(keylog_add_text(&k, s->keylog, strlen(s->keylog)), 0);
  static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 64, 1000};
  for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
    harness h;
    run(&h, s, &k, chunks[c]);
    ck_assert_msg(strstr(h.rec.log, "notice") == NULL, "chunk %zu: %s", chunks[c], h.rec.log);
    check_plain(&h, s);
    ck_assert(h.have_info);
    ck_assert_str_eq(h.info.suite_name, suite_name);
    ck_assert_uint_eq(h.info.version, version);
    ck_assert_str_eq(h.info.alpn, "h2");
    ck_assert(h.info.decrypted);
    ck_assert_uint_eq(h.info.key_updates, key_updates);
    ck_assert_uint_eq(h.info.app_bytes[0], s->plain[0].len);
    ck_assert_uint_eq(h.info.app_bytes[1], s->plain[1].len);
    ck_assert_int_eq(h.info.client_dir, 0);
    rec_free(&h.rec);
  }
  keylog_free(&k);
}

START_TEST(tls13_all_suites_key_update) {
  static const uint16_t ids[] = {0x1301, 0x1302, 0x1303};
  for (int i = 0; i < 3; i++) {
    script s;
    build13(&s, ids[i], false);
    decrypts_all_chunkings(&s, tls_suite_lookup(ids[i])->name, 0x0304, 2);
    script_free(&s);
  }
}
END_TEST

START_TEST(tls13_hello_retry_request) {
  script s;
  build13(&s, 0x1301, true);
  decrypts_all_chunkings(&s, "TLS_AES_128_GCM_SHA256", 0x0304, 2);
  script_free(&s);
}
END_TEST

START_TEST(tls12_all_suites) {
  static const uint16_t ids[] = {0xC02F, 0xC030, 0xCCA8};
  for (int i = 0; i < 3; i++) {
    script s;
    build12(&s, ids[i]);
    decrypts_all_chunkings(&s, tls_suite_lookup(ids[i])->name, 0x0303, 0);
    script_free(&s);
  }
}
END_TEST

START_TEST(not_tls_passes_through) {
  script s;
  memset(&s, 0, sizeof s);
  tb_put(next_piece(&s, C), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
  tb_put(next_piece(&s, S), "\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);
  tb_put(next_piece(&s, C), "\x16\x03\x01\x00\x05hello", 10); /* TLS-like, but later */
  for (int i = 0; i < s.n; i++)
    tb_put(&s.plain[s.p[i].dir], s.p[i].bytes.p, s.p[i].bytes.len);
  for (size_t chunk = 0; chunk < 4; chunk++) {
    harness h;
    run(&h, &s, NULL, chunk);
    check_plain(&h, &s);
    ck_assert(!h.have_info);
    ck_assert_str_eq(h.rec.log, "open 1 10.0.0.1:50000 10.0.0.2:443 syn\n"
                                "close 1 fin 34/9\n");
    rec_free(&h.rec);
  }
  /* Fewer than 5 bytes before the close are still delivered. */
  script tiny;
  memset(&tiny, 0, sizeof tiny);
  tb_put(next_piece(&tiny, C), "\x16\x03", 2);
  tb_put(&tiny.plain[C], "\x16\x03", 2);
  harness h;
  run(&h, &tiny, NULL, 1);
  check_plain(&h, &tiny);
  rec_free(&h.rec);
  script_free(&tiny);
  script_free(&s);
}
END_TEST

/* Replaces piece i of s by its first `keep` bytes. */
static void truncate_piece(script *s, int i, size_t keep) {
  s->p[i].bytes.len = keep;
}

START_TEST(problems_are_reported) {
  keylog k;
  keylog_init(&k);
  script s;
  build13(&s, 0x1303, false);
  keylog_add_text(&k, s.keylog, strlen(s.keylog));
  harness h;
  /* Unsupported suite: AES-128-CCM. */
  script u;
  build13(&u, 0x1303, false);
  /* Patch the ServerHello suite (record 5 + handshake 4 + 2 + 32 + 1). */
  u.p[1].bytes.p[5 + 4 + 2 + 32 + 1 + 1] = 0x04;
  run(&h, &u, &k, 0);
  ck_assert_ptr_nonnull(strstr(h.rec.log, "notice 1 tls-unsupported\n"));
  ck_assert_str_eq(h.info.suite_name, "TLS_AES_128_CCM_SHA256");
  ck_assert_uint_eq(h.rec.stream[1][0].len + h.rec.stream[1][1].len, 0);
  rec_free(&h.rec);
  script_free(&u);
  /* A corrupted byte in the server's first application record. */
  script c;
  build13(&c, 0x1303, false);
  int app_piece = -1;
  for (int i = 0; i < c.n; i++)
    if (c.p[i].dir == S && c.p[i].bytes.len > 60) app_piece = i;
  ck_assert_int_ge(app_piece, 0);
  c.p[app_piece].bytes.p[c.p[app_piece].bytes.len - 3] ^= 0x80;
  run(&h, &c, &k, 0);
  ck_assert_ptr_nonnull(strstr(h.rec.log, "notice 1 tls-decrypt-failed\n"));
  ck_assert_str_eq(h.info.problem, "tls-decrypt-failed");
  /* The client direction still decrypts. */
  ck_assert_uint_eq(h.rec.stream[1][0].len, c.plain[0].len);
  rec_free(&h.rec);
  script_free(&c);
  /* Oversized record header (2^14 + 2049 bytes). */
  script o;
  build13(&o, 0x1301, false);
  o.p[1].bytes.p[3] = 0x48;
  o.p[1].bytes.p[4] = 0x01;
  run(&h, &o, &k, 0);
  ck_assert_ptr_nonnull(strstr(h.rec.log, "notice 1 tls-malformed\n"));
  rec_free(&h.rec);
  script_free(&o);
  /* A malformed ClientHello inside a valid record. */
  script m;
  build13(&m, 0x1301, false);
  m.p[0].bytes.p[5 + 4 + 2 + 32] = 200; /* session id length */
  run(&h, &m, &k, 3);
  ck_assert_ptr_nonnull(strstr(h.rec.log, "notice 1 tls-malformed\n"));
  ck_assert_ptr_nonnull(strstr(h.rec.log, "notice 1 tls-no-keys\n"));
  rec_free(&h.rec);
  script_free(&m);
  /* Cut short: the last record is incomplete at close; nothing crashes. */
  script t;
  build13(&t, 0x1301, false);
  truncate_piece(&t, t.n - 1, 7);
  run(&h, &t, &k, 0);
  ck_assert(h.info.decrypted);
  rec_free(&h.rec);
  script_free(&t);
  script_free(&s);
  keylog_free(&k);
}
END_TEST

/* keylog k from the script's lines whose label starts with one of the
 * prefixes (NULL-terminated). */
static void keylog_subset(keylog *k, const script *s, const char *const *prefixes) {
  keylog_init(k);
  const char *line = s->keylog;
  while (*line) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line + 1) : strlen(line);
    for (const char *const *p = prefixes; *p; p++)
      if (!strncmp(line, *p, strlen(*p))) keylog_add_text(k, line, len);
    line += len;
  }
}

/* With part of a connection's TLS 1.3 secrets, what is missing is reported
 * only when a record needs it. */
START_TEST(missing_secrets_reported_when_needed) {
  static const char *const handshake_only[] = {"CLIENT_HANDSHAKE", "SERVER_HANDSHAKE", NULL};
  static const char *const application_only[] = {"CLIENT_TRAFFIC", "SERVER_TRAFFIC", NULL};
  script s;
  build13(&s, 0x1301, false);
  keylog k;
  harness h;
  /* Handshake secrets only, the whole exchange: the application data of
   * both sides cannot be read, and that is what is said (not a failed
   * authentication). */
  keylog_subset(&k, &s, handshake_only);
  run(&h, &s, &k, 0);
  ck_assert_ptr_nonnull(strstr(h.rec.log, "\nnotice 1 tls-no-keys\n"));
  ck_assert_ptr_null(strstr(strstr(h.rec.log, "notice") + 1, "notice")); /* just one */
  ck_assert_ptr_null(strstr(h.rec.log, "tls-decrypt-failed"));
  ck_assert_str_eq(h.info.problem, "tls-no-keys");
  ck_assert(!h.info.decrypted && h.info.records_opened);
  ck_assert_uint_eq(h.rec.stream[1][0].len + h.rec.stream[1][1].len, 0);
  rec_free(&h.rec);
  /* ... the same key log, a handshake abandoned after the server's flight
   * (ClientHello; ServerHello, CCS and the two protected server records):
   * all that was sent decrypted, nothing is missing. */
  script cut = s;
  cut.n = 2; /* the ClientHello, then the server's piece cut after 4 records */
  size_t keep = 0;
  for (int r = 0; r < 4; r++) {
    const uint8_t *hdr = cut.p[1].bytes.p + keep;
    keep += 5 + ((size_t)hdr[3] << 8 | hdr[4]);
  }
  ck_assert_uint_lt(keep, s.p[1].bytes.len);
  cut.p[1].bytes.len = keep;
  run(&h, &cut, &k, 0);
  cut.p[1].bytes.len = s.p[1].bytes.len;
  ck_assert_ptr_null(strstr(h.rec.log, "notice"));
  ck_assert_ptr_null(h.info.problem);
  ck_assert(h.info.records_opened && !h.info.decrypted);
  rec_free(&h.rec);
  keylog_free(&k);
  /* Application secrets only: the handshake records are skipped, every
   * application record decrypts, nothing to report. */
  keylog_subset(&k, &s, application_only);
  run(&h, &s, &k, 0);
  ck_assert_ptr_null(strstr(h.rec.log, "notice"));
  ck_assert_ptr_null(h.info.problem);
  ck_assert(h.info.decrypted);
  ck_assert_uint_eq(h.rec.stream[1][0].len, s.plain[0].len);
  ck_assert_uint_eq(h.rec.stream[1][1].len, s.plain[1].len);
  rec_free(&h.rec);
  keylog_free(&k);
  script_free(&s);
}
END_TEST

/* 0-RTT (RFC 8446 §2.3): accepted early data is the start of the client's
 * stream, whichever TLS 1.3 suite the resumed session had (the early keys are
 * tried per suite); rejected early data is not the client's; accepted early
 * data whose secret the key log lacks is a gap, said once. */
START_TEST(tls13_early_data) {
  static const uint16_t suites[] = {0x1301, 0x1302, 0x1303};
  for (size_t k = 0; k < 3; k++) {
    for (int verdict = EARLY_ACCEPT; verdict <= EARLY_REJECT; verdict++) {
      script s;
      build13_early(&s, suites[k], verdict, true);
      keylog keys;
      keylog_init(&keys);
      keylog_add_text(&keys, s.keylog, strlen(s.keylog));
      harness h;
      run(&h, &s, &keys, 7); /* in 7-byte chunks too */
      ck_assert_msg(strstr(h.rec.log, "notice") == NULL, "%s", h.rec.log);
      ck_assert_int_eq(h.rec.errors, 0);
      ck_assert_int_eq(h.info.early_data, verdict == EARLY_ACCEPT ? 1 : -1);
      ck_assert_uint_eq(h.info.early_bytes, verdict == EARLY_ACCEPT ? strlen(early_text) : 0);
      ck_assert_uint_eq(h.rec.stream[1][0].len, s.plain[C].len);
      ck_assert_mem_eq(h.rec.stream[1][0].data, s.plain[C].p, s.plain[C].len);
      ck_assert_uint_eq(h.rec.stream[1][1].len, s.plain[S].len);
      char text[256];
      tls_info_text(&h.info, text, sizeof text);
      ck_assert_ptr_nonnull(strstr(text, verdict == EARLY_ACCEPT ? " decrypted, 0-RTT 37 bytes"
                                                                 : " decrypted, 0-RTT rejected"));
      char json[512];
      info_json_into(&h.info, json, sizeof json);
      ck_assert_ptr_nonnull(strstr(json, verdict == EARLY_ACCEPT ? "\"early_data\":\"accepted\"}"
                                                                 : "\"early_data\":\"rejected\"}"));
      rec_free(&h.rec);
      keylog_free(&keys);
      script_free(&s);
    }
  }
  /* Accepted, but the key log lacks CLIENT_EARLY_TRAFFIC_SECRET. */
  script s;
  build13_early(&s, 0x1301, EARLY_ACCEPT, false);
  keylog keys;
  keylog_init(&keys);
  keylog_add_text(&keys, s.keylog, strlen(s.keylog));
  harness h;
  run(&h, &s, &keys, 0);
  ck_assert_ptr_nonnull(strstr(h.rec.log, "notice 1 tls-no-keys\ngap 1 c2s 0+"));
  ck_assert_ptr_null(strstr(strstr(h.rec.log, "notice") + 1, "notice"));
  ck_assert_int_eq(h.rec.errors, 0);
  ck_assert_int_eq(h.info.early_data, 1);
  ck_assert_uint_eq(h.info.early_bytes, 0);
  /* what follows the handshake still decrypts */
  static const char after[] = "after the handshake";
  ck_assert_uint_ge(h.rec.stream[1][0].len, strlen(after));
  ck_assert_mem_eq(h.rec.stream[1][0].data + h.rec.stream[1][0].len - strlen(after), after,
                   strlen(after));
  rec_free(&h.rec);
  keylog_free(&keys);
  script_free(&s);
}
END_TEST

/* Appends text to the file at path. */
typedef struct append_job {
  const char *path, *text;
} append_job;

static void append_text(void *user) {
  const append_job *j = user;
  FILE *fp = fopen(j->path, "a");
  ck_assert_ptr_nonnull(fp);
  fputs(j->text, fp);
  fclose(fp);
}

/* A live capture follows its key log: the secrets are written after the
 * handshake packets went by (as a client does), and the records that needed
 * them wait and then decrypt, for TLS 1.3 (secrets written after the
 * server's first flight) and TLS 1.2 (after the ServerHello). Secrets that
 * never come end the wait at close, said once. Without follow (a file), the
 * missing keys are reported at once, as before. */
START_TEST(follows_a_growing_key_log) {
  char path[256];
  snprintf(path, sizeof path, "%s/tlsdec-follow-%d.keys", P_tmpdir, (int)getpid());
  for (int v = 0; v < 3; v++) {
    script s;
    if (v == 1)
      build12(&s, 0xc02f);
    else
      build13(&s, 0x1302, false);
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fclose(fp);
    keylog k;
    keylog_init(&k);
    char err[128];
    ck_assert_int_eq(keylog_load_file(&k, path, err, sizeof err), 0);
    keylog_follow(&k, true);
    append_job job = {path, s.keylog};
    piece_hook hook = {1, append_text, &job}; /* after the server's first piece */
    harness h;
    run_with(&h, &s, &k, 0, v == 2 ? NULL : &hook);
    if (v < 2) {
      ck_assert_msg(strstr(h.rec.log, "notice") == NULL, "%s", h.rec.log);
      ck_assert(h.info.decrypted);
      for (int d = 0; d < 2; d++) {
        ck_assert_uint_eq(h.rec.stream[1][d].len, s.plain[d].len);
        if (s.plain[d].len) /* (TLS 1.2's server text is empty) */
          ck_assert_mem_eq(h.rec.stream[1][d].data, s.plain[d].p, s.plain[d].len);
      }
      ck_assert_uint_gt(s.plain[0].len, 0);
    } else { /* the secrets never come */
      ck_assert_ptr_nonnull(strstr(h.rec.log, "notice 1 tls-no-keys\nclose"));
      ck_assert_ptr_null(strstr(strstr(h.rec.log, "notice") + 1, "notice"));
      ck_assert_uint_eq(h.rec.stream[1][0].len + h.rec.stream[1][1].len, 0);
    }
    rec_free(&h.rec);
    keylog_free(&k);
    script_free(&s);
  }
  remove(path);
}
END_TEST

START_TEST(gap_inside_tls) {
  script s;
  build12(&s, 0xC02F);
  keylog k;
  keylog_init(&k);
  keylog_add_text(&k, s.keylog, strlen(s.keylog));
  harness h;
  memset(&h, 0, sizeof h);
  rec_init(&h.rec);
  flow_consumer inner = {&h, h_open, h_bytes, h_gap, h_close, h_notice, NULL};
  h.filter = tlsdec_filter_new(&k, &inner);
  const flow_consumer *fc = tlsdec_filter_consumer(h.filter);
  capture_flow f;
  memset(&f, 0, sizeof f);
  f.id = 1;
  strcpy(f.endpoint[0], "10.0.0.1:50000");
  strcpy(f.endpoint[1], "10.0.0.2:443");
  fc->on_open(fc->user, &f, 1.0);
  uint64_t off[2] = {0, 0};
  for (int i = 0; i < s.n; i++) {
    int d = s.p[i].dir;
    fc->on_bytes(fc->user, &f, d, off[d], s.p[i].bytes.p, s.p[i].bytes.len, 2.0);
    off[d] += s.p[i].bytes.len;
  }
  fc->on_gap(fc->user, &f, C, off[C], 100, 2.5);
  fc->on_bytes(fc->user, &f, C, off[C] + 100, (const uint8_t *)"\x17\x03\x03\x00\x01x", 6, 2.6);
  fc->on_close(fc->user, &f, FLOW_CLOSE_FIN, 3.0);
  tlsdec_filter_free(h.filter);
  char want[512];
  snprintf(want, sizeof want,
           "open 1 10.0.0.1:50000 10.0.0.2:443\n"
           "notice 1 tls-gap\n"
           "gap 1 c2s %zu+100\n"
           "close 1 fin 0/0\n",
           s.plain[C].len);
  ck_assert_str_eq(h.rec.log, want);
  ck_assert_int_eq(h.rec.errors, 0);
  ck_assert_str_eq(h.info.problem, "tls-gap");
  rec_free(&h.rec);
  script_free(&s);
  keylog_free(&k);
}
END_TEST

/* One flow table: the filter keeps a connection's state in the capture
 * flow's filter slot, leaves the user slot to the inner consumer, and frees
 * the state when the connection turns out plain or closes. */
START_TEST(state_lives_in_the_flow) {
  script s;
  build12(&s, 0xC02F);
  keylog k;
  keylog_init(&k);
  keylog_add_text(&k, s.keylog, strlen(s.keylog));
  harness h;
  memset(&h, 0, sizeof h);
  rec_init(&h.rec);
  flow_consumer inner = {&h, h_open, h_bytes, h_gap, h_close, h_notice, NULL};
  h.filter = tlsdec_filter_new(&k, &inner);
  const flow_consumer *fc = tlsdec_filter_consumer(h.filter);
  capture_flow f[3];
  memset(f, 0, sizeof f);
  for (int i = 0; i < 3; i++) {
    f[i].id = (uint32_t)i + 1;
    snprintf(f[i].endpoint[0], sizeof f[i].endpoint[0], "10.0.0.1:%d", 50000 + i);
    strcpy(f[i].endpoint[1], "10.0.0.2:443");
    fc->on_open(fc->user, &f[i], 1.0);
    ck_assert_ptr_nonnull(f[i].filter);
    ck_assert_ptr_null(f[i].user);
  }
  ck_assert_uint_eq(tlsdec_filter_held(h.filter), 3);
  /* 1: TLS; 2: plain text, released at once; 3: never sends anything */
  uint64_t off[2] = {0, 0};
  for (int i = 0; i < s.n; i++) {
    int d = s.p[i].dir;
    fc->on_bytes(fc->user, &f[0], d, off[d], s.p[i].bytes.p, s.p[i].bytes.len, 2.0);
    off[d] += s.p[i].bytes.len;
  }
  fc->on_bytes(fc->user, &f[1], C, 0, (const uint8_t *)"GET / HTTP/1.1\r\n", 16, 2.0);
  ck_assert_ptr_null(f[1].filter);
  ck_assert_uint_eq(tlsdec_filter_held(h.filter), 2);
  ck_assert_ptr_nonnull(tlsdec_flow_info(h.filter, &f[0]));
  ck_assert_ptr_null(tlsdec_flow_info(h.filter, &f[1]));
  fc->on_close(fc->user, &f[0], FLOW_CLOSE_FIN, 3.0);
  ck_assert(h.have_info); /* the facts are there during the inner on_close */
  ck_assert_ptr_null(f[0].filter);
  fc->on_close(fc->user, &f[1], FLOW_CLOSE_FIN, 3.0);
  ck_assert_uint_eq(tlsdec_filter_held(h.filter), 1);
  /* a run that ends without closing its flows: the filter frees them */
  tlsdec_filter_free(h.filter);
  ck_assert_uint_eq(h.rec.stream[1][C].len, s.plain[C].len);
  ck_assert_uint_eq(h.rec.stream[2][C].len, 16);
  rec_free(&h.rec);
  script_free(&s);
  keylog_free(&k);
}
END_TEST

/* The TLS client in the capture's direction 1 (its guess was wrong): the
 * plaintext stays in the capture's numbering, and the filter says who the
 * client is as data (client_dir), for the consumer to decide its roles. */
START_TEST(client_in_direction_one) {
  script s;
  build12(&s, 0xCCA8);
  keylog k;
  keylog_init(&k);
  keylog_add_text(&k, s.keylog, strlen(s.keylog));
  harness h;
  memset(&h, 0, sizeof h);
  rec_init(&h.rec);
  flow_consumer inner = {&h, h_open, h_bytes, h_gap, h_close, h_notice, NULL};
  h.filter = tlsdec_filter_new(&k, &inner);
  const flow_consumer *fc = tlsdec_filter_consumer(h.filter);
  capture_flow f;
  memset(&f, 0, sizeof f);
  f.id = 1;
  strcpy(f.endpoint[0], "10.0.0.1:50000");
  strcpy(f.endpoint[1], "10.0.0.2:443");
  fc->on_open(fc->user, &f, 1.0);
  uint64_t off[2] = {0, 0};
  for (int i = 0; i < s.n; i++) {
    int d = s.p[i].dir ^ 1; /* the capture numbers the client 1 */
    fc->on_bytes(fc->user, &f, d, off[d], s.p[i].bytes.p, s.p[i].bytes.len, 2.0);
    off[d] += s.p[i].bytes.len;
  }
  fc->on_close(fc->user, &f, FLOW_CLOSE_FIN, 3.0);
  tlsdec_filter_free(h.filter);
  ck_assert_uint_eq(h.rec.stream[1][1].len, s.plain[C].len);
  ck_assert_mem_eq(h.rec.stream[1][1].data, s.plain[C].p, s.plain[C].len);
  ck_assert_uint_eq(h.rec.stream[1][0].len, s.plain[S].len);
  ck_assert_int_eq(h.info.client_dir, 1);
  rec_free(&h.rec);
  script_free(&s);
  keylog_free(&k);
}
END_TEST

/* Random mutations of a valid connection: never crashes, never over-reads. */
START_TEST(mutations_do_not_crash) {
  script base;
  build13(&base, 0x1301, true);
  keylog k;
  keylog_init(&k);
  keylog_add_text(&k, base.keylog, strlen(base.keylog));
  uint32_t x = 99;
  for (int iter = 0; iter < 300; iter++) {
    script s;
    build13(&s, 0x1301, true);
    for (int m = 0; m < 3; m++) {
      x = x * 1103515245u + 12345u;
      int pi = (int)((x >> 8) % (uint32_t)s.n);
      if (s.p[pi].bytes.len == 0) continue;
      x = x * 1103515245u + 12345u;
      size_t at = (x >> 4) % s.p[pi].bytes.len;
      s.p[pi].bytes.p[at] = (uint8_t)(x >> 20);
      if (x & 1) s.p[pi].bytes.len = at;
    }
    harness h;
    run(&h, &s, &k, (size_t)(iter % 9));
    rec_free(&h.rec);
    script_free(&s);
  }
  script_free(&base);
  keylog_free(&k);
}
END_TEST

/* render's text and JSON of TLS facts (tls_print.h), byte for byte: wire text
 * made safe, a problem after keys that opened only the handshake, 0-RTT. */
START_TEST(tls_facts_render) {
  tls_conn_info info = {.is_tls = true,
                        .version = 0x0304,
                        .version_name = "TLS 1.3",
                        .cipher_suite = 0x1302,
                        .suite_name = "TLS_AES_256_GCM_SHA384",
                        .records_opened = true,
                        .early_data = 1,
                        .early_bytes = 37,
                        .app_bytes = {12, 34},
                        .problem = "tls-decrypt-failed"};
  snprintf(info.alpn, sizeof info.alpn, "h2");
  snprintf(info.server_name, sizeof info.server_name, "a\"b\\c\xc3\xa9.example");
  char text[256], json[512];
  tls_info_text(&info, text, sizeof text);
  ck_assert_str_eq(text, "TLS 1.3 TLS_AES_256_GCM_SHA384 alpn=h2 decrypted, no application data, "
                         "0-RTT 37 bytes with problems: tls-decrypt-failed");
  info_json_into(&info, json, sizeof json);
  ck_assert_str_eq(json, ",\"tls\":{\"version\":\"TLS 1.3\",\"suite\":\"TLS_AES_256_GCM_SHA384\","
                         "\"alpn\":\"h2\",\"sni\":\"a?b?c??.example\",\"decrypted\":true,"
                         "\"problem\":\"tls-decrypt-failed\",\"app_data_bytes\":[12,34],"
                         "\"early_data\":\"accepted\"}");
  /* nothing known: no keys, no handshake */
  tls_conn_info bare = {.is_tls = true, .early_data = -1, .problem = "tls-no-keys"};
  tls_info_text(&bare, text, sizeof text);
  ck_assert_str_eq(text, "TLS not decrypted, 0-RTT rejected: tls-no-keys");
  bare.problem = NULL;
  info_json_into(&bare, json, sizeof json);
  ck_assert_str_eq(json, ",\"tls\":{\"version\":\"unknown\",\"suite\":\"unknown\",\"alpn\":\"\","
                         "\"sni\":\"\",\"decrypted\":false,\"problem\":null,"
                         "\"app_data_bytes\":[0,0],\"early_data\":\"rejected\"}");
  tls_info_text(&bare, text, 12); /* cut to fit */
  ck_assert_str_eq(text, "TLS not dec");
}
END_TEST

int main(void) {
  Suite *s = suite_create("tlsdec_filter");
  TCase *tc = tcase_create("filter");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, tls13_all_suites_key_update);
  tcase_add_test(tc, tls13_hello_retry_request);
  tcase_add_test(tc, tls13_early_data);
  tcase_add_test(tc, tls12_all_suites);
  tcase_add_test(tc, not_tls_passes_through);
  tcase_add_test(tc, problems_are_reported);
  tcase_add_test(tc, missing_secrets_reported_when_needed);
  tcase_add_test(tc, follows_a_growing_key_log);
  tcase_add_test(tc, gap_inside_tls);
  tcase_add_test(tc, state_lives_in_the_flow);
  tcase_add_test(tc, client_in_direction_one);
  tcase_add_test(tc, mutations_do_not_crash);
  tcase_add_test(tc, tls_facts_render);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
