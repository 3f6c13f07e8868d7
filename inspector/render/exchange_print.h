/* exchange_print.h — `read --exchanges`: one exchange record (talk/
 * exchange.h) as a line of a text table in the spirit of `nghttp -s`, or as
 * one JSON line {"v":1,"exchange":{...}} (docs/read-output.md, "Exchanges").
 * Text columns: conn, stream, status, method, request body bytes on the wire,
 * response body bytes on the wire and decoded, content-encoding, request
 * start (relative or absolute), response wait and total time (ms), path,
 * then notes (pushed, reset, incomplete, 1xx, trailers, gRPC status, body
 * decoding problems). */
#ifndef H2SCOPE_EXCHANGE_PRINT_H
#define H2SCOPE_EXCHANGE_PRINT_H

#include <stdbool.h>

#include "conn_facts.h"
#include "exchange.h"
#include "frame_print.h"
#include "out_buf.h"

typedef struct exchange_print_opts {
  bool json;
  bool abs_time;   /* text: absolute start times (JSON is always absolute) */
  double first_ts; /* text: relative times count from here */
} exchange_print_opts;

/* The column heads of the text table (once, before the first line). */
void exchange_print_header(out_buf *o);
void exchange_print(out_buf *o, const exchange_print_opts *po, const conn_ends *c,
                    const exchange *x);

#endif
