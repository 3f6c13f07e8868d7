/* session_harness.h — drives an h2_session with byte buffers for the session
 * suites: builds frames and header blocks as a peer would, feeds them, takes
 * every event, drains and decodes what the session sends back. Header-only
 * (static inline) because only the session suites use it. */
#ifndef H2_TEST_SESSION_HARNESS_H
#define H2_TEST_SESSION_HARNESS_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/session.h"
#include "h2/stream_state.h"

#define HS_MAX_FRAMES 512
#define HS_MAX_EVENTS 512
#define HS_OUT_CAP (4u << 20)

typedef struct hs_frame {
  h2_frame_header hd;
  uint32_t error_code;     /* RST_STREAM / GOAWAY */
  uint32_t last_stream_id; /* GOAWAY */
  uint32_t increment;      /* WINDOW_UPDATE */
  uint32_t data_len;       /* DATA payload */
  char status[4];          /* HEADERS: decoded :status, "" if none */
} hs_frame;

typedef struct harness {
  h2_session *s;
  h2_hpack_encoder *enc;
  h2_hpack_decoder dec;
  uint8_t *out;
  size_t out_len;
  hs_frame frames[HS_MAX_FRAMES];
  size_t nframes;
  h2_event events[HS_MAX_EVENTS];
  size_t nevents;
  uint64_t now;      /* fake clock for flood limits */
  bool auto_respond; /* server: answer complete requests with 200 + "ok" */
} harness;

static inline uint64_t hs_clock(void *user) {
  return ((harness *)user)->now;
}

static inline void hs_config(harness *h, h2_session_config *cfg, uint8_t role) {
  h2_session_config_init(cfg, role);
  cfg->now_ms = hs_clock;
  cfg->user = h;
}

static inline void hs_start(harness *h, const h2_session_config *cfg) {
  memset(h, 0, sizeof *h);
  h->out = malloc(HS_OUT_CAP);
  ck_assert_ptr_nonnull(h->out);
  h2_session_config c = *cfg;
  c.user = h;
  h->s = h2_session_new(&c);
  ck_assert_ptr_nonnull(h->s);
  h2_hpack_encoder_config ec = {.indexing = H2_INDEXING_NONE, .huffman = H2_HUFFMAN_NEVER};
  h->enc = h2_hpack_encoder_new(&ec);
  h2_hpack_decoder_config dc = {0};
  ck_assert_int_eq(h2_hpack_decoder_init(&h->dec, &dc), H2_OK);
}

static inline void hs_stop(harness *h) {
  h2_session_free(h->s);
  h2_hpack_encoder_free(h->enc);
  h2_hpack_decoder_free(&h->dec);
  free(h->out);
}

static inline void hs_clear(harness *h) {
  h->nframes = 0;
  h->nevents = 0;
}

typedef struct hs_status_cb {
  char *status;
} hs_status_cb;
static inline void hs_on_field(void *user, const h2_header *hd, const h2_hpack_field_info *info) {
  (void)info;
  hs_status_cb *c = user;
  if (hd->name_len == 7 && !memcmp(hd->name, ":status", 7) && hd->value_len == 3)
    memcpy(c->status, hd->value, 3);
}

/* Drains the session's output and decodes it into h->frames. */
static inline void hs_drain(harness *h) {
  for (;;) {
    size_t n = h2_session_output(h->s, h->out + h->out_len, HS_OUT_CAP - h->out_len);
    if (n == 0) break;
    size_t off = h->out_len;
    h->out_len += n;
    /* skip the client preface if present */
    if (off == 0 && n >= H2_PREFACE_LEN && !memcmp(h->out, H2_PREFACE, H2_PREFACE_LEN))
      off = H2_PREFACE_LEN;
    while (off < h->out_len) {
      h2_frame f;
      size_t used = 0;
      h2_error err;
      h2_frame_decode_options o = {.max_frame_size = H2_MAX_FRAME_SIZE_LIMIT};
      h2_status st = h2_frame_decode(h->out + off, h->out_len - off, &o, &f, &used, &err);
      ck_assert_msg(st == H2_OK, "session sent an undecodable frame: %s", h2_strerror(st));
      if (h->nframes < HS_MAX_FRAMES) {
        hs_frame *r = &h->frames[h->nframes++];
        memset(r, 0, sizeof *r);
        r->hd = f.hd;
        if (f.hd.type == H2_RST_STREAM) r->error_code = f.u.rst_stream.error_code;
        if (f.hd.type == H2_GOAWAY) {
          r->error_code = f.u.goaway.error_code;
          r->last_stream_id = f.u.goaway.last_stream_id;
        }
        if (f.hd.type == H2_WINDOW_UPDATE) r->increment = f.u.window_update.increment;
        if (f.hd.type == H2_DATA) r->data_len = f.u.data.len;
        if (f.hd.type == H2_HEADERS) {
          hs_status_cb c = {r->status};
          h2_hpack_decode_callbacks cb = {.on_field = hs_on_field, .user = &c};
          ck_assert_int_eq(h2_hpack_decode_block(&h->dec, f.u.headers.fragment,
                                                 f.u.headers.fragment_len, &cb, &err),
                           H2_OK);
        }
      }
      off += used;
    }
    h->out_len = 0;
  }
}

static const h2_header hs_response[] = {{":status", 7, "200", 3, 0}};
static const uint8_t hs_body[] = "ok";

static inline void hs_take_events(harness *h) {
  h2_event ev;
  while (h2_session_take_event(h->s, &ev)) {
    if (h->nevents < HS_MAX_EVENTS) h->events[h->nevents++] = ev;
    if (h->auto_respond && ev.type == H2_EV_HEADERS && ev.end_stream &&
        h2_session_stream_state(h->s, ev.stream_id) == H2_SS_HALF_CLOSED_REMOTE) {
      h2_session_send_headers(h->s, ev.stream_id, hs_response, 1, false, NULL);
      h2_session_send_data(h->s, ev.stream_id, hs_body, 2, true);
    }
    if (h->auto_respond && ev.type == H2_EV_DATA && ev.end_stream &&
        h2_session_stream_state(h->s, ev.stream_id) == H2_SS_HALF_CLOSED_REMOTE) {
      h2_session_send_headers(h->s, ev.stream_id, hs_response, 1, false, NULL);
      h2_session_send_data(h->s, ev.stream_id, hs_body, 2, true);
    }
  }
}

/* Feeds bytes (all of them, taking events whenever the session pushes back). */
static inline void hs_feed(harness *h, const uint8_t *p, size_t n) {
  size_t off = 0;
  int stalls = 0;
  while (off < n) {
    size_t used = h2_session_recv(h->s, p + off, n - off);
    off += used;
    hs_take_events(h);
    if (used == 0) ck_assert_msg(++stalls < 4, "session does not consume input");
  }
  h2_session_recv(h->s, NULL, 0);
  hs_take_events(h);
  hs_drain(h);
  hs_take_events(h);
  hs_drain(h);
}

static inline void hs_frame_send(harness *h, uint8_t type, uint8_t flags, uint32_t sid,
                                 const void *payload, size_t len) {
  uint8_t *buf = malloc(len + 9);
  size_t n = h2_frame_write_raw(buf, len + 9, (uint32_t)len, type, flags, sid, payload, len);
  hs_feed(h, buf, n);
  free(buf);
}

/* Header block from "name: value" strings (NULL-terminated list). */
static inline size_t hs_block(harness *h, const char *const *fields, uint8_t *out, size_t cap) {
  h2_header list[64];
  size_t n = 0;
  static char store[64][256];
  for (; fields[n]; n++) {
    const char *sep = strstr(fields[n] + 1, ": ");
    ck_assert_ptr_nonnull(sep);
    size_t nl = (size_t)(sep - fields[n]);
    snprintf(store[n], sizeof store[n], "%s", fields[n]);
    list[n] = (h2_header){store[n], nl, store[n] + nl + 2, strlen(fields[n]) - nl - 2, 0};
  }
  size_t w = 0;
  h2_error err;
  ck_assert_int_eq(h2_hpack_encode(h->enc, list, n, out, cap, &w, &err), H2_OK);
  return w;
}

static inline void hs_headers(harness *h, uint32_t sid, uint8_t flags, const char *const *fields) {
  uint8_t block[4096];
  size_t n = hs_block(h, fields, block, sizeof block);
  hs_frame_send(h, H2_HEADERS, flags, sid, block, n);
}

static const char *const hs_get[] = {":method: GET", ":scheme: http", ":path: /",
                                     ":authority: localhost", NULL};
static const char *const hs_post[] = {":method: POST", ":scheme: http", ":path: /",
                                      ":authority: localhost", NULL};

/* Server under test: client preface + SETTINGS + ACK of the server's SETTINGS. */
static inline void hs_client_handshake(harness *h) {
  hs_feed(h, (const uint8_t *)H2_PREFACE, H2_PREFACE_LEN);
  hs_frame_send(h, H2_SETTINGS, 0, 0, NULL, 0);
  hs_frame_send(h, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
}

/* A server session from cfg, its own SETTINGS drained, the client's
 * handshake done: where most server tests start. */
static inline void hs_start_server(harness *h, const h2_session_config *cfg) {
  hs_start(h, cfg);
  hs_drain(h);
  hs_client_handshake(h);
}

/* Client under test: server SETTINGS + ACK. */
static inline void hs_server_handshake(harness *h) {
  hs_frame_send(h, H2_SETTINGS, 0, 0, NULL, 0);
  hs_frame_send(h, H2_SETTINGS, H2_FLAG_ACK, 0, NULL, 0);
}

static inline const hs_frame *hs_find(const harness *h, uint8_t type, uint32_t sid) {
  for (size_t i = 0; i < h->nframes; i++)
    if (h->frames[i].hd.type == type && (sid == UINT32_MAX || h->frames[i].hd.stream_id == sid))
      return &h->frames[i];
  return NULL;
}

static inline const h2_event *hs_event(const harness *h, uint8_t type, uint32_t sid) {
  for (size_t i = 0; i < h->nevents; i++)
    if (h->events[i].type == type && (sid == UINT32_MAX || h->events[i].stream_id == sid))
      return &h->events[i];
  return NULL;
}

/* The session answered with GOAWAY(code). */
static inline void hs_expect_goaway(const harness *h, uint32_t code) {
  const hs_frame *g = hs_find(h, H2_GOAWAY, 0);
  ck_assert_msg(g != NULL, "expected GOAWAY %s, got none", h2_error_code_name(code));
  ck_assert_msg(g->error_code == code, "expected GOAWAY %s, got %s", h2_error_code_name(code),
                h2_error_code_name(g->error_code));
  ck_assert(!h2_session_want_read(h->s));
}

static inline void hs_expect_rst(const harness *h, uint32_t sid, uint32_t code) {
  const hs_frame *r = hs_find(h, H2_RST_STREAM, sid);
  ck_assert_msg(r != NULL, "expected RST_STREAM %u %s, got none", sid, h2_error_code_name(code));
  ck_assert_msg(r->error_code == code, "expected RST_STREAM %s, got %s", h2_error_code_name(code),
                h2_error_code_name(r->error_code));
  ck_assert_ptr_null(hs_find(h, H2_GOAWAY, 0));
}

#endif
