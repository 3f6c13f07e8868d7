/* websocket_frames.c — fuzz target: the WebSocket frame reader of the read
 * wing (inspector/read/websocket_frames.c, RFC 6455 §5.2) on arbitrary DATA
 * bytes, with oracles:
 *  1. the frames are the same whatever the chunking: the input fed whole
 *     and fed in the chunks the fuzzer chose give equal frames (fields,
 *     close code, preview);
 *  2. a completed frame's preview is at most its payload and the cap, a
 *     close code is only there with 2 payload octets, length_bits is 7, 16
 *     or 64.
 * Input: byte 0: bit 0 the client side (frames must be masked), bits 1-7
 * the chunk size (1..127); the rest are the DATA bytes. */
#include <string.h>

#include "fuzz_support.h"
#include "websocket_frames.h"

#define MAX_FRAMES 256

typedef struct seen {
  ws_frame_info f[MAX_FRAMES];
  size_t n;
} seen;

static void on_frame(void *user, const ws_frame_info *f) {
  seen *s = user;
  if (s->n < MAX_FRAMES) s->f[s->n++] = *f;
}

static seen whole, chunked;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  bool client = data[0] & 1;
  size_t chunk = data[0] >> 1;
  if (!chunk) chunk = 1;
  ws_reader a, b;
  ws_reader_init(&a, client, 0);
  ws_reader_init(&b, client, 0);
  whole.n = chunked.n = 0;
  ws_reader_feed(&a, data + 1, size - 1, on_frame, &whole);
  for (size_t at = 1; at < size; at += chunk)
    ws_reader_feed(&b, data + at, size - at < chunk ? size - at : chunk, on_frame, &chunked);
  FUZZ_CHECK(whole.n == chunked.n, "%zu frames whole, %zu chunked", whole.n, chunked.n);
  FUZZ_CHECK(ws_reader_partial(&a) == ws_reader_partial(&b), "partial state differs");
  for (size_t i = 0; i < whole.n; i++) {
    const ws_frame_info *x = &whole.f[i], *y = &chunked.f[i];
    FUZZ_CHECK(x->fin == y->fin && x->rsv == y->rsv && x->opcode == y->opcode &&
                   x->masked == y->masked && x->length == y->length &&
                   x->length_bits == y->length_bits && x->has_close_code == y->has_close_code &&
                   x->close_code == y->close_code && x->preview_len == y->preview_len &&
                   !memcmp(x->preview, y->preview, x->preview_len) && x->problem == y->problem,
               "frame %zu differs with chunking", i);
    FUZZ_CHECK(x->preview_len <= x->length && x->preview_len <= WS_PREVIEW_CAP, "preview");
    FUZZ_CHECK(!x->has_close_code || (x->opcode == WS_CLOSE && x->length >= 2), "close code");
    FUZZ_CHECK(x->length_bits == 7 || x->length_bits == 16 || x->length_bits == 64, "bits");
    FUZZ_CHECK(x->data_frames == 1, "one feed, %u DATA frames", x->data_frames);
  }
  return 0;
}
