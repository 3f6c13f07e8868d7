/* tlsdec_flows.c — the TLS filter's per-connection bookkeeping: its state in
 * the capture flow's filter slot, and the calls to the inner consumer (bytes,
 * gaps, notices), in the capture's numbering of the directions. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec_state.h"
/* ---- per-connection state ---- */

tls_flow *tlsdec_flow_find(const capture_flow *f) {
  return f->filter;
}

tls_flow *tlsdec_flow_new(tlsdec_filter *t, capture_flow *f) {
  tls_flow *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->client = -1;
  h2_buf_init(&s->pending, TLS_PENDING_MAX);
  for (int k = 0; k < 2; k++) {
    h2_buf_init(&s->dir[k].rec, TLS_MAX_RECORD);
    h2_buf_init(&s->dir[k].hs_buf, TLS_MAX_KEPT_HANDSHAKE);
    h2_buf_init(&s->dir[k].early_buf, TLS_EARLY_HOLD_MAX);
  }
  s->info.client_dir = -1;
  s->next = t->live;
  if (t->live) t->live->prev = s;
  t->live = s;
  t->count++;
  f->filter = s;
  return s;
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

void tlsdec_flow_release(tlsdec_filter *t, tls_flow *s, capture_flow *f) {
  if (f && f->filter == s) f->filter = NULL;
  if (s->prev)
    s->prev->next = s->next;
  else
    t->live = s->next;
  if (s->next) s->next->prev = s->prev;
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
