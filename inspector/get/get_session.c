/* get_session.c — `get`'s streams over one HTTP/2 session: requests as the
 * peer's concurrency allows, responses to the ordered output (get_session.h). */
#include "get_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "get_body.h"
#include "h2/session.h"
#include "h2/session_io.h"
#include "out_buf.h"
#include "session_trace.h"

typedef struct response {
  uint32_t stream_id;
  int status;
  bool done, failed;
  uint64_t body_len;
} response;

typedef struct get_state {
  h2_session *s;
  get_body *out;
  response *resp;
  size_t n, done;
  size_t next_to_send;
  get_request *req;
  const get_url *urls;
  const uint8_t *data;
  size_t data_len;
  bool include;
  uint64_t max_body;  /* 0: no limit */
  bool settings_seen; /* until the server's SETTINGS, its stream limit is unknown */
  bool output_failed; /* stdout cannot be written (or a body cannot be held back) */
  get_outcome rc;
} get_state;

static response *by_stream(get_state *g, uint32_t id) {
  for (size_t i = 0; i < g->n; i++)
    if (g->resp[i].stream_id == id) return &g->resp[i];
  return NULL;
}

/* Opens as many of the remaining requests as the peer's concurrency allows. */
static void finish(get_state *g, response *r, bool failed);

static void send_requests(get_state *g) {
  while (g->next_to_send < g->n) {
    if (!g->settings_seen && h2_session_open_streams(g->s, false) >= 1) return;
    size_t i = g->next_to_send;
    h2_header *path = &g->req->fields[g->req->path_index];
    path->value = g->urls[i].path;
    path->value_len = strlen(g->urls[i].path);
    uint32_t id = 0;
    bool body = g->data != NULL;
    if (h2_session_send_headers(g->s, 0, g->req->fields, g->req->n, !body, &id) != H2_OK) return;
    g->resp[i].stream_id = id;
    g->next_to_send++;
    if (body && h2_session_send_data(g->s, id, g->data, g->data_len, true) != H2_OK) {
      fprintf(stderr, "h2scope get: cannot send the request body on stream %u\n", id);
      h2_session_send_rst_stream(g->s, id, H2_CANCEL);
      finish(g, &g->resp[i], true);
    }
  }
}

/* The response at index i has ended (complete or failed): the output moves
 * on to the next ones. */
static void finish(get_state *g, response *r, bool failed) {
  if (r->done) return;
  r->done = true;
  r->failed = failed;
  g->done++;
  if (!get_body_end(g->out, (size_t)(r - g->resp))) g->output_failed = true;
}

static void write_out(get_state *g, response *r, const void *p, size_t len) {
  if (!get_body_write(g->out, (size_t)(r - g->resp), p, len)) g->output_failed = true;
}

/* -i: "name: value" lines and an empty line, written as they are, whatever
 * their length (the server chooses it; only its header list limit bounds
 * it). */
static void print_head(get_state *g, response *r, const h2_event *ev) {
  for (size_t i = 0; i < ev->header_count; i++) {
    const h2_header *h = &ev->headers[i];
    write_out(g, r, h->name, h->name_len);
    write_out(g, r, ": ", 2);
    write_out(g, r, h->value, h->value_len);
    write_out(g, r, "\n", 1);
  }
  write_out(g, r, "\n", 1);
}

static void on_headers(get_state *g, response *r, const h2_event *ev) {
  for (size_t i = 0; i < ev->header_count; i++) {
    const h2_header *h = &ev->headers[i];
    if (h->name_len == 7 && !memcmp(h->name, ":status", 7)) r->status = atoi(h->value);
  }
  if (g->include && !(r->status >= 100 && r->status < 200)) print_head(g, r, ev);
  if (ev->end_stream) finish(g, r, false);
}

/* A body goes out as it arrives; past --max-body, its first max_body bytes
 * are written and the stream is cancelled (RFC 9113 §8.1: RST_STREAM
 * CANCEL, the response is no longer needed). */
static void on_data(get_state *g, response *r, const h2_event *ev) {
  size_t len = ev->len;
  bool over = g->max_body && r->body_len + len > g->max_body;
  if (over) len = (size_t)(g->max_body - r->body_len);
  write_out(g, r, ev->data, len);
  r->body_len += len;
  if (over) {
    fprintf(stderr,
            "h2scope get: the response on stream %u exceeds --max-body %llu bytes: "
            "cancelled\n",
            r->stream_id, (unsigned long long)g->max_body);
    h2_session_send_rst_stream(g->s, r->stream_id, H2_CANCEL);
    g->rc = GET_FAILED;
    finish(g, r, true);
  } else if (ev->end_stream) {
    finish(g, r, false);
  }
}

static const char *code_name(uint32_t code) {
  const char *name = h2_error_code_name(code);
  return name ? name : "?";
}

static void on_event(get_state *g, const h2_event *ev) {
  response *r = by_stream(g, ev->stream_id);
  if (r && r->done) r = NULL; /* frames after the end (or after our reset) */
  switch (ev->type) {
  case H2_EV_HEADERS:
    if (r) on_headers(g, r, ev);
    break;
  case H2_EV_DATA:
    if (r) on_data(g, r, ev);
    break;
  case H2_EV_STREAM_CLOSED:
    if (r) {
      fprintf(stderr, "h2scope get: stream %u closed before the response ended (%s)\n",
              ev->stream_id, code_name(ev->error_code));
      finish(g, r, true);
    }
    send_requests(g);
    break;
  case H2_EV_RST_STREAM:
    fprintf(stderr, "h2scope get: stream %u reset by the server: %s\n", ev->stream_id,
            code_name(ev->error_code));
    break;
  case H2_EV_STREAM_ERROR:
  case H2_EV_CONNECTION_ERROR:
    fprintf(stderr, "h2scope get: %s error %s on stream %u (%s, %s)\n",
            ev->type == H2_EV_STREAM_ERROR ? "stream" : "connection", code_name(ev->error_code),
            ev->stream_id, ev->rule ? ev->rule : "", ev->section ? ev->section : "");
    g->rc = GET_FAILED;
    break;
  case H2_EV_GOAWAY:
    if (ev->error_code != H2_NO_ERROR)
      fprintf(stderr, "h2scope get: GOAWAY %s from the server\n", code_name(ev->error_code));
    break;
  case H2_EV_SETTINGS:
    g->settings_seen = true;
    send_requests(g);
    break;
  default:
    break;
  }
}

/* Takes events until every response has ended or the connection is over. */
static void run_session(get_state *g, h2_session_io *io) {
  h2_event ev;
  while (h2_session_io_take(io, &ev)) {
    on_event(g, &ev);
    if (!g->output_failed && !get_body_flush(g->out)) g->output_failed = true;
    if (g->output_failed) return;
    if (g->done == g->n) {
      h2_session_close(g->s);
      h2_session_io_flush(io);
      return;
    }
  }
}

void get_session_config(h2_session_config *cfg, bool upgraded) {
  h2_session_config_init(cfg, H2_ROLE_CLIENT);
  cfg->upgraded = upgraded;
  cfg->initial_window_size = 1u << 20; /* bodies flow without waiting for WINDOW_UPDATEs */
}

get_outcome get_session_run(const get_session_options *o, const get_url *urls, size_t nurl,
                            get_request *req, const uint8_t *data, size_t data_len, wire_conn *w,
                            const uint8_t *extra, size_t extra_len) {
  out_buf err_out, out;
  out_init(&err_out, 2);
  out_init(&out, 1);
  session_trace *trace = o->verbose ? session_trace_new(1, true, o->json, &err_out) : NULL;
  h2_session_config cfg;
  get_session_config(&cfg, o->upgraded);
  if (trace) {
    cfg.on_frame = session_trace_frame;
    cfg.user = trace;
  }
  bool traced = trace || !o->verbose; /* else session_trace_new ran out of memory */
  h2_session *s = traced ? h2_session_new(&cfg) : NULL;
  h2_transport t = {wire_session_read, wire_session_write, w};
  h2_session_io *io = s ? h2_session_io_new(s, &t) : NULL;
  get_state g = {.s = s,
                 .n = nurl,
                 .req = req,
                 .urls = urls,
                 .data = data,
                 .data_len = data_len,
                 .include = o->include,
                 .max_body = o->max_body,
                 .rc = GET_COMPLETE};
  g.resp = io ? calloc(nurl, sizeof *g.resp) : NULL;
  g.out = g.resp ? get_body_new(nurl, &out) : NULL;
  if (!g.out || (extra_len && !h2_session_io_push_input(io, extra, extra_len))) {
    fputs("h2scope get: out of memory\n", stderr);
    g.rc = GET_OUTPUT_ERROR;
  } else {
    if (o->upgraded) { /* the upgrade request is stream 1 */
      g.resp[0].stream_id = 1;
      g.next_to_send = 1;
    }
    send_requests(&g);
    run_session(&g, io);
    if (g.output_failed) {
      g.rc = GET_OUTPUT_ERROR;
    } else {
      if (w->timed_out)
        fprintf(stderr, "h2scope get: timed out: nothing from the server for %u s\n", o->timeout_s);
      if (g.done < nurl) {
        fprintf(stderr, "h2scope get: connection ended with %zu of %zu responses\n", g.done, nurl);
        g.rc = GET_FAILED;
      }
      /* what the unfinished ones received still goes out, in order */
      for (size_t i = 0; i < nurl; i++) {
        if (!g.resp[i].done) get_body_end(g.out, i);
        if (g.resp[i].failed) g.rc = GET_FAILED;
      }
      if (!get_body_flush(g.out)) g.rc = GET_OUTPUT_ERROR;
    }
  }
  out_flush(&err_out);
  get_body_free(g.out);
  free(g.resp);
  h2_session_io_free(io);
  h2_session_free(s);
  session_trace_free(trace);
  return g.rc;
}
