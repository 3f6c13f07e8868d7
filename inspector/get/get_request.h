/* get_request.h — what `get` sends: its URLs (one origin), the request
 * header list it opens every stream with, and the request body of --data. */
#ifndef H2SCOPE_GET_REQUEST_H
#define H2SCOPE_GET_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/hpack.h"

#define GET_MAX_HEADERS 64 /* -H fields */

typedef struct get_url {
  bool tls;
  char host[256];
  char port[8];
  char authority[300];
  char path[2048];
} get_url;

/* Parses and checks the URLs: all http:// or https:// with one origin; a
 * request with a body or over TLS cannot start with an upgrade. false with
 * the reason in err (the command reports it as a usage error). */
bool get_urls_parse(get_url *urls, size_t n, const char *const *args, bool upgrade, bool has_body,
                    char *err, size_t errcap);

/* The header list: pseudo-headers, user-agent, the -H fields, content-length.
 * It points into itself (names, content_length): build it in place. */
typedef struct get_request {
  h2_header fields[5 + GET_MAX_HEADERS + 1];
  size_t n;
  size_t path_index; /* fields[path_index] is :path, set per URL */
  char names[GET_MAX_HEADERS][128];
  char content_length[24];
} get_request;

/* method NULL: GET, or POST with a body. false (with the reason in err)
 * when an -H argument is not 'name: value' or nhdr > GET_MAX_HEADERS. */
bool get_request_build(get_request *r, const char *method, const get_url *u,
                       const char *const *hdr_args, size_t nhdr, bool has_body, size_t body_len,
                       char *err, size_t errcap);

/* The body of --data: TEXT, or @FILE's bytes (malloc'd). NULL (with a
 * message on stderr) when the file cannot be read or memory is short. */
uint8_t *get_request_body(const char *arg, size_t *len);

#endif
