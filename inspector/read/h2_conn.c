/* h2_conn.c — HTTP/2 detection and per-direction decoding of one captured
 * connection (h2_conn.h). */
#include "h2_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extensions.h"
#include "field_rules.h"
#include "h2/observer.h"
#include "h2_detect.h"
#include "stall_events.h"
#include "upgrade_keep.h"

#define HOLD_LIMIT (64 * 1024) /* bytes held per direction while deciding */
/* The buffer's hard cap: HOLD_LIMIT and one delivery (at most a 256 KiB
 * capture record's payload, or a TLS record) with room to spare. */
#define HOLD_MAX (HOLD_LIMIT + 1024 * 1024)

typedef struct dir_ctx {
  h2_conn *c;
  int dir;
} dir_ctx;

/* The stream decoders' callbacks need to know their connection and direction;
 * two small contexts live right after the h2_conn. */
typedef struct conn_alloc {
  h2_conn conn;
  dir_ctx ctx[2];
  upgrade_request *up; /* only for connections that ask for Upgrade: h2c */
  /* The stream-state rules (§5.1, §5.1.1) for the notes: the session's table
   * in the observer role (h2/observer.h), the one place that knows them;
   * created at the first frame when the roles are known. While it judges a
   * frame its findings go to notes[0..*n) (cap). */
  h2_observer *observer;
  /* Extension frames, extended CONNECT and WebSocket streams (created at
   * the first frame). */
  ext_conn *ext;
  frame_note *notes;
  size_t *n, cap;
  bool fed; /* the observer judged the frame being decoded (its windows are this frame's) */
  /* The frame being judged, for the stall events it causes. */
  int cur_dir;
  uint64_t cur_offset;
  /* Stall events of the frame being judged, told after the frame itself
   * (a SETTINGS can end one per open stream: grows up to the observer's
   * stream table). */
  stall_queue stalls;
  bool in_frame;
  bool observer_failed; /* h2_observer_new found no memory: not asked again */
  bool memory_said;     /* a limit-memory event was told (memory_limit: the first only) */
} conn_alloc;

static void event_with(h2_conn *c, int dir, const char *ev, uint64_t offset, const char *msg,
                       const event_data *data) {
  if (c->sink.on_event) c->sink.on_event(c->sink.user, c, dir, ev, offset, msg, data);
}

static void event(h2_conn *c, int dir, const char *ev, uint64_t offset, const char *msg) {
  event_with(c, dir, ev, offset, msg, NULL);
}

/* An allocation that failed and what the connection's output lacks for
 * it: a "limit" event (kind limit-memory), always. */
static void memory_lost(h2_conn *c, int dir, uint64_t offset, const char *what) {
  ((conn_alloc *)c)->memory_said = true;
  char msg[256]; /* what: at most 200 */
  snprintf(msg, sizeof msg, "out of memory: %s", what);
  event_data data = {.kind = EVENT_DATA_KIND, .kind_id = "limit-memory"};
  event_with(c, dir, "limit", offset, msg, &data);
}

/* The same for what the connection can do without (a check, a record of
 * the Upgrade): the first of the connection only. */
static void memory_limit(h2_conn *c, int dir, uint64_t offset, const char *what) {
  if (!((conn_alloc *)c)->memory_said) memory_lost(c, dir, offset, what);
}

/* Stream-state findings of the observer (§5.1, §5.1.1, §6.6) as notes on
 * the frame being judged; the message is the catalogue's (static). */
static void on_state_finding(void *user, const h2_finding *f) {
  conn_alloc *a = user;
  if (!a->notes || *a->n >= a->cap) return;
  if (strcmp(f->section, "RFC 9113 §5.1") != 0 && strcmp(f->section, "RFC 9113 §5.1.1") != 0 &&
      strcmp(f->id, "push-on-closed-stream") != 0 &&
      strcmp(f->id, "priorities-setting-changed") != 0 &&
      strcmp(f->id, "connect-protocol-withdrawn") != 0)
    return;
  const char *id, *description = NULL;
  for (size_t i = 0; h2_observer_rule_at(i, &id, NULL, NULL, &description); i++)
    if (!strcmp(id, f->id)) break;
  a->notes[(*a->n)++] = (frame_note){
      .rule = f->id, .message = description ? description : f->id, .section = f->section};
}

/* A zero-window stall (h2/observer.h) as a "stall-begin" or "stall-end"
 * event: at the frame that began it (the sender's DATA) or ended it (the
 * receiver's WINDOW_UPDATE or SETTINGS, the frame that closed the stream),
 * or at the connection's end, in the sender's direction. */
static void stall_event(conn_alloc *a, const h2_window_stall *s) {
  h2_conn *c = &a->conn;
  bool at_end = s->end && (!strcmp(s->why, "connection-end") || !strcmp(s->why, "history-lost"));
  char msg[200];
  event_data data;
  const char *ev = stall_describe(s, at_end ? c->last_ts : c->ts, msg, sizeof msg, &data);
  event_with(c, at_end ? s->sender : a->cur_dir, ev,
             at_end ? c->dir[s->sender].bytes : a->cur_offset, msg, &data);
}

static void on_stall(void *user, const h2_window_stall *s) {
  conn_alloc *a = user;
  if (!a->in_frame)
    stall_event(a, s);
  else if (!stall_queue_push(&a->stalls, s))
    memory_limit(&a->conn, a->cur_dir, a->cur_offset, "a stall event is lost");
}

static void observe_states(h2_conn *c, int dir, const decoded_frame *d, frame_note *notes,
                           size_t *n, size_t cap) {
  const h2_frame *f = &d->frame;
  conn_alloc *a = (conn_alloc *)c;
  if (!a->observer) {
    h2_observer_config cfg;
    memset(&cfg, 0, sizeof cfg); /* no thresholds: the abusive patterns are --lint's */
    cfg.upgraded = c->upgrade;
    cfg.on_finding = on_state_finding;
    cfg.on_stall = on_stall;
    cfg.user = a;
    cfg.no_window_view = c->opt.skip_frame_details; /* then sd_on_frame never asks */
    a->observer = a->observer_failed ? NULL : h2_observer_new(&cfg);
    if (!a->observer) {
      if (!a->observer_failed)
        memory_limit(c, dir, d->offset, "the stream states of this connection are not checked");
      a->observer_failed = true;
      return;
    }
    if (c->states.history_unknown) h2_observer_lost_history(a->observer);
  }
  a->notes = notes;
  a->n = n;
  a->cap = cap;
  a->cur_dir = dir;
  a->cur_offset = d->offset;
  h2_observer_mark(a->observer, d->offset, d->pkt_last);
  h2_observer_frame(a->observer, dir, f, NULL, c->ts);
  a->notes = NULL;
  a->fed = true;
}

/* Connection-context rules for a well-formed frame: the field list against
 * §8.2/§8.3 (as a request, response or trailers, which the stream states
 * tell) and the frame against the observed stream states (§5.1). */
static size_t check_rules(h2_conn *c, int dir, decoded_frame *d, frame_note *notes, size_t cap) {
  const h2_frame *f = &d->frame;
  size_t n = 0;
  /* Without the handshake, which side is the client is a guess: only the
   * rules that do not depend on roles or history are applied. */
  bool roles_known = !c->midstream || c->upgrade;
  if (f->hd.type == H2_HEADERS) {
    c->block_stream[dir] = f->hd.stream_id;
    c->block_push[dir] = false;
  } else if (f->hd.type == H2_PUSH_PROMISE) {
    c->block_stream[dir] = f->u.push_promise.promised_stream_id;
    c->block_push[dir] = true;
  }
  int kind = FIELD_BLOCK_UNKNOWN;
  h2_field_facts facts;
  const h2_field_facts *list = NULL; /* the facts of the list d completed */
  if (d->block_complete && d->block_status == H2_OK) {
    if (roles_known)
      kind = stream_states_block_kind(&c->states, dir, c->block_stream[dir], c->block_push[dir]);
    field_rules_check(kind, d->headers, d->infos, d->header_count, notes, &n, cap, &facts);
    list = &facts;
    int status = facts.status;
    if (kind == FIELD_BLOCK_RESPONSE && status >= 100 && status < 200)
      kind = FIELD_BLOCK_UNKNOWN; /* informational: the final response is still to come */
  }
  if (roles_known) {
    /* stream_states follows the messages (which block is a request, a
     * response or trailers); of its notes only §8.1's DATA before HEADERS
     * stays: the observer judges the stream states. */
    frame_note state_notes[4];
    size_t state_n = 0;
    stream_states_observe(&c->states, dir, f, state_notes, &state_n, 4);
    for (size_t i = 0; i < state_n; i++)
      if (!strcmp(state_notes[i].rule, "data-before-headers") && n < cap)
        notes[n++] = state_notes[i];
    observe_states(c, dir, d, notes, &n, cap);
  }
  /* A PUSH_PROMISE's request is the client's side of the promised stream,
   * which stream_states already marks; the server's response is to come. */
  if ((kind == FIELD_BLOCK_REQUEST || kind == FIELD_BLOCK_RESPONSE) && !c->block_push[dir])
    stream_states_block_final(&c->states, dir, c->block_stream[dir]);
  conn_alloc *a = (conn_alloc *)c;
  if (!a->ext && !(a->ext = ext_conn_new(NULL)))
    memory_limit(c, dir, d->offset, "the extension frames of this connection are not checked");
  if (a->ext && ext_conn_has_work(a->ext, f->hd.type, list))
    ext_conn_frame(a->ext, dir, roles_known, c->block_stream[dir], d, list, notes, &n, cap);
  return n;
}

/* d1: the decoder's frame, completed in place (stream_decoder.h). */
static void sd_on_frame(void *user, decoded_frame *d1) {
  dir_ctx *x = user;
  h2_conn *c = x->c;
  conn_dir *d = &c->dir[x->dir];
  d1->offset += d->base;
  const h2_frame *f = &d1->frame;
  /* The packets of the frame's first and last byte; the next frame starts
   * right after it. */
  uint64_t end = d1->offset + H2_FRAME_HEADER_LEN + f->hd.length;
  if (!c->opt.skip_frame_details) {
    d1->pkt_file = c->pkt_file;
    pkt_map_frame(&d->pkts, d1->offset, end, &d1->pkt_file, &d1->pkt_first, &d1->pkt_last);
    if (!d1->pkt_last) d1->pkt_last = c->pkt;
  }
  d->frames++;
  d->frames_by_type[f->hd.type <= H2_CONTINUATION ? f->hd.type : 10]++;
  frame_note notes[8];
  d1->peer_list_limit_set = c->dir[!x->dir].max_list_set;
  d1->peer_list_limit = c->dir[!x->dir].max_list;
  conn_alloc *a = (conn_alloc *)c;
  a->fed = false;
  a->in_frame = true;
  if (d1->frame_status == H2_OK) {
    d1->notes = notes;
    d1->note_count = check_rules(c, x->dir, d1, notes, sizeof notes / sizeof *notes);
  }
  a->in_frame = false;
  if (a->fed && !c->opt.skip_frame_details && h2_observer_windows(a->observer, &d1->windows) &&
      d1->windows.changed)
    d1->windows_set = true;
  if (d1->frame_status != H2_OK || (d1->block_complete && d1->block_status != H2_OK) ||
      d1->note_count)
    d->errors++;
  if (d1->frame_status == H2_OK) {
    if (f->hd.type == H2_SETTINGS && !(f->hd.flags & H2_FLAG_ACK)) {
      for (uint32_t i = 0; i < f->u.settings.count; i++) {
        h2_setting s = h2_settings_at(f, i);
        if (s.id == H2_SETTINGS_HEADER_TABLE_SIZE) {
          d->pending_has_table = true;
          d->pending_table = s.value;
        } else if (s.id == H2_SETTINGS_MAX_FRAME_SIZE) {
          d->pending_has_frame = true;
          d->pending_frame = s.value;
        } else if (s.id == H2_SETTINGS_MAX_HEADER_LIST_SIZE) {
          d->max_list_set = true;
          d->max_list = s.value;
        }
      }
      d->settings_pending = true;
    } else if (f->hd.type == H2_SETTINGS) {
      /* The ACK from this direction: the other side's settings now bind what
       * this direction sends (§6.5.3). */
      conn_dir *o = &c->dir[!x->dir];
      if (o->settings_pending && d->sd) {
        if (o->pending_has_table)
          h2_hpack_decoder_set_max_table_size(stream_decoder_hpack(d->sd), o->pending_table);
        if (o->pending_has_frame) stream_decoder_set_max_frame_size(d->sd, o->pending_frame);
        o->settings_pending = o->pending_has_table = o->pending_has_frame = false;
      }
    } else if (f->hd.type == H2_HEADERS) {
      uint32_t sid = f->hd.stream_id;
      if (sid > c->max_stream[sid & 1]) {
        c->max_stream[sid & 1] = sid;
        c->streams++;
      }
    } else if (f->hd.type == H2_PUSH_PROMISE) {
      uint32_t sid = f->u.push_promise.promised_stream_id;
      if (sid > c->max_stream[sid & 1]) {
        c->max_stream[sid & 1] = sid;
        c->streams++;
      }
    }
  }
  if (c->sink.on_frame) c->sink.on_frame(c->sink.user, c, x->dir, d1);
  for (size_t i = 0; i < a->stalls.n; i++)
    stall_event(a, &a->stalls.items[i]);
  a->stalls.n = 0;
}

static void sd_on_event(void *user, const char *ev, uint64_t offset, const char *msg) {
  dir_ctx *x = user;
  conn_dir *d = &x->c->dir[x->dir];
  if (!strcmp(ev, "limit")) { /* ours, not the peer's: -q does not hide it */
    memory_lost(x->c, x->dir, offset + d->base, msg);
    return;
  }
  /* A frame or preface cut off (at a gap or at the end of the capture) is
   * capture loss, not something a peer got wrong. */
  if (!strcmp(ev, "truncated"))
    d->truncated++;
  else if (strcmp(ev, "preface") != 0)
    d->errors++;
  event(x->c, x->dir, ev, offset + d->base, msg);
}

/* Appends a delivery to the bytes held while deciding. decide() settles a
 * direction once it holds HOLD_LIMIT bytes, so the buffer holds less than
 * that plus one delivery (a TCP segment's payload, a TLS record); what does
 * not fit in HOLD_MAX (or in memory) is skipped, with what was held, and
 * said. False then: there is nothing new to decide on. */
static bool hold(h2_conn *c, int dir, const uint8_t *data, size_t len) {
  conn_dir *d = &c->dir[dir];
  if (h2_buf_put(&d->held, data, len)) return true;
  char msg[200];
  size_t n = d->held.len + len;
  if (len > d->held.limit - d->held.len) {
    snprintf(msg, sizeof msg, "%zu bytes skipped while deciding: more than %d bytes to hold", n,
             HOLD_MAX);
    event(c, dir, "skipped", d->buf_offset, msg);
  } else {
    snprintf(msg, sizeof msg, "%zu bytes skipped while deciding", n);
    memory_lost(c, dir, d->buf_offset, msg);
  }
  d->ignored += n;
  d->buf_offset += n;
  h2_buf_reset(&d->held);
  return false;
}

/* Removes n bytes from the front of the held buffer. */
static void consume(conn_dir *d, size_t n) {
  h2_buf_consume(&d->held, n);
  d->buf_offset += n;
}

static void ignore_dir(h2_conn *c, int dir);

static void start_h2(h2_conn *c, int dir, uint8_t preface, bool state_unknown) {
  conn_dir *d = &c->dir[dir];
  conn_alloc *a = (conn_alloc *)c;
  stream_decoder_config cfg = {.preface = preface,
                               .sender = dir == FLOW_DIR_C2S ? H2_SENDER_CLIENT : H2_SENDER_SERVER,
                               .max_header_list = c->opt.max_header_list,
                               .scratch = c->opt.scratch};
  if (c->midstream && !c->upgrade)
    cfg.sender = H2_SENDER_UNKNOWN; /* roles are a guess without a handshake */
  stream_decoder_callbacks cb = {
      .on_frame = sd_on_frame, .on_event = sd_on_event, .user = &a->ctx[dir]};
  if (d->sd) stream_decoder_free(d->sd);
  d->sd = stream_decoder_new(&cfg, &cb);
  if (!d->sd) {
    /* A limit event: under -q it still reaches the output instead of
     * vanishing with the frames. */
    memory_lost(c, dir, d->buf_offset,
                "no frame decoder: this direction's bytes are counted, not decoded");
    ignore_dir(c, dir);
    return;
  }
  if (state_unknown) h2_hpack_decoder_set_state_unknown(stream_decoder_hpack(d->sd));
  d->state = DIR_H2;
  d->base = d->buf_offset;
  c->is_h2 = true;
  size_t n = d->held.len;
  d->held.len = 0;
  d->buf_offset += n;
  if (n) stream_decoder_feed(d->sd, d->held.p, n);
}

static void ignore_dir(h2_conn *c, int dir) {
  conn_dir *d = &c->dir[dir];
  d->ignored += d->held.len;
  d->buf_offset += d->held.len;
  d->held.len = 0;
  d->state = DIR_IGNORE;
  (void)c;
}

static void not_http2(h2_conn *c, int dir, const char *why) {
  char msg[200];
  snprintf(msg, sizeof msg, "%s; its bytes are counted, not decoded", why);
  event(c, dir, "not-http2", c->dir[dir].buf_offset, msg);
  ignore_dir(c, 0);
  ignore_dir(c, 1);
}

/* The side read took for the server is the client: read's own numbering
 * flips (the capture's stays as it is; client_dir maps one onto the other). */
static void swap_dirs(h2_conn *c) {
  c->client_dir ^= 1;
  conn_dir t = c->dir[0];
  c->dir[0] = c->dir[1];
  c->dir[1] = t;
  uint32_t m = c->max_stream[0];
  c->max_stream[0] = c->max_stream[1];
  c->max_stream[1] = m;
}

/* Keeps the HTTP/1.1 Upgrade request (upgrade_keep.h); said when there is
 * no memory for it. */
static void keep_upgrade(conn_alloc *a, const http1_head *h) {
  if (!a->up && !(a->up = upgrade_keep_new()))
    memory_limit(&a->conn, FLOW_DIR_C2S, a->conn.dir[FLOW_DIR_C2S].buf_offset,
                 "the HTTP/1.1 Upgrade request is not kept");
  else
    upgrade_keep(a->up, h);
}

static void decide(h2_conn *c, int dir, bool final);

/* An HTTP/1.x head in direction dir. */
static void on_http1(h2_conn *c, int dir, bool final) {
  conn_dir *d = &c->dir[dir];
  conn_alloc *a = (conn_alloc *)c;
  http1_head h;
  int r = http1_parse_head(d->held.p, d->held.len, &h);
  if (r == 0) {
    if (final || d->held.len >= HOLD_LIMIT) not_http2(c, dir, "an HTTP/1.x head that never ends");
    return;
  }
  if (r < 0) {
    not_http2(c, dir, "neither HTTP/2 nor HTTP/1.x");
    return;
  }
  if (dir == FLOW_DIR_C2S && h.is_request) {
    if (h.upgrade_h2c || !strcmp(h.method, "CONNECT")) {
      if (h.upgrade_h2c) keep_upgrade(a, &h);
      c->upgrade = h.upgrade_h2c;
      size_t body = h.content_length < d->held.len - h.head_len ? (size_t)h.content_length
                                                                : d->held.len - h.head_len;
      d->ignored += h.head_len + body;
      consume(d, h.head_len + body);
      d->state = DIR_AWAIT;
      if (c->dir[1].state == DIR_START && c->dir[1].held.len) decide(c, 1, final);
      return;
    }
    not_http2(c, dir, "HTTP/1.1 without Upgrade: h2c");
    return;
  }
  if (dir == FLOW_DIR_S2C && !h.is_request && c->dir[0].state == DIR_AWAIT) {
    d->ignored += h.head_len;
    consume(d, h.head_len);
    if (c->upgrade && h.status == 101) {
      char msg[160];
      snprintf(msg, sizeof msg,
               "HTTP/1.1 Upgrade: h2c accepted (101); HTTP/2 starts at offset %llu "
               "of the server direction",
               (unsigned long long)d->buf_offset);
      if (c->sink.on_upgrade && a->up)
        c->sink.on_upgrade(c->sink.user, c, dir, d->buf_offset, msg, &a->up->req);
      else
        event(c, dir, "upgrade", d->buf_offset, msg);
      if (c->sink.on_upgrade_request && a->up)
        c->sink.on_upgrade_request(c->sink.user, c, a->up->fields, a->up->count);
      /* Stream 1 exists, half-closed (local) for the client. */
      c->max_stream[1] = 1;
      c->streams = 1;
      bool known = !c->states.history_unknown;
      stream_states_upgrade(&c->states); /* no memory for stream 1: history unknown */
      if (known && c->states.history_unknown)
        memory_limit(c, dir, d->buf_offset, "the stream states of this connection are not checked");
      start_h2(c, FLOW_DIR_S2C, STREAM_PREFACE_FORBID, false);
      start_h2(c, FLOW_DIR_C2S, STREAM_PREFACE_REQUIRE, false);
      return;
    }
    if (!c->upgrade && h.status >= 200 && h.status < 300) {
      /* CONNECT tunnel: the tunnelled bytes are a new conversation. */
      event(c, dir, "detect", d->buf_offset,
            "HTTP/1.1 CONNECT tunnel established; looking for HTTP/2 inside");
      c->dir[0].state = DIR_START;
      d->state = DIR_START;
      decide(c, 0, final);
      if (d->state == DIR_START) decide(c, 1, final);
      return;
    }
    not_http2(c, dir,
              c->upgrade ? "the server refused Upgrade: h2c"
                         : "the CONNECT request was not accepted");
    return;
  }
  not_http2(c, dir, "HTTP/1.x traffic");
}

static void decide(h2_conn *c, int dir, bool final) {
  conn_dir *d = &c->dir[dir];
  size_t off = 0;
  if (d->state == DIR_AWAIT) {
    if (d->held.len >= HOLD_LIMIT || final)
      not_http2(c, dir, "HTTP/1.1 request never answered with an upgrade");
    return;
  }
  if (c->alpn_h2 && d->state == DIR_START) {
    event(c, dir, "detect", d->buf_offset, "HTTP/2 negotiated by TLS ALPN (h2)");
    /* The server's bytes first when both are held: they came first. */
    start_h2(c, FLOW_DIR_S2C, STREAM_PREFACE_FORBID, false);
    start_h2(c, FLOW_DIR_C2S, STREAM_PREFACE_REQUIRE, false);
    return;
  }
  bool full = final || d->held.len >= HOLD_LIMIT;
  unsigned chain = c->opt.force_h2 ? 1 : (d->state == DIR_SYNC ? 2 : 3);
  detect_result r = h2_detect(d->held.p, d->held.len, full, chain, &off);
  if (d->state == DIR_SYNC && r == DETECT_HTTP1)
    r = DETECT_NO; /* text after a gap is just bytes until a frame boundary */
  switch (r) {
  case DETECT_NEED_MORE:
    return;
  case DETECT_PREFACE:
    if (dir == FLOW_DIR_S2C) {
      /* The side we took for the server sent the preface: it is the client. */
      swap_dirs(c);
      dir = FLOW_DIR_C2S;
    }
    if (c->dir[dir].state != DIR_SYNC)
      event(c, dir, "detect", c->dir[dir].buf_offset, "HTTP/2 with prior knowledge (preface)");
    /* The server side is HTTP/2 too, from its first byte (§3.4). Bytes it
     * sent before the preface arrived (servers often send SETTINGS at once)
     * are decoded first: they came first, and a SETTINGS among them must be
     * pending when the client's ACK is decoded (§6.5.3). */
    if (c->dir[!dir].state == DIR_START) start_h2(c, !dir, STREAM_PREFACE_FORBID, false);
    start_h2(c, dir, STREAM_PREFACE_REQUIRE, false);
    return;
  case DETECT_HTTP1:
    if (d->state == DIR_START) {
      on_http1(c, dir, final);
      return;
    }
    /* fall through: HTTP/1 text inside a resync is just bytes */
    /* FALLTHROUGH */
  case DETECT_NO:
    if (c->opt.force_h2 || d->state == DIR_SYNC || c->is_h2) {
      if (d->held.len >= HOLD_LIMIT || final) {
        /* Keep the last 8 bytes: a frame header may straddle. */
        size_t drop = final ? d->held.len : d->held.len - 8;
        char msg[160];
        snprintf(msg, sizeof msg, "%zu bytes without a plausible frame boundary skipped", drop);
        event(c, dir, "skipped", d->buf_offset, msg);
        d->ignored += drop;
        consume(d, drop);
        d->state = DIR_SYNC;
      }
      return;
    }
    not_http2(c, dir, "no HTTP/2 preface, HTTP/1.1 upgrade or frame sequence found");
    return;
  case DETECT_FRAMES: {
    bool resync = d->state == DIR_SYNC;
    if (off > 0) {
      char msg[160];
      snprintf(msg, sizeof msg, "%zu bytes before the first frame boundary skipped", off);
      event(c, dir, "skipped", d->buf_offset, msg);
      d->ignored += off;
      consume(d, off);
    }
    if (!resync) {
      c->midstream = true;
      event(c, dir, "detect", d->buf_offset,
            c->opt.force_h2 ? "HTTP/2 forced by --port: decoding from a frame boundary"
                            : "HTTP/2 found mid-connection (a consistent chain of frames); "
                              "header fields that need the dynamic table from before are "
                              "undecodable");
    } else {
      c->resyncs++;
      event(c, dir, "resync", d->buf_offset, "frame boundary found again");
    }
    start_h2(c, dir, STREAM_PREFACE_AUTO, true);
    return;
  }
  }
}

h2_conn *h2_conn_new(capture_flow *f, const conn_options *opt, const read_sink *sink, double ts) {
  conn_alloc *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  h2_conn *c = &a->conn;
  c->flow = f;
  c->opt = *opt;
  c->sink = *sink;
  c->first_ts = c->last_ts = c->ts = ts;
  for (int i = 0; i < 2; i++) {
    a->ctx[i].c = c;
    a->ctx[i].dir = i;
    h2_buf_init(&c->dir[i].held, HOLD_MAX);
  }
  return c;
}

void h2_conn_free(h2_conn *c) {
  if (!c) return;
  for (int i = 0; i < 2; i++) {
    stream_decoder_free(c->dir[i].sd);
    h2_buf_free(&c->dir[i].held);
  }
  stream_states_free(&c->states);
  h2_observer_free(((conn_alloc *)c)->observer);
  ext_conn_free(((conn_alloc *)c)->ext);
  stall_queue_free(&((conn_alloc *)c)->stalls);
  free(((conn_alloc *)c)->up);
  free((conn_alloc *)c);
}

void h2_conn_bytes(h2_conn *c, int dir, uint64_t offset, const uint8_t *data, size_t len,
                   double ts) {
  dir ^= c->client_dir; /* the capture's direction → the role */
  c->ts = c->last_ts = ts;
  conn_dir *d = &c->dir[dir];
  d->bytes += len;
  c->pkt = c->flow->pkt_last;
  c->pkt_file = c->flow->pkt_file;
  if (!c->opt.skip_frame_details)
    pkt_map_add(&d->pkts, offset, len, c->flow->pkt_first, c->flow->pkt_last, c->flow->pkt_file);
  switch (d->state) {
  case DIR_H2:
    stream_decoder_feed(d->sd, data, len);
    return;
  case DIR_IGNORE:
    d->ignored += len;
    return;
  default:
    if (hold(c, dir, data, len)) decide(c, dir, false);
  }
}

void h2_conn_alpn_h2(h2_conn *c, int client_dir) {
  if (c->is_h2 || c->dir[0].state != DIR_START || c->dir[1].state != DIR_START ||
      c->dir[0].held.len || c->dir[1].held.len)
    return;
  if (client_dir != h2_conn_capture_dir(c, FLOW_DIR_C2S)) swap_dirs(c);
  c->alpn_h2 = true;
}

void h2_conn_gap(h2_conn *c, int dir, uint64_t offset, uint64_t len, double ts) {
  dir ^= c->client_dir; /* the capture's direction → the role */
  c->ts = c->last_ts = ts;
  c->gaps++;
  c->gap_bytes += len;
  conn_dir *d = &c->dir[dir];
  char msg[160];
  snprintf(msg, sizeof msg, "%llu bytes at offset %llu were not captured", (unsigned long long)len,
           (unsigned long long)offset);
  event(c, dir, "gap", offset, msg);
  if (d->state == DIR_IGNORE) return;
  /* Frames were lost: which streams opened or closed in them is unknown. */
  c->states.history_unknown = true;
  if (((conn_alloc *)c)->observer) h2_observer_lost_history(((conn_alloc *)c)->observer);
  if (d->state == DIR_H2) {
    /* What was cut off is reported; decoding resumes at a frame boundary,
     * with the dynamic table state unknown. */
    stream_decoder_finish(d->sd);
    stream_decoder_free(d->sd);
    d->sd = NULL;
    d->state = DIR_SYNC;
  } else if (d->held.len) {
    snprintf(msg, sizeof msg, "%zu bytes held before the gap could not be classified", d->held.len);
    event(c, dir, "skipped", d->buf_offset, msg);
    d->ignored += d->held.len;
    d->held.len = 0;
  }
  d->buf_offset = offset + len;
}

void h2_conn_finish(h2_conn *c, double ts) {
  c->last_ts = ts;
  for (int i = 0; i < 2; i++) {
    conn_dir *d = &c->dir[i];
    if (d->state == DIR_H2) {
      stream_decoder_finish(d->sd);
    } else if (d->held.len && d->state != DIR_IGNORE) {
      decide(c, i, true);
      if (d->state == DIR_H2) {
        stream_decoder_finish(d->sd);
      } else if (d->held.len) {
        char msg[160];
        snprintf(msg, sizeof msg, "%zu bytes at the end were not decoded", d->held.len);
        event(c, i, "skipped", d->buf_offset, msg);
        d->ignored += d->held.len;
        d->held.len = 0;
      }
    }
  }
  /* Stalls still open end with the connection. */
  if (((conn_alloc *)c)->observer) h2_observer_finish(((conn_alloc *)c)->observer);
}
