/* tlsdec_flows.c — the TLS filter's per-connection bookkeeping: its table of
 * connections keyed by capture_flow id, and the calls to the inner consumer
 * (bytes, gaps, notices), in the capture's numbering of the directions. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec_state.h"
/* ---- connection table ---- */

size_t tlsdec_bucket_of(const tlsdec_filter *t, uint32_t id) {
  return (id * 2654435761u) & (t->nbuckets - 1);
}

tls_flow *tlsdec_flow_find(const tlsdec_filter *t, const capture_flow *f) {
  for (tls_flow *s = t->buckets[tlsdec_bucket_of(t, f->id)]; s; s = s->next)
    if (s->id == f->id) return s;
  return NULL;
}

void tlsdec_table_grow(tlsdec_filter *t) {
  size_t n = t->nbuckets * 2;
  tls_flow **nb = calloc(n, sizeof *nb);
  if (!nb) return; /* keep the longer chains */
  tls_flow **old = t->buckets;
  size_t oldn = t->nbuckets;
  t->buckets = nb;
  t->nbuckets = n;
  for (size_t i = 0; i < oldn; i++)
    for (tls_flow *s = old[i], *nx; s; s = nx) {
      nx = s->next;
      size_t b = tlsdec_bucket_of(t, s->id);
      s->next = nb[b];
      nb[b] = s;
    }
  free(old);
}

static void dir_release(tls_dir *d) {
  h2_buf_free(&d->rec);
  h2_buf_free(&d->hs_buf);
  h2_buf_free(&d->early_buf);
  tls_record_cipher_free(&d->early_cipher[0]);
  tls_record_cipher_free(&d->early_cipher[1]);
  tls_record_cipher_free(&d->cipher);
  tls_record_cipher_free(&d->next_cipher);
}

void tlsdec_flow_release(tlsdec_filter *t, tls_flow *s) {
  tls_flow **pp = &t->buckets[tlsdec_bucket_of(t, s->id)];
  while (*pp && *pp != s)
    pp = &(*pp)->next;
  if (*pp) *pp = s->next;
  t->count--;
  dir_release(&s->dir[0]);
  dir_release(&s->dir[1]);
  h2_buf_free(&s->pending);
  /* Secrets do not outlive the connection in our memory. */
  memset(s, 0, sizeof *s);
  free(s);
}

/* ---- calls to the inner consumer ---- */

void tlsdec_inner_bytes(tlsdec_filter *t, capture_flow *f, int i, uint64_t offset,
                        const uint8_t *data, size_t len, double ts) {
  if (t->inner.on_bytes) t->inner.on_bytes(t->inner.user, f, i, offset, data, len, ts);
}

void tlsdec_inner_gap(tlsdec_filter *t, capture_flow *f, int i, uint64_t offset, uint64_t len,
                      double ts) {
  if (t->inner.on_gap) t->inner.on_gap(t->inner.user, f, i, offset, len, ts);
}

void tlsdec_note(tlsdec_filter *t, tls_flow *s, capture_flow *f, unsigned bit, const char *kind,
                 double ts, const char *fmt, ...) {
  if (s->noted & bit) return;
  s->noted |= bit;
  if (!s->info.problem) s->info.problem = kind;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (t->inner.on_notice) t->inner.on_notice(t->inner.user, f, kind, msg, ts);
}
