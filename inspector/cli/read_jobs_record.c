/* read_jobs_record.c — the capture thread's side of read -j (read_jobs.h):
 * every flow callback becomes a record in the batch being filled, on its
 * worker's chain; a full batch is published (read_jobs.c). */
#include <stdlib.h>
#include <string.h>

#include "read_jobs_int.h"

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
  r->worker = jf ? jf->cap.worker : MERGER;
  if (jf) { /* the worker's chain */
    uint32_t off = (uint32_t)((uint8_t *)r - b->data);
    if (b->has[r->worker])
      ((rec *)(b->data + b->tail[r->worker]))->next = off;
    else
      b->head[r->worker] = off;
    b->tail[r->worker] = off;
    b->has[r->worker] = true;
  }
  r->ts = ts;
  r->have_first_ts = j->have_first_ts;
  r->first_ts = j->first_ts;
  b->len += size;
  b->nrec++;
  return r;
}

static void record_done(read_jobs *j) {
  const batch *b = &j->ring[j->published % READ_JOBS_BATCHES];
  if (b->len >= BATCH_BYTES || b->nrec >= BATCH_RECORDS) read_jobs_publish(j);
}

/* The TLS facts for a record, if the filter has any for f. */
static const tls_conn_info *tls_of(const read_jobs *j, const capture_flow *f) {
  return j->tls ? tlsdec_flow_info(j->tls, f) : NULL;
}

/* Tells the worker when the capture side set f's roles again since. */
static void follow_roles(read_jobs *j, const capture_flow *f, job_flow *jf) {
  if (f->syn_seen == jf->cap.told_syn && !strcmp(f->endpoint[0], jf->cap.told_endpoint0)) return;
  rec *r = record(j, REC_ROLES, jf, sizeof *f, 0);
  if (!r) return;
  memcpy((uint8_t *)r + REC_HEAD, f, sizeof *f);
  jf->cap.told_syn = f->syn_seen;
  memcpy(jf->cap.told_endpoint0, f->endpoint[0], sizeof jf->cap.told_endpoint0);
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
  job_flow *jf = read_jobs_zalloc(sizeof *jf);
  f->user = jf;
  if (!jf) {
    j->oom = true;
    return;
  }
  jf->worker = &j->w[f->id % j->n];
  jf->cap.worker = jf->worker->index;
  jf->cap.told_syn = f->syn_seen;
  memcpy(jf->cap.told_endpoint0, f->endpoint[0], sizeof jf->cap.told_endpoint0);
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
  const tls_conn_info *tls = jf->cap.recorded_bytes ? NULL : tls_of(j, f);
  size_t tls_len = tls ? ALIGN8(sizeof *tls) : 0;
  rec *r = record(j, REC_BYTES, jf, tls_len + len, ts);
  if (!r) return;
  jf->cap.recorded_bytes = true;
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

flow_consumer read_jobs_recorder(read_jobs *j) {
  return (flow_consumer){.user = j,
                         .on_open = on_open,
                         .on_bytes = on_bytes,
                         .on_gap = on_gap,
                         .on_close = on_close,
                         .on_notice = on_notice};
}
