/* filter_tree.h — a compiled display filter (inside the filter wing): the
 * nodes the parser builds (filter_parse.c) and the evaluator walks
 * (filter_eval.c). Nodes live in one array; children are indices. */
#ifndef H2SCOPE_FILTER_TREE_H
#define H2SCOPE_FILTER_TREE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "filter.h"
#include "filter_lex.h"

enum filter_node_kind {
  FN_AND,
  FN_OR,
  FN_NOT,
  FN_EXISTS, /* a bare field: present (and 1 for a flag) */
  FN_CMP,    /* field OP literal */
  FN_BITAND, /* field & mask: a value with one of the bits set */
};

typedef struct filter_node {
  enum filter_node_kind kind;
  uint32_t a, b; /* children (AND, OR: a and b; NOT: a) */
  filter_field field;
  enum filter_kind fkind;
  enum filter_tok op; /* FN_CMP: FT_EQ ... FT_MATCHES */
  uint64_t num;       /* a number literal, FN_BITAND's mask */
  char *str;          /* a string literal (owned, NUL-terminated; may hold NULs) */
  size_t str_len;
  char *hname;    /* header[NAME]: the name (owned) */
  pcre2_code *re; /* matches */
} filter_node;

struct filter {
  filter_node *nodes;
  uint32_t count, cap;
  uint32_t root;
  pcre2_match_context *mctx;
  pcre2_match_data *md;
  bool stream_facts;
  uint32_t uses; /* bit per filter_field_id */
};

#endif
