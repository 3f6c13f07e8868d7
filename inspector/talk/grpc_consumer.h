/* grpc_consumer.h — the gRPC reader (grpc_reader.h) as a body consumer of
 * the exchange tracker (body_consumer.h, exchange_track.h): for every
 * exchange whose request has a gRPC content-type it asks for each side's
 * raw DATA bytes (gRPC compresses per message, never with
 * Content-Encoding), reads them into messages, and at the end of the
 * response side hands on the status of its trailers (or of a Trailers-Only
 * response). The records go to emit with the exchange and the side (the
 * capture direction: the request goes client to server). */
#ifndef H2SCOPE_GRPC_CONSUMER_H
#define H2SCOPE_GRPC_CONSUMER_H

#include "body_consumer.h"
#include "grpc_reader.h"

typedef struct grpc_consumer {
  grpc_limits lim;         /* lim.held: set by grpc_body_consumer to the consumer's own count */
  size_t held;             /* bytes of unfinished messages of all its readers (lim.max_buffered) */
  const pb_schema *schema; /* may be NULL; outlives the consumer */
  void (*emit)(void *ctx, const exchange *x, int side, const grpc_record *r);
  void *ctx;
} grpc_consumer;

/* The consumer's callbacks, with gc (kept by the caller) as their user. */
body_consumer grpc_body_consumer(grpc_consumer *gc);

#endif
