/* cmd_replay.c — `h2scope replay CAPTURE --to HOST:PORT`: re-sends the
 * client's requests of every HTTP/2 connection of a capture to a live
 * server and reports, per stream, whether the live response matches the
 * recorded one (docs/replay.md). Options and exit status only; the work is
 * in replay_capture.c (collect), replay_live.c / replay_exact.c (send),
 * replay_compare.c (judge) and replay_report.c (print). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "replay_capture.h"
#include "replay_compare.h"
#include "replay_report.h"
#include "replay_run.h"

static const char usage[] =
    "usage: h2scope replay CAPTURE --to HOST:PORT [options]\n"
    "Re-sends the client's requests of every HTTP/2 connection in CAPTURE (headers,\n"
    "bodies, trailers; in capture order, overlapping as they overlapped) over a fresh\n"
    "connection per captured connection, and reports per stream: recorded response vs\n"
    "live response (status, header fields except volatile ones, body length and\n"
    "SHA-256), plus any RFC 9113 / RFC 7541 violation by the live server.\n"
    "\n"
    "  --to HOST:PORT        the live server (required; [v6]:port for IPv6)\n"
    "  --tls                 TLS with ALPN h2\n"
    "  -k, --insecure        with --tls: no certificate check\n"
    "  --conn N              only connection N (numbered as `h2scope read` numbers them)\n"
    "  --exact               send the client's recorded frames byte for byte (HEADERS\n"
    "                        re-encoded only where the HPACK context requires it)\n"
    "  --keep-authority      send :authority as recorded (default: the --to address)\n"
    "  --ignore-header NAME  also ignore field NAME when comparing (repeatable)\n"
    "  --strict-headers      compare the volatile fields too (date, server, etag, ...)\n"
    "  --timeout DURATION    no progress for this long ends a connection (default 10s;\n"
    "                        a bare number above 600 is read as milliseconds, the old unit)\n"
    "  --json                JSON Lines: one object per stream, a summary object last\n"
    "  -v, --verbose         print every frame sent and received to stderr\n"
    "  -h, --help            this help\n"
    "\n"
    "DURATION takes ms, s or m (default s).\n"
    "\n"
    "Exit status: 0 every replayed stream matches, 1 a difference or violation,\n"
    "2 usage error, 3 unusable capture (no HTTP/2 connection) or cannot connect.\n";

static bool split_target(const char *to, char *host, size_t hcap, char *port, size_t pcap) {
  const char *colon;
  if (to[0] == '[') {
    const char *end = strchr(to, ']');
    if (!end || end[1] != ':') return false;
    if ((size_t)(end - to - 1) >= hcap) return false;
    snprintf(host, hcap, "%.*s", (int)(end - to - 1), to + 1);
    colon = end + 1;
  } else {
    colon = strrchr(to, ':');
    if (!colon || (size_t)(colon - to) >= hcap || colon == to) return false;
    snprintf(host, hcap, "%.*s", (int)(colon - to), to);
  }
  if (!colon[1] || strlen(colon + 1) >= pcap) return false;
  for (const char *p = colon + 1; *p; p++)
    if (*p < '0' || *p > '9') return false;
  snprintf(port, pcap, "%s", colon + 1);
  return true;
}

enum {
  OPT_TO = CLI_LONG_ONLY,
  OPT_TLS,
  OPT_CONN,
  OPT_EXACT,
  OPT_KEEP_AUTHORITY,
  OPT_IGNORE_HEADER,
  OPT_STRICT_HEADERS,
  OPT_TIMEOUT,
  OPT_JSON,
};

static const struct option replay_options[] = {
    CLI_OPTION_HELP,
    {"to", required_argument, NULL, OPT_TO},
    {"tls", no_argument, NULL, OPT_TLS},
    {"insecure", no_argument, NULL, 'k'},
    {"conn", required_argument, NULL, OPT_CONN},
    {"exact", no_argument, NULL, OPT_EXACT},
    {"keep-authority", no_argument, NULL, OPT_KEEP_AUTHORITY},
    {"ignore-header", required_argument, NULL, OPT_IGNORE_HEADER},
    {"strict-headers", no_argument, NULL, OPT_STRICT_HEADERS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"json", no_argument, NULL, OPT_JSON},
    {"verbose", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0},
};

/* --timeout: seconds, like every duration of h2scope. Older versions read a
 * bare number here as milliseconds; one above the 600 s limit can only be
 * that old spelling, so scripts keep working: it is still read as
 * milliseconds, with a note on stderr. */
static bool replay_timeout(cli_parser *p, uint32_t *ms) {
  double s;
  bool unit;
  if (cli_parse_duration(p->arg, &s, &unit) && !unit && s > 600 && s <= 3600000) {
    fprintf(stderr, "%s: --timeout %s: read as milliseconds (the old unit); write %sms\n", p->prog,
            p->arg, p->arg);
    *ms = (uint32_t)s;
    return true;
  }
  if (!cli_duration(p, 0.001, 600, &s)) return false;
  *ms = (uint32_t)(s * 1000 + 0.5);
  return true;
}

/* Replays each connection of the capture against the target and reports
 * it; the exit status (*unreachable: the target could not be reached). */
static int replay_conns(replay_target *t, const replay_capture *rc, bool exact, bool json,
                        bool verbose, const replay_compare_options *co, bool *unreachable) {
  const char *prog = "h2scope replay";
  /* The output buffers are large: on the heap, not the stack. */
  out_buf *out = malloc(sizeof *out), *trace = malloc(sizeof *trace);
  if (!out || !trace) {
    fprintf(stderr, "%s: out of memory\n", prog);
    free(out);
    free(trace);
    return EXIT_INPUT;
  }
  out_init(out, STDOUT_FILENO);
  out_init(trace, STDERR_FILENO);
  if (verbose) {
    t->trace = trace;
    t->trace_json = json;
  }
  replay_totals tot = {0};
  for (size_t i = 0; i < rc->n; i++) {
    replay_conn_result res;
    if (!replay_result_init(&res, rc->conns[i], exact)) {
      fprintf(stderr, "%s: out of memory\n", prog);
      break;
    }
    if (exact)
      replay_run_exact(t, rc->conns[i], &res);
    else
      replay_run_session(t, rc->conns[i], &res);
    replay_report_conn(out, json, co, rc->conns[i], &res, &tot);
    out_flush(out);
    replay_result_free(&res);
  }
  int rcode = tot.unreachable ? EXIT_INPUT : tot.differ ? EXIT_FINDINGS : EXIT_OK;
  replay_report_summary(out, json, &tot, rcode);
  out_flush(out);
  out_flush(trace);
  free(out);
  free(trace);
  *unreachable = tot.unreachable;
  return rcode;
}

int cmd_replay(int argc, char **argv) {
  const char *prog = "h2scope replay";
  const char *capture = NULL, *to = NULL;
  bool json = false, exact = false, verbose = false;
  uint32_t only_conn = 0, timeout_ms = 10000;
  replay_target t = {.verify = true};
  replay_compare_options co = {0};
  cli_parser p;
  cli_parser_init(&p, prog, usage, "kv", replay_options, argc, argv);
  for (int opt; (opt = cli_next(&p)) != CLI_END;) {
    bool ok = true;
    switch (opt) {
    case CLI_EXIT:
      return p.status;
    case OPT_TO:
      to = p.arg;
      break;
    case OPT_TLS:
      t.tls = true;
      break;
    case 'k':
      t.verify = false;
      break;
    case OPT_CONN:
      ok = cli_u32(&p, 1, UINT32_MAX, &only_conn);
      break;
    case OPT_EXACT:
      exact = true;
      break;
    case OPT_KEEP_AUTHORITY:
      t.keep_authority = true;
      break;
    case OPT_IGNORE_HEADER:
      if (co.nignored == REPLAY_MAX_IGNORED)
        return cli_error(&p, "at most %d --ignore-header options", REPLAY_MAX_IGNORED);
      co.ignored[co.nignored++] = p.arg;
      break;
    case OPT_STRICT_HEADERS:
      co.no_default_volatile = true;
      break;
    case OPT_TIMEOUT:
      ok = replay_timeout(&p, &timeout_ms);
      break;
    case OPT_JSON:
      json = true;
      break;
    case 'v':
      verbose = true;
      break;
    }
    if (!ok) return p.status;
  }
  for (int i = cli_operands(&p); i < argc; i++) {
    if (capture) return cli_error(&p, "unexpected argument '%s'", argv[i]);
    capture = argv[i];
  }
  if (!capture) return cli_error(&p, "a capture file is needed");
  if (!to) return cli_error(&p, "--to HOST:PORT is needed");
  char host[256], port[16];
  if (!split_target(to, host, sizeof host, port, sizeof port))
    return cli_error(&p, "--to takes HOST:PORT, not '%s'", to);
  t.host = host;
  t.port = port;
  t.authority = to;
  t.timeout_ms = timeout_ms;

  replay_capture rc;
  replay_limits limits;
  replay_limits_default(&limits);
  char err[512] = "";
  if (replay_capture_load(&rc, capture, only_conn, exact, &limits, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", prog, err);
    return EXIT_INPUT;
  }
  if (rc.n == 0) {
    if (only_conn)
      fprintf(stderr, "%s: connection %u of %s is not an HTTP/2 connection\n", prog, only_conn,
              capture);
    else
      fprintf(stderr, "%s: no HTTP/2 connection in %s\n", prog, capture);
    replay_capture_free(&rc);
    return EXIT_INPUT;
  }
  bool unreachable = false;
  int rcode = replay_conns(&t, &rc, exact, json, verbose, &co, &unreachable);
  replay_capture_free(&rc);
  if (unreachable) fprintf(stderr, "%s: cannot connect to %s\n", prog, to);
  return rcode;
}
