/* test_websocket_frames.c — the WebSocket frame reader of the read wing
 * (inspector/read/websocket_frames.c, RFC 6455 §5.2): RFC 6455 §5.7's
 * example frames, the three length encodings, masking, close codes and
 * reasons, frames split across feeds (one byte at a time gives the same
 * frames) and several frames in one feed, and every rule it checks. */
#include <check.h>

#include "run_suite.h"
#include <string.h>

#include "websocket_frames.h"

typedef struct seen {
  ws_frame_info f[16];
  size_t n;
} seen;

static void on_frame(void *user, const ws_frame_info *f) {
  seen *s = user;
  if (s->n < 16) s->f[s->n++] = *f;
}

static void feed_whole(const uint8_t *p, size_t n, bool from_client, seen *s) {
  ws_reader r;
  ws_reader_init(&r, from_client, 0);
  memset(s, 0, sizeof *s);
  ws_reader_feed(&r, p, n, on_frame, s);
  ck_assert(!ws_reader_partial(&r));
}

static void feed_bytes(const uint8_t *p, size_t n, bool from_client, seen *s) {
  ws_reader r;
  ws_reader_init(&r, from_client, 0);
  memset(s, 0, sizeof *s);
  for (size_t i = 0; i < n; i++)
    ws_reader_feed(&r, p + i, 1, on_frame, s);
}

/* RFC 6455 §5.7: a single-frame unmasked text message "Hello". */
static const uint8_t hello_unmasked[] = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
/* ... and masked, key 37 fa 21 3d. */
static const uint8_t hello_masked[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
                                       0x7f, 0x9f, 0x4d, 0x51, 0x58};

START_TEST(rfc_examples) {
  seen s;
  feed_whole(hello_unmasked, sizeof hello_unmasked, false, &s);
  ck_assert_uint_eq(s.n, 1);
  ck_assert(s.f[0].fin && !s.f[0].masked && s.f[0].text);
  ck_assert_uint_eq(s.f[0].opcode, WS_TEXT);
  ck_assert_uint_eq(s.f[0].length, 5);
  ck_assert_uint_eq(s.f[0].length_bits, 7);
  ck_assert_uint_eq(s.f[0].preview_len, 5);
  ck_assert(!memcmp(s.f[0].preview, "Hello", 5));
  ck_assert_ptr_null(s.f[0].problem);
  feed_whole(hello_masked, sizeof hello_masked, true, &s);
  ck_assert_uint_eq(s.n, 1);
  ck_assert(s.f[0].masked);
  ck_assert(!memcmp(s.f[0].mask_key, "\x37\xfa\x21\x3d", 4));
  ck_assert(!memcmp(s.f[0].preview, "Hello", 5));
  ck_assert_ptr_null(s.f[0].problem);
  /* §5.7: a fragmented unmasked text message "Hel" + "lo". */
  const uint8_t frag[] = {0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
  feed_whole(frag, sizeof frag, false, &s);
  ck_assert_uint_eq(s.n, 2);
  ck_assert(!s.f[0].fin && s.f[1].fin);
  ck_assert_uint_eq(s.f[1].opcode, WS_CONTINUATION);
  ck_assert(s.f[1].text); /* a continuation of text is text */
  ck_assert_ptr_null(s.f[1].problem);
  /* §5.7: an unmasked ping "Hello" (a control frame: its payload is not text). */
  const uint8_t ping[] = {0x89, 0x05, 'H', 'e', 'l', 'l', 'o'};
  feed_whole(ping, sizeof ping, false, &s);
  ck_assert_uint_eq(s.f[0].opcode, WS_PING);
  ck_assert(!s.f[0].text);
}
END_TEST

START_TEST(length_encodings) {
  static uint8_t buf[14 + 65536];
  seen s;
  /* 16-bit: 256 octets. */
  buf[0] = 0x82;
  buf[1] = 126;
  buf[2] = 1;
  buf[3] = 0;
  memset(buf + 4, 0xab, 256);
  feed_whole(buf, 4 + 256, false, &s);
  ck_assert_uint_eq(s.n, 1);
  ck_assert_uint_eq(s.f[0].length, 256);
  ck_assert_uint_eq(s.f[0].length_bits, 16);
  ck_assert_uint_eq(s.f[0].preview_len, 64);
  ck_assert(s.f[0].preview_truncated);
  ck_assert_ptr_null(s.f[0].problem);
  /* 64-bit: 65536 octets. */
  memset(buf, 0, 10);
  buf[0] = 0x82;
  buf[1] = 127;
  buf[7] = 1; /* 0x0000000000010000 */
  memset(buf + 10, 0xcd, 65536);
  feed_whole(buf, 10 + 65536, false, &s);
  ck_assert_uint_eq(s.n, 1);
  ck_assert_uint_eq(s.f[0].length, 65536);
  ck_assert_uint_eq(s.f[0].length_bits, 64);
  ck_assert_ptr_null(s.f[0].problem);
  /* Not minimal: 5 octets in the 16-bit form. */
  const uint8_t loose[] = {0x82, 126, 0, 5, 1, 2, 3, 4, 5};
  feed_whole(loose, sizeof loose, false, &s);
  ck_assert_str_eq(s.f[0].problem, "WebSocket payload length not in its minimal encoding");
  /* 64-bit with the top bit set: the header shows it; the payload never
   * comes, so the frame stays partial with the problem noted. */
  const uint8_t top[] = {0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1};
  ws_reader r;
  ws_reader_init(&r, false, 0);
  memset(&s, 0, sizeof s);
  ws_reader_feed(&r, top, sizeof top, on_frame, &s);
  ck_assert_uint_eq(s.n, 0);
  ck_assert(ws_reader_partial(&r));
  ck_assert_str_eq(r.cur.problem,
                   "WebSocket 64-bit payload length with its most significant bit set");
}
END_TEST

START_TEST(chunking) {
  /* Three frames in one buffer: masked text, masked close 1000 "done",
   * masked binary; byte by byte gives the same. */
  uint8_t buf[64];
  size_t n = 0;
  memcpy(buf, hello_masked, sizeof hello_masked);
  n = sizeof hello_masked;
  const uint8_t key[4] = {1, 2, 3, 4};
  const uint8_t close_body[] = {0x03, 0xe8, 'd', 'o', 'n', 'e'};
  buf[n++] = 0x88;
  buf[n++] = 0x80 | sizeof close_body;
  memcpy(buf + n, key, 4);
  n += 4;
  for (size_t i = 0; i < sizeof close_body; i++)
    buf[n++] = close_body[i] ^ key[i & 3];
  buf[n++] = 0x82;
  buf[n++] = 0x80; /* empty, masked */
  memcpy(buf + n, key, 4);
  n += 4;
  seen a, b;
  feed_whole(buf, n, true, &a);
  feed_bytes(buf, n, true, &b);
  ck_assert_uint_eq(a.n, 3);
  ck_assert_uint_eq(b.n, 3);
  ck_assert(a.f[1].has_close_code);
  ck_assert_uint_eq(a.f[1].close_code, 1000);
  ck_assert_uint_eq(a.f[1].preview_len, 4);
  ck_assert(!memcmp(a.f[1].preview, "done", 4));
  ck_assert_uint_eq(a.f[2].length, 0);
  for (size_t i = 0; i < 3; i++) {
    ck_assert_uint_eq(a.f[i].data_frames, 1);
    ck_assert_uint_eq(b.f[i].close_code, a.f[i].close_code);
    ck_assert_uint_eq(b.f[i].preview_len, a.f[i].preview_len);
    ck_assert(!memcmp(b.f[i].preview, a.f[i].preview, a.f[i].preview_len));
    ck_assert(b.f[i].data_frames > 1 || a.f[i].length == 0);
  }
  ck_assert_uint_eq(b.f[0].data_frames, sizeof hello_masked);
}
END_TEST

static const char *problem_of(const uint8_t *p, size_t n, bool from_client) {
  seen s;
  feed_whole(p, n, from_client, &s);
  ck_assert_uint_ge(s.n, 1);
  for (size_t i = 0; i < s.n; i++)
    if (s.f[i].problem) return s.f[i].problem;
  return NULL;
}

START_TEST(rules) {
  /* §5.1 masking both ways. */
  ck_assert_str_eq(problem_of(hello_unmasked, sizeof hello_unmasked, true),
                   "client-to-server WebSocket frame not masked");
  ck_assert_str_eq(problem_of(hello_masked, sizeof hello_masked, false),
                   "server-to-client WebSocket frame masked");
  /* §5.2 RSV without extension; reserved opcode. */
  const uint8_t rsv[] = {0xc1, 0x00};
  ck_assert_str_eq(problem_of(rsv, 2, false),
                   "WebSocket RSV bits set without a negotiated extension");
  const uint8_t op3[] = {0x83, 0x00};
  ck_assert_str_eq(problem_of(op3, 2, false), "reserved WebSocket opcode");
  /* §5.5 control frames: not fragmented, at most 125. */
  const uint8_t ping_nofin[] = {0x09, 0x00};
  ck_assert_str_eq(problem_of(ping_nofin, 2, false),
                   "WebSocket control frame fragmented or longer than 125 octets");
  /* §5.4 a continuation without a message. */
  const uint8_t cont[] = {0x80, 0x00};
  ck_assert_str_eq(problem_of(cont, 2, false),
                   "WebSocket continuation frame without a message to continue");
  const uint8_t interleaved[] = {0x01, 0x00, 0x81, 0x00};
  ck_assert_str_eq(problem_of(interleaved, 4, false),
                   "WebSocket data frame inside a fragmented message");
  /* §5.5.1 close with one octet; §7.4 codes that never go on the wire. */
  const uint8_t close1[] = {0x88, 0x01, 0x03};
  ck_assert_str_eq(problem_of(close1, 3, false), "WebSocket close frame with a 1-octet body");
  const uint8_t close1005[] = {0x88, 0x02, 0x03, 0xed};
  ck_assert_str_eq(problem_of(close1005, 4, false), "WebSocket close code not allowed on the wire");
  const uint8_t close999[] = {0x88, 0x02, 0x03, 0xe7};
  ck_assert_ptr_nonnull(problem_of(close999, 4, false));
  const uint8_t close2000[] = {0x88, 0x02, 0x07, 0xd0};
  ck_assert_ptr_nonnull(problem_of(close2000, 4, false));
  const uint8_t close3000[] = {0x88, 0x02, 0x0b, 0xb8};
  ck_assert_ptr_null(problem_of(close3000, 4, false));
  const uint8_t close_empty[] = {0x88, 0x00};
  ck_assert_ptr_null(problem_of(close_empty, 2, false));
  ck_assert_str_eq(ws_opcode_name(0x8), "close");
  ck_assert_str_eq(ws_opcode_name(0x3), "reserved");
}
END_TEST

static Suite *ws_suite(void) {
  Suite *s = suite_create("websocket_frames");
  TCase *tc = tcase_create("reader");
  tcase_add_test(tc, rfc_examples);
  tcase_add_test(tc, length_encodings);
  tcase_add_test(tc, chunking);
  tcase_add_test(tc, rules);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(ws_suite());
}
