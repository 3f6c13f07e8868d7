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
    "  --data none|text|hex DATA payload preview (default none); --data-max N bytes (64)\n"
    "  --har FILE           write the request/response exchanges as HAR 1.2 to FILE\n"
    "  --redact             hide authorization, cookie, set-cookie, proxy-authorization\n"
    "                       and never-indexed values\n"
    "  -t a, --abs-time     absolute timestamps in text output (default: relative)\n"
    "Lint (docs/lint.md):\n"
    "  --lint               judge every connection: RFC 9113 violations by either peer and\n"
    "                       abusive patterns (rapid-reset, ...), one finding per line (JSON\n"
    "                       Lines with --json) instead of the frames; exit 1 on any error\n"
    "  --lint-threshold NAME=VALUE  a pattern threshold (repeatable; names in docs/lint.md)\n"
    "  --lint-max N         findings shown per connection (default 1000; all are counted)\n"
    "  --sarif FILE         also write the findings as SARIF 2.1.0 (implies --lint)\n"
    "  --color / --no-color colour text output (default: when stdout is a terminal)\n"
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
    "  --max-ooo-bytes N    out-of-order bytes buffered per direction (default 4194304)\n"
    "  --idle-timeout S     seconds of capture time before a silent connection is closed\n"
    "                       (default 300)\n"
    "  --max-header-list N  decoded header list limit in octets (default 262144)\n"
    "  --max-packets N      stop after N packets\n"
    "Live capture (-i):\n"
    "  -B N, --buffer-size N  kernel capture buffer in KiB, or with a suffix k, m, g\n"
    "                       (default 32m)\n"
    "  --immediate          hand over every packet at once (default: when stdout is a\n"
    "                       terminal and not -q); otherwise in blocks, output every 200 ms\n"
    "\n"
    "Exit status: 0 ok (protocol errors in the capture are output, not failures),\n"
    "1 with --lint: an error finding, 2 usage error, 3 the capture cannot be read.\n";

#define MAX_PORTS 32

typedef struct read_opts {
  print_options po;
  bool quiet, summary, abs_time;
  uint32_t conn_filter, stream_filter;
  bool stream_filter_set;
  uint32_t type_mask; /* bit t: type t (bit 10: extension types); 0 = all */
  uint16_t ports[MAX_PORTS];
  int nports;
  uint32_t max_header_list;
  bool lint;
  h2_observer_limits lint_limits;
  uint32_t lint_max_findings; /* printed per connection; 0: LINT_MAX_FINDINGS */
} read_opts;

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
  const char *capture_name;
  uint64_t lint_errors; /* error findings over all connections */
} read_state;

static bool port_forced(const read_state *rs, const capture_flow *f) {
  for (int i = 0; i < rs->o.nports; i++)
    if (f->port[0] == rs->o.ports[i] || f->port[1] == rs->o.ports[i])
      return true;
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
                       .first_ts = rs->first_ts,
                       .max_findings = rs->o.lint_max_findings,
                       .out = rs->out,
                       .sarif = rs->sarif,
                       .artifact = rs->capture_name};
    c->sink_conn = lint_conn_new(&lo, c);
    c->linted = true;
  }
  if (c->sink_conn)
    lint_conn_frame(c->sink_conn, c, dir, d);
}

static void lint_close(read_state *rs, h2_conn *c) {
  if (!c->sink_conn)
    return;
  lint_conn_finish(c->sink_conn, c, c->lint_counts);
  rs->lint_errors += c->lint_counts[0];
  lint_conn_free(c->sink_conn);
  c->sink_conn = NULL;
}

static void on_frame(void *user, h2_conn *c, int dir, const decoded_frame *d) {
  read_state *rs = user;
  if (rs->o.lint && (!rs->o.conn_filter || rs->o.conn_filter == c->flow->id))
    lint_frame(rs, c, dir, d);
  if (rs->har)
    har_frame(rs->har, c, dir, d);
  if (!conn_shown(rs, c))
    return;
  if (rs->o.stream_filter_set && d->frame.hd.stream_id != rs->o.stream_filter)
    return;
  uint8_t t = d->frame.hd.type <= H2_CONTINUATION ? d->frame.hd.type : 10;
  if (rs->o.type_mask && !(rs->o.type_mask & (1u << t)))
    return;
  frame_meta m;
  meta_for(rs, c, dir, &m);
  frame_print(rs->out, &rs->o.po, &m, d);
}

static void on_event(void *user, h2_conn *c, int dir, const char *ev, uint64_t offset,
                     const char *msg, const char *extra_json, const char *text_extra) {
  read_state *rs = user;
  if (rs->o.lint && c->sink_conn && !strcmp(ev, "gap"))
    lint_conn_gap(c->sink_conn, c, dir);
  if (!conn_shown(rs, c) || rs->o.stream_filter_set || rs->o.type_mask)
    return;
  frame_meta m;
  meta_for(rs, c, dir, &m);
  event_print(rs->out, &rs->o.po, &m, ev, offset, msg, extra_json);
  if (!rs->o.po.json && text_extra) {
    out_puts(rs->out, text_extra);
    out_putc(rs->out, '\n');
  }
}

static void on_upgrade_request(void *user, h2_conn *c, const h2_header *fields, size_t count) {
  read_state *rs = user;
  if (rs->har)
    har_upgrade_request(rs->har, c, fields, count);
}

/* ---- flow consumer ---- */

static void flow_open(void *user, capture_flow *f, double ts) {
  read_state *rs = user;
  if (!rs->have_first_ts) {
    rs->first_ts = ts;
    rs->have_first_ts = true;
  }
  conn_options co = {.force_h2 = port_forced(rs, f),
                     .max_header_list = rs->o.max_header_list,
                     .scratch = &rs->scratch};
  read_sink sink = {.on_frame = on_frame, .on_event = on_event,
                    .on_upgrade_request = on_upgrade_request, .user = rs};
  h2_conn *c = h2_conn_new(f, &co, &sink, ts);
  f->user = c;
  if (c && conn_shown(rs, c) && !rs->o.stream_filter_set && !rs->o.type_mask) {
    frame_meta m;
    meta_for(rs, c, FLOW_DIR_C2S, &m);
    char msg[200];
    snprintf(msg, sizeof msg, "%s -> %s%s", f->endpoint[0], f->endpoint[1],
             f->syn_seen ? "" : " (handshake not captured)");
    event_print(rs->out, &rs->o.po, &m, "connection", 0, msg, NULL);
  }
}

static void flow_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                       size_t len, double ts) {
  read_state *rs = user;
  h2_conn *c = f->user;
  if (c && rs->tls && c->dir[0].bytes + c->dir[1].bytes == 0) {
    /* The first bytes: decrypted ones come after the handshake, so a TLS
     * connection's ALPN is known by now. */
    const tls_conn_info *tls = tlsdec_flow_info(rs->tls, f);
    if (tls && !strcmp(tls->alpn, "h2") && tls->client_dir >= 0)
      h2_conn_alpn_h2(c, tls->client_dir);
  }
  if (c) h2_conn_bytes(c, dir, offset, data, len, ts);
}

static void flow_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len,
                     double ts) {
  (void)user;
  if (f->user)
    h2_conn_gap(f->user, dir, offset, len, ts);
}

static const char *close_name(int reason) {
  switch (reason) {
  case FLOW_CLOSE_FIN: return "fin";
  case FLOW_CLOSE_RST: return "rst";
  case FLOW_CLOSE_IDLE: return "idle-timeout";
  case FLOW_CLOSE_EVICTED: return "evicted";
  case FLOW_CLOSE_REUSED: return "port-reused";
  default: return "end-of-capture";
  }
}

static void flow_close(void *user, capture_flow *f, int reason, double ts) {
  read_state *rs = user;
  h2_conn *c = f->user;
  if (!c)
    return;
  c->ts = ts;
  h2_conn_finish(c, ts);
  c->close_reason = close_name(reason);
  if (rs->o.lint)
    lint_close(rs, c);
  if (conn_shown(rs, c) && !rs->o.stream_filter_set && !rs->o.type_mask) {
    frame_meta m;
    meta_for(rs, c, FLOW_DIR_C2S, &m);
    const tls_conn_info *tls = rs->tls ? tlsdec_flow_info(rs->tls, f) : NULL;
    char tls_text[256] = "", tls_json[512] = "";
    if (tls) {
      tls_text[0] = ',';
      tls_text[1] = ' ';
      tls_conn_info_describe(tls, tls_text + 2, sizeof tls_text - 2, tls_json, sizeof tls_json);
    }
    char extra[640];
    snprintf(extra, sizeof extra, ",\"reason\":\"%s\"%s", c->close_reason, tls_json);
    char msg[512];
    snprintf(msg, sizeof msg, "(%s) %llu+%llu bytes, %llu+%llu frames, %u gaps%s",
             c->close_reason, (unsigned long long)f->bytes[0], (unsigned long long)f->bytes[1],
             (unsigned long long)c->dir[0].frames, (unsigned long long)c->dir[1].frames, c->gaps,
             tls_text);
    event_print(rs->out, &rs->o.po, &m, "close", 0, msg, extra);
  }
  if (rs->o.summary)
    summary_add(&rs->summary, c);
  if (rs->har)
    har_conn_close(rs->har, c);
  h2_conn_free(c);
  f->user = NULL;
}

static void flow_notice(void *user, capture_flow *f, const char *kind, const char *message,
                        double ts) {
  read_state *rs = user;
  rs->notices++;
  if (rs->o.quiet && !rs->o.summary)
    return;
  frame_meta m = {.conn = f ? f->id : 0, .ts = ts, .src = f ? f->endpoint[0] : "",
                  .dst = f ? f->endpoint[1] : ""};
  if (!rs->o.po.json && !rs->o.abs_time && rs->have_first_ts)
    m.ts = ts - rs->first_ts;
  char extra[96];
  snprintf(extra, sizeof extra, ",\"kind\":\"%s\"", kind);
  bool is_limit = !strncmp(kind, "limit-", 6);
  event_print(rs->out, &rs->o.po, f ? &m : NULL, is_limit ? "limit" : "notice", 0, message,
              extra);
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
    if (t < 0 && !strcasecmp(tok, "UNKNOWN"))
      t = 10;
    if (t < 0)
      return cli_usage_error(prog, "unknown frame type '%s'", tok);
    *mask |= 1u << t;
  }
  return 0;
}

int cmd_read(int argc, char **argv) {
  const char *prog = "h2scope read";
  static read_state rs;
  memset(&rs, 0, sizeof rs);
  capture_options co;
  capture_options_default(&co);
  bool color_set = false;
  static keylog keys;
  keylog_init(&keys);
  const char *har_path = NULL;
  const char *sarif_path = NULL;
  h2_observer_limits_default(&rs.o.lint_limits);
  bool immediate = false;
  /* Positional arguments (capture files, any number, or -i's filter) are
   * gathered at the front of argv, after argv[0], as getopt permutes them:
   * the slot written is never one still to be read. */
  size_t ninputs = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    uint32_t v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "--json")) {
      rs.o.po.json = true;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      rs.o.quiet = true;
    } else if (!strcmp(a, "--summary")) {
      rs.o.summary = true;
    } else if (!strcmp(a, "--lint")) {
      rs.o.lint = true;
    } else if (!strcmp(a, "--sarif") && val) {
      rs.o.lint = true;
      sarif_path = argv[++i];
    } else if (!strcmp(a, "--lint-max") && val) {
      rs.o.lint = true;
      if (!cli_parse_u32(prog, a, argv[++i], 1, UINT32_MAX, &rs.o.lint_max_findings))
        return EXIT_USAGE;
    } else if (!strcmp(a, "--lint-threshold") && val) {
      char terr[160];
      rs.o.lint = true;
      if (!lint_parse_threshold(&rs.o.lint_limits, argv[++i], terr, sizeof terr))
        return cli_usage_error(prog, "%s", terr);
    } else if (!strcmp(a, "--hpack")) {
      rs.o.po.hpack = true;
    } else if (!strcmp(a, "--har") && val) {
      har_path = argv[++i];
    } else if (!strcmp(a, "--redact")) {
      rs.o.po.redact = true;
    } else if (!strcmp(a, "--abs-time")) {
      rs.o.abs_time = true;
    } else if (!strcmp(a, "-t") && val) {
      i++;
      if (strcmp(val, "a") && strcmp(val, "r"))
        return cli_usage_error(prog, "-t takes a (absolute) or r (relative)");
      rs.o.abs_time = !strcmp(val, "a");
    } else if (!strcmp(a, "--color") || !strcmp(a, "--no-color")) {
      rs.o.po.color = !strcmp(a, "--color");
      color_set = true;
    } else if (!strcmp(a, "--data") && val) {
      i++;
      if (!strcmp(val, "none"))
        rs.o.po.data = PRINT_DATA_NONE;
      else if (!strcmp(val, "text"))
        rs.o.po.data = PRINT_DATA_TEXT;
      else if (!strcmp(val, "hex"))
        rs.o.po.data = PRINT_DATA_HEX;
      else
        return cli_usage_error(prog, "--data takes none, text or hex");
    } else if (!strcmp(a, "--data-max") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 1, 1u << 24, &rs.o.po.data_max))
        return EXIT_USAGE;
    } else if (!strcmp(a, "--conn") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 1, UINT32_MAX, &rs.o.conn_filter))
        return EXIT_USAGE;
    } else if (!strcmp(a, "--stream") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 0, 0x7fffffff, &rs.o.stream_filter))
        return EXIT_USAGE;
      rs.o.stream_filter_set = true;
    } else if (!strcmp(a, "--type") && val) {
      i++;
      if (parse_types(prog, val, &rs.o.type_mask))
        return EXIT_USAGE;
    } else if (!strcmp(a, "--port") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 1, 65535, &v))
        return EXIT_USAGE;
      if (rs.o.nports == MAX_PORTS)
        return cli_usage_error(prog, "at most %d --port options", MAX_PORTS);
      rs.o.ports[rs.o.nports++] = (uint16_t)v;
    } else if (!strcmp(a, "--max-connections") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 1, 1u << 24, &co.limits.max_connections))
        return EXIT_USAGE;
    } else if (!strcmp(a, "--max-ooo-bytes") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 0, 1u << 30, &co.limits.max_ooo_bytes))
        return EXIT_USAGE;
    } else if (!strcmp(a, "--idle-timeout") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 1, 1u << 30, &v))
        return EXIT_USAGE;
      co.limits.idle_timeout = v;
    } else if (!strcmp(a, "--max-header-list") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 64, 1u << 28, &rs.o.max_header_list))
        return EXIT_USAGE;
    } else if (!strcmp(a, "--max-packets") && val) {
      if (!cli_parse_u32(prog, a, argv[++i], 1, UINT32_MAX, &v))
        return EXIT_USAGE;
      co.max_packets = v;
    } else if (!strcmp(a, "--keylog") && val) {
      char kerr[512];
      if (keylog_load_file(&keys, argv[++i], kerr, sizeof kerr) != 0) {
        fprintf(stderr, "%s: %s\n", prog, kerr);
        keylog_free(&keys);
        return EXIT_INPUT;
      }
    } else if (!strcmp(a, "-i") && val) {
      co.iface = argv[++i];
    } else if ((!strcmp(a, "-B") || !strcmp(a, "--buffer-size")) && val) {
      if (!capture_parse_buffer_size(argv[++i], &co.buffer_size))
        return cli_usage_error(prog, "%s takes KiB or a size with k, m or g (64k to 1g)", a);
    } else if (!strcmp(a, "--immediate")) {
      immediate = true;
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_usage_error(prog, "unknown option or missing value '%s'", a);
    } else {
      argv[1 + ninputs++] = argv[i];
    }
  }
  const char *const *inputs = (const char *const *)argv + 1;
  if (co.iface && ninputs > 1) return cli_usage_error(prog, "unexpected argument '%s'", inputs[1]);
  if (co.iface && ninputs == 1) co.bpf = inputs[0];
  if (!co.iface && ninputs == 0)
    return cli_usage_error(prog, "a capture file, - for stdin, or -i IFACE is needed");
  capture_file_set files = {0};
  if (!co.iface) {
    char ferr[1024];
    if (capture_file_set_build(&files, inputs, ninputs, ferr, sizeof ferr) != 0) {
      fprintf(stderr, "%s: %s\n", prog, ferr);
      return EXIT_INPUT;
    }
    co.files = (const char *const *)files.paths;
    co.nfiles = files.count;
  }
  /* Frames as they come only for a person watching; a busy capture gets
   * its packets in blocks (capture_run.h). */
  co.immediate = immediate || (co.iface && !rs.o.quiet && cli_stdout_is_tty());
  if (!color_set)
    rs.o.po.color = !rs.o.po.json && cli_stdout_is_tty();
  if (header_scratch_init(&rs.scratch, rs.o.max_header_list) != 0) {
    fprintf(stderr, "%s: out of memory\n", prog);
    capture_file_set_free(&files);
    return EXIT_INPUT;
  }
  if (rs.o.lint)
    rs.o.quiet = true; /* findings instead of frames */
  rs.capture_name = co.iface ? co.iface : inputs[0];
  if (sarif_path) {
    rs.sarif = sarif_open(sarif_path, H2SCOPE_TOOL_VERSION);
    if (!rs.sarif) {
      fprintf(stderr, "%s: %s: %s\n", prog, sarif_path, strerror(errno));
      header_scratch_free(&rs.scratch);
      keylog_free(&keys);
      capture_file_set_free(&files);
      return EXIT_INPUT;
    }
    lint_sarif_rules(rs.sarif);
  }
  if (har_path) {
    char herr[256];
    rs.har = har_open(har_path, rs.o.po.redact, herr, sizeof herr);
    if (!rs.har) {
      fprintf(stderr, "%s: %s\n", prog, herr);
      header_scratch_free(&rs.scratch);
      keylog_free(&keys);
      capture_file_set_free(&files);
      return EXIT_INPUT;
    }
  }
  static out_buf out;
  out_init(&out, STDOUT_FILENO);
  rs.out = &out;
  summary_init(&rs.summary);
  flow_consumer fc = {.user = &rs, .on_open = flow_open, .on_bytes = flow_bytes,
                      .on_gap = flow_gap, .on_close = flow_close, .on_notice = flow_notice};
  capture_stats stats;
  char err[512] = "";
  size_t dsb_blocks = 0;
  /* keys a pcapng file carries itself (libpcap skips those blocks) */
  for (size_t f = 0; f < files.count; f++)
    (void)tlsdec_pcapng_read_secrets(files.paths[f], &keys, &dsb_blocks, err, sizeof err);
  err[0] = '\0';
  rs.live = co.iface != NULL;
  bool from_stdin = files.count == 1 && !strcmp(files.paths[0], "-");
  /* Live (an interface, or a capture streamed on stdin): the programs being
   * captured write their secrets as they go, so the key log is followed. */
  keylog_follow(&keys, rs.live || from_stdin);
  co.hooks = (capture_live_hooks){.user = &rs, .on_flush = live_flush, .on_drops = live_drops};
  rs.tls = tlsdec_filter_new(&keys, &fc);
  int rc = capture_run(&co, rs.tls ? tlsdec_filter_consumer(rs.tls) : &fc, &stats, err,
                       sizeof err);
  tlsdec_filter_free(rs.tls);
  rs.tls = NULL;
  capture_file_set_free(&files);
  keylog_free(&keys);
  if (rs.o.summary)
    summary_print(&rs.summary, &out, rs.o.po.json, &stats);
  out_flush(&out);
  summary_free(&rs.summary);
  header_scratch_free(&rs.scratch);
  if (rs.har && har_close(rs.har, NULL) != 0) {
    fprintf(stderr, "%s: writing %s failed\n", prog, har_path);
    if (rc == 0) {
      rc = -1;
      snprintf(err, sizeof err, "the HAR file is incomplete");
    }
  }
  if (rs.sarif && sarif_close(rs.sarif) != 0) {
    fprintf(stderr, "%s: writing %s failed: %s\n", prog, sarif_path, strerror(errno));
    if (rc == 0) {
      rc = -1;
      snprintf(err, sizeof err, "the SARIF file is incomplete");
    }
  }
  rs.sarif = NULL;
  if (rc != 0) {
    fprintf(stderr, "%s: %s\n", prog, err);
    return EXIT_INPUT;
  }
  return rs.o.lint && rs.lint_errors ? EXIT_FINDINGS : EXIT_OK;
}
