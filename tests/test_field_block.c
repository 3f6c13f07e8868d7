/* test_field_block.c — field block sequencing and gathering (RFC 9113 §4.3,
 * §6.2, §6.6, §6.10): HEADERS/PUSH_PROMISE + CONTINUATION of the same stream
 * only, fragments concatenated into the caller's buffer, END_HEADERS
 * completes, over-size blocks rejected and followed to their end. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/frame.h"

static h2_frame headers(uint32_t stream, uint8_t flags, const char *frag) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = H2_HEADERS;
  f.hd.flags = flags;
  f.hd.stream_id = stream;
  f.u.headers.fragment = (const uint8_t *)frag;
  f.u.headers.fragment_len = (uint32_t)strlen(frag);
  return f;
}

static h2_frame push_promise(uint32_t stream, uint32_t promised, uint8_t flags, const char *frag) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = H2_PUSH_PROMISE;
  f.hd.flags = flags;
  f.hd.stream_id = stream;
  f.u.push_promise.promised_stream_id = promised;
  f.u.push_promise.fragment = (const uint8_t *)frag;
  f.u.push_promise.fragment_len = (uint32_t)strlen(frag);
  return f;
}

static h2_frame continuation(uint32_t stream, uint8_t flags, const char *frag) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = H2_CONTINUATION;
  f.hd.flags = flags;
  f.hd.stream_id = stream;
  f.u.continuation.fragment = (const uint8_t *)frag;
  f.u.continuation.fragment_len = (uint32_t)strlen(frag);
  return f;
}

static h2_frame other(uint8_t type, uint32_t stream) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = type;
  f.hd.stream_id = stream;
  return f;
}

static void assert_block(const h2_field_block *b, const char *want) {
  ck_assert_uint_eq(b->len, strlen(want));
  ck_assert_int_eq(memcmp(b->buf, want, b->len), 0);
}

#define EH H2_FLAG_END_HEADERS

START_TEST(single_frame_block) {
  uint8_t buf[64];
  h2_field_block b;
  bool done = false;
  h2_error err;
  h2_field_block_init(&b, buf, sizeof buf);
  ck_assert(!b.open);
  h2_frame f = headers(1, EH | H2_FLAG_END_STREAM, "abc");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(done);
  ck_assert(!b.open);
  assert_block(&b, "abc");
  ck_assert_uint_eq(b.stream_id, 1);
  ck_assert_uint_eq(b.type, H2_HEADERS);
  ck_assert_uint_eq(b.flags, EH | H2_FLAG_END_STREAM);
  ck_assert_uint_eq(b.frames, 1);
  ck_assert_uint_eq(b.promised_id, 0);
  /* Other frames between blocks: fine, and not "complete". */
  f = other(H2_DATA, 1);
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(!done);
  /* An empty block is complete too. */
  f = headers(3, EH, "");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(done);
  ck_assert_uint_eq(b.len, 0);
  ck_assert_uint_eq(b.stream_id, 3);
}
END_TEST

START_TEST(gathers_continuations) {
  uint8_t buf[64];
  h2_field_block b;
  bool done = true;
  h2_error err;
  h2_field_block_init(&b, buf, sizeof buf);
  h2_frame f = headers(5, H2_FLAG_END_STREAM | H2_FLAG_PRIORITY, "head-");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(!done);
  ck_assert(b.open);
  f = continuation(5, 0, "");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(!done);
  f = continuation(5, 0, "middle-");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(!done);
  f = continuation(5, EH, "tail");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(done);
  ck_assert(!b.open);
  assert_block(&b, "head-middle-tail");
  ck_assert_uint_eq(b.frames, 4);
  ck_assert_uint_eq(b.flags, H2_FLAG_END_STREAM | H2_FLAG_PRIORITY); /* first frame's */
  /* The next block starts afresh. */
  f = headers(7, EH, "x");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(done);
  assert_block(&b, "x");
  ck_assert_uint_eq(b.frames, 1);
}
END_TEST

START_TEST(push_promise_block) {
  uint8_t buf[64];
  h2_field_block b;
  bool done;
  h2_error err;
  h2_field_block_init(&b, buf, sizeof buf);
  h2_frame f = push_promise(1, 2, 0, "pp");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(!done);
  ck_assert_uint_eq(b.type, H2_PUSH_PROMISE);
  ck_assert_uint_eq(b.promised_id, 2);
  ck_assert_uint_eq(b.stream_id, 1);
  f = continuation(1, EH, "-end");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(done);
  assert_block(&b, "pp-end");
  ck_assert_uint_eq(b.promised_id, 2);
  /* A HEADERS block afterwards has no promised id. */
  f = headers(2, EH, "h");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert_uint_eq(b.promised_id, 0);
}
END_TEST

static void assert_conn_error(const h2_error *err, h2_status st, size_t offset) {
  ck_assert_int_eq(err->status, st);
  ck_assert_uint_eq(err->code, H2_PROTOCOL_ERROR);
  ck_assert_uint_eq(err->scope, H2_SCOPE_CONNECTION);
  ck_assert_str_eq(err->section, "RFC 9113 §6.10");
  ck_assert_uint_eq(err->offset, offset);
}

/* §6.2: "any other type of frame or a frame on a different stream" while a
 * block is open is a connection error PROTOCOL_ERROR. */
START_TEST(continuation_expected) {
  uint8_t buf[64];
  h2_field_block b;
  bool done;
  h2_error err;
  static const uint8_t others[] = {
      H2_DATA,         H2_HEADERS, H2_PRIORITY, H2_RST_STREAM,    H2_SETTINGS,
      H2_PUSH_PROMISE, H2_PING,    H2_GOAWAY,   H2_WINDOW_UPDATE, 0x42};
  for (size_t i = 0; i < sizeof others; i++) {
    h2_field_block_init(&b, buf, sizeof buf);
    h2_frame f = headers(3, 0, "a");
    ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
    /* Same stream or stream 0: still not allowed. */
    f = other(others[i], others[i] == H2_SETTINGS ? 0 : 3);
    ck_assert_int_eq(h2_field_block_check(&b, &f.hd, &err), H2_E_CONTINUATION_EXPECTED);
    assert_conn_error(&err, H2_E_CONTINUATION_EXPECTED, 3);
    ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_E_CONTINUATION_EXPECTED);
    ck_assert(!done);
    ck_assert(b.open); /* state untouched */
    assert_block(&b, "a");
  }
  /* CONTINUATION on another stream. */
  h2_field_block_init(&b, buf, sizeof buf);
  h2_frame f = push_promise(3, 4, 0, "a");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  f = continuation(5, EH, "b");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_E_CONTINUATION_EXPECTED);
  assert_conn_error(&err, H2_E_CONTINUATION_EXPECTED, 5);
  ck_assert_uint_eq(err.stream_id, 0);
  ck_assert(!done);
  /* The right one still completes it. */
  f = continuation(3, EH, "b");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(done);
  assert_block(&b, "ab");
}
END_TEST

/* §6.10: CONTINUATION must follow HEADERS/PUSH_PROMISE/CONTINUATION without
 * END_HEADERS. */
START_TEST(continuation_unexpected) {
  uint8_t buf[64];
  h2_field_block b;
  bool done;
  h2_error err;
  h2_field_block_init(&b, buf, sizeof buf);
  h2_frame f = continuation(1, EH, "a");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_E_CONTINUATION_UNEXPECTED);
  assert_conn_error(&err, H2_E_CONTINUATION_UNEXPECTED, 3);
  /* After END_HEADERS closed the block. */
  f = headers(1, EH, "h");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  f = continuation(1, 0, "c");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_E_CONTINUATION_UNEXPECTED);
  ck_assert(!done);
  assert_block(&b, "h"); /* the completed block is left as it was */
  /* After a DATA frame. */
  f = other(H2_DATA, 1);
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  f = continuation(1, EH, "c");
  ck_assert_int_eq(h2_field_block_check(&b, &f.hd, &err), H2_E_CONTINUATION_UNEXPECTED);
}
END_TEST

START_TEST(too_large) {
  uint8_t buf[8];
  h2_field_block b;
  bool done = true;
  h2_error err;
  h2_field_block_init(&b, buf, sizeof buf);
  h2_frame f = headers(1, 0, "12345");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  f = continuation(1, 0, "678");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK); /* exactly 8: fits */
  assert_block(&b, "12345678");
  f = continuation(1, 0, "9");
  memset(&err, 0, sizeof err);
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_E_FIELD_BLOCK_TOO_LARGE);
  ck_assert_int_eq(err.status, H2_E_FIELD_BLOCK_TOO_LARGE);
  ck_assert_uint_eq(err.code, H2_COMPRESSION_ERROR);
  ck_assert_uint_eq(err.scope, H2_SCOPE_CONNECTION);
  ck_assert_str_eq(err.section, "RFC 9113 §4.3");
  ck_assert_uint_eq(err.need, 9);
  ck_assert(!done);
  ck_assert(b.open);
  ck_assert(b.discarding);
  /* A passive reader keeps going: the block is followed to END_HEADERS,
   * never complete, and the sequencing rules still apply. */
  f = continuation(1, 0, "more");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(!done);
  f = other(H2_PING, 0);
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_E_CONTINUATION_EXPECTED);
  f = continuation(1, EH, "end");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(!done);
  ck_assert(!b.open);
  /* The next block is gathered normally. */
  f = headers(3, EH, "ok");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(done);
  ck_assert(!b.discarding);
  assert_block(&b, "ok");
  /* A single HEADERS over the cap with END_HEADERS: error, block closed. */
  f = headers(5, EH, "123456789");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_E_FIELD_BLOCK_TOO_LARGE);
  ck_assert(!done);
  ck_assert(!b.open);
  /* Zero-capacity buffer: only empty blocks fit. */
  h2_field_block_init(&b, NULL, 100);
  ck_assert_uint_eq(b.cap, 0);
  f = headers(1, EH, "");
  ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
  ck_assert(done);
}
END_TEST

/* Through the real decoder: bytes → frames → one block. */
START_TEST(with_decoder) {
  static const uint8_t wire[] = {
      0, 0, 2, H2_HEADERS,      0,  0, 0, 0, 1, 0x82, 0x86, /* no END_HEADERS */
      0, 0, 1, H2_CONTINUATION, 0,  0, 0, 0, 1, 0x84,       /**/
      0, 0, 1, H2_CONTINUATION, EH, 0, 0, 0, 1, 0x41,
  };
  uint8_t buf[16];
  h2_field_block b;
  h2_field_block_init(&b, buf, sizeof buf);
  size_t pos = 0, used;
  bool done = false;
  h2_frame f;
  h2_error err;
  while (pos < sizeof wire) {
    ck_assert_int_eq(h2_frame_decode(wire + pos, sizeof wire - pos, NULL, &f, &used, &err), H2_OK);
    ck_assert_int_eq(h2_field_block_feed(&b, &f, &done, &err), H2_OK);
    pos += used;
  }
  ck_assert(done);
  ck_assert_uint_eq(b.len, 4);
  ck_assert_int_eq(memcmp(buf, "\x82\x86\x84\x41", 4), 0);
  ck_assert_uint_eq(b.frames, 3);
}
END_TEST

static Suite *field_block_suite(void) {
  Suite *s = suite_create("field_block");
  TCase *tc = tcase_create("sequencing");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, single_frame_block);
  tcase_add_test(tc, gathers_continuations);
  tcase_add_test(tc, push_promise_block);
  tcase_add_test(tc, continuation_expected);
  tcase_add_test(tc, continuation_unexpected);
  tcase_add_test(tc, too_large);
  tcase_add_test(tc, with_decoder);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(field_block_suite());
}
