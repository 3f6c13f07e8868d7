/* read_setup.c — `h2scope read`'s resources around the capture run
 * (read_setup.h): inputs, output files, key log, TLS filter, workers. */
#include "read_setup.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "lint_conn.h"
#include "tlsdec_filter.h"

/* The h2cli library is built without the project version (main.c has it). */
#ifdef H2SCOPE_VERSION
#define H2SCOPE_TOOL_VERSION H2SCOPE_VERSION
#else
#define H2SCOPE_TOOL_VERSION "0.1.0"
#endif

static const char prog[] = "h2scope read";

/* ---- -j: the worker states ---- */

static void read_workers_free(read_workers *w) {
  read_jobs_free(w->jobs);
  for (unsigned i = 0; w->w && i < w->n; i++) {
    header_scratch_free(&w->w[i].rs.scratch);
    read_talk_stop(&w->w[i].rs.talk);
    read_filter_free(&w->w[i].rs.filt);
  }
  free(w->w);
  memset(w, 0, sizeof *w);
}

/* Every connection takes large buffers (the 1 MiB field-block buffer and the
 * HPACK scratch of each direction) and gives them back at its close. With
 * glibc's defaults the first ones are mapped and unmapped one by one and a
 * thread's heap grows and shrinks with them (mprotect): each such call takes
 * the process's memory-map lock for writing, so the other workers' page
 * faults wait for it (with two workers, about 750 sleeps of 900 context
 * switches in a run over 200 connections) and an unmap interrupts the other
 * cores to flush their TLBs. Fixed thresholds keep these buffers in the
 * heap and the heap at its size: memory still follows the connections open
 * at a time, not the capture's size. (One thread does not pay for this,
 * and a live capture, never on workers, keeps them mapped: capture_run.c.) */
static void keep_buffers_in_heap(void) {
#ifdef __GLIBC__
  (void)mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
  (void)mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

static bool read_workers_start(read_workers *w, unsigned n, read_state *main_rs) {
  memset(w, 0, sizeof *w);
  keep_buffers_in_heap();
  /* sizeof is a multiple of the alignment, as aligned_alloc wants. */
  w->w = aligned_alloc(_Alignof(read_worker), n * sizeof *w->w);
  if (!w->w) return false;
  memset(w->w, 0, n * sizeof *w->w);
  w->n = n;
  read_jobs_worker specs[READ_JOBS_MAX];
  for (unsigned i = 0; i < n; i++) {
    read_state *rs = &w->w[i].rs;
    rs->o = main_rs->o;
    rs->job_worker = true;
    /* Its own filter: PCRE2's match data is per thread. */
    if (!read_filter_init(&rs->filt, &rs->o.filt)) {
      read_workers_free(w);
      return false;
    }
    rs->capture_name = main_rs->capture_name;
    out_init(&w->w[i].out, -1);
    rs->out = &w->w[i].out;
    if (header_scratch_init(&rs->scratch, rs->o.max_header_list) != 0 ||
        !read_talk_start(&rs->talk, &rs->o.talk, main_rs->talk.export_dir, NULL, rs->out, &rs->o.po,
                         rs->o.abs_time, rs->o.quiet_asked, &rs->first_ts) ||
        !read_sink_grpc_start(rs)) {
      read_workers_free(w);
      return false;
    }
    rs->talk.filter = &rs->filt;
    specs[i] = (read_jobs_worker){.consumer = read_sink_consumer(rs), .out = rs->out};
  }
  read_jobs_hooks hooks = read_sink_jobs_hooks(main_rs);
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
    const read_state *ws = &w->w[i].rs;
    rs->lint_conns += ws->lint_conns;
    rs->lint_frames += ws->lint_frames;
    rs->lint_findings += ws->lint_findings;
    rs->lint_errors += ws->lint_errors;
    rs->filt.frames += ws->filt.frames;
    rs->filt.matched += ws->filt.matched;
  }
}

/* -j's default: one thread per core available (the capture thread among
 * them), at most READ_DEFAULT_JOBS: reading, reassembly and recording stay
 * on one thread and take a sixth of the work or more, so beyond a few
 * threads that one is the limit (it then decodes nothing itself:
 * read_jobs_record.c, pick_worker). */
enum { READ_DEFAULT_JOBS = 8 };
static uint32_t default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) return 1;
  return n > READ_DEFAULT_JOBS ? READ_DEFAULT_JOBS : (uint32_t)n;
}

/* ---- before the run ---- */

/* The capture files (a rotating set in time order) and the header scratch. */
static bool open_inputs(read_run *run) {
  read_args *a = &run->args;
  if (!a->co.iface) {
    char ferr[1024];
    if (capture_file_set_build(&run->files, a->inputs, a->ninputs, ferr, sizeof ferr) != 0) {
      fprintf(stderr, "%s: %s\n", prog, ferr);
      return false;
    }
    a->co.files = (const char *const *)run->files.paths;
    a->co.nfiles = run->files.count;
  }
  if (header_scratch_init(&run->rs.scratch, run->rs.o.max_header_list) != 0 ||
      !read_filter_init(&run->rs.filt, &run->rs.o.filt)) {
    fprintf(stderr, "%s: out of memory\n", prog);
    header_scratch_free(&run->rs.scratch);
    capture_file_set_free(&run->files);
    return false;
  }
  return true;
}

/* The writers open_writers opened, closed again when the setup fails after
 * them (what they wrote so far stays: the run reports its failure). */
static void drop_writers(read_run *run) {
  read_state *rs = &run->rs;
  if (rs->sarif) (void)sarif_close(rs->sarif);
  if (rs->har) (void)har_close(rs->har, NULL);
  if (rs->report) (void)report_close(rs->report);
  body_export_close(run->exp);
  rs->sarif = NULL;
  rs->har = NULL;
  rs->report = NULL;
  run->exp = NULL;
}

/* --sarif, --html, --har and --export: their files are written as the capture is
 * read. */
static bool open_writers(read_run *run) {
  read_state *rs = &run->rs;
  const read_args *a = &run->args;
  if (a->sarif_path) {
    rs->sarif = sarif_open(a->sarif_path, H2SCOPE_TOOL_VERSION);
    if (!rs->sarif) {
      fprintf(stderr, "%s: %s: %s\n", prog, a->sarif_path, strerror(errno));
      return false;
    }
    lint_sarif_rules(rs->sarif);
  }
  if (a->html_path) {
    char herr[256];
    report_options ro = {.max_frames = a->html.max_frames,
                         .max_details =
                             a->html.details_set ? a->html.max_details : REPORT_MAX_DETAILS,
                         .max_lanes = a->html.max_lanes,
                         .redact = rs->o.po.redact,
                         .title = rs->capture_name};
    rs->report = report_open(a->html_path, &ro, herr, sizeof herr);
    if (!rs->report) {
      fprintf(stderr, "%s: %s\n", prog, herr);
      return false;
    }
  }
  if (a->har_path) {
    char herr[256];
    rs->har = har_open(a->har_path, a->har_body_max, herr, sizeof herr);
    if (!rs->har) {
      fprintf(stderr, "%s: %s\n", prog, herr);
      return false;
    }
    if (rs->o.filt.expr) har_set_filtered(rs->har); /* -Y selects the exchanges */
  }
  if (a->o.talk.export_dir) {
    char eerr[640];
    run->exp = body_export_open(a->o.talk.export_dir, a->o.talk.export_raw, eerr, sizeof eerr);
    if (!run->exp) {
      fprintf(stderr, "%s: --export: %s\n", prog, eerr);
      return false;
    }
  }
  return true;
}

/* Live (an interface, or a capture streamed on stdin) the programs being
 * captured write their secrets as they go, so the key log is followed. (Keys
 * a pcapng file carries itself reach the TLS filter as the file is read:
 * flow_consumer.on_secrets.) */
static void gather_keys(read_run *run) {
  bool from_stdin = run->files.count == 1 && !strcmp(run->files.paths[0], "-");
  keylog_follow(&run->keys, run->rs.live || from_stdin);
}

/* -j: connections decoded on worker threads. Sequential where output goes
 * out as it comes (live, stdin: the key log is followed) and where one
 * writer takes every connection's exchanges, findings or frames (HAR,
 * SARIF, the HTML report). */
static void start_decoding(read_run *run) {
  read_state *rs = &run->rs;
  uint32_t jobs = run->args.jobs ? run->args.jobs : default_jobs();
  bool from_stdin = run->files.count == 1 && !strcmp(run->files.paths[0], "-");
  read_workers *w = &run->workers;
  if (jobs > 1 && !rs->live && !from_stdin && !rs->har && !rs->sarif && !rs->report &&
      !read_workers_start(w, jobs, rs))
    fprintf(stderr, "%s: out of memory for -j %u: decoding on one thread\n", prog, jobs);
  const flow_consumer *first = w->jobs ? read_jobs_consumer(w->jobs) : &run->fc;
  rs->tls = tlsdec_filter_new(&run->keys, first);
  if (!rs->tls) /* TLS is then neither decrypted nor described */
    fprintf(stderr, "%s: out of memory: TLS connections are not looked into\n", prog);
  if (w->jobs && rs->tls) read_jobs_set_tls(w->jobs, rs->tls);
  run->in = rs->tls ? tlsdec_filter_consumer(rs->tls) : first;
}

bool read_setup(read_run *run, int *status) {
  read_state *rs = &run->rs;
  read_args *a = &run->args;
  rs->o = a->o;
  *status = EXIT_INPUT;
  if (!open_inputs(run)) return false;
  rs->capture_name = a->co.iface ? a->co.iface : a->inputs[0];
  if (!open_writers(run)) {
    drop_writers(run);
    header_scratch_free(&rs->scratch);
    capture_file_set_free(&run->files);
    return false;
  }
  out_init(&run->out, a->out_fd);
  rs->out = &run->out;
  if (!read_talk_start(&rs->talk, &rs->o.talk, run->exp, rs->har, rs->out, &rs->o.po,
                       rs->o.abs_time, rs->o.quiet_asked, &rs->first_ts) ||
      !read_sink_grpc_start(rs)) {
    fprintf(stderr, "%s: out of memory\n", prog);
    read_talk_stop(&rs->talk);
    drop_writers(run);
    header_scratch_free(&rs->scratch);
    capture_file_set_free(&run->files);
    return false;
  }
  rs->talk.report = rs->report;
  rs->talk.filter = &rs->filt;
  read_talk_header(&rs->o.talk, &rs->o.po, rs->o.quiet_asked, rs->out);
  if (rs->o.filt.fields && rs->o.filt.header && !rs->o.quiet)
    read_filter_fields_header(&rs->o.filt, rs->out);
  summary_init(&rs->summary);
  run->fc = read_sink_consumer(rs);
  rs->live = a->co.iface != NULL;
  gather_keys(run);
  a->co.hooks = read_sink_live_hooks(rs);
  start_decoding(run);
  return true;
}

/* ---- after the run ---- */

bool read_decoding_end(read_run *run) {
  read_state *rs = &run->rs;
  bool ok = true;
  if (run->workers.jobs) {
    ok = read_jobs_finish(run->workers.jobs);
    read_workers_totals(&run->workers, rs);
    read_workers_free(&run->workers);
  }
  tlsdec_filter_free(rs->tls);
  rs->tls = NULL;
  capture_file_set_free(&run->files);
  keylog_free(&run->keys);
  return ok;
}

bool read_outputs_close(read_run *run, const char **what) {
  read_state *rs = &run->rs;
  bool ok = true;
  read_talk_stop(&rs->talk);
  if (run->exp && body_export_failures(run->exp)) {
    *what = "--export: some bodies could not be written";
    ok = false;
  }
  body_export_close(run->exp);
  run->exp = NULL;
  if (rs->har && har_close(rs->har, NULL) != 0) {
    fprintf(stderr, "%s: writing %s failed: %s\n", prog, run->args.har_path, strerror(errno));
    if (ok) *what = "the HAR file is incomplete";
    ok = false;
  }
  rs->har = NULL;
  if (rs->sarif && sarif_close(rs->sarif) != 0) {
    fprintf(stderr, "%s: writing %s failed: %s\n", prog, run->args.sarif_path, strerror(errno));
    if (ok) *what = "the SARIF file is incomplete";
    ok = false;
  }
  rs->sarif = NULL;
  if (rs->report && report_close(rs->report) != 0) {
    fprintf(stderr, "%s: writing %s failed\n", prog, run->args.html_path);
    if (ok) *what = "the HTML report is incomplete";
    ok = false;
  }
  rs->report = NULL;
  return ok;
}
