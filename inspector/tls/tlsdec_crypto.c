/* tlsdec_crypto.c — TLS suite table, key derivation and AEAD record
 * opening/sealing on top of libcrypto (EVP_KDF "HKDF" / "TLS1-PRF", EVP AEAD). */
#include "tlsdec_crypto.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

static const tls_suite_info suites[] = {
    /* TLS 1.3, RFC 8446 §B.4 */
    {0x1301, "TLS_AES_128_GCM_SHA256", TLS_AEAD_AES_128_GCM, 32, true},
    {0x1302, "TLS_AES_256_GCM_SHA384", TLS_AEAD_AES_256_GCM, 48, true},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", TLS_AEAD_CHACHA20_POLY1305, 32, true},
    {0x1304, "TLS_AES_128_CCM_SHA256", TLS_AEAD_NONE, 32, true},
    {0x1305, "TLS_AES_128_CCM_8_SHA256", TLS_AEAD_NONE, 32, true},
    /* TLS 1.2 AEAD suites, RFC 5288, RFC 5289, RFC 7905 */
    {0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", TLS_AEAD_AES_128_GCM, 32, false},
    {0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", TLS_AEAD_AES_256_GCM, 48, false},
    {0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", TLS_AEAD_AES_128_GCM, 32, false},
    {0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", TLS_AEAD_AES_256_GCM, 48, false},
    {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", TLS_AEAD_AES_128_GCM, 32, false},
    {0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", TLS_AEAD_AES_256_GCM, 48, false},
    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", TLS_AEAD_AES_128_GCM, 32, false},
    {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", TLS_AEAD_AES_256_GCM, 48, false},
    {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", TLS_AEAD_CHACHA20_POLY1305, 32, false},
    {0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", TLS_AEAD_CHACHA20_POLY1305, 32,
     false},
    {0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", TLS_AEAD_CHACHA20_POLY1305, 32, false},
    /* Common CBC suites: named so the output can say what was not decrypted. */
    {0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", TLS_AEAD_NONE, 32, false},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", TLS_AEAD_NONE, 32, false},
    {0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", TLS_AEAD_NONE, 32, false},
    {0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", TLS_AEAD_NONE, 32, false},
    {0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", TLS_AEAD_NONE, 32, false},
    {0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", TLS_AEAD_NONE, 48, false},
    {0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", TLS_AEAD_NONE, 32, false},
};

const tls_suite_info *tls_suite_lookup(uint16_t id) {
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
    if (suites[i].id == id) return &suites[i];
  return NULL;
}

const char *tls_version_name(uint16_t version) {
  switch (version) {
  case 0x0300:
    return "SSL 3.0";
  case 0x0301:
    return "TLS 1.0";
  case 0x0302:
    return "TLS 1.1";
  case 0x0303:
    return "TLS 1.2";
  case 0x0304:
    return "TLS 1.3";
  default:
    return "unknown";
  }
}

static const char *digest_name(uint8_t hash_len) {
  return hash_len == 48 ? "SHA384" : "SHA256";
}

static uint8_t key_len_of(tls_aead a) {
  return a == TLS_AEAD_AES_128_GCM ? 16 : 32;
}

/* One EVP_KDF derivation with the given parameters. */
static int kdf_derive(const char *kdf_name, OSSL_PARAM *params, uint8_t *out, size_t out_len) {
  EVP_KDF *kdf = EVP_KDF_fetch(NULL, kdf_name, NULL);
  if (!kdf) return -1;
  EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (!kctx) return -1;
  int ok = EVP_KDF_derive(kctx, out, out_len, params) == 1;
  EVP_KDF_CTX_free(kctx);
  return ok ? 0 : -1;
}

int tls13_hkdf_expand_label(uint8_t hash_len, const uint8_t *secret, size_t secret_len,
                            const char *label, const uint8_t *context, size_t context_len,
                            uint8_t *out, size_t out_len) {
  /* HkdfLabel (RFC 8446 §7.1): uint16 length, opaque label<7..255> =
   * "tls13 " + Label, opaque context<0..255>. */
  static const char prefix[] = "tls13 ";
  size_t label_len = strlen(label);
  uint8_t info[2 + 1 + 255 + 1 + 255];
  if (out_len > 0xffff || 6 + label_len > 255 || context_len > 255) return -1;
  size_t n = 0;
  info[n++] = (uint8_t)(out_len >> 8);
  info[n++] = (uint8_t)out_len;
  info[n++] = (uint8_t)(6 + label_len);
  memcpy(info + n, prefix, 6);
  n += 6;
  memcpy(info + n, label, label_len);
  n += label_len;
  info[n++] = (uint8_t)context_len;
  if (context_len) memcpy(info + n, context, context_len);
  n += context_len;
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest_name(hash_len), 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_len),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
      OSSL_PARAM_construct_end(),
  };
  return kdf_derive("HKDF", params, out, out_len);
}

int tls13_traffic_keys(const tls_suite_info *suite, const uint8_t *secret, size_t secret_len,
                       tls_record_keys *out) {
  memset(out, 0, sizeof *out);
  if (!suite || !suite->tls13 || suite->aead == TLS_AEAD_NONE) return -1;
  out->aead = suite->aead;
  out->tls13 = true;
  out->key_len = key_len_of(suite->aead);
  out->iv_len = 12; /* RFC 8446 §5.3: iv_length = max(8, N_MIN) = 12 for our AEADs */
  if (tls13_hkdf_expand_label(suite->hash_len, secret, secret_len, "key", NULL, 0, out->key,
                              out->key_len) ||
      tls13_hkdf_expand_label(suite->hash_len, secret, secret_len, "iv", NULL, 0, out->iv,
                              out->iv_len))
    return -1;
  return 0;
}

int tls13_next_traffic_secret(uint8_t hash_len, const uint8_t *secret, uint8_t *out) {
  return tls13_hkdf_expand_label(hash_len, secret, hash_len, "traffic upd", NULL, 0, out, hash_len);
}

int tls12_traffic_keys(const tls_suite_info *suite, const uint8_t master_secret[48],
                       const uint8_t client_random[32], const uint8_t server_random[32],
                       tls_record_keys *client, tls_record_keys *server) {
  memset(client, 0, sizeof *client);
  memset(server, 0, sizeof *server);
  if (!suite || suite->tls13 || suite->aead == TLS_AEAD_NONE) return -1;
  /* key_block = PRF(master_secret, "key expansion", server_random +
   * client_random) (RFC 5246 §6.3); AEAD suites have no MAC keys, then come
   * client key, server key, client IV, server IV. GCM's IV is the 4-byte
   * salt (RFC 5288 §3), ChaCha20's the 12-byte IV (RFC 7905 §2). */
  uint8_t key_len = key_len_of(suite->aead);
  uint8_t iv_len = suite->aead == TLS_AEAD_CHACHA20_POLY1305 ? 12 : 4;
  uint8_t seed[13 + 64];
  memcpy(seed, "key expansion", 13);
  memcpy(seed + 13, server_random, 32);
  memcpy(seed + 45, client_random, 32);
  uint8_t block[2 * 32 + 2 * 12];
  size_t need = 2u * key_len + 2u * iv_len;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest_name(suite->hash_len),
                                       0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)master_secret, 48),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed, sizeof seed),
      OSSL_PARAM_construct_end(),
  };
  if (kdf_derive("TLS1-PRF", params, block, need)) return -1;
  tls_record_keys *k[2] = {client, server};
  for (int i = 0; i < 2; i++) {
    k[i]->aead = suite->aead;
    k[i]->key_len = key_len;
    k[i]->iv_len = iv_len;
    memcpy(k[i]->key, block + (size_t)i * key_len, key_len);
    memcpy(k[i]->iv, block + 2u * key_len + (size_t)i * iv_len, iv_len);
  }
  return 0;
}

static const EVP_CIPHER *cipher_of(tls_aead a) {
  switch (a) {
  case TLS_AEAD_AES_128_GCM:
    return EVP_aes_128_gcm();
  case TLS_AEAD_AES_256_GCM:
    return EVP_aes_256_gcm();
  case TLS_AEAD_CHACHA20_POLY1305:
    return EVP_chacha20_poly1305();
  default:
    return NULL;
  }
}

void tls_record_cipher_free(tls_record_cipher *c) {
  if (c->evp) EVP_CIPHER_CTX_free(c->evp);
  memset(c, 0, sizeof *c);
}

int tls_record_cipher_init(tls_record_cipher *c, const tls_record_keys *keys, bool encrypt) {
  tls_record_cipher_free(c);
  const EVP_CIPHER *ciph = cipher_of(keys->aead);
  if (!ciph) return -1;
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return -1;
  /* Key once here; each record only sets its nonce (12 bytes, the default IV
   * length of both GCM and ChaCha20-Poly1305 in libcrypto). */
  if (EVP_CipherInit_ex(ctx, ciph, NULL, keys->key, NULL, encrypt ? 1 : 0) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return -1;
  }
  c->evp = ctx;
  c->keys = *keys;
  c->seq = 0;
  c->encrypt = encrypt;
  return 0;
}

/* The per-record nonce. TLS 1.2 GCM: salt || explicit (RFC 5288 §3); else the
 * IV XOR the 64-bit sequence number left-padded to 12 bytes (RFC 8446 §5.3,
 * RFC 7905 §2). */
static void record_nonce(const tls_record_cipher *c, const uint8_t *explicit_nonce,
                         uint8_t nonce[12]) {
  if (c->keys.iv_len == 4) {
    memcpy(nonce, c->keys.iv, 4);
    memcpy(nonce + 4, explicit_nonce, 8);
    return;
  }
  memcpy(nonce, c->keys.iv, 12);
  for (int i = 0; i < 8; i++)
    nonce[4 + i] ^= (uint8_t)(c->seq >> (56 - 8 * i));
}

/* Additional data: TLS 1.2 seq_num || type || version || plaintext length
 * (RFC 5246 §6.2.3.3); TLS 1.3 the record header (RFC 8446 §5.2). */
static size_t record_aad(const tls_record_cipher *c, uint8_t type, uint16_t version,
                         size_t length_field, uint8_t aad[13]) {
  size_t n = 0;
  if (!c->keys.tls13)
    for (int i = 0; i < 8; i++)
      aad[n++] = (uint8_t)(c->seq >> (56 - 8 * i));
  aad[n++] = type;
  aad[n++] = (uint8_t)(version >> 8);
  aad[n++] = (uint8_t)version;
  aad[n++] = (uint8_t)(length_field >> 8);
  aad[n++] = (uint8_t)length_field;
  return n;
}

long tls_record_open(tls_record_cipher *c, uint8_t type, uint16_t version, const uint8_t *fragment,
                     size_t len, uint8_t *out, size_t outcap, uint8_t *inner_type) {
  if (!c->evp || c->encrypt) return -1;
  size_t explicit_len = c->keys.iv_len == 4 ? 8 : 0;
  if (len < explicit_len + TLS_AEAD_TAG_LEN || len > (size_t)INT32_MAX) return -1;
  size_t ct_len = len - explicit_len - TLS_AEAD_TAG_LEN;
  if (outcap < ct_len) return -1;
  uint8_t nonce[12], aad[13];
  record_nonce(c, fragment, nonce);
  size_t aad_len = record_aad(c, type, version, c->keys.tls13 ? len : ct_len, aad);
  EVP_CIPHER_CTX *ctx = c->evp;
  int outl = 0, finl = 0;
  if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, nonce) != 1 ||
      EVP_DecryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1 ||
      EVP_DecryptUpdate(ctx, out, &outl, fragment + explicit_len, (int)ct_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, TLS_AEAD_TAG_LEN,
                          (void *)(fragment + len - TLS_AEAD_TAG_LEN)) != 1 ||
      EVP_DecryptFinal_ex(ctx, out + outl, &finl) != 1)
    return -1;
  size_t plain = (size_t)outl + (size_t)finl;
  if (c->keys.tls13) {
    /* TLSInnerPlaintext: content || ContentType || zeros (RFC 8446 §5.2). */
    while (plain > 0 && out[plain - 1] == 0)
      plain--;
    if (plain == 0) return -1; /* all zeros: unexpected_message */
    *inner_type = out[--plain];
  } else {
    *inner_type = type;
  }
  c->seq++;
  return (long)plain;
}

long tls_record_seal(tls_record_cipher *c, uint8_t type, uint16_t version, const uint8_t *plain,
                     size_t len, uint8_t *out, size_t outcap) {
  if (!c->evp || !c->encrypt || len > TLS_MAX_PLAINTEXT) return -1;
  size_t explicit_len = c->keys.iv_len == 4 ? 8 : 0;
  size_t ct_len = len + (c->keys.tls13 ? 1 : 0);
  size_t total = explicit_len + ct_len + TLS_AEAD_TAG_LEN;
  if (outcap < total) return -1;
  uint8_t explicit_nonce[8];
  for (int i = 0; i < 8; i++)
    explicit_nonce[i] = (uint8_t)(c->seq >> (56 - 8 * i));
  memcpy(out, explicit_nonce, explicit_len);
  uint8_t nonce[12], aad[13];
  record_nonce(c, explicit_nonce, nonce);
  uint8_t outer_type = c->keys.tls13 ? 23 : type;
  size_t aad_len = record_aad(c, outer_type, version, c->keys.tls13 ? total : len, aad);
  EVP_CIPHER_CTX *ctx = c->evp;
  int outl = 0, n2 = 0, finl = 0;
  uint8_t *ct = out + explicit_len;
  if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, nonce) != 1 ||
      EVP_EncryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1 ||
      EVP_EncryptUpdate(ctx, ct, &outl, plain, (int)len) != 1)
    return -1;
  if (c->keys.tls13 && EVP_EncryptUpdate(ctx, ct + outl, &n2, &type, 1) != 1) return -1;
  if (EVP_EncryptFinal_ex(ctx, ct + outl + n2, &finl) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, TLS_AEAD_TAG_LEN, ct + ct_len) != 1)
    return -1;
  c->seq++;
  return (long)total;
}
