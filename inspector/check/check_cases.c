/* check_cases.c — the registry of check cases: concatenates the per-area
 * tables into the server, robustness and client groups, gives each case its
 * stable id and answers which cases a selector picks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_case.h"

#define CHECK_MAX_CASES 512

static check_case server_cases[CHECK_MAX_CASES];
static size_t server_count;

static void concat(const check_case *t, size_t n) {
  for (size_t i = 0; i < n && server_count < CHECK_MAX_CASES; i++)
    server_cases[server_count++] = t[i];
}

const check_case *check_cases(int group, size_t *count) {
  if (group == CHECK_GROUP_ROBUST) {
    *count = check_cases_robust_count;
    return check_cases_robust;
  }
  if (group == CHECK_GROUP_CLIENT) {
    *count = check_cases_client_count;
    return check_cases_client;
  }
  if (!server_count) {
    concat(check_cases_frames, check_cases_frames_count);
    concat(check_cases_http, check_cases_http_count);
    concat(check_cases_hpack, check_cases_hpack_count);
  }
  *count = server_count;
  return server_cases;
}

const char *check_case_id(int group, size_t i, char *buf, size_t cap) {
  size_t n;
  const check_case *t = check_cases(group, &n);
  if (i >= n) {
    snprintf(buf, cap, "?");
    return buf;
  }
  const check_case *c = &t[i];
  if (group == CHECK_GROUP_ROBUST) {
    snprintf(buf, cap, "robust/%s", c->section);
    return buf;
  }
  unsigned ordinal = 1;
  for (size_t k = 0; k < i; k++)
    if (t[k].rfc == c->rfc && !strcmp(t[k].section, c->section)) ordinal++;
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
  size_t n;
  const check_case *t = check_cases(group, &n);
  if (i >= n) return false;
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
  snprintf(rfc, sizeof rfc, "%u", t[i].rfc);
  size_t rl = strlen(rfc);
  if (!strncmp(sel, rfc, rl) && (sel[rl] == 0 || sel[rl] == '/')) {
    if (sel[rl] == 0) return true;
    sel += rl + 1;
  }
  return section_prefix(sel, t[i].section);
}
