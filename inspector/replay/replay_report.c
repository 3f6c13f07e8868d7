/* replay_report.c — text and JSON Lines output of `h2scope replay`
 * (replay_report.h). */
#include "replay_report.h"

#include <stdio.h>
#include <string.h>

#include "json_write.h"

static void request_line(const replay_exchange *e, const char **method, size_t *ml,
                         const char **path, size_t *pl) {
  *method = "";
  *path = "";
  *ml = *pl = 0;
  packed_find(&e->request, ":method", method, ml);
  packed_find(&e->request, ":path", path, pl);
}

static void json_response(out_buf *o, const replay_response *r, bool present) {
  if (!present) {
    out_puts(o, "null");
    return;
  }
  out_puts(o, "{\"status\":");
  if (r->have_headers)
    out_i64(o, r->status);
  else
    out_puts(o, "null");
  out_puts(o, ",\"body_length\":");
  out_u64(o, r->body_len);
  char hex[65];
  replay_hex_digest(r->digest, hex);
  out_puts(o, ",\"body_sha256\":");
  json_cstr(o, hex);
  out_puts(o, ",\"reset\":");
  if (r->reset) {
    const char *n = h2_error_code_name(r->reset_code);
    json_cstr(o, n ? n : "UNKNOWN");
  } else {
    out_puts(o, "null");
  }
  out_puts(o, ",\"complete\":");
  out_puts(o, r->ended || r->reset ? "true" : "false");
  out_putc(o, '}');
}

/* What could not be kept for want of memory, as one more note ("" when
 * nothing was lost). */
static void lost_note(char *buf, size_t cap, size_t diffs, size_t violations, size_t notes) {
  buf[0] = '\0';
  if (diffs || violations || notes)
    snprintf(buf, cap, "out of memory: %zu differences, %zu violations and %zu notes were not kept",
             diffs, violations, notes);
}

/* The strings of l, and extra (when not empty) after them. */
static void json_strings(out_buf *o, const char *key, const replay_strings *l, const char *extra) {
  json_key(o, key, 0);
  out_putc(o, '[');
  for (size_t i = 0; i < l->n; i++) {
    if (i) out_putc(o, ',');
    json_cstr(o, l->s[i]);
  }
  if (extra && extra[0]) {
    if (l->n) out_putc(o, ',');
    json_cstr(o, extra);
  }
  out_putc(o, ']');
}

static void json_opt_str(out_buf *o, const char *s) {
  if (s)
    json_cstr(o, s);
  else
    out_puts(o, "null");
}

static void text_value(out_buf *o, const char *s) {
  if (!s) {
    out_puts(o, "(absent)");
    return;
  }
  out_putc(o, '"');
  out_puts(o, s);
  out_putc(o, '"');
}

static void text_summary(out_buf *o, const replay_response *r) {
  if (r->reset) {
    char buf[64];
    replay_describe_reset(r->reset_code, buf, sizeof buf);
    out_puts(o, buf);
    if (!r->have_headers) return;
    out_puts(o, ", ");
  }
  if (r->have_headers) {
    out_i64(o, r->status);
    out_puts(o, ", ");
  } else {
    out_puts(o, "no response, ");
  }
  out_u64(o, r->body_len);
  out_puts(o, " bytes");
}

static void report_stream(out_buf *o, bool json, const replay_compare_options *co,
                          const replay_conn *rc, const replay_exchange *e,
                          const replay_stream_result *s, replay_totals *tot) {
  replay_diffs diffs = {0};
  const char *verdict;
  if (s->skipped) {
    verdict = "skipped";
    tot->skipped++;
  } else {
    replay_compare(co, &e->recorded, &s->live, &diffs);
    bool differ = diffs.n || diffs.lost || s->violations.n || s->violations.lost;
    verdict = differ ? "differ" : "match";
    if (differ)
      tot->differ++;
    else
      tot->match++;
  }
  tot->streams++;
  char lost[160];
  lost_note(lost, sizeof lost, diffs.lost, s->violations.lost, s->notes.lost);
  const char *method, *path;
  size_t ml, pl;
  request_line(e, &method, &ml, &path, &pl);
  if (json) {
    out_puts(o, "{\"v\":1,\"conn\":");
    out_u64(o, rc->id);
    out_puts(o, ",\"stream\":");
    out_u64(o, e->stream_id);
    out_puts(o, ",\"live_stream\":");
    if (s->live_stream_id)
      out_u64(o, s->live_stream_id);
    else
      out_puts(o, "null");
    out_puts(o, ",\"method\":");
    json_str(o, method, ml);
    out_puts(o, ",\"path\":");
    json_str(o, path, pl);
    out_puts(o, ",\"verdict\":");
    json_cstr(o, verdict);
    out_puts(o, ",\"recorded\":");
    json_response(o, &e->recorded, true);
    out_puts(o, ",\"live\":");
    json_response(o, &s->live, !s->skipped);
    out_puts(o, ",\"differences\":[");
    for (size_t i = 0; i < diffs.n; i++) {
      out_puts(o, i ? ",{\"field\":" : "{\"field\":");
      json_cstr(o, diffs.items[i].field);
      out_puts(o, ",\"recorded\":");
      json_opt_str(o, diffs.items[i].recorded);
      out_puts(o, ",\"live\":");
      json_opt_str(o, diffs.items[i].live);
      out_putc(o, '}');
    }
    out_putc(o, ']');
    json_strings(o, "violations", &s->violations, NULL);
    json_strings(o, "notes", &s->notes, lost);
    out_puts(o, "}\n");
  } else {
    out_puts(o, "conn ");
    out_u64(o, rc->id);
    out_puts(o, " stream ");
    out_u64(o, e->stream_id);
    out_putc(o, ' ');
    if (ml || pl) {
      out_write(o, method, ml);
      out_putc(o, ' ');
      out_write(o, path, pl);
    } else {
      out_puts(o, "(request not captured)");
    }
    out_puts(o, ": ");
    out_puts(o, verdict);
    if (!s->skipped) {
      out_puts(o, " (");
      text_summary(o, &s->live);
      out_putc(o, ')');
    }
    out_putc(o, '\n');
    for (size_t i = 0; i < diffs.n; i++) {
      out_puts(o, "    ");
      out_puts(o, diffs.items[i].field);
      out_puts(o, ": recorded ");
      text_value(o, diffs.items[i].recorded);
      out_puts(o, ", live ");
      text_value(o, diffs.items[i].live);
      out_putc(o, '\n');
    }
    for (size_t i = 0; i < s->violations.n; i++) {
      out_puts(o, "    violation: ");
      out_puts(o, s->violations.s[i]);
      out_putc(o, '\n');
    }
    for (size_t i = 0; i < s->notes.n; i++) {
      out_puts(o, "    note: ");
      out_puts(o, s->notes.s[i]);
      out_putc(o, '\n');
    }
    if (lost[0]) {
      out_puts(o, "    note: ");
      out_puts(o, lost);
      out_putc(o, '\n');
    }
  }
  replay_diffs_free(&diffs);
}

void replay_report_conn(out_buf *o, bool json, const replay_compare_options *co,
                        const replay_conn *rc, const replay_conn_result *r, replay_totals *tot) {
  tot->connections++;
  if (!r->connected) tot->unreachable++;
  char lost[160];
  lost_note(lost, sizeof lost, 0, r->violations.lost, r->notes.lost);
  if (!json) {
    out_puts(o, "conn ");
    out_u64(o, rc->id);
    out_puts(o, ": ");
    out_puts(o, rc->client);
    out_puts(o, " -> ");
    out_puts(o, rc->server);
    out_puts(o, ", ");
    out_u64(o, rc->nex);
    out_puts(o, rc->nex == 1 ? " stream" : " streams");
    out_puts(o, r->connected ? "" : " (not replayed)");
    out_putc(o, '\n');
    for (size_t i = 0; i < r->violations.n; i++) {
      out_puts(o, "  violation: ");
      out_puts(o, r->violations.s[i]);
      out_putc(o, '\n');
    }
    for (size_t i = 0; i < r->notes.n; i++) {
      out_puts(o, "  note: ");
      out_puts(o, r->notes.s[i]);
      out_putc(o, '\n');
    }
    if (lost[0]) {
      out_puts(o, "  note: ");
      out_puts(o, lost);
      out_putc(o, '\n');
    }
  } else {
    out_puts(o, "{\"v\":1,\"conn\":");
    out_u64(o, rc->id);
    out_puts(o, ",\"event\":\"connection\",\"client\":");
    json_cstr(o, rc->client);
    out_puts(o, ",\"server\":");
    json_cstr(o, rc->server);
    out_puts(o, ",\"streams\":");
    out_u64(o, rc->nex);
    out_puts(o, ",\"replayed\":");
    out_puts(o, r->connected ? "true" : "false");
    json_strings(o, "violations", &r->violations, NULL);
    json_strings(o, "notes", &r->notes, lost);
    out_puts(o, "}\n");
  }
  if (!r->connected) return;
  for (size_t i = 0; i < rc->nex; i++)
    report_stream(o, json, co, rc, &rc->ex[i], &r->streams[i], tot);
}

void replay_report_summary(out_buf *o, bool json, const replay_totals *tot, int exit_status) {
  if (json) {
    out_puts(o, "{\"v\":1,\"summary\":{\"connections\":");
    out_u64(o, tot->connections);
    out_puts(o, ",\"streams\":");
    out_u64(o, tot->streams);
    out_puts(o, ",\"match\":");
    out_u64(o, tot->match);
    out_puts(o, ",\"differ\":");
    out_u64(o, tot->differ);
    out_puts(o, ",\"skipped\":");
    out_u64(o, tot->skipped);
    out_puts(o, ",\"unreachable\":");
    out_u64(o, tot->unreachable);
    out_puts(o, "},\"exit\":");
    out_i64(o, exit_status);
    out_puts(o, "}\n");
    return;
  }
  char line[256];
  snprintf(line, sizeof line,
           "replay: %llu connection%s, %llu stream%s: %llu match, %llu differ, %llu skipped\n",
           (unsigned long long)tot->connections, tot->connections == 1 ? "" : "s",
           (unsigned long long)tot->streams, tot->streams == 1 ? "" : "s",
           (unsigned long long)tot->match, (unsigned long long)tot->differ,
           (unsigned long long)tot->skipped);
  out_puts(o, line);
}
