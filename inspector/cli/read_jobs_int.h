/* read_jobs_int.h — what read_jobs.c (the workers, the merging, the life
 * cycle) and read_jobs_record.c (the capture thread's side) share: the
 * records, the batch ring and the lock that guards it. Not for other files:
 * read_jobs.h is the interface. */
#ifndef H2SCOPE_READ_JOBS_INT_H
#define H2SCOPE_READ_JOBS_INT_H

#include <pthread.h>
#include <stdint.h>

#include "read_jobs.h"

/* A batch is handed over when it holds this many bytes or records: large
 * enough that the lock is rare, small enough that READ_JOBS_BATCHES of them
 * (and their output) stay a few MiB. */
enum { BATCH_BYTES = 64 * 1024, BATCH_RECORDS = 1024, MERGER = UINT32_MAX };
/* Two lines: some cores fetch lines in adjacent pairs. */
#define CACHE_LINE 128

/* REC_ROLES: the capture side set the roles again after the open (a SYN
 * seen after the first packet): the new endpoints, ports and syn_seen. */
enum rec_kind { REC_OPEN, REC_ROLES, REC_BYTES, REC_GAP, REC_CLOSE, REC_NOTICE };

struct job_worker;

/* One connection: the worker's detached copy of the flow and what came with
 * the records. The capture thread makes it at on_open and keeps it in
 * f->user; the owning worker frees it after the close. */
typedef struct job_flow {
  capture_flow pub; /* first: a worker's consumer gets &pub */
  struct job_worker *worker;
  double first_ts;
  bool has_tls;
  tls_conn_info tls;
  /* The capture thread's own, apart from what the worker writes: the
   * worker's number; an on_bytes was recorded; the roles the worker was last
   * told of. */
  struct {
    _Alignas(CACHE_LINE) uint32_t worker;
    bool recorded_bytes;
    bool told_syn;
    char told_endpoint0[sizeof(((capture_flow *)0)->endpoint[0])];
  } cap;
} job_flow;

/* A recorded callback; its payload follows (8-byte aligned): the flow for
 * an open, the TLS facts if has_tls, then the bytes of on_bytes, or kind and
 * message of a notice (two NUL-terminated strings). */
typedef struct rec {
  uint32_t size; /* header and payload, a multiple of 8 */
  uint32_t worker;
  uint32_t next; /* the offset of the worker's next record in the batch; 0: none */
  uint8_t kind, dir;
  bool has_tls, have_first_ts;
  int32_t reason;
  job_flow *jf;
  double ts, first_ts;
  uint64_t offset, len;
  uint64_t bytes[2];
  uint64_t pkt_first, pkt_last; /* on_bytes: capture_flow's packet numbers */
  uint32_t pkt_file;
} rec;

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define REC_HEAD ALIGN8(sizeof(rec))

typedef struct mem {
  char *p;
  size_t len, cap;
} mem;

/* Where a record's output and attachment end in its worker's buffers. */
typedef struct mark {
  size_t out_end, att_end;
} mark;

/* A worker's part of a batch: written by that worker only. */
typedef struct worker_out {
  _Alignas(CACHE_LINE) mem out;
  mem att;
  mark *marks;
  size_t nmarks, cap_marks;
} worker_out;

typedef struct batch {
  _Alignas(CACHE_LINE) uint8_t *data;
  size_t len, cap;
  uint32_t nrec;
  /* Per worker with records in it (has): the offsets of its first and last. */
  uint32_t head[READ_JOBS_MAX], tail[READ_JOBS_MAX];
  /* Under the lock: the batch's number while it is handed over (UINT64_MAX
   * once written out), and how many workers are still working on it. Only
   * the workers with records in it count: one with none skips the batch
   * without touching it, so an idle worker never holds the window up. */
  uint64_t index;
  unsigned pending;
  bool has[READ_JOBS_MAX]; /* workers with records in it */
  worker_out *wo;          /* per worker */
} batch;

typedef struct job_worker {
  _Alignas(CACHE_LINE) struct read_jobs *j;
  unsigned index;
  pthread_t thread;
  bool started;
  read_jobs_worker spec;
  worker_out *cur; /* the batch output being written */
  uint64_t next;   /* the next batch to look at */
  bool oom;
  /* Under the lock: waiting for a batch with records of its own, on cv
   * (publish wakes only the workers a batch has records for). */
  bool waiting;
  pthread_cond_t cv;
} job_worker;

struct read_jobs {
  unsigned n;
  read_jobs_hooks hooks;
  out_buf *out;
  const tlsdec_filter *tls;
  flow_consumer consumer;
  pthread_mutex_t mu;
  /* Under mu: the capture thread waits on cap_cv for what cap_wait says
   * (read_jobs.c: capture_wanted). */
  pthread_cond_t cap_cv;
  enum { CAP_RUNS, CAP_WAITS_ROOM, CAP_WAITS_ALL } cap_wait;
  bool closing;
  bool merging;               /* a thread is writing batches out (merge_ready) */
  uint64_t published, merged; /* batches handed to the workers, written out */
  batch ring[READ_JOBS_BATCHES];
  bool have_first_ts;
  double first_ts;
  bool oom;
  job_worker w[];
};

/* Zeroed memory that starts a cache line (read_jobs, job_flow, worker_out);
 * free() gives it back. */
void *read_jobs_zalloc(size_t size);
/* The capture thread: hands the batch being filled to the workers and makes
 * sure the next slot is free (read_jobs.c). */
void read_jobs_publish(read_jobs *j);
/* The consumer the capture thread calls (read_jobs_record.c). */
flow_consumer read_jobs_recorder(read_jobs *j);

#endif
