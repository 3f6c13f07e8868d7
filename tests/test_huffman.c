/* test_huffman.c — the Huffman code (RFC 7541 §5.2, Appendix B): the table in
 * codec/src/huffman_table.c against the RFC text, the canonical decoder
 * against a slow bit-by-bit reference decoder written here (all 1- and 2-byte
 * inputs), fixed-seed round trips, and every padding rule. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/huffman.h"
#include "vectors.h"

/* Parses "    'a' ( 97)  |00011  3  [ 5]" lines of Appendix B. */
START_TEST(table_matches_rfc_text) {
  size_t len;
  char *text = vectors_read_file(H2_SHARED_DIR "/spec/hpack-rfc7541.txt", &len);
  ck_assert_ptr_nonnull(text);
  int seen[257] = {0}, count = 0;
  for (char *line = text; line && *line;
       line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    /* The code column starts at the first '|' after a space (the symbol
     * '|' itself is quoted). */
    char *nl = strchr(line, '\n'), *bar = strstr(line, " |");
    if (bar) bar++;
    if (!bar || (nl && bar > nl)) continue;
    /* The symbol number is in the last '(' before the bar (the symbol
     * itself may be '(' or ')'). */
    char *open = NULL;
    for (char *q = line; q < bar; q++)
      if (*q == '(') open = q;
    if (!open) continue;
    char *lb = strchr(bar, '['), *rb = lb ? strchr(lb, ']') : NULL;
    if (!lb || !rb || (nl && rb > nl)) continue;
    int sym = atoi(open + 1), bits = atoi(lb + 1);
    /* The hex code is the token right before '['. */
    char *h = lb - 1;
    while (h > bar && *h == ' ')
      h--;
    char *hs = h;
    while (hs > bar && *hs != ' ')
      hs--;
    unsigned long code = strtoul(hs + 1, NULL, 16);
    if (sym < 0 || sym > 256 || bits < 5 || bits > 30) continue;
    /* The bit string between the bars must agree with the hex code. */
    unsigned long from_bits = 0;
    int nbits = 0;
    for (char *b = bar + 1; b < hs; b++)
      if (*b == '0' || *b == '1') {
        from_bits = from_bits << 1 | (unsigned long)(*b - '0');
        nbits++;
      }
    ck_assert_int_eq(nbits, bits);
    ck_assert_uint_eq(from_bits, code);
    ck_assert_uint_eq(h2_huffman_table[sym].code, code);
    ck_assert_uint_eq(h2_huffman_table[sym].bits, bits);
    seen[sym]++;
    count++;
  }
  ck_assert_int_eq(count, 257);
  for (int i = 0; i < 257; i++)
    ck_assert_int_eq(seen[i], 1);
  free(text);
}
END_TEST

/* Reference: walk bits, match against every code of the current length. */
static int slow_decode(const uint8_t *src, size_t len, uint8_t *out, size_t *out_len) {
  uint32_t code = 0;
  int bits = 0;
  size_t n = 0;
  for (size_t i = 0; i < len * 8; i++) {
    code = code << 1 | ((src[i / 8] >> (7 - i % 8)) & 1);
    bits++;
    if (bits > 30) return -1;
    for (int s = 0; s < 257; s++) {
      if (h2_huffman_table[s].bits == bits && h2_huffman_table[s].code == code) {
        if (s == 256) return -1;
        out[n++] = (uint8_t)s;
        code = 0;
        bits = 0;
        break;
      }
    }
  }
  if (bits > 7 || code != (1u << bits) - 1) return -1;
  *out_len = n;
  return 0;
}

START_TEST(exhaustive_short_inputs) {
  uint8_t in[2], a[32], b[32];
  for (unsigned v = 0; v < 256 + 65536; v++) {
    size_t len = v < 256 ? 1 : 2, na = 0, nb = 0;
    if (len == 1)
      in[0] = (uint8_t)v;
    else {
      in[0] = (uint8_t)((v - 256) >> 8);
      in[1] = (uint8_t)(v - 256);
    }
    int ref = slow_decode(in, len, a, &na);
    h2_status st = h2_huffman_decode(in, len, b, sizeof b, &nb);
    ck_assert_msg((ref == 0) == (st == H2_OK), "input %04x: reference %d, ours %d", v, ref, st);
    if (ref == 0) {
      ck_assert_uint_eq(na, nb);
      ck_assert_mem_eq(a, b, na);
    } else {
      ck_assert_int_eq(st, H2_E_HPACK_HUFFMAN);
    }
  }
}
END_TEST

START_TEST(random_round_trips) {
  uint64_t rng = 12345;
  static uint8_t src[4096], enc[8192], dec[4096];
  for (int round = 0; round < 3000; round++) {
    size_t len = (size_t)(rng % 300);
    for (size_t i = 0; i < len; i++) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      src[i] = round % 2 ? (uint8_t)(rng >> 56) : (uint8_t)('a' + (rng >> 59));
    }
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t elen = h2_huffman_encoded_len(src, len);
    ck_assert_uint_eq(h2_huffman_encode(src, len, enc, sizeof enc), elen);
    ck_assert_uint_eq(h2_huffman_encode(src, len, enc, elen ? elen - 1 : 0), 0);
    size_t dlen;
    ck_assert_int_eq(h2_huffman_decode(enc, elen, dec, sizeof dec, &dlen), H2_OK);
    ck_assert_uint_eq(dlen, len);
    if (len) ck_assert_mem_eq(dec, src, len);
  }
}
END_TEST

/* Longer inputs against the reference: valid encodings of random text with
 * random bit flips, strings heavy in ones (long codes, EOS, bad padding) and
 * plain random bytes — these reach the decoder's multi-byte refills and
 * two-symbol lookups, which the exhaustive 1-2 byte check cannot. */
START_TEST(random_inputs_against_reference) {
  uint64_t rng = 777;
  static uint8_t text[128], in[512], a[1024], b[1024];
  unsigned agreed_ok = 0, agreed_error = 0;
  for (int round = 0; round < 4000; round++) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t len;
    unsigned kind = (unsigned)(rng >> 60) % 3;
    if (kind == 0) {
      size_t tlen = (size_t)(rng >> 32) % 100;
      for (size_t i = 0; i < tlen; i++) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        text[i] = (rng >> 40) % 4 ? (uint8_t)(' ' + (rng >> 57)) : (uint8_t)(rng >> 48);
      }
      len = h2_huffman_encode(text, tlen, in, sizeof in);
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      if (len && rng >> 63) /* flip one bit half of the time */
        in[(rng >> 20) % len] ^= (uint8_t)(1u << ((rng >> 8) % 8));
    } else {
      len = 3 + (size_t)(rng >> 32) % 60;
      for (size_t i = 0; i < len; i++) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        in[i] = kind == 1 ? (uint8_t)(0xf0 | (rng >> 60)) : (uint8_t)(rng >> 56);
      }
    }
    size_t na = 0, nb = 0;
    int ref = slow_decode(in, len, a, &na);
    h2_status st = h2_huffman_decode(in, len, b, sizeof b, &nb);
    ck_assert_msg((ref == 0) == (st == H2_OK), "round %d: reference %d, ours %d", round, ref, st);
    if (ref == 0) {
      ck_assert_uint_eq(na, nb);
      ck_assert_mem_eq(a, b, na);
      agreed_ok++;
    } else {
      ck_assert_int_eq(st, H2_E_HPACK_HUFFMAN);
      agreed_error++;
    }
  }
  ck_assert_uint_gt(agreed_ok, 1000);
  ck_assert_uint_gt(agreed_error, 1000);
}
END_TEST

/* Exactly sized heap buffers (ASan catches a byte past them), and one byte
 * short on either side is reported, never overrun. */
START_TEST(exact_buffers) {
  uint64_t rng = 99;
  for (int round = 0; round < 500; round++) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t len = 1 + (size_t)(rng >> 40) % 200;
    uint8_t *src = malloc(len);
    for (size_t i = 0; i < len; i++) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      src[i] = round % 3 ? (uint8_t)('a' + (rng >> 59) % 26) : (uint8_t)(rng >> 56);
    }
    size_t elen = h2_huffman_encoded_len(src, len), n;
    uint8_t *enc = malloc(elen), *dec = malloc(len);
    ck_assert_uint_eq(h2_huffman_encode(src, len, enc, elen), elen);
    ck_assert_uint_eq(h2_huffman_encode(src, len, enc, elen - 1), 0);
    ck_assert_int_eq(h2_huffman_decode(enc, elen, dec, len, &n), H2_OK);
    ck_assert_uint_eq(n, len);
    ck_assert_mem_eq(dec, src, len);
    ck_assert_int_eq(h2_huffman_decode(enc, elen, dec, len - 1, &n), H2_E_BUFFER_TOO_SMALL);
    free(src);
    free(enc);
    free(dec);
  }
}
END_TEST

START_TEST(padding_rules) {
  uint8_t out[16];
  size_t n;
  /* 'a' = 00011 (5 bits) + 3 bits of ones: valid. */
  const uint8_t ok[] = {0x1f};
  ck_assert_int_eq(h2_huffman_decode(ok, 1, out, sizeof out, &n), H2_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(out[0], 'a');
  /* padding with zeros: 00011 000 → "a" + zero padding: invalid. */
  const uint8_t zeros[] = {0x18};
  ck_assert_int_eq(h2_huffman_decode(zeros, 1, out, sizeof out, &n), H2_E_HPACK_HUFFMAN);
  /* 8 bits of padding (a whole 0xff byte after a complete symbol). */
  const uint8_t long_pad[] = {0x1f, 0xff};
  ck_assert_int_eq(h2_huffman_decode(long_pad, 2, out, sizeof out, &n), H2_E_HPACK_HUFFMAN);
  /* An encoded EOS (30 ones) followed by padding. */
  const uint8_t eos[] = {0xff, 0xff, 0xff, 0xff};
  ck_assert_int_eq(h2_huffman_decode(eos, 4, out, sizeof out, &n), H2_E_HPACK_HUFFMAN);
  /* EOS in the middle: 'a' (00011) then EOS then 'a'. */
  const uint8_t eos_mid[] = {0x1f, 0xff, 0xff, 0xff, 0xe0, 0xc7};
  ck_assert_int_eq(h2_huffman_decode(eos_mid, sizeof eos_mid, out, sizeof out, &n),
                   H2_E_HPACK_HUFFMAN);
  /* Empty input decodes to the empty string. */
  ck_assert_int_eq(h2_huffman_decode(ok, 0, out, sizeof out, &n), H2_OK);
  ck_assert_uint_eq(n, 0);
  /* Output capacity is enforced. */
  const uint8_t two[] = {0x18, 0xff}; /* "aa" + 6 ones: 00011 00011 111111 */
  ck_assert_int_eq(h2_huffman_decode(two, 2, out, 2, &n), H2_OK);
  ck_assert_int_eq(h2_huffman_decode(two, 2, out, 1, &n), H2_E_BUFFER_TOO_SMALL);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("huffman");
  TCase *t = tcase_create("huffman");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, table_matches_rfc_text);
  tcase_add_test(t, exhaustive_short_inputs);
  tcase_add_test(t, random_round_trips);
  tcase_add_test(t, padding_rules);
  tcase_add_test(t, random_inputs_against_reference);
  tcase_add_test(t, exact_buffers);
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return run_suite(suite()); }
