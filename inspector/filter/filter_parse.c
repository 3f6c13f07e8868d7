/* filter_parse.c — compiles a display filter (filter.h) into its tree
 * (filter_tree.h): a recursive-descent parser over filter_lex's tokens,
 *
 *   expr    := and { ("or" | "||") and }
 *   and     := unary { ("and" | "&&") unary }
 *   unary   := ("not" | "!") unary | "(" expr ")" | test
 *   test    := field [ op value | "&" number ]
 *   field   := NAME | "header" "[" STRING "]"
 *   op      := == != < <= > >= contains matches (and eq ne lt le gt ge ~)
 *   value   := NUMBER | STRING | NAME
 *
 * Literals are checked against the field's kind here, once: names of frame
 * types, error codes and directions become numbers, `matches` patterns are
 * compiled with PCRE2, and every error says where and what was expected. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_fields.h"
#include "filter_tree.h"

void filter_limits_default(filter_limits *l) {
  l->max_length = 4096;
  l->max_nodes = 512;
  l->max_depth = 64;
  l->regex_match_limit = 100000;
}

typedef struct parser {
  filter_lexer lx;
  filter_token tok;
  filter *f;
  const filter_limits *lim;
  filter_error *err;
  bool failed;
  uint32_t depth;
} parser;

static void fail(parser *p, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(parser *p, size_t column, const char *fmt, ...) {
  if (p->failed) return;
  p->failed = true;
  p->err->column = column;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
  va_end(ap);
}

static void advance(parser *p) {
  filter_lex_next(&p->lx, &p->tok);
  if (p->tok.kind == FT_BAD) fail(p, p->tok.err_column, "%s", p->tok.err);
}

/* What the current token is, for "expected X, got Y". */
static void got(const parser *p, char *buf, size_t cap) {
  const filter_token *t = &p->tok;
  if (t->kind == FT_END)
    snprintf(buf, cap, "the end");
  else
    snprintf(buf, cap, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), p->lx.src + t->column);
}

static uint32_t new_node(parser *p, enum filter_node_kind kind) {
  filter *f = p->f;
  if (p->failed) return 0;
  if (f->count >= p->lim->max_nodes) {
    fail(p, p->tok.column, "the filter is too long (more than %u terms)", p->lim->max_nodes);
    return 0;
  }
  if (f->count == f->cap) {
    uint32_t cap = f->cap ? f->cap * 2 : 16;
    filter_node *n = realloc(f->nodes, cap * sizeof *n);
    if (!n) {
      fail(p, 0, "out of memory");
      return 0;
    }
    f->nodes = n;
    f->cap = cap;
  }
  memset(&f->nodes[f->count], 0, sizeof *f->nodes);
  f->nodes[f->count].kind = kind;
  return f->count++;
}

static char *dup_bytes(parser *p, const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) {
    fail(p, 0, "out of memory");
    return NULL;
  }
  if (n) memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static uint32_t parse_or(parser *p);

/* field := NAME | header[STRING] */
static bool parse_field(parser *p, filter_field *fld, enum filter_kind *kind, char **hname) {
  char g[64];
  if (p->tok.kind != FT_IDENT) {
    got(p, g, sizeof g);
    fail(p, p->tok.column, "expected a field name, 'not' or '(', got %s", g);
    return false;
  }
  const char *name = p->tok.text;
  size_t len = p->tok.text_len, col = p->tok.column;
  if (len == 6 && !strncmp(name, "header", 6)) {
    advance(p);
    if (p->failed) return false;
    if (p->tok.kind != FT_LBRACKET) {
      got(p, g, sizeof g);
      fail(p, p->tok.column, "expected '[' after 'header' (header[\"NAME\"]), got %s", g);
      return false;
    }
    advance(p);
    if (p->failed) return false;
    if (p->tok.kind != FT_STRING || p->tok.text_len == 0) {
      got(p, g, sizeof g);
      fail(p, p->tok.column, "expected a header name in quotes, got %s", g);
      return false;
    }
    char *h = dup_bytes(p, p->tok.text, p->tok.text_len);
    if (!h) return false;
    for (char *c = h; *c; c++)
      if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a'); /* RFC 9113 §8.2.1 */
    *hname = h;
    *fld = (filter_field){.id = FF_HEADER, .name = h, .name_len = p->tok.text_len};
    *kind = FK_STR;
    advance(p);
    if (p->failed) return false;
    if (p->tok.kind != FT_RBRACKET) {
      got(p, g, sizeof g);
      fail(p, p->tok.column, "expected ']' after the header name, got %s", g);
      return false;
    }
    advance(p);
    return !p->failed;
  }
  if (!filter_field_lookup(name, len, fld, kind)) {
    const char *s = filter_field_suggest(name, len);
    if (s)
      fail(p, col, "unknown field '%.*s' (did you mean '%s'?)", (int)len, name, s);
    else
      fail(p, col, "unknown field '%.*s' (docs/filters.md lists the fields)", (int)len, name);
    return false;
  }
  advance(p);
  return !p->failed;
}

static bool is_cmp(enum filter_tok k) {
  return k == FT_EQ || k == FT_NE || k == FT_LT || k == FT_LE || k == FT_GT || k == FT_GE ||
         k == FT_CONTAINS || k == FT_MATCHES;
}

/* The literal after an operator, checked against the field's kind. */
static void parse_literal(parser *p, filter_node *n, const char *field_text, size_t field_len,
                          size_t op_column) {
  char g[64];
  filter_token *t = &p->tok;
  if (t->kind != FT_NUMBER && t->kind != FT_STRING && t->kind != FT_IDENT) {
    got(p, g, sizeof g);
    fail(p, t->column, "expected a value (a number, a \"string\" or a name) after %s, got %s",
         filter_tok_describe(n->op), g);
    return;
  }
  if (n->op == FT_CONTAINS || n->op == FT_MATCHES) {
    if (n->fkind != FK_STR) {
      fail(p, op_column, "%s needs a string field; '%.*s' is a number", filter_tok_describe(n->op),
           (int)field_len, field_text);
      return;
    }
    if (t->kind != FT_STRING) {
      got(p, g, sizeof g);
      fail(p, t->column, "expected a \"string\" after %s, got %s", filter_tok_describe(n->op), g);
      return;
    }
  }
  if (n->fkind == FK_STR) {
    n->str = dup_bytes(p, t->text, t->text_len);
    n->str_len = t->text_len;
    if (n->str && n->op == FT_MATCHES) {
      int code;
      PCRE2_SIZE off;
      n->re = pcre2_compile((PCRE2_SPTR)n->str, n->str_len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                            &code, &off, NULL);
      if (!n->re) {
        PCRE2_UCHAR msg[120];
        pcre2_get_error_message(code, msg, sizeof msg);
        /* The column inside the literal: 1 for the opening quote, plus the
         * offset (exact when the pattern has no escapes). */
        fail(p, t->column + 1 + off, "bad regular expression: %s", (const char *)msg);
      }
    }
    return;
  }
  /* Number fields: a number, or the name of one (type, dir, error). */
  if (t->kind == FT_NUMBER) {
    n->num = t->num;
    return;
  }
  if (filter_field_value_of_name(&n->field, t->text, t->text_len, &n->num)) return;
  switch (n->field.id) {
  case FF_TYPE:
    fail(p, t->column, "unknown frame type '%.*s' (a number, or a name like HEADERS)",
         (int)t->text_len, t->text);
    break;
  case FF_ERROR:
    fail(p, t->column, "unknown error code '%.*s' (a number, or a name like PROTOCOL_ERROR)",
         (int)t->text_len, t->text);
    break;
  case FF_DIR:
    fail(p, t->column, "unknown direction '%.*s' (c2s, s2c, client or server)", (int)t->text_len,
         t->text);
    break;
  default:
    got(p, g, sizeof g);
    fail(p, t->column, "expected a number for '%.*s', got %s", (int)field_len, field_text, g);
  }
}

/* test := field [ op value | "&" number ] */
static uint32_t parse_test(parser *p) {
  size_t col = p->tok.column;
  filter_field fld;
  enum filter_kind kind;
  char *hname = NULL;
  if (!parse_field(p, &fld, &kind, &hname)) {
    free(hname);
    return 0;
  }
  const char *ftext = p->lx.src + col;
  size_t flen = p->tok.column > col ? p->tok.column - col : 0;
  while (flen && (ftext[flen - 1] == ' ' || ftext[flen - 1] == '\t'))
    flen--;
  uint32_t i = new_node(p, FN_EXISTS);
  if (p->failed) {
    free(hname);
    return 0;
  }
  filter_node *n = &p->f->nodes[i];
  n->field = fld;
  n->fkind = kind;
  n->hname = hname;
  p->f->uses |= 1u << fld.id;
  if (filter_field_is_stream_fact(fld.id)) p->f->stream_facts = true;
  if (p->tok.kind == FT_BITAND) {
    n->kind = FN_BITAND;
    if (kind == FK_STR) {
      fail(p, p->tok.column, "'&' needs a number field; '%.*s' is a string", (int)flen, ftext);
      return 0;
    }
    advance(p);
    if (p->failed) return 0;
    if (p->tok.kind != FT_NUMBER) {
      char g[64];
      got(p, g, sizeof g);
      fail(p, p->tok.column, "expected a number (a bit mask) after '&', got %s", g);
      return 0;
    }
    n->num = p->tok.num;
    advance(p);
    return i;
  }
  if (!is_cmp(p->tok.kind)) return i;
  n->kind = FN_CMP;
  n->op = p->tok.kind;
  size_t op_column = p->tok.column;
  advance(p);
  if (p->failed) return 0;
  parse_literal(p, &p->f->nodes[i], ftext, flen, op_column);
  if (p->failed) return 0;
  advance(p);
  return i;
}

static uint32_t parse_unary(parser *p) {
  if (p->failed) return 0;
  if (++p->depth > p->lim->max_depth) {
    fail(p, p->tok.column, "the filter nests too deep (more than %u levels)", p->lim->max_depth);
    return 0;
  }
  uint32_t r;
  if (p->tok.kind == FT_NOT) {
    advance(p);
    uint32_t a = parse_unary(p);
    r = new_node(p, FN_NOT);
    if (!p->failed) p->f->nodes[r].a = a;
  } else if (p->tok.kind == FT_LPAREN) {
    size_t open = p->tok.column;
    advance(p);
    r = parse_or(p);
    if (!p->failed && p->tok.kind != FT_RPAREN) {
      char g[64];
      got(p, g, sizeof g);
      fail(p, p->tok.column, "expected ')' to close the '(' at column %zu, got %s", open + 1, g);
    }
    advance(p);
  } else {
    r = parse_test(p);
  }
  p->depth--;
  return r;
}

static uint32_t parse_and(parser *p) {
  uint32_t a = parse_unary(p);
  while (!p->failed && p->tok.kind == FT_AND) {
    advance(p);
    uint32_t b = parse_unary(p);
    uint32_t n = new_node(p, FN_AND);
    if (p->failed) return 0;
    p->f->nodes[n].a = a;
    p->f->nodes[n].b = b;
    a = n;
  }
  return a;
}

static uint32_t parse_or(parser *p) {
  uint32_t a = parse_and(p);
  while (!p->failed && p->tok.kind == FT_OR) {
    advance(p);
    uint32_t b = parse_and(p);
    uint32_t n = new_node(p, FN_OR);
    if (p->failed) return 0;
    p->f->nodes[n].a = a;
    p->f->nodes[n].b = b;
    a = n;
  }
  return a;
}

void filter_free(filter *f) {
  if (!f) return;
  for (uint32_t i = 0; i < f->count; i++) {
    free(f->nodes[i].str);
    free(f->nodes[i].hname);
    pcre2_code_free(f->nodes[i].re);
  }
  free(f->nodes);
  pcre2_match_data_free(f->md);
  pcre2_match_context_free(f->mctx);
  free(f);
}

filter *filter_compile(const char *expr, const filter_limits *limits, filter_error *err) {
  filter_limits def;
  if (!limits) {
    filter_limits_default(&def);
    limits = &def;
  }
  memset(err, 0, sizeof *err);
  size_t len = strlen(expr);
  if (len > limits->max_length) {
    err->column = limits->max_length;
    snprintf(err->message, sizeof err->message, "the filter is longer than %u characters",
             limits->max_length);
    return NULL;
  }
  filter *f = calloc(1, sizeof *f);
  char *buf = malloc(len + 1);
  if (!f || !buf) {
    free(f);
    free(buf);
    snprintf(err->message, sizeof err->message, "out of memory");
    return NULL;
  }
  parser p = {.f = f, .lim = limits, .err = err};
  filter_lex_init(&p.lx, expr, len, buf);
  advance(&p);
  if (!p.failed && p.tok.kind == FT_END) fail(&p, 0, "the filter is empty (expected a field name)");
  f->root = parse_or(&p);
  if (!p.failed && p.tok.kind != FT_END) {
    char g[64];
    got(&p, g, sizeof g);
    fail(&p, p.tok.column,
         p.tok.kind == FT_RPAREN ? "unexpected %s (no '(' is open)"
                                 : "expected 'and', 'or' or the end, got %s",
         g);
  }
  free(buf);
  if (!p.failed) {
    f->mctx = pcre2_match_context_create(NULL);
    f->md = pcre2_match_data_create(1, NULL);
    if (!f->mctx || !f->md)
      fail(&p, 0, "out of memory");
    else
      pcre2_set_match_limit(f->mctx, limits->regex_match_limit);
  }
  if (p.failed) {
    filter_free(f);
    return NULL;
  }
  return f;
}

bool filter_uses_stream_facts(const filter *f) {
  return f && f->stream_facts;
}

bool filter_uses_field(const filter *f, filter_field_id id) {
  return f && (f->uses & (1u << id));
}
