/* check_cases.c — the registry of check cases: concatenates the per-area
 * tables into the server, robustness and client groups, gives each case its
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
};

size_t check_case_count(int group) {
  if (group == CHECK_GROUP_ROBUST) return check_cases_robust_count;
  if (group == CHECK_GROUP_CLIENT) return check_cases_client_count;
  size_t n = 0;
  for (size_t p = 0; p < sizeof server_parts / sizeof *server_parts; p++)
    n += *server_parts[p].count;
  return n;
}

const check_case *check_case_at(int group, size_t i) {
  if (group == CHECK_GROUP_ROBUST)
    return i < check_cases_robust_count ? &check_cases_robust[i] : NULL;
  if (group == CHECK_GROUP_CLIENT)
    return i < check_cases_client_count ? &check_cases_client[i] : NULL;
  for (size_t p = 0; p < sizeof server_parts / sizeof *server_parts; p++) {
    if (i < *server_parts[p].count) return &server_parts[p].cases[i];
    i -= *server_parts[p].count;
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

bool check_case_selected(int group, size_t i, const char *sel) {
  const check_case *c = check_case_at(group, i);
  if (!c) return false;
  char id[96];
  check_case_id(group, i, id, sizeof id);
  if (!strcmp(sel, id)) return true;
  if (!strncmp(sel, "client/", 7)) {
    if (group != CHECK_GROUP_CLIENT) return false;
    sel += 7;
  }
  if (!strcmp(sel, "robust")) return group == CHECK_GROUP_ROBUST;
  if (group == CHECK_GROUP_ROBUST) return false;
  char rfc[8];
  snprintf(rfc, sizeof rfc, "%u", c->rfc);
  size_t rl = strlen(rfc);
  if (!strncmp(sel, rfc, rl) && (sel[rl] == 0 || sel[rl] == '/')) {
    if (sel[rl] == 0) return true;
    sel += rl + 1;
  }
  return section_prefix(sel, c->section);
}
