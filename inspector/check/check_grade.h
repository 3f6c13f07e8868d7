/* check_grade.h — what a peer did in reply to a check case (the frames it
 * sent, decoded to the fields a verdict needs, and how the connection ended)
 * and the graded verdict against the case's expectation (check_case.h):
 * pass (the exact reaction), lenient (acceptable but weaker, e.g. a bare close
 * where GOAWAY was required — the reason says which), fail, skip. */
#ifndef H2SCOPE_CHECK_GRADE_H
#define H2SCOPE_CHECK_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/frame.h"

#define CHECK_MAX_RX 1024

enum check_verdict { CHECK_PASS = 0, CHECK_LENIENT = 1, CHECK_FAIL = 2, CHECK_SKIP = 3 };

const char *check_verdict_name(int verdict); /* "pass", "lenient", "fail", "skip" */

typedef struct check_rx {
  h2_frame_header hd;
  uint32_t error_code;     /* RST_STREAM, GOAWAY */
  uint32_t last_stream_id; /* GOAWAY */
  uint32_t increment;      /* WINDOW_UPDATE */
  char status[4];          /* HEADERS: :status ("" if none or undecodable) */
  bool marker;             /* PING ACK carrying our end-of-step marker */
} check_rx;

typedef struct check_observed {
  check_rx rx[CHECK_MAX_RX];
  size_t n;
  size_t dropped;      /* frames beyond CHECK_MAX_RX (counted, not kept) */
  bool closed;         /* the peer closed the connection (EOF) */
  bool reset;          /* ... with a TCP reset (ECONNRESET / EPIPE) */
  bool timed_out;      /* the wait ended at the timeout */
  bool not_http2;      /* bytes that are no HTTP/2 frame (an HTTP/1.1 reply, say) */
  bool marker_acked;   /* the PING sent after the last step was answered */
  uint32_t max_stream; /* highest stream id (31 bits) the case opened */
  size_t frames_sent;  /* frames the case sent (markers not counted) */
} check_observed;

void check_observed_add(check_observed *o, const check_rx *rx);
/* The first frame of a type on a stream (UINT32_MAX: any stream), or NULL. */
const check_rx *check_observed_find(const check_observed *o, uint8_t type, uint32_t sid);

/* Grades o against expect; `why` gets a one-line reason for every verdict
 * but pass (empty then). A malformed expectation is a fail saying so. */
int check_grade(const char *expect, const check_observed *o, char *why, size_t whycap);

/* Whether the expectation is already met (pass): the runner stops waiting. */
bool check_grade_settled(const char *expect, const check_observed *o);

/* "actual": the frames received, short ("SETTINGS, GOAWAY(last=1,
 * PROTOCOL_ERROR), closed"), leaving out the PING ACKs of our markers. */
void check_observed_text(const check_observed *o, char *buf, size_t cap);

#endif
