/* check_cases.c — the registry of check cases: concatenates the per-area
 * tables into the server, robustness and client groups (the extension
 * cases of RFC 8441/9218/8336, check_cases_ext.c, after the RFC 9113/7541
 * ones, so no existing id moves), gives each case its
 * stable id and answers which cases a selector picks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_case.h"

/* The server group is the per-area tables one after the other, in this
 * order; a case is found by walking the parts (no table is copied, so
 * check -j workers read nothing that is ever written). */
typedef struct case_table {
  const check_case *cases;
  const size_t *count;
} case_table;

static const case_table server_parts[] = {
    {check_cases_frames, &check_cases_frames_count},
    {check_cases_http, &check_cases_http_count},
    {check_cases_hpack, &check_cases_hpack_count},
    {check_cases_ext, &check_cases_ext_count},
};

static const case_table robust_parts[] = {
    {check_cases_robust, &check_cases_robust_count},
};

static const case_table client_parts[] = {
    {check_cases_client, &check_cases_client_count},
    {check_cases_ext_client, &check_cases_ext_client_count},
};

static const case_table *group_parts(int group, size_t *nparts) {
  if (group == CHECK_GROUP_ROBUST) {
    *nparts = sizeof robust_parts / sizeof *robust_parts;
    return robust_parts;
  }
  if (group == CHECK_GROUP_CLIENT) {
    *nparts = sizeof client_parts / sizeof *client_parts;
    return client_parts;
  }
  *nparts = sizeof server_parts / sizeof *server_parts;
  return server_parts;
}

size_t check_case_count(int group) {
  size_t np, n = 0;
  const case_table *parts = group_parts(group, &np);
  for (size_t p = 0; p < np; p++)
    n += *parts[p].count;
  return n;
}

const check_case *check_case_at(int group, size_t i) {
  size_t np;
  const case_table *parts = group_parts(group, &np);
  for (size_t p = 0; p < np; p++) {
    if (i < *parts[p].count) return &parts[p].cases[i];
    i -= *parts[p].count;
  }
  return NULL;
}

const char *check_case_id(int group, size_t i, char *buf, size_t cap) {
  const check_case *c = check_case_at(group, i);
  if (!c) {
    snprintf(buf, cap, "?");
    return buf;
  }
  if (group == CHECK_GROUP_ROBUST) {
    snprintf(buf, cap, "robust/%s", c->section);
    return buf;
  }
  unsigned ordinal = 1;
  for (size_t k = 0; k < i; k++) {
    const check_case *e = check_case_at(group, k);
    if (e->rfc == c->rfc && !strcmp(e->section, c->section)) ordinal++;
  }
  snprintf(buf, cap, "%s%u/%s/%u", group == CHECK_GROUP_CLIENT ? "client/" : "", c->rfc, c->section,
           ordinal);
  return buf;
}

/* "6.5" is a prefix of "6.5.2" at a dot boundary, not of "6.50". */
static bool section_prefix(const char *prefix, const char *section) {
  size_t n = strlen(prefix);
  return !strncmp(prefix, section, n) && (section[n] == 0 || section[n] == '.');
}

bool check_case_matches(int group, const check_case *c, const char *id, const char *sel) {
  if (!strcmp(sel, id)) return true;
  if (!strncmp(sel, "client/", 7)) {
    if (group != CHECK_GROUP_CLIENT) return false;
    sel += 7;
  }
  if (!strcmp(sel, "robust")) return group == CHECK_GROUP_ROBUST;
  if (group == CHECK_GROUP_ROBUST || c->rfc == 0) return false;
  char rfc[8];
  snprintf(rfc, sizeof rfc, "%u", c->rfc);
  size_t rl = strlen(rfc);
  if (!strncmp(sel, rfc, rl) && (sel[rl] == 0 || sel[rl] == '/')) {
    if (sel[rl] == 0) return true;
    sel += rl + 1;
  }
  return section_prefix(sel, c->section);
}

bool check_case_selected(int group, size_t i, const char *sel) {
  const check_case *c = check_case_at(group, i);
  if (!c) return false;
  char id[96];
  check_case_id(group, i, id, sizeof id);
  return check_case_matches(group, c, id, sel);
}
