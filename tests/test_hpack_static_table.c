/* test_hpack_static_table.c — the static table (RFC 7541 Appendix A) against
 * the RFC text, and h2_hpack_static_find against a linear search (also for
 * near misses of every name). */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/hpack.h"
#include "vectors.h"

/* Rows look like "          | 16    | accept-encoding             | gzip, deflate |". */
START_TEST(entries_match_rfc_text) {
  size_t len;
  char *text = vectors_read_file(H2_SHARED_DIR "/spec/hpack-rfc7541.txt", &len);
  ck_assert_ptr_nonnull(text);
  char *p = strstr(text, "Appendix A.  Static Table Definition");
  ck_assert_ptr_nonnull(p);
  p = strstr(p + 1, "Appendix A.  Static Table Definition"); /* skip the table of contents */
  ck_assert_ptr_nonnull(p);
  uint32_t next = 1;
  while (next <= 61 && (p = strstr(p, "\n          | ")) != NULL) {
    p += 13;
    char *end = strchr(p, '\n');
    char cells[3][64];
    int ncell = 0;
    char *c = p;
    while (ncell < 3 && c < end) {
      char *bar = memchr(c, '|', (size_t)(end - c));
      if (!bar) break;
      char *a = c, *b = bar;
      while (a < b && *a == ' ')
        a++;
      while (b > a && b[-1] == ' ')
        b--;
      snprintf(cells[ncell++], sizeof cells[0], "%.*s", (int)(b - a), a);
      c = bar + 1;
    }
    if (ncell != 3 || (uint32_t)atoi(cells[0]) != next) continue;
    const h2_hpack_static_entry *e = h2_hpack_static_get(next);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->name_len, strlen(cells[1]));
    ck_assert_mem_eq(e->name, cells[1], e->name_len);
    ck_assert_uint_eq(e->value_len, strlen(cells[2]));
    ck_assert_mem_eq(e->value, cells[2], e->value_len);
    next++;
  }
  ck_assert_uint_eq(next, 62);
  ck_assert_ptr_null(h2_hpack_static_get(0));
  ck_assert_ptr_null(h2_hpack_static_get(62));
  free(text);
}
END_TEST

START_TEST(find_agrees_with_linear_search) {
  for (uint32_t i = 1; i <= 61; i++) {
    const h2_hpack_static_entry *e = h2_hpack_static_get(i);
    bool exact;
    uint32_t got = h2_hpack_static_find(e->name, e->name_len, e->value, e->value_len, &exact);
    ck_assert(exact);
    ck_assert_uint_eq(got, i);
    uint32_t first = 0;
    for (uint32_t k = 1; k <= 61 && !first; k++) {
      const h2_hpack_static_entry *x = h2_hpack_static_get(k);
      if (x->name_len == e->name_len && memcmp(x->name, e->name, e->name_len) == 0) first = k;
    }
    got = h2_hpack_static_find(e->name, e->name_len, "\x01no-such-value", 14, &exact);
    ck_assert(!exact);
    ck_assert_uint_eq(got, first);
  }
  bool exact;
  ck_assert_uint_eq(h2_hpack_static_find("x-custom", 8, "", 0, &exact), 0);
  ck_assert_uint_eq(h2_hpack_static_find("", 0, "", 0, &exact), 0);
  ck_assert_uint_eq(h2_hpack_static_find(":Method", 7, "GET", 3, &exact), 0); /* case matters */
}
END_TEST

/* The first index with this name by scanning Appendix A, 0 if none. */
static uint32_t linear_name_find(const char *name, size_t len) {
  for (uint32_t k = 1; k <= 61; k++) {
    const h2_hpack_static_entry *x = h2_hpack_static_get(k);
    if (x->name_len == len && memcmp(x->name, name, len) == 0) return k;
  }
  return 0;
}

/* The lookup hashes a name's length, second and last byte to one candidate:
 * names that land on a static name's slot without being it (one byte changed
 * anywhere — in the middle the hash cannot see it —, one byte more or less,
 * one byte long) must not be taken for it. */
START_TEST(find_rejects_near_names) {
  static const char repl[] = {'a', 'x', '-', ':', 'E', '\0', '\xff'};
  char buf[64];
  bool exact;
  for (uint32_t i = 1; i <= 61; i++) {
    const h2_hpack_static_entry *e = h2_hpack_static_get(i);
    for (size_t at = 0; at < e->name_len; at++)
      for (size_t r = 0; r < sizeof repl; r++) {
        memcpy(buf, e->name, e->name_len);
        buf[at] = repl[r];
        ck_assert_uint_eq(h2_hpack_static_find(buf, e->name_len, "", 0, &exact),
                          linear_name_find(buf, e->name_len));
      }
    memcpy(buf, e->name, e->name_len);
    buf[e->name_len] = 's';
    ck_assert_uint_eq(h2_hpack_static_find(buf, e->name_len + 1, "", 0, &exact),
                      linear_name_find(buf, e->name_len + 1));
    ck_assert_uint_eq(h2_hpack_static_find(buf, e->name_len - 1, "", 0, &exact),
                      linear_name_find(buf, e->name_len - 1));
    ck_assert_uint_eq(h2_hpack_static_find(e->name, 1, "", 0, &exact), 0);
  }
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("hpack_static_table");
  TCase *t = tcase_create("static");
  tcase_add_test(t, entries_match_rfc_text);
  tcase_add_test(t, find_agrees_with_linear_search);
  tcase_add_test(t, find_rejects_near_names);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
