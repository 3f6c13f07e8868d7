/* test_get_body.c — get's ordered response output (get_body.c): bodies come
 * out in response order whatever order they arrive in; a held-back body
 * stays in memory up to GET_BODY_MEM_MAX bytes and moves to a file under
 * $TMPDIR past it; a failed output or a missing temporary directory is
 * reported, not ignored. */
#include <check.h>

#include "run_suite.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "get_body.h"
#include "out_buf.h"

/* The output goes to a temporary file, read back whole (caller frees). */
static char *read_back(FILE *sink, out_buf *out, size_t *len) {
  out_flush(out);
  off_t n = lseek(fileno(sink), 0, SEEK_END);
  ck_assert_int_ge(n, 0);
  char *s = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(pread(fileno(sink), s, (size_t)n, 0), n);
  s[n] = 0;
  *len = (size_t)n;
  return s;
}

START_TEST(order_of_arrival_does_not_matter) {
  FILE *sink = tmpfile();
  ck_assert_ptr_nonnull(sink);
  out_buf out;
  out_init(&out, fileno(sink));
  get_body *b = get_body_new(3, &out);
  ck_assert_ptr_nonnull(b);
  size_t big = GET_BODY_MEM_MAX + 40000; /* response 2 moves to a file */
  char *c = malloc(big);
  ck_assert_ptr_nonnull(c);
  memset(c, 'c', big);
  ck_assert(get_body_write(b, 2, c, big));
  ck_assert(get_body_write(b, 1, "b1", 2));
  ck_assert(get_body_write(b, 0, "a1", 2));
  ck_assert(get_body_end(b, 1)); /* complete, but not its turn yet */
  ck_assert(get_body_write(b, 0, "a2", 2));
  ck_assert(get_body_end(b, 0)); /* 1 follows, then 2's held bytes */
  ck_assert(get_body_write(b, 2, "C", 1));
  ck_assert(get_body_end(b, 2));
  ck_assert(get_body_end(b, 2)); /* twice is harmless */
  ck_assert(get_body_flush(b));
  size_t len;
  char *got = read_back(sink, &out, &len);
  ck_assert_uint_eq(len, 6 + big + 1);
  ck_assert(memcmp(got, "a1a2b1", 6) == 0);
  ck_assert(memcmp(got + 6, c, big) == 0);
  ck_assert_int_eq(got[6 + big], 'C');
  free(got);
  free(c);
  get_body_free(b);
  fclose(sink);
}
END_TEST

START_TEST(memory_then_file) {
  char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
  setenv("TMPDIR", "/nonexistent-h2scope-dir", 1);
  FILE *sink = tmpfile();
  ck_assert_ptr_nonnull(sink);
  out_buf out;
  out_init(&out, fileno(sink));
  get_body *b = get_body_new(2, &out);
  ck_assert_ptr_nonnull(b);
  char *held = calloc(1, GET_BODY_MEM_MAX);
  ck_assert_ptr_nonnull(held);
  /* up to the limit in memory: no file needed */
  ck_assert(get_body_write(b, 1, held, GET_BODY_MEM_MAX));
  /* one byte more needs the file, and $TMPDIR does not exist */
  ck_assert(!get_body_write(b, 1, "x", 1));
  free(held);
  get_body_free(b);
  fclose(sink);
  if (old)
    setenv("TMPDIR", old, 1);
  else
    unsetenv("TMPDIR");
  free(old);
}
END_TEST

START_TEST(closed_output_is_reported) {
  signal(SIGPIPE, SIG_IGN);
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  close(p[0]);
  out_buf out;
  out_init(&out, p[1]);
  get_body *b = get_body_new(1, &out);
  ck_assert_ptr_nonnull(b);
  ck_assert(get_body_write(b, 0, "body", 4)); /* buffered so far */
  ck_assert(!get_body_flush(b));
  ck_assert(!get_body_write(b, 0, "more", 4));
  get_body_free(b);
  close(p[1]);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("get_body");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, order_of_arrival_does_not_matter);
  tcase_add_test(tc, memory_then_file);
  tcase_add_test(tc, closed_output_is_reported);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(suite());
}
