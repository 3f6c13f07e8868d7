/* stall_events.c — zero-window stalls as read events (stall_events.h). */
#include "stall_events.h"

#include <stdio.h>
#include <stdlib.h>

#include "flow_events.h"

bool stall_queue_push(stall_queue *q, const h2_window_stall *s) {
  if (q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 8;
    h2_window_stall *n = realloc(q->items, cap * sizeof *n);
    if (!n) return false;
    q->items = n;
    q->cap = cap;
  }
  q->items[q->n++] = *s;
  return true;
}

void stall_queue_free(stall_queue *q) {
  free(q->items);
  q->items = NULL;
  q->n = q->cap = 0;
}

const char *stall_describe(const h2_window_stall *s, double now, char *msg, size_t msg_cap,
                           event_data *data) {
  const char *sender = s->sender == FLOW_DIR_C2S ? "client" : "server";
  const char *which = s->connection ? "connection" : "stream";
  *data = (event_data){.kind = EVENT_DATA_STALL, .stall = s};
  if (!s->end) {
    snprintf(msg, msg_cap, "the %s's DATA on stream %u waits: the %s window is at %lld", sender,
             s->stream, which, (long long)s->window);
    return "stall-begin";
  }
  double ms = (now - s->since) * 1000.0;
  if (ms < 0) ms = 0;
  data->stall_ms = ms;
  int k = snprintf(msg, msg_cap,
                   "the %s's DATA on stream %u waited %.3f ms on the %s window (%s; began at "
                   "offset %llu",
                   sender, s->stream, ms, which, s->why, (unsigned long long)s->begin_offset);
  if (k > 0 && (size_t)k < msg_cap)
    snprintf(msg + k, msg_cap - (size_t)k, s->begin_pkt ? ", packet %llu)" : ")",
             (unsigned long long)s->begin_pkt);
  return "stall-end";
}
