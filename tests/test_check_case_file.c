/* test_check_case_file.c — unit tests of the check case language
 * (check_case_file.c): a good file and every field it sets, bad files with
 * their exact messages, and the round trip of every built-in case (printed
 * with check_file_print, loaded back: the same fields, ids and groups). */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_build.h"
#include "check_case_file.h"
#include "check_set.h"
#include "out_buf.h"

/* Loads text as a file named "t.cases"; err gets the message. */
static bool load(check_set *s, const char *text, char *err, size_t cap) {
  FILE *f = fmemopen((void *)text, strlen(text), "r");
  ck_assert_ptr_nonnull(f);
  bool ok = check_file_load(s, f, "t.cases", err, cap);
  fclose(f);
  return ok;
}

static void bad(const char *text, const char *want) {
  check_set s = {0};
  char err[512] = "";
  ck_assert_msg(!load(&s, text, err, sizeof err), "accepted: %s", text);
  ck_assert_str_eq(err, want);
  check_set_free(&s);
}

START_TEST(good_file) {
  static const char text[] = "# a comment\n"
                             "\n"
                             "case one\n"
                             "  group client\n"
                             "rfc 9218 7.1\n"
                             "title PRIORITY_UPDATE # not a comment\n"
                             "handshake settings 000900000001\n"
                             "send 0x10 - 0 u32:1 str:u=1\r\n"
                             "send HEADERS END_STREAM|END_HEADERS 1 req\n"
                             "expect RST_STREAM 1 PROTOCOL_ERROR|CLOSE\n"
                             "needs enable_connect_protocol=1\n"
                             "alone\n"
                             "case robust/two\n"
                             "group robust\n"
                             "title t2\n"
                             "handshake none\n"
                             "send RAW hex:00\n"
                             "expect ANY\n";
  check_set s = {0};
  char err[512] = "";
  ck_assert_msg(load(&s, text, err, sizeof err), "%s", err);
  ck_assert_uint_eq(s.n, 2);
  const check_item *a = &s.items[0], *b = &s.items[1];
  ck_assert_str_eq(a->id, "one");
  ck_assert_int_eq(a->group, CHECK_GROUP_CLIENT);
  ck_assert_uint_eq(a->c->rfc, 9218);
  ck_assert_str_eq(a->c->section, "7.1");
  ck_assert_str_eq(a->c->title, "PRIORITY_UPDATE # not a comment");
  ck_assert_str_eq(a->c->handshake, "settings:000900000001");
  ck_assert_str_eq(a->c->frames, "0x10 - 0 u32:1 str:u=1; HEADERS END_STREAM|END_HEADERS 1 req");
  ck_assert_str_eq(a->c->expect, "RST_STREAM 1 PROTOCOL_ERROR|CLOSE");
  ck_assert_str_eq(a->c->needs, "enable_connect_protocol=1");
  ck_assert(a->c->alone);
  ck_assert_str_eq(b->id, "robust/two");
  ck_assert_int_eq(b->group, CHECK_GROUP_ROBUST);
  ck_assert_uint_eq(b->c->rfc, 0);
  ck_assert_str_eq(b->c->section, "two");
  ck_assert_str_eq(b->c->handshake, "none");
  ck_assert_ptr_null(b->c->needs);
  ck_assert(!b->c->alone);
  /* selectors: by id, RFC, section; robust by group */
  ck_assert(check_item_selected(a, "one"));
  ck_assert(check_item_selected(a, "client/9218/7.1"));
  ck_assert(check_item_selected(a, "9218"));
  ck_assert(!check_item_selected(a, "9113"));
  ck_assert(check_item_selected(b, "robust"));
  ck_assert(!check_item_selected(b, "two"));
  /* a second file may not repeat an id */
  ck_assert(
      !load(&s, "case one\ntitle x\nsend PING - 0 zeros:8\nexpect PING_ACK\n", err, sizeof err));
  ck_assert_str_eq(err, "t.cases:1:6: a case 'one' is already loaded");
  /* zeros:0 into an empty buffer builds an empty payload */
  ck_assert_msg(
      load(&s, "case z\ntitle x\nsend PING - 0 zeros:0\nexpect PING_ACK\n", err, sizeof err), "%s",
      err);
  check_set_free(&s);
}
END_TEST

START_TEST(bad_files) {
  bad("title x\n", "t.cases:1:1: expected 'case ID' before 'title'");
  bad("  send x\n", "t.cases:1:3: expected 'case ID' before 'send'");
  bad("case a\ntitle t\nsend PING - 0 zeros:8\n", "t.cases:1:1: case 'a' has no 'expect' line");
  bad("case a\ntitle t\nexpect NOTHING\n", "t.cases:1:1: case 'a' has no 'send' line");
  bad("case a\nsend PING - 0 zeros:8\nexpect NOTHING\n",
      "t.cases:1:1: case 'a' has no 'title' line");
  bad("case a\nsend PING - 0 bogus:1\n",
      "t.cases:2:6: bad frame line: bad payload token 'bogus:1'");
  bad("case a\nsend FOO - 0\n", "t.cases:2:6: bad frame line: unknown frame type 'FOO'");
  /* numbers are whole tokens within their width (fuzz: "zeros:str:x" was
   * zeros:0, and a fill of 0 octets into an empty buffer was UB) */
  bad("case a\nsend PING - 0 zeros:str:abcdefgh\n",
      "t.cases:2:6: bad frame line: bad payload token 'zeros:str:abcdefgh'");
  bad("case a\nsend SETTINGS - 0 u16:70000\n",
      "t.cases:2:6: bad frame line: bad payload token 'u16:70000'");
  bad("case a\nsend PING - 0 u32:1x\n", "t.cases:2:6: bad frame line: bad payload token 'u32:1x'");
  bad("case a\nsend PING - 4294967296\n", "t.cases:2:6: bad frame line: bad stream id");
  bad("case a\nsend PING - 0 repeat:0\n",
      "t.cases:2:6: bad frame line: bad payload token 'repeat:0'");
  bad("case a\nexpect GOAWAY PROTOCOL_ERROR|NOPE\n",
      "t.cases:2:30: expected an error code name (PROTOCOL_ERROR...) or CLOSE, got 'NOPE'");
  bad("case a\nexpect RST_STREAM x CANCEL\n",
      "t.cases:2:19: expected 'RST_STREAM STREAM CODE[|CODE...]'");
  bad("case a\nexpect RESPONSE 0\n", "t.cases:2:17: expected a stream id 1 to 2147483647, got '0'");
  bad("case a\nexpect MAYBE\n",
      "t.cases:2:8: expected GOAWAY CODES, RST_STREAM STREAM CODES, RESPONSE STREAM, PING_ACK, "
      "SETTINGS_ACK, NOTHING, CLOSE, ANY, MEMORY or NO_LINT ID, got 'MAYBE'");
  bad("case a\ngroup nowhere\n", "t.cases:2:7: expected server, robust or client, got 'nowhere'");
  bad("case a\ngroup server\ngroup client\n",
      "t.cases:3:1: 'group' given twice in one case (first on line 2)");
  bad("case a b\n",
      "t.cases:1:7: expected a case id (1 to 95 of A-Z a-z 0-9 . _ / : + -), got 'a b'");
  bad("case\n", "t.cases:1:5: expected a case id (1 to 95 of A-Z a-z 0-9 . _ / : + -), got ''");
  bad("case a\nrfc x 1\n",
      "t.cases:2:5: expected 'rfc NUMBER SECTION' (rfc 9113 6.5.3), got 'x 1'");
  bad("case a\nrfc 9113 6,5\n",
      "t.cases:2:10: expected a section (6.5.3, letters digits '.' '-'), got '6,5'");
  bad("case a\nrfc 70000 1\n",
      "t.cases:2:5: expected 'rfc NUMBER SECTION' (rfc 9113 6.5.3), got '70000 1'");
  bad("case a\nhandshake settings 0\n",
      "t.cases:2:11: expected default, none or 'settings HEX' (an even number of hex digits), got "
      "'settings 0'");
  bad("case a\nneeds colour<=1\n",
      "t.cases:2:7: expected a setting name (max_concurrent_streams, enable_connect_protocol...), "
      "got 'colour'");
  bad("case a\nneeds max_frame_size<1\n",
      "t.cases:2:21: expected '<=N' or '=N' after the setting name");
  bad("case a\nalone now\n", "t.cases:2:7: 'alone' takes no argument");
  bad("case a\ntitle\n", "t.cases:2:6: 'title' needs an argument");
  bad("case a\nfrob 1\n", "t.cases:2:1: expected case, group, rfc, title, handshake, send, expect, "
                          "needs, alone or repeat, got "
                          "'frob'");
  bad("case a\nsend PING - 0 zeros:8; PING - 0\n",
      "t.cases:2:22: ';' cannot appear in a send line (one frame line per send)");
  bad("case a\ntitle x\x01y\n", "t.cases:2:8: control character 0x01");
  bad("# nothing\n", "t.cases: no case in the file (a case starts with 'case ID')");
  bad("", "t.cases: no case in the file (a case starts with 'case ID')");
  /* a line longer than the limit */
  size_t n = CHECK_FILE_LINE_MAX + 20;
  char *big = malloc(n + 1);
  ck_assert_ptr_nonnull(big);
  memcpy(big, "case a\ntitle ", 13);
  memset(big + 13, 'x', n - 14);
  big[n - 1] = '\n';
  big[n] = 0;
  char want[128];
  snprintf(want, sizeof want, "t.cases:2:%d: line longer than %d characters",
           CHECK_FILE_LINE_MAX + 1, CHECK_FILE_LINE_MAX);
  bad(big, want);
  free(big);
}
END_TEST

/* Every built-in case printed and loaded back is the same case. */
START_TEST(round_trip) {
  check_set builtin = {0}, loaded = {0};
  ck_assert(check_set_add_builtin(&builtin));
  FILE *tmp = tmpfile();
  ck_assert_ptr_nonnull(tmp);
  out_buf *o = malloc(sizeof *o);
  ck_assert_ptr_nonnull(o);
  out_init(o, fileno(tmp));
  for (size_t i = 0; i < builtin.n; i++)
    check_file_print(o, &builtin.items[i]);
  ck_assert(out_flush(o));
  free(o);
  rewind(tmp);
  char err[512] = "";
  ck_assert_msg(check_file_load(&loaded, tmp, "printed", err, sizeof err), "%s", err);
  fclose(tmp);
  ck_assert_uint_eq(loaded.n, builtin.n);
  for (size_t i = 0; i < builtin.n; i++) {
    const check_item *a = &builtin.items[i], *b = &loaded.items[i];
    ck_assert_str_eq(a->id, b->id);
    ck_assert_int_eq(a->group, b->group);
    ck_assert_uint_eq(a->c->rfc, b->c->rfc);
    ck_assert_str_eq(a->c->section, b->c->section);
    ck_assert_str_eq(a->c->title, b->c->title);
    ck_assert_str_eq(a->c->handshake, b->c->handshake);
    ck_assert_str_eq(a->c->expect, b->c->expect);
    ck_assert_int_eq(a->c->alone, b->c->alone);
    ck_assert_int_eq(!a->c->needs, !b->c->needs);
    if (a->c->needs) ck_assert_str_eq(a->c->needs, b->c->needs);
    /* the frames as lines (the tables' spacing around ';' may differ) */
    char la[4096], lb[4096];
    size_t k = 0;
    for (; check_frames_line(a->c->frames, k, la, sizeof la); k++) {
      ck_assert(check_frames_line(b->c->frames, k, lb, sizeof lb));
      ck_assert_str_eq(la, lb);
    }
    ck_assert(!check_frames_line(b->c->frames, k, lb, sizeof lb));
    for (const char *sel = "9113/6.5"; sel; sel = NULL)
      ck_assert_int_eq(check_item_selected(a, sel), check_item_selected(b, sel));
    ck_assert_int_eq(check_item_selected(a, "robust"), check_item_selected(b, "robust"));
    ck_assert(check_item_selected(b, a->id));
  }
  check_set_free(&builtin);
  check_set_free(&loaded);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("check_case_file");
  TCase *t = tcase_create("core");
  tcase_add_test(t, good_file);
  tcase_add_test(t, bad_files);
  tcase_add_test(t, round_trip);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
