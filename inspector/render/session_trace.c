/* session_trace.c — decodes and prints the frames of a live session (-v of
 * `get` and `serve`) through stream_decoder and frame_print. */
#include "session_trace.h"

#include <stdlib.h>
#include <time.h>

#include "frame_print.h"
#include "stream_decoder.h"

struct session_trace {
  stream_decoder *dec[2]; /* [0] what we send, [1] what we receive */
  frame_meta meta[2];
  print_options po;
  out_buf *o;
  struct timespec start;
  int cur;
};

static double elapsed(const struct session_trace *t) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - t->start.tv_sec) + (double)(now.tv_nsec - t->start.tv_nsec) / 1e9;
}

static void on_frame(void *user, decoded_frame *d) {
  session_trace *t = user;
  t->meta[t->cur].ts = elapsed(t);
  frame_print(t->o, &t->po, &t->meta[t->cur], d);
}

static void on_event(void *user, const char *event, uint64_t offset, const char *message) {
  session_trace *t = user;
  t->meta[t->cur].ts = elapsed(t);
  event_print(t->o, &t->po, &t->meta[t->cur], event, offset, message, NULL);
}

session_trace *session_trace_new(uint32_t conn, bool we_are_client, bool json, out_buf *o) {
  session_trace *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->o = o;
  t->po.json = json;
  t->po.ts_decimals = 3;
  clock_gettime(CLOCK_MONOTONIC, &t->start);
  const char *us = we_are_client ? "client" : "server";
  const char *them = we_are_client ? "server" : "client";
  t->meta[0] = (frame_meta){.conn = conn, .src = us, .dst = them, .dir = we_are_client ? 0 : 1};
  t->meta[1] = (frame_meta){.conn = conn, .src = them, .dst = us, .dir = we_are_client ? 1 : 0};
  stream_decoder_callbacks cb = {.on_frame = on_frame, .on_event = on_event, .user = t};
  for (int i = 0; i < 2; i++) {
    stream_decoder_config cfg = {.preface = STREAM_PREFACE_FORBID, .max_frame_size = 16777215u};
    bool sender_client = (i == 0) == we_are_client;
    cfg.sender = sender_client ? H2_SENDER_CLIENT : H2_SENDER_SERVER;
    t->dec[i] = stream_decoder_new(&cfg, &cb);
    if (!t->dec[i]) {
      session_trace_free(t);
      return NULL;
    }
  }
  return t;
}

void session_trace_frame(void *trace, int dir, const uint8_t *frame, size_t len) {
  session_trace *t = trace;
  if (!t) return;
  t->cur = dir ? 1 : 0;
  stream_decoder_feed(t->dec[t->cur], frame, len);
  out_flush(t->o);
}

void session_trace_free(session_trace *t) {
  if (!t) return;
  for (int i = 0; i < 2; i++)
    if (t->dec[i]) stream_decoder_free(t->dec[i]);
  free(t);
}
