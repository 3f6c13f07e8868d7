/* serve_conn.h — one `serve` connection and the state all connections
 * share: its life from accept to close (TLS handshake, sniffing the h2c
 * preface or an HTTP/1.1 Upgrade, the HTTP/2 session), reading and writing
 * without blocking, and the buffers it holds, allocated only while needed. */
#ifndef H2SCOPE_SERVE_CONN_H
#define H2SCOPE_SERVE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/session.h"
#include "out_buf.h"
#include "serve_cache.h"
#include "serve_limits.h"
#include "session_trace.h"
#include "tls_conn.h"

/* Bytes handed to the socket per write (large writes keep big responses
 * fast); allocated when output waits, freed once the connection has had
 * nothing in flight for SERVE_OUT_KEEP_MS (serve_conn_trim). */
#define SERVE_OUT_CAP (256u * 1024u)
#define SERVE_OUT_KEEP_MS 1000u

/* What every connection shares. */
typedef struct serve_ctx {
  int dirfd; /* --dir, or -1: answer with body */
  const char *body;
  size_t body_len;
  bool verbose, json;
  tls_server *tls;
  out_buf err;
  uint32_t next_id;
  serve_limits limits;
  uint64_t now_ms;     /* the loop's clock, read once per round */
  uint32_t open_files; /* files being streamed, at most SERVE_MAX_OPEN_FILES */
  serve_cache cache;   /* small files */
} serve_ctx;

/* One file response in flight: from the cache, or read in chunks. */
typedef struct serve_body {
  uint32_t stream_id;
  serve_cached *cached; /* the whole file from the cache (fd -1, no buffer) */
  int fd;               /* streamed: the file until its last chunk is read, then -1 */
  uint64_t off, size;   /* next file offset to read; the size announced in content-length */
  uint8_t *buf;
  size_t cap;
} serve_body;

typedef struct serve_conn {
  int fd;
  uint32_t id;
  serve_addr addr;
  serve_timing t;
  tls_conn *tls;
  uint8_t *head; /* h2c, before the preface: the first bytes (up to SERVE_HEAD_MAX) */
  size_t head_len;
  h2_session *s;
  session_trace *trace;
  uint8_t *out; /* SERVE_OUT_CAP bytes while the connection is in use, else NULL */
  size_t out_off, out_len;
  serve_body *bodies;
  size_t nbodies, cap_bodies;
  bool want_write;
  bool closed;
  bool eof;            /* the client closed, or the socket failed: nothing to linger for */
  size_t linger_bytes; /* read and dropped while closing */
  /* Upgrade: the response to the HTTP/1.1 request (stream 1) waits for the
   * client's preface, so a client that buffers what follows the 101 (curl
   * keeps 32 KiB) is not flooded with DATA before it speaks HTTP/2. */
  bool upgrade_pending;
  char upgrade_method[16];
  char *upgrade_target;
} serve_conn;

/* A connection on an accepted non-blocking socket; NULL (fd left open)
 * when memory or the TLS layer fails. */
serve_conn *serve_conn_new(serve_ctx *sv, int fd, const serve_addr *addr);
void serve_conn_free(serve_ctx *sv, serve_conn *c);

/* The socket is readable (or hung up). */
void serve_conn_readable(serve_ctx *sv, serve_conn *c);
/* Writes what the session has to send until the socket would block. */
void serve_conn_flush(serve_ctx *sv, serve_conn *c);
/* Ends the connection: GOAWAY(NO_ERROR, reason) when it speaks HTTP/2. */
void serve_conn_shut(serve_ctx *sv, serve_conn *c, const char *reason);
/* A connection that has just been closed, when the client may still be
 * sending: our side is shut (TLS close_notify, then FIN) and true returned,
 * the caller keeps it; what the client still sends is read and dropped until
 * it closes, SERVE_LINGER_MS pass or SERVE_LINGER_MAX_BYTES were read. A
 * socket closed with unread bytes makes the kernel answer with a reset
 * instead of FIN, and a reset can destroy the GOAWAY and the responses just
 * written before the client reads them. False: free it now. */
bool serve_conn_linger(serve_ctx *sv, serve_conn *c);
/* Frees the output buffer of a connection quiet for SERVE_OUT_KEEP_MS. */
void serve_conn_trim(serve_ctx *sv, serve_conn *c);
/* Whether poll should wait for POLLOUT. */
bool serve_conn_wants_write(const serve_conn *c);

/* serve_respond.c: answers the session's events (requests, DATA sent,
 * streams closed); releases what a stream holds. */
void serve_handle_events(serve_ctx *sv, serve_conn *c);
void serve_respond(serve_ctx *sv, serve_conn *c, uint32_t stream_id, const char *method,
                   const char *path);
void serve_body_release(serve_ctx *sv, serve_conn *c, size_t i);

#endif
