/* get_session.h — the HTTP/2 exchanges of `get` over an open connection:
 * opens a stream per URL as the server's concurrency allows, hands each
 * response's head (-i) and body to get_body.c as they arrive, bounds each
 * body (--max-body: RST_STREAM CANCEL), and reports streams and connections
 * that fail. */
#ifndef H2SCOPE_GET_SESSION_H
#define H2SCOPE_GET_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "get_request.h"
#include "h2/session.h"
#include "wire_conn.h"

typedef struct get_session_options {
  bool verbose, json; /* -v, --json: every frame to stderr */
  bool include;       /* -i */
  bool upgraded;      /* --upgrade done: the request of URL 0 is stream 1 */
  uint32_t timeout_s; /* --timeout (the connection's idle bound; here for the message) */
  uint64_t max_body;  /* --max-body; 0 no limit */
} get_session_options;

/* The client session get runs (RFC 7540 §3.2: after an Upgrade, stream 1
 * is the upgraded request); get_upgrade.c sends its SETTINGS payload as
 * HTTP2-Settings, so the two cannot differ. */
void get_session_config(h2_session_config *cfg, bool upgraded);

/* Fetches the n URLs with req (its :path set per URL) and the request body
 * data over w (net/wire_conn.h, each wait bounded by its idle time), bodies to stdout in URL order.
 * extra: bytes the upgrade read past the 101 response. The outcome (the command maps it to its exit
 * status, docs/exit-status.md). */
typedef enum get_outcome {
  GET_COMPLETE = 0,     /* every response complete */
  GET_FAILED = 1,       /* a stream or the connection failed (or timed out) */
  GET_OUTPUT_ERROR = 3, /* stdout cannot be written, or memory is short */
} get_outcome;
get_outcome get_session_run(const get_session_options *o, const get_url *urls, size_t n,
                            get_request *req, const uint8_t *data, size_t data_len, wire_conn *w,
                            const uint8_t *extra, size_t extra_len);

#endif
