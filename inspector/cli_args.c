/* cli_args.c — option value parsing and usage errors (cli_args.h). */
#include "cli_args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commands.h"

bool cli_parse_u32(const char *prog, const char *opt, const char *text, uint32_t min, uint32_t max,
                   uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || end == text || *end || text[0] == '-' || v < min || v > max) {
    fprintf(stderr, "%s: %s needs a number from %u to %u, not '%s'\n", prog, opt, min, max, text);
    return false;
  }
  *out = (uint32_t)v;
  return true;
}

int cli_usage_error(const char *prog, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: ", prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, " (try '%s --help')\n", prog);
  return EXIT_USAGE;
}

bool cli_stdout_is_tty(void) {
  return isatty(STDOUT_FILENO) == 1;
}
