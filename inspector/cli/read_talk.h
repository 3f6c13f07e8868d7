/* read_talk.h — `read`'s conversation options (--exchanges, --export DIR,
 * --export-raw, --follow CONN:STREAM, --max-streams, --max-body,
 * --max-body-ratio, and --har's entries): the exchange tracker of talk/ fed with the frames of
 * read_sink, its records and body events printed by render/
 * (exchange_print, follow_print, event_print) and its bodies written by
 * body_export. One read_talk per read_state: under `-j N` every worker has
 * its own tracker (its connections only) and writes into its own out_buf,
 * which read_jobs merges in capture order; the export directory is shared. */
#ifndef H2SCOPE_READ_TALK_H
#define H2SCOPE_READ_TALK_H

#include <stdbool.h>
#include <stdint.h>

#include "body_decode.h"
#include "body_export.h"
#include "conn_facts.h"
#include "exchange_track.h"
#include "follow_print.h"
#include "frame_print.h"
#include "h2_conn.h"
#include "har_write.h"
#include "out_buf.h"
#include "read_filter.h"
#include "report_write.h"

typedef struct read_talk_opts {
  bool exchanges;         /* --exchanges: a record per stream instead of frames */
  const char *export_dir; /* --export DIR */
  bool export_raw;        /* --export-raw */
  bool follow;            /* --follow CONN:STREAM */
  uint32_t follow_conn, follow_stream;
  uint32_t max_streams; /* --max-streams (0: the default) */
  body_limits limits;   /* --max-body, --max-body-ratio */
  uint64_t max_memory;  /* --max-decoder-memory (per decoding thread) */
  bool other_consumer;  /* another body consumer (--grpc) needs the tracker */
} read_talk_opts;

/* Whether any conversation option asks for the tracker (--har does too). */
static inline bool read_talk_wanted(const read_talk_opts *o, const har_writer *har) {
  return o->exchanges || o->export_dir || o->follow || o->other_consumer || har;
}
/* The defaults of the limits. */
void read_talk_opts_default(read_talk_opts *o);

typedef struct read_talk {
  read_talk_opts o;
  exchange_tracker *tracker;
  follow_view *follow;
  body_export *export_dir; /* shared by the workers, not owned */
  har_writer *har;         /* --har (one thread only), not owned */
  report_writer *report;   /* --html (one thread only), not owned: set after the start */
  /* -Y: only the exchanges it matches are printed, reported and exported
   * (a body: when the exchange as known at its start matches); not owned,
   * set after the start. */
  read_filter *filter;
  body_consumer exporter; /* --export's own consumer, behind the filter */
  out_buf *out;
  print_options po; /* json, ts decimals */
  bool abs_time;
  bool show_events;       /* body and limit events (not with -q) */
  uint64_t limits_hidden; /* limit events -q hid (the first went to stderr) */
  const double *first_ts; /* the read_state's */
  uint64_t exchanges_out;
} read_talk;

/* Sets up rt (tracker, follow view, consumers). False when memory is short. */
bool read_talk_start(read_talk *rt, const read_talk_opts *o, body_export *exp, har_writer *har,
                     out_buf *out, const print_options *po, bool abs_time, bool quiet,
                     const double *first_ts);
void read_talk_stop(read_talk *rt);

/* The text table's column heads: once, before the capture is read. */
void read_talk_header(const read_talk_opts *o, const print_options *po, bool quiet, out_buf *out);

/* The tracker learns of a connection from its view (conn_facts.h) at each
 * call; it keeps the connection's records itself until read_talk_close. */
static inline void read_talk_frame(read_talk *rt, const h2_conn *c, int dir,
                                   const decoded_frame *d) {
  if (!rt->tracker) return;
  conn_view v = h2_conn_view(c);
  exchange_frame(rt->tracker, &v, dir, d);
}
static inline void read_talk_upgrade_request(read_talk *rt, const h2_conn *c,
                                             const h2_header *fields, size_t count) {
  if (!rt->tracker) return;
  conn_view v = h2_conn_view(c);
  exchange_upgrade_request(rt->tracker, &v, fields, count);
}
static inline void read_talk_gap(read_talk *rt, const h2_conn *c, int dir) {
  if (!rt->tracker) return;
  conn_view v = h2_conn_view(c);
  exchange_gap(rt->tracker, &v, dir);
}
static inline void read_talk_close(read_talk *rt, const h2_conn *c) {
  if (!rt->tracker) return;
  conn_view v = h2_conn_view(c);
  exchange_conn_close(rt->tracker, &v);
}

#endif
