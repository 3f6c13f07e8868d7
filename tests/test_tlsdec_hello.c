/* test_tlsdec_hello.c — ClientHello/ServerHello/EncryptedExtensions parsing:
 * random, versions (supported_versions, GREASE), suite, ALPN, SNI, EMS, HRR,
 * and every truncation of a valid hello rejected without over-reads. */
#include <check.h>

#include "run_suite.h"

#include "tlsdec_build.h"
#include "tlsdec_hello.h"

static uint8_t rnd[32];

static void setup_random(void) {
  for (int i = 0; i < 32; i++)
    rnd[i] = (uint8_t)(0x10 + i);
}

START_TEST(client_hello_tls13) {
  setup_random();
  tb_buf b = {0};
  tb_client_hello(&b, rnd, true, "h2,http/1.1", "example.org", true);
  ck_assert_uint_eq(b.p[0], 1);
  tls_hello h;
  ck_assert_int_eq(tls_hello_parse(1, b.p + 4, b.len - 4, &h), 0);
  ck_assert_uint_eq(h.legacy_version, 0x0303);
  ck_assert_uint_eq(h.version, 0x0304);
  ck_assert_mem_eq(h.random, rnd, 32);
  ck_assert_str_eq(h.alpn, "h2,http/1.1");
  ck_assert_str_eq(h.server_name, "example.org");
  ck_assert(h.extended_master_secret);
  ck_assert(!h.hello_retry_request);
  ck_assert_uint_eq(h.cipher_suite, 0);
  tb_free(&b);
}
END_TEST

START_TEST(client_hello_tls12_minimal) {
  setup_random();
  tb_buf b = {0};
  tb_client_hello(&b, rnd, false, NULL, NULL, false);
  tls_hello h;
  ck_assert_int_eq(tls_hello_parse(1, b.p + 4, b.len - 4, &h), 0);
  ck_assert_uint_eq(h.version, 0x0303);
  ck_assert_str_eq(h.alpn, "");
  ck_assert_str_eq(h.server_name, "");
  ck_assert(!h.extended_master_secret);
  tb_free(&b);
}
END_TEST

START_TEST(server_hello_versions) {
  setup_random();
  tb_buf b = {0};
  tb_server_hello(&b, rnd, 0x1302, true, NULL, false);
  tls_hello h;
  ck_assert_int_eq(tls_hello_parse(2, b.p + 4, b.len - 4, &h), 0);
  ck_assert_uint_eq(h.version, 0x0304);
  ck_assert_uint_eq(h.cipher_suite, 0x1302);
  ck_assert_str_eq(h.alpn, "");
  b.len = 0;
  tb_server_hello(&b, rnd, 0xc030, false, "h2", true);
  ck_assert_int_eq(tls_hello_parse(2, b.p + 4, b.len - 4, &h), 0);
  ck_assert_uint_eq(h.version, 0x0303);
  ck_assert_uint_eq(h.cipher_suite, 0xc030);
  ck_assert_str_eq(h.alpn, "h2");
  ck_assert(h.extended_master_secret);
  /* HelloRetryRequest: the special random (RFC 8446 §4.1.3). */
  static const uint8_t hrr[32] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
                                  0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
                                  0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
  b.len = 0;
  tb_server_hello(&b, hrr, 0x1301, true, NULL, false);
  ck_assert_int_eq(tls_hello_parse(2, b.p + 4, b.len - 4, &h), 0);
  ck_assert(h.hello_retry_request);
  /* No extensions at all (allowed before TLS 1.3). */
  const uint8_t bare[] = {3, 3, [2 + 32] = 0, 0xc0, 0x2f, 0};
  ck_assert_int_eq(tls_hello_parse(2, bare, sizeof bare, &h), 0);
  ck_assert_uint_eq(h.version, 0x0303);
  ck_assert_uint_eq(h.cipher_suite, 0xc02f);
  tb_free(&b);
}
END_TEST

START_TEST(encrypted_extensions_alpn) {
  tb_buf body = {0}, e = {0}, exts = {0};
  tb_alpn_body(&e, "h2");
  tb_ext(&exts, 10, &(tb_buf){0}); /* an empty unrelated extension */
  tb_ext(&exts, 16, &e);
  tb_u16(&body, (unsigned)exts.len);
  tb_put(&body, exts.p, exts.len);
  tls_hello h;
  memset(&h, 0, sizeof h);
  ck_assert_int_eq(tls_encrypted_extensions_parse(body.p, body.len, &h), 0);
  ck_assert_str_eq(h.alpn, "h2");
  ck_assert_int_eq(tls_encrypted_extensions_parse(body.p, body.len - 1, &h), -1);
  tb_free(&body);
  tb_free(&e);
  tb_free(&exts);
}
END_TEST

/* Every truncation fails; a copy exactly the right size (for ASan) is used. */
START_TEST(truncations_and_bad_lengths) {
  setup_random();
  tb_buf b = {0};
  tb_client_hello(&b, rnd, true, "h2", "a.example", true);
  size_t body = b.len - 4;
  tls_hello h;
  for (size_t n = 0; n < body; n++) {
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, b.p + 4, n);
    /* 2+32+1+32+2+8+1+1 = 79 bytes: a hello cut right before its extensions
     * is a valid pre-TLS 1.3 hello; anything else must fail. */
    int want = n == 79 ? 0 : -1;
    ck_assert_msg(tls_hello_parse(1, copy, n, &h) == want, "length %zu", n);
    free(copy);
  }
  /* A trailing byte after the extensions. */
  uint8_t *longer = malloc(body + 1);
  memcpy(longer, b.p + 4, body);
  longer[body] = 0;
  ck_assert_int_eq(tls_hello_parse(1, longer, body + 1, &h), -1);
  free(longer);
  /* Session id longer than 32. */
  uint8_t *bad = malloc(body);
  memcpy(bad, b.p + 4, body);
  bad[34] = 33;
  ck_assert_int_eq(tls_hello_parse(1, bad, body, &h), -1);
  free(bad);
  ck_assert_int_eq(tls_hello_parse(3, b.p + 4, body, &h), -1);
  tb_free(&b);
}
END_TEST

/* Pseudo-random bytes never crash the parser. */
START_TEST(random_input) {
  uint32_t x = 12345;
  uint8_t buf[300];
  tls_hello h;
  for (int i = 0; i < 20000; i++) {
    size_t n = (size_t)(i % 300);
    for (size_t j = 0; j < n; j++) {
      x = x * 1103515245u + 12345u;
      buf[j] = (uint8_t)(x >> 16);
    }
    if (n > 40) buf[34] = 0; /* reach the later fields now and then */
    (void)tls_hello_parse((uint8_t)(1 + (i & 1)), buf, n, &h);
    (void)tls_encrypted_extensions_parse(buf, n, &h);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("tlsdec_hello");
  TCase *tc = tcase_create("hello");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, client_hello_tls13);
  tcase_add_test(tc, client_hello_tls12_minimal);
  tcase_add_test(tc, server_hello_versions);
  tcase_add_test(tc, encrypted_extensions_alpn);
  tcase_add_test(tc, truncations_and_bad_lengths);
  tcase_add_test(tc, random_input);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
