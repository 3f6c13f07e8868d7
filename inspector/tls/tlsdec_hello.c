/* tlsdec_hello.c — ClientHello / ServerHello parsing with h2_cursor. */
#include "tlsdec_hello.h"

#include <string.h>

#include "h2/cursor.h"

enum {
  EXT_SERVER_NAME = 0,
  EXT_ALPN = 16,
  EXT_EXTENDED_MASTER_SECRET = 23,
  EXT_EARLY_DATA = 42,
  EXT_SUPPORTED_VERSIONS = 43,
};

/* SHA-256("HelloRetryRequest"), the ServerHello.random of an HRR (RFC 8446 §4.1.3). */
static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

/* GREASE values are 0x?A?A with both bytes equal (RFC 8701 §2). */
static bool is_grease(uint16_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Appends len bytes to a NUL-terminated text of capacity cap, '?' for
 * non-printable bytes, truncating. */
static void append_text(char *dst, size_t cap, const uint8_t *src, size_t len) {
  size_t used = strlen(dst);
  for (size_t i = 0; i < len && used + 1 < cap; i++) {
    uint8_t ch = src[i];
    dst[used++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
  }
  dst[used] = '\0';
}

/* opaque field<0..2^8-1> or <0..2^16-1> as a sub-cursor. */
static bool get_vec8(h2_cursor *c, h2_cursor *sub) {
  uint8_t n;
  return h2_cursor_get_u8(c, &n) && h2_cursor_get_sub(c, n, sub);
}
static bool get_vec16(h2_cursor *c, h2_cursor *sub) {
  uint16_t n;
  return h2_cursor_get_u16(c, &n) && h2_cursor_get_sub(c, n, sub);
}

static bool parse_alpn(h2_cursor ext, tls_hello *h) {
  h2_cursor list;
  if (!get_vec16(&ext, &list) || ext.left) return false;
  while (list.left) {
    h2_cursor name;
    if (!get_vec8(&list, &name) || name.left == 0) return false;
    if (h->alpn[0]) append_text(h->alpn, sizeof h->alpn, (const uint8_t *)",", 1);
    append_text(h->alpn, sizeof h->alpn, name.p, name.left);
  }
  return true;
}

static bool parse_server_name(h2_cursor ext, tls_hello *h) {
  h2_cursor list;
  if (!get_vec16(&ext, &list) || ext.left) return false;
  while (list.left) {
    uint8_t type;
    h2_cursor name;
    if (!h2_cursor_get_u8(&list, &type) || !get_vec16(&list, &name)) return false;
    if (type == 0 && !h->server_name[0]) /* host_name */
      append_text(h->server_name, sizeof h->server_name, name.p, name.left);
  }
  return true;
}

static bool parse_versions(h2_cursor ext, bool client, tls_hello *h) {
  if (!client) {
    uint16_t v;
    if (!h2_cursor_get_u16(&ext, &v) || ext.left) return false;
    h->version = v;
    return true;
  }
  h2_cursor list;
  if (!get_vec8(&ext, &list) || ext.left || list.left % 2) return false;
  while (list.left) {
    uint16_t v = 0;
    if (!h2_cursor_get_u16(&list, &v)) return false;
    if (!is_grease(v) && v > h->version) h->version = v;
  }
  return true;
}

static bool parse_extensions(h2_cursor *c, bool client, tls_hello *h) {
  /* Extensions are optional before TLS 1.3 (RFC 5246 §7.4.1.2). */
  if (c->left == 0) return true;
  h2_cursor exts;
  if (!get_vec16(c, &exts) || c->left) return false;
  while (exts.left) {
    uint16_t type;
    h2_cursor ext;
    if (!h2_cursor_get_u16(&exts, &type) || !get_vec16(&exts, &ext)) return false;
    bool ok = true;
    switch (type) {
    case EXT_SERVER_NAME:
      if (client) ok = parse_server_name(ext, h);
      break;
    case EXT_ALPN:
      ok = parse_alpn(ext, h);
      break;
    case EXT_EXTENDED_MASTER_SECRET:
      h->extended_master_secret = true;
      break;
    case EXT_EARLY_DATA:
      h->early_data = client;
      break;
    case EXT_SUPPORTED_VERSIONS:
      ok = parse_versions(ext, client, h);
      break;
    default:
      break;
    }
    if (!ok) return false;
  }
  return true;
}

int tls_hello_parse(uint8_t msg_type, const uint8_t *body, size_t len, tls_hello *out) {
  memset(out, 0, sizeof *out);
  if (msg_type != TLS_HS_CLIENT_HELLO && msg_type != TLS_HS_SERVER_HELLO) return -1;
  bool client = msg_type == TLS_HS_CLIENT_HELLO;
  h2_cursor c = h2_cursor_make(body, len);
  const uint8_t *random;
  h2_cursor session_id;
  if (!h2_cursor_get_u16(&c, &out->legacy_version) || !h2_cursor_get_bytes(&c, 32, &random) ||
      !get_vec8(&c, &session_id) || session_id.left > 32)
    return -1;
  memcpy(out->random, random, 32);
  if (client) {
    h2_cursor suites, compression;
    if (!get_vec16(&c, &suites) || suites.left < 2 || suites.left % 2 ||
        !get_vec8(&c, &compression) || compression.left < 1)
      return -1;
  } else {
    uint8_t compression;
    if (!h2_cursor_get_u16(&c, &out->cipher_suite) || !h2_cursor_get_u8(&c, &compression))
      return -1;
    out->hello_retry_request = !memcmp(out->random, hrr_random, 32);
  }
  if (!parse_extensions(&c, client, out)) return -1;
  if (out->version == 0 || (!client && out->version < out->legacy_version))
    out->version = out->legacy_version;
  return 0;
}

int tls_encrypted_extensions_parse(const uint8_t *body, size_t len, tls_hello *out) {
  h2_cursor c = h2_cursor_make(body, len), exts;
  if (!get_vec16(&c, &exts) || c.left) return -1;
  while (exts.left) {
    uint16_t type;
    h2_cursor ext;
    if (!h2_cursor_get_u16(&exts, &type) || !get_vec16(&exts, &ext)) return -1;
    if (type == EXT_ALPN) {
      out->alpn[0] = '\0';
      if (!parse_alpn(ext, out)) return -1;
    } else if (type == EXT_EARLY_DATA) {
      out->early_data = true; /* the server accepted the client's 0-RTT data */
    }
  }
  return 0;
}
