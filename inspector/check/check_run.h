/* check_run.h — runs check cases over real connections: against a server
 * (connect over TCP or TLS with ALPN h2, handshake, send each line of the
 * case followed by a marker PING, collect and decode what comes back until
 * the reaction is decided: the expectation is met, the connection ends, or
 * the marker's ACK arrived with every request answered; a quiet period or
 * the timeout only for peers that do not answer) and, with check_client.c,
 * against a client that connects to us. Each call works on its own
 * connection and buffers, so cases can run on several threads at once
 * (check_pool.h). */
#ifndef H2SCOPE_CHECK_RUN_H
#define H2SCOPE_CHECK_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_build.h"
#include "check_case.h"
#include "check_grade.h"
#include "check_robust.h"
#include "frame_print.h"
#include "h2/hpack.h"
#include "out_buf.h"
#include "tls_conn.h"
#include "wire_conn.h"

typedef struct check_target {
  const char *host;
  const char *port;
  bool tls;               /* TLS with ALPN h2, certificate not verified */
  tls_client *tls_client; /* the context every TLS connection of the run is
                           * opened on (NULL: one context per connection) */
  const char *path;       /* request path of req/post (default "/") */
  double timeout;         /* seconds per case */
  out_buf *verbose;       /* -v: frames exchanged (NULL: quiet) */
  print_options po;       /* how -v prints them */
  /* Optional: every byte of the connection as it is sent (dir 0) or
   * received (dir 1), handshake included, in order (h2scope fuzz keeps the
   * exchange to judge it and to write it as a capture). */
  void (*tap)(void *user, int dir, const uint8_t *p, size_t n);
  void *tap_user;
} check_target;

typedef struct check_result {
  int verdict;   /* enum check_verdict */
  char why[320]; /* reason for every verdict but pass */
  char actual[1024];
  double seconds;
  bool connect_failed; /* could not connect at all (exit status 3) */
  bool peer_refused;   /* the peer sent GOAWAY or closed the case's connection */
  /* Robustness cases (check_robust_run.h): the measured verdict (enum
   * check_robust_verdict; CHECK_ROBUST_NONE when not measured), the numbers
   * and the thresholds it was judged by. */
  int robust;
  check_robust_measure measure;
  check_robust_limits limits;
  /* how the case's connection ended (check_observed's flags, for callers
   * that judge the reaction themselves: h2scope fuzz) */
  bool closed, reset, timed_out, marker_acked, no_settings;
  /* client cases with a COMMAND (check_client.c): how the client ended
   * ("exit status 0", "killed by SIGABRT", "still running: killed", and
   * the first line of a sanitizer report on its stderr), and whether that
   * is a crash: a signal (but SIGPIPE and our own SIGKILL), a sanitizer
   * report, or a shell's exit status 128+N for a crash signal N. A crash
   * fails the case whatever the reaction was. */
  char client_end[320];
  bool client_crashed;
} check_result;

/* Runs case `index` of `group` against t. */
void check_run_case(const check_target *t, const check_case *cs, check_result *r);

/* ---- one connection, shared with check_client.c ---- */

/* Requests the peer still owes an answer to, tracked past the barrier: a
 * server processes frames in order and acknowledges our PING only after
 * every reaction to the frames before it (RFC 9113 §6.7), but the response
 * to a complete request may come later from its application. */
#define CHECK_MAX_STREAMS 256

typedef struct check_stream {
  uint32_t id;
  bool complete; /* we sent END_STREAM: the peer owes the response */
} check_stream;

typedef struct check_conn {
  wire_conn w;  /* the bytes (net/wire_conn.h): sent, received, the tap */
  h2_buf rx;    /* received bytes not decoded yet */
  h2_buf block; /* a field block gathered over CONTINUATION */
  uint32_t block_sid;
  bool block_open;
  h2_hpack_decoder dec;  /* the peer's field blocks */
  uint8_t sender;        /* enum h2_sender of the PEER (decode rules) */
  uint32_t settings[10]; /* peer's SETTINGS values by id (UINT32_MAX = absent) */
  bool got_settings, got_settings_ack;
  bool goaway; /* the peer sent GOAWAY: waits end after a short quiet period */
  uint32_t markers_sent;
  uint64_t rx_offset, tx_offset; /* bytes received / sent so far (-v offsets) */
  uint32_t stream1;              /* client cases: the client's request stream stands for stream 1 */
  uint32_t marker_acked;         /* counter of the last marker PING the peer acknowledged */
  /* streams of the case we opened with a request (not `hold`) that the
   * peer has neither ended nor reset nor given up with GOAWAY, and we did
   * not reset */
  check_stream streams[CHECK_MAX_STREAMS];
  size_t n_streams;
  bool streams_overflow; /* more than CHECK_MAX_STREAMS: the barrier cannot decide */
  h2_buf tx;             /* the bytes of one case line (TX_CAP) */
  const check_target *t;
  check_observed *obs; /* where frames go (NULL: dropped, e.g. the handshake) */
} check_conn;

/* c with no connection yet (c->w: connect with wire_connect or take an
 * accepted socket with wire_adopt); its tap is t's. */
bool check_conn_init(check_conn *c, uint8_t peer_sender, const check_target *t);
void check_conn_close(check_conn *c);
/* Sends all bytes; false when the peer has gone (obs->closed/reset set). */
bool check_conn_send(check_conn *c, const uint8_t *p, size_t n, double deadline);
/* Reads and decodes until stop(c) is true, the peer closes, or the deadline
 * (or `quiet` seconds without bytes, when quiet > 0). */
void check_conn_read(check_conn *c, bool (*stop)(check_conn *c, void *arg), void *arg,
                     double deadline, double quiet);
/* Appends our marker PING (opaque "h2sc" + counter) to b. */
void check_conn_marker(check_conn *c, h2_buf *b);
/* Runs the case's lines on an established connection (after the handshake)
 * and waits for the reaction; fills r. */
void check_conn_run_lines(check_conn *c, const check_case *cs, double deadline, check_result *r);
/* Whether the peer's SETTINGS meet a case's `needs`; why says what is missing. */
bool check_conn_needs_met(const check_conn *c, const char *needs, char *why, size_t cap);
double check_now(void);

#endif
