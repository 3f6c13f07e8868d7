/* check_cases.c — fuzz target for the check case language reader
 * (inspector/check/check_case_file.h): any bytes load or give one error that
 * names the file, a line and a column (or the file alone when it has no
 * case), never a crash; a file that loads is printed again and must load to
 * the same number of cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_case_file.h"
#include "fuzz_support.h"
#include "out_buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0; /* a case file, not a stress test of fgets */
  FILE *f = fmemopen((void *)data, size ? size : 1, "r");
  if (!f) return 0;
  if (!size) {
    fclose(f);
    return 0;
  }
  check_set s = {0};
  char err[512] = "";
  bool ok = check_file_load(&s, f, "f", err, sizeof err);
  fclose(f);
  if (!ok) {
    FUZZ_CHECK(!strncmp(err, "f:", 2), "error without the file name: %s", err);
    check_set_free(&s);
    return 0;
  }
  FILE *tmp = tmpfile();
  out_buf *o = malloc(sizeof *o);
  if (tmp && o) {
    out_init(o, fileno(tmp));
    for (size_t i = 0; i < s.n; i++)
      check_file_print(o, &s.items[i]);
    out_flush(o);
    rewind(tmp);
    check_set again = {0};
    bool ok2 = check_file_load(&again, tmp, "again", err, sizeof err);
    FUZZ_CHECK(ok2, "a printed file does not load: %s", err);
    FUZZ_CHECK(again.n == s.n, "%zu cases, printed and loaded %zu", s.n, again.n);
    for (size_t i = 0; i < s.n; i++)
      FUZZ_CHECK(!strcmp(s.items[i].id, again.items[i].id), "id %s became %s", s.items[i].id,
                 again.items[i].id);
    check_set_free(&again);
  }
  if (tmp) fclose(tmp);
  free(o);
  check_set_free(&s);
  return 0;
}
