/* tlsdec_keys.c — the TLS filter's key schedule: secrets looked up in the key
 * log (TLS 1.2 master secret, TLS 1.3 traffic secrets), record protection
 * switched on when a direction's keys start. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec_state.h"

/* ---- key schedule ---- */

bool tlsdec_install(tls_record_cipher *c, const tls_record_keys *k) {
  return tls_record_cipher_init(c, k, false) == 0;
}

/* TLS 1.3 secret from the key log with the suite's hash length, or NULL. */
static const uint8_t *find13(tlsdec_filter *t, tls_flow *s, keylog_label label) {
  size_t len = 0;
  const uint8_t *sec = t->keys ? keylog_find(t->keys, label, s->client_random, &len) : NULL;
  return sec && len == s->suite->hash_len ? sec : NULL;
}

bool tlsdec_keys13(tls_flow *s, const uint8_t *secret, tls_record_cipher *c) {
  tls_record_keys k;
  return secret && tls13_traffic_keys(s->suite, secret, s->suite->hash_len, &k) == 0 &&
         tlsdec_install(c, &k);
}

/* Sets up both directions once the ServerHello fixed version and suite. */
void tlsdec_start_protection(tlsdec_filter *t, tls_flow *s, capture_flow *f, double ts) {
  const tls_suite_info *suite = s->suite;
  if (s->info.version != 0x0303 && s->info.version != 0x0304) {
    tlsdec_note(t, s, f, NOTE_UNSUPPORTED, "tls-unsupported", ts, "%s is not decrypted",
                tls_version_name(s->info.version));
    return;
  }
  if (!suite || suite->aead == TLS_AEAD_NONE || suite->tls13 != (s->info.version == 0x0304)) {
    tlsdec_note(t, s, f, NOTE_UNSUPPORTED, "tls-unsupported", ts,
                "cipher suite %s (0x%04x) is not decrypted", s->info.suite_name,
                s->info.cipher_suite);
    return;
  }
  if (suite->tls13) {
    /* RFC 8446 §2: everything after the ServerHello is protected, first with
     * handshake traffic keys, then (after each side's Finished) application
     * traffic keys. */
    for (int r = 0; r < 2; r++) {
      s->dir[r].encrypted = true;
      s->dir[r].stage = STAGE_HANDSHAKE;
    }
  }
  s->keys_sought = true;
  bool found = tlsdec_find_keys(t, s);
  if (!found && t->keys && keylog_refresh(t->keys)) found = tlsdec_find_keys(t, s);
  if (!found && tlsdec_may_wait_for_keys(t, s)) {
    /* A live capture: the client may write its secrets just after this
     * packet. The connection's records wait for them (wait_for_keys). */
    s->awaiting_keys = true;
    return;
  }
  if (!found) tlsdec_no_keys_note(t, s, f, ts);
}

/* Looks the connection's secrets up and installs the keys it does not have
 * yet, for where each direction stands; true when any were installed. Called
 * at the ServerHello, and again when a live capture's key log grew. */
bool tlsdec_find_keys(tlsdec_filter *t, tls_flow *s) {
  const tls_suite_info *suite = s->suite;
  tls_dir *cd = &s->dir[s->client], *sd = &s->dir[s->client ^ 1];
  if (suite->tls13) {
    static const keylog_label labels[4] = {
        KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET, KEYLOG_CLIENT_TRAFFIC_SECRET_0,
        KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET, KEYLOG_SERVER_TRAFFIC_SECRET_0};
    tls_dir *dirs[2] = {cd, sd};
    bool installed = false;
    for (int r = 0; r < 2; r++) {
      tls_dir *d = dirs[r];
      const uint8_t *app = find13(t, s, labels[2 * r + 1]);
      /* the application keys go where the next records will need them */
      tls_record_cipher *app_slot = d->stage == STAGE_APPLICATION ? &d->cipher : &d->next_cipher;
      if (d->stage == STAGE_HANDSHAKE && !d->cipher.evp)
        installed |= tlsdec_keys13(s, find13(t, s, labels[2 * r]), &d->cipher);
      if (!d->have_app_secret && !app_slot->evp && tlsdec_keys13(s, app, app_slot)) {
        memcpy(d->app_secret, app, suite->hash_len);
        d->have_app_secret = true;
        installed = true;
      }
      /* With some of the secrets, what is missing is reported only when a
       * record needs it: a handshake that was abandoned (or a connection
       * closed before any application data) needs no application secrets,
       * and key logs often lack the handshake ones. */
      d->app_keys_missing = !d->have_app_secret;
    }
    if (installed) s->info.keys_found = true;
    return installed;
  }
  /* TLS 1.2: the master secret from CLIENT_RANDOM; each side switches to its
   * write keys after its ChangeCipherSpec (RFC 5246 §7.1). */
  if (s->info.keys_found) return false;
  size_t len = 0;
  const uint8_t *ms =
      t->keys ? keylog_find(t->keys, KEYLOG_CLIENT_RANDOM, s->client_random, &len) : NULL;
  if (!ms || len != 48 ||
      tls12_traffic_keys(suite, ms, s->client_random, s->server_random, &cd->pending12,
                         &sd->pending12) != 0)
    return false;
  s->info.keys_found = true;
  cd->have_pending12 = sd->have_pending12 = true;
  return true;
}

/* A live capture whose key log may still bring the secrets a record needs:
 * the connection starts to wait for them (wait_for_keys), once. */
bool tlsdec_may_wait_for_keys(const tlsdec_filter *t, const tls_flow *s) {
  return s->keys_sought && t->keys && t->keys->follow && !s->waited_in_vain;
}

void tlsdec_no_keys_note(tlsdec_filter *t, tls_flow *s, capture_flow *f, double ts) {
  tlsdec_note(t, s, f, NOTE_NO_KEYS, "tls-no-keys", ts,
              s->suite->tls13
                  ? "no TLS 1.3 traffic secrets in the key log for this connection"
                  : "no CLIENT_RANDOM master secret in the key log for this connection");
}

/* The most plaintext a protected TLS 1.3 record of len bytes can carry (its
 * tag and content type off; padding unknown). */
size_t tlsdec_plaintext_bound(size_t len) {
  return len > TLS_AEAD_TAG_LEN + 1 ? len - TLS_AEAD_TAG_LEN - 1 : 0;
}
