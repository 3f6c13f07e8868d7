/* filter_eval.c — evaluates a compiled display filter (filter_tree.h) over a
 * field source (filter.h). A field may have several values (a header sent
 * twice): a comparison holds when one value satisfies it, `!=` when the
 * field is present and no value equals the literal; an absent field makes
 * every comparison false (and `not` of it true). */
#include <string.h>

#include "filter_tree.h"

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb) {
  size_t n = na < nb ? na : nb;
  int c = n ? memcmp(a, b, n) : 0;
  if (c) return c;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

static bool contains(const char *h, size_t nh, const char *s, size_t ns) {
  if (ns == 0) return true;
  if (ns > nh) return false;
  for (const char *p = h, *end = h + nh - ns; p <= end; p++) {
    p = memchr(p, s[0], (size_t)(end - p) + 1);
    if (!p) return false;
    if (!memcmp(p, s, ns)) return true;
  }
  return false;
}

/* One value against the node's operator and literal. */
static bool value_holds(const filter *f, const filter_node *n, const filter_value *v) {
  int c;
  if (n->op == FT_CONTAINS) return v->is_str && contains(v->str, v->len, n->str, n->str_len);
  if (n->op == FT_MATCHES) {
    if (!v->is_str) return false;
    /* A match error (the match limit, bad UTF-8 is tolerated) is no match. */
    return pcre2_match(n->re, (PCRE2_SPTR)v->str, v->len, 0, 0, f->md, f->mctx) >= 0;
  }
  if (n->fkind == FK_STR) {
    if (!v->is_str) return false;
    c = cmp_bytes(v->str, v->len, n->str, n->str_len);
  } else {
    if (v->is_str) return false;
    c = v->num < n->num ? -1 : v->num > n->num ? 1 : 0;
  }
  switch (n->op) {
  case FT_EQ:
  case FT_NE: /* the caller inverts: no value equals */
    return c == 0;
  case FT_LT:
    return c < 0;
  case FT_LE:
    return c <= 0;
  case FT_GT:
    return c > 0;
  case FT_GE:
    return c >= 0;
  default:
    return false;
  }
}

static bool eval(const filter *f, uint32_t i, const filter_source *src) {
  const filter_node *n = &f->nodes[i];
  filter_value v;
  switch (n->kind) {
  case FN_AND:
    return eval(f, n->a, src) && eval(f, n->b, src);
  case FN_OR:
    return eval(f, n->a, src) || eval(f, n->b, src);
  case FN_NOT:
    return !eval(f, n->a, src);
  case FN_EXISTS:
    if (!src->value(src->ctx, &n->field, 0, &v)) return false;
    return n->fkind != FK_BOOL || v.num != 0;
  case FN_BITAND:
    for (size_t k = 0; src->value(src->ctx, &n->field, k, &v); k++)
      if (!v.is_str && (v.num & n->num)) return true;
    return false;
  case FN_CMP: {
    bool any = false, present = false;
    for (size_t k = 0; src->value(src->ctx, &n->field, k, &v); k++) {
      present = true;
      if (value_holds(f, n, &v)) {
        any = true;
        break;
      }
    }
    return n->op == FT_NE ? present && !any : any;
  }
  }
  return false;
}

bool filter_match(const filter *f, const filter_source *src) {
  return eval(f, f->root, src);
}
