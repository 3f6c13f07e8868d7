/* get_request.c — `get`'s URLs, request header list and request body
 * (get_request.h). */
#include "get_request.h"

#include "h2/buf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_url(const char *s, get_url *u) {
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

bool get_urls_parse(get_url *urls, size_t n, const char *const *args, bool upgrade, bool has_body,
                    char *err, size_t errcap) {
  for (size_t i = 0; i < n; i++) {
    if (!parse_url(args[i], &urls[i])) {
      snprintf(err, errcap, "not an http:// or https:// URL: %s", args[i]);
      return false;
    }
    if (strcmp(urls[i].authority, urls[0].authority) || urls[i].tls != urls[0].tls) {
      snprintf(err, errcap, "all URLs must have the same origin");
      return false;
    }
  }
  if (upgrade && (urls[0].tls || has_body)) {
    snprintf(err, errcap, "--upgrade is for http:// requests without a body (https uses ALPN)");
    return false;
  }
  return true;
}

/* Pseudo-headers first (RFC 9113 §8.3), then the -H fields with lowercase
 * names (§8.2.1), then content-length for a body. */
bool get_request_build(get_request *r, const char *method, const get_url *u,
                       const char *const *hdr_args, size_t nhdr, bool has_body, size_t body_len,
                       char *err, size_t errcap) {
  if (nhdr > GET_MAX_HEADERS) {
    snprintf(err, errcap, "at most %d -H options", GET_MAX_HEADERS);
    return false;
  }
  h2_header *req = r->fields;
  size_t rn = 0;
  const char *m = method ? method : (has_body ? "POST" : "GET");
  req[rn++] = (h2_header){":method", 7, m, strlen(m), 0};
  req[rn++] = (h2_header){":scheme", 7, u->tls ? "https" : "http", u->tls ? 5u : 4u, 0};
  r->path_index = rn;
  req[rn++] = (h2_header){":path", 5, "/", 1, 0};
  req[rn++] = (h2_header){":authority", 10, u->authority, strlen(u->authority), 0};
  req[rn++] = (h2_header){"user-agent", 10, "h2scope", 7, 0};
  for (size_t i = 0; i < nhdr; i++) {
    const char *colon = strchr(hdr_args[i] + 1, ':');
    size_t nl = colon ? (size_t)(colon - hdr_args[i]) : 0;
    if (!colon || nl >= sizeof r->names[i]) {
      snprintf(err, errcap, "-H needs 'name: value', not '%s'", hdr_args[i]);
      return false;
    }
    for (size_t k = 0; k < nl; k++)
      r->names[i][k] = (char)tolower((unsigned char)hdr_args[i][k]);
    const char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    req[rn++] = (h2_header){r->names[i], nl, v, strlen(v), 0};
  }
  if (has_body) {
    snprintf(r->content_length, sizeof r->content_length, "%zu", body_len);
    req[rn++] = (h2_header){"content-length", 14, r->content_length, strlen(r->content_length), 0};
  }
  r->n = rn;
  return true;
}

/* The largest --data @FILE sent (it is held in memory while it is sent). */
#define GET_DATA_FILE_MAX (1ull << 30)

/* The whole file in one malloc'd block; NULL with errno set (EFBIG: larger
 * than GET_DATA_FILE_MAX). */
static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  h2_buf b;
  h2_buf_init(&b, GET_DATA_FILE_MAX);
  uint8_t chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && h2_buf_put(&b, chunk, n)) {
  }
  int e = b.failed ? (b.len + n > b.limit ? EFBIG : ENOMEM) : errno;
  bool failed = b.failed || ferror(f);
  fclose(f);
  if (failed || !h2_buf_reserve(&b, 1)) {
    h2_buf_free(&b);
    errno = failed ? e : ENOMEM;
    return NULL;
  }
  *len = b.len;
  return b.p;
}

uint8_t *get_request_body(const char *arg, size_t *len) {
  if (arg[0] == '@') {
    uint8_t *data = read_file(arg + 1, len);
    if (!data)
      fprintf(stderr, "h2scope get: cannot read --data @%s: %s\n", arg + 1, strerror(errno));
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
