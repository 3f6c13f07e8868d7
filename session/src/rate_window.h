/* rate_window.h — the one way the session library counts events against a
 * rate limit (RFC 9113 §10.5 floods): a fixed window of window_ms that
 * restarts at the first event after it ends ([start, start + window_ms)). The session counts the
 * frames a peer sends per second (h2s_flood_count), the observer counts patterns per window-ms of
 * capture time; both ask this counter and compare the count with their limit. Internal (not
 * installed), header-only. */
#ifndef H2_RATE_WINDOW_H
#define H2_RATE_WINDOW_H

#include <stdint.h>

typedef struct rate_window {
  uint64_t start_ms; /* when the current window began */
  uint32_t count;    /* events in it */
} rate_window;

/* Counts one event at now_ms; the number of events in the current window
 * (this one included). A clock that goes back starts a new window. */
static inline uint32_t rate_window_count(rate_window *w, uint64_t now_ms, uint32_t window_ms) {
  if (w->count == 0 || now_ms < w->start_ms || now_ms - w->start_ms >= window_ms) {
    w->start_ms = now_ms;
    w->count = 0;
  }
  if (w->count < UINT32_MAX) w->count++;
  return w->count;
}

#endif
