/* stall_events.h — the zero-window stalls the connection's observer reports
 * (h2/observer.h) as read events: their message and data (event_data.h) and
 * the queue that holds those of the frame being judged until the frame
 * itself has been handed on, so a stall-begin follows the DATA that began
 * it. */
#ifndef H2SCOPE_STALL_EVENTS_H
#define H2SCOPE_STALL_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "event_data.h"
#include "h2/observer.h"

typedef struct stall_queue {
  h2_window_stall *items; /* grows up to one per stream the observer follows */
  size_t n, cap;
} stall_queue;

/* false when memory runs out (the stall is not kept). */
bool stall_queue_push(stall_queue *q, const h2_window_stall *s);
void stall_queue_free(stall_queue *q);

/* The event's name ("stall-begin", "stall-end"), message and data (s
 * itself, and for an end how long it lasted); now: the capture time it ends
 * at. */
const char *stall_describe(const h2_window_stall *s, double now, char *msg, size_t msg_cap,
                           event_data *data);

#endif
