/* frame_encode.c — writes frames: h2_frame_encode for valid frames (refusing
 * what a peer must reject, naming the RFC rule), and the unchecked writers
 * h2_frame_header_write / h2_frame_write_raw for conformance tests and fuzzers.
 * Reserved bits are written exactly as the struct gives them, so decoding and
 * re-encoding a valid frame reproduces its bytes. */
#include <string.h>

#include "frame_rules.h"
#include "h2/frame.h"

/* Output writer: the capacity is checked once before writing starts. */
typedef struct frame_writer {
  uint8_t *p;
} frame_writer;

static void put_u8(frame_writer *w, uint8_t v) {
  *w->p++ = v;
}

static void put_u16(frame_writer *w, uint16_t v) {
  put_u8(w, (uint8_t)(v >> 8));
  put_u8(w, (uint8_t)v);
}

static void put_u32(frame_writer *w, uint32_t v) {
  put_u16(w, (uint16_t)(v >> 16));
  put_u16(w, (uint16_t)v);
}

static void put_bytes(frame_writer *w, const uint8_t *src, size_t n) {
  if (n) memcpy(w->p, src, n);
  w->p += n;
}

/* 31-bit field with its leading bit (R or E) as given (§4.1, §6.2, §6.6, ...). */
static void put_u31(frame_writer *w, uint8_t top_bit, uint32_t v) {
  put_u32(w, (top_bit ? 0x80000000u : 0u) | (v & H2_STREAM_ID_MASK));
}

void h2_frame_header_write(uint8_t out[H2_FRAME_HEADER_LEN], uint32_t length, uint8_t type,
                           uint8_t flags, uint32_t stream_id_raw) {
  frame_writer w = {out};
  put_u8(&w, (uint8_t)(length >> 16));
  put_u16(&w, (uint16_t)length);
  put_u8(&w, type);
  put_u8(&w, flags);
  put_u32(&w, stream_id_raw);
}

size_t h2_frame_write_raw(uint8_t *out, size_t cap, uint32_t length, uint8_t type, uint8_t flags,
                          uint32_t stream_id_raw, const uint8_t *payload, size_t payload_len) {
  if (!out || cap < H2_FRAME_HEADER_LEN || payload_len > cap - H2_FRAME_HEADER_LEN) return 0;
  h2_frame_header_write(out, length, type, flags, stream_id_raw);
  /* A NULL payload writes zeros: handy for "a frame of N bytes" tests. */
  if (payload)
    memcpy(out + H2_FRAME_HEADER_LEN, payload, payload_len);
  else if (payload_len)
    memset(out + H2_FRAME_HEADER_LEN, 0, payload_len);
  return H2_FRAME_HEADER_LEN + payload_len;
}

static bool is_padded_type(uint8_t type) {
  return type == H2_DATA || type == H2_HEADERS || type == H2_PUSH_PROMISE;
}

/* Payload length of f as the encoder writes it (may exceed 2^24-1; the
 * encoder refuses that, the size function just reports it). */
static uint64_t payload_size(const h2_frame *f) {
  uint64_t pad = 0;
  if (is_padded_type(f->hd.type) && (f->hd.flags & H2_FLAG_PADDED)) pad = 1u + f->pad_length;
  switch (f->hd.type) {
  case H2_DATA:
    return pad + f->u.data.len;
  case H2_HEADERS:
    return pad + ((f->hd.flags & H2_FLAG_PRIORITY) ? 5u : 0u) + f->u.headers.fragment_len;
  case H2_PRIORITY:
    return 5;
  case H2_RST_STREAM:
    return 4;
  case H2_SETTINGS:
    return 6u * (uint64_t)f->u.settings.count;
  case H2_PUSH_PROMISE:
    return pad + 4u + f->u.push_promise.fragment_len;
  case H2_PING:
    return 8;
  case H2_GOAWAY:
    return 8u + (uint64_t)f->u.goaway.debug_len;
  case H2_WINDOW_UPDATE:
    return 4;
  case H2_CONTINUATION:
    return f->u.continuation.fragment_len;
  default:
    return f->u.unknown.len;
  }
}

size_t h2_frame_encoded_size(const h2_frame *f) {
  return f ? (size_t)(H2_FRAME_HEADER_LEN + payload_size(f)) : 0;
}

static h2_status refuse(h2_error *err, const char *section, const h2_frame *f) {
  if (err) {
    h2_error_set(err, H2_E_INVALID_ARGUMENT, 0, f ? f->hd.stream_id : 0);
    err->section = section;
  }
  return H2_E_INVALID_ARGUMENT;
}

#define SECTION_API "h2scope API"
#define SECTION_SELF_DEPENDENCY "RFC 7540 §5.3.1"

/* A byte span given as pointer + length must have a pointer when non-empty. */
static bool span_ok(const uint8_t *p, uint64_t len) {
  return p != NULL || len == 0;
}

static h2_status check_priority(const h2_frame *f, const h2_priority *prio, h2_error *err) {
  if (prio->dependency > H2_STREAM_ID_MASK)
    return refuse(err, h2_frame_type_section(H2_PRIORITY), f);
  /* RFC 7540 §5.3.1 (kept by RFC 9113 §5.3.2): no self-dependency. */
  if (prio->dependency == f->hd.stream_id) return refuse(err, SECTION_SELF_DEPENDENCY, f);
  return H2_OK;
}

/* The checks a receiver would make (frame_decode.c), applied before writing. */
static h2_status check_encodable(const h2_frame *f, h2_error *err) {
  const h2_frame_header *hd = &f->hd;
  const char *section = h2_frame_type_section(hd->type);
  /* §4.1: the stream identifier is 31 bits (the R bit is hd.reserved). */
  if (hd->stream_id > H2_STREAM_ID_MASK) return refuse(err, "RFC 9113 §4.1", f);
  /* §4.2: the 24-bit length bounds every frame, padding included. */
  if (payload_size(f) > H2_MAX_FRAME_SIZE_LIMIT) return refuse(err, "RFC 9113 §4.2", f);
  switch (hd->type) {
  case H2_DATA:
  case H2_HEADERS:
  case H2_PRIORITY:
  case H2_RST_STREAM:
  case H2_PUSH_PROMISE:
  case H2_CONTINUATION:
    if (hd->stream_id == 0) return refuse(err, section, f);
    break;
  case H2_SETTINGS:
  case H2_PING:
  case H2_GOAWAY:
    if (hd->stream_id != 0) return refuse(err, section, f);
    break;
  default:
    break;
  }
  switch (hd->type) {
  case H2_DATA:
    if (!span_ok(f->u.data.data, f->u.data.len)) return refuse(err, SECTION_API, f);
    return H2_OK;
  case H2_HEADERS:
    if (!span_ok(f->u.headers.fragment, f->u.headers.fragment_len))
      return refuse(err, SECTION_API, f);
    if (hd->flags & H2_FLAG_PRIORITY) return check_priority(f, &f->u.headers.priority, err);
    return H2_OK;
  case H2_PRIORITY:
    return check_priority(f, &f->u.priority, err);
  case H2_SETTINGS:
    /* §6.5: an ACK "MUST have an empty payload". */
    if ((hd->flags & H2_FLAG_ACK) && f->u.settings.count) return refuse(err, section, f);
    if (!span_ok(f->u.settings.raw, f->u.settings.count)) return refuse(err, SECTION_API, f);
    for (uint32_t i = 0; i < f->u.settings.count; i++) {
      h2_setting s = h2_settings_at(f, i);
      const char *rule = NULL;
      if (h2_setting_check(s.id, s.value, H2_SENDER_UNKNOWN, &rule) != H2_OK)
        return refuse(err, rule, f);
    }
    return H2_OK;
  case H2_PUSH_PROMISE: {
    /* §6.6 + §5.1.1: the promised id is a new server-initiated (even) id. */
    uint32_t promised = f->u.push_promise.promised_stream_id;
    if (promised == 0 || (promised & 1u) || promised > H2_STREAM_ID_MASK)
      return refuse(err, section, f);
    if (!span_ok(f->u.push_promise.fragment, f->u.push_promise.fragment_len))
      return refuse(err, SECTION_API, f);
    return H2_OK;
  }
  case H2_GOAWAY:
    if (f->u.goaway.last_stream_id > H2_STREAM_ID_MASK) return refuse(err, section, f);
    if (!span_ok(f->u.goaway.debug, f->u.goaway.debug_len)) return refuse(err, SECTION_API, f);
    return H2_OK;
  case H2_WINDOW_UPDATE:
    /* §6.9: "The legal range for the increment to the flow-control window
     * is 1 to 2^31-1 octets." */
    if (f->u.window_update.increment == 0 || f->u.window_update.increment > H2_MAX_WINDOW_SIZE)
      return refuse(err, section, f);
    return H2_OK;
  case H2_CONTINUATION:
    if (!span_ok(f->u.continuation.fragment, f->u.continuation.fragment_len))
      return refuse(err, SECTION_API, f);
    return H2_OK;
  case H2_RST_STREAM:
  case H2_PING:
    return H2_OK;
  default:
    if (!span_ok(f->u.unknown.payload, f->u.unknown.len)) return refuse(err, SECTION_API, f);
    return H2_OK;
  }
}

/* Padding octets: copied from f->padding when given (so a decoded frame
 * re-encodes byte for byte), else zeros as §6.1 requires of senders. */
static void put_padding(frame_writer *w, const h2_frame *f) {
  if (f->padding)
    put_bytes(w, f->padding, f->pad_length);
  else {
    memset(w->p, 0, f->pad_length);
    w->p += f->pad_length;
  }
}

static void put_priority(frame_writer *w, const h2_priority *prio) {
  put_u31(w, prio->exclusive, prio->dependency);
  put_u8(w, prio->weight);
}

h2_status h2_frame_encode(const h2_frame *f, uint8_t *out, size_t cap, size_t *written,
                          h2_error *err) {
  if (written) *written = 0;
  if (!f) return refuse(err, SECTION_API, NULL);
  h2_status st = check_encodable(f, err);
  if (st != H2_OK) return st;

  uint32_t length = (uint32_t)payload_size(f);
  size_t total = H2_FRAME_HEADER_LEN + (size_t)length;
  if (!out || cap < total) {
    if (err) {
      h2_error_set(err, H2_E_BUFFER_TOO_SMALL, cap, f->hd.stream_id);
      err->need = total - (out ? cap : 0);
    }
    return H2_E_BUFFER_TOO_SMALL;
  }

  const h2_frame_header *hd = &f->hd;
  bool padded = is_padded_type(hd->type) && (hd->flags & H2_FLAG_PADDED);
  frame_writer w = {out};
  h2_frame_header_write(out, length, hd->type, hd->flags,
                        (hd->reserved ? 0x80000000u : 0u) | hd->stream_id);
  w.p += H2_FRAME_HEADER_LEN;
  if (padded) put_u8(&w, f->pad_length);

  switch (hd->type) {
  case H2_DATA:
    put_bytes(&w, f->u.data.data, f->u.data.len);
    break;
  case H2_HEADERS:
    if (hd->flags & H2_FLAG_PRIORITY) put_priority(&w, &f->u.headers.priority);
    put_bytes(&w, f->u.headers.fragment, f->u.headers.fragment_len);
    break;
  case H2_PRIORITY:
    put_priority(&w, &f->u.priority);
    break;
  case H2_RST_STREAM:
    put_u32(&w, f->u.rst_stream.error_code);
    break;
  case H2_SETTINGS:
    put_bytes(&w, f->u.settings.raw, 6u * (size_t)f->u.settings.count);
    break;
  case H2_PUSH_PROMISE:
    put_u31(&w, f->u.push_promise.promised_reserved, f->u.push_promise.promised_stream_id);
    put_bytes(&w, f->u.push_promise.fragment, f->u.push_promise.fragment_len);
    break;
  case H2_PING:
    put_bytes(&w, f->u.ping.opaque, 8);
    break;
  case H2_GOAWAY:
    put_u31(&w, f->u.goaway.last_reserved, f->u.goaway.last_stream_id);
    put_u32(&w, f->u.goaway.error_code);
    put_bytes(&w, f->u.goaway.debug, f->u.goaway.debug_len);
    break;
  case H2_WINDOW_UPDATE:
    put_u31(&w, f->u.window_update.reserved, f->u.window_update.increment);
    break;
  case H2_CONTINUATION:
    put_bytes(&w, f->u.continuation.fragment, f->u.continuation.fragment_len);
    break;
  default:
    put_bytes(&w, f->u.unknown.payload, f->u.unknown.len);
    break;
  }
  if (padded) put_padding(&w, f);
  if (written) *written = total;
  return H2_OK;
}
