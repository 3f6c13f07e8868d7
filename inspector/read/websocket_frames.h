/* websocket_frames.h — WebSocket frames (RFC 6455 §5.2) read from the DATA
 * of one direction of an extended CONNECT stream (RFC 8441 §5): the bytes
 * arrive in any chunking (a frame may span several DATA frames, one DATA
 * frame may carry several), each completed frame is handed on with its
 * header fields, its close code and reason, and the first bytes of its
 * payload unmasked as a preview. Only the 2..14 header octets and the
 * preview are kept: a payload is counted, never held. */
#ifndef H2SCOPE_WEBSOCKET_FRAMES_H
#define H2SCOPE_WEBSOCKET_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Control frames carry at most 125 octets (§5.5): the preview can hold a
 * whole close reason. Data frames keep at most ws_reader.preview_max. */
#define WS_PREVIEW_CAP 125

enum ws_opcode {
  WS_CONTINUATION = 0x0,
  WS_TEXT = 0x1,
  WS_BINARY = 0x2,
  WS_CLOSE = 0x8,
  WS_PING = 0x9,
  WS_PONG = 0xa,
};

/* "text", "binary", "close", ...; "reserved" for the undefined opcodes. */
const char *ws_opcode_name(uint8_t opcode);

/* One completed WebSocket frame. */
typedef struct ws_frame_info {
  bool fin;
  uint8_t rsv; /* RSV1..RSV3 as bits 2..0 */
  uint8_t opcode;
  bool masked;
  uint8_t mask_key[4];
  uint8_t length_bits; /* 7, 16 or 64: the Payload length encoding used */
  uint64_t length;     /* payload octets */
  bool text;           /* the payload is text: opcode text, or a continuation of text */
  bool has_close_code; /* close frame with at least 2 octets */
  uint16_t close_code;
  uint8_t preview[WS_PREVIEW_CAP]; /* unmasked payload (after the close code for close) */
  uint32_t preview_len;
  bool preview_truncated;
  uint32_t data_frames; /* HTTP/2 DATA frames it spanned */
  /* The first RFC 6455 rule it breaks (static), or NULL. */
  const char *problem;
  const char *problem_section;
} ws_frame_info;

/* The reader of one direction. Zero it (or ws_reader_init) before use. */
typedef struct ws_reader {
  uint32_t preview_max; /* preview octets of a data frame; 0 → 64, at most WS_PREVIEW_CAP */
  bool from_client;     /* client-to-server frames MUST be masked, server ones MUST NOT (§5.1) */
  bool extensions;      /* an extension was negotiated: RSV bits may be set (§5.2) */
  uint8_t hdr[14];
  uint8_t hdr_len;
  bool in_payload;
  bool fragmented_text; /* a text message is under way (its continuations are text) */
  bool in_message;      /* a fragmented message is under way (§5.4) */
  uint64_t payload_seen;
  uint32_t spans; /* DATA frames the current frame has touched */
  ws_frame_info cur;
  uint64_t frames; /* completed */
} ws_reader;

void ws_reader_init(ws_reader *r, bool from_client, uint32_t preview_max);

/* A completed frame; f is valid during the call. */
typedef void (*ws_frame_fn)(void *user, const ws_frame_info *f);

/* Feeds the payload of one DATA frame. Frames completed by these bytes go to
 * fn in order. */
void ws_reader_feed(ws_reader *r, const uint8_t *p, size_t n, ws_frame_fn fn, void *user);

/* True while a frame is only partly read (header or payload). */
bool ws_reader_partial(const ws_reader *r);

#endif
