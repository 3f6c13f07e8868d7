/* read_meta.c — a connection's capture context for the printers
 * (read_meta.h). */
#include "read_meta.h"

void frame_meta_of_view(frame_meta *m, const conn_view *v, int dir, double first_ts,
                        bool absolute) {
  m->conn = v->ends.conn;
  m->ts = absolute ? v->ts : v->ts - first_ts;
  m->src = dir ? v->ends.server : v->ends.client; /* dir is a role: 0 the client */
  m->dst = dir ? v->ends.client : v->ends.server;
  m->dir = dir;
  m->pkt_first = 0;
  m->pkt_last = v->pkt; /* an event: the packet being processed */
  m->file = v->pkt_file;
}

void frame_meta_of_conn(frame_meta *m, const h2_conn *c, int dir, double first_ts, bool absolute) {
  conn_view v = h2_conn_view(c);
  frame_meta_of_view(m, &v, dir, first_ts, absolute);
}
