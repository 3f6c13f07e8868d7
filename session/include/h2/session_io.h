/* session_io.h — a thin blocking wrapper over an h2_session: a transport is a
 * pair of read/write callbacks (a file descriptor, or a TLS library), actions
 * are the h2_session_send_* calls ("put" returns at once), and
 * h2_session_io_take() writes what is pending and reads until the next event
 * arrives ("take" waits). */
#ifndef H2_SESSION_IO_H
#define H2_SESSION_IO_H

#include <sys/types.h>

#include "h2/session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct h2_transport {
  /* > 0 bytes read, 0 end of stream, < 0 error. */
  ssize_t (*read)(void *ctx, uint8_t *buf, size_t cap);
  /* > 0 bytes written (may be fewer than len), < 0 error. */
  ssize_t (*write)(void *ctx, const uint8_t *buf, size_t len);
  void *ctx;
} h2_transport;

typedef struct h2_session_io h2_session_io;

/* The wrapper does not own the session nor the transport's context. */
h2_session_io *h2_session_io_new(h2_session *s, const h2_transport *t);
/* Transport over a connected blocking file descriptor (read/write). */
h2_session_io *h2_session_io_new_fd(h2_session *s, int fd);
void h2_session_io_free(h2_session_io *io);

/* Writes everything the session has to send. false on a transport error. */
bool h2_session_io_flush(h2_session_io *io);
/* Waits for the next event. false when the connection is over (peer closed,
 * transport error, or the session is done) and no event is left. */
bool h2_session_io_take(h2_session_io *io, h2_event *ev);
/* Bytes received that the session has not taken yet (for a caller that read
 * past an HTTP/1.1 101 response, say, and hands those bytes over first). */
bool h2_session_io_push_input(h2_session_io *io, const uint8_t *bytes, size_t len);

#ifdef __cplusplus
}
#endif
#endif
