/* tlsdec_build.h — test helper: builds synthetic TLS byte streams (hello
 * messages, plaintext and protected records) for the tlsdec suites.
 * Header-only, included by test_tlsdec_*.c. */
#ifndef H2SCOPE_TEST_TLSDEC_BUILD_H
#define H2SCOPE_TEST_TLSDEC_BUILD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdec_crypto.h"

typedef struct tb_buf {
  uint8_t *p;
  size_t len, cap;
} tb_buf;

static inline void tb_put(tb_buf *b, const void *d, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2 + 64;
    b->p = realloc(b->p, b->cap);
  }
  if (n) memcpy(b->p + b->len, d, n);
  b->len += n;
}
static inline void tb_u8(tb_buf *b, unsigned v) {
  uint8_t x = (uint8_t)v;
  tb_put(b, &x, 1);
}
static inline void tb_u16(tb_buf *b, unsigned v) {
  tb_u8(b, v >> 8);
  tb_u8(b, v);
}
static inline void tb_u24(tb_buf *b, unsigned v) {
  tb_u8(b, v >> 16);
  tb_u16(b, v & 0xffff);
}
static inline void tb_free(tb_buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

/* An extension: type, then body. */
static inline void tb_ext(tb_buf *b, unsigned type, const tb_buf *body) {
  tb_u16(b, type);
  tb_u16(b, (unsigned)body->len);
  tb_put(b, body->p, body->len);
}

/* ALPN extension body from "h2,http/1.1". */
static inline void tb_alpn_body(tb_buf *body, const char *list) {
  tb_buf names = {0};
  char tmp[128];
  snprintf(tmp, sizeof tmp, "%s", list);
  for (char *tok = strtok(tmp, ","); tok; tok = strtok(NULL, ",")) {
    tb_u8(&names, (unsigned)strlen(tok));
    tb_put(&names, tok, strlen(tok));
  }
  tb_u16(body, (unsigned)names.len);
  tb_put(body, names.p, names.len);
  tb_free(&names);
}

/* A ClientHello handshake message (header included); early adds the
 * early_data extension (a 0-RTT offer, RFC 8446 §4.2.10). */
static inline void tb_client_hello_early(tb_buf *out, const uint8_t random[32], bool tls13,
                                         const char *alpn, const char *sni, bool ems,
                                         bool early) {
  tb_buf m = {0}, exts = {0}, e = {0};
  tb_u16(&m, 0x0303);
  tb_put(&m, random, 32);
  tb_u8(&m, 32);
  for (int i = 0; i < 32; i++)
    tb_u8(&m, 0xee); /* legacy_session_id */
  tb_u16(&m, 8);
  tb_u16(&m, 0x1301);
  tb_u16(&m, 0x1303);
  tb_u16(&m, 0xc02f);
  tb_u16(&m, 0xcca8);
  tb_u8(&m, 1);
  tb_u8(&m, 0);
  if (sni) {
    tb_u16(&e, (unsigned)strlen(sni) + 3);
    tb_u8(&e, 0);
    tb_u16(&e, (unsigned)strlen(sni));
    tb_put(&e, sni, strlen(sni));
    tb_ext(&exts, 0, &e);
    e.len = 0;
  }
  if (alpn) {
    tb_alpn_body(&e, alpn);
    tb_ext(&exts, 16, &e);
    e.len = 0;
  }
  if (ems) tb_ext(&exts, 23, &e);
  if (early) tb_ext(&exts, 42, &e);
  if (tls13) {
    tb_u8(&e, 6);
    tb_u16(&e, 0x3a3a); /* GREASE (RFC 8701) */
    tb_u16(&e, 0x0304);
    tb_u16(&e, 0x0303);
    tb_ext(&exts, 43, &e);
    e.len = 0;
  }
  tb_u16(&m, (unsigned)exts.len);
  tb_put(&m, exts.p, exts.len);
  tb_u8(out, 1);
  tb_u24(out, (unsigned)m.len);
  tb_put(out, m.p, m.len);
  tb_free(&m);
  tb_free(&exts);
  tb_free(&e);
}

static inline void tb_client_hello(tb_buf *out, const uint8_t random[32], bool tls13,
                                   const char *alpn, const char *sni, bool ems) {
  tb_client_hello_early(out, random, tls13, alpn, sni, ems, false);
}

/* A ServerHello (header included); tls13 adds supported_versions 0x0304. */
static inline void tb_server_hello(tb_buf *out, const uint8_t random[32], uint16_t suite,
                                   bool tls13, const char *alpn, bool ems) {
  tb_buf m = {0}, exts = {0}, e = {0};
  tb_u16(&m, 0x0303);
  tb_put(&m, random, 32);
  tb_u8(&m, 0);
  tb_u16(&m, suite);
  tb_u8(&m, 0);
  if (alpn) {
    tb_alpn_body(&e, alpn);
    tb_ext(&exts, 16, &e);
    e.len = 0;
  }
  if (ems) tb_ext(&exts, 23, &e);
  if (tls13) {
    tb_u16(&e, 0x0304);
    tb_ext(&exts, 43, &e);
    e.len = 0;
  }
  tb_u16(&m, (unsigned)exts.len);
  tb_put(&m, exts.p, exts.len);
  tb_u8(out, 2);
  tb_u24(out, (unsigned)m.len);
  tb_put(out, m.p, m.len);
  tb_free(&m);
  tb_free(&exts);
  tb_free(&e);
}

/* A handshake message with an arbitrary body. */
static inline void tb_handshake(tb_buf *out, unsigned type, const void *body, size_t len) {
  tb_u8(out, type);
  tb_u24(out, (unsigned)len);
  tb_put(out, body, len);
}

/* A TLS 1.3 EncryptedExtensions message (header included) with the selected
 * ALPN and, when early_data, the server's acceptance of 0-RTT data. */
static inline void tb_encrypted_extensions(tb_buf *out, const char *alpn, bool early_data) {
  tb_buf e = {0}, exts = {0}, ee = {0};
  tb_alpn_body(&e, alpn);
  tb_ext(&exts, 16, &e);
  e.len = 0;
  if (early_data) tb_ext(&exts, 42, &e);
  tb_u16(&ee, (unsigned)exts.len);
  tb_put(&ee, exts.p, exts.len);
  tb_handshake(out, 8, ee.p, ee.len);
  tb_free(&e);
  tb_free(&exts);
  tb_free(&ee);
}

/* A plaintext record. */
static inline void tb_record(tb_buf *out, unsigned type, const void *frag, size_t len) {
  tb_u8(out, type);
  tb_u16(out, 0x0303);
  tb_u16(out, (unsigned)len);
  tb_put(out, frag, len);
}

/* A protected record (TLS 1.3: outer type 23, inner `type`). */
static inline void tb_sealed(tb_buf *out, tls_record_cipher *c, unsigned type, const void *plain,
                             size_t len) {
  static uint8_t frag[TLS_MAX_PLAINTEXT + 64];
  long n = tls_record_seal(c, (uint8_t)type, 0x0303, plain, len, frag, sizeof frag);
  if (n < 0) abort();
  tb_record(out, c->keys.tls13 ? 23 : type, frag, (size_t)n);
}

#endif
