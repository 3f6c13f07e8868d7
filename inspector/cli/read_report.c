/* read_report.c — read's side of the HTML report (read_report.h). */
#include "read_report.h"

#include "frame_print.h"
#include "read_meta.h"

/* The capture context; the packet is the one being processed (an event's),
 * a frame's own come with it. */
static void meta_of(const h2_conn *c, int dir, frame_meta *m) {
  *m = (frame_meta){0};
  frame_meta_of_conn(m, c, dir, 0, true);
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
  m.pkt_first = d->pkt_first;
  m.pkt_last = d->pkt_last;
  m.file = d->pkt_file;
  report_frame(w, &m, d->pkt_last, d);
  /* The windows after a frame that changed one (the connection's observer,
   * RFC 9113 §6.9): indexed by the sender's capture direction, as read's
   * JSON "windows" has them. */
  if (d->windows_set)
    report_windows(w, &m, d->windows.stream, d->windows.stream_known, d->windows.conn,
                   d->windows.stream_window);
}

void read_report_event(report_writer *w, const h2_conn *c, int dir, const char *event,
                       uint64_t offset, const char *message, const event_data *data) {
  frame_meta m;
  meta_of(c, dir, &m);
  report_event(w, &m, event, offset, message, data);
}
