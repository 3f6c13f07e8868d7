/* sarif_write.c — SARIF 2.1.0 log writer (sarif_write.h). */
#include "sarif_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_write.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define TOOL_URI "https://github.com/h2scope/h2scope"

typedef struct sarif_rule_entry {
  char *id, *description, *section;
  uint64_t count; /* sarif_count */
} sarif_rule_entry;

struct sarif_writer {
  int fd;       /* the log */
  FILE *tmp;    /* results, streamed */
  out_buf *res; /* buffered writes to tmp */
  bool any_result;
  bool any_count;
  bool failed;
  char *tool_version;
  char *artifact; /* the first artifact named: the run's artifacts[0] */
  sarif_rule_entry *rules;
  size_t rule_count, rule_cap;
};

static char *dup_or_empty(const char *s) {
  return strdup(s ? s : "");
}

sarif_writer *sarif_open(const char *path, const char *tool_version) {
  sarif_writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->res = malloc(sizeof *w->res);
  w->tool_version = dup_or_empty(tool_version);
  w->tmp = tmpfile();
  if (!w->res || !w->tool_version || !w->tmp) {
    int e = errno ? errno : ENOMEM;
    if (w->tmp) fclose(w->tmp);
    free(w->res);
    free(w->tool_version);
    free(w);
    errno = e;
    return NULL;
  }
  if (!strcmp(path, "-")) /* standard output */
    w->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  else
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd < 0) {
    int e = errno;
    fclose(w->tmp);
    free(w->res);
    free(w->tool_version);
    free(w);
    errno = e;
    return NULL;
  }
  out_init(w->res, fileno(w->tmp));
  return w;
}

static sarif_rule_entry *find_rule(sarif_writer *w, const char *id) {
  for (size_t i = 0; i < w->rule_count; i++)
    if (!strcmp(w->rules[i].id, id)) return &w->rules[i];
  return NULL;
}

static size_t rule_index(sarif_writer *w, const char *id, const char *description,
                         const char *section) {
  sarif_rule_entry *r = find_rule(w, id);
  if (r) return (size_t)(r - w->rules);
  if (w->rule_count == w->rule_cap) {
    size_t cap = w->rule_cap ? w->rule_cap * 2 : 32;
    sarif_rule_entry *n = realloc(w->rules, cap * sizeof *n);
    if (!n) {
      w->failed = true;
      return (size_t)-1;
    }
    w->rules = n;
    w->rule_cap = cap;
  }
  r = &w->rules[w->rule_count];
  r->id = dup_or_empty(id);
  r->description = dup_or_empty(description ? description : id);
  r->section = section ? strdup(section) : NULL;
  r->count = 0;
  if (!r->id || !r->description || (section && !r->section)) {
    free(r->id);
    free(r->description);
    free(r->section);
    w->failed = true;
    return (size_t)-1;
  }
  return w->rule_count++;
}

void sarif_rule(sarif_writer *w, const char *id, const char *description, const char *section) {
  if (w && id) (void)rule_index(w, id, description, section);
}

void sarif_count(sarif_writer *w, const char *rule_id, uint64_t n) {
  if (!w || !rule_id || !n) return;
  size_t idx = rule_index(w, rule_id, NULL, NULL);
  if (idx == (size_t)-1) return;
  w->rules[idx].count += n;
  w->any_count = true;
}

/* The run's properties: findingCounts by rule, in rule order. */
static void write_counts(sarif_writer *w, out_buf *o) {
  out_puts(o, ",\n      \"properties\": {\"findingCounts\": {");
  bool first = true;
  for (size_t i = 0; i < w->rule_count; i++) {
    if (!w->rules[i].count) continue;
    json_key(o, w->rules[i].id, first);
    out_u64(o, w->rules[i].count);
    first = false;
  }
  out_puts(o, "}}");
}

/* A result's property bag (sarif_props in sarif_write.h). */
static void write_props(out_buf *o, const sarif_props *p) {
  if (!p || !p->pkt_last) return;
  json_key(o, "properties", 0);
  out_puts(o, "{\"pkt\":");
  if (p->pkt_first && p->pkt_first != p->pkt_last) {
    out_putc(o, '[');
    out_u64(o, p->pkt_first);
    out_putc(o, ',');
    out_u64(o, p->pkt_last);
    out_putc(o, ']');
  } else {
    out_u64(o, p->pkt_last);
  }
  if (p->file) {
    json_key(o, "file", 0);
    out_u64(o, p->file);
  }
  out_putc(o, '}');
}

void sarif_result(sarif_writer *w, const char *rule_id, const char *level, const char *message,
                  const char *artifact_uri, const char *location, const sarif_props *props) {
  if (!w || !rule_id) return;
  size_t idx = rule_index(w, rule_id, NULL, NULL);
  out_buf *o = w->res;
  out_puts(o, w->any_result ? ",\n        {" : "\n        {");
  w->any_result = true;
  json_key(o, "ruleId", 1);
  json_cstr(o, rule_id);
  if (idx != (size_t)-1) {
    json_key(o, "ruleIndex", 0);
    out_u64(o, idx);
  }
  json_key(o, "level", 0);
  json_cstr(o, level ? level : "warning");
  json_key(o, "message", 0);
  out_puts(o, "{\"text\":");
  json_cstr(o, message ? message : rule_id);
  out_putc(o, '}');
  if (artifact_uri || location) {
    json_key(o, "locations", 0);
    out_puts(o, "[{");
    bool first = true;
    if (artifact_uri) {
      json_key(o, "physicalLocation", 1);
      out_puts(o, "{\"artifactLocation\":{\"uri\":");
      json_cstr(o, artifact_uri);
      if (!w->artifact && !(w->artifact = strdup(artifact_uri))) w->failed = true;
      if (w->artifact && !strcmp(w->artifact, artifact_uri)) out_puts(o, ",\"index\":0");
      out_puts(o, "}}");
      first = false;
    }
    if (location) {
      json_key(o, "message", first);
      out_puts(o, "{\"text\":");
      json_cstr(o, location);
      out_putc(o, '}');
    }
    out_puts(o, "}]");
  }
  write_props(o, props);
  out_putc(o, '}');
}

/* A rule's text that does not fit sets w->failed. */
static void write_rules(sarif_writer *w, out_buf *o) {
  out_putc(o, '[');
  for (size_t i = 0; i < w->rule_count; i++) {
    const sarif_rule_entry *r = &w->rules[i];
    out_puts(o, i ? ",\n            {" : "\n            {");
    json_key(o, "id", 1);
    json_cstr(o, r->id);
    json_key(o, "shortDescription", 0);
    out_puts(o, "{\"text\":");
    json_cstr(o, r->description);
    out_putc(o, '}');
    if (r->section) {
      json_key(o, "fullDescription", 0);
      out_puts(o, "{\"text\":");
      char full[1024]; /* the catalogue's texts are far shorter */
      int n = snprintf(full, sizeof full, "%s (%s)", r->description, r->section);
      if (n < 0 || (size_t)n >= sizeof full) w->failed = true; /* said by sarif_close */
      json_cstr(o, full);
      out_putc(o, '}');
      json_key(o, "properties", 0);
      out_puts(o, "{\"section\":");
      json_cstr(o, r->section);
      out_putc(o, '}');
    }
    out_putc(o, '}');
  }
  out_puts(o, w->rule_count ? "\n          ]" : "]");
}

/* Copies the streamed results into the log. */
static bool copy_results(sarif_writer *w, out_buf *o) {
  if (!out_flush(w->res) || fflush(w->tmp) != 0 || fseek(w->tmp, 0, SEEK_SET) != 0) return false;
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, w->tmp)) > 0)
    out_write(o, buf, n);
  return !ferror(w->tmp);
}

static void free_writer(sarif_writer *w) {
  for (size_t i = 0; i < w->rule_count; i++) {
    free(w->rules[i].id);
    free(w->rules[i].description);
    free(w->rules[i].section);
  }
  free(w->rules);
  free(w->tool_version);
  free(w->artifact);
  free(w->res);
  if (w->tmp) fclose(w->tmp);
  free(w);
}

int sarif_close(sarif_writer *w) {
  if (!w) return 0;
  out_buf *o = malloc(sizeof *o);
  if (!o) {
    close(w->fd);
    free_writer(w);
    errno = ENOMEM;
    return -1;
  }
  out_init(o, w->fd);
  out_puts(o, "{\n  \"$schema\": \"" SARIF_SCHEMA "\",\n  \"version\": \"2.1.0\",\n"
              "  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n"
              "          \"name\": \"h2scope\",\n          \"informationUri\": \"" TOOL_URI
              "\",\n          \"version\": ");
  json_cstr(o, w->tool_version);
  out_puts(o, ",\n          \"rules\": ");
  write_rules(w, o);
  out_puts(o, "\n        }\n      },\n      \"artifacts\": [");
  if (w->artifact) {
    out_puts(o, "{\"location\":{\"uri\":");
    json_cstr(o, w->artifact);
    out_puts(o, "}}");
  }
  out_puts(o, "],\n      \"results\": [");
  bool ok = copy_results(w, o);
  if (ok && w->failed) { /* a rule or result that could not be kept: memory */
    ok = false;
    errno = ENOMEM;
  }
  out_puts(o, w->any_result ? "\n      ]" : "]");
  if (w->any_count) write_counts(w, o);
  out_puts(o, "\n    }\n  ]\n}\n");
  ok = out_flush(o) && ok;
  int e = errno;
  if (close(w->fd) != 0) ok = false;
  free(o);
  free_writer(w);
  if (!ok) {
    errno = e ? e : EIO;
    return -1;
  }
  return 0;
}
