/* filter_lex.c — splits a display filter into tokens (filter_lex.h). */
#include "filter_lex.h"

#include <string.h>

void filter_lex_init(filter_lexer *lx, const char *src, size_t len, char *buf) {
  lx->src = src;
  lx->len = len;
  lx->pos = 0;
  lx->buf = buf;
}

static bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void bad(filter_token *t, const char *err, size_t column) {
  t->kind = FT_BAD;
  t->err = err;
  t->err_column = column;
}

/* A number: decimal or 0x hex, at most 2^64 - 1, not followed by a letter. */
static void lex_number(filter_lexer *lx, filter_token *t) {
  const char *s = lx->src;
  size_t p = lx->pos;
  uint64_t v = 0;
  unsigned base = 10;
  if (s[p] == '0' && p + 1 < lx->len && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
    base = 16;
    p += 2;
    if (p >= lx->len || hex_digit(s[p]) < 0) {
      lx->pos = p;
      return bad(t, "expected hex digits after '0x'", p);
    }
  }
  for (; p < lx->len; p++) {
    int d = hex_digit(s[p]);
    if (d < 0 || (unsigned)d >= base) break;
    if (v > (UINT64_MAX - (unsigned)d) / base) {
      lx->pos = p;
      return bad(t, "number too large (at most 2^64-1)", t->column);
    }
    v = v * base + (unsigned)d;
  }
  if (p < lx->len && is_ident_char(s[p])) {
    lx->pos = p;
    return bad(t, "expected a number (decimal, or hex with 0x)", p);
  }
  t->kind = FT_NUMBER;
  t->num = v;
  t->text = s + lx->pos;
  t->text_len = p - lx->pos;
  lx->pos = p;
}

/* A string literal: "..." or '...'; escapes \\ \" \' \n \r \t \0 \xHH. */
static void lex_string(filter_lexer *lx, filter_token *t) {
  const char *s = lx->src;
  char quote = s[lx->pos];
  size_t p = lx->pos + 1, n = 0;
  for (;;) {
    if (p >= lx->len) {
      lx->pos = p;
      return bad(t, "unterminated string (expected a closing quote)", t->column);
    }
    char c = s[p];
    if (c == quote) break;
    if (c != '\\') {
      lx->buf[n++] = c;
      p++;
      continue;
    }
    if (p + 1 >= lx->len) {
      lx->pos = p + 1;
      return bad(t, "unterminated string (expected a closing quote)", t->column);
    }
    char e = s[p + 1];
    p += 2;
    switch (e) {
    case '\\':
    case '"':
    case '\'':
      lx->buf[n++] = e;
      break;
    case 'n':
      lx->buf[n++] = '\n';
      break;
    case 'r':
      lx->buf[n++] = '\r';
      break;
    case 't':
      lx->buf[n++] = '\t';
      break;
    case '0':
      lx->buf[n++] = '\0';
      break;
    case 'x': {
      int hi = p < lx->len ? hex_digit(s[p]) : -1;
      int lo = p + 1 < lx->len ? hex_digit(s[p + 1]) : -1;
      if (hi < 0 || lo < 0) {
        lx->pos = p;
        return bad(t, "expected two hex digits after '\\x'", p - 2);
      }
      lx->buf[n++] = (char)(hi * 16 + lo);
      p += 2;
      break;
    }
    default:
      lx->pos = p;
      return bad(t, "unknown escape (\\\\ \\\" \\' \\n \\r \\t \\0 \\xHH)", p - 2);
    }
  }
  t->kind = FT_STRING;
  t->text = lx->buf;
  t->text_len = n;
  lx->pos = p + 1;
}

/* The word operators; anything else made of identifier characters is a name. */
static const struct {
  const char *word;
  enum filter_tok kind;
} words[] = {
    {"and", FT_AND},         {"or", FT_OR}, {"not", FT_NOT}, {"contains", FT_CONTAINS},
    {"matches", FT_MATCHES}, {"eq", FT_EQ}, {"ne", FT_NE},   {"lt", FT_LT},
    {"le", FT_LE},           {"gt", FT_GT}, {"ge", FT_GE},
};

void filter_lex_next(filter_lexer *lx, filter_token *t) {
  const char *s = lx->src;
  while (lx->pos < lx->len &&
         (s[lx->pos] == ' ' || s[lx->pos] == '\t' || s[lx->pos] == '\n' || s[lx->pos] == '\r'))
    lx->pos++;
  memset(t, 0, sizeof *t);
  t->column = lx->pos;
  size_t start = lx->pos;
  if (lx->pos >= lx->len) {
    t->kind = FT_END;
    return;
  }
  char c = s[lx->pos], d = lx->pos + 1 < lx->len ? s[lx->pos + 1] : '\0';
  if (c >= '0' && c <= '9') {
    lex_number(lx, t);
  } else if (c == '"' || c == '\'') {
    lex_string(lx, t);
  } else if (is_ident_start(c)) {
    size_t p = lx->pos;
    while (p < lx->len && is_ident_char(s[p]))
      p++;
    t->kind = FT_IDENT;
    t->text = s + lx->pos;
    t->text_len = p - lx->pos;
    lx->pos = p;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
      if (strlen(words[i].word) == t->text_len && !strncmp(words[i].word, t->text, t->text_len))
        t->kind = words[i].kind;
  } else {
    struct {
      char a, b;
      enum filter_tok kind;
    } ops[] = {{'=', '=', FT_EQ},   {'!', '=', FT_NE},     {'<', '=', FT_LE},
               {'>', '=', FT_GE},   {'&', '&', FT_AND},    {'|', '|', FT_OR},
               {'<', 0, FT_LT},     {'>', 0, FT_GT},       {'!', 0, FT_NOT},
               {'&', 0, FT_BITAND}, {'~', 0, FT_MATCHES},  {'(', 0, FT_LPAREN},
               {')', 0, FT_RPAREN}, {'[', 0, FT_LBRACKET}, {']', 0, FT_RBRACKET}};
    t->kind = FT_BAD;
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
      if (ops[i].a != c || (ops[i].b && ops[i].b != d)) continue;
      t->kind = ops[i].kind;
      lx->pos += ops[i].b ? 2 : 1;
      break;
    }
    if (t->kind == FT_BAD) {
      lx->pos++;
      bad(t,
          c == '='   ? "'=' is not an operator (did you mean '=='?)"
          : c == '|' ? "'|' is not an operator (did you mean '||'?)"
                     : "unexpected character",
          start);
    }
  }
  t->len = lx->pos - start;
}

const char *filter_tok_describe(enum filter_tok k) {
  switch (k) {
  case FT_END:
    return "the end";
  case FT_IDENT:
    return "a name";
  case FT_NUMBER:
    return "a number";
  case FT_STRING:
    return "a string";
  case FT_EQ:
    return "'=='";
  case FT_NE:
    return "'!='";
  case FT_LT:
    return "'<'";
  case FT_LE:
    return "'<='";
  case FT_GT:
    return "'>'";
  case FT_GE:
    return "'>='";
  case FT_CONTAINS:
    return "'contains'";
  case FT_MATCHES:
    return "'matches'";
  case FT_AND:
    return "'and'";
  case FT_OR:
    return "'or'";
  case FT_NOT:
    return "'not'";
  case FT_BITAND:
    return "'&'";
  case FT_LPAREN:
    return "'('";
  case FT_RPAREN:
    return "')'";
  case FT_LBRACKET:
    return "'['";
  case FT_RBRACKET:
    return "']'";
  default:
    return "a bad token";
  }
}
