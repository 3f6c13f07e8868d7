/* read_options.c — `h2scope read`'s command line: the usage text, one table
 * row per option with the function that applies it, and the checks that
 * need several options or the operands (read_options.h says how to add an
 * option). */
#include "read_options.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "read_jobs.h"

/* ---- applying one option ----
 * Each function gets the parser (p->arg: the value, p->name: the option as
 * written) and stores what the option says. False after reporting a usage
 * error (p->status then holds the exit status). */
typedef bool (*read_apply)(cli_parser *p, read_args *a);

static bool opt_json(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.po.json = true;
}

static bool opt_quiet(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.quiet = a->o.quiet_asked = true;
}

static bool opt_summary(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.summary = true;
}

static bool opt_lint(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.lint = true;
}

static bool opt_sarif(cli_parser *p, read_args *a) {
  a->o.lint = true;
  a->sarif_path = p->arg;
  return true;
}

static bool opt_lint_max(cli_parser *p, read_args *a) {
  a->o.lint = true;
  return cli_u32(p, 1, UINT32_MAX, &a->o.lint_max_findings);
}

static bool opt_lint_threshold(cli_parser *p, read_args *a) {
  char terr[160];
  a->o.lint = true;
  if (lint_parse_threshold(&a->o.lint_limits, p->arg, terr, sizeof terr)) return true;
  p->status = cli_error(p, "%s", terr);
  return false;
}

static bool opt_hpack(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.po.hpack = true;
}

static bool opt_windows(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.po.windows = true;
}

static bool opt_har(cli_parser *p, read_args *a) {
  a->har_path = p->arg;
  return true;
}

static bool opt_html(cli_parser *p, read_args *a) {
  a->html_path = p->arg;
  return true;
}

static bool opt_html_max_frames(cli_parser *p, read_args *a) {
  uint32_t v;
  bool ok = cli_u32(p, 1, UINT32_MAX, &v);
  a->html.max_frames = v;
  return ok;
}

static bool opt_html_details(cli_parser *p, read_args *a) {
  uint32_t v;
  bool ok = cli_u32(p, 0, UINT32_MAX, &v);
  a->html.max_details = v;
  a->html.details_set = true;
  return ok;
}

static bool opt_html_max_lanes(cli_parser *p, read_args *a) {
  return cli_u32(p, 1, 100000, &a->html.max_lanes);
}

static bool opt_redact(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.po.redact = true;
}

static bool opt_abs_time(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.abs_time = true;
}

static bool opt_time(cli_parser *p, read_args *a) {
  bool ok = !strcmp(p->arg, "a") || !strcmp(p->arg, "r");
  if (!ok) p->status = cli_error(p, "-t takes a (absolute) or r (relative), not '%s'", p->arg);
  a->o.abs_time = !strcmp(p->arg, "a");
  return ok;
}

static bool opt_color(cli_parser *p, read_args *a) {
  return cli_color_when(p, false, &a->color_when);
}

static bool opt_no_color(cli_parser *p, read_args *a) {
  return cli_color_when(p, true, &a->color_when);
}

static bool opt_data(cli_parser *p, read_args *a) {
  if (!strcmp(p->arg, "none"))
    a->o.po.data = PRINT_DATA_NONE;
  else if (!strcmp(p->arg, "text"))
    a->o.po.data = PRINT_DATA_TEXT;
  else if (!strcmp(p->arg, "hex"))
    a->o.po.data = PRINT_DATA_HEX;
  else {
    p->status = cli_error(p, "--data takes none, text or hex, not '%s'", p->arg);
    return false;
  }
  return true;
}

static bool opt_data_max(cli_parser *p, read_args *a) {
  return cli_size32(p, 1, 1u << 24, &a->o.po.data_max);
}

static bool opt_conn(cli_parser *p, read_args *a) {
  return cli_u32(p, 1, UINT32_MAX, &a->o.conn_filter);
}

static bool opt_stream(cli_parser *p, read_args *a) {
  bool ok = cli_u32(p, 0, 0x7fffffff, &a->o.stream_filter);
  a->o.stream_filter_set = true;
  return ok;
}

/* --type HEADERS,DATA,...: names as in RFC 9113 §6, UNKNOWN for the rest. */
static bool opt_type(cli_parser *p, read_args *a) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", p->arg);
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    int t = h2_frame_type_from_name(tok);
    if (t < 0 && !strcasecmp(tok, "UNKNOWN")) t = 10;
    if (t < 0) {
      p->status = cli_usage_error(p->prog, "unknown frame type '%s'", tok);
      return false;
    }
    a->o.type_mask |= 1u << t;
  }
  return true;
}

static bool opt_port(cli_parser *p, read_args *a) {
  uint32_t v;
  if (!cli_u32(p, 1, 65535, &v)) return false;
  if (a->o.nports == READ_MAX_PORTS) {
    p->status = cli_error(p, "at most %d --port options", READ_MAX_PORTS);
    return false;
  }
  a->o.ports[a->o.nports++] = (uint16_t)v;
  return true;
}

static bool opt_max_connections(cli_parser *p, read_args *a) {
  return cli_u32(p, 1, 1u << 24, &a->co.limits.max_connections);
}

static bool opt_max_ooo(cli_parser *p, read_args *a) {
  return cli_size32(p, 0, 1u << 30, &a->co.limits.max_ooo_bytes);
}

static bool opt_idle_timeout(cli_parser *p, read_args *a) {
  return cli_duration(p, 0.001, 1u << 30, &a->co.limits.idle_timeout);
}

static bool opt_max_header_list(cli_parser *p, read_args *a) {
  return cli_size32(p, 64, 1u << 28, &a->o.max_header_list);
}

static bool opt_max_packets(cli_parser *p, read_args *a) {
  uint32_t v;
  bool ok = cli_u32(p, 1, UINT32_MAX, &v);
  a->co.max_packets = v;
  return ok;
}

static bool opt_keylog(cli_parser *p, read_args *a) {
  char kerr[512];
  if (keylog_load_file(a->keys, p->arg, kerr, sizeof kerr) == 0) return true;
  fprintf(stderr, "%s: %s\n", p->prog, kerr);
  p->status = EXIT_INPUT;
  return false;
}

static bool opt_iface(cli_parser *p, read_args *a) {
  a->co.iface = p->arg;
  return true;
}

/* KiB like tcpdump's -B, or with a unit; 64 KiB to 1 GiB. */
static bool opt_buffer_size(cli_parser *p, read_args *a) {
  uint64_t bytes = 0;
  bool ok = cli_size_in(p, 1024, 64 << 10, 1 << 30, &bytes);
  a->co.buffer_size = (uint32_t)bytes;
  return ok;
}

static bool opt_immediate(cli_parser *p, read_args *a) {
  (void)p;
  return a->immediate = true;
}

static bool opt_jobs(cli_parser *p, read_args *a) {
  return cli_u32(p, 1, READ_JOBS_MAX, &a->jobs);
}

/* ---- the conversation (read_talk.h) ---- */

static bool opt_exchanges(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.talk.exchanges = true;
}

static bool opt_export(cli_parser *p, read_args *a) {
  a->o.talk.export_dir = p->arg;
  return true;
}

static bool opt_export_raw(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.talk.export_raw = true;
}

static bool opt_follow(cli_parser *p, read_args *a) {
  a->o.talk.follow = true;
  if (follow_parse(p->arg, &a->o.talk.follow_conn, &a->o.talk.follow_stream)) return true;
  p->status = cli_error(p, "--follow takes CONN:STREAM (e.g. 1:3), not '%s'", p->arg);
  return false;
}

static bool opt_max_streams(cli_parser *p, read_args *a) {
  return cli_u32(p, 1, 1u << 24, &a->o.talk.max_streams);
}

static bool opt_max_body(cli_parser *p, read_args *a) {
  return cli_size_in(p, 1, 1, UINT64_MAX / 2, &a->o.talk.limits.max_decoded);
}

static bool opt_max_body_ratio(cli_parser *p, read_args *a) {
  return cli_u32(p, 1, UINT32_MAX, &a->o.talk.limits.max_ratio);
}

static bool opt_max_decoder_memory(cli_parser *p, read_args *a) {
  return cli_size_in(p, 1, 1 << 20, UINT64_MAX / 2, &a->o.talk.max_memory);
}

static bool opt_har_body_max(cli_parser *p, read_args *a) {
  return cli_size32(p, 0, 1u << 30, &a->har_body_max);
}

/* gRPC (talk/grpc_reader.h): every one of these asks for --grpc */
static bool opt_grpc(cli_parser *p, read_args *a) {
  (void)p;
  return a->o.grpc = true;
}

static bool opt_proto_descriptors(cli_parser *p, read_args *a) {
  char err[512];
  a->o.grpc = true;
  pb_schema_free(a->schema);
  a->o.schema = a->schema = pb_schema_load(p->arg, err, sizeof err);
  if (a->schema) return true;
  fprintf(stderr, "%s: --proto-descriptors %s\n", p->prog, err);
  p->status = EXIT_INPUT;
  return false;
}

static bool opt_grpc_max_message(cli_parser *p, read_args *a) {
  uint32_t size = 0;
  a->o.grpc = true;
  bool ok = cli_size32(p, 1, 1u << 30, &size);
  a->o.grpc_limits.max_message = size;
  return ok;
}

static bool opt_grpc_max_buffered(cli_parser *p, read_args *a) {
  uint32_t size = 0;
  a->o.grpc = true;
  bool ok = cli_size32(p, 1, UINT32_MAX, &size);
  a->o.grpc_limits.max_buffered = size;
  return ok;
}

static bool opt_grpc_max_ratio(cli_parser *p, read_args *a) {
  a->o.grpc = true;
  return cli_u32(p, 1, 1u << 20, &a->o.grpc_limits.max_ratio);
}

static bool opt_proto_max_depth(cli_parser *p, read_args *a) {
  a->o.grpc = true;
  return cli_u32(p, 1, 1000, &a->o.grpc_limits.pb.max_depth);
}

/* ---- display filters and field output (read_filter.h) ---- */

static bool opt_display_filter(cli_parser *p, read_args *a) {
  a->o.filt.expr = p->arg; /* compiled in check_args, after -T/-e */
  return true;
}

static bool opt_format(cli_parser *p, read_args *a) {
  if (!strcmp(p->arg, "fields"))
    a->o.filt.fields = true;
  else if (!strcmp(p->arg, "json"))
    a->o.po.json = true, a->o.filt.fields = false;
  else if (!strcmp(p->arg, "text"))
    a->o.po.json = a->o.filt.fields = false;
  else {
    p->status = cli_error(p, "-T takes text, json or fields, not '%s'", p->arg);
    return false;
  }
  return true;
}

static bool opt_field(cli_parser *p, read_args *a) {
  p->status = read_filter_add_field(p->prog, &a->o.filt, p->arg);
  return p->status == EXIT_OK;
}

static bool opt_field_option(cli_parser *p, read_args *a) {
  p->status = read_filter_set_option(p->prog, &a->o.filt, p->arg);
  return p->status == EXIT_OK;
}

static bool opt_read_file(cli_parser *p, read_args *a) {
  if (a->nrfiles == READ_MAX_INPUTS) {
    p->status = cli_error(p, "at most %d capture files", READ_MAX_INPUTS);
    return false;
  }
  a->input_list[a->nrfiles++] = p->arg;
  return true;
}

static bool opt_filter_streams(cli_parser *p, read_args *a) {
  return cli_u32(p, 1, 1u << 20, &a->o.filt.max_streams);
}

static bool opt_filter_value_max(cli_parser *p, read_args *a) {
  return cli_size32(p, 1, 1u << 20, &a->o.filt.max_value);
}

/* ---- the table ----
 * One row per option: long name (NULL: short only), no_argument /
 * required_argument / optional_argument, short letter (0: none), and the
 * function above that applies it. The order is free (getopt_long takes
 * any unique abbreviation); keep related options together. */
typedef struct read_option {
  const char *name;
  int has_arg;
  char short_name;
  read_apply apply;
} read_option;

static const read_option read_option_table[] = {
    /* output */
    {"json", no_argument, 0, opt_json},
    {"quiet", no_argument, 'q', opt_quiet},
    {"summary", no_argument, 0, opt_summary},
    {"hpack", no_argument, 0, opt_hpack},
    {"windows", no_argument, 0, opt_windows},
    {"data", required_argument, 0, opt_data},
    {"data-max", required_argument, 0, opt_data_max},
    {"har", required_argument, 0, opt_har},
    {"html", required_argument, 0, opt_html},
    {"html-max-frames", required_argument, 0, opt_html_max_frames},
    {"html-details", required_argument, 0, opt_html_details},
    {"html-max-lanes", required_argument, 0, opt_html_max_lanes},
    {"redact", no_argument, 0, opt_redact},
    {"abs-time", no_argument, 0, opt_abs_time},
    {NULL, required_argument, 't', opt_time},
    {"color", optional_argument, 0, opt_color},
    {"no-color", no_argument, 0, opt_no_color},
    /* exchanges and bodies */
    {"exchanges", no_argument, 0, opt_exchanges},
    {"export", required_argument, 0, opt_export},
    {"export-raw", no_argument, 0, opt_export_raw},
    {"follow", required_argument, 0, opt_follow},
    {"har-body-max", required_argument, 0, opt_har_body_max},
    /* lint */
    {"lint", no_argument, 0, opt_lint},
    {"sarif", required_argument, 0, opt_sarif},
    {"lint-max", required_argument, 0, opt_lint_max},
    {"lint-threshold", required_argument, 0, opt_lint_threshold},
    /* filters */
    {"conn", required_argument, 0, opt_conn},
    {"stream", required_argument, 0, opt_stream},
    {"type", required_argument, 0, opt_type},
    /* detection, TLS */
    {"port", required_argument, 0, opt_port},
    {"keylog", required_argument, 0, opt_keylog},
    /* limits */
    {"max-connections", required_argument, 0, opt_max_connections},
    {"max-ooo-bytes", required_argument, 0, opt_max_ooo},
    {"idle-timeout", required_argument, 0, opt_idle_timeout},
    {"max-header-list", required_argument, 0, opt_max_header_list},
    {"max-packets", required_argument, 0, opt_max_packets},
    {"max-streams", required_argument, 0, opt_max_streams},
    {"max-body", required_argument, 0, opt_max_body},
    {"max-body-ratio", required_argument, 0, opt_max_body_ratio},
    {"max-decoder-memory", required_argument, 0, opt_max_decoder_memory},
    /* speed, live capture */
    {"jobs", required_argument, 'j', opt_jobs},
    {NULL, required_argument, 'i', opt_iface},
    {"buffer-size", required_argument, 'B', opt_buffer_size},
    {"immediate", no_argument, 0, opt_immediate},
    /* gRPC */
    {"grpc", no_argument, 0, opt_grpc},
    {"proto-descriptors", required_argument, 0, opt_proto_descriptors},
    {"grpc-max-message", required_argument, 0, opt_grpc_max_message},
    {"grpc-max-ratio", required_argument, 0, opt_grpc_max_ratio},
    {"grpc-max-buffered", required_argument, 0, opt_grpc_max_buffered},
    {"proto-max-depth", required_argument, 0, opt_proto_max_depth},
    /* display filters, field output */
    {"display-filter", required_argument, 'Y', opt_display_filter},
    {"filter-streams", required_argument, 0, opt_filter_streams},
    {"filter-value-max", required_argument, 0, opt_filter_value_max},
    {NULL, required_argument, 'T', opt_format},
    {NULL, required_argument, 'e', opt_field},
    {NULL, required_argument, 'E', opt_field_option},
    {NULL, required_argument, 'r', opt_read_file},
};
#define READ_OPTIONS (sizeof read_option_table / sizeof *read_option_table)

/* getopt_long's view of the table: a long option's val is its short letter,
 * or CLI_LONG_ONLY + its row. */
static void getopt_tables(struct option *longopts, char *shortopts, size_t cap) {
  size_t n = 0, s = 0;
  longopts[n++] = (struct option)CLI_OPTION_HELP;
  for (size_t i = 0; i < READ_OPTIONS; i++) {
    const read_option *r = &read_option_table[i];
    int val = r->short_name ? r->short_name : CLI_LONG_ONLY + (int)i;
    if (r->name) longopts[n++] = (struct option){r->name, r->has_arg, NULL, val};
    if (r->short_name && s + 3 < cap) {
      shortopts[s++] = r->short_name;
      if (r->has_arg != no_argument) shortopts[s++] = ':';
      if (r->has_arg == optional_argument) shortopts[s++] = ':';
    }
  }
  longopts[n] = (struct option){NULL, 0, NULL, 0};
  shortopts[s] = '\0';
}

static const read_option *option_of(int val) {
  if (val >= CLI_LONG_ONLY) return &read_option_table[val - CLI_LONG_ONLY];
  for (size_t i = 0; i < READ_OPTIONS; i++)
    if (read_option_table[i].short_name == val) return &read_option_table[i];
  return NULL;
}

/* ---- checks of the whole command line ---- */

/* Operands, output files (checked before the capture is read; "-" is
 * standard output, and then the frames or findings go to stderr), and what
 * follows from several options. */
/* -Y, -T fields, -e and -E together: what they need of each other. */
static bool check_output(cli_parser *p, const read_opts *o) {
  const read_filter_opts *f = &o->filt;
  if (f->nfields && !f->fields)
    p->status = cli_error(p, "-e needs -T fields");
  else if (f->fields && !f->nfields)
    p->status = cli_error(p, "-T fields needs at least one -e FIELD");
  else if (f->fields && o->lint)
    p->status = cli_error(p, "-T fields prints frames: not with --lint");
  else if (f->fields && o->po.json)
    p->status = cli_error(p, "-T fields and --json: give one of them");
  else if (f->expr)
    p->status = read_filter_check(p->prog, f);
  else
    p->status = EXIT_OK;
  return p->status == EXIT_OK;
}

static bool check_args(cli_parser *p, read_args *a, int argc, char **argv) {
  if (!check_output(p, &a->o)) return false;
  a->inputs = (const char *const *)argv + cli_operands(p);
  a->ninputs = (size_t)(argc - cli_operands(p));
  if (a->nrfiles) {
    if (a->co.iface) {
      p->status = cli_error(p, "-r reads a file and -i an interface: give one of them");
      return false;
    }
    if (a->nrfiles + a->ninputs > READ_MAX_INPUTS) {
      p->status = cli_error(p, "at most %d capture files", READ_MAX_INPUTS);
      return false;
    }
    for (size_t i = 0; i < a->ninputs; i++)
      a->input_list[a->nrfiles + i] = a->inputs[i];
    a->inputs = a->input_list;
    a->ninputs += a->nrfiles;
  }
  const char *iface = a->co.iface;
  if ((iface && a->ninputs > 1) || (!iface && a->ninputs == 0)) {
    if (iface)
      p->status = cli_error(p, "unexpected argument '%s'", a->inputs[1]);
    else
      p->status = cli_error(p, "a capture file, - for stdin, or -i IFACE is needed");
    return false;
  }
  if (iface && a->ninputs == 1) a->co.bpf = a->inputs[0];
  bool har_out = a->har_path && !strcmp(a->har_path, "-");
  bool sarif_out = a->sarif_path && !strcmp(a->sarif_path, "-");
  bool html_out = a->html_path && !strcmp(a->html_path, "-");
  if (har_out && sarif_out) {
    p->status = cli_error(p, "--har and --sarif cannot both be '-' (standard output)");
    return false;
  }
  if (html_out && (har_out || sarif_out)) {
    p->status = cli_error(p, "--html and %s cannot both be '-' (standard output)",
                          har_out ? "--har" : "--sarif");
    return false;
  }
  if ((a->har_path && !cli_output_writable(p->prog, "--har", a->har_path)) ||
      (a->sarif_path && !cli_output_writable(p->prog, "--sarif", a->sarif_path)) ||
      (a->html_path && !cli_output_writable(p->prog, "--html", a->html_path))) {
    p->status = EXIT_INPUT;
    return false;
  }
  a->out_fd = har_out || sarif_out || html_out ? STDERR_FILENO : STDOUT_FILENO;
  a->o.po.color = !a->o.po.json && cli_use_color(a->color_when, a->out_fd);
  /* Frames as they come only for a person watching; a busy capture gets
   * its packets in blocks (capture_run.h). */
  a->co.immediate = a->immediate || (iface && !a->o.quiet && isatty(STDOUT_FILENO));
  if (a->o.lint) a->o.quiet = true; /* findings instead of frames */
  /* exchange records, or the stream followed, instead of frames */
  if (a->o.talk.exchanges || a->o.talk.follow) a->o.quiet = true;
  /* the gRPC reader reads bodies through the tracker; the report lists its exchanges */
  a->o.talk.other_consumer = a->o.grpc || a->html_path;
  if (a->o.talk.export_raw && !a->o.talk.export_dir) {
    p->status = cli_error(p, "--export-raw needs --export DIR");
    return false;
  }
  return true;
}

bool read_args_parse(read_args *a, keylog *keys, int argc, char **argv, int *status) {
  memset(a, 0, sizeof *a);
  a->keys = keys;
  a->color_when = -1;
  capture_options_default(&a->co);
  h2_observer_limits_default(&a->o.lint_limits);
  read_talk_opts_default(&a->o.talk);
  a->har_body_max = HAR_DEFAULT_BODY_MAX;
  grpc_limits_default(&a->o.grpc_limits);
  read_filter_opts_init(&a->o.filt);
  struct option longopts[READ_OPTIONS + 2];
  char shortopts[64];
  getopt_tables(longopts, shortopts, sizeof shortopts);
  cli_parser p;
  cli_parser_init(&p, "h2scope read", read_usage, shortopts, longopts, argc, argv);
  for (int val; (val = cli_next(&p)) != CLI_END;) {
    const read_option *r = val == CLI_EXIT ? NULL : option_of(val);
    if (!r || !r->apply(&p, a)) {
      *status = p.status;
      return false;
    }
  }
  if (!check_args(&p, a, argc, argv)) {
    *status = p.status;
    return false;
  }
  return true;
}
