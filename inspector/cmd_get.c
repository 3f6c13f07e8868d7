/* cmd_get.c — `h2scope get URL...`: an HTTP/2 client over h2c (prior
 * knowledge, or HTTP/1.1 Upgrade with --upgrade) or TLS with ALPN h2
 * (https://). Fetches every URL (same origin) concurrently on one
 * connection, writes the bodies to stdout in argument order, and with -v
 * prints every frame sent and received to stderr. */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "h2/session.h"
#include "h2/session_io.h"
#include "out_buf.h"
#include "session_trace.h"
#include "tcp_connect.h"
#include "tls_conn.h"

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
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 every response complete, 1 a stream or the connection failed,\n"
    "2 usage error, 3 cannot connect.\n";

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

/* RFC 4648 §5 base64url without padding (HTTP2-Settings, RFC 7540 §3.2.1). */
static void base64url(const uint8_t *in, size_t n, char *out) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
                 (i + 2 < n ? in[i + 2] : 0);
    out[o++] = a[(v >> 18) & 63];
    out[o++] = a[(v >> 12) & 63];
    if (i + 1 < n) out[o++] = a[(v >> 6) & 63];
    if (i + 2 < n) out[o++] = a[v & 63];
  }
  out[o] = 0;
}

typedef struct response {
  uint32_t stream_id;
  int status;
  bool done, failed;
  uint8_t *body;
  size_t len, cap;
  char *head; /* "-i" text */
  size_t head_len;
} response;

typedef struct get_state {
  h2_session *s;
  response *resp;
  size_t n;
  size_t next_to_send;
  h2_header *req;
  size_t req_n;
  size_t path_index;
  const url *urls;
  const uint8_t *data;
  size_t data_len;
  bool settings_seen; /* until the server's SETTINGS, its stream limit is unknown */
} get_state;

static response *by_stream(get_state *g, uint32_t id) {
  for (size_t i = 0; i < g->n; i++)
    if (g->resp[i].stream_id == id) return &g->resp[i];
  return NULL;
}

static void append(uint8_t **buf, size_t *len, size_t *cap, const void *p, size_t n) {
  if (*len + n > *cap) {
    size_t c = *cap ? *cap : 4096;
    while (c < *len + n)
      c *= 2;
    *buf = realloc(*buf, c);
    *cap = c;
  }
  memcpy(*buf + *len, p, n);
  *len += n;
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
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    append(&buf, len, &cap, chunk, n);
  fclose(f);
  if (!buf) buf = malloc(1);
  return buf;
}

/* HTTP/1.1 request with Upgrade: h2c; returns the bytes read past the 101
 * response's header in *extra (RFC 7540 §3.2). */
static bool upgrade(int fd, const url *u, uint8_t *extra, size_t *extra_len) {
  uint8_t settings[12] = {0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 128};
  char b64[32];
  base64url(settings, sizeof settings, b64);
  char req[4096];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                   "Upgrade: h2c\r\nHTTP2-Settings: %s\r\nUser-Agent: h2scope\r\n\r\n",
                   u->path, u->authority, b64);
  if (write(fd, req, (size_t)n) != n) return false;
  char resp[8192];
  size_t len = 0;
  char *end = NULL;
  while (!end) {
    if (len == sizeof resp - 1) return false;
    ssize_t r = read(fd, resp + len, sizeof resp - 1 - len);
    if (r <= 0) {
      fputs("h2scope get: the connection closed during the HTTP/1.1 upgrade\n", stderr);
      return false;
    }
    len += (size_t)r;
    resp[len] = 0;
    end = strstr(resp, "\r\n\r\n");
  }
  if (strncmp(resp, "HTTP/1.1 101", 12) != 0) {
    if (strncmp(resp, "HTTP/", 5) != 0) {
      fputs("h2scope get: the server did not answer the upgrade in HTTP/1.1\n", stderr);
      return false;
    }
    fprintf(stderr, "h2scope get: the server refused the upgrade: %.*s\n",
            (int)strcspn(resp, "\r\n"), resp);
    return false;
  }
  size_t head = (size_t)(end + 4 - resp);
  *extra_len = len - head;
  memcpy(extra, resp + head, *extra_len);
  return true;
}

enum { OPT_JSON = CLI_LONG_ONLY, OPT_DATA, OPT_UPGRADE };

static const struct option get_options[] = {
    CLI_OPTION_HELP,
    {"verbose", no_argument, NULL, 'v'},
    {"json", no_argument, NULL, OPT_JSON},
    {"include", no_argument, NULL, 'i'},
    {"header", required_argument, NULL, 'H'},
    {"request", required_argument, NULL, 'X'},
    {"data", required_argument, NULL, OPT_DATA},
    {"upgrade", no_argument, NULL, OPT_UPGRADE},
    {"insecure", no_argument, NULL, 'k'},
    {NULL, 0, NULL, 0},
};

int cmd_get(int argc, char **argv) {
  bool verbose = false, json = false, include = false, use_upgrade = false, insecure = false;
  const char *method = NULL, *data_arg = NULL;
  const char *hdr_args[64];
  size_t nhdr = 0;
  cli_parser p;
  cli_parser_init(&p, "h2scope get", get_usage, "viH:X:k", get_options, argc, argv);
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
      if (nhdr == 64) return cli_error(&p, "at most 64 -H options");
      hdr_args[nhdr++] = p.arg;
      break;
    case 'X':
      method = p.arg;
      break;
    case OPT_DATA:
      data_arg = p.arg;
      break;
    }
  }
  const char *const *url_args = (const char *const *)argv + cli_operands(&p);
  size_t nurl = (size_t)(argc - cli_operands(&p));
  if (nurl == 0) return cli_error(&p, "a URL is needed");
  if (nurl > 1024) return cli_error(&p, "at most 1024 URLs");
  url *urls = calloc(nurl, sizeof *urls);
  for (size_t i = 0; i < nurl; i++) {
    if (!parse_url(url_args[i], &urls[i])) {
      cli_error(&p, "not an http:// or https:// URL: %s", url_args[i]);
      free(urls);
      return EXIT_USAGE;
    }
    if (strcmp(urls[i].authority, urls[0].authority) || urls[i].tls != urls[0].tls) {
      cli_error(&p, "all URLs must have the same origin");
      free(urls);
      return EXIT_USAGE;
    }
  }
  if (use_upgrade && (urls[0].tls || data_arg)) {
    cli_error(&p, "--upgrade is for http:// requests without a body (https uses ALPN)");
    free(urls);
    return EXIT_USAGE;
  }
  uint8_t *data = NULL;
  size_t data_len = 0;
  if (data_arg) {
    if (data_arg[0] == '@') {
      data = read_file(data_arg + 1, &data_len);
      if (!data) {
        fprintf(stderr, "h2scope get: --data @%s: %s\n", data_arg + 1, strerror(errno));
        free(urls);
        return EXIT_INPUT;
      }
    } else {
      data_len = strlen(data_arg);
      data = malloc(data_len + 1);
      memcpy(data, data_arg, data_len + 1);
    }
  }

  /* request header list: pseudo-headers first (§8.3), then -H fields lowercased (§8.2.1) */
  char cl[32];
  h2_header req[72];
  size_t rn = 0;
  const char *m = method ? method : (data ? "POST" : "GET");
  req[rn++] = (h2_header){":method", 7, m, strlen(m), 0};
  req[rn++] = (h2_header){":scheme", 7, urls[0].tls ? "https" : "http", urls[0].tls ? 5u : 4u, 0};
  size_t path_index = rn;
  req[rn++] = (h2_header){":path", 5, "/", 1, 0};
  req[rn++] = (h2_header){":authority", 10, urls[0].authority, strlen(urls[0].authority), 0};
  req[rn++] = (h2_header){"user-agent", 10, "h2scope", 7, 0};
  char names[64][128];
  for (size_t i = 0; i < nhdr; i++) {
    const char *colon = strchr(hdr_args[i] + 1, ':');
    size_t nl = colon ? (size_t)(colon - hdr_args[i]) : 0;
    if (!colon || nl >= sizeof names[i]) {
      cli_error(&p, "-H needs 'name: value', not '%s'", hdr_args[i]);
      free(urls);
      free(data);
      return EXIT_USAGE;
    }
    for (size_t k = 0; k < nl; k++)
      names[i][k] = (char)tolower((unsigned char)hdr_args[i][k]);
    const char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    req[rn++] = (h2_header){names[i], nl, v, strlen(v), 0};
  }
  if (data) {
    snprintf(cl, sizeof cl, "%zu", data_len);
    req[rn++] = (h2_header){"content-length", 14, cl, strlen(cl), 0};
  }

  int rc = EXIT_OK;
  int gai = 0;
  int fd = tcp_connect(urls[0].host, urls[0].port, -1, &gai);
  if (fd < 0) {
    fprintf(stderr, "h2scope get: cannot connect to %s:%s: %s\n", urls[0].host, urls[0].port,
            gai ? gai_strerror(gai) : strerror(errno));
    free(urls);
    free(data);
    return EXIT_INPUT;
  }
  tls_conn *tls = NULL;
  uint8_t extra[8192];
  size_t extra_len = 0;
  if (urls[0].tls) {
    char err[512];
    tls = tls_client_connect(fd, urls[0].host, !insecure, err, sizeof err);
    if (!tls) {
      fprintf(stderr, "h2scope get: %s\n", err);
      close(fd);
      free(urls);
      free(data);
      return EXIT_INPUT;
    }
  } else if (use_upgrade && !upgrade(fd, &urls[0], extra, &extra_len)) {
    close(fd);
    free(urls);
    free(data);
    return EXIT_INPUT;
  }

  out_buf err_out;
  out_init(&err_out, 2);
  session_trace *trace = verbose ? session_trace_new(1, true, json, &err_out) : NULL;
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_CLIENT);
  cfg.upgraded = use_upgrade;
  cfg.initial_window_size = 1u << 20;
  if (trace) {
    cfg.on_frame = session_trace_frame;
    cfg.user = trace;
  }
  h2_session *s = h2_session_new(&cfg);
  h2_session_io *io = NULL;
  if (tls) {
    h2_transport t = {tls_conn_read, tls_conn_write, tls};
    io = h2_session_io_new(s, &t);
  } else {
    io = h2_session_io_new_fd(s, fd);
  }
  if (extra_len) h2_session_io_push_input(io, extra, extra_len);

  get_state g = {.s = s,
                 .n = nurl,
                 .req = req,
                 .req_n = rn,
                 .path_index = path_index,
                 .urls = urls,
                 .data = data,
                 .data_len = data_len};
  g.resp = calloc(nurl, sizeof *g.resp);
  if (use_upgrade) { /* the upgrade request is stream 1 */
    g.resp[0].stream_id = 1;
    g.next_to_send = 1;
  }
  send_requests(&g);
  size_t done = 0;
  h2_event ev;
  bool closing = false;
  while (h2_session_io_take(io, &ev)) {
    response *r = by_stream(&g, ev.stream_id);
    switch (ev.type) {
    case H2_EV_HEADERS:
      if (!r) break;
      for (size_t i = 0; i < ev.header_count; i++) {
        const h2_header *h = &ev.headers[i];
        if (!strcmp(h->name, ":status")) r->status = atoi(h->value);
      }
      if (include && !(r->status >= 100 && r->status < 200)) {
        for (size_t i = 0; i < ev.header_count; i++) {
          char line[8192];
          int n = snprintf(line, sizeof line, "%s: %s\n", ev.headers[i].name, ev.headers[i].value);
          size_t cap = r->head_len;
          append((uint8_t **)&r->head, &r->head_len, &cap, line, (size_t)n);
        }
        size_t cap = r->head_len;
        append((uint8_t **)&r->head, &r->head_len, &cap, "\n", 1);
      }
      if (ev.end_stream && !r->done) {
        r->done = true;
        done++;
      }
      break;
    case H2_EV_DATA:
      if (!r) break;
      append(&r->body, &r->len, &r->cap, ev.data, ev.len);
      if (ev.end_stream && !r->done) {
        r->done = true;
        done++;
      }
      break;
    case H2_EV_STREAM_CLOSED:
      if (r && !r->done) {
        r->failed = r->done = true;
        done++;
        fprintf(stderr, "h2scope get: stream %u closed before the response ended (%s)\n",
                ev.stream_id,
                h2_error_code_name(ev.error_code) ? h2_error_code_name(ev.error_code) : "?");
      }
      send_requests(&g);
      break;
    case H2_EV_RST_STREAM:
      fprintf(stderr, "h2scope get: stream %u reset by the server: %s\n", ev.stream_id,
              h2_error_code_name(ev.error_code) ? h2_error_code_name(ev.error_code) : "?");
      break;
    case H2_EV_STREAM_ERROR:
    case H2_EV_CONNECTION_ERROR:
      fprintf(stderr, "h2scope get: %s error %s on stream %u (%s, %s)\n",
              ev.type == H2_EV_STREAM_ERROR ? "stream" : "connection",
              h2_error_code_name(ev.error_code), ev.stream_id, ev.rule ? ev.rule : "",
              ev.section ? ev.section : "");
      rc = EXIT_FINDINGS;
      break;
    case H2_EV_GOAWAY:
      if (ev.error_code != H2_NO_ERROR)
        fprintf(stderr, "h2scope get: GOAWAY %s from the server\n",
                h2_error_code_name(ev.error_code));
      break;
    case H2_EV_SETTINGS:
      g.settings_seen = true;
      send_requests(&g);
      break;
    default:
      break;
    }
    if (done == nurl && !closing) {
      closing = true;
      h2_session_close(s);
      h2_session_io_flush(io);
      break;
    }
  }
  if (done < nurl) {
    fprintf(stderr, "h2scope get: connection ended with %zu of %zu responses\n", done, nurl);
    rc = EXIT_FINDINGS;
  }
  out_buf out;
  out_init(&out, 1);
  for (size_t i = 0; i < nurl; i++) {
    response *r = &g.resp[i];
    if (r->failed) rc = EXIT_FINDINGS;
    if (include && r->head) out_write(&out, r->head, r->head_len);
    if (r->body) out_write(&out, r->body, r->len);
    free(r->body);
    free(r->head);
  }
  out_flush(&out);
  out_flush(&err_out);
  free(g.resp);
  h2_session_io_free(io);
  h2_session_free(s);
  session_trace_free(trace);
  tls_conn_free(tls);
  close(fd);
  free(urls);
  free(data);
  return rc;
}
