/* test_hpack_generated_tables.c — the committed HPACK data files (Huffman code,
 * Huffman decoding tables, static table) are exactly what
 * codec/tools/gen_hpack_tables.py writes from the RFC 7541 text: regenerates
 * them into a temporary folder and compares byte for byte, so nobody can edit
 * a generated file by hand or change the generator without regenerating. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vectors.h"

static const char *const generated[] = {"huffman_table.c", "huffman_decode_table.c",
                                        "huffman_fast_table.c", "huffman_decode_table.h",
                                        "hpack_static_table.c"};

START_TEST(generated_files_are_up_to_date) {
  char dir[] = "/tmp/h2scope-gen-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "python3 '%s/codec/tools/gen_hpack_tables.py' '%s/spec/hpack-rfc7541.txt' '%s' "
           ">/dev/null",
           H2_SOURCE_DIR, H2_SHARED_DIR, dir);
  ck_assert_msg(system(cmd) == 0, "generator failed: %s", cmd);
  for (size_t i = 0; i < sizeof generated / sizeof *generated; i++) {
    char fresh_path[512], committed_path[512];
    snprintf(fresh_path, sizeof fresh_path, "%s/%s", dir, generated[i]);
    snprintf(committed_path, sizeof committed_path, "%s/codec/src/%s", H2_SOURCE_DIR, generated[i]);
    size_t fresh_len, committed_len;
    char *fresh = vectors_read_file(fresh_path, &fresh_len);
    char *committed = vectors_read_file(committed_path, &committed_len);
    ck_assert_msg(fresh != NULL, "generator wrote no %s", generated[i]);
    ck_assert_msg(committed != NULL, "cannot read %s", committed_path);
    ck_assert_msg(fresh_len == committed_len && memcmp(fresh, committed, fresh_len) == 0,
                  "codec/src/%s differs from the generator's output: rerun "
                  "python3 codec/tools/gen_hpack_tables.py",
                  generated[i]);
    free(fresh);
    free(committed);
    unlink(fresh_path);
  }
  ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("hpack_generated_tables");
  TCase *t = tcase_create("generated");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, generated_files_are_up_to_date);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
