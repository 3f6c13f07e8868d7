/* check_grade.c — grades what a peer did against a check case's expectation
 * (check_grade.h), and renders the peer's frames as the short "actual" text. */
#include "check_grade.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/error.h"

const char *check_verdict_name(int verdict) {
  switch (verdict) {
  case CHECK_PASS:
    return "pass";
  case CHECK_LENIENT:
    return "lenient";
  case CHECK_FAIL:
    return "fail";
  default:
    return "skip";
  }
}

void check_observed_add(check_observed *o, const check_rx *rx) {
  if (o->n < CHECK_MAX_RX)
    o->rx[o->n++] = *rx;
  else
    o->dropped++;
}

const check_rx *check_observed_find(const check_observed *o, uint8_t type, uint32_t sid) {
  for (size_t i = 0; i < o->n; i++)
    if (o->rx[i].hd.type == type && (sid == UINT32_MAX || o->rx[i].hd.stream_id == sid))
      return &o->rx[i];
  return NULL;
}

/* Whether the error code's name is one of "A|B|C". */
static bool code_in(const char *codes, uint32_t code) {
  const char *name = h2_error_code_name(code);
  if (!name) return false;
  size_t nl = strlen(name);
  for (const char *p = codes; *p;) {
    const char *bar = strchr(p, '|');
    size_t l = bar ? (size_t)(bar - p) : strlen(p);
    if (l == nl && !memcmp(p, name, nl)) return true;
    p += l + (bar ? 1 : 0);
  }
  return false;
}

static bool word_in(const char *codes, const char *word) {
  size_t wl = strlen(word);
  for (const char *p = codes; *p;) {
    const char *bar = strchr(p, '|');
    size_t l = bar ? (size_t)(bar - p) : strlen(p);
    if (l == wl && !memcmp(p, word, wl)) return true;
    p += l + (bar ? 1 : 0);
  }
  return false;
}

static const char *code_text(uint32_t code, char *buf, size_t cap) {
  const char *n = h2_error_code_name(code);
  if (n) return n;
  snprintf(buf, cap, "0x%x", code);
  return buf;
}

static int say(char *why, size_t cap, int verdict, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int say(char *why, size_t cap, int verdict, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, cap, fmt, ap);
  va_end(ap);
  return verdict;
}

static const char *end_text(const check_observed *o) {
  if (o->not_http2) return "bytes that are not HTTP/2 frames";
  if (o->reset) return "a TCP reset";
  if (o->closed) return "the connection closed";
  if (o->timed_out) return "a timeout";
  return "the end of the wait";
}

/* A GOAWAY with one of the codes, else the first GOAWAY, else NULL. */
static const check_rx *find_goaway(const check_observed *o, const char *codes) {
  const check_rx *first = NULL;
  for (size_t i = 0; i < o->n; i++) {
    if (o->rx[i].hd.type != H2_GOAWAY) continue;
    if (codes && code_in(codes, o->rx[i].error_code)) return &o->rx[i];
    if (!first) first = &o->rx[i];
  }
  return first;
}

/* RST_STREAM(NO_ERROR) after the peer completed its message on that stream:
 * "abort transmission of a request without error" (RFC 9113 §8.1), no
 * reaction to anything we did. */
static bool benign_rst(const check_observed *o, size_t i) {
  const check_rx *r = &o->rx[i];
  if (r->hd.type != H2_RST_STREAM || r->error_code != H2_NO_ERROR) return false;
  for (size_t k = 0; k < i; k++)
    if (o->rx[k].hd.stream_id == r->hd.stream_id &&
        (o->rx[k].hd.type == H2_HEADERS || o->rx[k].hd.type == H2_DATA) &&
        (o->rx[k].hd.flags & H2_FLAG_END_STREAM))
      return true;
  return false;
}

static const check_rx *find_rst(const check_observed *o, uint32_t sid, const char *codes) {
  const check_rx *first = NULL;
  for (size_t i = 0; i < o->n; i++) {
    if (o->rx[i].hd.type != H2_RST_STREAM || o->rx[i].hd.stream_id != sid) continue;
    if (benign_rst(o, i)) continue;
    if (codes && code_in(codes, o->rx[i].error_code)) return &o->rx[i];
    if (!first) first = &o->rx[i];
  }
  return first;
}

/* A response HEADERS on sid whose :status starts with one of `classes`. */
static const check_rx *find_status(const check_observed *o, uint32_t sid, const char *classes) {
  for (size_t i = 0; i < o->n; i++)
    if (o->rx[i].hd.type == H2_HEADERS && o->rx[i].hd.stream_id == sid && o->rx[i].status[0] &&
        strchr(classes, o->rx[i].status[0]))
      return &o->rx[i];
  return NULL;
}

static int grade_goaway(const char *codes, const check_observed *o, char *why, size_t cap) {
  char b1[16], b2[16];
  const check_rx *g = find_goaway(o, codes);
  if (g && code_in(codes, g->error_code)) {
    /* §6.8: the last stream id names streams the sender may have processed;
     * above every stream we opened it is wrong */
    if (g->last_stream_id > o->max_stream)
      return say(why, cap, CHECK_LENIENT,
                 "GOAWAY %s, but its last-stream-id %u is above the highest stream opened (%u), "
                 "RFC 9113 §6.8",
                 code_text(g->error_code, b1, sizeof b1), g->last_stream_id, o->max_stream);
    return CHECK_PASS;
  }
  if (g)
    return say(why, cap, CHECK_FAIL, "GOAWAY %s instead of %s", code_text(g->error_code, b1, 16),
               codes);
  const check_rx *r = NULL;
  for (size_t i = 0; !r && i < o->n; i++)
    if (o->rx[i].hd.type == H2_RST_STREAM && !benign_rst(o, i)) r = &o->rx[i];
  if ((o->closed || o->reset || o->not_http2) && word_in(codes, "CLOSE")) return CHECK_PASS;
  if (r && !(o->closed || o->reset))
    return say(why, cap, CHECK_FAIL, "RST_STREAM(%u, %s) instead of a connection error %s",
               r->hd.stream_id, code_text(r->error_code, b2, sizeof b2), codes);
  if (o->closed || o->reset || o->not_http2)
    return say(why, cap, CHECK_LENIENT, "%s without GOAWAY (expected GOAWAY %s)", end_text(o),
               codes);
  if (o->marker_acked)
    return say(why, cap, CHECK_FAIL, "no GOAWAY: the connection goes on (PING answered)");
  return say(why, cap, CHECK_FAIL, "no GOAWAY before %s", end_text(o));
}

static int grade_rst(uint32_t sid, const char *codes, const check_observed *o, char *why,
                     size_t cap) {
  char b1[16];
  const check_rx *r = find_rst(o, sid, codes);
  if (r && code_in(codes, r->error_code)) return CHECK_PASS;
  const check_rx *g = find_goaway(o, codes);
  /* §5.4: an endpoint may treat a stream error as a connection error */
  if (g && code_in(codes, g->error_code)) return CHECK_PASS;
  if (r)
    return say(why, cap, CHECK_FAIL, "RST_STREAM(%u, %s) instead of %s", sid,
               code_text(r->error_code, b1, sizeof b1), codes);
  if (g)
    return say(why, cap, CHECK_FAIL, "GOAWAY %s instead of a stream error %s",
               code_text(g->error_code, b1, sizeof b1), codes);
  const check_rx *h = find_status(o, sid, "4");
  if (h)
    return say(why, cap, CHECK_LENIENT,
               "answered HTTP %s on stream %u but no RST_STREAM %s (RFC 9113 §8.1.1 allows a "
               "response before the reset, not instead of it)",
               h->status, sid, codes);
  if (o->closed || o->reset || o->not_http2)
    return say(why, cap, CHECK_LENIENT, "%s without RST_STREAM or GOAWAY (expected %s)",
               end_text(o), codes);
  h = find_status(o, sid, "2345");
  if (h)
    return say(why, cap, CHECK_FAIL, "answered HTTP %s: the violation was accepted", h->status);
  if (o->marker_acked)
    return say(why, cap, CHECK_FAIL, "no RST_STREAM on stream %u: the connection goes on", sid);
  return say(why, cap, CHECK_FAIL, "no RST_STREAM before %s", end_text(o));
}

static int grade_unwanted_errors(const check_observed *o, char *why, size_t cap) {
  char b1[16];
  const check_rx *g = find_goaway(o, NULL);
  if (g)
    return say(why, cap, CHECK_FAIL, "unexpected GOAWAY %s",
               code_text(g->error_code, b1, sizeof b1));
  for (size_t i = 0; i < o->n; i++)
    if (o->rx[i].hd.type == H2_RST_STREAM && !benign_rst(o, i))
      return say(why, cap, CHECK_FAIL, "unexpected RST_STREAM(%u, %s)", o->rx[i].hd.stream_id,
                 code_text(o->rx[i].error_code, b1, sizeof b1));
  return CHECK_PASS;
}

int check_grade(const char *expect, const check_observed *o, char *why, size_t cap) {
  char kind[32] = "", a1[128] = "", a2[128] = "";
  why[0] = 0;
  int n = sscanf(expect, "%31s %127s %127s", kind, a1, a2);
  if (n >= 2 && !strcmp(kind, "GOAWAY")) return grade_goaway(a1, o, why, cap);
  if (n == 3 && !strcmp(kind, "RST_STREAM"))
    return grade_rst((uint32_t)strtoul(a1, NULL, 10), a2, o, why, cap);
  if (n == 2 && !strcmp(kind, "RESPONSE")) {
    uint32_t sid = (uint32_t)strtoul(a1, NULL, 10);
    if (find_status(o, sid, "2345")) return CHECK_PASS;
    int v = grade_unwanted_errors(o, why, cap);
    if (v != CHECK_PASS) return v;
    return say(why, cap, CHECK_FAIL, "no response on stream %u before %s", sid, end_text(o));
  }
  if (n == 1 && (!strcmp(kind, "PING_ACK") || !strcmp(kind, "SETTINGS_ACK"))) {
    bool ping = kind[0] == 'P';
    for (size_t i = 0; i < o->n; i++) {
      const check_rx *x = &o->rx[i];
      if (x->hd.type == (ping ? H2_PING : H2_SETTINGS) && (x->hd.flags & H2_FLAG_ACK) && !x->marker)
        return CHECK_PASS;
    }
    int v = grade_unwanted_errors(o, why, cap);
    if (v != CHECK_PASS) return v;
    return say(why, cap, CHECK_FAIL, "no %s ACK before %s", ping ? "PING" : "SETTINGS",
               end_text(o));
  }
  if (n == 1 && !strcmp(kind, "NOTHING")) {
    int v = grade_unwanted_errors(o, why, cap);
    if (v != CHECK_PASS) return v;
    if (!o->marker_acked) return say(why, cap, CHECK_FAIL, "PING not answered: %s", end_text(o));
    return CHECK_PASS;
  }
  /* robustness: report only; MEMORY: judged by check_repeat_run.c from the
   * target's RSS, whatever the reaction; NO_LINT: by the observer */
  if (n == 1 && (!strcmp(kind, "ANY") || !strcmp(kind, "MEMORY"))) return CHECK_PASS;
  if (n == 2 && !strcmp(kind, "NO_LINT")) return CHECK_PASS; /* judged by fuzz_lint.c */
  if (n == 1 && !strcmp(kind, "CLOSE")) {
    if (find_goaway(o, NULL) || o->closed || o->reset) return CHECK_PASS;
    return say(why, cap, CHECK_FAIL, "the peer neither sent GOAWAY nor closed (%s)", end_text(o));
  }
  return say(why, cap, CHECK_FAIL, "bad expectation '%s'", expect);
}

bool check_grade_settled(const char *expect, const check_observed *o) {
  char why[256];
  return check_grade(expect, o, why, sizeof why) == CHECK_PASS;
}

typedef struct text_buf {
  char *p;
  size_t cap, len;
} text_buf;

static void tput(text_buf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tput(text_buf *t, const char *fmt, ...) {
  if (t->len >= t->cap) return;
  va_list ap;
  va_start(ap, fmt);
  int w = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  if (w > 0) t->len += (size_t)w < t->cap - t->len ? (size_t)w : t->cap - t->len - 1;
}

static void rx_text(const check_rx *x, char *buf, size_t cap) {
  char b[16];
  const char *name = h2_frame_type_name(x->hd.type);
  char tn[16];
  if (!name) {
    snprintf(tn, sizeof tn, "0x%02x", x->hd.type);
    name = tn;
  }
  switch (x->hd.type) {
  case H2_SETTINGS:
  case H2_PING:
    snprintf(buf, cap, "%s%s", name, (x->hd.flags & H2_FLAG_ACK) ? " ACK" : "");
    break;
  case H2_GOAWAY:
    snprintf(buf, cap, "GOAWAY(last=%u, %s)", x->last_stream_id,
             code_text(x->error_code, b, sizeof b));
    break;
  case H2_RST_STREAM:
    snprintf(buf, cap, "RST_STREAM(%u, %s)", x->hd.stream_id,
             code_text(x->error_code, b, sizeof b));
    break;
  case H2_WINDOW_UPDATE:
    snprintf(buf, cap, "WINDOW_UPDATE(%u, +%u)", x->hd.stream_id, x->increment);
    break;
  case H2_HEADERS:
    snprintf(buf, cap, "HEADERS(%u%s%s%s)", x->hd.stream_id, x->status[0] ? ", :status " : "",
             x->status, (x->hd.flags & H2_FLAG_END_STREAM) ? ", END_STREAM" : "");
    break;
  case H2_DATA:
    snprintf(buf, cap, "DATA(%u%s)", x->hd.stream_id,
             (x->hd.flags & H2_FLAG_END_STREAM) ? ", END_STREAM" : "");
    break;
  default:
    snprintf(buf, cap, "%s(%u)", name, x->hd.stream_id);
  }
}

void check_observed_text(const check_observed *o, char *buf, size_t cap) {
  text_buf t = {buf, cap, 0};
  buf[0] = 0;
  char prev[96] = "", cur[96];
  unsigned repeat = 0;
  for (size_t i = 0; i <= o->n; i++) {
    if (i < o->n) {
      if (o->rx[i].marker) continue;
      rx_text(&o->rx[i], cur, sizeof cur);
      if (!strcmp(cur, prev)) {
        repeat++;
        continue;
      }
    }
    if (prev[0]) tput(&t, "%s%s", t.len ? ", " : "", prev);
    if (repeat) tput(&t, " x%u", repeat + 1);
    repeat = 0;
    if (i < o->n) snprintf(prev, sizeof prev, "%s", cur);
  }
  if (o->dropped) tput(&t, "%s%zu more frames", t.len ? ", " : "", o->dropped);
  if (o->not_http2) tput(&t, "%snon-HTTP/2 bytes", t.len ? ", " : "");
  if (o->reset)
    tput(&t, "%sTCP reset", t.len ? ", " : "");
  else if (o->closed)
    tput(&t, "%sclosed", t.len ? ", " : "");
  else if (o->timed_out)
    tput(&t, "%stimeout", t.len ? ", " : "");
  if (!t.len) tput(&t, "nothing");
}
