/* serve_conn.c — one `serve` connection from accept to close: the TLS
 * handshake, sniffing an h2c client's first bytes (preface, HTTP/1.1
 * Upgrade, or an invalid preface answered with GOAWAY), feeding the session
 * and writing its output. Buffers exist only while needed: the sniffing
 * buffer until the preface, the output buffer while the connection is in
 * use. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve_conn.h"
#include "serve_preface.h"

serve_conn *serve_conn_new(serve_ctx *sv, int fd, const serve_addr *addr) {
  serve_conn *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->fd = fd;
  c->id = sv->next_id++;
  c->addr = *addr;
  c->t.phase = sv->tls ? SERVE_PHASE_HANDSHAKE : SERVE_PHASE_PREFACE;
  c->t.phase_start_ms = c->t.last_active_ms = sv->now_ms;
  if (sv->tls && !(c->tls = tls_server_accept(sv->tls, fd))) {
    free(c);
    return NULL;
  }
  return c;
}

void serve_conn_free(serve_ctx *sv, serve_conn *c) {
  while (c->nbodies)
    serve_body_release(sv, c, 0);
  free(c->bodies);
  h2_session_free(c->s);
  session_trace_free(c->trace);
  tls_conn_free(c->tls);
  free(c->head);
  free(c->out);
  free(c->upgrade_target);
  close(c->fd);
  free(c);
}

static bool new_session(serve_ctx *sv, serve_conn *c, bool upgraded) {
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_SERVER);
  cfg.upgraded = upgraded;
  cfg.initial_window_size = 1u << 20;
  if (sv->verbose) {
    c->trace = session_trace_new(c->id, false, sv->json, &sv->err);
    if (!c->trace) return false;
    cfg.on_frame = session_trace_frame;
    cfg.user = c->trace;
  }
  c->s = h2_session_new(&cfg);
  return c->s != NULL;
}

/* Feeds received bytes. The session takes less only while its event queue
 * is full, and serve_handle_events empties it, so every round makes
 * progress. */
static void feed(serve_ctx *sv, serve_conn *c, const uint8_t *p, size_t n) {
  int stalls = 0;
  while (n && !c->closed) {
    size_t used = h2_session_recv(c->s, p, n);
    p += used;
    n -= used;
    serve_handle_events(sv, c);
    if (used == 0 && ++stalls > 2) c->closed = true; /* cannot happen; never spin */
  }
}

static ssize_t conn_read(serve_conn *c, uint8_t *buf, size_t cap) {
  if (c->tls) return tls_conn_read(c->tls, buf, cap);
  ssize_t n = read(c->fd, buf, cap);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return TLS_AGAIN;
  return n;
}

static ssize_t conn_write(serve_conn *c, const uint8_t *buf, size_t len) {
  if (c->tls) return tls_conn_write(c->tls, buf, len);
  ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return TLS_AGAIN;
  return n;
}

bool serve_conn_wants_write(const serve_conn *c) {
  return c->want_write || c->out_len;
}

void serve_conn_flush(serve_ctx *sv, serve_conn *c) {
  c->want_write = false;
  for (;;) {
    if (c->out_len == 0) {
      c->out_off = 0;
      if (!c->s) break;
      /* DATA_SENT from the last output asks for the next chunk of a file */
      serve_handle_events(sv, c);
      if (c->closed) return;
      if (!c->out && !(c->out = malloc(SERVE_OUT_CAP))) {
        c->closed = true;
        return;
      }
      c->out_len = h2_session_output(c->s, c->out, SERVE_OUT_CAP);
      if (c->out_len == 0) break;
    }
    ssize_t w = conn_write(c, c->out + c->out_off, c->out_len);
    if (w == TLS_AGAIN) {
      c->want_write = true;
      return;
    }
    if (w <= 0) {
      c->closed = c->eof = true;
      return;
    }
    c->t.last_active_ms = sv->now_ms;
    c->out_off += (size_t)w;
    c->out_len -= (size_t)w;
  }
}

void serve_conn_trim(serve_ctx *sv, serve_conn *c) {
  /* An idle connection keeps no output buffer: 1,000 idle clients cost no
   * 256 MiB. Kept for a moment so a busy connection does not allocate it
   * for every response. */
  if (c->out && c->out_len == 0 && c->nbodies == 0 &&
      sv->now_ms - c->t.last_active_ms >= SERVE_OUT_KEEP_MS) {
    free(c->out);
    c->out = NULL;
  }
}

void serve_conn_shut(serve_ctx *sv, serve_conn *c, const char *reason) {
  if (c->s && !c->closed && c->t.phase == SERVE_PHASE_H2 &&
      h2_session_send_goaway(c->s, H2_NO_ERROR, reason) == H2_OK)
    serve_conn_flush(sv, c); /* best effort: the socket does not block */
  c->closed = true;
}

static void http1_reply(serve_conn *c, const char *status_line) {
  char buf[256];
  int n = snprintf(buf, sizeof buf, "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                   status_line);
  (void)!conn_write(c, (const uint8_t *)buf, (size_t)n);
  c->closed = true;
}

/* RFC 7540 §3.2: an HTTP/1.1 request with Upgrade: h2c becomes stream 1. */
static void upgrade(serve_ctx *sv, serve_conn *c, size_t head_len) {
  serve_upgrade u;
  int status = serve_upgrade_parse((const char *)c->head, head_len, &u);
  if (status == 505) {
    http1_reply(c, "505 HTTP Version Not Supported");
    return;
  }
  if (status || !new_session(sv, c, true) ||
      h2_session_apply_upgrade_settings(c->s, u.settings, u.settings_len) != H2_OK) {
    http1_reply(c, "400 Bad Request");
    return;
  }
  c->upgrade_target = malloc(u.target_len + 1);
  if (!c->upgrade_target) {
    c->closed = true;
    return;
  }
  memcpy(c->upgrade_target, u.target, u.target_len);
  c->upgrade_target[u.target_len] = 0;
  memcpy(c->upgrade_method, u.method, sizeof c->upgrade_method);
  const char sw[] =
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
  if (conn_write(c, (const uint8_t *)sw, sizeof sw - 1) != (ssize_t)(sizeof sw - 1)) {
    c->closed = true;
    return;
  }
  c->upgrade_pending = true;
}

/* h2c: collects the first bytes until they are the client preface (prior
 * knowledge, §3.3), an HTTP/1.1 request, or neither. */
static void sniff(serve_ctx *sv, serve_conn *c, const uint8_t *p, size_t n) {
  if (!c->head && !(c->head = malloc(SERVE_HEAD_MAX))) {
    c->closed = true;
    return;
  }
  size_t take = n < SERVE_HEAD_MAX - c->head_len ? n : SERVE_HEAD_MAX - c->head_len;
  memcpy(c->head + c->head_len, p, take);
  c->head_len += take;
  size_t head_len = 0, from = 0;
  switch (serve_sniff(c->head, c->head_len, &head_len)) {
  case SERVE_SNIFF_MORE:
    return;
  case SERVE_SNIFF_TOO_LONG:
    http1_reply(c, "431 Request Header Fields Too Large");
    return;
  case SERVE_SNIFF_HTTP1:
    upgrade(sv, c, head_len);
    from = head_len; /* what follows the request: the client preface */
    break;
  default:
    /* The preface, or an invalid one: the session checks the magic and
     * answers a wrong one with GOAWAY PROTOCOL_ERROR (§3.4). */
    if (!new_session(sv, c, false)) c->closed = true;
    break;
  }
  if (!c->closed) feed(sv, c, c->head + from, c->head_len - from);
  if (!c->closed) feed(sv, c, p + take, n - take);
  free(c->head);
  c->head = NULL;
  c->head_len = 0;
}

bool serve_conn_linger(serve_ctx *sv, serve_conn *c) {
  if (c->eof || (c->t.phase != SERVE_PHASE_PREFACE && c->t.phase != SERVE_PHASE_H2)) return false;
  if (c->tls) tls_conn_close_notify(c->tls);
  if (shutdown(c->fd, SHUT_WR) != 0) return false;
  /* what a closing connection no longer needs */
  while (c->nbodies)
    serve_body_release(sv, c, 0);
  h2_session_free(c->s);
  c->s = NULL;
  free(c->head);
  c->head = NULL;
  free(c->out);
  c->out = NULL;
  c->head_len = c->out_off = c->out_len = 0;
  c->want_write = c->t.busy = c->closed = false;
  c->t.phase = SERVE_PHASE_LINGER;
  c->t.phase_start_ms = sv->now_ms;
  return true;
}

/* Closing: the client's bytes (TLS records too) are read and dropped. */
static void linger_read(serve_conn *c) {
  uint8_t buf[32 * 1024];
  for (int rounds = 0; rounds < 16; rounds++) {
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    c->linger_bytes += n > 0 ? (size_t)n : 0;
    if (n <= 0 || c->linger_bytes > SERVE_LINGER_MAX_BYTES) {
      c->closed = true;
      return;
    }
  }
}

void serve_conn_readable(serve_ctx *sv, serve_conn *c) {
  if (c->t.phase == SERVE_PHASE_LINGER) {
    linger_read(c);
    return;
  }
  if (c->t.phase == SERVE_PHASE_HANDSHAKE) {
    int r = tls_conn_handshake(c->tls);
    if (r < 0) c->closed = true;
    if (r <= 0) {
      c->want_write = r == 0 && tls_conn_want_write(c->tls);
      return;
    }
    c->t.phase = SERVE_PHASE_PREFACE;
    c->t.phase_start_ms = c->t.last_active_ms = sv->now_ms;
    if (!new_session(sv, c, false)) {
      c->closed = true;
      return;
    }
  }
  uint8_t buf[32 * 1024];
  /* Plain TCP: at most 16 reads per wakeup, poll is level-triggered. TLS:
   * until it would block, since OpenSSL may hold decrypted bytes the socket
   * no longer signals. */
  for (int rounds = 0; c->tls || rounds < 16; rounds++) {
    ssize_t n = conn_read(c, buf, sizeof buf);
    if (n == TLS_AGAIN) break;
    if (n <= 0) {
      c->closed = c->eof = true;
      return;
    }
    c->t.last_active_ms = sv->now_ms;
    if (c->s)
      feed(sv, c, buf, (size_t)n);
    else
      sniff(sv, c, buf, (size_t)n);
    if (c->closed) return;
  }
}
