/* check_repeat_run.c — repeated runs of a case and the MEMORY judgement
 * (check_repeat_run.h). */
#include "check_repeat_run.h"

#include <stdio.h>
#include <string.h>

bool check_expects_memory(const check_case *cs) {
  return !strcmp(cs->expect, "MEMORY");
}

bool check_repeat_wanted(const check_case *cs) {
  return cs->repeat > 1 || check_expects_memory(cs);
}

/* The MEMORY verdict from the target's state after the runs. */
static void judge_memory(check_robust_ctx *x, unsigned runs, check_result *r) {
  target_status st;
  target_monitor_poll(x->mon, &st);
  if (st.exited || st.sanitizer || !st.running) {
    r->verdict = CHECK_FAIL;
    snprintf(r->why, sizeof r->why, "the target died: %.280s",
             st.report[0] ? st.report : "it exited");
    snprintf(r->actual, sizeof r->actual, "target down");
    return;
  }
  uint64_t growth = st.rss > st.rss_start ? st.rss - st.rss_start : 0;
  uint64_t max = x->limits.max_rss;
  snprintf(r->actual, sizeof r->actual, "RSS +%llu KiB over %u run%s (%llu KiB a run)",
           (unsigned long long)(growth >> 10), runs, runs == 1 ? "" : "s",
           (unsigned long long)(growth / runs >> 10));
  r->why[0] = 0;
  r->verdict = growth > max ? CHECK_FAIL : CHECK_PASS;
  if (growth > max)
    snprintf(r->why, sizeof r->why,
             "the target's RSS grew by %llu KiB over %u run%s, more than --max-rss (%llu KiB)",
             (unsigned long long)(growth >> 10), runs, runs == 1 ? "" : "s",
             (unsigned long long)(max >> 10));
}

void check_repeat_run_case(check_robust_ctx *x, const check_case *cs, check_result *r) {
  memset(r, 0, sizeof *r);
  bool memory = check_expects_memory(cs);
  unsigned runs = cs->repeat > 1 ? cs->repeat : 1;
  if (memory && !x->mon) {
    r->verdict = CHECK_SKIP;
    snprintf(r->why, sizeof r->why,
             "expect MEMORY measures the server's RSS: start it with check (-- SERVER)");
    snprintf(r->actual, sizeof r->actual, "not run");
    return;
  }
  double start = check_now();
  if (memory) {
    char err[256];
    if (target_monitor_restart(x->mon, err, sizeof err) != 0) {
      r->verdict = CHECK_SKIP;
      snprintf(r->why, sizeof r->why, "the target cannot be started again: %.250s", err);
      snprintf(r->actual, sizeof r->actual, "not run");
      return;
    }
  }
  check_case one = *cs;
  if (memory) one.expect = "ANY"; /* the reaction is not judged */
  unsigned done = 0;
  while (done < runs) {
    check_run_case(x->t, &one, r);
    done++;
    if (r->connect_failed || (r->verdict != CHECK_PASS && r->verdict != CHECK_LENIENT)) break;
  }
  if (memory && !(r->connect_failed && done == 1)) judge_memory(x, done, r);
  r->seconds = check_now() - start;
}
