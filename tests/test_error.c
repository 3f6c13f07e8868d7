/* test_error.c — the status table of codec/src/error.c: every status has a
 * unique stable name, words, an RFC code, a scope and a section that exists in
 * the RFC texts; error code names match RFC 9113 §7; h2_error_set fills every
 * field. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/error.h"

START_TEST(every_status_has_name_words_section) {
  for (int s = 0; s < H2_STATUS_COUNT; s++) {
    const char *name = h2_status_name((h2_status)s);
    const char *words = h2_strerror((h2_status)s);
    const char *section = h2_status_section((h2_status)s);
    ck_assert_msg(name && *name, "status %d has no name", s);
    ck_assert_msg(strcmp(name, "unknown-status") != 0, "status %d missing from the table", s);
    ck_assert_msg(words && *words, "status %d has no words", s);
    ck_assert_msg(section && *section, "status %d has no section", s);
    /* Stable ids are lowercase words joined by '-' (JSON / lint ids). */
    for (const char *p = name; *p; p++)
      ck_assert_msg((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-',
                    "bad character in %s", name);
    ck_assert_uint_le(h2_status_code((h2_status)s), H2_HTTP_1_1_REQUIRED);
    ck_assert_uint_le(h2_status_scope((h2_status)s), H2_SCOPE_CONNECTION);
  }
}
END_TEST

START_TEST(names_unique) {
  for (int a = 0; a < H2_STATUS_COUNT; a++)
    for (int b = a + 1; b < H2_STATUS_COUNT; b++)
      ck_assert_msg(strcmp(h2_status_name((h2_status)a), h2_status_name((h2_status)b)) != 0,
                    "statuses %d and %d share the name %s", a, b, h2_status_name((h2_status)a));
}
END_TEST

START_TEST(out_of_range_status) {
  ck_assert_str_eq(h2_status_name(H2_STATUS_COUNT), "unknown-status");
  ck_assert_str_eq(h2_status_name((h2_status)-1), "unknown-status");
  ck_assert_str_eq(h2_strerror((h2_status)1000), "unknown status");
  ck_assert_uint_eq(h2_status_scope((h2_status)1000), H2_SCOPE_NONE);
}
END_TEST

START_TEST(error_code_names) {
  static const char *const expect[] = {
      "NO_ERROR",
      "PROTOCOL_ERROR",
      "INTERNAL_ERROR",
      "FLOW_CONTROL_ERROR",
      "SETTINGS_TIMEOUT",
      "STREAM_CLOSED",
      "FRAME_SIZE_ERROR",
      "REFUSED_STREAM",
      "CANCEL",
      "COMPRESSION_ERROR",
      "CONNECT_ERROR",
      "ENHANCE_YOUR_CALM",
      "INADEQUATE_SECURITY",
      "HTTP_1_1_REQUIRED",
  };
  for (uint32_t c = 0; c <= 0xd; c++)
    ck_assert_str_eq(h2_error_code_name(c), expect[c]);
  ck_assert_ptr_null(h2_error_code_name(0xe));
  ck_assert_ptr_null(h2_error_code_name(0xffffffffu));
}
END_TEST

/* The RFC meaning of selected statuses, exactly. */
START_TEST(selected_defaults) {
  struct {
    h2_status s;
    const char *name;
    uint32_t code;
    uint8_t scope;
    const char *section;
  } cases[] = {
      {H2_OK, "ok", H2_NO_ERROR, H2_SCOPE_NONE, "h2scope API"},
      {H2_NEED_MORE, "need-more", H2_NO_ERROR, H2_SCOPE_NONE, "RFC 9113 §4.1"},
      {H2_E_BAD_PREFACE, "bad-preface", H2_PROTOCOL_ERROR, H2_SCOPE_CONNECTION, "RFC 9113 §3.4"},
      {H2_E_PADDING_TOO_LONG, "padding-too-long", H2_PROTOCOL_ERROR, H2_SCOPE_CONNECTION,
       "RFC 9113 §6.1"},
      {H2_E_FRAME_TOO_LARGE, "frame-too-large", H2_FRAME_SIZE_ERROR, H2_SCOPE_CONNECTION,
       "RFC 9113 §4.2"},
      {H2_E_SELF_DEPENDENCY, "self-dependency", H2_PROTOCOL_ERROR, H2_SCOPE_STREAM,
       "RFC 7540 §5.3.1"},
      {H2_E_SETTINGS_WINDOW_SIZE, "settings-window-size", H2_FLOW_CONTROL_ERROR,
       H2_SCOPE_CONNECTION, "RFC 9113 §6.5.2"},
      {H2_E_WINDOW_UPDATE_ZERO, "window-update-zero", H2_PROTOCOL_ERROR, H2_SCOPE_STREAM,
       "RFC 9113 §6.9"},
      {H2_E_PUSH_PROMISE_FROM_CLIENT, "push-promise-from-client", H2_PROTOCOL_ERROR,
       H2_SCOPE_CONNECTION, "RFC 9113 §8.4"},
      {H2_E_FIELD_BLOCK_TOO_LARGE, "field-block-too-large", H2_COMPRESSION_ERROR,
       H2_SCOPE_CONNECTION, "RFC 9113 §4.3"},
      {H2_E_HPACK_HUFFMAN, "hpack-huffman", H2_COMPRESSION_ERROR, H2_SCOPE_CONNECTION,
       "RFC 7541 §5.2"},
      {H2_E_HPACK_HEADER_LIST_TOO_LARGE, "header-list-too-large", H2_PROTOCOL_ERROR,
       H2_SCOPE_STREAM, "RFC 9113 §10.5.1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ck_assert_str_eq(h2_status_name(cases[i].s), cases[i].name);
    ck_assert_uint_eq(h2_status_code(cases[i].s), cases[i].code);
    ck_assert_uint_eq(h2_status_scope(cases[i].s), cases[i].scope);
    ck_assert_str_eq(h2_status_section(cases[i].s), cases[i].section);
  }
  ck_assert_str_eq(h2_strerror(H2_E_PADDING_TOO_LONG), "padding longer than the frame payload");
}
END_TEST

/* RFC 9113 §4.3: every HPACK decoding error is a COMPRESSION_ERROR connection
 * error, except the advisory header-list limit (stream-level, see error.c). */
START_TEST(hpack_statuses_are_compression_errors) {
  for (int s = H2_E_HPACK_TRUNCATED; s < H2_STATUS_COUNT; s++) {
    if (s == H2_E_HPACK_HEADER_LIST_TOO_LARGE) continue;
    ck_assert_uint_eq(h2_status_code((h2_status)s), H2_COMPRESSION_ERROR);
    ck_assert_uint_eq(h2_status_scope((h2_status)s), H2_SCOPE_CONNECTION);
    ck_assert_msg(strncmp(h2_status_section((h2_status)s), "RFC 7541 §", 11) == 0, "%s",
                  h2_status_section((h2_status)s));
  }
}
END_TEST

START_TEST(error_set_fills_everything) {
  h2_error e;
  memset(&e, 0xaa, sizeof e);
  ck_assert_int_eq(h2_error_set(&e, H2_E_SELF_DEPENDENCY, 12, 7), H2_E_SELF_DEPENDENCY);
  ck_assert_int_eq(e.status, H2_E_SELF_DEPENDENCY);
  ck_assert_uint_eq(e.code, H2_PROTOCOL_ERROR);
  ck_assert_uint_eq(e.scope, H2_SCOPE_STREAM);
  ck_assert_str_eq(e.section, "RFC 7540 §5.3.1");
  ck_assert_uint_eq(e.offset, 12);
  ck_assert_uint_eq(e.need, 0);
  ck_assert_uint_eq(e.stream_id, 7);

  /* A connection error is about stream 0 (§5.4.1). */
  ck_assert_int_eq(h2_error_set(&e, H2_E_HPACK_INDEX_ZERO, 3, 5), H2_E_HPACK_INDEX_ZERO);
  ck_assert_uint_eq(e.code, H2_COMPRESSION_ERROR);
  ck_assert_uint_eq(e.scope, H2_SCOPE_CONNECTION);
  ck_assert_str_eq(e.section, "RFC 7541 §6.1");
  ck_assert_uint_eq(e.offset, 3);
  ck_assert_uint_eq(e.stream_id, 0);

  /* NULL err is allowed: the status still comes back. */
  ck_assert_int_eq(h2_error_set(NULL, H2_E_BAD_PREFACE, 0, 0), H2_E_BAD_PREFACE);
}
END_TEST

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = fread(s, 1, (size_t)n, f);
  s[got] = '\0';
  fclose(f);
  return s;
}

/* True when the RFC text has a heading line "<num>.  " (e.g. "6.5.2.  "). */
static int has_heading(const char *text, const char *num) {
  char want[32];
  snprintf(want, sizeof want, "\n%s.  ", num);
  return strstr(text, want) != NULL;
}

/* Every "RFC 9113 §x" / "RFC 7541 §x" a status cites is a real section. */
START_TEST(sections_exist_in_rfc_text) {
  char *h2 = read_text(H2_SHARED_DIR "/spec/rfc9113.txt");
  char *hpack = read_text(H2_SHARED_DIR "/spec/hpack-rfc7541.txt");
  ck_assert_ptr_nonnull(h2);
  ck_assert_ptr_nonnull(hpack);
  int checked = 0;
  for (int s = 0; s < H2_STATUS_COUNT; s++) {
    const char *sec = h2_status_section((h2_status)s);
    const char *text = NULL;
    if (strncmp(sec, "RFC 9113 §", 11) == 0) text = h2;
    if (strncmp(sec, "RFC 7541 §", 11) == 0) text = hpack;
    if (!text) continue;
    ck_assert_msg(has_heading(text, sec + 11), "no section %s in the RFC text", sec);
    checked++;
  }
  ck_assert_int_eq(checked, 29); /* all but API, RFC 7540 and RFC 8441 ones */
  free(h2);
  free(hpack);
}
END_TEST

static Suite *error_suite(void) {
  Suite *s = suite_create("error");
  TCase *tc = tcase_create("table");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, every_status_has_name_words_section);
  tcase_add_test(tc, names_unique);
  tcase_add_test(tc, out_of_range_status);
  tcase_add_test(tc, error_code_names);
  tcase_add_test(tc, selected_defaults);
  tcase_add_test(tc, hpack_statuses_are_compression_errors);
  tcase_add_test(tc, error_set_fills_everything);
  tcase_add_test(tc, sections_exist_in_rfc_text);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(error_suite());
}
