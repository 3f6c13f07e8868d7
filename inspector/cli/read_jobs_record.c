/* read_jobs_record.c — the capture thread's side of read -j (read_jobs.h):
 * every flow callback becomes a record in the batch being filled, on its
 * worker's chain; a full batch is published (read_jobs.c). */
#include <stdlib.h>
#include <string.h>

#include "read_jobs_int.h"

/* A record of `kind` with `payload` bytes of room after its head (and
 * after its flow_roles: a flow's records until its numbering is fixed carry
 * them, read_jobs_int.h), on jf's worker's chain; NULL, with j->oom set, when
 * it does not fit. */
static rec *record(read_jobs *j, uint8_t kind, job_flow *jf, const capture_flow *f, size_t payload,
                   double ts) {
  batch *b = &j->ring[j->published % READ_JOBS_BATCHES];
  bool roles = jf && f && kind != REC_OPEN && !jf->cap.numbering_fixed;
  size_t size = REC_HEAD + (roles ? ROLES_LEN : 0) + ALIGN8(payload);
  h2_buf *buf = &b->recs;
  if (!buf->cap) h2_buf_reserve(buf, BATCH_RESERVE);
  if (!h2_buf_reserve(buf, size)) {
    j->oom = true;
    return NULL;
  }
  /* In place: the head and the payload are written by the caller. */
  rec *r = (rec *)(buf->p + buf->len);
  memset(r, 0, sizeof *r);
  r->size = (uint32_t)size; /* < BATCH_LIMIT */
  r->kind = kind;
  r->jf = jf;
  r->worker = jf ? jf->cap.worker : MERGER;
  if (jf && r->worker != INLINE) { /* the worker's chain */
    uint32_t off = (uint32_t)buf->len;
    if (b->count[r->worker]++)
      ((rec *)(buf->p + b->tail[r->worker]))->next = off;
    else
      b->head[r->worker] = off;
    b->tail[r->worker] = off;
  }
  if (roles) {
    flow_roles *fr = (flow_roles *)((uint8_t *)r + REC_HEAD);
    fr->syn_seen = f->syn_seen;
    memcpy(fr->port, f->port, sizeof fr->port);
    memcpy(fr->endpoint, f->endpoint, sizeof fr->endpoint);
    r->has_roles = true;
    /* From the first bytes or gap on, the capture keeps its numbering. */
    if (kind == REC_BYTES || kind == REC_GAP) jf->cap.numbering_fixed = true;
  }
  r->ts = ts;
  r->have_first_ts = j->have_first_ts;
  r->first_ts = j->first_ts;
  buf->len += size;
  b->nrec++;
  return r;
}

/* Where a record's payload goes (after its flow_roles). */
static uint8_t *body_of(rec *r) {
  return (uint8_t *)rec_body(r);
}

/* The record r is complete: the INLINE worker decodes it now (data: the
 * bytes of an on_bytes); a full batch is published. */
static void record_done(read_jobs *j, const rec *r, const uint8_t *data) {
  if (r->worker == INLINE) read_jobs_run_inline(j, r, data);
  const batch *b = &j->ring[j->published % READ_JOBS_BATCHES];
  if (b->recs.len >= BATCH_BYTES || b->nrec >= BATCH_RECORDS) read_jobs_publish(j);
}

/* The TLS facts for a record, if the filter has any for f. */
static const tls_conn_info *tls_of(const read_jobs *j, const capture_flow *f) {
  return j->tls ? tlsdec_flow_info(j->tls, f) : NULL;
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
    memcpy(body_of(r), tls, sizeof *tls);
  }
}

/* What a connection counts for before its first bytes: connections opened
 * in a burst are spread instead of all going to the worker that was idle. */
enum { FLOW_WEIGHT = 4096 };

/* The capture thread reads, reassembles and records for everybody, about
 * 1/READING_SHARE of all the work: to finish with the others, its own
 * worker (INLINE) takes a smaller share of the decoding. With n threads in
 * all each should do 1/n of the work: the others 1/n of the decoding
 * each, INLINE 1/n - 1/READING_SHARE, so its load counts READING_SHARE /
 * (READING_SHARE - n) times its face value, and from n = READING_SHARE on it
 * takes none. */
enum { READING_SHARE = 6 };

/* The worker with the least work given so far (weighted as above; the
 * first of equals, the capture thread's last): the load follows what the
 * capture holds, so the choice is the same on every run, and connections of
 * very different sizes do not pile up on one worker as a fixed id-modulo
 * assignment lets them. A lone connection goes to a thread of its own, and
 * the reading runs beside its decoding. The output does not depend on it:
 * records are written in capture order whichever worker decoded them. */
static job_worker *pick_worker(read_jobs *j) {
  unsigned best = INLINE + 1;
  for (unsigned i = best + 1; i < j->n; i++)
    if (j->load[i] < j->load[best]) best = i;
  if (j->n < READING_SHARE &&
      j->load[INLINE] * READING_SHARE < j->load[best] * (READING_SHARE - j->n))
    best = INLINE;
  j->load[best] += FLOW_WEIGHT;
  return &j->w[best];
}

static void on_open(void *user, capture_flow *f, double ts) {
  read_jobs *j = user;
  if (!j->have_first_ts) {
    j->have_first_ts = true;
    j->first_ts = ts;
  }
  job_flow *jf = read_jobs_zalloc(sizeof *jf);
  f->user = jf;
  if (!jf) {
    j->oom = true;
    return;
  }
  jf->worker = pick_worker(j);
  jf->cap.worker = jf->worker->index;
  rec *r = record(j, REC_OPEN, jf, f, sizeof *f, ts);
  if (!r) {
    free(jf);
    f->user = NULL;
    return;
  }
  memcpy((uint8_t *)r + REC_HEAD, f, sizeof *f);
  record_done(j, r, NULL);
}

static void on_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                     size_t len, double ts) {
  read_jobs *j = user;
  job_flow *jf = f->user;
  if (!jf) return;
  /* The first bytes carry the TLS facts known by then (the ALPN). */
  const tls_conn_info *tls = jf->cap.recorded_bytes ? NULL : tls_of(j, f);
  size_t tls_len = tls ? ALIGN8(sizeof *tls) : 0;
  /* The INLINE worker reads the bytes where they are: only the others'
   * are copied. */
  bool copy = jf->cap.worker != INLINE;
  rec *r = record(j, REC_BYTES, jf, f, tls_len + (copy ? len : 0), ts);
  if (!r) return;
  jf->cap.recorded_bytes = true;
  j->load[jf->cap.worker] += len;
  counted(r, f, dir, tls);
  r->offset = offset;
  r->len = len;
  if (copy) memcpy((uint8_t *)rec_bytes(r), data, len);
  record_done(j, r, data);
}

static void on_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len, double ts) {
  read_jobs *j = user;
  job_flow *jf = f->user;
  if (!jf) return;
  rec *r = record(j, REC_GAP, jf, f, 0, ts);
  if (!r) return;
  counted(r, f, dir, NULL);
  r->offset = offset;
  r->len = len;
  record_done(j, r, NULL);
}

static void on_close(void *user, capture_flow *f, int reason, double ts) {
  read_jobs *j = user;
  job_flow *jf = f->user;
  if (!jf) return;
  f->user = NULL;
  const tls_conn_info *tls = tls_of(j, f);
  rec *r = record(j, REC_CLOSE, jf, f, tls ? sizeof *tls : 0, ts);
  /* Out of memory (j->oom): the run ends with an error at read_jobs_finish;
   * the flow's state stays allocated until then, since records of it may
   * still be pending for its worker. */
  if (!r) return;
  counted(r, f, 0, tls);
  r->reason = reason;
  record_done(j, r, NULL);
}

static void on_notice(void *user, capture_flow *f, const char *kind, const char *message,
                      double ts) {
  read_jobs *j = user;
  job_flow *jf = f ? f->user : NULL;
  size_t kl = strlen(kind) + 1, ml = strlen(message) + 1;
  rec *r = record(j, REC_NOTICE, jf, f, kl + ml, ts);
  if (!r) return;
  if (f) packets_of(r, f);
  memcpy(body_of(r), kind, kl);
  memcpy(body_of(r) + kl, message, ml);
  record_done(j, r, NULL);
}

/* The consumer the capture thread calls: every callback records (read_jobs.h). */
const flow_consumer *read_jobs_consumer(read_jobs *j) {
  j->consumer = (flow_consumer){.user = j,
                                .on_open = on_open,
                                .on_bytes = on_bytes,
                                .on_gap = on_gap,
                                .on_close = on_close,
                                .on_notice = on_notice};
  return &j->consumer;
}
