/* upgrade_keep.h — the HTTP/1.1 request that asked for Upgrade: h2c (RFC
 * 7540 §3.2: the request that carried the upgrade is stream 1, half-closed
 * from the client) and the HTTP2-Settings it carried, kept as data for the
 * read sink, which renders them. Bounded: what does not fit the arrays
 * below is left out. */
#ifndef H2SCOPE_UPGRADE_KEEP_H
#define H2SCOPE_UPGRADE_KEEP_H

#include <stddef.h>

#include "h2_detect.h"
#include "upgrade_request.h"

/* The HTTP/1.1 request of an Upgrade: h2c, kept until the 101 arrives: as
 * data for the "upgrade" event (the fields as sent, the HTTP2-Settings) and
 * as a header list (names lowercased) for read_sink.on_upgrade_request. */
typedef struct upgrade_request {
  h2_upgrade_request req; /* points into the arrays below */
  char method[16];
  char target[512];
  h2_header sent[64];
  char sent_bytes[8192];
  h2_upgrade_setting settings[32];
  h2_header fields[48];
  size_t count;
  char bytes[4096];
} upgrade_request;

/* A zeroed request to keep one in; NULL when memory is short. */
upgrade_request *upgrade_keep_new(void);
/* Fills u from the parsed head h. */
void upgrade_keep(upgrade_request *u, const http1_head *h);

#endif
