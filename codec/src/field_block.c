/* field_block.c — field block sequencing and gathering (RFC 9113 §4.3,
 * §6.2, §6.6, §6.10): a HEADERS or PUSH_PROMISE without END_HEADERS must be
 * followed only by CONTINUATION frames of the same stream; the fragments are
 * concatenated into the caller's buffer until END_HEADERS completes the block. */
#include <string.h>

#include "h2/frame.h"

void h2_field_block_init(h2_field_block *b, uint8_t *buf, size_t cap) {
  memset(b, 0, sizeof *b);
  b->buf = buf;
  b->cap = buf ? cap : 0;
}

#define OFFSET_TYPE 3
#define OFFSET_STREAM_ID 5

/* h2_field_block_check's rules, inline in h2_field_block_feed (every frame
 * goes through it). */
static inline __attribute__((always_inline)) h2_status
check(const h2_field_block *b, const h2_frame_header *hd, h2_error *err) {
  if (b->open) {
    /* §6.2/§6.6: "A receiver MUST treat the receipt of any other type of
     * frame or a frame on a different stream as a connection error of type
     * PROTOCOL_ERROR." */
    if (hd->type != H2_CONTINUATION)
      return h2_error_set(err, H2_E_CONTINUATION_EXPECTED, OFFSET_TYPE, hd->stream_id);
    if (hd->stream_id != b->stream_id)
      return h2_error_set(err, H2_E_CONTINUATION_EXPECTED, OFFSET_STREAM_ID, hd->stream_id);
    return H2_OK;
  }
  /* §6.10: "A CONTINUATION frame MUST be preceded by a HEADERS,
   * PUSH_PROMISE or CONTINUATION frame without the END_HEADERS flag set. A
   * recipient that observes violation of this rule MUST respond with a
   * connection error of type PROTOCOL_ERROR." */
  if (hd->type == H2_CONTINUATION)
    return h2_error_set(err, H2_E_CONTINUATION_UNEXPECTED, OFFSET_TYPE, hd->stream_id);
  return H2_OK;
}

h2_status h2_field_block_check(const h2_field_block *b, const h2_frame_header *hd, h2_error *err) {
  return check(b, hd, err);
}

/* Appends a fragment, or — when it does not fit — marks the block as being
 * discarded: it cannot be decompressed, which §4.3 makes a connection error
 * (COMPRESSION_ERROR); the status is reported once and the sequencing is still
 * followed to END_HEADERS so a passive reader can carry on. */
static h2_status append_fragment(h2_field_block *b, const uint8_t *frag, uint32_t n,
                                 h2_error *err) {
  if (b->discarding) return H2_OK;
  if (n > b->cap - b->len) {
    b->discarding = true;
    h2_error_set(err, H2_E_FIELD_BLOCK_TOO_LARGE, 0, b->stream_id);
    if (err) err->need = b->len + n; /* size the block would have needed so far */
    return H2_E_FIELD_BLOCK_TOO_LARGE;
  }
  if (n) memcpy(b->buf + b->len, frag, n);
  b->len += n;
  return H2_OK;
}

h2_status h2_field_block_feed(h2_field_block *b, const h2_frame *f, bool *complete, h2_error *err) {
  bool done_ignored;
  if (!complete) complete = &done_ignored;
  *complete = false;
  h2_status st = check(b, &f->hd, err);
  if (st != H2_OK) return st;

  const uint8_t *frag;
  uint32_t frag_len;
  switch (f->hd.type) {
  case H2_HEADERS:
  case H2_PUSH_PROMISE:
    b->len = 0;
    b->discarding = false;
    b->stream_id = f->hd.stream_id;
    b->type = f->hd.type;
    b->flags = f->hd.flags;
    b->frames = 1;
    if (f->hd.type == H2_HEADERS) {
      b->promised_id = 0;
      frag = f->u.headers.fragment;
      frag_len = f->u.headers.fragment_len;
    } else {
      b->promised_id = f->u.push_promise.promised_stream_id;
      frag = f->u.push_promise.fragment;
      frag_len = f->u.push_promise.fragment_len;
    }
    break;
  case H2_CONTINUATION:
    b->frames++;
    frag = f->u.continuation.fragment;
    frag_len = f->u.continuation.fragment_len;
    break;
  default:
    return H2_OK;
  }

  st = append_fragment(b, frag, frag_len, err);
  /* §6.2/§6.10: END_HEADERS ends the block, whatever happened to its bytes. */
  if (f->hd.flags & H2_FLAG_END_HEADERS) {
    b->open = false;
    *complete = !b->discarding;
  } else {
    b->open = true;
  }
  return st;
}
