/* read_sink.h — what `h2scope read` does with what the capture yields: the
 * flow_consumer callbacks (a connection opens, its bytes and gaps, its
 * close, notices) that drive one h2_conn per flow, and the read_sink
 * callbacks of that h2_conn (frames, events, upgrades) that print, lint,
 * feed the exchange tracker (read_talk.h: exchanges, bodies, HAR) and the
 * summary. With -j each worker has a read_state
 * of its own (job_worker), and the merging thread counts notices and adds
 * summary rows in capture order through read_sink_jobs_hooks. */
#ifndef H2SCOPE_READ_SINK_H
#define H2SCOPE_READ_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "capture_run.h"
#include "exchange_track.h"
#include "flow_events.h"
#include "grpc_consumer.h"
#include "h2_conn.h"
#include "har_write.h"
#include "out_buf.h"
#include "read_jobs.h"
#include "read_options.h"
#include "read_talk.h"
#include "report_write.h"
#include "sarif_write.h"
#include "summary.h"
#include "tlsdec_filter.h"

/* Notices after which the output means less than it seems to (packets,
 * bytes or connections were not analysed: "0 connections" may only mean
 * "link type not supported"). -q and --lint hide notices from the output;
 * these still go to stderr. */
enum { READ_RESULT_NOTICES = 8 };

typedef struct read_state {
  read_opts o;
  out_buf *out;
  header_scratch scratch;
  double first_ts;
  bool have_first_ts;
  summary_table summary;
  uint64_t notices;
  tlsdec_filter *tls; /* TLS detection/decryption in front of the HTTP/2 layer */
  har_writer *har;
  bool live; /* live capture: output is flushed on capture_run's timer */
  sarif_writer *sarif;
  report_writer *report; /* --html (one thread) */
  const char *capture_name;
  uint64_t lint_errors; /* error findings over all connections */
  /* The findings by catalogue index of the connection being closed, for
   * its summary row. */
  uint32_t lint_by_id[H2_OBSERVER_RULE_MAX + 1];
  /* ... and by severity (error, warning, info); closed_linted: it had a linter. */
  uint32_t lint_counts[3];
  bool closed_linted;
  uint64_t lint_conns, lint_frames, lint_findings; /* for "no findings (...)" */
  /* Notices that change what the output means, written to stderr when the
   * output hides notices: how many of each kind (the first is written). */
  uint64_t hidden_notices[READ_RESULT_NOTICES];
  /* -j: this state is a worker's (read_jobs.h): its flows are detached
   * copies, notices are counted and summary rows added by the merging
   * thread, in capture order. */
  bool job_worker;
  read_talk talk; /* the exchange tracker: --exchanges, --export, --follow, --har, --grpc */
  /* --grpc: the gRPC reader, a body consumer of talk's tracker
   * (read_sink_grpc_start), and the connection whose frame or close the
   * tracker is handling (its records print under that frame). */
  grpc_consumer grpc;
  h2_conn *grpc_conn;
  read_filter filt; /* -Y compiled for this thread; -T fields (read_filter.h) */
} read_state;

/* The flow callbacks on rs (a worker's or the only one). */
flow_consumer read_sink_consumer(read_state *rs);
/* Live capture: output flushed on the timer, kernel drops reported. */
capture_live_hooks read_sink_live_hooks(read_state *rs);
/* -j: what the merging does for the workers, on the main state. */
read_jobs_hooks read_sink_jobs_hooks(read_state *rs);
/* --grpc: rs's gRPC reader on its exchange tracker (rs->talk, started
 * first; nothing without the option); false when memory is short. The
 * tracker's end (read_talk_stop) ends it. */
bool read_sink_grpc_start(read_state *rs);
/* At the end: "N more KIND notices" on stderr for the hidden ones. */
void read_sink_hidden_notices(const read_state *rs);

#endif
