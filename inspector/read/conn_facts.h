/* conn_facts.h — what read hands up about a connection as plain data: its
 * name (id and endpoints by role) for the writers of its frames and
 * exchanges; its state as it stands during a sink call, for the consumers
 * that judge its frames (render's linter); and at its close its totals
 * (times, how it was found to be HTTP/2, counts), of which the summary
 * (render/summary.h) is made. None of them reads the decoder's state. */
#ifndef H2SCOPE_CONN_FACTS_H
#define H2SCOPE_CONN_FACTS_H

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

/* A connection as the writers of its frames and exchanges name it: the
 * capture's flow id and the endpoints by role, as read decided them
 * (pointers into the flow: valid while the connection lives). */
typedef struct conn_ends {
  uint32_t conn;
  const char *client, *server; /* "ip:port" */
} conn_ends;

conn_ends h2_conn_ends(const struct h2_conn *c);

/* A connection as it stands during a call of read's sink (read_sink in
 * h2_conn.h): what a consumer judging its frames needs besides the frame. */
typedef struct conn_view {
  conn_ends ends;
  bool upgrade;             /* HTTP/2 via Upgrade: h2c (stream 1 exists) */
  bool roles_unknown;       /* mid-connection without an Upgrade: the roles are a guess */
  uint32_t gaps;            /* bytes lost so far (gap events), both directions */
  uint32_t block_stream[2]; /* by role: the stream of the field block being received */
  bool block_push[2];       /* by role: that block is a PUSH_PROMISE's (the promised stream) */
  double ts;                /* capture time of the bytes being processed */
  uint64_t pkt;             /* the capture packet being processed (0: unknown) */
  uint32_t pkt_file;        /* its file when several are read as one, else 0 */
} conn_view;

conn_view h2_conn_view(const struct h2_conn *c);

/* The totals of c as they stand (call at its close, after h2_conn_finish). */
void h2_conn_totals(const struct h2_conn *c, conn_totals *t);

#endif
