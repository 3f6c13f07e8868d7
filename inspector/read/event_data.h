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
  /* A connection's close: `reason`, and `tls_json`, the TLS facts as tls
   * renders them (tls_conn_info_describe; NULL without TLS). */
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
  const char *reason;   /* CLOSE */
  const char *tls_json; /* CLOSE */
} event_data;

#endif
