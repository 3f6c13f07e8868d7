/* ext_frames.h — the payloads of three HTTP/2 extension frames, which the
 * frame codec keeps opaque (RFC 9113 §5.5: h2_frame.u.unknown), decoded and
 * checked: ALTSVC (RFC 7838 §4), ORIGIN (RFC 8336 §2) and PRIORITY_UPDATE
 * (RFC 9218 §7.1), with small encoders of the same payloads; and the
 * `priority` header field (RFC 9218 §4), a Structured Field Dictionary
 * (RFC 8941 §3.2) of which the urgency `u` and incremental `i` members are
 * read. Nothing is copied or allocated: the results point into the input. */
#ifndef H2_EXT_FRAMES_H
#define H2_EXT_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Frame types of the extensions (IANA HTTP/2 Frame Type registry). */
enum h2_ext_frame_type {
  H2_ALTSVC = 0xa,           /* RFC 7838 §4 */
  H2_ORIGIN = 0xc,           /* RFC 8336 §2 */
  H2_PRIORITY_UPDATE = 0x10, /* RFC 9218 §7.1 */
};

/* Name of one of the extension types above ("ALTSVC"), or NULL. */
const char *h2_ext_frame_type_name(uint8_t type);

/* What a decoder found wrong. Extension frames are mostly "ignore when
 * invalid"; PRIORITY_UPDATE has connection errors. */
typedef enum h2_ext_result {
  H2_EXT_OK = 0,
  H2_EXT_IGNORE = 1, /* the RFC says the receiver ignores the frame (or member) */
  H2_EXT_ERROR = 2,  /* a connection error of type why->error_code */
} h2_ext_result;

typedef struct h2_ext_problem {
  const char *rule;    /* catalogue id, e.g. "altsvc-invalid" (static) */
  const char *message; /* one sentence (static) */
  const char *section; /* "RFC 7838 §4" (static) */
  size_t offset;       /* of the offending byte: in the frame payload, or in the field value */
  uint32_t error_code; /* with H2_EXT_ERROR: enum h2_error_code; else 0 */
} h2_ext_problem;

/* ---- ALTSVC (RFC 7838 §4): Origin-Len (16), Origin, Alt-Svc-Field-Value ---- */
typedef struct h2_altsvc {
  const uint8_t *origin; /* empty on a stream: the stream's origin applies */
  uint32_t origin_len;
  const uint8_t *value; /* the Alt-Svc field value (RFC 7838 §3) */
  uint32_t value_len;
} h2_altsvc;

/* Decodes f (type H2_ALTSVC) from f->u.unknown. H2_EXT_IGNORE (why says
 * which rule; *out filled as far as it parsed) for: a payload shorter than
 * 2 octets or an Origin-Len past its end, an empty origin on stream 0, an
 * origin on a stream other than 0 (all "MUST be ignored", §4). */
h2_ext_result h2_altsvc_decode(const h2_frame *f, h2_altsvc *out, h2_ext_problem *why);
/* Writes the payload (2 + origin_len + value_len octets) into buf; 0 when
 * cap is short or origin_len > 65535. */
size_t h2_altsvc_encode(const h2_altsvc *a, uint8_t *buf, size_t cap);

/* ---- ORIGIN (RFC 8336 §2.1): a sequence of Origin-Len (16), ASCII-Origin ---- */
typedef struct h2_origin_iter {
  const uint8_t *p; /* next entry */
  size_t left;
  size_t offset; /* of p in the payload */
} h2_origin_iter;

/* Starts reading the entries of f (type H2_ORIGIN). H2_EXT_IGNORE when the
 * frame is on a stream other than 0 (§2.1: "MUST be ignored"); the entries
 * can still be read. */
h2_ext_result h2_origin_begin(const h2_frame *f, h2_origin_iter *it, h2_ext_problem *why);
/* The next entry: 1 with *origin and *len set, 0 at the end, -1 when the entry
 * is cut off by the end of the payload or empty (why says so; the frame is
 * malformed and a client ignores it). */
int h2_origin_next(h2_origin_iter *it, const uint8_t **origin, size_t *len, h2_ext_problem *why);
/* Writes one entry (2 + len octets); 0 when cap is short or len > 65535. */
size_t h2_origin_entry_encode(const char *origin, size_t len, uint8_t *buf, size_t cap);

/* ---- PRIORITY_UPDATE (RFC 9218 §7.1): R, Prioritized Stream ID (31), field value ---- */
typedef struct h2_priority_update {
  uint32_t stream_id;   /* the prioritized stream */
  uint8_t reserved;     /* the R bit */
  const uint8_t *value; /* the Priority Field Value (same syntax as the priority field) */
  uint32_t value_len;
} h2_priority_update;

/* H2_EXT_ERROR: a payload under 4 octets (FRAME_SIZE_ERROR), a frame on a
 * stream other than 0 or a prioritized stream 0 (PROTOCOL_ERROR). */
h2_ext_result h2_priority_update_decode(const h2_frame *f, h2_priority_update *out,
                                        h2_ext_problem *why);
/* Writes the payload (4 + value_len octets); 0 when cap is short. */
size_t h2_priority_update_encode(uint32_t stream_id, const char *value, size_t value_len,
                                 uint8_t *buf, size_t cap);

/* ---- The priority field value (RFC 9218 §4) ---- */
typedef struct h2_priority_field {
  uint8_t urgency;      /* 0..7, default 3 (§4.1) */
  bool incremental;     /* default false (§4.2) */
  bool urgency_set;     /* `u` was present with a valid value */
  bool incremental_set; /* `i` was present with a valid value */
} h2_priority_field;

/* Parses a priority field value (or a PRIORITY_UPDATE's Priority Field
 * Value) as an RFC 8941 Dictionary: unknown members are skipped, the last of
 * repeated keys wins (RFC 8941 §4.2.2). H2_EXT_OK, or H2_EXT_IGNORE with why
 * naming the rule: the value is not a valid Dictionary (§4.2 of RFC 8941:
 * the whole field is ignored, *out holds the defaults), or `u` is not an
 * Integer 0..7 or `i` not a Boolean (RFC 9218 §4: that member is ignored;
 * the others apply). */
h2_ext_result h2_priority_field_parse(const char *s, size_t len, h2_priority_field *out,
                                      h2_ext_problem *why);

#ifdef __cplusplus
}
#endif
#endif
