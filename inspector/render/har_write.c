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

#include "h2/buf.h"
#include "h2/error.h"
#include "json_write.h"
#include "out_buf.h"
#include "packed_fields.h"

/* The response body of an exchange, kept (up to the cap) from the body
 * consumer's first chunk until the exchange is written. */
typedef struct har_body {
  uint32_t conn, stream;
  h2_buf body; /* the decoded response body, at most --har-body-max */
  bool over;   /* larger than the cap: not included */
  bool oom;    /* could not be kept (memory): not included */
  struct har_body *next;
} har_body;

/* A stream a frame of which the display filter selected (read -Y). */
typedef struct har_pick {
  uint32_t conn, stream;
} har_pick;

struct har_writer {
  int fd;
  size_t body_max;
  bool filtered;   /* only the picked streams' exchanges are written */
  har_pick *picks; /* streams picked and not written yet */
  size_t npicks, picks_cap;
  uint64_t written;
  har_body *bodies; /* of the exchanges not written yet */
  bool lost; /* an exchange or a body had no memory to be kept in: har_close fails (ENOMEM) */
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

/* The text of a body: as it is when it is valid UTF-8 (json_str escapes
 * what JSON needs), otherwise base64 (HAR 1.2 content.encoding). */
static bool utf8_valid(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b = p[i];
    size_t len = b < 0x80                ? 1
                 : b >= 0xc2 && b < 0xe0 ? 2
                 : b >= 0xe0 && b < 0xf0 ? 3
                 : b >= 0xf0 && b < 0xf5 ? 4
                                         : 0;
    if (!len || i + len > n) return false;
    for (size_t k = 1; k < len; k++)
      if ((p[i + k] & 0xc0) != 0x80) return false;
    if (len == 3) {
      uint32_t cp = (uint32_t)(b & 0x0f) << 12 | (uint32_t)(p[i + 1] & 0x3f) << 6;
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    } else if (len == 4) {
      uint32_t cp = (uint32_t)(b & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3f) << 12;
      if (cp < 0x10000 || cp > 0x10ffff) return false;
    }
    i += len;
  }
  return true;
}

static void out_base64(out_buf *o, const uint8_t *p, size_t n) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out_putc(o, '"');
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = 0; /* three bytes (zeros past the end) as one 24-bit group */
    for (size_t k = 0; k < 3; k++)
      v = v * 256 + (i + k < n ? p[i + k] : 0);
    char q[4] = {a[v >> 18], a[(v >> 12) & 63], i + 1 < n ? a[(v >> 6) & 63] : '=',
                 i + 2 < n ? a[v & 63] : '='};
    out_write(o, q, 4);
  }
  out_putc(o, '"');
}

static har_body *take_body(har_writer *w, const exchange *x) {
  for (har_body **pp = &w->bodies; *pp; pp = &(*pp)->next)
    if ((*pp)->conn == x->conn && (*pp)->stream == x->stream) {
      har_body *b = *pp;
      *pp = b->next;
      return b;
    }
  return NULL;
}

static void write_content(har_writer *w, const exchange *x) {
  out_buf *o = &w->out;
  const exchange_body *eb = &x->body[EXCHANGE_RESPONSE];
  const char *v;
  size_t vl;
  out_puts(o, ",\"content\":{\"size\":");
  out_u64(o, eb->decoded);
  if (eb->decoded != eb->wire) {
    out_puts(o, ",\"compression\":");
    out_i64(o, (int64_t)eb->decoded - (int64_t)eb->wire);
  }
  out_puts(o, ",\"mimeType\":");
  if (packed_find(&x->response, "content-type", &v, &vl))
    json_str(o, v, vl);
  else
    out_puts(o, "\"\"");
  har_body *b = take_body(w, x);
  if (b && !b->over && !b->oom && eb->state == BODY_OK) {
    out_puts(o, ",\"text\":");
    if (utf8_valid(b->body.p, b->body.len)) {
      json_str(o, (const char *)b->body.p, b->body.len);
    } else {
      out_base64(o, b->body.p, b->body.len);
      out_puts(o, ",\"encoding\":\"base64\"");
    }
  } else if (b && b->over) {
    out_puts(o, ",\"comment\":\"body larger than --har-body-max: not included\"");
  } else if (b && b->oom) {
    out_puts(o, ",\"comment\":\"body could not be kept (out of memory): not included\"");
  } else if (eb->state != BODY_OK) {
    out_puts(o, ",\"comment\":");
    json_cstr(o, body_state_name((enum body_state)eb->state));
  }
  if (b) {
    h2_buf_free(&b->body);
    free(b);
  }
  out_putc(o, '}');
}

void har_set_filtered(har_writer *w) {
  w->filtered = true;
}

static size_t pick_index(const har_writer *w, uint32_t conn, uint32_t stream) {
  for (size_t i = w->npicks; i-- > 0;) /* newest first: the active streams */
    if (w->picks[i].conn == conn && w->picks[i].stream == stream) return i;
  return SIZE_MAX;
}

void har_select(har_writer *w, uint32_t conn, uint32_t stream) {
  if (stream == 0 || pick_index(w, conn, stream) != SIZE_MAX) return;
  if (w->npicks == w->picks_cap) {
    size_t cap = w->picks_cap ? w->picks_cap * 2 : 64;
    har_pick *n = realloc(w->picks, cap * sizeof *n);
    if (!n) { /* out of memory: the exchange is left out, har_close says so */
      w->lost = true;
      return;
    }
    w->picks = n;
    w->picks_cap = cap;
  }
  w->picks[w->npicks++] = (har_pick){conn, stream};
}

/* Whether the display filter picked x's stream (forgetting it: it ends). */
static bool picked(har_writer *w, const exchange *x) {
  size_t i = pick_index(w, x->conn, x->stream);
  if (i == SIZE_MAX) return false;
  w->picks[i] = w->picks[--w->npicks];
  return true;
}

void har_exchange(har_writer *w, const conn_ends *c, const exchange *x) {
  bool keep = !w->filtered || picked(w, x);
  if (!x->have_request || !keep) {
    har_body *b = take_body(w, x);
    if (b) h2_buf_free(&b->body), free(b);
    return;
  }
  out_buf *o = &w->out;
  const char *method = "", *scheme = "http", *authority = "", *path = "", *v;
  size_t method_len = 0, scheme_len = 4, authority_len = 0, path_len = 0, vl;
  if (packed_find(&x->request, ":method", &v, &vl)) method = v, method_len = vl;
  if (packed_find(&x->request, ":scheme", &v, &vl)) scheme = v, scheme_len = vl;
  if (packed_find(&x->request, ":authority", &v, &vl) || packed_find(&x->request, "host", &v, &vl))
    authority = v, authority_len = vl;
  if (packed_find(&x->request, ":path", &v, &vl)) path = v, path_len = vl;

  double start = x->t_request;
  double end = x->t_end > start ? x->t_end : start;
  out_puts(o, w->written ? ",\n{" : "\n{");
  out_puts(o, "\"startedDateTime\":");
  iso_time(o, start);
  out_puts(o, ",\"time\":");
  out_ms(o, start, end);
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
  bool url_lost = !url;
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
  write_header_array(w, &x->request);
  out_puts(o, ",\"queryString\":");
  write_query(o, path, path_len);
  out_puts(o, ",\"headersSize\":-1,\"bodySize\":");
  out_u64(o, x->body[EXCHANGE_REQUEST].wire);
  out_puts(o, "},\"response\":{\"status\":");
  out_i64(o, x->status);
  out_puts(o, ",\"statusText\":\"\",\"httpVersion\":\"HTTP/2\",\"cookies\":[],\"headers\":");
  write_header_array(w, &x->response);
  write_content(w, x);
  out_puts(o, ",\"redirectURL\":");
  if (packed_find(&x->response, "location", &v, &vl))
    json_str(o, v, vl);
  else
    out_puts(o, "\"\"");
  out_puts(o, ",\"headersSize\":-1,\"bodySize\":");
  out_u64(o, x->body[EXCHANGE_RESPONSE].wire);
  /* send: the request body going out (its last DATA frame); wait: until
   * the response headers; receive: until the end of the stream. */
  double sent =
      x->body[EXCHANGE_REQUEST].t_last_data > start ? x->body[EXCHANGE_REQUEST].t_last_data : start;
  double resp = x->have_response && x->t_response > sent ? x->t_response : end;
  if (resp < sent) resp = sent;
  out_puts(o, "},\"cache\":{},\"timings\":{\"send\":");
  out_ms(o, start, sent);
  out_puts(o, ",\"wait\":");
  out_ms(o, sent, resp);
  out_puts(o, ",\"receive\":");
  out_ms(o, resp, end);
  out_puts(o, "},\"serverIPAddress\":");
  const char *server = c->server;
  const char *colon = strrchr(server, ':');
  size_t host_len = colon ? (size_t)(colon - server) : strlen(server);
  if (host_len >= 2 && server[0] == '[') /* "[v6]:port" */
    json_str(o, server + 1, host_len - 2);
  else
    json_str(o, server, host_len);
  out_puts(o, ",\"connection\":\"");
  out_u64(o, x->conn);
  out_puts(o, "\",\"_stream\":");
  out_u64(o, x->stream);
  if (x->fields_cut || url_lost)
    out_puts(o, ",\"comment\":\"out of memory: the header lists or the url are not complete\"");
  if (x->pushed) out_puts(o, ",\"_pushed\":true");
  if (x->reset) {
    out_puts(o, ",\"_reset\":");
    const char *en = h2_error_code_name(x->reset_code);
    json_cstr(o, en ? en : "UNKNOWN");
  }
  out_puts(o, ",\"_client\":");
  json_cstr(o, c->client);
  out_putc(o, '}');
  w->written++;
}

/* ---- the response bodies (a body consumer) ---- */

static unsigned hb_open(void *user, const exchange *x, int side, void **state) {
  har_writer *w = user;
  *state = NULL;
  if (side != EXCHANGE_RESPONSE || !x->have_request) return 0;
  har_body *b = calloc(1, sizeof *b);
  if (!b) {
    w->lost = true; /* said by har_close */
    return 0;
  }
  b->conn = x->conn;
  b->stream = x->stream;
  h2_buf_init(&b->body, w->body_max);
  b->next = w->bodies;
  w->bodies = b;
  *state = b;
  return BODY_WANT_DECODED;
}

static void hb_chunk(void *user, void *state, const exchange *x, int side, bool decoded,
                     const uint8_t *p, size_t n, uint64_t offset) {
  har_body *b = state;
  (void)user, (void)x, (void)side, (void)decoded, (void)offset;
  if (b->over || b->oom) return;
  if (n > b->body.limit - b->body.len) {
    b->over = true;
    h2_buf_free(&b->body);
  } else if (!h2_buf_put(&b->body, p, n)) {
    b->oom = true;
    h2_buf_free(&b->body);
  }
}

static void hb_end(void *user, void *state, const exchange *x, int side) {
  (void)user, (void)state, (void)x, (void)side; /* kept until har_exchange */
}

body_consumer har_body_consumer(har_writer *w) {
  return (body_consumer){.open = hb_open, .chunk = hb_chunk, .end = hb_end, .user = w};
}

har_writer *har_open(const char *path, size_t body_max, char *err, size_t errcap) {
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
  w->body_max = body_max;
  out_init(&w->out, w->fd);
  out_puts(&w->out, "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"h2scope\","
                    "\"version\":\"1\"},\"pages\":[],\"entries\":[");
  return w;
}

int har_close(har_writer *w, uint64_t *entries) {
  while (w->bodies) {
    har_body *b = w->bodies;
    w->bodies = b->next;
    h2_buf_free(&b->body);
    free(b);
  }
  out_puts(&w->out, "\n]}}\n");
  bool ok = out_flush(&w->out);
  int e = ok && w->lost ? ENOMEM : errno;
  if (close(w->fd) != 0) ok = false, e = errno;
  if (w->lost) ok = false;
  if (entries) *entries = w->written;
  free(w->picks);
  free(w);
  errno = e;
  return ok ? 0 : -1;
}
