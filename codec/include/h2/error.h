/* error.h — the one status enum of the codec: every rejection names its RFC
 * error code (RFC 9113 §7), its scope (stream or connection error, §5.4) and
 * the RFC section whose rule the input broke. */
#ifndef H2_ERROR_H
#define H2_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 9113 §7: error codes as they travel in RST_STREAM and GOAWAY. */
enum h2_error_code {
  H2_NO_ERROR = 0x0,
  H2_PROTOCOL_ERROR = 0x1,
  H2_INTERNAL_ERROR = 0x2,
  H2_FLOW_CONTROL_ERROR = 0x3,
  H2_SETTINGS_TIMEOUT = 0x4,
  H2_STREAM_CLOSED = 0x5,
  H2_FRAME_SIZE_ERROR = 0x6,
  H2_REFUSED_STREAM = 0x7,
  H2_CANCEL = 0x8,
  H2_COMPRESSION_ERROR = 0x9,
  H2_CONNECT_ERROR = 0xa,
  H2_ENHANCE_YOUR_CALM = 0xb,
  H2_INADEQUATE_SECURITY = 0xc,
  H2_HTTP_1_1_REQUIRED = 0xd,
};

/* RFC name of an error code ("PROTOCOL_ERROR"), or NULL when unknown
 * (unknown codes MUST NOT trigger special behaviour, §7). */
const char *h2_error_code_name(uint32_t code);

/* Codec status. H2_OK is 0; H2_NEED_MORE means "input incomplete"; every other
 * value is a rejection whose RFC code/scope/section h2_status_info() gives. */
typedef enum h2_status {
  H2_OK = 0,
  H2_NEED_MORE,             /* incomplete input: h2_error.need says how many more bytes */
  H2_E_BUFFER_TOO_SMALL,    /* caller's output buffer cannot hold the result (encoders) */
  H2_E_INVALID_ARGUMENT,    /* caller asked to encode something the RFC forbids */
  H2_E_NO_MEMORY,           /* the caller's allocator failed (init, HPACK table growth) */

  /* Connection preface, RFC 9113 §3.4 */
  H2_E_BAD_PREFACE,

  /* Frame layer, RFC 9113 §4 and §6 */
  H2_E_FRAME_TOO_LARGE,        /* §4.2: length > SETTINGS_MAX_FRAME_SIZE */
  H2_E_FRAME_TOO_SHORT,        /* §4.2: too small for mandatory fields (pad length, priority, ids) */
  H2_E_BAD_FIXED_LENGTH,       /* §6.3/6.4/6.7/6.9: PRIORITY 5, RST_STREAM 4, PING 8, WINDOW_UPDATE 4 */
  H2_E_STREAM_ID_REQUIRED,     /* frame type needs a non-zero stream id (§6.1 §6.2 §6.3 §6.4 §6.6 §6.10) */
  H2_E_STREAM_ID_FORBIDDEN,    /* frame type needs stream id 0 (§6.5 §6.7 §6.8) */
  H2_E_PADDING_TOO_LONG,       /* §6.1/§6.2/§6.6: pad length >= remaining payload */
  H2_E_SELF_DEPENDENCY,        /* RFC 7540 §5.3.1 (via §5.3.2): stream depends on itself */
  H2_E_SETTINGS_ACK_LENGTH,    /* §6.5: SETTINGS with ACK and a payload */
  H2_E_SETTINGS_LENGTH,        /* §6.5: payload not a multiple of 6 */
  H2_E_SETTINGS_ENABLE_PUSH,   /* §6.5.2: SETTINGS_ENABLE_PUSH not 0/1 (or 1 from a server) */
  H2_E_SETTINGS_WINDOW_SIZE,   /* §6.5.2: SETTINGS_INITIAL_WINDOW_SIZE > 2^31-1 */
  H2_E_SETTINGS_FRAME_SIZE,    /* §6.5.2: SETTINGS_MAX_FRAME_SIZE outside [2^14, 2^24-1] */
  H2_E_SETTINGS_BOOLEAN,       /* RFC 8441 §3 / RFC 9218 §2.1: value other than 0 or 1 */
  H2_E_WINDOW_UPDATE_ZERO,     /* §6.9: increment of 0 */
  H2_E_PUSH_PROMISE_FROM_CLIENT, /* §8.4: a client cannot push */
  H2_E_BAD_PROMISED_ID,        /* §6.6: promised stream id 0 or not server-initiated (even) */
  H2_E_CONTINUATION_EXPECTED,  /* §6.10: other frame while a field block is open */
  H2_E_CONTINUATION_UNEXPECTED,/* §6.10: CONTINUATION without an open field block */
  H2_E_FIELD_BLOCK_TOO_LARGE,  /* field block fragments exceed the configured limit (§10.5.1);
                                  not decompressing a block is a COMPRESSION_ERROR connection
                                  error (§4.3) */

  /* HPACK, RFC 7541 (all COMPRESSION_ERROR connection errors, §2.3.3 §4.2 §5 §6, except
   * the header list limit) */
  H2_E_HPACK_TRUNCATED,        /* block ends inside a representation */
  H2_E_HPACK_INTEGER_OVERFLOW, /* §5.1: value > 2^32-1 or too many continuation bytes */
  H2_E_HPACK_HUFFMAN,          /* §5.2: padding > 7 bits, padding not all ones, or EOS */
  H2_E_HPACK_INDEX_ZERO,       /* §6.1: index 0 */
  H2_E_HPACK_INDEX_RANGE,      /* §2.3.3: index beyond static + dynamic table */
  H2_E_HPACK_SIZE_UPDATE_TOO_LARGE, /* §6.3: update above the protocol limit */
  H2_E_HPACK_SIZE_UPDATE_POSITION,  /* §4.2: update after the first field of a block */
  H2_E_HPACK_SIZE_UPDATE_MISSING,   /* §4.2: limit was lowered but the block does not start with an update */
  H2_E_HPACK_STRING_TOO_LONG,  /* string longer than the configured limit */
  H2_E_HPACK_HEADER_LIST_TOO_LARGE, /* sum of field sizes > max header list size (RFC 9113
                                       §6.5.2, advisory): the message is malformed, a stream
                                       error PROTOCOL_ERROR (§10.5.1, §8.1.1) */

  H2_STATUS_COUNT
} h2_status;

enum h2_error_scope {
  H2_SCOPE_NONE = 0,       /* not an RFC 9113 error (H2_OK, NEED_MORE, caller errors) */
  H2_SCOPE_STREAM = 1,     /* §5.4.2: stream error, RST_STREAM */
  H2_SCOPE_CONNECTION = 2, /* §5.4.1: connection error, GOAWAY */
};

/* Everything a caller needs to report or react to a rejection. */
typedef struct h2_error {
  h2_status status;
  uint32_t code;        /* enum h2_error_code to send */
  uint8_t scope;        /* enum h2_error_scope */
  const char *section;  /* e.g. "RFC 9113 §6.5.2" (static string) */
  size_t offset;        /* byte offset of the offending input, relative to the buffer passed */
  size_t need;          /* with H2_NEED_MORE: how many more bytes at least */
  uint32_t stream_id;   /* stream the error is about (0 for connection) */
} h2_error;

/* Short description in words ("padding longer than the frame payload"). */
const char *h2_strerror(h2_status status);
/* Stable identifier ("padding-too-long"), for JSON and lint ids. */
const char *h2_status_name(h2_status status);
/* Default RFC code, scope and section for a status. Some statuses' scope
 * depends on context (e.g. WINDOW_UPDATE 0 on stream 0 is a connection error):
 * decoders fill h2_error with the precise values. */
uint32_t h2_status_code(h2_status status);
uint8_t h2_status_scope(h2_status status);
const char *h2_status_section(h2_status status);

/* Fill *err (if non-NULL) from the status defaults plus offset/stream id.
 * Returns status, so decoders can `return h2_error_set(...)`. */
h2_status h2_error_set(h2_error *err, h2_status status, size_t offset, uint32_t stream_id);

#ifdef __cplusplus
}
#endif
#endif
