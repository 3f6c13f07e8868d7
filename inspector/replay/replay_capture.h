/* replay_capture.h — what `h2scope replay` takes from a capture: for every
 * HTTP/2 connection, the client's requests (header list, body, trailers) in
 * the order they were sent, with the point in the conversation each one
 * started (which responses had completed), and the recorded response of
 * each stream (status, header list, trailers, body length and SHA-256,
 * reset). With keep_frames, also the client's raw HTTP/2 bytes and frame
 * boundaries for `--exact`. Response bodies are hashed as they pass, never
 * kept; request bodies are kept (they are re-sent), within explicit limits. */
#ifndef H2SCOPE_REPLAY_CAPTURE_H
#define H2SCOPE_REPLAY_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/buf.h"
#include "h2/hpack.h"
#include "packed_fields.h"

/* A response as seen (recorded or live): headers, trailers, body digest. */
typedef struct replay_response {
  bool have_headers; /* a final (non-1xx) header list arrived */
  int status;        /* its :status, 0 when absent or malformed */
  packed_fields headers, trailers;
  uint32_t informational; /* 1xx header lists before the final one */
  uint64_t body_len;
  void *sha;          /* EVP_MD_CTX while the body is arriving */
  uint8_t digest[32]; /* SHA-256 of the body, valid once finished */
  bool finished;      /* digest computed */
  bool ended;         /* END_STREAM received */
  bool reset;         /* RST_STREAM (from either side) */
  uint32_t reset_code;
  bool reset_by_client;
} replay_response;

typedef struct replay_exchange {
  uint32_t stream_id;  /* as recorded */
  bool have_request;   /* the request header list was decoded */
  bool undecodable;    /* a client field block could not be decoded (HPACK state unknown) */
  bool pushed;         /* a server push: not replayed */
  bool upgrade;        /* stream 1 of an HTTP/1.1 Upgrade */
  bool request_ended;  /* END_STREAM from the client was recorded */
  bool client_reset;   /* the client reset the stream in the capture */
  bool body_truncated; /* body beyond max_request_body: not replayable */
  packed_fields request, request_trailers;
  h2_buf body; /* limit: max_request_body */
  /* Ordering: the number of recorded responses completed before this
   * request started; completion rank of this stream's response (UINT32_MAX
   * when it never completed in the capture). */
  uint32_t wait_completed;
  uint32_t completion_rank;
  replay_response recorded;
} replay_exchange;

/* One frame the client sent, for --exact. */
typedef struct replay_frame {
  uint64_t offset; /* of its first byte in the client's TCP stream */
  uint32_t len;    /* 9 + payload */
  uint32_t stream_id;
  uint8_t type, flags;
  bool block_start;        /* HEADERS / PUSH_PROMISE: starts a field block */
  uint32_t wait_completed; /* as replay_exchange.wait_completed */
} replay_frame;

typedef struct replay_conn {
  uint32_t id; /* 1-based as `read` numbers connections */
  char client[64], server[64];
  bool is_h2, midstream, upgrade, gaps;
  replay_exchange *ex;
  size_t nex, excap;
  uint32_t completed; /* responses completed so far (while collecting) */
  /* --exact */
  bool frames_kept;      /* false when the client bytes exceeded the limit */
  uint8_t *client_bytes; /* the client's TCP stream from its first captured byte */
  size_t client_len;
  void *raw; /* while collecting: both sides' bytes */
  replay_frame *frames;
  size_t nframes, framecap;
  bool client_settings_seen; /* the client's first SETTINGS is in the frames */
} replay_conn;

typedef struct replay_limits {
  uint32_t max_connections;  /* connections kept from the capture; default 1024 */
  uint32_t max_streams;      /* exchanges kept per connection; default 100000 */
  uint64_t max_request_body; /* bytes kept per request body; default 64 MiB */
  uint64_t max_client_bytes; /* --exact: client bytes kept per connection; default 256 MiB */
  uint32_t max_header_list;  /* decoder limit; default 262144 */
} replay_limits;

void replay_limits_default(replay_limits *l);

typedef struct replay_capture {
  replay_conn **conns;
  size_t n, cap;
  uint64_t skipped_connections; /* over max_connections, or not HTTP/2 */
} replay_capture;

/* Reads the capture file. only_conn: 0 = all, else that connection only.
 * keep_frames: collect what --exact needs. Returns 0, or -1 with a message
 * in err when the file cannot be read. */
int replay_capture_load(replay_capture *rc, const char *path, uint32_t only_conn, bool keep_frames,
                        const replay_limits *limits, char *err, size_t errcap);
void replay_capture_free(replay_capture *rc);

/* ---- response accumulation (recorded and live use the same code) ---- */

/* A complete header list for the response: 1xx lists are counted, the first
 * final list becomes the headers, a later one the trailers (RFC 9113 §8.1).
 * False when the list could not be kept whole (memory). */
bool replay_response_fields(replay_response *r, const h2_header *fields, size_t n);
void replay_response_data(replay_response *r, const uint8_t *data, size_t len);
/* Computes the digest (idempotent). */
void replay_response_finish(replay_response *r);
void replay_response_free(replay_response *r);
/* Copies a decoded header list; an undecodable field (NULL name) becomes
 * "" = "undecodable". False when memory is short. */
bool replay_pack_fields(packed_fields *pf, const h2_header *fields, size_t n);

#endif
