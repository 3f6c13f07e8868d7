/* cli_args.c — the shared option parser: getopt_long with the messages,
 * --help and value checks every command uses (cli_args.h). */
#include "cli_args.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "h2/cursor.h"

__attribute__((format(printf, 2, 0))) static void vusage_error(const char *prog, const char *fmt,
                                                               va_list ap) {
  fprintf(stderr, "%s: ", prog);
  vfprintf(stderr, fmt, ap);
  /* Exactly one hint line, the same for every command. */
  fprintf(stderr, "\nTry '%s --help'.\n", prog);
}

int cli_usage_error(const char *prog, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vusage_error(prog, fmt, ap);
  va_end(ap);
  return EXIT_USAGE;
}

int cli_error(const cli_parser *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vusage_error(p->prog, fmt, ap);
  va_end(ap);
  return EXIT_USAGE;
}

void cli_parser_init(cli_parser *p, const char *prog, const char *usage, const char *shortopts,
                     const struct option *longopts, int argc, char **argv) {
  memset(p, 0, sizeof *p);
  p->prog = prog;
  p->usage = usage;
  p->longopts = longopts;
  p->argc = argc;
  p->argv = argv;
  /* ':' first: a missing value is reported as ':' (not '?'), and getopt
   * itself prints nothing; the messages are ours. */
  snprintf(p->shortopts, sizeof p->shortopts, ":%sh", shortopts);
  optind = 0; /* glibc: 0 restarts the scan from scratch (a test may parse twice) */
  opterr = 0;
}

/* The long option whose val is v, for messages about "--name". */
static const char *long_name(const cli_parser *p, int v) {
  for (const struct option *o = p->longopts; o && o->name; o++)
    if (o->val == v) return o->name;
  return NULL;
}

/* How many long options start with `name` (getopt_long accepts unique
 * abbreviations; more than one match is an ambiguous one). */
static int prefix_matches(const cli_parser *p, const char *name) {
  int n = 0;
  for (const struct option *o = p->longopts; o && o->name; o++)
    n += !strncmp(o->name, name, strlen(name));
  return n;
}

/* The argument getopt just looked at, as the user wrote it (up to '='). */
static void written_name(const cli_parser *p, char *buf, size_t cap) {
  const char *a = optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "";
  snprintf(buf, cap, "%.*s", (int)strcspn(a, "="), a);
}

int cli_next(cli_parser *p) {
  int idx = -1;
  int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, &idx);
  p->arg = optarg;
  if (c == -1) return CLI_END;
  if (c == '?' || c == ':') {
    /* getopt's optopt says which option: 0 for an unknown long one, a short
     * option's letter, or the val of a long option given a value it does not
     * take. A missing value can only be at the end of argv, so there
     * argv[optind - 1] is the option as written. */
    char as_written[64];
    written_name(p, as_written, sizeof as_written);
    bool short_known = optopt > 0 && optopt < 256 && strchr(p->shortopts + 1, optopt);
    p->status = EXIT_USAGE;
    if (c == ':' && !strncmp(as_written, "--", 2)) {
      const char *ln = long_name(p, optopt);
      cli_error(p, "option '--%s' needs a value", ln ? ln : as_written + 2);
    } else if (c == ':') {
      cli_error(p, "option '-%c' needs a value", optopt);
    } else if (optopt >= 256 || short_known) {
      const char *ln = long_name(p, optopt);
      cli_error(p, "option '--%s' takes no value", ln ? ln : "?");
    } else if (optopt) {
      cli_error(p, "unknown option '-%c'", optopt);
    } else if (prefix_matches(p, as_written + 2) > 1) {
      cli_error(p, "option '%s' is ambiguous (an abbreviation of more than one option)",
                as_written);
    } else {
      cli_error(p, "unknown option '%s'", as_written);
    }
    return CLI_EXIT;
  }
  if (idx >= 0)
    snprintf(p->name, sizeof p->name, "--%s", p->longopts[idx].name);
  else
    snprintf(p->name, sizeof p->name, "-%c", c);
  if (c == 'h') {
    fputs(p->usage, stdout);
    p->status = EXIT_OK;
    return CLI_EXIT;
  }
  return c;
}

int cli_operands(const cli_parser *p) {
  (void)p;
  return optind;
}

static bool bad_value(cli_parser *p, const char *what) {
  p->status = cli_error(p, "%s needs %s, not '%s'", p->name, what, p->arg ? p->arg : "");
  return false;
}

bool cli_parse_u32(const char *prog, const char *opt, const char *text, uint32_t min, uint32_t max,
                   uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || end == text || *end || text[0] == '-' || text[0] == '+' || text[0] == ' ' ||
      v < min || v > max) {
    cli_usage_error(prog, "%s needs a number from %u to %u, not '%s'", opt, min, max, text);
    return false;
  }
  *out = (uint32_t)v;
  return true;
}

bool cli_u32(cli_parser *p, uint32_t min, uint32_t max, uint32_t *out) {
  if (!cli_parse_u32(p->prog, p->name, p->arg ? p->arg : "", min, max, out)) {
    p->status = EXIT_USAGE;
    return false;
  }
  return true;
}

bool cli_parse_size(const char *text, uint64_t unit, uint64_t *out) {
  if (text[0] < '0' || text[0] > '9') return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  unsigned shift = 0;
  switch (*end) {
  case 'k':
  case 'K':
    shift = 10;
    break;
  case 'm':
  case 'M':
    shift = 20;
    break;
  case 'g':
  case 'G':
    shift = 30;
    break;
  }
  uint64_t scale = shift ? (uint64_t)1 << shift : unit;
  if (shift) end++;
  if (errno || *end || (scale && v > UINT64_MAX / scale)) return false;
  *out = v * scale;
  return true;
}

bool cli_size_in(cli_parser *p, uint64_t unit, uint64_t min, uint64_t max, uint64_t *out) {
  uint64_t v;
  char what[128];
  snprintf(what, sizeof what, "a size from %llu to %llu (k, M, G: 1024, 1024^2, 1024^3%s)",
           (unsigned long long)min, (unsigned long long)max,
           unit == 1024 ? "; a bare number is KiB" : "");
  if (!p->arg || !cli_parse_size(p->arg, unit, &v) || v < min || v > max) return bad_value(p, what);
  *out = v;
  return true;
}

bool cli_size(cli_parser *p, uint64_t min, uint64_t max, uint64_t *out) {
  return cli_size_in(p, 1, min, max, out);
}

bool cli_size32(cli_parser *p, uint32_t min, uint32_t max, uint32_t *out) {
  uint64_t v;
  if (!cli_size(p, min, max, &v)) return false;
  *out = (uint32_t)v;
  return true;
}

bool cli_parse_duration(const char *text, double *seconds, bool *has_unit) {
  char *end;
  if (!((text[0] >= '0' && text[0] <= '9') || text[0] == '.')) return false;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || !isfinite(v)) return false;
  double scale = 1;
  *has_unit = *end != '\0';
  if (!strcmp(end, "ms"))
    scale = 0.001;
  else if (!strcmp(end, "m"))
    scale = 60;
  else if (*end && strcmp(end, "s") != 0)
    return false;
  *seconds = v * scale;
  return true;
}

bool cli_duration(cli_parser *p, double min_s, double max_s, double *seconds) {
  double v;
  bool unit;
  char what[96];
  snprintf(what, sizeof what, "a duration %s %gs to %gs (units ms, s, m; default s)",
           min_s > 0 ? "from" : "over", min_s, max_s);
  if (!p->arg || !cli_parse_duration(p->arg, &v, &unit) || v > max_s || v < min_s ||
      (min_s == 0 && v <= 0))
    return bad_value(p, what);
  *seconds = v;
  return true;
}

bool cli_color_when(cli_parser *p, bool no_color, int *when) {
  if (no_color || (p->arg && !strcmp(p->arg, "never")))
    *when = 0;
  else if (!p->arg || !strcmp(p->arg, "always"))
    *when = 1;
  else if (!strcmp(p->arg, "auto"))
    *when = -1;
  else
    return bad_value(p, "always, never or auto");
  return true;
}

bool cli_use_color(int when, int fd) {
  if (when >= 0) return when == 1; /* an explicit option beats NO_COLOR (no-color.org) */
  const char *nc = getenv("NO_COLOR");
  return isatty(fd) == 1 && !(nc && *nc);
}

bool cli_output_writable(const char *prog, const char *opt, const char *path) {
  if (!strcmp(path, "-")) return true;
  struct stat st;
  bool existed = stat(path, &st) == 0;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 || (existed && S_ISDIR(st.st_mode))) {
    fprintf(stderr, "%s: %s %s: %s\n", prog, opt, path, strerror(fd < 0 ? errno : EISDIR));
    if (fd >= 0) close(fd);
    return false;
  }
  close(fd);
  if (!existed) unlink(path); /* the command writes it when it has something to write */
  return true;
}

bool cli_input_readable(const char *prog, const char *opt, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  int err = fd < 0 ? errno : fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
  if (fd >= 0) close(fd);
  if (err) fprintf(stderr, "%s: %s %s: %s\n", prog, opt, path, strerror(err));
  return err == 0;
}

/* The first four bytes of a pcap file (microsecond and nanosecond
 * timestamps, either byte order) or a pcapng Section Header Block. */
bool cli_is_capture_file(const void *p, size_t n) {
  static const uint32_t magic[] = {0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a};
  h2_cursor c = h2_cursor_make(p, n);
  uint32_t v;
  if (!h2_cursor_get_u32(&c, &v)) return false;
  for (size_t i = 0; i < sizeof magic / sizeof *magic; i++)
    if (v == magic[i]) return true;
  return false;
}

bool cli_host_port(const char *text, char *buf, size_t cap, const char **host, const char **port) {
  if (snprintf(buf, cap, "%s", text) >= (int)cap) return false;
  char *colon = strrchr(buf, ':');
  if (!colon || !colon[1]) return false;
  *colon = 0;
  *port = colon + 1;
  *host = buf;
  if (strspn(*port, "0123456789") != strlen(*port) || strlen(*port) > 5 || atoi(*port) < 1 ||
      atoi(*port) > 65535)
    return false;
  if (buf[0] == '[') {
    size_t n = strlen(buf);
    if (n < 2 || buf[n - 1] != ']') return false;
    buf[n - 1] = 0;
    *host = buf + 1;
  }
  return (*host)[0] != 0;
}
