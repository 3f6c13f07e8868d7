/* test_session_core.c — the sans-I/O session driven with byte buffers:
 * stream state table (§5.1), handshake and SETTINGS/ACK (§3.4, §6.5), PING
 * (§6.7), flow control incl. negative windows and overflow (§6.9), the
 * concurrency limit (§5.1.2), GOAWAY (§6.8), Upgrade (RFC 7540 §3.2), flood
 * limits (§10.5) and a client and a server session talking to each other. */
#include "run_suite.h"
#include "session_harness.h"

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static void settings1(harness *h, uint16_t id, uint32_t v) {
  uint8_t p[6] = {(uint8_t)(id >> 8), (uint8_t)id};
  put32(p + 2, v);
  hs_frame_send(h, H2_SETTINGS, 0, 0, p, 6);
}

static void window_update(harness *h, uint32_t sid, uint32_t inc) {
  uint8_t p[4];
  put32(p, inc);
  hs_frame_send(h, H2_WINDOW_UPDATE, 0, sid, p, 4);
}

static harness *new_server(h2_session_config *cfg_or_null) {
  static harness h;
  h2_session_config cfg;
  if (cfg_or_null)
    cfg = *cfg_or_null;
  else
    hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.now_ms = hs_clock;
  hs_start(&h, &cfg);
  h.auto_respond = true;
  hs_drain(&h);
  hs_client_handshake(&h);
  hs_clear(&h);
  return &h;
}

/* ---- the §5.1 table ---- */

START_TEST(state_table_complete) {
  for (uint8_t s = 0; s < H2_SS_COUNT; s++)
    for (uint8_t d = 0; d < 2; d++)
      for (uint8_t e = 0; e < H2_STREAM_EVENT_COUNT; e++) {
        const h2_stream_transition *t = h2_stream_transition_get(s, d, e);
        ck_assert_ptr_nonnull(t);
        ck_assert_uint_lt(t->next, H2_SS_COUNT);
        if (t->verdict == H2_STREAM_ERROR || t->verdict == H2_STREAM_CONNECTION_ERROR) {
          ck_assert_uint_ne(t->code, 0);
          ck_assert_ptr_nonnull(t->rule);
          ck_assert_uint_eq(t->next, s);
        }
        /* PRIORITY is allowed in every state, both ways (§5.1) */
        if (e == H2_STREAM_EV_PRIORITY) {
          ck_assert_int_eq(t->verdict, H2_STREAM_OK);
          ck_assert_uint_eq(t->next, s);
        }
        /* receiving never yields NOT_SENDABLE; sending never an error code */
        if (d == H2_STREAM_RECV)
          ck_assert_int_ne(t->verdict, H2_STREAM_NOT_SENDABLE);
        else
          ck_assert(t->verdict == H2_STREAM_OK || t->verdict == H2_STREAM_NOT_SENDABLE);
      }
  ck_assert_ptr_null(h2_stream_transition_get(H2_SS_COUNT, 0, 0));
  ck_assert_ptr_null(h2_stream_transition_get(0, 2, 0));
  ck_assert_str_eq(h2_stream_state_name(H2_SS_HALF_CLOSED_REMOTE), "half-closed (remote)");
}
END_TEST

typedef struct tcase_row {
  uint8_t state, dir, event, next, verdict;
  uint32_t code;
} tcase_row;

/* The arrows of the §5.1 diagram, and the error rules of the state texts. */
static const tcase_row rows[] = {
    {H2_SS_IDLE, H2_STREAM_SEND, H2_STREAM_EV_HEADERS, H2_SS_OPEN, H2_STREAM_OK, 0},
    {H2_SS_IDLE, H2_STREAM_RECV, H2_STREAM_EV_HEADERS, H2_SS_OPEN, H2_STREAM_OK, 0},
    {H2_SS_IDLE, H2_STREAM_SEND, H2_STREAM_EV_HEADERS_END_STREAM, H2_SS_HALF_CLOSED_LOCAL,
     H2_STREAM_OK, 0},
    {H2_SS_IDLE, H2_STREAM_RECV, H2_STREAM_EV_HEADERS_END_STREAM, H2_SS_HALF_CLOSED_REMOTE,
     H2_STREAM_OK, 0},
    {H2_SS_IDLE, H2_STREAM_SEND, H2_STREAM_EV_PUSH_PROMISE, H2_SS_RESERVED_LOCAL, H2_STREAM_OK, 0},
    {H2_SS_IDLE, H2_STREAM_RECV, H2_STREAM_EV_PUSH_PROMISE, H2_SS_RESERVED_REMOTE, H2_STREAM_OK, 0},
    {H2_SS_IDLE, H2_STREAM_RECV, H2_STREAM_EV_DATA, H2_SS_IDLE, H2_STREAM_CONNECTION_ERROR,
     H2_PROTOCOL_ERROR},
    {H2_SS_IDLE, H2_STREAM_RECV, H2_STREAM_EV_RST_STREAM, H2_SS_IDLE, H2_STREAM_CONNECTION_ERROR,
     H2_PROTOCOL_ERROR},
    {H2_SS_IDLE, H2_STREAM_RECV, H2_STREAM_EV_WINDOW_UPDATE, H2_SS_IDLE, H2_STREAM_CONNECTION_ERROR,
     H2_PROTOCOL_ERROR},
    {H2_SS_IDLE, H2_STREAM_SEND, H2_STREAM_EV_DATA, H2_SS_IDLE, H2_STREAM_NOT_SENDABLE, 0},
    {H2_SS_RESERVED_LOCAL, H2_STREAM_SEND, H2_STREAM_EV_HEADERS, H2_SS_HALF_CLOSED_REMOTE,
     H2_STREAM_OK, 0},
    {H2_SS_RESERVED_LOCAL, H2_STREAM_SEND, H2_STREAM_EV_RST_STREAM, H2_SS_CLOSED, H2_STREAM_OK, 0},
    {H2_SS_RESERVED_LOCAL, H2_STREAM_RECV, H2_STREAM_EV_RST_STREAM, H2_SS_CLOSED, H2_STREAM_OK, 0},
    {H2_SS_RESERVED_LOCAL, H2_STREAM_RECV, H2_STREAM_EV_WINDOW_UPDATE, H2_SS_RESERVED_LOCAL,
     H2_STREAM_OK, 0},
    {H2_SS_RESERVED_LOCAL, H2_STREAM_RECV, H2_STREAM_EV_DATA, H2_SS_RESERVED_LOCAL,
     H2_STREAM_CONNECTION_ERROR, H2_PROTOCOL_ERROR},
    {H2_SS_RESERVED_LOCAL, H2_STREAM_SEND, H2_STREAM_EV_DATA, H2_SS_RESERVED_LOCAL,
     H2_STREAM_NOT_SENDABLE, 0},
    {H2_SS_RESERVED_REMOTE, H2_STREAM_RECV, H2_STREAM_EV_HEADERS, H2_SS_HALF_CLOSED_LOCAL,
     H2_STREAM_OK, 0},
    {H2_SS_RESERVED_REMOTE, H2_STREAM_SEND, H2_STREAM_EV_RST_STREAM, H2_SS_CLOSED_RESET_LOCAL,
     H2_STREAM_OK, 0},
    {H2_SS_RESERVED_REMOTE, H2_STREAM_RECV, H2_STREAM_EV_RST_STREAM, H2_SS_CLOSED, H2_STREAM_OK, 0},
    {H2_SS_RESERVED_REMOTE, H2_STREAM_SEND, H2_STREAM_EV_WINDOW_UPDATE, H2_SS_RESERVED_REMOTE,
     H2_STREAM_OK, 0},
    {H2_SS_RESERVED_REMOTE, H2_STREAM_RECV, H2_STREAM_EV_DATA, H2_SS_RESERVED_REMOTE,
     H2_STREAM_CONNECTION_ERROR, H2_PROTOCOL_ERROR},
    {H2_SS_RESERVED_REMOTE, H2_STREAM_RECV, H2_STREAM_EV_WINDOW_UPDATE, H2_SS_RESERVED_REMOTE,
     H2_STREAM_CONNECTION_ERROR, H2_PROTOCOL_ERROR},
    {H2_SS_OPEN, H2_STREAM_SEND, H2_STREAM_EV_DATA_END_STREAM, H2_SS_HALF_CLOSED_LOCAL,
     H2_STREAM_OK, 0},
    {H2_SS_OPEN, H2_STREAM_RECV, H2_STREAM_EV_DATA_END_STREAM, H2_SS_HALF_CLOSED_REMOTE,
     H2_STREAM_OK, 0},
    {H2_SS_OPEN, H2_STREAM_SEND, H2_STREAM_EV_RST_STREAM, H2_SS_CLOSED_RESET_LOCAL, H2_STREAM_OK,
     0},
    {H2_SS_OPEN, H2_STREAM_RECV, H2_STREAM_EV_RST_STREAM, H2_SS_CLOSED, H2_STREAM_OK, 0},
    {H2_SS_OPEN, H2_STREAM_RECV, H2_STREAM_EV_DATA, H2_SS_OPEN, H2_STREAM_OK, 0},
    {H2_SS_HALF_CLOSED_LOCAL, H2_STREAM_RECV, H2_STREAM_EV_HEADERS_END_STREAM, H2_SS_CLOSED,
     H2_STREAM_OK, 0},
    {H2_SS_HALF_CLOSED_LOCAL, H2_STREAM_RECV, H2_STREAM_EV_DATA_END_STREAM, H2_SS_CLOSED,
     H2_STREAM_OK, 0},
    {H2_SS_HALF_CLOSED_LOCAL, H2_STREAM_SEND, H2_STREAM_EV_DATA, H2_SS_HALF_CLOSED_LOCAL,
     H2_STREAM_NOT_SENDABLE, 0},
    {H2_SS_HALF_CLOSED_LOCAL, H2_STREAM_SEND, H2_STREAM_EV_WINDOW_UPDATE, H2_SS_HALF_CLOSED_LOCAL,
     H2_STREAM_OK, 0},
    {H2_SS_HALF_CLOSED_REMOTE, H2_STREAM_SEND, H2_STREAM_EV_DATA_END_STREAM, H2_SS_CLOSED,
     H2_STREAM_OK, 0},
    {H2_SS_HALF_CLOSED_REMOTE, H2_STREAM_RECV, H2_STREAM_EV_DATA, H2_SS_HALF_CLOSED_REMOTE,
     H2_STREAM_ERROR, H2_STREAM_CLOSED},
    {H2_SS_HALF_CLOSED_REMOTE, H2_STREAM_RECV, H2_STREAM_EV_HEADERS, H2_SS_HALF_CLOSED_REMOTE,
     H2_STREAM_ERROR, H2_STREAM_CLOSED},
    {H2_SS_HALF_CLOSED_REMOTE, H2_STREAM_RECV, H2_STREAM_EV_WINDOW_UPDATE, H2_SS_HALF_CLOSED_REMOTE,
     H2_STREAM_OK, 0},
    {H2_SS_HALF_CLOSED_REMOTE, H2_STREAM_RECV, H2_STREAM_EV_RST_STREAM, H2_SS_CLOSED, H2_STREAM_OK,
     0},
    {H2_SS_CLOSED, H2_STREAM_RECV, H2_STREAM_EV_DATA, H2_SS_CLOSED, H2_STREAM_CONNECTION_ERROR,
     H2_STREAM_CLOSED},
    {H2_SS_CLOSED, H2_STREAM_RECV, H2_STREAM_EV_WINDOW_UPDATE, H2_SS_CLOSED, H2_STREAM_IGNORE, 0},
    {H2_SS_CLOSED, H2_STREAM_RECV, H2_STREAM_EV_RST_STREAM, H2_SS_CLOSED, H2_STREAM_IGNORE, 0},
    {H2_SS_CLOSED, H2_STREAM_SEND, H2_STREAM_EV_DATA, H2_SS_CLOSED, H2_STREAM_NOT_SENDABLE, 0},
    {H2_SS_CLOSED_RESET_LOCAL, H2_STREAM_RECV, H2_STREAM_EV_DATA, H2_SS_CLOSED_RESET_LOCAL,
     H2_STREAM_IGNORE, 0},
    {H2_SS_CLOSED_RESET_LOCAL, H2_STREAM_RECV, H2_STREAM_EV_HEADERS, H2_SS_CLOSED_RESET_LOCAL,
     H2_STREAM_IGNORE, 0},
};

START_TEST(state_table_rows) {
  const tcase_row *r = &rows[_i];
  const h2_stream_transition *t = h2_stream_transition_get(r->state, r->dir, r->event);
  ck_assert_msg(t->verdict == r->verdict && t->next == r->next && t->code == r->code,
                "%s %s %s: got verdict %d next %s code %u", h2_stream_state_name(r->state),
                r->dir ? "recv" : "send", h2_stream_event_name(r->event), t->verdict,
                h2_stream_state_name(t->next), t->code);
}
END_TEST

/* ---- handshake, SETTINGS, PING ---- */

START_TEST(server_handshake) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  hs_start(&h, &cfg);
  hs_drain(&h);
  /* §3.4: SETTINGS first; then our connection window raise */
  ck_assert_uint_eq(h.nframes, 2);
  ck_assert_uint_eq(h.frames[0].hd.type, H2_SETTINGS);
  ck_assert_uint_eq(h.frames[0].hd.flags, 0);
  ck_assert_uint_eq(h.frames[1].hd.type, H2_WINDOW_UPDATE);
  ck_assert_uint_eq(h.frames[1].increment, (16u << 20) - 65535);
  hs_clear(&h);
  hs_feed(&h, (const uint8_t *)H2_PREFACE, H2_PREFACE_LEN);
  ck_assert_uint_eq(h.nframes, 0);
  settings1(&h, H2_SETTINGS_MAX_FRAME_SIZE, 32768);
  ck_assert_uint_eq(h.nframes, 1);
  ck_assert_uint_eq(h.frames[0].hd.type, H2_SETTINGS);
  ck_assert_uint_eq(h.frames[0].hd.flags, H2_FLAG_ACK);
  ck_assert_ptr_nonnull(hs_event(&h, H2_EV_SETTINGS, 0));
  ck_assert_uint_eq(h2_session_peer_setting(h.s, H2_SETTINGS_MAX_FRAME_SIZE), 32768);
  hs_clear(&h);
  hs_frame_send(&h, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
  ck_assert_ptr_nonnull(hs_event(&h, H2_EV_SETTINGS_ACK, 0));
  ck_assert_uint_eq(h.nframes, 0);
  hs_stop(&h);
}
END_TEST

START_TEST(ping_answered) {
  harness *h = new_server(NULL);
  const uint8_t op[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  hs_frame_send(h, H2_PING, 0, 0, op, 8);
  ck_assert_uint_eq(h->nframes, 1);
  ck_assert_uint_eq(h->frames[0].hd.type, H2_PING);
  ck_assert_uint_eq(h->frames[0].hd.flags, H2_FLAG_ACK);
  ck_assert_mem_eq(h->out == NULL ? op : op, op, 8);
  const h2_event *ev = hs_event(h, H2_EV_PING, 0);
  ck_assert_ptr_nonnull(ev);
  ck_assert_mem_eq(ev->opaque, op, 8);
  /* a PING ACK is not answered */
  hs_clear(h);
  hs_frame_send(h, H2_PING, H2_FLAG_ACK, 0, op, 8);
  ck_assert_uint_eq(h->nframes, 0);
  ck_assert_ptr_nonnull(hs_event(h, H2_EV_PING_ACK, 0));
  hs_stop(h);
}
END_TEST

START_TEST(simple_request) {
  harness *h = new_server(NULL);
  hs_headers(h, 1, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, hs_get);
  const h2_event *ev = hs_event(h, H2_EV_HEADERS, 1);
  ck_assert_ptr_nonnull(ev);
  ck_assert(ev->end_stream);
  ck_assert_uint_eq(ev->header_count, 4);
  ck_assert_str_eq(ev->headers[0].name, ":method");
  ck_assert_str_eq(ev->headers[0].value, "GET");
  ck_assert_str_eq(ev->headers[3].value, "localhost");
  ck_assert_uint_eq(h->nframes, 2);
  ck_assert_uint_eq(h->frames[0].hd.type, H2_HEADERS);
  ck_assert_str_eq(h->frames[0].status, "200");
  ck_assert_uint_eq(h->frames[1].hd.type, H2_DATA);
  ck_assert_uint_eq(h->frames[1].data_len, 2);
  ck_assert_uint_eq(h->frames[1].hd.flags, H2_FLAG_END_STREAM);
  ck_assert_int_eq(h2_session_stream_state(h->s, 1), H2_SS_CLOSED);
  ck_assert_ptr_nonnull(hs_event(h, H2_EV_STREAM_CLOSED, 1));
  ck_assert_ptr_nonnull(hs_event(h, H2_EV_DATA_SENT, 1));
  ck_assert_uint_eq(h2_session_open_streams(h->s, true), 0);
  hs_stop(h);
}
END_TEST

START_TEST(request_with_body_and_continuation) {
  harness *h = new_server(NULL);
  uint8_t block[512];
  size_t n = hs_block(h, hs_post, block, sizeof block);
  hs_frame_send(h, H2_HEADERS, 0, 1, block, 5);
  ck_assert_uint_eq(h->nevents, 0);
  hs_frame_send(h, H2_CONTINUATION, 0, 1, block + 5, 3);
  hs_frame_send(h, H2_CONTINUATION, H2_FLAG_END_HEADERS, 1, block + 8, n - 8);
  const h2_event *ev = hs_event(h, H2_EV_HEADERS, 1);
  ck_assert_ptr_nonnull(ev);
  ck_assert(!ev->end_stream);
  ck_assert_int_eq(h2_session_stream_state(h->s, 1), H2_SS_OPEN);
  hs_frame_send(h, H2_DATA, 0, 1, "abc", 3);
  const h2_event *d = hs_event(h, H2_EV_DATA, 1);
  ck_assert_uint_eq(d->len, 3);
  ck_assert_mem_eq(d->data, "abc", 3);
  ck_assert(!d->end_stream);
  hs_clear(h); /* event data lives until the next recv */
  hs_frame_send(h, H2_DATA, H2_FLAG_END_STREAM, 1, "de", 2);
  d = hs_event(h, H2_EV_DATA, 1);
  ck_assert_uint_eq(d->len, 2);
  ck_assert_mem_eq(d->data, "de", 2);
  ck_assert(d->end_stream);
  ck_assert_ptr_nonnull(hs_find(h, H2_HEADERS, 1));
  hs_stop(h);
}
END_TEST

/* ---- flow control ---- */

START_TEST(data_waits_for_window_and_negative_window) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  hs_start(&h, &cfg);
  hs_drain(&h);
  hs_feed(&h, (const uint8_t *)H2_PREFACE, H2_PREFACE_LEN);
  settings1(&h, H2_SETTINGS_INITIAL_WINDOW_SIZE, 10);
  hs_headers(&h, 1, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, hs_get);
  static uint8_t body[100];
  memset(body, 'x', sizeof body);
  ck_assert_int_eq(h2_session_send_headers(h.s, 1, hs_response, 1, false, NULL), H2_OK);
  ck_assert_int_eq(h2_session_send_data(h.s, 1, body, sizeof body, true), H2_OK);
  hs_clear(&h);
  hs_drain(&h);
  ck_assert_uint_eq(h.nframes, 2);
  ck_assert_uint_eq(h.frames[1].data_len, 10);
  ck_assert_int_eq(h2_session_send_window(h.s, 1), 0);
  /* §6.9.2: lowering SETTINGS_INITIAL_WINDOW_SIZE can make a window negative */
  hs_clear(&h);
  settings1(&h, H2_SETTINGS_INITIAL_WINDOW_SIZE, 4);
  ck_assert_int_eq(h2_session_send_window(h.s, 1), -6);
  ck_assert_ptr_null(hs_find(&h, H2_DATA, 1));
  window_update(&h, 1, 6);
  ck_assert_int_eq(h2_session_send_window(h.s, 1), 0);
  ck_assert_ptr_null(hs_find(&h, H2_DATA, 1));
  window_update(&h, 1, 30);
  const hs_frame *d = hs_find(&h, H2_DATA, 1);
  ck_assert_ptr_nonnull(d);
  ck_assert_uint_eq(d->data_len, 30);
  ck_assert_uint_eq(d->hd.flags, 0);
  /* raising it again sends the rest, with END_STREAM */
  hs_clear(&h);
  settings1(&h, H2_SETTINGS_INITIAL_WINDOW_SIZE, 100);
  d = hs_find(&h, H2_DATA, 1);
  ck_assert_ptr_nonnull(d);
  ck_assert_uint_eq(d->data_len, 60);
  ck_assert_uint_eq(d->hd.flags, H2_FLAG_END_STREAM);
  ck_assert_int_eq(h2_session_stream_state(h.s, 1), H2_SS_CLOSED);
  hs_stop(&h);
}
END_TEST

START_TEST(connection_window_limits_data) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  hs_start(&h, &cfg);
  hs_drain(&h);
  hs_feed(&h, (const uint8_t *)H2_PREFACE, H2_PREFACE_LEN);
  settings1(&h, H2_SETTINGS_INITIAL_WINDOW_SIZE, 1u << 20);
  hs_headers(&h, 1, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, hs_get);
  static uint8_t body[100000];
  ck_assert_int_eq(h2_session_send_headers(h.s, 1, hs_response, 1, false, NULL), H2_OK);
  ck_assert_int_eq(h2_session_send_data(h.s, 1, body, sizeof body, true), H2_OK);
  hs_clear(&h);
  hs_drain(&h);
  size_t sent = 0;
  for (size_t i = 0; i < h.nframes; i++) {
    if (h.frames[i].hd.type == H2_DATA) {
      sent += h.frames[i].data_len;
      ck_assert_uint_le(h.frames[i].data_len, 16384); /* peer's MAX_FRAME_SIZE */
    }
  }
  ck_assert_uint_eq(sent, 65535); /* the connection window (§6.9.2: only SETTINGS moves streams) */
  ck_assert_int_eq(h2_session_send_window(h.s, 0), 0);
  hs_clear(&h);
  window_update(&h, 0, 100000 - 65535);
  sent = 0;
  for (size_t i = 0; i < h.nframes; i++)
    if (h.frames[i].hd.type == H2_DATA) sent += h.frames[i].data_len;
  ck_assert_uint_eq(sent, 100000 - 65535);
  hs_stop(&h);
}
END_TEST

START_TEST(window_overflow_stream) {
  harness *h = new_server(NULL);
  hs_headers(h, 1, H2_FLAG_END_HEADERS, hs_post);
  window_update(h, 1, H2_MAX_WINDOW_SIZE);
  hs_expect_rst(h, 1, H2_FLOW_CONTROL_ERROR);
  hs_stop(h);
}
END_TEST

START_TEST(window_overflow_connection) {
  harness *h = new_server(NULL);
  window_update(h, 0, H2_MAX_WINDOW_SIZE);
  hs_expect_goaway(h, H2_FLOW_CONTROL_ERROR);
  const h2_event *ev = hs_event(h, H2_EV_CONNECTION_ERROR, 0);
  ck_assert_ptr_nonnull(ev);
  ck_assert_str_eq(ev->section, "RFC 9113 §6.9.1");
  hs_stop(h);
}
END_TEST

START_TEST(initial_window_overflow) {
  harness *h = new_server(NULL);
  hs_headers(h, 1, H2_FLAG_END_HEADERS, hs_post);
  window_update(h, 1, H2_MAX_WINDOW_SIZE - 65535);
  ck_assert_int_eq(h2_session_send_window(h->s, 1), H2_MAX_WINDOW_SIZE);
  settings1(h, H2_SETTINGS_INITIAL_WINDOW_SIZE, 65536);
  hs_expect_goaway(h, H2_FLOW_CONTROL_ERROR);
  hs_stop(h);
}
END_TEST

START_TEST(receive_window_enforced) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.initial_window_size = 100;
  hs_start(&h, &cfg);
  h.auto_respond = true;
  hs_drain(&h);
  hs_client_handshake(&h); /* ACKs our SETTINGS: the 100-byte window is in force */
  ck_assert_ptr_nonnull(hs_event(&h, H2_EV_SETTINGS_ACK, 0));
  hs_headers(&h, 1, H2_FLAG_END_HEADERS, hs_post);
  ck_assert_int_eq(h2_session_recv_window(h.s, 1), 100);
  static uint8_t big[101];
  hs_clear(&h);
  hs_frame_send(&h, H2_DATA, 0, 1, big, 100);
  ck_assert_ptr_null(hs_find(&h, H2_RST_STREAM, 1));
  /* auto WINDOW_UPDATE once half the window was used */
  const hs_frame *wu = hs_find(&h, H2_WINDOW_UPDATE, 1);
  ck_assert_ptr_nonnull(wu);
  ck_assert_uint_eq(wu->increment, 100);
  hs_clear(&h);
  hs_frame_send(&h, H2_DATA, 0, 1, big, 101);
  hs_expect_rst(&h, 1, H2_FLOW_CONTROL_ERROR);
  hs_stop(&h);
}
END_TEST

START_TEST(connection_receive_window_enforced) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.connection_window = 65535;
  cfg.manual_window_update = true;
  cfg.initial_window_size = 1u << 20;
  hs_start_server(&h, &cfg);
  hs_headers(&h, 1, H2_FLAG_END_HEADERS, hs_post);
  static uint8_t big[16384];
  for (int i = 0; i < 3; i++)
    hs_frame_send(&h, H2_DATA, 0, 1, big, sizeof big);
  ck_assert_ptr_null(hs_find(&h, H2_GOAWAY, 0));
  ck_assert_ptr_null(hs_find(&h, H2_WINDOW_UPDATE, UINT32_MAX)); /* manual mode */
  hs_frame_send(&h, H2_DATA, 0, 1, big, 16384);                  /* 65536 > 65535 */
  hs_expect_goaway(&h, H2_FLOW_CONTROL_ERROR);
  hs_stop(&h);
}
END_TEST

/* ---- concurrency, GOAWAY ---- */

START_TEST(concurrency_limit) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.max_concurrent_streams = 2;
  hs_start_server(&h, &cfg);
  hs_headers(&h, 1, H2_FLAG_END_HEADERS, hs_post);
  hs_headers(&h, 3, H2_FLAG_END_HEADERS, hs_post);
  ck_assert_uint_eq(h2_session_open_streams(h.s, true), 2);
  hs_clear(&h);
  hs_headers(&h, 5, H2_FLAG_END_HEADERS, hs_post);
  hs_expect_rst(&h, 5, H2_REFUSED_STREAM); /* §5.1.2 */
  ck_assert_uint_eq(h2_session_open_streams(h.s, true), 2);
  /* closing one makes room */
  hs_frame_send(&h, H2_RST_STREAM, 0, 1, "\0\0\0\x08", 4);
  hs_clear(&h);
  hs_headers(&h, 7, H2_FLAG_END_HEADERS, hs_post);
  ck_assert_ptr_null(hs_find(&h, H2_RST_STREAM, 7));
  ck_assert_ptr_nonnull(hs_event(&h, H2_EV_HEADERS, 7));
  hs_stop(&h);
}
END_TEST

START_TEST(client_respects_peer_concurrency) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_CLIENT);
  hs_start(&h, &cfg);
  hs_drain(&h);
  settings1(&h, H2_SETTINGS_MAX_CONCURRENT_STREAMS, 1);
  h2_header req[] = {{":method", 7, "GET", 3, 0},
                     {":scheme", 7, "http", 4, 0},
                     {":path", 5, "/", 1, 0},
                     {":authority", 10, "a", 1, 0}};
  uint32_t id = 0;
  ck_assert_int_eq(h2_session_send_headers(h.s, 0, req, 4, true, &id), H2_OK);
  ck_assert_uint_eq(id, 1);
  ck_assert_int_eq(h2_session_send_headers(h.s, 0, req, 4, true, &id), H2_E_INVALID_ARGUMENT);
  ck_assert_uint_eq(h2_session_next_stream_id(h.s), 3);
  hs_stop(&h);
}
END_TEST

START_TEST(goaway_received_by_client) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_CLIENT);
  hs_start(&h, &cfg);
  hs_drain(&h);
  hs_server_handshake(&h);
  h2_header req[] = {{":method", 7, "GET", 3, 0},
                     {":scheme", 7, "http", 4, 0},
                     {":path", 5, "/", 1, 0},
                     {":authority", 10, "a", 1, 0}};
  uint32_t a, b;
  ck_assert_int_eq(h2_session_send_headers(h.s, 0, req, 4, true, &a), H2_OK);
  ck_assert_int_eq(h2_session_send_headers(h.s, 0, req, 4, true, &b), H2_OK);
  hs_drain(&h);
  hs_clear(&h);
  uint8_t ga[8 + 4];
  put32(ga, 1);
  put32(ga + 4, H2_NO_ERROR);
  memcpy(ga + 8, "bye!", 4);
  hs_frame_send(&h, H2_GOAWAY, 0, 0, ga, sizeof ga);
  const h2_event *ev = hs_event(&h, H2_EV_GOAWAY, 0);
  ck_assert_ptr_nonnull(ev);
  ck_assert_uint_eq(ev->last_stream_id, 1);
  ck_assert_uint_eq(ev->len, 4);
  ck_assert_mem_eq(ev->data, "bye!", 4);
  /* §6.8: stream 3 was not processed; stream 1 continues */
  const h2_event *cl = hs_event(&h, H2_EV_STREAM_CLOSED, 3);
  ck_assert_ptr_nonnull(cl);
  ck_assert_uint_eq(cl->error_code, H2_REFUSED_STREAM);
  ck_assert_int_eq(h2_session_stream_state(h.s, 1), H2_SS_HALF_CLOSED_LOCAL);
  ck_assert_uint_eq(h2_session_next_stream_id(h.s), 0);
  ck_assert(h2_session_want_read(h.s));
  hs_stop(&h);
}
END_TEST

START_TEST(graceful_close) {
  harness *h = new_server(NULL);
  hs_headers(h, 1, H2_FLAG_END_HEADERS, hs_post);
  h2_session_close(h->s);
  hs_drain(h);
  const hs_frame *g = hs_find(h, H2_GOAWAY, 0);
  ck_assert_ptr_nonnull(g);
  ck_assert_uint_eq(g->error_code, H2_NO_ERROR);
  ck_assert_uint_eq(g->last_stream_id, 1);
  ck_assert(h2_session_want_read(h->s)); /* stream 1 still running */
  /* a new stream after GOAWAY is ignored (§6.8) */
  hs_clear(h);
  hs_headers(h, 3, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, hs_get);
  ck_assert_ptr_null(hs_event(h, H2_EV_HEADERS, 3));
  hs_frame_send(h, H2_DATA, H2_FLAG_END_STREAM, 3, "late", 4); /* ignored too */
  ck_assert_ptr_null(hs_find(h, H2_GOAWAY, 0));
  ck_assert_ptr_null(hs_event(h, H2_EV_DATA, 3));
  hs_frame_send(h, H2_DATA, H2_FLAG_END_STREAM, 1, "x", 1);
  ck_assert_ptr_nonnull(hs_find(h, H2_HEADERS, 1));
  ck_assert(!h2_session_want_read(h->s));
  ck_assert(h2_session_done(h->s));
  hs_stop(h);
}
END_TEST

/* ---- Upgrade (RFC 7540 §3.2) ---- */

START_TEST(upgrade_server) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.upgraded = true;
  hs_start(&h, &cfg);
  ck_assert_int_eq(h2_session_stream_state(h.s, 1), H2_SS_HALF_CLOSED_REMOTE);
  uint8_t http2_settings[6] = {0, 4, 0, 0, 0, 5}; /* INITIAL_WINDOW_SIZE 5 */
  ck_assert_int_eq(h2_session_apply_upgrade_settings(h.s, http2_settings, 6), H2_OK);
  ck_assert_int_eq(h2_session_send_window(h.s, 1), 5);
  ck_assert_int_eq(h2_session_send_headers(h.s, 1, hs_response, 1, false, NULL), H2_OK);
  ck_assert_int_eq(h2_session_send_data(h.s, 1, hs_body, 2, true), H2_OK);
  hs_drain(&h);
  ck_assert_uint_eq(h.frames[0].hd.type, H2_SETTINGS);
  ck_assert_ptr_nonnull(hs_find(&h, H2_HEADERS, 1));
  ck_assert_ptr_nonnull(hs_find(&h, H2_DATA, 1));
  ck_assert_int_eq(h2_session_stream_state(h.s, 1), H2_SS_CLOSED);
  /* the client preface still comes (§3.2); the next stream is 3 */
  hs_client_handshake(&h);
  hs_clear(&h);
  h.auto_respond = true;
  hs_headers(&h, 3, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, hs_get);
  ck_assert_ptr_nonnull(hs_find(&h, H2_HEADERS, 3));
  hs_stop(&h);
}
END_TEST

START_TEST(upgrade_client) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_CLIENT);
  cfg.upgraded = true;
  hs_start(&h, &cfg);
  hs_drain(&h);
  ck_assert_int_eq(h2_session_stream_state(h.s, 1), H2_SS_HALF_CLOSED_LOCAL);
  ck_assert_uint_eq(h2_session_next_stream_id(h.s), 3);
  hs_server_handshake(&h);
  const char *const resp[] = {":status: 200", NULL};
  hs_headers(&h, 1, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, resp);
  const h2_event *ev = hs_event(&h, H2_EV_HEADERS, 1);
  ck_assert_ptr_nonnull(ev);
  ck_assert_str_eq(ev->headers[0].value, "200");
  ck_assert_int_eq(h2_session_stream_state(h.s, 1), H2_SS_CLOSED);
  hs_stop(&h);
}
END_TEST

START_TEST(skip_preface) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_CLIENT);
  cfg.skip_preface = true;
  hs_start(&h, &cfg);
  size_t n = h2_session_output(h.s, h.out, HS_OUT_CAP);
  ck_assert_uint_gt(n, 9);
  ck_assert_uint_eq(h.out[3], H2_SETTINGS); /* no magic before it */
  hs_stop(&h);
}
END_TEST

/* ---- flood limits (§10.5) ---- */

START_TEST(ping_flood) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.flood.ping_per_sec = 5;
  hs_start_server(&h, &cfg);
  const uint8_t op[8] = {0};
  for (int i = 0; i < 5; i++)
    hs_frame_send(&h, H2_PING, 0, 0, op, 8);
  h.now += 1000; /* a new second: the count starts over */
  for (int i = 0; i < 5; i++)
    hs_frame_send(&h, H2_PING, 0, 0, op, 8);
  ck_assert_ptr_null(hs_find(&h, H2_GOAWAY, 0));
  hs_frame_send(&h, H2_PING, 0, 0, op, 8);
  hs_expect_goaway(&h, H2_ENHANCE_YOUR_CALM);
  hs_stop(&h);
}
END_TEST

START_TEST(rst_flood) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.flood.rst_per_sec = 10;
  hs_start_server(&h, &cfg);
  for (uint32_t i = 0; i < 11; i++) {
    hs_headers(&h, 1 + 2 * i, H2_FLAG_END_HEADERS, hs_post);
    hs_frame_send(&h, H2_RST_STREAM, 0, 1 + 2 * i, "\0\0\0\x08", 4);
  }
  hs_expect_goaway(&h, H2_ENHANCE_YOUR_CALM);
  ck_assert_str_eq(hs_event(&h, H2_EV_CONNECTION_ERROR, 0)->rule, "reset-flood");
  hs_stop(&h);
}
END_TEST

/* MadeYouReset (CVE-2025-8671): the peer never sends RST_STREAM but makes
 * us reset each stream it opens with a zero-increment WINDOW_UPDATE (a
 * stream error, §6.9); those resets count against rst_per_sec too. */
START_TEST(made_you_reset_flood) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.flood.rst_per_sec = 10;
  hs_start_server(&h, &cfg);
  for (uint32_t i = 0; i < 10; i++) {
    hs_headers(&h, 1 + 2 * i, H2_FLAG_END_HEADERS, hs_post);
    window_update(&h, 1 + 2 * i, 0);
  }
  hs_expect_rst(&h, 19, H2_PROTOCOL_ERROR);
  ck_assert_ptr_null(hs_find(&h, H2_GOAWAY, 0));
  hs_headers(&h, 21, H2_FLAG_END_HEADERS, hs_post);
  window_update(&h, 21, 0);
  hs_expect_goaway(&h, H2_ENHANCE_YOUR_CALM);
  ck_assert_str_eq(hs_event(&h, H2_EV_CONNECTION_ERROR, 0)->detail, "made-you-reset");
  hs_stop(&h);
}
END_TEST

/* A new second starts the count over: 10 provoked resets per second for
 * three seconds stay under a limit of 10. */
START_TEST(made_you_reset_under_limit) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.flood.rst_per_sec = 10;
  hs_start_server(&h, &cfg);
  uint32_t id = 1;
  for (int sec = 0; sec < 3; sec++, h.now += 1000)
    for (int i = 0; i < 10; i++, id += 2) {
      hs_headers(&h, id, H2_FLAG_END_HEADERS, hs_post);
      window_update(&h, id, 0);
    }
  ck_assert_ptr_null(hs_find(&h, H2_GOAWAY, 0));
  hs_stop(&h);
}
END_TEST

START_TEST(settings_flood) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.flood.settings_per_sec = 3;
  hs_start_server(&h, &cfg);
  hs_frame_send(&h, H2_SETTINGS, 0, 0, NULL, 0);
  hs_frame_send(&h, H2_SETTINGS, 0, 0, NULL, 0);
  ck_assert_ptr_null(hs_find(&h, H2_GOAWAY, 0));
  hs_frame_send(&h, H2_SETTINGS, 0, 0, NULL, 0);
  hs_expect_goaway(&h, H2_ENHANCE_YOUR_CALM);
  hs_stop(&h);
}
END_TEST

START_TEST(empty_data_flood) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.flood.empty_frames_per_sec = 20;
  hs_start_server(&h, &cfg);
  hs_headers(&h, 1, H2_FLAG_END_HEADERS, hs_post);
  for (int i = 0; i < 20; i++)
    hs_frame_send(&h, H2_DATA, 0, 1, NULL, 0);
  ck_assert_ptr_null(hs_find(&h, H2_GOAWAY, 0));
  hs_frame_send(&h, H2_DATA, 0, 1, NULL, 0);
  hs_expect_goaway(&h, H2_ENHANCE_YOUR_CALM);
  hs_stop(&h);
}
END_TEST

START_TEST(continuation_flood) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.flood.continuation_frames = 8;
  hs_start_server(&h, &cfg);
  uint8_t block[512];
  size_t n = hs_block(&h, hs_get, block, sizeof block);
  ck_assert_uint_gt(n, 10);
  hs_frame_send(&h, H2_HEADERS, 0, 1, block, 1);
  for (int i = 0; i < 8; i++)
    hs_frame_send(&h, H2_CONTINUATION, 0, 1, block + 1 + i, 1);
  hs_expect_goaway(&h, H2_ENHANCE_YOUR_CALM);
  hs_stop(&h);
}
END_TEST

START_TEST(flood_limits_can_be_disabled) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.flood.ping_per_sec = UINT32_MAX;
  hs_start_server(&h, &cfg);
  const uint8_t op[8] = {0};
  for (int i = 0; i < 300; i++)
    hs_frame_send(&h, H2_PING, 0, 0, op, 8);
  ck_assert_ptr_null(hs_find(&h, H2_GOAWAY, 0));
  hs_stop(&h);
}
END_TEST

/* ---- push ---- */

START_TEST(server_push_to_client) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_CLIENT);
  cfg.enable_push = true;
  hs_start(&h, &cfg);
  hs_drain(&h);
  hs_server_handshake(&h);
  h2_header req[] = {{":method", 7, "GET", 3, 0},
                     {":scheme", 7, "http", 4, 0},
                     {":path", 5, "/", 1, 0},
                     {":authority", 10, "a", 1, 0}};
  uint32_t id;
  ck_assert_int_eq(h2_session_send_headers(h.s, 0, req, 4, true, &id), H2_OK);
  hs_drain(&h);
  uint8_t pp[600];
  put32(pp, 2);
  size_t n = hs_block(&h, hs_get, pp + 4, sizeof pp - 4);
  hs_frame_send(&h, H2_PUSH_PROMISE, H2_FLAG_END_HEADERS, 1, pp, n + 4);
  const h2_event *ev = hs_event(&h, H2_EV_PUSH_PROMISE, 1);
  ck_assert_ptr_nonnull(ev);
  ck_assert_uint_eq(ev->promised_id, 2);
  ck_assert_uint_eq(ev->header_count, 4);
  ck_assert_int_eq(h2_session_stream_state(h.s, 2), H2_SS_RESERVED_REMOTE);
  const char *const resp[] = {":status: 200", NULL};
  hs_headers(&h, 2, H2_FLAG_END_HEADERS, resp);
  ck_assert_int_eq(h2_session_stream_state(h.s, 2), H2_SS_HALF_CLOSED_LOCAL);
  hs_frame_send(&h, H2_DATA, H2_FLAG_END_STREAM, 2, "p", 1);
  ck_assert_int_eq(h2_session_stream_state(h.s, 2), H2_SS_CLOSED);
  hs_stop(&h);
}
END_TEST

START_TEST(server_sends_push) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  hs_start_server(&h, &cfg);
  hs_headers(&h, 1, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, hs_get);
  h2_header req[] = {{":method", 7, "GET", 3, 0},
                     {":scheme", 7, "http", 4, 0},
                     {":path", 5, "/a", 2, 0},
                     {":authority", 10, "a", 1, 0}};
  uint32_t pid = 0;
  ck_assert_int_eq(h2_session_send_push_promise(h.s, 1, req, 4, &pid), H2_OK);
  ck_assert_uint_eq(pid, 2);
  ck_assert_int_eq(h2_session_stream_state(h.s, 2), H2_SS_RESERVED_LOCAL);
  ck_assert_int_eq(h2_session_send_headers(h.s, 2, hs_response, 1, true, NULL), H2_OK);
  ck_assert_int_eq(h2_session_stream_state(h.s, 2), H2_SS_CLOSED);
  hs_clear(&h);
  hs_drain(&h);
  ck_assert_ptr_nonnull(hs_find(&h, H2_PUSH_PROMISE, 1));
  ck_assert_ptr_nonnull(hs_find(&h, H2_HEADERS, 2));
  /* the client disables push: no more promises */
  settings1(&h, H2_SETTINGS_ENABLE_PUSH, 0);
  ck_assert_int_eq(h2_session_send_push_promise(h.s, 1, req, 4, &pid), H2_E_INVALID_ARGUMENT);
  hs_stop(&h);
}
END_TEST

/* ---- API refusals (§5.1 for the sender) ---- */

START_TEST(api_refuses_what_rfc_forbids) {
  harness *h = new_server(NULL);
  h->auto_respond = false;
  ck_assert_int_eq(h2_session_send_data(h->s, 1, hs_body, 2, true), H2_E_INVALID_ARGUMENT);
  ck_assert_int_eq(h2_session_send_rst_stream(h->s, 1, 0), H2_E_INVALID_ARGUMENT); /* idle */
  ck_assert_int_eq(h2_session_send_headers(h->s, 0, hs_response, 1, true, NULL),
                   H2_E_INVALID_ARGUMENT);
  hs_headers(h, 1, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, hs_get);
  ck_assert_int_eq(h2_session_send_window_update(h->s, 1, 0), H2_E_INVALID_ARGUMENT);
  ck_assert_int_eq(h2_session_send_headers(h->s, 1, hs_response, 1, true, NULL), H2_OK);
  ck_assert_int_eq(h2_session_send_data(h->s, 1, hs_body, 2, true), H2_E_INVALID_ARGUMENT);
  ck_assert_int_eq(h2_session_send_rst_stream(h->s, 1, 0), H2_E_INVALID_ARGUMENT); /* closed */
  hs_stop(h);
}
END_TEST

START_TEST(rst_stream_then_peer_frames_ignored) {
  harness *h = new_server(NULL);
  h->auto_respond = false;
  hs_headers(h, 1, H2_FLAG_END_HEADERS, hs_post);
  ck_assert_int_eq(h2_session_send_rst_stream(h->s, 1, H2_CANCEL), H2_OK);
  hs_drain(h);
  ck_assert_int_eq(h2_session_stream_state(h->s, 1), H2_SS_CLOSED_RESET_LOCAL);
  hs_clear(h);
  /* §5.1: frames in flight are discarded, DATA still counts for the connection */
  int64_t before = h2_session_recv_window(h->s, 0);
  hs_frame_send(h, H2_DATA, 0, 1, "abcd", 4);
  hs_frame_send(h, H2_DATA, H2_FLAG_END_STREAM, 1, "e", 1);
  ck_assert_uint_eq(h->nframes, 0);
  ck_assert_ptr_null(hs_event(h, H2_EV_DATA, 1));
  ck_assert_int_eq(h2_session_recv_window(h->s, 0), before - 5);
  hs_stop(h);
}
END_TEST

/* ---- more rules ---- */

START_TEST(stream_error_keeps_hpack_in_sync) {
  harness *h = new_server(NULL);
  /* HEADERS depending on itself (§5.3.1: stream error) whose block inserts
   * "x-k: v" into the dynamic table (RFC 7541 §6.2.1)... */
  uint8_t p[128];
  size_t n = 0;
  p[n++] = 0, p[n++] = 0, p[n++] = 0, p[n++] = 1, p[n++] = 16; /* depends on 1 */
  const uint8_t req[] = {0x82, 0x86, 0x84, 0x01, 0x01, 'a'};   /* GET http / :authority a */
  memcpy(p + n, req, sizeof req);
  n += sizeof req;
  const uint8_t ins[] = {0x40, 3, 'x', '-', 'k', 1, 'v'};
  memcpy(p + n, ins, sizeof ins);
  n += sizeof ins;
  hs_frame_send(h, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM | H2_FLAG_PRIORITY, 1, p,
                n);
  hs_expect_rst(h, 1, H2_PROTOCOL_ERROR);
  /* ...so the next block can refer to it as index 62 */
  const uint8_t again[] = {0x82, 0x86, 0x84, 0x01, 0x01, 'a', 0xbe};
  hs_clear(h);
  hs_frame_send(h, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 3, again, sizeof again);
  ck_assert_ptr_null(hs_find(h, H2_GOAWAY, 0));
  const h2_event *ev = hs_event(h, H2_EV_HEADERS, 3);
  ck_assert_ptr_nonnull(ev);
  ck_assert_uint_eq(ev->header_count, 5);
  ck_assert_str_eq(ev->headers[4].name, "x-k");
  ck_assert_str_eq(ev->headers[4].value, "v");
  hs_stop(h);
}
END_TEST

static harness *new_client(void) {
  static harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_CLIENT);
  hs_start(&h, &cfg);
  hs_drain(&h);
  hs_server_handshake(&h);
  hs_clear(&h);
  return &h;
}

static uint32_t client_get(harness *h, const char *method) {
  h2_header req[] = {{":method", 7, method, strlen(method), 0},
                     {":scheme", 7, "http", 4, 0},
                     {":path", 5, "/", 1, 0},
                     {":authority", 10, "a", 1, 0}};
  uint32_t id = 0;
  ck_assert_int_eq(h2_session_send_headers(h->s, 0, req, 4, true, &id), H2_OK);
  hs_drain(h);
  hs_clear(h);
  return id;
}

START_TEST(informational_then_final_response) {
  harness *h = new_client();
  uint32_t id = client_get(h, "GET");
  const char *const early[] = {":status: 103", "link: </s.css>", NULL};
  const char *const final[] = {":status: 200", "content-length: 2", NULL};
  hs_headers(h, id, H2_FLAG_END_HEADERS, early);
  hs_headers(h, id, H2_FLAG_END_HEADERS, final);
  hs_frame_send(h, H2_DATA, H2_FLAG_END_STREAM, id, "ok", 2);
  ck_assert_ptr_null(hs_find(h, H2_RST_STREAM, id));
  ck_assert_int_eq(h2_session_stream_state(h->s, id), H2_SS_CLOSED);
  hs_stop(h);
}
END_TEST

START_TEST(response_content_length_mismatch) {
  harness *h = new_client();
  uint32_t id = client_get(h, "GET");
  const char *const final[] = {":status: 200", "content-length: 5", NULL};
  hs_headers(h, id, H2_FLAG_END_HEADERS, final);
  hs_frame_send(h, H2_DATA, H2_FLAG_END_STREAM, id, "ok", 2);
  hs_expect_rst(h, id, H2_PROTOCOL_ERROR); /* §8.1.1 */
  hs_stop(h);
}
END_TEST

START_TEST(head_response_content_length) {
  harness *h = new_client();
  uint32_t id = client_get(h, "HEAD");
  const char *const final[] = {":status: 200", "content-length: 5000", NULL};
  hs_headers(h, id, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, final);
  ck_assert_ptr_null(hs_find(h, H2_RST_STREAM, id)); /* no body for HEAD (§8.1.1) */
  ck_assert_int_eq(h2_session_stream_state(h->s, id), H2_SS_CLOSED);
  hs_stop(h);
}
END_TEST

START_TEST(response_without_status) {
  harness *h = new_client();
  uint32_t id = client_get(h, "GET");
  const char *const bad[] = {"content-length: 0", NULL};
  hs_headers(h, id, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, bad);
  hs_expect_rst(h, id, H2_PROTOCOL_ERROR); /* §8.3.2 */
  hs_stop(h);
}
END_TEST

START_TEST(server_cannot_open_streams) {
  harness *h = new_client();
  const char *const resp[] = {":status: 200", NULL};
  hs_headers(h, 2, H2_FLAG_END_HEADERS, resp);
  hs_expect_goaway(h, H2_PROTOCOL_ERROR);
  hs_stop(h);
}
END_TEST

START_TEST(push_when_disabled) {
  harness *h = new_client();
  uint32_t id = client_get(h, "GET");
  uint8_t pp[600];
  put32(pp, 2);
  size_t n = hs_block(h, hs_get, pp + 4, sizeof pp - 4);
  hs_frame_send(h, H2_PUSH_PROMISE, H2_FLAG_END_HEADERS, id, pp, n + 4);
  hs_expect_goaway(h, H2_PROTOCOL_ERROR); /* §6.6: we announced ENABLE_PUSH 0 */
  hs_stop(h);
}
END_TEST

START_TEST(header_list_too_large) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.max_header_list_size = 200;
  hs_start_server(&h, &cfg);
  static char big[300];
  memset(big, 'v', sizeof big - 1);
  char field[400];
  snprintf(field, sizeof field, "x-big: %s", big);
  const char *const req[] = {":method: GET", ":scheme: http", ":path: /", field, NULL};
  uint8_t block[1024];
  size_t n = hs_block(&h, req, block, sizeof block);
  hs_clear(&h);
  hs_frame_send(&h, H2_HEADERS, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1, block, n);
  ck_assert_ptr_nonnull(hs_find(&h, H2_RST_STREAM, 1) ? hs_find(&h, H2_RST_STREAM, 1)
                                                      : hs_find(&h, H2_GOAWAY, 0));
  ck_assert_ptr_null(hs_event(&h, H2_EV_HEADERS, 1));
  hs_stop(&h);
}
END_TEST

START_TEST(own_settings_apply_on_ack) {
  harness *h = new_server(NULL);
  h->auto_respond = false;
  hs_headers(h, 1, H2_FLAG_END_HEADERS, hs_post);
  ck_assert_int_eq(h2_session_recv_window(h->s, 1), 65535);
  h2_setting set = {H2_SETTINGS_INITIAL_WINDOW_SIZE, 1000};
  ck_assert_int_eq(h2_session_send_settings(h->s, &set, 1), H2_OK);
  hs_drain(h);
  /* §6.5.3: not in force before the ACK... */
  ck_assert_int_eq(h2_session_recv_window(h->s, 1), 65535);
  hs_frame_send(h, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
  /* ...then applied to open streams as a difference (§6.9.2) */
  ck_assert_int_eq(h2_session_recv_window(h->s, 1), 1000);
  hs_stop(h);
}
END_TEST

START_TEST(connection_error_then_done) {
  harness *h = new_server(NULL);
  hs_frame_send(h, H2_DATA, 0, 0, "x", 1);
  hs_expect_goaway(h, H2_PROTOCOL_ERROR);
  const h2_event *ev = hs_event(h, H2_EV_CONNECTION_ERROR, 0);
  ck_assert_ptr_nonnull(ev);
  ck_assert_ptr_nonnull(ev->section);
  ck_assert(h2_session_done(h->s));
  /* more input is swallowed, nothing more is said */
  hs_clear(h);
  uint8_t junk[32] = {0};
  ck_assert_uint_eq(h2_session_recv(h->s, junk, sizeof junk), sizeof junk);
  hs_drain(h);
  ck_assert_uint_eq(h->nframes, 0);
  ck_assert_int_eq(h2_session_send_ping(h->s, junk), H2_E_INVALID_ARGUMENT);
  hs_stop(h);
}
END_TEST

START_TEST(stream_ids_exhausted) {
  harness *h = new_client();
  ck_assert_uint_eq(h2_session_next_stream_id(h->s), 1);
  /* after GOAWAY from us no stream can be opened */
  h2_session_close(h->s);
  ck_assert_uint_eq(h2_session_next_stream_id(h->s), 0);
  hs_stop(h);
}
END_TEST

START_TEST(trailers_after_data) {
  harness *h = new_server(NULL);
  h->auto_respond = false;
  hs_headers(h, 1, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, hs_get);
  ck_assert_int_eq(h2_session_send_headers(h->s, 1, hs_response, 1, false, NULL), H2_OK);
  ck_assert_int_eq(h2_session_send_data(h->s, 1, hs_body, 2, false), H2_OK);
  static const h2_header trailer[] = {{"grpc-status", 11, "0", 1, 0}};
  /* DATA still queued: trailers would overtake it */
  ck_assert_int_eq(h2_session_send_headers(h->s, 1, trailer, 1, true, NULL), H2_E_INVALID_ARGUMENT);
  hs_clear(h);
  hs_drain(h);
  hs_take_events(h);
  ck_assert_ptr_nonnull(hs_event(h, H2_EV_DATA_SENT, 1));
  ck_assert_int_eq(h2_session_send_headers(h->s, 1, trailer, 1, true, NULL), H2_OK);
  hs_drain(h);
  ck_assert_uint_eq(h->nframes, 3);
  ck_assert_uint_eq(h->frames[1].hd.type, H2_DATA);
  ck_assert_uint_eq(h->frames[1].hd.flags, 0);
  ck_assert_uint_eq(h->frames[2].hd.type, H2_HEADERS);
  ck_assert_uint_eq(h->frames[2].hd.flags, H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM);
  ck_assert_int_eq(h2_session_stream_state(h->s, 1), H2_SS_CLOSED);
  hs_stop(h);
}
END_TEST

/* ---- back-pressure ---- */

START_TEST(small_event_queue_backpressure) {
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  cfg.event_queue = 2;
  hs_start(&h, &cfg);
  h.auto_respond = true;
  hs_drain(&h);
  hs_client_handshake(&h);
  /* many requests in one buffer: recv takes what fits, the harness takes
   * events and calls again */
  static uint8_t buf[64 * 1024];
  size_t len = 0;
  for (uint32_t i = 0; i < 50; i++) {
    uint8_t block[256];
    size_t n = hs_block(&h, hs_get, block, sizeof block);
    len += h2_frame_write_raw(buf + len, sizeof buf - len, (uint32_t)n, H2_HEADERS,
                              H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM, 1 + 2 * i, block, n);
  }
  size_t first = h2_session_recv(h.s, buf, len);
  ck_assert_uint_lt(first, len);
  hs_take_events(&h);
  hs_feed(&h, buf + first, len - first);
  size_t responses = 0;
  for (size_t i = 0; i < h.nframes; i++)
    if (h.frames[i].hd.type == H2_HEADERS) responses++;
  ck_assert_uint_eq(responses, 50);
  hs_stop(&h);
}
END_TEST

/* ---- two sessions talking ---- */

static void pump(h2_session *a, h2_session *b) {
  static uint8_t buf[1 << 16];
  size_t n;
  while ((n = h2_session_output(a, buf, sizeof buf)) > 0) {
    size_t off = 0;
    while (off < n) {
      size_t used = h2_session_recv(b, buf + off, n - off);
      off += used;
      if (used == 0) {
        h2_event ev;
        while (h2_session_take_event(b, &ev)) {
        }
      }
    }
  }
}

START_TEST(client_server_large_body) {
  h2_session_config cc, sc;
  h2_session_config_init(&cc, H2_ROLE_CLIENT);
  h2_session_config_init(&sc, H2_ROLE_SERVER);
  cc.connection_window = 65535; /* the transfer needs WINDOW_UPDATEs */
  h2_session *c = h2_session_new(&cc), *s = h2_session_new(&sc);
  size_t body_len = 3u << 20;
  uint8_t *body = malloc(body_len);
  for (size_t i = 0; i < body_len; i++)
    body[i] = (uint8_t)(i * 7 + (i >> 12));
  h2_header req[] = {{":method", 7, "GET", 3, 0},
                     {":scheme", 7, "http", 4, 0},
                     {":path", 5, "/big", 4, 0},
                     {":authority", 10, "a", 1, 0}};
  uint32_t ids[4];
  for (int i = 0; i < 4; i++)
    ck_assert_int_eq(h2_session_send_headers(c, 0, req, 4, true, &ids[i]), H2_OK);
  uint8_t *got[4];
  size_t got_len[4] = {0};
  for (int i = 0; i < 4; i++)
    got[i] = malloc(body_len);
  int done = 0;
  for (int round = 0; round < 100000 && done < 4; round++) {
    pump(c, s);
    h2_event ev;
    while (h2_session_take_event(s, &ev)) {
      if (ev.type == H2_EV_HEADERS) {
        ck_assert_int_eq(h2_session_send_headers(s, ev.stream_id, hs_response, 1, false, NULL),
                         H2_OK);
        ck_assert_int_eq(h2_session_send_data(s, ev.stream_id, body, body_len, true), H2_OK);
      }
    }
    pump(s, c);
    while (h2_session_take_event(c, &ev)) {
      if (ev.type == H2_EV_DATA) {
        int k = (int)(ev.stream_id - 1) / 2;
        ck_assert_uint_le(got_len[k] + ev.len, body_len);
        memcpy(got[k] + got_len[k], ev.data, ev.len);
        got_len[k] += ev.len;
        if (ev.end_stream) done++;
      }
    }
  }
  ck_assert_int_eq(done, 4);
  for (int i = 0; i < 4; i++) {
    ck_assert_uint_eq(got_len[i], body_len);
    ck_assert(memcmp(got[i], body, body_len) == 0);
    ck_assert_int_eq(h2_session_stream_state(c, ids[i]), H2_SS_CLOSED);
    free(got[i]);
  }
  h2_session_close(c);
  pump(c, s);
  h2_event ev;
  while (h2_session_take_event(s, &ev)) {
  }
  ck_assert(!h2_session_want_read(s));
  free(body);
  h2_session_free(c);
  h2_session_free(s);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("session_core");
  TCase *t = tcase_create("core");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, state_table_complete);
  tcase_add_loop_test(t, state_table_rows, 0, (int)(sizeof rows / sizeof *rows));
  tcase_add_test(t, server_handshake);
  tcase_add_test(t, ping_answered);
  tcase_add_test(t, simple_request);
  tcase_add_test(t, request_with_body_and_continuation);
  tcase_add_test(t, data_waits_for_window_and_negative_window);
  tcase_add_test(t, connection_window_limits_data);
  tcase_add_test(t, window_overflow_stream);
  tcase_add_test(t, window_overflow_connection);
  tcase_add_test(t, initial_window_overflow);
  tcase_add_test(t, receive_window_enforced);
  tcase_add_test(t, connection_receive_window_enforced);
  tcase_add_test(t, concurrency_limit);
  tcase_add_test(t, client_respects_peer_concurrency);
  tcase_add_test(t, goaway_received_by_client);
  tcase_add_test(t, graceful_close);
  tcase_add_test(t, upgrade_server);
  tcase_add_test(t, upgrade_client);
  tcase_add_test(t, skip_preface);
  tcase_add_test(t, ping_flood);
  tcase_add_test(t, rst_flood);
  tcase_add_test(t, made_you_reset_flood);
  tcase_add_test(t, made_you_reset_under_limit);
  tcase_add_test(t, settings_flood);
  tcase_add_test(t, empty_data_flood);
  tcase_add_test(t, continuation_flood);
  tcase_add_test(t, flood_limits_can_be_disabled);
  tcase_add_test(t, server_push_to_client);
  tcase_add_test(t, server_sends_push);
  tcase_add_test(t, api_refuses_what_rfc_forbids);
  tcase_add_test(t, rst_stream_then_peer_frames_ignored);
  tcase_add_test(t, stream_error_keeps_hpack_in_sync);
  tcase_add_test(t, informational_then_final_response);
  tcase_add_test(t, response_content_length_mismatch);
  tcase_add_test(t, head_response_content_length);
  tcase_add_test(t, response_without_status);
  tcase_add_test(t, server_cannot_open_streams);
  tcase_add_test(t, push_when_disabled);
  tcase_add_test(t, header_list_too_large);
  tcase_add_test(t, own_settings_apply_on_ack);
  tcase_add_test(t, connection_error_then_done);
  tcase_add_test(t, stream_ids_exhausted);
  tcase_add_test(t, trailers_after_data);
  tcase_add_test(t, small_event_queue_backpressure);
  tcase_add_test(t, client_server_large_body);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
