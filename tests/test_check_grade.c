/* test_check_grade.c — unit tests of the pieces of `h2scope check` that need
 * no network: the frame language (check_build), case ids and selectors
 * (check_cases), the graded verdicts and the "actual" text (check_grade). */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "check_build.h"
#include "check_case.h"
#include "check_grade.h"
#include "h2/error.h"
#include "h2/frame.h"

static uint8_t buf[1 << 16];

static size_t build(const check_build_ctx *ctx, const char *line) {
  h2_buf b;
  h2_buf_init(&b, sizeof buf);
  char err[128];
  ck_assert_msg(check_build_line(ctx, line, &b, err, sizeof err), "%s: %s", line, err);
  size_t n = b.len;
  memcpy(buf, b.p, n);
  h2_buf_free(&b);
  return n;
}

START_TEST(build_ping) {
  size_t n = build(NULL, "PING 0xfe 0 str:h2 zeros:6");
  static const uint8_t want[] = {0, 0, 8, 6, 0xfe, 0, 0, 0, 0, 'h', '2', 0, 0, 0, 0, 0, 0};
  ck_assert_uint_eq(n, sizeof want);
  ck_assert_mem_eq(buf, want, sizeof want);
}
END_TEST

START_TEST(build_fields_and_flags) {
  size_t n = build(NULL, "HEADERS END_STREAM|END_HEADERS 2147483649 fields:a=b,x=*3");
  static const uint8_t want[] = {0, 0, 12,  1, 5,   0x80, 0,  0, 1, /* R bit kept */
                                 0, 1, 'a', 1, 'b',                 /* §6.2.2 literal */
                                 0, 1, 'x', 3, 'a', 'a',  'a'};
  ck_assert_uint_eq(n, sizeof want);
  ck_assert_mem_eq(buf, want, sizeof want);
}
END_TEST

START_TEST(build_len_repeat_loop) {
  /* len: overrides the Length field, the payload stays */
  size_t n = build(NULL, "RST_STREAM - 1 hex:000008 len:4");
  ck_assert_uint_eq(n, 12);
  ck_assert_uint_eq(buf[2], 4);
  n = build(NULL, "DATA - 1 repeat:3");
  ck_assert_uint_eq(n, 27);
  /* LOOP N STEP: the group N times, stream ids + STEP each time */
  n = build(NULL, "LOOP 2 2: HEADERS END_HEADERS 1 & RST_STREAM - 1 u32:8");
  ck_assert_uint_eq(n, 9 + 13 + 9 + 13);
  ck_assert_uint_eq(buf[8], 1);
  ck_assert_uint_eq(buf[9 + 8], 1);
  ck_assert_uint_eq(buf[22 + 8], 3);
  ck_assert_uint_eq(buf[31 + 8], 3);
  ck_assert_uint_eq(buf[31 + 3], H2_RST_STREAM);
}
END_TEST

START_TEST(build_stream1_and_request) {
  check_build_ctx ctx = {.path = "/x", .authority = "h", .stream1 = 13};
  size_t n = build(&ctx, "HEADERS END_HEADERS 1 req");
  ck_assert_uint_eq(buf[8], 13);
  /* :method GET :scheme http :path /x :authority h, literals */
  ck_assert_uint_eq(n, 9 + (2 + 7 + 1 + 3) + (2 + 7 + 1 + 4) + (2 + 5 + 1 + 2) + (2 + 10 + 1 + 1));
  n = build(&ctx, "RAW hex:505249");
  ck_assert_uint_eq(n, 3);
  ck_assert_mem_eq(buf, "PRI", 3);
}
END_TEST

START_TEST(build_rejects) {
  static const char *const bad[] = {
      "NOPE - 0",        "PING X 0",         "PING - x",        "PING - 0 hex:0",
      "PING - 0 what:1", "LOOP x: PING - 0", "PING - 0 hex:zz", "HEADERS - 1 fields:novalue"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    h2_buf b;
    h2_buf_init(&b, sizeof buf);
    char err[128] = "";
    ck_assert_msg(!check_build_line(NULL, bad[i], &b, err, sizeof err), "%s accepted", bad[i]);
    ck_assert(err[0]);
    h2_buf_free(&b);
  }
}
END_TEST

START_TEST(frames_lines) {
  char line[64];
  const char *frames = "PING - 0;  DATA - 1 str:x ; SETTINGS - 0";
  ck_assert(check_frames_line(frames, 0, line, sizeof line));
  ck_assert_str_eq(line, "PING - 0");
  ck_assert(check_frames_line(frames, 1, line, sizeof line));
  ck_assert_str_eq(line, "DATA - 1 str:x");
  ck_assert(check_frames_line(frames, 2, line, sizeof line));
  ck_assert_str_eq(line, "SETTINGS - 0");
  ck_assert(!check_frames_line(frames, 3, line, sizeof line));
}
END_TEST

START_TEST(ids_and_selectors) {
  size_t n = check_case_count(CHECK_GROUP_SERVER);
  ck_assert_uint_ge(n, 150);
  char id[96];
  ck_assert_str_eq(check_case_id(CHECK_GROUP_SERVER, 0, id, sizeof id), "9113/3.4/1");
  ck_assert_str_eq(check_case_id(CHECK_GROUP_SERVER, 1, id, sizeof id), "9113/3.4/2");
  size_t in65 = 0, in7541 = 0, rfc7541 = 0;
  for (size_t i = 0; i < n; i++) {
    const check_case *c = check_case_at(CHECK_GROUP_SERVER, i);
    bool s65 = check_case_selected(CHECK_GROUP_SERVER, i, "6.5");
    ck_assert_int_eq(s65, !strncmp(c->section, "6.5", 3) &&
                              (c->section[3] == 0 || c->section[3] == '.'));
    in65 += s65;
    in7541 += check_case_selected(CHECK_GROUP_SERVER, i, "7541");
    rfc7541 += c->rfc == 7541;
    check_case_id(CHECK_GROUP_SERVER, i, id, sizeof id);
    ck_assert(check_case_selected(CHECK_GROUP_SERVER, i, id));
    ck_assert(!check_case_selected(CHECK_GROUP_SERVER, i, "robust"));
    /* every case quotes a section and states an expectation */
    ck_assert(c->rfc == 9113 || c->rfc == 7541);
    ck_assert(c->section[0] >= '2' && c->section[0] <= '8');
  }
  ck_assert_uint_ge(in65, 20);
  ck_assert_uint_eq(in7541, rfc7541);
  ck_assert_uint_ge(rfc7541, 20);
  ck_assert(!check_case_selected(CHECK_GROUP_SERVER, 0, "3.40"));
  ck_assert(check_case_selected(CHECK_GROUP_SERVER, 0, "9113/3"));
  ck_assert(!check_case_selected(CHECK_GROUP_SERVER, 0, "7541/3.4"));
  n = check_case_count(CHECK_GROUP_ROBUST);
  const check_case *r = check_case_at(CHECK_GROUP_ROBUST, 0);
  ck_assert_uint_ge(n, 7);
  ck_assert_str_eq(check_case_id(CHECK_GROUP_ROBUST, 0, id, sizeof id), "robust/rapid-reset");
  ck_assert_str_eq(r->section, "rapid-reset");
  ck_assert(check_case_selected(CHECK_GROUP_ROBUST, 0, "robust"));
  n = check_case_count(CHECK_GROUP_CLIENT);
  ck_assert_uint_ge(n, 20);
  ck_assert_str_eq(check_case_id(CHECK_GROUP_CLIENT, 0, id, sizeof id), "client/9113/4.2/1");
  ck_assert(check_case_selected(CHECK_GROUP_CLIENT, 0, "client/9113/4.2/1"));
  ck_assert(check_case_selected(CHECK_GROUP_CLIENT, 0, "4.2"));
}
END_TEST

static void add(check_observed *o, uint8_t type, uint8_t flags, uint32_t sid, uint32_t code) {
  check_rx rx = {.hd = {.type = type, .flags = flags, .stream_id = sid}, .error_code = code};
  if (type == H2_GOAWAY) rx.last_stream_id = sid, rx.hd.stream_id = 0;
  check_observed_add(o, &rx);
}

static int grade(const char *expect, const check_observed *o, char *why) {
  return check_grade(expect, o, why, 320);
}

START_TEST(grades_goaway) {
  static check_observed o;
  char why[320];
  memset(&o, 0, sizeof o);
  o.max_stream = 1;
  add(&o, H2_SETTINGS, 0, 0, 0);
  add(&o, H2_GOAWAY, 0, 1, H2_PROTOCOL_ERROR);
  o.closed = true;
  ck_assert_int_eq(grade("GOAWAY PROTOCOL_ERROR", &o, why), CHECK_PASS);
  ck_assert_str_eq(why, "");
  ck_assert_int_eq(grade("GOAWAY FRAME_SIZE_ERROR|PROTOCOL_ERROR", &o, why), CHECK_PASS);
  ck_assert_int_eq(grade("GOAWAY FRAME_SIZE_ERROR", &o, why), CHECK_FAIL);
  ck_assert_str_eq(why, "GOAWAY PROTOCOL_ERROR instead of FRAME_SIZE_ERROR");
  /* §6.8: a last-stream-id above every stream opened */
  o.max_stream = 0;
  ck_assert_int_eq(grade("GOAWAY PROTOCOL_ERROR", &o, why), CHECK_LENIENT);
  ck_assert_ptr_nonnull(strstr(why, "last-stream-id 1"));
  /* a bare close: lenient, unless the case allows CLOSE */
  memset(&o, 0, sizeof o);
  o.closed = true;
  ck_assert_int_eq(grade("GOAWAY PROTOCOL_ERROR", &o, why), CHECK_LENIENT);
  ck_assert_str_eq(why, "the connection closed without GOAWAY (expected GOAWAY PROTOCOL_ERROR)");
  ck_assert_int_eq(grade("GOAWAY PROTOCOL_ERROR|CLOSE", &o, why), CHECK_PASS);
  o.closed = false;
  o.reset = true;
  ck_assert_int_eq(grade("GOAWAY PROTOCOL_ERROR", &o, why), CHECK_LENIENT);
  ck_assert_ptr_nonnull(strstr(why, "TCP reset"));
  /* nothing at all while the connection goes on */
  memset(&o, 0, sizeof o);
  o.marker_acked = true;
  ck_assert_int_eq(grade("GOAWAY PROTOCOL_ERROR", &o, why), CHECK_FAIL);
  add(&o, H2_RST_STREAM, 0, 1, H2_PROTOCOL_ERROR);
  ck_assert_int_eq(grade("GOAWAY PROTOCOL_ERROR", &o, why), CHECK_FAIL);
  ck_assert_str_eq(why,
                   "RST_STREAM(1, PROTOCOL_ERROR) instead of a connection error PROTOCOL_ERROR");
}
END_TEST

START_TEST(grades_rst) {
  static check_observed o;
  char why[320];
  memset(&o, 0, sizeof o);
  add(&o, H2_RST_STREAM, 0, 1, H2_STREAM_CLOSED);
  ck_assert_int_eq(grade("RST_STREAM 1 STREAM_CLOSED", &o, why), CHECK_PASS);
  ck_assert_int_eq(grade("RST_STREAM 3 STREAM_CLOSED", &o, why), CHECK_FAIL);
  ck_assert_int_eq(grade("RST_STREAM 1 PROTOCOL_ERROR", &o, why), CHECK_FAIL);
  ck_assert_str_eq(why, "RST_STREAM(1, STREAM_CLOSED) instead of PROTOCOL_ERROR");
  /* §5.4: a connection error with the code is the stricter reaction */
  memset(&o, 0, sizeof o);
  o.max_stream = 1;
  add(&o, H2_GOAWAY, 0, 1, H2_STREAM_CLOSED);
  ck_assert_int_eq(grade("RST_STREAM 1 STREAM_CLOSED", &o, why), CHECK_PASS);
  /* a 400 response without the reset: lenient */
  memset(&o, 0, sizeof o);
  check_rx h = {.hd = {.type = H2_HEADERS, .stream_id = 1}, .status = "400"};
  check_observed_add(&o, &h);
  add(&o, H2_DATA, H2_FLAG_END_STREAM, 1, 0);
  o.marker_acked = true;
  ck_assert_int_eq(grade("RST_STREAM 1 PROTOCOL_ERROR", &o, why), CHECK_LENIENT);
  ck_assert_ptr_nonnull(strstr(why, "answered HTTP 400 on stream 1"));
  /* a 200: the violation was accepted */
  memcpy(o.rx[0].status, "200", 4);
  ck_assert_int_eq(grade("RST_STREAM 1 PROTOCOL_ERROR", &o, why), CHECK_FAIL);
  ck_assert_str_eq(why, "answered HTTP 200: the violation was accepted");
  ck_assert_int_eq(grade("RESPONSE 1", &o, why), CHECK_PASS);
  ck_assert_int_eq(grade("RESPONSE 3", &o, why), CHECK_FAIL);
}
END_TEST

START_TEST(grades_nothing_and_acks) {
  static check_observed o;
  char why[320];
  memset(&o, 0, sizeof o);
  ck_assert_int_eq(grade("NOTHING", &o, why), CHECK_FAIL);
  ck_assert_str_eq(why, "PING not answered: the end of the wait");
  check_rx marker = {.hd = {.type = H2_PING, .flags = H2_FLAG_ACK}, .marker = true};
  check_observed_add(&o, &marker);
  o.marker_acked = true;
  ck_assert_int_eq(grade("NOTHING", &o, why), CHECK_PASS);
  /* our marker's ACK does not count as the PING_ACK a case asks for */
  ck_assert_int_eq(grade("PING_ACK", &o, why), CHECK_FAIL);
  add(&o, H2_PING, H2_FLAG_ACK, 0, 0);
  ck_assert_int_eq(grade("PING_ACK", &o, why), CHECK_PASS);
  ck_assert_int_eq(grade("SETTINGS_ACK", &o, why), CHECK_FAIL);
  add(&o, H2_SETTINGS, H2_FLAG_ACK, 0, 0);
  ck_assert_int_eq(grade("SETTINGS_ACK", &o, why), CHECK_PASS);
  /* RST_STREAM(NO_ERROR) after a complete response is no reaction (§8.1) */
  add(&o, H2_HEADERS, H2_FLAG_END_STREAM, 1, 0);
  add(&o, H2_RST_STREAM, 0, 1, H2_NO_ERROR);
  ck_assert_int_eq(grade("NOTHING", &o, why), CHECK_PASS);
  add(&o, H2_RST_STREAM, 0, 3, H2_NO_ERROR);
  ck_assert_int_eq(grade("NOTHING", &o, why), CHECK_FAIL);
  ck_assert_str_eq(why, "unexpected RST_STREAM(3, NO_ERROR)");
  ck_assert_int_eq(grade("BOGUS", &o, why), CHECK_FAIL);
  ck_assert_str_eq(why, "bad expectation 'BOGUS'");
}
END_TEST

START_TEST(observed_text) {
  static check_observed o;
  char text[256];
  memset(&o, 0, sizeof o);
  check_observed_text(&o, text, sizeof text);
  ck_assert_str_eq(text, "nothing");
  add(&o, H2_SETTINGS, H2_FLAG_ACK, 0, 0);
  add(&o, H2_SETTINGS, H2_FLAG_ACK, 0, 0);
  check_rx marker = {.hd = {.type = H2_PING, .flags = H2_FLAG_ACK}, .marker = true};
  check_observed_add(&o, &marker);
  check_rx h = {.hd = {.type = H2_HEADERS, .stream_id = 1}, .status = "200"};
  check_observed_add(&o, &h);
  add(&o, H2_GOAWAY, 0, 1, 0x77);
  o.closed = true;
  check_observed_text(&o, text, sizeof text);
  ck_assert_str_eq(text, "SETTINGS ACK x2, HEADERS(1, :status 200), GOAWAY(last=1, 0x77), closed");
  ck_assert_str_eq(check_verdict_name(CHECK_LENIENT), "lenient");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("check_grade");
  TCase *t = tcase_create("core");
  tcase_set_timeout(t, 60);
  tcase_add_test(t, build_ping);
  tcase_add_test(t, build_fields_and_flags);
  tcase_add_test(t, build_len_repeat_loop);
  tcase_add_test(t, build_stream1_and_request);
  tcase_add_test(t, build_rejects);
  tcase_add_test(t, frames_lines);
  tcase_add_test(t, ids_and_selectors);
  tcase_add_test(t, grades_goaway);
  tcase_add_test(t, grades_rst);
  tcase_add_test(t, grades_nothing_and_acks);
  tcase_add_test(t, observed_text);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
