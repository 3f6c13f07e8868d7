/* frame_decode.c — fuzz target: arbitrary bytes as an HTTP/2 frame stream
 * through h2_frame_decode (RFC 9113 §4, §6), with four oracles:
 *  1. an independent statement of every stateless rule (rule_violations):
 *     a frame is accepted iff it breaks none, and a rejection names a broken
 *     rule with the RFC's error code (and scope where the RFC fixes it);
 *  2. every accepted frame re-encodes to the identical bytes (decoded frames
 *     are canonical: flags, reserved bits and padding are kept), and the
 *     re-encoded bytes decode to an equal frame;
 *  3. a re-encode with fresh (zero) padding decodes to the same fields;
 *  4. the field-block assembler (§4.3, §6.10) agrees with a shadow model.
 *
 * Input: byte 0 chooses the decode options, the rest is the frame stream.
 *   bits 0-1  sender: 0/3 unknown, 1 client, 2 server
 *   bits 2-3  max frame size: 0 default (16384), 1 16384, 2 2^24-1, 3 64
 *   bit  4    the stream starts with the client preface (§3.4)
 *   bit  5    field block buffer of 64 bytes instead of 16384
 * Triage: `tail -c +2 crash-file > f.bin; h2scope frames f.bin`. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "h2/frame.h"
#include "mutator/frame_mutator.h"

/* The option byte in front of the frames (for the structure-aware mutator). */
const size_t h2_frame_mutator_prefix = 1;

/* ---- Oracle 1: the rules, written again from the RFC ---- */

typedef struct rule_set {
  uint64_t bits; /* 1 << h2_status for each rule the frame breaks */
} rule_set;

static void rule_add(rule_set *s, h2_status st) {
  s->bits |= (uint64_t)1 << st;
}

static bool rule_has(const rule_set *s, h2_status st) {
  return (s->bits >> st) & 1u;
}

static uint32_t read_u32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* §6.5.2 (+ RFC 8441 §3, RFC 9218 §2.1): value rules of one setting. */
static void setting_rules(uint16_t id, uint32_t value, uint8_t sender, rule_set *s) {
  if (id == H2_SETTINGS_ENABLE_PUSH && (value > 1 || (value == 1 && sender == H2_SENDER_SERVER)))
    rule_add(s, H2_E_SETTINGS_ENABLE_PUSH);
  if (id == H2_SETTINGS_INITIAL_WINDOW_SIZE && value > 0x7fffffffu)
    rule_add(s, H2_E_SETTINGS_WINDOW_SIZE);
  if (id == H2_SETTINGS_MAX_FRAME_SIZE && (value < 16384u || value > 16777215u))
    rule_add(s, H2_E_SETTINGS_FRAME_SIZE);
  if ((id == H2_SETTINGS_ENABLE_CONNECT_PROTOCOL || id == H2_SETTINGS_NO_RFC7540_PRIORITIES) &&
      value > 1)
    rule_add(s, H2_E_SETTINGS_BOOLEAN);
}

/* Padding rules (§6.1, §6.2, §6.6): `fixed` mandatory bytes besides the Pad
 * Length field. */
static void padding_rules(uint8_t flags, const uint8_t *pl, uint32_t len, uint32_t fixed,
                          rule_set *s) {
  uint32_t need = fixed + ((flags & H2_FLAG_PADDED) ? 1u : 0u);
  if (len < need) {
    rule_add(s, H2_E_FRAME_TOO_SHORT);
    return;
  }
  if ((flags & H2_FLAG_PADDED) && pl[0] > len - need) rule_add(s, H2_E_PADDING_TOO_LONG);
}

/* Every rule a complete frame (header + payload within the size limit) breaks. */
static rule_set rule_violations(const uint8_t *frame, uint8_t sender) {
  rule_set s = {0};
  uint32_t len = ((uint32_t)frame[0] << 16) | ((uint32_t)frame[1] << 8) | frame[2];
  uint8_t type = frame[3], flags = frame[4];
  uint32_t sid = read_u32(frame + 5) & 0x7fffffffu;
  const uint8_t *pl = frame + 9;
  switch (type) {
  case H2_DATA: /* §6.1 */
    if (sid == 0) rule_add(&s, H2_E_STREAM_ID_REQUIRED);
    padding_rules(flags, pl, len, 0, &s);
    break;
  case H2_HEADERS: { /* §6.2 */
    if (sid == 0) rule_add(&s, H2_E_STREAM_ID_REQUIRED);
    uint32_t prio = (flags & H2_FLAG_PRIORITY) ? 5u : 0u;
    padding_rules(flags, pl, len, prio, &s);
    uint32_t pad_field = (flags & H2_FLAG_PADDED) ? 1u : 0u;
    if (prio && len >= pad_field + 5 && (read_u32(pl + pad_field) & 0x7fffffffu) == sid)
      rule_add(&s, H2_E_SELF_DEPENDENCY);
    break;
  }
  case H2_PRIORITY: /* §6.3 */
    if (sid == 0) rule_add(&s, H2_E_STREAM_ID_REQUIRED);
    if (len != 5)
      rule_add(&s, H2_E_BAD_FIXED_LENGTH);
    else if ((read_u32(pl) & 0x7fffffffu) == sid)
      rule_add(&s, H2_E_SELF_DEPENDENCY);
    break;
  case H2_RST_STREAM: /* §6.4 */
    if (sid == 0) rule_add(&s, H2_E_STREAM_ID_REQUIRED);
    if (len != 4) rule_add(&s, H2_E_BAD_FIXED_LENGTH);
    break;
  case H2_SETTINGS: /* §6.5 */
    if (sid != 0) rule_add(&s, H2_E_STREAM_ID_FORBIDDEN);
    if ((flags & H2_FLAG_ACK) && len != 0) rule_add(&s, H2_E_SETTINGS_ACK_LENGTH);
    if (len % 6 != 0) {
      rule_add(&s, H2_E_SETTINGS_LENGTH);
      break;
    }
    for (uint32_t i = 0; i < len / 6; i++)
      setting_rules((uint16_t)((pl[6 * i] << 8) | pl[6 * i + 1]), read_u32(pl + 6 * i + 2), sender,
                    &s);
    break;
  case H2_PUSH_PROMISE: { /* §6.6, §8.4 */
    if (sid == 0) rule_add(&s, H2_E_STREAM_ID_REQUIRED);
    if (sender == H2_SENDER_CLIENT) rule_add(&s, H2_E_PUSH_PROMISE_FROM_CLIENT);
    padding_rules(flags, pl, len, 4, &s);
    uint32_t pad_field = (flags & H2_FLAG_PADDED) ? 1u : 0u;
    if (len >= pad_field + 4) {
      uint32_t promised = read_u32(pl + pad_field) & 0x7fffffffu;
      if (promised == 0 || (promised & 1u)) rule_add(&s, H2_E_BAD_PROMISED_ID);
    }
    break;
  }
  case H2_PING: /* §6.7 */
    if (sid != 0) rule_add(&s, H2_E_STREAM_ID_FORBIDDEN);
    if (len != 8) rule_add(&s, H2_E_BAD_FIXED_LENGTH);
    break;
  case H2_GOAWAY: /* §6.8 */
    if (sid != 0) rule_add(&s, H2_E_STREAM_ID_FORBIDDEN);
    if (len < 8) rule_add(&s, H2_E_FRAME_TOO_SHORT);
    break;
  case H2_WINDOW_UPDATE: /* §6.9 */
    if (len != 4)
      rule_add(&s, H2_E_BAD_FIXED_LENGTH);
    else if ((read_u32(pl) & 0x7fffffffu) == 0)
      rule_add(&s, H2_E_WINDOW_UPDATE_ZERO);
    break;
  case H2_CONTINUATION: /* §6.10 */
    if (sid == 0) rule_add(&s, H2_E_STREAM_ID_REQUIRED);
    break;
  default: /* §5.5: unknown types are ignored */
    break;
  }
  return s;
}

/* RFC 9113 §7 code each rejection must carry. */
static uint32_t rule_code(h2_status st) {
  switch (st) {
  case H2_E_FRAME_TOO_LARGE:
  case H2_E_FRAME_TOO_SHORT:
  case H2_E_BAD_FIXED_LENGTH:
  case H2_E_SETTINGS_ACK_LENGTH:
  case H2_E_SETTINGS_LENGTH:
    return H2_FRAME_SIZE_ERROR; /* §4.2, §6.5 */
  case H2_E_SETTINGS_WINDOW_SIZE:
    return H2_FLOW_CONTROL_ERROR; /* §6.5.2 */
  default:
    return H2_PROTOCOL_ERROR;
  }
}

/* Scope the RFC fixes for a rejection of this frame, or H2_SCOPE_NONE where
 * the RFC leaves the choice to the receiver (§4.2 "MAY"). */
static uint8_t rule_scope(h2_status st, const h2_frame_header *hd) {
  bool whole_connection = hd->stream_id == 0 || hd->type == H2_HEADERS ||
                          hd->type == H2_PUSH_PROMISE || hd->type == H2_CONTINUATION ||
                          hd->type == H2_SETTINGS;
  switch (st) {
  case H2_E_FRAME_TOO_LARGE:
  case H2_E_FRAME_TOO_SHORT:
    /* §4.2: MUST be a connection error for field-block frames, SETTINGS and
     * any frame on stream 0. */
    return whole_connection ? H2_SCOPE_CONNECTION : H2_SCOPE_NONE;
  case H2_E_BAD_FIXED_LENGTH:
    return hd->type == H2_PRIORITY ? H2_SCOPE_STREAM : H2_SCOPE_CONNECTION; /* §6.3 vs 6.4/7/9 */
  case H2_E_SELF_DEPENDENCY:
    return H2_SCOPE_STREAM; /* RFC 7540 §5.3.1 */
  case H2_E_WINDOW_UPDATE_ZERO:
    return hd->stream_id ? H2_SCOPE_STREAM : H2_SCOPE_CONNECTION; /* §6.9 */
  default:
    return H2_SCOPE_CONNECTION; /* every other stateless rule is a connection error */
  }
}

/* ---- Oracle 2/3: equality of decoded frames ---- */

static bool span_eq(const uint8_t *a, const uint8_t *b, size_t n) {
  return n == 0 || (a && b && memcmp(a, b, n) == 0);
}

static bool header_eq(const h2_frame_header *a, const h2_frame_header *b) {
  return a->length == b->length && a->type == b->type && a->flags == b->flags &&
         a->reserved == b->reserved && a->stream_id == b->stream_id;
}

static bool prio_eq(const h2_priority *a, const h2_priority *b) {
  return a->dependency == b->dependency && a->exclusive == b->exclusive && a->weight == b->weight;
}

/* Field-by-field equality; compare_padding false skips the padding bytes. */
static bool frames_equal(const h2_frame *a, const h2_frame *b, bool compare_padding) {
  if (!header_eq(&a->hd, &b->hd)) return false;
  if (a->pad_length != b->pad_length) return false;
  if (compare_padding && (a->padding == NULL) != (b->padding == NULL)) return false;
  if (compare_padding && a->padding && !span_eq(a->padding, b->padding, a->pad_length))
    return false;
  switch (a->hd.type) {
  case H2_DATA:
    return a->u.data.len == b->u.data.len && span_eq(a->u.data.data, b->u.data.data, a->u.data.len);
  case H2_HEADERS:
    if ((a->hd.flags & H2_FLAG_PRIORITY) &&
        !prio_eq(&a->u.headers.priority, &b->u.headers.priority))
      return false;
    return a->u.headers.fragment_len == b->u.headers.fragment_len &&
           span_eq(a->u.headers.fragment, b->u.headers.fragment, a->u.headers.fragment_len);
  case H2_PRIORITY:
    return prio_eq(&a->u.priority, &b->u.priority);
  case H2_RST_STREAM:
    return a->u.rst_stream.error_code == b->u.rst_stream.error_code;
  case H2_SETTINGS:
    return a->u.settings.count == b->u.settings.count &&
           span_eq(a->u.settings.raw, b->u.settings.raw, 6u * (size_t)a->u.settings.count);
  case H2_PUSH_PROMISE:
    return a->u.push_promise.promised_stream_id == b->u.push_promise.promised_stream_id &&
           a->u.push_promise.promised_reserved == b->u.push_promise.promised_reserved &&
           a->u.push_promise.fragment_len == b->u.push_promise.fragment_len &&
           span_eq(a->u.push_promise.fragment, b->u.push_promise.fragment,
                   a->u.push_promise.fragment_len);
  case H2_PING:
    return memcmp(a->u.ping.opaque, b->u.ping.opaque, 8) == 0;
  case H2_GOAWAY:
    return a->u.goaway.last_stream_id == b->u.goaway.last_stream_id &&
           a->u.goaway.last_reserved == b->u.goaway.last_reserved &&
           a->u.goaway.error_code == b->u.goaway.error_code &&
           a->u.goaway.debug_len == b->u.goaway.debug_len &&
           span_eq(a->u.goaway.debug, b->u.goaway.debug, a->u.goaway.debug_len);
  case H2_WINDOW_UPDATE:
    return a->u.window_update.increment == b->u.window_update.increment &&
           a->u.window_update.reserved == b->u.window_update.reserved;
  case H2_CONTINUATION:
    return a->u.continuation.fragment_len == b->u.continuation.fragment_len &&
           span_eq(a->u.continuation.fragment, b->u.continuation.fragment,
                   a->u.continuation.fragment_len);
  default:
    return a->u.unknown.len == b->u.unknown.len &&
           span_eq(a->u.unknown.payload, b->u.unknown.payload, a->u.unknown.len);
  }
}

static bool is_padded_type(uint8_t type) {
  return type == H2_DATA || type == H2_HEADERS || type == H2_PUSH_PROMISE;
}

/* Names, flags text and SETTINGS accessors must work for every accepted frame. */
static void check_accessors(const h2_frame *f) {
  const char *name = h2_frame_type_name(f->hd.type);
  FUZZ_CHECK((name != NULL) == (f->hd.type <= H2_CONTINUATION), "type 0x%x name %s", f->hd.type,
             name ? name : "(null)");
  if (name) FUZZ_CHECK(h2_frame_type_from_name(name) == f->hd.type, "type name %s", name);
  char flags_text[96];
  const char *ft = h2_frame_flags_str(f->hd.type, f->hd.flags, flags_text, sizeof flags_text);
  FUZZ_CHECK(ft == flags_text && memchr(flags_text, 0, sizeof flags_text) != NULL,
             "flags text not terminated");
  if (f->hd.type == H2_SETTINGS && f->u.settings.count) {
    h2_setting entries[64];
    uint32_t n = f->u.settings.count < 64 ? f->u.settings.count : 64;
    for (uint32_t i = 0; i < n; i++) {
      entries[i] = h2_settings_at(f, i);
      (void)h2_settings_name(entries[i].id);
    }
    uint8_t packed[64 * 6];
    FUZZ_CHECK(h2_settings_pack(entries, n, packed, sizeof packed) == 6u * n, "settings pack");
    FUZZ_CHECK(memcmp(packed, f->u.settings.raw, 6u * n) == 0, "settings pack != wire");
  }
  if (f->hd.type == H2_RST_STREAM) (void)h2_error_code_name(f->u.rst_stream.error_code);
  if (f->hd.type == H2_GOAWAY) (void)h2_error_code_name(f->u.goaway.error_code);
}

/* Oracle 2 and 3 for one accepted frame (wire = its bytes). */
static void check_reencode(const h2_frame *f, const uint8_t *wire, size_t size,
                           const h2_frame_decode_options *opts) {
  FUZZ_CHECK(h2_frame_encoded_size(f) == size, "encoded size %zu != %zu", h2_frame_encoded_size(f),
             size);
  uint8_t *out = malloc(size); /* exact size: ASan catches any overrun */
  if (!out) abort();
  size_t written = 99;
  h2_error err;
  h2_status st = h2_frame_encode(f, out, size, &written, &err);
  FUZZ_CHECK(st == H2_OK, "re-encode of an accepted frame failed: %s (%s)", h2_status_name(st),
             err.section ? err.section : "");
  FUZZ_CHECK(written == size, "re-encode wrote %zu, expected %zu", written, size);
  FUZZ_CHECK(memcmp(out, wire, size) == 0, "re-encoded bytes differ from the input");

  h2_frame again;
  size_t consumed = 0;
  st = h2_frame_decode(out, size, opts, &again, &consumed, &err);
  FUZZ_CHECK(st == H2_OK && consumed == size, "re-encoded frame does not decode: %s",
             h2_status_name(st));
  FUZZ_CHECK(frames_equal(f, &again, true), "decode(encode(f)) != f");

  /* One byte short: the encoder refuses without writing past cap. */
  st = h2_frame_encode(f, out, size - 1, &written, &err);
  FUZZ_CHECK(st == H2_E_BUFFER_TOO_SMALL && written == 0, "short buffer: %s, wrote %zu",
             h2_status_name(st), written);

  /* Oracle 3: fresh padding is zeros (§6.1) and changes nothing else. */
  if (is_padded_type(f->hd.type) && (f->hd.flags & H2_FLAG_PADDED) && f->pad_length) {
    h2_frame fresh = *f;
    fresh.padding = NULL;
    st = h2_frame_encode(&fresh, out, size, &written, &err);
    FUZZ_CHECK(st == H2_OK && written == size, "re-encode with fresh padding: %s",
               h2_status_name(st));
    st = h2_frame_decode(out, size, opts, &again, &consumed, &err);
    FUZZ_CHECK(st == H2_OK, "fresh padding frame rejected: %s", h2_status_name(st));
    FUZZ_CHECK(frames_equal(f, &again, false), "fresh padding changed the frame");
    for (size_t i = 0; i < again.pad_length; i++)
      FUZZ_CHECK(again.padding[i] == 0, "padding byte %zu not zero", i);
  }
  free(out);
}

/* Oracle 5: the encoder refuses what a receiver must reject. The accepted
 * frame is changed in one field at a time so that it breaks a rule, and
 * h2_frame_encode must say H2_E_INVALID_ARGUMENT without writing. Also the
 * unvalidated writer reproduces the wire bytes. */
static bool needs_stream(uint8_t type) {
  return type == H2_DATA || type == H2_HEADERS || type == H2_PRIORITY || type == H2_RST_STREAM ||
         type == H2_PUSH_PROMISE || type == H2_CONTINUATION;
}

static bool forbids_stream(uint8_t type) {
  return type == H2_SETTINGS || type == H2_PING || type == H2_GOAWAY;
}

static void expect_refused(const h2_frame *bad, size_t size, const char *what) {
  uint8_t *out = malloc(size + 64);
  if (!out) abort();
  size_t written = 99;
  h2_error err;
  h2_status st = h2_frame_encode(bad, out, size + 64, &written, &err);
  FUZZ_CHECK(st == H2_E_INVALID_ARGUMENT && written == 0, "%s: encode gave %s, wrote %zu", what,
             h2_status_name(st), written);
  FUZZ_CHECK(err.section != NULL, "%s: refusal without a section", what);
  free(out);
}

static void check_refusals(const h2_frame *f, const uint8_t *wire, size_t size) {
  uint8_t *raw = malloc(size);
  if (!raw) abort();
  uint32_t sid_raw = f->hd.stream_id | ((uint32_t)f->hd.reserved << 31);
  FUZZ_CHECK(h2_frame_write_raw(raw, size, f->hd.length, f->hd.type, f->hd.flags, sid_raw,
                                wire + H2_FRAME_HEADER_LEN, size - H2_FRAME_HEADER_LEN) == size &&
                 memcmp(raw, wire, size) == 0,
             "raw writer differs from the wire");
  FUZZ_CHECK(h2_frame_write_raw(raw, size - 1, f->hd.length, f->hd.type, f->hd.flags, sid_raw,
                                wire + H2_FRAME_HEADER_LEN, size - H2_FRAME_HEADER_LEN) == 0,
             "raw writer ignored cap");
  free(raw);
  h2_frame bad = *f;
  if (needs_stream(f->hd.type)) { /* §6.1-§6.4, §6.6, §6.10 */
    bad.hd.stream_id = 0;
    expect_refused(&bad, size, "stream 0");
  } else if (forbids_stream(f->hd.type)) { /* §6.5, §6.7, §6.8 */
    bad.hd.stream_id = 1;
    expect_refused(&bad, size, "stream 1");
  }
  bad = *f;
  bad.hd.stream_id = 0x80000000u | f->hd.stream_id; /* §4.1: 31 bits */
  expect_refused(&bad, size, "32-bit stream id");
  bad = *f;
  switch (f->hd.type) {
  case H2_PRIORITY: /* RFC 7540 §5.3.1 */
    bad.u.priority.dependency = f->hd.stream_id;
    expect_refused(&bad, size, "PRIORITY self-dependency");
    break;
  case H2_WINDOW_UPDATE: /* §6.9 */
    bad.u.window_update.increment = 0;
    expect_refused(&bad, size, "WINDOW_UPDATE 0");
    break;
  case H2_PUSH_PROMISE: /* §6.6, §5.1.1 */
    bad.u.push_promise.promised_stream_id = 3;
    expect_refused(&bad, size, "odd promised id");
    break;
  case H2_SETTINGS: /* §6.5 */
    if (f->u.settings.count && !(f->hd.flags & H2_FLAG_ACK)) {
      bad.hd.flags |= H2_FLAG_ACK;
      expect_refused(&bad, size, "SETTINGS ACK with entries");
    }
    break;
  case H2_DATA: /* a span without bytes */
    if (f->u.data.len) {
      bad.u.data.data = NULL;
      expect_refused(&bad, size, "DATA without bytes");
    }
    break;
  default:
    break;
  }
}

/* ---- Oracle 4: field block sequencing shadow model ---- */

typedef struct block_model {
  bool open;
  uint32_t stream_id;
  uint8_t *bytes; /* every fragment of the open block, unbounded */
  size_t len, cap;
  bool overflowed;
} block_model;

static void model_append(block_model *m, const uint8_t *p, size_t n) {
  if (m->len + n > m->cap) {
    size_t cap = (m->len + n) * 2;
    uint8_t *grown = realloc(m->bytes, cap);
    if (!grown) abort();
    m->bytes = grown;
    m->cap = cap;
  }
  if (n) memcpy(m->bytes + m->len, p, n);
  m->len += n;
}

static void check_field_block(h2_field_block *fb, block_model *m, const h2_frame *f) {
  h2_status expect = H2_OK;
  if (m->open && (f->hd.type != H2_CONTINUATION || f->hd.stream_id != m->stream_id))
    expect = H2_E_CONTINUATION_EXPECTED; /* §6.2, §6.10 */
  else if (!m->open && f->hd.type == H2_CONTINUATION)
    expect = H2_E_CONTINUATION_UNEXPECTED; /* §6.10 */

  h2_error err;
  h2_status checked = h2_field_block_check(fb, &f->hd, &err);
  FUZZ_CHECK(checked == expect, "field block check %s, expected %s", h2_status_name(checked),
             h2_status_name(expect));
  bool complete = true;
  h2_status st = h2_field_block_feed(fb, f, &complete, &err);
  if (expect != H2_OK) {
    FUZZ_CHECK(st == expect && !complete, "feed of out-of-sequence frame: %s", h2_status_name(st));
    FUZZ_CHECK(err.code == H2_PROTOCOL_ERROR && err.scope == H2_SCOPE_CONNECTION,
               "sequence error code %u scope %u", err.code, err.scope);
    return; /* the assembler's state is unchanged; so is the model's */
  }

  const uint8_t *frag = NULL;
  uint32_t frag_len = 0;
  switch (f->hd.type) {
  case H2_HEADERS:
    frag = f->u.headers.fragment, frag_len = f->u.headers.fragment_len;
    break;
  case H2_PUSH_PROMISE:
    frag = f->u.push_promise.fragment, frag_len = f->u.push_promise.fragment_len;
    break;
  case H2_CONTINUATION:
    frag = f->u.continuation.fragment, frag_len = f->u.continuation.fragment_len;
    break;
  default:
    FUZZ_CHECK(st == H2_OK && !complete, "non-field-block frame changed the block: %s",
               h2_status_name(st));
    return;
  }
  if (f->hd.type != H2_CONTINUATION) {
    m->len = 0;
    m->overflowed = false;
    m->stream_id = f->hd.stream_id;
  }
  bool was_overflowed = m->overflowed;
  model_append(m, frag, frag_len);
  if (m->len > fb->cap) m->overflowed = true;
  h2_status expect_feed = (m->overflowed && !was_overflowed) ? H2_E_FIELD_BLOCK_TOO_LARGE : H2_OK;
  FUZZ_CHECK(st == expect_feed, "feed returned %s, expected %s (block %zu bytes, cap %zu)",
             h2_status_name(st), h2_status_name(expect_feed), m->len, fb->cap);
  m->open = !(f->hd.flags & H2_FLAG_END_HEADERS);
  FUZZ_CHECK(fb->open == m->open, "block open %d, expected %d", fb->open, m->open);
  bool expect_complete = !m->open && !m->overflowed;
  FUZZ_CHECK(complete == expect_complete, "complete %d, expected %d", complete, expect_complete);
  if (complete) {
    FUZZ_CHECK(fb->len == m->len && span_eq(fb->buf, m->bytes, m->len),
               "assembled block differs (%zu vs %zu bytes)", fb->len, m->len);
    FUZZ_CHECK(fb->stream_id == m->stream_id, "block stream %u, expected %u", fb->stream_id,
               m->stream_id);
  }
}

/* ---- The target ---- */

static void check_rejection(h2_status st, const h2_error *err, const h2_frame *f,
                            const rule_set *rules, size_t consumed) {
  FUZZ_CHECK(rule_has(rules, st), "rejected with %s but the frame breaks no such rule",
             h2_status_name(st));
  FUZZ_CHECK(consumed == H2_FRAME_HEADER_LEN + (size_t)f->hd.length,
             "rejection consumed %zu of a %u-byte frame", consumed, f->hd.length);
  FUZZ_CHECK(err->status == st, "err.status %s != %s", h2_status_name(err->status),
             h2_status_name(st));
  FUZZ_CHECK(err->code == rule_code(st), "%s carries code %u, RFC says %u", h2_status_name(st),
             err->code, rule_code(st));
  uint8_t scope = rule_scope(st, &f->hd);
  FUZZ_CHECK(err->scope == H2_SCOPE_STREAM || err->scope == H2_SCOPE_CONNECTION, "%s has scope %u",
             h2_status_name(st), err->scope);
  if (scope != H2_SCOPE_NONE)
    FUZZ_CHECK(err->scope == scope, "%s scope %u, RFC says %u", h2_status_name(st), err->scope,
               scope);
  if (err->scope == H2_SCOPE_STREAM)
    FUZZ_CHECK(err->stream_id == f->hd.stream_id && f->hd.stream_id != 0,
               "stream error on stream %u for frame on %u", err->stream_id, f->hd.stream_id);
  else
    FUZZ_CHECK(err->stream_id == 0, "connection error names stream %u", err->stream_id);
  FUZZ_CHECK(err->section && strncmp(err->section, "RFC ", 4) == 0, "no RFC section for %s",
             h2_status_name(st));
  FUZZ_CHECK(err->offset <= consumed, "error offset %zu beyond the frame", err->offset);
  FUZZ_CHECK(h2_strerror(st) && h2_status_name(st), "no text for %s", h2_status_name(st));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const uint32_t max_sizes[4] = {0, 16384u, 16777215u, 64u};
  h2_frame_decode_options opts = {0};
  uint8_t cfg = data[0];
  opts.sender = (cfg & 3) == 3 ? H2_SENDER_UNKNOWN : (uint8_t)(cfg & 3);
  opts.max_frame_size = max_sizes[(cfg >> 2) & 3];
  uint32_t max = opts.max_frame_size ? opts.max_frame_size : H2_DEFAULT_MAX_FRAME_SIZE;
  const uint8_t *p = data + 1;
  size_t left = size - 1;
  fuzz_log("frame_decode: sender %u, max frame size %u\n", opts.sender, max);

  if (cfg & 0x10) {
    h2_error err;
    h2_status st = h2_preface_check(p, left, &err);
    bool match = left >= H2_PREFACE_LEN && memcmp(p, H2_PREFACE, H2_PREFACE_LEN) == 0;
    bool prefix = left < H2_PREFACE_LEN && memcmp(p, H2_PREFACE, left) == 0;
    FUZZ_CHECK(st == (match    ? H2_OK
                      : prefix ? H2_NEED_MORE
                               : H2_E_BAD_PREFACE),
               "preface check %s", h2_status_name(st));
    if (st == H2_E_BAD_PREFACE)
      FUZZ_CHECK(err.offset < left && err.offset < H2_PREFACE_LEN &&
                     memcmp(p, H2_PREFACE, err.offset) == 0 &&
                     p[err.offset] != H2_PREFACE[err.offset],
                 "bad preface offset %zu", err.offset);
    if (st != H2_OK) return 0;
    p += H2_PREFACE_LEN;
    left -= H2_PREFACE_LEN;
  }

  size_t block_cap = (cfg & 0x20) ? 64 : 16384;
  uint8_t *block_buf = malloc(block_cap);
  if (!block_buf) abort();
  h2_field_block fb;
  h2_field_block_init(&fb, block_buf, block_cap);
  block_model model = {0};

  while (left > 0) {
    h2_frame f;
    h2_error err;
    memset(&err, 0, sizeof err);
    size_t consumed = 12345;
    h2_status st = h2_frame_decode(p, left, &opts, &f, &consumed, &err);
    FUZZ_CHECK(st < H2_STATUS_COUNT, "status %d out of range", (int)st);

    if (st == H2_NEED_MORE) {
      size_t expect_need = H2_FRAME_HEADER_LEN - left;
      if (left >= 3) {
        uint32_t length = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
        if (length <= max)
          expect_need = H2_FRAME_HEADER_LEN + (size_t)length - left;
        else
          FUZZ_CHECK(left < H2_FRAME_HEADER_LEN, "oversized frame waited on");
      }
      FUZZ_CHECK(consumed == 0 && err.status == H2_NEED_MORE && err.need == expect_need,
                 "need more: consumed %zu, need %zu (expected %zu)", consumed, err.need,
                 expect_need);
      fuzz_log("  truncated frame: %zu more bytes needed\n", err.need);
      break;
    }
    FUZZ_CHECK(left >= H2_FRAME_HEADER_LEN, "%s on %zu bytes", h2_status_name(st), left);
    h2_frame_header hd;
    FUZZ_CHECK(h2_frame_header_decode(p, left, &hd, NULL) == H2_OK && header_eq(&hd, &f.hd),
               "frame header differs from h2_frame_header_decode");
    fuzz_log("  frame type 0x%02x flags 0x%02x stream %u length %u: %s\n", f.hd.type, f.hd.flags,
             f.hd.stream_id, f.hd.length, h2_status_name(st));

    if (f.hd.length > max) {
      FUZZ_CHECK(st == H2_E_FRAME_TOO_LARGE && consumed == 0 && err.offset == 0 &&
                     err.code == H2_FRAME_SIZE_ERROR,
                 "frame of %u > %u bytes: %s", f.hd.length, max, h2_status_name(st));
      uint8_t scope = rule_scope(st, &f.hd);
      if (scope != H2_SCOPE_NONE) FUZZ_CHECK(err.scope == scope, "too large: scope %u", err.scope);
      size_t skip = H2_FRAME_HEADER_LEN + (size_t)f.hd.length;
      if (skip > left) break;
      p += skip, left -= skip;
      continue;
    }
    FUZZ_CHECK(st != H2_E_FRAME_TOO_LARGE, "frame of %u <= %u bytes too large", f.hd.length, max);
    size_t frame_size = H2_FRAME_HEADER_LEN + (size_t)f.hd.length;
    FUZZ_CHECK(frame_size <= left, "%s for a frame not fully present", h2_status_name(st));
    rule_set rules = rule_violations(p, opts.sender);

    if (st != H2_OK) {
      check_rejection(st, &err, &f, &rules, consumed);
    } else {
      FUZZ_CHECK(rules.bits == 0, "frame accepted but breaks a rule (mask 0x%llx)",
                 (unsigned long long)rules.bits);
      FUZZ_CHECK(consumed == frame_size, "consumed %zu of %zu", consumed, frame_size);
      check_accessors(&f);
      check_reencode(&f, p, frame_size, &opts);
      check_refusals(&f, p, frame_size);
      uint8_t raw[H2_FRAME_HEADER_LEN];
      h2_frame_header_write(raw, f.hd.length, f.hd.type, f.hd.flags,
                            ((uint32_t)f.hd.reserved << 31) | f.hd.stream_id);
      FUZZ_CHECK(memcmp(raw, p, H2_FRAME_HEADER_LEN) == 0, "h2_frame_header_write differs");
      check_field_block(&fb, &model, &f);
    }
    p += frame_size;
    left -= frame_size;
  }
  free(model.bytes);
  free(block_buf);
  return 0;
}
