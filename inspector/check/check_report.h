/* check_report.h — the output of `h2scope check`: coloured text grouped by
 * section like a test runner (with the summary "N passed, N failed, N
 * skipped (N lenient)"), or JSON Lines (one object per case, "v":1), and a
 * JUnit XML file for CI systems. */
#ifndef H2SCOPE_CHECK_REPORT_H
#define H2SCOPE_CHECK_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "check_case.h"
#include "check_run.h"
#include "check_set.h"
#include "out_buf.h"

typedef struct check_report {
  out_buf *out;
  bool json;
  bool color;
  unsigned counts[4]; /* by enum check_verdict */
  char last_heading[64];
} check_report;

/* One case's result (call in run order). */
void check_report_case(check_report *rp, const check_item *it, const check_result *r);
/* The summary line (text) or object (JSON). */
void check_report_end(check_report *rp, const char *target, double seconds);

typedef struct check_report_entry {
  const check_item *it; /* the case, in the run's set (check_set.h) */
  check_result result;
} check_report_entry;

/* Text: the failed cases again, id and title, after the run and before the
 * summary line (as h2spec does), so a long run's failures are in one place.
 * Nothing when none failed, or with JSON. */
void check_report_failed(check_report *rp, const check_report_entry *e, size_t n);

/* JUnit XML: one testsuite per section, one testcase per case; fail →
 * <failure>, skip → <skipped>, lenient → passes with <system-out> saying why.
 * path "-" is standard output. 0 ok, -1 when the file cannot be written
 * (errno set). */
int check_junit_write(const char *path, const char *target, const check_report_entry *e, size_t n);

#endif
