/* bench_tlsdec.c — decryption throughput of the TLS capture filter
 * (inspector/tls/tlsdec_filter.h): one client direction of 64 full-size (16 KiB)
 * application_data records behind a synthetic handshake, fed through the
 * filter into a counting consumer, against the same records opened with raw
 * EVP AEAD calls (the floor: what libcrypto alone costs). Ratio near 1 means
 * the filter's record layer, key lookups and copying cost little next to the
 * AEAD. Suites: TLS 1.3 AES-128-GCM / AES-256-GCM / ChaCha20-Poly1305 and
 * TLS 1.2 AES-128-GCM. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"
#include "keylog.h"
#include "tlsdec_build.h"
#include "tlsdec_filter.h"

enum { RECORDS = 64 };

typedef struct stream_set {
  uint16_t suite;
  tb_buf client_hello, server_hello, client; /* client: CCS, Finished, RECORDS app records */
  size_t app_offset;                         /* where the application records start */
  tls_record_keys app_keys;
  keylog keys;
  uint64_t plain_per_pass;
} stream_set;

static void keyline(char *out, size_t cap, const char *label, const uint8_t cr[32],
                    const uint8_t *s, size_t n) {
  size_t used = strlen(out);
  used += (size_t)snprintf(out + used, cap - used, "%s ", label);
  for (int i = 0; i < 32; i++)
    used += (size_t)snprintf(out + used, cap - used, "%02x", cr[i]);
  used += (size_t)snprintf(out + used, cap - used, " ");
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(out + used, cap - used, "%02x", s[i]);
  snprintf(out + used, cap - used, "\n");
}

static void build(stream_set *b, uint16_t suite_id) {
  memset(b, 0, sizeof *b);
  b->suite = suite_id;
  const tls_suite_info *suite = tls_suite_lookup(suite_id);
  uint8_t cr[32], sr[32], hs[48], app[48], ms[48];
  for (int i = 0; i < 32; i++) {
    cr[i] = (uint8_t)(3 * i + 1);
    sr[i] = (uint8_t)(5 * i + 2);
  }
  memset(hs, 0x21, sizeof hs);
  memset(app, 0x43, sizeof app);
  memset(ms, 0x65, sizeof ms);
  char text[1024] = "";
  tls_record_keys hk, ak, sk;
  tb_buf m = {0};
  tb_client_hello(&m, cr, suite->tls13, "h2", "bench.example", true);
  tb_record(&b->client_hello, 22, m.p, m.len);
  m.len = 0;
  tb_server_hello(&m, sr, suite_id, suite->tls13, "h2", true);
  tb_record(&b->server_hello, 22, m.p, m.len);
  tb_record(&b->client, 20, "\x01", 1);
  tls_record_cipher hc, ac;
  memset(&hc, 0, sizeof hc);
  memset(&ac, 0, sizeof ac);
  m.len = 0;
  tb_handshake(&m, 20, hs, suite->hash_len);
  if (suite->tls13) {
    keyline(text, sizeof text, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", cr, hs, suite->hash_len);
    keyline(text, sizeof text, "CLIENT_TRAFFIC_SECRET_0", cr, app, suite->hash_len);
    /* The server's secrets too, so the filter has nothing to report. */
    keyline(text, sizeof text, "SERVER_HANDSHAKE_TRAFFIC_SECRET", cr, app, suite->hash_len);
    keyline(text, sizeof text, "SERVER_TRAFFIC_SECRET_0", cr, hs, suite->hash_len);
    tls13_traffic_keys(suite, hs, suite->hash_len, &hk);
    tls13_traffic_keys(suite, app, suite->hash_len, &ak);
    tls_record_cipher_init(&hc, &hk, true);
    tls_record_cipher_init(&ac, &ak, true);
    tb_sealed(&b->client, &hc, 22, m.p, m.len);
  } else {
    keyline(text, sizeof text, "CLIENT_RANDOM", cr, ms, 48);
    tls12_traffic_keys(suite, ms, cr, sr, &ak, &sk);
    tls_record_cipher_init(&ac, &ak, true);
    tb_sealed(&b->client, &ac, 22, m.p, m.len); /* Finished is seq 0 under the same keys */
  }
  b->app_offset = b->client.len;
  static uint8_t plain[TLS_MAX_PLAINTEXT];
  for (size_t i = 0; i < sizeof plain; i++)
    plain[i] = (uint8_t)(i * 7);
  for (int r = 0; r < RECORDS; r++)
    tb_sealed(&b->client, &ac, 23, plain, sizeof plain);
  b->plain_per_pass = (uint64_t)RECORDS * sizeof plain;
  b->app_keys = ak;
  keylog_init(&b->keys);
  keylog_add_text(&b->keys, text, strlen(text));
  tb_free(&m);
  tls_record_cipher_free(&hc);
  tls_record_cipher_free(&ac);
}

/* ---- ours: the filter ---- */

static uint64_t counted;
static void c_bytes(void *u, capture_flow *f, int d, uint64_t o, const uint8_t *p, size_t n,
                    double ts) {
  (void)u, (void)f, (void)d, (void)o, (void)ts;
  counted += n + p[n - 1] * 0u;
}
static void c_notice(void *u, capture_flow *f, const char *k, const char *m, double ts) {
  (void)u, (void)f, (void)ts;
  fprintf(stderr, "bench_tlsdec: unexpected notice %s: %s\n", k, m);
}

static int run_filter(void *ctx) {
  stream_set *b = ctx;
  flow_consumer inner = {.on_bytes = c_bytes, .on_notice = c_notice};
  tlsdec_filter *t = tlsdec_filter_new(&b->keys, &inner);
  if (!t) return 1;
  const flow_consumer *fc = tlsdec_filter_consumer(t);
  capture_flow f;
  memset(&f, 0, sizeof f);
  f.id = 1;
  strcpy(f.endpoint[0], "10.0.0.1:1");
  strcpy(f.endpoint[1], "10.0.0.2:443");
  counted = 0;
  fc->on_open(fc->user, &f, 0);
  fc->on_bytes(fc->user, &f, 0, 0, b->client_hello.p, b->client_hello.len, 0);
  fc->on_bytes(fc->user, &f, 1, 0, b->server_hello.p, b->server_hello.len, 0);
  /* TCP-sized chunks, as capture_run delivers them. */
  size_t at = 0, off = b->client_hello.len;
  while (at < b->client.len) {
    size_t n = b->client.len - at < 1448 ? b->client.len - at : 1448;
    fc->on_bytes(fc->user, &f, 0, off, b->client.p + at, n, 0);
    at += n;
    off += n;
  }
  fc->on_close(fc->user, &f, FLOW_CLOSE_FIN, 0);
  tlsdec_filter_free(t);
  return counted == b->plain_per_pass ? 0 : 1;
}

/* ---- reference: the same application records with raw EVP calls ---- */

static int run_evp(void *ctx) {
  stream_set *b = ctx;
  const tls_record_keys *k = &b->app_keys;
  const EVP_CIPHER *ciph = k->aead == TLS_AEAD_AES_128_GCM   ? EVP_aes_128_gcm()
                           : k->aead == TLS_AEAD_AES_256_GCM ? EVP_aes_256_gcm()
                                                             : EVP_chacha20_poly1305();
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (!c || EVP_DecryptInit_ex(c, ciph, NULL, k->key, NULL) != 1) return 1;
  static uint8_t out[TLS_MAX_PLAINTEXT + 256];
  const uint8_t *p = b->client.p + b->app_offset;
  size_t left = b->client.len - b->app_offset;
  uint64_t seq = k->tls13 ? 0 : 1, total = 0;
  size_t ex = k->iv_len == 4 ? 8 : 0;
  while (left >= 5) {
    size_t len = (size_t)p[3] << 8 | p[4];
    const uint8_t *frag = p + 5;
    uint8_t nonce[12], aad[13];
    size_t ct = len - ex - 16, an = 0;
    if (ex) {
      memcpy(nonce, k->iv, 4);
      memcpy(nonce + 4, frag, 8);
    } else {
      memcpy(nonce, k->iv, 12);
      for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
    }
    if (k->tls13) {
      memcpy(aad, p, 5);
      an = 5;
    } else {
      for (int i = 0; i < 8; i++)
        aad[an++] = (uint8_t)(seq >> (56 - 8 * i));
      aad[an++] = p[0];
      aad[an++] = p[1];
      aad[an++] = p[2];
      aad[an++] = (uint8_t)(ct >> 8);
      aad[an++] = (uint8_t)ct;
    }
    int ol = 0, fl = 0;
    if (EVP_DecryptInit_ex(c, NULL, NULL, NULL, nonce) != 1 ||
        EVP_DecryptUpdate(c, NULL, &ol, aad, (int)an) != 1 ||
        EVP_DecryptUpdate(c, out, &ol, frag + ex, (int)ct) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(frag + len - 16)) != 1 ||
        EVP_DecryptFinal_ex(c, out + ol, &fl) != 1) {
      EVP_CIPHER_CTX_free(c);
      return 1;
    }
    total += (uint64_t)ol - (k->tls13 ? 1 : 0);
    seq++;
    p += 5 + len;
    left -= 5 + len;
  }
  EVP_CIPHER_CTX_free(c);
  return total == b->plain_per_pass ? 0 : 1;
}

int main(int argc, char **argv) {
  int json = argc > 1 && !strcmp(argv[1], "--json");
  if (!json) {
    printf("| TLS decryption, 64 x 16 KiB records | raw EVP AEAD | tlsdec filter | filter | "
           "ratio |\n|---|---|---|---|---|\n");
  }
  bench_params params;
  bench_params_from_env(&params);
  static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0xC02F};
  int failed = 0;
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
    stream_set b;
    build(&b, suites[i]);
    bench_result r = bench_compare(&params, run_evp, &b, run_filter, &b);
    char name[96];
    snprintf(name, sizeof name, "tlsdec %s", tls_suite_lookup(suites[i])->name);
    bench_print(json, name, name, &r, RECORDS, "rec/s", (double)b.plain_per_pass);
    failed |= r.failed;
    tb_free(&b.client_hello);
    tb_free(&b.server_hello);
    tb_free(&b.client);
    keylog_free(&b.keys);
  }
  return failed ? 1 : 0;
}
