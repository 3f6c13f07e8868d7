/* test_read_extensions.c — the extension rules of `read` and the observer:
 * read/extensions.c on decoded frames (extended CONNECT per RFC 8441 §3/§4:
 * which side enabled it, :protocol only with CONNECT and with :scheme and
 * :path; the WebSocket tunnel opened by the request and the 2xx, closed by a
 * refusal; the priority field and the extension frames as notes), and the
 * observer's SETTINGS findings (RFC 9218 §2.1 NO_RFC7540_PRIORITIES changed,
 * absent counting as 0; RFC 8441 §3 ENABLE_CONNECT_PROTOCOL 1 -> 0). */
#include <check.h>

#include "run_suite.h"
#include <string.h>

#include "extensions.h"
#include "flow_events.h"
#include "h2/ext_frames.h"
#include "h2/field_rules.h"
#include "h2/observer.h"

#define C2S FLOW_DIR_C2S
#define S2C FLOW_DIR_S2C

static decoded_frame settings_frame(const h2_setting *s, size_t n, uint8_t *raw) {
  decoded_frame d;
  memset(&d, 0, sizeof d);
  d.frame.hd.type = H2_SETTINGS;
  d.frame.hd.length = (uint32_t)(6 * n);
  h2_settings_pack(s, n, raw, 6 * n);
  d.frame.u.settings.raw = raw;
  d.frame.u.settings.count = (uint32_t)n;
  return d;
}

static decoded_frame headers_frame(uint32_t stream, const h2_header *h, size_t n) {
  decoded_frame d;
  memset(&d, 0, sizeof d);
  d.frame.hd.type = H2_HEADERS;
  d.frame.hd.stream_id = stream;
  d.frame.hd.flags = H2_FLAG_END_HEADERS;
  d.block_complete = true;
  d.headers = h;
  d.header_count = n;
  return d;
}

static decoded_frame data_frame(uint32_t stream, const uint8_t *p, size_t n) {
  decoded_frame d;
  memset(&d, 0, sizeof d);
  d.frame.hd.type = H2_DATA;
  d.frame.hd.stream_id = stream;
  d.frame.hd.length = (uint32_t)n;
  d.frame.u.data.data = p;
  d.frame.u.data.len = (uint32_t)n;
  return d;
}

#define HDR(n, v)                                                                                  \
  { .name = n, .name_len = sizeof n - 1, .value = v, .value_len = sizeof v - 1 }

/* Feeds d from dir as read does, with the field rules' facts of the list
 * it completes (or with none: the list is scanned whatever it holds);
 * returns the notes' rules joined by ' '. */
static const char *run_facts(ext_conn *x, int dir, decoded_frame *d, bool with_facts) {
  static char out[512];
  frame_note notes[8];
  size_t n = 0;
  h2_field_facts facts;
  if (d->block_complete)
    h2_fields_check(H2_FIELDS_UNKNOWN, d->headers, NULL, d->header_count, &facts, NULL, NULL);
  const h2_field_facts *f = with_facts && d->block_complete ? &facts : NULL;
  /* with facts as read's h2_conn.c calls it: only when it has work */
  if (!with_facts || ext_conn_has_work(x, d->frame.hd.type, f))
    ext_conn_frame(x, dir, true, d->frame.hd.stream_id, d, f, notes, &n, 8);
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    strcat(out, i ? " " : "");
    strcat(out, notes[i].rule);
  }
  return out;
}

static const char *run(ext_conn *x, int dir, decoded_frame *d) {
  return run_facts(x, dir, d, true);
}

static const h2_header ws_request[] = {
    HDR(":method", "CONNECT"), HDR(":protocol", "websocket"),  HDR(":scheme", "https"),
    HDR(":path", "/chat"),     HDR(":authority", "a.example"),
};

START_TEST(extended_connect_rules) {
  ext_conn *x = ext_conn_new(NULL);
  ck_assert_ptr_nonnull(x);
  decoded_frame d = headers_frame(1, ws_request, 5);
  /* Before the server enabled it (RFC 8441 §3). */
  ck_assert_str_eq(run(x, C2S, &d), "extended-connect-invalid");
  uint8_t raw[12];
  h2_setting on = {H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1};
  decoded_frame s = settings_frame(&on, 1, raw);
  run(x, C2S, &s); /* the client's own setting does not count */
  d = headers_frame(3, ws_request, 5);
  ck_assert_str_eq(run(x, C2S, &d), "extended-connect-invalid");
  s = settings_frame(&on, 1, raw);
  run(x, S2C, &s);
  ck_assert(ext_conn_connect_enabled(x, S2C));
  d = headers_frame(5, ws_request, 5);
  ck_assert_str_eq(run(x, C2S, &d), "");
  /* §4: :scheme and :path required, :protocol only with CONNECT: field
   * rules, noted by h2_fields_check (test_field_rules.c), not here twice */
  const h2_header no_path[] = {HDR(":method", "CONNECT"), HDR(":protocol", "websocket"),
                               HDR(":scheme", "https"), HDR(":authority", "a.example")};
  d = headers_frame(7, no_path, 4);
  ck_assert_str_eq(run(x, C2S, &d), "");
  const h2_header get[] = {HDR(":method", "GET"), HDR(":protocol", "websocket"),
                           HDR(":scheme", "https"), HDR(":path", "/")};
  d = headers_frame(9, get, 4);
  ck_assert_str_eq(run(x, C2S, &d), "");
  /* Withdrawn by the server: later requests are noted again. */
  h2_setting off = {H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 0};
  s = settings_frame(&off, 1, raw);
  run(x, S2C, &s);
  d = headers_frame(11, ws_request, 5);
  ck_assert_str_eq(run(x, C2S, &d), "extended-connect-invalid");
  ext_conn_free(x);
}
END_TEST

START_TEST(websocket_tunnel) {
  ext_conn *x = ext_conn_new(NULL);
  uint8_t raw[6];
  h2_setting on = {H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1};
  decoded_frame s = settings_frame(&on, 1, raw);
  run(x, S2C, &s);
  decoded_frame d = headers_frame(1, ws_request, 5);
  run(x, C2S, &d);
  /* The client's frames count from the request on. */
  const uint8_t hello[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  d = data_frame(1, hello, 6); /* header only */
  ck_assert_str_eq(run(x, C2S, &d), "");
  ck_assert_uint_eq(d.ws_count, 0);
  d = data_frame(1, hello + 6, 5);
  ck_assert_str_eq(run(x, C2S, &d), "");
  ck_assert_uint_eq(d.ws_count, 1);
  ck_assert_uint_eq(d.ws[0].data_frames, 2);
  ck_assert(!memcmp(d.ws[0].preview, "Hello", 5));
  /* The server's only after its 2xx. */
  const uint8_t pong[] = {0x8a, 0x00};
  d = data_frame(1, pong, 2);
  run(x, S2C, &d);
  ck_assert_uint_eq(d.ws_count, 0);
  const h2_header ok[] = {HDR(":status", "200")};
  d = headers_frame(1, ok, 1);
  run(x, S2C, &d);
  d = data_frame(1, pong, 2);
  run(x, S2C, &d);
  ck_assert_uint_eq(d.ws_count, 1);
  ck_assert_uint_eq(d.ws[0].opcode, 0xa);
  /* An unmasked client frame is a note. */
  const uint8_t bare[] = {0x81, 0x01, 'x'};
  d = data_frame(1, bare, 3);
  ck_assert_str_eq(run(x, C2S, &d), "websocket-frame-invalid");
  /* A refused tunnel (4xx) carries no WebSocket frames. */
  d = headers_frame(3, ws_request, 5);
  run(x, C2S, &d);
  const h2_header no[] = {HDR(":status", "403")};
  d = headers_frame(3, no, 1);
  run(x, S2C, &d);
  d = data_frame(3, hello, sizeof hello);
  run(x, C2S, &d);
  ck_assert_uint_eq(d.ws_count, 0);
  ext_conn_free(x);
}
END_TEST

/* ext_conn_has_work: false for the common frame (the RFC 9113 types but
 * SETTINGS, a list without :protocol or priority) until a WebSocket stream
 * is followed; true for SETTINGS, ALTSVC, ORIGIN, PRIORITY_UPDATE (and any
 * later type) and a list with either field. */
START_TEST(has_work) {
  ext_conn *x = ext_conn_new(NULL);
  ck_assert_ptr_nonnull(x);
  h2_field_facts facts;
  const uint8_t bytes[] = {1, 2, 3};
  ck_assert(!ext_conn_has_work(x, H2_DATA, NULL));
  const h2_header plain[] = {HDR(":method", "GET"), HDR(":path", "/"), HDR(":scheme", "https"),
                             HDR(":authority", "a.example")};
  h2_fields_check(H2_FIELDS_UNKNOWN, plain, NULL, 4, &facts, NULL, NULL);
  ck_assert(!ext_conn_has_work(x, H2_HEADERS, &facts));
  ck_assert(!ext_conn_has_work(x, H2_CONTINUATION, &facts));
  const h2_header prio[] = {HDR(":status", "200"), HDR("priority", "u=1")};
  h2_fields_check(H2_FIELDS_UNKNOWN, prio, NULL, 2, &facts, NULL, NULL);
  ck_assert(ext_conn_has_work(x, H2_HEADERS, &facts));
  h2_fields_check(H2_FIELDS_UNKNOWN, ws_request, NULL, 5, &facts, NULL, NULL);
  ck_assert(ext_conn_has_work(x, H2_HEADERS, &facts));
  const uint8_t yes[] = {H2_SETTINGS, H2_ALTSVC, H2_ORIGIN, H2_PRIORITY_UPDATE, 0xff};
  for (size_t i = 0; i < sizeof yes; i++)
    ck_assert(ext_conn_has_work(x, yes[i], NULL));
  const uint8_t no[] = {H2_DATA, H2_HEADERS, H2_PRIORITY,      H2_RST_STREAM,  H2_PUSH_PROMISE,
                        H2_PING, H2_GOAWAY,  H2_WINDOW_UPDATE, H2_CONTINUATION};
  for (size_t i = 0; i < sizeof no; i++)
    ck_assert(!ext_conn_has_work(x, no[i], NULL));
  /* A WebSocket CONNECT: from then on every frame may concern it. */
  decoded_frame d = headers_frame(1, ws_request, 5);
  ck_assert_str_eq(run(x, C2S, &d), "extended-connect-invalid");
  d = data_frame(1, bytes, 3);
  ck_assert(ext_conn_has_work(x, H2_DATA, NULL));
  ck_assert(ext_conn_has_work(x, H2_RST_STREAM, NULL));
  ext_conn_free(x);
}
END_TEST

START_TEST(limits) {
  ext_config cfg = {.max_ws_streams = 2, .max_ws_per_frame = 3, .preview_max = 4};
  ext_conn *x = ext_conn_new(&cfg);
  uint8_t raw[6];
  h2_setting on = {H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1};
  decoded_frame s = settings_frame(&on, 1, raw);
  run(x, S2C, &s);
  for (uint32_t id = 1; id <= 5; id += 2) {
    decoded_frame d = headers_frame(id, ws_request, 5);
    run(x, C2S, &d);
  }
  /* Five masked empty pings in one DATA frame: 3 listed, 2 more. */
  uint8_t pings[30];
  for (int i = 0; i < 5; i++)
    memcpy(pings + 6 * i, "\x89\x80\x01\x02\x03\x04", 6);
  decoded_frame d = data_frame(1, pings, sizeof pings);
  run(x, C2S, &d);
  ck_assert_uint_eq(d.ws_count, 3);
  ck_assert_uint_eq(d.ws_more, 2);
  /* The third tunnel is beyond max_ws_streams: not followed. */
  d = data_frame(5, pings, 6);
  run(x, C2S, &d);
  ck_assert_uint_eq(d.ws_count, 0);
  /* Preview capped at 4 octets. */
  const uint8_t text[] = {0x81, 0x86, 0, 0, 0, 0, 'a', 'b', 'c', 'd', 'e', 'f'};
  d = data_frame(3, text, sizeof text);
  run(x, C2S, &d);
  ck_assert_uint_eq(d.ws_count, 1);
  ck_assert_uint_eq(d.ws[0].preview_len, 4);
  ck_assert(d.ws[0].preview_truncated);
  ext_conn_free(x);
}
END_TEST

START_TEST(priority_and_extension_frames) {
  ext_conn *x = ext_conn_new(NULL);
  const h2_header bad[] = {HDR(":method", "GET"), HDR(":scheme", "https"), HDR(":path", "/"),
                           HDR("priority", "u=1,")};
  decoded_frame d = headers_frame(1, bad, 4);
  ck_assert_str_eq(run(x, C2S, &d), "priority-field-invalid");
  const h2_header good[] = {HDR(":method", "GET"), HDR(":scheme", "https"), HDR(":path", "/"),
                            HDR("priority", "u=1, i")};
  d = headers_frame(3, good, 4);
  ck_assert_str_eq(run(x, C2S, &d), "");
  /* The facts only let a list without priority or :protocol pass unread:
   * without them the same notes come from a scan. */
  d = headers_frame(5, bad, 4);
  ck_assert_str_eq(run_facts(x, C2S, &d, false), "priority-field-invalid");
  const h2_header late[] = {HDR(":method", "GET"), HDR(":scheme", "https"), HDR(":path", "/"),
                            HDR("x-a", "1"), HDR("priority", "u=9")};
  d = headers_frame(7, late, 5);
  ck_assert_str_eq(run(x, C2S, &d), "priority-field-invalid");
  /* PRIORITY_UPDATE from a server (RFC 9218 §7.1). */
  uint8_t p[16];
  size_t n = h2_priority_update_encode(1, "u=0", 3, p, sizeof p);
  memset(&d, 0, sizeof d);
  d.frame.hd.type = H2_PRIORITY_UPDATE;
  d.frame.u.unknown.payload = p;
  d.frame.u.unknown.len = (uint32_t)n;
  ck_assert_str_eq(run(x, C2S, &d), "");
  ck_assert_str_eq(run(x, S2C, &d), "priority-update-invalid");
  /* ALTSVC from a client (RFC 7838 §4: servers ignore it). */
  h2_altsvc a = {(const uint8_t *)"https://a.example", 17, (const uint8_t *)"clear", 5};
  n = h2_altsvc_encode(&a, p, sizeof p);
  ck_assert_uint_eq(n, 0); /* 24 octets: too long for p */
  uint8_t q[32];
  n = h2_altsvc_encode(&a, q, sizeof q);
  d.frame.hd.type = H2_ALTSVC;
  d.frame.u.unknown.payload = q;
  d.frame.u.unknown.len = (uint32_t)n;
  ck_assert_str_eq(run(x, S2C, &d), "");
  ck_assert_str_eq(run(x, C2S, &d), "altsvc-invalid");
  ext_conn_free(x);
}
END_TEST

/* ---- the observer ---- */

typedef struct findings {
  char ids[512];
  int count;
} findings;

static void on_finding(void *user, const h2_finding *f) {
  findings *fs = user;
  if (strcmp(f->id, "settings-ack-missing") == 0) return;
  strcat(fs->ids, fs->count++ ? " " : "");
  strcat(fs->ids, f->id);
}

static void settings_to(h2_observer *o, int dir, uint16_t id, uint32_t value, bool with) {
  uint8_t raw[6];
  h2_setting s = {id, value};
  decoded_frame d = settings_frame(&s, with ? 1 : 0, raw);
  h2_observer_frame(o, dir, &d.frame, NULL, 0);
  h2_frame ack;
  memset(&ack, 0, sizeof ack);
  ack.hd.type = H2_SETTINGS;
  ack.hd.flags = H2_FLAG_ACK;
  h2_observer_frame(o, !dir, &ack, NULL, 0);
}

static h2_observer *observer(findings *fs) {
  memset(fs, 0, sizeof *fs);
  h2_observer_config cfg;
  memset(&cfg, 0, sizeof cfg);
  h2_observer_limits_default(&cfg.limits);
  cfg.on_finding = on_finding;
  cfg.user = fs;
  return h2_observer_new(&cfg);
}

START_TEST(observer_settings) {
  findings fs;
  /* Same value again: nothing. */
  h2_observer *o = observer(&fs);
  settings_to(o, 0, H2_SETTINGS_NO_RFC7540_PRIORITIES, 1, true);
  settings_to(o, 0, H2_SETTINGS_NO_RFC7540_PRIORITIES, 1, true);
  ck_assert_str_eq(fs.ids, "");
  /* 1 -> 0: reported once, against the sender. */
  settings_to(o, 0, H2_SETTINGS_NO_RFC7540_PRIORITIES, 0, true);
  settings_to(o, 0, H2_SETTINGS_NO_RFC7540_PRIORITIES, 1, true);
  ck_assert_str_eq(fs.ids, "priorities-setting-changed");
  h2_observer_free(o);
  /* Absent from the first SETTINGS counts as 0: a later 1 is a change, a 0 not. */
  o = observer(&fs);
  settings_to(o, 1, H2_SETTINGS_NO_RFC7540_PRIORITIES, 0, false);
  settings_to(o, 1, H2_SETTINGS_NO_RFC7540_PRIORITIES, 0, true);
  ck_assert_str_eq(fs.ids, "");
  settings_to(o, 1, H2_SETTINGS_NO_RFC7540_PRIORITIES, 1, true);
  ck_assert_str_eq(fs.ids, "priorities-setting-changed");
  h2_observer_free(o);
  /* ENABLE_CONNECT_PROTOCOL: 0 -> 1 fine, 1 -> 1 fine, 1 -> 0 reported. */
  o = observer(&fs);
  settings_to(o, 1, H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 0, true);
  settings_to(o, 1, H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1, true);
  settings_to(o, 1, H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1, true);
  ck_assert_str_eq(fs.ids, "");
  settings_to(o, 1, H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 0, true);
  ck_assert_str_eq(fs.ids, "connect-protocol-withdrawn");
  h2_observer_free(o);
  /* Both ids are in the catalogue with their sections. */
  const char *section;
  int i = h2_observer_rule_index("priorities-setting-changed");
  ck_assert_int_ge(i, 0);
  h2_observer_rule_at((size_t)i, NULL, NULL, &section, NULL);
  ck_assert_str_eq(section, "RFC 9218 §2.1");
  i = h2_observer_rule_index("connect-protocol-withdrawn");
  h2_observer_rule_at((size_t)i, NULL, NULL, &section, NULL);
  ck_assert_str_eq(section, "RFC 8441 §3");
}
END_TEST

static Suite *ext_suite(void) {
  Suite *s = suite_create("read_extensions");
  TCase *tc = tcase_create("rules");
  tcase_add_test(tc, extended_connect_rules);
  tcase_add_test(tc, websocket_tunnel);
  tcase_add_test(tc, has_work);
  tcase_add_test(tc, limits);
  tcase_add_test(tc, priority_and_extension_frames);
  tcase_add_test(tc, observer_settings);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(ext_suite());
}
