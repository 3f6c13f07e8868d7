/* exchange_track.h — follows the streams of HTTP/2 connections as `read`
 * decodes them (the decoded_frames and the Upgrade request of read_sink)
 * and makes one exchange record per stream (exchange.h): header
 * lists, 1xx and final status, trailers, DATA sizes, resets, pushed streams
 * (PUSH_PROMISE, RFC 9113 §8.4), capture times. Bodies are reassembled in
 * order and decoded as they come (body_decode.h) for the consumers
 * (body_consumer.h); nothing of a body is kept.
 *
 * A record is handed to the sink when its stream ends (END_STREAM in both
 * directions, or RST_STREAM) or, marked incomplete, when its connection
 * closes; then it is freed. At most max_streams records are kept per
 * connection: a stream beyond that is not tracked and the sink gets one
 * "limit" event for the connection. It never prints: what went wrong with a
 * body (body-bomb, body-too-large, decode-error, unknown-coding) is an event
 * for the sink.
 *
 * What it needs of a connection comes with each call as data: read's
 * conn_view (conn_facts.h: its id and endpoints, the capture time, the
 * stream of the field block being received). The tracker keeps each
 * connection's records itself, by the connection's id, from its first
 * tracked stream to exchange_conn_close; read keeps nothing for it. Directions
 * (`dir`) are read's roles: 0 the client (EXCHANGE_REQUEST's side), 1 the
 * server. */
#ifndef H2SCOPE_EXCHANGE_TRACK_H
#define H2SCOPE_EXCHANGE_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "body_consumer.h"
#include "conn_facts.h"
#include "decoded_frame.h"
#include "event_data.h"
#include "exchange.h"
#include "h2/hpack.h"

enum { EXCHANGE_MAX_CONSUMERS = 4 };
#define EXCHANGE_DEFAULT_MAX_STREAMS 1024u

typedef struct exchange_sink {
  /* The stream ended (or its connection closed): x is freed afterwards; v
   * is the connection as the call that ended it passed it. */
  void (*on_exchange)(void *user, const conn_view *v, const exchange *x);
  /* A body or limit event: event is "body-bomb", "body-too-large",
   * "decode-error", "unknown-coding" or "limit"; offset is in the byte
   * stream of direction dir (the DATA frame that showed it); data: a body
   * event's stream, side and decoded offset, a limit's kind and stream
   * (event_data.h). */
  void (*on_event)(void *user, const conn_view *v, int dir, const char *event, uint64_t offset,
                   const char *message, const event_data *data);
  void *user;
} exchange_sink;

typedef struct exchange_options {
  uint32_t max_streams; /* records kept per connection (0: EXCHANGE_DEFAULT_MAX_STREAMS) */
  body_limits limits;   /* of the Content-Encoding decoding (memory: set by the tracker) */
  uint64_t max_memory;  /* decoder memory of the tracker (0: BODY_DEFAULT_MAX_MEMORY) */
  bool decode;          /* decode bodies for the decoded sizes even when no consumer wants them */
  /* Optional: a field whose value is to be hidden in the records (--redact). */
  bool (*redacts)(const h2_header *h, const h2_hpack_field_info *info);
} exchange_options;

typedef struct exchange_tracker exchange_tracker;

exchange_tracker *exchange_tracker_new(const exchange_options *o, const exchange_sink *sink);
/* At most EXCHANGE_MAX_CONSUMERS; false when full. */
bool exchange_tracker_add_consumer(exchange_tracker *t, const body_consumer *bc);
void exchange_tracker_free(exchange_tracker *t);

/* Every decoded frame of connection v (before any output filter). */
void exchange_frame(exchange_tracker *t, const conn_view *v, int dir, const decoded_frame *d);
/* The HTTP/1.1 request that an Upgrade: h2c made stream 1 (RFC 7540 §3.2). */
void exchange_upgrade_request(exchange_tracker *t, const conn_view *v, const h2_header *fields,
                              size_t count);
/* Bytes of direction dir were not captured (the "gap" event): the bodies
 * of that direction being received lose bytes, so their decoding stops
 * (state capture-gap; the wire sizes count what was captured). */
void exchange_gap(exchange_tracker *t, const conn_view *v, int dir);
/* The connection ends: its open exchanges are handed out, incomplete, and
 * the tracker forgets it. */
void exchange_conn_close(exchange_tracker *t, const conn_view *v);

#endif
