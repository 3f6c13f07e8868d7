/* bench_clock.h — the measuring discipline every benchmark uses: a contender
 * (reference or h2scope) is one function that processes the whole input once;
 * bench_compare runs the two alternately, each run repeating the function for
 * at least min_seconds, for `runs` rounds, and reports the median rate of each
 * and their ratio. Alternating in one process means both see the same machine
 * noise, which is why the ratio, not the absolute rate, is the result. */
#ifndef H2SCOPE_BENCH_CLOCK_H
#define H2SCOPE_BENCH_CLOCK_H

#include <stddef.h>

/* Contenders are never inlined into their callers, so callgrind's
 * --toggle-collect=FUNCTION counts exactly one pass (bench/callgrind.sh). */
#define BENCH_CONTENDER __attribute__((noinline))

typedef int (*bench_fn)(void *ctx); /* one pass over the input; non-zero = failure */

typedef struct bench_result {
  double ref_per_s;  /* passes per second, median */
  double ours_per_s;
  double ratio;      /* ours / ref: > 1 means h2scope is faster */
  int failed;
  int once;          /* BENCH_ONCE: nothing was timed (instruction counting) */
} bench_result;

typedef struct bench_params {
  int runs;           /* rounds (median taken), ≥ 5 */
  double min_seconds; /* per run, ≥ 1.0 */
  int once;           /* BENCH_ONCE=1: each contender runs exactly once (the check pass),
                         nothing is timed — for valgrind --tool=callgrind (bench/callgrind.sh) */
  const char *only;   /* BENCH_ONLY=NAME: run only the benchmark of that name */
} bench_params;

/* Prints one result: a Markdown table row, or with json a JSON line
 * {"bench":name,"h2scope":x,"reference":y,"unit":unit,"ratio":x/y}; rates are
 * passes/s times units_per_pass. mb_per_pass (input bytes of one pass) adds
 * h2scope's MB/s to the row. */
void bench_print(int json, const char *name, const char *what, const bench_result *r,
                 double units_per_pass, const char *unit, double mb_per_pass);

/* Reads BENCH_RUNS and BENCH_SECONDS from the environment (for a quick smoke
 * run), else 5 runs of 1 s; and BENCH_ONCE, BENCH_ONLY. */
void bench_params_from_env(bench_params *p);
/* Whether the benchmark called name runs under BENCH_ONLY. */
int bench_selected(const bench_params *p, const char *name);
double bench_now(void);
bench_result bench_compare(const bench_params *p, bench_fn ref, void *ref_ctx, bench_fn ours,
                           void *ours_ctx);

#endif
