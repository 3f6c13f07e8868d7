/* test_read_conn.c — the HTTP/2 layer of `h2scope read` without pcap files:
 * h2_conn fed with byte streams of a fake capture_flow. Detection (preface on
 * any port and from either side, HTTP/1.1 Upgrade: h2c with stream 1 and its
 * HTTP2-Settings, CONNECT tunnels, mid-connection chains, --port, resync
 * after a gap with unknown dynamic-table state), non-HTTP/2 and garbage
 * input, SETTINGS_HEADER_TABLE_SIZE applied on the ACK, and the notes from
 * observed stream states (§5.1) and field rules (§8.2/§8.3), and the
 * packets and windows conn_options.skip_frame_details leaves out. Every test
 * compares the full transcript of frames and events with the expected one. */
#include <check.h>

#include "run_suite.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_rules.h"
#include "flow_events.h"
#include "h2_conn.h"
#include "h2_detect.h"
#include "stream_states.h"

/* ---- a sink that writes a transcript ---- */

static char transcript[16384];
static size_t tlen;
static char upgrade_fields[1024];
static char upgrade_seen[256]; /* the Upgrade request read hands on_upgrade */

static void tprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(transcript + tlen, sizeof transcript - tlen, fmt, ap);
  va_end(ap);
  if (n > 0)
    tlen += (size_t)n < sizeof transcript - tlen ? (size_t)n : sizeof transcript - tlen - 1;
}

static void rec_frame(void *user, h2_conn *c, int dir, const decoded_frame *d) {
  (void)user;
  (void)c;
  const char *name = h2_frame_type_name(d->frame.hd.type);
  tprintf("%s %s %u", dir ? "s2c" : "c2s", name ? name : "UNKNOWN", d->frame.hd.stream_id);
  if (d->frame_status != H2_OK) tprintf(" error=%s", h2_status_name(d->frame_status));
  if (d->block_complete) {
    if (d->block_status != H2_OK) tprintf(" block_error=%s", h2_status_name(d->block_status));
    tprintf(" [");
    for (size_t i = 0; i < d->header_count; i++) {
      const h2_header *h = &d->headers[i];
      if (!h->name || !h->value)
        tprintf("%s?", i ? " " : "");
      else
        tprintf("%s%.*s=%.*s", i ? " " : "", (int)h->name_len, h->name, (int)h->value_len,
                h->value);
    }
    tprintf("]");
  }
  for (size_t i = 0; i < d->note_count; i++)
    tprintf(" !%s", d->notes[i].rule);
  tprintf("\n");
}

static void rec_event(void *user, h2_conn *c, int dir, const char *ev, uint64_t offset,
                      const char *msg, const event_data *data) {
  (void)user;
  (void)c;
  tprintf("%s event %s @%llu", dir ? "s2c" : "c2s", ev, (unsigned long long)offset);
  if (msg && strstr(msg, "while deciding")) tprintf(" (%s)", msg);
  if (data && data->kind == EVENT_DATA_KIND) tprintf(" kind=%s", data->kind_id);
  tprintf("\n");
}

static void rec_upgrade(void *user, h2_conn *c, const h2_header *f, size_t n) {
  (void)user;
  (void)c;
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(upgrade_fields + len, sizeof upgrade_fields - len, "%s%.*s=%.*s",
                            i ? " " : "", (int)f[i].name_len, f[i].name, (int)f[i].value_len,
                            f[i].value);
}

/* The "upgrade" event: in the transcript as rec_event writes events, and
 * its request (method, target, the HTTP2-Settings decoded) in upgrade_seen. */
static void rec_upgrade_event(void *user, h2_conn *c, int dir, uint64_t offset, const char *msg,
                              const h2_upgrade_request *u) {
  rec_event(user, c, dir, "upgrade", offset, msg, NULL);
  size_t len = (size_t)snprintf(upgrade_seen, sizeof upgrade_seen, "%s %s settings%s", u->method,
                                u->target, u->has_settings ? "" : " none");
  for (size_t i = 0; i < u->nsettings && len < sizeof upgrade_seen; i++)
    len += (size_t)snprintf(upgrade_seen + len, sizeof upgrade_seen - len, " %u=%u",
                            (unsigned)u->settings[i].id, (unsigned)u->settings[i].value);
}

/* ---- a connection under test ---- */

/* The capture's flow of the connection under test. */
static capture_flow flow;
static header_scratch scratch;
static h2_conn *conn;

static void conn_start_with(bool force_h2, bool skip_frame_details, read_sink sink);

static void conn_start(bool force_h2) {
  read_sink sink = {.on_frame = rec_frame,
                    .on_event = rec_event,
                    .on_upgrade = rec_upgrade_event,
                    .on_upgrade_request = rec_upgrade};
  conn_start_with(force_h2, false, sink);
}

static void conn_start_with(bool force_h2, bool skip_frame_details, read_sink sink) {
  tlen = 0;
  transcript[0] = '\0';
  upgrade_fields[0] = '\0';
  upgrade_seen[0] = '\0';
  memset(&flow, 0, sizeof flow);
  flow.id = 1;
  snprintf(flow.endpoint[0], sizeof flow.endpoint[0], "10.0.0.1:40000");
  snprintf(flow.endpoint[1], sizeof flow.endpoint[1], "10.0.0.2:5555");
  flow.port[0] = 40000;
  flow.port[1] = 5555; /* not 80 or 443: detection must not depend on ports */
  flow.syn_seen = true;
  ck_assert_int_eq(header_scratch_init(&scratch, 65536), 0);
  conn_options co = {.force_h2 = force_h2,
                     .max_header_list = 65536,
                     .scratch = &scratch,
                     .skip_frame_details = skip_frame_details};
  conn = h2_conn_new(&flow, &co, &sink, 1.0);
  ck_assert_ptr_nonnull(conn);
}

static uint64_t sent[2];

static void feed(int dir, const void *p, size_t len) {
  h2_conn_bytes(conn, dir, sent[dir], p, len, 1.5);
  sent[dir] += len;
}

static void feed_bytewise(int dir, const void *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    feed(dir, (const uint8_t *)p + i, 1);
}

static void conn_end(const char *expected) {
  h2_conn_finish(conn, 2.0);
  h2_conn_free(conn);
  header_scratch_free(&scratch);
  sent[0] = sent[1] = 0;
  ck_assert_str_eq(transcript, expected);
}

/* ---- byte builders ---- */

static const char PREFACE[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/* Appends a frame to buf at *len. */
static void frame(uint8_t *buf, size_t *len, uint8_t type, uint8_t flags, uint32_t sid,
                  const void *payload, size_t plen) {
  uint8_t *p = buf + *len;
  p[0] = (uint8_t)(plen >> 16);
  p[1] = (uint8_t)(plen >> 8);
  p[2] = (uint8_t)plen;
  p[3] = type;
  p[4] = flags;
  p[5] = (uint8_t)(sid >> 24);
  p[6] = (uint8_t)(sid >> 16);
  p[7] = (uint8_t)(sid >> 8);
  p[8] = (uint8_t)sid;
  if (plen) memcpy(p + 9, payload, plen);
  *len += 9 + plen;
}

/* HPACK (RFC 7541 Appendix A static table): 0x82 :method GET, 0x84 :path /,
 * 0x86 :scheme http, 0x88 :status 200. 0x41 = literal with incremental
 * indexing, name :authority (index 1). */
static const uint8_t REQ_GET[] = {0x82, 0x86, 0x84, 0x41, 0x07, 'e', 'x', '.', 'c', 'o', 'm', '2'};
static const uint8_t REQ_AGAIN[] = {0x82, 0x86, 0x84, 0xbe}; /* 0xbe: dynamic entry 62 */
static const uint8_t RESP_200[] = {0x88};
static const uint8_t SETTINGS_EMPTY[] = {0};

static void client_opening(uint8_t *buf, size_t *len) {
  memcpy(buf, PREFACE, 24);
  *len = 24;
  frame(buf, len, H2_SETTINGS, 0, 0, SETTINGS_EMPTY, 0);
}

/* ---- detection ---- */

START_TEST(preface_on_any_port) {
  for (int bytewise = 0; bytewise < 2; bytewise++) {
    conn_start(false);
    uint8_t c[256], s[256];
    size_t cl, sl = 0;
    client_opening(c, &cl);
    frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, REQ_GET, sizeof REQ_GET);
    frame(s, &sl, H2_SETTINGS, 0, 0, NULL, 0);
    frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS, 1, RESP_200, 1);
    frame(s, &sl, H2_DATA, H2_FLAG_END_STREAM, 1, "hi", 2);
    if (bytewise) {
      feed_bytewise(0, c, cl);
      feed_bytewise(1, s, sl);
    } else {
      feed(0, c, cl);
      feed(1, s, sl);
    }
    conn_end("c2s event detect @0\n"
             "c2s event preface @0\n"
             "c2s SETTINGS 0\n"
             "c2s HEADERS 1 [:method=GET :scheme=http :path=/ :authority=ex.com2]\n"
             "s2c SETTINGS 0\n"
             "s2c HEADERS 1 [:status=200]\n"
             "s2c DATA 1\n");
  }
}
END_TEST

START_TEST(preface_from_side_one_swaps_roles) {
  conn_start(false);
  uint8_t c[128];
  size_t cl;
  client_opening(c, &cl);
  feed(1, c, cl); /* the side the capture took for the server */
  /* read's decision is its own data; the capture's flow stays as it was */
  ck_assert_int_eq(conn->client_dir, 1);
  ck_assert_int_eq(h2_conn_capture_dir(conn, FLOW_DIR_C2S), 1);
  ck_assert_str_eq(h2_conn_endpoint(conn, FLOW_DIR_C2S), "10.0.0.2:5555");
  ck_assert_str_eq(h2_conn_endpoint(conn, FLOW_DIR_S2C), "10.0.0.1:40000");
  conn_end("c2s event detect @0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n");
  ck_assert_str_eq(flow.endpoint[0], "10.0.0.1:40000");
}
END_TEST

/* The role handed up (flow_events.h, h2_conn.client_dir): the SYN was lost
 * and the capture guessed wrong; the server speaks first (its SETTINGS are
 * held undecided), then the other side sends the preface. Frames and events
 * are numbered by role from then on, while the bytes keep coming in the
 * capture's numbering, which nothing changes. */
START_TEST(role_from_the_preface_after_the_server_spoke) {
  conn_start(false);
  flow.syn_seen = false;
  uint8_t c[256], s[256];
  size_t cl, sl = 0;
  client_opening(c, &cl);
  frame(s, &sl, H2_SETTINGS, 0, 0, NULL, 0);
  feed(0, s, sl); /* the server, in the capture's direction 0 */
  ck_assert_int_eq(conn->client_dir, 0);
  feed(1, c, cl); /* the preface: direction 1 is the client */
  ck_assert_int_eq(conn->client_dir, 1);
  ck_assert_str_eq(h2_conn_endpoint(conn, FLOW_DIR_C2S), "10.0.0.2:5555");
  flow.bytes[0] = 9;
  flow.bytes[1] = 33;
  ck_assert_uint_eq(h2_conn_flow_bytes(conn, FLOW_DIR_C2S), 33);
  ck_assert_uint_eq(h2_conn_flow_bytes(conn, FLOW_DIR_S2C), 9);
  sl = cl = 0;
  frame(s, &sl, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
  feed(0, s, sl);
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, REQ_GET, sizeof REQ_GET);
  feed(1, c, cl);
  conn_end("c2s event detect @0\n"
           "s2c SETTINGS 0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n"
           "s2c SETTINGS 0\n"
           "c2s HEADERS 1 [:method=GET :scheme=http :path=/ :authority=ex.com2]\n");
  ck_assert_str_eq(flow.endpoint[0], "10.0.0.1:40000");
  ck_assert_str_eq(flow.endpoint[1], "10.0.0.2:5555");
}
END_TEST

/* TLS with ALPN "h2" (RFC 9113 §3.2): HTTP/2 from the first byte of each
 * side, so a server that speaks first is decoded even when the client never
 * sends its preface (a browser's unused preconnect), which no other rule
 * would find (two frames are too short a chain to guess on). */
START_TEST(alpn_h2_decodes_a_server_that_speaks_first) {
  uint8_t s[64];
  size_t sl = 0;
  static const uint8_t increment[] = {0, 0x0f, 0, 1};
  frame(s, &sl, H2_SETTINGS, 0, 0, NULL, 0);
  frame(s, &sl, H2_WINDOW_UPDATE, 0, 0, increment, 4);
  for (int client_dir = 0; client_dir < 2; client_dir++) {
    conn_start(false);
    h2_conn_alpn_h2(conn, client_dir);
    ck_assert_int_eq(conn->client_dir, client_dir);
    ck_assert_str_eq(h2_conn_endpoint(conn, FLOW_DIR_C2S),
                     client_dir ? "10.0.0.2:5555" : "10.0.0.1:40000");
    feed(!client_dir, s, sl); /* the server, in the capture's numbering */
    conn_end("s2c event detect @0\n"
             "s2c SETTINGS 0\n"
             "s2c WINDOW_UPDATE 0\n");
    ck_assert_str_eq(flow.endpoint[0], "10.0.0.1:40000");
  }
  /* Without ALPN the same bytes are not taken for HTTP/2. */
  conn_start(false);
  feed(1, s, sl);
  conn_end("s2c event not-http2 @0\n");
  /* With ALPN and a client that sends its preface, the server's early
   * SETTINGS come first, then the client's frames. */
  conn_start(false);
  h2_conn_alpn_h2(conn, 0);
  uint8_t c[128];
  size_t cl;
  client_opening(c, &cl);
  feed(1, s, sl);
  feed(0, c, cl);
  conn_end("s2c event detect @0\n"
           "s2c SETTINGS 0\n"
           "s2c WINDOW_UPDATE 0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n");
  /* Too late once bytes were held: detection stays with the bytes. */
  conn_start(false);
  feed(1, s, 5);
  h2_conn_alpn_h2(conn, 0);
  ck_assert(!conn->alpn_h2);
  conn_end("s2c event not-http2 @0\n");
}
END_TEST

static const char UPGRADE_REQ[] = "GET /page?q=1 HTTP/1.1\r\n"
                                  "Host: ex.com\r\n"
                                  "Connection: Upgrade, HTTP2-Settings\r\n"
                                  "Upgrade: h2c\r\n"
                                  "HTTP2-Settings: AAMAAABkAAQAAP__\r\n"
                                  "\r\n";
static const char SWITCHING[] = "HTTP/1.1 101 Switching Protocols\r\n"
                                "Connection: Upgrade\r\n"
                                "Upgrade: h2c\r\n"
                                "\r\n";

START_TEST(upgrade_h2c_makes_stream_one) {
  conn_start(false);
  feed(0, UPGRADE_REQ, sizeof UPGRADE_REQ - 1);
  uint8_t s[256], c[128];
  size_t sl = sizeof SWITCHING - 1, cl;
  memcpy(s, SWITCHING, sl);
  frame(s, &sl, H2_SETTINGS, 0, 0, NULL, 0);
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS, 1, RESP_200, 1);
  frame(s, &sl, H2_DATA, H2_FLAG_END_STREAM, 1, "ok", 2);
  feed(1, s, sl);
  client_opening(c, &cl);
  frame(c, &cl, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
  feed(0, c, cl);
  char want[512];
  snprintf(want, sizeof want,
           "s2c event upgrade @%zu\n"
           "s2c SETTINGS 0\n"
           "s2c HEADERS 1 [:status=200]\n"
           "s2c DATA 1\n"
           "c2s event preface @%zu\n"
           "c2s SETTINGS 0\n"
           "c2s SETTINGS 0\n",
           sizeof SWITCHING - 1, sizeof UPGRADE_REQ - 1);
  conn_end(want);
  ck_assert_str_eq(upgrade_fields, ":method=GET :path=/page?q=1 :scheme=http host=ex.com "
                                   "connection=Upgrade, HTTP2-Settings upgrade=h2c "
                                   "http2-settings=AAMAAABkAAQAAP__");
  /* RFC 7540 §3.2.1: HTTP2-Settings is a SETTINGS payload in base64url;
   * AAMAAABkAAQAAP__ is MAX_CONCURRENT_STREAMS (0x3) 100 and
   * INITIAL_WINDOW_SIZE (0x4) 65535 */
  ck_assert_str_eq(upgrade_seen, "GET /page?q=1 settings 3=100 4=65535");
}
END_TEST

START_TEST(upgrade_refused_is_not_http2) {
  conn_start(false);
  feed(0, UPGRADE_REQ, sizeof UPGRADE_REQ - 1);
  static const char OK[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  feed(1, OK, sizeof OK - 1);
  conn_end("s2c event not-http2 @38\n"); /* where the unexpected answer's bytes begin */
}
END_TEST

START_TEST(connect_tunnel_is_examined) {
  conn_start(false);
  static const char REQ[] = "CONNECT ex.com:80 HTTP/1.1\r\nHost: ex.com:80\r\n\r\n";
  static const char RESP[] = "HTTP/1.1 200 Connection established\r\n\r\n";
  feed(0, REQ, sizeof REQ - 1);
  feed(1, RESP, sizeof RESP - 1);
  uint8_t c[128], s[64];
  size_t cl, sl = 0;
  client_opening(c, &cl);
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, REQ_GET, sizeof REQ_GET);
  feed(0, c, cl);
  frame(s, &sl, H2_SETTINGS, 0, 0, NULL, 0);
  feed(1, s, sl);
  char want[512];
  snprintf(want, sizeof want,
           "s2c event detect @%zu\n"
           "c2s event detect @%zu\n"
           "c2s event preface @%zu\n"
           "c2s SETTINGS 0\n"
           "c2s HEADERS 1 [:method=GET :scheme=http :path=/ :authority=ex.com2]\n"
           "s2c SETTINGS 0\n",
           sizeof RESP - 1, sizeof REQ - 1, sizeof REQ - 1);
  conn_end(want);
}
END_TEST

/* Bytes of a connection joined mid-way: the tail of a frame, then frames. */
static size_t midstream_bytes(uint8_t *buf) {
  size_t len = 0;
  memset(buf, 0xab, 5); /* end of a DATA payload from before the capture */
  len = 5;
  frame(buf, &len, H2_DATA, 0, 3, "aaaa", 4);
  frame(buf, &len, H2_WINDOW_UPDATE, 0, 0, "\x00\x00\x10\x00", 4);
  frame(buf, &len, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 5, REQ_AGAIN,
        sizeof REQ_AGAIN);
  frame(buf, &len, H2_DATA, H2_FLAG_END_STREAM, 3, "bb", 2);
  return len;
}

START_TEST(midstream_chain_detected) {
  conn_start(false);
  flow.syn_seen = false;
  uint8_t b[256];
  size_t len = midstream_bytes(b);
  feed(0, b, len);
  /* Nothing says who the client is: read keeps the capture's guess. */
  ck_assert_int_eq(conn->client_dir, 0);
  ck_assert(conn->midstream);
  /* Static-table and literal fields decode; the dynamic reference cannot. */
  conn_end("c2s event skipped @0\n"
           "c2s event detect @5\n"
           "c2s DATA 3\n"
           "c2s WINDOW_UPDATE 0\n"
           "c2s HEADERS 5 [:method=GET :scheme=http :path=/ ?]\n"
           "c2s DATA 3\n");
}
END_TEST

START_TEST(midstream_too_short_chain_is_not_guessed) {
  conn_start(false);
  uint8_t b[64];
  size_t len = 0;
  frame(b, &len, H2_PING, 0, 0, "12345678", 8);
  feed(0, b, len);
  conn_end("c2s event not-http2 @0\n");
}
END_TEST

START_TEST(port_forced_single_frame) {
  conn_start(true);
  uint8_t b[64];
  size_t len = 0;
  frame(b, &len, H2_PING, 0, 0, "12345678", 8);
  feed(0, b, len);
  conn_end("c2s event detect @0\n"
           "c2s PING 0\n");
}
END_TEST

START_TEST(gap_then_resync) {
  conn_start(false);
  uint8_t c[512];
  size_t cl;
  client_opening(c, &cl);
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, REQ_GET, sizeof REQ_GET);
  feed(0, c, cl);
  /* 100 bytes lost, then the capture resumes inside a frame. */
  h2_conn_gap(conn, 0, sent[0], 100, 1.6);
  sent[0] += 100;
  uint8_t b[256];
  size_t len = midstream_bytes(b);
  feed(0, b, len);
  char want[1024];
  size_t after = cl + 100;
  snprintf(want, sizeof want,
           "c2s event detect @0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n"
           "c2s HEADERS 1 [:method=GET :scheme=http :path=/ :authority=ex.com2]\n"
           "c2s event gap @%zu\n"
           "c2s event skipped @%zu\n"
           "c2s event resync @%zu\n"
           "c2s DATA 3\n"
           "c2s WINDOW_UPDATE 0\n"
           "c2s HEADERS 5 [:method=GET :scheme=http :path=/ ?]\n"
           "c2s DATA 3\n",
           cl, after, after + 5);
  conn_end(want);
}
END_TEST

/* The bytes held while deciding have a hard cap (h2_conn.c's HOLD_MAX, 1 MiB
 * + 64 KiB): a delivery beyond it is skipped and said, and decoding
 * resumes at the next frame boundary as after a gap. */
START_TEST(hold_cap_is_reported) {
  conn_start(false);
  uint8_t c[512];
  size_t cl;
  client_opening(c, &cl);
  feed(0, c, cl);
  h2_conn_gap(conn, 0, sent[0], 100, 1.6);
  sent[0] += 100;
  size_t big = 1024 * 1024 + 64 * 1024 + 1;
  uint8_t *zeros = calloc(1, big);
  ck_assert_ptr_nonnull(zeros);
  feed(0, zeros, big);
  free(zeros);
  uint8_t b[256];
  size_t len = midstream_bytes(b);
  feed(0, b, len);
  char want[1024];
  size_t after = cl + 100 + big;
  snprintf(want, sizeof want,
           "c2s event detect @0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n"
           "c2s event gap @%zu\n"
           "c2s event skipped @%zu (%zu bytes skipped while deciding: more than 1114112 bytes "
           "to hold)\n"
           "c2s event skipped @%zu\n"
           "c2s event resync @%zu\n"
           "c2s DATA 3\n"
           "c2s WINDOW_UPDATE 0\n"
           "c2s HEADERS 5 [:method=GET :scheme=http :path=/ ?]\n"
           "c2s DATA 3\n",
           cl, cl + 100, big, after, after + 5);
  conn_end(want);
}
END_TEST

START_TEST(garbage_and_http1_are_not_http2) {
  conn_start(false);
  uint8_t junk[3000];
  uint32_t x = 12345;
  for (size_t i = 0; i < sizeof junk; i++) {
    x = x * 1103515245u + 12345u;
    junk[i] = (uint8_t)(x >> 16);
  }
  feed(0, junk, sizeof junk);
  feed(1, junk, sizeof junk);
  conn_end("c2s event not-http2 @0\n");

  conn_start(false);
  static const char GET[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  static const char OK[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
  feed(0, GET, sizeof GET - 1);
  feed(1, OK, sizeof OK - 1);
  conn_end("c2s event not-http2 @0\n");
}
END_TEST

/* ---- SETTINGS_HEADER_TABLE_SIZE follows the acknowledged setting ---- */

START_TEST(table_size_applies_on_ack) {
  conn_start(false);
  uint8_t c[256], s[128];
  size_t cl, sl = 0;
  /* The server limits the table the client's encoder may use to 100. */
  static const uint8_t HTS_100[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x64};
  frame(s, &sl, H2_SETTINGS, 0, 0, HTS_100, sizeof HTS_100);
  feed(1, s, sl);
  /* Before the client's ACK the old limit (4096) holds: an update to 4096 is
   * fine (0x3f 0xe1 0x1f, RFC 7541 §6.3). */
  static const uint8_t UPDATE_4096[] = {0x3f, 0xe1, 0x1f, 0x82, 0x86, 0x84,
                                        0x41, 0x03, 'a',  '.',  'b'};
  client_opening(c, &cl);
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, UPDATE_4096,
        sizeof UPDATE_4096);
  frame(c, &cl, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
  /* After the ACK, the same update exceeds the limit (§4.2 / §6.3). */
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 3, UPDATE_4096,
        sizeof UPDATE_4096);
  feed(0, c, cl);
  conn_end("c2s event detect @0\n"
           "s2c SETTINGS 0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n"
           "c2s HEADERS 1 [:method=GET :scheme=http :path=/ :authority=a.b]\n"
           "c2s SETTINGS 0\n"
           "c2s HEADERS 3 block_error=hpack-size-update-too-large []\n");
}
END_TEST

/* ---- notes: stream states and field rules ---- */

START_TEST(stream_state_notes) {
  conn_start(false);
  uint8_t c[512], s[512];
  size_t cl, sl = 0;
  client_opening(c, &cl);
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, REQ_GET, sizeof REQ_GET);
  feed(0, c, cl);
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, RESP_200, 1);
  frame(s, &sl, H2_DATA, 0, 1, "late", 4);                        /* stream 1 is closed */
  frame(s, &sl, H2_DATA, 0, 7, "idle", 4);                        /* stream 7 was never opened */
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS, 2, RESP_200, 1); /* not promised */
  feed(1, s, sl);
  cl = 0;
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS, 5, REQ_GET, 3); /* :method :scheme :path */
  frame(c, &cl, H2_RST_STREAM, 0, 5, "\x00\x00\x00\x08", 4);
  frame(c, &cl, H2_DATA, 0, 5, "x", 1);                          /* after its own reset */
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS, 3, REQ_GET, 3); /* 3 < 5: goes backwards */
  frame(c, &cl, H2_WINDOW_UPDATE, 0, 9, "\x00\x00\x00\x01", 4);  /* idle */
  feed(0, c, cl);
  conn_end("c2s event detect @0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n"
           "c2s HEADERS 1 [:method=GET :scheme=http :path=/ :authority=ex.com2]\n"
           "s2c HEADERS 1 [:status=200]\n"
           "s2c DATA 1 !data-on-closed\n"
           "s2c DATA 7 !data-on-idle\n"
           "s2c HEADERS 2 [:status=200] !stream-id-parity\n"
           "c2s HEADERS 5 [:method=GET :scheme=http :path=/]\n"
           "c2s RST_STREAM 5\n"
           "c2s DATA 5 !data-on-closed\n"
           "c2s HEADERS 3 [:method=GET :scheme=http :path=/] !stream-id-order\n"
           "c2s WINDOW_UPDATE 9 !window-update-on-idle\n");
}
END_TEST

/* §8.1's DATA before HEADERS stays a note of its own next to the observer's
 * §5.1 ones; a server's DATA on an open stream is no state violation. */
START_TEST(data_before_headers_note) {
  conn_start(false);
  uint8_t c[256], s[256];
  size_t cl, sl = 0;
  client_opening(c, &cl);
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS, 1, REQ_GET, sizeof REQ_GET);
  feed(0, c, cl);
  frame(s, &sl, H2_DATA, 0, 1, "early", 5);
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, RESP_200, 1);
  feed(1, s, sl);
  conn_end("c2s event detect @0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n"
           "c2s HEADERS 1 [:method=GET :scheme=http :path=/ :authority=ex.com2]\n"
           "s2c DATA 1 !data-before-headers\n"
           "s2c HEADERS 1 [:status=200]\n");
}
END_TEST

START_TEST(push_and_trailers_are_not_flagged) {
  conn_start(false);
  uint8_t c[256], s[256];
  size_t cl, sl = 0;
  client_opening(c, &cl);
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, REQ_GET, sizeof REQ_GET);
  feed(0, c, cl);
  /* PUSH_PROMISE on stream 1 reserving 2 (request: GET /), split with a
   * CONTINUATION; the response on 1, the pushed response on 2 with trailers. */
  uint8_t pp[8] = {0, 0, 0, 2, 0x82, 0x86};
  frame(s, &sl, H2_PUSH_PROMISE, 0, 1, pp, 6);
  frame(s, &sl, H2_CONTINUATION, H2_FLAG_END_HEADERS, 1, "\x84", 1);
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, RESP_200, 1);
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS, 2, RESP_200, 1);
  frame(s, &sl, H2_DATA, 0, 2, "body", 4);
  static const uint8_t TRAILER[] = {0x00, 0x01, 'x', 0x01, 'y'};
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 2, TRAILER, sizeof TRAILER);
  frame(s, &sl, H2_DATA, 0, 2, "more", 4); /* after END_STREAM */
  feed(1, s, sl);
  conn_end("c2s event detect @0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0\n"
           "c2s HEADERS 1 [:method=GET :scheme=http :path=/ :authority=ex.com2]\n"
           "s2c PUSH_PROMISE 1\n"
           "s2c CONTINUATION 1 [:method=GET :scheme=http :path=/]\n"
           "s2c HEADERS 1 [:status=200]\n"
           "s2c HEADERS 2 [:status=200]\n"
           "s2c DATA 2\n"
           "s2c HEADERS 2 [x=y]\n"
           "s2c DATA 2 !data-on-closed\n");
}
END_TEST

START_TEST(field_rule_notes) {
  conn_start(false);
  uint8_t c[512], s[512];
  size_t cl, sl = 0;
  client_opening(c, &cl);
  /* 0x40 literal with indexing, new name "Te" (uppercase) value "gzip";
   * :path missing. */
  static const uint8_t BAD_REQ[] = {0x82, 0x86, 0x00, 0x02, 'T', 'e', 0x04, 'g', 'z', 'i', 'p'};
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS, 1, BAD_REQ, sizeof BAD_REQ);
  /* Trailers with a pseudo-header, and a connection-specific field. */
  static const uint8_t TRAILERS[] = {0x84, 0x00, 0x0a, 'c',  'o', 'n', 'n', 'e', 'c', 't',
                                     'i',  'o',  'n',  0x05, 'c', 'l', 'o', 's', 'e'};
  frame(c, &cl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, TRAILERS, sizeof TRAILERS);
  feed(0, c, cl);
  /* A 1xx, then a final response that carries :path. */
  static const uint8_t INFO[] = {0x08, 0x03, '1', '0', '3'}; /* :status 103 (name index 8) */
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS, 1, INFO, sizeof INFO);
  static const uint8_t FINAL[] = {0x88, 0x84};
  frame(s, &sl, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, FINAL, sizeof FINAL);
  feed(1, s, sl);
  conn_end(
      "c2s event detect @0\n"
      "c2s event preface @0\n"
      "c2s SETTINGS 0\n"
      "c2s HEADERS 1 [:method=GET :scheme=http Te=gzip] !field-invalid !pseudo-header-invalid\n"
      "c2s HEADERS 1 [:path=/ connection=close] !pseudo-header-invalid !connection-specific-field\n"
      "s2c HEADERS 1 [:status=103]\n"
      "s2c HEADERS 1 [:status=200 :path=/] !pseudo-header-invalid\n");
}
END_TEST

START_TEST(field_rules_direct) {
  frame_note notes[8];
  size_t n = 0;
  h2_field_facts facts;
  h2_header ok[] = {{":status", 7, "204", 3, 0}, {"server", 6, "x", 1, 0}};
  field_rules_check(FIELD_BLOCK_RESPONSE, ok, NULL, 2, notes, &n, 8, &facts);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(facts.status, 204);
  ck_assert(!facts.has_priority && !facts.has_protocol);
  h2_header pri[] = {{":status", 7, "200", 3, 0}, {"priority", 8, "u=1", 3, 0}};
  field_rules_check(FIELD_BLOCK_RESPONSE, pri, NULL, 2, notes, &n, 8, &facts);
  ck_assert_uint_eq(n, 0);
  ck_assert(facts.has_priority);
  h2_header bad[] = {{"server", 6, "x", 1, 0},
                     {":status", 7, "2x4", 3, 0},
                     {":status", 7, "200", 3, 0},
                     {":bogus", 6, "1", 1, 0},
                     {"x-a", 3, "a\r\nb", 4, 0}};
  field_rules_check(FIELD_BLOCK_RESPONSE, bad, NULL, 5, notes, &n, 8, &facts);
  ck_assert_uint_eq(n, 4);
  /* One note per violation, under the catalogue's id (docs/lint.md). */
  ck_assert_str_eq(notes[0].rule, "pseudo-header-invalid");
  ck_assert_str_eq(notes[0].message, "pseudo-header field after a regular field (malformed)");
  ck_assert_str_eq(notes[1].rule, "pseudo-header-invalid");
  ck_assert_str_eq(notes[1].message, "pseudo-header field repeated (malformed)");
  ck_assert_str_eq(notes[2].rule, "pseudo-header-invalid");
  ck_assert_str_eq(notes[2].message, "unknown pseudo-header field (malformed)");
  ck_assert_str_eq(notes[3].rule, "field-invalid");
  ck_assert_str_eq(notes[3].message, "field value with CR, LF or NUL (malformed)");
  ck_assert_str_eq(notes[0].section, "RFC 9113 §8.3");
  /* CONNECT: :authority only (§8.5); an undecodable field stops "missing" checks. */
  n = 0;
  h2_header conn_req[] = {{":method", 7, "CONNECT", 7, 0}, {":authority", 10, "a:1", 3, 0}};
  field_rules_check(FIELD_BLOCK_REQUEST, conn_req, NULL, 2, notes, &n, 8, &facts);
  ck_assert_uint_eq(n, 0);
  h2_header unknown[] = {{":method", 7, "GET", 3, 0}, {NULL, 0, NULL, 0, 0}};
  field_rules_check(FIELD_BLOCK_REQUEST, unknown, NULL, 2, notes, &n, 8, &facts);
  ck_assert_uint_eq(n, 0);
  field_rules_check(FIELD_BLOCK_REQUEST, unknown, NULL, 1, notes, &n, 8, &facts);
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(notes[0].rule, "pseudo-header-invalid");
  ck_assert_str_eq(notes[0].message, "request without one of :method, :scheme, :path (malformed)");
}
END_TEST

/* ---- h2_detect pieces ---- */

START_TEST(detect_pieces) {
  uint8_t out[64];
  ck_assert_int_eq(base64url_decode("AAMAAABkAAQAAP__", 16, out, sizeof out), 12);
  ck_assert_uint_eq(out[11], 0xff);
  ck_assert_int_eq(base64url_decode("A*", 2, out, sizeof out), -1);
  http1_head h;
  static const char HEAD[] = "GET / HTTP/1.1\r\nUpgrade: websocket, H2C\r\n\r\n";
  ck_assert_int_eq(http1_parse_head((const uint8_t *)HEAD, sizeof HEAD - 1, &h), 1);
  ck_assert(h.is_request && h.upgrade_h2c);
  ck_assert_uint_eq(h.head_len, sizeof HEAD - 1);
  ck_assert_int_eq(http1_parse_head((const uint8_t *)HEAD, 10, &h), 0);
  ck_assert_int_eq(http1_parse_head((const uint8_t *)"\x00\x01\x02garbage\r\n\r\n", 14, &h), -1);
  uint8_t hdr[9] = {0, 0, 5, H2_PRIORITY, 0, 0, 0, 0, 1};
  ck_assert(h2_detect_plausible_header(hdr, 16384));
  hdr[2] = 4; /* PRIORITY must be 5 bytes */
  ck_assert(!h2_detect_plausible_header(hdr, 16384));
}
END_TEST

/* ---- conn_options.skip_frame_details ---- */

/* Each frame with its packets and, when set, the windows after it: what
 * `read` shows next to a frame, which skip_frame_details leaves out. */
static void rec_frame_details(void *user, h2_conn *c, int dir, const decoded_frame *d) {
  (void)user;
  (void)c;
  const char *name = h2_frame_type_name(d->frame.hd.type);
  tprintf("%s %s %u pkt=%llu-%llu", dir ? "s2c" : "c2s", name ? name : "UNKNOWN",
          d->frame.hd.stream_id, (unsigned long long)d->pkt_first, (unsigned long long)d->pkt_last);
  if (d->windows_set)
    tprintf(" windows stream=%u conn=%lld/%lld stream_window=%lld/%lld", d->windows.stream,
            (long long)d->windows.conn[0], (long long)d->windows.conn[1],
            (long long)d->windows.stream_window[0], (long long)d->windows.stream_window[1]);
  for (size_t i = 0; i < d->note_count; i++)
    tprintf(" !%s", d->notes[i].rule);
  tprintf("\n");
}

/* One request and a response with 10 octets of DATA, each direction's
 * bytes in their own packet (numbered 1..4 in the capture). */
static void details_exchange(bool skip) {
  read_sink sink = {.on_frame = rec_frame_details, .on_event = rec_event};
  conn_start_with(false, skip, sink);
  uint8_t c2s[256], s2c[256];
  size_t cn = 0, sn = 0;
  client_opening(c2s, &cn);
  frame(c2s, &cn, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, REQ_GET, sizeof REQ_GET);
  flow.pkt_first = flow.pkt_last = 1;
  feed(0, c2s, cn);
  frame(s2c, &sn, H2_SETTINGS, 0, 0, SETTINGS_EMPTY, 0);
  frame(s2c, &sn, H2_SETTINGS, H2_FLAG_ACK, 0, SETTINGS_EMPTY, 0);
  flow.pkt_first = flow.pkt_last = 2;
  feed(1, s2c, sn);
  sn = 0;
  frame(s2c, &sn, H2_HEADERS, H2_FLAG_END_HEADERS, 1, RESP_200, sizeof RESP_200);
  frame(s2c, &sn, H2_DATA, H2_FLAG_END_STREAM, 1, "0123456789", 10);
  flow.pkt_first = flow.pkt_last = 3;
  feed(1, s2c, sn);
  cn = 0;
  frame(c2s, &cn, H2_SETTINGS, H2_FLAG_ACK, 0, SETTINGS_EMPTY, 0);
  flow.pkt_first = flow.pkt_last = 4;
  feed(0, c2s, cn);
}

START_TEST(frame_details_computed_by_default) {
  details_exchange(false);
  conn_end("c2s event detect @0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0 pkt=1-1\n"
           "c2s HEADERS 1 pkt=1-1 windows stream=1 conn=65535/65535 stream_window=65535/65535\n"
           "s2c SETTINGS 0 pkt=2-2\n"
           "s2c SETTINGS 0 pkt=2-2\n"
           "s2c HEADERS 1 pkt=3-3\n"
           "s2c DATA 1 pkt=3-3 windows stream=1 conn=65535/65525 stream_window=65535/65525\n"
           "c2s SETTINGS 0 pkt=4-4\n");
}
END_TEST

START_TEST(frame_details_skipped) {
  /* The same frames, notes and events; no packets and no windows. */
  details_exchange(true);
  conn_end("c2s event detect @0\n"
           "c2s event preface @0\n"
           "c2s SETTINGS 0 pkt=0-0\n"
           "c2s HEADERS 1 pkt=0-0\n"
           "s2c SETTINGS 0 pkt=0-0\n"
           "s2c SETTINGS 0 pkt=0-0\n"
           "s2c HEADERS 1 pkt=0-0\n"
           "s2c DATA 1 pkt=0-0\n"
           "c2s SETTINGS 0 pkt=0-0\n");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("read_conn");
  TCase *d = tcase_create("detect");
  tcase_set_timeout(d, 120);
  tcase_add_test(d, preface_on_any_port);
  tcase_add_test(d, preface_from_side_one_swaps_roles);
  tcase_add_test(d, alpn_h2_decodes_a_server_that_speaks_first);
  tcase_add_test(d, upgrade_h2c_makes_stream_one);
  tcase_add_test(d, upgrade_refused_is_not_http2);
  tcase_add_test(d, connect_tunnel_is_examined);
  tcase_add_test(d, role_from_the_preface_after_the_server_spoke);
  tcase_add_test(d, midstream_chain_detected);
  tcase_add_test(d, midstream_too_short_chain_is_not_guessed);
  tcase_add_test(d, port_forced_single_frame);
  tcase_add_test(d, gap_then_resync);
  tcase_add_test(d, hold_cap_is_reported);
  tcase_add_test(d, garbage_and_http1_are_not_http2);
  tcase_add_test(d, detect_pieces);
  suite_add_tcase(s, d);
  TCase *r = tcase_create("rules");
  tcase_set_timeout(r, 120);
  tcase_add_test(r, table_size_applies_on_ack);
  tcase_add_test(r, stream_state_notes);
  tcase_add_test(r, data_before_headers_note);
  tcase_add_test(r, push_and_trailers_are_not_flagged);
  tcase_add_test(r, field_rule_notes);
  tcase_add_test(r, field_rules_direct);
  tcase_add_test(r, frame_details_computed_by_default);
  tcase_add_test(r, frame_details_skipped);
  suite_add_tcase(s, r);
  return s;
}

int main(void) {
  return run_suite(suite());
}
