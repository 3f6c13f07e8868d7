/* cmd_check.c — `h2scope check`: option parsing, case selection and the run
 * loop of the conformance checker (cases: check_cases_*.c, running:
 * check_run.c / check_client.c, several at once: check_pool.c, output:
 * check_report.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_case_file.h"
#include "check_client.h"
#include "check_pool.h"
#include "check_repeat_run.h"
#include "check_report.h"
#include "check_robust_run.h"
#include "check_run.h"
#include "cli_args.h"
#include "commands.h"
#include "fuzz_lint.h"
#include "sarif_write.h"
#include "tcp_connect.h"

static const char usage[] =
    "usage: h2scope check HOST:PORT [options] [SECTION|ID ...] [-- SERVER ...]\n"
    "       h2scope check --client --listen PORT [options] [ID ...] [-- COMMAND ...]\n"
    "       h2scope check --list [--robustness] [--client] [SECTION|ID ...]\n"
    "       h2scope check --print-cases [SECTION|ID ...]\n"
    "Runs RFC 9113 / RFC 7541 conformance cases (and RFC 8441, 9218, 8336 extension\n"
    "cases) against a live HTTP/2 server\n"
    "(or client): sends well-formed and deliberately malformed frames and grades\n"
    "the reaction: pass, lenient (acceptable but weaker, e.g. a bare close where\n"
    "GOAWAY was required), fail (expected vs actual frames) or skip. The failed\n"
    "cases are listed again before the summary line.\n"
    "\n"
    "  SECTION|ID            run only these: \"6.5\" (every 6.5.x case), \"9113/5.1\",\n"
    "                        \"7541\", \"9218\", an id \"9113/6.5.3/2\", or \"robust\"; selectors\n"
    "                        that match no case are a usage error\n"
    "  --section S           the same as a positional SECTION (repeatable)\n"
    "  --exclude ID[,ID...]  skip these cases (repeatable; sections work too)\n"
    "  --list                print every case id and title, run nothing\n"
    "  --cases FILE          run the cases of FILE (the case language,\n"
    "                        docs/check-language.md) instead of the built-in\n"
    "                        ones (repeatable)\n"
    "  --print-cases         print the selected cases in the case language (every\n"
    "                        group when no selector is given), run nothing\n"
    "  --tls                 TLS with ALPN h2 (the certificate is not verified;\n"
    "                        later connections resume a session with its tickets)\n"
    "  --path P              request path of the cases' requests (default /)\n"
    "  --timeout DURATION    per case (default 2s; up to 10m)\n"
    "  -j, --jobs N          run N cases at a time, each on its own connection\n"
    "                        (default 4; the report keeps case order; -v and\n"
    "                        --client run one at a time)\n"
    "  --robustness          also run the robustness group (floods, HPACK bomb,\n"
    "                        MadeYouReset, data buffering, stream-id exhaustion: not\n"
    "                        RFC MUSTs, peers you own only), each measured with a\n"
    "                        canary request: mitigated, degraded or vulnerable\n"
    "  -- SERVER ...         start SERVER (a command listening on HOST:PORT) and\n"
    "                        watch it: a robustness case restarts it first and also\n"
    "                        measures its CPU seconds, RSS growth and death\n"
    "  --max-rss SIZE        vulnerable when the server's RSS grows more (default 256M)\n"
    "  --max-cpu DURATION    vulnerable when it absorbs an attack at more CPU time\n"
    "                        (default 1s)\n"
    "  --slowdown K          degraded when the canary's median grows more than K times\n"
    "                        (default 5) ...\n"
    "  --slowdown-min DURATION  ... and by more than DURATION (default 50ms)\n"
    "  --canary-timeout DURATION  a canary request not answered within it is a\n"
    "                        failure: vulnerable (default 2s)\n"
    "  --json                JSON Lines: one object per case, then a summary\n"
    "  --junit FILE          also write JUnit XML\n"
    "  --sarif FILE          also write failed cases as SARIF 2.1.0 results\n"
    "  -v, --verbose         print the frames exchanged in each case\n"
    "  --color[=WHEN]        colour: always, never or auto (default: auto, when stdout\n"
    "                        is a terminal and NO_COLOR is not set)\n"
    "  --no-color            the same as --color=never\n"
    "  --client              check a client: listen on --listen PORT, run COMMAND\n"
    "                        (after --) once per case, or wait for connections; a\n"
    "                        COMMAND that crashes (signal, sanitizer report) fails\n"
    "                        its case\n"
    "  --listen PORT         the loopback port for --client (0 picks a free one)\n"
    "  -h, --help            this help\n"
    "\n"
    "DURATION takes ms, s or m (default s). FILE - is standard output; the report\n"
    "then goes to stderr. Output files are checked before the first case.\n"
    "\n"
    "Exit status: 0 every case passed, was lenient or skipped; 1 a case failed;\n"
    "2 usage error (also: no case matches); 3 the target cannot be reached or an\n"
    "output file cannot be written.\n";

#define MAX_SELECT 64
#define MAX_CASE_FILES 16

typedef struct check_opts {
  const char *target;
  const char *select[MAX_SELECT];
  size_t nselect;
  const char *exclude[MAX_SELECT];
  size_t nexclude;
  bool list, print_cases, robustness, client, json, verbose;
  const char *case_files[MAX_CASE_FILES];
  size_t ncase_files;
  check_set set; /* the cases of the run: built-in or --cases files */
  int color;     /* -1 auto, 0 never, 1 always */
  const char *junit, *sarif;
  int listen_port;
  unsigned jobs; /* cases at a time (-j) */
  char **command;
  check_target t;
  check_robust_ctx robust; /* thresholds of the robustness verdicts */
} check_opts;

static bool excluded(const check_opts *op, const check_item *it) {
  for (size_t k = 0; k < op->nexclude; k++)
    if (check_item_selected(it, op->exclude[k])) return true;
  return false;
}

/* Whether case i of the group runs: selected (or no selector, and the group
 * is wanted by default) and not excluded. */
static bool wanted(const check_opts *op, const check_item *it) {
  int group = it->group;
  if (excluded(op, it)) return false;
  if (op->nselect == 0)
    return op->print_cases || group == (op->client ? CHECK_GROUP_CLIENT : CHECK_GROUP_SERVER) ||
           (group == CHECK_GROUP_ROBUST && op->robustness && !op->client);
  for (size_t k = 0; k < op->nselect; k++)
    if (check_item_selected(it, op->select[k])) return true;
  return false;
}

/* Whether the item runs in the run's mode (server or client). */
static bool in_mode(const check_opts *op, const check_item *it) {
  return op->print_cases || (it->group == CHECK_GROUP_CLIENT) == op->client;
}

enum {
  OPT_SECTION = CLI_LONG_ONLY,
  OPT_EXCLUDE,
  OPT_LIST,
  OPT_TLS,
  OPT_PATH,
  OPT_TIMEOUT,
  OPT_ROBUSTNESS,
  OPT_JSON,
  OPT_JUNIT,
  OPT_SARIF,
  OPT_COLOR,
  OPT_NO_COLOR,
  OPT_CLIENT,
  OPT_LISTEN,
  OPT_CASES,
  OPT_PRINT_CASES,
  OPT_MAX_RSS,
  OPT_MAX_CPU,
  OPT_SLOWDOWN,
  OPT_SLOWDOWN_MIN,
  OPT_CANARY_TIMEOUT,
};

static const struct option check_options[] = {
    CLI_OPTION_HELP,
    {"section", required_argument, NULL, OPT_SECTION},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"list", no_argument, NULL, OPT_LIST},
    {"tls", no_argument, NULL, OPT_TLS},
    {"path", required_argument, NULL, OPT_PATH},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"robustness", no_argument, NULL, OPT_ROBUSTNESS},
    {"json", no_argument, NULL, OPT_JSON},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"sarif", required_argument, NULL, OPT_SARIF},
    {"verbose", no_argument, NULL, 'v'},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"client", no_argument, NULL, OPT_CLIENT},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"jobs", required_argument, NULL, 'j'},
    {"cases", required_argument, NULL, OPT_CASES},
    {"print-cases", no_argument, NULL, OPT_PRINT_CASES},
    {"max-rss", required_argument, NULL, OPT_MAX_RSS},
    {"max-cpu", required_argument, NULL, OPT_MAX_CPU},
    {"slowdown", required_argument, NULL, OPT_SLOWDOWN},
    {"slowdown-min", required_argument, NULL, OPT_SLOWDOWN_MIN},
    {"canary-timeout", required_argument, NULL, OPT_CANARY_TIMEOUT},
    {NULL, 0, NULL, 0},
};

static bool add_selector(cli_parser *p, const char **list, size_t *n, const char *s) {
  if (*n == MAX_SELECT) {
    p->status = cli_error(p, "at most %d selectors", MAX_SELECT);
    return false;
  }
  list[(*n)++] = s;
  return true;
}

/* The thresholds of the robustness verdicts (check_robust.h). */
static bool robust_option(cli_parser *p, int opt, check_robust_ctx *x) {
  switch (opt) {
  case OPT_MAX_RSS:
    return cli_size(p, 1, UINT64_MAX / 2, &x->limits.max_rss);
  case OPT_MAX_CPU:
    return cli_duration(p, 0, 3600, &x->limits.max_cpu);
  case OPT_SLOWDOWN: {
    uint32_t k = 0;
    bool ok = cli_u32(p, 1, 1000, &k);
    x->limits.slowdown = k;
    return ok;
  }
  case OPT_SLOWDOWN_MIN:
    return cli_duration(p, 0, 600, &x->limits.slowdown_min);
  default:
    return cli_duration(p, 0, 600, &x->canary_timeout);
  }
}

/* Returns EXIT_OK to run, or the status to exit with now (p->status). */
static int parse_args(int argc, char **argv, check_opts *op) {
  op->color = -1;
  op->t.timeout = 2.0;
  op->jobs = 4;
  /* Everything after the first "--" is the client COMMAND (--client) or the
   * server to start, so the parser sees only what comes before it. */
  int nopts = argc;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--")) {
      nopts = i;
      op->command = argv + i + 1;
      break;
    }
  cli_parser p;
  cli_parser_init(&p, "h2scope check", usage, "vj:", check_options, nopts, argv);
  bool listen_given = false;
  for (int opt; (opt = cli_next(&p)) != CLI_END;) {
    bool ok = true;
    switch (opt) {
    case CLI_EXIT:
      return p.status == EXIT_OK ? EXIT_OK + 100 : p.status;
    case OPT_LIST:
      op->list = true;
      break;
    case OPT_PRINT_CASES:
      op->print_cases = true;
      break;
    case OPT_CASES:
      if (op->ncase_files == MAX_CASE_FILES)
        return cli_error(&p, "at most %d --cases files", MAX_CASE_FILES);
      op->case_files[op->ncase_files++] = p.arg;
      break;
    case OPT_TLS:
      op->t.tls = true;
      break;
    case OPT_JSON:
      op->json = true;
      break;
    case 'v':
      op->verbose = true;
      break;
    case OPT_ROBUSTNESS:
      op->robustness = true;
      break;
    case OPT_CLIENT:
      op->client = true;
      break;
    case OPT_COLOR:
    case OPT_NO_COLOR:
      ok = cli_color_when(&p, opt == OPT_NO_COLOR, &op->color);
      break;
    case OPT_PATH:
      if (p.arg[0] != '/') return cli_error(&p, "--path must start with '/', not '%s'", p.arg);
      op->t.path = p.arg;
      break;
    case OPT_TIMEOUT:
      ok = cli_duration(&p, 0, 600, &op->t.timeout);
      break;
    case OPT_JUNIT:
      op->junit = p.arg;
      break;
    case OPT_SARIF:
      op->sarif = p.arg;
      break;
    case OPT_SECTION:
      ok = add_selector(&p, op->select, &op->nselect, p.arg);
      break;
    case OPT_MAX_RSS:
    case OPT_MAX_CPU:
    case OPT_SLOWDOWN:
    case OPT_SLOWDOWN_MIN:
    case OPT_CANARY_TIMEOUT:
      ok = robust_option(&p, opt, &op->robust);
      break;
    case 'j': {
      uint32_t jobs = 0;
      ok = cli_u32(&p, 1, 64, &jobs);
      op->jobs = jobs;
      break;
    }
    case OPT_LISTEN: {
      uint32_t port;
      ok = cli_u32(&p, 0, 65535, &port);
      op->listen_port = (int)port;
      listen_given = true;
      break;
    }
    case OPT_EXCLUDE: {
      /* comma-separated ids; the strings stay in argv */
      char *save = NULL;
      for (char *tok = strtok_r(p.arg, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save))
        ok = add_selector(&p, op->exclude, &op->nexclude, tok);
      break;
    }
    }
    if (!ok) return p.status;
  }
  for (int i = cli_operands(&p); i < nopts; i++) {
    if (!op->target && strchr(argv[i], ':') && !op->client)
      op->target = argv[i];
    else if (!add_selector(&p, op->select, &op->nselect, argv[i]))
      return p.status;
  }
  if (op->command && !op->command[0]) return cli_error(&p, "-- needs a COMMAND");
  if (op->junit && op->sarif && !strcmp(op->junit, "-") && !strcmp(op->sarif, "-"))
    return cli_error(&p, "--junit and --sarif cannot both be '-' (standard output)");
  if (op->list || op->print_cases) return EXIT_OK;
  if (op->client) {
    if (!listen_given) return cli_error(&p, "--client needs --listen PORT");
    if (op->t.tls) return cli_error(&p, "--client runs over h2c only");
    return EXIT_OK;
  }
  if (!op->target) return cli_error(&p, "a target HOST:PORT is needed");
  return EXIT_OK;
}

static void list_cases(const check_opts *op, out_buf *o) {
  for (size_t i = 0; i < op->set.n; i++) {
    const check_item *it = &op->set.items[i];
    if (!in_mode(op, it) || !wanted(op, it)) continue;
    if (op->print_cases) {
      check_file_print(o, it);
      continue;
    }
    out_puts(o, it->id);
    out_spaces(o, strlen(it->id) < 18 ? 18 - (int)strlen(it->id) : 1);
    out_puts(o, it->c->title);
    out_putc(o, '\n');
  }
  out_flush(o);
}

static void sarif_case(sarif_writer *sw, const check_item *it, const check_result *r) {
  const check_case *c = it->c;
  const char *id = it->id;
  char rule[112], section[48], msg[3200];
  snprintf(rule, sizeof rule, "check/%s", id);
  snprintf(section, sizeof section, "RFC %u §%s", c->rfc, c->section);
  sarif_rule(sw, rule, c->title, c->rfc ? section : NULL);
  if (r->robust) { /* the measured verdict, its numbers and thresholds */
    char numbers[400], limits[300];
    check_robust_numbers(&r->measure, numbers, sizeof numbers);
    check_robust_thresholds(&r->limits, limits, sizeof limits);
    snprintf(msg, sizeof msg, "%s: %s: %s (measured: %s; limits: %s; actual %s)", c->title,
             check_robust_name(r->robust), r->why, numbers, limits, r->actual);
  } else {
    snprintf(msg, sizeof msg, "%s: expected %s, actual %s (%s)", c->title, c->expect, r->actual,
             r->why);
  }
  sarif_result(sw, rule, r->verdict == CHECK_FAIL ? "error" : "warning", msg, NULL, id, NULL);
}

/* The run's state as results come in, in case order. */
typedef struct run_state {
  check_report rp;
  sarif_writer *sw;
  bool any_connected, unreachable;
  size_t taken; /* results reported */
} run_state;

/* One case's result: reported, or the end of the run when the very first
 * case could not connect (the target is unreachable: exit status 3). */
static bool take_result(void *user, check_report_entry *e) {
  run_state *rs = user;
  if (e->result.connect_failed && !rs->any_connected) {
    fprintf(stderr, "h2scope check: %s\n", e->result.why);
    rs->unreachable = true;
    return false;
  }
  rs->any_connected = true;
  rs->taken++;
  check_report_case(&rs->rp, e->it, &e->result);
  if (rs->sw && (e->result.verdict == CHECK_FAIL || e->result.verdict == CHECK_LENIENT))
    sarif_case(rs->sw, e->it, &e->result);
  return true;
}

/* Cases the selectors pick in the run's mode (server or client). */
static size_t count_wanted(const check_opts *op) {
  size_t nwanted = 0;
  for (size_t i = 0; i < op->set.n; i++)
    nwanted += in_mode(op, &op->set.items[i]) && wanted(op, &op->set.items[i]);
  return nwanted;
}

/* The peer to check: with --client a listening port the client is run
 * against (*listen_fd), else the HOST:PORT target (its host copied into
 * hostbuf). target_text names it in the report. */
static int open_target(check_opts *op, out_buf *out, char *hostbuf, size_t hostcap,
                       char *target_text, size_t textcap, int *listen_fd) {
  if (op->client) {
    int bound = 0;
    *listen_fd = tcp_listen("127.0.0.1", op->listen_port, 16, &bound);
    if (*listen_fd < 0) {
      fprintf(stderr, "h2scope check: cannot listen on 127.0.0.1:%d: %s\n", op->listen_port,
              strerror(errno));
      return EXIT_INPUT;
    }
    snprintf(target_text, textcap, "client via 127.0.0.1:%d", bound);
    op->t.host = "127.0.0.1";
    if (!op->json) {
      char line[96];
      snprintf(line, sizeof line, "h2scope check --client: listening on 127.0.0.1:%d\n", bound);
      out_puts(out, line);
      out_flush(out);
    }
    return EXIT_OK;
  }
  if (!cli_host_port(op->target, hostbuf, hostcap, &op->t.host, &op->t.port))
    return cli_usage_error("h2scope check", "bad target '%s' (HOST:PORT, PORT 1 to 65535)",
                           op->target);
  snprintf(target_text, textcap, "%s%s", op->target, op->t.tls ? " (TLS)" : " (h2c)");
  return EXIT_OK;
}

/* The entries of the wanted cases, in case order (*ne of them); NULL when
 * the allocation fails. */
static check_report_entry *select_entries(const check_opts *op, size_t *ne) {
  check_report_entry *entries = calloc(op->set.n ? op->set.n : 1, sizeof *entries);
  if (!entries) return NULL;
  *ne = 0;
  for (size_t i = 0; i < op->set.n; i++) {
    const check_item *it = &op->set.items[i];
    if (in_mode(op, it) && wanted(op, it)) entries[(*ne)++].it = it;
  }
  return entries;
}

/* One server case: a robustness case is measured (check_robust_run.h). */
static void run_one(check_opts *op, check_report_entry *e) {
  if (e->it->group == CHECK_GROUP_ROBUST)
    check_robust_run_case(&op->robust, e->it->c, &e->result);
  else if (check_repeat_wanted(e->it->c))
    check_repeat_run_case(&op->robust, e->it->c, &e->result);
  else if (fuzz_lint_wanted(e->it->c))
    fuzz_lint_case(&op->t, false, NULL, e->it->c, &e->result);
  else
    check_run_case(&op->t, e->it->c, &e->result);
}

/* Runs the cases, reporting each result through take_result. */
static void run_cases(check_opts *op, out_buf *out, check_report_entry *entries, size_t ne,
                      int listen_fd, run_state *rs) {
  check_client_opts co = {.listen_fd = listen_fd, .command = op->command, .timeout = op->t.timeout};
  size_t k = 0;
  if (!op->client && !op->t.verbose) {
    /* the pool runs the cases before the first robustness case; the
     * measured ones run one at a time after them, each with its canary */
    size_t first_robust = 0;
    while (first_robust < ne && entries[first_robust].it->group != CHECK_GROUP_ROBUST &&
           !check_repeat_wanted(entries[first_robust].it->c) &&
           !fuzz_lint_wanted(entries[first_robust].it->c))
      first_robust++;
    size_t before = rs->taken;
    check_pool_run(&op->t, entries, first_robust, op->jobs, take_result, rs);
    if (rs->unreachable || rs->taken - before < first_robust) return;
    k = first_robust;
  }
  /* one at a time: a client is run once per case on one listening port,
   * and -v prints each case's frames as they go */
  for (; k < ne; k++) {
    check_report_entry *e = &entries[k];
    if (op->t.verbose) {
      out_puts(out, "  -- ");
      out_puts(out, e->it->id);
      out_putc(out, '\n');
    }
    if (op->client && check_expects_memory(e->it->c)) {
      memset(&e->result, 0, sizeof e->result);
      e->result.verdict = CHECK_SKIP;
      snprintf(e->result.why, sizeof e->result.why, "expect MEMORY is for servers (-- SERVER)");
      snprintf(e->result.actual, sizeof e->result.actual, "not run");
    } else if (op->client && fuzz_lint_wanted(e->it->c)) {
      fuzz_lint_case(&op->t, true, &co, e->it->c, &e->result);
    } else if (op->client) {
      check_client_case(&co, &op->t, e->it->c, &e->result);
    } else
      run_one(op, e);
    if (!take_result(rs, e)) break;
  }
}

static int run_and_report(check_opts *op, out_buf *out, int listen_fd, const char *target_text);

/* The run after the options: target, output files, cases, report. */
static int check_main(check_opts *op, out_buf *out) {
  /* Selectors that leave nothing to run are a mistake in the command line,
   * not a clean run ("0 passed, 0 failed" would hide a typo). */
  if (count_wanted(op) == 0)
    return cli_usage_error("h2scope check", "no %scase matches the selectors (see --list)",
                           op->print_cases ? ""
                           : op->client    ? "client "
                                           : "server ");
  out_init(out, 1);
  if (op->list || op->print_cases) {
    list_cases(op, out);
    return EXIT_OK;
  }
  /* Output files are checked before the first case; a file "-" takes
   * standard output, and the report moves to stderr. */
  if ((op->junit && !cli_output_writable("h2scope check", "--junit", op->junit)) ||
      (op->sarif && !cli_output_writable("h2scope check", "--sarif", op->sarif)))
    return EXIT_INPUT;
  int report_fd = (op->junit && !strcmp(op->junit, "-")) || (op->sarif && !strcmp(op->sarif, "-"))
                      ? STDERR_FILENO
                      : STDOUT_FILENO;
  out_init(out, report_fd);
  signal(SIGPIPE, SIG_IGN);
  op->t.po.color = cli_use_color(op->color, report_fd) && !op->json;
  op->t.po.json = false;
  if (op->verbose && !op->json) op->t.verbose = out;
  char hostbuf[300], target_text[320];
  int listen_fd = -1;
  int rc =
      open_target(op, out, hostbuf, sizeof hostbuf, target_text, sizeof target_text, &listen_fd);
  if (rc != EXIT_OK) return rc;
  /* -- SERVER: the server is started here and watched (robustness cases
   * restart it and measure it) */
  target_monitor *mon = NULL;
  if (!op->client && op->command) {
    target_monitor_opts mo = {.argv = op->command,
                              .host = op->t.host,
                              .port = op->t.port,
                              .stderr_passthru = op->verbose};
    char err[300];
    mon = target_monitor_start(&mo, err, sizeof err);
    if (!mon) {
      fprintf(stderr, "h2scope check: cannot start the server: %s\n", err);
      return EXIT_INPUT;
    }
  }
  op->robust.t = &op->t;
  op->robust.mon = mon;
  check_robust_ctx_defaults(&op->robust);
  rc = run_and_report(op, out, listen_fd, target_text);
  target_monitor_stop(mon);
  return rc;
}

/* The cases run and reported once the target is there. */
static int run_and_report(check_opts *op, out_buf *out, int listen_fd, const char *target_text) {
  if (op->t.tls) {
    char err[256];
    op->t.tls_client = tls_client_new(false, err, sizeof err);
    if (!op->t.tls_client) {
      fprintf(stderr, "h2scope check: TLS: %s\n", err);
      return EXIT_INPUT;
    }
  }
  sarif_writer *sw = NULL;
  if (op->sarif) {
    sw = sarif_open(op->sarif, "h2scope check");
    if (!sw) {
      fprintf(stderr, "h2scope check: --sarif %s: %s\n", op->sarif, strerror(errno));
      if (listen_fd >= 0) close(listen_fd);
      return EXIT_INPUT;
    }
  }
  size_t ne = 0;
  check_report_entry *entries = select_entries(op, &ne);
  if (!entries) return EXIT_INPUT;
  run_state rs = {.rp = {.out = out, .json = op->json, .color = op->t.po.color}, .sw = sw};
  if (!op->json) {
    out_puts(out, "h2scope check ");
    out_puts(out, target_text);
    out_putc(out, '\n');
    out_flush(out);
  }
  double start = check_now();
  run_cases(op, out, entries, ne, listen_fd, &rs);
  ne = rs.taken;
  if (listen_fd >= 0) close(listen_fd);
  if (sw && sarif_close(sw) != 0)
    fprintf(stderr, "h2scope check: writing %s failed: %s\n", op->sarif, strerror(errno));
  if (rs.unreachable) {
    free(entries);
    return EXIT_INPUT;
  }
  check_report_failed(&rs.rp, entries, ne);
  check_report_end(&rs.rp, target_text, check_now() - start);
  int status = rs.rp.counts[CHECK_FAIL] ? EXIT_FINDINGS : EXIT_OK;
  if (op->junit && check_junit_write(op->junit, target_text, entries, ne) != 0) {
    fprintf(stderr, "h2scope check: --junit %s: %s\n", op->junit, strerror(errno));
    status = EXIT_INPUT;
  }
  free(entries);
  return status;
}

/* The run's set: the --cases files, or every built-in case. */
static int load_cases(check_opts *op) {
  if (op->ncase_files == 0) {
    if (check_set_add_builtin(&op->set)) return EXIT_OK;
    fprintf(stderr, "h2scope check: out of memory\n");
    return EXIT_INPUT;
  }
  for (size_t k = 0; k < op->ncase_files; k++) {
    const char *path = op->case_files[k];
    FILE *f = fopen(path, "r");
    if (!f) {
      fprintf(stderr, "h2scope check: --cases %s: %s\n", path, strerror(errno));
      return EXIT_USAGE;
    }
    char err[512];
    bool ok = check_file_load(&op->set, f, path, err, sizeof err);
    fclose(f);
    if (!ok) {
      fprintf(stderr, "h2scope check: %s\n", err);
      return EXIT_USAGE;
    }
  }
  return EXIT_OK;
}

int cmd_check(int argc, char **argv) {
  /* The options (selector lists) and the output buffer are large: on the
   * heap, not the stack. */
  check_opts *op = calloc(1, sizeof *op);
  out_buf *out = malloc(sizeof *out);
  int rc = EXIT_INPUT;
  if (!op || !out) {
    fprintf(stderr, "h2scope check: out of memory\n");
  } else {
    rc = parse_args(argc, argv, op);
    if (rc == EXIT_OK + 100) {
      rc = EXIT_OK; /* --help */
    } else if (rc == EXIT_OK) {
      rc = load_cases(op);
      if (rc == EXIT_OK) rc = check_main(op, out);
    }
    check_set_free(&op->set);
    tls_client_free(op->t.tls_client);
  }
  free(out);
  free(op);
  return rc;
}
