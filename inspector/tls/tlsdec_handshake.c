/* tlsdec_handshake.c — the TLS filter's handshake message stream: hellos,
 * TLS 1.3 protected handshake messages (EncryptedExtensions, Finished,
 * KeyUpdate, EndOfEarlyData), reassembled across records. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec_state.h"

static void on_client_hello(tlsdec_filter *t, tls_flow *s, int i, const tls_hello *h) {
  if (s->have_client_hello) return; /* the second ClientHello after an HRR keeps the random */
  s->have_client_hello = true;
  s->client = i;
  memcpy(s->client_random, h->random, 32);
  s->client_ems = h->extended_master_secret;
  snprintf(s->info.alpn_offered, sizeof s->info.alpn_offered, "%s", h->alpn);
  snprintf(s->info.server_name, sizeof s->info.server_name, "%s", h->server_name);
  if (h->early_data) tlsdec_early_start(t, s, i);
}

static void on_server_hello(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                            const tls_hello *h, double ts) {
  /* A HelloRetryRequest rejects 0-RTT data (RFC 8446 §4.2.10). */
  if (h->hello_retry_request) tlsdec_early_decide(t, s, f, false, ts);
  if (s->info.version || h->hello_retry_request) return; /* renegotiation / HRR */
  if (s->client < 0) s->client = i ^ 1;
  s->info.version = h->version;
  s->info.version_name = tls_version_name(h->version);
  s->info.cipher_suite = h->cipher_suite;
  s->suite = tls_suite_lookup(h->cipher_suite);
  s->info.suite_name = s->suite ? s->suite->name : "unknown";
  memcpy(s->server_random, h->random, 32);
  if (h->alpn[0]) snprintf(s->info.alpn, sizeof s->info.alpn, "%s", h->alpn);
  s->info.extended_master_secret = s->client_ems && h->extended_master_secret;
  if (!s->have_client_hello) {
    tlsdec_note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts,
                "ClientHello not captured: the client random that names the keys is unknown");
    return;
  }
  s->info.handshake_seen = true;
  tlsdec_start_protection(t, s, f, ts);
}

/* TLS 1.3 post-ServerHello messages of direction i (decrypted). */
static void on_protected_message(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                                 uint8_t type, const uint8_t *body, size_t len, double ts) {
  tls_dir *d = &s->dir[i];
  if (!s->suite || !s->suite->tls13) return;
  if (type == TLS_HS_ENCRYPTED_EXTENSIONS && body) {
    tls_hello ee;
    memset(&ee, 0, sizeof ee);
    if (tls_encrypted_extensions_parse(body, len, &ee) == 0) {
      if (ee.alpn[0]) snprintf(s->info.alpn, sizeof s->info.alpn, "%s", ee.alpn);
      if (i != s->client) tlsdec_early_decide(t, s, f, ee.early_data, ts);
    }
  } else if (type == TLS_HS_END_OF_EARLY_DATA && i == s->client) {
    /* sent only when the server accepted the early data (RFC 8446 §4.5) */
    tlsdec_early_decide(t, s, f, true, ts);
    d->early = EARLY_DONE;
  } else if (type == TLS_HS_FINISHED && d->stage == STAGE_HANDSHAKE) {
    /* a client Finished with no EndOfEarlyData before it: rejected */
    if (i == s->client && d->early == EARLY_OPEN) {
      tlsdec_early_decide(t, s, f, false, ts);
      d->early = EARLY_DONE;
    }
    /* RFC 8446 §7.2: records after a side's Finished use its application
     * traffic secret. */
    tls_record_cipher_free(&d->cipher);
    d->cipher = d->next_cipher;
    memset(&d->next_cipher, 0, sizeof d->next_cipher);
    d->stage = STAGE_APPLICATION;
  } else if (type == TLS_HS_KEY_UPDATE && d->stage == STAGE_APPLICATION) {
    /* RFC 8446 §4.6.3: the sender's next records use the next secret. */
    uint8_t next[TLS_MAX_HASH_LEN];
    if (!d->have_app_secret ||
        tls13_next_traffic_secret(s->suite->hash_len, d->app_secret, next) != 0 ||
        !tlsdec_keys13(s, next, &d->cipher)) {
      tls_record_cipher_free(&d->cipher);
      tlsdec_note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts, "cannot follow a TLS 1.3 KeyUpdate");
      return;
    }
    memcpy(d->app_secret, next, s->suite->hash_len);
    s->info.key_updates++;
  }
}

static void on_handshake_message(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i,
                                 uint8_t type, const uint8_t *body, size_t len, double ts) {
  if ((type == TLS_HS_CLIENT_HELLO || type == TLS_HS_SERVER_HELLO) && !s->dir[i].encrypted) {
    tls_hello h;
    if (!body || tls_hello_parse(type, body, len, &h) != 0) {
      tlsdec_note(t, s, f, NOTE_MALFORMED, "tls-malformed", ts, "malformed TLS %s",
                  type == TLS_HS_CLIENT_HELLO ? "ClientHello" : "ServerHello");
      return;
    }
    if (type == TLS_HS_CLIENT_HELLO)
      on_client_hello(t, s, i, &h);
    else
      on_server_hello(t, s, f, i, &h, ts);
    return;
  }
  if (s->dir[i].encrypted) on_protected_message(t, s, f, i, type, body, len, ts);
}

static bool keep_body(uint8_t type) {
  return type == TLS_HS_CLIENT_HELLO || type == TLS_HS_SERVER_HELLO ||
         type == TLS_HS_ENCRYPTED_EXTENSIONS || type == TLS_HS_KEY_UPDATE;
}

/* The handshake byte stream of direction i (RFC 8446 §5.1: messages may span
 * records and records may hold several messages). */
void tlsdec_handshake_feed(tlsdec_filter *t, tls_flow *s, capture_flow *f, int i, const uint8_t *p,
                           size_t n, double ts) {
  tls_dir *d = &s->dir[i];
  while (n > 0 && !d->dead) {
    if (d->hs_hdr_len < 4) {
      d->hs_hdr[d->hs_hdr_len++] = *p++;
      n--;
      if (d->hs_hdr_len < 4) continue;
      d->hs_type = d->hs_hdr[0];
      /* RFC 8446 §4: msg_type (1 byte), then a 24-bit length. */
      h2_cursor hc = h2_cursor_make(d->hs_hdr + 1, 3);
      d->hs_len = 0;
      (void)h2_cursor_get_u24(&hc, &d->hs_len);
      d->hs_got = 0;
      d->hs_keep = keep_body(d->hs_type) && d->hs_len <= TLS_MAX_KEPT_HANDSHAKE;
      h2_buf_reset(&d->hs_buf);
      if (d->hs_keep && !h2_buf_reserve(&d->hs_buf, d->hs_len)) d->hs_keep = false;
    }
    size_t take = d->hs_len - d->hs_got;
    if (take > n) take = n;
    if (d->hs_keep && take) h2_buf_put(&d->hs_buf, p, take); /* room reserved above */
    d->hs_got += (uint32_t)take;
    p += take;
    n -= take;
    if (d->hs_got == d->hs_len) {
      d->hs_hdr_len = 0;
      on_handshake_message(t, s, f, i, d->hs_type, d->hs_keep ? d->hs_buf.p : NULL, d->hs_len, ts);
      if (d->hs_buf.cap > 4096) /* a big hello: do not hold it for the connection */
        h2_buf_free(&d->hs_buf);
    }
  }
}
