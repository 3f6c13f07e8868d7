/* read_jobs.c — connections decoded on worker threads, output in capture
 * order (read_jobs.h): the workers, the merging and the life cycle (the
 * capture thread's recording is in read_jobs_record.c). One lock guards the
 * batch ring; a worker takes it twice per batch, not per record, so the
 * threads rarely meet. A worker renders straight into the batch's buffer for
 * it (out_buf's window) and visits only its own records (a chain per
 * worker); the INLINE worker, on the capture thread, runs each of its
 * records as it is made (read_jobs_run_inline) and needs neither.
 * Finished batches are written out one thread at a time, straight from the
 * workers' buffers (writev: the output is not copied on the way): by the
 * capture thread when it publishes or waits for room (then several at
 * once), or by a worker left without work.
 *
 * Sleeping and waking are kept rare: the capture thread, finding the window
 * full, sleeps until REFILL batches are done; a sleeping worker is woken
 * by a batch with many records for it, or once WAKE_AT batches have some,
 * or when the capture thread is about to sleep.
 *
 * What one thread writes all the time and another reads or writes sits on
 * cache lines of its own (CACHE_LINE apart): two cores writing the same line
 * take turns with it, which costs nothing when the threads take turns on one
 * core and a good part of the gain when they run side by side. */
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "read_jobs_int.h"

/* A worker's window into its batch output is at least this large. */
enum { WINDOW_MIN = 16 * 1024 };
/* A capture thread that finds the window full waits until this many
 * batches are done, writes them and reads on: it wakes once per REFILL
 * batches instead of once per batch (each wake-up takes a core from a
 * worker and its caches with it). */
enum { REFILL = READ_JOBS_BATCHES / 2 };
/* A worker that ran out of work is woken by a batch with WAKE_RECORDS
 * records for it, or once WAKE_AT batches wait for it (or the capture
 * thread would otherwise wait for it): where a batch is a few large
 * segments (bulk DATA), one wake-up per batch would cost more than decoding
 * it. */
enum { WAKE_RECORDS = 64, WAKE_AT = REFILL };

void *read_jobs_zalloc(size_t size) {
  size = (size + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
  void *p = aligned_alloc(CACHE_LINE, size);
  if (p) memset(p, 0, size);
  return p;
}

/* ---- worker ---- */

/* The worker's out_buf (empty) renders into the free room of its batch
 * output; out of memory, it discards what comes (out_buf.h). */
static bool point_window(job_worker *w) {
  h2_buf *m = &w->cur->out;
  out_buf *o = w->spec.out;
  if (!m->cap) h2_buf_reserve(m, JOB_OUT_RESERVE);
  if (!h2_buf_reserve(m, WINDOW_MIN)) {
    w->oom = o->failed = true;
    o->data = o->own;
    o->cap = OUT_BUF_SIZE;
    return false;
  }
  o->data = (char *)m->p + m->len;
  o->cap = m->cap - m->len;
  return true;
}

/* out_buf's window: what was rendered is the batch output's already (it
 * was written in the room point_window reserved, so it fits). */
static bool next_window(void *ctx, out_buf *o) {
  job_worker *w = ctx;
  w->cur->out.len += o->len;
  return point_window(w);
}

void read_jobs_attach(const capture_flow *f, const void *data, size_t len) {
  job_worker *w = ((const job_flow *)f)->worker;
  if (!h2_buf_put(&w->cur->att, data, len)) w->oom = true;
}

const tls_conn_info *read_jobs_flow_tls(const capture_flow *f) {
  const job_flow *jf = (const job_flow *)f;
  return jf->has_tls ? &jf->tls : NULL;
}

double read_jobs_first_ts(const capture_flow *f) {
  return ((const job_flow *)f)->first_ts;
}

/* The flow's counts and TLS facts as the capture side had them. */
static void take_counts(job_flow *jf, const rec *r) {
  jf->pub.bytes[0] = r->bytes[0];
  jf->pub.bytes[1] = r->bytes[1];
  if (r->has_tls) {
    memcpy(&jf->tls, rec_body(r), sizeof jf->tls);
    jf->has_tls = true;
  }
}

/* The numbering the capture side had at the record (read_jobs_int.h). */
static void take_roles(job_flow *jf, const rec *r) {
  const flow_roles *fr = (const flow_roles *)((const uint8_t *)r + REC_HEAD);
  jf->pub.syn_seen = fr->syn_seen;
  memcpy(jf->pub.port, fr->port, sizeof jf->pub.port);
  memcpy(jf->pub.endpoint, fr->endpoint, sizeof jf->pub.endpoint);
}

/* Calls w's consumer for one record. data: the bytes of an on_bytes, in
 * the record (after the TLS facts) or, for the worker on the capture
 * thread, where the capture has them (read_jobs_run_inline). */
static void replay(job_worker *w, const rec *r, const uint8_t *data) {
  const flow_consumer *c = &w->spec.consumer;
  job_flow *jf = r->jf;
  const uint8_t *payload = rec_body(r);
  if (jf && r->kind != REC_OPEN) {
    jf->pub.pkt_first = r->pkt_first;
    jf->pub.pkt_last = r->pkt_last;
    jf->pub.pkt_file = r->pkt_file;
  }
  if (r->has_roles) take_roles(jf, r);
  switch (r->kind) {
  case REC_OPEN:
    memcpy(&jf->pub, payload, sizeof jf->pub);
    jf->pub.user = NULL;
    jf->first_ts = r->first_ts;
    if (c->on_open) c->on_open(c->user, &jf->pub, r->ts);
    break;
  case REC_BYTES:
    take_counts(jf, r);
    if (c->on_bytes) c->on_bytes(c->user, &jf->pub, r->dir, r->offset, data, (size_t)r->len, r->ts);
    break;
  case REC_GAP:
    take_counts(jf, r);
    if (c->on_gap) c->on_gap(c->user, &jf->pub, r->dir, r->offset, r->len, r->ts);
    break;
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

/* Starts w's output for batch b: its out_buf renders into b's buffer for w. */
static void start_batch(job_worker *w, batch *b) {
  w->cur = &b->wo[w->index];
  w->spec.out->failed = false;
  point_window(w);
}

/* One record through w's consumer, its output marked as the record's. */
static void run_record(job_worker *w, const rec *r, const uint8_t *data) {
  out_buf *o = w->spec.out;
  replay(w, r, data);
  out_flush(o);
  if (o->failed) { /* out of memory: the next record starts afresh */
    o->failed = false;
    point_window(w);
  }
  if (!add_mark(w->cur)) w->oom = true;
}

static void run_batch(job_worker *w, batch *b) {
  start_batch(w, b);
  for (uint32_t off = b->head[w->index];;) {
    const rec *r = (const rec *)(b->recs.p + off);
    run_record(w, r, rec_bytes(r));
    if (!r->next) break;
    off = r->next;
  }
}

void read_jobs_run_inline(read_jobs *j, const rec *r, const uint8_t *data) {
  job_worker *w = &j->w[INLINE];
  if (!w->cur) start_batch(w, &j->ring[j->published % READ_JOBS_BATCHES]);
  run_record(w, r, data);
}

static void merge_ready(read_jobs *j);

/* Under j->mu: how many batches, from the oldest not written out on, no
 * worker is on any more. */
static uint64_t finished_head(const read_jobs *j) {
  uint64_t k = j->merged;
  while (k < j->published && !j->ring[k % READ_JOBS_BATCHES].pending)
    k++;
  return k - j->merged;
}

/* Under j->mu: whether the capture thread has something to do for what it
 * waits for: room for REFILL batches (once it has written the finished
 * ones), or at the end a batch to write or none left. While another thread
 * writes batches out, that thread wakes it when it is done. */
static bool capture_wanted(const read_jobs *j) {
  uint64_t busy = j->published - j->merged;
  switch (j->cap_wait) {
  case CAP_WAITS_ROOM:
    return busy <= READ_JOBS_BATCHES - REFILL ||
           (!j->merging && busy - finished_head(j) <= READ_JOBS_BATCHES - REFILL);
  case CAP_WAITS_ALL:
    return busy == 0 || (!j->merging && finished_head(j) > 0);
  case CAP_RUNS:
    break;
  }
  return false;
}

static void wake_capture(read_jobs *j) {
  if (capture_wanted(j)) pthread_cond_signal(&j->cap_cv);
}

/* Under j->mu: wakes the sleeping workers that have any batch to do
 * (before the capture thread waits: they must not wait for WAKE_AT). */
static void wake_queued(read_jobs *j) {
  for (unsigned i = INLINE + 1; i < j->n; i++)
    if (j->w[i].waiting && j->w[i].queued) pthread_cond_signal(&j->w[i].cv);
}

/* Under j->mu: the capture thread waits for `what`, then writes out what
 * is finished. */
static void capture_wait(read_jobs *j, int what) {
  wake_queued(j);
  j->cap_wait = what;
  while (!capture_wanted(j))
    pthread_cond_wait(&j->cap_cv, &j->mu);
  j->cap_wait = CAP_RUNS;
  merge_ready(j);
}

/* Under j->mu: moves w->next past the batches without records of its own
 * (or written out already, their slot reused); true when it is at one. */
static bool find_work(read_jobs *j, job_worker *w) {
  for (; w->next < j->published; w->next++) {
    const batch *b = &j->ring[w->next % READ_JOBS_BATCHES];
    if (b->index == w->next && b->count[w->index]) return true;
  }
  return false;
}

static void *worker_main(void *arg) {
  job_worker *w = arg;
  read_jobs *j = w->j;
  pthread_mutex_lock(&j->mu);
  for (;;) {
    if (!find_work(j, w)) {
      if (j->closing) break;
      merge_ready(j); /* idle: finished batches nobody writes yet */
      if (find_work(j, w) || j->closing) continue;
      w->waiting = true;
      pthread_cond_wait(&w->cv, &j->mu);
      w->waiting = false;
      continue;
    }
    batch *b = &j->ring[w->next % READ_JOBS_BATCHES];
    pthread_mutex_unlock(&j->mu);
    run_batch(w, b);
    pthread_mutex_lock(&j->mu);
    w->next++;
    w->queued--;
    if (--b->pending) continue;
    if (!find_work(j, w))
      merge_ready(j); /* nothing else to do here: write it out */
    else
      wake_capture(j);
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
  for (size_t off = 0; off < b->recs.len;) {
    const rec *r = (const rec *)(b->recs.p + off);
    off += r->size;
    if (r->kind == REC_NOTICE && j->hooks.on_notice) {
      /* The hook may write to j->out: what came before goes out first. */
      pieces_write(j, &l);
      const char *kind = (const char *)rec_body(r);
      j->hooks.on_notice(j->hooks.user, kind, kind + strlen(kind) + 1, r->ts, r->worker != MERGER,
                         r->have_first_ts, r->first_ts);
    }
    if (r->worker == MERGER) continue;
    unsigned i = r->worker;
    const worker_out *o = &b->wo[i];
    if (next_mark[i] >= o->nmarks) continue; /* the worker ran out of memory */
    mark m = o->marks[next_mark[i]++];
    if (m.att_end > att_pos[i] && j->hooks.on_attachment)
      j->hooks.on_attachment(j->hooks.user, o->att.p + att_pos[i], m.att_end - att_pos[i]);
    att_pos[i] = m.att_end;
    if (m.out_end > out_pos[i]) piece(j, &l, (char *)o->out.p + out_pos[i], m.out_end - out_pos[i]);
    out_pos[i] = m.out_end;
  }
  pieces_write(j, &l);
  h2_buf_reset(&b->recs);
  b->nrec = 0;
  for (unsigned i = 0; i < j->n; i++) {
    h2_buf_reset(&b->wo[i].out);
    h2_buf_reset(&b->wo[i].att);
    b->wo[i].nmarks = 0;
    b->count[i] = 0;
  }
}

/* Under j->mu: writes out the oldest batches that are finished, unless
 * another thread is doing so (it then takes these too), and wakes the
 * capture thread if that gave it what it waits for. Called by the capture
 * thread and by a worker without work, so the writing (the kernel's copy of
 * every byte of output) goes to a thread that is free. */
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
  }
  wake_capture(j);
}

/* Hands the current batch to the workers, writes what is ready and makes
 * sure the next slot is free (waiting for finished batches if the window
 * is full: that is what bounds memory). */
void read_jobs_publish(read_jobs *j) {
  batch *b = &j->ring[j->published % READ_JOBS_BATCHES];
  if (b->nrec == 0) return;
  pthread_mutex_lock(&j->mu);
  b->index = j->published;
  b->pending = 0;
  for (unsigned i = 0; i < j->n; i++) {
    if (!b->count[i]) continue;
    b->pending++;
    bool enough = ++j->w[i].queued >= WAKE_AT || b->count[i] >= WAKE_RECORDS;
    if (enough && j->w[i].waiting) pthread_cond_signal(&j->w[i].cv);
  }
  j->published++;
  j->w[INLINE].cur = NULL; /* its next record starts the next batch's output */
  merge_ready(j);
  while (j->published - j->merged == READ_JOBS_BATCHES)
    capture_wait(j, CAP_WAITS_ROOM);
  pthread_mutex_unlock(&j->mu);
}

/* ---- life cycle ---- */

static void stop_workers(read_jobs *j) {
  pthread_mutex_lock(&j->mu);
  j->closing = true;
  for (unsigned i = 0; i < j->n; i++)
    pthread_cond_signal(&j->w[i].cv);
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
    h2_buf_free(&j->ring[b].recs);
    if (!j->ring[b].wo) continue;
    for (unsigned i = 0; i < j->n; i++) {
      h2_buf_free(&j->ring[b].wo[i].out);
      h2_buf_free(&j->ring[b].wo[i].att);
      free(j->ring[b].wo[i].marks);
    }
    free(j->ring[b].wo);
  }
  for (unsigned i = 0; i < j->n; i++)
    pthread_cond_destroy(&j->w[i].cv);
  pthread_cond_destroy(&j->cap_cv);
  pthread_mutex_destroy(&j->mu);
  free(j);
}

read_jobs *read_jobs_new(unsigned n, const read_jobs_worker *workers, const read_jobs_hooks *hooks,
                         out_buf *out) {
  if (n < 2 || n > READ_JOBS_MAX) return NULL;
  read_jobs *j = read_jobs_zalloc(sizeof *j + n * sizeof j->w[0]);
  if (!j) return NULL;
  j->n = n;
  j->hooks = *hooks;
  j->out = out;
  pthread_mutex_init(&j->mu, NULL);
  pthread_cond_init(&j->cap_cv, NULL);
  for (unsigned i = 0; i < n; i++)
    pthread_cond_init(&j->w[i].cv, NULL);
  for (size_t b = 0; b < READ_JOBS_BATCHES; b++) {
    j->ring[b].index = UINT64_MAX;
    h2_buf_init(&j->ring[b].recs, BATCH_LIMIT);
    j->ring[b].wo = read_jobs_zalloc(n * sizeof *j->ring[b].wo);
    if (!j->ring[b].wo) {
      read_jobs_free(j);
      return NULL;
    }
    for (unsigned i = 0; i < n; i++) {
      h2_buf_init(&j->ring[b].wo[i].out, JOB_OUT_LIMIT);
      h2_buf_init(&j->ring[b].wo[i].att, JOB_ATT_LIMIT);
    }
  }
  for (unsigned i = 0; i < n; i++) {
    job_worker *w = &j->w[i];
    w->j = j;
    w->index = i;
    w->spec = workers[i];
    w->spec.out->window = next_window;
    w->spec.out->window_ctx = w;
  }
  for (unsigned i = INLINE + 1; i < n; i++) {
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

bool read_jobs_finish(read_jobs *j) {
  read_jobs_publish(j);
  pthread_mutex_lock(&j->mu);
  for (merge_ready(j); j->merged < j->published;)
    capture_wait(j, CAP_WAITS_ALL);
  pthread_mutex_unlock(&j->mu);
  stop_workers(j);
  bool ok = !j->oom;
  for (unsigned i = 0; i < j->n; i++)
    ok = ok && !j->w[i].oom;
  return ok;
}
