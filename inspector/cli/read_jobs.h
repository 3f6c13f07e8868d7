/* read_jobs.h — `read -j N`: a flow_consumer that decodes the connections of
 * a capture on N worker threads and still writes their output in capture
 * order, byte for byte what one thread writes.
 *
 * The capture thread (capture_run, the TLS filter) calls this consumer as
 * usual. Each callback becomes a small record appended to the current
 * batch. Every connection belongs to one of the N workers, chosen at its
 * open by the work given so far. Worker 0 runs on the capture thread: it
 * decodes its connections' records as they are made, their bytes read where
 * the capture has them, and takes a smaller share (the reading is the
 * capture thread's work too). Workers 1 to N-1 have threads: their records
 * carry copies of the bytes, and a full batch is handed to the workers it
 * has records for. Each worker replays the records of its own connections
 * into its own flow_consumer (read_sink.h's callbacks on a read_state of its
 * own), whose out_buf renders straight into the batch's memory (its
 * window), marked per record. Once every worker is done with a batch, its
 * output is written record by record, in the order the callbacks came, by one
 * thread at a time: mostly the capture thread, several batches at once, or a
 * worker left without work (the merging). At most READ_JOBS_BATCHES batches
 * are in flight, so memory stays flat whatever the size of the capture.
 *
 * A worker sees a copy of each capture_flow (flow_events.h), kept up to
 * date from the records: the counts and packet numbers, and the endpoints
 * and syn_seen while the capture side may still number the directions again
 * (a late SYN before the first bytes).
 * What a worker cannot compute alone goes back through the merging in
 * record order: notices are counted there (hooks.on_notice), and a worker may
 * attach bytes to the record it is processing (read_jobs_attach, e.g. the
 * connection's summary row) that hooks.on_attachment receives in order. */
#ifndef H2SCOPE_READ_JOBS_H
#define H2SCOPE_READ_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "flow_events.h"
#include "out_buf.h"
#include "tlsdec_filter.h"

/* READ_JOBS_ATTACH_MAX: the most bytes a worker attaches to one record
 * (read_jobs_attach); beyond it the run ends as out of memory. */
enum { READ_JOBS_MAX = 64, READ_JOBS_BATCHES = 8, READ_JOBS_ATTACH_MAX = 4096 };

typedef struct read_jobs_worker {
  flow_consumer consumer; /* called on the worker's thread, with copies of the flows */
  out_buf *out;           /* where that consumer writes (its window is set here) */
} read_jobs_worker;

typedef struct read_jobs_hooks {
  void *user;
  /* While merging (on a worker's or the capture thread, never two at once:
   * the calls are ordered by the lock), in capture order, for every notice. rendered_by_worker:
   * the notice named a connection and its worker wrote what it prints; otherwise
   * (f was NULL) the hook prints it too. first_ts/have_first_ts: the time of the
   * first connection as it was when the notice came. */
  void (*on_notice)(void *user, const char *kind, const char *message, double ts,
                    bool rendered_by_worker, bool have_first_ts, double first_ts);
  /* While merging, in capture order: bytes a worker attached. */
  void (*on_attachment)(void *user, const void *data, size_t len);
} read_jobs_hooks;

typedef struct read_jobs read_jobs;

/* n workers (2..READ_JOBS_MAX), each with its consumer and out_buf, the
 * first run on the thread that calls the consumer, a thread started for each
 * of the others; out is the real output. NULL when out of memory or a
 * thread cannot start. */
read_jobs *read_jobs_new(unsigned n, const read_jobs_worker *workers, const read_jobs_hooks *hooks,
                         out_buf *out);
/* The TLS filter in front of this consumer, whose per-connection facts are
 * copied for the workers (read_jobs_flow_tls). */
void read_jobs_set_tls(read_jobs *j, const tlsdec_filter *tls);
const flow_consumer *read_jobs_consumer(read_jobs *j);
/* After capture_run: waits for the workers and writes everything left.
 * False when memory ran out on the way (output is then incomplete). */
bool read_jobs_finish(read_jobs *j);
void read_jobs_free(read_jobs *j);

/* For a worker's consumer, with a flow it was given: the TLS facts the filter
 * had when the record was made (at the first bytes and the close), or NULL. */
const tls_conn_info *read_jobs_flow_tls(const capture_flow *f);
/* For a worker's consumer: the time of the capture's first connection (what
 * a single consumer learns at its first on_open). */
double read_jobs_first_ts(const capture_flow *f);
/* For a worker's consumer: bytes delivered to hooks.on_attachment when the
 * record being processed is written out (at most READ_JOBS_ATTACH_MAX per
 * record). */
void read_jobs_attach(const capture_flow *f, const void *data, size_t len);

#endif
