/* replay_compare.c — recorded vs live response comparison (replay_compare.h). */
#include "replay_compare.h"

#include "h2/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "h2/error.h"

/* Fields whose value changes from one response to the next, or from one
 * server to another serving the same resource, without the resource being
 * different: dates (RFC 9110 §6.6.1, §8.8.2), server identity (§10.2.4),
 * validators (§8.8.3 etag), caches and proxies (RFC 9111 §5.1 age, §5.3
 * expires, RFC 9110 §7.6.3 via), request ids and tracing headers. */
const char *const replay_volatile_fields[] = {
    "date",        "server",  "age",          "expires",      "last-modified",
    "etag",        "via",     "x-powered-by", "x-request-id", "x-runtime",
    "x-served-by", "x-cache", "x-cache-hits", "x-timer",      "cf-ray",
    "report-to",   "nel",     "alt-svc",      NULL,
};

static char *dup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) return NULL;
  if (n) memcpy(d, s, n);
  d[n] = 0;
  return d;
}

void replay_diffs_add(replay_diffs *d, const char *field, const char *recorded, const char *live) {
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 8;
    replay_diff *n = realloc(d->items, cap * sizeof *n);
    if (!n) {
      d->lost++;
      return;
    }
    d->items = n;
    d->cap = cap;
  }
  replay_diff *x = &d->items[d->n];
  x->field = dup_n(field, strlen(field));
  x->recorded = recorded ? dup_n(recorded, strlen(recorded)) : NULL;
  x->live = live ? dup_n(live, strlen(live)) : NULL;
  if (!x->field || (recorded && !x->recorded) || (live && !x->live)) {
    free(x->field);
    free(x->recorded);
    free(x->live);
    d->lost++;
    return;
  }
  d->n++;
}

void replay_diffs_free(replay_diffs *d) {
  for (size_t i = 0; i < d->n; i++) {
    free(d->items[i].field);
    free(d->items[i].recorded);
    free(d->items[i].live);
  }
  free(d->items);
  memset(d, 0, sizeof *d);
}

bool replay_field_ignored(const replay_compare_options *o, const char *name, size_t len) {
  if (!o || !o->no_default_volatile)
    for (size_t i = 0; replay_volatile_fields[i]; i++)
      if (strlen(replay_volatile_fields[i]) == len &&
          !strncasecmp(replay_volatile_fields[i], name, len))
        return true;
  if (o)
    for (size_t i = 0; i < o->nignored; i++)
      if (strlen(o->ignored[i]) == len && !strncasecmp(o->ignored[i], name, len)) return true;
  return false;
}

void replay_describe_reset(uint32_t code, char *buf, size_t cap) {
  const char *n = h2_error_code_name(code);
  if (n)
    snprintf(buf, cap, "RST_STREAM %s", n);
  else
    snprintf(buf, cap, "RST_STREAM 0x%x", code);
}

void replay_hex_digest(const uint8_t digest[32], char out[65]) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < 32; i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  out[64] = 0;
}

/* A growing string. */
/* The longest combined value compared (a header list is far smaller). */
#define VALUES_MAX (16u << 20)

/* Every value of field `name` in pf, in order, joined with ", " (RFC 9110
 * §5.3 combination); set-cookie values are reduced to their cookie name.
 * NULL when the field is absent. */
static char *values_of(const packed_fields *pf, const char *want, size_t wlen) {
  h2_buf t;
  h2_buf_init(&t, VALUES_MAX);
  bool found = false, cookie = wlen == 10 && !memcmp(want, "set-cookie", 10);
  size_t pos = 0, nlen, vlen;
  const char *name, *value;
  while (packed_next(pf, &pos, &name, &nlen, &value, &vlen)) {
    if (nlen != wlen || memcmp(name, want, wlen)) continue;
    if (found) h2_buf_put(&t, ", ", 2);
    found = true;
    if (cookie) {
      const char *eq = memchr(value, '=', vlen);
      size_t cl = eq ? (size_t)(eq - value) : vlen;
      h2_buf_put(&t, value, cl);
      h2_buf_put(&t, "=...", 4);
    } else {
      h2_buf_put(&t, value, vlen);
    }
  }
  if (!found || !h2_buf_put_u8(&t, 0)) { /* absent, or no memory for it */
    h2_buf_free(&t);
    return NULL;
  }
  return (char *)t.p;
}

/* Whether `name` was already looked at: it occurs in pf before position `upto`. */
static bool seen_before(const packed_fields *pf, size_t upto, const char *want, size_t wlen) {
  size_t pos = 0, nlen, vlen;
  const char *name, *value;
  while (pos < upto && packed_next(pf, &pos, &name, &nlen, &value, &vlen))
    if (pos <= upto && nlen == wlen && !memcmp(name, want, wlen)) return true;
  return false;
}

static void compare_one_name(const replay_compare_options *o, const char *prefix,
                             const packed_fields *rec, const packed_fields *live, const char *name,
                             size_t nlen, replay_diffs *out) {
  (void)o;
  char *a = values_of(rec, name, nlen), *b = values_of(live, name, nlen);
  bool same = (!a && !b) || (a && b && !strcmp(a, b));
  if (!same) {
    char field[160];
    snprintf(field, sizeof field, "%s %.*s", prefix, (int)(nlen > 120 ? 120 : nlen), name);
    replay_diffs_add(out, field, a, b);
  }
  free(a);
  free(b);
}

static void compare_fields(const replay_compare_options *o, const char *prefix,
                           const packed_fields *rec, const packed_fields *live, replay_diffs *out) {
  size_t pos = 0, nlen, vlen;
  const char *name, *value;
  /* names of the recorded list, in order, then the names only the live list has */
  while (true) {
    size_t at = pos;
    if (!packed_next(rec, &pos, &name, &nlen, &value, &vlen)) break;
    if (nlen == 0 || name[0] == ':' || replay_field_ignored(o, name, nlen)) continue;
    if (seen_before(rec, at, name, nlen)) continue;
    compare_one_name(o, prefix, rec, live, name, nlen, out);
  }
  /* Fields the recorded list could not decode (HPACK state unknown) may be
   * any of the live-only ones: those are not judged. */
  pos = 0;
  while (packed_next(rec, &pos, &name, &nlen, &value, &vlen))
    if (nlen == 0) return;
  pos = 0;
  while (true) {
    size_t at = pos;
    if (!packed_next(live, &pos, &name, &nlen, &value, &vlen)) break;
    if (nlen == 0 || name[0] == ':' || replay_field_ignored(o, name, nlen)) continue;
    if (seen_before(live, at, name, nlen)) continue;
    const char *v;
    size_t vl;
    char key[256];
    if (nlen >= sizeof key) continue;
    memcpy(key, name, nlen);
    key[nlen] = 0;
    if (packed_find(rec, key, &v, &vl)) continue; /* compared above */
    compare_one_name(o, prefix, rec, live, name, nlen, out);
  }
}

static void describe_body(const replay_response *r, char *buf, size_t cap) {
  char hex[65];
  replay_hex_digest(r->digest, hex);
  snprintf(buf, cap, "%llu bytes, sha256 %s", (unsigned long long)r->body_len, hex);
}

void replay_compare(const replay_compare_options *o, const replay_response *rec,
                    const replay_response *live, replay_diffs *out) {
  char a[160], b[160];
  if (rec->reset != live->reset || (rec->reset && rec->reset_code != live->reset_code)) {
    if (rec->reset) replay_describe_reset(rec->reset_code, a, sizeof a);
    if (live->reset) replay_describe_reset(live->reset_code, b, sizeof b);
    replay_diffs_add(out, "reset", rec->reset ? a : NULL, live->reset ? b : NULL);
  }
  if (rec->have_headers != live->have_headers || rec->status != live->status) {
    snprintf(a, sizeof a, "%d", rec->status);
    snprintf(b, sizeof b, "%d", live->status);
    replay_diffs_add(out, "status", rec->have_headers ? a : NULL, live->have_headers ? b : NULL);
  }
  compare_fields(o, "header", &rec->headers, &live->headers, out);
  compare_fields(o, "trailer", &rec->trailers, &live->trailers, out);
  if (rec->body_len != live->body_len || memcmp(rec->digest, live->digest, 32)) {
    describe_body(rec, a, sizeof a);
    describe_body(live, b, sizeof b);
    replay_diffs_add(out, "body", a, b);
  }
  /* A response cut short in one run only (not a reset: that is reported above). */
  bool rec_complete = rec->ended || rec->reset, live_complete = live->ended || live->reset;
  if (rec_complete != live_complete)
    replay_diffs_add(out, "response", rec_complete ? "complete" : "incomplete",
                     live_complete ? "complete" : "incomplete");
}
