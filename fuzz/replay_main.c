/* replay_main.c — a main() for builds without libFuzzer (gcc, or clang
 * without -fsanitize=fuzzer): runs LLVMFuzzerTestOneInput once over every
 * file named on the command line, descending into directories (files sorted
 * by name, hidden files skipped). ctest uses it to replay corpus/<target>/
 * under the sanitizers of the build, so the corpus is a regression suite.
 *
 *   replay_<target> [-v] [-q] FILE|DIR...
 *     -v  verbose: targets print what they decode (same as H2_FUZZ_VERBOSE=1)
 *     -q  do not name each file
 * Other arguments starting with '-' are ignored (libFuzzer flags), so the
 * same command line works with a libFuzzer binary. Exit status: 0 when every
 * input ran (a broken invariant aborts), 2 when no input was found. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_support.h"

/* Optional in a target; a weak reference is NULL when the target lacks it. */
extern int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int quiet = 0;
static size_t inputs_run = 0;

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  if (!buf) abort();
  size_t n;
  while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      cap *= 2;
      uint8_t *grown = realloc(buf, cap);
      if (!grown) abort();
      buf = grown;
    }
  }
  int read_error = ferror(f);
  fclose(f);
  if (read_error) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    return -1;
  }
  /* An exact-size copy so ASan sees reads past the end of the input. */
  uint8_t *input = malloc(len ? len : 1);
  if (!input) abort();
  if (len) memcpy(input, buf, len);
  free(buf);
  if (!quiet) fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
  LLVMFuzzerTestOneInput(len ? input : NULL, len);
  free(input);
  inputs_run++;
  return 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path);

static int run_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "replay: cannot open directory %s: %s\n", path, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t count = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (count == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) abort();
      names = grown;
    }
    size_t need = strlen(path) + strlen(e->d_name) + 2;
    names[count] = malloc(need);
    if (!names[count]) abort();
    snprintf(names[count], need, "%s/%s", path, e->d_name);
    count++;
  }
  closedir(d);
  if (count) qsort(names, count, sizeof *names, compare_names);
  int rc = 0;
  for (size_t i = 0; i < count; i++) {
    if (run_path(names[i]) != 0) rc = -1;
    free(names[i]);
  }
  free(names);
  return rc;
}

static int run_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (S_ISDIR(st.st_mode)) return run_dir(path);
  return run_file(path);
}

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0) {
      fuzz_set_verbose(true);
      continue;
    }
    if (strcmp(argv[i], "-q") == 0) {
      quiet = 1;
      continue;
    }
    if (argv[i][0] == '-') continue; /* a libFuzzer flag */
    if (run_path(argv[i]) != 0) rc = 1;
  }
  fprintf(stderr, "replay: %zu inputs run\n", inputs_run);
  if (inputs_run == 0) {
    fprintf(stderr, "replay: no input found (give files or directories)\n");
    return 2;
  }
  return rc;
}
