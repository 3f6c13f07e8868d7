/* tlsdec_hello.h — parses the two TLS handshake messages passive decryption
 * needs: ClientHello and ServerHello (RFC 8446 §4.1.2–4.1.3, RFC 5246 §7.4.1),
 * with the extensions that matter here: server_name (RFC 6066 §3), ALPN
 * (RFC 7301 §3.1), supported_versions (RFC 8446 §4.2.1),
 * extended_master_secret (RFC 7627 §5.1) and early_data (RFC 8446 §4.2.10). Input is the message
 * body (after the 4-byte handshake header); every read is bounds-checked. */
#ifndef H2SCOPE_TLSDEC_HELLO_H
#define H2SCOPE_TLSDEC_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  TLS_HS_CLIENT_HELLO = 1,
  TLS_HS_SERVER_HELLO = 2,
  TLS_HS_END_OF_EARLY_DATA = 5,
  TLS_HS_ENCRYPTED_EXTENSIONS = 8,
  TLS_HS_FINISHED = 20,
  TLS_HS_KEY_UPDATE = 24,
};

typedef struct tls_hello {
  uint16_t legacy_version;
  /* ServerHello: the negotiated version (supported_versions if present, else
   * legacy_version). ClientHello: the highest version offered (GREASE values
   * skipped). */
  uint16_t version;
  uint8_t random[32];
  uint16_t cipher_suite;       /* ServerHello only */
  bool extended_master_secret; /* the extension is present */
  bool hello_retry_request;    /* ServerHello with the HRR random (RFC 8446 §4.1.3) */
  /* ClientHello: 0-RTT data follows (early_data offered); EncryptedExtensions:
   * the server accepted it (RFC 8446 §4.2.10). */
  bool early_data;
  /* ServerHello: the selected protocol. ClientHello: the offered list, comma
   * separated (truncated to fit). Non-printable bytes become '?'. */
  char alpn[64];
  char server_name[128]; /* ClientHello host_name, truncated; "" if none */
} tls_hello;

/* Parses a ClientHello (msg_type 1) or ServerHello (2) body. Returns 0, or -1
 * if the body is malformed (lengths that do not add up, truncated fields). */
int tls_hello_parse(uint8_t msg_type, const uint8_t *body, size_t len, tls_hello *out);

/* EncryptedExtensions (TLS 1.3, RFC 8446 §4.3.1): the selected ALPN into
 * out->alpn, and early_data set when the server accepted 0-RTT data (other
 * fields untouched). Returns 0 or -1. */
int tls_encrypted_extensions_parse(const uint8_t *body, size_t len, tls_hello *out);

#endif
