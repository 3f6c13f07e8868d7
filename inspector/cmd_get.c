/* cmd_get.c — `h2scope get URL...`: an HTTP/2 client over h2c (prior
 * knowledge, or HTTP/1.1 Upgrade with --upgrade) or TLS with ALPN h2
 * (https://). Fetches every URL (same origin) concurrently on one
 * connection, writes the bodies to stdout in argument order as they arrive,
 * and with -v prints every frame sent and received to stderr. This file
 * takes the options and connects; the parts: get_request.c (URLs, request),
 * get_upgrade.c (HTTP/1.1 Upgrade), get_transport.c (idle timeout),
 * get_session.c (the streams), get_body.c (where bodies go). A server is not
 * trusted: every wait for it is bounded (--timeout) and so is every body
 * (--max-body). */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "get_request.h"
#include "get_session.h"
#include "get_transport.h"
#include "get_upgrade.h"
#include "tcp_connect.h"
#include "tls_conn.h"

static const char get_usage[] =
    "usage: h2scope get [OPTIONS] URL [URL...]\n"
    "Fetches URLs (one origin, http:// or https://) over one HTTP/2 connection and\n"
    "writes the response bodies to stdout, in argument order.\n"
    "  -v              print every frame sent and received to stderr\n"
    "  --json          with -v: one JSON object per frame\n"
    "  -i              print the response status and headers to stdout before the body\n"
    "  -H 'name: value'  add a request header (repeatable)\n"
    "  -X METHOD       request method (default GET, or POST with --data)\n"
    "  --data TEXT     request body (@FILE reads a file)\n"
    "  --upgrade       start with HTTP/1.1 Upgrade: h2c instead of prior knowledge\n"
    "  -k, --insecure  do not verify the server certificate (https)\n"
    "  --timeout SECONDS  give up when the server has sent nothing for SECONDS\n"
    "                  (connecting, TLS, any wait for a frame): 0-86400, default 30,\n"
    "                  0 never\n"
    "  --max-body BYTES  reset a response whose body passes BYTES (suffix k, M or G:\n"
    "                  KiB, MiB, GiB) with CANCEL, after writing its first BYTES;\n"
    "                  default 0, no limit\n"
    "Environment: SSLKEYLOGFILE=FILE appends the TLS secrets to FILE (NSS key log).\n"
    "Exit status: 0 every response complete, 1 a stream or the connection failed\n"
    "(or timed out, or a body passed --max-body), 2 usage error, 3 cannot connect\n"
    "(or timed out connecting), or the output cannot be written.\n";

/* Parses BYTES for --max-body: a decimal count with an optional suffix k, M
 * or G (KiB, MiB, GiB). */
static bool parse_byte_count(const char *text, uint64_t *out) {
  char digits[16];
  size_t n = strspn(text, "0123456789");
  const char *suffix = text + n;
  unsigned shift = 0;
  if (*suffix == 'k' || *suffix == 'K')
    shift = 10;
  else if (*suffix == 'M')
    shift = 20;
  else if (*suffix == 'G')
    shift = 30;
  if ((shift && suffix[1]) || (!shift && *suffix) || n == 0 || n >= sizeof digits) {
    fprintf(stderr, "h2scope get: --max-body needs a byte count (suffix k, M or G), not '%s'\n",
            text);
    return false;
  }
  memcpy(digits, text, n);
  digits[n] = 0;
  uint32_t v;
  if (!cli_parse_u32("h2scope get", "--max-body", digits, 0, UINT32_MAX, &v)) return false;
  *out = (uint64_t)v << shift;
  return true;
}

/* Connects to the origin: TCP (within the timeout), then TLS or the
 * HTTP/1.1 upgrade. *fd is -1 and the exit status returned when it fails. */
static int open_origin(const get_url *u, bool use_upgrade, bool insecure, uint32_t timeout_s,
                       int *fd, tls_conn **tls, uint8_t *extra, size_t *extra_len) {
  int gai = 0;
  *fd = tcp_connect(u->host, u->port, timeout_s ? (int)(timeout_s * 1000) : -1, &gai);
  if (*fd < 0) {
    fprintf(stderr, "h2scope get: cannot connect to %s:%s: %s\n", u->host, u->port,
            gai ? gai_strerror(gai) : strerror(errno));
    return EXIT_INPUT;
  }
  if (timeout_s && !get_transport_set_timeout(*fd, timeout_s)) {
    fprintf(stderr, "h2scope get: cannot set the socket timeout: %s\n", strerror(errno));
    close(*fd);
    *fd = -1;
    return EXIT_INPUT;
  }
  bool ok = true;
  if (u->tls) {
    char err[512];
    errno = 0;
    *tls = tls_client_connect(*fd, u->host, !insecure, err, sizeof err);
    if (!*tls) {
      if (timeout_s && get_transport_errno_timed_out())
        fprintf(stderr, "h2scope get: %s: timed out after %u s without a byte from the server\n",
                err, timeout_s);
      else
        fprintf(stderr, "h2scope get: %s\n", err);
      ok = false;
    }
  } else if (use_upgrade) {
    ok = get_upgrade(*fd, u->authority, u->path, extra, extra_len);
  }
  if (!ok) {
    close(*fd);
    *fd = -1;
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
  if (get_request_build(req, o->method, &urls[0], o->hdr_args, o->nhdr, data != NULL, data_len)) {
    get_transport gt = {.fd = -1};
    uint8_t extra[GET_UPGRADE_EXTRA];
    size_t extra_len = 0;
    rc = open_origin(&urls[0], o->use_upgrade, o->insecure, o->timeout_s, &gt.fd, &gt.tls, extra,
                     &extra_len);
    if (rc == EXIT_OK) {
      get_session_options so = {.verbose = o->verbose,
                                .json = o->json,
                                .include = o->include,
                                .upgraded = o->use_upgrade,
                                .timeout_s = o->timeout_s,
                                .max_body = o->max_body};
      rc = get_session_run(&so, urls, nurl, req, data, data_len, &gt, extra, extra_len);
      tls_conn_free(gt.tls);
      close(gt.fd);
    }
  }
  free(req);
  free(data);
  return rc;
}

int cmd_get(int argc, char **argv) {
  bool verbose = false, json = false, include = false, use_upgrade = false, insecure = false;
  const char *method = NULL, *data_arg = NULL;
  const char *hdr_args[GET_MAX_HEADERS];
  size_t nhdr = 0;
  const char *url_args[1024];
  size_t nurl = 0;
  uint32_t timeout_s = 30; /* idle: a silent server must not hold get forever */
  uint64_t max_body = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(get_usage, stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "-v"))
      verbose = true;
    else if (!strcmp(a, "--json"))
      json = true;
    else if (!strcmp(a, "-i"))
      include = true;
    else if (!strcmp(a, "--upgrade"))
      use_upgrade = true;
    else if (!strcmp(a, "-k") || !strcmp(a, "--insecure"))
      insecure = true;
    else if ((!strcmp(a, "-H") || !strcmp(a, "-X") || !strcmp(a, "--data")) && i + 1 < argc) {
      if (a[1] == 'H') {
        if (nhdr == GET_MAX_HEADERS) return fputs("h2scope get: too many -H\n", stderr), EXIT_USAGE;
        hdr_args[nhdr++] = argv[++i];
      } else if (a[1] == 'X')
        method = argv[++i];
      else
        data_arg = argv[++i];
    } else if (!strcmp(a, "--timeout") && i + 1 < argc) {
      if (!cli_parse_u32("h2scope get", a, argv[++i], 0, 86400, &timeout_s)) return EXIT_USAGE;
    } else if (!strcmp(a, "--max-body") && i + 1 < argc) {
      if (!parse_byte_count(argv[++i], &max_body)) return EXIT_USAGE;
    } else if (a[0] == '-') {
      fprintf(stderr, "h2scope get: unknown option '%s' (try --help)\n", a);
      return EXIT_USAGE;
    } else {
      if (nurl == 1024) return fputs("h2scope get: too many URLs\n", stderr), EXIT_USAGE;
      url_args[nurl++] = a;
    }
  }
  if (nurl == 0) {
    fputs("h2scope get: a URL is needed (try --help)\n", stderr);
    return EXIT_USAGE;
  }
  get_url *urls = calloc(nurl, sizeof *urls);
  if (!urls) return fputs("h2scope get: out of memory\n", stderr), EXIT_INPUT;
  int rc = get_urls_parse(urls, nurl, url_args, use_upgrade, data_arg != NULL);
  if (rc == EXIT_OK) {
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
