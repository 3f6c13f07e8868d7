/* test_tlsdec_crypto.c — TLS key derivation and record protection against
 * known vectors: RFC 8448 §3 (TLS 1.3 traffic keys/IVs from the secrets, and
 * its protected records), TLS 1.2 key blocks against a P_hash computed here
 * with HMAC, records encrypted here with raw EVP calls, tampering. */
#include <check.h>

#include "run_suite.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "tlsdec_crypto.h"

/* Hex with optional spaces/newlines into out; returns the byte count. */
static size_t unhex(const char *s, uint8_t *out, size_t cap) {
  size_t n = 0;
  int hi = -1;
  for (; *s; s++) {
    int v;
    if (*s >= '0' && *s <= '9')
      v = *s - '0';
    else if (*s >= 'a' && *s <= 'f')
      v = *s - 'a' + 10;
    else if (*s >= 'A' && *s <= 'F')
      v = *s - 'A' + 10;
    else
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      ck_assert_uint_lt(n, cap);
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  return n;
}

static void assert_hex(const uint8_t *got, size_t len, const char *want_hex) {
  uint8_t want[256];
  size_t n = unhex(want_hex, want, sizeof want);
  ck_assert_uint_eq(len, n);
  ck_assert_mem_eq(got, want, n);
}

/* RFC 8448 §3 "Simple 1-RTT Handshake", TLS_AES_128_GCM_SHA256. */
static const char *const c_hs = "b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 "
                                "2e 96 00 74 6a 0e 27 a5 5a 21";
static const char *const s_hs = "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 "
                                "10 5d 42 be fd 59 d3 91 ad 38";
static const char *const c_ap = "9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df "
                                "00 87 f7 92 eb b7 c1 75 04 a5";
static const char *const s_ap = "a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb "
                                "6b 3a 4b 4f 1f 3f cb 63 16 43";
static const char *const c_app_record =
    "17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc ab "
    "3f 2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d "
    "ea e6 3a ee bb 21 69 49 15 e4";
static const char *const s_app_record =
    "17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4 a4 69 32 fc 32 25 d0 5f 82 aa 1b "
    "36 e3 0e fa f9 7d 90 e6 df fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2 ab f3 "
    "32 54 0d d0 32 e1 67 c2 95 5d";
static const char *const c_finished_record =
    "17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b "
    "fc 44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46";

static void keys_from(const char *secret_hex, tls_record_keys *k) {
  uint8_t secret[48];
  size_t n = unhex(secret_hex, secret, sizeof secret);
  ck_assert_int_eq(tls13_traffic_keys(tls_suite_lookup(0x1301), secret, n, k), 0);
}

START_TEST(rfc8448_traffic_keys) {
  tls_record_keys k;
  keys_from(s_hs, &k);
  assert_hex(k.key, k.key_len, "3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc");
  assert_hex(k.iv, k.iv_len, "5d 31 3e b2 67 12 76 ee 13 00 0b 30");
  keys_from(c_hs, &k);
  assert_hex(k.key, k.key_len, "db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01");
  assert_hex(k.iv, k.iv_len, "5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f");
  keys_from(s_ap, &k);
  assert_hex(k.key, k.key_len, "9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56");
  assert_hex(k.iv, k.iv_len, "cf 78 2b 88 dd 83 54 9a ad f1 e9 84");
  keys_from(c_ap, &k);
  assert_hex(k.key, k.key_len, "17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51");
  assert_hex(k.iv, k.iv_len, "5b 78 92 3d ee 08 57 90 33 e5 23 d9");
  ck_assert(k.tls13);
  ck_assert_int_eq(k.aead, TLS_AEAD_AES_128_GCM);
}
END_TEST

/* Opens an RFC 8448 record (header included in `hex`) at sequence seq. */
static long open_hex(const char *secret_hex, uint64_t seq, const char *hex, uint8_t *out,
                     uint8_t *type) {
  tls_record_keys k;
  keys_from(secret_hex, &k);
  tls_record_cipher c;
  memset(&c, 0, sizeof c);
  ck_assert_int_eq(tls_record_cipher_init(&c, &k, false), 0);
  c.seq = seq;
  uint8_t rec[512];
  size_t n = unhex(hex, rec, sizeof rec);
  long r =
      tls_record_open(&c, rec[0], (uint16_t)(rec[1] << 8 | rec[2]), rec + 5, n - 5, out, 512, type);
  if (r >= 0)
    ck_assert_uint_eq(c.seq, seq + 1);
  else
    ck_assert_uint_eq(c.seq, seq);
  tls_record_cipher_free(&c);
  return r;
}

START_TEST(rfc8448_records) {
  uint8_t out[512], type = 0, want[50];
  for (int i = 0; i < 50; i++)
    want[i] = (uint8_t)i;
  ck_assert_int_eq(open_hex(c_ap, 0, c_app_record, out, &type), 50);
  ck_assert_uint_eq(type, 23);
  ck_assert_mem_eq(out, want, 50);
  /* The server sent its NewSessionTicket first: its data record is seq 1. */
  ck_assert_int_eq(open_hex(s_ap, 1, s_app_record, out, &type), 50);
  ck_assert_uint_eq(type, 23);
  ck_assert_mem_eq(out, want, 50);
  ck_assert_int_eq(open_hex(s_ap, 0, s_app_record, out, &type), -1); /* wrong seq */
  ck_assert_int_eq(open_hex(c_hs, 0, c_app_record, out, &type), -1); /* wrong key */
  ck_assert_int_eq(open_hex(c_hs, 0, c_finished_record, out, &type), 36);
  ck_assert_uint_eq(type, 22);
  assert_hex(out, 36,
             "14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e c1 76 94 "
             "fa c6 e9 85 27 b6 42 f2 ed d5 ce 61");
}
END_TEST

/* HKDF-Expand for L ≤ hash length is one HMAC: T(1) = HMAC(PRK, info || 0x01). */
START_TEST(key_update_secret) {
  uint8_t secret[32], next[48], info[64], t1[64];
  unhex(c_ap, secret, sizeof secret);
  ck_assert_int_eq(tls13_next_traffic_secret(32, secret, next), 0);
  size_t n = 0;
  info[n++] = 0;
  info[n++] = 32;
  info[n++] = 17;
  memcpy(info + n, "tls13 traffic upd", 17);
  n += 17;
  info[n++] = 0;
  info[n++] = 1;
  unsigned int tl = 0;
  HMAC(EVP_sha256(), secret, 32, info, n, t1, &tl);
  ck_assert_uint_eq(tl, 32);
  ck_assert_mem_eq(next, t1, 32);
  ck_assert_int_ne(memcmp(next, secret, 32), 0);
}
END_TEST

/* P_hash (RFC 5246 §5) written out with HMAC, independent of EVP_KDF. */
static void p_hash(const EVP_MD *md, const uint8_t *secret, size_t slen, const uint8_t *seed,
                   size_t seedlen, uint8_t *out, size_t outlen) {
  uint8_t a[64], buf[64 + 128], t[64];
  unsigned int alen = 0, tl = 0;
  HMAC(md, secret, (int)slen, seed, seedlen, a, &alen);
  size_t done = 0;
  while (done < outlen) {
    memcpy(buf, a, alen);
    memcpy(buf + alen, seed, seedlen);
    HMAC(md, secret, (int)slen, buf, alen + seedlen, t, &tl);
    size_t take = outlen - done < tl ? outlen - done : tl;
    memcpy(out + done, t, take);
    done += take;
    HMAC(md, secret, (int)slen, a, alen, a, &alen);
  }
}

static void tls12_vectors(uint16_t suite_id, const EVP_MD *md, size_t key_len, size_t iv_len) {
  uint8_t ms[48], cr[32], sr[32];
  for (int i = 0; i < 48; i++)
    ms[i] = (uint8_t)(i * 7 + 1);
  for (int i = 0; i < 32; i++) {
    cr[i] = (uint8_t)(0xc0 + i);
    sr[i] = (uint8_t)(0x50 + i);
  }
  tls_record_keys ck, sk;
  ck_assert_int_eq(tls12_traffic_keys(tls_suite_lookup(suite_id), ms, cr, sr, &ck, &sk), 0);
  uint8_t seed[77], block[128];
  memcpy(seed, "key expansion", 13);
  memcpy(seed + 13, sr, 32);
  memcpy(seed + 45, cr, 32);
  p_hash(md, ms, 48, seed, sizeof seed, block, 2 * key_len + 2 * iv_len);
  ck_assert_uint_eq(ck.key_len, key_len);
  ck_assert_uint_eq(ck.iv_len, iv_len);
  ck_assert_mem_eq(ck.key, block, key_len);
  ck_assert_mem_eq(sk.key, block + key_len, key_len);
  ck_assert_mem_eq(ck.iv, block + 2 * key_len, iv_len);
  ck_assert_mem_eq(sk.iv, block + 2 * key_len + iv_len, iv_len);
  ck_assert(!ck.tls13);

  /* A record encrypted here with raw EVP calls, at sequence number 5. */
  const EVP_CIPHER *ciph = iv_len == 4 ? (key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm())
                                       : EVP_chacha20_poly1305();
  const char msg[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  size_t mlen = sizeof msg - 1;
  uint8_t nonce[12], explicit_nonce[8] = {0, 0, 0, 0, 0, 0, 0, 5};
  if (iv_len == 4) {
    memcpy(nonce, ck.iv, 4);
    memcpy(nonce + 4, explicit_nonce, 8);
  } else {
    memcpy(nonce, ck.iv, 12);
    nonce[11] ^= 5;
  }
  uint8_t aad[13] = {0, 0, 0, 0, 0, 0, 0, 5, 23, 3, 3, 0, (uint8_t)mlen};
  uint8_t rec[128];
  size_t ex = iv_len == 4 ? 8 : 0;
  memcpy(rec, explicit_nonce, ex);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  int outl = 0;
  ck_assert_int_eq(EVP_EncryptInit_ex(ctx, ciph, NULL, ck.key, nonce), 1);
  ck_assert_int_eq(EVP_EncryptUpdate(ctx, NULL, &outl, aad, 13), 1);
  ck_assert_int_eq(EVP_EncryptUpdate(ctx, rec + ex, &outl, (const uint8_t *)msg, (int)mlen), 1);
  ck_assert_int_eq(EVP_EncryptFinal_ex(ctx, rec + ex + outl, &outl), 1);
  ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, rec + ex + mlen), 1);
  EVP_CIPHER_CTX_free(ctx);
  size_t rlen = ex + mlen + 16;

  tls_record_cipher c;
  memset(&c, 0, sizeof c);
  ck_assert_int_eq(tls_record_cipher_init(&c, &ck, false), 0);
  uint8_t out[128], type = 0;
  c.seq = 4; /* wrong sequence number: the AAD differs */
  ck_assert_int_eq(tls_record_open(&c, 23, 0x0303, rec, rlen, out, sizeof out, &type), -1);
  c.seq = 5;
  ck_assert_int_eq(tls_record_open(&c, 23, 0x0303, rec, rlen, out, sizeof out, &type), (long)mlen);
  ck_assert_uint_eq(type, 23);
  ck_assert_mem_eq(out, msg, mlen);
  ck_assert_uint_eq(c.seq, 6);
  rec[rlen - 1] ^= 1; /* tampered tag */
  c.seq = 5;
  ck_assert_int_eq(tls_record_open(&c, 23, 0x0303, rec, rlen, out, sizeof out, &type), -1);
  ck_assert_int_eq(tls_record_open(&c, 23, 0x0303, rec, ex + 15, out, sizeof out, &type), -1);
  tls_record_cipher_free(&c);
}

START_TEST(tls12_aes128gcm) {
  tls12_vectors(0xC02F, EVP_sha256(), 16, 4);
}
END_TEST

START_TEST(tls12_aes256gcm) {
  tls12_vectors(0xC030, EVP_sha384(), 32, 4);
}
END_TEST

START_TEST(tls12_chacha20) {
  tls12_vectors(0xCCA8, EVP_sha256(), 32, 12);
}
END_TEST

/* seal → open round trip for all six suites, several records. */
START_TEST(seal_open_roundtrip) {
  static const uint16_t ids[] = {0x1301, 0x1302, 0x1303, 0xC02F, 0xC030, 0xCCA8};
  uint8_t secret[48], ms[48], cr[32] = {1}, sr[32] = {2};
  memset(secret, 0x42, sizeof secret);
  memset(ms, 0x24, sizeof ms);
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    const tls_suite_info *s = tls_suite_lookup(ids[i]);
    ck_assert_ptr_nonnull(s);
    tls_record_keys k, k2;
    if (s->tls13)
      ck_assert_int_eq(tls13_traffic_keys(s, secret, s->hash_len, &k), 0);
    else
      ck_assert_int_eq(tls12_traffic_keys(s, ms, cr, sr, &k, &k2), 0);
    tls_record_cipher enc, dec;
    memset(&enc, 0, sizeof enc);
    memset(&dec, 0, sizeof dec);
    ck_assert_int_eq(tls_record_cipher_init(&enc, &k, true), 0);
    ck_assert_int_eq(tls_record_cipher_init(&dec, &k, false), 0);
    static uint8_t plain[TLS_MAX_PLAINTEXT], rec[TLS_MAX_PLAINTEXT + 64],
        out[TLS_MAX_PLAINTEXT + 64];
    for (size_t j = 0; j < sizeof plain; j++)
      plain[j] = (uint8_t)(j * 31 + i);
    size_t lens[] = {0, 1, 100, TLS_MAX_PLAINTEXT};
    for (int r = 0; r < 4; r++) {
      long n = tls_record_seal(&enc, 23, 0x0303, plain, lens[r], rec, sizeof rec);
      ck_assert_int_eq(n, (long)(lens[r] + 16 + (s->tls13 ? 1 : 0) + (k.iv_len == 4 ? 8 : 0)));
      uint8_t type = 0;
      ck_assert_int_eq(tls_record_open(&dec, 23, 0x0303, rec, (size_t)n, out, sizeof out, &type),
                       (long)lens[r]);
      ck_assert_uint_eq(type, 23);
      ck_assert_mem_eq(out, plain, lens[r]);
    }
    ck_assert_int_eq(tls_record_seal(&enc, 23, 0x0303, plain, 10, rec, 20), -1);
    ck_assert_int_eq(tls_record_open(&enc, 23, 0x0303, rec, 40, out, sizeof out, &(uint8_t){0}),
                     -1); /* an encrypting cipher does not open */
    tls_record_cipher_free(&enc);
    tls_record_cipher_free(&dec);
  }
}
END_TEST

/* TLS 1.3 padding is stripped; an all-zero inner plaintext is rejected. */
START_TEST(tls13_padding) {
  uint8_t secret[32];
  memset(secret, 7, sizeof secret);
  tls_record_keys k;
  ck_assert_int_eq(tls13_traffic_keys(tls_suite_lookup(0x1303), secret, 32, &k), 0);
  tls_record_cipher enc, dec;
  memset(&enc, 0, sizeof enc);
  memset(&dec, 0, sizeof dec);
  ck_assert_int_eq(tls_record_cipher_init(&enc, &k, true), 0);
  ck_assert_int_eq(tls_record_cipher_init(&dec, &k, false), 0);
  /* Seal "hi" 0x17 00 00 00 as a 5-byte "plaintext" with inner type 0: the
   * record then carries hi 17 00 00 00 00 — "hi", type 23, 4 bytes of padding. */
  const uint8_t padded[] = {'h', 'i', 23, 0, 0, 0};
  uint8_t rec[64], out[64], type = 0;
  long n = tls_record_seal(&enc, 0, 0x0303, padded, sizeof padded, rec, sizeof rec);
  ck_assert_int_eq(n, 6 + 1 + 16);
  ck_assert_int_eq(tls_record_open(&dec, 23, 0x0303, rec, (size_t)n, out, sizeof out, &type), 2);
  ck_assert_uint_eq(type, 23);
  ck_assert_mem_eq(out, "hi", 2);
  const uint8_t zeros[4] = {0};
  n = tls_record_seal(&enc, 0, 0x0303, zeros, sizeof zeros, rec, sizeof rec);
  ck_assert_int_eq(tls_record_open(&dec, 23, 0x0303, rec, (size_t)n, out, sizeof out, &type), -1);
  tls_record_cipher_free(&enc);
  tls_record_cipher_free(&dec);
}
END_TEST

START_TEST(suite_table) {
  ck_assert_str_eq(tls_suite_lookup(0x1302)->name, "TLS_AES_256_GCM_SHA384");
  ck_assert_uint_eq(tls_suite_lookup(0x1302)->hash_len, 48);
  ck_assert_str_eq(tls_suite_lookup(0xCCA8)->name, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  ck_assert_int_eq(tls_suite_lookup(0xC013)->aead, TLS_AEAD_NONE);
  ck_assert_ptr_null(tls_suite_lookup(0x0000));
  ck_assert_str_eq(tls_version_name(0x0304), "TLS 1.3");
  ck_assert_str_eq(tls_version_name(0x0303), "TLS 1.2");
  ck_assert_str_eq(tls_version_name(0x7f1c), "unknown");
  tls_record_keys k;
  uint8_t secret[48] = {0};
  ck_assert_int_eq(tls13_traffic_keys(tls_suite_lookup(0xC02F), secret, 32, &k), -1);
  ck_assert_int_eq(tls13_traffic_keys(tls_suite_lookup(0x1304), secret, 32, &k), -1);
  ck_assert_int_eq(tls12_traffic_keys(tls_suite_lookup(0x1301), secret, secret, secret, &k, &k),
                   -1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("tlsdec_crypto");
  TCase *tc = tcase_create("crypto");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, rfc8448_traffic_keys);
  tcase_add_test(tc, rfc8448_records);
  tcase_add_test(tc, key_update_secret);
  tcase_add_test(tc, tls12_aes128gcm);
  tcase_add_test(tc, tls12_aes256gcm);
  tcase_add_test(tc, tls12_chacha20);
  tcase_add_test(tc, seal_open_roundtrip);
  tcase_add_test(tc, tls13_padding);
  tcase_add_test(tc, suite_table);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
