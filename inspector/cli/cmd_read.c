/* cmd_read.c — `h2scope read`: every HTTP/2 conversation in a capture (pcap,
 * pcapng, stdin, live interface), both directions, frame by frame, as text
 * or JSON Lines, with filters, HPACK details, redaction and a summary; with
 * --lint, the findings of the observer (lint_conn.h) instead of the frames.
 *
 * The command in four steps: parse the options (read_options.h), set up
 * the inputs and outputs (read_setup.h), run the capture through the
 * callbacks (read_sink.h), finish (summary, closing lines, exit status). */
#include <stdio.h>
#include <stdlib.h>

#include "capture_run.h"
#include "commands.h"
#include "json_write.h"
#include "out_buf.h"
#include "read_setup.h"

static const char prog[] = "h2scope read";

/* --summary with -Y: how many frames the filter selected. */
static void filter_summary_print(const read_state *rs) {
  out_buf *out = rs->out;
  if (rs->o.po.json) {
    out_puts(out, "{\"v\":1,\"summary\":\"filter\",\"expression\":");
    json_cstr(out, rs->o.filt.expr);
    out_puts(out, ",\"frames\":");
    out_u64(out, rs->filt.frames);
    out_puts(out, ",\"matched\":");
    out_u64(out, rs->filt.matched);
    out_puts(out, "}\n");
    return;
  }
  out_puts(out, "display filter: ");
  out_u64(out, rs->filt.matched);
  out_puts(out, " of ");
  out_u64(out, rs->filt.frames);
  out_puts(out, " frames matched\n");
}

/* What is written once the capture is read: the clean-run line of --lint,
 * the counts of hidden notices, the summary. */
static void finish_output(read_state *rs, const capture_stats *stats) {
  if (rs->o.lint && !rs->o.quiet_asked && !rs->o.po.json && !rs->o.summary &&
      rs->lint_findings == 0) {
    /* A clean run says so (and on what), rather than printing nothing. */
    char line[160];
    snprintf(line, sizeof line, "no findings (%llu HTTP/2 connection%s, %llu frames)\n",
             (unsigned long long)rs->lint_conns, rs->lint_conns == 1 ? "" : "s",
             (unsigned long long)rs->lint_frames);
    out_puts(rs->out, line);
  }
  read_sink_hidden_notices(rs);
  if (rs->o.summary) {
    summary_capture sc = {.packets = stats->packets,
                          .gaps = stats->gaps,
                          .gap_bytes = stats->gap_bytes,
                          .non_tcp = stats->non_tcp + stats->non_ip,
                          .truncated = stats->truncated,
                          .files = stats->files,
                          .live = stats->live,
                          .kernel_dropped = stats->kernel_dropped,
                          .interface_dropped = stats->interface_dropped};
    summary_print(&rs->summary, rs->out, rs->o.po.json, &sc);
  }
  if (rs->o.summary && rs->filt.f) filter_summary_print(rs);
  out_flush(rs->out);
  summary_free(&rs->summary);
  header_scratch_free(&rs->scratch);
}

static int read_main(int argc, char **argv, read_run *run) {
  int status;
  keylog_init(&run->keys);
  if (!read_args_parse(&run->args, &run->keys, argc, argv, &status) || !read_setup(run, &status)) {
    keylog_free(&run->keys);
    return status;
  }
  capture_stats stats;
  char err[512] = "";
  int rc = capture_run(&run->args.co, run->in, &stats, err, sizeof err);
  if (!read_decoding_end(run) && rc == 0) {
    rc = -1;
    snprintf(err, sizeof err, "out of memory: the output is incomplete");
  }
  finish_output(&run->rs, &stats);
  const char *what = NULL;
  if (!read_outputs_close(run, &what) && rc == 0) {
    rc = -1;
    snprintf(err, sizeof err, "%s", what);
  }
  if (rc != 0) {
    fprintf(stderr, "%s: %s\n", prog, err);
    return EXIT_INPUT;
  }
  return run->rs.o.lint && run->rs.lint_errors ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_read(int argc, char **argv) {
  read_run *run = calloc(1, sizeof *run);
  if (!run) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return EXIT_INPUT;
  }
  int rc = read_main(argc, argv, run);
  pb_schema_free(run->args.schema);
  read_filter_free(&run->rs.filt);
  free(run);
  return rc;
}
