/* test_filter.c — display filters (inspector/filter/): bad expressions get
 * their exact message and column; literals, operators, multi-valued and
 * absent fields evaluate as docs/filters.md says, over frames built here
 * (filter_subject.c), events and findings; per-stream facts stay bounded. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "filter_streams.h"
#include "filter_subject.h"

/* ---- errors: message and 1-based column ---- */

static const struct {
  const char *expr;
  size_t column; /* 1-based */
  const char *message;
} bad[] = {
    {"", 1, "the filter is empty (expected a field name)"},
    {"status >=", 10,
     "expected a value (a number, a \"string\" or a name) after '>=', got the end"},
    {"statsu == 200", 1, "unknown field 'statsu' (did you mean 'status'?)"},
    {"zzzzzz", 1, "unknown field 'zzzzzz' (docs/filters.md lists the fields)"},
    {"type == HEADER", 9, "unknown frame type 'HEADER' (a number, or a name like HEADERS)"},
    {"error == NO_ERR", 10,
     "unknown error code 'NO_ERR' (a number, or a name like PROTOCOL_ERROR)"},
    {"dir == up", 8, "unknown direction 'up' (c2s, s2c, client or server)"},
    {"length == \"abc\"", 11, "expected a number for 'length', got '\"abc\"'"},
    {"length contains \"1\"", 8, "'contains' needs a string field; 'length' is a number"},
    {"path matches \"(\"", 16, "bad regular expression: missing closing parenthesis"},
    {"(stream == 1", 13, "expected ')' to close the '(' at column 1, got the end"},
    {"stream == 1)", 12, "unexpected ')' (no '(' is open)"},
    {"stream = 1", 8, "'=' is not an operator (did you mean '=='?)"},
    {"path == \"abc", 9, "unterminated string (expected a closing quote)"},
    {"path == \"a\\qb\"", 11, "unknown escape (\\\\ \\\" \\' \\n \\r \\t \\0 \\xHH)"},
    {"stream == 0x", 13, "expected hex digits after '0x'"},
    {"stream == 12ab", 13, "expected a number (decimal, or hex with 0x)"},
    {"header[path]", 8, "expected a header name in quotes, got 'path'"},
    {"header == 1", 8, "expected '[' after 'header' (header[\"NAME\"]), got '=='"},
    {"header[\"x\" == 1", 12, "expected ']' after the header name, got '=='"},
    {"stream == 1 stream == 2", 13, "expected 'and', 'or' or the end, got 'stream'"},
    {"and stream == 1", 1, "expected a field name, 'not' or '(', got 'and'"},
    {"not", 4, "expected a field name, 'not' or '(', got the end"},
    {"method & 1", 8, "'&' needs a number field; 'method' is a string"},
    {"flags & x", 9, "expected a number (a bit mask) after '&', got 'x'"},
    {"path matches abc", 14, "expected a \"string\" after 'matches', got 'abc'"},
    {"stream == 99999999999999999999", 11, "number too large (at most 2^64-1)"},
    {"flags.endstream", 1, "unknown field 'flags.endstream' (did you mean 'flags.end_stream'?)"},
    {"stream == 1 # x", 13, "unexpected character"},
};

START_TEST(bad_expressions) {
  filter_error e;
  filter *f = filter_compile(bad[_i].expr, NULL, &e);
  ck_assert_msg(f == NULL, "'%s' compiled", bad[_i].expr);
  ck_assert_str_eq(e.message, bad[_i].message);
  ck_assert_msg(e.column + 1 == bad[_i].column, "'%s': column %zu, want %zu", bad[_i].expr,
                e.column + 1, bad[_i].column);
}
END_TEST

START_TEST(limits) {
  filter_limits l;
  filter_limits_default(&l);
  l.max_depth = 4;
  filter_error e;
  ck_assert_ptr_null(filter_compile("((((((stream == 1))))))", &l, &e));
  ck_assert_str_eq(e.message, "the filter nests too deep (more than 4 levels)");
  filter_limits_default(&l);
  l.max_nodes = 3;
  ck_assert_ptr_null(filter_compile("stream == 1 or stream == 2 or stream == 3", &l, &e));
  ck_assert_str_eq(e.message, "the filter is too long (more than 3 terms)");
  filter_limits_default(&l);
  l.max_length = 5;
  ck_assert_ptr_null(filter_compile("stream == 1", &l, &e));
  ck_assert_str_eq(e.message, "the filter is longer than 5 characters");
}
END_TEST

/* ---- evaluation over frames built here ---- */

static const h2_header req_headers[] = {
    {":method", 7, "POST", 4, 0},
    {":path", 5, "/api/v1/items?id=7", 18, 0},
    {":authority", 10, "example.test", 12, 0},
    {":scheme", 7, "https", 5, 0},
    {"content-type", 12, "application/json", 16, 0},
    {"x-tag", 5, "a", 1, 0},
    {"x-tag", 5, "b\"c", 3, 0},
};

static decoded_frame headers_frame(void) {
  decoded_frame d = {0};
  d.frame.hd = (h2_frame_header){.length = 60, .type = H2_HEADERS, .flags = 0x5, .stream_id = 1};
  d.block_complete = true;
  d.headers = req_headers;
  d.header_count = sizeof req_headers / sizeof *req_headers;
  d.offset = 24;
  d.pkt_first = 3;
  d.pkt_last = 5;
  return d;
}

static bool match(const char *expr, const filter_subject *s) {
  filter_error e;
  filter *f = filter_compile(expr, NULL, &e);
  ck_assert_msg(f != NULL, "'%s': %s at %zu", expr, e.message, e.column);
  filter_source src = filter_subject_source(s);
  bool r = filter_match(f, &src);
  filter_free(f);
  return r;
}

static const struct {
  const char *expr;
  bool want;
} on_headers[] = {
    {"frame", true},
    {"stream == 1", true},
    {"stream != 1", false},
    {"stream == 0x1", true},
    {"type == HEADERS", true},
    {"type == headers", true},
    {"type == 1", true},
    {"type == \"HEADERS\"", true},
    {"type eq DATA", false},
    {"dir == c2s", true},
    {"dir == client", true},
    {"dir == server", false},
    {"flags == 5", true},
    {"flags & 0x4", true},
    {"flags & 0x8", false},
    {"flags.end_stream", true},
    {"flags.end_headers && flags.end_stream", true},
    {"flags.padded", false},
    {"not flags.padded", true},
    {"flags.ack", false},
    {"not flags.ack", true},
    {"length > 59 and length < 61", true},
    {"length >= 61 || length <= 59", false},
    {"offset == 24", true},
    {"packet == 5 and packet.first == 3", true},
    {"packet < 5", false},
    {"method == POST", true},
    {"method == \"GET\"", false},
    {"method != GET", true},
    {"path contains \"/v1/\"", true},
    {"path matches \"^/api/v[0-9]+/\"", true},
    {"path ~ \"items$\"", false},
    {"path matches \"(?i)^/API\"", true},
    {"authority == \"example.test\"", true},
    {"scheme == https", true},
    {"content-type contains \"json\"", true},
    {"content_type == \"application/json\"", true},
    {"header[\":path\"] == \"/api/v1/items?id=7\"", true},
    {"header[\"Content-Type\"] == \"application/json\"", true},
    {"header[\"x-tag\"] == \"b\\\"c\"", true},
    {"header[\"x-tag\"] == a", true},
    {"header[\"x-tag\"] != a", false},
    {"header[\"x-tag\"] != z", true},
    {"header[\"x-missing\"]", false},
    {"not header[\"x-missing\"]", true},
    {"header[\"x-missing\"] != z", false},
    {"header[\"x-tag\"] > \"a\"", true},
    {"status", false},
    {"not status", true},
    {"status >= 500", false},
    {"error", false},
    {"event", false},
    {"lint", false},
    {"conn == 3", true},
    {"!(stream == 1) || conn == 3", true},
    {"not (stream == 1 and conn == 3)", false},
    {"stream == 1 and (type == DATA or type == HEADERS)", true},
    {"path == \"/api\\x2fv1/items?id=8\"", false},
    {"path == \"/api\\x2Fv1\\x2fitems?id=7\"", true},
};

START_TEST(frame_fields) {
  decoded_frame d = headers_frame();
  filter_subject s = {.kind = FS_FRAME, .conn = 3, .dir = 0, .d = &d};
  bool got = match(on_headers[_i].expr, &s);
  ck_assert_msg(got == on_headers[_i].want, "'%s' gave %d", on_headers[_i].expr, got);
}
END_TEST

/* `contains` takes a "string", never a bare word. */
START_TEST(contains_needs_string) {
  filter_error e;
  ck_assert_ptr_null(filter_compile("content-type contains json", NULL, &e));
}
END_TEST

/* DATA of a 500 response: the status comes from the stream's facts. */
START_TEST(stream_facts) {
  filter_streams *fs = filter_streams_new(2, 8, FILTER_FACTS_ALL);
  ck_assert_ptr_nonnull(fs);
  decoded_frame req = headers_frame();
  filter_streams_frame(fs, 0, &req);
  static const h2_header resp[] = {{":status", 7, "503", 3, 0},
                                   {"content-type", 12, "text/plain; charset=utf-8", 25, 0}};
  decoded_frame r = {0};
  r.frame.hd = (h2_frame_header){.length = 10, .type = H2_HEADERS, .flags = 0x4, .stream_id = 1};
  r.block_complete = true;
  r.headers = resp;
  r.header_count = 2;
  filter_streams_frame(fs, 1, &r);
  decoded_frame data = {0};
  data.frame.hd = (h2_frame_header){.length = 100, .type = H2_DATA, .stream_id = 1};
  filter_streams_frame(fs, 1, &data);
  filter_subject s = {
      .kind = FS_FRAME, .conn = 1, .dir = 1, .d = &data, .facts = filter_streams_find(fs, 1)};
  ck_assert(match("status >= 500 and type == DATA", &s));
  ck_assert(match("method == POST", &s));
  /* Values are kept cut to 8 bytes. */
  ck_assert(match("path == \"/api/v1/\"", &s));
  ck_assert(match("content-type == \"text/pla\"", &s));
  /* Two slots: a third and fourth stream push stream 1 out. */
  r.frame.hd.stream_id = 3;
  filter_streams_frame(fs, 1, &r);
  ck_assert_ptr_nonnull(filter_streams_find(fs, 1));
  r.frame.hd.stream_id = 5;
  filter_streams_frame(fs, 1, &r);
  ck_assert_ptr_null(filter_streams_find(fs, 1));
  ck_assert_ptr_nonnull(filter_streams_find(fs, 3));
  ck_assert_ptr_nonnull(filter_streams_find(fs, 5));
  filter_streams_free(fs);
}
END_TEST

/* The ring and its hash index through many evictions: the last max streams
 * are found, every older one is not (ids spread so probes collide). */
START_TEST(stream_facts_many) {
  enum { MAX = 16, N = 5000 };
  filter_streams *fs = filter_streams_new(MAX, 64, FILTER_FACTS_ALL);
  ck_assert_ptr_nonnull(fs);
  static const h2_header st[] = {{":status", 7, "204", 3, 0}};
  for (uint32_t k = 0; k < N; k++) {
    uint32_t id = 1 + 2 * k * 37; /* odd ids, growing */
    filter_streams_list(fs, id, 1, st, 1);
    for (uint32_t back = 0; back < MAX + 3 && back <= k; back++) {
      uint32_t old = 1 + 2 * (k - back) * 37;
      const filter_stream_facts *f = filter_streams_find(fs, old);
      if (back < MAX) {
        ck_assert_msg(f && f->stream == old && f->has_status && f->status == 204,
                      "stream %u lost after %u", old, k);
      } else {
        ck_assert_msg(f == NULL, "stream %u kept after %u", old, k);
      }
    }
  }
  filter_streams_free(fs);
}
END_TEST

START_TEST(error_and_settings) {
  decoded_frame d = {0};
  d.frame.hd = (h2_frame_header){.length = 4, .type = H2_RST_STREAM, .stream_id = 7};
  d.frame.u.rst_stream.error_code = 8;
  filter_subject s = {.kind = FS_FRAME, .conn = 1, .dir = 1, .d = &d};
  ck_assert(match("error == CANCEL", &s));
  ck_assert(match("error == 8 and dir == s2c", &s));
  ck_assert(!match("error == PROTOCOL_ERROR", &s));
  ck_assert(!match("flags.end_stream", &s));
  uint8_t raw[12];
  h2_setting st[2] = {{3, 100}, {4, 65535}};
  h2_settings_pack(st, 2, raw, sizeof raw);
  decoded_frame t = {0};
  t.frame.hd = (h2_frame_header){.length = 12, .type = H2_SETTINGS};
  t.frame.u.settings.raw = raw;
  t.frame.u.settings.count = 2;
  s.d = &t;
  ck_assert(match("settings.max_concurrent_streams == 100", &s));
  ck_assert(match("settings.initial_window_size > 65534", &s));
  ck_assert(!match("settings.max_frame_size", &s));
  ck_assert(match("not flags.ack", &s));
  /* Extension types h2scope names (RFC 7838, RFC 8336, RFC 9218). */
  decoded_frame x = {0};
  x.frame.hd = (h2_frame_header){.length = 3, .type = 0x10};
  s.d = &x;
  ck_assert(match("type == PRIORITY_UPDATE and type == 16", &s));
  x.frame.hd.type = 0xa;
  ck_assert(match("type == altsvc", &s));
  ck_assert(!match("type == ORIGIN", &s));
}
END_TEST

START_TEST(events_and_findings) {
  filter_subject ev = {.kind = FS_EVENT, .conn = 2, .dir = 1, .event = "gap"};
  ck_assert(match("event == gap", &ev));
  ck_assert(match("conn == 2 and dir == s2c", &ev));
  ck_assert(!match("stream == 0", &ev));
  ck_assert(match("not (stream == 0)", &ev));
  ck_assert(!match("frame", &ev));
  filter_subject fi = {.kind = FS_FINDING,
                       .conn = 1,
                       .dir = 0,
                       .lint = "reset-flood",
                       .severity = "error",
                       .stream = 5};
  ck_assert(match("lint == \"reset-flood\"", &fi));
  ck_assert(match("lint matches \"^reset\" and severity == error and stream == 5", &fi));
  ck_assert(!match("type == DATA", &fi));
}
END_TEST

/* A pattern that backtracks past the match limit is no match, not a hang. */
START_TEST(regex_match_limit) {
  static char value[64];
  memset(value, 'a', 40);
  value[40] = '!';
  h2_header h = {"x", 1, value, 41, 0};
  decoded_frame d = headers_frame();
  d.headers = &h;
  d.header_count = 1;
  filter_subject s = {.kind = FS_FRAME, .conn = 1, .dir = 0, .d = &d};
  ck_assert(!match("header[\"x\"] matches \"^(a+)+$\"", &s));
}
END_TEST

START_TEST(field_names) {
  filter_field f;
  char err[200];
  ck_assert(filter_field_parse("stream", &f, err, sizeof err));
  ck_assert_int_eq(f.id, FF_STREAM);
  ck_assert(filter_field_parse("header.content-type", &f, err, sizeof err));
  ck_assert_int_eq(f.id, FF_HEADER);
  ck_assert_int_eq(f.name_len, 12);
  ck_assert(filter_field_parse("header[\":path\"]", &f, err, sizeof err));
  ck_assert_int_eq(f.name_len, 5);
  ck_assert(!filter_field_parse("lenght", &f, err, sizeof err));
  ck_assert_str_eq(err, "unknown field 'lenght' (did you mean 'length'?)");
  ck_assert(!filter_field_parse("header", &f, err, sizeof err));
  ck_assert_str_eq(err, "field 'header' needs a name: header[\"NAME\"] or header.NAME");
}
END_TEST

int main(void) {
  Suite *s = suite_create("filter");
  TCase *tc = tcase_create("filter");
  tcase_add_loop_test(tc, bad_expressions, 0, sizeof bad / sizeof *bad);
  tcase_add_test(tc, limits);
  tcase_add_loop_test(tc, frame_fields, 0, sizeof on_headers / sizeof *on_headers);
  tcase_add_test(tc, contains_needs_string);
  tcase_add_test(tc, stream_facts);
  tcase_add_test(tc, stream_facts_many);
  tcase_add_test(tc, error_and_settings);
  tcase_add_test(tc, events_and_findings);
  tcase_add_test(tc, regex_match_limit);
  tcase_add_test(tc, field_names);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
