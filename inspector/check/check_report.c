/* check_report.c — prints check results as text or JSON Lines and writes
 * the JUnit XML file (check_report.h). */
#include "check_report.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json_write.h"

#define C_RESET "\033[0m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_RED "\033[31m"
#define C_GREY "\033[90m"
#define C_BOLD "\033[1m"

static const char *const verdict_upper[] = {"PASS", "LENIENT", "FAIL", "SKIP"};
static const char *const verdict_color[] = {C_GREEN, C_YELLOW, C_RED, C_GREY};

static const char *group_name(int group) {
  return group == CHECK_GROUP_ROBUST ? "robust" : group == CHECK_GROUP_CLIENT ? "client" : "server";
}

static void heading(const check_case *c, int group, char *buf, size_t cap) {
  if (group == CHECK_GROUP_ROBUST)
    snprintf(buf, cap, "Robustness (not RFC MUSTs)");
  else if (c->rfc == 0) /* a loaded case without an rfc line */
    snprintf(buf, cap, "%sother cases", group == CHECK_GROUP_CLIENT ? "client: " : "");
  else
    snprintf(buf, cap, "%sRFC %u §%s", group == CHECK_GROUP_CLIENT ? "client: " : "", c->rfc,
             c->section);
}

/* The verdict's word: a robustness case's measured one, else the graded one. */
static const char *verdict_word(const check_result *r) {
  return r->robust ? check_robust_name(r->robust) : check_verdict_name(r->verdict);
}

static void json_phase(out_buf *o, const char *name, const canary_stats *c, bool first) {
  json_key(o, name, first);
  out_puts(o, "{\"sent\":");
  out_u64(o, c->sent);
  json_key(o, "answered", 0);
  out_u64(o, c->answered);
  json_key(o, "median_ms", 0);
  out_fixed(o, c->median * 1000, 3);
  json_key(o, "p95_ms", 0);
  out_fixed(o, c->p95 * 1000, 3);
  json_key(o, "max_ms", 0);
  out_fixed(o, c->max * 1000, 3);
  json_key(o, "failure", 0);
  json_cstr(o, c->why);
  out_putc(o, '}');
}

/* "measure": what the verdict of a robustness case was judged on. */
static void json_measure(out_buf *o, const check_result *r) {
  const check_robust_measure *m = &r->measure;
  json_key(o, "measure", 0);
  out_puts(o, "{\"canary\":{");
  json_phase(o, "before", &m->canary[CANARY_BEFORE], true);
  json_phase(o, "during", &m->canary[CANARY_DURING], false);
  json_phase(o, "after", &m->canary[CANARY_AFTER], false);
  out_putc(o, '}');
  json_key(o, "refused", 0);
  out_puts(o, m->refused ? "true" : "false");
  json_key(o, "target", 0);
  if (m->target) {
    out_puts(o, "{\"died\":");
    out_puts(o, m->died ? "true" : "false");
    json_key(o, "death", 0);
    json_cstr(o, m->death);
    json_key(o, "cpu_s", 0);
    out_fixed(o, m->cpu, 3);
    json_key(o, "rss_before", 0);
    out_u64(o, m->rss_before);
    json_key(o, "rss_peak", 0);
    out_u64(o, m->rss_peak);
    out_putc(o, '}');
  } else {
    out_puts(o, "null");
  }
  const check_robust_limits *l = &r->limits;
  json_key(o, "thresholds", 0);
  out_puts(o, "{\"max_rss\":");
  out_u64(o, l->max_rss);
  json_key(o, "max_cpu_s", 0);
  out_fixed(o, l->max_cpu, 3);
  json_key(o, "slowdown", 0);
  out_fixed(o, l->slowdown, 1);
  json_key(o, "slowdown_min_ms", 0);
  out_fixed(o, l->slowdown_min * 1000, 1);
  out_puts(o, "}}");
}

static void json_case(check_report *rp, int group, const char *id, const check_case *c,
                      const check_result *r) {
  out_buf *o = rp->out;
  out_puts(o, "{\"v\":1,\"id\":");
  json_cstr(o, id);
  json_key(o, "group", 0);
  json_cstr(o, group_name(group));
  json_key(o, "rfc", 0);
  if (c->rfc)
    out_u64(o, c->rfc);
  else
    out_puts(o, "null");
  json_key(o, "section", 0);
  json_cstr(o, c->section);
  json_key(o, "title", 0);
  json_cstr(o, c->title);
  json_key(o, "verdict", 0);
  json_cstr(o, verdict_word(r));
  json_key(o, "expected", 0);
  json_cstr(o, c->expect);
  json_key(o, "actual", 0);
  json_cstr(o, r->actual);
  json_key(o, "reason", 0);
  json_cstr(o, r->why);
  json_key(o, "ms", 0);
  out_u64(o, (uint64_t)(r->seconds * 1000 + 0.5));
  if (r->robust) json_measure(o, r);
  out_puts(o, "}\n");
}

void check_report_case(check_report *rp, const check_item *it, const check_result *r) {
  const check_case *c = it->c;
  int group = it->group;
  int v = r->verdict >= 0 && r->verdict <= 3 ? r->verdict : CHECK_FAIL;
  rp->counts[v]++;
  if (rp->json) {
    json_case(rp, group, it->id, c, r);
    out_flush(rp->out);
    return;
  }
  out_buf *o = rp->out;
  char h[64], id[96];
  heading(c, group, h, sizeof h);
  if (strcmp(h, rp->last_heading) != 0) {
    snprintf(rp->last_heading, sizeof rp->last_heading, "%s", h);
    out_putc(o, '\n');
    if (rp->color) out_puts(o, C_BOLD);
    out_puts(o, h);
    if (rp->color) out_puts(o, C_RESET);
    out_putc(o, '\n');
  }
  snprintf(id, sizeof id, "%s", it->id);
  char word[16];
  snprintf(word, sizeof word, "%s", r->robust ? check_robust_name(r->robust) : verdict_upper[v]);
  for (char *w = word; *w; w++)
    if (*w >= 'a' && *w <= 'z') *w = (char)(*w - 'a' + 'A');
  out_puts(o, "  ");
  if (rp->color) out_puts(o, verdict_color[v]);
  out_puts(o, word);
  if (rp->color) out_puts(o, C_RESET);
  out_spaces(o, strlen(word) < 9 ? 9 - (int)strlen(word) : 1);
  out_puts(o, id);
  out_spaces(o, id[0] && strlen(id) < 16 ? 16 - (int)strlen(id) : 1);
  out_puts(o, c->title);
  out_putc(o, '\n');
  if (v != CHECK_PASS || group == CHECK_GROUP_ROBUST) {
    if (v != CHECK_SKIP) {
      out_puts(o, "           expected: ");
      out_puts(o, c->expect);
      out_puts(o, "\n           actual:   ");
      out_puts(o, r->actual);
      out_putc(o, '\n');
    }
    if (r->why[0]) {
      out_puts(o, "           ");
      out_puts(o, v == CHECK_SKIP               ? "skipped:  "
                  : group == CHECK_GROUP_ROBUST ? "verdict:  "
                                                : "why:      ");
      out_puts(o, r->why);
      out_putc(o, '\n');
    }
    if (r->robust) {
      char line[512];
      check_robust_numbers(&r->measure, line, sizeof line);
      out_puts(o, "           measured: ");
      out_puts(o, line);
      check_robust_thresholds(&r->limits, line, sizeof line);
      out_puts(o, "\n           limits:   ");
      out_puts(o, line);
      out_putc(o, '\n');
    }
  }
  out_flush(o);
}

void check_report_failed(check_report *rp, const check_report_entry *e, size_t n) {
  if (rp->json || !rp->counts[CHECK_FAIL]) return;
  out_buf *o = rp->out;
  out_puts(o, "\n");
  if (rp->color) out_puts(o, C_BOLD);
  out_puts(o, "Failed cases:");
  if (rp->color) out_puts(o, C_RESET);
  out_putc(o, '\n');
  for (size_t i = 0; i < n; i++) {
    if (e[i].result.verdict != CHECK_FAIL) continue;
    char id[96];
    snprintf(id, sizeof id, "%s", e[i].it->id);
    out_puts(o, "  ");
    out_puts(o, id);
    out_spaces(o, strlen(id) < 18 ? 18 - (int)strlen(id) : 1);
    out_puts(o, e[i].it->c->title);
    out_putc(o, '\n');
  }
  out_flush(o);
}

void check_report_end(check_report *rp, const char *target, double seconds) {
  out_buf *o = rp->out;
  if (rp->json) {
    out_puts(o, "{\"v\":1,\"summary\":{\"target\":");
    json_cstr(o, target);
    json_key(o, "passed", 0);
    out_u64(o, rp->counts[CHECK_PASS]);
    json_key(o, "lenient", 0);
    out_u64(o, rp->counts[CHECK_LENIENT]);
    json_key(o, "failed", 0);
    out_u64(o, rp->counts[CHECK_FAIL]);
    json_key(o, "skipped", 0);
    out_u64(o, rp->counts[CHECK_SKIP]);
    json_key(o, "seconds", 0);
    out_fixed(o, seconds, 1);
    out_puts(o, "}}\n");
    out_flush(o);
    return;
  }
  out_putc(o, '\n');
  if (rp->color) out_puts(o, rp->counts[CHECK_FAIL] ? C_RED : C_GREEN);
  out_u64(o, rp->counts[CHECK_PASS]);
  out_puts(o, " passed, ");
  out_u64(o, rp->counts[CHECK_FAIL]);
  out_puts(o, " failed, ");
  out_u64(o, rp->counts[CHECK_SKIP]);
  out_puts(o, " skipped (");
  out_u64(o, rp->counts[CHECK_LENIENT]);
  out_puts(o, " lenient)");
  if (rp->color) out_puts(o, C_RESET);
  out_puts(o, " against ");
  out_puts(o, target);
  out_puts(o, " in ");
  out_fixed(o, seconds, 1);
  out_puts(o, " s\n");
  out_flush(o);
}

static void xml_text(FILE *f, const char *s) {
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '<')
      fputs("&lt;", f);
    else if (ch == '>')
      fputs("&gt;", f);
    else if (ch == '&')
      fputs("&amp;", f);
    else if (ch == '"')
      fputs("&quot;", f);
    else if (ch < 0x20 && ch != '\n' && ch != '\t')
      fputc('?', f); /* XML 1.0 cannot carry control characters */
    else
      fputc(ch, f);
  }
}

/* A robustness case's numbers and thresholds, as two more lines. */
static void junit_measure(FILE *f, const check_result *r) {
  if (!r->robust) return;
  char line[512];
  check_robust_numbers(&r->measure, line, sizeof line);
  fprintf(f, "\nmeasured: ");
  xml_text(f, line);
  check_robust_thresholds(&r->limits, line, sizeof line);
  fprintf(f, "\nlimits: ");
  xml_text(f, line);
}

int check_junit_write(const char *path, const char *target, const check_report_entry *e, size_t n) {
  int out_fd = strcmp(path, "-") ? -1 : dup(STDOUT_FILENO); /* "-": standard output */
  FILE *f = out_fd >= 0 ? fdopen(out_fd, "w") : strcmp(path, "-") ? fopen(path, "w") : NULL;
  if (!f) {
    if (out_fd >= 0) close(out_fd);
    return -1;
  }
  unsigned counts[4] = {0};
  double total = 0;
  for (size_t i = 0; i < n; i++) {
    counts[e[i].result.verdict & 3]++;
    total += e[i].result.seconds;
  }
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(f, "<testsuites name=\"h2scope check ");
  xml_text(f, target);
  fprintf(f, "\" tests=\"%zu\" failures=\"%u\" skipped=\"%u\" time=\"%.3f\">\n", n,
          counts[CHECK_FAIL], counts[CHECK_SKIP], total);
  char open_heading[64] = "";
  for (size_t i = 0; i < n; i++) {
    const check_case *c = e[i].it->c;
    const check_result *r = &e[i].result;
    char h[64], id[96];
    heading(c, e[i].it->group, h, sizeof h);
    if (strcmp(h, open_heading) != 0) {
      if (open_heading[0]) fprintf(f, "  </testsuite>\n");
      unsigned st = 0, sf = 0, ss = 0;
      for (size_t k = i; k < n; k++) {
        char hk[64];
        heading(e[k].it->c, e[k].it->group, hk, sizeof hk);
        if (strcmp(hk, h) != 0) break;
        st++;
        sf += e[k].result.verdict == CHECK_FAIL;
        ss += e[k].result.verdict == CHECK_SKIP;
      }
      fprintf(f, "  <testsuite name=\"");
      xml_text(f, h);
      fprintf(f, "\" tests=\"%u\" failures=\"%u\" skipped=\"%u\">\n", st, sf, ss);
      snprintf(open_heading, sizeof open_heading, "%s", h);
    }
    snprintf(id, sizeof id, "%s", e[i].it->id);
    fprintf(f, "    <testcase classname=\"");
    xml_text(f, h);
    fprintf(f, "\" name=\"");
    xml_text(f, id);
    fprintf(f, " ");
    xml_text(f, c->title);
    fprintf(f, "\" time=\"%.3f\">", r->seconds);
    if (r->verdict == CHECK_FAIL) {
      fprintf(f, "\n      <failure message=\"");
      if (r->robust) fprintf(f, "%s: ", verdict_word(r));
      xml_text(f, r->why);
      fprintf(f, "\">expected: ");
      xml_text(f, c->expect);
      fprintf(f, "\nactual: ");
      xml_text(f, r->actual);
      junit_measure(f, r);
      fprintf(f, "</failure>\n    ");
    } else if (r->verdict == CHECK_SKIP) {
      fprintf(f, "\n      <skipped message=\"");
      xml_text(f, r->why);
      fprintf(f, "\"/>\n    ");
    } else if (r->verdict == CHECK_LENIENT || e[i].it->group == CHECK_GROUP_ROBUST) {
      fprintf(f, "\n      <system-out>%s: ", verdict_word(r));
      xml_text(f, r->why[0] ? r->why : r->actual);
      junit_measure(f, r);
      fprintf(f, "</system-out>\n    ");
    }
    fprintf(f, "</testcase>\n");
  }
  if (open_heading[0]) fprintf(f, "  </testsuite>\n");
  fprintf(f, "</testsuites>\n");
  return fclose(f) == 0 ? 0 : -1;
}
