/* read_setup.h — everything `h2scope read` opens before the capture runs and
 * closes after it: the capture files, the header scratch, the SARIF and
 * HAR writers, the output buffer, the key log (files, pcapng secrets,
 * following), the TLS filter and, with -j, the worker states. One run's
 * state lives in read_run, on the heap (it is large: the summary table,
 * the scratch, the output buffer), never in statics. */
#ifndef H2SCOPE_READ_SETUP_H
#define H2SCOPE_READ_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "capture_files.h"
#include "keylog.h"
#include "out_buf.h"
#include "read_jobs.h"
#include "read_options.h"
#include "read_sink.h"

/* One worker of -j N: a copy of the options with its own output, header
 * scratch and lint totals, on cache lines of its own (a worker writes its
 * counters on every frame: a line shared with the next worker's options
 * would have the two cores take turns with it). */
typedef struct read_worker {
  _Alignas(128) read_state rs;
  _Alignas(128) out_buf out;
} read_worker;

typedef struct read_workers {
  unsigned n;
  read_worker *w; /* n of them */
  read_jobs *jobs;
} read_workers;

typedef struct read_run {
  read_args args;
  read_state rs;
  keylog keys;
  out_buf out;
  capture_file_set files;
  flow_consumer fc;        /* the callbacks on rs (one thread) */
  read_workers workers;    /* -j: workers.jobs set when decoding on threads */
  const flow_consumer *in; /* what capture_run calls: the TLS filter, the jobs or fc */
  body_export *exp;        /* --export: shared by the workers */
} read_run;

/* Opens what run->args asks for. False after saying why on stderr, with
 * *status the exit status; what was opened is closed again. */
bool read_setup(read_run *run, int *status);
/* After capture_run: waits for the workers (their lint totals added to
 * run->rs), frees them, the TLS filter, the file set and the key log.
 * False when the workers ran out of memory (the output is incomplete). */
bool read_decoding_end(read_run *run);
/* Stops the exchange tracker and closes the HAR and SARIF files and the
 * export directory: false after saying on stderr which one could not be
 * written (*what then names it for the error line). */
bool read_outputs_close(read_run *run, const char **what);

#endif
