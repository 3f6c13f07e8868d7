/* test_frame_errors.c — one test per stateless rule of RFC 9113 §4.1, §4.2
 * and §6 that h2_frame_decode enforces, each asserting status, RFC code,
 * scope, section, offset and stream; plus incremental input (every prefix of
 * a valid multi-frame stream asks for exactly the missing bytes). Frames are
 * written in hex from the §4.1/§6 layouts. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/frame.h"

static size_t hex(const char *s, uint8_t *out, size_t cap) {
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
  ck_assert_int_eq(hi, -1);
  return n;
}

static const h2_frame_decode_options from_client = {0, H2_SENDER_CLIENT};
static const h2_frame_decode_options from_server = {0, H2_SENDER_SERVER};

/* The frame decoded by the last expect()/expect_ok(); its pointers point into
 * a heap copy of exactly the frame's bytes (ASan catches any over-read). */
static h2_frame last;
static uint8_t *last_bytes;

static void decode_hex(const char *hexs, const h2_frame_decode_options *opts, h2_status *st,
                       size_t *consumed, size_t *n, h2_error *err) {
  uint8_t tmp[256];
  *n = hex(hexs, tmp, sizeof tmp);
  free(last_bytes);
  last_bytes = malloc(*n ? *n : 1);
  memcpy(last_bytes, tmp, *n);
  memset(&last, 0xcc, sizeof last);
  memset(err, 0, sizeof *err);
  *consumed = 12345;
  *st = h2_frame_decode(last_bytes, *n, opts, &last, consumed, err);
}

/* Asserts one rejection exactly. section must match exactly. */
static void expect(const char *hexs, const h2_frame_decode_options *opts, h2_status status,
                   uint32_t code, uint8_t scope, const char *section, size_t offset,
                   uint32_t stream_id) {
  h2_status st;
  size_t consumed, n;
  h2_error err;
  decode_hex(hexs, opts, &st, &consumed, &n, &err);
  ck_assert_msg(st == status, "%s: got %s, want %s", hexs, h2_status_name(st),
                h2_status_name(status));
  ck_assert_int_eq(err.status, status);
  ck_assert_uint_eq(err.code, code);
  ck_assert_uint_eq(err.scope, scope);
  ck_assert_str_eq(err.section, section);
  ck_assert_uint_eq(err.offset, offset);
  ck_assert_uint_eq(err.stream_id, stream_id);
  /* The whole frame was there: the reader can skip it (FRAME_TOO_LARGE is
   * judged from the header alone and consumes nothing). */
  ck_assert_uint_eq(consumed, status == H2_E_FRAME_TOO_LARGE ? 0 : n);
}

static void expect_ok(const char *hexs, const h2_frame_decode_options *opts) {
  h2_status st;
  size_t consumed, n;
  h2_error err;
  decode_hex(hexs, opts, &st, &consumed, &n, &err);
  ck_assert_msg(st == H2_OK, "%s: got %s", hexs, h2_status_name(st));
  ck_assert_uint_eq(consumed, n);
}

#define CONN H2_SCOPE_CONNECTION
#define STRM H2_SCOPE_STREAM

/* §4.2: larger than SETTINGS_MAX_FRAME_SIZE — connection error for field
 * block frames, SETTINGS and anything on stream 0, else stream error. */
START_TEST(frame_too_large) {
  expect("004001 00 00 00000001", NULL, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, STRM,
         "RFC 9113 §4.2", 0, 1);
  ck_assert_uint_eq(last.hd.length, 16385); /* header filled */
  ck_assert_uint_eq(last.hd.stream_id, 1);
  expect("004001 01 04 00000003", NULL, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("004001 05 04 00000003", NULL, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("004001 09 04 00000003", NULL, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("ffffff 04 00 00000000", NULL, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("004001 42 00 00000000", NULL, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("004001 42 00 00000007", NULL, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, STRM,
         "RFC 9113 §4.2", 0, 7);
  expect("004001 02 00 00000005", NULL, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, STRM,
         "RFC 9113 §4.2", 0, 5);
  /* The limit is the receiver's setting. */
  h2_frame_decode_options small = {100, H2_SENDER_UNKNOWN};
  expect("000065 00 00 00000001", &small, H2_E_FRAME_TOO_LARGE, H2_FRAME_SIZE_ERROR, STRM,
         "RFC 9113 §4.2", 0, 1);
  h2_frame_decode_options big = {H2_MAX_FRAME_SIZE_LIMIT, H2_SENDER_UNKNOWN};
  h2_error err;
  size_t used = 7;
  h2_frame f;
  uint8_t hd[9];
  hex("ffffff 00 00 00000001", hd, 9);
  ck_assert_int_eq(h2_frame_decode(hd, 9, &big, &f, &used, &err), H2_NEED_MORE);
  ck_assert_uint_eq(err.need, 0xffffff);
  ck_assert_uint_eq(used, 0);
  ck_assert_uint_eq(f.hd.length, 0xffffff);
}
END_TEST

START_TEST(data_rules) {
  /* §6.1 stream 0 */
  expect("000000 00 00 00000000", NULL, H2_E_STREAM_ID_REQUIRED, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.1", 5, 0);
  /* §4.1: the R bit is not part of the id — 0x80000000 is stream 0. */
  expect("000000 00 00 80000000", NULL, H2_E_STREAM_ID_REQUIRED, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.1", 5, 0);
  ck_assert_uint_eq(last.hd.reserved, 1);
  /* §4.2 PADDED without room for Pad Length: stream error on a stream. */
  expect("000000 00 08 00000001", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR, STRM,
         "RFC 9113 §4.2", 0, 1);
  /* §6.1 padding >= payload */
  expect("000005 00 08 00000001 05 00000000", NULL, H2_E_PADDING_TOO_LONG, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.1", 9, 0);
  expect("000001 00 08 00000001 01", NULL, H2_E_PADDING_TOO_LONG, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.1", 9, 0);
  expect("000001 00 08 00000001 ff", NULL, H2_E_PADDING_TOO_LONG, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.1", 9, 0);
  ck_assert_uint_eq(last.pad_length, 255);
  /* Just fitting: all padding, no data. */
  expect_ok("000005 00 08 00000001 04 00000000", NULL);
  ck_assert_uint_eq(last.u.data.len, 0);
  ck_assert_uint_eq(last.pad_length, 4);
  expect_ok("000001 00 08 00000001 00", NULL);
}
END_TEST

START_TEST(headers_rules) {
  expect("000001 01 04 00000000 82", NULL, H2_E_STREAM_ID_REQUIRED, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.2", 5, 0);
  /* Missing Pad Length / priority bytes: §4.2, connection (field block). */
  expect("000000 01 0c 00000001", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("000004 01 24 00000001 00000000", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("000005 01 2c 00000001 00 00000000", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  /* §6.2 padding: with PRIORITY the 5 priority octets are not padding room. */
  expect("000002 01 0c 00000001 02 82", NULL, H2_E_PADDING_TOO_LONG, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.2", 9, 0);
  expect("000006 01 2c 00000001 01 00000000 0f", NULL, H2_E_PADDING_TOO_LONG, H2_PROTOCOL_ERROR,
         CONN, "RFC 9113 §6.2", 9, 0);
  expect_ok("000007 01 2c 00000001 01 00000000 0f 00", NULL);
  ck_assert_uint_eq(last.u.headers.fragment_len, 0);
  ck_assert_uint_eq(last.u.headers.priority.weight, 15);
  /* Self-dependency: stream error, all fields filled (HPACK must still see
   * the fragment to stay in sync). */
  expect("000008 01 24 00000003 80000003 10 828684", NULL, H2_E_SELF_DEPENDENCY, H2_PROTOCOL_ERROR,
         STRM, "RFC 7540 §5.3.1", 9, 3);
  ck_assert_uint_eq(last.u.headers.priority.dependency, 3);
  ck_assert_uint_eq(last.u.headers.priority.exclusive, 1);
  ck_assert_uint_eq(last.u.headers.priority.weight, 16);
  ck_assert_uint_eq(last.u.headers.fragment_len, 3);
  ck_assert_uint_eq(last.u.headers.fragment[2], 0x84);
  expect("000009 01 2c 00000003 01 00000003 10 8286 00", NULL, H2_E_SELF_DEPENDENCY,
         H2_PROTOCOL_ERROR, STRM, "RFC 7540 §5.3.1", 10, 3);
  ck_assert_uint_eq(last.pad_length, 1);
  ck_assert_uint_eq(last.u.headers.fragment_len, 2);
  /* Without the PRIORITY flag there is no dependency field to check. */
  expect_ok("000004 01 04 00000003 00000003", NULL);
  ck_assert_uint_eq(last.u.headers.fragment_len, 4);
}
END_TEST

START_TEST(priority_rules) {
  expect("000005 02 00 00000000 00000001 10", NULL, H2_E_STREAM_ID_REQUIRED, H2_PROTOCOL_ERROR,
         CONN, "RFC 9113 §6.3", 5, 0);
  /* §6.3: length other than 5 is a STREAM error FRAME_SIZE_ERROR. */
  expect("000004 02 00 00000005 00000001", NULL, H2_E_BAD_FIXED_LENGTH, H2_FRAME_SIZE_ERROR, STRM,
         "RFC 9113 §6.3", 0, 5);
  expect("000006 02 00 00000005 00000001 1000", NULL, H2_E_BAD_FIXED_LENGTH, H2_FRAME_SIZE_ERROR,
         STRM, "RFC 9113 §6.3", 0, 5);
  expect("000005 02 00 00000005 80000005 ff", NULL, H2_E_SELF_DEPENDENCY, H2_PROTOCOL_ERROR, STRM,
         "RFC 7540 §5.3.1", 9, 5);
  ck_assert_uint_eq(last.u.priority.dependency, 5);
  ck_assert_uint_eq(last.u.priority.exclusive, 1);
  ck_assert_uint_eq(last.u.priority.weight, 255);
  expect_ok("000005 02 00 00000005 00000000 00", NULL);
}
END_TEST

START_TEST(rst_stream_rules) {
  expect("000004 03 00 00000000 00000008", NULL, H2_E_STREAM_ID_REQUIRED, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.4", 5, 0);
  expect("000003 03 00 00000001 000008", NULL, H2_E_BAD_FIXED_LENGTH, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §6.4", 0, 0);
  expect("000005 03 00 00000001 0000000800", NULL, H2_E_BAD_FIXED_LENGTH, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §6.4", 0, 0);
}
END_TEST

START_TEST(settings_frame_rules) {
  expect("000000 04 00 00000001", NULL, H2_E_STREAM_ID_FORBIDDEN, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.5", 5, 0);
  expect("000006 04 01 00000000 000100001000", NULL, H2_E_SETTINGS_ACK_LENGTH, H2_FRAME_SIZE_ERROR,
         CONN, "RFC 9113 §6.5", 0, 0);
  expect("000005 04 00 00000000 0001000010", NULL, H2_E_SETTINGS_LENGTH, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §6.5", 0, 0);
  expect("000007 04 00 00000000 00010000100000", NULL, H2_E_SETTINGS_LENGTH, H2_FRAME_SIZE_ERROR,
         CONN, "RFC 9113 §6.5", 0, 0);
  expect_ok("000000 04 01 00000000", NULL);
}
END_TEST

START_TEST(settings_value_rules) {
  /* ENABLE_PUSH 2 in the second entry: offset of that entry. */
  expect("00000c 04 00 00000000 000100001000 000200000002", NULL, H2_E_SETTINGS_ENABLE_PUSH,
         H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6.5.2", 15, 0);
  ck_assert_uint_eq(last.u.settings.count, 2);
  /* ENABLE_PUSH 1: fine from a client or an unknown sender, not from a server. */
  expect("000006 04 00 00000000 000200000001", &from_server, H2_E_SETTINGS_ENABLE_PUSH,
         H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6.5.2", 9, 0);
  expect_ok("000006 04 00 00000000 000200000001", &from_client);
  expect_ok("000006 04 00 00000000 000200000001", NULL);
  expect_ok("000006 04 00 00000000 000200000000", &from_server);
  /* INITIAL_WINDOW_SIZE > 2^31-1: FLOW_CONTROL_ERROR. */
  expect("000006 04 00 00000000 000480000000", NULL, H2_E_SETTINGS_WINDOW_SIZE,
         H2_FLOW_CONTROL_ERROR, CONN, "RFC 9113 §6.5.2", 9, 0);
  expect_ok("000006 04 00 00000000 00047fffffff", NULL);
  /* MAX_FRAME_SIZE within [2^14, 2^24-1]. */
  expect("000006 04 00 00000000 000500003fff", NULL, H2_E_SETTINGS_FRAME_SIZE, H2_PROTOCOL_ERROR,
         CONN, "RFC 9113 §6.5.2", 9, 0);
  expect("000006 04 00 00000000 000501000000", NULL, H2_E_SETTINGS_FRAME_SIZE, H2_PROTOCOL_ERROR,
         CONN, "RFC 9113 §6.5.2", 9, 0);
  expect_ok("00000c 04 00 00000000 000500004000 000500ffffff", NULL);
  /* RFC 8441 / RFC 9218 booleans. */
  expect("000006 04 00 00000000 000800000002", NULL, H2_E_SETTINGS_BOOLEAN, H2_PROTOCOL_ERROR, CONN,
         "RFC 8441 §3", 9, 0);
  expect("000006 04 00 00000000 0009ffffffff", NULL, H2_E_SETTINGS_BOOLEAN, H2_PROTOCOL_ERROR, CONN,
         "RFC 9218 §2.1", 9, 0);
  expect_ok("00000c 04 00 00000000 000800000001 000900000000", NULL);
  /* Unknown ids and unbounded ones: anything goes (§6.5.2 "MUST ignore"). */
  expect_ok("000018 04 00 00000000 0000ffffffff 0007ffffffff ffffffffffff 0003ffffffff", NULL);
  ck_assert_uint_eq(last.u.settings.count, 4);
  ck_assert_uint_eq(h2_settings_at(&last, 2).id, 0xffff);
}
END_TEST

START_TEST(push_promise_rules) {
  expect("000004 05 04 00000000 00000002", NULL, H2_E_STREAM_ID_REQUIRED, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.6", 5, 0);
  /* §8.4: a client cannot push. */
  expect("000004 05 04 00000001 00000002", &from_client, H2_E_PUSH_PROMISE_FROM_CLIENT,
         H2_PROTOCOL_ERROR, CONN, "RFC 9113 §8.4", 3, 0);
  expect_ok("000004 05 04 00000001 00000002", &from_server);
  /* §4.2: no room for the Promised Stream ID (connection: field block). */
  expect("000003 05 04 00000001 000000", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("000004 05 0c 00000001 00 000000", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect("000000 05 0c 00000001", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  /* §6.6 padding exceeding the room left for the fragment. */
  expect("000006 05 0c 00000001 02 00000002 00", NULL, H2_E_PADDING_TOO_LONG, H2_PROTOCOL_ERROR,
         CONN, "RFC 9113 §6.6", 9, 0);
  expect_ok("000006 05 0c 00000001 01 00000002 00", NULL);
  /* §6.6 / §5.1.1 promised id 0 or odd (client-initiated). */
  expect("000004 05 04 00000001 00000000", NULL, H2_E_BAD_PROMISED_ID, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.6", 9, 0);
  expect("000004 05 04 00000001 80000000", NULL, H2_E_BAD_PROMISED_ID, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.6", 9, 0);
  ck_assert_uint_eq(last.u.push_promise.promised_reserved, 1);
  expect("000006 05 0c 00000001 00 00000003 82", NULL, H2_E_BAD_PROMISED_ID, H2_PROTOCOL_ERROR,
         CONN, "RFC 9113 §6.6", 10, 0);
  ck_assert_uint_eq(last.u.push_promise.promised_stream_id, 3);
  ck_assert_uint_eq(last.u.push_promise.fragment_len, 1);
}
END_TEST

START_TEST(ping_rules) {
  expect("000008 06 00 00000001 0000000000000000", NULL, H2_E_STREAM_ID_FORBIDDEN,
         H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6.7", 5, 0);
  expect("000007 06 00 00000000 00000000000000", NULL, H2_E_BAD_FIXED_LENGTH, H2_FRAME_SIZE_ERROR,
         CONN, "RFC 9113 §6.7", 0, 0);
  expect("000009 06 01 00000000 000000000000000000", NULL, H2_E_BAD_FIXED_LENGTH,
         H2_FRAME_SIZE_ERROR, CONN, "RFC 9113 §6.7", 0, 0);
}
END_TEST

START_TEST(goaway_rules) {
  expect("000008 07 00 00000003 0000000000000000", NULL, H2_E_STREAM_ID_FORBIDDEN,
         H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6.8", 5, 0);
  expect("000007 07 00 00000000 00000000000000", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR,
         CONN, "RFC 9113 §4.2", 0, 0);
  expect("000000 07 00 00000000", NULL, H2_E_FRAME_TOO_SHORT, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §4.2", 0, 0);
  expect_ok("000008 07 00 00000000 7fffffff 0000000b", NULL);
  ck_assert_uint_eq(last.u.goaway.debug_len, 0);
  ck_assert_uint_eq(last.u.goaway.error_code, H2_ENHANCE_YOUR_CALM);
}
END_TEST

START_TEST(window_update_rules) {
  expect("000003 08 00 00000000 000001", NULL, H2_E_BAD_FIXED_LENGTH, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §6.9", 0, 0);
  expect("000005 08 00 00000001 0000000100", NULL, H2_E_BAD_FIXED_LENGTH, H2_FRAME_SIZE_ERROR, CONN,
         "RFC 9113 §6.9", 0, 0);
  /* §6.9 increment 0: connection error on stream 0, stream error elsewhere. */
  expect("000004 08 00 00000000 00000000", NULL, H2_E_WINDOW_UPDATE_ZERO, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.9", 9, 0);
  expect("000004 08 00 00000005 00000000", NULL, H2_E_WINDOW_UPDATE_ZERO, H2_PROTOCOL_ERROR, STRM,
         "RFC 9113 §6.9", 9, 5);
  /* The R bit is not part of the increment. */
  expect("000004 08 00 00000005 80000000", NULL, H2_E_WINDOW_UPDATE_ZERO, H2_PROTOCOL_ERROR, STRM,
         "RFC 9113 §6.9", 9, 5);
  ck_assert_uint_eq(last.u.window_update.reserved, 1);
  expect_ok("000004 08 00 00000005 00000001", NULL);
}
END_TEST

START_TEST(continuation_rules) {
  expect("000001 09 04 00000000 82", NULL, H2_E_STREAM_ID_REQUIRED, H2_PROTOCOL_ERROR, CONN,
         "RFC 9113 §6.10", 5, 0);
  expect_ok("000000 09 00 00000001", NULL);
}
END_TEST

/* §5.5 / §4.1: unknown types and flags are never an error. */
START_TEST(unknown_is_not_an_error) {
  expect_ok("000000 0a ff 00000000", NULL);
  expect_ok("000002 ff ff ffffffff abcd", &from_client);
  ck_assert_uint_eq(last.hd.reserved, 1);
  ck_assert_uint_eq(last.hd.stream_id, 0x7fffffff);
  ck_assert_uint_eq(last.u.unknown.len, 2);
  expect_ok("000008 06 fe 00000000 0000000000000000", NULL);
}
END_TEST

/* A sample stream: SETTINGS, HEADERS (padded+priority), CONTINUATION, DATA,
 * WINDOW_UPDATE, PING, GOAWAY with debug, an extension frame. */
static const char *const sample_stream =
    "000012 04 00 00000000 000300000064 00040000ffff 000500004000"
    "00000a 01 29 00000003 02 80000001 0f 8284 0000"
    "000002 09 04 00000003 8687"
    "000005 00 01 00000003 68656c6c6f"
    "000004 08 00 00000000 00010000"
    "000008 06 00 00000000 0102030405060708"
    "00000d 07 00 00000000 00000003 00000000 6279652062"
    "000003 42 07 00000000 616263";

START_TEST(incremental_every_prefix) {
  uint8_t buf[256];
  size_t total = hex(sample_stream, buf, sizeof buf);
  size_t pos = 0, frames = 0;
  while (pos < total) {
    h2_frame f;
    h2_error err;
    size_t used = 0;
    /* The full frame first, to learn its size. */
    ck_assert_int_eq(h2_frame_decode(buf + pos, total - pos, NULL, &f, &used, &err), H2_OK);
    size_t frame_len = used;
    ck_assert_uint_eq(frame_len, 9 + f.hd.length);
    for (size_t k = 0; k < frame_len; k++) {
      /* Exact-size heap copy so ASan sees any read past k. */
      uint8_t *part = malloc(k ? k : 1);
      memcpy(part, buf + pos, k);
      used = 99;
      memset(&err, 0, sizeof err);
      ck_assert_int_eq(h2_frame_decode(part, k, NULL, &f, &used, &err), H2_NEED_MORE);
      ck_assert_int_eq(err.status, H2_NEED_MORE);
      /* With the 3 Length octets the whole frame's need is known. */
      ck_assert_uint_eq(err.need, k < 3 ? 9 - k : frame_len - k);
      ck_assert_uint_eq(err.offset, k);
      ck_assert_uint_eq(used, 0);
      if (k >= 9) ck_assert_uint_eq(f.hd.length, frame_len - 9);
      h2_frame_header hd;
      ck_assert_int_eq(h2_frame_header_decode(part, k, &hd, &err), k < 9 ? H2_NEED_MORE : H2_OK);
      if (k < 9) ck_assert_uint_eq(err.need, 9 - k);
      free(part);
    }
    pos += frame_len;
    frames++;
  }
  ck_assert_uint_eq(pos, total);
  ck_assert_uint_eq(frames, 8);
}
END_TEST

/* A frame whose length is over the limit asks only for its header. */
START_TEST(incremental_too_large) {
  uint8_t buf[9];
  h2_error err;
  h2_frame f;
  size_t used;
  hex("004001 00 00 00000001", buf, 9);
  ck_assert_int_eq(h2_frame_decode(buf, 5, NULL, &f, &used, &err), H2_NEED_MORE);
  ck_assert_uint_eq(err.need, 4);
  ck_assert_int_eq(h2_frame_decode(buf, 9, NULL, &f, &used, &err), H2_E_FRAME_TOO_LARGE);
  ck_assert_int_eq(h2_frame_decode(NULL, 0, NULL, &f, &used, &err), H2_NEED_MORE);
  ck_assert_uint_eq(err.need, 9);
}
END_TEST

/* After a rejected frame, decoding resumes at the next one (passive reader). */
START_TEST(continue_after_error) {
  uint8_t buf[64];
  size_t n = hex("000007 06 00 00000000 00000000000000"
                 "000004 08 00 00000001 00000000"
                 "000000 04 01 00000000",
                 buf, sizeof buf);
  h2_frame f;
  h2_error err;
  size_t used, pos = 0;
  ck_assert_int_eq(h2_frame_decode(buf, n, NULL, &f, &used, &err), H2_E_BAD_FIXED_LENGTH);
  pos += used;
  ck_assert_uint_eq(pos, 16);
  ck_assert_int_eq(h2_frame_decode(buf + pos, n - pos, NULL, &f, &used, &err),
                   H2_E_WINDOW_UPDATE_ZERO);
  pos += used;
  ck_assert_int_eq(h2_frame_decode(buf + pos, n - pos, NULL, &f, &used, &err), H2_OK);
  ck_assert_uint_eq(f.hd.type, H2_SETTINGS);
  ck_assert_uint_eq(pos + used, n);
}
END_TEST

/* The encoder refuses what the decoder rejects, naming the rule. */
START_TEST(encode_refusals) {
  uint8_t out[128], raw[6];
  size_t n = 5;
  h2_error err;
  h2_frame f;
#define REFUSE(sec)                                                                                \
  do {                                                                                             \
    memset(&err, 0, sizeof err);                                                                   \
    ck_assert_int_eq(h2_frame_encode(&f, out, sizeof out, &n, &err), H2_E_INVALID_ARGUMENT);       \
    ck_assert_int_eq(err.status, H2_E_INVALID_ARGUMENT);                                           \
    ck_assert_str_eq(err.section, sec);                                                            \
    ck_assert_uint_eq(n, 0);                                                                       \
  } while (0)
  memset(&f, 0, sizeof f);
  f.hd.type = H2_DATA;
  REFUSE("RFC 9113 §6.1"); /* DATA on stream 0 */
  f.hd.stream_id = 0x80000001u;
  REFUSE("RFC 9113 §4.1"); /* 32-bit stream id */
  f.hd.stream_id = 1;
  f.hd.flags = H2_FLAG_PADDED;
  f.pad_length = 255;
  f.u.data.len = H2_MAX_FRAME_SIZE_LIMIT - 255; /* + 1 + 255 > 2^24-1 */
  f.u.data.data = out;
  REFUSE("RFC 9113 §4.2");
  f.u.data.len = 4;
  f.u.data.data = NULL;
  REFUSE("h2scope API");

  memset(&f, 0, sizeof f);
  f.hd.type = H2_WINDOW_UPDATE;
  REFUSE("RFC 9113 §6.9");
  f.u.window_update.increment = 0x80000000u;
  REFUSE("RFC 9113 §6.9");

  memset(&f, 0, sizeof f);
  f.hd.type = H2_HEADERS;
  f.hd.stream_id = 3;
  f.hd.flags = H2_FLAG_PRIORITY;
  f.u.headers.priority.dependency = 3;
  REFUSE("RFC 7540 §5.3.1");
  memset(&f, 0, sizeof f);
  f.hd.type = H2_PRIORITY;
  f.hd.stream_id = 7;
  f.u.priority.dependency = 7;
  REFUSE("RFC 7540 §5.3.1");

  memset(&f, 0, sizeof f);
  f.hd.type = H2_SETTINGS;
  f.hd.stream_id = 1;
  REFUSE("RFC 9113 §6.5");
  f.hd.stream_id = 0;
  f.hd.flags = H2_FLAG_ACK;
  f.u.settings.count = 1;
  f.u.settings.raw = raw;
  h2_settings_pack(&(h2_setting){H2_SETTINGS_INITIAL_WINDOW_SIZE, 0x80000000u}, 1, raw, 6);
  REFUSE("RFC 9113 §6.5");
  f.hd.flags = 0;
  REFUSE("RFC 9113 §6.5.2");
  h2_settings_pack(&(h2_setting){H2_SETTINGS_NO_RFC7540_PRIORITIES, 2}, 1, raw, 6);
  REFUSE("RFC 9218 §2.1");

  memset(&f, 0, sizeof f);
  f.hd.type = H2_PUSH_PROMISE;
  f.hd.stream_id = 1;
  f.u.push_promise.promised_stream_id = 3;
  REFUSE("RFC 9113 §6.6");
  f.u.push_promise.promised_stream_id = 0;
  REFUSE("RFC 9113 §6.6");

  memset(&f, 0, sizeof f);
  f.hd.type = H2_PING;
  f.hd.stream_id = 1;
  REFUSE("RFC 9113 §6.7");
  f.hd.type = H2_GOAWAY;
  REFUSE("RFC 9113 §6.8");
  f.hd.type = H2_CONTINUATION;
  f.hd.stream_id = 0;
  REFUSE("RFC 9113 §6.10");
  f.hd.type = H2_RST_STREAM;
  REFUSE("RFC 9113 §6.4");
#undef REFUSE
}
END_TEST

static void free_last(void) {
  free(last_bytes);
  last_bytes = NULL;
}

static Suite *errors_suite(void) {
  Suite *s = suite_create("frame_errors");
  TCase *tc = tcase_create("rules");
  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, NULL, free_last);
  tcase_add_test(tc, frame_too_large);
  tcase_add_test(tc, data_rules);
  tcase_add_test(tc, headers_rules);
  tcase_add_test(tc, priority_rules);
  tcase_add_test(tc, rst_stream_rules);
  tcase_add_test(tc, settings_frame_rules);
  tcase_add_test(tc, settings_value_rules);
  tcase_add_test(tc, push_promise_rules);
  tcase_add_test(tc, ping_rules);
  tcase_add_test(tc, goaway_rules);
  tcase_add_test(tc, window_update_rules);
  tcase_add_test(tc, continuation_rules);
  tcase_add_test(tc, unknown_is_not_an_error);
  tcase_add_test(tc, incremental_every_prefix);
  tcase_add_test(tc, incremental_too_large);
  tcase_add_test(tc, continue_after_error);
  tcase_add_test(tc, encode_refusals);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(errors_suite());
}
