/* test_fuzz_units.c — unit tests of the parts of `h2scope fuzz` that need no
 * peer: the generator (same seed, same numbers), lines taken apart and put
 * back (the bytes stay the same), mutations (deterministic for a seed, every
 * result still a line of the check language; amplification sends more of the
 * same frames), field blocks encoded again
 * with a consistent table, minimization against a predicate, the judge on a
 * recorded exchange (signature and protocol findings) and the pcap writer
 * (read back with libpcap). */
#include <check.h>

#include "run_suite.h"
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_build.h"
#include "fuzz_fields.h"
#include "fuzz_frame.h"
#include "fuzz_judge.h"
#include "fuzz_minimize.h"
#include "fuzz_mutate.h"
#include "fuzz_pcap.h"
#include "fuzz_rng.h"
#include "h2/frame.h"
#include "h2/hpack.h"

/* The bytes of a line (the whole LOOP), into a fresh buffer the caller frees. */
static h2_buf build(const char *line) {
  h2_buf b;
  h2_buf_init(&b, 1u << 22);
  char err[160];
  ck_assert_msg(check_build_line(NULL, line, &b, err, sizeof err), "%s: %s", line, err);
  return b;
}

START_TEST(rng_is_deterministic) {
  fuzz_rng a, b, c;
  fuzz_rng_seed(&a, 42);
  fuzz_rng_seed(&b, 42);
  fuzz_rng_seed(&c, 43);
  int same_c = 0;
  for (int i = 0; i < 1000; i++) {
    uint64_t x = fuzz_rng_next(&a);
    ck_assert_uint_eq(x, fuzz_rng_next(&b));
    same_c += x == fuzz_rng_next(&c);
  }
  ck_assert_int_lt(same_c, 2);
  for (int i = 0; i < 1000; i++)
    ck_assert_uint_lt(fuzz_rng_below(&a, 7), 7);
  ck_assert_uint_eq(fuzz_rng_below(&a, 0), 0);
}
END_TEST

START_TEST(frame_round_trip) {
  const char *lines[] = {
      "HEADERS END_STREAM|END_HEADERS 1 req",
      "SETTINGS - 0 u16:4 u32:0 u16:5 u32:16385",
      "PING ACK 0 str:abcdefgh",
      "DATA PADDED 3 u8:2 str:x zeros:2 len:100",
      "0x10 - 0 u32:1 str:u=7,i repeat:3",
      "RAW hex:00000408000000000000000001",
      "WINDOW_UPDATE - 2147483649 u32:1 split:5",
  };
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
    fuzz_frame f;
    char text[FUZZ_LINE_MAX + 1];
    ck_assert_msg(fuzz_frame_parse(NULL, lines[i], &f), "%s", lines[i]);
    ck_assert(fuzz_frame_print(&f, text, sizeof text));
    h2_buf a = build(lines[i]), b = build(text);
    ck_assert_msg(a.len == b.len && !memcmp(a.p, b.p, a.len), "%s -> %s", lines[i], text);
    h2_buf_free(&a);
    h2_buf_free(&b);
  }
  fuzz_line l;
  char back[FUZZ_LINE_MAX + 1];
  ck_assert(fuzz_line_split("LOOP 3 2: HEADERS END_HEADERS 1 req & RST_STREAM - 1 u32:8", &l));
  ck_assert_uint_eq(l.loops, 3);
  ck_assert_uint_eq(l.step, 2);
  ck_assert_uint_eq(l.n, 2);
  ck_assert_str_eq(l.parts[1], "RST_STREAM - 1 u32:8");
  ck_assert(fuzz_line_join(&l, back, sizeof back));
  ck_assert_str_eq(back, "LOOP 3 2: HEADERS END_HEADERS 1 req & RST_STREAM - 1 u32:8");
}
END_TEST

static void seed_input(fuzz_input *in) {
  memset(in, 0, sizeof *in);
  ck_assert(fuzz_input_add(in, "SETTINGS - 0 u16:4 u32:0"));
  ck_assert(fuzz_input_add(in, "HEADERS END_STREAM|END_HEADERS 1 req"));
  ck_assert(
      fuzz_input_add(in, "LOOP 20 2: HEADERS END_STREAM|END_HEADERS 3 req & RST_STREAM - 3 u32:8"));
  ck_assert(fuzz_input_add(in, "PING - 0 zeros:8"));
}

START_TEST(mutations_deterministic_and_valid) {
  fuzz_rng r1, r2;
  fuzz_rng_seed(&r1, 9);
  fuzz_rng_seed(&r2, 9);
  fuzz_input a, b, donor;
  seed_input(&a);
  seed_input(&b);
  seed_input(&donor);
  unsigned changed = 0;
  for (int i = 0; i < 1500; i++) {
    char w1[256], w2[256];
    unsigned n1 = fuzz_mutate(&r1, NULL, &a, &donor, 4, w1, sizeof w1);
    unsigned n2 = fuzz_mutate(&r2, NULL, &b, &donor, 4, w2, sizeof w2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_str_eq(w1, w2);
    ck_assert_uint_eq(a.n, b.n);
    ck_assert_str_eq(a.handshake, b.handshake);
    for (size_t k = 0; k < a.n; k++) {
      ck_assert_str_eq(a.lines[k], b.lines[k]);
      h2_buf x = build(a.lines[k]); /* every mutant is a line of the language */
      h2_buf_free(&x);
    }
    changed += n1 > 0;
    if (a.n > 20 || a.n == 0) { /* keep the input small */
      fuzz_input_free(&a);
      fuzz_input_free(&b);
      seed_input(&a);
      seed_input(&b);
    }
  }
  ck_assert_uint_gt(changed, 1400);
  fuzz_input_free(&a);
  fuzz_input_free(&b);
  fuzz_input_free(&donor);
}
END_TEST

/* Amplifying: the line sends the same frame more times (the stream ids may
 * step by 2 in a LOOP), every one of the three ways is taken, LOOP and
 * repeat counts stop at their caps, and a line at the cap is not changed. */
START_TEST(amplify_sends_more_of_the_same) {
  fuzz_rng r;
  fuzz_rng_seed(&r, 11);
  bool seen_loop = false, seen_frame = false;
  for (int i = 0; i < 200; i++) {
    fuzz_input in;
    memset(&in, 0, sizeof in);
    ck_assert(fuzz_input_add(&in, "RST_STREAM - 1 u32:2"));
    char what[64];
    ck_assert(fuzz_mutate_amplify(&r, NULL, &in, what, sizeof what));
    seen_loop |= !strcmp(what, "amplify-line");
    seen_frame |= !strcmp(what, "amplify-frame");
    h2_buf b = build(in.lines[0]);
    ck_assert_msg(b.len > 13 && b.len % 13 == 0, "%s: %zu bytes", in.lines[0], b.len);
    uint32_t sid = 1;
    for (size_t off = 0; off < b.len; off += 13) {
      const uint8_t *f = b.p + off;
      ck_assert_uint_eq(f[3], H2_RST_STREAM);
      uint32_t got = (uint32_t)f[5] << 24 | (uint32_t)f[6] << 16 | (uint32_t)f[7] << 8 | f[8];
      ck_assert_msg(got == sid || got == sid + 2, "%s: stream %u after %u", in.lines[0], got, sid);
      sid = got;
      ck_assert_uint_eq(f[12], 2);
    }
    ck_assert_uint_le(b.len / 13, 1000);
    h2_buf_free(&b);
    fuzz_input_free(&in);
  }
  ck_assert(seen_loop && seen_frame);

  fuzz_input in;
  memset(&in, 0, sizeof in);
  ck_assert(fuzz_input_add(
      &in, "LOOP 1000 2: HEADERS END_STREAM|END_HEADERS 1 req & RST_STREAM - 1 u32:8"));
  char what[64];
  ck_assert(fuzz_mutate_amplify(&r, NULL, &in, what, sizeof what));
  ck_assert_str_eq(what, "amplify-loop");
  ck_assert_str_eq(in.lines[0],
                   "LOOP 2000 2: HEADERS END_STREAM|END_HEADERS 1 req & RST_STREAM - 1 u32:8");
  ck_assert(!fuzz_mutate_amplify(&r, NULL, &in, what, sizeof what));
  ck_assert_str_eq(in.lines[0],
                   "LOOP 2000 2: HEADERS END_STREAM|END_HEADERS 1 req & RST_STREAM - 1 u32:8");
  ck_assert(fuzz_input_set(&in, 0, "PING - 0 zeros:8 repeat:1000"));
  ck_assert(!fuzz_mutate_amplify(&r, NULL, &in, what, sizeof what) ||
            !strcmp(what, "amplify-line"));
  fuzz_input_free(&in);
}
END_TEST

/* The field blocks of an input's HEADERS lines decoded in order with one
 * decoder: how many decoded, -1 at the first that does not. */
static int decode_blocks(const fuzz_input *in) {
  h2_hpack_decoder dec;
  h2_hpack_decoder_config dc = {.max_header_list_size = 1u << 20};
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, &dc), H2_OK);
  int blocks = 0;
  for (size_t i = 0; i < in->n && blocks >= 0; i++) {
    fuzz_frame f;
    if (!fuzz_frame_parse(NULL, in->lines[i], &f) || f.type != H2_HEADERS) continue;
    h2_header fields[64];
    char arena[8192];
    size_t n = 0;
    h2_error err;
    blocks = h2_hpack_decode_list(&dec, f.payload, f.len, fields, NULL, 64, &n, arena, sizeof arena,
                                  &err) == H2_OK
                 ? blocks + 1
                 : -1;
  }
  h2_hpack_decoder_free(&dec);
  return blocks;
}

START_TEST(fields_reencoded_consistently) {
  fuzz_rng r;
  fuzz_rng_seed(&r, 5);
  unsigned applied = 0, consistent = 0;
  for (int i = 0; i < 300; i++) {
    fuzz_input in;
    memset(&in, 0, sizeof in);
    ck_assert(fuzz_input_add(&in, "HEADERS END_STREAM|END_HEADERS 1 req"));
    ck_assert(fuzz_input_add(&in, "HEADERS END_STREAM|END_HEADERS 3 fields:x-a=1,x-b=2"));
    ck_assert(fuzz_input_add(&in, "HEADERS END_STREAM|END_HEADERS 5 req"));
    char what[64];
    if (fuzz_mutate_fields(&r, NULL, &in, what, sizeof what)) {
      applied++;
      /* one encoder over every block: a decoder in step reads them all */
      if (!strstr(what, "-alone") && strcmp(what, "hpack-bad-index") != 0) {
        ck_assert_msg(decode_blocks(&in) == 3, "%s", what);
        consistent++;
      }
    }
    fuzz_input_free(&in);
  }
  ck_assert_uint_gt(applied, 250);
  ck_assert_uint_gt(consistent, 150);
}
END_TEST

static bool has_ping_and_window(void *user, const fuzz_input *in) {
  (*(unsigned *)user)++;
  bool ping = false, wu = false;
  for (size_t i = 0; i < in->n; i++) {
    ping |= !strncmp(in->lines[i], "PING", 4);
    wu |= !strncmp(in->lines[i], "WINDOW_UPDATE", 13);
  }
  return ping && wu;
}

START_TEST(minimize_to_the_cause) {
  fuzz_input in;
  memset(&in, 0, sizeof in);
  for (int i = 0; i < 12; i++) {
    char line[64];
    snprintf(line, sizeof line, "HEADERS END_STREAM|END_HEADERS %d req", 2 * i + 1);
    ck_assert(fuzz_input_add(&in, line));
    if (i == 3) ck_assert(fuzz_input_add(&in, "PING - 0 zeros:8 repeat:8"));
    if (i == 9) ck_assert(fuzz_input_add(&in, "WINDOW_UPDATE - 0 u32:1"));
  }
  unsigned runs = 0;
  fuzz_min_limits lim = {.max_tries = 500, .deadline = 1e18};
  unsigned tries = fuzz_minimize(&in, NULL, has_ping_and_window, &runs, &lim);
  ck_assert_uint_eq(tries, runs);
  ck_assert_uint_eq(in.n, 2);
  /* repeat halved to 1, payloads halved while the predicate holds */
  ck_assert_str_eq(in.lines[0], "PING - 0 hex:00");
  ck_assert_str_eq(in.lines[1], "WINDOW_UPDATE - 0 hex:00");
  fuzz_input_free(&in);
}
END_TEST

/* A recorded exchange: our preface, SETTINGS and a request; the peer's
 * SETTINGS, a response, and a RST_STREAM on stream 3, which was never
 * opened (RFC 9113 §5.1: a protocol finding of the peer). */
static void exchange(fuzz_transcript *t, bool bad_rst) {
  fuzz_transcript_reset(t, 0);
  h2_buf b = build("SETTINGS - 0");
  fuzz_transcript_add(t, 0, (const uint8_t *)H2_PREFACE, H2_PREFACE_LEN, 0);
  fuzz_transcript_add(t, 0, b.p, b.len, 0);
  h2_buf_free(&b);
  b = build("SETTINGS - 0 u16:3 u32:100 & SETTINGS ACK 0");
  fuzz_transcript_add(t, 1, b.p, b.len, 0.001);
  h2_buf_free(&b);
  b = build("SETTINGS ACK 0 & HEADERS END_STREAM|END_HEADERS 1 req");
  fuzz_transcript_add(t, 0, b.p, b.len, 0.002);
  h2_buf_free(&b);
  b = build(bad_rst ? "HEADERS END_STREAM|END_HEADERS 1 resp & RST_STREAM - 3 u32:1"
                    : "HEADERS END_STREAM|END_HEADERS 1 resp");
  fuzz_transcript_add(t, 1, b.p, b.len, 0.003);
  h2_buf_free(&b);
}

START_TEST(judge_signature_and_findings) {
  fuzz_judge *j = fuzz_judge_new();
  ck_assert_ptr_nonnull(j);
  fuzz_transcript t;
  fuzz_transcript_init(&t);
  check_result r;
  memset(&r, 0, sizeof r);
  r.closed = true;
  fuzz_reaction re;
  exchange(&t, false);
  fuzz_judge_run(j, &t, 1, &r, &re);
  ck_assert_str_eq(re.signature, "HEADERS(200) SETTINGS SETTINGS(ACK) | closed");
  ck_assert_uint_eq(re.nfindings, 0);
  exchange(&t, true);
  fuzz_judge_run(j, &t, 1, &r, &re);
  ck_assert_str_eq(re.signature,
                   "HEADERS(200) RST_STREAM(PROTOCOL_ERROR) SETTINGS SETTINGS(ACK) | closed");
  ck_assert_uint_eq(re.nfindings, 1);
  ck_assert_str_eq(re.finding[0], "rst-on-idle");

  /* the pcap of the exchange: handshake, the chunks, FIN both ways */
  char path[] = "/tmp/test_fuzz_units_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  char err[256];
  ck_assert(fuzz_pcap_write(path, &t, 8080, err, sizeof err));
  char perr[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(path, perr);
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
  struct pcap_pkthdr *h;
  const u_char *data;
  int packets = 0;
  size_t payload = 0;
  while (pcap_next_ex(p, &h, &data) == 1) {
    packets++;
    payload += h->caplen - 54;
  }
  pcap_close(p);
  unlink(path);
  ck_assert_int_eq(packets, 3 + (int)t.n + 3);
  ck_assert_uint_eq(payload, t.bytes.len);

  /* the peer's abusive patterns are not protocol findings: 150 PINGs from
   * the server make the observer's ping-flood (threshold 100), left out */
  exchange(&t, false);
  h2_buf pings = build("PING - 0 zeros:8 repeat:150");
  fuzz_transcript_add(&t, 1, pings.p, pings.len, 0.004);
  h2_buf_free(&pings);
  fuzz_judge_run(j, &t, 1, &r, &re);
  ck_assert_uint_eq(re.nfindings, 0);
  ck_assert_ptr_nonnull(strstr(re.signature, "PING"));
  fuzz_transcript_free(&t);
  fuzz_judge_free(j);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("fuzz_units");
  TCase *t = tcase_create("core");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, rng_is_deterministic);
  tcase_add_test(t, frame_round_trip);
  tcase_add_test(t, mutations_deterministic_and_valid);
  tcase_add_test(t, amplify_sends_more_of_the_same);
  tcase_add_test(t, fields_reencoded_consistently);
  tcase_add_test(t, minimize_to_the_cause);
  tcase_add_test(t, judge_signature_and_findings);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
