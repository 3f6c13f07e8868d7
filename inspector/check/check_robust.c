/* check_robust.c — the rules of a robustness verdict (check_robust.h). */
#include "check_robust.h"

#include <stdio.h>
#include <string.h>

const char *check_robust_name(int verdict) {
  switch (verdict) {
  case CHECK_ROBUST_MITIGATED:
    return "mitigated";
  case CHECK_ROBUST_DEGRADED:
    return "degraded";
  case CHECK_ROBUST_VULNERABLE:
    return "vulnerable";
  default:
    return "";
  }
}

void check_robust_limits_init(check_robust_limits *l) {
  l->max_rss = 256u << 20;
  l->max_cpu = 1.0;
  l->slowdown = 5.0;
  l->slowdown_min = 0.05;
}

/* The canary's median may not exceed this during and after the attack. */
static double slow_bound(const check_robust_measure *m, const check_robust_limits *l) {
  double base = m->canary[CANARY_BEFORE].median;
  double k = base * l->slowdown, plus = base + l->slowdown_min;
  return k > plus ? k : plus;
}

static const char *const phase_word[CANARY_PHASES] = {"before", "during", "after"};

/* Appends to why (the reasons of one verdict are joined with "; "). */
static void add(char *why, size_t cap, const char *text) {
  size_t n = strlen(why);
  if (n + 1 >= cap) return;
  snprintf(why + n, cap - n, "%s%s", n ? "; " : "", text);
}

static int vulnerable_reasons(const check_robust_measure *m, const check_robust_limits *l,
                              char *why, size_t cap) {
  char t[400];
  if (m->target && m->died) {
    snprintf(t, sizeof t, "the target died: %s", m->death);
    add(why, cap, t);
  }
  for (int p = CANARY_DURING; p <= CANARY_AFTER; p++) {
    const canary_stats *c = &m->canary[p];
    if (c->answered < c->sent) {
      snprintf(t, sizeof t, "the canary failed %s the attack (%u of %u unanswered: %s)",
               phase_word[p], c->sent - c->answered, c->sent, c->why);
      add(why, cap, t);
    }
  }
  uint64_t growth = m->rss_peak > m->rss_before ? m->rss_peak - m->rss_before : 0;
  if (m->target && growth > l->max_rss) {
    snprintf(t, sizeof t, "RSS grew by %.1f MiB (limit %.1f MiB)", (double)growth / 1048576.0,
             (double)l->max_rss / 1048576.0);
    add(why, cap, t);
  }
  if (m->target && !m->refused && m->cpu > l->max_cpu) {
    snprintf(t, sizeof t, "absorbed the whole attack at %.2f CPU s (limit %g s)", m->cpu,
             l->max_cpu);
    add(why, cap, t);
  }
  return why[0] ? CHECK_ROBUST_VULNERABLE : CHECK_ROBUST_NONE;
}

static int degraded_reasons(const check_robust_measure *m, const check_robust_limits *l, char *why,
                            size_t cap) {
  char t[300];
  double bound = slow_bound(m, l);
  for (int p = CANARY_DURING; p <= CANARY_AFTER; p++) {
    const canary_stats *c = &m->canary[p];
    if (c->answered && c->median > bound) {
      snprintf(t, sizeof t, "the canary's median %s the attack was %.1f ms (bound %.1f ms)",
               phase_word[p], c->median * 1000, bound * 1000);
      add(why, cap, t);
    }
  }
  if (m->target && m->refused && m->cpu > l->max_cpu) {
    snprintf(t, sizeof t, "refused the attack only after %.2f CPU s (limit %g s)", m->cpu,
             l->max_cpu);
    add(why, cap, t);
  }
  return why[0] ? CHECK_ROBUST_DEGRADED : CHECK_ROBUST_NONE;
}

int check_robust_judge(const check_robust_measure *m, const check_robust_limits *l, char *why,
                       size_t cap) {
  why[0] = '\0';
  const canary_stats *before = &m->canary[CANARY_BEFORE];
  if (before->answered == 0) {
    snprintf(why, cap, "the canary was not answered before the attack (%s): nothing to compare",
             before->why[0] ? before->why : "no request");
    return CHECK_ROBUST_NONE;
  }
  int v = vulnerable_reasons(m, l, why, cap);
  if (v == CHECK_ROBUST_NONE) v = degraded_reasons(m, l, why, cap);
  if (v != CHECK_ROBUST_NONE) return v;
  if (m->refused)
    snprintf(why, cap, "refused the attack; the canary stayed within bounds");
  else if (m->target)
    snprintf(why, cap, "absorbed the attack within bounds");
  else
    snprintf(why, cap,
             "absorbed the attack; the canary stayed within bounds (its cost is "
             "measured only with -- CMD)");
  return CHECK_ROBUST_MITIGATED;
}

void check_robust_numbers(const check_robust_measure *m, char *buf, size_t cap) {
  size_t n = 0;
  n += (size_t)snprintf(buf, cap, "canary median");
  for (int p = 0; p < CANARY_PHASES && n < cap; p++) {
    const canary_stats *c = &m->canary[p];
    n += (size_t)snprintf(buf + n, cap - n, "%s %.1f ms %s (%u/%u)", p ? "," : "", c->median * 1000,
                          phase_word[p], c->answered, c->sent);
  }
  if (m->target && n < cap) {
    uint64_t growth = m->rss_peak > m->rss_before ? m->rss_peak - m->rss_before : 0;
    snprintf(buf + n, cap - n, "; target CPU %.2f s, RSS +%.1f MiB", m->cpu,
             (double)growth / 1048576.0);
  }
}

void check_robust_thresholds(const check_robust_limits *l, char *buf, size_t cap) {
  snprintf(buf, cap,
           "vulnerable: a canary failure, the target's death, RSS +%.0f MiB, absorbed at > %g CPU "
           "s; degraded: canary median > %gx and > +%.0f ms",
           (double)l->max_rss / 1048576.0, l->max_cpu, l->slowdown, l->slowdown_min * 1000);
}
