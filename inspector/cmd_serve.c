/* cmd_serve.c — `h2scope serve`: an HTTP/2 server over the sans-I/O session,
 * many connections in one poll loop. h2c with prior knowledge or HTTP/1.1
 * Upgrade (RFC 7540 §3.2), or TLS with ALPN h2 (--tls CERT KEY). Answers
 * every request with a fixed body (--body) or a file under --dir; -v prints
 * every frame. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "h2/session.h"
#include "out_buf.h"
#include "session_trace.h"
#include "tls_conn.h"

static const char serve_usage[] =
    "usage: h2scope serve [options]\n"
    "An HTTP/2 server: h2c (prior knowledge and HTTP/1.1 Upgrade) or TLS.\n"
    "\n"
    "  --port N              port to listen on (default 8080; 0 picks a free one)\n"
    "  --host ADDR           address to listen on (default 127.0.0.1)\n"
    "  --dir D               serve the files under D\n"
    "  --body TEXT           answer every request with TEXT (default \"hello from h2scope\\n\")\n"
    "  --tls CERT KEY        TLS with ALPN h2 (PEM files; also --tls CERT --tls-key KEY)\n"
    "  --tls-key KEY         the private key for --tls CERT\n"
    "  --max-conns N         concurrent connections (default 1024)\n"
    "  -v, --verbose         print every frame to stderr\n"
    "  --json                with -v: one JSON object per frame\n"
    "  -h, --help            this help\n"
    "\n"
    "The address is printed to stderr as 'listening on HOST:PORT'. SIGINT/SIGTERM stop.\n"
    "\n"
    "Exit status: 0 stopped by SIGINT/SIGTERM, 2 usage error, 3 the address cannot\n"
    "be bound or the certificate/key cannot be used.\n";

typedef struct body_ref {
  uint32_t stream_id;
  const uint8_t *data;
  size_t len;
  bool mapped;
} body_ref;

typedef struct conn {
  int fd;
  uint32_t id;
  tls_conn *tls;
  bool handshaking;
  bool sniffing; /* h2c: preface or HTTP/1.1 request not seen yet */
  char http1[8192];
  size_t http1_len;
  h2_session *s;
  session_trace *trace;
  uint8_t out[256 * 1024];
  size_t out_off, out_len;
  body_ref *bodies;
  size_t nbodies, cap_bodies;
  bool want_write;
  bool closed;
  /* Upgrade: the response to the HTTP/1.1 request (stream 1) waits for the
   * client's preface, so a client that buffers what follows the 101 (curl
   * keeps 32 KiB) is not flooded with DATA before it speaks HTTP/2. */
  bool upgrade_pending;
  char upgrade_method[16];
  char upgrade_target[2048];
} conn;

/* Small files stay in memory after the first request (re-checked with
 * stat: size and mtime); entries are immutable and live until exit, so
 * responses in flight can point into them. */
#define FILE_CACHE_ENTRIES 64
#define FILE_CACHE_MAX_SIZE (1u << 20)
typedef struct cached_file {
  char path[1024];
  size_t len;
  struct timespec mtime;
  uint8_t *data;
} cached_file;

typedef struct server {
  cached_file cache[FILE_CACHE_ENTRIES];
  size_t ncache;
  const char *dir;
  const char *body;
  size_t body_len;
  bool verbose, json;
  tls_server *tls;
  out_buf err;
  uint32_t next_id;
} server;

static volatile sig_atomic_t stopping;
static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static void release_body(conn *c, uint32_t stream_id) {
  for (size_t i = 0; i < c->nbodies; i++) {
    if (c->bodies[i].stream_id != stream_id) continue;
    if (c->bodies[i].mapped) munmap((void *)c->bodies[i].data, c->bodies[i].len);
    c->bodies[i] = c->bodies[--c->nbodies];
    return;
  }
}

static void conn_free(conn *c) {
  while (c->nbodies)
    release_body(c, c->bodies[0].stream_id);
  free(c->bodies);
  h2_session_free(c->s);
  session_trace_free(c->trace);
  tls_conn_free(c->tls);
  close(c->fd);
  free(c);
}

static bool new_session(server *sv, conn *c, bool upgraded) {
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_SERVER);
  cfg.upgraded = upgraded;
  cfg.initial_window_size = 1u << 20;
  if (sv->verbose) {
    c->trace = session_trace_new(c->id, false, sv->json, &sv->err);
    cfg.on_frame = session_trace_frame;
    cfg.user = c->trace;
  }
  c->s = h2_session_new(&cfg);
  return c->s != NULL;
}

static const char *content_type(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot) return "application/octet-stream";
  if (!strcmp(dot, ".html")) return "text/html";
  if (!strcmp(dot, ".txt")) return "text/plain";
  if (!strcmp(dot, ".json")) return "application/json";
  return "application/octet-stream";
}

static const cached_file *cache_lookup(server *sv, const char *file, const struct stat *st) {
  for (size_t i = sv->ncache; i-- > 0;) {
    cached_file *c = &sv->cache[i];
    if (!strcmp(c->path, file) && c->len == (size_t)st->st_size &&
        c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec)
      return c;
  }
  if (sv->ncache == FILE_CACHE_ENTRIES || st->st_size > FILE_CACHE_MAX_SIZE ||
      strlen(file) >= sizeof sv->cache[0].path)
    return NULL;
  int fd = open(file, O_RDONLY);
  if (fd < 0) return NULL;
  cached_file *c = &sv->cache[sv->ncache];
  c->len = (size_t)st->st_size;
  c->data = malloc(c->len ? c->len : 1);
  size_t got = 0;
  while (c->data && got < c->len) {
    ssize_t r = read(fd, c->data + got, c->len - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (!c->data || got != c->len) {
    free(c->data);
    c->data = NULL;
    return NULL;
  }
  memcpy(c->path, file, strlen(file) + 1); /* length checked above */
  c->mtime = st->st_mtim;
  sv->ncache++;
  return c;
}

/* Answers one request: a file under --dir, or the fixed body. */
static void respond(server *sv, conn *c, uint32_t id, const char *method, const char *path) {
  char len_s[32];
  const char *status = "200";
  const uint8_t *data = (const uint8_t *)sv->body;
  size_t len = sv->body_len;
  bool mapped = false;
  const char *ctype = "text/plain";
  if (sv->dir) {
    char file[4096];
    size_t plen = strcspn(path, "?#");
    bool bad = plen == 0 || path[0] != '/' || strstr(path, "/..") != NULL;
    struct stat st;
    int fd = -1;
    const cached_file *cf = NULL;
    if (!bad) {
      snprintf(file, sizeof file, "%s%.*s", sv->dir, (int)plen, path);
      if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) cf = cache_lookup(sv, file, &st);
      if (!cf) fd = open(file, O_RDONLY);
    }
    if (cf) {
      data = cf->data;
      len = cf->len;
      ctype = content_type(file);
    } else if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      len = (size_t)st.st_size;
      data = (const uint8_t *)"";
      if (len) {
        void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
          data = p;
          mapped = true;
        } else {
          status = "500";
          data = (const uint8_t *)"cannot read the file\n";
          len = strlen((const char *)data);
        }
      }
      if (mapped) ctype = content_type(file);
    } else {
      status = bad ? "400" : "404";
      data = (const uint8_t *)(bad ? "bad path\n" : "not found\n");
      len = strlen((const char *)data);
    }
    if (fd >= 0) close(fd);
  }
  bool head = !strcmp(method, "HEAD");
  snprintf(len_s, sizeof len_s, "%zu", len);
  h2_header resp[] = {{":status", 7, status, 3, 0},
                      {"content-length", 14, len_s, strlen(len_s), 0},
                      {"content-type", 12, ctype, strlen(ctype), 0},
                      {"server", 6, "h2scope", 7, 0}};
  bool body = len > 0 && !head;
  h2_status st = h2_session_send_headers(c->s, id, resp, 4, !body, NULL);
  if (st == H2_OK && body) st = h2_session_send_data(c->s, id, data, len, true);
  if (st != H2_OK || !body) {
    if (mapped) munmap((void *)data, len);
    /* no room to answer (a peer that does not read): do not leave the stream hanging */
    if (st != H2_OK) h2_session_send_rst_stream(c->s, id, H2_INTERNAL_ERROR);
    return;
  }
  if (mapped) {
    if (c->nbodies == c->cap_bodies) {
      c->cap_bodies = c->cap_bodies ? 2 * c->cap_bodies : 16;
      c->bodies = realloc(c->bodies, c->cap_bodies * sizeof *c->bodies);
    }
    c->bodies[c->nbodies++] = (body_ref){id, data, len, true};
  }
}

/* Request heads are kept until the request ends (END_STREAM). */
typedef struct pending_req {
  uint32_t id;
  char method[16];
  char path[2048];
} pending_req;

static void handle_events(server *sv, conn *c) {
  h2_event ev;
  while (h2_session_take_event(c->s, &ev)) {
    switch (ev.type) {
    case H2_EV_HEADERS: {
      const char *method = "GET", *path = "/";
      for (size_t i = 0; i < ev.header_count; i++) {
        if (!strcmp(ev.headers[i].name, ":method"))
          method = ev.headers[i].value;
        else if (!strcmp(ev.headers[i].name, ":path"))
          path = ev.headers[i].value;
      }
      /* The request body (if any) is read and dropped; we answer at once
       * when the request has none, else when it ends. Answering early is
       * allowed (§8.1), and keeps the server simple. */
      respond(sv, c, ev.stream_id, method, path);
      break;
    }
    case H2_EV_SETTINGS:
      if (c->upgrade_pending) {
        c->upgrade_pending = false;
        respond(sv, c, 1, c->upgrade_method, c->upgrade_target);
      }
      break;
    case H2_EV_DATA_SENT:
      release_body(c, ev.stream_id);
      break;
    case H2_EV_STREAM_CLOSED:
      release_body(c, ev.stream_id);
      break;
    default:
      break;
    }
  }
}

/* Feeds received bytes. The session takes less only while its event queue
 * is full, and handle_events empties it, so every round makes progress. */
static void feed(server *sv, conn *c, const uint8_t *p, size_t n) {
  int stalls = 0;
  while (n && !c->closed) {
    size_t used = h2_session_recv(c->s, p, n);
    p += used;
    n -= used;
    handle_events(sv, c);
    if (used == 0 && ++stalls > 2) c->closed = true; /* cannot happen; never spin */
  }
}

static ssize_t conn_read(conn *c, uint8_t *buf, size_t cap) {
  if (c->tls) return tls_conn_read(c->tls, buf, cap);
  ssize_t n = read(c->fd, buf, cap);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return TLS_AGAIN;
  return n;
}

static ssize_t conn_write(conn *c, const uint8_t *buf, size_t len) {
  if (c->tls) return tls_conn_write(c->tls, buf, len);
  ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return TLS_AGAIN;
  return n;
}

/* Writes the session's output until the socket would block. */
static void flush_conn(conn *c) {
  c->want_write = false;
  for (;;) {
    if (c->out_len == 0) {
      c->out_off = 0;
      if (c->s) c->out_len = h2_session_output(c->s, c->out, sizeof c->out);
      if (c->out_len == 0) return;
    }
    ssize_t w = conn_write(c, c->out + c->out_off, c->out_len);
    if (w == TLS_AGAIN) {
      c->want_write = true;
      return;
    }
    if (w <= 0) {
      c->closed = true;
      return;
    }
    c->out_off += (size_t)w;
    c->out_len -= (size_t)w;
  }
}

static int b64_value(char ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '-' || ch == '+') return 62;
  if (ch == '_' || ch == '/') return 63;
  return -1;
}

/* base64url (RFC 4648 §5) of HTTP2-Settings; padding tolerated. */
static size_t b64url_decode(const char *s, size_t n, uint8_t *out, size_t cap) {
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '=') break;
    int v = b64_value(s[i]);
    if (v < 0) return SIZE_MAX;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o == cap) return SIZE_MAX;
      out[o++] = (uint8_t)(acc >> bits);
    }
  }
  return o;
}

static const char *header_value(const char *head, const char *name, size_t *len) {
  size_t nl = strlen(name);
  for (const char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
    const char *l = line + 2;
    if (!strncasecmp(l, name, nl) && l[nl] == ':') {
      const char *v = l + nl + 1;
      while (*v == ' ' || *v == '\t')
        v++;
      *len = strcspn(v, "\r\n");
      while (*len && (v[*len - 1] == ' ' || v[*len - 1] == '\t'))
        (*len)--;
      return v;
    }
  }
  return NULL;
}

static void http1_reply(conn *c, const char *status_line) {
  char buf[256];
  int n = snprintf(buf, sizeof buf, "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                   status_line);
  (void)!conn_write(c, (const uint8_t *)buf, (size_t)n);
  c->closed = true;
}

/* h2c: the client preface (prior knowledge, §3.3) or an HTTP/1.1 request
 * with Upgrade: h2c (RFC 7540 §3.2). */
static void sniff(server *sv, conn *c) {
  size_t n = c->http1_len;
  size_t cmp = n < H2_PREFACE_LEN ? n : H2_PREFACE_LEN;
  if (!memcmp(c->http1, H2_PREFACE, cmp)) {
    if (n < H2_PREFACE_LEN) return;
    c->sniffing = false;
    if (!new_session(sv, c, false)) {
      c->closed = true;
      return;
    }
    feed(sv, c, (const uint8_t *)c->http1, n);
    return;
  }
  c->http1[n < sizeof c->http1 ? n : sizeof c->http1 - 1] = 0;
  char *end = strstr(c->http1, "\r\n\r\n");
  if (!end) {
    if (n >= sizeof c->http1 - 1) http1_reply(c, "431 Request Header Fields Too Large");
    return;
  }
  c->sniffing = false;
  size_t head_len = (size_t)(end + 4 - c->http1);
  end[2] = 0;
  char method[16], target[2048];
  if (sscanf(c->http1, "%15s %2047s HTTP/1.1", method, target) != 2) {
    http1_reply(c, "400 Bad Request");
    return;
  }
  size_t ul = 0, sl = 0;
  const char *up = header_value(c->http1, "upgrade", &ul);
  const char *set = header_value(c->http1, "http2-settings", &sl);
  if (!up || ul != 3 || strncasecmp(up, "h2c", 3) || !set) {
    http1_reply(c, "505 HTTP Version Not Supported");
    return;
  }
  uint8_t payload[256];
  size_t plen = b64url_decode(set, sl, payload, sizeof payload);
  const char sw[] =
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
  if (plen == SIZE_MAX || plen % 6 || !new_session(sv, c, true) ||
      h2_session_apply_upgrade_settings(c->s, payload, plen) != H2_OK) {
    http1_reply(c, "400 Bad Request");
    return;
  }
  if (conn_write(c, (const uint8_t *)sw, sizeof sw - 1) != (ssize_t)(sizeof sw - 1)) {
    c->closed = true;
    return;
  }
  c->upgrade_pending = true;
  snprintf(c->upgrade_method, sizeof c->upgrade_method, "%s", method);
  snprintf(c->upgrade_target, sizeof c->upgrade_target, "%s", target);
  /* bytes after the HTTP/1.1 request: the client preface */
  feed(sv, c, (const uint8_t *)c->http1 + head_len, n - head_len);
}

static void on_readable(server *sv, conn *c) {
  if (c->handshaking) {
    int r = tls_conn_handshake(c->tls);
    if (r < 0) c->closed = true;
    if (r <= 0) {
      c->want_write = r == 0 && tls_conn_want_write(c->tls);
      return;
    }
    c->handshaking = false;
    c->sniffing = false;
    if (!new_session(sv, c, false)) {
      c->closed = true;
      return;
    }
  }
  uint8_t buf[32 * 1024];
  /* Plain TCP: at most 16 reads per wakeup, poll is level-triggered. TLS:
   * until it would block, since OpenSSL may hold decrypted bytes the socket
   * no longer signals. */
  for (int rounds = 0; c->tls || rounds < 16; rounds++) {
    ssize_t n = conn_read(c, buf, sizeof buf);
    if (n == TLS_AGAIN) break;
    if (n <= 0) {
      c->closed = true;
      return;
    }
    if (c->sniffing) {
      size_t take = (size_t)n;
      if (take > sizeof c->http1 - 1 - c->http1_len) take = sizeof c->http1 - 1 - c->http1_len;
      memcpy(c->http1 + c->http1_len, buf, take);
      c->http1_len += take;
      sniff(sv, c);
      if (!c->sniffing && take < (size_t)n && c->s) feed(sv, c, buf + take, (size_t)n - take);
    } else {
      feed(sv, c, buf, (size_t)n);
    }
    if (c->closed) return;
  }
}

static int listen_on(const char *host, int port, int *bound_port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
      listen(fd, 1024)) {
    close(fd);
    return -1;
  }
  socklen_t al = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &al);
  *bound_port = ntohs(a.sin_port);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
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
    {NULL, 0, NULL, 0},
};

int cmd_serve(int argc, char **argv) {
  static server sv; /* large (file cache): not on the stack */
  sv.body = "hello from h2scope\n";
  sv.next_id = 1; /* connections are numbered from 1, as `read` numbers them */
  int port = 8080;
  size_t max_conns = 1024;
  const char *host = "127.0.0.1", *cert = NULL, *key = NULL;
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
      sv.dir = p.arg;
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
    case OPT_MAX_CONNS:
      ok = cli_u32(&p, 1, 1u << 20, &v);
      max_conns = v;
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
  if (cert) {
    char err[512];
    sv.tls = tls_server_new(cert, key, err, sizeof err);
    if (!sv.tls) {
      fprintf(stderr, "h2scope serve: --tls %s %s: %s\n", cert, key, err);
      return EXIT_INPUT;
    }
  }
  int bound = 0;
  int lfd = listen_on(host, port, &bound);
  if (lfd < 0) {
    fprintf(stderr, "h2scope serve: cannot listen on %s:%d: %s\n", host, port, strerror(errno));
    tls_server_free(sv.tls);
    return EXIT_INPUT;
  }
  out_init(&sv.err, 2);
  fprintf(stderr, "h2scope serve: listening on %s:%d%s\n", host, bound, sv.tls ? " (TLS)" : "");
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  conn **conns = calloc(max_conns, sizeof *conns);
  struct pollfd *pfd = calloc(max_conns + 1, sizeof *pfd);
  size_t nconns = 0;
  while (!stopping) {
    pfd[0] = (struct pollfd){.fd = lfd, .events = nconns < max_conns ? POLLIN : 0};
    for (size_t i = 0; i < nconns; i++) {
      conn *c = conns[i];
      short ev = POLLIN;
      if (c->want_write || c->out_len) ev |= POLLOUT;
      pfd[i + 1] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    int r = poll(pfd, nconns + 1, 1000);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    size_t polled = nconns;
    for (size_t i = 0; i < polled; i++) {
      conn *c = conns[i];
      short re = pfd[i + 1].revents;
      if (re & (POLLIN | POLLHUP | POLLERR)) on_readable(&sv, c);
      if (!c->closed && !c->handshaking)
        flush_conn(c);
      else if (!c->closed && c->handshaking && (re & POLLOUT))
        on_readable(&sv, c);
      if (c->s && h2_session_done(c->s) && c->out_len == 0) c->closed = true;
    }
    /* drop closed connections */
    for (size_t i = 0; i < nconns;) {
      if (conns[i]->closed) {
        conn_free(conns[i]);
        conns[i] = conns[--nconns];
      } else
        i++;
    }
    if (pfd[0].revents & POLLIN) {
      for (;;) {
        if (nconns == max_conns) break;
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) break;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = calloc(1, sizeof *c);
        c->fd = fd;
        c->id = sv.next_id++;
        if (sv.tls) {
          c->tls = tls_server_accept(sv.tls, fd);
          c->handshaking = true;
        } else {
          c->sniffing = true;
        }
        conns[nconns++] = c;
      }
    }
  }
  for (size_t i = 0; i < nconns; i++)
    conn_free(conns[i]);
  for (size_t i = 0; i < sv.ncache; i++)
    free(sv.cache[i].data);
  free(conns);
  free(pfd);
  close(lfd);
  tls_server_free(sv.tls);
  out_flush(&sv.err);
  return EXIT_OK;
}
