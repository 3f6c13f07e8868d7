/* websocket_frames.c — incremental reading of RFC 6455 §5.2 frames from the
 * DATA of an extended CONNECT stream (websocket_frames.h), with the rules of
 * §5.1 (masking), §5.2 (RSV, opcodes, minimal length encoding), §5.4
 * (fragmentation), §5.5 (control frames) and §7.4 (close codes). */
#include "websocket_frames.h"

#include <string.h>

#include "h2/cursor.h"

const char *ws_opcode_name(uint8_t opcode) {
  switch (opcode) {
  case WS_CONTINUATION:
    return "continuation";
  case WS_TEXT:
    return "text";
  case WS_BINARY:
    return "binary";
  case WS_CLOSE:
    return "close";
  case WS_PING:
    return "ping";
  case WS_PONG:
    return "pong";
  default:
    return "reserved";
  }
}

void ws_reader_init(ws_reader *r, bool from_client, uint32_t preview_max) {
  memset(r, 0, sizeof *r);
  r->from_client = from_client;
  r->preview_max = preview_max;
}

bool ws_reader_partial(const ws_reader *r) {
  return r->hdr_len > 0 || r->in_payload;
}

/* Octets of the header once its first two are known: 2, +2 or +8 for the
 * extended length, +4 for the masking key (§5.2). */
static size_t header_len(const uint8_t *h) {
  size_t n = 2;
  uint8_t len7 = h[1] & 0x7f;
  if (len7 == 126) n += 2;
  if (len7 == 127) n += 8;
  if (h[1] & 0x80) n += 4;
  return n;
}

static void problem(ws_frame_info *f, const char *message, const char *section) {
  if (!f->problem) {
    f->problem = message;
    f->problem_section = section;
  }
}

/* The header is complete in r->hdr: fills r->cur and checks what the header
 * alone shows. */
static void start_frame(ws_reader *r) {
  const uint8_t *h = r->hdr;
  ws_frame_info *f = &r->cur;
  memset(f, 0, sizeof *f);
  f->fin = (h[0] & 0x80) != 0;
  f->rsv = (uint8_t)((h[0] >> 4) & 7);
  f->opcode = h[0] & 0x0f;
  f->masked = (h[1] & 0x80) != 0;
  /* The extended length and the masking key through the cursor (the header
   * is complete: header_len octets are there). */
  h2_cursor c = h2_cursor_make(h + 2, sizeof r->hdr - 2);
  uint8_t len7 = h[1] & 0x7f;
  if (len7 < 126) {
    f->length_bits = 7;
    f->length = len7;
  } else if (len7 == 126) {
    uint16_t v = 0;
    (void)h2_cursor_get_u16(&c, &v);
    f->length_bits = 16;
    f->length = v;
    if (f->length < 126)
      problem(f, "WebSocket payload length not in its minimal encoding", "RFC 6455 §5.2");
  } else {
    uint32_t hi = 0, lo = 0;
    (void)h2_cursor_get_u32(&c, &hi);
    (void)h2_cursor_get_u32(&c, &lo);
    f->length_bits = 64;
    f->length = ((uint64_t)hi << 32) | lo;
    /* §5.2: "the most significant bit MUST be 0" */
    if (f->length >> 63)
      problem(f, "WebSocket 64-bit payload length with its most significant bit set",
              "RFC 6455 §5.2");
    else if (f->length <= 0xffff)
      problem(f, "WebSocket payload length not in its minimal encoding", "RFC 6455 §5.2");
  }
  const uint8_t *key = NULL;
  if (f->masked && h2_cursor_get_bytes(&c, 4, &key)) memcpy(f->mask_key, key, 4);
  r->payload_seen = 0;
  r->in_payload = true;
  /* §5.1: "a client MUST mask all frames that it sends to the server";
   * "A server MUST NOT mask any frames that it sends to the client". */
  if (r->from_client && !f->masked)
    problem(f, "client-to-server WebSocket frame not masked", "RFC 6455 §5.1");
  else if (!r->from_client && f->masked)
    problem(f, "server-to-client WebSocket frame masked", "RFC 6455 §5.1");
  if (f->rsv && !r->extensions)
    problem(f, "WebSocket RSV bits set without a negotiated extension", "RFC 6455 §5.2");
  bool control = f->opcode & 0x8;
  if ((f->opcode >= 0x3 && f->opcode <= 0x7) || f->opcode >= 0xb)
    problem(f, "reserved WebSocket opcode", "RFC 6455 §5.2");
  if (control && (!f->fin || f->length > 125))
    problem(f, "WebSocket control frame fragmented or longer than 125 octets", "RFC 6455 §5.5");
  /* §5.4: fragments of one message; control frames may come in between. */
  if (!control) {
    if (f->opcode == WS_CONTINUATION && !r->in_message)
      problem(f, "WebSocket continuation frame without a message to continue", "RFC 6455 §5.4");
    else if (f->opcode != WS_CONTINUATION && r->in_message)
      problem(f, "WebSocket data frame inside a fragmented message", "RFC 6455 §5.4");
    if (f->opcode == WS_TEXT) r->fragmented_text = true;
    if (f->opcode == WS_BINARY) r->fragmented_text = false;
    f->text = r->fragmented_text;
    if (f->opcode == WS_TEXT || f->opcode == WS_BINARY || f->opcode == WS_CONTINUATION)
      r->in_message = !f->fin;
  }
  if (f->opcode == WS_CLOSE) f->text = true; /* the reason is UTF-8 (§5.5.1) */
}

/* §7.4: codes a peer may send in a close frame. */
static bool close_code_valid(uint16_t code) {
  if (code < 1000 || code >= 5000) return false;
  if (code == 1004 || code == 1005 || code == 1006 || code == 1015) return false;
  return !(code > 1015 && code < 3000); /* 1016-2999: reserved for future RFCs */
}

static void end_frame(ws_reader *r, ws_frame_fn fn, void *user) {
  ws_frame_info *f = &r->cur;
  if (f->opcode == WS_CLOSE) {
    if (f->length == 1)
      problem(f, "WebSocket close frame with a 1-octet body", "RFC 6455 §5.5.1");
    else if (f->has_close_code && !close_code_valid(f->close_code))
      problem(f, "WebSocket close code not allowed on the wire", "RFC 6455 §7.4");
  }
  f->data_frames = r->spans;
  r->in_payload = false;
  r->hdr_len = 0;
  r->frames++;
  if (fn) fn(user, f);
}

/* Payload octets at absolute payload offset `at`, unmasked (§5.3), into the
 * close code and the preview. */
static void take_payload(ws_reader *r, const uint8_t *p, size_t n) {
  ws_frame_info *f = &r->cur;
  uint32_t max = r->preview_max ? r->preview_max : 64;
  if (max > WS_PREVIEW_CAP || f->opcode & 0x8) max = WS_PREVIEW_CAP;
  for (size_t i = 0; i < n; i++) {
    uint64_t at = r->payload_seen + i;
    uint8_t b = p[i];
    if (f->masked) b ^= f->mask_key[at & 3];
    if (f->opcode == WS_CLOSE && at < 2) {
      f->close_code = (uint16_t)((f->close_code << 8) | b);
      if (at == 1) f->has_close_code = true;
      continue;
    }
    if (f->preview_len < max)
      f->preview[f->preview_len++] = b;
    else {
      f->preview_truncated = true;
      break;
    }
  }
  r->payload_seen += n;
}

void ws_reader_feed(ws_reader *r, const uint8_t *p, size_t n, ws_frame_fn fn, void *user) {
  if (ws_reader_partial(r) && n) r->spans++;
  while (n > 0) {
    if (!r->in_payload) {
      if (r->hdr_len == 0) r->spans = 1; /* a frame begins in this DATA frame */
      /* Header octets: 2 first, then as many as they announce. */
      size_t want = r->hdr_len < 2 ? 2 : header_len(r->hdr);
      size_t k = want - r->hdr_len < n ? want - r->hdr_len : n;
      memcpy(r->hdr + r->hdr_len, p, k);
      r->hdr_len = (uint8_t)(r->hdr_len + k);
      p += k;
      n -= k;
      if (r->hdr_len < 2 || r->hdr_len < header_len(r->hdr)) continue;
      start_frame(r);
      if (r->cur.length == 0) end_frame(r, fn, user);
      continue;
    }
    uint64_t left = r->cur.length - r->payload_seen;
    size_t k = left < n ? (size_t)left : n;
    take_payload(r, p, k);
    p += k;
    n -= k;
    if (r->payload_seen == r->cur.length) end_frame(r, fn, user);
  }
}
