/* tlsdec_records.c — the TLS filter's record layer: record reassembly and
 * decryption per direction, and the records a live capture holds while it
 * waits for the key log's secrets. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec_state.h"

/* A client application_data record while 0-RTT may be under way: true when
 * the early keys opened it (its content handled), false otherwise. */
static bool early_record(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, uint16_t version,
                         const uint8_t *frag, size_t len, double ts) {
  tls_dir *d = &s->dir[i];
  uint8_t inner_type = 0;
  long n = -1;
  for (int k = 0; k < 2 && n < 0; k++) {
    if (!d->early_cipher[k].evp) continue;
    n = tls_record_open(&d->early_cipher[k], CT_APPLICATION_DATA, version, frag, len, t->plain,
                        sizeof t->plain, &inner_type);
    if (n >= 0 && k == 1) { /* the suite is known now: keep that one */
      tls_record_cipher c = d->early_cipher[0];
      d->early_cipher[0] = d->early_cipher[1];
      d->early_cipher[1] = c;
    }
  }
  if (n < 0) return false;
  tls_record_cipher_free(&d->early_cipher[1]);
  s->info.records_opened = true;
  if (inner_type == CT_APPLICATION_DATA)
    tlsdec_early_plaintext(t, s, f, i, t->plain, (size_t)n, ts);
  else if (inner_type == CT_HANDSHAKE) /* EndOfEarlyData */
    tlsdec_handshake_feed(t, s, f, i, t->plain, (size_t)n, ts);
  return true;
}

/* ---- records ---- */

static void stop_dir(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, unsigned bit,
                     const char *kind, double ts, const char *what) {
  s->dir[i].dead = true;
  tlsdec_note(t, s, f, bit, kind, ts, "%s (%s): not decrypted further", what,
              s->client < 0 ? "direction" : (i == s->client ? "client" : "server"));
}

/* Opens a protected record of direction i; tries the TLS 1.3 application keys
 * when the handshake keys are missing or fail (a key log with only
 * *_TRAFFIC_SECRET_0 lines). Returns the plaintext length or -1. */
static long open_record(tlsdec_filter *t, tls_dir *d, uint8_t type, uint16_t version,
                        const uint8_t *frag, size_t len, uint8_t *inner_type) {
  long n = -1;
  if (d->cipher.evp)
    n = tls_record_open(&d->cipher, type, version, frag, len, t->plain, sizeof t->plain,
                        inner_type);
  if (n < 0 && d->stage == STAGE_HANDSHAKE && d->next_cipher.evp) {
    n = tls_record_open(&d->next_cipher, type, version, frag, len, t->plain, sizeof t->plain,
                        inner_type);
    if (n >= 0) {
      tls_record_cipher_free(&d->cipher);
      d->cipher = d->next_cipher;
      memset(&d->next_cipher, 0, sizeof d->next_cipher);
      d->stage = STAGE_APPLICATION;
    }
  }
  return n;
}

static void record_done(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *hdr,
                        const uint8_t *frag, size_t len, double ts);

/* The records that waited for the keys, in capture order. */
static void replay_pending(tlsdec_filter *t, tls_flow *s, capture_flow *f) {
  h2_buf held = s->pending; /* records that arrive while these replay start a new list */
  h2_buf_init(&s->pending, held.limit);
  const uint8_t *buf = held.p;
  size_t len = held.len;
  for (size_t at = 0; at + 1 + sizeof(double) + TLS_HEADER_LEN <= len;) {
    int i = buf[at];
    double ts;
    memcpy(&ts, buf + at + 1, sizeof ts);
    const uint8_t *hdr = buf + at + 1 + sizeof ts;
    size_t n = tlsdec_record_length(hdr);
    if (!s->dir[i].dead) record_done(t, s, f, i, hdr, hdr + TLS_HEADER_LEN, n, ts);
    at += 1 + sizeof ts + TLS_HEADER_LEN + n;
  }
  h2_buf_free(&held);
}

/* A record of a connection whose secrets a live capture waits for: when the
 * key log has them now, the waiting records go first and true is returned
 * (the record is then processed as usual). Else the record waits too (false),
 * unless the bound is reached or the connection ends (final, hdr NULL): then
 * the wait is over without keys, said once, and the records are processed
 * (skipped) as on any connection without keys. */
bool tlsdec_wait_for_keys(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *hdr,
                          const uint8_t *frag, size_t len, double ts) {
  if (keylog_refresh(t->keys) && tlsdec_find_keys(t, s)) {
    s->awaiting_keys = false;
    replay_pending(t, s, f);
    return true;
  }
  size_t need = 1 + sizeof ts + TLS_HEADER_LEN + len;
  uint8_t tag[1 + sizeof ts];
  tag[0] = (uint8_t)i;
  memcpy(tag + 1, &ts, sizeof ts);
  if (hdr && h2_buf_reserve(&s->pending, need)) { /* [dir][ts][header][fragment] */
    h2_buf_put(&s->pending, tag, sizeof tag);
    h2_buf_put(&s->pending, hdr, TLS_HEADER_LEN);
    h2_buf_put(&s->pending, frag, len);
    return false;
  }
  s->awaiting_keys = false;
  s->waited_in_vain = true;
  tlsdec_no_keys_note(t, s, f, ts);
  replay_pending(t, s, f);
  return true;
}

/* A protected record that needs secrets the key log lacks, in a live
 * capture: it waits for them with the records after it (true), or — when
 * they are there now — is processed again with them (true). False: no
 * waiting here, the caller goes on without the keys. */
static bool wait_instead(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *hdr,
                         const uint8_t *frag, size_t len, double ts) {
  if (!tlsdec_may_wait_for_keys(t, s)) return false;
  s->awaiting_keys = true;
  if (tlsdec_wait_for_keys(t, s, f, i, hdr, frag, len, ts))
    record_done(t, s, f, i, hdr, frag, len, ts);
  return true;
}

static void record_done(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *hdr,
                        const uint8_t *frag, size_t len, double ts) {
  if (s->awaiting_keys && !tlsdec_wait_for_keys(t, s, f, i, hdr, frag, len, ts)) return;
  tls_dir *d = &s->dir[i];
  uint8_t type = hdr[0];
  uint16_t version = tlsdec_record_version(hdr);
  bool tls13 = s->suite && s->suite->tls13;
  if (type == CT_CHANGE_CIPHER_SPEC) {
    /* TLS 1.3 sends it only for middlebox compatibility (RFC 8446 §D.4),
     * also right after a HelloRetryRequest, before the real ServerHello. */
    if (s->info.version && !tls13 && !d->encrypted) {
      d->encrypted = true;
      if (d->have_pending12 && tlsdec_install(&d->cipher, &d->pending12)) d->have_pending12 = false;
    }
    return;
  }
  if (d->early == EARLY_OPEN && type == CT_APPLICATION_DATA && i == s->client) {
    if (early_record(t, s, f, i, version, frag, len, ts)) return;
    if (!d->encrypted) { /* before the ServerHello: early data without its secret */
      s->info.skipped_records++;
      d->early_unread += tlsdec_plaintext_bound(len);
      return;
    }
  }
  if (!d->encrypted || (tls13 && type != CT_APPLICATION_DATA)) {
    if (type == CT_HANDSHAKE) {
      tlsdec_handshake_feed(t, s, f, i, frag, len, ts);
    } else if (type == CT_APPLICATION_DATA) {
      s->info.skipped_records++;
      if (!s->info.version)
        tlsdec_note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts,
                    "application data without a captured handshake: cannot decrypt");
    }
    return;
  }
  if (!d->cipher.evp && !d->next_cipher.evp) {
    if (wait_instead(t, s, f, i, hdr, frag, len, ts)) return;
    s->info.skipped_records++;
    if (d->app_keys_missing) /* else already reported as tls-no-keys / tls-unsupported */
      stop_dir(t, s, f, i, NOTE_NO_KEYS, "tls-no-keys", ts,
               "the key log has no TLS 1.3 traffic secrets of this side");
    return;
  }
  uint8_t inner_type = 0;
  long n = open_record(t, d, type, version, frag, len, &inner_type);
  if (n < 0) {
    /* past this side's Finished, under keys the key log does not have */
    bool app_secret_missing = d->stage == STAGE_HANDSHAKE && d->cipher.evp &&
                              d->early != EARLY_OPEN && d->app_keys_missing;
    if (app_secret_missing && wait_instead(t, s, f, i, hdr, frag, len, ts)) return;
    s->info.skipped_records++;
    if (d->stage == STAGE_HANDSHAKE && !d->cipher.evp) return; /* no handshake keys: skip */
    if (d->early == EARLY_OPEN) { /* early data whose secret the key log lacks */
      d->early_unread += tlsdec_plaintext_bound(len);
      return;
    }
    if (app_secret_missing) {
      stop_dir(t, s, f, i, NOTE_NO_KEYS, "tls-no-keys", ts,
               "the key log has no TLS 1.3 application traffic secret of this side");
      return;
    }
    stop_dir(t, s, f, i, NOTE_DECRYPT_FAILED, "tls-decrypt-failed", ts,
             "a TLS record failed authentication");
    return;
  }
  s->info.records_opened = true;
  if (inner_type == CT_APPLICATION_DATA) {
    int role = i == s->client ? ROLE_CLIENT : ROLE_SERVER;
    s->info.decrypted = true;
    s->info.app_records[role]++;
    s->info.app_bytes[role] += (uint64_t)n;
    if (n > 0) {
      uint64_t off = d->plain_offset;
      d->plain_offset += (uint64_t)n;
      tlsdec_inner_bytes(t, f, i, off, t->plain, (size_t)n, ts);
    }
  } else if (inner_type == CT_HANDSHAKE) {
    /* t->plain is reused by nested records only after this returns. */
    tlsdec_handshake_feed(t, s, f, i, t->plain, (size_t)n, ts);
  }
}

/* A record header must name a known content type, major version 3 and a
 * length within RFC 5246 §6.2.3. */
static bool header_ok(const uint8_t *h) {
  size_t len = tlsdec_record_length(h);
  return h[0] >= CT_CHANGE_CIPHER_SPEC && h[0] <= CT_APPLICATION_DATA + 1 && h[1] == 3 &&
         len <= TLS_MAX_RECORD;
}

/* A whole record: its plaintext goes on with the packets of the record,
 * from the one that carried its first byte to this chunk's last. */
static void record_whole(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *hdr,
                         const uint8_t *frag, size_t len, double ts) {
  uint64_t chunk_first = f->pkt_first;
  if (s->dir[i].rec_pkt_first) f->pkt_first = s->dir[i].rec_pkt_first;
  record_done(t, s, f, i, hdr, frag, len, ts);
  f->pkt_first = chunk_first;
}

/* The TLS bytes of direction i, in order. */
void tlsdec_tls_feed(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                     size_t n, double ts) {
  tls_dir *d = &s->dir[i];
  while (n > 0 && !d->dead) {
    if (d->hdr_len == 0) d->rec_pkt_first = f->pkt_first;
    if (d->hdr_len < TLS_HEADER_LEN) {
      size_t take = TLS_HEADER_LEN - d->hdr_len;
      if (take > n) take = n;
      memcpy(d->hdr + d->hdr_len, p, take);
      d->hdr_len = (uint8_t)(d->hdr_len + take);
      p += take;
      n -= take;
      if (d->hdr_len < TLS_HEADER_LEN) return;
      if (!header_ok(d->hdr)) {
        stop_dir(t, s, f, i, NOTE_MALFORMED, "tls-malformed", ts,
                 "bad TLS record header or record longer than 2^14+2048");
        return;
      }
    }
    size_t need = tlsdec_record_length(d->hdr);
    uint8_t hdr[TLS_HEADER_LEN];
    memcpy(hdr, d->hdr, sizeof hdr);
    if (d->rec.len == 0 && n >= need) {
      /* The whole record is in this chunk: no copy. */
      d->hdr_len = 0;
      record_whole(t, s, f, i, hdr, p, need, ts);
      p += need;
      n -= need;
      continue;
    }
    size_t take = need - d->rec.len;
    if (take > n) take = n;
    if (!h2_buf_put(&d->rec, p, take)) {
      stop_dir(t, s, f, i, NOTE_MALFORMED, "tls-malformed", ts, "out of memory");
      return;
    }
    p += take;
    n -= take;
    if (d->rec.len == need) {
      d->hdr_len = 0;
      h2_buf_reset(&d->rec);
      record_whole(t, s, f, i, hdr, d->rec.p, need, ts);
    }
  }
}
