/* frame_decode.c — decodes one HTTP/2 frame (RFC 9113 §4.1 header, §6
 * payloads) in place and checks every rule that needs no connection state:
 * frame size (§4.2), stream id 0 / non-0 per type, padding, fixed lengths,
 * SETTINGS values, WINDOW_UPDATE 0, PUSH_PROMISE ids and sender, priority
 * self-dependency. All reads of the input go through h2/cursor.h; nothing is
 * allocated. Offsets reported in h2_error:
 *   0  the Length field (every size rule),  3  the Type (PUSH_PROMISE from a
 *   client),  5  the Stream Identifier,  9+ the payload field at fault. */
#include <string.h>

#include "frame_rules.h"
#include "h2/cursor.h"
#include "h2/frame.h"

#define OFFSET_LENGTH 0
#define OFFSET_TYPE 3
#define OFFSET_STREAM_ID 5
#define OFFSET_PAYLOAD H2_FRAME_HEADER_LEN

#define SECTION_FRAME_SIZE "RFC 9113 §4.2"

/* Fills err for a rejection whose scope/section depend on the frame. The RFC
 * code is the status default (it never changes with context; only the scope
 * does, §5.4). */
static h2_status reject(h2_error *err, h2_status status, size_t offset, const h2_frame_header *hd,
                        uint8_t scope, const char *section) {
  if (err) {
    h2_error_set(err, status, offset, hd->stream_id);
    err->scope = scope;
    err->section = section;
    err->stream_id = scope == H2_SCOPE_STREAM ? hd->stream_id : 0;
  }
  return status;
}

static h2_status need_more(h2_error *err, size_t have, size_t missing) {
  if (err) {
    h2_error_set(err, H2_NEED_MORE, have, 0);
    err->need = missing;
  }
  return H2_NEED_MORE;
}

/* §4.2: "A frame size error in a frame that could alter the state of the
 * entire connection MUST be treated as a connection error; this includes any
 * frame carrying a field block (HEADERS, PUSH_PROMISE, and CONTINUATION), a
 * SETTINGS frame, and any frame with a stream identifier of 0." */
static uint8_t frame_size_scope(const h2_frame_header *hd) {
  if (hd->stream_id == 0) return H2_SCOPE_CONNECTION;
  switch (hd->type) {
  case H2_HEADERS:
  case H2_PUSH_PROMISE:
  case H2_CONTINUATION:
  case H2_SETTINGS:
    return H2_SCOPE_CONNECTION;
  default:
    return H2_SCOPE_STREAM;
  }
}

static h2_status too_short(h2_error *err, const h2_frame_header *hd) {
  return reject(err, H2_E_FRAME_TOO_SHORT, OFFSET_LENGTH, hd, frame_size_scope(hd),
                SECTION_FRAME_SIZE);
}

static h2_status stream_id_required(h2_error *err, const h2_frame_header *hd) {
  return reject(err, H2_E_STREAM_ID_REQUIRED, OFFSET_STREAM_ID, hd, H2_SCOPE_CONNECTION,
                h2_frame_type_section(hd->type));
}

static h2_status stream_id_forbidden(h2_error *err, const h2_frame_header *hd) {
  return reject(err, H2_E_STREAM_ID_FORBIDDEN, OFFSET_STREAM_ID, hd, H2_SCOPE_CONNECTION,
                h2_frame_type_section(hd->type));
}

/* The 9-octet header (§4.1), taken from c at once (its callers made sure
 * it is there; else a zero header) and assembled field by field. */
/* Inline in the decoders of every frame: each call saved is a few
 * instructions of each of the capture's frames. */
#define FRAME_HOT static inline __attribute__((always_inline))

FRAME_HOT void read_header(h2_cursor *c, h2_frame_header *hd) {
  const uint8_t *b;
  if (!h2_cursor_get_bytes(c, H2_FRAME_HEADER_LEN, &b)) {
    *hd = (h2_frame_header){0};
    return;
  }
  /* two big-endian words: Length and Type, then R and the stream id (a
   * cursor over the nine octets just taken: its checks fold away) */
  h2_cursor w = h2_cursor_make(b, H2_FRAME_HEADER_LEN);
  uint32_t lt = 0, sid = 0;
  uint8_t flags = 0;
  (void)h2_cursor_get_u32(&w, &lt);
  (void)h2_cursor_get_u8(&w, &flags);
  (void)h2_cursor_get_u32(&w, &sid);
  hd->length = lt >> 8;
  hd->type = (uint8_t)lt;
  hd->flags = flags;
  /* §4.1: the R bit "MUST be ignored when receiving"; kept for display. */
  hd->reserved = (uint8_t)(sid >> 31);
  hd->stream_id = sid & H2_STREAM_ID_MASK;
}

h2_status h2_frame_header_decode(const uint8_t *buf, size_t len, h2_frame_header *out,
                                 h2_error *err) {
  if (!buf || len < H2_FRAME_HEADER_LEN)
    return need_more(err, buf ? len : 0, H2_FRAME_HEADER_LEN - (buf ? len : 0));
  h2_cursor c = h2_cursor_make(buf, len);
  read_header(&c, out);
  return H2_OK;
}

/* Exclusive bit, 31-bit dependency, weight (§6.2, §6.3). */
static void read_priority(h2_cursor *p, h2_priority *prio) {
  uint32_t dep = 0;
  (void)h2_cursor_get_u32(p, &dep);
  (void)h2_cursor_get_u8(p, &prio->weight);
  prio->exclusive = (uint8_t)(dep >> 31);
  prio->dependency = dep & H2_STREAM_ID_MASK;
}

/* RFC 7540 §5.3.1 (kept by RFC 9113 §5.3.2): "A stream cannot depend on
 * itself" — a stream error, so every field is already filled. */
static h2_status self_dependency(h2_error *err, const h2_frame_header *hd, size_t offset) {
  return reject(err, H2_E_SELF_DEPENDENCY, offset, hd, H2_SCOPE_STREAM,
                h2_status_section(H2_E_SELF_DEPENDENCY));
}

/* Pad Length (when PADDED) was read into f->pad_length and the mandatory
 * fields after it consumed; splits what is left into body and padding.
 * §6.1/§6.2: padding "the length of the frame payload or greater" is a
 * connection error PROTOCOL_ERROR; §6.6: padding exceeding "the size
 * remaining for the field block fragment". */
FRAME_HOT h2_status split_padding(h2_cursor *p, h2_frame *f, const uint8_t **body,
                                  uint32_t *body_len, h2_error *err) {
  size_t pad = (f->hd.flags & H2_FLAG_PADDED) ? f->pad_length : 0;
  if (pad > p->left)
    return reject(err, H2_E_PADDING_TOO_LONG, OFFSET_PAYLOAD, &f->hd, H2_SCOPE_CONNECTION,
                  h2_frame_type_section(f->hd.type));
  *body_len = (uint32_t)(p->left - pad);
  (void)h2_cursor_get_bytes(p, *body_len, body);
  if (f->hd.flags & H2_FLAG_PADDED) (void)h2_cursor_get_bytes(p, pad, &f->padding);
  return H2_OK;
}

static h2_status read_pad_length(h2_cursor *p, h2_frame *f, h2_error *err) {
  if ((f->hd.flags & H2_FLAG_PADDED) && !h2_cursor_get_u8(p, &f->pad_length))
    return too_short(err, &f->hd);
  return H2_OK;
}

static h2_status decode_data(h2_cursor *p, h2_frame *f, h2_error *err) {
  h2_status st;
  if (f->hd.stream_id == 0) return stream_id_required(err, &f->hd);
  if ((st = read_pad_length(p, f, err)) != H2_OK) return st;
  return split_padding(p, f, &f->u.data.data, &f->u.data.len, err);
}

static h2_status decode_headers(h2_cursor *p, h2_frame *f, h2_error *err) {
  h2_status st;
  if (f->hd.stream_id == 0) return stream_id_required(err, &f->hd);
  if ((st = read_pad_length(p, f, err)) != H2_OK) return st;
  size_t priority_offset = OFFSET_PAYLOAD + ((f->hd.flags & H2_FLAG_PADDED) ? 1 : 0);
  if (f->hd.flags & H2_FLAG_PRIORITY) {
    if (p->left < 5) return too_short(err, &f->hd);
    read_priority(p, &f->u.headers.priority);
  }
  st = split_padding(p, f, &f->u.headers.fragment, &f->u.headers.fragment_len, err);
  if (st != H2_OK) return st;
  if ((f->hd.flags & H2_FLAG_PRIORITY) && f->u.headers.priority.dependency == f->hd.stream_id)
    return self_dependency(err, &f->hd, priority_offset);
  return H2_OK;
}

static h2_status decode_priority(h2_cursor *p, h2_frame *f, h2_error *err) {
  if (f->hd.stream_id == 0) return stream_id_required(err, &f->hd);
  /* §6.3: "A PRIORITY frame with a length other than 5 octets MUST be
   * treated as a stream error of type FRAME_SIZE_ERROR." */
  if (f->hd.length != 5)
    return reject(err, H2_E_BAD_FIXED_LENGTH, OFFSET_LENGTH, &f->hd, H2_SCOPE_STREAM,
                  "RFC 9113 §6.3");
  read_priority(p, &f->u.priority);
  if (f->u.priority.dependency == f->hd.stream_id)
    return self_dependency(err, &f->hd, OFFSET_PAYLOAD);
  return H2_OK;
}

static h2_status decode_rst_stream(h2_cursor *p, h2_frame *f, h2_error *err) {
  if (f->hd.stream_id == 0) return stream_id_required(err, &f->hd);
  /* §6.4: length other than 4 is a connection error FRAME_SIZE_ERROR. */
  if (f->hd.length != 4)
    return reject(err, H2_E_BAD_FIXED_LENGTH, OFFSET_LENGTH, &f->hd, H2_SCOPE_CONNECTION,
                  "RFC 9113 §6.4");
  (void)h2_cursor_get_u32(p, &f->u.rst_stream.error_code);
  return H2_OK;
}

static h2_status decode_settings(h2_cursor *p, h2_frame *f, uint8_t sender, h2_error *err) {
  if (f->hd.stream_id != 0) return stream_id_forbidden(err, &f->hd);
  /* §6.5: ACK with a payload, or a length not a multiple of 6, is a
   * connection error FRAME_SIZE_ERROR. */
  if ((f->hd.flags & H2_FLAG_ACK) && f->hd.length != 0)
    return reject(err, H2_E_SETTINGS_ACK_LENGTH, OFFSET_LENGTH, &f->hd, H2_SCOPE_CONNECTION,
                  "RFC 9113 §6.5");
  if (f->hd.length % 6 != 0)
    return reject(err, H2_E_SETTINGS_LENGTH, OFFSET_LENGTH, &f->hd, H2_SCOPE_CONNECTION,
                  "RFC 9113 §6.5");
  f->u.settings.count = f->hd.length / 6;
  (void)h2_cursor_get_bytes(p, f->hd.length, &f->u.settings.raw);
  h2_cursor entries = h2_cursor_make(f->u.settings.raw, f->hd.length);
  for (uint32_t i = 0; i < f->u.settings.count; i++) {
    uint16_t id = 0;
    uint32_t value = 0;
    const char *section = NULL;
    (void)h2_cursor_get_u16(&entries, &id);
    (void)h2_cursor_get_u32(&entries, &value);
    h2_status st = h2_setting_check(id, value, sender, &section);
    if (st != H2_OK)
      return reject(err, st, OFFSET_PAYLOAD + (size_t)i * 6, &f->hd, H2_SCOPE_CONNECTION, section);
  }
  return H2_OK;
}

static h2_status decode_push_promise(h2_cursor *p, h2_frame *f, uint8_t sender, h2_error *err) {
  h2_status st;
  uint32_t promised = 0;
  if (f->hd.stream_id == 0) return stream_id_required(err, &f->hd);
  /* §8.4: "A client cannot push. Thus, servers MUST treat the receipt of a
   * PUSH_PROMISE frame as a connection error of type PROTOCOL_ERROR." */
  if (sender == H2_SENDER_CLIENT)
    return reject(err, H2_E_PUSH_PROMISE_FROM_CLIENT, OFFSET_TYPE, &f->hd, H2_SCOPE_CONNECTION,
                  "RFC 9113 §8.4");
  if ((st = read_pad_length(p, f, err)) != H2_OK) return st;
  size_t promised_offset = OFFSET_PAYLOAD + ((f->hd.flags & H2_FLAG_PADDED) ? 1 : 0);
  if (!h2_cursor_get_u32(p, &promised)) return too_short(err, &f->hd);
  f->u.push_promise.promised_reserved = (uint8_t)(promised >> 31);
  f->u.push_promise.promised_stream_id = promised & H2_STREAM_ID_MASK;
  st = split_padding(p, f, &f->u.push_promise.fragment, &f->u.push_promise.fragment_len, err);
  if (st != H2_OK) return st;
  /* §6.6 + §5.1.1: the promised id must be a valid new stream id of the
   * server, i.e. non-zero and even. */
  promised = f->u.push_promise.promised_stream_id;
  if (promised == 0 || (promised & 1u))
    return reject(err, H2_E_BAD_PROMISED_ID, promised_offset, &f->hd, H2_SCOPE_CONNECTION,
                  "RFC 9113 §6.6");
  return H2_OK;
}

static h2_status decode_ping(h2_cursor *p, h2_frame *f, h2_error *err) {
  const uint8_t *opaque = NULL;
  if (f->hd.stream_id != 0) return stream_id_forbidden(err, &f->hd);
  /* §6.7: length other than 8 is a connection error FRAME_SIZE_ERROR. */
  if (f->hd.length != 8)
    return reject(err, H2_E_BAD_FIXED_LENGTH, OFFSET_LENGTH, &f->hd, H2_SCOPE_CONNECTION,
                  "RFC 9113 §6.7");
  (void)h2_cursor_get_bytes(p, 8, &opaque);
  memcpy(f->u.ping.opaque, opaque, 8);
  return H2_OK;
}

static h2_status decode_goaway(h2_cursor *p, h2_frame *f, h2_error *err) {
  uint32_t last = 0;
  if (f->hd.stream_id != 0) return stream_id_forbidden(err, &f->hd);
  if (f->hd.length < 8) return too_short(err, &f->hd);
  (void)h2_cursor_get_u32(p, &last);
  f->u.goaway.last_reserved = (uint8_t)(last >> 31);
  f->u.goaway.last_stream_id = last & H2_STREAM_ID_MASK;
  (void)h2_cursor_get_u32(p, &f->u.goaway.error_code);
  f->u.goaway.debug_len = (uint32_t)p->left;
  (void)h2_cursor_get_bytes(p, p->left, &f->u.goaway.debug);
  return H2_OK;
}

static h2_status decode_window_update(h2_cursor *p, h2_frame *f, h2_error *err) {
  uint32_t v = 0;
  /* §6.9: length other than 4 is a connection error FRAME_SIZE_ERROR. */
  if (f->hd.length != 4)
    return reject(err, H2_E_BAD_FIXED_LENGTH, OFFSET_LENGTH, &f->hd, H2_SCOPE_CONNECTION,
                  "RFC 9113 §6.9");
  (void)h2_cursor_get_u32(p, &v);
  f->u.window_update.reserved = (uint8_t)(v >> 31);
  f->u.window_update.increment = v & H2_STREAM_ID_MASK;
  /* §6.9: increment 0 is a stream error PROTOCOL_ERROR; "errors on the
   * connection flow-control window MUST be treated as a connection error". */
  if (f->u.window_update.increment == 0)
    return reject(err, H2_E_WINDOW_UPDATE_ZERO, OFFSET_PAYLOAD, &f->hd,
                  f->hd.stream_id ? H2_SCOPE_STREAM : H2_SCOPE_CONNECTION, "RFC 9113 §6.9");
  return H2_OK;
}

static h2_status decode_continuation(h2_cursor *p, h2_frame *f, h2_error *err) {
  if (f->hd.stream_id == 0) return stream_id_required(err, &f->hd);
  f->u.continuation.fragment_len = (uint32_t)p->left;
  (void)h2_cursor_get_bytes(p, p->left, &f->u.continuation.fragment);
  return H2_OK;
}

h2_status h2_frame_decode(const uint8_t *buf, size_t len, const h2_frame_decode_options *opts,
                          h2_frame *out, size_t *consumed, h2_error *err) {
  size_t ignored;
  if (!consumed) consumed = &ignored;
  *consumed = 0;
  if (!buf) len = 0;
  uint32_t max = opts && opts->max_frame_size ? opts->max_frame_size : H2_DEFAULT_MAX_FRAME_SIZE;
  h2_cursor c = h2_cursor_make(buf, len);
  if (len < H2_FRAME_HEADER_LEN) {
    /* The Length field alone (§4.1) tells how much the whole frame needs;
     * a frame too large for us is only waited on up to its header, where it
     * is rejected. */
    uint32_t length = 0;
    if (h2_cursor_get_u24(&c, &length) && length <= max)
      return need_more(err, len, H2_FRAME_HEADER_LEN + (size_t)length - len);
    return need_more(err, len, H2_FRAME_HEADER_LEN - len);
  }

  read_header(&c, &out->hd);
  out->pad_length = 0;
  out->padding = NULL;
  memset(&out->u, 0, sizeof out->u);

  if (out->hd.length > max)
    return reject(err, H2_E_FRAME_TOO_LARGE, OFFSET_LENGTH, &out->hd, frame_size_scope(&out->hd),
                  SECTION_FRAME_SIZE);

  h2_cursor payload;
  if (!h2_cursor_get_sub(&c, out->hd.length, &payload))
    return need_more(err, len, out->hd.length - c.left);
  *consumed = H2_FRAME_HEADER_LEN + (size_t)out->hd.length;

  uint8_t sender = opts ? opts->sender : H2_SENDER_UNKNOWN;
  switch (out->hd.type) {
  case H2_DATA:
    return decode_data(&payload, out, err);
  case H2_HEADERS:
    return decode_headers(&payload, out, err);
  case H2_PRIORITY:
    return decode_priority(&payload, out, err);
  case H2_RST_STREAM:
    return decode_rst_stream(&payload, out, err);
  case H2_SETTINGS:
    return decode_settings(&payload, out, sender, err);
  case H2_PUSH_PROMISE:
    return decode_push_promise(&payload, out, sender, err);
  case H2_PING:
    return decode_ping(&payload, out, err);
  case H2_GOAWAY:
    return decode_goaway(&payload, out, err);
  case H2_WINDOW_UPDATE:
    return decode_window_update(&payload, out, err);
  case H2_CONTINUATION:
    return decode_continuation(&payload, out, err);
  default:
    /* §5.5: "Implementations MUST ignore unknown or unsupported values in
     * all extensible protocol elements" — kept opaque. */
    out->u.unknown.len = out->hd.length;
    (void)h2_cursor_get_bytes(&payload, payload.left, &out->u.unknown.payload);
    return H2_OK;
  }
}
