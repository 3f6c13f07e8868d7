/* filter_lex.h — the tokens of a display filter (docs/filters.md): field
 * names, numbers (decimal, 0x hex), string literals with escapes, the
 * comparison, logical and bit operators and their word forms. */
#ifndef H2SCOPE_FILTER_LEX_H
#define H2SCOPE_FILTER_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum filter_tok {
  FT_END,
  FT_IDENT,  /* a field name or a bare word: letters, digits, _ . - */
  FT_NUMBER, /* 42, 0x2a */
  FT_STRING, /* "..." or '...' (the value is unescaped into the lexer's buffer) */
  FT_EQ,     /* == eq */
  FT_NE,     /* != ne */
  FT_LT,     /* < lt */
  FT_LE,     /* <= le */
  FT_GT,     /* > gt */
  FT_GE,     /* >= ge */
  FT_CONTAINS,
  FT_MATCHES, /* matches ~ */
  FT_AND,     /* and && */
  FT_OR,      /* or || */
  FT_NOT,     /* not ! */
  FT_BITAND,  /* & */
  FT_LPAREN,
  FT_RPAREN,
  FT_LBRACKET,
  FT_RBRACKET,
  FT_BAD, /* a character or literal that is none of these (message in err) */
};

typedef struct filter_token {
  enum filter_tok kind;
  size_t column; /* 0-based byte offset of its first character */
  size_t len;    /* bytes of its source text */
  uint64_t num;  /* FT_NUMBER */
  /* FT_STRING: the unescaped value; FT_IDENT: the text (both in the lexer's
   * buffer, valid until the next token). */
  const char *text;
  size_t text_len;
  const char *err; /* FT_BAD: what is wrong (static) */
  size_t err_column;
} filter_token;

typedef struct filter_lexer {
  const char *src;
  size_t len, pos;
  char *buf; /* one token's unescaped text: at most len bytes */
} filter_lexer;

/* buf: at least len + 1 bytes. */
void filter_lex_init(filter_lexer *lx, const char *src, size_t len, char *buf);
void filter_lex_next(filter_lexer *lx, filter_token *t);
/* A token kind as the messages name it: "'=='", "a string", "the end". */
const char *filter_tok_describe(enum filter_tok k);

#endif
