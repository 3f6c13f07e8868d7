/* check_robust_run.c — a robustness case with a canary and the target
 * monitor (check_robust_run.h). */
#include "check_robust_run.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void check_robust_ctx_defaults(check_robust_ctx *x) {
  check_robust_limits dflt;
  check_robust_limits_init(&dflt);
  if (!x->limits.max_rss) x->limits.max_rss = dflt.max_rss;
  if (x->limits.max_cpu <= 0) x->limits.max_cpu = dflt.max_cpu;
  if (x->limits.slowdown <= 0) x->limits.slowdown = dflt.slowdown;
  if (x->limits.slowdown_min <= 0) x->limits.slowdown_min = dflt.slowdown_min;
  if (x->canary_timeout <= 0) x->canary_timeout = 2.0;
  if (x->canary_interval <= 0) x->canary_interval = 0.05;
  if (!x->baseline) x->baseline = 5;
  if (!x->after) x->after = 3;
}

/* A thread that polls the monitor while the attack runs (the monitor is
 * used from one thread at a time: this one, between its start and join). */
typedef struct sampler {
  target_monitor *mon;
  pthread_mutex_t mu;
  bool stop;
  uint64_t rss_peak;
  bool died;
  char death[256];
  double cpu;
} sampler;

static void sample_once(sampler *s) {
  target_status st;
  target_monitor_poll(s->mon, &st);
  if (st.rss > s->rss_peak) s->rss_peak = st.rss;
  if (st.running) s->cpu = st.cpu_seconds;
  if ((st.exited || st.sanitizer) && !s->died) {
    s->died = true;
    snprintf(s->death, sizeof s->death, "%s", st.report);
  }
}

static void *sample_loop(void *arg) {
  sampler *s = arg;
  struct timespec tick = {.tv_sec = 0, .tv_nsec = 10 * 1000000L};
  for (;;) {
    pthread_mutex_lock(&s->mu);
    bool stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    if (stop) break;
    sample_once(s);
    nanosleep(&tick, NULL);
  }
  return NULL;
}

static void set_verdict(check_result *r, int robust) {
  r->robust = robust;
  r->verdict = robust == CHECK_ROBUST_MITIGATED    ? CHECK_PASS
               : robust == CHECK_ROBUST_DEGRADED   ? CHECK_LENIENT
               : robust == CHECK_ROBUST_VULNERABLE ? CHECK_FAIL
                                                   : CHECK_SKIP;
}

/* Restarts the target for a clean measurement; false (r filled) when it
 * cannot be started again. */
static bool fresh_target(check_robust_ctx *x, check_result *r) {
  char err[256];
  if (target_monitor_restart(x->mon, err, sizeof err) == 0) return true;
  set_verdict(r, CHECK_ROBUST_NONE);
  snprintf(r->why, sizeof r->why, "the target cannot be started again: %.250s", err);
  snprintf(r->actual, sizeof r->actual, "not run");
  return false;
}

/* The attack between the canary's phases, the target sampled meanwhile. */
static void attack(check_robust_ctx *x, canary *c, const check_case *cs, check_result *r,
                   check_robust_measure *m) {
  sampler s = {.mon = x->mon};
  pthread_mutex_init(&s.mu, NULL);
  pthread_t th;
  bool sampling = false;
  if (x->mon) {
    sample_once(&s);
    m->rss_before = s.rss_peak;
    s.rss_peak = 0;
    double cpu0 = s.cpu;
    sampling = pthread_create(&th, NULL, sample_loop, &s) == 0;
    m->cpu = -cpu0; /* the difference is taken at the end */
  }
  double span = x->canary_timeout + 1;
  canary_set_phase(c, CANARY_DURING);
  check_run_case(x->t, cs, r);
  canary_wait_samples(c, CANARY_DURING, 1, span); /* at least one request in the attack */
  canary_set_phase(c, CANARY_AFTER);
  canary_wait_samples(c, CANARY_AFTER, x->after, span * x->after);
  if (x->mon) {
    if (sampling) {
      pthread_mutex_lock(&s.mu);
      s.stop = true;
      pthread_mutex_unlock(&s.mu);
      pthread_join(th, NULL);
    }
    sample_once(&s);
    m->target = true;
    m->cpu += s.cpu;
    if (m->cpu < 0) m->cpu = 0;
    m->rss_peak = s.rss_peak;
    m->died = s.died;
    snprintf(m->death, sizeof m->death, "%s", s.death);
  }
  pthread_mutex_destroy(&s.mu);
}

void check_robust_run_case(check_robust_ctx *x, const check_case *cs, check_result *r) {
  memset(r, 0, sizeof *r);
  r->limits = x->limits;
  if (x->mon && !fresh_target(x, r)) return;
  canary_target ct = {.host = x->t->host,
                      .port = x->t->port,
                      .tls = x->t->tls,
                      .path = x->t->path,
                      .timeout = x->canary_timeout};
  canary *c = canary_start(&ct, x->canary_interval);
  if (!c) {
    set_verdict(r, CHECK_ROBUST_NONE);
    snprintf(r->why, sizeof r->why, "out of memory");
    return;
  }
  double start = check_now();
  canary_wait_samples(c, CANARY_BEFORE, x->baseline, (x->canary_timeout + 1) * x->baseline);
  check_robust_measure m;
  memset(&m, 0, sizeof m);
  attack(x, c, cs, r, &m);
  for (int p = 0; p < CANARY_PHASES; p++)
    canary_phase_stats(c, (enum canary_phase)p, &m.canary[p]);
  canary_stop(c);
  bool connect_failed = r->connect_failed;
  char attack_why[sizeof r->why];
  snprintf(attack_why, sizeof attack_why, "%s", r->why);
  m.refused = r->peer_refused;
  r->measure = m;
  r->limits = x->limits;
  int v = check_robust_judge(&m, &x->limits, r->why, sizeof r->why);
  if (connect_failed && v == CHECK_ROBUST_NONE) snprintf(r->why, sizeof r->why, "%s", attack_why);
  set_verdict(r, v);
  r->seconds = check_now() - start;
}
