/* canary_thread.c — the canary thread (canary.h): a request every interval,
 * each sample filed under the phase current when it started, and the
 * per-phase statistics a robustness verdict compares. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canary.h"

typedef struct canary_phase_samples {
  double *seconds; /* of the answered requests */
  size_t n, cap;
  unsigned sent;
  char why[128];
} canary_phase_samples;

struct canary {
  canary_target t;
  char *host, *port, *path;
  double interval;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv; /* CLOCK_MONOTONIC: wakes the thread to stop, and waiters of samples */
  bool stopping, stopped;
  enum canary_phase phase;
  canary_phase_samples ph[CANARY_PHASES];
};

static struct timespec monotonic_after(double seconds) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  time_t whole = (time_t)seconds;
  ts.tv_sec += whole;
  ts.tv_nsec += (long)((seconds - (double)whole) * 1e9);
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

/* With c->mu held. A sample that finds no memory is counted, not kept. */
static void record(canary *c, enum canary_phase p, const canary_sample *s) {
  canary_phase_samples *ph = &c->ph[p];
  ph->sent++;
  if (!s->answered) {
    memcpy(ph->why, s->why, sizeof ph->why);
    return;
  }
  if (ph->n == ph->cap) {
    size_t cap = ph->cap ? ph->cap * 2 : 64;
    double *grown = realloc(ph->seconds, cap * sizeof *grown);
    if (!grown) return;
    ph->seconds = grown;
    ph->cap = cap;
  }
  ph->seconds[ph->n++] = s->seconds;
}

static void *run(void *arg) {
  canary *c = arg;
  pthread_mutex_lock(&c->mu);
  while (!c->stopping) {
    enum canary_phase p = c->phase;
    struct timespec next = monotonic_after(c->interval);
    pthread_mutex_unlock(&c->mu);
    canary_sample s;
    canary_request(&c->t, &s);
    pthread_mutex_lock(&c->mu);
    record(c, p, &s);
    pthread_cond_broadcast(&c->cv);
    while (!c->stopping && pthread_cond_timedwait(&c->cv, &c->mu, &next) == 0) {
    }
  }
  c->stopped = true;
  pthread_cond_broadcast(&c->cv);
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

static void free_canary(canary *c) {
  for (int p = 0; p < CANARY_PHASES; p++)
    free(c->ph[p].seconds);
  free(c->host);
  free(c->port);
  free(c->path);
  free(c);
}

canary *canary_start(const canary_target *t, double interval) {
  canary *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->t = *t;
  c->host = strdup(t->host ? t->host : "127.0.0.1");
  c->port = strdup(t->port ? t->port : "");
  c->path = strdup(t->path ? t->path : "/");
  if (!c->host || !c->port || !c->path) {
    free_canary(c);
    return NULL;
  }
  c->t.host = c->host;
  c->t.port = c->port;
  c->t.path = c->path;
  c->interval = interval > 0 ? interval : 0.1;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&c->mu, NULL);
  pthread_cond_init(&c->cv, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&c->thread, NULL, run, c) != 0) {
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free_canary(c);
    return NULL;
  }
  return c;
}

void canary_set_phase(canary *c, enum canary_phase p) {
  pthread_mutex_lock(&c->mu);
  if (p >= CANARY_BEFORE && p < CANARY_PHASES) c->phase = p;
  pthread_mutex_unlock(&c->mu);
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void canary_phase_stats(canary *c, enum canary_phase p, canary_stats *out) {
  memset(out, 0, sizeof *out);
  if (p < CANARY_BEFORE || p >= CANARY_PHASES) return;
  pthread_mutex_lock(&c->mu);
  const canary_phase_samples *ph = &c->ph[p];
  out->sent = ph->sent;
  out->answered = (unsigned)ph->n;
  memcpy(out->why, ph->why, sizeof out->why);
  double *v = ph->n ? malloc(ph->n * sizeof *v) : NULL;
  size_t n = v ? ph->n : 0;
  if (v) memcpy(v, ph->seconds, n * sizeof *v);
  pthread_mutex_unlock(&c->mu);
  if (!n) return;
  qsort(v, n, sizeof *v, by_value);
  out->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  size_t rank = (size_t)((double)n * 0.95 + 0.999999); /* nearest rank: ceil(0.95 n) */
  out->p95 = v[(rank ? rank : 1) - 1];
  out->max = v[n - 1];
  free(v);
}

bool canary_wait_samples(canary *c, enum canary_phase p, unsigned n, double timeout) {
  if (p < CANARY_BEFORE || p >= CANARY_PHASES) return false;
  struct timespec until = monotonic_after(timeout);
  pthread_mutex_lock(&c->mu);
  while (c->ph[p].sent < n && !c->stopped)
    if (pthread_cond_timedwait(&c->cv, &c->mu, &until) != 0) break;
  bool there = c->ph[p].sent >= n;
  pthread_mutex_unlock(&c->mu);
  return there;
}

void canary_stop(canary *c) {
  if (!c) return;
  pthread_mutex_lock(&c->mu);
  c->stopping = true;
  pthread_cond_broadcast(&c->cv);
  pthread_mutex_unlock(&c->mu);
  pthread_join(c->thread, NULL);
  pthread_mutex_destroy(&c->mu);
  pthread_cond_destroy(&c->cv);
  free_canary(c);
}
