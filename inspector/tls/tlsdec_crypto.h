/* tlsdec_crypto.h — the cryptography of passive TLS decryption, all from
 * OpenSSL's libcrypto: the cipher suites we know, key derivation (TLS 1.2 PRF
 * key block, RFC 5246 §6.3; TLS 1.3 HKDF-Expand-Label, RFC 8446 §7.1/§7.3) and
 * opening (and, for tests and benches, sealing) one AEAD-protected record
 * (RFC 5288 AES-GCM, RFC 7905 ChaCha20-Poly1305, RFC 8446 §5.2–5.3). */
#ifndef H2SCOPE_TLSDEC_CRYPTO_H
#define H2SCOPE_TLSDEC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLS_MAX_PLAINTEXT 16384u /* 2^14, RFC 8446 §5.1 / RFC 5246 §6.2.1 */
#define TLS_AEAD_TAG_LEN 16
#define TLS_MAX_HASH_LEN 48

typedef enum tls_aead {
  TLS_AEAD_NONE = 0,
  TLS_AEAD_AES_128_GCM,
  TLS_AEAD_AES_256_GCM,
  TLS_AEAD_CHACHA20_POLY1305,
} tls_aead;

typedef struct tls_suite_info {
  uint16_t id;
  const char *name; /* IANA name, e.g. "TLS_AES_128_GCM_SHA256" */
  tls_aead aead;    /* TLS_AEAD_NONE: known name, but we cannot decrypt it */
  uint8_t hash_len; /* 32 (SHA-256) or 48 (SHA-384): PRF / HKDF hash */
  bool tls13;
} tls_suite_info;

/* Known suite, or NULL. Suites with aead == NONE are listed only for names. */
const tls_suite_info *tls_suite_lookup(uint16_t id);
/* "TLS 1.2", "TLS 1.3", ... or "unknown". */
const char *tls_version_name(uint16_t version);

/* Keys of one direction. TLS 1.2 GCM has a 4-byte implicit IV (salt) and an
 * explicit 8-byte nonce in each record; ChaCha20 and all of TLS 1.3 use a
 * 12-byte IV XORed with the sequence number. */
typedef struct tls_record_keys {
  tls_aead aead;
  bool tls13;
  uint8_t key[32];
  uint8_t key_len;
  uint8_t iv[12];
  uint8_t iv_len;
} tls_record_keys;

/* HKDF-Expand-Label(secret, label, context, out_len) with the suite hash
 * (RFC 8446 §7.1); label without the "tls13 " prefix. Returns 0 or -1. */
int tls13_hkdf_expand_label(uint8_t hash_len, const uint8_t *secret, size_t secret_len,
                            const char *label, const uint8_t *context, size_t context_len,
                            uint8_t *out, size_t out_len);
/* Record key and IV from a traffic secret (RFC 8446 §7.3). */
int tls13_traffic_keys(const tls_suite_info *suite, const uint8_t *secret, size_t secret_len,
                       tls_record_keys *out);
/* application_traffic_secret_N+1 (RFC 8446 §7.2): out gets hash_len bytes. */
int tls13_next_traffic_secret(uint8_t hash_len, const uint8_t *secret, uint8_t *out);

/* TLS 1.2 key block from the master secret (RFC 5246 §6.3): client and server
 * write keys and IVs (MAC keys are empty for AEAD suites). */
int tls12_traffic_keys(const tls_suite_info *suite, const uint8_t master_secret[48],
                       const uint8_t client_random[32], const uint8_t server_random[32],
                       tls_record_keys *client, tls_record_keys *server);

/* The decryption (or encryption) state of one direction: an EVP context keyed
 * once, and the record sequence number (RFC 5246 §6.1, RFC 8446 §5.3). */
typedef struct tls_record_cipher {
  void *evp; /* EVP_CIPHER_CTX */
  tls_record_keys keys;
  uint64_t seq;
  bool encrypt;
} tls_record_cipher;

/* 0, or -1 (unsupported AEAD, out of memory). Re-initialising a used cipher
 * frees its old context; a zeroed cipher is valid for free. */
int tls_record_cipher_init(tls_record_cipher *c, const tls_record_keys *keys, bool encrypt);
void tls_record_cipher_free(tls_record_cipher *c);

/* Opens the record (header fields type/version, protected `fragment`) into
 * out (outcap ≥ len). TLS 1.3: strips the padding and gives the inner content
 * type (RFC 8446 §5.2); TLS 1.2: *inner_type = type. Advances seq only on
 * success. Returns the plaintext length, or -1: too short, authentication
 * failed, or (TLS 1.3) no non-zero content type. */
long tls_record_open(tls_record_cipher *c, uint8_t type, uint16_t version, const uint8_t *fragment,
                     size_t len, uint8_t *out, size_t outcap, uint8_t *inner_type);

/* The inverse, for tests and benches: writes the record fragment (explicit
 * nonce for TLS 1.2 GCM = the sequence number; TLS 1.3: inner type appended,
 * no padding) into out. Returns its length, or -1 if outcap is too small. */
long tls_record_seal(tls_record_cipher *c, uint8_t type, uint16_t version, const uint8_t *plain,
                     size_t len, uint8_t *out, size_t outcap);

#endif
