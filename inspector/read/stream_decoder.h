/* stream_decoder.h — one direction of an HTTP/2 connection, decoded
 * incrementally: bytes in (any chunking), connection preface, frames, field
 * blocks (HEADERS/PUSH_PROMISE + CONTINUATION) and HPACK out, as
 * decoded_frame values (decoded_frame.h). Frames are decoded in place from the
 * caller's chunk; only a frame that straddles chunks is copied (bounded by
 * the maximum frame size). Used by `h2scope frames` and, per connection
 * direction, by `h2scope read`. */
#ifndef H2SCOPE_STREAM_DECODER_H
#define H2SCOPE_STREAM_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoded_frame.h"
#include "h2/frame.h"
#include "h2/hpack.h"

enum stream_preface_mode {
  STREAM_PREFACE_AUTO = 0,    /* a client preface at offset 0 is recognised, else frames */
  STREAM_PREFACE_REQUIRE = 1, /* the client side: the preface must come first (§3.4) */
  STREAM_PREFACE_FORBID = 2,  /* the server side: no preface */
};

/* Decoded header lists live here until the frame is printed; one scratch can
 * serve many decoders (only one frame is being printed at a time). */
typedef struct header_scratch {
  h2_header *fields;
  h2_hpack_field_info *infos;
  size_t max_fields;
  char *arena;
  size_t arena_cap;
} header_scratch;

int header_scratch_init(header_scratch *s, uint32_t max_header_list);
void header_scratch_free(header_scratch *s);

typedef struct stream_decoder_config {
  uint8_t preface;          /* enum stream_preface_mode */
  uint8_t sender;           /* enum h2_sender; a recognised preface makes it CLIENT */
  uint32_t max_frame_size;  /* receiver's SETTINGS_MAX_FRAME_SIZE; 0 → 16384 */
  uint32_t table_size;      /* receiver's SETTINGS_HEADER_TABLE_SIZE; 0 → 4096 */
  uint32_t max_block;       /* limit of one field block; 0 → 1 MiB */
  uint32_t max_header_list; /* decoded list limit; 0 → 256 KiB */
  header_scratch *scratch;  /* shared scratch, or NULL for an own one */
} stream_decoder_config;

typedef struct stream_decoder_callbacks {
  /* d is the decoder's own frame, valid during the call: the callee may
   * complete it in place (h2_conn adds the stream offset, the packets, the
   * notes and the windows) instead of copying it; the decoder reads only
   * d->frame.hd after the call. */
  void (*on_frame)(void *user, decoded_frame *d);
  /* "preface", "bad-preface", "unexpected-preface", "truncated",
   * "decode-error" (the peer's bytes), "limit" (the decoder had no memory
   * to keep a frame that straddles two deliveries: the frame is lost) */
  void (*on_event)(void *user, const char *event, uint64_t offset, const char *message);
  void *user;
} stream_decoder_callbacks;

typedef struct stream_decoder stream_decoder;

stream_decoder *stream_decoder_new(const stream_decoder_config *cfg,
                                   const stream_decoder_callbacks *cb);
void stream_decoder_free(stream_decoder *sd);
void stream_decoder_feed(stream_decoder *sd, const uint8_t *data, size_t len);
/* End of input: reports a partial frame or preface ("truncated"). Returns
 * true when the input ended cleanly on a frame boundary. */
bool stream_decoder_finish(stream_decoder *sd);
/* Bytes still missing to complete the partial preface or frame held at the
 * end of the input so far (0 when the input ends on a frame boundary); what
 * a "truncated" event reports as "need". */
uint64_t stream_decoder_missing(const stream_decoder *sd);
/* Bytes consumed so far (the offset of the next byte). */
uint64_t stream_decoder_offset(const stream_decoder *sd);
/* Frames and errors seen. */
uint64_t stream_decoder_frames(const stream_decoder *sd);
uint64_t stream_decoder_errors(const stream_decoder *sd);
/* The HPACK decoder (e.g. to follow SETTINGS_HEADER_TABLE_SIZE). */
h2_hpack_decoder *stream_decoder_hpack(stream_decoder *sd);
void stream_decoder_set_max_frame_size(stream_decoder *sd, uint32_t size);

#endif
