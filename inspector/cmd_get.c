/* cmd_get.c — `h2scope get URL...`: an HTTP/2 client over h2c (prior
 * knowledge, or HTTP/1.1 Upgrade with --upgrade) or TLS with ALPN h2
 * (https://). Fetches every URL (same origin) concurrently on one
 * connection, writes the bodies to stdout in argument order as they arrive
 * (get_body.c), and with -v prints every frame sent and received to stderr.
 * A server is not trusted: every wait for it is bounded (--timeout,
 * get_transport.c) and so is every body (--max-body). */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "get_body.h"
#include "get_transport.h"
#include "get_upgrade.h"
#include "h2/session.h"
#include "h2/session_io.h"
#include "out_buf.h"
#include "session_trace.h"
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
    "                  (connecting, TLS, or any wait for a frame; default 30, 0 never)\n"
    "  --max-body BYTES  reset a response whose body passes BYTES (suffix k, M or G:\n"
    "                  KiB, MiB, GiB) with CANCEL, after writing its first BYTES;\n"
    "                  default 0, no limit\n"
    "Environment: SSLKEYLOGFILE=FILE appends the TLS secrets to FILE (NSS key log).\n"
    "Exit status: 0 every response complete, 1 a stream or the connection failed\n"
    "(or timed out, or a body passed --max-body), 2 usage error, 3 cannot connect\n"
    "(or timed out connecting), or the output cannot be written.\n";

typedef struct url {
  bool tls;
  char host[256];
  char port[8];
  char authority[300];
  char path[2048];
} url;

static bool parse_url(const char *s, url *u) {
  memset(u, 0, sizeof *u);
  const char *rest;
  if (!strncmp(s, "http://", 7))
    rest = s + 7;
  else if (!strncmp(s, "https://", 8)) {
    rest = s + 8;
    u->tls = true;
  } else
    return false;
  size_t alen = strcspn(rest, "/?#");
  if (alen == 0 || alen >= sizeof u->authority) return false;
  memcpy(u->authority, rest, alen);
  const char *p = rest + alen;
  size_t plen = strcspn(p, "#");
  if (plen == 0)
    snprintf(u->path, sizeof u->path, "/");
  else if (*p == '?')
    snprintf(u->path, sizeof u->path, "/%.*s", (int)plen, p);
  else
    snprintf(u->path, sizeof u->path, "%.*s", (int)plen, p);
  const char *host = u->authority, *colon;
  if (host[0] == '[') { /* [v6]:port */
    const char *end = strchr(host, ']');
    if (!end) return false;
    snprintf(u->host, sizeof u->host, "%.*s", (int)(end - host - 1), host + 1);
    colon = end[1] == ':' ? end + 1 : NULL;
  } else {
    colon = strrchr(host, ':');
    snprintf(u->host, sizeof u->host, "%.*s", (int)(colon ? (size_t)(colon - host) : strlen(host)),
             host);
  }
  snprintf(u->port, sizeof u->port, "%s", colon ? colon + 1 : (u->tls ? "443" : "80"));
  return u->host[0] != 0;
}

typedef struct response {
  uint32_t stream_id;
  int status;
  bool done, failed;
  uint64_t body_len;
} response;

typedef struct get_state {
  h2_session *s;
  get_body *out;
  response *resp;
  size_t n, done;
  size_t next_to_send;
  h2_header *req;
  size_t req_n;
  size_t path_index;
  const url *urls;
  const uint8_t *data;
  size_t data_len;
  bool include;
  uint64_t max_body;  /* 0: no limit */
  bool settings_seen; /* until the server's SETTINGS, its stream limit is unknown */
  bool output_failed; /* stdout cannot be written (or a body cannot be held back) */
  int rc;
} get_state;

static response *by_stream(get_state *g, uint32_t id) {
  for (size_t i = 0; i < g->n; i++)
    if (g->resp[i].stream_id == id) return &g->resp[i];
  return NULL;
}

/* Opens as many of the remaining requests as the peer's concurrency allows. */
static void send_requests(get_state *g) {
  while (g->next_to_send < g->n) {
    if (!g->settings_seen && h2_session_open_streams(g->s, false) >= 1) return;
    size_t i = g->next_to_send;
    g->req[g->path_index].value = g->urls[i].path;
    g->req[g->path_index].value_len = strlen(g->urls[i].path);
    uint32_t id = 0;
    bool body = g->data != NULL;
    if (h2_session_send_headers(g->s, 0, g->req, g->req_n, !body, &id) != H2_OK) return;
    g->resp[i].stream_id = id;
    if (body) h2_session_send_data(g->s, id, g->data, g->data_len, true);
    g->next_to_send++;
  }
}

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t *buf = NULL;
  size_t cap = 0;
  *len = 0;
  uint8_t chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (*len + n > cap) {
      size_t c = cap ? cap : sizeof chunk;
      while (c < *len + n)
        c *= 2;
      uint8_t *nb = realloc(buf, c);
      if (!nb) {
        int e = errno;
        free(buf);
        fclose(f);
        errno = e;
        return NULL;
      }
      buf = nb;
      cap = c;
    }
    memcpy(buf + *len, chunk, n);
    *len += n;
  }
  bool failed = ferror(f);
  int e = errno;
  fclose(f);
  if (failed) {
    free(buf);
    errno = e;
    return NULL;
  }
  return buf ? buf : malloc(1);
}

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

/* The response at index i has ended (complete or failed): the output moves
 * on to the next ones. */
static void finish(get_state *g, response *r, bool failed) {
  if (r->done) return;
  r->done = true;
  r->failed = failed;
  g->done++;
  if (!get_body_end(g->out, (size_t)(r - g->resp))) g->output_failed = true;
}

static void write_out(get_state *g, response *r, const void *p, size_t len) {
  if (!get_body_write(g->out, (size_t)(r - g->resp), p, len)) g->output_failed = true;
}

/* -i: "name: value" lines and an empty line, written as they are, whatever
 * their length (the server chooses it; only its header list limit bounds
 * it). */
static void print_head(get_state *g, response *r, const h2_event *ev) {
  for (size_t i = 0; i < ev->header_count; i++) {
    const h2_header *h = &ev->headers[i];
    write_out(g, r, h->name, h->name_len);
    write_out(g, r, ": ", 2);
    write_out(g, r, h->value, h->value_len);
    write_out(g, r, "\n", 1);
  }
  write_out(g, r, "\n", 1);
}

static void on_headers(get_state *g, response *r, const h2_event *ev) {
  for (size_t i = 0; i < ev->header_count; i++) {
    const h2_header *h = &ev->headers[i];
    if (h->name_len == 7 && !memcmp(h->name, ":status", 7)) r->status = atoi(h->value);
  }
  if (g->include && !(r->status >= 100 && r->status < 200)) print_head(g, r, ev);
  if (ev->end_stream) finish(g, r, false);
}

/* A body goes out as it arrives; past --max-body, its first max_body bytes
 * are written and the stream is cancelled (RFC 9113 §8.1: RST_STREAM
 * CANCEL, the response is no longer needed). */
static void on_data(get_state *g, response *r, const h2_event *ev) {
  size_t len = ev->len;
  bool over = g->max_body && r->body_len + len > g->max_body;
  if (over) len = (size_t)(g->max_body - r->body_len);
  write_out(g, r, ev->data, len);
  r->body_len += len;
  if (over) {
    fprintf(stderr,
            "h2scope get: the response on stream %u exceeds --max-body %llu bytes: "
            "cancelled\n",
            r->stream_id, (unsigned long long)g->max_body);
    h2_session_send_rst_stream(g->s, r->stream_id, H2_CANCEL);
    g->rc = EXIT_FINDINGS;
    finish(g, r, true);
  } else if (ev->end_stream) {
    finish(g, r, false);
  }
}

static const char *code_name(uint32_t code) {
  const char *name = h2_error_code_name(code);
  return name ? name : "?";
}

static void on_event(get_state *g, const h2_event *ev) {
  response *r = by_stream(g, ev->stream_id);
  if (r && r->done) r = NULL; /* frames after the end (or after our reset) */
  switch (ev->type) {
  case H2_EV_HEADERS:
    if (r) on_headers(g, r, ev);
    break;
  case H2_EV_DATA:
    if (r) on_data(g, r, ev);
    break;
  case H2_EV_STREAM_CLOSED:
    if (r) {
      fprintf(stderr, "h2scope get: stream %u closed before the response ended (%s)\n",
              ev->stream_id, code_name(ev->error_code));
      finish(g, r, true);
    }
    send_requests(g);
    break;
  case H2_EV_RST_STREAM:
    fprintf(stderr, "h2scope get: stream %u reset by the server: %s\n", ev->stream_id,
            code_name(ev->error_code));
    break;
  case H2_EV_STREAM_ERROR:
  case H2_EV_CONNECTION_ERROR:
    fprintf(stderr, "h2scope get: %s error %s on stream %u (%s, %s)\n",
            ev->type == H2_EV_STREAM_ERROR ? "stream" : "connection", code_name(ev->error_code),
            ev->stream_id, ev->rule ? ev->rule : "", ev->section ? ev->section : "");
    g->rc = EXIT_FINDINGS;
    break;
  case H2_EV_GOAWAY:
    if (ev->error_code != H2_NO_ERROR)
      fprintf(stderr, "h2scope get: GOAWAY %s from the server\n", code_name(ev->error_code));
    break;
  case H2_EV_SETTINGS:
    g->settings_seen = true;
    send_requests(g);
    break;
  default:
    break;
  }
}

/* Takes events until every response has ended or the connection is over. */
static void run_session(get_state *g, h2_session_io *io) {
  h2_event ev;
  while (h2_session_io_take(io, &ev)) {
    on_event(g, &ev);
    if (!g->output_failed && !get_body_flush(g->out)) g->output_failed = true;
    if (g->output_failed) return;
    if (g->done == g->n) {
      h2_session_close(g->s);
      h2_session_io_flush(io);
      return;
    }
  }
}

/* The request header list: pseudo-headers first (§8.3), then the -H fields
 * with lowercase names (§8.2.1), then content-length for a body. The
 * strings stay the callers' (names, cl). */
static bool build_request(const char *method, const url *u, const char *const *hdr_args,
                          size_t nhdr, const uint8_t *data, size_t data_len, h2_header *req,
                          size_t *rn_out, size_t *path_index, char (*names)[128], char *cl,
                          size_t clcap) {
  size_t rn = 0;
  const char *m = method ? method : (data ? "POST" : "GET");
  req[rn++] = (h2_header){":method", 7, m, strlen(m), 0};
  req[rn++] = (h2_header){":scheme", 7, u->tls ? "https" : "http", u->tls ? 5u : 4u, 0};
  *path_index = rn;
  req[rn++] = (h2_header){":path", 5, "/", 1, 0};
  req[rn++] = (h2_header){":authority", 10, u->authority, strlen(u->authority), 0};
  req[rn++] = (h2_header){"user-agent", 10, "h2scope", 7, 0};
  for (size_t i = 0; i < nhdr; i++) {
    const char *colon = strchr(hdr_args[i] + 1, ':');
    size_t nl = colon ? (size_t)(colon - hdr_args[i]) : 0;
    if (!colon || nl >= sizeof names[i]) {
      fprintf(stderr, "h2scope get: -H needs 'name: value', got '%s'\n", hdr_args[i]);
      return false;
    }
    for (size_t k = 0; k < nl; k++)
      names[i][k] = (char)tolower((unsigned char)hdr_args[i][k]);
    const char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    req[rn++] = (h2_header){names[i], nl, v, strlen(v), 0};
  }
  if (data) {
    snprintf(cl, clcap, "%zu", data_len);
    req[rn++] = (h2_header){"content-length", 14, cl, strlen(cl), 0};
  }
  *rn_out = rn;
  return true;
}

/* Connects to the origin: TCP (within the timeout), then TLS or the
 * HTTP/1.1 upgrade. *fd is -1 and the exit status returned when it fails. */
static int open_origin(const url *u, bool use_upgrade, bool insecure, uint32_t timeout_s, int *fd,
                       tls_conn **tls, uint8_t *extra, size_t *extra_len) {
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

/* Checks the URLs: all http:// or https:// with one origin. */
static int get_urls(url *urls, size_t nurl, const char *const *url_args, bool use_upgrade,
                    const char *data_arg) {
  for (size_t i = 0; i < nurl; i++) {
    if (!parse_url(url_args[i], &urls[i])) {
      fprintf(stderr, "h2scope get: not an http:// or https:// URL: %s\n", url_args[i]);
      return EXIT_USAGE;
    }
    if (strcmp(urls[i].authority, urls[0].authority) || urls[i].tls != urls[0].tls) {
      fprintf(stderr, "h2scope get: all URLs must have the same origin\n");
      return EXIT_USAGE;
    }
  }
  if (use_upgrade && (urls[0].tls || data_arg)) {
    fputs("h2scope get: --upgrade is for http:// requests without a body (https uses ALPN)\n",
          stderr);
    return EXIT_USAGE;
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

/* The request body of --data: TEXT, or @FILE's bytes. NULL (with a
 * message) when it cannot be had. */
static uint8_t *request_body(const char *arg, size_t *len) {
  if (arg[0] == '@') {
    uint8_t *data = read_file(arg + 1, len);
    if (!data) fprintf(stderr, "h2scope get: cannot read %s: %s\n", arg + 1, strerror(errno));
    return data;
  }
  *len = strlen(arg);
  uint8_t *data = malloc(*len + 1);
  if (!data) {
    fputs("h2scope get: out of memory\n", stderr);
    return NULL;
  }
  memcpy(data, arg, *len + 1);
  return data;
}

/* Runs the exchanges over an open connection; the exit status. */
static int get_exchange(const get_options *o, const url *urls, size_t nurl, get_transport *gt,
                        const uint8_t *extra, size_t extra_len, h2_header *req, size_t rn,
                        size_t path_index, const uint8_t *data, size_t data_len) {
  out_buf err_out, out;
  out_init(&err_out, 2);
  out_init(&out, 1);
  session_trace *trace = o->verbose ? session_trace_new(0, true, o->json, &err_out) : NULL;
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  cfg.upgraded = o->use_upgrade;
  cfg.initial_window_size = 1u << 20;
  if (trace) {
    cfg.on_frame = session_trace_frame;
    cfg.user = trace;
  }
  bool traced = trace || !o->verbose; /* else session_trace_new ran out of memory */
  h2_session *s = traced ? h2_session_new(&cfg) : NULL;
  h2_transport t = get_transport_wrap(gt);
  h2_session_io *io = s ? h2_session_io_new(s, &t) : NULL;
  get_state g = {.s = s,
                 .n = nurl,
                 .req = req,
                 .req_n = rn,
                 .path_index = path_index,
                 .urls = urls,
                 .data = data,
                 .data_len = data_len,
                 .include = o->include,
                 .max_body = o->max_body,
                 .rc = EXIT_OK};
  g.resp = io ? calloc(nurl, sizeof *g.resp) : NULL;
  g.out = g.resp ? get_body_new(nurl, &out) : NULL;
  if (!g.out || (extra_len && !h2_session_io_push_input(io, extra, extra_len))) {
    fputs("h2scope get: out of memory\n", stderr);
    g.rc = EXIT_INPUT;
  } else {
    if (o->use_upgrade) { /* the upgrade request is stream 1 */
      g.resp[0].stream_id = 1;
      g.next_to_send = 1;
    }
    send_requests(&g);
    run_session(&g, io);
    if (g.output_failed) {
      g.rc = EXIT_INPUT;
    } else {
      if (gt->timed_out)
        fprintf(stderr, "h2scope get: timed out: nothing from the server for %u s\n", o->timeout_s);
      if (g.done < nurl) {
        fprintf(stderr, "h2scope get: connection ended with %zu of %zu responses\n", g.done, nurl);
        g.rc = EXIT_FINDINGS;
      }
      /* what the unfinished ones received still goes out, in order */
      for (size_t i = 0; i < nurl; i++) {
        if (!g.resp[i].done) get_body_end(g.out, i);
        if (g.resp[i].failed) g.rc = EXIT_FINDINGS;
      }
      if (!get_body_flush(g.out)) g.rc = EXIT_INPUT;
    }
  }
  out_flush(&err_out);
  get_body_free(g.out);
  free(g.resp);
  h2_session_io_free(io);
  h2_session_free(s);
  session_trace_free(trace);
  return g.rc;
}

/* Builds the request, connects and fetches every URL; the exit status. */
static int get_fetch(const get_options *o, const url *urls, size_t nurl) {
  uint8_t *data = NULL;
  size_t data_len = 0;
  if (o->data_arg && !(data = request_body(o->data_arg, &data_len))) return EXIT_INPUT;
  char cl[32];
  h2_header req[72];
  char names[64][128];
  size_t rn = 0, path_index = 0;
  if (!build_request(o->method, &urls[0], o->hdr_args, o->nhdr, data, data_len, req, &rn,
                     &path_index, names, cl, sizeof cl)) {
    free(data);
    return EXIT_USAGE;
  }
  get_transport gt = {.fd = -1};
  uint8_t extra[GET_UPGRADE_EXTRA];
  size_t extra_len = 0;
  int rc = open_origin(&urls[0], o->use_upgrade, o->insecure, o->timeout_s, &gt.fd, &gt.tls, extra,
                       &extra_len);
  if (rc == EXIT_OK) {
    rc = get_exchange(o, urls, nurl, &gt, extra, extra_len, req, rn, path_index, data, data_len);
    tls_conn_free(gt.tls);
    close(gt.fd);
  }
  free(data);
  return rc;
}

int cmd_get(int argc, char **argv) {
  bool verbose = false, json = false, include = false, use_upgrade = false, insecure = false;
  const char *method = NULL, *data_arg = NULL;
  const char *hdr_args[64];
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
        if (nhdr == 64) return fputs("h2scope get: too many -H\n", stderr), EXIT_USAGE;
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
  url *urls = calloc(nurl, sizeof *urls);
  if (!urls) return fputs("h2scope get: out of memory\n", stderr), EXIT_INPUT;
  int rc = get_urls(urls, nurl, url_args, use_upgrade, data_arg);
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
