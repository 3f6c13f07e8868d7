/* read_filter.c — `read -Y` and `-T fields` (read_filter.h). */
#include "read_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "commands.h"
#include "filter_fields.h"
#include "filter_streams.h"

void read_filter_opts_init(read_filter_opts *o) {
  memset(o, 0, sizeof *o);
  filter_limits_default(&o->limits);
  o->max_streams = FILTER_STREAMS_DEFAULT;
  o->max_value = FILTER_VALUE_DEFAULT;
  snprintf(o->separator, sizeof o->separator, "\t");
  snprintf(o->aggregator, sizeof o->aggregator, ",");
}

/* The expression on one line (control characters shown as spaces, so the
 * caret stays under its column) and a caret under the error's column. */
int read_filter_check(const char *prog, const read_filter_opts *o) {
  filter_error e;
  filter *f = filter_compile(o->expr, &o->limits, &e);
  if (f) {
    filter_free(f);
    return EXIT_OK;
  }
  size_t len = strlen(o->expr);
  fprintf(stderr, "%s: bad filter: %s (column %zu)\n  ", prog, e.message, e.column + 1);
  for (size_t i = 0; i < len && i < 4096; i++)
    fputc((unsigned char)o->expr[i] < 0x20 ? ' ' : o->expr[i], stderr);
  fputs("\n  ", stderr);
  for (size_t i = 0; i < e.column && i < 4096; i++)
    fputc(' ', stderr);
  fputs("^\n", stderr);
  fprintf(stderr, "Try '%s --help' (filters: docs/filters.md).\n", prog);
  return EXIT_USAGE;
}

int read_filter_add_field(const char *prog, read_filter_opts *o, const char *name) {
  if (o->nfields == READ_FILTER_MAX_FIELDS)
    return cli_usage_error(prog, "at most %d -e fields", READ_FILTER_MAX_FIELDS);
  char err[256];
  if (!filter_field_parse(name, &o->field[o->nfields], err, sizeof err))
    return cli_usage_error(prog, "-e: %s", err);
  o->field_name[o->nfields++] = name;
  return EXIT_OK;
}

/* -E's separator and aggregator: a character, or /t (tab), /s (space) as
 * tshark spells them. */
static bool set_char(char *dst, size_t cap, const char *v) {
  if (!strcmp(v, "/t")) v = "\t";
  if (!strcmp(v, "/s")) v = " ";
  size_t n = strlen(v);
  if (n == 0 || n >= cap) return false;
  memcpy(dst, v, n + 1);
  return true;
}

int read_filter_set_option(const char *prog, read_filter_opts *o, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (!eq) return cli_usage_error(prog, "-E takes KEY=VALUE, not '%s'", kv);
  size_t klen = (size_t)(eq - kv);
  const char *v = eq + 1;
  if (klen == 6 && !strncmp(kv, "header", 6)) {
    if (strcmp(v, "y") && strcmp(v, "n"))
      return cli_usage_error(prog, "-E header takes y or n, not '%s'", v);
    o->header = !strcmp(v, "y");
    return EXIT_OK;
  }
  if (klen == 9 && !strncmp(kv, "separator", 9)) {
    if (!set_char(o->separator, sizeof o->separator, v))
      return cli_usage_error(prog, "-E separator takes 1 to %zu characters, /t or /s",
                             sizeof o->separator - 1);
    return EXIT_OK;
  }
  if (klen == 10 && !strncmp(kv, "aggregator", 10)) {
    if (!set_char(o->aggregator, sizeof o->aggregator, v))
      return cli_usage_error(prog, "-E aggregator takes 1 to %zu characters, /t or /s",
                             sizeof o->aggregator - 1);
    return EXIT_OK;
  }
  return cli_usage_error(prog, "-E knows header, separator and aggregator, not '%.*s'", (int)klen,
                         kv);
}

/* The stream facts a field needs. */
static uint32_t facts_of(filter_field_id id) {
  switch (id) {
  case FF_METHOD:
    return 1u << FACT_METHOD;
  case FF_PATH:
    return 1u << FACT_PATH;
  case FF_AUTHORITY:
    return 1u << FACT_AUTHORITY;
  case FF_SCHEME:
    return 1u << FACT_SCHEME;
  case FF_CTYPE:
    return 1u << FACT_CTYPE_C2S | 1u << FACT_CTYPE_S2C;
  case FF_STATUS:
    return 1u << FACT_STATUS;
  default:
    return 0;
  }
}

bool read_filter_init(read_filter *rf, const read_filter_opts *o) {
  memset(rf, 0, sizeof *rf);
  rf->o = o;
  uint32_t facts = 0;
  for (uint32_t i = 0; i < o->nfields; i++)
    facts |= facts_of(o->field[i].id);
  if (o->expr) {
    filter_error e;
    rf->f = filter_compile(o->expr, &o->limits, &e);
    if (!rf->f) return false; /* checked before: only memory fails here */
    for (int id = 0; id < FF_COUNT; id++)
      if (filter_uses_field(rf->f, (filter_field_id)id)) facts |= facts_of((filter_field_id)id);
  }
  rf->facts = facts;
  return true;
}

void read_filter_free(read_filter *rf) {
  filter_free(rf->f);
  rf->f = NULL;
}

bool read_filter_frame(read_filter *rf, void **conn_state, const filter_subject *where,
                       const decoded_frame *d, filter_subject *s) {
  int dir = where->dir;
  *s = *where;
  s->kind = FS_FRAME;
  s->d = d;
  if (rf->facts) {
    /* Out of memory: no facts; the fields that need them are absent. */
    if (!*conn_state)
      *conn_state = filter_streams_new(rf->o->max_streams, rf->o->max_value, rf->facts);
    filter_streams_frame(*conn_state, dir, d);
    s->facts = filter_streams_find(*conn_state, d->frame.hd.stream_id);
  }
  if (!rf->f) return true;
  rf->frames++;
  filter_source src = filter_subject_source(s);
  bool m = filter_match(rf->f, &src);
  rf->matched += m;
  return m;
}

void read_filter_upgrade(read_filter *rf, void **conn_state, int dir, const h2_header *fields,
                         size_t count) {
  if (!rf->facts) return;
  if (!*conn_state)
    *conn_state = filter_streams_new(rf->o->max_streams, rf->o->max_value, rf->facts);
  filter_streams_list(*conn_state, 1, dir, fields, count);
}

bool read_filter_event(read_filter *rf, const filter_subject *where, const char *event) {
  if (!rf->f) return true;
  filter_subject s = *where;
  s.kind = FS_EVENT;
  s.event = event;
  filter_source src = filter_subject_source(&s);
  return filter_match(rf->f, &src);
}

bool read_filter_exchange(read_filter *rf, const exchange *x) {
  if (!rf || !rf->f) return true;
  filter_subject s = {.kind = FS_EXCHANGE, .conn = x->conn, .dir = -1, .x = x};
  filter_source src = filter_subject_source(&s);
  return filter_match(rf->f, &src);
}

bool read_filter_finding(read_filter *rf, uint32_t conn, int dir, uint32_t stream, const char *id,
                         const char *severity, uint64_t packet) {
  if (!rf->f) return true;
  filter_subject s = {.kind = FS_FINDING,
                      .conn = conn,
                      .dir = dir,
                      .stream = stream,
                      .lint = id,
                      .severity = severity,
                      .packet = packet};
  filter_source src = filter_subject_source(&s);
  return filter_match(rf->f, &src);
}

void read_filter_conn_free(void **conn_state) {
  filter_streams_free(*conn_state);
  *conn_state = NULL;
}

void read_filter_fields_header(const read_filter_opts *o, out_buf *out) {
  for (uint32_t i = 0; i < o->nfields; i++) {
    if (i) out_puts(out, o->separator);
    out_puts(out, o->field_name[i]);
  }
  out_putc(out, '\n');
}

/* A string value on one line: backslash, control bytes and DEL escaped. */
static void put_str(out_buf *out, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\\') {
      out_puts(out, "\\\\");
    } else if (c < 0x20 || c == 0x7f) {
      char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
      out_write(out, e, 4);
    } else {
      out_putc(out, (char)c);
    }
  }
}

void read_filter_fields_line(const read_filter_opts *o, out_buf *out, const filter_subject *s) {
  for (uint32_t i = 0; i < o->nfields; i++) {
    if (i) out_puts(out, o->separator);
    const filter_field *f = &o->field[i];
    filter_value v;
    for (size_t k = 0; filter_subject_value(s, f, k, &v); k++) {
      if (k) out_puts(out, o->aggregator);
      const char *name = v.is_str ? NULL : filter_field_name_of_value(f, v.num);
      if (v.is_str)
        put_str(out, v.str, v.len);
      else if (name)
        out_puts(out, name);
      else
        out_u64(out, v.num);
    }
  }
  out_putc(out, '\n');
}
