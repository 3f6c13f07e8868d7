/* event_data.h — what an event carries besides its name, offset and
 * message: plain facts, no output syntax. read (h2_conn's read_sink) and
 * talk (exchange_track's exchange_sink) hand them up; render
 * (event_print.c) turns them into the event's JSON members, text shows the
 * message alone. Pointers in it live only during the sink call. */
#ifndef H2SCOPE_EVENT_DATA_H
#define H2SCOPE_EVENT_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "h2/observer.h"

/* The TLS facts of a decrypted connection (tls/tls_conn_info.h), kept
 * incomplete here on purpose: read consumes bytes and does not know they
 * were decrypted (docs/house.json: never decode -> tls), so it neither
 * includes tls nor looks inside; it only carries the pointer the consumer in
 * cli sets on the close event, to render (tls_print.h), which may read tls's
 * facts. Carrying it in the event rather than beside it keeps the one
 * event_data through every sink (read, talk, report, fuzz) unchanged. */
struct tls_conn_info;

typedef enum event_data_kind {
  EVENT_DATA_NONE = 0,
  /* A limit hit or a notice: `kind` (an id: "limit-memory", "limit-streams",
   * "limit-fields", a notice's kind), with `stream` when has_stream. */
  EVENT_DATA_KIND,
  /* A zero-window stall (stall-begin, stall-end): `stall`, and for its end
   * `stall_ms`, how long it lasted in capture time. */
  EVENT_DATA_STALL,
  /* A body's decoding went wrong: `stream`, `side` (0 the request, 1 the
   * response: talk/exchange.h) and `decoded_offset`. */
  EVENT_DATA_BODY,
  /* A frame cut off: `need`, the bytes it lacked. */
  EVENT_DATA_NEED,
  /* The kernel dropped packets (a live capture): `ts`, `dropped`,
   * `if_dropped`, `added`. */
  EVENT_DATA_DROPS,
  /* A connection's close: `reason`, and `tls`, the connection's TLS facts
   * (NULL without TLS). */
  EVENT_DATA_CLOSE,
} event_data_kind;

typedef struct event_data {
  event_data_kind kind;
  const char *kind_id; /* KIND */
  bool has_stream;     /* KIND */
  uint32_t stream;     /* KIND, BODY */
  uint8_t side;        /* BODY */
  uint64_t decoded_offset;
  const h2_window_stall *stall; /* STALL */
  double stall_ms;              /* STALL, when stall->end */
  uint64_t need;                /* NEED */
  double ts;                    /* DROPS */
  uint64_t dropped, if_dropped, added;
  const char *reason;              /* CLOSE */
  const struct tls_conn_info *tls; /* CLOSE: NULL without TLS */
} event_data;

#endif
