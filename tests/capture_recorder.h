/* capture_recorder.h — test helper for the capture suites: a flow_consumer
 * that writes every event into a text log (for exact assertions) and
 * concatenates each flow's delivered bytes per direction, checking that
 * offsets are contiguous. Header-only: included by test_capture_*.c and
 * test_tcp_reassembly.c. */
#ifndef H2SCOPE_TEST_CAPTURE_RECORDER_H
#define H2SCOPE_TEST_CAPTURE_RECORDER_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_run.h"
#include "flow_events.h"

enum { REC_MAX_FLOWS = 64 };

typedef struct rec_stream {
  uint8_t *data;
  size_t len, cap;
  uint64_t next_offset; /* where the next on_bytes/on_gap must start */
} rec_stream;

typedef struct recorder {
  char *log;
  size_t log_len, log_cap;
  rec_stream stream[REC_MAX_FLOWS + 1][2]; /* by flow id */
  int open_flows;
  int errors;                    /* contiguity or protocol errors of the callbacks */
  bool log_notices;              /* include on_notice lines (default true) */
  bool log_bytes;                /* include one line per on_bytes call */
  int opener[REC_MAX_FLOWS + 1]; /* capture_flow_opener() of each flow at its close */
  double open_ts[REC_MAX_FLOWS + 1], close_ts[REC_MAX_FLOWS + 1];
} recorder;

static inline void rec_printf(recorder *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void rec_printf(recorder *r, const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof line) n = sizeof line - 1;
  if (r->log_len + (size_t)n + 1 > r->log_cap) {
    r->log_cap = (r->log_len + (size_t)n + 1) * 2;
    r->log = realloc(r->log, r->log_cap);
  }
  memcpy(r->log + r->log_len, line, (size_t)n);
  r->log_len += (size_t)n;
  r->log[r->log_len] = '\0';
}

static inline rec_stream *rec_stream_of(recorder *r, const capture_flow *f, int dir) {
  if (f->id == 0 || dir < 0 || dir > 1) {
    r->errors++;
    return NULL;
  }
  if (f->id > REC_MAX_FLOWS) return NULL; /* only the first flows are kept */
  return &r->stream[f->id][dir];
}

static inline const char *rec_dir_name(int dir) {
  return dir == FLOW_DIR_C2S ? "c2s" : "s2c";
}

static inline const char *rec_reason_name(int reason) {
  switch (reason) {
  case FLOW_CLOSE_FIN:
    return "fin";
  case FLOW_CLOSE_RST:
    return "rst";
  case FLOW_CLOSE_IDLE:
    return "idle";
  case FLOW_CLOSE_EVICTED:
    return "evicted";
  case FLOW_CLOSE_END:
    return "end";
  case FLOW_CLOSE_REUSED:
    return "reused";
  }
  return "?";
}

static inline void rec_on_open(void *user, capture_flow *f, double ts) {
  recorder *r = user;
  r->open_flows++;
  if (f->id <= REC_MAX_FLOWS) r->open_ts[f->id] = ts;
  rec_printf(r, "open %" PRIu32 " %s %s%s\n", f->id, f->endpoint[0], f->endpoint[1],
             f->syn_seen ? " syn" : "");
}

static inline void rec_on_bytes(void *user, capture_flow *f, int dir, uint64_t offset,
                                const uint8_t *data, size_t len, double ts) {
  recorder *r = user;
  (void)ts;
  rec_stream *s = rec_stream_of(r, f, dir);
  if (!s) return;
  if (offset != s->next_offset || len == 0) r->errors++;
  s->next_offset = offset + len;
  if (s->len + len > s->cap) {
    s->cap = (s->len + len) * 2;
    s->data = realloc(s->data, s->cap);
  }
  memcpy(s->data + s->len, data, len);
  s->len += len;
  if (r->log_bytes)
    rec_printf(r, "bytes %" PRIu32 " %s %" PRIu64 "+%zu\n", f->id, rec_dir_name(dir), offset, len);
}

static inline void rec_on_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len,
                              double ts) {
  recorder *r = user;
  (void)ts;
  rec_stream *s = rec_stream_of(r, f, dir);
  if (!s) return;
  if (offset != s->next_offset || len == 0) r->errors++;
  s->next_offset = offset + len;
  rec_printf(r, "gap %" PRIu32 " %s %" PRIu64 "+%" PRIu64 "\n", f->id, rec_dir_name(dir), offset,
             len);
}

static inline void rec_on_close(void *user, capture_flow *f, int reason, double ts) {
  recorder *r = user;
  r->open_flows--;
  if (f->id <= REC_MAX_FLOWS) r->close_ts[f->id] = ts;
  if (f->id <= REC_MAX_FLOWS) r->opener[f->id] = capture_flow_opener(f);
  rec_printf(r, "close %" PRIu32 " %s %" PRIu64 "/%" PRIu64 "\n", f->id, rec_reason_name(reason),
             f->bytes[0], f->bytes[1]);
}

static inline void rec_on_notice(void *user, capture_flow *f, const char *kind, const char *message,
                                 double ts) {
  recorder *r = user;
  (void)ts;
  (void)message;
  if (r->log_notices) rec_printf(r, "notice %" PRIu32 " %s\n", f ? f->id : 0, kind);
}

static inline void rec_init(recorder *r) {
  memset(r, 0, sizeof *r);
  r->log_notices = true;
  r->log = calloc(1, 1);
  r->log_cap = 1;
}

static inline flow_consumer rec_consumer(recorder *r) {
  flow_consumer c = {r, rec_on_open, rec_on_bytes, rec_on_gap, rec_on_close, rec_on_notice, NULL};
  return c;
}

/* The bytes delivered for flow id, direction dir, as a NUL-terminated copy
 * (for string comparisons; the caller frees). */
static inline char *rec_text(recorder *r, uint32_t id, int dir) {
  rec_stream *s = &r->stream[id][dir];
  char *t = malloc(s->len + 1);
  if (s->len) memcpy(t, s->data, s->len);
  t[s->len] = '\0';
  return t;
}

static inline void rec_free(recorder *r) {
  free(r->log);
  for (int i = 0; i <= REC_MAX_FLOWS; i++)
    for (int d = 0; d < 2; d++)
      free(r->stream[i][d].data);
  memset(r, 0, sizeof *r);
}

#endif
