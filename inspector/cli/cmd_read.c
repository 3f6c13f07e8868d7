/* cmd_read.c — `h2scope read`: every HTTP/2 conversation in a capture (pcap,
 * pcapng, stdin, live interface), both directions, frame by frame, as text
 * or JSON Lines, with filters, HPACK details, redaction and a summary; with
 * --lint, the findings of the observer (lint_conn.h) instead of the frames. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_files.h"
#include "capture_run.h"
#include "cli_args.h"
#include "commands.h"
#include "frame_print.h"
#include "h2_conn.h"
#include "har_write.h"
#include "json_write.h"
#include "keylog.h"
#include "lint_conn.h"
#include "out_buf.h"
#include "read_jobs.h"
#include "read_report.h"
#include "sarif_write.h"
#include "summary.h"
#include "tlsdec_filter.h"
#include "tlsdec_pcapng.h"

/* The h2cli library is built without the project version (main.c has it). */
#ifdef H2SCOPE_VERSION
#define H2SCOPE_TOOL_VERSION H2SCOPE_VERSION
#else
#define H2SCOPE_TOOL_VERSION "0.1.0"
#endif

static const char usage[] =
    "usage: h2scope read FILE...|DIR|- [options]\n"
    "       h2scope read -i IFACE [BPF filter] [options]\n"
    "Decodes every HTTP/2 connection of a pcap/pcapng capture (or a live capture):\n"
    "TCP reassembly, HTTP/2 detection (prior-knowledge preface on any port,\n"
    "HTTP/1.1 Upgrade: h2c, CONNECT tunnels, mid-connection starts), every frame of\n"
    "both directions with its fields and decoded header lists.\n"
    "Several files (or a directory of them: a rotating set written by tcpdump,\n"
    "dumpcap or editcap) are read in the time order of their first packets as one\n"
    "capture.\n"
    "\n"
    "Output:\n"
    "  --json               JSON Lines: one object per frame or event (\"v\":1)\n"
    "  -q, --quiet          no per-frame output (still decodes everything)\n"
    "  --summary            a per-connection table at the end (JSON with --json)\n"
    "  --hpack              per header field: representation, index, table changes\n"
    "  --data none|text|hex DATA payload preview (default none)\n"
    "  --data-max SIZE      preview bytes (default 64)\n"
    "  --har FILE           write the request/response exchanges as HAR 1.2 to FILE\n"
    "  --redact             hide authorization, cookie, set-cookie, proxy-authorization\n"
    "                       and never-indexed values\n"
    "  -t a|r, --abs-time   absolute timestamps in text output (default: relative)\n"
    "  --color[=WHEN]       colour text output: always, never or auto (default: auto,\n"
    "                       when stdout is a terminal and NO_COLOR is not set)\n"
    "  --no-color           the same as --color=never\n"
    "Lint (docs/lint.md):\n"
    "  --lint               judge every connection: RFC 9113 violations by either peer and\n"
    "                       abusive patterns (rapid-reset, ...), one finding per line (JSON\n"
    "                       Lines with --json) instead of the frames; exit 1 on any error\n"
    "  --lint-threshold NAME=VALUE  a pattern threshold (repeatable; names in docs/lint.md)\n"
    "  --lint-max N         findings of each id shown per connection (default 1000; all\n"
    "                       are counted; attack patterns are always shown)\n"
    "  --sarif FILE         also write the findings as SARIF 2.1.0 (implies --lint)\n"
    "Filters (output only; everything is still decoded):\n"
    "  --conn N             only connection N (1-based, in order of first packet)\n"
    "  --stream N           only frames of stream N\n"
    "  --type T1,T2,...     only these frame types (names as in RFC 9113, e.g. HEADERS)\n"
    "Detection:\n"
    "  --port N             treat TCP port N as HTTP/2 even without a preface (repeatable)\n"
    "TLS (detected on any port; decrypted when the key log has the secrets):\n"
    "  --keylog FILE        NSS key log (SSLKEYLOGFILE) with TLS 1.2/1.3 secrets (repeatable);\n"
    "                       keys in pcapng Decryption Secrets Blocks are used as well\n"
    "Limits:\n"
    "  --max-connections N  connections tracked at once (default 65536)\n"
    "  --max-ooo-bytes SIZE out-of-order bytes buffered per direction (default 4M)\n"
    "  --idle-timeout DURATION  capture time before a silent connection is closed\n"
    "                       (default 300s)\n"
    "  --max-header-list SIZE  decoded header list limit (default 256k)\n"
    "  --max-packets N      stop after N packets\n"
    "Speed:\n"
    "  -j N, --jobs N       decode connections on N threads (1 to 64; default: the\n"
    "                       cores available, at most 8); the output is the same as\n"
    "                       with -j 1. One thread for -i, stdin, --har and --sarif\n"
    "Live capture (-i):\n"
    "  -B, --buffer-size SIZE  kernel capture buffer in KiB, or with a suffix k, M, G\n"
    "                       (64k to 1g; default 32M)\n"
    "  --immediate          hand over every packet at once (default: when stdout is a\n"
    "                       terminal and not -q); otherwise in blocks, output every 200 ms\n"
    "  -h, --help           this help\n"
    "\n"
    "SIZE takes k, M or G (1024-based); DURATION takes ms, s or m (default s).\n"
    "FILE - is standard output; the frames (or findings) then go to stderr.\n"
    "\n"
    "Exit status: 0 ok (protocol errors in the capture are output, not failures),\n"
    "1 with --lint: an error finding, 2 usage error, 3 the capture cannot be read\n"
    "or an output file cannot be written.\n";

#define MAX_PORTS 32

typedef struct read_opts {
  print_options po;
  bool quiet, summary, abs_time;
  bool quiet_asked; /* -q itself (--lint also sets quiet: findings instead of frames) */
  uint32_t conn_filter, stream_filter;
  bool stream_filter_set;
  uint32_t type_mask; /* bit t: type t (bit 10: extension types); 0 = all */
  uint16_t ports[MAX_PORTS];
  int nports;
  uint32_t max_header_list;
  bool lint;
  h2_observer_limits lint_limits;
  uint32_t lint_max_findings; /* printed per id and connection; 0: LINT_MAX_FINDINGS */
} read_opts;

/* Notices after which the output means less than it seems to (packets,
 * bytes or connections were not analysed: "0 connections" may only mean
 * "link type not supported"). -q and --lint hide notices from the output;
 * these still go to stderr. A trailing * matches a prefix. */
static const char *const result_notices[] = {
    "unsupported-linktype", "truncated-packet", "capture-file-error", "capture-error",
    "capture-dropped",      "limit-*",          "tls-no-keys",        "tls-decrypt-failed"};
#define RESULT_NOTICES (sizeof result_notices / sizeof *result_notices)

static bool notice_kind_is(const char *kind, const char *pattern) {
  size_t n = strlen(pattern);
  return pattern[n - 1] == '*' ? !strncmp(kind, pattern, n - 1) : !strcmp(kind, pattern);
}

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
  report_writer *report;
  const char *capture_name;
  uint64_t lint_errors; /* error findings over all connections */
  /* The findings by catalogue index of the connection being closed, for
   * its summary row. */
  uint32_t lint_by_id[H2_OBSERVER_RULE_MAX + 1];
  uint64_t lint_conns, lint_frames, lint_findings; /* for "no findings (...)" */
  /* Notices that change what the output means, written to stderr when the
   * output hides notices: how many of each kind (the first is written). */
  uint64_t hidden_notices[RESULT_NOTICES];
  /* -j: this state is a worker's (read_jobs.h): its flows are detached
   * copies, notices are counted and summary rows added by the merging
   * thread, in capture order. */
  bool job_worker;
} read_state;

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
  m->conn = c->flow->id;
  m->ts = rs->o.po.json || rs->o.abs_time ? c->ts : c->ts - rs->first_ts;
  m->src = c->flow->endpoint[dir];
  m->dst = c->flow->endpoint[!dir];
  m->dir = dir;
}

static bool conn_shown(const read_state *rs, const h2_conn *c) {
  return !rs->o.quiet && (!rs->o.conn_filter || rs->o.conn_filter == c->flow->id);
}

/* The connection's linter, made at its first frame (roles known by then). */
static void lint_frame(read_state *rs, h2_conn *c, int dir, const decoded_frame *d) {
  if (!c->sink_conn && !c->linted) {
    lint_options lo = {.limits = rs->o.lint_limits,
                       .json = rs->o.po.json,
                       .abs_time = rs->o.abs_time,
                       .color = rs->o.po.color,
                       .first_ts = rs->first_ts,
                       .max_findings = rs->o.lint_max_findings,
                       .out = rs->o.lint ? rs->out : NULL,
                       .json_copy = rs->report ? report_findings_out(rs->report) : NULL,
                       .sarif = rs->sarif,
                       .artifact = rs->capture_name};
    c->sink_conn = lint_conn_new(&lo, c);
    c->linted = true;
  }
  if (c->sink_conn) lint_conn_frame(c->sink_conn, c, dir, d);
}

static void lint_close(read_state *rs, h2_conn *c) {
  memset(rs->lint_by_id, 0, sizeof rs->lint_by_id);
  if (!c->sink_conn) return;
  lint_conn_finish(c->sink_conn, c, c->lint_counts, rs->lint_by_id);
  rs->lint_conns++;
  rs->lint_frames += c->dir[0].frames + c->dir[1].frames;
  rs->lint_findings += (uint64_t)c->lint_counts[0] + c->lint_counts[1] + c->lint_counts[2];
  rs->lint_errors += c->lint_counts[0];
  lint_conn_free(c->sink_conn);
  c->sink_conn = NULL;
}

static void on_frame(void *user, h2_conn *c, int dir, const decoded_frame *d) {
  read_state *rs = user;
  if ((rs->o.lint && (!rs->o.conn_filter || rs->o.conn_filter == c->flow->id)) || rs->report)
    lint_frame(rs, c, dir, d);
  if (rs->har) har_frame(rs->har, c, dir, d);
  if (rs->report) read_report_frame(rs->report, c, dir, d);
  if (!conn_shown(rs, c)) return;
  if (rs->o.stream_filter_set && d->frame.hd.stream_id != rs->o.stream_filter) return;
  uint8_t t = d->frame.hd.type <= H2_CONTINUATION ? d->frame.hd.type : 10;
  if (rs->o.type_mask && !(rs->o.type_mask & (1u << t))) return;
  frame_meta m;
  meta_for(rs, c, dir, &m);
  frame_print(rs->out, &rs->o.po, &m, d);
}

static void on_event(void *user, h2_conn *c, int dir, const char *ev, uint64_t offset,
                     const char *msg, const char *extra_json, const char *text_extra) {
  read_state *rs = user;
  if (c->sink_conn && !strcmp(ev, "gap")) lint_conn_gap(c->sink_conn, c, dir);
  if (rs->report) read_report_event(rs->report, c, dir, ev, offset, msg, extra_json);
  if (!conn_shown(rs, c) || rs->o.stream_filter_set || rs->o.type_mask) return;
  frame_meta m;
  meta_for(rs, c, dir, &m);
  event_print(rs->out, &rs->o.po, &m, ev, offset, msg, extra_json);
  if (!rs->o.po.json && text_extra) {
    out_puts(rs->out, text_extra);
    out_putc(rs->out, '\n');
  }
}

static void on_upgrade(void *user, h2_conn *c, int dir, uint64_t offset, const char *msg,
                       const h2_upgrade_request *u) {
  read_state *rs = user;
  if (rs->report) read_report_event(rs->report, c, dir, "upgrade", offset, msg, NULL);
  if (!conn_shown(rs, c) || rs->o.stream_filter_set || rs->o.type_mask) return;
  frame_meta m;
  meta_for(rs, c, dir, &m);
  upgrade_event_print(rs->out, &rs->o.po, &m, offset, msg, u);
}

static void on_upgrade_request(void *user, h2_conn *c, const h2_header *fields, size_t count) {
  read_state *rs = user;
  if (rs->har) har_upgrade_request(rs->har, c, fields, count);
}

/* ---- flow consumer ---- */

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
                     .scratch = &rs->scratch};
  read_sink sink = {.on_frame = on_frame,
                    .on_event = on_event,
                    .on_upgrade = on_upgrade,
                    .on_upgrade_request = on_upgrade_request,
                    .user = rs};
  h2_conn *c = h2_conn_new(f, &co, &sink, ts);
  f->user = c;
  char msg[200];
  snprintf(msg, sizeof msg, "%s -> %s%s", f->endpoint[0], f->endpoint[1],
           f->syn_seen ? "" : " (handshake not captured)");
  if (c && rs->report) read_report_open(rs->report, c, rs->first_ts, msg);
  if (c && conn_shown(rs, c) && !rs->o.stream_filter_set && !rs->o.type_mask) {
    frame_meta m;
    meta_for(rs, c, FLOW_DIR_C2S, &m);
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
  bool close_shown = conn_shown(rs, c) && !rs->o.stream_filter_set && !rs->o.type_mask;
  if (close_shown || rs->report) {
    frame_meta m;
    meta_for(rs, c, FLOW_DIR_C2S, &m);
    const tls_conn_info *tls = flow_tls(rs, f);
    char tls_text[256] = "", tls_json[512] = "";
    if (tls) {
      tls_text[0] = ',';
      tls_text[1] = ' ';
      tls_conn_info_describe(tls, tls_text + 2, sizeof tls_text - 2, tls_json, sizeof tls_json);
    }
    char extra[640];
    snprintf(extra, sizeof extra, ",\"reason\":\"%s\"%s", c->close_reason, tls_json);
    char msg[512];
    snprintf(msg, sizeof msg, "(%s) %llu+%llu bytes, %llu+%llu frames, %u gaps%s", c->close_reason,
             (unsigned long long)f->bytes[0], (unsigned long long)f->bytes[1],
             (unsigned long long)c->dir[0].frames, (unsigned long long)c->dir[1].frames, c->gaps,
             tls_text);
    if (close_shown) event_print(rs->out, &rs->o.po, &m, "close", 0, msg, extra);
    if (rs->report) read_report_event(rs->report, c, FLOW_DIR_C2S, "close", 0, msg, extra);
  }
  if (rs->o.summary && rs->job_worker) {
    summary_row row;
    summary_row_of(&row, c, rs->o.lint ? rs->lint_by_id : NULL);
    read_jobs_attach(f, &row, sizeof row);
  } else if (rs->o.summary) {
    summary_add(&rs->summary, c, rs->o.lint ? rs->lint_by_id : NULL);
  }
  if (rs->har) har_conn_close(rs->har, c);
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
  frame_meta m = {.conn = f ? f->id : 0,
                  .ts = ts,
                  .src = f ? f->endpoint[0] : "",
                  .dst = f ? f->endpoint[1] : ""};
  if (!rs->o.po.json && !rs->o.abs_time && rs->have_first_ts) m.ts = ts - rs->first_ts;
  char extra[96];
  snprintf(extra, sizeof extra, ",\"kind\":\"%s\"", kind);
  bool is_limit = !strncmp(kind, "limit-", 6);
  event_print(rs->out, &rs->o.po, f ? &m : NULL, is_limit ? "limit" : "notice", 0, message, extra);
}

static void flow_notice(void *user, capture_flow *f, const char *kind, const char *message,
                        double ts) {
  read_state *rs = user;
  if (rs->job_worker) {
    /* Counted by the merging thread (jobs_notice). */
    if (!rs->o.quiet || rs->o.summary) notice_print(rs, f, kind, message, ts);
    return;
  }
  if (notice_count(rs, kind, message)) notice_print(rs, f, kind, message, ts);
}

/* ---- -j: what the merging thread does for the workers (read_jobs.h) ---- */

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

/* The worker states of -j N: each a copy of the options with its own
 * output, header scratch and lint totals. */
typedef struct read_workers {
  unsigned n;
  read_state *rs;
  out_buf *out;
  read_jobs *jobs;
} read_workers;

static void read_workers_free(read_workers *w) {
  read_jobs_free(w->jobs);
  for (unsigned i = 0; w->rs && i < w->n; i++)
    header_scratch_free(&w->rs[i].scratch);
  free(w->rs);
  free(w->out);
  memset(w, 0, sizeof *w);
}

static bool read_workers_start(read_workers *w, unsigned n, read_state *main_rs) {
  memset(w, 0, sizeof *w);
  w->rs = calloc(n, sizeof *w->rs);
  w->out = calloc(n, sizeof *w->out);
  if (!w->rs || !w->out) {
    read_workers_free(w);
    return false;
  }
  w->n = n;
  read_jobs_worker specs[READ_JOBS_MAX];
  for (unsigned i = 0; i < n; i++) {
    read_state *rs = &w->rs[i];
    rs->o = main_rs->o;
    rs->job_worker = true;
    rs->capture_name = main_rs->capture_name;
    out_init(&w->out[i], -1);
    rs->out = &w->out[i];
    if (header_scratch_init(&rs->scratch, rs->o.max_header_list) != 0) {
      read_workers_free(w);
      return false;
    }
    specs[i] = (read_jobs_worker){.consumer = {.user = rs,
                                               .on_open = flow_open,
                                               .on_bytes = flow_bytes,
                                               .on_gap = flow_gap,
                                               .on_close = flow_close,
                                               .on_notice = flow_notice},
                                  .out = &w->out[i]};
  }
  read_jobs_hooks hooks = {
      .user = main_rs, .on_notice = jobs_notice, .on_attachment = jobs_summary_row};
  w->jobs = read_jobs_new(n, specs, &hooks, main_rs->out);
  if (!w->jobs) {
    read_workers_free(w);
    return false;
  }
  return true;
}

/* The lint totals of the workers (sums: the order does not matter). */
static void read_workers_totals(const read_workers *w, read_state *rs) {
  for (unsigned i = 0; i < w->n; i++) {
    rs->lint_conns += w->rs[i].lint_conns;
    rs->lint_frames += w->rs[i].lint_frames;
    rs->lint_findings += w->rs[i].lint_findings;
    rs->lint_errors += w->rs[i].lint_errors;
  }
}

/* -j's default: one worker per core available, at most READ_DEFAULT_JOBS:
 * reading, reassembly and writing stay on one thread and take a tenth of
 * the work or more, so beyond about eight workers that thread is the limit. */
enum { READ_DEFAULT_JOBS = 8 };
static uint32_t default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) return 1;
  return n > READ_DEFAULT_JOBS ? READ_DEFAULT_JOBS : (uint32_t)n;
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
  if (!rs->o.po.json || (rs->o.quiet && !rs->o.summary)) return;
  char extra[200], msg[160];
  snprintf(extra, sizeof extra,
           ",\"ts\":%.6f,\"dropped\":%llu,\"interface_dropped\":%llu,\"new\":%llu", ts,
           (unsigned long long)dropped, (unsigned long long)if_dropped, (unsigned long long)added);
  snprintf(msg, sizeof msg, "the kernel dropped %llu packets since the start: expect gaps",
           (unsigned long long)(dropped + if_dropped));
  event_print(rs->out, &rs->o.po, NULL, "capture-drops", 0, msg, extra);
}

/* ---- options ---- */

static int parse_types(const char *prog, const char *list, uint32_t *mask) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", list);
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    int t = h2_frame_type_from_name(tok);
    if (t < 0 && !strcasecmp(tok, "UNKNOWN")) t = 10;
    if (t < 0) return cli_usage_error(prog, "unknown frame type '%s'", tok);
    *mask |= 1u << t;
  }
  return 0;
}

/* Options without a short form (cmd_read's switch). */
enum {
  OPT_JSON = CLI_LONG_ONLY,
  OPT_SUMMARY,
  OPT_LINT,
  OPT_SARIF,
  OPT_LINT_MAX,
  OPT_LINT_THRESHOLD,
  OPT_HPACK,
  OPT_HAR,
  OPT_REDACT,
  OPT_ABS_TIME,
  OPT_COLOR,
  OPT_NO_COLOR,
  OPT_DATA,
  OPT_DATA_MAX,
  OPT_CONN,
  OPT_STREAM,
  OPT_TYPE,
  OPT_PORT,
  OPT_MAX_CONNECTIONS,
  OPT_MAX_OOO,
  OPT_IDLE_TIMEOUT,
  OPT_MAX_HEADER_LIST,
  OPT_MAX_PACKETS,
  OPT_KEYLOG,
  OPT_IMMEDIATE,
  OPT_HTML,
  OPT_HTML_MAX_FRAMES,
  OPT_HTML_DETAILS,
  OPT_HTML_MAX_LANES,
};

static const struct option read_options[] = {
    CLI_OPTION_HELP,
    {"json", no_argument, NULL, OPT_JSON},
    {"quiet", no_argument, NULL, 'q'},
    {"summary", no_argument, NULL, OPT_SUMMARY},
    {"lint", no_argument, NULL, OPT_LINT},
    {"sarif", required_argument, NULL, OPT_SARIF},
    {"lint-max", required_argument, NULL, OPT_LINT_MAX},
    {"lint-threshold", required_argument, NULL, OPT_LINT_THRESHOLD},
    {"hpack", no_argument, NULL, OPT_HPACK},
    {"har", required_argument, NULL, OPT_HAR},
    {"redact", no_argument, NULL, OPT_REDACT},
    {"abs-time", no_argument, NULL, OPT_ABS_TIME},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"data", required_argument, NULL, OPT_DATA},
    {"data-max", required_argument, NULL, OPT_DATA_MAX},
    {"conn", required_argument, NULL, OPT_CONN},
    {"stream", required_argument, NULL, OPT_STREAM},
    {"type", required_argument, NULL, OPT_TYPE},
    {"port", required_argument, NULL, OPT_PORT},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
    {"max-ooo-bytes", required_argument, NULL, OPT_MAX_OOO},
    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
    {"max-header-list", required_argument, NULL, OPT_MAX_HEADER_LIST},
    {"max-packets", required_argument, NULL, OPT_MAX_PACKETS},
    {"keylog", required_argument, NULL, OPT_KEYLOG},
    {"buffer-size", required_argument, NULL, 'B'},
    {"immediate", no_argument, NULL, OPT_IMMEDIATE},
    {"html", required_argument, NULL, OPT_HTML},
    {"html-max-frames", required_argument, NULL, OPT_HTML_MAX_FRAMES},
    {"html-details", required_argument, NULL, OPT_HTML_DETAILS},
    {"html-max-lanes", required_argument, NULL, OPT_HTML_MAX_LANES},
    {"jobs", required_argument, NULL, 'j'},
    {NULL, 0, NULL, 0},
};

/* One run's state: large (the summary table, the scratch, the output
 * buffer), so it lives on the heap, not in statics. */
typedef struct read_run {
  read_state rs;
  keylog keys;
  out_buf out;
} read_run;

static int read_main(int argc, char **argv, read_run *run) {
  const char *prog = "h2scope read";
  read_state *rs = &run->rs;
  capture_options co;
  capture_options_default(&co);
  int color_when = -1;
  keylog *keys = &run->keys;
  keylog_init(keys);
  const char *har_path = NULL;
  const char *sarif_path = NULL;
  const char *html_path = NULL;
  read_report_limits html = {0};
  h2_observer_limits_default(&rs->o.lint_limits);
  bool immediate = false;
  uint32_t jobs = 0; /* 0: the cores available */
  cli_parser p;
  cli_parser_init(&p, prog, usage, "qt:i:B:j:", read_options, argc, argv);
  for (int opt; (opt = cli_next(&p)) != CLI_END;) {
    uint32_t v;
    bool ok = true;
    switch (opt) {
    case CLI_EXIT:
      ok = false;
      break;
    case OPT_JSON:
      rs->o.po.json = true;
      break;
    case 'q':
      rs->o.quiet = rs->o.quiet_asked = true;
      break;
    case OPT_SUMMARY:
      rs->o.summary = true;
      break;
    case OPT_LINT:
      rs->o.lint = true;
      break;
    case OPT_SARIF:
      rs->o.lint = true;
      sarif_path = p.arg;
      break;
    case OPT_LINT_MAX:
      rs->o.lint = true;
      ok = cli_u32(&p, 1, UINT32_MAX, &rs->o.lint_max_findings);
      break;
    case OPT_LINT_THRESHOLD: {
      char terr[160];
      rs->o.lint = true;
      if (!lint_parse_threshold(&rs->o.lint_limits, p.arg, terr, sizeof terr))
        ok = false, p.status = cli_error(&p, "%s", terr);
      break;
    }
    case OPT_HPACK:
      rs->o.po.hpack = true;
      break;
    case OPT_HAR:
      har_path = p.arg;
      break;
    case OPT_REDACT:
      rs->o.po.redact = true;
      break;
    case OPT_ABS_TIME:
      rs->o.abs_time = true;
      break;
    case 't':
      if (strcmp(p.arg, "a") && strcmp(p.arg, "r"))
        ok = false,
        p.status = cli_error(&p, "-t takes a (absolute) or r (relative), not '%s'", p.arg);
      rs->o.abs_time = !strcmp(p.arg, "a");
      break;
    case OPT_COLOR:
    case OPT_NO_COLOR:
      ok = cli_color_when(&p, opt == OPT_NO_COLOR, &color_when);
      break;
    case OPT_DATA:
      if (!strcmp(p.arg, "none"))
        rs->o.po.data = PRINT_DATA_NONE;
      else if (!strcmp(p.arg, "text"))
        rs->o.po.data = PRINT_DATA_TEXT;
      else if (!strcmp(p.arg, "hex"))
        rs->o.po.data = PRINT_DATA_HEX;
      else
        ok = false, p.status = cli_error(&p, "--data takes none, text or hex, not '%s'", p.arg);
      break;
    case OPT_DATA_MAX:
      ok = cli_size32(&p, 1, 1u << 24, &rs->o.po.data_max);
      break;
    case OPT_CONN:
      ok = cli_u32(&p, 1, UINT32_MAX, &rs->o.conn_filter);
      break;
    case OPT_STREAM:
      ok = cli_u32(&p, 0, 0x7fffffff, &rs->o.stream_filter);
      rs->o.stream_filter_set = true;
      break;
    case OPT_TYPE:
      if (parse_types(prog, p.arg, &rs->o.type_mask)) ok = false, p.status = EXIT_USAGE;
      break;
    case OPT_PORT:
      ok = cli_u32(&p, 1, 65535, &v);
      if (ok && rs->o.nports == MAX_PORTS)
        ok = false, p.status = cli_error(&p, "at most %d --port options", MAX_PORTS);
      if (ok) rs->o.ports[rs->o.nports++] = (uint16_t)v;
      break;
    case OPT_MAX_CONNECTIONS:
      ok = cli_u32(&p, 1, 1u << 24, &co.limits.max_connections);
      break;
    case OPT_MAX_OOO:
      ok = cli_size32(&p, 0, 1u << 30, &co.limits.max_ooo_bytes);
      break;
    case OPT_IDLE_TIMEOUT:
      ok = cli_duration(&p, 0.001, 1u << 30, &co.limits.idle_timeout);
      break;
    case OPT_MAX_HEADER_LIST:
      ok = cli_size32(&p, 64, 1u << 28, &rs->o.max_header_list);
      break;
    case OPT_MAX_PACKETS:
      ok = cli_u32(&p, 1, UINT32_MAX, &v);
      co.max_packets = v;
      break;
    case OPT_KEYLOG: {
      char kerr[512];
      if (keylog_load_file(keys, p.arg, kerr, sizeof kerr) != 0) {
        fprintf(stderr, "%s: %s\n", prog, kerr);
        ok = false;
        p.status = EXIT_INPUT;
      }
      break;
    }
    case 'i':
      co.iface = p.arg;
      break;
    case 'B': { /* KiB like tcpdump's -B, or with a unit; 64 KiB to 1 GiB */
      uint64_t bytes = 0;
      ok = cli_size_in(&p, 1024, 64 << 10, 1 << 30, &bytes);
      co.buffer_size = (uint32_t)bytes;
      break;
    }
    case OPT_IMMEDIATE:
      immediate = true;
      break;
    case OPT_HTML:
      html_path = p.arg;
      break;
    case OPT_HTML_MAX_FRAMES:
      ok = cli_u32(&p, 1, UINT32_MAX, &v);
      html.max_frames = v;
      break;
    case OPT_HTML_DETAILS:
      ok = cli_u32(&p, 0, UINT32_MAX, &v);
      html.max_details = v;
      html.details_set = true;
      break;
    case OPT_HTML_MAX_LANES:
      ok = cli_u32(&p, 1, 100000, &html.max_lanes);
      break;
    case 'j':
      ok = cli_u32(&p, 1, READ_JOBS_MAX, &jobs);
      break;
    }
    if (!ok) {
      keylog_free(keys);
      return p.status;
    }
  }
  /* Operands: capture files (any number, or a directory of them), or -i's
   * filter. */
  const char *const *inputs = (const char *const *)argv + cli_operands(&p);
  size_t ninputs = (size_t)(argc - cli_operands(&p));
  if ((co.iface && ninputs > 1) || (!co.iface && ninputs == 0)) {
    keylog_free(keys);
    if (co.iface) return cli_error(&p, "unexpected argument '%s'", inputs[1]);
    return cli_error(&p, "a capture file, - for stdin, or -i IFACE is needed");
  }
  if (co.iface && ninputs == 1) co.bpf = inputs[0];
  /* Output files are checked before the capture is read; "-" is standard
   * output, and then the frames (or findings, summary) go to stderr. */
  bool out_taken = (har_path && !strcmp(har_path, "-")) || (sarif_path && !strcmp(sarif_path, "-"));
  if (har_path && sarif_path && !strcmp(har_path, "-") && !strcmp(sarif_path, "-")) {
    keylog_free(keys);
    return cli_error(&p, "--har and --sarif cannot both be '-' (standard output)");
  }
  if ((har_path && !cli_output_writable(prog, "--har", har_path)) ||
      (sarif_path && !cli_output_writable(prog, "--sarif", sarif_path))) {
    keylog_free(keys);
    return EXIT_INPUT;
  }
  int out_fd = out_taken ? STDERR_FILENO : STDOUT_FILENO;
  rs->o.po.color = !rs->o.po.json && cli_use_color(color_when, out_fd);
  capture_file_set files = {0};
  if (!co.iface) {
    char ferr[1024];
    if (capture_file_set_build(&files, inputs, ninputs, ferr, sizeof ferr) != 0) {
      fprintf(stderr, "%s: %s\n", prog, ferr);
      keylog_free(keys);
      return EXIT_INPUT;
    }
    co.files = (const char *const *)files.paths;
    co.nfiles = files.count;
  }
  /* Frames as they come only for a person watching; a busy capture gets
   * its packets in blocks (capture_run.h). */
  co.immediate = immediate || (co.iface && !rs->o.quiet && isatty(STDOUT_FILENO));
  if (header_scratch_init(&rs->scratch, rs->o.max_header_list) != 0) {
    fprintf(stderr, "%s: out of memory\n", prog);
    capture_file_set_free(&files);
    return EXIT_INPUT;
  }
  if (rs->o.lint) rs->o.quiet = true; /* findings instead of frames */
  rs->capture_name = co.iface ? co.iface : inputs[0];
  if (sarif_path) {
    rs->sarif = sarif_open(sarif_path, H2SCOPE_TOOL_VERSION);
    if (!rs->sarif) {
      fprintf(stderr, "%s: %s: %s\n", prog, sarif_path, strerror(errno));
      header_scratch_free(&rs->scratch);
      keylog_free(keys);
      capture_file_set_free(&files);
      return EXIT_INPUT;
    }
    lint_sarif_rules(rs->sarif);
  }
  if (html_path) {
    char herr[256];
    report_options ro = {.max_frames = html.max_frames,
                         .max_details = html.details_set ? html.max_details : REPORT_MAX_DETAILS,
                         .max_lanes = html.max_lanes,
                         .redact = rs->o.po.redact,
                         .title = rs->capture_name};
    rs->report = report_open(html_path, &ro, herr, sizeof herr);
    if (!rs->report) {
      fprintf(stderr, "%s: %s\n", prog, herr);
      header_scratch_free(&rs->scratch);
      keylog_free(keys);
      capture_file_set_free(&files);
      return EXIT_INPUT;
    }
  }
  if (har_path) {
    char herr[256];
    rs->har = har_open(har_path, rs->o.po.redact, herr, sizeof herr);
    if (!rs->har) {
      fprintf(stderr, "%s: %s\n", prog, herr);
      header_scratch_free(&rs->scratch);
      keylog_free(keys);
      capture_file_set_free(&files);
      return EXIT_INPUT;
    }
  }
  out_buf *out = &run->out;
  out_init(out, out_fd);
  rs->out = out;
  summary_init(&rs->summary);
  flow_consumer fc = {.user = rs,
                      .on_open = flow_open,
                      .on_bytes = flow_bytes,
                      .on_gap = flow_gap,
                      .on_close = flow_close,
                      .on_notice = flow_notice};
  capture_stats stats;
  char err[512] = "";
  size_t dsb_blocks = 0;
  /* keys a pcapng file carries itself (libpcap skips those blocks) */
  for (size_t f = 0; f < files.count; f++)
    (void)tlsdec_pcapng_read_secrets(files.paths[f], keys, &dsb_blocks, err, sizeof err);
  err[0] = '\0';
  rs->live = co.iface != NULL;
  bool from_stdin = files.count == 1 && !strcmp(files.paths[0], "-");
  /* Live (an interface, or a capture streamed on stdin): the programs being
   * captured write their secrets as they go, so the key log is followed. */
  keylog_follow(keys, rs->live || from_stdin);
  co.hooks = (capture_live_hooks){.user = rs, .on_flush = live_flush, .on_drops = live_drops};
  /* -j: connections decoded on worker threads. Sequential where output goes
   * out as it comes (live, stdin: the key log is followed) and where one
   * writer takes every connection's exchanges or findings (HAR, SARIF). */
  if (jobs == 0) jobs = default_jobs();
  read_workers workers = {0};
  if (jobs > 1 && !rs->live && !from_stdin && !rs->har && !rs->sarif && !rs->report &&
      !read_workers_start(&workers, jobs, rs))
    fprintf(stderr, "%s: out of memory for -j %u: decoding on one thread\n", prog, jobs);
  rs->tls = tlsdec_filter_new(keys, workers.jobs ? read_jobs_consumer(workers.jobs) : &fc);
  if (workers.jobs && rs->tls) read_jobs_set_tls(workers.jobs, rs->tls);
  const flow_consumer *first = workers.jobs ? read_jobs_consumer(workers.jobs) : &fc;
  int rc =
      capture_run(&co, rs->tls ? tlsdec_filter_consumer(rs->tls) : first, &stats, err, sizeof err);
  if (workers.jobs) {
    if (!read_jobs_finish(workers.jobs) && rc == 0) {
      rc = -1;
      snprintf(err, sizeof err, "out of memory: the output is incomplete");
    }
    read_workers_totals(&workers, rs);
    read_workers_free(&workers);
  }
  tlsdec_filter_free(rs->tls);
  rs->tls = NULL;
  capture_file_set_free(&files);
  keylog_free(keys);
  if (rs->o.lint && !rs->o.quiet_asked && !rs->o.po.json && !rs->o.summary &&
      rs->lint_findings == 0) {
    /* A clean run says so (and on what), rather than printing nothing. */
    char line[160];
    snprintf(line, sizeof line, "no findings (%llu HTTP/2 connection%s, %llu frames)\n",
             (unsigned long long)rs->lint_conns, rs->lint_conns == 1 ? "" : "s",
             (unsigned long long)rs->lint_frames);
    out_puts(out, line);
  }
  for (size_t i = 0; i < RESULT_NOTICES; i++)
    if (rs->hidden_notices[i] > 1)
      fprintf(stderr, "h2scope read: %llu more %s notices\n",
              (unsigned long long)rs->hidden_notices[i] - 1, result_notices[i]);
  if (rs->o.summary) summary_print(&rs->summary, out, rs->o.po.json, &stats);
  out_flush(out);
  summary_free(&rs->summary);
  header_scratch_free(&rs->scratch);
  if (rs->har && har_close(rs->har, NULL) != 0) {
    fprintf(stderr, "%s: writing %s failed\n", prog, har_path);
    if (rc == 0) {
      rc = -1;
      snprintf(err, sizeof err, "the HAR file is incomplete");
    }
  }
  if (rs->sarif && sarif_close(rs->sarif) != 0) {
    fprintf(stderr, "%s: writing %s failed: %s\n", prog, sarif_path, strerror(errno));
    if (rc == 0) {
      rc = -1;
      snprintf(err, sizeof err, "the SARIF file is incomplete");
    }
  }
  rs->sarif = NULL;
  if (rs->report && report_close(rs->report) != 0) {
    fprintf(stderr, "%s: writing %s failed\n", prog, html_path);
    if (rc == 0) {
      rc = -1;
      snprintf(err, sizeof err, "the HTML report is incomplete");
    }
  }
  rs->report = NULL;
  if (rc != 0) {
    fprintf(stderr, "%s: %s\n", prog, err);
    return EXIT_INPUT;
  }
  return rs->o.lint && rs->lint_errors ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_read(int argc, char **argv) {
  read_run *run = calloc(1, sizeof *run);
  if (!run) {
    fputs("h2scope read: out of memory\n", stderr);
    return EXIT_INPUT;
  }
  int rc = read_main(argc, argv, run);
  free(run);
  return rc;
}
