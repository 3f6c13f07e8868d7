/* check_run.c — runs a check case against a live server: connection (TCP or
 * TLS ALPN h2), handshake, the case's lines each followed by a marker PING,
 * and the wait for the reaction until it is decided (check_run.h); decodes
 * everything the peer sends into check_observed and grades it. */
#include "check_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "h2/cursor.h"
#include "h2/frame.h"

#define RX_READ (64u * 1024) /* bytes asked per read */
#define RX_LIMIT (H2_MAX_FRAME_SIZE_LIMIT + H2_FRAME_HEADER_LEN + RX_READ) /* a whole frame */
#define BLOCK_CAP (1u << 18)
#define TX_CAP (4u << 20)

double check_now(void) {
  return wire_now();
}

bool check_conn_init(check_conn *c, uint8_t peer_sender, const check_target *t) {
  memset(c, 0, sizeof *c);
  wire_init(&c->w);
  if (t) {
    c->w.tap = t->tap;
    c->w.tap_user = t->tap_user;
  }
  c->t = t;
  c->sender = peer_sender;
  h2_buf_init(&c->rx, RX_LIMIT);
  h2_buf_init(&c->block, BLOCK_CAP);
  h2_buf_init(&c->tx, TX_CAP);
  for (size_t i = 0; i < sizeof c->settings / sizeof *c->settings; i++)
    c->settings[i] = UINT32_MAX;
  h2_hpack_decoder_config dc = {.max_header_list_size = 1u << 24};
  return h2_hpack_decoder_init(&c->dec, &dc) == H2_OK;
}

void check_conn_close(check_conn *c) {
  wire_close(&c->w);
  h2_hpack_decoder_free(&c->dec);
  h2_buf_free(&c->rx);
  h2_buf_free(&c->block);
  h2_buf_free(&c->tx);
}

static void mark_gone(check_conn *c, int err) {
  if (!c->obs) return;
  if (err == ECONNRESET || err == EPIPE)
    c->obs->reset = true;
  else
    c->obs->closed = true;
}

static void verbose_sent(check_conn *c, const uint8_t *p, size_t n) {
  out_buf *o = c->t ? c->t->verbose : NULL;
  if (!o) return;
  size_t off = 0;
  while (off < n) {
    h2_frame_decode_options opts = {.max_frame_size = H2_MAX_FRAME_SIZE_LIMIT};
    decoded_frame d;
    memset(&d, 0, sizeof d);
    size_t used = 0;
    h2_status st = h2_frame_decode(p + off, n - off, &opts, &d.frame, &used, &d.frame_err);
    if (off == 0 && n >= H2_PREFACE_LEN && !memcmp(p, H2_PREFACE, H2_PREFACE_LEN)) {
      out_puts(o, "    > preface\n");
      off = H2_PREFACE_LEN;
      continue;
    }
    if (st == H2_NEED_MORE || st == H2_E_FRAME_TOO_LARGE || used == 0) {
      out_puts(o, "    > ");
      out_u64(o, n - off);
      out_puts(o, " raw bytes\n");
      break;
    }
    d.offset = c->tx_offset + off;
    d.frame_status = st;
    out_puts(o, "    > ");
    frame_print(o, &c->t->po, NULL, &d);
    off += used;
  }
}

bool check_conn_send(check_conn *c, const uint8_t *p, size_t n, double deadline) {
  verbose_sent(c, p, n);
  c->tx_offset += n;
  switch (wire_write_all(&c->w, p, n, deadline)) {
  case WIRE_OK:
    return true;
  case WIRE_TIMEOUT:
    if (c->obs) c->obs->timed_out = true;
    return false;
  default:
    mark_gone(c, c->w.err);
    return false;
  }
}

void check_conn_marker(check_conn *c, h2_buf *b) {
  uint8_t opaque[8] = {0xe2, 0x9c, 0x93, 0x00}; /* no case sends this prefix */
  uint32_t k = ++c->markers_sent;
  opaque[4] = (uint8_t)(k >> 24);
  opaque[5] = (uint8_t)(k >> 16);
  opaque[6] = (uint8_t)(k >> 8);
  opaque[7] = (uint8_t)k;
  uint8_t frame[17];
  h2_frame_write_raw(frame, sizeof frame, 8, H2_PING, 0, 0, opaque, 8);
  h2_buf_put(b, frame, sizeof frame);
}

/* ---- requests the peer still owes an answer ---- */

static check_stream *stream_find(check_conn *c, uint32_t sid) {
  for (size_t i = 0; i < c->n_streams; i++)
    if (c->streams[i].id == sid) return &c->streams[i];
  return NULL;
}

static void stream_drop(check_conn *c, uint32_t sid) {
  check_stream *s = stream_find(c, sid);
  if (s) *s = c->streams[--c->n_streams];
}

/* Whether the peer owes the response to a complete request. */
static bool answer_owed(const check_conn *c) {
  for (size_t i = 0; i < c->n_streams; i++)
    if (c->streams[i].complete) return true;
  return c->streams_overflow;
}

/* A frame of the peer that settles what it owes: its END_STREAM or
 * RST_STREAM ends a stream; GOAWAY gives up every stream above its last
 * stream id (RFC 9113 §6.8: those were not and will not be processed). */
static void streams_received(check_conn *c, const h2_frame *f) {
  if (c->sender != H2_SENDER_SERVER) return; /* a client owes us nothing */
  switch (f->hd.type) {
  case H2_HEADERS:
  case H2_DATA:
    if (f->hd.flags & H2_FLAG_END_STREAM) stream_drop(c, f->hd.stream_id);
    break;
  case H2_RST_STREAM:
    stream_drop(c, f->hd.stream_id);
    break;
  case H2_GOAWAY:
    for (size_t i = c->n_streams; i-- > 0;)
      if (c->streams[i].id > f->u.goaway.last_stream_id) stream_drop(c, c->streams[i].id);
    break;
  default:
    break;
  }
}

/* One frame we sent. Only a HEADERS on a new odd stream id opens a request
 * the peer will answer (§5.1.1: a lower, reused or even id is a violation it
 * owes nothing for); END_STREAM completes it, our RST_STREAM cancels it. A
 * `hold` request is left unanswered on purpose: it is not tracked. */
static void streams_sent(check_conn *c, uint8_t type, uint8_t flags, uint32_t sid,
                         uint32_t max_before, bool hold) {
  if (c->sender != H2_SENDER_SERVER || sid == 0) return;
  check_stream *s = stream_find(c, sid);
  if (type == H2_HEADERS && !s && sid > max_before && (sid & 1) && !hold) {
    if (c->n_streams == CHECK_MAX_STREAMS) {
      c->streams_overflow = true;
      return;
    }
    s = &c->streams[c->n_streams++];
    s->id = sid;
    s->complete = false;
  }
  if (!s) return;
  if (type == H2_RST_STREAM)
    stream_drop(c, sid);
  else if ((type == H2_HEADERS || type == H2_DATA) && (flags & H2_FLAG_END_STREAM))
    s->complete = true;
}

typedef struct status_cb {
  char *status;
} status_cb;

static void on_field(void *user, const h2_header *h, const h2_hpack_field_info *info) {
  (void)info;
  status_cb *s = user;
  if (h->name_len == 7 && !memcmp(h->name, ":status", 7) && h->value_len == 3)
    memcpy(s->status, h->value, 3);
}

/* One decoded frame of the peer → check_observed (and -v). */
static void take_frame(check_conn *c, uint64_t offset, const h2_frame *f, h2_status st,
                       const h2_error *err) {
  check_rx rx;
  memset(&rx, 0, sizeof rx);
  rx.hd = f->hd;
  decoded_frame d;
  memset(&d, 0, sizeof d);
  d.frame = *f;
  d.offset = offset;
  d.frame_status = st;
  if (err) d.frame_err = *err;
  if (st == H2_OK) {
    streams_received(c, f);
    switch (f->hd.type) {
    case H2_RST_STREAM:
      rx.error_code = f->u.rst_stream.error_code;
      break;
    case H2_GOAWAY:
      c->goaway = true;
      rx.error_code = f->u.goaway.error_code;
      rx.last_stream_id = f->u.goaway.last_stream_id;
      break;
    case H2_WINDOW_UPDATE:
      rx.increment = f->u.window_update.increment;
      break;
    case H2_PING:
      rx.marker = (f->hd.flags & H2_FLAG_ACK) && !memcmp(f->u.ping.opaque, "\xe2\x9c\x93", 4);
      if (rx.marker) { /* the marker's number follows its four tag bytes */
        h2_cursor oc = h2_cursor_make(f->u.ping.opaque, sizeof f->u.ping.opaque);
        (void)(h2_cursor_skip(&oc, 4) && h2_cursor_get_u32(&oc, &c->marker_acked));
      }
      break;
    case H2_SETTINGS:
      if (f->hd.flags & H2_FLAG_ACK) {
        c->got_settings_ack = true;
      } else {
        c->got_settings = true;
        for (uint32_t i = 0; i < f->u.settings.count; i++) {
          h2_setting s = h2_settings_at(f, i);
          if (s.id < sizeof c->settings / sizeof *c->settings) c->settings[s.id] = s.value;
        }
      }
      break;
    case H2_HEADERS:
    case H2_PUSH_PROMISE:
    case H2_CONTINUATION: {
      const uint8_t *frag = f->hd.type == H2_HEADERS        ? f->u.headers.fragment
                            : f->hd.type == H2_PUSH_PROMISE ? f->u.push_promise.fragment
                                                            : f->u.continuation.fragment;
      uint32_t flen = f->hd.type == H2_HEADERS        ? f->u.headers.fragment_len
                      : f->hd.type == H2_PUSH_PROMISE ? f->u.push_promise.fragment_len
                                                      : f->u.continuation.fragment_len;
      if (f->hd.type != H2_CONTINUATION) {
        h2_buf_reset(&c->block);
        c->block_sid = f->hd.stream_id;
      }
      h2_buf_put(&c->block, frag, flen); /* too large: no status is read from it */
      c->block_open = !(f->hd.flags & H2_FLAG_END_HEADERS);
      if (!c->block_open) {
        char status[4] = "";
        status_cb s = {status};
        h2_hpack_decode_callbacks cb = {.on_field = on_field, .user = &s};
        h2_error e;
        if (c->block.failed ||
            h2_hpack_decode_block(&c->dec, c->block.p, c->block.len, &cb, &e) != H2_OK)
          status[0] = 0;
        /* the status belongs to the HEADERS that opened the block */
        if (c->obs && f->hd.type == H2_CONTINUATION) {
          for (size_t i = c->obs->n; i-- > 0;)
            if (c->obs->rx[i].hd.type == H2_HEADERS && c->obs->rx[i].hd.stream_id == c->block_sid) {
              memcpy(c->obs->rx[i].status, status, 4);
              break;
            }
        }
        if (f->hd.type == H2_HEADERS) memcpy(rx.status, status, 4);
      }
      break;
    }
    default:
      break;
    }
  }
  if (c->t && c->t->verbose) {
    out_puts(c->t->verbose, "    < ");
    frame_print(c->t->verbose, &c->t->po, NULL, &d);
  }
  if (c->obs) check_observed_add(c->obs, &rx);
}

/* Decodes whole frames from c->rx; false when the bytes are not HTTP/2. */
static bool decode_rx(check_conn *c) {
  size_t off = 0;
  while (c->rx.len - off >= H2_FRAME_HEADER_LEN) {
    h2_frame f;
    size_t used = 0;
    h2_error err;
    h2_frame_decode_options o = {.max_frame_size = H2_MAX_FRAME_SIZE_LIMIT, .sender = c->sender};
    h2_status st = h2_frame_decode(c->rx.p + off, c->rx.len - off, &o, &f, &used, &err);
    if (st == H2_NEED_MORE) break;
    if (used == 0) return false; /* too large for any frame: not HTTP/2 */
    /* a frame type above 0x9 with a nonsense length right at the start is
     * most likely an HTTP/1.1 reply ("HTTP/1.1 400"...) */
    if (off == 0 && c->rx.len >= 5 && !memcmp(c->rx.p, "HTTP/", 5)) return false;
    take_frame(c, c->rx_offset + off, &f, st, st == H2_OK ? NULL : &err);
    off += used;
  }
  h2_buf_consume(&c->rx, off);
  c->rx_offset += off;
  return true;
}

void check_conn_read(check_conn *c, bool (*stop)(check_conn *c, void *arg), void *arg,
                     double deadline, double quiet) {
  double last = check_now();
  for (;;) {
    if (stop && stop(c, arg)) return;
    if (c->obs && (c->obs->closed || c->obs->reset || c->obs->not_http2)) return;
    double until = deadline;
    if (c->goaway && (quiet <= 0 || quiet > 0.3)) quiet = 0.3;
    if (quiet > 0 && last + quiet < until) until = last + quiet;
    /* room for the next read: the buffer grows to hold the largest frame
     * there is (2^24-1 octets, §4.2), never more */
    if (!h2_buf_reserve(&c->rx, RX_READ)) {
      mark_gone(c, ENOMEM);
      return;
    }
    size_t n = 0;
    wire_status st = wire_read(&c->w, c->rx.p + c->rx.len, c->rx.cap - c->rx.len, until, &n);
    if (st == WIRE_TIMEOUT) {
      if (c->obs && until >= deadline) c->obs->timed_out = true;
      return;
    }
    if (st != WIRE_OK) {
      if (c->obs) decode_rx(c);
      mark_gone(c, st == WIRE_FAILED ? c->w.err : 0);
      return;
    }
    last = check_now();
    c->rx.len += n;
    if (!decode_rx(c)) {
      if (c->obs) c->obs->not_http2 = true;
      return;
    }
  }
}

/* ---- the case ---- */

static bool stop_marker(check_conn *c, void *arg) {
  if (c->goaway) return true; /* the peer may not answer after GOAWAY */
  if (c->marker_acked != *(uint32_t *)arg) return false;
  c->obs->marker_acked = true;
  return true;
}

/* Our own bytes of a case line, frame by frame as far as their Length
 * fields say (a RAW line need not be frames): counts them, notes the highest
 * stream a HEADERS opened and the requests the peer owes an answer. */
static void note_sent(check_conn *c, const uint8_t *p, size_t n, bool hold) {
  check_observed *o = c->obs;
  size_t off = 0;
  h2_frame_header hd;
  while (n - off >= H2_FRAME_HEADER_LEN &&
         h2_frame_header_decode(p + off, n - off, &hd, NULL) == H2_OK) {
    uint32_t len = hd.length, sid = hd.stream_id;
    uint8_t type = hd.type, flags = hd.flags;
    o->frames_sent++;
    streams_sent(c, type, flags, sid, o->max_stream, hold);
    if (type == H2_HEADERS && sid > o->max_stream) o->max_stream = sid;
    if (len > n - off - H2_FRAME_HEADER_LEN) break;
    off += H2_FRAME_HEADER_LEN + len;
  }
}

/* Whether a case line has the token (a whole word). */
static bool line_has_word(const char *line, const char *word) {
  size_t n = strlen(word);
  for (const char *p = strstr(line, word); p; p = strstr(p + 1, word))
    if ((p == line || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ')) return true;
  return false;
}

/* The write size of a line's "split:N" token (check_build.h); 0: none. */
static size_t line_split(const char *line) {
  for (const char *p = strstr(line, "split:"); p; p = strstr(p + 1, "split:"))
    if (p == line || p[-1] == ' ') return (size_t)strtoul(p + 6, NULL, 10);
  return 0;
}

/* Sends a line's bytes: with split > 0 its first SPLIT_PIECES * split
 * octets in writes of `split` octets a millisecond apart (the peer sees a
 * frame arrive in pieces), the rest in one write. */
#define SPLIT_PIECES 64
static bool send_line(check_conn *c, const uint8_t *p, size_t n, size_t split, double deadline) {
  size_t off = 0;
  for (int piece = 0; split && piece < SPLIT_PIECES && n - off > split; piece++) {
    if (!check_conn_send(c, p + off, split, deadline)) return false;
    off += split;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  return check_conn_send(c, p + off, n - off, deadline);
}

/* The final wait of a case: over as soon as the reaction is decided. */
typedef struct final_wait {
  const char *expect;
  bool settle;     /* the expectation can be met early (not NOTHING/ANY) */
  uint32_t marker; /* the marker sent after the last line; 0: none */
} final_wait;

static bool stop_decided(check_conn *c, void *arg) {
  const final_wait *w = arg;
  if (w->settle && check_grade_settled(w->expect, c->obs)) return true;
  /* the barrier: the peer answered the PING sent after our last frames, so
   * it has sent every reaction to them (§6.7, frames are processed in
   * order); what is left are the responses to complete requests */
  return w->marker && c->marker_acked == w->marker && !answer_owed(c);
}

void check_conn_run_lines(check_conn *c, const check_case *cs, double deadline, check_result *r) {
  check_observed *o = c->obs;
  check_build_ctx ctx = {.path = c->t ? c->t->path : NULL,
                         .authority = c->t ? c->t->host : NULL,
                         .stream1 = c->stream1};
  /* "RST_STREAM 1 CODE" names the mapped stream too */
  char expect[256];
  unsigned esid;
  char ecodes[128];
  if (c->stream1 && sscanf(cs->expect, "RST_STREAM %u %127s", &esid, ecodes) == 2 && esid == 1)
    snprintf(expect, sizeof expect, "RST_STREAM %u %s", c->stream1, ecodes);
  else
    snprintf(expect, sizeof expect, "%s", cs->expect);
  char line[4096], err[160];
  bool last_opened = false;
  for (size_t li = 0; check_frames_line(cs->frames, li, line, sizeof line); li++) {
    if (o->closed || o->reset || o->not_http2) break;
    h2_buf *wire = &c->tx;
    h2_buf_reset(wire);
    if (!check_build_line(&ctx, line, wire, err, sizeof err)) {
      r->verdict = CHECK_FAIL;
      snprintf(r->why, sizeof r->why, "bad case line '%.80s': %.160s", line, err);
      return;
    }
    note_sent(c, wire->p, wire->len, line_has_word(line, "hold"));
    size_t split = line_split(line);
    if (strncmp(line, "RAW", 3) != 0 && check_line_opens_block(wire->p, wire->len)) {
      /* nothing may follow inside an open field block (§4.3): no marker */
      last_opened = true;
      send_line(c, wire->p, wire->len, split, deadline);
      continue;
    }
    last_opened = false;
    size_t frames_len = wire->len;
    check_conn_marker(c, wire);
    o->marker_acked = false;
    if (split && !send_line(c, wire->p, frames_len, split, deadline)) break;
    if (!check_conn_send(c, wire->p + (split ? frames_len : 0),
                         wire->len - (split ? frames_len : 0), deadline))
      break;
    uint32_t want = c->markers_sent;
    check_conn_read(c, stop_marker, &want, deadline, 0);
  }
  /* wait until the reaction is decided (stop_decided); a quiet period ends
   * the wait only where no barrier can: the last line left a field block
   * open (no PING may follow, §4.3), a request is still unanswered, or the
   * peer ignores PING */
  double quiet = c->t && c->t->timeout < 1 ? c->t->timeout / 2 : 0.5;
  bool report_only = !strcmp(expect, "NOTHING") || !strcmp(expect, "ANY");
  final_wait w = {expect, !report_only, last_opened ? 0 : c->markers_sent};
  double fallback = last_opened ? quiet : report_only ? 0.3 : o->marker_acked ? quiet : 0;
  check_conn_read(c, stop_decided, &w, deadline, fallback);
  r->verdict = check_grade(expect, o, r->why, sizeof r->why);
  r->peer_refused = o->closed || o->reset || check_observed_find(o, H2_GOAWAY, UINT32_MAX);
  check_observed_text(o, r->actual, sizeof r->actual);
  r->closed = o->closed;
  r->reset = o->reset;
  r->timed_out = o->timed_out;
  r->marker_acked = o->marker_acked;
  if (!strcmp(expect, "ANY")) /* robustness: how much the peer took */
    snprintf(r->why, sizeof r->why, "sent %zu frames%s", o->frames_sent,
             o->marker_acked ? "; the connection still answers PING" : "");
}

/* ---- server target ---- */

static bool stop_handshake(check_conn *c, void *arg) {
  (void)arg;
  return c->got_settings && c->got_settings_ack;
}

static bool stop_settings(check_conn *c, void *arg) {
  (void)arg;
  return c->got_settings;
}

/* "max_concurrent_streams<=128": whether the peer's SETTINGS satisfy it. */
bool check_conn_needs_met(const check_conn *c, const char *needs, char *why, size_t cap) {
  char name[64], op[3] = "";
  unsigned long limit = 0;
  if (sscanf(needs, "%63[a-z_0-9]%2[<=]%lu", name, op, &limit) != 3) return true;
  bool at_most = !strcmp(op, "<="); /* else "=": exactly (an absent setting has its default) */
  /* "max_concurrent_streams" names SETTINGS_MAX_CONCURRENT_STREAMS (§6.5.2);
   * "enable_connect_protocol" the RFC 8441 §3 one (default 0). */
  for (uint16_t id = H2_SETTINGS_HEADER_TABLE_SIZE; id <= H2_SETTINGS_NO_RFC7540_PRIORITIES; id++) {
    const char *full = h2_settings_name(id);
    if (!full || strcasecmp(name, full + strlen("SETTINGS_")) != 0) continue;
    uint32_t v = c->settings[id];
    if (at_most && v != UINT32_MAX && v <= limit) return true;
    /* the extension settings default to 0 (RFC 8441 §3, RFC 9218 §2.1) */
    uint32_t dflt = id >= H2_SETTINGS_ENABLE_CONNECT_PROTOCOL ? 0 : UINT32_MAX;
    uint32_t have = v == UINT32_MAX ? dflt : v;
    if (!at_most && have == limit) return true;
    if (v == UINT32_MAX)
      snprintf(why, cap, "needs %s %s %lu; the peer did not send it (default applies)", full, op,
               limit);
    else
      snprintf(why, cap, "needs %s %s %lu; the peer announced %u", full, op, limit, v);
    return false;
  }
  return true;
}

void check_run_case(const check_target *t, const check_case *cs, check_result *r) {
  memset(r, 0, sizeof *r);
  double start = check_now(), deadline = start + t->timeout;
  char err[256] = "";
  check_conn c;
  /* what the peer sends during the handshake is not part of the reaction */
  check_observed *handshake_obs = calloc(1, sizeof *handshake_obs);
  check_observed *o = calloc(1, sizeof *o);
  if (!o || !handshake_obs || !check_conn_init(&c, H2_SENDER_SERVER, t)) {
    free(o);
    free(handshake_obs);
    r->verdict = CHECK_SKIP;
    snprintf(r->why, sizeof r->why, "out of memory");
    return;
  }
  wire_peer peer = {.host = t->host, .port = t->port, .tls = t->tls, .tls_client = t->tls_client};
  wire_connect_error ce = wire_connect(&c.w, &peer, deadline, err, sizeof err);
  if (ce != WIRE_CONNECT_OK) {
    r->verdict = CHECK_SKIP;
    r->connect_failed = true;
    if (ce == WIRE_CONNECT_TLS)
      snprintf(r->why, sizeof r->why, "TLS: %s", err);
    else
      snprintf(r->why, sizeof r->why, "cannot connect: %s:%s: %s", t->host, t->port, err);
    snprintf(r->actual, sizeof r->actual, "no connection");
    check_conn_close(&c);
    free(o);
    free(handshake_obs);
    return;
  }
  if (strcmp(cs->handshake, "none") != 0) {
    c.obs = handshake_obs;
    h2_buf *b = &c.tx; /* the connection's send buffer */
    h2_buf_reset(b);
    h2_buf_put(b, H2_PREFACE, H2_PREFACE_LEN);
    char settings_line[256] = "SETTINGS - 0";
    if (!strncmp(cs->handshake, "settings:", 9))
      snprintf(settings_line, sizeof settings_line, "SETTINGS - 0 hex:%s", cs->handshake + 9);
    if (!check_build_line(NULL, settings_line, b, err, sizeof err)) {
      r->verdict = CHECK_FAIL;
      snprintf(r->actual, sizeof r->actual, "not run");
      snprintf(r->why, sizeof r->why, "the case's handshake '%s' cannot be built: %s",
               cs->handshake, err);
      goto done;
    }
    if (check_conn_send(&c, b->p, b->len, deadline))
      check_conn_read(&c, stop_settings, NULL, deadline, 0);
    if (c.got_settings) {
      h2_buf_reset(b);
      check_build_line(NULL, "SETTINGS ACK 0", b, err, sizeof err);
      check_conn_send(&c, b->p, b->len, deadline);
      /* our SETTINGS' ACK belongs to the handshake, not to the case */
      check_conn_read(&c, stop_handshake, NULL, deadline, 0);
    }
    if (!c.got_settings) {
      r->verdict = CHECK_FAIL;
      r->no_settings = true;
      r->closed = handshake_obs->closed;
      r->reset = handshake_obs->reset;
      r->timed_out = handshake_obs->timed_out;
      check_observed_text(handshake_obs, r->actual, sizeof r->actual);
      snprintf(r->why, sizeof r->why,
               "no SETTINGS from the server after the preface (RFC 9113 §3.4)");
      goto done;
    }
    if (cs->needs && !check_conn_needs_met(&c, cs->needs, r->why, sizeof r->why)) {
      r->verdict = CHECK_SKIP;
      snprintf(r->actual, sizeof r->actual, "not run");
      goto done;
    }
  }
  c.obs = o;
  check_conn_run_lines(&c, cs, deadline, r);
done:
  check_conn_close(&c);
  free(o);
  free(handshake_obs);
  r->seconds = check_now() - start;
}
