/* check_robust_run.h — runs a robustness case as a measurement: a canary
 * (canary.h) times normal requests on its own connection before the attack
 * (the baseline), during it and after it; with `check -- CMD` the target runs
 * under a target monitor (target_monitor.h), started afresh before each case
 * so the CPU seconds and the RSS growth are the attack's alone, and sampled
 * throughout; then check_robust.h judges: mitigated, degraded or vulnerable.
 * Cases run one at a time (they measure the server as a whole). */
#ifndef H2SCOPE_CHECK_ROBUST_RUN_H
#define H2SCOPE_CHECK_ROBUST_RUN_H

#include "check_robust.h"
#include "check_run.h"
#include "target_monitor.h"

typedef struct check_robust_ctx {
  const check_target *t;
  target_monitor *mon; /* NULL: judged from the network alone */
  check_robust_limits limits;
  double canary_timeout;  /* seconds for one canary request (default 2) */
  double canary_interval; /* seconds between canary requests (default 0.05) */
  unsigned baseline;      /* canary samples before the attack (default 5) */
  unsigned after;         /* canary samples after it (default 3) */
} check_robust_ctx;

/* Fills the defaults of the zero fields but t and mon. */
void check_robust_ctx_defaults(check_robust_ctx *x);

/* Runs the case against x->t and fills r: the attack's own result
 * (check_run_case: actual, peer_refused), the measure, and the verdict
 * (r->robust; r->verdict pass, lenient, fail or skip for mitigated,
 * degraded, vulnerable or not measurable, and r->why the reason). */
void check_robust_run_case(check_robust_ctx *x, const check_case *cs, check_result *r);

#endif
