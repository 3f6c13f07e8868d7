/* frames_stream.c — fuzz target for the `h2scope frames` path: a raw
 * one-direction byte stream through the inspector's incremental stream
 * decoder (preface, frames, field blocks, HPACK) and the text and JSON
 * printers. The same bytes are fed whole and in input-chosen chunks: the
 * printed output must be identical (chunking must never change a decode),
 * and the frame and error counts must agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame_print.h"
#include "fuzz_support.h"
#include "mutator/frame_mutator.h"
#include "stream_decoder.h"

const size_t h2_frame_mutator_prefix = 2;

typedef struct sink {
  out_buf out;
  print_options po;
  uint64_t hash;
} sink;

/* Folds everything printed into a hash instead of writing it. */
static void fold(sink *s) {
  for (size_t i = 0; i < s->out.len; i++)
    s->hash = (s->hash ^ (uint8_t)s->out.data[i]) * 1099511628211ULL;
  s->out.len = 0;
}

static void on_frame(void *user, decoded_frame *d) {
  sink *s = user;
  frame_print(&s->out, &s->po, NULL, d);
  fold(s);
}

static void on_event(void *user, const char *ev, uint64_t off, const char *msg) {
  sink *s = user;
  event_print(&s->out, &s->po, NULL, ev, off, msg, NULL);
  fold(s);
}

static uint64_t run(const uint8_t *data, size_t size, uint8_t opts, size_t chunk, uint64_t *frames,
                    uint64_t *errors) {
  static sink s;
  memset(&s, 0, sizeof s);
  out_init(&s.out, -1);
  s.po.json = opts & 1;
  s.po.hpack = (opts >> 1) & 1;
  s.po.data = (opts >> 2) % 3;
  s.hash = 14695981039346656037ULL;
  stream_decoder_config cfg = {.preface = (uint8_t)((opts >> 4) % 3),
                               .max_frame_size = (opts & 0x40) ? 1u << 20 : 0,
                               .max_block = (opts & 0x80) ? 64 : 0};
  stream_decoder_callbacks cb = {.on_frame = on_frame, .on_event = on_event, .user = &s};
  stream_decoder *sd = stream_decoder_new(&cfg, &cb);
  FUZZ_CHECK(sd != NULL, "out of memory");
  for (size_t i = 0; i < size; i += chunk)
    stream_decoder_feed(sd, data + i, size - i < chunk ? size - i : chunk);
  stream_decoder_finish(sd);
  *frames = stream_decoder_frames(sd);
  *errors = stream_decoder_errors(sd);
  FUZZ_CHECK(stream_decoder_offset(sd) <= size, "offset past the input");
  stream_decoder_free(sd);
  return s.hash;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  uint8_t opts = data[0], chunk = data[1];
  data += 2;
  size -= 2;
  uint64_t f1, e1, f2, e2;
  uint64_t whole = run(data, size, opts, size ? size : 1, &f1, &e1);
  uint64_t parts = run(data, size, opts, (size_t)chunk % 13 + 1, &f2, &e2);
  FUZZ_CHECK(f1 == f2 && e1 == e2, "chunking changed the counts: %llu/%llu vs %llu/%llu",
             (unsigned long long)f1, (unsigned long long)e1, (unsigned long long)f2,
             (unsigned long long)e2);
  FUZZ_CHECK(whole == parts, "chunking changed the output");
  return 0;
}
