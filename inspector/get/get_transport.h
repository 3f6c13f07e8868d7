/* get_transport.h — the bytes under `get`'s session: a blocking TCP socket,
 * or a TLS connection over it, with an idle timeout. The socket's receive and
 * send timeouts (SO_RCVTIMEO, SO_SNDTIMEO) bound every wait for the server —
 * to send a byte, or to take one — so a silent server cannot hold get
 * forever; a read or write that timed out fails, and the transport says so. */
#ifndef H2SCOPE_GET_TRANSPORT_H
#define H2SCOPE_GET_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "h2/session_io.h"
#include "tls_conn.h"

typedef struct get_transport {
  int fd;
  tls_conn *tls; /* NULL: plain TCP */
  bool timed_out;
} get_transport;

/* Every later read or write on fd waits at most `seconds` (0: no limit).
 * false with errno when the socket refuses. */
bool get_transport_set_timeout(int fd, uint32_t seconds);
/* Whether the last failed read or write on a socket with a timeout failed
 * because the time ran out (errno EAGAIN/EWOULDBLOCK). */
bool get_transport_errno_timed_out(void);
/* The session transport reading and writing t (which must outlive it). */
h2_transport get_transport_wrap(get_transport *t);

#endif
