/* fuzz_lint.c — a case judged by the observer (fuzz_lint.h). */
#include "fuzz_lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_exec.h"
#include "h2/observer.h"

#define NO_LINT "NO_LINT "

bool fuzz_lint_wanted(const check_case *cs) {
  return !strncmp(cs->expect, NO_LINT, strlen(NO_LINT));
}

void fuzz_lint_case(const check_target *t, bool client, const check_client_opts *co,
                    const check_case *cs, check_result *r) {
  memset(r, 0, sizeof *r);
  const char *id = cs->expect + strlen(NO_LINT);
  fuzz_exec *x = malloc(sizeof *x);
  fuzz_outcome *o = malloc(sizeof *o);
  bool ready = x && o && fuzz_exec_init(x, t, client, co);
  if (!ready) {
    if (x && o) fuzz_exec_free(x); /* init ran: its parts are freed */
    free(x);
    free(o);
    r->verdict = CHECK_SKIP;
    snprintf(r->why, sizeof r->why, "out of memory");
    return;
  }
  check_case one = *cs;
  one.expect = "ANY"; /* the observer judges */
  double start = check_now();
  fuzz_exec_case(x, &one, o);
  *r = o->r;
  r->seconds = check_now() - start;
  bool ran = r->verdict != CHECK_SKIP && !r->connect_failed && !r->client_crashed;
  bool found = false;
  for (size_t i = 0; ran && i < o->re.nfindings; i++)
    found = found || !strcmp(o->re.finding[i], id);
  if (ran) {
    r->verdict = found ? CHECK_FAIL : CHECK_PASS;
    r->why[0] = 0;
  }
  if (found) {
    const char *section = "", *desc = "";
    int idx = h2_observer_rule_index(id);
    if (idx >= 0) h2_observer_rule_at((size_t)idx, NULL, NULL, &section, &desc);
    snprintf(r->why, sizeof r->why, "the peer's frames break %.60s: %.180s (%.40s)", id, desc,
             section);
  }
  fuzz_exec_free(x);
  free(x);
  free(o);
}
