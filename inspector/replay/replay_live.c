/* replay_live.c — `h2scope replay` over an h2_session (replay_run.h): each
 * recorded request re-encoded and sent on a fresh connection, in capture
 * order, opened when the responses that preceded it in the capture are
 * done (so streams that overlapped in the capture overlap live), bodies and
 * trailers included; responses hashed as they arrive; the session's
 * stream and connection errors kept as the peer's violations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "h2/session.h"
#include "h2/session_io.h"
#include "replay_run.h"
#include "session_trace.h"

#define MAX_REQUEST_FIELDS 512

typedef struct live_state {
  const replay_target *t;
  const replay_conn *rc;
  replay_conn_result *out;
  h2_session *s;
  replay_order order;
  size_t next;          /* next exchange to send */
  uint32_t *by_live_id; /* (live id - 1) / 2 → exchange index + 1 */
  size_t by_live_cap;
  bool settings_seen;
  size_t outstanding; /* sent and not done */
} live_state;

static replay_stream_result *by_live(live_state *ls, uint32_t id, size_t *idx) {
  if (!(id & 1)) return NULL;
  size_t k = (id - 1) / 2;
  if (k >= ls->by_live_cap || !ls->by_live_id[k]) return NULL;
  *idx = ls->by_live_id[k] - 1;
  return &ls->out->streams[*idx];
}

static void mark_done(live_state *ls, replay_stream_result *r) {
  if (r->done) return;
  r->done = true;
  replay_response_finish(&r->live);
  if (r->sent && ls->outstanding) ls->outstanding--;
}

/* Sends every request whose turn has come. */
static void pump(live_state *ls) {
  if (!ls->settings_seen) return; /* the peer's stream limit is not known yet */
  uint32_t prefix = replay_order_advance(&ls->order, ls->out);
  while (ls->next < ls->rc->nex) {
    size_t i = ls->next;
    const replay_exchange *e = &ls->rc->ex[i];
    replay_stream_result *r = &ls->out->streams[i];
    if (r->skipped) {
      ls->next++;
      continue;
    }
    if (e->wait_completed > prefix) return;
    uint32_t limit = h2_session_peer_setting(ls->s, H2_SETTINGS_MAX_CONCURRENT_STREAMS);
    if (h2_session_open_streams(ls->s, false) >= limit) return;
    uint32_t id = h2_session_next_stream_id(ls->s);
    if (id == 0) return; /* after GOAWAY: what is left stays unsent */
    h2_header fields[MAX_REQUEST_FIELDS];
    size_t n = replay_request_fields(ls->t, e, fields, MAX_REQUEST_FIELDS);
    bool trailers = e->request_trailers.count > 0;
    bool body = e->body.len > 0;
    h2_status st = h2_session_send_headers(ls->s, 0, fields, n, !body && !trailers, &id);
    ls->next++;
    if (st != H2_OK) {
      replay_strings_add(&r->notes, "not sent: the session refused the request (%s)",
                         h2_strerror(st));
      r->done = true;
      replay_response_finish(&r->live);
      continue;
    }
    r->sent = true;
    r->live_stream_id = id;
    ls->outstanding++;
    size_t k = (id - 1) / 2;
    if (k >= ls->by_live_cap) {
      size_t cap = ls->by_live_cap ? ls->by_live_cap : 64;
      while (cap <= k)
        cap *= 2;
      uint32_t *nb = realloc(ls->by_live_id, cap * sizeof *nb);
      if (nb) {
        memset(nb + ls->by_live_cap, 0, (cap - ls->by_live_cap) * sizeof *nb);
        ls->by_live_id = nb;
        ls->by_live_cap = cap;
      }
    }
    if (k < ls->by_live_cap) ls->by_live_id[k] = (uint32_t)i + 1;
    if (!e->request_ended)
      replay_strings_add(&r->notes, "the recorded request never ended; sent with END_STREAM");
    if (body) h2_session_send_data(ls->s, id, e->body.p, e->body.len, !trailers);
  }
}

static void add_error(live_state *ls, const h2_event *ev, bool connection) {
  const char *code = h2_error_code_name(ev->error_code);
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s (%s)%s%s", ev->section ? ev->section : "RFC 9113",
           ev->rule ? ev->rule : h2_strerror(ev->status), code ? code : "?",
           connection ? "; the replay closed the connection" : "; the replay reset the stream", "");
  if (connection) {
    replay_strings_add(&ls->out->violations, "%s", msg);
    for (size_t i = 0; i < ls->out->n; i++) {
      replay_stream_result *r = &ls->out->streams[i];
      if (r->sent && !r->done) replay_strings_add(&r->violations, "%s", msg);
    }
  } else {
    size_t idx;
    replay_stream_result *r = by_live(ls, ev->stream_id, &idx);
    if (r)
      replay_strings_add(&r->violations, "%s", msg);
    else
      replay_strings_add(&ls->out->violations, "stream %u: %s", ev->stream_id, msg);
  }
}

static void on_event(live_state *ls, const h2_event *ev) {
  size_t idx;
  replay_stream_result *r = NULL;
  switch (ev->type) {
  case H2_EV_SETTINGS:
    ls->settings_seen = true;
    break;
  case H2_EV_HEADERS:
    r = by_live(ls, ev->stream_id, &idx);
    if (!r) break;
    if (!replay_response_fields(&r->live, ev->headers, ev->header_count))
      replay_strings_add(&r->notes, "the response's header list could not be kept whole (out of "
                                    "memory): it compares as cut");
    if (ev->end_stream) {
      r->live.ended = true;
      mark_done(ls, r);
    }
    break;
  case H2_EV_DATA:
    r = by_live(ls, ev->stream_id, &idx);
    if (!r) break;
    replay_response_data(&r->live, ev->data, ev->len);
    if (ev->end_stream) {
      r->live.ended = true;
      mark_done(ls, r);
    }
    break;
  case H2_EV_DATA_SENT:
    r = by_live(ls, ev->stream_id, &idx);
    if (r && ls->rc->ex[idx].request_trailers.count) {
      h2_header fields[MAX_REQUEST_FIELDS];
      const packed_fields *pf = &ls->rc->ex[idx].request_trailers;
      size_t n = 0, pos = 0, nlen, vlen;
      const char *name, *value;
      while (n < MAX_REQUEST_FIELDS && packed_next(pf, &pos, &name, &nlen, &value, &vlen))
        if (nlen) fields[n++] = (h2_header){name, nlen, value, vlen, 0};
      h2_status st = h2_session_send_headers(ls->s, ev->stream_id, fields, n, true, NULL);
      if (st != H2_OK) replay_strings_add(&r->notes, "trailers not sent: %s", h2_strerror(st));
    }
    break;
  case H2_EV_RST_STREAM:
    r = by_live(ls, ev->stream_id, &idx);
    if (!r) break;
    r->live.reset = true;
    r->live.reset_code = ev->error_code;
    mark_done(ls, r);
    break;
  case H2_EV_STREAM_CLOSED:
    r = by_live(ls, ev->stream_id, &idx);
    if (r) mark_done(ls, r);
    break;
  case H2_EV_STREAM_ERROR:
    add_error(ls, ev, false);
    r = by_live(ls, ev->stream_id, &idx);
    if (r) mark_done(ls, r);
    break;
  case H2_EV_CONNECTION_ERROR:
    add_error(ls, ev, true);
    break;
  case H2_EV_GOAWAY:
    if (ev->error_code != H2_NO_ERROR) {
      const char *code = h2_error_code_name(ev->error_code);
      replay_strings_add(&ls->out->notes, "GOAWAY %s from the server (last stream %u)%s%.*s",
                         code ? code : "?", ev->last_stream_id, ev->len ? ": " : "",
                         (int)(ev->len > 200 ? 200 : ev->len), (const char *)ev->data);
    }
    break;
  default:
    break;
  }
}

int replay_run_session(const replay_target *t, const replay_conn *rc, replay_conn_result *out) {
  char err[512];
  wire_conn w;
  if (!replay_connect(t, &w, err, sizeof err)) {
    replay_strings_add(&out->notes, "%s", err);
    return -1;
  }
  out->connected = true;
  session_trace *trace = t->trace ? session_trace_new(rc->id, true, t->trace_json, t->trace) : NULL;
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  cfg.initial_window_size = 1u << 20;
  if (trace) {
    cfg.on_frame = session_trace_frame;
    cfg.user = trace;
  }
  h2_session *s = h2_session_new(&cfg);
  h2_transport tr = {wire_session_read, wire_session_write, &w};
  h2_session_io *io = s ? h2_session_io_new(s, &tr) : NULL;
  live_state ls = {.t = t, .rc = rc, .out = out, .s = s};
  if (!s || !io || !replay_order_init(&ls.order, rc)) {
    replay_strings_add(&out->notes, "out of memory");
    h2_session_io_free(io);
    h2_session_free(s);
    session_trace_free(trace);
    wire_close(&w);
    return 0;
  }
  h2_event ev;
  bool closing = false;
  while (h2_session_io_take(io, &ev)) {
    on_event(&ls, &ev);
    pump(&ls);
    if (!closing && ls.next >= rc->nex && ls.outstanding == 0) {
      closing = true;
      h2_session_close(s);
      h2_session_io_flush(io);
      break;
    }
  }
  /* What is still open when the connection ended got no (complete) response. */
  for (size_t i = 0; i < out->n; i++) {
    replay_stream_result *r = &out->streams[i];
    if (r->skipped) continue;
    if (!r->sent) {
      replay_strings_add(&r->notes, "not sent: the connection ended first");
      r->done = true;
      replay_response_finish(&r->live);
    } else if (!r->done) {
      replay_strings_add(&r->notes, "no complete response before the connection ended");
      mark_done(&ls, r);
    }
  }
  replay_order_free(&ls.order);
  free(ls.by_live_id);
  h2_session_io_free(io);
  h2_session_free(s);
  if (t->trace) out_flush(t->trace);
  session_trace_free(trace);
  wire_close(&w);
  return 0;
}
