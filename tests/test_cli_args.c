/* test_cli_args.c — the shared option parser (inspector/cli/cli_args.c): both
 * spellings of a value (--opt=value, --opt value), bundled short flags,
 * options after operands, "--", the usage errors (missing value, unknown
 * option, a value given to a flag) with their message and one hint line,
 * numbers, sizes (k/M/G) and durations (ms/s/m) with their limits, the
 * colour switch, capture-file magics and the output/input file checks. */
#include <check.h>

#include "run_suite.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"

enum { OPT_JSON = CLI_LONG_ONLY, OPT_PORT, OPT_COLOR, OPT_SIZE, OPT_SIZE_LIMIT, OPT_TIME };

static const struct option opts[] = {
    CLI_OPTION_HELP,
    {"json", no_argument, NULL, OPT_JSON},
    {"port", required_argument, NULL, OPT_PORT},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"size", required_argument, NULL, OPT_SIZE},
    {"size-limit", required_argument, NULL, OPT_SIZE_LIMIT},
    {"time", required_argument, NULL, OPT_TIME},
    {"quiet", no_argument, NULL, 'q'},
    {NULL, 0, NULL, 0},
};

/* What one parse saw: the options in order (one letter each: J json, P
 * port, q, v, t), the values, the operands, and stderr. */
typedef struct parse_result {
  char seen[32];
  char values[8][64];
  char operands[8][64];
  int noperands;
  int status; /* -1: parsed to the end */
  char err[1024];
} parse_result;

static void parse(parse_result *r, const char *const *args) {
  char *argv[32];
  char store[32][64];
  int argc = 0;
  strcpy(store[argc], "test");
  argv[argc] = store[argc];
  argc++;
  for (; args[argc - 1]; argc++) {
    snprintf(store[argc], sizeof store[argc], "%s", args[argc - 1]);
    argv[argc] = store[argc];
  }
  argv[argc] = NULL;
  memset(r, 0, sizeof *r);
  r->status = -1;
  fflush(stderr);
  FILE *errf = tmpfile();
  ck_assert_ptr_nonnull(errf);
  int saved = dup(STDERR_FILENO);
  dup2(fileno(errf), STDERR_FILENO);
  cli_parser p;
  cli_parser_init(&p, "h2scope test", "usage text\n", "qvt:", opts, argc, argv);
  size_t n = 0;
  for (int c; (c = cli_next(&p)) != CLI_END && n < 8;) {
    if (c == CLI_EXIT) {
      r->status = p.status;
      break;
    }
    r->seen[n] = c == OPT_JSON ? 'J' : c == OPT_PORT ? 'P' : c == OPT_COLOR ? 'C' : (char)c;
    snprintf(r->values[n], sizeof r->values[n], "%s", p.arg ? p.arg : "(none)");
    n++;
  }
  if (r->status == -1)
    for (int i = cli_operands(&p); i < argc && r->noperands < 8; i++)
      snprintf(r->operands[r->noperands++], 64, "%s", argv[i]);
  fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  size_t got = fread(r->err, 1, sizeof r->err - 1, (rewind(errf), errf));
  r->err[got] = '\0';
  fclose(errf);
}

#define HINT "Try 'h2scope test --help'.\n"

START_TEST(both_spellings_and_bundles) {
  parse_result r;
  parse(&r, (const char *[]){"file1", "--port=80", "-qv", "--json", "-t", "a", "file2", NULL});
  ck_assert_str_eq(r.seen, "PqvJt");
  ck_assert_str_eq(r.values[0], "80");
  ck_assert_str_eq(r.values[4], "a");
  ck_assert_int_eq(r.noperands, 2); /* options after operands still work */
  ck_assert_str_eq(r.operands[0], "file1");
  ck_assert_str_eq(r.operands[1], "file2");
  parse(&r, (const char *[]){"--port", "81", "-qta", NULL});
  ck_assert_str_eq(r.seen, "Pqt");
  ck_assert_str_eq(r.values[0], "81");
  ck_assert_str_eq(r.values[2], "a");
  ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(double_dash_ends_options) {
  parse_result r;
  parse(&r, (const char *[]){"-q", "--", "--json", "-v", NULL});
  ck_assert_str_eq(r.seen, "q");
  ck_assert_int_eq(r.noperands, 2);
  ck_assert_str_eq(r.operands[0], "--json");
  ck_assert_str_eq(r.operands[1], "-v");
}
END_TEST

START_TEST(usage_errors) {
  parse_result r;
  parse(&r, (const char *[]){"--port", NULL});
  ck_assert_int_eq(r.status, EXIT_USAGE);
  ck_assert_str_eq(r.err, "h2scope test: option '--port' needs a value\n" HINT);
  parse(&r, (const char *[]){"-t", NULL});
  ck_assert_str_eq(r.err, "h2scope test: option '-t' needs a value\n" HINT);
  parse(&r, (const char *[]){"--bogus=1", NULL});
  ck_assert_int_eq(r.status, EXIT_USAGE);
  ck_assert_str_eq(r.err, "h2scope test: unknown option '--bogus'\n" HINT);
  parse(&r, (const char *[]){"-qx", NULL});
  ck_assert_str_eq(r.err, "h2scope test: unknown option '-x'\n" HINT);
  /* an unknown letter inside a bundle, after a long option */
  parse(&r, (const char *[]){"--json", "-xq", NULL});
  ck_assert_str_eq(r.err, "h2scope test: unknown option '-x'\n" HINT);
  parse(&r, (const char *[]){"--json", "-vt", NULL});
  ck_assert_str_eq(r.err, "h2scope test: option '-t' needs a value\n" HINT);
  parse(&r, (const char *[]){"--json=yes", NULL});
  ck_assert_str_eq(r.err, "h2scope test: option '--json' takes no value\n" HINT);
  parse(&r, (const char *[]){"--s", NULL}); /* --size or --size-limit */
  ck_assert_int_eq(r.status, EXIT_USAGE);
  ck_assert_str_eq(r.err, "h2scope test: option '--s' is ambiguous (an abbreviation of more "
                          "than one option)\n" HINT);
  parse(&r, (const char *[]){"--jso", "--po=1", NULL}); /* unique abbreviations */
  ck_assert_str_eq(r.seen, "JP");
  ck_assert_str_eq(r.err, "");
  parse(&r, (const char *[]){"--quiet=1", NULL});
  ck_assert_str_eq(r.err, "h2scope test: option '--quiet' takes no value\n" HINT);
}
END_TEST

START_TEST(help_ends_with_status_0) {
  parse_result r;
  parse(&r, (const char *[]){"--json", "--help", "--bogus", NULL});
  ck_assert_int_eq(r.status, EXIT_OK);
  ck_assert_str_eq(r.err, "");
}
END_TEST

/* Runs one value check for option `name` with value `text`. */
static bool value_check(int kind, const char *text, uint64_t *u, double *d, char *err, size_t cap) {
  char a0[] = "x";
  char *argv[] = {a0, NULL};
  cli_parser p;
  cli_parser_init(&p, "h2scope test", "", "", opts, 1, argv);
  snprintf(p.name, sizeof p.name, "--opt");
  char buf[64];
  snprintf(buf, sizeof buf, "%s", text);
  p.arg = buf;
  fflush(stderr);
  FILE *errf = tmpfile();
  int saved = dup(STDERR_FILENO);
  dup2(fileno(errf), STDERR_FILENO);
  bool ok;
  uint32_t v32 = 0;
  if (kind == 'n') {
    ok = cli_u32(&p, 1, 65535, &v32);
    *u = v32;
  } else if (kind == 's') {
    ok = cli_size(&p, 1, 1ull << 32, u);
  } else {
    ok = cli_duration(&p, 0, 600, d);
  }
  fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  rewind(errf);
  size_t got = fread(err, 1, cap - 1, errf);
  err[got] = '\0';
  fclose(errf);
  if (!ok) ck_assert_int_eq(p.status, EXIT_USAGE);
  return ok;
}

START_TEST(numbers) {
  uint64_t u;
  double d;
  char err[512];
  ck_assert(value_check('n', "80", &u, &d, err, sizeof err));
  ck_assert_uint_eq(u, 80);
  const char *bad[] = {"80x", "abc", "", " 80", "+80", "-1", "0", "65536", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    ck_assert_msg(!value_check('n', bad[i], &u, &d, err, sizeof err), "accepted '%s'", bad[i]);
    char want[200];
    snprintf(want, sizeof want, "h2scope test: --opt needs a number from 1 to 65535, not '%s'\n",
             bad[i]);
    ck_assert_str_eq(err, strcat(want, HINT));
  }
}
END_TEST

START_TEST(sizes) {
  uint64_t u;
  double d;
  char err[512];
  struct {
    const char *text;
    uint64_t want;
  } good[] = {{"1", 1}, {"64k", 65536}, {"64K", 65536}, {"3M", 3u << 20}, {"4G", 1ull << 32}};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    ck_assert_msg(value_check('s', good[i].text, &u, &d, err, sizeof err), "%s", good[i].text);
    ck_assert_uint_eq(u, good[i].want);
  }
  const char *bad[] = {"0", "5G", "1.5k", "12x", "k", "-1", "0x10", "1kk", "17179869184G"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    ck_assert_msg(!value_check('s', bad[i], &u, &d, err, sizeof err), "accepted '%s'", bad[i]);
    ck_assert_msg(strstr(err, "--opt needs a size") && strstr(err, bad[i]), "%s", err);
  }
}
END_TEST

START_TEST(buffer_size_like_tcpdump) {
  /* read -B: KiB like tcpdump's, or with a unit; the command bounds it to 64 KiB - 1 GiB */
  uint64_t b = 0;
  ck_assert(cli_parse_size("2048", 1024, &b) && b == 2048u * 1024);
  ck_assert(cli_parse_size("64k", 1024, &b) && b == 64u * 1024);
  ck_assert(cli_parse_size("32m", 1024, &b) && b == 32u * 1024 * 1024);
  ck_assert(cli_parse_size("1G", 1024, &b) && b == 1024u * 1024 * 1024);
  const char *bad[] = {"", "m", "-5", "+5", "12q", "1mb", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(!cli_parse_size(bad[i], 1024, &b), "accepted '%s'", bad[i]);
  char *ok[] = {"h2scope", "-B", "32m"}, *small[] = {"h2scope", "-B", "63"},
       *big[] = {"h2scope", "-B", "2g"};
  char **argvs[] = {ok, small, big};
  for (int k = 0; k < 3; k++) {
    const struct option none[] = {CLI_OPTION_HELP, {NULL, 0, NULL, 0}};
    cli_parser p;
    cli_parser_init(&p, "h2scope read", "usage", "B:", none, 3, argvs[k]);
    ck_assert_int_eq(cli_next(&p), 'B');
    ck_assert(cli_size_in(&p, 1024, 64 << 10, 1 << 30, &b) == (k == 0));
  }
}
END_TEST

START_TEST(durations) {
  uint64_t u;
  double d;
  char err[512];
  struct {
    const char *text;
    double want;
  } good[] = {{"2", 2}, {"1.5", 1.5}, {"250ms", 0.25}, {"3s", 3}, {"2m", 120}, {".5", 0.5}};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    ck_assert_msg(value_check('d', good[i].text, &u, &d, err, sizeof err), "%s", good[i].text);
    ck_assert_double_eq_tol(d, good[i].want, 1e-9);
  }
  const char *bad[] = {"0", "0ms", "-1", "5x", "abc", "11m", "1h", "nan", "inf", "1e999", ""};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    ck_assert_msg(!value_check('d', bad[i], &u, &d, err, sizeof err), "accepted '%s'", bad[i]);
    ck_assert_msg(strstr(err, "--opt needs a duration"), "%s", err);
  }
  bool unit;
  ck_assert(cli_parse_duration("3000", &d, &unit) && !unit && d == 3000);
  ck_assert(cli_parse_duration("3000ms", &d, &unit) && unit && d == 3);
}
END_TEST

START_TEST(color_switch) {
  char a0[] = "x";
  char *argv[] = {a0, NULL};
  cli_parser p;
  cli_parser_init(&p, "h2scope test", "", "", opts, 1, argv);
  int when = 5;
  p.arg = NULL;
  ck_assert(cli_color_when(&p, false, &when) && when == 1);
  ck_assert(cli_color_when(&p, true, &when) && when == 0);
  char never[] = "never", autov[] = "auto", always[] = "always";
  p.arg = never;
  ck_assert(cli_color_when(&p, false, &when) && when == 0);
  p.arg = autov;
  ck_assert(cli_color_when(&p, false, &when) && when == -1);
  p.arg = always;
  ck_assert(cli_color_when(&p, false, &when) && when == 1);
  /* An explicit choice beats NO_COLOR; auto never colours a non-terminal. */
  setenv("NO_COLOR", "1", 1);
  ck_assert(cli_use_color(1, STDOUT_FILENO));
  ck_assert(!cli_use_color(0, STDOUT_FILENO));
  int fd = fileno(tmpfile());
  ck_assert(!cli_use_color(-1, fd));
  unsetenv("NO_COLOR");
}
END_TEST

START_TEST(capture_magics) {
  const unsigned char pcap_le[] = {0xd4, 0xc3, 0xb2, 0xa1}, pcap_be[] = {0xa1, 0xb2, 0xc3, 0xd4},
                      ns_le[] = {0x4d, 0x3c, 0xb2, 0xa1}, ns_be[] = {0xa1, 0xb2, 0x3c, 0x4d},
                      pcapng[] = {0x0a, 0x0d, 0x0d, 0x0a};
  ck_assert(cli_is_capture_file(pcap_le, 4));
  ck_assert(cli_is_capture_file(pcap_be, 4));
  ck_assert(cli_is_capture_file(ns_le, 4));
  ck_assert(cli_is_capture_file(ns_be, 4));
  ck_assert(cli_is_capture_file(pcapng, 4));
  ck_assert(!cli_is_capture_file(pcapng, 3));
  ck_assert(!cli_is_capture_file("PRI * HTTP/2.0", 14)); /* the client preface */
  const unsigned char settings[] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
  ck_assert(!cli_is_capture_file(settings, sizeof settings));
}
END_TEST

START_TEST(output_and_input_files) {
  char dir[] = "/tmp/h2scope-cli-args-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[256], missing[256];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  snprintf(missing, sizeof missing, "%s/no-such-dir/out.txt", dir);
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  int devnull = open("/dev/null", O_WRONLY);
  dup2(devnull, STDERR_FILENO);
  ck_assert(cli_output_writable("t", "--out", "-"));
  ck_assert(cli_output_writable("t", "--out", path));
  ck_assert_int_ne(access(path, F_OK), 0); /* the check leaves no file behind */
  FILE *f = fopen(path, "w");
  fputs("kept", f);
  fclose(f);
  ck_assert(cli_output_writable("t", "--out", path));
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_size, 4); /* an existing file is not truncated by the check */
  ck_assert(!cli_output_writable("t", "--out", missing));
  ck_assert(!cli_output_writable("t", "--out", dir));
  ck_assert(cli_input_readable("t", "--in", path));
  ck_assert(!cli_input_readable("t", "--in", missing));
  ck_assert(!cli_input_readable("t", "--in", dir));
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(devnull);
  unlink(path);
  rmdir(dir);
}
END_TEST

int main(void) {
  Suite *s = suite_create("cli_args");
  TCase *t = tcase_create("parser");
  tcase_add_test(t, both_spellings_and_bundles);
  tcase_add_test(t, double_dash_ends_options);
  tcase_add_test(t, usage_errors);
  tcase_add_test(t, help_ends_with_status_0);
  tcase_add_test(t, numbers);
  tcase_add_test(t, sizes);
  tcase_add_test(t, buffer_size_like_tcpdump);
  tcase_add_test(t, durations);
  tcase_add_test(t, color_switch);
  tcase_add_test(t, capture_magics);
  tcase_add_test(t, output_and_input_files);
  suite_add_tcase(s, t);
  return run_suite(s);
}
