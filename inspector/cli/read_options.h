/* read_options.h — `h2scope read`'s options: the --help text, the option
 * table and what parsing it yields (read_args), validated. The decoding
 * callbacks (read_sink.h) see only read_opts; read_setup.h uses the rest
 * to open the capture and the output files.
 *
 * Adding an option: a row in read_options.c's table (its name, whether it
 * takes a value, its short letter if any, and the function that applies
 * it), that function next to the others of its group (it stores the value
 * in read_opts when the decoding callbacks need it, otherwise in
 * read_args for read_setup.c), its line in read_usage.c, and, when it
 * depends on other options or on the operands, a check in check_args().
 * Nothing else in the command changes. */
#ifndef H2SCOPE_READ_OPTIONS_H
#define H2SCOPE_READ_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture_run.h"
#include "frame_print.h"
#include "grpc_reader.h"
#include "keylog.h"
#include "lint_conn.h"
#include "read_filter.h"
#include "read_report.h"
#include "read_talk.h"

enum {
  READ_MAX_PORTS = 32,
  READ_MAX_INPUTS = 4096, /* capture files named with -r and operands together */
};

/* What the decoding callbacks consult (read_sink.h): copied into every
 * worker's state with -j, so it holds values only, no resources. */
typedef struct read_opts {
  print_options po;
  bool quiet, summary, abs_time;
  bool quiet_asked; /* -q itself (--lint also sets quiet: findings instead of frames) */
  uint32_t conn_filter, stream_filter;
  bool stream_filter_set;
  uint32_t type_mask; /* bit t: type t (bit 10: extension types); 0 = all */
  uint16_t ports[READ_MAX_PORTS];
  int nports;
  uint32_t max_header_list;
  bool lint;
  h2_observer_limits lint_limits;
  uint32_t lint_max_findings; /* printed per id and connection; 0: LINT_MAX_FINDINGS */
  read_talk_opts talk;        /* --exchanges, --export, --follow and their limits */
  bool grpc;                  /* --grpc: gRPC messages decoded (docs/read-output.md) */
  grpc_limits grpc_limits;
  const pb_schema *schema; /* --proto-descriptors: read-only, shared by the workers */
  read_filter_opts filt;   /* -Y, -T fields, -e, -E (read_filter.h) */
} read_opts;

/* Everything the command line says. */
typedef struct read_args {
  read_opts o;
  capture_options co; /* limits, -i, -B, --max-packets; files are set up later */
  const char *har_path, *sarif_path;
  uint32_t har_body_max;   /* --har-body-max */
  const char *html_path;   /* --html */
  read_report_limits html; /* --html-max-frames, --html-details, --html-max-lanes */
  int color_when;          /* cli_color_when: 1 always, 0 never, -1 auto */
  bool immediate;
  uint32_t jobs; /* 0: the cores available */
  keylog *keys;  /* --keylog files are loaded as they are parsed */
  /* The operands: capture files (or a directory of them), or -i's filter. */
  const char *const *inputs;
  size_t ninputs;
  int out_fd;        /* where the frames go: stdout, or stderr when --har/--sarif take it */
  pb_schema *schema; /* --proto-descriptors, loaded as it is parsed: freed by the caller */
  /* -r FILE: capture files named like tcpdump's and tshark's, read before
   * the operands (inputs then points here). */
  const char *input_list[READ_MAX_INPUTS];
  size_t nrfiles;
} read_args;

/* The --help text (read_usage.c). */
extern const char read_usage[];

/* Parses and checks argv into *a (keys: initialised, loaded by --keylog,
 * freed by the caller; so is a->schema, also when parsing fails). False when the command ends now
 * with *status:
 * --help (0), a usage error (2), an unreadable key log or an output file
 * that cannot be written (3). */
bool read_args_parse(read_args *a, keylog *keys, int argc, char **argv, int *status);

#endif
