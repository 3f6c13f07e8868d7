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

static const char serve_usage[] =
    "usage: h2scope serve [OPTIONS]\n"
    "An HTTP/2 server: h2c (prior knowledge and HTTP/1.1 Upgrade) or TLS.\n"
    "  --port N          port to listen on (default 8080; 0 picks a free one)\n"
    "  --host ADDR       address to listen on (default 127.0.0.1)\n"
    "  --dir D           serve the regular files under D (no dotfiles, no symbolic links;\n"
    "                    a directory serves its index.html)\n"
    "  --body TEXT       answer every request with TEXT (default \"hello from h2scope\\n\")\n"
    "  --tls CERT KEY    TLS with ALPN h2 (PEM files)\n"
    "  -v                print every frame to stderr\n"
    "  --json            with -v: one JSON object per frame\n"
    "Limits (docs/serve-security.md); when full, the idlest connection makes room:\n"
    "  --max-conns N     concurrent connections (default 1024; lowered to what the\n"
    "                    open-file limit allows after raising the soft limit to the hard one)\n"
    "  --max-conns-per-addr N\n"
    "                    concurrent connections from one client address (default 128)\n"
    "  --idle-timeout S  close a connection silent for S seconds (default 60)\n"
    "  --preface-timeout S\n"
    "                    close a connection whose HTTP/2 preface is not complete after\n"
    "                    S seconds (default 10)\n"
    "  --handshake-timeout S\n"
    "                    close a TLS connection whose handshake takes longer (default 10)\n"
    "The address is printed to stderr as 'listening on HOST:PORT'. SIGINT/SIGTERM stop.\n";

static volatile sig_atomic_t stopping;
static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static int listen_on(const char *host, int port, int *bound_port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
      listen(fd, 1024)) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  socklen_t al = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &al);
  *bound_port = ntohs(a.sin_port);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
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

int cmd_serve(int argc, char **argv) {
  serve_ctx sv = {.dirfd = -1, .body = "hello from h2scope\n"};
  serve_limits_init(&sv.limits);
  serve_cache_init(&sv.cache, SERVE_CACHE_BYTES);
  int port = 8080;
  const char *host = "127.0.0.1", *cert = NULL, *key = NULL, *dir = NULL;
  uint32_t idle_s = SERVE_DEFAULT_IDLE_TIMEOUT_S, preface_s = SERVE_DEFAULT_PREFACE_TIMEOUT_S,
           handshake_s = SERVE_DEFAULT_HANDSHAKE_TIMEOUT_S;
  const char *prog = "h2scope serve";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    bool ok = true;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(serve_usage, stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "-v"))
      sv.verbose = true;
    else if (!strcmp(a, "--json"))
      sv.json = true;
    else if (!strcmp(a, "--port") && i + 1 < argc)
      port = atoi(argv[++i]);
    else if (!strcmp(a, "--host") && i + 1 < argc)
      host = argv[++i];
    else if (!strcmp(a, "--dir") && i + 1 < argc)
      dir = argv[++i];
    else if (!strcmp(a, "--body") && i + 1 < argc)
      sv.body = argv[++i];
    else if (!strcmp(a, "--tls") && i + 2 < argc) {
      cert = argv[++i];
      key = argv[++i];
    }
    /* limits (serve_limits.h, docs/serve-security.md) */
    else if (!strcmp(a, "--max-conns") && i + 1 < argc)
      ok = cli_parse_u32(prog, a, argv[++i], 1, 1000000, &sv.limits.max_conns);
    else if (!strcmp(a, "--max-conns-per-addr") && i + 1 < argc)
      ok = cli_parse_u32(prog, a, argv[++i], 1, 1000000, &sv.limits.max_conns_per_addr);
    else if (!strcmp(a, "--idle-timeout") && i + 1 < argc)
      ok = cli_parse_u32(prog, a, argv[++i], 1, 86400, &idle_s);
    else if (!strcmp(a, "--preface-timeout") && i + 1 < argc)
      ok = cli_parse_u32(prog, a, argv[++i], 1, 3600, &preface_s);
    else if (!strcmp(a, "--handshake-timeout") && i + 1 < argc)
      ok = cli_parse_u32(prog, a, argv[++i], 1, 3600, &handshake_s);
    else {
      fprintf(stderr, "h2scope serve: unknown option '%s' (try --help)\n", a);
      return EXIT_USAGE;
    }
    if (!ok) return EXIT_USAGE;
  }
  if (port < 0 || port > 65535) {
    fputs("h2scope serve: bad --port\n", stderr);
    return EXIT_USAGE;
  }
  sv.limits.idle_timeout_ms = idle_s * 1000u;
  sv.limits.preface_timeout_ms = preface_s * 1000u;
  sv.limits.handshake_timeout_ms = handshake_s * 1000u;
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
      fprintf(stderr, "h2scope serve: %s\n", err);
      goto out;
    }
  }
  int bound = 0;
  int lfd = listen_on(host, port, &bound);
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
