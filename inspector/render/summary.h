/* summary.h — the per-connection table `h2scope read --summary` prints at the
 * end: endpoints, duration, frames by type, streams, bytes per direction,
 * protocol errors, capture loss (gaps, resyncs, cut frames), and with --lint
 * the lint verdict and finding counts by id. Rows are kept for at most SUMMARY_MAX_ROWS connections
 * (the totals cover all of them), so memory stays bounded on any capture. */
#ifndef H2SCOPE_SUMMARY_H
#define H2SCOPE_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "conn_facts.h"
#include "h2/observer.h"
#include "out_buf.h"

#define SUMMARY_MAX_ROWS 10000

typedef struct summary_row {
  uint32_t conn;
  char client[64], server[64];
  double start, duration;
  bool h2, upgrade, midstream, alpn;
  uint64_t bytes[2], frames[2], errors, ignored;
  uint64_t by_type[CONN_TOTALS_TYPES];
  uint32_t streams, gaps;
  /* Capture loss, apart from the protocol errors: resynchronisations after
   * gaps, frames cut off by a gap or the capture's end. */
  uint32_t resyncs;
  uint64_t truncated;
  const char *close_reason;
  bool linted; /* --lint: findings by severity (error, warning, info) */
  uint32_t lint[3];
  /* --lint: findings by catalogue index (h2_observer_rule_at; the last slot:
   * ids the catalogue lacks) */
  uint32_t lint_by_id[H2_OBSERVER_RULE_MAX + 1];
} summary_row;

typedef struct summary_table {
  summary_row *rows;
  uint32_t count, cap;
  uint64_t connections, h2_connections, dropped_rows;
  summary_row total;
} summary_table;

void summary_init(summary_table *t);
void summary_free(summary_table *t);
/* What the linter said of a connection (lint_conn_finish): its findings by
 * severity (error, warning, info) and by catalogue index. */
typedef struct summary_lint {
  uint32_t counts[3];
  const uint32_t *by_id;
} summary_lint;

/* A closed connection, from the totals read handed up (conn_facts.h); lint:
 * its findings, or NULL when it was not linted. */
void summary_add(summary_table *t, const conn_totals *c, const summary_lint *lint);
/* The same in two steps: the row of a closed connection (on the thread that
 * decoded it, read_jobs.h), then its place in the table (in close order). */
void summary_row_of(summary_row *r, const conn_totals *c, const summary_lint *lint);
void summary_add_row(summary_table *t, const summary_row *r);
/* What the capture says of itself under the table (filled from capture's
 * statistics by the command). */
typedef struct summary_capture {
  uint64_t packets;
  uint64_t gaps, gap_bytes;
  uint64_t non_tcp; /* packets that are not TCP over IP */
  uint64_t truncated;
  uint32_t files; /* files read as one capture (0: live) */
  bool live;      /* a live capture: the kernel's drops follow */
  uint64_t kernel_dropped, interface_dropped;
} summary_capture;

void summary_print(const summary_table *t, out_buf *o, bool json, const summary_capture *capture);

#endif
