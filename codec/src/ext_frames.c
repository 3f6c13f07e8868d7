/* ext_frames.c — payloads of the ALTSVC, ORIGIN and PRIORITY_UPDATE extension
 * frames (ext_frames.h): decoding through the bounds-checked cursor, the
 * rules of RFC 7838 §4, RFC 8336 §2.1 and RFC 9218 §7.1, and encoders. */
#include "h2/ext_frames.h"

#include <string.h>

#include "h2/cursor.h"

const char *h2_ext_frame_type_name(uint8_t type) {
  switch (type) {
  case H2_ALTSVC:
    return "ALTSVC";
  case H2_ORIGIN:
    return "ORIGIN";
  case H2_PRIORITY_UPDATE:
    return "PRIORITY_UPDATE";
  default:
    return NULL;
  }
}

static h2_ext_result problem(h2_ext_problem *why, h2_ext_result r, const char *rule,
                             const char *message, const char *section, size_t offset,
                             uint32_t code) {
  if (why) *why = (h2_ext_problem){rule, message, section, offset, code};
  return r;
}

#define ALTSVC_RULE "altsvc-invalid"
#define ALTSVC_SEC "RFC 7838 §4"

h2_ext_result h2_altsvc_decode(const h2_frame *f, h2_altsvc *out, h2_ext_problem *why) {
  memset(out, 0, sizeof *out);
  h2_cursor c = h2_cursor_make(f->u.unknown.payload, f->u.unknown.payload ? f->u.unknown.len : 0);
  uint16_t olen;
  if (!h2_cursor_get_u16(&c, &olen))
    return problem(why, H2_EXT_IGNORE, ALTSVC_RULE,
                   "ALTSVC payload shorter than its 2-octet Origin-Len (ignored)", ALTSVC_SEC, 0,
                   0);
  if (!h2_cursor_get_bytes(&c, olen, &out->origin))
    return problem(why, H2_EXT_IGNORE, ALTSVC_RULE,
                   "ALTSVC Origin-Len goes past the end of the payload (ignored)", ALTSVC_SEC, 0,
                   0);
  out->origin_len = olen;
  out->value_len = (uint32_t)c.left;
  (void)h2_cursor_get_bytes(&c, c.left, &out->value);
  /* §4: "An ALTSVC frame on stream 0 with empty (length 0) Origin
   * information is invalid and MUST be ignored. An ALTSVC frame on a stream
   * other than stream 0 containing non-empty Origin information is invalid
   * and MUST be ignored." */
  if (f->hd.stream_id == 0 && olen == 0)
    return problem(why, H2_EXT_IGNORE, ALTSVC_RULE,
                   "ALTSVC on stream 0 without an origin (ignored)", ALTSVC_SEC, 0, 0);
  if (f->hd.stream_id != 0 && olen != 0)
    return problem(why, H2_EXT_IGNORE, ALTSVC_RULE,
                   "ALTSVC on a stream other than 0 carrying an origin (ignored)", ALTSVC_SEC, 0,
                   0);
  return H2_EXT_OK;
}

size_t h2_altsvc_encode(const h2_altsvc *a, uint8_t *buf, size_t cap) {
  size_t need = 2 + (size_t)a->origin_len + a->value_len;
  if (a->origin_len > 0xffff || need > cap) return 0;
  buf[0] = (uint8_t)(a->origin_len >> 8);
  buf[1] = (uint8_t)a->origin_len;
  if (a->origin_len) memcpy(buf + 2, a->origin, a->origin_len);
  if (a->value_len) memcpy(buf + 2 + a->origin_len, a->value, a->value_len);
  return need;
}

#define ORIGIN_RULE "origin-invalid"
#define ORIGIN_SEC "RFC 8336 §2.1"

h2_ext_result h2_origin_begin(const h2_frame *f, h2_origin_iter *it, h2_ext_problem *why) {
  it->p = f->u.unknown.payload;
  it->left = f->u.unknown.payload ? f->u.unknown.len : 0;
  it->offset = 0;
  /* §2.1: "The ORIGIN frame MUST be sent on stream 0; an ORIGIN frame on any
   * other stream is invalid and MUST be ignored." */
  if (f->hd.stream_id != 0)
    return problem(why, H2_EXT_IGNORE, ORIGIN_RULE, "ORIGIN on a stream other than 0 (ignored)",
                   ORIGIN_SEC, 0, 0);
  return H2_EXT_OK;
}

int h2_origin_next(h2_origin_iter *it, const uint8_t **origin, size_t *len, h2_ext_problem *why) {
  if (it->left == 0) return 0;
  h2_cursor c = h2_cursor_make(it->p, it->left);
  uint16_t olen;
  if (!h2_cursor_get_u16(&c, &olen) || !h2_cursor_get_bytes(&c, olen, origin)) {
    problem(why, H2_EXT_IGNORE, ORIGIN_RULE,
            "ORIGIN entry cut off by the end of the payload (malformed, ignored)", ORIGIN_SEC,
            it->offset, 0);
    it->left = 0;
    return -1;
  }
  size_t at = it->offset;
  it->offset += 2 + (size_t)olen;
  it->p = c.p;
  it->left = c.left;
  *len = olen;
  if (olen == 0) {
    problem(why, H2_EXT_IGNORE, ORIGIN_RULE, "empty ORIGIN entry (not an ASCII origin)", ORIGIN_SEC,
            at, 0);
    return -1;
  }
  return 1;
}

size_t h2_origin_entry_encode(const char *origin, size_t len, uint8_t *buf, size_t cap) {
  if (len > 0xffff || len + 2 > cap) return 0;
  buf[0] = (uint8_t)(len >> 8);
  buf[1] = (uint8_t)len;
  if (len) memcpy(buf + 2, origin, len);
  return len + 2;
}

#define PU_RULE "priority-update-invalid"
#define PU_SEC "RFC 9218 §7.1"

h2_ext_result h2_priority_update_decode(const h2_frame *f, h2_priority_update *out,
                                        h2_ext_problem *why) {
  memset(out, 0, sizeof *out);
  h2_cursor c = h2_cursor_make(f->u.unknown.payload, f->u.unknown.payload ? f->u.unknown.len : 0);
  uint32_t id;
  if (!h2_cursor_get_u32(&c, &id))
    return problem(why, H2_EXT_ERROR, PU_RULE,
                   "PRIORITY_UPDATE payload shorter than its 4-octet Prioritized Stream ID", PU_SEC,
                   0, H2_FRAME_SIZE_ERROR);
  out->reserved = (uint8_t)(id >> 31);
  out->stream_id = id & H2_STREAM_ID_MASK;
  out->value_len = (uint32_t)c.left;
  (void)h2_cursor_get_bytes(&c, c.left, &out->value);
  /* §7.1: "PRIORITY_UPDATE frames MUST be sent on stream 0 ... a Stream
   * Identifier other than 0x0 ... connection error of type PROTOCOL_ERROR";
   * "a Prioritized Stream ID of 0x0 ... PROTOCOL_ERROR". */
  if (f->hd.stream_id != 0)
    return problem(why, H2_EXT_ERROR, PU_RULE, "PRIORITY_UPDATE on a stream other than 0", PU_SEC,
                   0, H2_PROTOCOL_ERROR);
  if (out->stream_id == 0)
    return problem(why, H2_EXT_ERROR, PU_RULE, "PRIORITY_UPDATE with a prioritized stream ID of 0",
                   PU_SEC, 0, H2_PROTOCOL_ERROR);
  return H2_EXT_OK;
}

size_t h2_priority_update_encode(uint32_t stream_id, const char *value, size_t value_len,
                                 uint8_t *buf, size_t cap) {
  if (value_len + 4 > cap) return 0;
  stream_id &= H2_STREAM_ID_MASK;
  buf[0] = (uint8_t)(stream_id >> 24);
  buf[1] = (uint8_t)(stream_id >> 16);
  buf[2] = (uint8_t)(stream_id >> 8);
  buf[3] = (uint8_t)stream_id;
  if (value_len) memcpy(buf + 4, value, value_len);
  return value_len + 4;
}
