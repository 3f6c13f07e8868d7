/* stream_state.c — RFC 9113 §5.1 stream states as one table: for every state,
 * direction and frame kind, the next state or the error the rule demands.
 * Used live by the session and (later) passively by the linter; no I/O. */
#include "h2/stream_state.h"

#include <stddef.h>

#include "h2/error.h"
#include "h2/frame.h"

#define S51 "RFC 9113 §5.1"
#define OK(n)                                                                                      \
  { H2_SS_##n, H2_STREAM_OK, 0, NULL, S51 }
#define IGN(n)                                                                                     \
  { H2_SS_##n, H2_STREAM_IGNORE, 0, NULL, S51 }
#define NS(n, r)                                                                                   \
  { H2_SS_##n, H2_STREAM_NOT_SENDABLE, 0, r, S51 }
#define SERR(n, c, r)                                                                              \
  { H2_SS_##n, H2_STREAM_ERROR, H2_##c, r, S51 }
#define CERR(n, c, r)                                                                              \
  { H2_SS_##n, H2_STREAM_CONNECTION_ERROR, H2_##c, r, S51 }

/* Column order: HEADERS, HEADERS+END_STREAM, DATA, DATA+END_STREAM,
 * PUSH_PROMISE (promising this stream), RST_STREAM, PRIORITY, WINDOW_UPDATE. */
static const h2_stream_transition table[H2_SS_COUNT][2][H2_STREAM_EVENT_COUNT] =
    {
        /* idle: HEADERS opens, PUSH_PROMISE reserves; receiving anything but
         * HEADERS or PRIORITY "MUST be treated as a connection error ...
         * PROTOCOL_ERROR". */
        [H2_SS_IDLE] =
            {
                [H2_STREAM_SEND] = {OK(OPEN), OK(HALF_CLOSED_LOCAL), NS(IDLE, "data-on-idle"),
                                    NS(IDLE, "data-on-idle"), OK(RESERVED_LOCAL),
                                    NS(IDLE, "rst-on-idle"), OK(IDLE),
                                    NS(IDLE, "window-update-on-idle")},
                [H2_STREAM_RECV] = {OK(OPEN), OK(HALF_CLOSED_REMOTE),
                                    CERR(IDLE, PROTOCOL_ERROR, "data-on-idle"),
                                    CERR(IDLE, PROTOCOL_ERROR, "data-on-idle"), OK(RESERVED_REMOTE),
                                    CERR(IDLE, PROTOCOL_ERROR, "rst-on-idle"), OK(IDLE),
                                    CERR(IDLE, PROTOCOL_ERROR, "window-update-on-idle")},
            },
        /* reserved (local): only HEADERS, RST_STREAM, PRIORITY may be sent;
         * WINDOW_UPDATE, RST_STREAM and PRIORITY may be received. */
        [H2_SS_RESERVED_LOCAL] =
            {
                [H2_STREAM_SEND] =
                    {OK(HALF_CLOSED_REMOTE), OK(CLOSED), NS(RESERVED_LOCAL, "data-on-reserved"),
                     NS(RESERVED_LOCAL, "data-on-reserved"),
                     NS(RESERVED_LOCAL, "push-promise-reused-id"), OK(CLOSED), OK(RESERVED_LOCAL),
                     NS(RESERVED_LOCAL, "window-update-on-reserved")},
                [H2_STREAM_RECV] = {CERR(RESERVED_LOCAL, PROTOCOL_ERROR,
                                         "headers-on-reserved-local"),
                                    CERR(RESERVED_LOCAL,
                                         PROTOCOL_ERROR, "headers-on-reserved-local"),
                                    CERR(RESERVED_LOCAL, PROTOCOL_ERROR, "data-on-reserved"),
                                    CERR(RESERVED_LOCAL, PROTOCOL_ERROR, "data-on-reserved"),
                                    CERR(RESERVED_LOCAL, PROTOCOL_ERROR, "push-promise-reused-id"),
                                    OK(CLOSED), OK(RESERVED_LOCAL), OK(RESERVED_LOCAL)},
            },
        /* reserved (remote): the peer's HEADERS starts the pushed response; we may
         * send RST_STREAM, PRIORITY, WINDOW_UPDATE; receiving other than
         * HEADERS, RST_STREAM, PRIORITY is a connection error PROTOCOL_ERROR. */
        [H2_SS_RESERVED_REMOTE] =
            {
                [H2_STREAM_SEND] = {NS(RESERVED_REMOTE, "headers-on-reserved-remote"),
                                    NS(RESERVED_REMOTE, "headers-on-reserved-remote"),
                                    NS(RESERVED_REMOTE, "data-on-reserved"),
                                    NS(RESERVED_REMOTE, "data-on-reserved"),
                                    NS(RESERVED_REMOTE, "push-promise-reused-id"),
                                    OK(CLOSED_RESET_LOCAL), OK(RESERVED_REMOTE),
                                    OK(RESERVED_REMOTE)},
                [H2_STREAM_RECV] = {OK(HALF_CLOSED_LOCAL), OK(CLOSED),
                                    CERR(RESERVED_REMOTE, PROTOCOL_ERROR, "data-on-reserved"),
                                    CERR(RESERVED_REMOTE, PROTOCOL_ERROR, "data-on-reserved"),
                                    CERR(RESERVED_REMOTE, PROTOCOL_ERROR, "push-promise-reused-id"),
                                    OK(CLOSED), OK(RESERVED_REMOTE),
                                    CERR(RESERVED_REMOTE, PROTOCOL_ERROR,
                                         "window-update-on-reserved")},
            },
        /* open: anything; END_STREAM half-closes the sender's side. */
        [H2_SS_OPEN] =
            {
                [H2_STREAM_SEND] = {OK(OPEN), OK(HALF_CLOSED_LOCAL), OK(OPEN),
                                    OK(HALF_CLOSED_LOCAL), NS(OPEN, "push-promise-reused-id"),
                                    OK(CLOSED_RESET_LOCAL), OK(OPEN), OK(OPEN)},
                [H2_STREAM_RECV] = {OK(OPEN), OK(HALF_CLOSED_REMOTE), OK(OPEN),
                                    OK(HALF_CLOSED_REMOTE),
                                    CERR(OPEN, PROTOCOL_ERROR, "push-promise-reused-id"),
                                    OK(CLOSED), OK(OPEN), OK(OPEN)},
            },
        /* half-closed (local): we only send WINDOW_UPDATE, PRIORITY, RST_STREAM. */
        [H2_SS_HALF_CLOSED_LOCAL] =
            {
                [H2_STREAM_SEND] = {NS(HALF_CLOSED_LOCAL, "headers-after-end-stream"),
                                    NS(HALF_CLOSED_LOCAL, "headers-after-end-stream"),
                                    NS(HALF_CLOSED_LOCAL, "data-after-end-stream"),
                                    NS(HALF_CLOSED_LOCAL, "data-after-end-stream"),
                                    NS(HALF_CLOSED_LOCAL, "push-promise-reused-id"),
                                    OK(CLOSED_RESET_LOCAL), OK(HALF_CLOSED_LOCAL),
                                    OK(HALF_CLOSED_LOCAL)},
                [H2_STREAM_RECV] = {OK(HALF_CLOSED_LOCAL), OK(CLOSED), OK(HALF_CLOSED_LOCAL),
                                    OK(CLOSED),
                                    CERR(HALF_CLOSED_LOCAL, PROTOCOL_ERROR,
                                         "push-promise-reused-id"),
                                    OK(CLOSED), OK(HALF_CLOSED_LOCAL), OK(HALF_CLOSED_LOCAL)},
            },
        /* half-closed (remote): "If an endpoint receives additional frames, other
         * than WINDOW_UPDATE, PRIORITY, or RST_STREAM, for a stream that is in
         * this state, it MUST respond with a stream error ... STREAM_CLOSED." */
        [H2_SS_HALF_CLOSED_REMOTE] =
            {
                [H2_STREAM_SEND] = {OK(HALF_CLOSED_REMOTE), OK(CLOSED), OK(HALF_CLOSED_REMOTE),
                                    OK(CLOSED), NS(HALF_CLOSED_REMOTE, "push-promise-reused-id"),
                                    OK(CLOSED), OK(HALF_CLOSED_REMOTE), OK(HALF_CLOSED_REMOTE)},
                [H2_STREAM_RECV] =
                    {SERR(HALF_CLOSED_REMOTE, STREAM_CLOSED, "headers-on-half-closed-remote"),
                     SERR(HALF_CLOSED_REMOTE, STREAM_CLOSED, "headers-on-half-closed-remote"),
                     SERR(HALF_CLOSED_REMOTE, STREAM_CLOSED, "data-on-half-closed-remote"),
                     SERR(HALF_CLOSED_REMOTE, STREAM_CLOSED, "data-on-half-closed-remote"),
                     CERR(HALF_CLOSED_REMOTE, PROTOCOL_ERROR, "push-promise-reused-id"), OK(CLOSED),
                     OK(HALF_CLOSED_REMOTE), OK(HALF_CLOSED_REMOTE)},
            },
        /* closed: only PRIORITY may be sent. The peer's side had ended, so more
         * HEADERS/DATA from it MAY be a connection error STREAM_CLOSED;
         * WINDOW_UPDATE and RST_STREAM can still be in flight and are ignored. */
        [H2_SS_CLOSED] =
            {
                [H2_STREAM_SEND] = {NS(CLOSED, "frame-on-closed"), NS(CLOSED, "frame-on-closed"),
                                    NS(CLOSED, "frame-on-closed"), NS(CLOSED, "frame-on-closed"),
                                    NS(CLOSED, "push-promise-reused-id"),
                                    NS(CLOSED, "frame-on-closed"), OK(CLOSED),
                                    NS(CLOSED, "frame-on-closed")},
                [H2_STREAM_RECV] = {CERR(CLOSED, STREAM_CLOSED, "headers-on-closed"),
                                    CERR(CLOSED, STREAM_CLOSED, "headers-on-closed"),
                                    CERR(CLOSED, STREAM_CLOSED, "data-on-closed"),
                                    CERR(CLOSED, STREAM_CLOSED, "data-on-closed"),
                                    CERR(CLOSED, PROTOCOL_ERROR, "push-promise-reused-id"),
                                    IGN(CLOSED), OK(CLOSED), IGN(CLOSED)},
            },
        /* closed after our RST_STREAM: "An endpoint MUST minimally process and
         * then discard any frames it receives in this state." */
        [H2_SS_CLOSED_RESET_LOCAL] =
            {
                [H2_STREAM_SEND] = {NS(CLOSED_RESET_LOCAL, "frame-on-closed"),
                                    NS(CLOSED_RESET_LOCAL, "frame-on-closed"),
                                    NS(CLOSED_RESET_LOCAL, "frame-on-closed"),
                                    NS(CLOSED_RESET_LOCAL, "frame-on-closed"),
                                    NS(CLOSED_RESET_LOCAL, "push-promise-reused-id"),
                                    NS(CLOSED_RESET_LOCAL, "frame-on-closed"),
                                    OK(CLOSED_RESET_LOCAL),
                                    NS(CLOSED_RESET_LOCAL, "frame-on-closed")},
                [H2_STREAM_RECV] = {IGN(CLOSED_RESET_LOCAL), IGN(CLOSED_RESET_LOCAL),
                                    IGN(CLOSED_RESET_LOCAL), IGN(CLOSED_RESET_LOCAL),
                                    CERR(CLOSED_RESET_LOCAL, PROTOCOL_ERROR,
                                         "push-promise-reused-id"),
                                    IGN(CLOSED_RESET_LOCAL), OK(CLOSED_RESET_LOCAL),
                                    IGN(CLOSED_RESET_LOCAL)},
            },
};

const h2_stream_transition *h2_stream_transition_get(uint8_t state, uint8_t dir, uint8_t event) {
  if (state >= H2_SS_COUNT || dir > H2_STREAM_RECV || event >= H2_STREAM_EVENT_COUNT) return NULL;
  return &table[state][dir][event];
}

uint8_t h2_stream_event_of(uint8_t frame_type, uint8_t flags) {
  bool end = (flags & H2_FLAG_END_STREAM) != 0;
  switch (frame_type) {
  case H2_HEADERS:
    return end ? H2_STREAM_EV_HEADERS_END_STREAM : H2_STREAM_EV_HEADERS;
  case H2_DATA:
    return end ? H2_STREAM_EV_DATA_END_STREAM : H2_STREAM_EV_DATA;
  case H2_PUSH_PROMISE:
    return H2_STREAM_EV_PUSH_PROMISE;
  case H2_RST_STREAM:
    return H2_STREAM_EV_RST_STREAM;
  case H2_PRIORITY:
    return H2_STREAM_EV_PRIORITY;
  case H2_WINDOW_UPDATE:
    return H2_STREAM_EV_WINDOW_UPDATE;
  default:
    return H2_STREAM_EVENT_COUNT;
  }
}

const char *h2_stream_state_name(uint8_t state) {
  static const char *const names[H2_SS_COUNT] = {
      "idle",   "reserved (local)",      "reserved (remote)",
      "open",   "half-closed (local)",   "half-closed (remote)",
      "closed", "closed (reset locally)"};
  return state < H2_SS_COUNT ? names[state] : "?";
}

const char *h2_stream_event_name(uint8_t event) {
  static const char *const names[H2_STREAM_EVENT_COUNT] = {
      "HEADERS",      "HEADERS+END_STREAM", "DATA",     "DATA+END_STREAM",
      "PUSH_PROMISE", "RST_STREAM",         "PRIORITY", "WINDOW_UPDATE"};
  return event < H2_STREAM_EVENT_COUNT ? names[event] : "?";
}
