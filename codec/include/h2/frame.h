/* frame.h — HTTP/2 frame codec (RFC 9113 §4 and §6): decode any frame into
 * a struct whose byte fields point into the caller's input (no copy, no
 * allocation), check every stateless rule of §4.1, §4.2 and §6, and encode
 * valid frames or — through h2_frame_write_raw() — deliberately invalid ones. */
#ifndef H2_FRAME_H
#define H2_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define H2_FRAME_HEADER_LEN 9
#define H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define H2_PREFACE_LEN 24

#define H2_DEFAULT_MAX_FRAME_SIZE 16384u   /* §6.5.2 initial SETTINGS_MAX_FRAME_SIZE */
#define H2_MAX_FRAME_SIZE_LIMIT 16777215u  /* 2^24-1 */
#define H2_MAX_WINDOW_SIZE 2147483647u     /* 2^31-1, §6.9.1 */
#define H2_STREAM_ID_MASK 0x7fffffffu

/* §6: frame types. Other values are extension frames, kept opaque (§5.5). */
enum h2_frame_type {
  H2_DATA = 0x0,
  H2_HEADERS = 0x1,
  H2_PRIORITY = 0x2,
  H2_RST_STREAM = 0x3,
  H2_SETTINGS = 0x4,
  H2_PUSH_PROMISE = 0x5,
  H2_PING = 0x6,
  H2_GOAWAY = 0x7,
  H2_WINDOW_UPDATE = 0x8,
  H2_CONTINUATION = 0x9,
};

/* Flags defined by §6 (same bit may mean different things per type). */
enum h2_frame_flag {
  H2_FLAG_END_STREAM = 0x01, /* DATA, HEADERS */
  H2_FLAG_ACK = 0x01,        /* SETTINGS, PING */
  H2_FLAG_END_HEADERS = 0x04,/* HEADERS, PUSH_PROMISE, CONTINUATION */
  H2_FLAG_PADDED = 0x08,     /* DATA, HEADERS, PUSH_PROMISE */
  H2_FLAG_PRIORITY = 0x20,   /* HEADERS */
};

/* §6.5.2 defined settings, plus RFC 8441 and RFC 9218 ones. */
enum h2_settings_id {
  H2_SETTINGS_HEADER_TABLE_SIZE = 0x1,
  H2_SETTINGS_ENABLE_PUSH = 0x2,
  H2_SETTINGS_MAX_CONCURRENT_STREAMS = 0x3,
  H2_SETTINGS_INITIAL_WINDOW_SIZE = 0x4,
  H2_SETTINGS_MAX_FRAME_SIZE = 0x5,
  H2_SETTINGS_MAX_HEADER_LIST_SIZE = 0x6,
  H2_SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x8, /* RFC 8441 */
  H2_SETTINGS_NO_RFC7540_PRIORITIES = 0x9,   /* RFC 9218 */
};

/* RFC name of a frame type ("HEADERS"), or NULL for extension types. */
const char *h2_frame_type_name(uint8_t type);
/* Frame type from its RFC name (case-insensitive); -1 when unknown. */
int h2_frame_type_from_name(const char *name);
/* RFC name of a settings parameter ("SETTINGS_MAX_FRAME_SIZE"), or NULL. */
const char *h2_settings_name(uint16_t id);
/* Writes the names of the flags defined for `type` that are set, joined by
 * '|' ("END_STREAM|PADDED"), into buf; undefined bits as "0x40". Returns buf. */
const char *h2_frame_flags_str(uint8_t type, uint8_t flags, char *buf, size_t cap);

/* §4.1 frame header. stream_id is the 31-bit id; the reserved bit is kept
 * separately (it MUST be ignored on receipt but a tool shows it). */
typedef struct h2_frame_header {
  uint32_t length; /* 24-bit payload length */
  uint8_t type;
  uint8_t flags;
  uint8_t reserved; /* the R bit: 0 or 1 */
  uint32_t stream_id;
} h2_frame_header;

/* §5.3.2 / §6.3 priority fields (deprecated signal, still parsed). */
typedef struct h2_priority {
  uint32_t dependency; /* 31-bit stream dependency */
  uint8_t exclusive;   /* E bit */
  uint8_t weight;      /* wire value 0..255; the weight is this + 1 */
} h2_priority;

typedef struct h2_setting {
  uint16_t id;
  uint32_t value;
} h2_setting;

/* A decoded frame. All pointers point into the buffer given to
 * h2_frame_decode and are valid as long as it is. For encoding, fill the same
 * struct (hd.length is computed by the encoder). */
typedef struct h2_frame {
  h2_frame_header hd;
  /* Padding (DATA, HEADERS, PUSH_PROMISE with PADDED): pad_length is the Pad
   * Length field, padding points at the pad octets (should be zero, §6.1). */
  uint8_t pad_length;
  const uint8_t *padding;
  union {
    struct { const uint8_t *data; uint32_t len; } data;
    struct {
      h2_priority priority; /* valid when hd.flags has H2_FLAG_PRIORITY */
      const uint8_t *fragment;
      uint32_t fragment_len;
    } headers;
    h2_priority priority;
    struct { uint32_t error_code; } rst_stream;
    /* SETTINGS: `count` entries of 6 bytes at `raw` (unknown ids kept);
     * read them with h2_settings_at(). */
    struct { const uint8_t *raw; uint32_t count; } settings;
    struct {
      uint32_t promised_stream_id;
      uint8_t promised_reserved;
      const uint8_t *fragment;
      uint32_t fragment_len;
    } push_promise;
    struct { uint8_t opaque[8]; } ping;
    struct {
      uint32_t last_stream_id;
      uint8_t last_reserved;
      uint32_t error_code;
      const uint8_t *debug;
      uint32_t debug_len;
    } goaway;
    struct { uint32_t increment; uint8_t reserved; } window_update;
    struct { const uint8_t *fragment; uint32_t fragment_len; } continuation;
    struct { const uint8_t *payload; uint32_t len; } unknown; /* extension types */
  } u;
} h2_frame;

/* Entry i (< count) of a SETTINGS frame. */
h2_setting h2_settings_at(const h2_frame *f, uint32_t i);
/* Packs n settings into buf (6*n bytes) for use as u.settings.raw. */
size_t h2_settings_pack(const h2_setting *s, size_t n, uint8_t *buf, size_t cap);

/* Who sent the bytes being decoded: some rules depend on the role
 * (§8.4 PUSH_PROMISE only from servers, §6.5.2 ENABLE_PUSH=1 only from clients). */
enum h2_sender { H2_SENDER_UNKNOWN = 0, H2_SENDER_CLIENT = 1, H2_SENDER_SERVER = 2 };

typedef struct h2_frame_decode_options {
  uint32_t max_frame_size; /* SETTINGS_MAX_FRAME_SIZE the receiver announced; 0 = 16384 */
  uint8_t sender;          /* enum h2_sender */
} h2_frame_decode_options;

/* Decodes the 9-byte header. H2_NEED_MORE (err->need) when len < 9. */
h2_status h2_frame_header_decode(const uint8_t *buf, size_t len, h2_frame_header *out, h2_error *err);

/* Decodes one frame from buf.
 * - H2_OK: *out is the frame, *consumed = 9 + length.
 * - H2_NEED_MORE: not enough bytes yet; err->need = bytes still missing for the
 *   whole frame as soon as the 3-byte Length is there (and within the limit),
 *   else for the 9-byte header; out->hd is filled when the 9 header bytes were
 *   there. *consumed = 0.
 * - H2_E_FRAME_TOO_LARGE: detected from the header alone; out->hd filled,
 *   *consumed = 0 (the caller decides whether to skip hd.length bytes).
 * - any other error: the whole frame was present; out->hd and every field that
 *   could be parsed are filled, *consumed = 9 + length so a passive reader can
 *   continue with the next frame. err carries code, scope, section, offset.
 *   err->offset is relative to buf: 0 for every size rule (the Length field),
 *   3 for PUSH_PROMISE from a client (the Type), 5 for stream-id rules, and
 *   the offending payload field otherwise (9 = Pad Length / first payload
 *   byte, 9+6*i = SETTINGS entry i, the Stream Dependency, the Promised ID).
 *   err->stream_id is the frame's stream for stream errors, 0 for connection
 *   errors. On H2_OK err is left untouched.
 * opts may be NULL (defaults). */
h2_status h2_frame_decode(const uint8_t *buf, size_t len, const h2_frame_decode_options *opts,
                          h2_frame *out, size_t *consumed, h2_error *err);

/* Bytes h2_frame_encode will write for f (9 + payload, padding included). */
size_t h2_frame_encoded_size(const h2_frame *f);

/* Encodes a valid frame (type-specific fields, padding when H2_FLAG_PADDED is
 * set, priority fields when H2_FLAG_PRIORITY is set on HEADERS). Refuses with
 * H2_E_INVALID_ARGUMENT (err says which rule) what a peer would reject, and
 * with H2_E_BUFFER_TOO_SMALL when cap is short. Extension types write
 * u.unknown.payload. hd.length is ignored and computed. */
h2_status h2_frame_encode(const h2_frame *f, uint8_t *out, size_t cap, size_t *written,
                          h2_error *err);

/* Writes any 9-byte frame header: length is the 24-bit field as given (it need
 * not match the payload), stream_id the full 32 bits (R bit included). */
void h2_frame_header_write(uint8_t out[H2_FRAME_HEADER_LEN], uint32_t length, uint8_t type,
                           uint8_t flags, uint32_t stream_id_raw);

/* Writes a frame with no validation at all: header fields as given, then
 * payload_len bytes of payload (independent of `length`). For conformance
 * tests and fuzzers. Returns bytes written, 0 when cap is too small. */
size_t h2_frame_write_raw(uint8_t *out, size_t cap, uint32_t length, uint8_t type, uint8_t flags,
                          uint32_t stream_id_raw, const uint8_t *payload, size_t payload_len);

/* Checks the client connection preface (§3.4) at the start of buf.
 * H2_OK when the 24 bytes match, H2_NEED_MORE when buf is a strict prefix of
 * it, H2_E_BAD_PREFACE otherwise (err->offset = first differing byte). */
h2_status h2_preface_check(const uint8_t *buf, size_t len, h2_error *err);

/* ---- Field block sequencing (§4.3, §6.2, §6.6, §6.10) ----
 * HEADERS/PUSH_PROMISE without END_HEADERS must be followed by CONTINUATION
 * frames of the same stream and nothing else. The assembler checks that and
 * gathers the fragments into a caller-provided buffer. */
typedef struct h2_field_block {
  uint8_t *buf;         /* caller's buffer */
  size_t cap;           /* its size: the limit on one field block */
  size_t len;           /* bytes gathered so far */
  uint32_t stream_id;   /* stream of the open block */
  uint32_t promised_id; /* for PUSH_PROMISE blocks */
  uint8_t type;         /* H2_HEADERS or H2_PUSH_PROMISE */
  uint8_t flags;        /* flags of the first frame (END_STREAM, PRIORITY...) */
  bool open;            /* a block is waiting for CONTINUATION */
  uint32_t frames;      /* frames in the current block */
  bool discarding;      /* the open block overflowed cap: its fragments are dropped and
                           it never reports complete (H2_E_FIELD_BLOCK_TOO_LARGE was
                           returned once, on the frame that overflowed) */
} h2_field_block;

void h2_field_block_init(h2_field_block *b, uint8_t *buf, size_t cap);

/* Checks a frame header against the sequencing rule before its payload is
 * looked at. H2_E_CONTINUATION_EXPECTED / _UNEXPECTED are connection errors. */
h2_status h2_field_block_check(const h2_field_block *b, const h2_frame_header *hd, h2_error *err);

/* Feeds a decoded frame. For HEADERS/PUSH_PROMISE/CONTINUATION it appends the
 * fragment; *complete becomes true when END_HEADERS closed the block — the
 * block is then b->buf[0..len) and stays there until the next feed. Other
 * frame types only go through the sequencing check.
 * A fragment that would take the block past cap returns
 * H2_E_FIELD_BLOCK_TOO_LARGE (connection error COMPRESSION_ERROR, §4.3: a
 * block the receiver does not decompress ends the connection); a passive
 * reader may keep feeding: the block is followed to END_HEADERS, silently
 * dropped, and never reported complete. */
h2_status h2_field_block_feed(h2_field_block *b, const h2_frame *f, bool *complete, h2_error *err);

#ifdef __cplusplus
}
#endif
#endif
