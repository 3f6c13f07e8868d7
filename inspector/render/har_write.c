/* har_write.c — HAR 1.2 output of the captured request/response exchanges
 * (har_write.h). */
#include "har_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json_write.h"
#include "out_buf.h"
#include "packed_fields.h"

typedef struct har_entry {
  uint32_t conn, stream;
  double t_start, t_response, t_end;
  bool have_request, have_response, pushed;
  bool request_done, response_done, reset;
  bool selected; /* a frame matched the display filter (har_select) */
  uint32_t reset_code;
  int status;
  uint64_t request_body, response_body;
  char client[64], server[64];
  packed_fields request, response;
} har_entry;

struct har_writer {
  int fd;
  bool redact;
  bool filtered; /* only selected entries are written */
  uint64_t written;
  har_entry **open;
  size_t nopen, cap;
  out_buf out;
};

/* ---- writing one entry ---- */

static void iso_time(out_buf *o, double ts) {
  time_t secs = (time_t)ts;
  int ms = (int)((ts - (double)secs) * 1000.0);
  if (ms > 999) ms = 999;
  if (ms < 0) ms = 0;
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[96];
  snprintf(buf, sizeof buf, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  out_puts(o, buf);
}

/* Milliseconds between two capture times, never negative. */
static void out_ms(out_buf *o, double from, double to) {
  double ms = (to - from) * 1000.0;
  out_fixed(o, ms > 0 ? ms : 0, 3);
}

static void write_header_array(har_writer *w, const packed_fields *pf) {
  out_buf *o = &w->out;
  out_putc(o, '[');
  size_t pos = 0, nlen, vlen;
  const char *name, *value;
  bool first = true;
  while (packed_next(pf, &pos, &name, &nlen, &value, &vlen)) {
    out_puts(o, first ? "{\"name\":" : ",{\"name\":");
    first = false;
    json_str(o, name, nlen);
    out_puts(o, ",\"value\":");
    json_str(o, value, vlen);
    out_putc(o, '}');
  }
  out_putc(o, ']');
}

/* queryString: the name=value pairs after '?' (not percent-decoded, as
 * viewers show them). */
static void write_query(out_buf *o, const char *path, size_t len) {
  out_putc(o, '[');
  const char *q = memchr(path, '?', len);
  if (q) {
    const char *end = path + len, *p = q + 1;
    bool first = true;
    while (p < end) {
      const char *amp = memchr(p, '&', (size_t)(end - p));
      const char *stop = amp ? amp : end;
      if (stop > p) {
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        out_puts(o, first ? "{\"name\":" : ",{\"name\":");
        first = false;
        json_str(o, p, (size_t)((eq ? eq : stop) - p));
        out_puts(o, ",\"value\":");
        if (eq)
          json_str(o, eq + 1, (size_t)(stop - eq - 1));
        else
          out_puts(o, "\"\"");
        out_putc(o, '}');
      }
      p = stop + 1;
    }
  }
  out_putc(o, ']');
}

static void write_entry(har_writer *w, const har_entry *e) {
  out_buf *o = &w->out;
  const char *method = "", *scheme = "http", *authority = "", *path = "", *v;
  size_t method_len = 0, scheme_len = 4, authority_len = 0, path_len = 0, vl;
  if (packed_find(&e->request, ":method", &v, &vl)) method = v, method_len = vl;
  if (packed_find(&e->request, ":scheme", &v, &vl)) scheme = v, scheme_len = vl;
  if (packed_find(&e->request, ":authority", &v, &vl) || packed_find(&e->request, "host", &v, &vl))
    authority = v, authority_len = vl;
  if (packed_find(&e->request, ":path", &v, &vl)) path = v, path_len = vl;

  out_puts(o, w->written ? ",\n{" : "\n{");
  out_puts(o, "\"startedDateTime\":");
  iso_time(o, e->t_start);
  double end = e->t_end > e->t_start ? e->t_end : e->t_start;
  out_puts(o, ",\"time\":");
  out_ms(o, e->t_start, end);
  out_puts(o, ",\"request\":{\"method\":");
  json_str(o, method, method_len);
  /* url: scheme://authority path (RFC 9113 §8.3.1 pseudo-headers) */
  char prefix[16];
  size_t pl = scheme_len < 8 ? scheme_len : 8;
  memcpy(prefix, scheme, pl);
  memcpy(prefix + pl, "://", 4);
  out_puts(o, ",\"url\":");
  size_t ul = pl + 3 + authority_len + path_len;
  char *url = malloc(ul + 1);
  if (url) {
    memcpy(url, prefix, pl + 3);
    memcpy(url + pl + 3, authority, authority_len);
    memcpy(url + pl + 3 + authority_len, path, path_len);
    json_str(o, url, ul);
    free(url);
  } else {
    out_puts(o, "\"\"");
  }
  out_puts(o, ",\"httpVersion\":\"HTTP/2\",\"cookies\":[],\"headers\":");
  write_header_array(w, &e->request);
  out_puts(o, ",\"queryString\":");
  write_query(o, path, path_len);
  out_puts(o, ",\"headersSize\":-1,\"bodySize\":");
  out_u64(o, e->request_body);
  out_puts(o, "},\"response\":{\"status\":");
  out_i64(o, e->status);
  out_puts(o, ",\"statusText\":\"\",\"httpVersion\":\"HTTP/2\",\"cookies\":[],\"headers\":");
  write_header_array(w, &e->response);
  out_puts(o, ",\"content\":{\"size\":");
  out_u64(o, e->response_body);
  out_puts(o, ",\"mimeType\":");
  if (packed_find(&e->response, "content-type", &v, &vl))
    json_str(o, v, vl);
  else
    out_puts(o, "\"\"");
  out_puts(o, "},\"redirectURL\":");
  if (packed_find(&e->response, "location", &v, &vl))
    json_str(o, v, vl);
  else
    out_puts(o, "\"\"");
  out_puts(o, ",\"headersSize\":-1,\"bodySize\":");
  out_u64(o, e->response_body);
  out_puts(o, "},\"cache\":{},\"timings\":{\"send\":0,\"wait\":");
  double resp = e->have_response ? e->t_response : end;
  out_ms(o, e->t_start, resp);
  out_puts(o, ",\"receive\":");
  out_ms(o, resp, end);
  out_puts(o, "},\"serverIPAddress\":");
  const char *colon = strrchr(e->server, ':');
  size_t host_len = colon ? (size_t)(colon - e->server) : strlen(e->server);
  if (host_len >= 2 && e->server[0] == '[') /* "[v6]:port" */
    json_str(o, e->server + 1, host_len - 2);
  else
    json_str(o, e->server, host_len);
  out_puts(o, ",\"connection\":\"");
  out_u64(o, e->conn);
  out_puts(o, "\",\"_stream\":");
  out_u64(o, e->stream);
  if (e->pushed) out_puts(o, ",\"_pushed\":true");
  if (e->reset) {
    out_puts(o, ",\"_reset\":");
    const char *en = h2_error_code_name(e->reset_code);
    json_cstr(o, en ? en : "UNKNOWN");
  }
  out_puts(o, ",\"_client\":");
  json_cstr(o, e->client);
  out_putc(o, '}');
  w->written++;
}

/* ---- the open-exchange table ---- */

static void entry_free(har_entry *e) {
  free(e->request.p);
  free(e->response.p);
  free(e);
}

/* Writes the entry at index i (if it has a request) and removes it. */
static void finish_at(har_writer *w, size_t i) {
  har_entry *e = w->open[i];
  if (e->have_request && (!w->filtered || e->selected)) write_entry(w, e);
  entry_free(e);
  memmove(&w->open[i], &w->open[i + 1], (w->nopen - i - 1) * sizeof *w->open);
  w->nopen--;
}

static har_entry *find(har_writer *w, const h2_conn *c, uint32_t stream, size_t *idx) {
  /* Newest first: the active streams are usually at the end. */
  for (size_t i = w->nopen; i-- > 0;) {
    har_entry *e = w->open[i];
    if (e->conn == c->flow->id && e->stream == stream) {
      if (idx) *idx = i;
      return e;
    }
  }
  return NULL;
}

static har_entry *find_or_add(har_writer *w, const h2_conn *c, uint32_t stream) {
  har_entry *e = find(w, c, stream, NULL);
  if (e) return e;
  if (w->nopen == HAR_MAX_OPEN) finish_at(w, 0);
  if (w->nopen == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 64;
    har_entry **n = realloc(w->open, cap * sizeof *n);
    if (!n) return NULL;
    w->open = n;
    w->cap = cap;
  }
  e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->conn = c->flow->id;
  e->stream = stream;
  e->t_start = e->t_end = c->ts;
  snprintf(e->client, sizeof e->client, "%s", c->flow->endpoint[FLOW_DIR_C2S]);
  snprintf(e->server, sizeof e->server, "%s", c->flow->endpoint[FLOW_DIR_S2C]);
  w->open[w->nopen++] = e;
  return e;
}

void har_set_filtered(har_writer *w) {
  w->filtered = true;
}

void har_select(har_writer *w, const h2_conn *c, uint32_t stream) {
  if (stream == 0) return;
  har_entry *e = find_or_add(w, c, stream);
  if (e) e->selected = true;
}

static void maybe_finish(har_writer *w, const h2_conn *c, uint32_t stream) {
  size_t i;
  har_entry *e = find(w, c, stream, &i);
  if (e && ((e->request_done && e->response_done) || e->reset)) finish_at(w, i);
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

static void store_list(har_writer *w, packed_fields *pf, const decoded_frame *d) {
  free(pf->p);
  memset(pf, 0, sizeof *pf);
  for (size_t i = 0; i < d->header_count; i++) {
    const h2_header *h = &d->headers[i];
    const h2_hpack_field_info *info = d->infos ? &d->infos[i] : NULL;
    if (!h->name) {
      static const char undecodable[] = "undecodable (dynamic table state unknown)";
      packed_add(pf, "", 0, undecodable, sizeof undecodable - 1);
      continue;
    }
    print_options po = {.redact = w->redact};
    if (print_redacts(&po, h, info))
      packed_add(pf, h->name, h->name_len, "[redacted]", 10);
    else
      packed_add(pf, h->name, h->name_len, h->value ? h->value : "", h->value ? h->value_len : 0);
  }
}

void har_frame(har_writer *w, const h2_conn *c, int dir, const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  uint32_t sid = f->hd.stream_id;
  har_entry *e = NULL;
  bool end_stream = (f->hd.flags & H2_FLAG_END_STREAM) != 0;
  switch (f->hd.type) {
  case H2_HEADERS:
    if (sid == 0) break;
    e = find_or_add(w, c, sid);
    if (e && end_stream) {
      if (dir == FLOW_DIR_C2S)
        e->request_done = true;
      else if (e->status >= 200 || !e->have_response)
        e->response_done = true;
      e->t_end = c->ts;
    }
    break;
  case H2_PUSH_PROMISE:
    if (d->frame_status == H2_OK && f->u.push_promise.promised_stream_id) {
      e = find_or_add(w, c, f->u.push_promise.promised_stream_id);
      if (e) {
        e->pushed = true;
        e->request_done = true;
      }
    }
    break;
  case H2_DATA:
    e = find(w, c, sid, NULL);
    if (e && d->frame_status == H2_OK) {
      if (dir == FLOW_DIR_C2S)
        e->request_body += f->u.data.len;
      else
        e->response_body += f->u.data.len;
      e->t_end = c->ts;
      if (end_stream) {
        if (dir == FLOW_DIR_C2S)
          e->request_done = true;
        else
          e->response_done = true;
      }
    }
    break;
  case H2_RST_STREAM:
    e = find(w, c, sid, NULL);
    if (e && d->frame_status == H2_OK) {
      e->reset = true;
      e->reset_code = f->u.rst_stream.error_code;
      e->t_end = c->ts;
    }
    break;
  default:
    break;
  }
  if (d->block_complete) {
    uint32_t target = c->block_stream[dir];
    har_entry *b = target ? find(w, c, target, NULL) : NULL;
    if (b) {
      if (dir == FLOW_DIR_C2S || c->block_push[dir]) {
        if (!b->have_request) {
          store_list(w, &b->request, d);
          b->have_request = true;
          b->t_start = c->ts;
        }
      } else if (!b->have_response || b->status < 200) {
        /* The final response replaces 1xx informational ones (§8.1). */
        store_list(w, &b->response, d);
        b->status = status_of(&b->response);
        if (!b->have_response) b->t_response = c->ts;
        b->have_response = true;
        if (b->t_end < c->ts) b->t_end = c->ts;
      }
    }
    if (target && target != sid) maybe_finish(w, c, target);
  }
  if (e)
    maybe_finish(w, c, e->stream);
  else if (sid && d->block_complete)
    maybe_finish(w, c, sid);
}

void har_upgrade_request(har_writer *w, const h2_conn *c, const h2_header *fields, size_t count) {
  har_entry *e = find_or_add(w, c, 1);
  if (!e) return;
  free(e->request.p);
  memset(&e->request, 0, sizeof e->request);
  for (size_t i = 0; i < count; i++) {
    print_options po = {.redact = w->redact};
    if (print_redacts(&po, &fields[i], NULL))
      packed_add(&e->request, fields[i].name, fields[i].name_len, "[redacted]", 10);
    else
      packed_add(&e->request, fields[i].name, fields[i].name_len, fields[i].value,
                 fields[i].value_len);
  }
  e->have_request = e->request_done = true;
}

void har_conn_close(har_writer *w, const h2_conn *c) {
  for (size_t i = 0; i < w->nopen;) {
    if (w->open[i]->conn == c->flow->id)
      finish_at(w, i);
    else
      i++;
  }
}

har_writer *har_open(const char *path, bool redact, char *err, size_t errcap) {
  har_writer *w = calloc(1, sizeof *w);
  if (!w) {
    snprintf(err, errcap, "out of memory");
    return NULL;
  }
  /* "-": standard output (the command prints its own output elsewhere then).
   * A file is owner-only: without --redact the entries hold cookies and
   * authorization fields, decrypted ones with --keylog. */
  if (!strcmp(path, "-"))
    w->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  else
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (w->fd < 0) {
    snprintf(err, errcap, "cannot create %s: %s", path, strerror(errno));
    free(w);
    return NULL;
  }
  w->redact = redact;
  out_init(&w->out, w->fd);
  out_puts(&w->out, "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"h2scope\","
                    "\"version\":\"1\"},\"pages\":[],\"entries\":[");
  return w;
}

int har_close(har_writer *w, uint64_t *entries) {
  while (w->nopen)
    finish_at(w, 0);
  out_puts(&w->out, "\n]}}\n");
  bool ok = out_flush(&w->out);
  if (close(w->fd) != 0) ok = false;
  if (entries) *entries = w->written;
  free(w->open);
  free(w);
  return ok ? 0 : -1;
}
