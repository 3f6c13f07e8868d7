/* replay_run.h — re-sending one captured connection to a live server for
 * `h2scope replay` and what came back: per recorded stream, the live
 * response (replay_response), the spec violations the session reported
 * against the peer, and notes on what the replay did differently from the
 * capture. Two ways to send: over an h2_session (replay_live.c: requests
 * re-encoded, order and concurrency kept) and byte for byte (replay_exact.c). */
#ifndef H2SCOPE_REPLAY_RUN_H
#define H2SCOPE_REPLAY_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out_buf.h"
#include "replay_capture.h"
#include "tls_conn.h"
#include "wire_conn.h"

/* A list of owned strings. */
typedef struct replay_strings {
  char **s;
  size_t n, cap;
  size_t lost; /* strings not kept (memory): counted, and said by the report */
} replay_strings;

void replay_strings_add(replay_strings *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void replay_strings_free(replay_strings *l);

typedef struct replay_stream_result {
  replay_response live;
  uint32_t live_stream_id; /* 0 when not sent */
  bool skipped;            /* not replayed (pushed, no request, client reset): see notes */
  bool sent, done;
  replay_strings violations; /* RFC rules the live peer broke on this stream (or connection) */
  replay_strings notes;      /* what this replay did differently */
} replay_stream_result;

typedef struct replay_conn_result {
  replay_stream_result *streams; /* parallel to replay_conn.ex */
  size_t n;
  bool connected;
  replay_strings violations; /* connection-level */
  replay_strings notes;
} replay_conn_result;

typedef struct replay_target {
  const char *host, *port;
  const char *authority; /* what :authority becomes ("host:port" of --to) */
  bool tls, verify;
  bool keep_authority;
  uint32_t timeout_ms; /* no progress for this long ends the connection; default 10000 */
  out_buf *trace;      /* -v: frames to here, or NULL */
  bool trace_json;
} replay_target;

/* Connects w (TCP, then TLS with ALPN h2 when t->tls; net/wire_conn.h)
 * within the timeout, which then bounds each wait of its session transport
 * (w->idle); false with a message in err. */
bool replay_connect(const replay_target *t, wire_conn *w, char *err, size_t errcap);

/* Prepares out for rc (streams zeroed, pushed / unreplayable ones marked
 * skipped with a note). exact: the recorded blocks are sent as they are, so
 * an undecodable request is only unreplayable when it must be re-encoded. */
bool replay_result_init(replay_conn_result *out, const replay_conn *rc, bool exact);
void replay_result_free(replay_conn_result *r);

/* The request header list of e as it is sent: :authority (or an Upgrade
 * request's host) rewritten to the target unless keep_authority, :scheme
 * following the transport, HTTP/1.1 connection-specific fields of an
 * Upgrade request dropped (RFC 9113 §8.2.2). Fills at most cap fields
 * pointing into e's packed lists; returns the count. */
size_t replay_request_fields(const replay_target *t, const replay_exchange *e, h2_header *out,
                             size_t cap);

/* Order and concurrency: a request (or, with --exact, a frame) is sent
 * once every response that had completed before it in the capture has
 * completed live (replay_exchange.wait_completed, completion_rank). */
typedef struct replay_order {
  uint32_t *rank_to_ex; /* completion rank → index in replay_conn.ex */
  uint32_t nranks;
  uint32_t prefix; /* ranks 0..prefix-1 are done live (or skipped) */
} replay_order;

bool replay_order_init(replay_order *o, const replay_conn *rc);
/* Recomputes the prefix from the results; returns it. */
uint32_t replay_order_advance(replay_order *o, const replay_conn_result *r);
void replay_order_free(replay_order *o);

/* Over an h2_session. Returns 0, or -1 when the connection could not be
 * made (message in out->notes). */
int replay_run_session(const replay_target *t, const replay_conn *rc, replay_conn_result *out);
/* --exact: the client's recorded bytes. Same contract. */
int replay_run_exact(const replay_target *t, const replay_conn *rc, replay_conn_result *out);

#endif
