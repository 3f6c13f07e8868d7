/* serve_respond.c — `serve`'s answers: the fixed --body, or a file under
 * --dir: a small one from the cache (serve_cache.h), a larger one read with
 * pread in chunks of at most SERVE_CHUNK bytes, the next one when the
 * session has framed the last (H2_EV_DATA_SENT). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve_conn.h"
#include "serve_files.h"

#define SERVE_CHUNK (64u * 1024u)
/* Past this many bytes of chunk buffers on one connection, new file
 * responses read 4 KiB at a time: a client that opens 128 streams and reads
 * none pins little memory. */
#define SERVE_CONN_BODY_BUDGET (1u << 20)
#define SERVE_SMALL_CHUNK 4096u

void serve_body_release(serve_ctx *sv, serve_conn *c, size_t i) {
  serve_body *b = &c->bodies[i];
  if (b->fd >= 0) {
    close(b->fd);
    sv->open_files--;
  }
  free(b->buf);
  serve_cache_put(b->cached);
  c->bodies[i] = c->bodies[--c->nbodies];
}

static size_t body_find(const serve_conn *c, uint32_t stream_id) {
  for (size_t i = 0; i < c->nbodies; i++)
    if (c->bodies[i].stream_id == stream_id) return i;
  return SIZE_MAX;
}

static void reset_stream(serve_ctx *sv, serve_conn *c, size_t body, uint32_t stream_id) {
  h2_session_send_rst_stream(c->s, stream_id, H2_INTERNAL_ERROR);
  if (body != SIZE_MAX) serve_body_release(sv, c, body);
}

/* Reads the next chunk of body i and gives it to the session. */
static void body_next(serve_ctx *sv, serve_conn *c, size_t i) {
  serve_body *b = &c->bodies[i];
  uint64_t left = b->size - b->off;
  size_t want = left < b->cap ? (size_t)left : b->cap, got = 0;
  while (got < want) {
    ssize_t r = pread(b->fd, b->buf + got, want - got, (off_t)(b->off + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  /* The file shrank (or failed) after content-length went out: the response
   * cannot be completed, so the stream is reset (§8.1.1 forbids a body
   * shorter than content-length); the server and the connection go on. */
  if (got < want) {
    reset_stream(sv, c, i, b->stream_id);
    return;
  }
  b->off += got;
  bool end = b->off == b->size;
  if (end) { /* the descriptor is not needed for the last chunk's framing */
    close(b->fd);
    b->fd = -1;
    sv->open_files--;
  }
  if (h2_session_send_data(c->s, b->stream_id, b->buf, got, end) != H2_OK)
    reset_stream(sv, c, i, b->stream_id);
}

static size_t conn_body_bytes(const serve_conn *c) {
  size_t n = 0;
  for (size_t i = 0; i < c->nbodies; i++)
    n += c->bodies[i].cap;
  return n;
}

/* Starts streaming the open file f on stream_id (its HEADERS are sent). */
static void file_start(serve_ctx *sv, serve_conn *c, uint32_t stream_id, const serve_file *f) {
  if (c->nbodies == c->cap_bodies) {
    size_t cap = c->cap_bodies ? 2 * c->cap_bodies : 4;
    serve_body *nb = realloc(c->bodies, cap * sizeof *nb);
    if (!nb) {
      close(f->fd);
      reset_stream(sv, c, SIZE_MAX, stream_id);
      return;
    }
    c->bodies = nb;
    c->cap_bodies = cap;
  }
  serve_body *b = &c->bodies[c->nbodies];
  serve_cached *e = serve_cache_get(&sv->cache, f->fd, &f->st);
  if (e) { /* one copy in memory for every response that sends it */
    close(f->fd);
    *b = (serve_body){
        .stream_id = stream_id, .cached = e, .fd = -1, .off = e->size, .size = e->size};
    c->nbodies++;
    if (h2_session_send_data(c->s, stream_id, e->data, (size_t)e->size, true) != H2_OK)
      reset_stream(sv, c, c->nbodies - 1, stream_id);
    return;
  }
  size_t cap = conn_body_bytes(c) < SERVE_CONN_BODY_BUDGET ? SERVE_CHUNK : SERVE_SMALL_CHUNK;
  if (f->size < cap) cap = (size_t)f->size;
  *b = (serve_body){.stream_id = stream_id, .fd = f->fd, .size = f->size, .cap = cap};
  b->buf = malloc(cap);
  if (!b->buf) {
    close(f->fd);
    reset_stream(sv, c, SIZE_MAX, stream_id);
    return;
  }
  c->nbodies++;
  sv->open_files++;
  body_next(sv, c, c->nbodies - 1);
}

static const char *status_text(int status, const char **body) {
  switch (status) {
  case 400:
    *body = "bad path\n";
    return "400";
  case 414:
    *body = "path too long\n";
    return "414";
  case 503:
    *body = "too many files open, try again\n";
    return "503";
  default:
    *body = "not found\n";
    return "404";
  }
}

void serve_respond(serve_ctx *sv, serve_conn *c, uint32_t id, const char *method,
                   const char *path) {
  const char *status = "200", *ctype = "text/plain";
  const char *data = sv->body;
  uint64_t len = sv->body_len;
  serve_file f = {.status = 200, .fd = -1};
  if (sv->dirfd >= 0) {
    if (sv->open_files >= SERVE_MAX_OPEN_FILES)
      f.status = 503;
    else
      serve_file_open(sv->dirfd, path, &f);
    if (f.status == 200) {
      len = f.size;
      ctype = f.ctype;
    } else {
      status = status_text(f.status, &data);
      len = strlen(data);
    }
  }
  char len_s[32];
  snprintf(len_s, sizeof len_s, "%" PRIu64, len);
  h2_header resp[] = {{":status", 7, status, 3, 0},
                      {"content-length", 14, len_s, strlen(len_s), 0},
                      {"content-type", 12, ctype, strlen(ctype), 0},
                      {"server", 6, "h2scope", 7, 0}};
  bool body = len > 0 && strcmp(method, "HEAD") != 0;
  h2_status st = h2_session_send_headers(c->s, id, resp, 4, !body, NULL);
  if (st != H2_OK || !body) {
    if (f.fd >= 0) close(f.fd);
    /* no room to answer (a peer that does not read): do not leave the stream hanging */
    if (st != H2_OK) reset_stream(sv, c, SIZE_MAX, id);
    return;
  }
  if (f.fd >= 0) {
    file_start(sv, c, id, &f);
    return;
  }
  /* the fixed body and the error texts live as long as the server */
  if (h2_session_send_data(c->s, id, (const uint8_t *)data, (size_t)len, true) != H2_OK)
    reset_stream(sv, c, SIZE_MAX, id);
}

void serve_handle_events(serve_ctx *sv, serve_conn *c) {
  h2_event ev;
  while (!c->closed && h2_session_take_event(c->s, &ev)) {
    switch (ev.type) {
    case H2_EV_HEADERS: {
      const char *method = "GET", *path = "/";
      for (size_t i = 0; i < ev.header_count; i++) {
        if (!strcmp(ev.headers[i].name, ":method"))
          method = ev.headers[i].value;
        else if (!strcmp(ev.headers[i].name, ":path"))
          path = ev.headers[i].value;
      }
      /* The request body (if any) is read and dropped; we answer at once
       * when the request has none, else when it ends. Answering early is
       * allowed (§8.1), and keeps the server simple. */
      serve_respond(sv, c, ev.stream_id, method, path);
      break;
    }
    case H2_EV_SETTINGS:
      if (c->t.phase != SERVE_PHASE_H2) { /* the preface is complete (§3.4) */
        c->t.phase = SERVE_PHASE_H2;
        c->t.phase_start_ms = sv->now_ms;
      }
      if (c->upgrade_pending) {
        c->upgrade_pending = false;
        serve_respond(sv, c, 1, c->upgrade_method, c->upgrade_target);
        free(c->upgrade_target);
        c->upgrade_target = NULL;
      }
      break;
    case H2_EV_DATA_SENT: {
      size_t i = body_find(c, ev.stream_id);
      if (i == SIZE_MAX) break;
      if (c->bodies[i].off < c->bodies[i].size)
        body_next(sv, c, i);
      else
        serve_body_release(sv, c, i);
      break;
    }
    case H2_EV_STREAM_CLOSED: {
      size_t i = body_find(c, ev.stream_id);
      if (i != SIZE_MAX) serve_body_release(sv, c, i);
      break;
    }
    default:
      break;
    }
  }
}
