/* session_trace.h — `-v` for `get` and `serve`: every frame a session sends
 * or receives, decoded (field blocks through HPACK) and printed like the
 * inspector prints captures, one decoder per direction. */
#ifndef H2SCOPE_SESSION_TRACE_H
#define H2SCOPE_SESSION_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out_buf.h"

typedef struct session_trace session_trace;

/* conn numbers the connection in the output; we_are_client names the sides. */
session_trace *session_trace_new(uint32_t conn, bool we_are_client, bool json, out_buf *o);
/* dir 0: the frame was sent, 1: received (h2_session_config.on_frame). */
void session_trace_frame(void *trace, int dir, const uint8_t *frame, size_t len);
void session_trace_free(session_trace *t);

#endif
