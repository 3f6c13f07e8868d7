/* test_fuzz_regressions.c — one unit test per bug the fuzz targets found
 * (fuzz/README.md lists them; each also has an input corpus/<target>/regress-*
 * that ctest replays through its target). These pin the behaviour at the
 * API level, so a regression fails here with a readable message. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"
#include "json_read.h"
#include "json_write.h"
#include "out_buf.h"
#if __has_include("h2/session.h")
#include "h2/session.h"
#define HAVE_SESSION 1
#endif

/* ---- HPACK decoder ---- */

typedef struct collected {
  size_t n;
  char name[64], value[64];
} collected;

static void keep_last(void *user, const h2_header *h, const h2_hpack_field_info *info) {
  collected *c = user;
  (void)info;
  c->n++;
  ck_assert_uint_lt(h->name_len, sizeof c->name);
  ck_assert_uint_lt(h->value_len, sizeof c->value);
  memcpy(c->name, h->name, h->name_len);
  c->name[h->name_len] = '\0';
  memcpy(c->value, h->value, h->value_len);
  c->value[h->value_len] = '\0';
}

/* hpack_decode, regress-long-table-name-scratch: a dynamic-table entry whose
 * name came from the static table (not bound by the string limit) used as
 * the name of a new literal with incremental indexing overflowed a name
 * scratch area sized by the string limit (ASan heap overflow). */
START_TEST(table_name_longer_than_string_limit) {
  h2_hpack_decoder d;
  h2_hpack_decoder_config cfg = {.max_string_len = 4};
  ck_assert_int_eq(h2_hpack_decoder_init(&d, &cfg), H2_OK);
  collected c = {0};
  h2_hpack_decode_callbacks cb = {.on_field = keep_last, .user = &c};
  h2_error err;
  /* §6.2.1 with static name 20 (access-control-allow-origin), value "x". */
  const uint8_t first[] = {0x54, 0x01, 'x'};
  ck_assert_int_eq(h2_hpack_decode_block(&d, first, sizeof first, &cb, &err), H2_OK);
  /* §6.2.1 with name index 62: the entry just inserted, value "y". */
  const uint8_t second[] = {0x7e, 0x01, 'y'};
  ck_assert_int_eq(h2_hpack_decode_block(&d, second, sizeof second, &cb, &err), H2_OK);
  ck_assert_uint_eq(c.n, 2);
  ck_assert_str_eq(c.name, "access-control-allow-origin");
  ck_assert_str_eq(c.value, "y");
  ck_assert_uint_eq(h2_hpack_decoder_table_count(&d), 2);
  /* A literal name longer than the limit is still refused. */
  const uint8_t long_name[] = {0x40, 0x05, 'a', 'b', 'c', 'd', 'e', 0x00};
  ck_assert_int_ne(h2_hpack_decode_block(&d, long_name, sizeof long_name, &cb, &err), H2_OK);
  h2_hpack_decoder_free(&d);
}
END_TEST

typedef struct budget_alloc {
  long live, budget;
} budget_alloc;

static void *budget_malloc(void *ctx, size_t size) {
  budget_alloc *b = ctx;
  if (b->budget == 0) return NULL;
  b->budget--;
  void *p = malloc(size);
  if (p) b->live++;
  return p;
}

static void budget_free(void *ctx, void *ptr) {
  budget_alloc *b = ctx;
  if (ptr) b->live--;
  free(ptr);
}

/* hpack_decode, regress-decode-after-failed-resize: after a table-size
 * change whose allocation failed, decoding used a NULL scratch area. Every
 * allocation is made to fail in turn: each step either works or reports
 * H2_E_NO_MEMORY, and nothing leaks. */
START_TEST(decode_after_failed_resize) {
  int saw_failure = 0;
  for (long budget = 0; budget < 16; budget++) {
    budget_alloc b = {.budget = budget};
    h2_allocator a = {.alloc = budget_malloc, .free = budget_free, .ctx = &b};
    h2_hpack_decoder_config cfg = {.max_table_size = 256, .allocator = &a};
    h2_hpack_decoder d;
    h2_status st = h2_hpack_decoder_init(&d, &cfg);
    if (st != H2_OK) {
      ck_assert_int_eq(st, H2_E_NO_MEMORY);
      ck_assert_int_eq(b.live, 0);
      saw_failure = 1;
      continue;
    }
    st = h2_hpack_decoder_set_max_table_size(&d, 65536);
    ck_assert(st == H2_OK || st == H2_E_NO_MEMORY);
    saw_failure |= st == H2_E_NO_MEMORY;
    collected c = {0};
    h2_hpack_decode_callbacks cb = {.on_field = keep_last, .user = &c};
    h2_error err;
    /* Size update to 65535 (RFC 7541 §6.3), then a literal with
     * incremental indexing "abc: def" (§6.2.1). */
    const uint8_t block[] = {0x3f, 0xe0, 0xff, 0x03, 0x40, 0x03, 'a',
                             'b',  'c',  0x03, 'd',  'e',  'f'};
    st = h2_hpack_decode_block(&d, block, sizeof block, &cb, &err);
    ck_assert_msg(st == H2_OK || st == H2_E_NO_MEMORY || st == H2_E_HPACK_SIZE_UPDATE_TOO_LARGE,
                  "budget %ld: %s", budget, h2_strerror(st));
    if (st == H2_OK) {
      ck_assert_str_eq(c.name, "abc");
      ck_assert_str_eq(c.value, "def");
    }
    saw_failure |= st == H2_E_NO_MEMORY;
    h2_hpack_decoder_free(&d);
    ck_assert_int_eq(b.live, 0);
  }
  ck_assert(saw_failure); /* the loop did reach the failure paths */
}
END_TEST

/* hpack_roundtrip, regress-size-above-peer-limit: the encoder accepted a
 * table size above the peer's SETTINGS_HEADER_TABLE_SIZE (RFC 7541 §4.2:
 * the size must stay within the decoder's limit). */
START_TEST(encoder_size_within_peer_limit) {
  h2_hpack_encoder_config cfg = {.max_table_size = 256};
  h2_hpack_encoder *e = h2_hpack_encoder_new(&cfg);
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(e, 257), H2_E_INVALID_ARGUMENT);
  ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(e, 256), H2_OK);
  ck_assert_int_eq(h2_hpack_encoder_set_peer_limit(e, 100), H2_OK);
  ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(e, 101), H2_E_INVALID_ARGUMENT);
  ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(e, 100), H2_OK);
  ck_assert_int_eq(h2_hpack_encoder_set_peer_limit(e, 4096), H2_OK);
  ck_assert_int_eq(h2_hpack_encoder_set_max_table_size(e, 4096), H2_OK);
  h2_hpack_encoder_free(e);
}
END_TEST

/* ---- JSON ---- */

/* frames_stream, regress-null-empty-string: an empty GOAWAY debug string
 * reached the JSON writer as (NULL, 0) and memcpy (UBSan: null pointer
 * passed as argument declared nonnull). */
START_TEST(json_writer_null_empty_string) {
  static out_buf o;
  out_init(&o, -1);
  json_str(&o, NULL, 0);
  ck_assert_uint_eq(o.len, 2);
  ck_assert_int_eq(memcmp(o.data, "\"\"", 2), 0);
}
END_TEST

/* json_read, regress-invalid-utf8-in-string: raw invalid UTF-8 inside a
 * string was accepted; RFC 8259 §8.1 requires UTF-8. */
START_TEST(json_reader_rejects_invalid_utf8) {
  char err[128];
  static const char *const bad[] = {"\"\xff\"", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
                                    "[\"a\x80\"]"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_doc *doc = json_parse(bad[i], strlen(bad[i]), err, sizeof err);
    ck_assert_msg(doc == NULL, "case %zu accepted", i);
    ck_assert_str_ne(err, "");
  }
  const char good[] = "\"\xc3\xa9\xf0\x9f\x98\x80\"";
  json_doc *doc = json_parse(good, strlen(good), err, sizeof err);
  ck_assert_ptr_nonnull(doc);
  const json_value *v = json_doc_root(doc);
  ck_assert_int_eq(v->type, JSON_STRING);
  ck_assert_uint_eq(v->str_len, 6);
  ck_assert_int_eq(memcmp(v->str, "\xc3\xa9\xf0\x9f\x98\x80", 6), 0);
  json_doc_free(doc);
}
END_TEST

#ifdef HAVE_SESSION
/* session_client, regress-stream-closed-before-data: DATA with END_STREAM
 * on a pushed stream produced H2_EV_STREAM_CLOSED *before* the H2_EV_DATA
 * of the same frame, so an application that drops a stream at its close
 * event got DATA for a stream it no longer knew. The close must come last. */
START_TEST(session_close_event_after_data) {
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  cfg.enable_push = true;
  h2_session *s = h2_session_new(&cfg);
  ck_assert_ptr_nonnull(s);
  static const h2_header req[] = {{":method", 7, "GET", 3, 0},
                                  {":scheme", 7, "https", 5, 0},
                                  {":path", 5, "/", 1, 0},
                                  {":authority", 10, "example.com", 11, 0}};
  uint32_t id = 0;
  ck_assert_int_eq(h2_session_send_headers(s, 0, req, 4, false, &id), H2_OK);
  ck_assert_uint_eq(id, 1);
  /* Server: SETTINGS; PUSH_PROMISE on 1 promising 2 (GET https / example.com);
   * HEADERS on 2 (:status 200); DATA "hi" on 2 with END_STREAM. */
  static const uint8_t in[] = {
      0,    0,    0,  4,   0,   0,   0,   0,   0, /* SETTINGS */
      0,    0,    20, 5,   4,   0,   0,   0,   1,   0,    0,   0,   2,   0x82, 0x87,
      0x84, 0x41, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e',  '.', 'c', 'o', 'm', /* PUSH_PROMISE */
      0,    0,    1,  1,   4,   0,   0,   0,   2,   0x88,                     /* HEADERS */
      0,    0,    2,  0,   1,   0,   0,   0,   2,   'h',  'i'};               /* DATA */
  ck_assert_uint_eq(h2_session_recv(s, in, sizeof in), sizeof in);
  uint8_t types[16];
  size_t n = 0;
  h2_event ev;
  int data_at = -1, closed_at = -1;
  while (n < sizeof types && h2_session_take_event(s, &ev)) {
    if (ev.stream_id == 2 && ev.type == H2_EV_DATA) data_at = (int)n;
    if (ev.stream_id == 2 && ev.type == H2_EV_STREAM_CLOSED) closed_at = (int)n;
    types[n++] = ev.type;
  }
  ck_assert_int_ge(data_at, 0);
  ck_assert_int_ge(closed_at, 0);
  ck_assert_int_gt(closed_at, data_at);
  h2_session_free(s);
}
END_TEST

/* session_server, regress-server-enable-push: the server application asked
 * for SETTINGS_ENABLE_PUSH = 1 and the session sent it, although RFC 9113
 * §6.5.2 forbids a server to set it to 1 (the client must treat it as a
 * PROTOCOL_ERROR). The API refuses it now; 0 stays allowed. */
START_TEST(session_server_refuses_enable_push) {
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_SERVER);
  h2_session *s = h2_session_new(&cfg);
  ck_assert_ptr_nonnull(s);
  h2_setting on = {H2_SETTINGS_ENABLE_PUSH, 1}, off = {H2_SETTINGS_ENABLE_PUSH, 0};
  ck_assert_int_eq(h2_session_send_settings(s, &on, 1), H2_E_INVALID_ARGUMENT);
  ck_assert_int_eq(h2_session_send_settings(s, &off, 1), H2_OK);
  h2_session_free(s);
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  s = h2_session_new(&cfg);
  ck_assert_ptr_nonnull(s);
  h2_setting two = {H2_SETTINGS_ENABLE_PUSH, 2};
  ck_assert_int_eq(h2_session_send_settings(s, &two, 1), H2_E_INVALID_ARGUMENT);
  ck_assert_int_eq(h2_session_send_settings(s, &on, 1), H2_OK);
  h2_session_free(s);
}
END_TEST

/* session_server, regress-stream-error-after-close: a PRIORITY frame of the
 * wrong length (a stream error, RFC 9113 §6.3) on a stream the server had
 * already reset and reported closed gave an H2_EV_STREAM_ERROR after that
 * stream's H2_EV_STREAM_CLOSED. The RST_STREAM still goes out; the event
 * does not. */
START_TEST(session_no_stream_error_after_close) {
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_SERVER);
  h2_session *s = h2_session_new(&cfg);
  ck_assert_ptr_nonnull(s);
  static const uint8_t open[] = {
      'P', 'R', 'I', ' ', '*', ' ', 'H', 'T', 'T', 'P', '/', '2', '.', '0', '\r', '\n', '\r',
      '\n', 'S', 'M', '\r', '\n', '\r', '\n', 0, 0, 0, 4, 0, 0, 0, 0, 0, /* SETTINGS */
      0, 0, 7, 1, 5, 0, 0, 0, 1, 0x82, 0x86, 0x84, 0x41, 2, 'h', 'x'};  /* HEADERS on 1 */
  ck_assert_uint_eq(h2_session_recv(s, open, sizeof open), sizeof open);
  ck_assert_int_eq(h2_session_send_rst_stream(s, 1, 8 /* CANCEL */), H2_OK);
  h2_event ev;
  bool closed = false;
  while (h2_session_take_event(s, &ev))
    if (ev.type == H2_EV_STREAM_CLOSED && ev.stream_id == 1) closed = true;
  ck_assert(closed);
  uint8_t out[4096];
  while (h2_session_output(s, out, sizeof out) > 0) {
  }
  static const uint8_t bad_priority[] = {0, 0, 4, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0};
  ck_assert_uint_eq(h2_session_recv(s, bad_priority, sizeof bad_priority), sizeof bad_priority);
  while (h2_session_take_event(s, &ev))
    ck_assert_msg(ev.stream_id != 1, "event %d for stream 1 after its close", ev.type);
  size_t n = h2_session_output(s, out, sizeof out);
  ck_assert_uint_ge(n, 13); /* RST_STREAM stream 1 FRAME_SIZE_ERROR still sent */
  ck_assert_int_eq(out[3], 3);
  ck_assert_int_eq(out[8], 1);
  ck_assert_int_eq(out[12], 6);
  h2_session_free(s);
}
END_TEST
#endif

static Suite *suite(void) {
  Suite *s = suite_create("fuzz_regressions");
  TCase *t = tcase_create("regressions");
  tcase_set_timeout(t, 60);
  tcase_add_test(t, table_name_longer_than_string_limit);
  tcase_add_test(t, decode_after_failed_resize);
  tcase_add_test(t, encoder_size_within_peer_limit);
  tcase_add_test(t, json_writer_null_empty_string);
  tcase_add_test(t, json_reader_rejects_invalid_utf8);
#ifdef HAVE_SESSION
  tcase_add_test(t, session_close_event_after_data);
  tcase_add_test(t, session_server_refuses_enable_push);
  tcase_add_test(t, session_no_stream_error_after_close);
#endif
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return run_suite(suite()); }
