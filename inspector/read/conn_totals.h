/* conn_totals.h — what read hands up about a connection when it closes, as a
 * plain struct: its endpoints by role, times, how it was found to be
 * HTTP/2, and its counts. The summary (render/summary.h) is made of these,
 * so it never reads the decoder's connection state. */
#ifndef H2SCOPE_CONN_TOTALS_H
#define H2SCOPE_CONN_TOTALS_H

#include <stdbool.h>
#include <stdint.h>

struct h2_conn;

enum { CONN_TOTALS_TYPES = 11 }; /* frames by type: 0..9, 10 = extension types */

typedef struct conn_totals {
  uint32_t conn;               /* the capture's flow id */
  char client[64], server[64]; /* "ip:port", as read decided the roles */
  double first_ts, last_ts;    /* the connection's first and last capture times */
  bool h2, upgrade, midstream; /* HTTP/2 found; via Upgrade: h2c; without a preface */
  bool alpn;                   /* TLS ALPN h2 */
  uint64_t bytes[2];           /* in-order bytes the capture delivered, client then server */
  uint64_t frames[2];          /* frames decoded, client then server */
  uint64_t by_type[CONN_TOTALS_TYPES];
  uint64_t errors;    /* frames with protocol errors, both directions */
  uint64_t ignored;   /* bytes not decoded */
  uint64_t truncated; /* frames or prefaces cut off by a gap or the end */
  uint32_t streams, gaps, resyncs;
  const char *close_reason; /* static text ("fin", "end-of-capture"), or NULL */
} conn_totals;

/* The totals of c as they stand (call at its close, after h2_conn_finish). */
void h2_conn_totals(const struct h2_conn *c, conn_totals *t);

#endif
