/* test_check_robust.c — the rules of a robustness verdict (check_robust.h)
 * with made-up numbers: each rule decides alone, vulnerable wins over
 * degraded, the slowdown bound is max(K x baseline, baseline + minimum),
 * the CPU rule depends on whether the peer refused, and a canary that
 * failed before the attack gives no verdict. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <string.h>

#include "check_robust.h"

static check_robust_limits limits(void) {
  check_robust_limits l;
  check_robust_limits_init(&l);
  return l;
}

/* A measure with a healthy canary: 1 ms in every phase, all answered. */
static check_robust_measure healthy(void) {
  check_robust_measure m;
  memset(&m, 0, sizeof m);
  for (int p = 0; p < CANARY_PHASES; p++) {
    m.canary[p].sent = m.canary[p].answered = p == CANARY_BEFORE ? 5 : 3;
    m.canary[p].median = m.canary[p].p95 = m.canary[p].max = 0.001;
  }
  return m;
}

static int judge(const check_robust_measure *m, const check_robust_limits *l, char *why) {
  return check_robust_judge(m, l, why, 512);
}

START_TEST(defaults_and_names) {
  check_robust_limits l = limits();
  ck_assert_uint_eq(l.max_rss, 256u << 20);
  ck_assert_double_eq(l.max_cpu, 1.0);
  ck_assert_double_eq(l.slowdown, 5.0);
  ck_assert_double_eq(l.slowdown_min, 0.05);
  ck_assert_str_eq(check_robust_name(CHECK_ROBUST_MITIGATED), "mitigated");
  ck_assert_str_eq(check_robust_name(CHECK_ROBUST_DEGRADED), "degraded");
  ck_assert_str_eq(check_robust_name(CHECK_ROBUST_VULNERABLE), "vulnerable");
  ck_assert_str_eq(check_robust_name(CHECK_ROBUST_NONE), "");
}
END_TEST

START_TEST(mitigated) {
  check_robust_limits l = limits();
  check_robust_measure m = healthy();
  char why[512];
  m.refused = true;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_MITIGATED);
  ck_assert_str_eq(why, "refused the attack; the canary stayed within bounds");
  m.refused = false;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_MITIGATED);
  ck_assert_str_eq(why, "absorbed the attack; the canary stayed within bounds (its cost is "
                        "measured only with -- CMD)");
  m.target = true;
  m.cpu = 0.5;
  m.rss_before = 10u << 20;
  m.rss_peak = 200u << 20;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_MITIGATED);
  ck_assert_str_eq(why, "absorbed the attack within bounds");
}
END_TEST

START_TEST(vulnerable_rules) {
  check_robust_limits l = limits();
  char why[512];
  check_robust_measure m = healthy();
  m.canary[CANARY_DURING].answered = 2;
  snprintf(m.canary[CANARY_DURING].why, sizeof m.canary[0].why, "timeout after 2 s");
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_VULNERABLE);
  ck_assert_str_eq(why,
                   "the canary failed during the attack (1 of 3 unanswered: timeout after 2 s)");

  m = healthy();
  m.canary[CANARY_AFTER].answered = 0;
  snprintf(m.canary[CANARY_AFTER].why, sizeof m.canary[0].why, "connect: Connection refused");
  m.target = true;
  m.died = true;
  snprintf(m.death, sizeof m.death, "killed by SIGSEGV");
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_VULNERABLE);
  ck_assert_str_eq(why, "the target died: killed by SIGSEGV; the canary failed after the attack "
                        "(3 of 3 unanswered: connect: Connection refused)");

  m = healthy();
  m.target = true;
  m.rss_before = 10u << 20;
  m.rss_peak = (10u << 20) + (256u << 20) + 1;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_VULNERABLE);
  ck_assert_str_eq(why, "RSS grew by 256.0 MiB (limit 256.0 MiB)");
  m.rss_peak = (10u << 20) + (256u << 20); /* exactly the limit: not beyond */
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_MITIGATED);
  m.rss_peak = 0; /* below the start: no growth */
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_MITIGATED);

  m = healthy();
  m.target = true;
  m.cpu = 1.5;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_VULNERABLE);
  ck_assert_str_eq(why, "absorbed the whole attack at 1.50 CPU s (limit 1 s)");
  /* the same cost before a refusal only degrades */
  m.refused = true;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_DEGRADED);
  ck_assert_str_eq(why, "refused the attack only after 1.50 CPU s (limit 1 s)");
  /* without the target the CPU is unknown: the field is not looked at */
  m.target = false;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_MITIGATED);
}
END_TEST

START_TEST(degraded_bound) {
  check_robust_limits l = limits();
  char why[512];
  check_robust_measure m = healthy(); /* baseline 1 ms: bound max(5 ms, 51 ms) = 51 ms */
  m.canary[CANARY_DURING].median = 0.051;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_MITIGATED);
  m.canary[CANARY_DURING].median = 0.0511;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_DEGRADED);
  ck_assert_str_eq(why, "the canary's median during the attack was 51.1 ms (bound 51.0 ms)");
  /* a slow baseline: 100 ms, bound max(500 ms, 150 ms) = 500 ms */
  m.canary[CANARY_BEFORE].median = 0.1;
  m.canary[CANARY_DURING].median = 0.4;
  m.canary[CANARY_AFTER].median = 0.6;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_DEGRADED);
  ck_assert_str_eq(why, "the canary's median after the attack was 600.0 ms (bound 500.0 ms)");
  /* a canary failure makes it vulnerable whatever the medians */
  m.canary[CANARY_AFTER].answered = 2;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_VULNERABLE);
  /* no request during the attack: nothing slowed, nothing failed */
  m = healthy();
  m.canary[CANARY_DURING].sent = m.canary[CANARY_DURING].answered = 0;
  m.canary[CANARY_DURING].median = 0;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_MITIGATED);
}
END_TEST

START_TEST(no_baseline) {
  check_robust_limits l = limits();
  char why[512];
  check_robust_measure m = healthy();
  m.canary[CANARY_BEFORE].answered = 0;
  snprintf(m.canary[CANARY_BEFORE].why, sizeof m.canary[0].why, "connect: Connection refused");
  m.target = true;
  m.died = true;
  ck_assert_int_eq(judge(&m, &l, why), CHECK_ROBUST_NONE);
  ck_assert_str_eq(why, "the canary was not answered before the attack (connect: Connection "
                        "refused): nothing to compare");
}
END_TEST

START_TEST(numbers_and_thresholds) {
  check_robust_limits l = limits();
  check_robust_measure m = healthy();
  m.canary[CANARY_DURING].median = 0.0123;
  char buf[512];
  check_robust_numbers(&m, buf, sizeof buf);
  ck_assert_str_eq(buf,
                   "canary median 1.0 ms before (5/5), 12.3 ms during (3/3), 1.0 ms after (3/3)");
  m.target = true;
  m.cpu = 0.25;
  m.rss_before = 1u << 20;
  m.rss_peak = 3u << 20;
  check_robust_numbers(&m, buf, sizeof buf);
  ck_assert_str_eq(buf, "canary median 1.0 ms before (5/5), 12.3 ms during (3/3), 1.0 ms after "
                        "(3/3); target CPU 0.25 s, RSS +2.0 MiB");
  check_robust_thresholds(&l, buf, sizeof buf);
  ck_assert_str_eq(buf, "vulnerable: a canary failure, the target's death, RSS +256 MiB, absorbed "
                        "at > 1 CPU s; degraded: canary median > 5x and > +50 ms");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("check_robust");
  TCase *t = tcase_create("verdict");
  tcase_add_test(t, defaults_and_names);
  tcase_add_test(t, mitigated);
  tcase_add_test(t, vulnerable_rules);
  tcase_add_test(t, degraded_bound);
  tcase_add_test(t, no_baseline);
  tcase_add_test(t, numbers_and_thresholds);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
