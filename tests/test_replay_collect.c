/* test_replay_collect.c — `h2scope replay` without a network: request
 * collection from synthetic captures (header lists, bodies, trailers,
 * recorded responses with SHA-256, ordering counters, the client frames
 * kept for --exact, a pushed stream, a mid-connection start), the request
 * header list as sent (authority / scheme rewriting, Upgrade requests),
 * the ordering rule, and the recorded-vs-live comparison with its volatile
 * fields, each with exact expected values. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "h2/frame.h"
#include "h2/hpack.h"
#include "pcap_write.h"
#include "replay_capture.h"
#include "replay_compare.h"
#include "replay_run.h"
#include "run_suite.h"

/* ---- building synthetic captures ---- */

typedef struct wire {
  uint8_t b[8192];
  size_t len;
} wire;

static void put_frame(wire *w, uint8_t type, uint8_t flags, uint32_t sid, const void *payload,
                      size_t len) {
  size_t n = h2_frame_write_raw(w->b + w->len, sizeof w->b - w->len, (uint32_t)len, type, flags,
                                sid, payload, len);
  ck_assert_uint_gt(n, 0);
  w->len += n;
}

/* HEADERS from a list "name", "value", ..., NULL, encoded without the
 * dynamic table so every block decodes on its own. */
static void put_headers(wire *w, uint32_t sid, bool end_stream, const char *const *kv) {
  h2_header list[32];
  size_t n = 0;
  for (; kv[2 * n]; n++)
    list[n] = (h2_header){kv[2 * n], strlen(kv[2 * n]), kv[2 * n + 1], strlen(kv[2 * n + 1]), 0};
  h2_hpack_encoder_config ec = {.indexing = H2_INDEXING_NONE, .huffman = H2_HUFFMAN_NEVER};
  h2_hpack_encoder *e = h2_hpack_encoder_new(&ec);
  uint8_t block[2048];
  size_t blen = 0;
  h2_error err;
  ck_assert_int_eq(h2_hpack_encode(e, list, n, block, sizeof block, &blen, &err), H2_OK);
  h2_hpack_encoder_free(e);
  put_frame(w, H2_HEADERS, H2_FLAG_END_HEADERS | (end_stream ? H2_FLAG_END_STREAM : 0), sid, block,
            blen);
}

static pw_packet tmpl(void) {
  pw_packet p;
  memset(&p, 0, sizeof p);
  p.linktype = PW_LINK_ETHERNET;
  p.ip_version = 4;
  p.src = "10.0.0.1";
  p.dst = "10.0.0.2";
  p.sport = 40000;
  p.dport = 8080;
  return p;
}

/* A capture file at path (named name in the temp dir) with one connection
 * from tmpl(); the TCP handshake when handshake. */
static void open_conv(const char *name, char *path, size_t cap, pw_file *f, pw_conv *c,
                      bool handshake) {
  pw_temp_path(name, path, cap);
  ck_assert(pw_open_pcap(f, path, PW_LINK_ETHERNET, 65535));
  pw_packet t = tmpl();
  pw_conv_init(c, f, &t, 1000, 5000, 1700000000.0);
  if (handshake) ck_assert(pw_conv_handshake(c));
}

/* Both FINs, and the file closed. */
static void close_conv(pw_file *f, pw_conv *c) {
  ck_assert(pw_conv_fin(c, 0));
  ck_assert(pw_conv_fin(c, 1));
  ck_assert(pw_close(f));
}

/* The client's preface and an empty SETTINGS. */
static void put_opening(wire *w) {
  memcpy(w->b + w->len, H2_PREFACE, H2_PREFACE_LEN);
  w->len += H2_PREFACE_LEN;
  put_frame(w, H2_SETTINGS, 0, 0, NULL, 0);
}

static const char *const REQ1[] = {":method",    "GET", ":scheme",    "http",
                                   ":path",      "/a",  ":authority", "example.test:8080",
                                   "user-agent", "t",   NULL};
static const char *const REQ3[] = {":method",        "POST", ":scheme",    "http",
                                   ":path",          "/b",   ":authority", "example.test:8080",
                                   "content-length", "5",    NULL};
static const char *const TRAILERS3[] = {"x-checksum", "42", NULL};
static const char *const REQ5[] = {":method", "GET",        ":scheme",           "http", ":path",
                                   "/c",      ":authority", "example.test:8080", NULL};
static const char *const RESP1[] = {
    ":status", "200", "content-type", "text/plain", "date", "Mon, 01 Jan 2024 00:00:00 GMT", NULL};
static const char *const RESP3[] = {":status", "404", NULL};
static const char *const RESP5[] = {":status", "200", NULL};
static const char *const PUSH_REQ[] = {
    ":method", "GET", ":scheme", "http", ":path", "/p", ":authority", "example.test:8080", NULL};

/* Client: preface, SETTINGS, GET /a, POST /b with body and trailers; server:
 * SETTINGS, 200 "abc" on 1 (and a push of /p), 404 on 3; then the client
 * sends GET /c, answered 200 without body. */
static const char *write_capture(bool with_push) {
  static char path[512];
  pw_file f;
  pw_conv c;
  open_conv(with_push ? "replay-push.pcap" : "replay.pcap", path, sizeof path, &f, &c, true);
  wire w = {.len = 0};
  put_opening(&w);
  put_headers(&w, 1, true, REQ1);
  put_headers(&w, 3, false, REQ3);
  put_frame(&w, H2_DATA, 0, 3, "hello", 5);
  put_headers(&w, 3, true, TRAILERS3);
  ck_assert(pw_conv_send(&c, 0, w.b, w.len, 0));
  wire s = {.len = 0};
  put_frame(&s, H2_SETTINGS, 0, 0, NULL, 0);
  put_frame(&s, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
  if (with_push) {
    wire blockw = {.len = 0};
    put_headers(&blockw, 2, false, PUSH_REQ); /* only its payload is used */
    uint8_t pp[512];
    pp[0] = 0, pp[1] = 0, pp[2] = 0, pp[3] = 2; /* promised stream 2 */
    memcpy(pp + 4, blockw.b + 9, blockw.len - 9);
    put_frame(&s, H2_PUSH_PROMISE, H2_FLAG_END_HEADERS, 1, pp, 4 + blockw.len - 9);
  }
  put_headers(&s, 1, false, RESP1);
  put_frame(&s, H2_DATA, H2_FLAG_END_STREAM, 1, "abc", 3);
  put_headers(&s, 3, true, RESP3);
  ck_assert(pw_conv_send(&c, 1, s.b, s.len, 0));
  wire w2 = {.len = 0};
  put_frame(&w2, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
  put_headers(&w2, 5, true, REQ5);
  ck_assert(pw_conv_send(&c, 0, w2.b, w2.len, 0));
  wire s2 = {.len = 0};
  put_headers(&s2, 5, true, RESP5);
  ck_assert(pw_conv_send(&c, 1, s2.b, s2.len, 0));
  close_conv(&f, &c);
  return path;
}

static char *field(const packed_fields *pf, const char *name) {
  static char buf[256];
  const char *v;
  size_t vl;
  if (!packed_find(pf, name, &v, &vl)) return NULL;
  snprintf(buf, sizeof buf, "%.*s", (int)vl, v);
  return buf;
}

static const char SHA_ABC[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char SHA_EMPTY[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

START_TEST(collects_requests_and_responses) {
  const char *path = write_capture(false);
  replay_capture rc;
  char err[256] = "";
  ck_assert_int_eq(replay_capture_load(&rc, path, 0, true, NULL, err, sizeof err), 0);
  ck_assert_uint_eq(rc.n, 1);
  replay_conn *c = rc.conns[0];
  ck_assert_uint_eq(c->id, 1);
  ck_assert_str_eq(c->client, "10.0.0.1:40000");
  ck_assert_str_eq(c->server, "10.0.0.2:8080");
  ck_assert(c->is_h2);
  ck_assert(!c->midstream);
  ck_assert_uint_eq(c->nex, 3);
  replay_exchange *a = &c->ex[0], *b = &c->ex[1], *d = &c->ex[2];
  ck_assert_uint_eq(a->stream_id, 1);
  ck_assert_uint_eq(b->stream_id, 3);
  ck_assert_uint_eq(d->stream_id, 5);
  ck_assert_str_eq(field(&a->request, ":path"), "/a");
  ck_assert_str_eq(field(&a->request, "user-agent"), "t");
  ck_assert_uint_eq(a->request.count, 5);
  ck_assert(a->request_ended && a->have_request && !a->undecodable);
  ck_assert_str_eq(field(&b->request, ":method"), "POST");
  ck_assert_uint_eq(b->body.len, 5);
  ck_assert_mem_eq(b->body.p, "hello", 5);
  ck_assert_uint_eq(b->request_trailers.count, 1);
  ck_assert_str_eq(field(&b->request_trailers, "x-checksum"), "42");
  ck_assert(b->request_ended);
  /* recorded responses */
  char hex[65];
  ck_assert_int_eq(a->recorded.status, 200);
  ck_assert_uint_eq(a->recorded.body_len, 3);
  replay_hex_digest(a->recorded.digest, hex);
  ck_assert_str_eq(hex, SHA_ABC);
  ck_assert_str_eq(field(&a->recorded.headers, "content-type"), "text/plain");
  ck_assert(a->recorded.ended && !a->recorded.reset);
  ck_assert_int_eq(b->recorded.status, 404);
  ck_assert_uint_eq(b->recorded.body_len, 0);
  replay_hex_digest(b->recorded.digest, hex);
  ck_assert_str_eq(hex, SHA_EMPTY);
  ck_assert_int_eq(d->recorded.status, 200);
  /* ordering: 1 and 3 overlapped; 5 started after both responses ended */
  ck_assert_uint_eq(a->wait_completed, 0);
  ck_assert_uint_eq(b->wait_completed, 0);
  ck_assert_uint_eq(d->wait_completed, 2);
  ck_assert_uint_eq(a->completion_rank, 0);
  ck_assert_uint_eq(b->completion_rank, 1);
  ck_assert_uint_eq(d->completion_rank, 2);
  /* --exact: the client's frames, in order, pointing at their bytes */
  ck_assert(c->frames_kept && c->client_settings_seen);
  ck_assert_uint_eq(c->nframes, 7);
  static const uint8_t types[] = {H2_SETTINGS, H2_HEADERS,  H2_HEADERS, H2_DATA,
                                  H2_HEADERS,  H2_SETTINGS, H2_HEADERS};
  static const uint32_t sids[] = {0, 1, 3, 3, 3, 0, 5};
  static const uint32_t waits[] = {0, 0, 0, 0, 0, 2, 2};
  for (size_t i = 0; i < 7; i++) {
    ck_assert_uint_eq(c->frames[i].type, types[i]);
    ck_assert_uint_eq(c->frames[i].stream_id, sids[i]);
    ck_assert_uint_eq(c->frames[i].wait_completed, waits[i]);
    ck_assert_uint_le(c->frames[i].offset + c->frames[i].len, c->client_len);
    h2_frame_header hd;
    h2_error e;
    ck_assert_int_eq(h2_frame_header_decode(c->client_bytes + c->frames[i].offset, 9, &hd, &e),
                     H2_OK);
    ck_assert_uint_eq(hd.type, types[i]);
    ck_assert_uint_eq(9 + hd.length, c->frames[i].len);
  }
  ck_assert_uint_eq(c->frames[0].offset, H2_PREFACE_LEN);
  ck_assert_mem_eq(c->client_bytes, H2_PREFACE, H2_PREFACE_LEN);
  replay_capture_free(&rc);
}
END_TEST

START_TEST(push_is_listed_and_skipped) {
  const char *path = write_capture(true);
  replay_capture rc;
  char err[256] = "";
  ck_assert_int_eq(replay_capture_load(&rc, path, 0, false, NULL, err, sizeof err), 0);
  ck_assert_uint_eq(rc.n, 1);
  replay_conn *c = rc.conns[0];
  ck_assert_uint_eq(c->nex, 4);
  /* in the order the streams appeared: 1 and 3 (client), then the promise */
  ck_assert_uint_eq(c->ex[2].stream_id, 2);
  ck_assert(c->ex[2].pushed);
  ck_assert(!c->ex[1].pushed);
  ck_assert_str_eq(field(&c->ex[2].request, ":path"), "/p");
  ck_assert(!c->frames_kept);
  ck_assert_uint_eq(c->nframes, 0);
  replay_conn_result r;
  ck_assert(replay_result_init(&r, c, false));
  ck_assert(!r.streams[0].skipped);
  ck_assert(!r.streams[1].skipped);
  ck_assert(r.streams[2].skipped);
  ck_assert_uint_eq(r.streams[2].notes.n, 1);
  ck_assert_str_eq(r.streams[2].notes.s[0],
                   "server push: not replayed (the replay does not enable push)");
  replay_result_free(&r);
  replay_capture_free(&rc);
}
END_TEST

START_TEST(conn_filter_and_unusable_input) {
  const char *path = write_capture(false);
  replay_capture rc;
  char err[256] = "";
  ck_assert_int_eq(replay_capture_load(&rc, path, 2, false, NULL, err, sizeof err), 0);
  ck_assert_uint_eq(rc.n, 0);
  replay_capture_free(&rc);
  ck_assert_int_eq(replay_capture_load(&rc, "/nonexistent/x.pcap", 0, false, NULL, err, sizeof err),
                   -1);
  ck_assert_uint_gt(strlen(err), 0);
}
END_TEST

/* ---- the request as sent ---- */

static replay_exchange exchange_of(const char *const *kv, bool upgrade) {
  replay_exchange e;
  memset(&e, 0, sizeof e);
  for (size_t i = 0; kv[2 * i]; i++)
    ck_assert(
        packed_add(&e.request, kv[2 * i], strlen(kv[2 * i]), kv[2 * i + 1], strlen(kv[2 * i + 1])));
  e.have_request = true;
  e.upgrade = upgrade;
  return e;
}

static void fields_text(const h2_header *h, size_t n, char *out, size_t cap) {
  size_t len = 0;
  out[0] = 0;
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(out + len, cap - len, "%.*s=%.*s;", (int)h[i].name_len, h[i].name,
                            (int)h[i].value_len, h[i].value);
}

START_TEST(request_fields_rewrite) {
  replay_exchange e = exchange_of(REQ1, false);
  replay_target t = {.authority = "127.0.0.1:9999"};
  h2_header out[16];
  char text[512];
  size_t n = replay_request_fields(&t, &e, out, 16);
  fields_text(out, n, text, sizeof text);
  ck_assert_str_eq(text, ":method=GET;:scheme=http;:path=/a;:authority=127.0.0.1:9999;"
                         "user-agent=t;");
  t.keep_authority = true;
  t.tls = true;
  n = replay_request_fields(&t, &e, out, 16);
  fields_text(out, n, text, sizeof text);
  ck_assert_str_eq(text, ":method=GET;:scheme=https;:path=/a;:authority=example.test:8080;"
                         "user-agent=t;");
  packed_clear(&e.request);
  /* an HTTP/1.1 Upgrade request: Host becomes :authority after the other
   * pseudo-header fields, connection-specific fields go (RFC 9113 §8.2.2) */
  static const char *const UP[] = {":method",
                                   "GET",
                                   ":path",
                                   "/index.html",
                                   ":scheme",
                                   "http",
                                   "host",
                                   "h:1",
                                   "connection",
                                   "Upgrade, HTTP2-Settings",
                                   "upgrade",
                                   "h2c",
                                   "http2-settings",
                                   "AAMAAABkAAQAAP__",
                                   "accept",
                                   "*/*",
                                   NULL};
  e = exchange_of(UP, true);
  replay_target t2 = {.authority = "127.0.0.1:9999", .keep_authority = true};
  n = replay_request_fields(&t2, &e, out, 16);
  fields_text(out, n, text, sizeof text);
  ck_assert_str_eq(text, ":method=GET;:path=/index.html;:scheme=http;:authority=h:1;accept=*/*;");
  packed_clear(&e.request);
}
END_TEST

/* ---- ordering ---- */

START_TEST(order_prefix) {
  replay_conn c;
  memset(&c, 0, sizeof c);
  replay_exchange ex[3];
  memset(ex, 0, sizeof ex);
  ex[0].completion_rank = 1; /* stream order 0,1,2 finished as 2,0,1 */
  ex[1].completion_rank = 2;
  ex[2].completion_rank = 0;
  for (size_t i = 0; i < 3; i++)
    ex[i].have_request = true;
  c.ex = ex;
  c.nex = 3;
  replay_conn_result r;
  ck_assert(replay_result_init(&r, &c, false));
  replay_order o;
  ck_assert(replay_order_init(&o, &c));
  ck_assert_uint_eq(replay_order_advance(&o, &r), 0);
  r.streams[0].done = true; /* rank 1 done, rank 0 not: still 0 */
  ck_assert_uint_eq(replay_order_advance(&o, &r), 0);
  r.streams[2].done = true;
  ck_assert_uint_eq(replay_order_advance(&o, &r), 2);
  r.streams[1].skipped = true;
  ck_assert_uint_eq(replay_order_advance(&o, &r), 3);
  replay_order_free(&o);
  replay_result_free(&r);
}
END_TEST

/* The capture of a sequential client (h2load -m 1) cut to start at the
 * client's SETTINGS ACK: no handshake, so HTTP/2 is found by the chain of
 * frames, and the server's direction (the whole response to stream 1, whose
 * request is not in the capture) is detected before the client's lone ACK.
 * That ACK must not wait for responses to requests sent after it. */
static const char *write_midstream_capture(void) {
  static char path[512];
  pw_file f;
  pw_conv c;
  open_conv("replay-midstream.pcap", path, sizeof path, &f, &c, false);
  wire w = {.len = 0};
  put_frame(&w, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
  ck_assert(pw_conv_send(&c, 0, w.b, w.len, 0));
  static const uint32_t sids[] = {1, 3, 5};
  for (size_t k = 0; k < 3; k++) {
    wire s = {.len = 0};
    if (k == 0) put_frame(&s, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
    put_headers(&s, sids[k], false, RESP5);
    put_frame(&s, H2_DATA, H2_FLAG_END_STREAM, sids[k], "abc", 3);
    ck_assert(pw_conv_send(&c, 1, s.b, s.len, 0));
    if (k == 2) break;
    wire q = {.len = 0};
    put_headers(&q, sids[k + 1], true, REQ5);
    ck_assert(pw_conv_send(&c, 0, q.b, q.len, 0));
  }
  wire g = {.len = 0};
  put_frame(&g, H2_GOAWAY, 0, 0, "\0\0\0\0\0\0\0\0", 8);
  ck_assert(pw_conv_send(&c, 0, g.b, g.len, 0));
  close_conv(&f, &c);
  return path;
}

/* Plays the send loops of both replay modes against a peer that answers
 * every request at once: --exact sends the recorded frames in order, the
 * default mode the requests in order, each when its wait is over. A wait
 * that can never be over is a stall. */
static void assert_never_stalls(const replay_conn *c) {
  for (int exact = 0; exact < 2; exact++) {
    replay_conn_result r;
    ck_assert(replay_result_init(&r, c, exact));
    replay_order o;
    ck_assert(replay_order_init(&o, c));
    size_t n = exact ? c->nframes : c->nex;
    for (size_t k = 0; k < n; k++) {
      uint32_t sid = exact ? c->frames[k].stream_id : c->ex[k].stream_id;
      uint32_t wait = exact ? c->frames[k].wait_completed : c->ex[k].wait_completed;
      size_t i = SIZE_MAX;
      for (size_t j = 0; sid && j < c->nex; j++)
        if (c->ex[j].stream_id == sid) i = j;
      if (i != SIZE_MAX && r.streams[i].skipped) continue;
      ck_assert_msg(wait <= replay_order_advance(&o, &r), "%s %zu (stream %u) waits for %u",
                    exact ? "frame" : "request", k, sid, wait);
      if (i != SIZE_MAX && (!exact || c->frames[k].type == H2_HEADERS)) r.streams[i].done = true;
    }
    replay_order_free(&o);
    replay_result_free(&r);
  }
}

START_TEST(midstream_start_never_stalls) {
  const char *path = write_midstream_capture();
  replay_capture rc;
  char err[256] = "";
  ck_assert_int_eq(replay_capture_load(&rc, path, 0, true, NULL, err, sizeof err), 0);
  ck_assert_uint_eq(rc.n, 1);
  replay_conn *c = rc.conns[0];
  ck_assert(c->is_h2 && c->midstream);
  ck_assert_str_eq(c->client, "10.0.0.1:40000");
  ck_assert_uint_eq(c->nex, 3);
  ck_assert(!c->ex[0].have_request); /* stream 1: only its response */
  ck_assert(c->ex[1].have_request && c->ex[2].have_request);
  ck_assert_uint_eq(c->nframes, 4); /* SETTINGS ACK, HEADERS 3, HEADERS 5, GOAWAY */
  ck_assert_uint_eq(c->frames[0].type, H2_SETTINGS);
  ck_assert_uint_le(c->frames[0].wait_completed, c->ex[1].completion_rank);
  assert_never_stalls(c);
  replay_capture_free(&rc);
}
END_TEST

/* gRPC's deadline pattern: the answer to stream 1 arrives, then the client
 * cancels the call anyway (RST_STREAM CANCEL), then sends its next request.
 * --exact must send that RST_STREAM only after the live answer is in: sent
 * earlier it would cancel the answer the replay compares. */
START_TEST(rst_after_own_response_waits_for_it) {
  static char path[512];
  pw_file f;
  pw_conv c;
  open_conv("replay-rst-after.pcap", path, sizeof path, &f, &c, true);
  wire w = {.len = 0};
  put_opening(&w);
  put_headers(&w, 1, true, REQ1);
  ck_assert(pw_conv_send(&c, 0, w.b, w.len, 0));
  wire s = {.len = 0};
  put_frame(&s, H2_SETTINGS, 0, 0, NULL, 0);
  put_headers(&s, 1, true, RESP3);
  ck_assert(pw_conv_send(&c, 1, s.b, s.len, 0));
  wire w2 = {.len = 0};
  put_frame(&w2, H2_RST_STREAM, 0, 1, "\0\0\0\x08", 4);
  put_headers(&w2, 3, true, REQ5);
  ck_assert(pw_conv_send(&c, 0, w2.b, w2.len, 0));
  wire s2 = {.len = 0};
  put_headers(&s2, 3, true, RESP5);
  ck_assert(pw_conv_send(&c, 1, s2.b, s2.len, 0));
  close_conv(&f, &c);
  replay_capture rc;
  char err[256] = "";
  ck_assert_int_eq(replay_capture_load(&rc, path, 0, true, NULL, err, sizeof err), 0);
  replay_conn *cn = rc.conns[0];
  ck_assert_uint_eq(cn->nframes, 4); /* SETTINGS, HEADERS 1, RST_STREAM 1, HEADERS 3 */
  ck_assert_uint_eq(cn->frames[2].type, H2_RST_STREAM);
  ck_assert_uint_eq(cn->frames[2].wait_completed, 1); /* after stream 1's answer */
  ck_assert_uint_eq(cn->frames[3].wait_completed, 1);
  ck_assert(!cn->ex[0].client_reset); /* the answer was complete: stream 1 is replayed */
  assert_never_stalls(cn);
  replay_capture_free(&rc);
}
END_TEST

START_TEST(recorded_captures_never_stall) {
  for (int push = 0; push < 2; push++) {
    replay_capture rc;
    char err[256] = "";
    ck_assert_int_eq(replay_capture_load(&rc, write_capture(push), 0, true, NULL, err, sizeof err),
                     0);
    assert_never_stalls(rc.conns[0]);
    replay_capture_free(&rc);
  }
}
END_TEST

/* ---- comparison ---- */

static void response_of(replay_response *r, const char *const *kv, const char *body) {
  memset(r, 0, sizeof *r);
  h2_header list[32];
  size_t n = 0;
  for (; kv[2 * n]; n++)
    list[n] = (h2_header){kv[2 * n], strlen(kv[2 * n]), kv[2 * n + 1], strlen(kv[2 * n + 1]), 0};
  replay_response_fields(r, list, n);
  replay_response_data(r, (const uint8_t *)body, strlen(body));
  r->ended = true;
  replay_response_finish(r);
}

static char *diffs_text(const replay_diffs *d) {
  static char buf[4096];
  size_t len = 0;
  buf[0] = 0;
  for (size_t i = 0; i < d->n; i++)
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s|%s|%s\n", d->items[i].field,
                            d->items[i].recorded ? d->items[i].recorded : "-",
                            d->items[i].live ? d->items[i].live : "-");
  return buf;
}

START_TEST(compare_ignores_volatile_fields) {
  static const char *const A[] = {":status",
                                  "200",
                                  "date",
                                  "Mon",
                                  "server",
                                  "nghttpd",
                                  "etag",
                                  "\"1\"",
                                  "last-modified",
                                  "x",
                                  "content-type",
                                  "text/html",
                                  "set-cookie",
                                  "sid=abc; Path=/",
                                  NULL};
  static const char *const B[] = {
      ":status",   "200",        "server",  "h2o", "date", "Tue", "content-type",
      "text/html", "set-cookie", "sid=zzz", "age", "3",    NULL};
  replay_response a, b;
  response_of(&a, A, "hello");
  response_of(&b, B, "hello");
  replay_diffs d = {0};
  replay_compare(NULL, &a, &b, &d);
  ck_assert_str_eq(diffs_text(&d), "");
  replay_diffs_free(&d);
  /* --strict-headers compares them all */
  replay_compare_options strict = {.no_default_volatile = true};
  replay_compare(&strict, &a, &b, &d);
  ck_assert_str_eq(diffs_text(&d), "header date|Mon|Tue\n"
                                   "header server|nghttpd|h2o\n"
                                   "header etag|\"1\"|-\n"
                                   "header last-modified|x|-\n"
                                   "header age|-|3\n");
  replay_diffs_free(&d);
  replay_response_free(&a);
  replay_response_free(&b);
}
END_TEST

START_TEST(compare_reports_differences) {
  static const char *const A[] = {
      ":status", "200", "content-type", "text/css", "content-length",  "3", "vary", "a",
      "vary",    "b",   "set-cookie",   "one=1",    "x-only-recorded", "r", NULL};
  static const char *const B[] = {
      ":status", "404",  "content-type", "text/plain", "content-length", "9",
      "vary",    "a, b", "set-cookie",   "two=1",      "x-only-live",    "l",
      NULL};
  replay_response a, b;
  response_of(&a, A, "abc");
  response_of(&b, B, "not found");
  replay_diffs d = {0};
  replay_compare_options o = {.ignored = {"x-only-live"}, .nignored = 1};
  replay_compare(&o, &a, &b, &d);
  ck_assert_str_eq(diffs_text(&d),
                   "status|200|404\n"
                   "header content-type|text/css|text/plain\n"
                   "header content-length|3|9\n"
                   "header set-cookie|one=...|two=...\n"
                   "header x-only-recorded|r|-\n"
                   "body|3 bytes, sha256 "
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                   "|9 bytes, sha256 "
                   "907ba78b4545338d3539683e63ecb51cf51c10adc9dabd86e92bd52339f298b9\n");
  replay_diffs_free(&d);
  /* a reset instead of a response, and an incomplete one */
  replay_response r;
  memset(&r, 0, sizeof r);
  r.reset = true;
  r.reset_code = H2_REFUSED_STREAM;
  replay_response_finish(&r);
  replay_compare(NULL, &a, &r, &d);
  ck_assert_str_eq(diffs_text(&d),
                   "reset|-|RST_STREAM REFUSED_STREAM\n"
                   "status|200|-\n"
                   "header content-type|text/css|-\n"
                   "header content-length|3|-\n"
                   "header vary|a, b|-\n"
                   "header set-cookie|one=...|-\n"
                   "header x-only-recorded|r|-\n"
                   "body|3 bytes, sha256 "
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                   "|0 bytes, sha256 "
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
  replay_diffs_free(&d);
  replay_response_free(&a);
  replay_response_free(&b);
  replay_response_free(&r);
}
END_TEST

START_TEST(response_informational_and_trailers) {
  replay_response r;
  memset(&r, 0, sizeof r);
  h2_header cont[] = {{":status", 7, "100", 3, 0}};
  h2_header fin[] = {{":status", 7, "204", 3, 0}};
  h2_header tr[] = {{"grpc-status", 11, "0", 1, 0}};
  replay_response_fields(&r, cont, 1);
  ck_assert(!r.have_headers);
  ck_assert_uint_eq(r.informational, 1);
  replay_response_fields(&r, fin, 1);
  ck_assert(r.have_headers);
  ck_assert_int_eq(r.status, 204);
  replay_response_fields(&r, tr, 1);
  ck_assert_uint_eq(r.trailers.count, 1);
  ck_assert_int_eq(r.status, 204);
  replay_response_finish(&r);
  replay_response_finish(&r); /* idempotent */
  replay_response_free(&r);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("replay_collect");
  TCase *tc = tcase_create("replay");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, collects_requests_and_responses);
  tcase_add_test(tc, push_is_listed_and_skipped);
  tcase_add_test(tc, conn_filter_and_unusable_input);
  tcase_add_test(tc, request_fields_rewrite);
  tcase_add_test(tc, order_prefix);
  tcase_add_test(tc, midstream_start_never_stalls);
  tcase_add_test(tc, recorded_captures_never_stall);
  tcase_add_test(tc, rst_after_own_response_waits_for_it);
  tcase_add_test(tc, compare_ignores_volatile_fields);
  tcase_add_test(tc, compare_reports_differences);
  tcase_add_test(tc, response_informational_and_trailers);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(suite());
}
