/* read_sink.c — `h2scope read`'s callbacks (read_sink.h): one h2_conn per
 * flow, its frames and events printed, linted, given to the HAR writer and
 * the summary; notices counted and printed; live capture's timer and drop
 * reports. */
#include "read_sink.h"

#include <stdio.h>
#include <string.h>

#include "frame_meta_print.h"
#include "frame_print.h"
#include "grpc_print.h"
#include "lint_conn.h"
#include "read_meta.h"
#include "read_report.h"
#include "tls_print.h"

/* The notices of read_sink.h's READ_RESULT_NOTICES; a trailing * matches a
 * prefix. */
static const char *const result_notices[] = {
    "unsupported-linktype", "truncated-packet", "capture-file-error", "capture-error",
    "capture-dropped",      "limit-*",          "tls-no-keys",        "tls-decrypt-failed"};
_Static_assert(sizeof result_notices / sizeof *result_notices == READ_RESULT_NOTICES,
               "read_sink.h counts the result notices");
#define RESULT_NOTICES READ_RESULT_NOTICES

static bool notice_kind_is(const char *kind, const char *pattern) {
  size_t n = strlen(pattern);
  return pattern[n - 1] == '*' ? !strncmp(kind, pattern, n - 1) : !strcmp(kind, pattern);
}

/* What the TLS filter knows about f: asked directly, or as a worker got it
 * with the record. */
static const tls_conn_info *flow_tls(const read_state *rs, const capture_flow *f) {
  if (rs->tls) return tlsdec_flow_info(rs->tls, f);
  return rs->job_worker ? read_jobs_flow_tls(f) : NULL;
}

static bool port_forced(const read_state *rs, const capture_flow *f) {
  for (int i = 0; i < rs->o.nports; i++)
    if (f->port[0] == rs->o.ports[i] || f->port[1] == rs->o.ports[i]) return true;
  return false;
}

static void meta_for(const read_state *rs, const h2_conn *c, int dir, frame_meta *m) {
  frame_meta_of_conn(m, c, dir, rs->first_ts, rs->o.po.json || rs->o.abs_time);
}

static bool conn_shown(const read_state *rs, const h2_conn *c) {
  return !rs->o.quiet && (!rs->o.conn_filter || rs->o.conn_filter == c->flow->id);
}

/* A frame's or event's connection, direction and endpoints for -Y. */
static filter_subject where_of(const h2_conn *c, int dir) {
  return (filter_subject){.conn = c->flow->id,
                          .dir = dir,
                          .src = h2_conn_endpoint(c, dir),
                          .dst = h2_conn_endpoint(c, !dir)};
}

/* Whether an event of c is shown: its connection is, no --stream/--type
 * (frames only), not -T fields (frames only), and -Y selects it. */
static bool event_shown(read_state *rs, const h2_conn *c, int dir, const char *event) {
  if (!conn_shown(rs, c) || rs->o.stream_filter_set || rs->o.type_mask || rs->o.filt.fields)
    return false;
  filter_subject w = where_of(c, dir);
  return read_filter_event(&rs->filt, &w, event);
}

/* What -Y lets into the report (--html): the frames and events it selects. */
static bool report_event_kept(read_state *rs, const h2_conn *c, int dir, const char *event) {
  filter_subject w = where_of(c, dir);
  return rs->report && read_filter_event(&rs->filt, &w, event);
}

static bool keep_finding(void *user, uint32_t conn, int dir, uint32_t stream, const char *id,
                         const char *severity, uint64_t packet) {
  return read_filter_finding(user, conn, dir, stream, id, severity, packet);
}

/* The connection's linter, made at its first frame (roles known by then). */
static void lint_frame(read_state *rs, h2_conn *c, int dir, const decoded_frame *d) {
  conn_view v = h2_conn_view(c); /* the connection as it stands, for the linter */
  if (!c->sink_conn) {
    lint_options lo = {.limits = rs->o.lint_limits,
                       .json = rs->o.po.json,
                       .abs_time = rs->o.abs_time,
                       .color = rs->o.po.color,
                       .first_ts = rs->first_ts,
                       .max_findings = rs->o.lint_max_findings,
                       .out = rs->o.lint ? rs->out : NULL,
                       .json_copy = rs->report ? report_findings_out(rs->report) : NULL,
                       .sarif = rs->sarif,
                       .artifact = rs->capture_name,
                       .keep = rs->filt.f ? keep_finding : NULL,
                       .keep_user = &rs->filt};
    c->sink_conn = lint_conn_new(&lo, &v);
  }
  if (c->sink_conn) lint_conn_frame(c->sink_conn, &v, dir, d);
}

static void lint_close(read_state *rs, h2_conn *c) {
  memset(rs->lint_by_id, 0, sizeof rs->lint_by_id);
  memset(rs->lint_counts, 0, sizeof rs->lint_counts);
  rs->closed_linted = c->sink_conn != NULL;
  if (!c->sink_conn) return;
  conn_view v = h2_conn_view(c);
  lint_conn_finish(c->sink_conn, &v, rs->lint_counts, rs->lint_by_id);
  rs->lint_conns++;
  rs->lint_frames += c->dir[0].frames + c->dir[1].frames;
  rs->lint_findings += (uint64_t)rs->lint_counts[0] + rs->lint_counts[1] + rs->lint_counts[2];
  rs->lint_errors += rs->lint_counts[0];
  lint_conn_free(c->sink_conn);
  c->sink_conn = NULL;
}

/* A gRPC record (grpc_consumer.h): printed under the frame that finished
 * it; side is the capture direction (the request goes client to server). */
static void on_grpc(void *user, const exchange *x, int dir, const grpc_record *r) {
  (void)x;
  read_state *rs = user;
  h2_conn *c = rs->grpc_conn;
  if (!c || !conn_shown(rs, c) || rs->o.type_mask) return;
  if (rs->o.stream_filter_set && r->stream != rs->o.stream_filter) return;
  frame_meta m;
  meta_for(rs, c, dir, &m);
  grpc_print(rs->out, &rs->o.po, &m, r, true);
}

bool read_sink_grpc_start(read_state *rs) {
  if (!rs->o.grpc) return true;
  rs->grpc =
      (grpc_consumer){.lim = rs->o.grpc_limits, .schema = rs->o.schema, .emit = on_grpc, .ctx = rs};
  body_consumer bc = grpc_body_consumer(&rs->grpc);
  return rs->talk.tracker && exchange_tracker_add_consumer(rs->talk.tracker, &bc);
}

/* A frame's lint, filter, report and printing (on_frame: out of line, so a
 * frame that needs none of them, as with -q --summary, does not pay for its
 * stack frame). */
__attribute__((noinline)) static void frame_outputs(read_state *rs, h2_conn *c, int dir,
                                                    const decoded_frame *d) {
  /* --html runs the linter for its findings (on every connection). */
  if ((rs->o.lint && (!rs->o.conn_filter || rs->o.conn_filter == c->flow->id)) || rs->report)
    lint_frame(rs, c, dir, d);
  /* The frame as a filter subject: for -Y, the stream facts and -T fields
   * only (without them every frame is selected). */
  filter_subject fs;
  const filter_subject *subject = NULL;
  bool selected = true;
  if (rs->filt.f || rs->filt.facts || rs->o.filt.fields) {
    filter_subject w = where_of(c, dir);
    selected = read_filter_frame(&rs->filt, &c->filter_conn, &w, d, &fs);
    subject = &fs;
  }
  if (rs->report && selected) read_report_frame(rs->report, c, dir, d);
  if (selected && rs->filt.f && rs->har) har_select(rs->har, c->flow->id, d->frame.hd.stream_id);
  uint8_t t = d->frame.hd.type <= H2_CONTINUATION ? d->frame.hd.type : 10;
  if (selected && conn_shown(rs, c) &&
      (!rs->o.stream_filter_set || d->frame.hd.stream_id == rs->o.stream_filter) &&
      (!rs->o.type_mask || (rs->o.type_mask & (1u << t)))) {
    if (subject && rs->o.filt.fields) {
      read_filter_fields_line(&rs->o.filt, rs->out, subject);
    } else {
      frame_meta m;
      meta_for(rs, c, dir, &m);
      m.pkt_first = d->pkt_first;
      m.pkt_last = d->pkt_last;
      m.file = d->pkt_file;
      frame_print(rs->out, &rs->o.po, &m, d);
    }
  }
}

/* The exchange tracker's part of a frame (out of line, as frame_outputs). */
__attribute__((noinline)) static void talk_frame(read_state *rs, h2_conn *c, int dir,
                                                 const decoded_frame *d) {
  rs->grpc_conn = c;
  read_talk_frame(&rs->talk, c, dir, d);
  rs->grpc_conn = NULL;
}

/* Whether on_frame has anything to do in this run: frame_outputs' work
 * or the exchange tracker's. The outputs are set up before the first
 * connection opens, so flow_open decides it once per connection and gives
 * h2_conn no on_frame at all without it (-q --summary alone). */
static bool frames_wanted(const read_state *rs) {
  return !rs->o.quiet || rs->o.lint || rs->report || rs->filt.f || rs->filt.facts ||
         rs->o.filt.fields || rs->talk.tracker;
}

static void on_frame(void *user, h2_conn *c, int dir, const decoded_frame *d) {
  read_state *rs = user;
  /* What frame_outputs does needs one of these (printing: not -q). */
  if (!rs->o.quiet || rs->o.lint || rs->report || rs->filt.f || rs->filt.facts || rs->o.filt.fields)
    frame_outputs(rs, c, dir, d);
  /* after the frame: what it completed (gRPC messages, body events,
   * exchanges) prints under it */
  if (rs->talk.tracker) talk_frame(rs, c, dir, d);
}

static void flow_notice(void *user, capture_flow *f, const char *kind, const char *message,
                        double ts);

static void on_event(void *user, h2_conn *c, int dir, const char *ev, uint64_t offset,
                     const char *msg, const event_data *data) {
  read_state *rs = user;
  /* A limit the output hides (-q, --exchanges) is counted as a result
   * notice: the first goes to standard error. */
  if (!strcmp(ev, "limit") && !event_shown(rs, c, dir, ev)) {
    flow_notice(rs, c->flow, "limit-memory", msg, c->ts);
    return;
  }
  if (c->sink_conn && !strcmp(ev, "gap")) {
    conn_view v = h2_conn_view(c);
    lint_conn_gap(c->sink_conn, &v, dir);
  }
  if (!strcmp(ev, "gap")) read_talk_gap(&rs->talk, c, dir);
  if (report_event_kept(rs, c, dir, ev))
    read_report_event(rs->report, c, dir, ev, offset, msg, data);
  if (!event_shown(rs, c, dir, ev)) return;
  /* Zero-window stalls: in text with --windows only. */
  if (!rs->o.po.json && !rs->o.po.windows && !strncmp(ev, "stall-", 6)) return;
  frame_meta m;
  meta_for(rs, c, dir, &m);
  event_print(rs->out, &rs->o.po, &m, ev, offset, msg, data);
}

static void on_upgrade(void *user, h2_conn *c, int dir, uint64_t offset, const char *msg,
                       const h2_upgrade_request *u) {
  read_state *rs = user;
  if (report_event_kept(rs, c, dir, "upgrade"))
    read_report_event(rs->report, c, dir, "upgrade", offset, msg, NULL);
  if (!event_shown(rs, c, dir, "upgrade")) return;
  frame_meta m;
  meta_for(rs, c, dir, &m);
  upgrade_event_print(rs->out, &rs->o.po, &m, offset, msg, u);
}

static void on_upgrade_request(void *user, h2_conn *c, const h2_header *fields, size_t count) {
  read_state *rs = user;
  read_talk_upgrade_request(&rs->talk, c, fields, count);
  read_filter_upgrade(&rs->filt, &c->filter_conn, FLOW_DIR_C2S, fields, count);
}

/* ---- flow consumer ---- */

/* Whether an output of this run may show a frame's packets or the windows
 * after it (decoded_frame's pkt_* and windows): printed frames (text #N,
 * JSON "pkt", --windows), --lint's findings and SARIF, --html, the exchanges
 * (--exchanges, --har, --export, --follow, --grpc), -Y, its stream facts and
 * -T fields. Only -q (--summary) without any of those shows neither. */
static bool frame_details_shown(const read_state *rs) {
  return !rs->o.quiet || rs->o.lint || rs->report || rs->sarif || rs->har || rs->talk.tracker ||
         read_talk_wanted(&rs->o.talk, rs->har) || rs->o.grpc || rs->filt.f || rs->filt.facts ||
         rs->o.filt.fields;
}

static void flow_open(void *user, capture_flow *f, double ts) {
  read_state *rs = user;
  if (rs->job_worker) {
    rs->first_ts = read_jobs_first_ts(f);
    rs->have_first_ts = true;
  } else if (!rs->have_first_ts) {
    rs->first_ts = ts;
    rs->have_first_ts = true;
  }
  conn_options co = {.force_h2 = port_forced(rs, f),
                     .max_header_list = rs->o.max_header_list,
                     .scratch = &rs->scratch,
                     .skip_frame_details = !frame_details_shown(rs)};
  read_sink sink = {.on_frame = frames_wanted(rs) ? on_frame : NULL,
                    .on_event = on_event,
                    .on_upgrade = on_upgrade,
                    .on_upgrade_request = on_upgrade_request,
                    .user = rs};
  h2_conn *c = h2_conn_new(f, &co, &sink, ts);
  f->user = c;
  if (!c) {
    char lost[160];
    snprintf(lost, sizeof lost, "out of memory: connection %u is not decoded", f->id);
    flow_notice(rs, f, "limit-memory", lost, ts);
  }
  char msg[200];
  snprintf(msg, sizeof msg, "%s -> %s%s", f->endpoint[0], f->endpoint[1],
           f->syn_seen ? "" : " (handshake not captured)");
  if (c && rs->report) read_report_open(rs->report, c, rs->first_ts, msg);
  if (c && event_shown(rs, c, FLOW_DIR_C2S, "connection")) {
    frame_meta m;
    meta_for(rs, c, FLOW_DIR_C2S, &m);
    m.pkt_last = f->pkt_last; /* the connection's first packet */
    m.file = f->pkt_file;
    event_print(rs->out, &rs->o.po, &m, "connection", 0, msg, NULL);
  }
}

static void flow_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                       size_t len, double ts) {
  read_state *rs = user;
  h2_conn *c = f->user;
  if (c && c->dir[0].bytes + c->dir[1].bytes == 0) {
    /* The first bytes: decrypted ones come after the handshake, so a TLS
     * connection's ALPN is known by now. */
    const tls_conn_info *tls = flow_tls(rs, f);
    if (tls && !strcmp(tls->alpn, "h2") && tls->client_dir >= 0)
      h2_conn_alpn_h2(c, tls->client_dir);
  }
  if (c) h2_conn_bytes(c, dir, offset, data, len, ts);
}

static void flow_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len,
                     double ts) {
  (void)user;
  if (f->user) h2_conn_gap(f->user, dir, offset, len, ts);
}

static const char *close_name(int reason) {
  switch (reason) {
  case FLOW_CLOSE_FIN:
    return "fin";
  case FLOW_CLOSE_RST:
    return "rst";
  case FLOW_CLOSE_IDLE:
    return "idle-timeout";
  case FLOW_CLOSE_EVICTED:
    return "evicted";
  case FLOW_CLOSE_REUSED:
    return "port-reused";
  default:
    return "end-of-capture";
  }
}

static void flow_close(void *user, capture_flow *f, int reason, double ts) {
  read_state *rs = user;
  h2_conn *c = f->user;
  if (!c) return;
  c->ts = ts;
  h2_conn_finish(c, ts);
  c->close_reason = close_name(reason);
  if (rs->o.lint || rs->report) lint_close(rs, c);
  rs->grpc_conn = c; /* gRPC records ended by the close print with it */
  read_talk_close(&rs->talk, c);
  rs->grpc_conn = NULL;
  bool close_shown = event_shown(rs, c, FLOW_DIR_C2S, "close");
  if (close_shown || rs->report) {
    frame_meta m;
    meta_for(rs, c, FLOW_DIR_C2S, &m);
    m.pkt_last = f->pkt_last; /* the flow's last packet (its FIN, RST, ...) */
    m.file = f->pkt_file;
    const tls_conn_info *tls = flow_tls(rs, f);
    char tls_text[256] = "";
    if (tls) {
      tls_text[0] = ',';
      tls_text[1] = ' ';
      tls_info_text(tls, tls_text + 2, sizeof tls_text - 2);
    }
    event_data data = {.kind = EVENT_DATA_CLOSE, .reason = c->close_reason, .tls = tls};
    char msg[512];
    snprintf(msg, sizeof msg, "(%s) %llu+%llu bytes, %llu+%llu frames, %u gaps%s", c->close_reason,
             (unsigned long long)h2_conn_flow_bytes(c, FLOW_DIR_C2S),
             (unsigned long long)h2_conn_flow_bytes(c, FLOW_DIR_S2C),
             (unsigned long long)c->dir[0].frames, (unsigned long long)c->dir[1].frames, c->gaps,
             tls_text);
    if (close_shown) event_print(rs->out, &rs->o.po, &m, "close", 0, msg, &data);
    if (report_event_kept(rs, c, FLOW_DIR_C2S, "close"))
      read_report_event(rs->report, c, FLOW_DIR_C2S, "close", 0, msg, &data);
  }
  /* the linter's counts of this connection, for its summary row */
  summary_lint sl = {.by_id = rs->o.lint ? rs->lint_by_id : NULL};
  memcpy(sl.counts, rs->lint_counts, sizeof sl.counts);
  const summary_lint *lint = rs->closed_linted ? &sl : NULL;
  if (rs->o.summary) {
    conn_totals totals;
    h2_conn_totals(c, &totals);
    if (rs->job_worker) {
      _Static_assert(sizeof(summary_row) <= READ_JOBS_ATTACH_MAX, "a row is one attachment");
      summary_row row;
      summary_row_of(&row, &totals, lint);
      read_jobs_attach(f, &row, sizeof row);
    } else {
      summary_add(&rs->summary, &totals, lint);
    }
  }
  read_filter_conn_free(&c->filter_conn);
  h2_conn_free(c);
  f->user = NULL;
}

/* Counts a notice; false when the output hides it (the result notices then
 * go to stderr, the first of each kind). */
static bool notice_count(read_state *rs, const char *kind, const char *message) {
  rs->notices++;
  if (!rs->o.quiet || rs->o.summary) return true;
  for (size_t i = 0; i < RESULT_NOTICES; i++) {
    if (!notice_kind_is(kind, result_notices[i])) continue;
    if (rs->hidden_notices[i]++ == 0) fprintf(stderr, "h2scope read: notice: %s\n", message);
    break;
  }
  return false;
}

static void notice_print(read_state *rs, capture_flow *f, const char *kind, const char *message,
                         double ts) {
  /* the connection's endpoints, client first as read decided */
  const h2_conn *c = f ? f->user : NULL;
  frame_meta m = {.conn = f ? f->id : 0,
                  .ts = ts,
                  .src = c   ? h2_conn_endpoint(c, FLOW_DIR_C2S)
                         : f ? f->endpoint[0]
                             : "",
                  .dst = c   ? h2_conn_endpoint(c, FLOW_DIR_S2C)
                         : f ? f->endpoint[1]
                             : "",
                  .pkt_last = f ? f->pkt_last : 0,
                  .file = f ? f->pkt_file : 0};
  if (!rs->o.po.json && !rs->o.abs_time && rs->have_first_ts) m.ts = ts - rs->first_ts;
  event_data data = {.kind = EVENT_DATA_KIND, .kind_id = kind};
  bool is_limit = !strncmp(kind, "limit-", 6);
  filter_subject w = {.conn = f ? f->id : 0, .dir = -1};
  if (rs->o.filt.fields || !read_filter_event(&rs->filt, &w, is_limit ? "limit" : "notice")) return;
  event_print(rs->out, &rs->o.po, f ? &m : NULL, is_limit ? "limit" : "notice", 0, message, &data);
}

static void flow_notice(void *user, capture_flow *f, const char *kind, const char *message,
                        double ts) {
  read_state *rs = user;
  if (rs->job_worker) {
    /* Counted while merging, in capture order (jobs_notice). */
    if (!rs->o.quiet || rs->o.summary) notice_print(rs, f, kind, message, ts);
    return;
  }
  if (notice_count(rs, kind, message)) notice_print(rs, f, kind, message, ts);
}

/* ---- -j: what the merging does for the workers (read_jobs.h) ---- */

static void jobs_notice(void *user, const char *kind, const char *message, double ts,
                        bool rendered_by_worker, bool have_first_ts, double first_ts) {
  read_state *rs = user;
  if (!notice_count(rs, kind, message) || rendered_by_worker) return;
  rs->have_first_ts = have_first_ts;
  rs->first_ts = first_ts;
  notice_print(rs, NULL, kind, message, ts);
}

/* A worker's attachment is the summary row of a connection it closed. */
static void jobs_summary_row(void *user, const void *data, size_t len) {
  read_state *rs = user;
  if (len != sizeof(summary_row)) return;
  summary_row row;
  memcpy(&row, data, sizeof row);
  summary_add_row(&rs->summary, &row);
}

/* ---- live capture ---- */

static void live_flush(void *user) {
  read_state *rs = user;
  if (rs->out->len) out_flush(rs->out);
}

/* The kernel dropped packets: said on stderr (seen even with -q or output
 * in a file) and, with --json, as an event in the stream. */
static void live_drops(void *user, uint64_t dropped, uint64_t if_dropped, uint64_t added,
                       double ts) {
  read_state *rs = user;
  fprintf(stderr,
          "h2scope read: the kernel dropped %llu packets (%llu by the interface), %llu new: "
          "expect gaps (a larger -B helps)\n",
          (unsigned long long)dropped, (unsigned long long)if_dropped, (unsigned long long)added);
  if (!rs->o.po.json || (rs->o.quiet && !rs->o.summary) || rs->o.filt.fields ||
      !read_filter_event(&rs->filt, &(filter_subject){.dir = -1}, "capture-drops"))
    return;
  event_data data = {.kind = EVENT_DATA_DROPS,
                     .ts = ts,
                     .dropped = dropped,
                     .if_dropped = if_dropped,
                     .added = added};
  char msg[160];
  snprintf(msg, sizeof msg, "the kernel dropped %llu packets since the start: expect gaps",
           (unsigned long long)(dropped + if_dropped));
  event_print(rs->out, &rs->o.po, NULL, "capture-drops", 0, msg, &data);
}

flow_consumer read_sink_consumer(read_state *rs) {
  return (flow_consumer){.user = rs,
                         .on_open = flow_open,
                         .on_bytes = flow_bytes,
                         .on_gap = flow_gap,
                         .on_close = flow_close,
                         .on_notice = flow_notice};
}

capture_live_hooks read_sink_live_hooks(read_state *rs) {
  return (capture_live_hooks){.user = rs, .on_flush = live_flush, .on_drops = live_drops};
}

read_jobs_hooks read_sink_jobs_hooks(read_state *rs) {
  return (read_jobs_hooks){.user = rs, .on_notice = jobs_notice, .on_attachment = jobs_summary_row};
}

void read_sink_hidden_notices(const read_state *rs) {
  for (size_t i = 0; i < RESULT_NOTICES; i++)
    if (rs->hidden_notices[i] > 1)
      fprintf(stderr, "h2scope read: %llu more %s notices\n",
              (unsigned long long)rs->hidden_notices[i] - 1, result_notices[i]);
}
