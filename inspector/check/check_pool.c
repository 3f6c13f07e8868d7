/* check_pool.c — runs check cases on several connections at once and hands
 * the results back in case order (check_pool.h). Workers take the next case
 * that may share the server with others; a case marked `alone` is taken
 * only when no other case runs and none of the others is left. */
#include "check_pool.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct pool {
  pthread_mutex_t mu;
  pthread_cond_t cv; /* a case finished, or the run stops */
  const check_target *t;
  check_report_entry *e;
  bool *done; /* e[k] has its result */
  size_t n;
  size_t next_shared, next_alone; /* where the search for the next case goes on */
  unsigned running;               /* cases being run now */
  bool stop;
} pool;

static bool runs_alone(const check_report_entry *e) {
  return e->it->c->alone;
}

/* The next case to run (NULL: nothing is left, or the run stops); called
 * with the lock held, waits while only `alone` cases are left and others
 * still run. */
static check_report_entry *next_case(pool *p) {
  for (;;) {
    if (p->stop) return NULL;
    while (p->next_shared < p->n && runs_alone(&p->e[p->next_shared]))
      p->next_shared++;
    if (p->next_shared < p->n) {
      p->running++;
      return &p->e[p->next_shared++];
    }
    while (p->next_alone < p->n && !runs_alone(&p->e[p->next_alone]))
      p->next_alone++;
    if (p->next_alone >= p->n) return NULL;
    if (p->running == 0) {
      p->running++;
      return &p->e[p->next_alone++];
    }
    pthread_cond_wait(&p->cv, &p->mu);
  }
}

static void *worker(void *arg) {
  pool *p = arg;
  pthread_mutex_lock(&p->mu);
  for (check_report_entry *e; (e = next_case(p));) {
    pthread_mutex_unlock(&p->mu);
    check_run_case(p->t, e->it->c, &e->result);
    pthread_mutex_lock(&p->mu);
    p->done[e - p->e] = true;
    p->running--;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* One case at a time on the calling thread: no threads needed. */
static void run_in_order(const check_target *t, check_report_entry *e, size_t n,
                         check_pool_take take, void *user) {
  for (size_t k = 0; k < n; k++) {
    check_run_case(t, e[k].it->c, &e[k].result);
    if (!take(user, &e[k])) return;
  }
}

void check_pool_run(const check_target *t, check_report_entry *e, size_t n, unsigned jobs,
                    check_pool_take take, void *user) {
  if (jobs > n) jobs = (unsigned)n;
  pool p = {.t = t, .e = e, .n = n};
  pthread_t *threads = jobs > 1 ? calloc(jobs, sizeof *threads) : NULL;
  p.done = jobs > 1 ? calloc(n, sizeof *p.done) : NULL;
  /* One thread, or no memory, mutex or condition: the cases one by one. */
  bool mu = threads && p.done && pthread_mutex_init(&p.mu, NULL) == 0;
  if (!mu || pthread_cond_init(&p.cv, NULL) != 0) {
    if (mu) pthread_mutex_destroy(&p.mu);
    free(threads);
    free(p.done);
    run_in_order(t, e, n, take, user);
    return;
  }
  unsigned started = 0;
  while (started < jobs && pthread_create(&threads[started], NULL, worker, &p) == 0)
    started++;
  if (started == 0) worker(&p); /* no thread at all: run them here */
  for (size_t k = 0; k < n; k++) {
    pthread_mutex_lock(&p.mu);
    while (!p.done[k])
      pthread_cond_wait(&p.cv, &p.mu);
    pthread_mutex_unlock(&p.mu);
    if (!take(user, &e[k])) {
      pthread_mutex_lock(&p.mu);
      p.stop = true;
      pthread_cond_broadcast(&p.cv);
      pthread_mutex_unlock(&p.mu);
      break;
    }
  }
  for (unsigned i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  pthread_cond_destroy(&p.cv);
  pthread_mutex_destroy(&p.mu);
  free(threads);
  free(p.done);
}
