/* read_meta.h — the capture context of what `read` prints about a
 * connection (render's frame_meta), taken from the h2_conn read hands its
 * sink: for the sink, the exchange tracker's events and the HTML report. */
#ifndef H2SCOPE_READ_META_H
#define H2SCOPE_READ_META_H

#include <stdbool.h>

#include "conn_facts.h"
#include "frame_print.h"
#include "h2_conn.h"

/* The context of an event of connection c sent by dir (a role), as of now:
 * its time (absolute, or since first_ts), the endpoints by role and the
 * packet being processed. */
void frame_meta_of_conn(frame_meta *m, const h2_conn *c, int dir, double first_ts, bool absolute);
/* The same of the connection as read's view shows it (conn_facts.h): what
 * talk's events come with. */
void frame_meta_of_view(frame_meta *m, const conn_view *v, int dir, double first_ts, bool absolute);

#endif
