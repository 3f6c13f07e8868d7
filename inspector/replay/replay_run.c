/* replay_run.c — what both ways of replaying share (replay_run.h): connecting,
 * the result lists, the request header list as sent, and the ordering rule. */
#include "replay_run.h"

#include "h2/connection_fields.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void replay_strings_add(replay_strings *l, const char *fmt, ...) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 4;
    char **n = realloc(l->s, cap * sizeof *n);
    if (!n) {
      l->lost++;
      return;
    }
    l->s = n;
    l->cap = cap;
  }
  va_list ap;
  va_start(ap, fmt);
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char *d = strdup(buf);
  if (d)
    l->s[l->n++] = d;
  else
    l->lost++;
}

void replay_strings_free(replay_strings *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->s[i]);
  free(l->s);
  memset(l, 0, sizeof *l);
}

bool replay_connect(const replay_target *t, wire_conn *w, char *err, size_t errcap) {
  /* Every wait ends after the timeout: a silent peer ends the run. */
  wire_init(w);
  w->idle = (t->timeout_ms ? t->timeout_ms : 10000) / 1000.0;
  wire_peer p = {.host = t->host, .port = t->port, .tls = t->tls, .verify = t->verify};
  char why[512];
  switch (wire_connect(w, &p, wire_now() + w->idle, why, sizeof why)) {
  case WIRE_CONNECT_OK:
    return true;
  case WIRE_CONNECT_RESOLVE:
    snprintf(err, errcap, "cannot resolve %s: %s", t->host, why);
    return false;
  case WIRE_CONNECT_TCP:
    snprintf(err, errcap, "cannot connect to %s:%s", t->host, t->port);
    return false;
  default:
    snprintf(err, errcap, "%s", why);
    return false;
  }
}

bool replay_result_init(replay_conn_result *out, const replay_conn *rc, bool exact) {
  memset(out, 0, sizeof *out);
  out->streams = calloc(rc->nex ? rc->nex : 1, sizeof *out->streams);
  if (!out->streams) return false;
  out->n = rc->nex;
  for (size_t i = 0; i < rc->nex; i++) {
    const replay_exchange *e = &rc->ex[i];
    replay_stream_result *s = &out->streams[i];
    if (e->pushed) {
      s->skipped = true;
      replay_strings_add(&s->notes, "server push: not replayed (the replay does not enable push)");
    } else if (!e->have_request) {
      s->skipped = true;
      replay_strings_add(&s->notes, "the request header list is not in the capture");
    } else if (e->undecodable && (!exact || rc->midstream)) {
      s->skipped = true;
      replay_strings_add(&s->notes, "the request header list could not be decoded (HPACK "
                                    "dynamic table state unknown): not replayed");
    } else if (e->client_reset) {
      s->skipped = true;
      replay_strings_add(&s->notes, "the client reset this stream in the capture: not replayed");
    } else if (e->body_truncated) {
      s->skipped = true;
      replay_strings_add(&s->notes, "the request body is larger than the limit: not replayed");
    }
  }
  return true;
}

void replay_result_free(replay_conn_result *r) {
  for (size_t i = 0; i < r->n; i++) {
    replay_response_free(&r->streams[i].live);
    replay_strings_free(&r->streams[i].violations);
    replay_strings_free(&r->streams[i].notes);
  }
  free(r->streams);
  replay_strings_free(&r->violations);
  replay_strings_free(&r->notes);
  memset(r, 0, sizeof *r);
}

static bool name_is(const char *name, size_t len, const char *want) {
  return strlen(want) == len && !memcmp(name, want, len);
}

/* Fields of an HTTP/1.1 Upgrade request that do not travel in HTTP/2: the
 * connection-specific ones (RFC 9113 §8.2.2) and the Upgrade machinery
 * (HTTP2-Settings, RFC 7540 §3.2; Host becomes :authority). */
static bool upgrade_only_field(const char *name, size_t len) {
  return h2_field_connection_specific(name, len) || name_is(name, len, "http2-settings") ||
         name_is(name, len, "host");
}

size_t replay_request_fields(const replay_target *t, const replay_exchange *e, h2_header *out,
                             size_t cap) {
  size_t n = 0, pos = 0, nlen, vlen;
  const char *name, *value;
  bool have_authority = false;
  const char *host = NULL;
  size_t host_len = 0;
  while (n < cap && packed_next(&e->request, &pos, &name, &nlen, &value, &vlen)) {
    if (nlen == 0) continue; /* undecodable field */
    if (e->upgrade && upgrade_only_field(name, nlen)) {
      if (name_is(name, nlen, "host")) host = value, host_len = vlen;
      continue;
    }
    if (e->upgrade && h2_field_te_forbidden(name, nlen, value, vlen)) continue;
    h2_header h = {name, nlen, value, vlen, 0};
    if (name_is(name, nlen, ":authority")) {
      have_authority = true;
      if (!t->keep_authority && t->authority)
        h.value = t->authority, h.value_len = strlen(t->authority);
    } else if (name_is(name, nlen, ":scheme")) {
      h.value = t->tls ? "https" : "http";
      h.value_len = t->tls ? 5 : 4;
    }
    out[n++] = h;
  }
  /* An Upgrade request names its authority in Host: it becomes :authority,
   * placed after the other pseudo-header fields (§8.3). */
  if (e->upgrade && !have_authority && n < cap && (host || t->authority)) {
    const char *v = !t->keep_authority && t->authority ? t->authority : host;
    size_t vl = v == host ? host_len : strlen(v);
    size_t at = 0;
    while (at < n && out[at].name_len && out[at].name[0] == ':')
      at++;
    memmove(&out[at + 1], &out[at], (n - at) * sizeof *out);
    out[at] = (h2_header){":authority", 10, v, vl, 0};
    n++;
  }
  return n;
}

bool replay_order_init(replay_order *o, const replay_conn *rc) {
  memset(o, 0, sizeof *o);
  o->rank_to_ex = calloc(rc->nex ? rc->nex : 1, sizeof *o->rank_to_ex);
  if (!o->rank_to_ex) return false;
  for (size_t i = 0; i < rc->nex; i++) {
    uint32_t r = rc->ex[i].completion_rank;
    if (r != UINT32_MAX && r < rc->nex) {
      o->rank_to_ex[r] = (uint32_t)i;
      if (r + 1 > o->nranks) o->nranks = r + 1;
    }
  }
  return true;
}

uint32_t replay_order_advance(replay_order *o, const replay_conn_result *r) {
  while (o->prefix < o->nranks) {
    const replay_stream_result *s = &r->streams[o->rank_to_ex[o->prefix]];
    if (!s->done && !s->skipped) break;
    o->prefix++;
  }
  return o->prefix;
}

void replay_order_free(replay_order *o) {
  free(o->rank_to_ex);
  memset(o, 0, sizeof *o);
}
