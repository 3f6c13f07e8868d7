/* exchange_track.c — exchange records from decoded frames, bodies decoded
 * and handed to the consumers as they come (exchange_track.h). */
#include "exchange_track.h"

#include "h2/frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct track_side {
  bool opened, closed;
  bool reported;        /* the decoding state was reported as an event */
  bool end_after_block; /* END_STREAM on a HEADERS whose block is still open */
  body_decoder *dec;    /* NULL: no Content-Encoding to undo (or none wanted) */
  unsigned want[EXCHANGE_MAX_CONSUMERS];
  void *state[EXCHANGE_MAX_CONSUMERS];
  uint64_t data_offset; /* the DATA frame being fed (for events) */
} track_side;

typedef struct track_rec {
  exchange x;
  track_side side[2];
} track_rec;

/* The records of one connection. */
typedef struct track_conn {
  uint32_t id; /* the connection's id (conn_ends.conn, the capture's flow id) */
  track_rec **open;
  size_t n, cap;
  bool limit_reported;
  /* The highest stream id with a record so far, odd and even (streams open
   * in increasing order, RFC 9113 §5.1.1): a DATA frame above it belongs to
   * a stream whose headers the capture missed (a mid-connection start), at
   * or below it to one already done (a DATA frame after a reset). */
  uint32_t max_stream[2];
} track_conn;

struct exchange_tracker {
  exchange_options o;
  body_memory memory; /* shared by this tracker's decoders (one thread) */
  exchange_sink sink;
  bool memory_reported; /* a stream went untracked for want of memory (said once) */
  body_consumer consumers[EXCHANGE_MAX_CONSUMERS];
  int nconsumers;
  /* The connections that have records, talk's own (read keeps nothing for
   * it): sorted by id, and a new connection mostly has the highest id so
   * far, so it goes at the end. `last` is the one looked up last (frames
   * come in runs of one connection). exchange_conn_close frees one. */
  track_conn **conns;
  size_t nconns, conns_cap;
  track_conn *last;
};

/* The decoder's output for one side. */
typedef struct out_ctx {
  exchange_tracker *t;
  track_rec *r;
  int side;
} out_ctx;

bool exchange_grpc_status(const exchange *x, const char **status, size_t *slen,
                          const char **message, size_t *mlen) {
  const packed_fields *pf = NULL;
  if (packed_find(&x->trailers, "grpc-status", status, slen))
    pf = &x->trailers;
  else if (packed_find(&x->response, "grpc-status", status, slen))
    pf = &x->response; /* trailers-only response (gRPC over HTTP/2) */
  if (!pf) return false;
  if (!packed_find(pf, "grpc-message", message, mlen)) *message = NULL, *mlen = 0;
  return true;
}

exchange_tracker *exchange_tracker_new(const exchange_options *o, const exchange_sink *sink) {
  exchange_tracker *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->o = *o;
  if (!t->o.max_streams) t->o.max_streams = EXCHANGE_DEFAULT_MAX_STREAMS;
  t->memory.max = t->o.max_memory ? t->o.max_memory : BODY_DEFAULT_MAX_MEMORY;
  t->o.limits.memory = &t->memory;
  t->sink = *sink;
  return t;
}

bool exchange_tracker_add_consumer(exchange_tracker *t, const body_consumer *bc) {
  if (t->nconsumers == EXCHANGE_MAX_CONSUMERS) return false;
  t->consumers[t->nconsumers++] = *bc;
  return true;
}

static void rec_free(track_rec *r);

/* What a connection whose close never came still holds goes with the tracker
 * (its records are not handed out). */
void exchange_tracker_free(exchange_tracker *t) {
  if (!t) return;
  for (size_t k = 0; k < t->nconns; k++) {
    track_conn *tc = t->conns[k];
    for (size_t i = 0; i < tc->n; i++)
      rec_free(tc->open[i]);
    free(tc->open);
    free(tc);
  }
  free(t->conns);
  free(t);
}

static void event(exchange_tracker *t, const conn_view *v, int dir, const char *ev, uint64_t offset,
                  const char *msg, const event_data *data) {
  if (t->sink.on_event) t->sink.on_event(t->sink.user, v, dir, ev, offset, msg, data);
}

/* A "limit" event's data: its kind and the stream it hit. */
static event_data limit_data(const char *kind, uint32_t stream) {
  return (event_data){
      .kind = EVENT_DATA_KIND, .kind_id = kind, .has_stream = true, .stream = stream};
}

/* ---- bodies ---- */

static const char *side_name(int side) {
  return side == EXCHANGE_REQUEST ? "request" : "response";
}

/* A decoding state other than ok becomes an event, once per side. */
static void report_state(exchange_tracker *t, const conn_view *v, track_rec *r, int side) {
  track_side *s = &r->side[side];
  if (!s->dec || s->reported) return;
  enum body_state st = body_decoder_state(s->dec);
  if (st == BODY_OK) return;
  s->reported = true;
  exchange_body *b = &r->x.body[side];
  b->state = (uint8_t)st;
  b->state_offset = body_decoder_decoded(s->dec);
  if (st == BODY_GAP) return; /* read's own "gap" event said it */
  char msg[256];
  snprintf(msg, sizeof msg, "stream %u %s body: %s (at decoded offset %llu)", r->x.stream,
           side_name(side), body_decoder_message(s->dec), (unsigned long long)b->state_offset);
  event_data data = {.kind = EVENT_DATA_BODY,
                     .stream = r->x.stream,
                     .side = (uint8_t)side,
                     .decoded_offset = b->state_offset};
  event(t, v, side, body_state_name(st), s->data_offset, msg, &data);
}

static void decoded_out(void *user, const uint8_t *p, size_t n, uint64_t offset) {
  out_ctx *o = user;
  track_side *s = &o->r->side[o->side];
  for (int i = 0; i < o->t->nconsumers; i++)
    if (s->want[i] & BODY_WANT_DECODED)
      o->t->consumers[i].chunk(o->t->consumers[i].user, s->state[i], &o->r->x, o->side, true, p, n,
                               offset);
}

static void side_open(exchange_tracker *t, track_rec *r, int side) {
  track_side *s = &r->side[side];
  if (s->opened) return;
  s->opened = true;
  bool decoded = t->o.decode;
  for (int i = 0; i < t->nconsumers; i++) {
    s->want[i] = t->consumers[i].open(t->consumers[i].user, &r->x, side, &s->state[i]);
    if (s->want[i] & BODY_WANT_DECODED) decoded = true;
  }
  const packed_fields *pf = side == EXCHANGE_REQUEST ? &r->x.request : &r->x.response;
  const char *v;
  size_t vl;
  if (decoded && packed_find(pf, "content-encoding", &v, &vl))
    s->dec = body_decoder_new(v, vl, &t->o.limits); /* NULL (no memory): counted raw */
}

static void side_feed(exchange_tracker *t, const conn_view *v, track_rec *r, int side,
                      const uint8_t *p, size_t n) {
  track_side *s = &r->side[side];
  exchange_body *b = &r->x.body[side];
  for (int i = 0; i < t->nconsumers; i++)
    if (s->want[i] & BODY_WANT_RAW)
      t->consumers[i].chunk(t->consumers[i].user, s->state[i], &r->x, side, false, p, n, b->wire);
  b->wire += n;
  if (s->dec) {
    out_ctx o = {t, r, side};
    body_decoder_feed(s->dec, p, n, decoded_out, &o);
    b->decoded = body_decoder_decoded(s->dec);
    report_state(t, v, r, side);
  } else {
    out_ctx o = {t, r, side};
    if (n) decoded_out(&o, p, n, b->decoded);
    b->decoded += n;
  }
}

/* The side is over (END_STREAM, reset, or the connection's end). */
static void side_close(exchange_tracker *t, const conn_view *v, track_rec *r, int side) {
  track_side *s = &r->side[side];
  if (!s->opened || s->closed) return;
  s->closed = true;
  if (s->dec) {
    out_ctx o = {t, r, side};
    if (r->x.body[side].ended) body_decoder_finish(s->dec, decoded_out, &o);
    r->x.body[side].decoded = body_decoder_decoded(s->dec);
    report_state(t, v, r, side);
  }
  for (int i = 0; i < t->nconsumers; i++)
    if (s->want[i]) t->consumers[i].end(t->consumers[i].user, s->state[i], &r->x, side);
  body_decoder_free(s->dec);
  s->dec = NULL;
}

/* ---- the records of a connection ---- */

/* Where connection id is in t->conns, or where it would go. */
static size_t conn_slot(const exchange_tracker *t, uint32_t id) {
  size_t lo = 0, hi = t->nconns;
  if (hi && t->conns[hi - 1]->id < id) return hi; /* the usual new connection */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->conns[mid]->id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The records of connection id, or NULL when it has none. */
static track_conn *conn_find(exchange_tracker *t, uint32_t id) {
  if (t->last && t->last->id == id) return t->last;
  size_t i = conn_slot(t, id);
  if (i == t->nconns || t->conns[i]->id != id) return NULL;
  return t->last = t->conns[i];
}

/* The records of connection id, made when it has none yet; NULL when
 * memory is short. */
static track_conn *conn_of(exchange_tracker *t, uint32_t id) {
  track_conn *tc = conn_find(t, id);
  if (tc) return tc;
  if (t->nconns == t->conns_cap) {
    size_t cap = t->conns_cap ? t->conns_cap * 2 : 16;
    track_conn **n = realloc(t->conns, cap * sizeof *n);
    if (!n) return NULL;
    t->conns = n;
    t->conns_cap = cap;
  }
  tc = calloc(1, sizeof *tc);
  if (!tc) return NULL;
  tc->id = id;
  size_t i = conn_slot(t, id);
  memmove(&t->conns[i + 1], &t->conns[i], (t->nconns - i) * sizeof *t->conns);
  t->conns[i] = tc;
  t->nconns++;
  return t->last = tc;
}

/* Takes tc (empty) out of t->conns and frees it. */
static void conn_drop(exchange_tracker *t, track_conn *tc) {
  size_t i = conn_slot(t, tc->id);
  memmove(&t->conns[i], &t->conns[i + 1], (t->nconns - i - 1) * sizeof *t->conns);
  t->nconns--;
  if (t->last == tc) t->last = NULL;
  free(tc->open);
  free(tc);
}

static track_rec *find(track_conn *tc, uint32_t stream, size_t *idx) {
  if (!tc) return NULL;
  for (size_t i = tc->n; i-- > 0;) /* newest first: active streams are at the end */
    if (tc->open[i]->x.stream == stream) {
      if (idx) *idx = i;
      return tc->open[i];
    }
  return NULL;
}

/* A stream that gets no record for want of memory: said once per tracker
 * (a "limit" event, kind limit-memory); NULL. */
static track_rec *untracked(exchange_tracker *t, const conn_view *v, uint32_t stream) {
  if (t->memory_reported) return NULL;
  t->memory_reported = true;
  char msg[200];
  snprintf(msg, sizeof msg,
           "out of memory: stream %u (and maybe others after it) has no exchange record", stream);
  event_data data = limit_data("limit-memory", stream);
  event(t, v, EXCHANGE_REQUEST, "limit", 0, msg, &data);
  return NULL;
}

static track_rec *find_or_add(exchange_tracker *t, const conn_view *v, uint32_t stream) {
  track_conn *tc = conn_of(t, v->ends.conn);
  if (!tc) return untracked(t, v, stream);
  track_rec *r = find(tc, stream, NULL);
  if (r) return r;
  if (tc->n >= t->o.max_streams) {
    if (!tc->limit_reported) {
      tc->limit_reported = true;
      char msg[200];
      snprintf(msg, sizeof msg,
               "%u exchanges open on this connection (--max-streams): stream %u and further new "
               "streams are not tracked until some end",
               t->o.max_streams, stream);
      event_data data = limit_data("limit-streams", stream);
      event(t, v, EXCHANGE_REQUEST, "limit", 0, msg, &data);
    }
    return NULL;
  }
  if (tc->n == tc->cap) {
    size_t cap = tc->cap ? tc->cap * 2 : 16;
    track_rec **n = realloc(tc->open, cap * sizeof *n);
    if (!n) return untracked(t, v, stream);
    tc->open = n;
    tc->cap = cap;
  }
  r = calloc(1, sizeof *r);
  if (!r) return untracked(t, v, stream);
  r->x.conn = tc->id;
  r->x.stream = stream;
  tc->open[tc->n++] = r;
  if (stream > tc->max_stream[stream & 1]) tc->max_stream[stream & 1] = stream;
  return r;
}

static void rec_free(track_rec *r) {
  packed_clear(&r->x.request);
  packed_clear(&r->x.response);
  packed_clear(&r->x.trailers);
  for (int s = 0; s < 2; s++)
    body_decoder_free(r->side[s].dec);
  free(r);
}

/* Hands the record at index i out and frees it. */
static void finish_at(exchange_tracker *t, const conn_view *v, track_conn *tc, size_t i) {
  track_rec *r = tc->open[i];
  r->x.t_end = v->ts;
  side_close(t, v, r, EXCHANGE_REQUEST);
  side_close(t, v, r, EXCHANGE_RESPONSE);
  if (t->sink.on_exchange) t->sink.on_exchange(t->sink.user, v, &r->x);
  rec_free(r);
  memmove(&tc->open[i], &tc->open[i + 1], (tc->n - i - 1) * sizeof *tc->open);
  tc->n--;
}

static void maybe_finish(exchange_tracker *t, const conn_view *v, uint32_t stream) {
  size_t i;
  track_conn *tc = conn_find(t, v->ends.conn);
  track_rec *r = find(tc, stream, &i);
  if (r && ((r->x.body[0].ended && r->x.body[1].ended) || r->x.reset)) finish_at(t, v, tc, i);
}

static void end_side(exchange_tracker *t, const conn_view *v, track_rec *r, int side) {
  r->x.body[side].ended = true;
  side_open(t, r, side); /* consumers see every side that ended, even empty */
  side_close(t, v, r, side);
}

/* ---- header lists ---- */

/* Keeps header list d in pf. A list that cannot be kept whole (no memory,
 * or PACKED_FIELDS_MAX) is kept as far as it went, marked in x and said in
 * a "limit" event. */
static void store_list(exchange_tracker *t, const conn_view *v, int dir, exchange *x,
                       packed_fields *pf, const decoded_frame *d) {
  uint32_t stream = x->stream;
  packed_clear(pf);
  bool ok = true;
  for (size_t i = 0; ok && i < d->header_count; i++) {
    const h2_header *h = &d->headers[i];
    const h2_hpack_field_info *info = d->infos ? &d->infos[i] : NULL;
    if (!h->name) {
      static const char undecodable[] = "undecodable (dynamic table state unknown)";
      ok = packed_add(pf, "", 0, undecodable, sizeof undecodable - 1);
    } else if (t->o.redacts && t->o.redacts(h, info)) {
      ok = packed_add(pf, h->name, h->name_len, "[redacted]", 10);
    } else {
      ok = packed_add(pf, h->name, h->name_len, h->value ? h->value : "",
                      h->value ? h->value_len : 0);
    }
  }
  if (ok) return;
  x->fields_cut = true;
  char msg[200];
  snprintf(msg, sizeof msg,
           "the header list of stream %u could not be kept whole (out of memory): the exchange "
           "record has its first %u of %zu fields",
           stream, pf->count, d->header_count);
  event_data data = limit_data("limit-fields", stream);
  event(t, v, dir, "limit", d->offset, msg, &data);
}

static int status_of(const packed_fields *pf) {
  const char *v;
  size_t vl;
  if (!packed_find(pf, ":status", &v, &vl) || vl != 3) return 0;
  int s = 0;
  for (size_t i = 0; i < 3; i++) {
    if (v[i] < '0' || v[i] > '9') return 0;
    s = s * 10 + (v[i] - '0');
  }
  return s;
}

static int status_of_block(const decoded_frame *d) {
  for (size_t i = 0; i < d->header_count; i++) {
    const h2_header *h = &d->headers[i];
    if (h->name && h->name_len == 7 && !memcmp(h->name, ":status", 7) && h->value &&
        h->value_len == 3) {
      int s = 0;
      for (size_t k = 0; k < 3; k++) {
        if (h->value[k] < '0' || h->value[k] > '9') return 0;
        s = s * 10 + (h->value[k] - '0');
      }
      return s;
    }
  }
  return 0;
}

/* A complete field block of direction dir for record r. */
static void block_done(exchange_tracker *t, const conn_view *v, int dir, track_rec *r, bool push,
                       const decoded_frame *d) {
  exchange *x = &r->x;
  if (dir == EXCHANGE_REQUEST || push) {
    if (!x->have_request) {
      store_list(t, v, dir, x, &x->request, d);
      x->have_request = true;
      x->t_request = v->ts;
      if (!push) side_open(t, r, EXCHANGE_REQUEST);
    } else if (dir == EXCHANGE_REQUEST) {
      x->request_trailer_count += (uint32_t)d->header_count; /* RFC 9113 §8.1 trailers */
    }
  } else if (x->have_response) {
    store_list(t, v, dir, x, &x->trailers, d); /* trailers after the final response */
  } else {
    int status = status_of_block(d);
    if (status >= 100 && status < 200) {
      x->interim++; /* informational: the final response is still to come (§8.1) */
      if (!x->t_response) x->t_response = v->ts;
    } else {
      store_list(t, v, dir, x, &x->response, d);
      x->status = status_of(&x->response);
      x->have_response = true;
      x->t_response = v->ts;
      side_open(t, r, EXCHANGE_RESPONSE);
    }
  }
  track_side *s = &r->side[dir];
  if (s->end_after_block && !push) {
    s->end_after_block = false;
    end_side(t, v, r, dir);
  }
}

/* The packets of a frame of the exchange: the first one seen and the last. */
static void note_packets(exchange *x, const decoded_frame *d) {
  uint64_t first = d->pkt_first ? d->pkt_first : d->pkt_last;
  if (!x->pkt_first) x->pkt_first = first;
  if (d->pkt_last) {
    x->pkt_last = d->pkt_last;
    x->pkt_file = d->pkt_file;
  }
}

void exchange_frame(exchange_tracker *t, const conn_view *v, int dir, const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  uint32_t sid = f->hd.stream_id;
  bool end_stream = (f->hd.flags & H2_FLAG_END_STREAM) != 0;
  track_rec *r = NULL;
  track_conn *tc;
  switch (f->hd.type) {
  case H2_HEADERS:
    if (sid == 0 || d->frame_status != H2_OK) break;
    r = find_or_add(t, v, sid);
    /* END_STREAM takes effect once the block is complete (its status tells a
     * 1xx, which cannot end a stream, from a final response). */
    if (r && end_stream) r->side[dir].end_after_block = true;
    break;
  case H2_PUSH_PROMISE:
    if (d->frame_status == H2_OK && f->u.push_promise.promised_stream_id) {
      r = find_or_add(t, v, f->u.push_promise.promised_stream_id);
      if (r) {
        r->x.pushed = true;
        r->x.promised_on = sid;
        r->x.body[EXCHANGE_REQUEST].ended = true; /* a promised request has no body */
      }
    }
    break;
  case H2_DATA:
    tc = conn_find(t, v->ends.conn);
    r = find(tc, sid, NULL);
    if (!r && sid && (!tc || sid > tc->max_stream[sid & 1]))
      r = find_or_add(t, v, sid); /* its headers were not captured */
    if (r && d->frame_status == H2_OK && !d->payload_skipped) {
      exchange_body *b = &r->x.body[dir];
      if (!b->data_frames) b->t_first_data = v->ts;
      b->t_last_data = v->ts;
      b->data_frames++;
      side_open(t, r, dir);
      r->side[dir].data_offset = d->offset;
      if (!r->side[dir].closed) side_feed(t, v, r, dir, f->u.data.data, f->u.data.len);
      if (end_stream) end_side(t, v, r, dir);
    }
    break;
  case H2_RST_STREAM:
    r = find(conn_find(t, v->ends.conn), sid, NULL);
    if (r && d->frame_status == H2_OK) {
      r->x.reset = true;
      r->x.reset_by = (uint8_t)dir;
      r->x.reset_code = f->u.rst_stream.error_code;
    }
    break;
  default:
    break;
  }
  if (r) note_packets(&r->x, d);
  if (d->block_complete) {
    uint32_t target = v->block_stream[dir];
    track_rec *b = target ? find(conn_find(t, v->ends.conn), target, NULL) : NULL;
    if (b && b != r) note_packets(&b->x, d);
    if (b) block_done(t, v, dir, b, v->block_push[dir], d);
    if (target && target != sid) maybe_finish(t, v, target);
  }
  if (r)
    maybe_finish(t, v, r->x.stream);
  else if (sid && d->block_complete)
    maybe_finish(t, v, sid);
}

void exchange_upgrade_request(exchange_tracker *t, const conn_view *v, const h2_header *fields,
                              size_t count) {
  track_rec *r = find_or_add(t, v, 1);
  if (!r) return;
  packed_clear(&r->x.request);
  for (size_t i = 0; i < count; i++) {
    if (t->o.redacts && t->o.redacts(&fields[i], NULL))
      packed_add(&r->x.request, fields[i].name, fields[i].name_len, "[redacted]", 10);
    else
      packed_add(&r->x.request, fields[i].name, fields[i].name_len, fields[i].value,
                 fields[i].value_len);
  }
  r->x.have_request = true;
  r->x.t_request = v->ts;
  /* RFC 7540 §3.2: stream 1 is half-closed from the client (its body, if
   * any, went in HTTP/1.1 before the switch and is not counted). */
  r->x.body[EXCHANGE_REQUEST].ended = true;
}

void exchange_gap(exchange_tracker *t, const conn_view *v, int dir) {
  track_conn *tc = conn_find(t, v->ends.conn);
  for (size_t i = 0; tc && i < tc->n; i++) {
    track_rec *r = tc->open[i];
    track_side *s = &r->side[dir];
    exchange_body *b = &r->x.body[dir];
    if (!s->opened || s->closed || b->state != BODY_OK) continue;
    if (s->dec) {
      body_decoder_stop(s->dec, BODY_GAP, "bytes of the body were not captured");
      report_state(t, v, r, dir);
    } else {
      b->state = BODY_GAP; /* the bytes go on, with a hole */
      b->state_offset = b->decoded;
    }
  }
}

void exchange_conn_close(exchange_tracker *t, const conn_view *v) {
  track_conn *tc = conn_find(t, v->ends.conn);
  if (!tc) return;
  while (tc->n) {
    tc->open[0]->x.incomplete = true;
    finish_at(t, v, tc, 0);
  }
  conn_drop(t, tc);
}
