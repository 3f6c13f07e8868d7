/* check_set.h — the cases one `h2scope check` run works on: the built-in
 * tables (check_cases.c) or the cases of user files (check_case_file.h),
 * each with its group and its id. The runner, the pool and the report take
 * the set's items, not (group, index) pairs into global tables, so loaded
 * cases run exactly like built-in ones; a set is built once before the run
 * and only read after that (check -j workers share it). */
#ifndef H2SCOPE_CHECK_SET_H
#define H2SCOPE_CHECK_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "check_case.h"

#define CHECK_ID_CAP 96       /* an id, with its terminating NUL */
#define CHECK_SET_MAX 100000u /* cases in one set (built-in and loaded) */

typedef struct check_item {
  int group; /* enum check_group */
  const check_case *c;
  char id[CHECK_ID_CAP];
} check_item;

/* The storage of a case loaded from a file (check_case_file.c fills it),
 * owned by the set it was loaded into. */
typedef struct check_loaded {
  struct check_loaded *next;
  check_case c;
  char *id, *section, *title, *handshake, *frames, *expect, *needs;
} check_loaded;
/* Frees a list of them (check_set_free does, for the set's own). */
void check_loaded_free(check_loaded *l);

typedef struct check_set {
  check_item *items;
  size_t n, cap;
  check_loaded *loaded; /* owned, freed with the set */
} check_set;

/* Appends every built-in case, in group order (server, robust, client).
 * false when out of memory. */
bool check_set_add_builtin(check_set *s);
/* Appends one case with its id; false when out of memory or the set is full. */
bool check_set_add(check_set *s, int group, const check_case *c, const char *id);
/* The item with this id, or NULL. */
const check_item *check_set_find(const check_set *s, const char *id);
void check_set_free(check_set *s);

/* Whether a selector picks the item (check_case_selected's rules, by the
 * item's id, RFC and section). */
bool check_item_selected(const check_item *it, const char *selector);

#endif
