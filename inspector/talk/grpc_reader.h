/* grpc_reader.h — gRPC messages out of one direction of one HTTP/2 stream
 * (gRPC over HTTP/2, "Length-Prefixed-Message": a 1-byte Compressed-Flag,
 * a 4-byte big-endian Message-Length, the message). Fed the stream's DATA
 * payload bytes in order, it reassembles messages across DATA frames (one
 * frame may carry several, one message may span many), decompresses per the
 * stream's grpc-encoding (gzip and deflate through zlib), decodes each as
 * protobuf (raw, or typed through a descriptor set) and hands a record per
 * message to a callback: pure data, no printing (render/grpc_print.c
 * prints). Bounded: one message at a time, at most max_message bytes on the
 * wire and after decompression, which also stops at max_ratio times its
 * compressed size; past a limit the rest of the stream is skipped, said in
 * a note. Readers may share a budget of bytes held in unfinished messages
 * (max_buffered), so many streams at once stay bounded too. grpc-status and grpc-message
 * (percent-decoded) from trailers. */
#ifndef H2SCOPE_GRPC_READER_H
#define H2SCOPE_GRPC_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/hpack.h"
#include "protobuf_items.h"
#include "protobuf_schema.h"

typedef struct grpc_limits {
  size_t max_message;  /* bytes per message, on the wire and decompressed */
  unsigned max_ratio;  /* decompressed size / compressed size */
  size_t max_buffered; /* bytes of unfinished messages held by all readers sharing `held` */
  size_t *held;        /* their running total (NULL: no shared budget) */
  pb_limits pb;
} grpc_limits;

/* gRPC's own default limit on a received message is 4 MiB. */
#define GRPC_DEFAULT_MAX_MESSAGE (4u << 20)
#define GRPC_DEFAULT_MAX_RATIO 1000u
#define GRPC_DEFAULT_MAX_BUFFERED (64u << 20)

void grpc_limits_default(grpc_limits *l);

enum grpc_record_kind {
  GRPC_MESSAGE, /* a message (bytes, fields, or a note saying why not) */
  GRPC_STATUS,  /* grpc-status / grpc-message from trailers */
  GRPC_NOTE,    /* something about the stream that is no message (skipped, truncated) */
};

enum grpc_dir { GRPC_REQUEST = 0, GRPC_RESPONSE = 1 };

typedef struct grpc_record {
  enum grpc_record_kind kind;
  uint64_t conn;
  uint32_t stream;
  enum grpc_dir dir;
  /* GRPC_MESSAGE */
  uint64_t index;       /* this direction's messages so far, from 0 */
  uint64_t offset;      /* where the message's prefix starts in the direction's DATA bytes */
  bool compressed;      /* Compressed-Flag 1 */
  uint32_t length;      /* Message-Length on the wire */
  const char *encoding; /* grpc-encoding of a compressed message */
  const uint8_t *bytes; /* the message, decompressed (NULL when it could not be) */
  size_t n;
  const char *type;       /* its protobuf type from the descriptor set, NULL: raw */
  const pb_items *fields; /* NULL when not decoded as protobuf */
  /* GRPC_STATUS */
  bool has_status;
  uint32_t status;
  const char *message; /* percent-decoded grpc-message, NULL when absent */
  size_t message_len;
  /* any kind: what went wrong, in words (NULL: nothing) */
  const char *note;
} grpc_record;

typedef void (*grpc_emit_fn)(void *ctx, const grpc_record *r);

typedef struct grpc_reader grpc_reader;

/* True for the content-types gRPC sends: "application/grpc", optionally
 * followed by "+format" or parameters (not grpc-web, which frames trailers
 * in the body). */
bool grpc_is_content_type(const char *v, size_t n);

/* A reader for one direction of stream `stream` of connection `conn`:
 * `path` is the request's :path (it names the method whose input or output
 * type decodes the messages when `schema` has it), `headers` the header
 * list of that direction (its grpc-encoding). `schema` may be NULL and must
 * outlive the reader. NULL when memory is short. */
grpc_reader *grpc_reader_new(const grpc_limits *lim, const pb_schema *schema, uint64_t conn,
                             uint32_t stream, enum grpc_dir dir, const char *path, size_t path_len,
                             const h2_header *headers, size_t n_headers, grpc_emit_fn emit,
                             void *ctx);
/* The next DATA payload bytes of the direction. */
void grpc_reader_feed(grpc_reader *r, const uint8_t *p, size_t n);
/* A header list after the DATA (trailers), or a response's only header list
 * ("Trailers-Only"): its grpc-status and grpc-message, when it has them. */
void grpc_reader_trailers(grpc_reader *r, const h2_header *headers, size_t n);
/* The direction ended (END_STREAM, reset, or the capture ended): a message
 * cut short is reported. */
void grpc_reader_end(grpc_reader *r);
void grpc_reader_free(grpc_reader *r);

/* grpc-message's percent-encoding undone (gRPC over HTTP/2: "%" followed
 * by two hex digits; anything else is kept as it is) into out (≥ n bytes);
 * returns the decoded length. */
size_t grpc_percent_decode(const char *in, size_t n, char *out);

#endif
