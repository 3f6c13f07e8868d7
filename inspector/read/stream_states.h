/* stream_states.h — the messages on the streams of one captured connection,
 * seen from outside: which streams are open, which side sent its request or
 * final response and ended its side, the highest id each side opened. It
 * tells field_rules whether a header list is a request, a response or
 * trailers, and notes DATA before the HEADERS that start a message (§8.1).
 * The stream-state rules themselves (§5.1, §5.1.1) are judged by the
 * session's table in the observer role (h2/observer.h), in h2_conn.c. Memory
 * is bounded: at most STREAM_STATES_MAX open streams and the last
 * STREAM_STATES_RESETS resets are remembered; beyond that the checks that
 * need history are switched off rather than guessed. */
#ifndef H2SCOPE_STREAM_STATES_H
#define H2SCOPE_STREAM_STATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoded_frame.h"
#include "h2/frame.h"

#define STREAM_STATES_MAX 4096
#define STREAM_STATES_RESETS 64

typedef struct stream_entry {
  uint32_t id;
  uint8_t ended;        /* bit d: END_STREAM sent by direction d */
  uint8_t headers_sent; /* bit d: a HEADERS frame sent by direction d */
  uint8_t final_block;  /* bit d: a complete request/final-response block from d */
  bool pushed;
} stream_entry;

typedef struct stream_states {
  stream_entry *open;
  uint32_t count, cap;
  uint32_t max_id[2]; /* highest id opened: [0] client (odd), [1] server (even) */
  struct {
    uint32_t id;
    uint8_t by;
  } resets[STREAM_STATES_RESETS];
  uint32_t reset_next;
  bool history_unknown; /* started mid-connection, or a table overflowed */
} stream_states;

/* Directions are FLOW_DIR_C2S (0, the client) and FLOW_DIR_S2C (1). */
void stream_states_init(stream_states *s, bool history_unknown);
void stream_states_free(stream_states *s);
/* Stream 1 after an HTTP/1.1 Upgrade (RFC 7540 §3.2): opened by the client's
 * request, half-closed on the client's side. */
void stream_states_upgrade(stream_states *s);
/* Observes a well-formed frame sent by direction dir; appends up to cap notes
 * to notes[*n]. */
void stream_states_observe(stream_states *s, int dir, const h2_frame *f, frame_note *notes,
                           size_t *n, size_t cap);

enum field_block_kind {
  FIELD_BLOCK_UNKNOWN = 0, /* no stream history (mid-connection start) */
  FIELD_BLOCK_REQUEST,
  FIELD_BLOCK_RESPONSE,
  FIELD_BLOCK_TRAILERS,
};

/* What a header list completed by direction dir on `stream` is: the request
 * (from the client, or a PUSH_PROMISE's promised request), the response, or
 * trailers (after that side's request or final response). */
int stream_states_block_kind(const stream_states *s, int dir, uint32_t stream, bool push);
/* Records that dir sent the request or final (non-1xx) response on stream. */
void stream_states_block_final(stream_states *s, int dir, uint32_t stream);

#endif
