/* read_jobs_int.h — what read_jobs.c (the workers, the merging, the life
 * cycle) and read_jobs_record.c (the capture thread's side) share: the
 * records, the batch ring and the lock that guards it. Not for other files:
 * read_jobs.h is the interface. */
#ifndef H2SCOPE_READ_JOBS_INT_H
#define H2SCOPE_READ_JOBS_INT_H

#include <pthread.h>
#include <stdint.h>

#include "h2/buf.h"
#include "read_jobs.h"

/* A batch is handed over when it holds this many bytes or records: large
 * enough that the lock is rare, small enough that READ_JOBS_BATCHES of them
 * (and their output) stay a few MiB. */
enum { BATCH_BYTES = 64 * 1024, BATCH_RECORDS = 1024, MERGER = UINT32_MAX };
/* The worker that runs on the capture thread: it decodes its connections
 * as their records are made (read_jobs_run_inline), with their bytes where
 * the capture has them, and has no thread and no chain of its own. */
enum { INLINE = 0 };
/* Two lines: some cores fetch lines in adjacent pairs. */
#define CACHE_LINE 128

enum rec_kind { REC_OPEN, REC_BYTES, REC_GAP, REC_CLOSE, REC_NOTICE };

/* The capture side's numbering of a flow's directions, as it stands at a
 * record. It is fixed once bytes have flowed (flow_events.h), but before
 * the first bytes a late SYN may number the directions again (the
 * endpoints change in place): so every record of a flow from the open to
 * its first bytes or gap carries it, and the worker's copy takes it. No
 * comparison: it is data that travels with the records until it can no
 * longer change. */
typedef struct flow_roles {
  bool syn_seen;
  uint16_t port[2];
  char endpoint[2][sizeof(((capture_flow *)0)->endpoint[0])];
} flow_roles;

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
   * worker's number; an on_bytes was recorded; an on_bytes or on_gap was
   * recorded (the numbering is fixed: no flow_roles any more). */
  struct {
    _Alignas(CACHE_LINE) uint32_t worker;
    bool recorded_bytes;
    bool numbering_fixed;
  } cap;
} job_flow;

/* A recorded callback; its payload follows (8-byte aligned): the flow for
 * an open; otherwise the flow_roles if has_roles (rec_body: what follows
 * them), the TLS facts if has_tls, then the bytes of on_bytes, or kind and
 * message of a notice (two NUL-terminated strings). */
typedef struct rec {
  uint32_t size; /* header and payload, a multiple of 8 */
  uint32_t worker;
  uint32_t next; /* the offset of the worker's next record in the batch; 0: none */
  uint8_t kind, dir;
  bool has_tls, have_first_ts, has_roles;
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
#define ROLES_LEN ALIGN8(sizeof(flow_roles))

/* A record's payload after its flow_roles. */
static inline const uint8_t *rec_body(const rec *r) {
  return (const uint8_t *)r + REC_HEAD + (r->has_roles ? ROLES_LEN : 0);
}

/* Where an on_bytes record's bytes are, after its TLS facts. */
static inline const uint8_t *rec_bytes(const rec *r) {
  return rec_body(r) + (r->has_tls ? ALIGN8(sizeof(tls_conn_info)) : 0);
}

/* The most a batch's records take. A batch is handed over as soon as it
 * holds BATCH_BYTES (record_done), so it holds less than BATCH_BYTES plus
 * one record, and a record is its head, the flow (an open) or flow_roles and
 * the TLS facts, and at most the bytes of one on_bytes: one TCP segment's
 * payload (an IP length field: under 64 KiB; libpcap keeps at most 256 KiB
 * of a packet) or one decrypted TLS record (at most 2^14 + 2048 bytes) --
 * far below BATCH_LIMIT, which only a broken invariant could reach (it is
 * then said as out of memory, j->oom). Below UINT32_MAX: the records'
 * sizes and offsets (uint32_t) always fit. */
#define BATCH_LIMIT ((size_t)16 << 20)
/* Records never move once made: a batch's buffer is reserved ahead, large
 * enough that a normal batch never grows it. */
#define BATCH_RESERVE (BATCH_BYTES + BATCH_BYTES / 4)
/* The most a worker renders for one batch (its out buffer, in which out_buf
 * writes through its window). With the decoders' default limits, the most
 * output a little input makes is a header list: at most 256 KiB
 * (H2_HPACK_DEFAULT_MAX_LIST) per HEADERS frame of a few bytes (an indexed
 * field names a dynamic table entry), so well under 2 GiB for the input of a
 * batch (< 1 MiB); JOB_OUT_LIMIT is 4 GiB (half the address space on a
 * 32-bit size_t). Body limits lifted by hand (--max-body 0) have no bound:
 * such a batch, like one that runs out of memory, ends the run with the
 * out-of-memory error (w->oom). */
#define JOB_OUT_LIMIT ((size_t)(SIZE_MAX / 2 > (4ull << 30) ? (4ull << 30) : SIZE_MAX / 2))
/* Its first room: what a window needs and more (grown by doubling). */
#define JOB_OUT_RESERVE ((size_t)64 * 1024)
/* The most a worker attaches for one batch: a batch has at most
 * BATCH_RECORDS records, and a record at most READ_JOBS_ATTACH_MAX bytes of
 * attachment (read_jobs.h; a summary row is a few hundred). */
#define JOB_ATT_LIMIT ((size_t)BATCH_RECORDS * READ_JOBS_ATTACH_MAX)

/* Where a record's output and attachment end in its worker's buffers. */
typedef struct mark {
  size_t out_end, att_end;
} mark;

/* A worker's part of a batch: written by that worker only. */
typedef struct worker_out {
  _Alignas(CACHE_LINE) h2_buf out; /* limit JOB_OUT_LIMIT */
  h2_buf att;                      /* limit JOB_ATT_LIMIT */
  mark *marks;
  size_t nmarks, cap_marks;
} worker_out;

typedef struct batch {
  _Alignas(CACHE_LINE) h2_buf recs; /* the records; limit BATCH_LIMIT */
  uint32_t nrec;
  /* Per worker: how many records it has in the batch (the INLINE worker
   * none: it ran them already), and the offsets of its first and last. */
  uint32_t count[READ_JOBS_MAX], head[READ_JOBS_MAX], tail[READ_JOBS_MAX];
  /* Under the lock: the batch's number while it is handed over (UINT64_MAX
   * once written out), and how many workers are still working on it. Only
   * the workers with records in it count: one with none skips the batch
   * without touching it, so an idle worker never holds the window up. */
  uint64_t index;
  unsigned pending;
  worker_out *wo; /* per worker */
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
   * (publish wakes only the workers a batch has records for: at once for
   * WAKE_RECORDS of them, else once WAKE_AT batches wait, or when the
   * capture thread is about to wait itself), and how
   * many published batches have records for it that it has not done. */
  bool waiting;
  uint32_t queued;
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
  /* The capture thread's own: the work given to each worker so far (bytes
   * recorded, and FLOW_WEIGHT per connection), which picks the worker of a
   * new connection (read_jobs_record.c: pick_worker). */
  _Alignas(CACHE_LINE) uint64_t load[READ_JOBS_MAX];
  job_worker w[];
};

/* Zeroed memory that starts a cache line (read_jobs, job_flow, worker_out);
 * free() gives it back. */
void *read_jobs_zalloc(size_t size);
/* The capture thread: hands the batch being filled to the workers and makes
 * sure the next slot is free (read_jobs.c). */
void read_jobs_publish(read_jobs *j);
/* The capture thread, for a record of a connection of the INLINE worker
 * (just made, in the batch being filled): decodes it now; data: the bytes
 * of an on_bytes (read_jobs.c). */
void read_jobs_run_inline(read_jobs *j, const rec *r, const uint8_t *data);

#endif
