/* cmd_fuzz.c — `h2scope fuzz`: options, seeds, the target and the output
 * (progress line, findings as text or JSON lines, the summary) around the
 * fuzzing engine of the fuzzer wing (fuzz_run.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "fuzz_run.h"
#include "json_write.h"
#include "out_buf.h"
#include "tcp_connect.h"

static const char usage[] =
    "usage: h2scope fuzz HOST:PORT [options] [-- COMMAND ARGS...]\n"
    "       h2scope fuzz --client --listen PORT [options] [-- COMMAND ARGS...]\n"
    "Fuzzes a live HTTP/2 server (or, with --client, a client that connects to\n"
    "h2scope): starts from the check cases and the client side of captures,\n"
    "mutates them with HTTP/2 in mind (field blocks re-encoded with HPACK, flags,\n"
    "lengths, padding, settings, window increments, stream ids, frame order,\n"
    "frames split across TCP writes), runs each input on its own connection and\n"
    "keeps the inputs that make the peer react in a new way. Findings: crash,\n"
    "hang (a canary request on another connection is not answered), memory (the\n"
    "target's RSS grew by more than --max-rss) and protocol (the peer's answer\n"
    "breaks RFC 9113/7541 as the observer of `read --lint` judges it). Each is\n"
    "minimized and saved in --out as KIND-N.case (replay: h2scope check HOST:PORT\n"
    "--cases FILE, -- COMMAND for memory; --client --listen PORT --cases FILE --\n"
    "COMMAND for a client) and KIND-N.pcap (h2scope read FILE).\n"
    "\n"
    "  -- COMMAND ARGS...    start the target (a server listening on HOST:PORT),\n"
    "                        watch its exit, signals, sanitizer reports and RSS,\n"
    "                        restart it after a finding and for each minimization\n"
    "                        step; without it only the network tells (a server\n"
    "                        that stops accepting connections has crashed) and a\n"
    "                        crash or hang ends the run\n"
    "  --time DURATION       stop after this long (default 60s without --runs)\n"
    "  --runs N              stop after N inputs (the seeds count)\n"
    "  --seed N              the seed of every random choice (default 1): the same\n"
    "                        seed and peer give the same inputs\n"
    "  --seeds PATH          more seeds: a capture (its connections' client frames),\n"
    "                        a case file (*.case, *.cases) or a directory of them\n"
    "                        (repeatable)\n"
    "  --no-check-seeds      leave out the built-in check cases as seeds\n"
    "  --out DIR             where findings are saved (default fuzz-out; created)\n"
    "  --json                JSON Lines: one object per finding, then a summary\n"
    "  --timeout DURATION    per input (default 500ms: an input that lies about a\n"
    "                        frame's length leaves the peer waiting for the rest)\n"
    "  --hang-timeout DURATION\n"
    "                        a canary request's time to answer (default 2s)\n"
    "  --canary-every DURATION\n"
    "                        canary requests between inputs (default 1s)\n"
    "  --max-rss SIZE        memory finding above this growth, confirmed over 16\n"
    "                        runs of one input on a restarted target (default 256M)\n"
    "  --max-findings N      stop after N findings (default: go on)\n"
    "  --stop-on KIND[,KIND] stop at the first finding of these kinds (crash, hang,\n"
    "                        memory, protocol)\n"
    "  --minimize-time DURATION\n"
    "                        per finding (default 60s)\n"
    "  --tls                 TLS with ALPN h2 (the certificate is not verified)\n"
    "  --path P              request path of the seeds' requests (default /)\n"
    "  --client              fuzz a client: listen on --listen PORT, play the server\n"
    "                        and run COMMAND (after --) once per input (a COMMAND\n"
    "                        that crashes is a crash finding)\n"
    "  --listen PORT         the loopback port for --client (0 picks a free one)\n"
    "  -v, --verbose         copy the target's stderr to ours\n"
    "  -h, --help            this help\n"
    "\n"
    "A progress line (inputs/s, connections, distinct reactions, findings) is\n"
    "shown on a terminal (stderr).\n"
    "\n"
    "Exit status: 0 nothing found, 1 findings, 2 usage error, 3 the target cannot\n"
    "be reached (or started) at the start or --out cannot be written.\n";

#define MAX_SEEDS 32

typedef struct fuzz_cli {
  const char *target;
  char hostbuf[256];
  fuzz_options o;
  bool json, verbose, no_check_seeds;
  bool time_given;
  const char *seeds[MAX_SEEDS];
  size_t nseeds;
  int listen_port;
  bool listen_given;
  char **command;
  double hang_timeout;
  uint64_t max_rss;
  out_buf out;
  bool progress_shown;
} fuzz_cli;

enum {
  OPT_TLS = CLI_LONG_ONLY,
  OPT_CLIENT,
  OPT_LISTEN,
  OPT_TIME,
  OPT_RUNS,
  OPT_SEED,
  OPT_SEEDS,
  OPT_NO_CHECK_SEEDS,
  OPT_OUT,
  OPT_JSON,
  OPT_TIMEOUT,
  OPT_HANG_TIMEOUT,
  OPT_CANARY_EVERY,
  OPT_MAX_RSS,
  OPT_MAX_FINDINGS,
  OPT_STOP_ON,
  OPT_MINIMIZE_TIME,
  OPT_PATH,
};

static const struct option fuzz_options_table[] = {
    CLI_OPTION_HELP,
    {"tls", no_argument, NULL, OPT_TLS},
    {"client", no_argument, NULL, OPT_CLIENT},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"time", required_argument, NULL, OPT_TIME},
    {"runs", required_argument, NULL, OPT_RUNS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"seeds", required_argument, NULL, OPT_SEEDS},
    {"no-check-seeds", no_argument, NULL, OPT_NO_CHECK_SEEDS},
    {"out", required_argument, NULL, OPT_OUT},
    {"json", no_argument, NULL, OPT_JSON},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"hang-timeout", required_argument, NULL, OPT_HANG_TIMEOUT},
    {"canary-every", required_argument, NULL, OPT_CANARY_EVERY},
    {"max-rss", required_argument, NULL, OPT_MAX_RSS},
    {"max-findings", required_argument, NULL, OPT_MAX_FINDINGS},
    {"stop-on", required_argument, NULL, OPT_STOP_ON},
    {"minimize-time", required_argument, NULL, OPT_MINIMIZE_TIME},
    {"path", required_argument, NULL, OPT_PATH},
    {"verbose", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0},
};

/* One option's value into fc; false after a usage error (p->status). */
static bool take_option(cli_parser *p, int opt, fuzz_cli *fc) {
  uint32_t u = 0;
  bool ok = true;
  switch (opt) {
  case OPT_TLS:
    fc->o.target.tls = true;
    break;
  case OPT_CLIENT:
    fc->o.client = true;
    break;
  case OPT_LISTEN:
    ok = cli_u32(p, 0, 65535, &u);
    fc->listen_port = (int)u;
    fc->listen_given = true;
    break;
  case OPT_TIME:
    ok = cli_duration(p, 0, 7 * 24 * 3600, &fc->o.time_limit);
    fc->time_given = true;
    break;
  case OPT_RUNS:
    ok = cli_u32(p, 1, UINT32_MAX, &u);
    fc->o.runs = u;
    break;
  case OPT_SEED:
    ok = cli_u32(p, 0, UINT32_MAX, &u);
    fc->o.seed = u;
    break;
  case OPT_SEEDS:
    if (fc->nseeds == MAX_SEEDS) {
      p->status = cli_error(p, "at most %d --seeds", MAX_SEEDS);
      return false;
    }
    fc->seeds[fc->nseeds++] = p->arg;
    break;
  case OPT_NO_CHECK_SEEDS:
    fc->no_check_seeds = true;
    break;
  case OPT_OUT:
    fc->o.out_dir = p->arg;
    break;
  case OPT_JSON:
    fc->json = true;
    break;
  case OPT_TIMEOUT:
    ok = cli_duration(p, 0, 600, &fc->o.target.timeout);
    break;
  case OPT_HANG_TIMEOUT:
    ok = cli_duration(p, 0, 600, &fc->hang_timeout);
    break;
  case OPT_CANARY_EVERY:
    ok = cli_duration(p, 0, 3600, &fc->o.canary_every);
    break;
  case OPT_MAX_RSS:
    ok = cli_size(p, 1, UINT64_MAX / 2, &fc->max_rss);
    break;
  case OPT_MAX_FINDINGS:
    ok = cli_u32(p, 1, UINT32_MAX, &fc->o.max_findings);
    break;
  case OPT_STOP_ON: {
    char *save = NULL;
    for (char *k = strtok_r(p->arg, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
      int kind = FUZZ_CRASH;
      while (kind < FUZZ_KINDS && strcmp(k, fuzz_kind_name(kind)) != 0)
        kind++;
      if (kind == FUZZ_KINDS) {
        p->status = cli_error(p, "--stop-on: unknown kind '%s' (crash, hang, memory, protocol)", k);
        return false;
      }
      fc->o.stop_on |= 1u << kind;
    }
    break;
  }
  case OPT_MINIMIZE_TIME:
    ok = cli_duration(p, 0, 3600, &fc->o.minimize_time);
    break;
  case OPT_PATH:
    if (p->arg[0] != '/') {
      p->status = cli_error(p, "--path must start with '/', not '%s'", p->arg);
      return false;
    }
    fc->o.target.path = p->arg;
    break;
  case 'v':
    fc->verbose = true;
    break;
  }
  return ok;
}

/* Returns EXIT_OK to run, EXIT_OK + 100 after --help, or a usage status. */
static int parse_args(int argc, char **argv, fuzz_cli *fc) {
  fc->o.target.timeout = 0.5;
  fc->o.seed = 1;
  fc->o.canary_every = 1.0;
  fc->o.minimize_time = 60;
  fc->o.minimize_tries = 200;
  fc->o.out_dir = "fuzz-out";
  fc->hang_timeout = 2.0;
  fc->max_rss = 256ull << 20;
  int nopts = argc; /* everything after "--" is the COMMAND */
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--")) {
      nopts = i;
      fc->command = argv + i + 1;
      break;
    }
  cli_parser p;
  cli_parser_init(&p, "h2scope fuzz", usage, "v", fuzz_options_table, nopts, argv);
  for (int opt; (opt = cli_next(&p)) != CLI_END;) {
    if (opt == CLI_EXIT) return p.status == EXIT_OK ? EXIT_OK + 100 : p.status;
    if (!take_option(&p, opt, fc)) return p.status;
  }
  for (int i = cli_operands(&p); i < nopts; i++) {
    if (fc->target || fc->o.client) return cli_error(&p, "unexpected operand '%s'", argv[i]);
    fc->target = argv[i];
  }
  if (fc->command && !fc->command[0]) return cli_error(&p, "-- needs a COMMAND");
  if (!fc->o.runs && !fc->time_given) fc->o.time_limit = 60;
  if (fc->o.client) {
    if (!fc->listen_given) return cli_error(&p, "--client needs --listen PORT");
    if (fc->o.target.tls) return cli_error(&p, "--client runs over h2c only");
    return EXIT_OK;
  }
  if (fc->listen_given) return cli_error(&p, "--listen is for --client");
  if (!fc->target) return cli_error(&p, "a target HOST:PORT is needed");
  if (!cli_host_port(fc->target, fc->hostbuf, sizeof fc->hostbuf, &fc->o.target.host,
                     &fc->o.target.port))
    return cli_error(&p, "bad target '%s' (HOST:PORT, PORT 1 to 65535)", fc->target);
  return EXIT_OK;
}

/* ---- output ---- */

static void clear_progress(fuzz_cli *fc) {
  if (!fc->progress_shown) return;
  fputs("\r\x1b[K", stderr);
  fc->progress_shown = false;
}

static void on_progress(void *user, const fuzz_stats *s) {
  fuzz_cli *fc = user;
  if (!isatty(STDERR_FILENO)) return;
  fprintf(stderr,
          "\r\x1b[K%.0fs  %llu inputs (%.0f/s)  %llu conns  %llu reactions  corpus %llu  "
          "findings %llu",
          s->seconds, (unsigned long long)s->execs,
          s->seconds > 0 ? (double)s->execs / s->seconds : 0.0, (unsigned long long)s->connections,
          (unsigned long long)s->reactions, (unsigned long long)s->corpus,
          (unsigned long long)s->findings);
  fc->progress_shown = true;
}

static void on_reaction(void *user, uint64_t exec, const char *signature) {
  fuzz_cli *fc = user;
  if (!fc->json) return;
  out_buf *o = &fc->out;
  out_puts(o, "{\"v\":1,\"type\":\"reaction\",\"input\":");
  out_u64(o, exec);
  out_puts(o, ",\"signature\":");
  json_cstr(o, signature);
  out_puts(o, "}\n");
}

static void finding_json(out_buf *o, const fuzz_finding *f) {
  out_puts(o, "{\"v\":1,\"type\":\"finding\",\"kind\":");
  json_cstr(o, fuzz_kind_name(f->kind));
  json_key(o, "n", 0);
  out_u64(o, f->n);
  if (f->id) {
    json_key(o, "id", 0);
    json_cstr(o, f->id);
  }
  json_key(o, "why", 0);
  json_cstr(o, f->why);
  json_key(o, "input", 0);
  out_u64(o, f->exec);
  json_key(o, "seconds", 0);
  out_fixed(o, f->seconds, 3);
  json_key(o, "origin", 0);
  json_cstr(o, f->origin);
  json_key(o, "lines_found", 0);
  out_u64(o, f->lines_found);
  json_key(o, "lines", 0);
  out_u64(o, f->lines_saved);
  json_key(o, "minimization_runs", 0);
  out_u64(o, f->tries);
  json_key(o, "reproduced", 0);
  out_puts(o, !f->minimized ? "null" : f->reproduced ? "true" : "false");
  json_key(o, "case", 0);
  json_cstr(o, f->case_path);
  json_key(o, "pcap", 0);
  json_cstr(o, f->pcap_path);
  if (f->save_error[0]) {
    json_key(o, "error", 0);
    json_cstr(o, f->save_error);
  }
  out_puts(o, "}\n");
}

static void on_finding(void *user, const fuzz_finding *f) {
  fuzz_cli *fc = user;
  clear_progress(fc);
  out_buf *o = &fc->out;
  if (fc->json) {
    finding_json(o, f);
  } else {
    char line[1600];
    snprintf(line, sizeof line,
             "%s-%u: %s\n  input %llu at %.1fs from %s; %zu lines, %zu after minimization%s\n"
             "  %s\n  %s\n",
             fuzz_kind_name(f->kind), f->n, f->why, (unsigned long long)f->exec, f->seconds,
             f->origin, f->lines_found, f->lines_saved,
             !f->minimized   ? " (not checked again: no -- CMD)"
             : f->reproduced ? ", reproduced"
                             : ", NOT reproduced",
             f->case_path, f->pcap_path);
    out_puts(o, line);
    if (f->save_error[0]) {
      out_puts(o, "  error: ");
      out_puts(o, f->save_error);
      out_putc(o, '\n');
    }
  }
  out_flush(o);
}

static void summary(fuzz_cli *fc, const fuzz_stats *s) {
  clear_progress(fc);
  out_buf *o = &fc->out;
  double rate = s->seconds > 0 ? (double)s->execs / s->seconds : 0;
  if (fc->json) {
    out_puts(o, "{\"v\":1,\"type\":\"summary\",\"seed\":");
    out_u64(o, fc->o.seed);
    const char *keys[] = {"inputs", "connections", "reactions", "corpus", "seeds", "restarts"};
    const uint64_t vals[] = {s->execs,  s->connections, s->reactions,
                             s->corpus, s->seeds,       s->restarts};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
      json_key(o, keys[i], 0);
      out_u64(o, vals[i]);
    }
    json_key(o, "seconds", 0);
    out_fixed(o, s->seconds, 3);
    json_key(o, "inputs_per_second", 0);
    out_fixed(o, rate, 1);
    json_key(o, "findings", 0);
    out_putc(o, '{');
    for (int k = FUZZ_CRASH; k < FUZZ_KINDS; k++) {
      json_key(o, fuzz_kind_name(k), k == FUZZ_CRASH);
      out_u64(o, s->by_kind[k]);
    }
    out_putc(o, '}');
    json_key(o, "peer_gone", 0);
    out_puts(o, s->peer_gone ? "true" : "false");
    out_puts(o, "}\n");
  } else {
    char line[512];
    snprintf(line, sizeof line,
             "%llu inputs in %.1fs (%.1f/s), %llu connections, %llu distinct reactions, corpus "
             "%llu (%llu seeds); findings: %llu crash, %llu hang, %llu memory, %llu protocol%s\n",
             (unsigned long long)s->execs, s->seconds, rate, (unsigned long long)s->connections,
             (unsigned long long)s->reactions, (unsigned long long)s->corpus,
             (unsigned long long)s->seeds, (unsigned long long)s->by_kind[FUZZ_CRASH],
             (unsigned long long)s->by_kind[FUZZ_HANG], (unsigned long long)s->by_kind[FUZZ_MEMORY],
             (unsigned long long)s->by_kind[FUZZ_PROTOCOL],
             s->peer_gone ? " (the run ended: the peer is gone and there is no -- CMD)" : "");
    out_puts(o, line);
  }
  out_flush(o);
}

/* ---- the run ---- */

static int load_seeds(fuzz_cli *fc, fuzz_corpus *corpus) {
  if (!fc->no_check_seeds && !fuzz_seeds_builtin(corpus, fc->o.client)) {
    fprintf(stderr, "h2scope fuzz: out of memory\n");
    return EXIT_INPUT;
  }
  for (size_t i = 0; i < fc->nseeds; i++) {
    char err[512];
    if (fuzz_seeds_load(corpus, fc->seeds[i], err, sizeof err) < 0) {
      fprintf(stderr, "h2scope fuzz: --seeds %s\n", err);
      return EXIT_INPUT;
    }
  }
  if (corpus->n == 0)
    return cli_usage_error("h2scope fuzz", "no seeds (--no-check-seeds without --seeds)");
  return EXIT_OK;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
  (void)sig;
  interrupted = 1;
}

static int run(fuzz_cli *fc, fuzz_corpus *corpus) {
  char err[512];
  /* a TLS write to a peer that closed would raise SIGPIPE (check does the same) */
  signal(SIGPIPE, SIG_IGN);
  int listen_fd = -1;
  if (fc->o.client) {
    int bound = 0;
    listen_fd = tcp_listen("127.0.0.1", fc->listen_port, 16, &bound);
    if (listen_fd < 0) {
      fprintf(stderr, "h2scope fuzz: cannot listen on 127.0.0.1:%d: %s\n", fc->listen_port,
              strerror(errno));
      return EXIT_INPUT;
    }
    fc->o.co = (check_client_opts){
        .listen_fd = listen_fd, .command = fc->command, .timeout = fc->o.target.timeout};
    fc->o.target.host = "127.0.0.1";
    snprintf(fc->hostbuf, sizeof fc->hostbuf, "%d", bound);
    fc->o.target.port = fc->hostbuf;
    if (!fc->json) fprintf(stderr, "h2scope fuzz --client: listening on 127.0.0.1:%d\n", bound);
  }
  fuzz_target_opts to = {.host = fc->o.target.host,
                         .port = fc->o.target.port,
                         .tls = fc->o.target.tls,
                         .command = fc->o.client ? NULL : fc->command,
                         .canary_timeout = fc->hang_timeout,
                         .max_rss = fc->max_rss,
                         .stderr_passthru = fc->verbose,
                         .client = fc->o.client};
  fc->o.peer = fuzz_target_start(&to, err, sizeof err);
  if (!fc->o.peer) {
    fprintf(stderr, "h2scope fuzz: cannot start the target: %s\n", err);
    if (listen_fd >= 0) close(listen_fd);
    return EXIT_INPUT;
  }
  if (!fc->o.client) { /* the peer must answer before anything is judged */
    char why[320];
    if (fuzz_target_health(fc->o.peer, true, true, why, sizeof why) != FUZZ_NONE) {
      fprintf(stderr, "h2scope fuzz: %s:%s does not answer a request: %s\n", fc->o.target.host,
              fc->o.target.port, why);
      fuzz_target_stop(fc->o.peer);
      return EXIT_INPUT;
    }
  }
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  fc->o.stop = &interrupted;
  fuzz_callbacks cb = {
      .on_finding = on_finding, .on_progress = on_progress, .on_reaction = on_reaction, .user = fc};
  fuzz_stats st;
  int rc = fuzz_run(&fc->o, corpus, &cb, &st, err, sizeof err);
  fuzz_target_stop(fc->o.peer);
  if (listen_fd >= 0) close(listen_fd);
  if (rc != 0) {
    fprintf(stderr, "h2scope fuzz: %s\n", err);
    return EXIT_INPUT;
  }
  summary(fc, &st);
  return st.findings ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_fuzz(int argc, char **argv) {
  fuzz_cli *fc = calloc(1, sizeof *fc);
  if (!fc) return EXIT_INPUT;
  int rc = parse_args(argc, argv, fc);
  if (rc != EXIT_OK) {
    free(fc);
    return rc == EXIT_OK + 100 ? EXIT_OK : rc;
  }
  fuzz_corpus corpus = {0};
  rc = load_seeds(fc, &corpus);
  if (rc == EXIT_OK && mkdir(fc->o.out_dir, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "h2scope fuzz: --out %s: %s\n", fc->o.out_dir, strerror(errno));
    rc = EXIT_INPUT;
  }
  if (rc == EXIT_OK) {
    out_init(&fc->out, STDOUT_FILENO);
    rc = run(fc, &corpus);
  }
  fuzz_corpus_free(&corpus);
  free(fc);
  return rc;
}
