/* bench_clock.c — alternating timed runs and medians for bench_clock.h. */
#include "bench_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_params_from_env(bench_params *p) {
  const char *runs = getenv("BENCH_RUNS");
  const char *secs = getenv("BENCH_SECONDS");
  p->runs = runs ? atoi(runs) : 5;
  p->min_seconds = secs ? atof(secs) : 1.0;
  if (p->runs < 1)
    p->runs = 1;
  if (p->min_seconds <= 0)
    p->min_seconds = 0.05;
  const char *once = getenv("BENCH_ONCE");
  p->once = once && *once && strcmp(once, "0") != 0;
  p->only = getenv("BENCH_ONLY");
  if (p->only && !*p->only)
    p->only = NULL;
}

int bench_selected(const bench_params *p, const char *name) {
  return !p->only || strcmp(p->only, name) == 0;
}

/* Passes per second of one run of at least min_seconds; < 0 on failure. */
static double timed_run(bench_fn fn, void *ctx, double min_seconds) {
  size_t passes = 0;
  double start = bench_now(), elapsed = 0;
  do {
    if (fn(ctx) != 0)
      return -1;
    passes++;
    elapsed = bench_now() - start;
  } while (elapsed < min_seconds);
  return (double)passes / elapsed;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

bench_result bench_compare(const bench_params *p, bench_fn ref, void *ref_ctx, bench_fn ours,
                           void *ours_ctx) {
  bench_result r = {0};
  if (p->once) { /* the callers' check pass already ran each contender once */
    r.once = 1;
    return r;
  }
  double *a = calloc((size_t)p->runs, sizeof *a), *b = calloc((size_t)p->runs, sizeof *b);
  if (!a || !b) {
    r.failed = 1;
    goto out;
  }
  /* One untimed pass each warms caches and checks both work. */
  if (ref(ref_ctx) != 0 || ours(ours_ctx) != 0) {
    r.failed = 1;
    goto out;
  }
  for (int i = 0; i < p->runs; i++) {
    /* Alternate which goes first so neither always gets the warmer machine. */
    if (i % 2 == 0) {
      a[i] = timed_run(ref, ref_ctx, p->min_seconds);
      b[i] = timed_run(ours, ours_ctx, p->min_seconds);
    } else {
      b[i] = timed_run(ours, ours_ctx, p->min_seconds);
      a[i] = timed_run(ref, ref_ctx, p->min_seconds);
    }
    if (a[i] < 0 || b[i] < 0) {
      r.failed = 1;
      goto out;
    }
  }
  r.ref_per_s = median(a, p->runs);
  r.ours_per_s = median(b, p->runs);
  r.ratio = r.ours_per_s / r.ref_per_s;
out:
  free(a);
  free(b);
  return r;
}

void bench_print(int json, const char *name, const char *what, const bench_result *r,
                 double units_per_pass, const char *unit, double mb_per_pass) {
  if (r->once) { /* for bench/callgrind.sh: how many units one pass processes */
    printf("{\"bench\":\"%s\",\"once\":true,\"units_per_pass\":%.0f,\"unit\":\"%s\"}\n", name,
           units_per_pass, unit);
    return;
  }
  if (json) {
    if (r->failed)
      printf("{\"bench\":\"%s\",\"failed\":true}\n", name);
    else
      printf("{\"bench\":\"%s\",\"h2scope\":%.6g,\"reference\":%.6g,\"unit\":\"%s\","
             "\"mb_per_s\":%.4g,\"ratio\":%.4g}\n",
             name, r->ours_per_s * units_per_pass, r->ref_per_s * units_per_pass, unit,
             r->ours_per_s * mb_per_pass / 1e6, r->ratio);
  } else if (r->failed) {
    printf("| %-36s | FAILED | | | |\n", what);
  } else {
    printf("| %-36s | %10.4g %s | %10.4g %s | %7.1f MB/s | **%.2f×** |\n", what,
           r->ref_per_s * units_per_pass, unit, r->ours_per_s * units_per_pass, unit,
           r->ours_per_s * mb_per_pass / 1e6, r->ratio);
  }
  fflush(stdout);
}
