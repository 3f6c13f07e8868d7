/* check_robust.h — the measured verdict of a robustness case (docs/check.md,
 * "Robustness verdicts"): what a canary request on its own connection saw
 * before, during and after the attack, what the attack connection saw (the
 * peer refused: GOAWAY or a close; or it absorbed every frame), and with
 * `check -- CMD` what the target process did (died, CPU seconds, RSS
 * growth), judged against documented thresholds:
 *
 *   vulnerable  the target died (or reported a sanitizer error); a canary
 *               request failed during or after the attack; the RSS grew by
 *               more than max_rss; or the peer absorbed the attack and spent
 *               more than max_cpu CPU seconds on it
 *   degraded    the canary's median during or after the attack exceeded
 *               max(slowdown x its median before, that median + slowdown_min);
 *               or the peer refused the attack but spent more than max_cpu
 *   mitigated   none of these
 *   (skip)      the canary was not answered before the attack: nothing to
 *               compare with
 *
 * Pure: no I/O, so every rule is tested with numbers (tests/test_check_robust.c). */
#ifndef H2SCOPE_CHECK_ROBUST_H
#define H2SCOPE_CHECK_ROBUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canary.h"

enum check_robust_verdict {
  CHECK_ROBUST_NONE = 0, /* not measured (a conformance case, or skipped) */
  CHECK_ROBUST_MITIGATED,
  CHECK_ROBUST_DEGRADED,
  CHECK_ROBUST_VULNERABLE,
};

const char *check_robust_name(int verdict); /* "mitigated", "degraded", "vulnerable", "" */

typedef struct check_robust_limits {
  uint64_t max_rss;    /* bytes of RSS growth (default 256 MiB) */
  double max_cpu;      /* CPU seconds of the target during the case (default 1) */
  double slowdown;     /* K: the canary's median may grow K times (default 5) */
  double slowdown_min; /* ... and must grow by at least this many seconds (default 0.05) */
} check_robust_limits;

/* The defaults above. */
void check_robust_limits_init(check_robust_limits *l);

typedef struct check_robust_measure {
  canary_stats canary[CANARY_PHASES];
  bool refused;    /* the peer sent GOAWAY or closed the attack connection */
  bool target;     /* the target ran under the monitor (check -- CMD) */
  bool died;       /* ... and died (or wrote a sanitizer report) during the case */
  char death[256]; /* its report line or "killed by SIGSEGV" */
  double cpu;      /* its CPU seconds from the attack's start to the end of the after phase */
  uint64_t rss_before, rss_peak; /* its RSS before the attack, and the largest sampled after */
} check_robust_measure;

/* The verdict (enum check_robust_verdict, or CHECK_ROBUST_NONE for a skip)
 * with a one-line reason naming the rule that decided it. */
int check_robust_judge(const check_robust_measure *m, const check_robust_limits *l, char *why,
                       size_t cap);

/* The numbers, one line: "canary median 1.2 ms before (5/5), 1.4 ms during
 * (3/3), 1.1 ms after (3/3); target CPU 0.02 s, RSS +1.1 MiB". */
void check_robust_numbers(const check_robust_measure *m, char *buf, size_t cap);

/* The thresholds, one line: "vulnerable: canary failure, RSS +256 MiB,
 * absorbed at 1 CPU s; degraded: median 5x and +50 ms". */
void check_robust_thresholds(const check_robust_limits *l, char *buf, size_t cap);

#endif
