/* cmd_serve.c — `h2scope serve`: options, the listening socket, the
 * open-file limit and the --dir directory, then the poll loop
 * (serve_loop.c) over connections (serve_conn.c) that answer with a fixed
 * body or files (serve_respond.c, serve_files.c). h2c with prior knowledge
 * or HTTP/1.1 Upgrade (RFC 7540 §3.2), or TLS with ALPN h2 (--tls CERT KEY);
 * -v prints every frame. docs/serve-security.md: what it defends against. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "serve_files.h"
#include "serve_loop.h"
#include "tcp_connect.h"

static const char serve_usage[] =
    "usage: h2scope serve [options]\n"
    "An HTTP/2 server: h2c (prior knowledge and HTTP/1.1 Upgrade) or TLS.\n"
    "\n"
    "  --port N              port to listen on (default 8080; 0 picks a free one)\n"
    "  --host ADDR           address to listen on (default 127.0.0.1)\n"
    "  --dir D               serve the regular files under D (no dotfiles, no symbolic\n"
    "                        links; a directory serves its index.html)\n"
    "  --body TEXT           answer every request with TEXT (default \"hello from h2scope\\n\")\n"
    "  --tls CERT KEY        TLS with ALPN h2 (PEM files; also --tls CERT --tls-key KEY)\n"
    "  --tls-key KEY         the private key for --tls CERT\n"
    "  -v, --verbose         print every frame to stderr\n"
    "  --json                with -v: one JSON object per frame\n"
    "  -h, --help            this help\n"
    "\n"
    "Limits (docs/serve-security.md); when full, the idlest connection makes room:\n"
    "  --max-conns N         concurrent connections (default 1024; lowered to what the\n"
    "                        open-file limit allows after raising the soft limit)\n"
    "  --max-conns-per-addr N  concurrent connections from one client address\n"
    "                        (default 128)\n"
    "  --idle-timeout DURATION  close a connection silent that long (default 60s)\n"
    "  --preface-timeout DURATION  close a connection whose HTTP/2 preface is not\n"
    "                        complete after DURATION (default 10s)\n"
    "  --handshake-timeout DURATION  close a TLS connection whose handshake takes\n"
    "                        longer (default 10s)\n"
    "\n"
    "The address is printed to stderr as 'listening on HOST:PORT'. SIGINT/SIGTERM stop.\n"
    "\n"
    "Exit status: 0 stopped by SIGINT/SIGTERM, 2 usage error, 3 the address cannot\n"
    "be bound, the certificate/key cannot be used, or --dir is not a directory.\n";

static volatile sig_atomic_t stopping;
static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

/* One descriptor per connection plus SERVE_FD_RESERVE must fit under
 * RLIMIT_NOFILE, or accept fails with EMFILE: the soft limit is raised as
 * far as the hard one allows, and --max-conns lowered (and said so) when
 * even that is not enough. False when not one connection fits. */
static bool fit_fd_limit(serve_limits *l) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return true;
  uint64_t soft = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
  uint64_t hard = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_max;
  uint64_t new_soft;
  uint32_t fit = serve_fit_fd_limit(l->max_conns, soft, hard, &new_soft);
  if (new_soft != soft) {
    rl.rlim_cur = (rlim_t)new_soft;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
      fit = serve_fit_fd_limit(l->max_conns, soft, soft, &new_soft);
  }
  if (fit < l->max_conns)
    fprintf(stderr,
            "h2scope serve: --max-conns %" PRIu32 " lowered to %" PRIu32
            ": the open-file limit is %" PRIu64 " (ulimit -n)\n",
            l->max_conns, fit, new_soft);
  l->max_conns = fit;
  if (l->max_conns_per_addr > fit) l->max_conns_per_addr = fit;
  return fit > 0;
}

enum {
  OPT_JSON = CLI_LONG_ONLY,
  OPT_PORT,
  OPT_HOST,
  OPT_DIR,
  OPT_BODY,
  OPT_TLS,
  OPT_TLS_KEY,
  OPT_MAX_CONNS,
  OPT_MAX_CONNS_PER_ADDR,
  OPT_IDLE_TIMEOUT,
  OPT_PREFACE_TIMEOUT,
  OPT_HANDSHAKE_TIMEOUT,
};

static const struct option serve_options[] = {
    CLI_OPTION_HELP,
    {"verbose", no_argument, NULL, 'v'},
    {"json", no_argument, NULL, OPT_JSON},
    {"port", required_argument, NULL, OPT_PORT},
    {"host", required_argument, NULL, OPT_HOST},
    {"dir", required_argument, NULL, OPT_DIR},
    {"body", required_argument, NULL, OPT_BODY},
    {"tls", required_argument, NULL, OPT_TLS},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"max-conns", required_argument, NULL, OPT_MAX_CONNS},
    {"max-conns-per-addr", required_argument, NULL, OPT_MAX_CONNS_PER_ADDR},
    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
    {"preface-timeout", required_argument, NULL, OPT_PREFACE_TIMEOUT},
    {"handshake-timeout", required_argument, NULL, OPT_HANDSHAKE_TIMEOUT},
    {NULL, 0, NULL, 0},
};

/* A timeout option in milliseconds, within [1 ms, max_s]. */
static bool timeout_ms(cli_parser *p, double max_s, uint32_t *ms) {
  double seconds;
  if (!cli_duration(p, 0.001, max_s, &seconds)) return false;
  *ms = (uint32_t)(seconds * 1000.0 + 0.5);
  if (*ms == 0) *ms = 1;
  return true;
}

int cmd_serve(int argc, char **argv) {
  /* Connections are numbered from 1, as `read` numbers them. */
  serve_ctx sv = {.dirfd = -1, .body = "hello from h2scope\n", .next_id = 1};
  serve_limits_init(&sv.limits);
  serve_cache_init(&sv.cache, SERVE_CACHE_BYTES);
  int port = 8080;
  const char *host = "127.0.0.1", *cert = NULL, *key = NULL, *dir = NULL;
  cli_parser p;
  cli_parser_init(&p, "h2scope serve", serve_usage, "v", serve_options, argc, argv);
  for (int opt; (opt = cli_next(&p)) != CLI_END;) {
    bool ok = true;
    uint32_t v;
    switch (opt) {
    case CLI_EXIT:
      return p.status;
    case 'v':
      sv.verbose = true;
      break;
    case OPT_JSON:
      sv.json = true;
      break;
    case OPT_PORT:
      ok = cli_u32(&p, 0, 65535, &v);
      port = (int)v;
      break;
    case OPT_HOST: {
      struct in_addr a;
      if (inet_pton(AF_INET, p.arg, &a) != 1)
        return cli_error(&p, "--host needs an IPv4 address, not '%s'", p.arg);
      host = p.arg;
      break;
    }
    case OPT_DIR:
      dir = p.arg;
      break;
    case OPT_BODY:
      sv.body = p.arg;
      break;
    case OPT_TLS:
      cert = p.arg;
      break;
    case OPT_TLS_KEY:
      key = p.arg;
      break;
    /* limits (serve_limits.h, docs/serve-security.md) */
    case OPT_MAX_CONNS:
      ok = cli_u32(&p, 1, 1u << 20, &sv.limits.max_conns);
      break;
    case OPT_MAX_CONNS_PER_ADDR:
      ok = cli_u32(&p, 1, 1u << 20, &sv.limits.max_conns_per_addr);
      break;
    case OPT_IDLE_TIMEOUT:
      ok = timeout_ms(&p, 86400, &sv.limits.idle_timeout_ms);
      break;
    case OPT_PREFACE_TIMEOUT:
      ok = timeout_ms(&p, 3600, &sv.limits.preface_timeout_ms);
      break;
    case OPT_HANDSHAKE_TIMEOUT:
      ok = timeout_ms(&p, 3600, &sv.limits.handshake_timeout_ms);
      break;
    }
    if (!ok) return p.status;
  }
  /* --tls CERT KEY (the two-value form) leaves KEY as the one operand. */
  int first = cli_operands(&p);
  if (first < argc && cert && !key) key = argv[first++];
  if (first < argc) return cli_error(&p, "unexpected argument '%s'", argv[first]);
  if (key && !cert) return cli_error(&p, "--tls-key needs --tls CERT");
  if (cert && !key) return cli_error(&p, "--tls needs the key too: --tls CERT KEY");
  /* The files are named here: past this point OpenSSL's message would not. */
  if (cert && (!cli_input_readable("h2scope serve", "--tls certificate", cert) ||
               !cli_input_readable("h2scope serve", "--tls key", key)))
    return EXIT_INPUT;
  sv.body_len = strlen(sv.body);
  if (!fit_fd_limit(&sv.limits)) {
    fputs("h2scope serve: the open-file limit leaves no room for a connection\n", stderr);
    return EXIT_INPUT;
  }
  if (dir && (sv.dirfd = serve_dir_open(dir)) < 0) {
    fprintf(stderr, "h2scope serve: --dir %s: %s\n", dir, strerror(errno));
    return EXIT_INPUT;
  }
  int rc = EXIT_INPUT;
  if (cert) {
    char err[512];
    sv.tls = tls_server_new(cert, key, err, sizeof err);
    if (!sv.tls) {
      fprintf(stderr, "h2scope serve: --tls %s %s: %s\n", cert, key, err);
      goto out;
    }
  }
  int bound = 0;
  int lfd = tcp_listen(host, port, 1024, &bound);
  if (lfd >= 0) fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
  if (lfd < 0) {
    fprintf(stderr, "h2scope serve: cannot listen on %s:%d: %s\n", host, port, strerror(errno));
    goto out;
  }
  out_init(&sv.err, 2);
  fprintf(stderr, "h2scope serve: listening on %s:%d%s\n", host, bound, sv.tls ? " (TLS)" : "");
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  if (serve_run(&sv, lfd, &stopping))
    rc = EXIT_OK;
  else
    fputs("h2scope serve: out of memory\n", stderr);
  close(lfd);
  out_flush(&sv.err);
out:
  tls_server_free(sv.tls);
  serve_cache_free(&sv.cache);
  if (sv.dirfd >= 0) close(sv.dirfd);
  return rc;
}
