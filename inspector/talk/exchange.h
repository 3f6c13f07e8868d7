/* exchange.h — one HTTP/2 exchange as `read` reconstructs it from a
 * capture: one stream's request and response (RFC 9113 §8.1), with body
 * sizes on the wire and decoded, capture times, reset, trailers and the gRPC
 * status. Pure data: exchange_track.h fills it from decoded frames, render
 * prints it (exchange_print.h, har_write.h), body consumers receive it with
 * the body bytes (body_consumer.h). */
#ifndef H2SCOPE_EXCHANGE_H
#define H2SCOPE_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "body_decode.h"
#include "packed_fields.h"

/* A body side: the request body goes from client to server, the response
 * body back (the capture directions FLOW_DIR_C2S = 0 and FLOW_DIR_S2C = 1). */
enum { EXCHANGE_REQUEST = 0, EXCHANGE_RESPONSE = 1 };

typedef struct exchange_body {
  uint64_t wire;    /* DATA payload bytes, padding excluded (RFC 9113 §6.1) */
  uint64_t decoded; /* after Content-Encoding decoding (= wire without one) */
  uint32_t data_frames;
  bool ended;            /* END_STREAM was seen in this direction */
  uint8_t state;         /* enum body_state: how decoding went */
  uint64_t state_offset; /* decoded offset where decoding stopped (state != ok) */
  double t_first_data, t_last_data;
} exchange_body;

typedef struct exchange {
  uint32_t conn, stream;
  uint32_t promised_on; /* pushed: the stream of the PUSH_PROMISE (§8.4); else 0 */
  bool pushed;
  bool have_request, have_response; /* header lists seen (response: a final one) */
  bool incomplete;                  /* emitted at the connection's end, not the stream's */
  bool reset;
  bool fields_cut;  /* a header list could not be kept whole (memory): see the "limit" event */
  uint8_t reset_by; /* FLOW_DIR_C2S: the client sent RST_STREAM; FLOW_DIR_S2C: the server */
  uint32_t reset_code;
  int status;       /* final status (>= 200), 0 when none was seen */
  uint32_t interim; /* 1xx responses before it (§8.1: they do not replace it) */
  packed_fields request, response;
  packed_fields trailers;              /* response trailers (§8.1) */
  uint32_t request_trailer_count;      /* trailers of the request (counted) */
  double t_request, t_response, t_end; /* capture times (epoch seconds); 0: not seen */
  /* The capture packets of the stream's first and last frame (Wireshark's
   * frame.number in its file; 0: not known) and the 1-based file of the
   * last when several are read (else 0). */
  uint64_t pkt_first, pkt_last;
  uint32_t pkt_file;
  exchange_body body[2]; /* [EXCHANGE_REQUEST], [EXCHANGE_RESPONSE] */
} exchange;

/* A field of a header list (the first one of that name); false when absent. */
static inline bool exchange_field(const packed_fields *pf, const char *name, const char **v,
                                  size_t *vl) {
  return packed_find(pf, name, v, vl);
}

/* gRPC status (grpc-status, from the trailers, or the response headers of a
 * trailers-only response): false when there is none. */
bool exchange_grpc_status(const exchange *x, const char **status, size_t *slen,
                          const char **message, size_t *mlen);

#endif
