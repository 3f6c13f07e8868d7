/* test_session_rules.c — one name per rule across the project: when the live
 * session (a server here) resets a stream or closes the connection because the
 * peer broke a rule, its H2_EV_STREAM_ERROR / H2_EV_CONNECTION_ERROR event
 * carries the observer's finding id (observer_rules.c), and `h2scope read
 * --lint` on a capture of the very same bytes (the client's frames and the
 * session's answers, written with tests/support/pcap_write) reports that id. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command_output.h"
#include "commands.h"
#include "h2/observer.h"
#include "h2/session.h"
#include "h2/stream_state.h"
#include "pcap_write.h"
#include "run_suite.h"

enum { DATA = 0, HEADERS = 1, RST = 3, SETTINGS = 4, PING = 6, WU = 8, CONT = 9 };
enum { ES = 0x1, ACK = 0x1, EH = 0x4 };

/* GET / http, :authority "a.b" (static table only). */
static const uint8_t REQ[] = {0x82, 0x86, 0x84, 0x01, 0x03, 'a', '.', 'b'};
/* The same with an unknown pseudo-header ":foo: x" (§8.3). */
static const uint8_t REQ_BAD_PSEUDO[] = {0x82, 0x86, 0x84, 0x01, 0x03, 'a', '.',  'b',
                                         0x00, 0x04, ':',  'f',  'o',  'o', 0x01, 'x'};
static const h2_header RESPONSE[] = {{":status", 7, "200", 3, 0}};
static const uint8_t BODY[] = "ok";

/* A server session fed a client's bytes, with the conversation recorded as a
 * capture: every client chunk and every answer of the session, in order. */
typedef struct exchange {
  h2_session *s;
  char path[512];
  pw_file file;
  pw_conv conv;
  uint8_t out[1 << 16];
  const char *rule;   /* the first error event's finding id */
  const char *detail; /* ... and the session's own reason */
  uint8_t error_type; /* H2_EV_STREAM_ERROR / H2_EV_CONNECTION_ERROR, 0: none */
  uint32_t error_code; /* ... its RFC 9113 §7 code */
  h2_status status;    /* ... and the codec status behind it (H2_OK: a state rule) */
  bool respond;       /* answer complete requests with 200 "ok" */
} exchange;

static void take_events(exchange *x) {
  h2_event ev;
  while (h2_session_take_event(x->s, &ev)) {
    if ((ev.type == H2_EV_STREAM_ERROR || ev.type == H2_EV_CONNECTION_ERROR) && !x->error_type) {
      x->error_type = ev.type;
      x->rule = ev.rule;
      x->detail = ev.detail;
      x->error_code = ev.error_code;
      x->status = ev.status;
    }
    if (x->respond && ev.type == H2_EV_HEADERS && ev.end_stream) {
      ck_assert_int_eq(h2_session_send_headers(x->s, ev.stream_id, RESPONSE, 1, false, NULL),
                       H2_OK);
      ck_assert_int_eq(h2_session_send_data(x->s, ev.stream_id, BODY, 2, true), H2_OK);
    }
  }
}

/* Everything the session has to send, into the capture as server segments. */
static void drain(exchange *x) {
  for (;;) {
    take_events(x);
    size_t n = h2_session_output(x->s, x->out, sizeof x->out);
    if (!n) break;
    ck_assert(pw_conv_send(&x->conv, 1, x->out, n, 0));
  }
}

/* Client bytes: to the session and into the capture. */
static void client(exchange *x, const void *p, size_t n) {
  ck_assert(pw_conv_send(&x->conv, 0, p, n, 0));
  size_t used = h2_session_recv(x->s, p, n);
  ck_assert_uint_eq(used, n);
  drain(x);
}

static void frame(exchange *x, uint8_t type, uint8_t flags, uint32_t sid, const void *payload,
                  size_t len) {
  uint8_t buf[9 + 64];
  ck_assert_uint_le(len, 64);
  uint8_t hd[9] = {
      (uint8_t)(len >> 16), (uint8_t)(len >> 8),  (uint8_t)len,        type,        flags,
      (uint8_t)(sid >> 24), (uint8_t)(sid >> 16), (uint8_t)(sid >> 8), (uint8_t)sid};
  memcpy(buf, hd, 9);
  if (len) memcpy(buf + 9, payload, len);
  client(x, buf, 9 + len);
}

static void u32be(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* Session, capture, TCP handshake, preface, both SETTINGS and their ACKs. */
static void start_with(exchange *x, const char *name, bool manual_window_update) {
  memset(x, 0, sizeof *x);
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_SERVER);
  cfg.manual_window_update = manual_window_update;
  x->s = h2_session_new(&cfg);
  ck_assert_ptr_nonnull(x->s);
  pw_temp_path(name, x->path, sizeof x->path);
  ck_assert(pw_open_pcap(&x->file, x->path, PW_LINK_ETHERNET, 65535));
  pw_packet t;
  memset(&t, 0, sizeof t);
  t.linktype = PW_LINK_ETHERNET;
  t.ip_version = 4;
  t.src = "10.2.0.1";
  t.dst = "10.2.0.2";
  t.sport = 40002;
  t.dport = 8443;
  pw_conv_init(&x->conv, &x->file, &t, 100, 5000, 1700000000.0);
  x->conv.ts_step = 0.0001;
  ck_assert(pw_conv_handshake(&x->conv));
  drain(x); /* the server's SETTINGS */
  client(x, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
  frame(x, SETTINGS, 0, 0, NULL, 0);
  frame(x, SETTINGS, ACK, 0, NULL, 0);
  ck_assert_int_eq(x->error_type, 0);
}

static void start(exchange *x, const char *name) {
  start_with(x, name, false);
}

static char output[1 << 16];

/* `h2scope read --lint --json` on the capture; the finding ids, in order. */
static const char *lint_ids(exchange *x) {
  drain(x);
  ck_assert(pw_conv_fin(&x->conv, 0));
  ck_assert(pw_conv_fin(&x->conv, 1));
  ck_assert(pw_close(&x->file));
  h2_session_free(x->s);
  x->s = NULL;
  char *argv[] = {"read", "--lint", "--json", x->path};
  command_output(cmd_read, 4, argv, "session-rules-out.txt", output, sizeof output);
  static char list[1024];
  size_t len = 0;
  list[0] = '\0';
  for (const char *p = output; (p = strstr(p, "\"lint\":\"")) != NULL;) {
    p += 8;
    const char *q = strchr(p, '"');
    if (!q) break;
    int k = snprintf(list + len, sizeof list - len, "%s%.*s", len ? " " : "", (int)(q - p), p);
    if (k < 0 || (size_t)k >= sizeof list - len) break;
    len += (size_t)k;
    p = q;
  }
  return list;
}

/* The session's verdict, then the linter's on the same bytes. */
static void expect(exchange *x, uint8_t type, const char *rule, const char *detail,
                   const char *lint) {
  take_events(x);
  ck_assert_int_eq(x->error_type, type);
  ck_assert_ptr_nonnull(x->rule);
  ck_assert_str_eq(x->rule, rule);
  ck_assert_str_eq(x->detail, detail);
  /* the pointer is the catalogue's own */
  ck_assert_ptr_eq(x->rule, h2_observer_rule_id(rule));
  /* the code on the wire is the catalogue's, unless the codec's status (a
   * malformed frame) named a more specific one */
  if (x->status == H2_OK)
    ck_assert_uint_eq(x->error_code, h2_observer_rule_code((size_t)h2_observer_rule_index(rule)));
  const char *ids = lint_ids(x);
  ck_assert_msg(!strcmp(ids, lint), "lint ids '%s', want '%s'\n%s", ids, lint, output);
}

START_TEST(data_on_idle_stream) {
  exchange x;
  start(&x, "rules-data-idle.pcap");
  frame(&x, DATA, 0, 1, "hi", 2);
  expect(&x, H2_EV_CONNECTION_ERROR, "data-on-idle", "data-on-idle", "data-on-idle");
}
END_TEST

START_TEST(window_update_overflow) {
  exchange x;
  start(&x, "rules-wu-overflow.pcap");
  frame(&x, HEADERS, EH | ES, 1, REQ, sizeof REQ);
  uint8_t inc[4];
  u32be(inc, 0x7fffffff);
  frame(&x, WU, 0, 1, inc, 4);
  expect(&x, H2_EV_STREAM_ERROR, "window-overflow", "window-overflow", "window-overflow");
}
END_TEST

START_TEST(connection_window_update_overflow) {
  exchange x;
  start(&x, "rules-conn-wu-overflow.pcap");
  uint8_t inc[4];
  u32be(inc, 0x7fffffff);
  frame(&x, WU, 0, 0, inc, 4);
  expect(&x, H2_EV_CONNECTION_ERROR, "window-overflow", "window-overflow", "window-overflow");
}
END_TEST

START_TEST(data_on_closed_stream) {
  exchange x;
  start(&x, "rules-data-closed.pcap");
  x.respond = true;
  frame(&x, HEADERS, EH | ES, 1, REQ, sizeof REQ);
  ck_assert_int_eq(h2_session_stream_state(x.s, 1), H2_SS_CLOSED);
  frame(&x, DATA, 0, 1, "late", 4);
  expect(&x, H2_EV_CONNECTION_ERROR, "data-on-closed", "data-on-closed", "data-on-closed");
}
END_TEST

START_TEST(data_after_end_stream) {
  exchange x;
  start(&x, "rules-data-half-closed.pcap");
  frame(&x, HEADERS, EH | ES, 1, REQ, sizeof REQ);
  frame(&x, DATA, 0, 1, "more", 4);
  expect(&x, H2_EV_STREAM_ERROR, "data-on-half-closed-remote", "data-on-half-closed-remote",
         "data-on-half-closed-remote");
}
END_TEST

START_TEST(continuation_interleaved) {
  exchange x;
  start(&x, "rules-continuation.pcap");
  frame(&x, HEADERS, 0, 1, REQ, 4); /* no END_HEADERS: a CONTINUATION must follow (§6.10) */
  frame(&x, PING, 0, 0, "12345678", 8);
  expect(&x, H2_EV_CONNECTION_ERROR, "continuation-interleaved", "continuation-expected",
         "continuation-interleaved");
}
END_TEST

START_TEST(unknown_pseudo_header) {
  exchange x;
  start(&x, "rules-pseudo.pcap");
  frame(&x, HEADERS, EH | ES, 1, REQ_BAD_PSEUDO, sizeof REQ_BAD_PSEUDO);
  expect(&x, H2_EV_STREAM_ERROR, "pseudo-header-invalid", "unknown-pseudo-header",
         "pseudo-header-invalid");
}
END_TEST

START_TEST(stream_window_overrun) {
  exchange x;
  /* A client that sends more DATA than the stream window: the server's
   * initial window is 65535, so 65536 octets overrun it (§6.9.1). */
  start_with(&x, "rules-overrun.pcap", true); /* no automatic WINDOW_UPDATE */
  frame(&x, HEADERS, EH, 1, REQ, sizeof REQ);
  static uint8_t chunk[9 + 16384];
  memset(chunk, 'x', sizeof chunk);
  for (int i = 0; i < 4; i++) {
    uint32_t len = i < 3 ? 16384 : 16383; /* 65535 in all: the whole window */
    uint8_t hd[9] = {(uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len, DATA, 0, 0, 0, 0, 1};
    memcpy(chunk, hd, 9);
    client(&x, chunk, 9 + len);
  }
  ck_assert_int_eq(x.error_type, 0);
  frame(&x, DATA, 0, 1, "y", 1);
  expect(&x, H2_EV_STREAM_ERROR, "flow-control-overrun", "stream-window-exceeded",
         "flow-control-overrun");
}
END_TEST

START_TEST(stream_id_going_backwards) {
  exchange x;
  start(&x, "rules-stream-order.pcap");
  frame(&x, HEADERS, EH, 5, REQ, sizeof REQ);
  frame(&x, HEADERS, EH, 3, REQ, sizeof REQ); /* 3 < 5: never opened, yet not new (§5.1.1) */
  expect(&x, H2_EV_CONNECTION_ERROR, "stream-id-order", "stream-id-not-increasing",
         "stream-id-order");
}
END_TEST

/* Every receive-side rule of the stream-state table is a catalogue id. */
START_TEST(stream_state_rules_are_catalogued) {
  for (uint8_t st = 0; st < H2_SS_COUNT; st++) {
    for (uint8_t ev = 0; ev < H2_STREAM_EVENT_COUNT; ev++) {
      const h2_stream_transition *t = h2_stream_transition_get(st, H2_STREAM_RECV, ev);
      ck_assert_ptr_nonnull(t);
      if (t->verdict != H2_STREAM_ERROR && t->verdict != H2_STREAM_CONNECTION_ERROR) continue;
      ck_assert_msg(h2_observer_rule_id(t->rule) != NULL, "%s not in the catalogue", t->rule);
      ck_assert_str_eq(h2_observer_rule_id(t->rule), t->rule);
    }
  }
  /* Aliases and statuses resolve; unknown names do not. */
  ck_assert_str_eq(h2_observer_rule_id("reset-flood"), "reset-flood");
  ck_assert_ptr_null(h2_observer_rule_id("rst-flood")); /* renamed: the session says reset-flood */
  ck_assert_str_eq(h2_observer_rule_id("priority-flood"), "resource-loop");
  ck_assert_str_eq(h2_observer_rule_id("stream-id-not-increasing"), "stream-id-order");
  ck_assert_str_eq(h2_observer_rule_id("unknown-pseudo-header"), "pseudo-header-invalid");
  ck_assert_ptr_null(h2_observer_rule_id("unknown-pseudo")); /* read's old note id */
  ck_assert_ptr_null(h2_observer_rule_id("no-stream-slot"));
  ck_assert_ptr_null(h2_observer_rule_id("pseudo"));
  ck_assert_ptr_null(h2_observer_rule_id(NULL));
  ck_assert_str_eq(h2_observer_rule_for_status(H2_E_HPACK_HUFFMAN), "hpack-error");
  ck_assert_str_eq(h2_observer_rule_for_status(H2_E_FRAME_TOO_LARGE), "frame-too-large");
  ck_assert_str_eq(h2_observer_rule_for_status(H2_E_WINDOW_UPDATE_ZERO), "frame-invalid");
  ck_assert_ptr_null(h2_observer_rule_for_status(H2_OK));
  ck_assert_ptr_null(h2_observer_rule_for_status(H2_E_NO_MEMORY));
}
END_TEST

static Suite *session_rules_suite(void) {
  Suite *s = suite_create("session_rules");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, data_on_idle_stream);
  tcase_add_test(tc, window_update_overflow);
  tcase_add_test(tc, connection_window_update_overflow);
  tcase_add_test(tc, data_on_closed_stream);
  tcase_add_test(tc, data_after_end_stream);
  tcase_add_test(tc, continuation_interleaved);
  tcase_add_test(tc, unknown_pseudo_header);
  tcase_add_test(tc, stream_window_overrun);
  tcase_add_test(tc, stream_id_going_backwards);
  tcase_add_test(tc, stream_state_rules_are_catalogued);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(session_rules_suite());
}
