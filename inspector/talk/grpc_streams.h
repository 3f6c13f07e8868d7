/* grpc_streams.h — the minimal path from `read`'s decoded frames to the
 * gRPC readers, until the conversation layer's per-stream body consumers
 * take it over: per connection and stream, a request HEADERS with a gRPC
 * content-type opens a reader per direction (grpc_reader.h), DATA payloads
 * are fed to it in order, END_STREAM / RST_STREAM / the connection's end
 * finish it, trailers (or a Trailers-Only response) give the status.
 * Bounded: at most max_streams gRPC streams open at once; past it a stream
 * is not decoded, which is said once per connection. */
#ifndef H2SCOPE_GRPC_STREAMS_H
#define H2SCOPE_GRPC_STREAMS_H

#include "decoded_frame.h"
#include "grpc_reader.h"

#define GRPC_DEFAULT_MAX_STREAMS 1024

typedef struct grpc_streams grpc_streams;

/* A record with what the caller needs to place it: conn_ctx as given with
 * the frame, the capture direction it came in. */
typedef void (*grpc_streams_emit_fn)(void *ctx, void *conn_ctx, int capture_dir,
                                     const grpc_record *r);

grpc_streams *grpc_streams_new(const grpc_limits *lim, const pb_schema *schema, size_t max_streams,
                               grpc_streams_emit_fn emit, void *ctx);
/* A frame of connection `conn` (conn_ctx travels to emit) in capture
 * direction dir (0: from the connection's initiator). */
void grpc_streams_frame(grpc_streams *g, uint64_t conn, void *conn_ctx, int dir,
                        const decoded_frame *d);
/* The connection ended: every open reader is finished and freed. */
void grpc_streams_conn_end(grpc_streams *g, uint64_t conn);
void grpc_streams_free(grpc_streams *g);

#endif
