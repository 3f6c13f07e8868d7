/* stream_state.h — the stream state machine of RFC 9113 §5.1 as data: for a
 * state, a direction (the endpoint sends or receives) and a frame kind, the
 * next state and whether the frame is allowed, ignored, or a stream or
 * connection error (with its code and RFC section). Role-agnostic and free of
 * I/O: "local" is the endpoint whose point of view is taken, so a passive
 * observer can run one machine per endpoint over both directions. */
#ifndef H2_STREAM_STATE_H
#define H2_STREAM_STATE_H

#include <stdint.h>

#include "h2/session_api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The states of §5.1's diagram, from one endpoint's point of view. */
enum h2_stream_state {
  H2_SS_IDLE = 0,
  H2_SS_RESERVED_LOCAL,
  H2_SS_RESERVED_REMOTE,
  H2_SS_OPEN,
  H2_SS_HALF_CLOSED_LOCAL,
  H2_SS_HALF_CLOSED_REMOTE,
  /* closed after the peer ended or reset its side: more DATA/HEADERS from it
   * are errors (§5.1 "closed") */
  H2_SS_CLOSED,
  /* closed because this endpoint sent RST_STREAM while the peer could still
   * send: whatever it had in flight is processed minimally and dropped */
  H2_SS_CLOSED_RESET_LOCAL,
  H2_SS_COUNT
};

/* What happens to a stream. PUSH_PROMISE is the event on the *promised* stream. */
enum h2_stream_event {
  H2_STREAM_EV_HEADERS = 0,
  H2_STREAM_EV_HEADERS_END_STREAM,
  H2_STREAM_EV_DATA,
  H2_STREAM_EV_DATA_END_STREAM,
  H2_STREAM_EV_PUSH_PROMISE,
  H2_STREAM_EV_RST_STREAM,
  H2_STREAM_EV_PRIORITY,
  H2_STREAM_EV_WINDOW_UPDATE,
  H2_STREAM_EVENT_COUNT
};

/* Whether the endpoint sends or receives the frame. */
enum h2_stream_dir { H2_STREAM_SEND = 0, H2_STREAM_RECV = 1 };

/* What §5.1 says about a frame in a state. */
enum h2_stream_verdict {
  H2_STREAM_OK = 0,           /* allowed; go to `next` */
  H2_STREAM_IGNORE,           /* allowed to arrive but discarded after minimal processing */
  H2_STREAM_ERROR,            /* stream error (§5.4.2): RST_STREAM `code` */
  H2_STREAM_CONNECTION_ERROR, /* connection error (§5.4.1): GOAWAY `code` */
  H2_STREAM_NOT_SENDABLE,     /* the endpoint itself must not send this (§5.1) */
};

/* One cell of the table: the verdict, the next state, and for errors the
 * code, a stable rule id and the RFC section. */
typedef struct h2_stream_transition {
  uint8_t next;        /* enum h2_stream_state (unchanged on errors) */
  uint8_t verdict;     /* enum h2_stream_verdict */
  uint32_t code;       /* enum h2_error_code for errors */
  const char *rule;    /* stable id, e.g. "data-on-half-closed-remote" (NULL when OK) */
  const char *section; /* "RFC 9113 §5.1" */
} h2_stream_transition;

/* The transition for (state, dir, event): a pointer into a constant table
 * (valid for the life of the program); never NULL for in-range arguments
 * (state < H2_SS_COUNT, dir 0/1, event < H2_STREAM_EVENT_COUNT), NULL
 * otherwise. */
H2_SESSION_API const h2_stream_transition *h2_stream_transition_get(uint8_t state, uint8_t dir,
                                                                    uint8_t event);

/* Convenience for the frame being sent/received: maps a frame type and its
 * flags (END_STREAM) to an enum h2_stream_event; H2_STREAM_EVENT_COUNT for a
 * frame type that does not act on a stream's state. */
H2_SESSION_API uint8_t h2_stream_event_of(uint8_t frame_type, uint8_t flags);

/* "half-closed (remote)" etc., as §5.1 spells them; "HEADERS+END_STREAM" etc.
 * for events. Static strings; "?" for a value out of range. */
H2_SESSION_API const char *h2_stream_state_name(uint8_t state);
H2_SESSION_API const char *h2_stream_event_name(uint8_t event);

#ifdef __cplusplus
}
#endif
#endif
