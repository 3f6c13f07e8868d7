/* session_io.h — a thin blocking wrapper over an h2_session: a transport is a
 * pair of read/write callbacks (a file descriptor, or a TLS library), actions
 * are the h2_session_send_* calls ("put" returns at once), and
 * h2_session_io_take() writes what is pending and reads until the next event
 * arrives ("take" waits). */
#ifndef H2_SESSION_IO_H
#define H2_SESSION_IO_H

#include <sys/types.h>

#include "h2/session.h"
#include "h2/session_api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A byte stream to the peer: both callbacks block until they can make
 * progress. For TLS, wrap the library's read/write (OpenSSL: SSL_read and
 * SSL_write on a connected SSL with ALPN "h2" negotiated, RFC 9113 §3.2);
 * see examples/simple_client.c. */
typedef struct h2_transport {
  /* > 0 bytes read, 0 end of stream, < 0 error. */
  ssize_t (*read)(void *ctx, uint8_t *buf, size_t cap);
  /* > 0 bytes written (may be fewer than len), < 0 error. */
  ssize_t (*write)(void *ctx, const uint8_t *buf, size_t len);
  void *ctx; /* passed to both; the caller's */
} h2_transport;

/* The wrapper: a session, a transport and their buffers; opaque. */
typedef struct h2_session_io h2_session_io;

/* A wrapper over s and the transport *t (copied). It does not own the
 * session nor the transport's context: free the wrapper first, then the
 * session, then close the transport. Allocates two 64 KiB buffers; NULL when
 * memory is short. */
H2_SESSION_API h2_session_io *h2_session_io_new(h2_session *s, const h2_transport *t);
/* Transport over a connected blocking file descriptor (read/write, retried
 * on EINTR); the caller keeps and closes fd. */
H2_SESSION_API h2_session_io *h2_session_io_new_fd(h2_session *s, int fd);
/* NULL is a no-op. */
H2_SESSION_API void h2_session_io_free(h2_session_io *io);

/* Writes everything the session has to send now (DATA as far as the
 * windows allow). false on a transport error. */
H2_SESSION_API bool h2_session_io_flush(h2_session_io *io);
/* Waits for the next event: returns a queued one at once, otherwise flushes
 * the output, then reads and feeds the session until an event comes. false
 * when the connection is over (peer closed, transport error, or the session
 * wants no more input) and no event is left. ev's headers and data stay
 * valid until the next call. Because it writes everything before it reads,
 * a peer that stops reading until it has finished writing can block it on a
 * large upload: use the sans-I/O calls with poll() for that. */
H2_SESSION_API bool h2_session_io_take(h2_session_io *io, h2_event *ev);
/* Bytes received that the session has not taken yet (for a caller that read
 * past an HTTP/1.1 101 response, say, and hands those bytes over first);
 * copied. false when they do not fit in the 64 KiB input buffer. */
H2_SESSION_API bool h2_session_io_push_input(h2_session_io *io, const uint8_t *bytes, size_t len);

#ifdef __cplusplus
}
#endif
#endif
