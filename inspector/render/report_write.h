/* report_write.h — `h2scope read --html FILE`: one self-contained HTML page
 * (report_assets.h) around the capture's data, written as the capture is
 * read. The data is a block of lines inside the page (docs/report.md lists
 * them): connections, frames (one short line each, up to max_frames), the
 * decoded fields of the first max_details frames (frame_print's JSON), the
 * HPACK dynamic table size where a field block changes it,
 * events (gaps, resyncs, closes, ...), lint findings (lint_conn's JSON
 * lines) and, where the decoder provides them, packet numbers, flow-control
 * windows and exchanges, and at the end the overview's totals. Nothing is
 * held per frame: memory is the output buffers and a fixed table of
 * REPORT_CONN_SLOTS connections whatever the capture's size; beyond
 * max_frames, frames are counted per REPORT_BIN_US time bin and connection
 * instead of listed, so the page stays small and still spans the whole
 * capture (a million frames: see bench/README.md). The page's script draws it with the charting
 * library. */
#ifndef H2SCOPE_REPORT_WRITE_H
#define H2SCOPE_REPORT_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoded_frame.h"
#include "frame_print.h"
#include "out_buf.h"

#define REPORT_MAX_FRAMES 120000   /* frames drawn one by one (with their window lines) */
#define REPORT_MAX_DETAILS 5000    /* frames whose decoded fields are kept */
#define REPORT_MAX_LANES 200       /* stream lanes per connection before they aggregate */
#define REPORT_MAX_EXCHANGES 20000 /* exchanges listed; the rest are counted */
#define REPORT_BIN_US 1000         /* frames beyond max_frames: counted per 1 ms bin */
#define REPORT_CONN_SLOTS 1024     /* connections the writer keeps state of at once */

typedef struct report_options {
  uint64_t max_frames;  /* 0: REPORT_MAX_FRAMES */
  uint64_t max_details; /* 0: none; the default is REPORT_MAX_DETAILS (set by the caller) */
  uint32_t max_lanes;   /* 0: REPORT_MAX_LANES (the page's script aggregates) */
  bool redact;          /* credentials and never-indexed values hidden (print_redacts) */
  const char *title;    /* the capture's name */
} report_options;

typedef struct report_writer report_writer;

/* Creates FILE (mode 0600: decoded headers may hold credentials) and writes
 * the page up to the data; NULL with a message in err. */
report_writer *report_open(const char *path, const report_options *opt, char *err, size_t errcap);
/* The capture's first timestamp (absolute seconds): times in the data are
 * relative to it. Call before the first connection; later calls change
 * nothing. */
void report_start(report_writer *w, double first_ts);
/* A connection starts (m: conn, src, dst; ts absolute). */
void report_conn_open(report_writer *w, const frame_meta *m, double ts);
/* A decoded frame (m->ts absolute); packet: the capture's packet number that
 * completed it, 0 when unknown. */
void report_frame(report_writer *w, const frame_meta *m, uint64_t packet, const decoded_frame *d);
/* Flow-control windows after a frame that changed one (RFC 9113 §6.9):
 * what the client ([0]) and the server ([1]) may still send on the
 * connection and, when stream_known, on `stream`. */
void report_windows(report_writer *w, const frame_meta *m, uint32_t stream, bool stream_known,
                    const int64_t conn_window[2], const int64_t stream_window[2]);
/* An event of the read sink (m->ts absolute; data as event_print). */
void report_event(report_writer *w, const frame_meta *m, const char *event, uint64_t offset,
                  const char *message, const event_data *data);
/* Where one exchange goes as a JSON line (exchange_print's, ending in a
 * newline; talk/exchange.h), after its "X " prefix; NULL past
 * REPORT_MAX_EXCHANGES (counted for the totals). */
out_buf *report_exchange_out(report_writer *w);
/* Where lint_conn writes the findings as JSON lines (lint_options.json_copy). */
out_buf *report_findings_out(report_writer *w);
/* Writes the rest of the page and closes the file: 0, or -1 when a write
 * failed. */
int report_close(report_writer *w);

#endif
