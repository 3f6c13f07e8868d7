/* test_cli_stream_decoder.c — the one-direction stream decoder: preface
 * modes, frames and field blocks across any chunking, header lists on the
 * frame that ends the block, oversized frames skipped, truncation reports
 * with exact offsets, counters. Each input is fed whole and one byte at a
 * time and must give the same record. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex_read.h"
#include "stream_decoder.h"

/* What the callbacks saw, as one line per frame/event. */
typedef struct record {
  char text[8192];
  size_t len;
} record;

static void add(record *r, const char *s) {
  size_t n = strlen(s);
  ck_assert_uint_lt(r->len + n, sizeof r->text);
  memcpy(r->text + r->len, s, n + 1);
  r->len += n;
}

static void on_frame(void *user, decoded_frame *d) {
  record *r = user;
  char line[512];
  snprintf(line, sizeof line, "frame %llu type=%u stream=%u len=%u status=%s",
           (unsigned long long)d->offset, d->frame.hd.type, d->frame.hd.stream_id,
           d->frame.hd.length, h2_status_name(d->frame_status));
  add(r, line);
  if (d->block_complete) {
    add(r, " block=");
    add(r, h2_status_name(d->block_status));
    for (size_t i = 0; i < d->header_count; i++) {
      snprintf(line, sizeof line, " %.*s:%.*s", (int)d->headers[i].name_len, d->headers[i].name,
               (int)d->headers[i].value_len, d->headers[i].value);
      add(r, line);
    }
  }
  add(r, "\n");
}

static void on_event(void *user, const char *ev, uint64_t offset, const char *msg) {
  record *r = user;
  char line[512];
  snprintf(line, sizeof line, "event %s %llu %s\n", ev, (unsigned long long)offset, msg);
  add(r, line);
}

static uint8_t input[1 << 16];

static size_t from_hex(const char *hex) {
  size_t bad = 0;
  long n = hex_decode(hex, strlen(hex), input, sizeof input, &bad);
  ck_assert_int_ge(n, 0);
  return (size_t)n;
}

typedef struct result {
  record rec;
  bool clean;
  uint64_t frames, errors, offset, missing;
} result;

static void run(const stream_decoder_config *cfg, const uint8_t *data, size_t len, size_t chunk,
                result *res) {
  memset(res, 0, sizeof *res);
  stream_decoder_callbacks cb = {.on_frame = on_frame, .on_event = on_event, .user = &res->rec};
  stream_decoder *sd = stream_decoder_new(cfg, &cb);
  ck_assert_ptr_nonnull(sd);
  for (size_t i = 0; i < len; i += chunk)
    stream_decoder_feed(sd, data + i, len - i < chunk ? len - i : chunk);
  res->offset = stream_decoder_offset(sd);
  res->missing = stream_decoder_missing(sd);
  res->clean = stream_decoder_finish(sd);
  res->frames = stream_decoder_frames(sd);
  res->errors = stream_decoder_errors(sd);
  stream_decoder_free(sd);
}

/* Decodes whole and byte by byte; both must give `want`. */
static void expect(const stream_decoder_config *cfg, const uint8_t *data, size_t len,
                   const char *want, bool clean, uint64_t frames, uint64_t errors) {
  static const size_t chunks[] = {0, 1, 4};
  for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
    size_t chunk = chunks[c] ? chunks[c] : (len ? len : 1);
    static result res;
    run(cfg, data, len, chunk, &res);
    ck_assert_msg(strcmp(res.rec.text, want) == 0, "chunk %zu:\n%s\nwanted:\n%s", chunk,
                  res.rec.text, want);
    ck_assert_int_eq(res.clean, clean);
    ck_assert_uint_eq(res.frames, frames);
    ck_assert_uint_eq(res.errors, errors);
  }
}

#define PREFACE_HEX "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a"

START_TEST(preface_modes) {
  stream_decoder_config cfg = {0};
  size_t n = from_hex(PREFACE_HEX "000000 04 00 00000000");
  expect(&cfg, input, n,
         "event preface 0 (24 bytes)\n"
         "frame 24 type=4 stream=0 len=0 status=ok\n",
         true, 1, 0);
  cfg.preface = STREAM_PREFACE_REQUIRE;
  expect(&cfg, input, n,
         "event preface 0 (24 bytes)\n"
         "frame 24 type=4 stream=0 len=0 status=ok\n",
         true, 1, 0);
  cfg.preface = STREAM_PREFACE_FORBID;
  expect(&cfg, input, n,
         "event unexpected-preface 0 a client connection preface in a stream decoded as the server "
         "side\n"
         "frame 24 type=4 stream=0 len=0 status=ok\n",
         true, 1, 1);

  /* No preface: fine for AUTO and FORBID, a finding for REQUIRE (§3.4). */
  n = from_hex("000000 04 01 00000000");
  cfg.preface = STREAM_PREFACE_AUTO;
  expect(&cfg, input, n, "frame 0 type=4 stream=0 len=0 status=ok\n", true, 1, 0);
  cfg.preface = STREAM_PREFACE_FORBID;
  expect(&cfg, input, n, "frame 0 type=4 stream=0 len=0 status=ok\n", true, 1, 0);
  cfg.preface = STREAM_PREFACE_REQUIRE;
  expect(&cfg, input, n,
         "event bad-preface 0 the client connection preface is missing or wrong at offset 0 (RFC "
         "9113 §3.4)\n"
         "frame 0 type=4 stream=0 len=0 status=ok\n",
         true, 1, 1);

  /* A preface that goes wrong at byte 18 ("XX" for "SM"): in AUTO mode the
   * gathered bytes are frame bytes again — "PRI * HTT" is a frame header with
   * length 0x505249, larger than the limit, so its payload is skipped. */
  n = from_hex("505249202a20485454502f322e300d0a0d0a58580d0a0d0a");
  cfg.preface = STREAM_PREFACE_AUTO;
  char want[512];
  snprintf(want, sizeof want,
           "frame 0 type=32 stream=%u len=%u status=frame-too-large\n"
           "event truncated 24 truncated frame payload at offset 24: need %u more bytes\n",
           0x20485454u, 0x505249u, 0x505249u - 15u);
  expect(&cfg, input, n, want, false, 1, 2);
}
END_TEST

START_TEST(field_blocks_and_hpack) {
  stream_decoder_config cfg = {0};
  /* HEADERS (no END_HEADERS) :method GET, a CONTINUATION :path / with
   * END_HEADERS, then a second block that refers to the dynamic table entry
   * the first one added (literal with incremental indexing "x: y" = index 62). */
  size_t n = from_hex("000001 01 01 00000001 82"
                      "000001 09 04 00000001 84"
                      "000005 01 05 00000003 400178 0179"
                      "000001 01 05 00000005 be");
  expect(&cfg, input, n,
         "frame 0 type=1 stream=1 len=1 status=ok\n"
         "frame 10 type=9 stream=1 len=1 status=ok block=ok :method:GET :path:/\n"
         "frame 20 type=1 stream=3 len=5 status=ok block=ok x:y\n"
         "frame 34 type=1 stream=5 len=1 status=ok block=ok x:y\n",
         true, 4, 0);

  /* Another frame inside an open block is a §6.10 connection error; a block
   * open at the end of the input is reported. */
  n = from_hex("000001 01 00 00000001 82"
               "000000 04 01 00000000");
  expect(&cfg, input, n,
         "frame 0 type=1 stream=1 len=1 status=ok\n"
         "frame 10 type=4 stream=0 len=0 status=continuation-expected\n"
         "event truncated 19 input ended inside a field block of stream 1 (CONTINUATION "
         "expected, RFC 9113 §6.10)\n",
         false, 2, 2);

  /* An HPACK error is reported on the block; later blocks still decode. */
  n = from_hex("000001 01 05 00000001 80"
               "000001 01 05 00000003 82");
  expect(&cfg, input, n,
         "frame 0 type=1 stream=1 len=1 status=ok block=hpack-index-zero\n"
         "frame 10 type=1 stream=3 len=1 status=ok block=ok :method:GET\n",
         true, 2, 1);
}
END_TEST

START_TEST(oversized_and_limits) {
  stream_decoder_config cfg = {0};
  /* A DATA frame of 16385 bytes (one over the default limit, §4.2) is
   * reported from its header and skipped; the PING after it is decoded. */
  static uint8_t big[9 + 16385 + 17];
  memset(big, 0, sizeof big);
  big[1] = 0x40;
  big[2] = 0x01;
  big[8] = 1;
  uint8_t *ping = big + 9 + 16385;
  ping[2] = 8;
  ping[3] = 6;
  ping[16] = 0x2a;
  expect(&cfg, big, sizeof big,
         "frame 0 type=0 stream=1 len=16385 status=frame-too-large\n"
         "frame 16394 type=6 stream=0 len=8 status=ok\n",
         true, 2, 1);
  /* With a larger SETTINGS_MAX_FRAME_SIZE it is a normal frame. */
  cfg.max_frame_size = 16385;
  expect(&cfg, big, sizeof big,
         "frame 0 type=0 stream=1 len=16385 status=ok\n"
         "frame 16394 type=6 stream=0 len=8 status=ok\n",
         true, 2, 0);
  /* Cut inside the skipped payload. */
  cfg.max_frame_size = 0;
  expect(&cfg, big, 100,
         "frame 0 type=0 stream=1 len=16385 status=frame-too-large\n"
         "event truncated 100 truncated frame payload at offset 100: need 16294 more bytes\n",
         false, 1, 2);
}
END_TEST

START_TEST(truncation_offsets) {
  stream_decoder_config cfg = {0};
  size_t n = from_hex(PREFACE_HEX "000004 08 00 00000000 00001000");
  /* Inside the preface, before the Length is complete, inside the header,
   * inside the payload. */
  expect(&cfg, input, 10,
         "event truncated 0 truncated connection preface at offset 0: need 14 more bytes\n", false,
         0, 1);
  expect(&cfg, input, 26,
         "event preface 0 (24 bytes)\n"
         "event truncated 24 truncated frame at offset 24: need 7 more bytes\n",
         false, 0, 1);
  expect(&cfg, input, 30,
         "event preface 0 (24 bytes)\n"
         "event truncated 24 truncated frame at offset 24: need 7 more bytes\n",
         false, 0, 1);
  expect(&cfg, input, n - 1,
         "event preface 0 (24 bytes)\n"
         "event truncated 24 truncated frame at offset 24: need 1 more bytes\n",
         false, 0, 1);
  expect(&cfg, input, n,
         "event preface 0 (24 bytes)\n"
         "frame 24 type=8 stream=0 len=4 status=ok\n",
         true, 1, 0);
  /* What is missing, as the "need" of the JSON event. */
  static const struct {
    size_t len;
    uint64_t missing;
  } cuts[] = {{0, 0}, {1, 23}, {10, 14}, {24, 0}, {25, 8}, {26, 7}, {27, 10}, {33, 4}, {36, 1}};
  for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
    static result res;
    run(&cfg, input, cuts[i].len, 3, &res);
    ck_assert_msg(res.missing == cuts[i].missing, "cut %zu: missing %llu", cuts[i].len,
                  (unsigned long long)res.missing);
  }
  /* Nothing at all is a clean (empty) stream. */
  expect(&cfg, input, 0, "", true, 0, 0);
}
END_TEST

START_TEST(shared_scratch_and_offset) {
  header_scratch scratch;
  ck_assert_int_eq(header_scratch_init(&scratch, 4096), 0);
  stream_decoder_config cfg = {.scratch = &scratch, .preface = STREAM_PREFACE_FORBID};
  size_t n = from_hex("000001 01 05 00000001 82 000001");
  result res;
  run(&cfg, input, n, n, &res);
  ck_assert_uint_eq(res.offset, 10); /* the partial frame is not consumed */
  ck_assert_uint_eq(res.missing, 7);
  ck_assert_str_eq(res.rec.text, "frame 0 type=1 stream=1 len=1 status=ok block=ok :method:GET\n"
                                 "event truncated 10 truncated frame at offset 10: need 7 more "
                                 "bytes\n");
  header_scratch_free(&scratch);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cli_stream_decoder");
  TCase *t = tcase_create("stream_decoder");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, preface_modes);
  tcase_add_test(t, field_blocks_and_hpack);
  tcase_add_test(t, oversized_and_limits);
  tcase_add_test(t, truncation_offsets);
  tcase_add_test(t, shared_scratch_and_offset);
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return run_suite(suite()); }
