/* summary.c — collecting and printing the --summary table (summary.h). */
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/frame.h"
#include "json_write.h"

void summary_init(summary_table *t) {
  memset(t, 0, sizeof *t);
}
void summary_free(summary_table *t) {
  free(t->rows);
  memset(t, 0, sizeof *t);
}

static void accumulate(summary_row *sum, const summary_row *r) {
  for (int d = 0; d < 2; d++) {
    sum->bytes[d] += r->bytes[d];
    sum->frames[d] += r->frames[d];
  }
  for (int i = 0; i < CONN_TOTALS_TYPES; i++)
    sum->by_type[i] += r->by_type[i];
  sum->errors += r->errors;
  sum->ignored += r->ignored;
  sum->streams += r->streams;
  sum->gaps += r->gaps;
  sum->resyncs += r->resyncs;
  sum->truncated += r->truncated;
  sum->linted |= r->linted;
  for (int i = 0; i < 3; i++)
    sum->lint[i] += r->lint[i];
  for (size_t i = 0; i <= H2_OBSERVER_RULE_MAX; i++)
    sum->lint_by_id[i] += r->lint_by_id[i];
}

void summary_add(summary_table *t, const conn_totals *c, const summary_lint *lint) {
  summary_row r;
  summary_row_of(&r, c, lint);
  summary_add_row(t, &r);
}

void summary_row_of(summary_row *row, const conn_totals *c, const summary_lint *lint) {
  summary_row r;
  memset(&r, 0, sizeof r);
  r.conn = c->conn;
  memcpy(r.client, c->client, sizeof r.client);
  memcpy(r.server, c->server, sizeof r.server);
  r.start = c->first_ts;
  r.duration = c->last_ts - c->first_ts;
  r.h2 = c->h2;
  r.upgrade = c->upgrade;
  r.midstream = c->midstream;
  r.alpn = c->alpn;
  for (int d = 0; d < 2; d++) {
    r.bytes[d] = c->bytes[d];
    r.frames[d] = c->frames[d];
  }
  memcpy(r.by_type, c->by_type, sizeof r.by_type);
  r.errors = c->errors;
  r.truncated = c->truncated;
  r.ignored = c->ignored;
  r.streams = c->streams;
  r.gaps = c->gaps;
  r.resyncs = c->resyncs;
  r.close_reason = c->close_reason;
  r.linted = lint != NULL;
  if (lint) {
    for (int i = 0; i < 3; i++)
      r.lint[i] = lint->counts[i];
    if (lint->by_id) memcpy(r.lint_by_id, lint->by_id, sizeof r.lint_by_id);
  }
  *row = r;
}

void summary_add_row(summary_table *t, const summary_row *row) {
  const summary_row r = *row;
  t->connections++;
  t->h2_connections += r.h2;
  accumulate(&t->total, &r);
  if (t->count == SUMMARY_MAX_ROWS) {
    t->dropped_rows++;
    return;
  }
  if (t->count == t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 64;
    summary_row *rows = realloc(t->rows, cap * sizeof *rows);
    if (!rows) {
      t->dropped_rows++;
      return;
    }
    t->rows = rows;
    t->cap = cap;
  }
  /* Rows in connection order (connections close in any order; usually
   * nearly sorted, so the insertion is short). */
  uint32_t i = t->count++;
  while (i > 0 && t->rows[i - 1].conn > r.conn) {
    t->rows[i] = t->rows[i - 1];
    i--;
  }
  t->rows[i] = r;
}

/* Capture loss of a row: what the capture missed, not what a peer did. */
static unsigned long long lost(const summary_row *r) {
  return (unsigned long long)r->gaps + r->resyncs + r->truncated;
}

static const char *const type_names[CONN_TOTALS_TYPES] = {
    "DATA", "HEADERS", "PRIORITY",      "RST_STREAM",   "SETTINGS", "PUSH_PROMISE",
    "PING", "GOAWAY",  "WINDOW_UPDATE", "CONTINUATION", "UNKNOWN"};

/* --lint verdict of a connection: "fail" with any error finding, "warn"
 * with warnings only, "pass" otherwise. */
static const char *lint_verdict(const summary_row *r) {
  return r->lint[0] ? "fail" : r->lint[1] ? "warn" : "pass";
}

static const char *rule_name(size_t i) {
  const char *id;
  return h2_observer_rule_at(i, &id, NULL, NULL, NULL) ? id : "unlisted";
}

/* "  lint pass (...)" after a connection row; "lint: pass (...)" as the total
 * line; then the findings by id ("data-on-idle=5 reset-flood=1"). */
static void lint_text(out_buf *o, const summary_row *r, const char *lead, const char *ids_lead) {
  char line[160];
  snprintf(line, sizeof line, "%s%s (%u errors, %u warnings, %u info)", lead, lint_verdict(r),
           r->lint[0], r->lint[1], r->lint[2]);
  out_puts(o, line);
  bool first = true;
  for (size_t i = 0; i <= H2_OBSERVER_RULE_MAX; i++) {
    if (!r->lint_by_id[i]) continue;
    out_puts(o, first ? ids_lead : " ");
    out_puts(o, rule_name(i));
    out_putc(o, '=');
    out_u64(o, r->lint_by_id[i]);
    first = false;
  }
}

static void json_row(out_buf *o, const summary_row *r, bool total) {
  if (total) {
    out_puts(o, "{\"v\":1,\"summary\":\"total\"");
  } else {
    out_puts(o, "{\"v\":1,\"summary\":\"connection\",\"conn\":");
    out_u64(o, r->conn);
    out_puts(o, ",\"client\":");
    json_cstr(o, r->client);
    out_puts(o, ",\"server\":");
    json_cstr(o, r->server);
    out_puts(o, ",\"start\":");
    out_fixed(o, r->start, 6);
    out_puts(o, ",\"duration\":");
    out_fixed(o, r->duration, 6);
    out_puts(o, r->h2 ? ",\"http2\":true" : ",\"http2\":false");
    out_puts(o, ",\"detected\":");
    json_cstr(o, !r->h2         ? "none"
                 : r->upgrade   ? "upgrade"
                 : r->midstream ? "mid-stream"
                 : r->alpn      ? "alpn"
                                : "preface");
    out_puts(o, ",\"close\":");
    json_cstr(o, r->close_reason ? r->close_reason : "");
  }
  out_puts(o, ",\"bytes\":[");
  out_u64(o, r->bytes[0]);
  out_putc(o, ',');
  out_u64(o, r->bytes[1]);
  out_puts(o, "],\"frames\":");
  out_u64(o, r->frames[0] + r->frames[1]);
  out_puts(o, ",\"frames_by_type\":{");
  bool first = true;
  for (int i = 0; i < CONN_TOTALS_TYPES; i++) {
    if (!r->by_type[i]) continue;
    json_key(o, type_names[i], first);
    out_u64(o, r->by_type[i]);
    first = false;
  }
  out_puts(o, "},\"streams\":");
  out_u64(o, r->streams);
  out_puts(o, ",\"errors\":");
  out_u64(o, r->errors);
  out_puts(o, ",\"gaps\":");
  out_u64(o, r->gaps);
  out_puts(o, ",\"lost\":{\"gaps\":");
  out_u64(o, r->gaps);
  out_puts(o, ",\"resyncs\":");
  out_u64(o, r->resyncs);
  out_puts(o, ",\"truncated\":");
  out_u64(o, r->truncated);
  out_puts(o, "},\"undecoded_bytes\":");
  out_u64(o, r->ignored);
  if (r->linted) {
    out_puts(o, ",\"lint\":{\"verdict\":");
    json_cstr(o, lint_verdict(r));
    out_puts(o, ",\"errors\":");
    out_u64(o, r->lint[0]);
    out_puts(o, ",\"warnings\":");
    out_u64(o, r->lint[1]);
    out_puts(o, ",\"info\":");
    out_u64(o, r->lint[2]);
    out_puts(o, ",\"by_id\":{");
    bool first_id = true;
    for (size_t i = 0; i <= H2_OBSERVER_RULE_MAX; i++) {
      if (!r->lint_by_id[i]) continue;
      json_key(o, rule_name(i), first_id);
      out_u64(o, r->lint_by_id[i]);
      first_id = false;
    }
    out_puts(o, "}}");
  }
  out_puts(o, "}\n");
}

static void text_types(out_buf *o, const summary_row *r) {
  bool first = true;
  for (int i = 0; i < CONN_TOTALS_TYPES; i++) {
    if (!r->by_type[i]) continue;
    if (!first) out_putc(o, ' ');
    out_puts(o, type_names[i]);
    out_putc(o, '=');
    out_u64(o, r->by_type[i]);
    first = false;
  }
  if (first) out_putc(o, '-');
}

void summary_print(const summary_table *t, out_buf *o, bool json, const summary_capture *s) {
  if (json) {
    for (uint32_t i = 0; i < t->count; i++)
      json_row(o, &t->rows[i], false);
    json_row(o, &t->total, true);
    out_puts(o, "{\"v\":1,\"summary\":\"capture\",\"packets\":");
    out_u64(o, s->packets);
    out_puts(o, ",\"connections\":");
    out_u64(o, t->connections);
    out_puts(o, ",\"http2_connections\":");
    out_u64(o, t->h2_connections);
    out_puts(o, ",\"frames\":");
    out_u64(o, t->total.frames[0] + t->total.frames[1]);
    out_puts(o, ",\"gaps\":");
    out_u64(o, s->gaps);
    out_puts(o, ",\"gap_bytes\":");
    out_u64(o, s->gap_bytes);
    out_puts(o, ",\"non_tcp\":");
    out_u64(o, s->non_tcp);
    out_puts(o, ",\"truncated_packets\":");
    out_u64(o, s->truncated);
    out_puts(o, ",\"rows_omitted\":");
    out_u64(o, t->dropped_rows);
    if (s->files > 1) {
      out_puts(o, ",\"files\":");
      out_u64(o, s->files);
    }
    if (s->live) {
      out_puts(o, ",\"kernel_dropped\":");
      out_u64(o, s->kernel_dropped);
      out_puts(o, ",\"interface_dropped\":");
      out_u64(o, s->interface_dropped);
    }
    out_puts(o, "}\n");
    return;
  }
  out_puts(o, "\nconn  client -> server                              duration  http2     "
              "streams  frames(c2s/s2c)  bytes(c2s/s2c)      errors lost  frames by type\n");
  for (uint32_t i = 0; i < t->count; i++) {
    const summary_row *r = &t->rows[i];
    char ends[140];
    snprintf(ends, sizeof ends, "%s -> %s", r->client, r->server);
    char line[400];
    snprintf(line, sizeof line,
             "%4u  %-44s %8.3fs  %-9s %7u  %7llu/%-7llu  %9llu/%-9llu %6llu %4llu  ", r->conn, ends,
             r->duration,
             !r->h2         ? "no"
             : r->upgrade   ? "upgrade"
             : r->midstream ? "mid"
             : r->alpn      ? "alpn"
                            : "preface",
             r->streams, (unsigned long long)r->frames[0], (unsigned long long)r->frames[1],
             (unsigned long long)r->bytes[0], (unsigned long long)r->bytes[1],
             (unsigned long long)r->errors, lost(r));
    out_puts(o, line);
    text_types(o, r);
    if (r->linted) lint_text(o, r, "  lint ", " ");
    out_putc(o, '\n');
  }
  if (t->dropped_rows) {
    char line[120];
    snprintf(line, sizeof line, "... %llu more connections (counted in the totals)\n",
             (unsigned long long)t->dropped_rows);
    out_puts(o, line);
  }
  char line[400];
  snprintf(line, sizeof line,
           "total: %llu packets, %llu connections (%llu HTTP/2), %llu frames, %u streams, "
           "%llu protocol errors\n"
           "capture loss: %llu gaps (%llu bytes), %u resyncs, %llu cut-off frames, %llu "
           "truncated packets\n",
           (unsigned long long)s->packets, (unsigned long long)t->connections,
           (unsigned long long)t->h2_connections,
           (unsigned long long)(t->total.frames[0] + t->total.frames[1]), t->total.streams,
           (unsigned long long)t->total.errors, (unsigned long long)s->gaps,
           (unsigned long long)s->gap_bytes, t->total.resyncs,
           (unsigned long long)t->total.truncated, (unsigned long long)s->truncated);
  out_puts(o, line);
  if (s->files > 1) {
    snprintf(line, sizeof line, "files: %u, read as one capture\n", s->files);
    out_puts(o, line);
  }
  if (s->live) {
    /* pcap_stats: packets lost to a full capture buffer, and by the interface */
    snprintf(line, sizeof line, "kernel drops: %llu packets (%llu by the interface)\n",
             (unsigned long long)s->kernel_dropped, (unsigned long long)s->interface_dropped);
    out_puts(o, line);
  }
  out_puts(o, "frames by type: ");
  text_types(o, &t->total);
  out_putc(o, '\n');
  if (t->total.linted) {
    lint_text(o, &t->total, "lint: ", "\nlint findings by id: ");
    out_putc(o, '\n');
  }
}
