/* windows_print.c — the flow-control windows after a frame (windows_print.h). */
#include "windows_print.h"

#include "frame_meta_print.h"

/* What endpoint d may still send (h2_window_view): the connection window,
 * the stream's when the frame is on a followed stream, and after a SETTINGS
 * the window its next streams start with. */
static void json_window_side(out_buf *o, const decoded_frame *d, int side) {
  const h2_window_view *w = &d->windows;
  out_puts(o, "{\"conn\":");
  out_i64(o, w->conn[side]);
  if (w->stream && w->stream_known) {
    out_puts(o, ",\"stream\":");
    out_i64(o, w->stream_window[side]);
  }
  if (d->frame.hd.type == H2_SETTINGS) {
    out_puts(o, ",\"initial\":");
    out_i64(o, w->initial[side]);
  }
  out_putc(o, '}');
}

/* "windows":{"sender":{...},"peer":{...}}: what the frame's sender and the
 * other side may still send after it (RFC 9113 §6.9). */
void windows_print_json(out_buf *o, int sender, const decoded_frame *d) {
  out_puts(o, ",\"windows\":{\"sender\":");
  json_window_side(o, d, sender);
  out_puts(o, ",\"peer\":");
  json_window_side(o, d, !sender);
  out_putc(o, '}');
}

static void text_window_side(out_buf *o, const decoded_frame *d, int side) {
  const h2_window_view *w = &d->windows;
  out_puts(o, " conn=");
  out_i64(o, w->conn[side]);
  if (w->stream && w->stream_known) {
    out_puts(o, " stream=");
    out_i64(o, w->stream_window[side]);
  }
  if (d->frame.hd.type == H2_SETTINGS) {
    out_puts(o, " initial=");
    out_i64(o, w->initial[side]);
  }
}

/* --windows: "windows: sender conn=N stream=N | peer conn=N stream=N". */
void windows_print_text(out_buf *o, int sender, const decoded_frame *d) {
  out_spaces(o, 4); /* as the other lines under a frame */
  out_puts(o, "windows: sender");
  text_window_side(o, d, sender);
  out_puts(o, " | peer");
  text_window_side(o, d, !sender);
  out_putc(o, '\n');
}
