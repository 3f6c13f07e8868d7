/* tlsdec_filter.c — the TLS-decrypting flow_consumer filter: TLS detection
 * and the consumer callbacks that route each connection's bytes to the record
 * layer (tlsdec_records.c) or straight through, and the public API. */
#include "tlsdec_filter.h"

#include <stdlib.h>
#include <string.h>

#include "pcapng_secrets.h"
#include "tlsdec_state.h"

/* ---- detection ---- */

/* RFC 8446 §5.1 / RFC 5246 §6.2.1: a handshake record (or application data
 * of a connection joined mid-way) with legacy version 0x0301..0x0303 and a
 * non-zero length within bounds. */
static bool looks_like_tls(const uint8_t h[TLS_HEADER_LEN]) {
  size_t len = tlsdec_record_length(h);
  return (h[0] == CT_HANDSHAKE || h[0] == CT_APPLICATION_DATA) && h[1] == 3 && h[2] >= 1 &&
         h[2] <= 3 && len >= 1 && len <= TLS_MAX_RECORD;
}

/* Hands the sniffed bytes of direction i on, as the decided mode wants. */
static void flush_sniff(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, double ts) {
  tls_dir *d = &s->dir[i];
  uint8_t buf[TLS_HEADER_LEN];
  size_t n = d->sniff_len;
  memcpy(buf, d->sniff, n);
  d->sniff_len = 0;
  if (n == 0) return;
  if (s->mode == MODE_TLS)
    tlsdec_tls_feed(t, s, f, i, buf, n, ts);
  else
    tlsdec_inner_bytes(t, f, i, d->sniff_offset, buf, n, ts);
}

static void decide(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, bool tls, double ts) {
  s->mode = tls ? MODE_TLS : MODE_PASSTHROUGH;
  if (tls) {
    s->info.is_tls = true;
    s->info.version_name = "unknown";
    s->info.suite_name = "unknown";
  }
  flush_sniff(t, s, f, i ^ 1, ts); /* the other side spoke first */
  flush_sniff(t, s, f, i, ts);
}

/* ---- the consumer ---- */

/* Out of memory for a connection's state: it passes through undecided. */
static void filter_open(void *user, capture_flow *f, double ts) {
  tlsdec_filter *t = user;
  if (!tlsdec_flow_find(f)) (void)tlsdec_flow_new(t, f);
  if (t->inner.on_open) t->inner.on_open(t->inner.user, f, ts);
}

static void filter_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                         size_t len, double ts) {
  tlsdec_filter *t = user;
  tls_flow *s = tlsdec_flow_find(f);
  if (!s || s->mode == MODE_PASSTHROUGH) {
    if (t->inner.on_bytes) t->inner.on_bytes(t->inner.user, f, dir, offset, data, len, ts);
    return;
  }
  int i = dir;
  if (s->mode == MODE_TLS) {
    tlsdec_tls_feed(t, s, f, i, data, len, ts);
    return;
  }
  tls_dir *d = &s->dir[i];
  if (d->sniff_len == 0) d->sniff_offset = offset;
  size_t take = TLS_HEADER_LEN - d->sniff_len;
  if (take > len) take = len;
  memcpy(d->sniff + d->sniff_len, data, take);
  d->sniff_len = (uint8_t)(d->sniff_len + take);
  if (d->sniff_len < TLS_HEADER_LEN) return;
  decide(t, s, f, i, looks_like_tls(d->sniff), ts);
  if (len > take) {
    if (s->mode == MODE_TLS)
      tlsdec_tls_feed(t, s, f, i, data + take, len - take, ts);
    else
      tlsdec_inner_bytes(t, f, i, offset + take, data + take, len - take, ts);
  }
  /* A plain connection needs no state any more: later callbacks find none
   * and pass straight through. */
  if (s->mode == MODE_PASSTHROUGH) tlsdec_flow_release(t, s, f);
}

static void filter_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len,
                       double ts) {
  tlsdec_filter *t = user;
  tls_flow *s = tlsdec_flow_find(f);
  if (s && s->mode == MODE_UNDECIDED) {
    /* A hole before 5 bytes were seen: too little to call it TLS. */
    decide(t, s, f, dir, false, ts);
    tlsdec_inner_gap(t, f, dir, offset, len, ts);
    tlsdec_flow_release(t, s, f);
    return;
  }
  if (!s || s->mode == MODE_PASSTHROUGH) {
    if (t->inner.on_gap) t->inner.on_gap(t->inner.user, f, dir, offset, len, ts);
    return;
  }
  int i = dir;
  tls_dir *d = &s->dir[i];
  if (d->dead) return;
  d->dead = true;
  tlsdec_note(
      t, s, f, NOTE_GAP, "tls-gap", ts,
      "%llu bytes missing inside TLS at offset %llu: record boundary lost, %s not decrypted "
      "further",
      (unsigned long long)len, (unsigned long long)offset,
      s->client < 0 ? "direction" : (i == s->client ? "client" : "server"));
  tlsdec_inner_gap(t, f, i, d->plain_offset, len, ts);
}

static void filter_close(void *user, capture_flow *f, int reason, double ts) {
  tlsdec_filter *t = user;
  tls_flow *s = tlsdec_flow_find(f);
  if (s && s->mode == MODE_UNDECIDED) {
    s->mode = MODE_PASSTHROUGH;
    flush_sniff(t, s, f, 0, ts);
    flush_sniff(t, s, f, 1, ts);
  }
  if (s && s->awaiting_keys) tlsdec_wait_for_keys(t, s, f, 0, NULL, NULL, 0, ts); /* a last look */
  if (s) {
    /* The capture ends before the server's verdict on 0-RTT data could be
     * seen: what the client sent is shown. */
    const tls_dir *cd = s->client >= 0 ? &s->dir[s->client] : NULL;
    if (cd && (cd->early_buf.len || cd->early_unread)) tlsdec_early_decide(t, s, f, true, ts);
  }
  if (t->inner.on_close) t->inner.on_close(t->inner.user, f, reason, ts);
  if (s) tlsdec_flow_release(t, s, f);
}

static void filter_notice(void *user, capture_flow *f, const char *kind, const char *message,
                          double ts) {
  tlsdec_filter *t = user;
  if (t->inner.on_notice) t->inner.on_notice(t->inner.user, f, kind, message, ts);
}

/* Key log text a capture file carries (a pcapng Decryption Secrets Block of
 * type TLSK) joins the key log before the packets after it; other secrets
 * are the inner consumer's. */
static void filter_secrets(void *user, uint32_t type, const uint8_t *data, size_t len, double ts) {
  tlsdec_filter *t = user;
  if (type == PCAPNG_SECRETS_TLS_KEY_LOG) {
    if (t->keys) t->secrets_added += keylog_add_text(t->keys, (const char *)data, len);
    return;
  }
  if (t->inner.on_secrets) t->inner.on_secrets(t->inner.user, type, data, len, ts);
}

/* ---- public ---- */

tlsdec_filter *tlsdec_filter_new(keylog *keys, const flow_consumer *inner) {
  tlsdec_filter *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->keys = keys;
  t->inner = *inner;
  t->self = (flow_consumer){.user = t,
                            .on_open = filter_open,
                            .on_bytes = filter_bytes,
                            .on_gap = filter_gap,
                            .on_close = filter_close,
                            .on_notice = filter_notice,
                            .on_secrets = filter_secrets};
  return t;
}

void tlsdec_filter_free(tlsdec_filter *t) {
  if (!t) return;
  while (t->live)
    tlsdec_flow_release(t, t->live, NULL);
  free(t);
}

size_t tlsdec_filter_secrets_added(const tlsdec_filter *t) {
  return t->secrets_added;
}

size_t tlsdec_filter_held(const tlsdec_filter *t) {
  return t->count;
}

const flow_consumer *tlsdec_filter_consumer(const tlsdec_filter *t) {
  return &t->self;
}

const tls_conn_info *tlsdec_flow_info(const tlsdec_filter *t, const capture_flow *f) {
  (void)t;
  tls_flow *s = tlsdec_flow_find(f);
  if (!s || s->mode != MODE_TLS) return NULL;
  s->info.client_dir = s->client;
  return &s->info;
}
