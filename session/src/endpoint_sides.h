/* endpoint_sides.h — the two endpoints of a connection as array indexes
 * (the observer keeps most of its state per endpoint: [CLIENT], [SERVER])
 * and which of them opened a stream. Private to the session library. */
#ifndef H2_ENDPOINT_SIDES_H
#define H2_ENDPOINT_SIDES_H

#include <stdint.h>

#define CLIENT 0
#define SERVER 1

/* Who opened stream id: odd ids are the client's (RFC 9113 §5.1.1). */
static inline int obs_initiator(uint32_t id) {
  return (id & 1) ? CLIENT : SERVER;
}

#endif
