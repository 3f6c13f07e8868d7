/* check_repeat_run.h — a case that runs more than once (`repeat N`) or
 * judges the target's memory (`expect MEMORY`): its runs go one after the
 * other, each on its own connection, and with MEMORY on a target started
 * afresh by the monitor (`check -- SERVER`), whose RSS after the last run
 * must stay within --max-rss of its size after start-up — the judgement
 * `h2scope fuzz` makes a memory finding by, so a saved memory case
 * reproduces its finding. Cases run one at a time (they measure the server
 * as a whole). */
#ifndef H2SCOPE_CHECK_REPEAT_RUN_H
#define H2SCOPE_CHECK_REPEAT_RUN_H

#include <stdbool.h>

#include "check_robust_run.h"

/* Whether the case expects MEMORY (a server's RSS, never a client's). */
bool check_expects_memory(const check_case *cs);

/* Whether the case is one for check_repeat_run_case. */
bool check_repeat_wanted(const check_case *cs);

/* Runs the case against x->t (x->mon restarted first for MEMORY; without a
 * monitor a MEMORY case is skipped), judged by x->limits.max_rss; fills r. */
void check_repeat_run_case(check_robust_ctx *x, const check_case *cs, check_result *r);

#endif
