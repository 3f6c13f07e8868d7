/* body_consumer.h — how code gets the body bytes of the exchanges of a
 * capture (`read --export`, `--follow`, and the gRPC decoder).
 *
 * A consumer registers once with the tracker (exchange_track_add_consumer).
 * For every body side (the request body of a stream, or its response body)
 * the tracker calls `open` when that side's header list is complete (or at
 * its first DATA frame when the capture missed the headers); the consumer
 * looks at the exchange (content-type, path, status...) and answers which
 * bytes it wants:
 *   BODY_WANT_RAW      the DATA payloads as they were on the wire (padding
 *                      removed, Content-Encoding NOT undone). This is what a
 *                      gRPC decoder takes: gRPC compresses per message
 *                      (grpc-encoding), not with Content-Encoding, so a
 *                      stream whose content-type starts with
 *                      "application/grpc" is read raw and its length-
 *                      prefixed messages reassembled by the consumer.
 *   BODY_WANT_DECODED  the body after Content-Encoding decoding (gzip,
 *                      deflate, br, zstd; body_decode.h), within the
 *                      --max-body and --max-body-ratio limits. Without a
 *                      Content-Encoding these are the raw bytes again.
 * (both may be set; 0: nothing, and `end` is not called for this side).
 * `*state` is the consumer's own per-side state, handed back to `chunk` and
 * `end`. Chunks come in order, `offset` is the position of p[0] in that
 * (raw or decoded) byte stream, at most BODY_CHUNK bytes each for decoded
 * bytes and at most one DATA payload for raw ones; nothing is kept by the
 * tracker after the call returns.
 *
 * `end` is called exactly once per opened side: at END_STREAM of that
 * direction, at RST_STREAM, or when the connection closes first (then
 * x->incomplete is true or the side not ended: x->body[side].ended). It must
 * free *state. x->body[side] holds the final sizes and the decoding state.
 *
 * Consumers run on the thread decoding the connection (`read -j N` runs
 * several trackers at once, one per worker): a consumer keeps its state per
 * side, never global, and its output through the out_buf it was given. */
#ifndef H2SCOPE_BODY_CONSUMER_H
#define H2SCOPE_BODY_CONSUMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exchange.h"

enum { BODY_WANT_RAW = 1, BODY_WANT_DECODED = 2 };

typedef struct body_consumer {
  unsigned (*open)(void *user, const exchange *x, int side, void **state);
  void (*chunk)(void *user, void *state, const exchange *x, int side, bool decoded,
                const uint8_t *p, size_t n, uint64_t offset);
  void (*end)(void *user, void *state, const exchange *x, int side);
  void *user;
} body_consumer;

#endif
