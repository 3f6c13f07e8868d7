/* read_report.c — read's side of the HTML report (read_report.h). */
#include "read_report.h"

#include "frame_print.h"

static void meta_of(const h2_conn *c, int dir, frame_meta *m) {
  m->conn = c->flow->id;
  m->ts = c->ts;
  m->src = c->flow->endpoint[dir];
  m->dst = c->flow->endpoint[!dir];
  m->dir = dir;
}

void read_report_open(report_writer *w, const h2_conn *c, double first_ts, const char *message) {
  report_start(w, first_ts);
  frame_meta m;
  meta_of(c, FLOW_DIR_C2S, &m);
  report_conn_open(w, &m, c->ts);
  report_event(w, &m, "connection", 0, message, NULL);
}

void read_report_frame(report_writer *w, const h2_conn *c, int dir, const decoded_frame *d) {
  frame_meta m;
  meta_of(c, dir, &m);
  report_frame(w, &m, 0, d);
}

void read_report_event(report_writer *w, const h2_conn *c, int dir, const char *event,
                       uint64_t offset, const char *message, const char *extra_json) {
  frame_meta m;
  meta_of(c, dir, &m);
  report_event(w, &m, event, offset, message, extra_json);
}
