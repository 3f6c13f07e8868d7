/* wire_conn.h — the one raw-bytes client connection of the engines that send
 * bytes of their own to a live peer (check, check --client, fuzz, replay
 * --exact): connecting (TCP, then TLS with ALPN h2), writing a whole buffer
 * and reading what is there, each within a deadline, on a non-blocking
 * socket. TLS's want-read / want-write, EINTR and the byte tap are handled
 * here once. It moves bytes and nothing else: it never decodes nor prints,
 * and when to stop reading is the caller's decision.
 *
 * The session library has its own loop over a transport (h2/session_io.h,
 * for engines that drive an h2_session); wire_session_read/_write give it
 * this connection as that transport, each wait bounded. */
#ifndef H2SCOPE_WIRE_CONN_H
#define H2SCOPE_WIRE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tls_conn.h"

typedef struct wire_conn {
  int fd;        /* -1: none */
  tls_conn *tls; /* NULL: plain TCP */
  int err;       /* errno of the last WIRE_FAILED (0: none known) */
  /* Optional: every byte as it is sent (dir 0) or received (dir 1), in order. */
  void (*tap)(void *user, int dir, const uint8_t *p, size_t n);
  void *tap_user;
  /* wire_session_read/_write only: each call waits at most `idle` seconds
   * (0: no limit) and never past `deadline` (CLOCK_MONOTONIC seconds, 0:
   * none); timed_out says that a wait ran out. */
  double idle, deadline;
  bool timed_out;
} wire_conn;

typedef enum wire_status {
  WIRE_OK,      /* bytes moved */
  WIRE_CLOSED,  /* read: the peer ended the stream (TCP FIN, TLS close) */
  WIRE_FAILED,  /* an error: err (ECONNRESET, EPIPE, ...) when known */
  WIRE_TIMEOUT, /* the deadline came first */
} wire_status;

/* What to connect to. */
typedef struct wire_peer {
  const char *host, *port;
  bool tls;               /* TLS with ALPN h2 (RFC 9113 §3.2) */
  bool verify;            /* verify the certificate (false: -k) */
  tls_client *tls_client; /* a shared client context (NULL: one for this connection) */
} wire_peer;

typedef enum wire_connect_error {
  WIRE_CONNECT_OK,
  WIRE_CONNECT_RESOLVE, /* the name did not resolve: err has getaddrinfo's words */
  WIRE_CONNECT_TCP,     /* no TCP connection: err has strerror's (ETIMEDOUT at the deadline) */
  WIRE_CONNECT_TLS,     /* the TLS handshake or ALPN failed: err says why */
} wire_connect_error;

/* CLOCK_MONOTONIC in seconds: the clock of every deadline here. A deadline
 * of 0 is none: the wait has no limit. */
double wire_now(void);
/* Milliseconds left until deadline for poll(): 0 when it has passed, else
 * at least 1; -1 (no limit) for deadline 0. */
int wire_ms_until(double deadline);

/* An empty connection (fd -1), as wire_close leaves it. */
void wire_init(wire_conn *w);
/* Connects w (wire_init'ed, its tap kept) to p: every address in turn and
 * the TLS handshake, all before deadline; then the socket is non-blocking
 * with TCP_NODELAY. On failure w stays closed, err (cap bytes) says why,
 * w->err is the errno when one is known and w->timed_out whether the
 * deadline ran out. */
wire_connect_error wire_connect(wire_conn *w, const wire_peer *p, double deadline, char *err,
                                size_t cap);
/* Takes over a connected (accepted) socket: non-blocking, TCP_NODELAY. */
void wire_adopt(wire_conn *w, int fd);
/* Frees the TLS connection and closes the socket (no close_notify: the
 * engines end a connection by closing it); w as wire_init left it but for
 * its tap. */
void wire_close(wire_conn *w);

/* Sends all n bytes before deadline. WIRE_FAILED: the peer has gone
 * (w->err: ECONNRESET/EPIPE for a reset, else 0 or the error). */
wire_status wire_write_all(wire_conn *w, const uint8_t *p, size_t n, double deadline);
/* Reads what is there (at most cap bytes, *got of them), waiting for the
 * first byte until deadline. */
wire_status wire_read(wire_conn *w, uint8_t *buf, size_t cap, double deadline, size_t *got);

/* h2_transport's read and write (h2/session_io.h) over a wire_conn (ctx),
 * each wait bounded by its idle and deadline: > 0 bytes, 0 end of stream
 * (read), -1 error or time out (w->timed_out). */
ssize_t wire_session_read(void *ctx, uint8_t *buf, size_t cap);
ssize_t wire_session_write(void *ctx, const uint8_t *buf, size_t len);

#endif
