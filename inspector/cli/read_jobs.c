/* read_jobs.c — connections decoded on worker threads, output in capture
 * order (read_jobs.h). One lock guards the batch ring; a worker takes it twice
 * per batch, not per record, so the threads rarely meet. A finished batch is
 * written out by whichever thread gets there first (the last worker done with
 * it, or the capture thread), one thread at a time, straight from the
 * workers' buffers (writev: the output is not copied on the way). */
#include "read_jobs.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

/* A batch is handed over when it holds this many bytes or records: large
 * enough that the lock is rare, small enough that READ_JOBS_BATCHES of them
 * (and their output) stay a few MiB. */
enum { BATCH_BYTES = 64 * 1024, BATCH_RECORDS = 1024, MERGER = UINT32_MAX };

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
  /* The capture thread's own: an on_bytes was recorded; the roles the
   * worker was last told of. */
  bool recorded_bytes;
  bool told_syn;
  char told_endpoint0[sizeof(((capture_flow *)0)->endpoint[0])];
} job_flow;

/* A recorded callback; its payload follows (8-byte aligned): the flow for
 * an open, the TLS facts if has_tls, then the bytes of on_bytes, or kind and
 * message of a notice (two NUL-terminated strings). */
typedef struct rec {
  uint32_t size; /* header and payload, a multiple of 8 */
  uint32_t worker;
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

typedef struct worker_out {
  mem out, att;
  mark *marks;
  size_t nmarks, cap_marks;
} worker_out;

typedef struct batch {
  uint8_t *data;
  size_t len, cap;
  uint32_t nrec;
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
  struct read_jobs *j;
  unsigned index;
  pthread_t thread;
  bool started;
  read_jobs_worker spec;
  worker_out *cur; /* the batch output being written */
  uint64_t next;   /* the next batch to process */
  bool oom;
} job_worker;

struct read_jobs {
  unsigned n;
  read_jobs_hooks hooks;
  out_buf *out;
  const tlsdec_filter *tls;
  flow_consumer consumer;
  pthread_mutex_t mu;
  pthread_cond_t work_cv, done_cv;
  bool closing;
  bool merging;               /* a thread is writing batches out (merge_ready) */
  uint64_t published, merged; /* batches handed to the workers, written out */
  batch ring[READ_JOBS_BATCHES];
  bool have_first_ts;
  double first_ts;
  bool oom;
  job_worker w[];
};

static bool mem_add(mem *m, const void *p, size_t n) {
  if (n > m->cap - m->len) {
    size_t cap = m->cap ? m->cap : 64 * 1024;
    while (cap - m->len < n)
      cap *= 2;
    char *q = realloc(m->p, cap);
    if (!q) return false;
    m->p = q;
    m->cap = cap;
  }
  memcpy(m->p + m->len, p, n);
  m->len += n;
  return true;
}

/* ---- worker ---- */

static bool spill(void *ctx, const char *p, size_t n) {
  job_worker *w = ctx;
  if (mem_add(&w->cur->out, p, n)) return true;
  w->oom = true;
  return false;
}

void read_jobs_attach(const capture_flow *f, const void *data, size_t len) {
  job_worker *w = ((const job_flow *)f)->worker;
  if (!mem_add(&w->cur->att, data, len)) w->oom = true;
}

const tls_conn_info *read_jobs_flow_tls(const capture_flow *f) {
  const job_flow *jf = (const job_flow *)f;
  return jf->has_tls ? &jf->tls : NULL;
}

double read_jobs_first_ts(const capture_flow *f) {
  return ((const job_flow *)f)->first_ts;
}

/* The capture side numbers directions as before any swap by the consumer. */
static int take_counts(job_flow *jf, const rec *r) {
  int s = jf->pub.roles_swapped;
  jf->pub.bytes[0] = r->bytes[s];
  jf->pub.bytes[1] = r->bytes[!s];
  if (r->has_tls) {
    memcpy(&jf->tls, (const uint8_t *)r + REC_HEAD, sizeof jf->tls);
    if (jf->tls.client_dir >= 0) jf->tls.client_dir ^= s;
    jf->has_tls = true;
  }
  return r->dir ^ s;
}

static void replay(job_worker *w, const rec *r) {
  const flow_consumer *c = &w->spec.consumer;
  job_flow *jf = r->jf;
  const uint8_t *payload = (const uint8_t *)r + REC_HEAD;
  size_t tls_len = r->has_tls ? ALIGN8(sizeof(tls_conn_info)) : 0;
  if (jf && r->kind != REC_OPEN && r->kind != REC_ROLES) {
    jf->pub.pkt_first = r->pkt_first;
    jf->pub.pkt_last = r->pkt_last;
    jf->pub.pkt_file = r->pkt_file;
  }
  switch (r->kind) {
  case REC_OPEN:
    memcpy(&jf->pub, payload, sizeof jf->pub);
    jf->pub.detached = true;
    jf->pub.roles_swapped = 0;
    jf->pub.user = NULL;
    jf->first_ts = r->first_ts;
    if (c->on_open) c->on_open(c->user, &jf->pub, r->ts);
    break;
  case REC_ROLES: {
    const capture_flow *snap = (const capture_flow *)payload;
    int s = jf->pub.roles_swapped;
    jf->pub.syn_seen = snap->syn_seen;
    for (int d = 0; d < 2; d++) {
      memcpy(jf->pub.endpoint[d ^ s], snap->endpoint[d], sizeof snap->endpoint[d]);
      jf->pub.port[d ^ s] = snap->port[d];
    }
    break;
  }
  case REC_BYTES: {
    int dir = take_counts(jf, r);
    if (c->on_bytes)
      c->on_bytes(c->user, &jf->pub, dir, r->offset, payload + tls_len, (size_t)r->len, r->ts);
    break;
  }
  case REC_GAP: {
    int dir = take_counts(jf, r);
    if (c->on_gap) c->on_gap(c->user, &jf->pub, dir, r->offset, r->len, r->ts);
    break;
  }
  case REC_CLOSE:
    take_counts(jf, r);
    if (c->on_close) c->on_close(c->user, &jf->pub, r->reason, r->ts);
    free(jf);
    break;
  case REC_NOTICE: {
    const char *kind = (const char *)payload;
    if (c->on_notice) c->on_notice(c->user, &jf->pub, kind, kind + strlen(kind) + 1, r->ts);
    break;
  }
  }
}

static bool add_mark(worker_out *o) {
  if (o->nmarks == o->cap_marks) {
    size_t cap = o->cap_marks ? o->cap_marks * 2 : 256;
    mark *m = realloc(o->marks, cap * sizeof *m);
    if (!m) return false;
    o->marks = m;
    o->cap_marks = cap;
  }
  o->marks[o->nmarks++] = (mark){o->out.len, o->att.len};
  return true;
}

static void run_batch(job_worker *w, batch *b) {
  w->cur = &b->wo[w->index];
  for (size_t off = 0; off < b->len;) {
    const rec *r = (const rec *)(b->data + off);
    off += r->size;
    if (r->worker != w->index) continue;
    replay(w, r);
    out_flush(w->spec.out);
    w->spec.out->failed = false; /* the next record starts afresh */
    if (!add_mark(w->cur)) w->oom = true;
  }
}

static void merge_ready(read_jobs *j);

static void *worker_main(void *arg) {
  job_worker *w = arg;
  read_jobs *j = w->j;
  pthread_mutex_lock(&j->mu);
  for (;;) {
    while (w->next == j->published && !j->closing) {
      merge_ready(j); /* idle: finished batches nobody writes yet */
      if (w->next == j->published && !j->closing) pthread_cond_wait(&j->work_cv, &j->mu);
    }
    if (w->next == j->published) break;
    batch *b = &j->ring[w->next % READ_JOBS_BATCHES];
    /* Nothing for this worker (the batch may even be written out already,
     * its slot reused). */
    if (b->index != w->next || !b->has[w->index]) {
      w->next++;
      continue;
    }
    pthread_mutex_unlock(&j->mu);
    run_batch(w, b);
    pthread_mutex_lock(&j->mu);
    w->next++;
    if (--b->pending == 0 && w->next == j->published) {
      merge_ready(j); /* nothing else to do here: write it out */
    } else if (b->pending == 0) {
      /* The capture thread, or a worker without work, writes it out. */
      pthread_cond_broadcast(&j->done_cv);
      pthread_cond_broadcast(&j->work_cv);
    }
  }
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

/* ---- merging (any thread, one at a time) ---- */

/* The pieces of output a batch's merge writes, in order: pointers into the
 * workers' buffers, written with writev instead of copied. */
typedef struct pieces {
  struct iovec v[OUT_IOV_MAX];
  int n;
} pieces;

static void pieces_write(read_jobs *j, pieces *l) {
  if (l->n) out_writev(j->out, l->v, l->n);
  l->n = 0;
}

static void piece(read_jobs *j, pieces *l, char *p, size_t n) {
  if (n == 0) return;
  struct iovec *last = l->n ? &l->v[l->n - 1] : NULL;
  if (last && (char *)last->iov_base + last->iov_len == p) { /* the same worker's next record */
    last->iov_len += n;
    return;
  }
  if (l->n == OUT_IOV_MAX) pieces_write(j, l);
  l->v[l->n++] = (struct iovec){.iov_base = p, .iov_len = n};
}

/* Writes a finished batch's output in record order (its workers are done
 * with it) and empties it for reuse. */
static void write_batch(read_jobs *j, batch *b) {
  size_t next_mark[READ_JOBS_MAX] = {0}, out_pos[READ_JOBS_MAX] = {0}, att_pos[READ_JOBS_MAX] = {0};
  pieces l = {.n = 0};
  for (size_t off = 0; off < b->len;) {
    const rec *r = (const rec *)(b->data + off);
    off += r->size;
    if (r->kind == REC_NOTICE && j->hooks.on_notice) {
      /* The hook may write to j->out: what came before goes out first. */
      pieces_write(j, &l);
      const char *kind = (const char *)r + REC_HEAD;
      j->hooks.on_notice(j->hooks.user, kind, kind + strlen(kind) + 1, r->ts, r->worker != MERGER,
                         r->have_first_ts, r->first_ts);
    }
    if (r->worker == MERGER) continue;
    unsigned i = r->worker;
    worker_out *o = &b->wo[i];
    if (next_mark[i] >= o->nmarks) continue; /* the worker ran out of memory */
    mark m = o->marks[next_mark[i]++];
    if (m.att_end > att_pos[i] && j->hooks.on_attachment)
      j->hooks.on_attachment(j->hooks.user, o->att.p + att_pos[i], m.att_end - att_pos[i]);
    att_pos[i] = m.att_end;
    if (m.out_end > out_pos[i]) piece(j, &l, o->out.p + out_pos[i], m.out_end - out_pos[i]);
    out_pos[i] = m.out_end;
  }
  pieces_write(j, &l);
  b->len = 0;
  b->nrec = 0;
  for (unsigned i = 0; i < j->n; i++) {
    b->wo[i].out.len = b->wo[i].att.len = b->wo[i].nmarks = 0;
    b->has[i] = false;
  }
}

/* Under j->mu: writes out the oldest batches that are finished, unless
 * another thread is doing so (it then takes these too). Called by the
 * worker that finishes a batch and by the capture thread, so the writing
 * (the kernel's copy of every byte of output) goes to whichever thread is
 * free instead of always holding up the reading. */
static void merge_ready(read_jobs *j) {
  while (!j->merging && j->merged < j->published) {
    batch *b = &j->ring[j->merged % READ_JOBS_BATCHES];
    if (b->pending) break;
    j->merging = true;
    b->index = UINT64_MAX; /* a worker that comes late finds nothing for it */
    pthread_mutex_unlock(&j->mu);
    write_batch(j, b);
    pthread_mutex_lock(&j->mu);
    j->merged++;
    j->merging = false;
    pthread_cond_broadcast(&j->done_cv);
  }
}

/* Hands the current batch to the workers, writes what is ready and makes
 * sure the next slot is free (waiting for the oldest batch if the window is
 * full: that is what bounds memory). */
static void publish(read_jobs *j) {
  batch *b = &j->ring[j->published % READ_JOBS_BATCHES];
  if (b->nrec == 0) return;
  pthread_mutex_lock(&j->mu);
  b->index = j->published;
  b->pending = 0;
  for (unsigned i = 0; i < j->n; i++)
    b->pending += b->has[i];
  j->published++;
  pthread_cond_broadcast(&j->work_cv);
  merge_ready(j);
  while (j->published - j->merged == READ_JOBS_BATCHES) {
    pthread_cond_wait(&j->done_cv, &j->mu);
    merge_ready(j);
  }
  pthread_mutex_unlock(&j->mu);
}

/* ---- recording (the capture thread) ---- */

static rec *record(read_jobs *j, uint8_t kind, job_flow *jf, size_t payload, double ts) {
  batch *b = &j->ring[j->published % READ_JOBS_BATCHES];
  size_t size = REC_HEAD + ALIGN8(payload);
  if (size > UINT32_MAX) {
    j->oom = true;
    return NULL;
  }
  if (size > b->cap - b->len) {
    size_t cap = b->cap ? b->cap : BATCH_BYTES + BATCH_BYTES / 4;
    while (cap - b->len < size)
      cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
      j->oom = true;
      return NULL;
    }
    b->data = p;
    b->cap = cap;
  }
  rec *r = (rec *)(b->data + b->len);
  memset(r, 0, sizeof *r);
  r->size = (uint32_t)size;
  r->kind = kind;
  r->jf = jf;
  r->worker = jf ? jf->worker->index : MERGER;
  if (jf) b->has[r->worker] = true;
  r->ts = ts;
  r->have_first_ts = j->have_first_ts;
  r->first_ts = j->first_ts;
  b->len += size;
  b->nrec++;
  return r;
}

static void record_done(read_jobs *j) {
  const batch *b = &j->ring[j->published % READ_JOBS_BATCHES];
  if (b->len >= BATCH_BYTES || b->nrec >= BATCH_RECORDS) publish(j);
}

/* The TLS facts for a record, if the filter has any for f. */
static const tls_conn_info *tls_of(const read_jobs *j, const capture_flow *f) {
  return j->tls ? tlsdec_flow_info(j->tls, f) : NULL;
}

/* Tells the worker when the capture side set f's roles again since. */
static void follow_roles(read_jobs *j, const capture_flow *f, job_flow *jf) {
  if (f->syn_seen == jf->told_syn && !strcmp(f->endpoint[0], jf->told_endpoint0)) return;
  rec *r = record(j, REC_ROLES, jf, sizeof *f, 0);
  if (!r) return;
  memcpy((uint8_t *)r + REC_HEAD, f, sizeof *f);
  jf->told_syn = f->syn_seen;
  memcpy(jf->told_endpoint0, f->endpoint[0], sizeof jf->told_endpoint0);
}

/* The packets the flow's call came from, for the worker's copy. */
static void packets_of(rec *r, const capture_flow *f) {
  r->pkt_first = f->pkt_first;
  r->pkt_last = f->pkt_last;
  r->pkt_file = f->pkt_file;
}

static void counted(rec *r, const capture_flow *f, int dir, const tls_conn_info *tls) {
  packets_of(r, f);
  r->dir = (uint8_t)dir;
  r->bytes[0] = f->bytes[0];
  r->bytes[1] = f->bytes[1];
  if (tls) {
    r->has_tls = true;
    memcpy((uint8_t *)r + REC_HEAD, tls, sizeof *tls);
  }
}

static void on_open(void *user, capture_flow *f, double ts) {
  read_jobs *j = user;
  if (!j->have_first_ts) {
    j->have_first_ts = true;
    j->first_ts = ts;
  }
  job_flow *jf = calloc(1, sizeof *jf);
  f->user = jf;
  if (!jf) {
    j->oom = true;
    return;
  }
  jf->worker = &j->w[f->id % j->n];
  jf->told_syn = f->syn_seen;
  memcpy(jf->told_endpoint0, f->endpoint[0], sizeof jf->told_endpoint0);
  rec *r = record(j, REC_OPEN, jf, sizeof *f, ts);
  if (!r) {
    free(jf);
    f->user = NULL;
    return;
  }
  memcpy((uint8_t *)r + REC_HEAD, f, sizeof *f);
  record_done(j);
}

static void on_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                     size_t len, double ts) {
  read_jobs *j = user;
  job_flow *jf = f->user;
  if (!jf) return;
  follow_roles(j, f, jf);
  /* The first bytes carry the TLS facts known by then (the ALPN). */
  const tls_conn_info *tls = jf->recorded_bytes ? NULL : tls_of(j, f);
  size_t tls_len = tls ? ALIGN8(sizeof *tls) : 0;
  rec *r = record(j, REC_BYTES, jf, tls_len + len, ts);
  if (!r) return;
  jf->recorded_bytes = true;
  counted(r, f, dir, tls);
  r->offset = offset;
  r->len = len;
  memcpy((uint8_t *)r + REC_HEAD + tls_len, data, len);
  record_done(j);
}

static void on_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len, double ts) {
  read_jobs *j = user;
  job_flow *jf = f->user;
  if (!jf) return;
  follow_roles(j, f, jf);
  rec *r = record(j, REC_GAP, jf, 0, ts);
  if (!r) return;
  counted(r, f, dir, NULL);
  r->offset = offset;
  r->len = len;
  record_done(j);
}

static void on_close(void *user, capture_flow *f, int reason, double ts) {
  read_jobs *j = user;
  job_flow *jf = f->user;
  if (!jf) return;
  follow_roles(j, f, jf);
  f->user = NULL;
  const tls_conn_info *tls = tls_of(j, f);
  rec *r = record(j, REC_CLOSE, jf, tls ? sizeof *tls : 0, ts);
  /* Out of memory (j->oom): the run ends with an error at read_jobs_finish;
   * the flow's state stays allocated until then, since records of it may
   * still be pending for its worker. */
  if (!r) return;
  counted(r, f, 0, tls);
  r->reason = reason;
  record_done(j);
}

static void on_notice(void *user, capture_flow *f, const char *kind, const char *message,
                      double ts) {
  read_jobs *j = user;
  job_flow *jf = f ? f->user : NULL;
  if (jf) follow_roles(j, f, jf);
  size_t kl = strlen(kind) + 1, ml = strlen(message) + 1;
  rec *r = record(j, REC_NOTICE, jf, kl + ml, ts);
  if (!r) return;
  if (f) packets_of(r, f);
  memcpy((uint8_t *)r + REC_HEAD, kind, kl);
  memcpy((uint8_t *)r + REC_HEAD + kl, message, ml);
  record_done(j);
}

/* ---- life cycle ---- */

static void stop_workers(read_jobs *j) {
  pthread_mutex_lock(&j->mu);
  j->closing = true;
  pthread_cond_broadcast(&j->work_cv);
  pthread_mutex_unlock(&j->mu);
  for (unsigned i = 0; i < j->n; i++)
    if (j->w[i].started) {
      pthread_join(j->w[i].thread, NULL);
      j->w[i].started = false;
    }
}

void read_jobs_free(read_jobs *j) {
  if (!j) return;
  stop_workers(j);
  for (size_t b = 0; b < READ_JOBS_BATCHES; b++) {
    free(j->ring[b].data);
    if (!j->ring[b].wo) continue;
    for (unsigned i = 0; i < j->n; i++) {
      free(j->ring[b].wo[i].out.p);
      free(j->ring[b].wo[i].att.p);
      free(j->ring[b].wo[i].marks);
    }
    free(j->ring[b].wo);
  }
  pthread_cond_destroy(&j->work_cv);
  pthread_cond_destroy(&j->done_cv);
  pthread_mutex_destroy(&j->mu);
  free(j);
}

read_jobs *read_jobs_new(unsigned n, const read_jobs_worker *workers, const read_jobs_hooks *hooks,
                         out_buf *out) {
  if (n < 2 || n > READ_JOBS_MAX) return NULL;
  read_jobs *j = calloc(1, sizeof *j + n * sizeof j->w[0]);
  if (!j) return NULL;
  j->n = n;
  j->hooks = *hooks;
  j->out = out;
  j->consumer = (flow_consumer){.user = j,
                                .on_open = on_open,
                                .on_bytes = on_bytes,
                                .on_gap = on_gap,
                                .on_close = on_close,
                                .on_notice = on_notice};
  pthread_mutex_init(&j->mu, NULL);
  pthread_cond_init(&j->work_cv, NULL);
  pthread_cond_init(&j->done_cv, NULL);
  for (size_t b = 0; b < READ_JOBS_BATCHES; b++) {
    j->ring[b].index = UINT64_MAX;
    j->ring[b].wo = calloc(n, sizeof *j->ring[b].wo);
    if (!j->ring[b].wo) {
      read_jobs_free(j);
      return NULL;
    }
  }
  for (unsigned i = 0; i < n; i++) {
    job_worker *w = &j->w[i];
    w->j = j;
    w->index = i;
    w->spec = workers[i];
    w->spec.out->spill = spill;
    w->spec.out->spill_ctx = w;
  }
  for (unsigned i = 0; i < n; i++) {
    if (pthread_create(&j->w[i].thread, NULL, worker_main, &j->w[i]) != 0) {
      read_jobs_free(j);
      return NULL;
    }
    j->w[i].started = true;
  }
  return j;
}

void read_jobs_set_tls(read_jobs *j, const tlsdec_filter *tls) {
  j->tls = tls;
}

const flow_consumer *read_jobs_consumer(read_jobs *j) {
  return &j->consumer;
}

bool read_jobs_finish(read_jobs *j) {
  publish(j);
  pthread_mutex_lock(&j->mu);
  for (merge_ready(j); j->merged < j->published; merge_ready(j))
    pthread_cond_wait(&j->done_cv, &j->mu);
  pthread_mutex_unlock(&j->mu);
  stop_workers(j);
  bool ok = !j->oom;
  for (unsigned i = 0; i < j->n; i++)
    ok = ok && !j->w[i].oom;
  return ok;
}
