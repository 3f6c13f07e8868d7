/* cmd_get.c — `h2scope get URL...`: an HTTP/2 client over h2c (prior
 * knowledge, or HTTP/1.1 Upgrade with --upgrade) or TLS with ALPN h2
 * (https://). Fetches every URL (same origin) concurrently on one
 * connection, writes the bodies to stdout in argument order as they arrive,
 * and with -v prints every frame sent and received to stderr. This file
 * takes the options and connects; the parts: get_request.c (URLs, request),
 * get_upgrade.c (HTTP/1.1 Upgrade), net's wire_conn.c (the connection,
 * every wait bounded by the idle timeout), get_session.c (the streams), get_body.c (where bodies
 * go). A server is not trusted: every wait for it is bounded (--timeout) and so is every body
 * (--max-body). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "commands.h"
#include "get_request.h"
#include "get_session.h"
#include "get_upgrade.h"
#include "wire_conn.h"

static const char get_usage[] =
    "usage: h2scope get [options] URL [URL...]\n"
    "Fetches URLs (one origin, http:// or https://) over one HTTP/2 connection and\n"
    "writes the response bodies to stdout, in argument order.\n"
    "\n"
    "  -v, --verbose         print every frame sent and received to stderr\n"
    "  --json                with -v: one JSON object per frame\n"
    "  -i, --include         print the response status and headers before the body\n"
    "  -H, --header 'name: value'  add a request header (repeatable)\n"
    "  -X, --request METHOD  request method (default GET, or POST with --data)\n"
    "  --data TEXT           request body (@FILE reads a file)\n"
    "  --upgrade             start with HTTP/1.1 Upgrade: h2c instead of prior knowledge\n"
    "  -k, --insecure        do not verify the server certificate (https)\n"
    "  --timeout DURATION    give up when the server has sent nothing for DURATION\n"
    "                        (connecting, TLS, any wait for a frame): up to 86400 s,\n"
    "                        default 30 s, 0 never\n"
    "  --max-body SIZE       reset a response whose body passes SIZE (k, M or G) with\n"
    "                        CANCEL, after writing its first SIZE bytes; default 0, no limit\n"
    "  -h, --help            this help\n"
    "\n"
    "Environment: SSLKEYLOGFILE=FILE appends the TLS secrets to FILE (NSS key log).\n"
    "Exit status: 0 every response complete, 1 a stream or the connection failed\n"
    "(or timed out, or a body passed --max-body), 2 usage error, 3 cannot connect\n"
    "(or timed out connecting), or the output cannot be written.\n";

/* Connects w to the origin: TCP and TLS (within the timeout), or TCP and
 * the HTTP/1.1 upgrade; every later wait on w is bounded by the timeout
 * too. w is closed and the exit status returned when it fails. */
static int open_origin(const get_url *u, bool use_upgrade, bool insecure, uint32_t timeout_s,
                       wire_conn *w, uint8_t *extra, size_t *extra_len) {
  wire_init(w);
  w->idle = timeout_s;
  wire_peer p = {.host = u->host, .port = u->port, .tls = u->tls, .verify = !insecure};
  char err[512];
  switch (wire_connect(w, &p, timeout_s ? wire_now() + timeout_s : 0, err, sizeof err)) {
  case WIRE_CONNECT_OK:
    break;
  case WIRE_CONNECT_TLS:
    if (w->timed_out)
      fprintf(stderr, "h2scope get: %s: timed out after %u s without a byte from the server\n", err,
              timeout_s);
    else
      fprintf(stderr, "h2scope get: %s\n", err);
    return EXIT_INPUT;
  default:
    fprintf(stderr, "h2scope get: cannot connect to %s:%s: %s\n", u->host, u->port, err);
    return EXIT_INPUT;
  }
  if (!u->tls && use_upgrade && !get_upgrade(w, u->authority, u->path, extra, extra_len)) {
    wire_close(w);
    return EXIT_INPUT;
  }
  return EXIT_OK;
}

typedef struct get_options {
  bool verbose, json, include, use_upgrade, insecure;
  const char *method, *data_arg;
  const char *const *hdr_args;
  size_t nhdr;
  uint32_t timeout_s; /* idle timeout; 0 none */
  uint64_t max_body;  /* 0 none */
} get_options;

/* Builds the request, connects and fetches every URL; the exit status. */
static int get_fetch(const get_options *o, const get_url *urls, size_t nurl) {
  uint8_t *data = NULL;
  size_t data_len = 0;
  if (o->data_arg && !(data = get_request_body(o->data_arg, &data_len))) return EXIT_INPUT;
  get_request *req = malloc(sizeof *req);
  if (!req) {
    free(data);
    return fputs("h2scope get: out of memory\n", stderr), EXIT_INPUT;
  }
  int rc = EXIT_USAGE;
  char err[2200];
  if (!get_request_build(req, o->method, &urls[0], o->hdr_args, o->nhdr, data != NULL, data_len,
                         err, sizeof err))
    cli_usage_error("h2scope get", "%s", err);
  else {
    wire_conn w;
    uint8_t extra[GET_UPGRADE_EXTRA];
    size_t extra_len = 0;
    rc = open_origin(&urls[0], o->use_upgrade, o->insecure, o->timeout_s, &w, extra, &extra_len);
    if (rc == EXIT_OK) {
      get_session_options so = {.verbose = o->verbose,
                                .json = o->json,
                                .include = o->include,
                                .upgraded = o->use_upgrade,
                                .timeout_s = o->timeout_s,
                                .max_body = o->max_body};
      get_outcome out = get_session_run(&so, urls, nurl, req, data, data_len, &w, extra, extra_len);
      rc = out == GET_COMPLETE ? EXIT_OK : out == GET_FAILED ? EXIT_FINDINGS : EXIT_INPUT;
      wire_close(&w);
    }
  }
  free(req);
  free(data);
  return rc;
}

enum { OPT_JSON = CLI_LONG_ONLY, OPT_DATA, OPT_UPGRADE, OPT_TIMEOUT, OPT_MAX_BODY };
static const struct option get_longopts[] = {
    CLI_OPTION_HELP,
    {"verbose", no_argument, NULL, 'v'},
    {"json", no_argument, NULL, OPT_JSON},
    {"include", no_argument, NULL, 'i'},
    {"header", required_argument, NULL, 'H'},
    {"request", required_argument, NULL, 'X'},
    {"data", required_argument, NULL, OPT_DATA},
    {"upgrade", no_argument, NULL, OPT_UPGRADE},
    {"insecure", no_argument, NULL, 'k'},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {NULL, 0, NULL, 0},
};

int cmd_get(int argc, char **argv) {
  bool verbose = false, json = false, include = false, use_upgrade = false, insecure = false;
  const char *method = NULL, *data_arg = NULL;
  const char *hdr_args[GET_MAX_HEADERS];
  size_t nhdr = 0;
  uint32_t timeout_s = 30; /* idle: a silent server must not hold get forever */
  uint64_t max_body = 0;
  double seconds;
  cli_parser p;
  cli_parser_init(&p, "h2scope get", get_usage, "viH:X:k", get_longopts, argc, argv);
  for (int opt; (opt = cli_next(&p)) != CLI_END;) {
    switch (opt) {
    case CLI_EXIT:
      return p.status;
    case 'v':
      verbose = true;
      break;
    case OPT_JSON:
      json = true;
      break;
    case 'i':
      include = true;
      break;
    case OPT_UPGRADE:
      use_upgrade = true;
      break;
    case 'k':
      insecure = true;
      break;
    case 'H':
      if (nhdr == GET_MAX_HEADERS) return cli_error(&p, "at most %d -H options", GET_MAX_HEADERS);
      hdr_args[nhdr++] = p.arg;
      break;
    case 'X':
      method = p.arg;
      break;
    case OPT_DATA:
      data_arg = p.arg;
      break;
    case OPT_TIMEOUT: { /* 0, in any unit: never */
      bool unit;
      if (cli_parse_duration(p.arg, &seconds, &unit) && seconds == 0)
        timeout_s = 0;
      else if (!cli_duration(&p, 0, 86400, &seconds))
        return EXIT_USAGE;
      else
        timeout_s = seconds < 1 ? 1 : (uint32_t)seconds;
      break;
    }
    case OPT_MAX_BODY:
      if (!cli_size(&p, 0, UINT64_MAX, &max_body)) return EXIT_USAGE;
      break;
    }
  }
  const char *const *url_args = (const char *const *)argv + cli_operands(&p);
  size_t nurl = (size_t)(argc - cli_operands(&p));
  if (nurl == 0) return cli_error(&p, "a URL is needed");
  if (nurl > 1024) return cli_error(&p, "at most 1024 URLs");
  get_url *urls = calloc(nurl, sizeof *urls);
  if (!urls) return fputs("h2scope get: out of memory\n", stderr), EXIT_INPUT;
  char err[2200];
  int rc = EXIT_OK;
  if (!get_urls_parse(urls, nurl, url_args, use_upgrade, data_arg != NULL, err, sizeof err))
    rc = cli_error(&p, "%s", err);
  else {
    get_options o = {.verbose = verbose,
                     .json = json,
                     .include = include,
                     .use_upgrade = use_upgrade,
                     .insecure = insecure,
                     .method = method,
                     .data_arg = data_arg,
                     .hdr_args = hdr_args,
                     .nhdr = nhdr,
                     .timeout_s = timeout_s,
                     .max_body = max_body};
    rc = get_fetch(&o, urls, nurl);
  }
  free(urls);
  return rc;
}
