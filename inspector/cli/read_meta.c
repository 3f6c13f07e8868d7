/* read_meta.c — a connection's capture context for the printers
 * (read_meta.h). */
#include "read_meta.h"

void frame_meta_of_conn(frame_meta *m, const h2_conn *c, int dir, double first_ts, bool absolute) {
  m->conn = c->flow->id;
  m->ts = absolute ? c->ts : c->ts - first_ts;
  m->src = h2_conn_endpoint(c, dir);
  m->dst = h2_conn_endpoint(c, !dir);
  m->dir = dir;
  m->pkt_first = 0;
  m->pkt_last = c->pkt; /* an event: the packet being processed */
  m->file = c->pkt_file;
}
