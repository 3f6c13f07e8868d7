/* tlsdec_early.c — TLS 1.3 0-RTT early data (RFC 8446 §2.3, §4.2.10) in the
 * TLS filter: candidate keys, plaintext held until the server's verdict,
 * then given on (accepted) or dropped (rejected). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec_state.h"

/* The client offered 0-RTT: early keys for each suite of the secret's hash
 * length (none without CLIENT_EARLY_TRAFFIC_SECRET: its records are skipped). */
void tlsdec_early_start(tlsdec_filter *t, tls_flow *s, int i) {
  tls_dir *d = &s->dir[i];
  d->early = EARLY_OPEN;
  size_t len = 0;
  const uint8_t *sec =
      t->keys ? keylog_find(t->keys, KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET, s->client_random, &len)
              : NULL;
  static const uint16_t sha256_suites[2] = {0x1301, 0x1303}, sha384_suites[2] = {0x1302, 0};
  const uint16_t *ids = !sec ? NULL : len == 32 ? sha256_suites : len == 48 ? sha384_suites : NULL;
  for (int k = 0; ids && k < 2 && ids[k]; k++) {
    const tls_suite_info *suite = tls_suite_lookup(ids[k]);
    tls_record_keys keys;
    if (suite && tls13_traffic_keys(suite, sec, len, &keys) == 0)
      tlsdec_install(&d->early_cipher[k], &keys);
  }
}

/* The server's verdict on the client's 0-RTT data: accepted early plaintext
 * becomes the start of the client's stream; rejected, it is dropped (the
 * server never read it). */
void tlsdec_early_decide(tlsdec_filter *t, tls_flow *s, capture_flow *f, bool accepted, double ts) {
  if (s->client < 0) return;
  int i = s->client;
  tls_dir *d = &s->dir[i];
  if (d->early == EARLY_NONE || s->info.early_data != 0) return;
  s->info.early_data = accepted ? 1 : -1;
  if (d->dead) {
    /* the direction stopped (a gap, a failure): nothing more goes inner */
  } else if (accepted && d->early_unread) {
    tlsdec_note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts,
                "0-RTT early data accepted by the server but not decrypted (no "
                "CLIENT_EARLY_TRAFFIC_SECRET in the key log): at most %llu bytes missing",
                (unsigned long long)d->early_unread);
    uint64_t off = d->plain_offset;
    d->plain_offset += d->early_unread;
    tlsdec_inner_gap(t, f, i, off, d->early_unread, ts);
  } else if (accepted && d->early_buf.len) {
    uint64_t off = d->plain_offset;
    d->plain_offset += d->early_buf.len;
    s->info.early_bytes += d->early_buf.len;
    tlsdec_inner_bytes(t, f, i, off, d->early_buf.p, d->early_buf.len,
                       d->early_ts); /* when it was sent */
  }
  h2_buf_free(&d->early_buf);
}

/* Early plaintext of the client: held until the verdict, given on after it. */
void tlsdec_early_plaintext(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                            size_t n, double ts) {
  tls_dir *d = &s->dir[i];
  if (s->info.early_data == 0 && d->early_buf.len + n > d->early_buf.limit)
    tlsdec_early_decide(t, s, f, true, ts);
  if (s->info.early_data == 1) {
    if (d->dead) return;
    uint64_t off = d->plain_offset;
    d->plain_offset += n;
    s->info.early_bytes += n;
    tlsdec_inner_bytes(t, f, i, off, p, n, ts);
    return;
  }
  if (s->info.early_data == -1 || n == 0) return;
  if (!d->early_buf.len) d->early_ts = ts;
  if (!h2_buf_put(&d->early_buf, p, n)) {
    tlsdec_early_decide(t, s, f, true, ts); /* out of memory: give on what is held */
    tlsdec_early_plaintext(t, s, f, i, p, n, ts);
  }
}
