/* canary.c — one canary request (canary.h): a fresh TCP (or TLS, ALPN h2)
 * connection, the client preface and SETTINGS, one GET, the whole response,
 * through the session library's blocking wrapper over net's wire_conn,
 * every wait bounded by the request's deadline. The thread that repeats
 * it is canary_thread.c. */
#include "canary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/session.h"
#include "h2/session_io.h"
#include "wire_conn.h"

static const char *code_name(uint32_t code) {
  const char *n = h2_error_code_name(code);
  return n ? n : "unknown error code";
}

/* Where the request stands while events come. */
typedef struct canary_exchange {
  uint32_t id;
  bool done;
  canary_sample *s;
} canary_exchange;

static int status_of(const h2_event *ev) {
  for (size_t i = 0; i < ev->header_count; i++)
    if (ev->headers[i].name_len == 7 && !memcmp(ev->headers[i].name, ":status", 7))
      return atoi(ev->headers[i].value);
  return 0;
}

/* false once the exchange has ended (answered or failed). */
static bool on_event(canary_exchange *x, const h2_event *ev) {
  canary_sample *s = x->s;
  bool ours = ev->stream_id == x->id;
  switch (ev->type) {
  case H2_EV_HEADERS:
    if (ours) {
      int st = status_of(ev);
      if (st >= 200 || st == 0 || !s->status) s->status = st;
      x->done = ev->end_stream;
    }
    break;
  case H2_EV_DATA:
    if (ours) x->done = ev->end_stream;
    break;
  case H2_EV_RST_STREAM:
    if (ours) snprintf(s->why, sizeof s->why, "stream reset: %s", code_name(ev->error_code));
    return !ours;
  case H2_EV_STREAM_CLOSED:
    if (ours && !x->done && !s->why[0])
      snprintf(s->why, sizeof s->why, "stream closed: %s", code_name(ev->error_code));
    return !ours;
  case H2_EV_GOAWAY:
    if (ev->last_stream_id < x->id) {
      snprintf(s->why, sizeof s->why, "GOAWAY %s before the request", code_name(ev->error_code));
      return false;
    }
    break;
  case H2_EV_STREAM_ERROR:
  case H2_EV_CONNECTION_ERROR:
    if (ev->type == H2_EV_CONNECTION_ERROR || ours) {
      snprintf(s->why, sizeof s->why, "%s error %s: %s",
               ev->type == H2_EV_STREAM_ERROR ? "stream" : "connection", code_name(ev->error_code),
               ev->detail ? ev->detail : "");
      return false;
    }
    break;
  default:
    break;
  }
  return !x->done;
}

/* The GET and its response over an established transport. */
static void request_once(const canary_target *t, wire_conn *c, canary_sample *s) {
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  cfg.initial_window_size = 1u << 20; /* a body flows without waiting for WINDOW_UPDATEs */
  h2_session *ses = h2_session_new(&cfg);
  h2_transport tr = {wire_session_read, wire_session_write, c};
  h2_session_io *io = ses ? h2_session_io_new(ses, &tr) : NULL;
  char authority[300];
  snprintf(authority, sizeof authority, "%s:%s", t->host, t->port);
  const char *path = t->path && t->path[0] ? t->path : "/";
  const char *scheme = t->tls ? "https" : "http";
  h2_header req[] = {
      {":method", 7, "GET", 3, 0},
      {":scheme", 7, scheme, strlen(scheme), 0},
      {":authority", 10, authority, strlen(authority), 0},
      {":path", 5, path, strlen(path), 0},
      {"user-agent", 10, "h2scope-canary", 14, 0},
  };
  canary_exchange x = {.s = s};
  if (!io ||
      h2_session_send_headers(ses, 0, req, sizeof req / sizeof req[0], true, &x.id) != H2_OK) {
    snprintf(s->why, sizeof s->why, "out of memory");
  } else {
    h2_event ev;
    bool more = true;
    while (more && h2_session_io_take(io, &ev))
      more = on_event(&x, &ev);
    if (x.done) {
      s->answered = true;
      s->why[0] = '\0';
      h2_session_close(ses); /* GOAWAY(NO_ERROR): a polite end the peer need not log */
      h2_session_io_flush(io);
    } else if (c->timed_out) {
      snprintf(s->why, sizeof s->why, "timeout after %g s", t->timeout > 0 ? t->timeout : 2.0);
    } else if (!s->why[0]) {
      snprintf(s->why, sizeof s->why, "connection closed before the response ended");
    }
  }
  h2_session_io_free(io);
  h2_session_free(ses);
}

bool canary_request(const canary_target *target, canary_sample *s) {
  memset(s, 0, sizeof *s);
  canary_target tt = *target;
  if (!tt.host) tt.host = "127.0.0.1";
  const canary_target *t = &tt;
  double timeout = t->timeout > 0 ? t->timeout : 2.0;
  double start = wire_now();
  /* every wait, connecting included, ends at the request's deadline */
  wire_conn c;
  wire_init(&c);
  c.deadline = start + timeout;
  wire_peer p = {.host = t->host, .port = t->port, .tls = t->tls};
  char err[100] = "";
  switch (wire_connect(&c, &p, c.deadline, err, sizeof err)) {
  case WIRE_CONNECT_OK:
    request_once(t, &c, s);
    break;
  case WIRE_CONNECT_RESOLVE:
    snprintf(s->why, sizeof s->why, "resolve: %s", err);
    break;
  case WIRE_CONNECT_TCP:
    if (c.timed_out)
      snprintf(s->why, sizeof s->why, "timeout after %g s (connect)", timeout);
    else
      snprintf(s->why, sizeof s->why, "connect: %s", err);
    break;
  case WIRE_CONNECT_TLS:
    snprintf(s->why, sizeof s->why, "%s", c.timed_out || !err[0] ? "timeout (TLS)" : err);
    break;
  }
  wire_close(&c);
  s->seconds = wire_now() - start;
  return s->answered;
}
