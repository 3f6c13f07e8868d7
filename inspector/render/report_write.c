/* report_write.c — the HTML report of `read --html` (report_write.h): the
 * page's fixed parts from report_assets.h around a data block written line
 * by line as the capture is decoded. The block sits in a
 * <script type="text/plain"> element, which ends at the first "</script":
 * every '<' of the data is written as the JSON escape \u003c (only JSON
 * strings can hold one), so no decoded byte can end the block or open a tag
 * (HTML Living Standard §4.12.1.3, restrictions for contents of script
 * elements). */
#include "report_write.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_write.h"
#include "report_assets.h"

/* What the writer keeps of one connection, in a small direct-mapped table
 * (slot = connection id modulo REPORT_CONN_SLOTS): the last HPACK table size
 * written per direction (a T line only when it changes) and the open time
 * bin of frames beyond max_frames. A connection that loses its slot to
 * another only costs a repeated T line or an early G line: memory stays
 * fixed whatever the number of connections. */
typedef struct conn_slot {
  uint32_t conn; /* 0: free */
  bool table_set[2];
  uint32_t table[2];
  int64_t bin; /* µs of the open bin's start; -1: none */
  uint64_t bin_frames, bin_bytes;
} conn_slot;

struct report_writer {
  report_options opt;
  int fd;
  double first_ts;
  bool started;                       /* report_start was called */
  uint64_t frames, details;           /* frame lines and detail lines written */
  uint64_t frames_over, bytes_over;   /* frames beyond max_frames: binned */
  uint64_t exchanges, exchanges_over; /* listed, and counted past REPORT_MAX_EXCHANGES */
  /* The overview's counts over every frame (also those not drawn). */
  uint64_t requests, blocks, frame_bytes, frame_count, frame_errors;
  uint64_t status[6]; /* responses by class: [1] 1xx ... [5] 5xx, [0] other */
  conn_slot slots[REPORT_CONN_SLOTS];
  out_buf file; /* the page as written to the file */
  out_buf data; /* the data lines; flushed through escape_into_file */
};

/* The data buffer's flush: to the file with '<' escaped (see the top). */
static bool escape_into_file(void *ctx, const char *p, size_t n) {
  report_writer *w = ctx;
  while (n) {
    const char *lt = memchr(p, '<', n);
    size_t run = lt ? (size_t)(lt - p) : n;
    out_write(&w->file, p, run);
    if (!lt) break;
    out_write(&w->file, "\\u003c", 6);
    p += run + 1;
    n -= run + 1;
  }
  return !w->file.failed;
}

report_writer *report_open(const char *path, const report_options *opt, char *err, size_t errcap) {
  report_writer *w = calloc(1, sizeof *w);
  if (!w) {
    snprintf(err, errcap, "out of memory");
    return NULL;
  }
  w->opt = *opt;
  if (!w->opt.max_frames) w->opt.max_frames = REPORT_MAX_FRAMES;
  if (!w->opt.max_lanes) w->opt.max_lanes = REPORT_MAX_LANES;
  /* Owner-only like --har: decoded header lists may hold credentials. */
  if (!strcmp(path, "-"))
    w->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  else
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (w->fd < 0) {
    snprintf(err, errcap, "cannot create %s: %s", path, strerror(errno));
    free(w);
    return NULL;
  }
  out_init(&w->file, w->fd);
  out_init(&w->data, -1);
  w->data.spill = escape_into_file;
  w->data.spill_ctx = w;
  out_write(&w->file, report_asset_head, report_asset_head_len);
  /* The first line says what the page shows and with which limits. */
  out_buf *o = &w->data;
  out_puts(o, "R {\"v\":1,\"title\":");
  json_cstr(o, opt->title ? opt->title : "");
  out_puts(o, ",\"max_frames\":");
  out_u64(o, w->opt.max_frames);
  out_puts(o, ",\"max_details\":");
  out_u64(o, w->opt.max_details);
  out_puts(o, ",\"max_lanes\":");
  out_u64(o, w->opt.max_lanes);
  out_puts(o, ",\"library\":");
  json_cstr(o, report_asset_library);
  out_puts(o, "}\n");
  return w;
}

void report_start(report_writer *w, double first_ts) {
  if (w->started) return;
  w->started = true;
  w->first_ts = first_ts;
  out_puts(&w->data, "B ");
  out_fixed(&w->data, first_ts, 6);
  out_putc(&w->data, '\n');
}

static int64_t micros(const report_writer *w, double ts);
/* Microseconds since the capture's start. */
static void put_time(report_writer *w, double ts) {
  out_i64(&w->data, micros(w, ts));
}

void report_conn_open(report_writer *w, const frame_meta *m, double ts) {
  out_buf *o = &w->data;
  out_puts(o, "C {\"conn\":");
  out_u64(o, m->conn);
  out_puts(o, ",\"t\":");
  put_time(w, ts);
  out_puts(o, ",\"src\":");
  json_cstr(o, m->src);
  out_puts(o, ",\"dst\":");
  json_cstr(o, m->dst);
  out_puts(o, "}\n");
}

/* What a short frame line says of the payload: the error code of RST_STREAM
 * and GOAWAY, the increment of WINDOW_UPDATE, the promised stream of
 * PUSH_PROMISE (the rest is in the detail lines). */
static uint32_t frame_extra(const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  if (d->frame_status != H2_OK || d->payload_skipped) return 0;
  switch (f->hd.type) {
  case H2_RST_STREAM:
    return f->u.rst_stream.error_code;
  case H2_GOAWAY:
    return f->u.goaway.error_code;
  case H2_WINDOW_UPDATE:
    return f->u.window_update.increment;
  case H2_PUSH_PROMISE:
    return f->u.push_promise.promised_stream_id;
  default:
    return 0;
  }
}

/* The connection's slot, taken over when another connection held it (its
 * open bin written first). */
static void flush_bin(report_writer *w, conn_slot *sl);
static conn_slot *slot_of(report_writer *w, uint32_t conn) {
  conn_slot *sl = &w->slots[conn % REPORT_CONN_SLOTS];
  if (sl->conn != conn) {
    if (sl->conn) flush_bin(w, sl);
    *sl = (conn_slot){.conn = conn, .bin = -1};
  }
  return sl;
}

/* G conn t frames bytes: frames beyond max_frames, by REPORT_BIN_US bins. */
static void flush_bin(report_writer *w, conn_slot *sl) {
  if (sl->bin < 0) return;
  out_buf *o = &w->data;
  out_puts(o, "G ");
  out_u64(o, sl->conn);
  out_putc(o, ' ');
  out_i64(o, sl->bin);
  out_putc(o, ' ');
  out_u64(o, sl->bin_frames);
  out_putc(o, ' ');
  out_u64(o, sl->bin_bytes);
  out_putc(o, '\n');
  sl->bin = -1;
  sl->bin_frames = sl->bin_bytes = 0;
}

static int64_t micros(const report_writer *w, double ts) {
  double us = floor((ts - w->first_ts) * 1e6 + 0.5);
  return us > 0 ? (int64_t)us : 0;
}

/* The value of the first field called name (a pseudo-header), or NULL. */
static const h2_header *field_named(const decoded_frame *d, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < d->header_count; i++)
    if (d->headers[i].name_len == n && !memcmp(d->headers[i].name, name, n)) return &d->headers[i];
  return NULL;
}

/* A completed field block: counted for the overview (requests, responses
 * by status class), and its HPACK dynamic table size (RFC 7541 §4.1) as a
 * T line when it differs from the direction's last one. */
static void field_block(report_writer *w, const frame_meta *m, const decoded_frame *d) {
  w->blocks++;
  if (field_named(d, ":method")) w->requests++;
  const h2_header *st = field_named(d, ":status");
  if (st) {
    int cls =
        st->value_len == 3 && st->value[0] >= '1' && st->value[0] <= '5' ? st->value[0] - '0' : 0;
    w->status[cls]++;
  }
  conn_slot *sl = slot_of(w, m->conn);
  int dir = m->dir ? 1 : 0;
  if (sl->table_set[dir] && sl->table[dir] == d->table_size) return;
  sl->table_set[dir] = true;
  sl->table[dir] = d->table_size;
  out_buf *o = &w->data;
  out_puts(o, "T ");
  out_u64(o, m->conn);
  out_putc(o, ' ');
  out_u64(o, (uint64_t)dir);
  out_putc(o, ' ');
  put_time(w, m->ts);
  out_putc(o, ' ');
  out_u64(o, d->table_size);
  out_putc(o, '\n');
}

void report_frame(report_writer *w, const frame_meta *m, uint64_t packet, const decoded_frame *d) {
  const h2_frame_header *hd = &d->frame.hd;
  bool bad =
      d->frame_status != H2_OK || (d->block_complete && d->block_status != H2_OK) || d->note_count;
  w->frame_count++;
  w->frame_bytes += hd->length;
  if (bad) w->frame_errors++;
  if (d->block_complete) field_block(w, m, d);
  if (w->frames >= w->opt.max_frames) {
    w->frames_over++;
    w->bytes_over += hd->length;
    conn_slot *sl = slot_of(w, m->conn);
    int64_t bin = micros(w, m->ts) / REPORT_BIN_US * REPORT_BIN_US;
    if (sl->bin != bin) flush_bin(w, sl);
    sl->bin = bin;
    sl->bin_frames++;
    sl->bin_bytes += hd->length;
    return;
  }
  w->frames++;
  out_buf *o = &w->data;
  /* F conn dir stream type flags length t packet extra problem */
  out_puts(o, "F ");
  out_u64(o, m->conn);
  out_putc(o, ' ');
  out_u64(o, (uint64_t)m->dir);
  out_putc(o, ' ');
  out_u64(o, hd->stream_id);
  out_putc(o, ' ');
  out_u64(o, hd->type);
  out_putc(o, ' ');
  out_u64(o, hd->flags);
  out_putc(o, ' ');
  out_u64(o, hd->length);
  out_putc(o, ' ');
  put_time(w, m->ts);
  out_putc(o, ' ');
  out_u64(o, packet);
  out_putc(o, ' ');
  out_u64(o, frame_extra(d));
  out_putc(o, ' ');
  out_u64(o, bad ? 1 : 0);
  out_putc(o, '\n');
  if (w->details < w->opt.max_details) {
    /* The decoded fields, as `read --json` prints them. */
    w->details++;
    print_options po = {.json = true, .redact = w->opt.redact};
    out_puts(o, "J ");
    frame_print(o, &po, m, d);
  }
}

void report_windows(report_writer *w, const frame_meta *m, uint32_t stream, bool stream_known,
                    const int64_t conn_window[2], const int64_t stream_window[2]) {
  if (w->frames_over) return; /* past max_frames: no frame lines, no window lines */
  /* W conn stream t client_conn server_conn client_stream server_stream */
  out_buf *o = &w->data;
  out_puts(o, "W ");
  out_u64(o, m->conn);
  out_putc(o, ' ');
  out_u64(o, stream_known ? stream : 0);
  out_putc(o, ' ');
  put_time(w, m->ts);
  for (int i = 0; i < 2; i++) {
    out_putc(o, ' ');
    out_i64(o, conn_window[i]);
  }
  for (int i = 0; i < 2; i++) {
    out_putc(o, ' ');
    if (stream_known && stream)
      out_i64(o, stream_window[i]);
    else
      out_putc(o, '-');
  }
  out_putc(o, '\n');
}

void report_event(report_writer *w, const frame_meta *m, const char *event, uint64_t offset,
                  const char *message, const event_data *data) {
  print_options po = {.json = true};
  if (m && !strcmp(event, "close")) {
    conn_slot *sl = &w->slots[m->conn % REPORT_CONN_SLOTS];
    if (sl->conn == m->conn) {
      flush_bin(w, sl);
      sl->conn = 0;
    }
  }
  out_puts(&w->data, "E ");
  event_print(&w->data, &po, m, event, offset, message, data);
}

out_buf *report_exchange_out(report_writer *w) {
  if (w->exchanges >= REPORT_MAX_EXCHANGES) {
    w->exchanges_over++;
    return NULL;
  }
  w->exchanges++;
  out_puts(&w->data, "X ");
  return &w->data;
}

out_buf *report_findings_out(report_writer *w) {
  return &w->data;
}

int report_close(report_writer *w) {
  out_buf *o = &w->data;
  for (size_t i = 0; i < REPORT_CONN_SLOTS; i++)
    if (w->slots[i].conn) flush_bin(w, &w->slots[i]);
  /* The overview's totals and what the limits left out. */
  out_puts(o, "A {\"frames\":");
  out_u64(o, w->frame_count);
  out_puts(o, ",\"frame_bytes\":");
  out_u64(o, w->frame_bytes);
  out_puts(o, ",\"frame_errors\":");
  out_u64(o, w->frame_errors);
  out_puts(o, ",\"field_blocks\":");
  out_u64(o, w->blocks);
  out_puts(o, ",\"requests\":");
  out_u64(o, w->requests);
  out_puts(o, ",\"status\":{");
  static const char *const cls[6] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
  for (int i = 0; i < 6; i++) {
    json_key(o, cls[i], i == 0);
    out_u64(o, w->status[i]);
  }
  out_puts(o, "},\"frames_drawn\":");
  out_u64(o, w->frames);
  out_puts(o, ",\"frames_not_drawn\":");
  out_u64(o, w->frames_over);
  out_puts(o, ",\"bytes_not_drawn\":");
  out_u64(o, w->bytes_over);
  out_puts(o, ",\"details\":");
  out_u64(o, w->details);
  out_puts(o, ",\"exchanges\":");
  out_u64(o, w->exchanges + w->exchanges_over);
  out_puts(o, ",\"exchanges_listed\":");
  out_u64(o, w->exchanges);
  out_puts(o, "}\n");
  bool ok = out_flush(o);
  out_write(&w->file, report_asset_tail, report_asset_tail_len);
  ok = out_flush(&w->file) && ok;
  if (close(w->fd) != 0) ok = false;
  free(w);
  return ok ? 0 : -1;
}
