/* check_build.h — turns one line of a check case's frame language into wire
 * bytes, valid or deliberately malformed (the frame header is written as
 * given, h2_frame_header_write, so any length/type/flags/stream is possible).
 *
 * A line is "TYPE FLAGS STREAM [PAYLOAD...]":
 *   TYPE    frame name (DATA, HEADERS, ...) or a number (0x21)
 *   FLAGS   '-' or names joined by '|' (END_STREAM, END_HEADERS, PADDED,
 *           PRIORITY, ACK) or a number
 *   STREAM  decimal, the full 32 bits (R bit included)
 *   PAYLOAD tokens, concatenated:
 *     hex:0a0b  u8:N  u16:N  u24:N  u32:N  zeros:N  str:text
 *     req  (field block of GET <path>)   post (POST <path>)
 *     hold (GET /hold: a request the project's server leaves unanswered)
 *     resp (field block of :status 200, for client cases)
 *     fields:n=v,n=v   literal fields without indexing, no Huffman
 *     len:N            overrides the Length field of the header
 *     repeat:N         the whole frame N times (floods; N <= 100000)
 *     split:N          the line's first 64*N octets go out in TCP writes of
 *                      N octets a millisecond apart, the rest in one (a
 *                      frame split across segments; any frame of the line
 *                      may carry it)
 * A line "RAW hex:..." sends the payload bytes as they are. */
#ifndef H2SCOPE_CHECK_BUILD_H
#define H2SCOPE_CHECK_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/buf.h"

/* The bytes of a line are built in an h2_buf (h2/buf.h): its limit is the
 * caller's send buffer, and a line that does not fit is an error. */

typedef struct check_build_ctx {
  const char *path;      /* request path of req/post (default "/") */
  const char *authority; /* :authority of req/post/hold (default "localhost") */
  uint32_t stream1;      /* stream 1 of the lines becomes this one (client cases: the
                            stream of the client's request); 0 = as written */
} check_build_ctx;

/* Appends the frame(s) of one line to out. false with a message in err when
 * the line does not parse (a bug in a case table). */
bool check_build_line(const check_build_ctx *ctx, const char *line, h2_buf *out, char *err,
                      size_t errcap);

/* Splits a case's frames into lines: copies line `index` (0-based, spaces
 * trimmed) into buf; false when there is no such line. */
bool check_frames_line(const char *frames, size_t index, char *buf, size_t cap);

/* Whether the line's frame leaves a field block open (HEADERS, PUSH_PROMISE
 * or CONTINUATION without END_HEADERS): nothing else may follow it (§4.3). */
bool check_line_opens_block(const uint8_t *frame, size_t n);

#endif
