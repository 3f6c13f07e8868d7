/* replay_exact.c — `h2scope replay --exact` (replay_run.h): the client's
 * recorded HTTP/2 frames sent byte for byte after the connection preface,
 * paced like the session replay (a frame goes out once the responses that
 * completed before it in the capture have completed live). HEADERS blocks
 * are re-encoded only when the recorded ones cannot be decoded by a fresh
 * server: the capture started mid-connection (the client's HPACK dynamic
 * table is unknown, RFC 7541 §2.3.2) or a client block was undecodable;
 * then every request is re-encoded without dynamic-table references and
 * each stream says so. An HTTP/1.1 Upgrade's stream 1 is sent as HEADERS.
 * The server's bytes are decoded passively (stream_decoder): frame and
 * HPACK errors are the peer's violations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/buf.h"
#include "h2/frame.h"
#include "h2/hpack.h"
#include "replay_run.h"
#include "session_trace.h"
#include "stream_decoder.h"

#define MAX_REQUEST_FIELDS 512

typedef struct exact_state {
  const replay_target *t;
  const replay_conn *rc;
  replay_conn_result *out;
  wire_conn w; /* the connection (net/wire_conn.h) */
  bool write_failed;
  session_trace *trace;
  h2_hpack_encoder *enc; /* re-encoding, without dynamic table */
  replay_order order;
  size_t outstanding;
  uint32_t block_stream; /* stream of the server's field block in progress */
  bool block_push;
  uint64_t frames_sent, reencoded;
  bool ack_settings; /* the capture has no client SETTINGS: we acknowledge the server's */
  h2_buf rx;         /* -v: received bytes until a whole frame is there */
} exact_state;

/* -v: hands each whole received frame to the trace (the preface is not
 * expected from a server; frames larger than 16 MiB end the trace). */
static void trace_received(exact_state *x, const uint8_t *p, size_t n) {
  if (!x->trace || !h2_buf_put(&x->rx, p, n)) return; /* too large: the trace ends */
  size_t pos = 0;
  h2_frame_header hd;
  while (x->rx.len - pos >= H2_FRAME_HEADER_LEN &&
         h2_frame_header_decode(x->rx.p + pos, x->rx.len - pos, &hd, NULL) == H2_OK) {
    size_t flen = H2_FRAME_HEADER_LEN + (size_t)hd.length;
    if (x->rx.len - pos < flen) break;
    session_trace_frame(x->trace, 1, x->rx.p + pos, flen);
    pos += flen;
  }
  h2_buf_consume(&x->rx, pos);
}

/* All n bytes, each wait for the server at most the timeout. */
static void send_bytes(exact_state *x, const uint8_t *p, size_t n) {
  if (x->write_failed) return;
  if (wire_write_all(&x->w, p, n, wire_now() + x->w.idle) != WIRE_OK) {
    x->write_failed = true;
    replay_strings_add(&x->out->notes, "writing to the server failed");
  }
}

/* One whole frame to the server (and to the -v trace). */
static void send_frame(exact_state *x, const uint8_t *p, size_t n) {
  if (x->trace) session_trace_frame(x->trace, 0, p, n);
  send_bytes(x, p, n);
}

/* A frame of the capture, as recorded. */
static void send_recorded(exact_state *x, const uint8_t *p, size_t n) {
  send_frame(x, p, n);
  x->frames_sent++;
}

static size_t exchange_index(const replay_conn *rc, uint32_t sid) {
  for (size_t i = rc->nex; i-- > 0;)
    if (rc->ex[i].stream_id == sid) return i;
  return SIZE_MAX;
}

static void mark_done(exact_state *x, replay_stream_result *r) {
  if (r->done) return;
  r->done = true;
  replay_response_finish(&r->live);
  if (r->sent && x->outstanding) x->outstanding--;
}

/* ---- the server's frames ---- */

static replay_stream_result *result_for(exact_state *x, uint32_t sid) {
  if (!sid) return NULL;
  size_t i = exchange_index(x->rc, sid);
  if (i == SIZE_MAX || !x->out->streams[i].sent) return NULL;
  return &x->out->streams[i];
}

static void violation(exact_state *x, uint32_t sid, const char *what, h2_status st) {
  replay_stream_result *r = result_for(x, sid);
  const char *sec = h2_status_section(st);
  replay_strings *l = r ? &r->violations : &x->out->violations;
  replay_strings_add(l, "%s: %s (%s)", sec ? sec : "RFC 9113", h2_strerror(st), what);
}

static void on_server_frame(void *user, decoded_frame *d) {
  exact_state *x = user;
  const h2_frame *f = &d->frame;
  uint32_t sid = f->hd.stream_id;
  bool end_stream = (f->hd.flags & H2_FLAG_END_STREAM) != 0;
  if (d->frame_status != H2_OK) {
    violation(x, sid, h2_frame_type_name(f->hd.type), d->frame_status);
    return;
  }
  replay_stream_result *r = NULL;
  switch (f->hd.type) {
  case H2_HEADERS:
    x->block_stream = sid;
    x->block_push = false;
    r = result_for(x, sid);
    if (r && end_stream) r->live.ended = true;
    break;
  case H2_PUSH_PROMISE:
    x->block_stream = f->u.push_promise.promised_stream_id;
    x->block_push = true;
    replay_strings_add(&x->out->notes, "the server pushed stream %u (not compared)",
                       f->u.push_promise.promised_stream_id);
    break;
  case H2_DATA:
    r = result_for(x, sid);
    if (!r) break;
    replay_response_data(&r->live, f->u.data.data, f->u.data.len);
    if (end_stream) {
      r->live.ended = true;
      mark_done(x, r);
    }
    break;
  case H2_RST_STREAM:
    r = result_for(x, sid);
    if (!r || r->done) break;
    r->live.reset = true;
    r->live.reset_code = f->u.rst_stream.error_code;
    mark_done(x, r);
    break;
  case H2_SETTINGS:
    if (x->ack_settings && !(f->hd.flags & H2_FLAG_ACK)) {
      uint8_t ack[H2_FRAME_HEADER_LEN];
      h2_frame_header_write(ack, 0, H2_SETTINGS, H2_FLAG_ACK, 0);
      send_frame(x, ack, sizeof ack);
    }
    break;
  case H2_GOAWAY:
    if (f->u.goaway.error_code != H2_NO_ERROR) {
      const char *code = h2_error_code_name(f->u.goaway.error_code);
      replay_strings_add(&x->out->notes, "GOAWAY %s from the server (last stream %u)",
                         code ? code : "?", f->u.goaway.last_stream_id);
    }
    break;
  default:
    break;
  }
  if (d->block_complete) {
    if (d->block_status != H2_OK) {
      violation(x, x->block_stream, "field block", d->block_status);
    } else if (!x->block_push) {
      replay_stream_result *b = result_for(x, x->block_stream);
      if (b) {
        if (!replay_response_fields(&b->live, d->headers, d->header_count))
          replay_strings_add(&b->notes, "the response's header list could not be kept whole (out "
                                        "of memory): it compares as cut");
        if (b->live.ended) mark_done(x, b);
      }
    }
  }
}

static void on_server_event(void *user, const char *event, uint64_t offset, const char *message) {
  exact_state *x = user;
  if (!strcmp(event, "truncated")) return; /* the connection ended mid-frame: not a rule */
  replay_strings_add(&x->out->violations, "%s at offset %llu: %s", event,
                     (unsigned long long)offset, message ? message : "");
}

/* ---- the client's frames ---- */

/* A request (or trailers) as a fresh HEADERS (+ CONTINUATION) frame. */
static void send_reencoded(exact_state *x, uint32_t sid, const h2_header *fields, size_t n,
                           bool end_stream) {
  size_t cap = h2_hpack_encoder_bound(x->enc, fields, n);
  uint8_t *block = malloc(cap ? cap : 1);
  size_t len = 0;
  h2_error err;
  if (!block || h2_hpack_encode(x->enc, fields, n, block, cap, &len, &err) != H2_OK) {
    free(block);
    replay_strings_add(&x->out->notes, "stream %u: the request could not be re-encoded", sid);
    return;
  }
  size_t max = 16384, pos = 0;
  uint8_t frame[H2_FRAME_HEADER_LEN + 16384];
  bool first = true;
  do {
    size_t chunk = len - pos > max ? max : len - pos;
    bool last = pos + chunk == len;
    uint8_t type = first ? H2_HEADERS : H2_CONTINUATION;
    uint8_t flags =
        (last ? H2_FLAG_END_HEADERS : 0) | (first && end_stream ? H2_FLAG_END_STREAM : 0);
    size_t w = h2_frame_write_raw(frame, sizeof frame, (uint32_t)chunk, type, flags, sid,
                                  block + pos, chunk);
    send_frame(x, frame, w);
    pos += chunk;
    first = false;
  } while (pos < len);
  free(block);
}

static void reencode_request(exact_state *x, size_t i, bool end_stream) {
  const replay_exchange *e = &x->rc->ex[i];
  h2_header fields[MAX_REQUEST_FIELDS];
  size_t n = replay_request_fields(x->t, e, fields, MAX_REQUEST_FIELDS);
  send_reencoded(x, e->stream_id, fields, n, end_stream);
}

static void reencode_trailers(exact_state *x, size_t i) {
  const packed_fields *pf = &x->rc->ex[i].request_trailers;
  h2_header fields[MAX_REQUEST_FIELDS];
  size_t n = 0, pos = 0, nlen, vlen;
  const char *name, *value;
  while (n < MAX_REQUEST_FIELDS && packed_next(pf, &pos, &name, &nlen, &value, &vlen))
    if (nlen) fields[n++] = (h2_header){name, nlen, value, vlen, 0};
  send_reencoded(x, x->rc->ex[i].stream_id, fields, n, true);
}

static void stream_sent(exact_state *x, size_t i) {
  replay_stream_result *r = &x->out->streams[i];
  if (r->sent) return;
  r->sent = true;
  r->live_stream_id = x->rc->ex[i].stream_id;
  x->outstanding++;
}

/* Why the recorded field blocks cannot be sent as they are, or NULL. */
static const char *reencode_reason(const replay_conn *rc) {
  if (rc->midstream)
    return "the capture started mid-connection: the client's HPACK dynamic table is unknown";
  for (size_t i = 0; i < rc->nex; i++)
    if (rc->ex[i].undecodable && !rc->ex[i].pushed)
      return "a client field block could not be decoded: its HPACK context is unknown";
  return NULL;
}

/* The connection preface, an empty SETTINGS when the capture has none, and
 * an Upgrade's stream 1; the index of the first recorded frame not sent. */
static size_t send_opening(exact_state *x) {
  const replay_conn *rc = x->rc;
  replay_conn_result *out = x->out;
  send_bytes(x, (const uint8_t *)H2_PREFACE, H2_PREFACE_LEN);
  if (!rc->client_settings_seen) {
    uint8_t settings[H2_FRAME_HEADER_LEN];
    h2_frame_header_write(settings, 0, H2_SETTINGS, 0, 0);
    send_frame(x, settings, sizeof settings);
    replay_strings_add(&out->notes, "no client SETTINGS in the capture: an empty one was sent, "
                                    "and the server's SETTINGS are acknowledged");
    x->ack_settings = true;
  }
  /* Which streams' frames go out: those of replayable exchanges (and stream 0). */
  size_t next = 0;
  if (rc->upgrade) {
    /* Stream 1 of the Upgrade goes first, as HEADERS after the client's
     * SETTINGS (§3.4: the preface is the magic and a SETTINGS frame); in the
     * capture it was the HTTP/1.1 request, answered before any frame. */
    if (rc->nframes && rc->frames[0].type == H2_SETTINGS &&
        rc->frames[0].offset + rc->frames[0].len <= rc->client_len) {
      send_recorded(x, rc->client_bytes + rc->frames[0].offset, rc->frames[0].len);
      next = 1;
    }
    size_t i = exchange_index(rc, 1);
    if (i != SIZE_MAX && !out->streams[i].skipped) {
      reencode_request(x, i, true);
      stream_sent(x, i);
      replay_strings_add(&out->streams[i].notes,
                         "HTTP/1.1 Upgrade request sent as a HEADERS frame");
    }
  }
  return next;
}

/* The client's SETTINGS_MAX_FRAME_SIZE binds what the server sends (§6.5.2). */
static void follow_client_settings(stream_decoder *sd, const replay_conn *rc,
                                   const replay_frame *f) {
  h2_frame fr;
  size_t used;
  h2_error ferr;
  if (h2_frame_decode(rc->client_bytes + f->offset, f->len, NULL, &fr, &used, &ferr) == H2_OK)
    for (uint32_t k = 0; k < fr.u.settings.count; k++) {
      h2_setting s = h2_settings_at(&fr, k);
      if (s.id == H2_SETTINGS_MAX_FRAME_SIZE) stream_decoder_set_max_frame_size(sd, s.value);
    }
}

/* One recorded client frame: sent as it is, re-encoded (*reencode: the
 * recorded blocks cannot be used; why: the reason known before the start),
 * or left out. */
static void send_client_frame(exact_state *x, stream_decoder *sd, const replay_frame *f,
                              const char *why, bool *reencode) {
  const replay_conn *rc = x->rc;
  replay_conn_result *out = x->out;
  size_t i = f->stream_id ? exchange_index(rc, f->stream_id) : SIZE_MAX;
  /* frames of streams not replayed stay unsent; frames of streams that
   * have no request (PRIORITY on idle streams) go as recorded */
  if (i != SIZE_MAX && out->streams[i].skipped) {
    /* Its header block changed the server's HPACK dynamic table in the
     * capture (RFC 7541 §2.3.2); without it, the recorded blocks that
     * follow would index the wrong entries: they are re-encoded. */
    if (f->type == H2_HEADERS && !*reencode) {
      *reencode = true;
      replay_strings_add(&out->notes,
                         "request HEADERS after stream %u are re-encoded: its header block "
                         "is not replayed, so the server's HPACK dynamic table differs from "
                         "the capture's",
                         f->stream_id);
    }
    return;
  }
  /* the replay acknowledges the server's SETTINGS itself: a recorded ACK
   * would be one too many (RFC 9113 §6.5.3) */
  if (x->ack_settings && f->type == H2_SETTINGS && (f->flags & H2_FLAG_ACK)) return;
  if (f->offset + f->len > rc->client_len) return;
  bool block_frame = f->type == H2_HEADERS || f->type == H2_CONTINUATION;
  if (*reencode && block_frame && i != SIZE_MAX) {
    if (f->type == H2_HEADERS) {
      bool trailers = out->streams[i].sent;
      if (trailers)
        reencode_trailers(x, i);
      else
        reencode_request(x, i, (f->flags & H2_FLAG_END_STREAM) != 0);
      if (!trailers)
        replay_strings_add(&out->streams[i].notes, "HEADERS re-encoded (%s)",
                           rc->midstream ? "capture started mid-connection"
                           : why         ? "HPACK context unknown"
                                         : "a header block before it is not replayed");
      x->reencoded++;
    }
  } else {
    send_recorded(x, rc->client_bytes + f->offset, f->len);
  }
  if (i != SIZE_MAX && f->type == H2_HEADERS) stream_sent(x, i);
  if (f->type == H2_SETTINGS && !(f->flags & H2_FLAG_ACK)) follow_client_settings(sd, rc, f);
}

/* Sends the recorded frames from `next` on, each once the responses it
 * waited for in the capture have completed, and decodes what the server
 * sends, until every frame is out and every response is in, or the
 * connection ends. */
static void exchange_frames(exact_state *x, stream_decoder *sd, size_t next, const char *why) {
  const replay_conn *rc = x->rc;
  bool reencode = why != NULL;
  uint8_t buf[65536];
  while (!x->write_failed) {
    uint32_t prefix = replay_order_advance(&x->order, x->out);
    while (next < rc->nframes && !x->write_failed) {
      const replay_frame *f = &rc->frames[next];
      if (f->wait_completed > prefix) break;
      next++;
      send_client_frame(x, sd, f, why, &reencode);
    }
    if (next >= rc->nframes && x->outstanding == 0) break;
    size_t n = 0;
    if (wire_read(&x->w, buf, sizeof buf, wire_now() + x->w.idle, &n) != WIRE_OK)
      break; /* closed, error or no progress for the timeout */
    trace_received(x, buf, n);
    stream_decoder_feed(sd, buf, n);
  }
}

/* The run's counts, and why each stream without a complete response has
 * none. */
static void note_unfinished(exact_state *x) {
  replay_conn_result *out = x->out;
  replay_strings_add(&out->notes,
                     "exact: %llu recorded frames sent as they are, %llu HEADERS re-encoded",
                     (unsigned long long)x->frames_sent, (unsigned long long)x->reencoded);
  for (size_t i = 0; i < out->n; i++) {
    replay_stream_result *r = &out->streams[i];
    if (r->skipped) continue;
    if (!r->sent)
      replay_strings_add(&r->notes, "not sent: the connection ended first");
    else if (!r->done)
      replay_strings_add(&r->notes, "no complete response before the connection ended");
    mark_done(x, r);
  }
}

int replay_run_exact(const replay_target *t, const replay_conn *rc, replay_conn_result *out) {
  if (!rc->frames_kept) {
    replay_strings_add(&out->notes, "the client's bytes were not kept (over the limit)");
    return -1;
  }
  char err[512];
  exact_state x = {.t = t, .rc = rc, .out = out};
  h2_buf_init(&x.rx, H2_MAX_FRAME_SIZE_LIMIT + H2_FRAME_HEADER_LEN + (64u << 10));
  if (!replay_connect(t, &x.w, err, sizeof err)) {
    h2_buf_free(&x.rx);
    replay_strings_add(&out->notes, "%s", err);
    return -1;
  }
  out->connected = true;
  x.trace = t->trace ? session_trace_new(rc->id, true, t->trace_json, t->trace) : NULL;
  h2_hpack_encoder_config ec = {.indexing = H2_INDEXING_NONE};
  x.enc = h2_hpack_encoder_new(&ec);
  stream_decoder_config dc = {.preface = STREAM_PREFACE_FORBID, .sender = H2_SENDER_SERVER};
  stream_decoder_callbacks cb = {
      .on_frame = on_server_frame, .on_event = on_server_event, .user = &x};
  stream_decoder *sd = stream_decoder_new(&dc, &cb);
  if (!x.enc || !sd || !replay_order_init(&x.order, rc)) {
    replay_strings_add(&out->notes, "out of memory");
  } else {
    const char *why = reencode_reason(rc);
    if (why) replay_strings_add(&out->notes, "request HEADERS are re-encoded: %s", why);
    size_t next = send_opening(&x);
    exchange_frames(&x, sd, next, why);
    stream_decoder_finish(sd);
    note_unfinished(&x);
  }
  replay_order_free(&x.order);
  stream_decoder_free(sd);
  h2_hpack_encoder_free(x.enc);
  h2_buf_free(&x.rx);
  if (t->trace) out_flush(t->trace);
  session_trace_free(x.trace);
  wire_close(&x.w);
  return 0;
}
