/* check_set.c — a run's set of cases (check_set.h): built-in or loaded, each
 * with its group and id. */
#include "check_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool check_set_add(check_set *s, int group, const check_case *c, const char *id) {
  if (s->n == s->cap) {
    if (s->cap >= CHECK_SET_MAX) return false;
    size_t cap = s->cap ? s->cap * 2 : 256;
    if (cap > CHECK_SET_MAX) cap = CHECK_SET_MAX;
    check_item *p = realloc(s->items, cap * sizeof *p);
    if (!p) return false;
    s->items = p;
    s->cap = cap;
  }
  check_item *it = &s->items[s->n++];
  it->group = group;
  it->c = c;
  snprintf(it->id, sizeof it->id, "%s", id);
  return true;
}

bool check_set_add_builtin(check_set *s) {
  for (int g = 0; g < 3; g++) {
    size_t n = check_case_count(g);
    for (size_t i = 0; i < n; i++) {
      char id[CHECK_ID_CAP];
      if (!check_set_add(s, g, check_case_at(g, i), check_case_id(g, i, id, sizeof id)))
        return false;
    }
  }
  return true;
}

const check_item *check_set_find(const check_set *s, const char *id) {
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->items[i].id, id)) return &s->items[i];
  return NULL;
}

/* The storage of the cases loaded from files. */
void check_loaded_free(check_loaded *l) {
  while (l) {
    check_loaded *next = l->next;
    free(l->id);
    free(l->section);
    free(l->title);
    free(l->handshake);
    free(l->frames);
    free(l->expect);
    free(l->needs);
    free(l);
    l = next;
  }
}

void check_set_free(check_set *s) {
  free(s->items);
  check_loaded_free(s->loaded);
  memset(s, 0, sizeof *s);
}

bool check_item_selected(const check_item *it, const char *selector) {
  return check_case_matches(it->group, it->c, it->id, selector);
}
