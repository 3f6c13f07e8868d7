/* json_read.c — recursive-descent JSON parser into an arena-backed tree
 * (json_read.h). Strict RFC 8259: no comments, no trailing commas, no
 * leading zeros, no control characters inside strings, valid escapes only. */
#include "json_read.h"

#include "json_utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct arena_block {
  struct arena_block *next;
  size_t used, cap;
  max_align_t data[];
} arena_block;

struct json_doc {
  arena_block *blocks;
  json_value *root;
};

typedef struct parser {
  const char *s;
  size_t len, pos;
  json_doc *doc;
  char *err;
  size_t errcap;
  int failed;
} parser;

static void *arena_alloc(json_doc *d, size_t n) {
  n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  arena_block *b = d->blocks;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > 65536 ? n : 65536;
    b = malloc(sizeof *b + cap);
    if (!b) return NULL;
    b->next = d->blocks;
    b->used = 0;
    b->cap = cap;
    d->blocks = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  return p;
}

static void fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(parser *p, const char *fmt, ...) {
  if (p->failed) return;
  p->failed = 1;
  if (!p->err || p->errcap == 0) return;
  char msg[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(p->err, p->errcap, "JSON error at offset %zu: %s", p->pos, msg);
}

static void skip_ws(parser *p) {
  while (p->pos < p->len) {
    char c = p->s[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    p->pos++;
  }
}

static int hex4(parser *p, uint32_t *out) {
  if (p->len - p->pos < 4) {
    fail(p, "truncated \\u escape");
    return -1;
  }
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p->s[p->pos++];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else {
      fail(p, "bad hex digit in \\u escape");
      return -1;
    }
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xc0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* At the opening quote. Decoded output is never longer than the source. */
static int parse_string(parser *p, const char **out, size_t *out_len) {
  size_t start = ++p->pos, end = start;
  while (end < p->len && p->s[end] != '"') {
    if (p->s[end] == '\\') end++;
    end++;
  }
  if (end >= p->len) {
    fail(p, "unterminated string");
    return -1;
  }
  char *buf = arena_alloc(p->doc, end - start + 1);
  if (!buf) {
    fail(p, "out of memory");
    return -1;
  }
  size_t n = 0;
  while (p->pos < end) {
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c < 0x20) {
      fail(p, "control character in string");
      return -1;
    }
    if (c >= 0x80) {
      size_t u = json_utf8_len((const uint8_t *)p->s + p->pos, end - p->pos);
      if (!u) {
        fail(p, "invalid UTF-8 in string");
        return -1;
      }
      memcpy(buf + n, p->s + p->pos, u);
      n += u;
      p->pos += u;
      continue;
    }
    if (c != '\\') {
      buf[n++] = (char)c;
      p->pos++;
      continue;
    }
    p->pos++;
    char e = p->s[p->pos++];
    switch (e) {
    case '"':
      buf[n++] = '"';
      break;
    case '\\':
      buf[n++] = '\\';
      break;
    case '/':
      buf[n++] = '/';
      break;
    case 'b':
      buf[n++] = '\b';
      break;
    case 'f':
      buf[n++] = '\f';
      break;
    case 'n':
      buf[n++] = '\n';
      break;
    case 'r':
      buf[n++] = '\r';
      break;
    case 't':
      buf[n++] = '\t';
      break;
    case 'u': {
      uint32_t cp;
      if (hex4(p, &cp) != 0) return -1;
      if (cp >= 0xd800 && cp <= 0xdbff) {
        uint32_t lo;
        if (p->pos + 2 > end || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
          fail(p, "high surrogate without a low surrogate");
          return -1;
        }
        p->pos += 2;
        if (hex4(p, &lo) != 0) return -1;
        if (lo < 0xdc00 || lo > 0xdfff) {
          fail(p, "invalid low surrogate");
          return -1;
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        fail(p, "lone low surrogate");
        return -1;
      }
      n += put_utf8(buf + n, cp);
      break;
    }
    default:
      fail(p, "invalid escape");
      return -1;
    }
  }
  p->pos = end + 1;
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  return 0;
}

static int parse_number(parser *p, double *out) {
  size_t start = p->pos;
  const char *s = p->s;
  if (p->pos < p->len && s[p->pos] == '-') p->pos++;
  if (p->pos >= p->len) {
    fail(p, "truncated number");
    return -1;
  }
  if (s[p->pos] == '0') {
    p->pos++;
  } else if (s[p->pos] >= '1' && s[p->pos] <= '9') {
    while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
      p->pos++;
  } else {
    fail(p, "invalid number");
    return -1;
  }
  if (p->pos < p->len && s[p->pos] == '.') {
    p->pos++;
    size_t d = p->pos;
    while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
      p->pos++;
    if (p->pos == d) {
      fail(p, "digits expected after '.'");
      return -1;
    }
  }
  if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
    p->pos++;
    if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-')) p->pos++;
    size_t d = p->pos;
    while (p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')
      p->pos++;
    if (p->pos == d) {
      fail(p, "digits expected in exponent");
      return -1;
    }
  }
  char tmp[64];
  size_t n = p->pos - start;
  if (n >= sizeof tmp) {
    /* Long numbers: strtod on an arena copy. */
    char *copy = arena_alloc(p->doc, n + 1);
    if (!copy) {
      fail(p, "out of memory");
      return -1;
    }
    memcpy(copy, s + start, n);
    copy[n] = '\0';
    *out = strtod(copy, NULL);
    return 0;
  }
  memcpy(tmp, s + start, n);
  tmp[n] = '\0';
  *out = strtod(tmp, NULL);
  return 0;
}

static json_value *parse_value(parser *p, int depth);

static int literal(parser *p, const char *word) {
  size_t n = strlen(word);
  if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0) {
    fail(p, "unexpected character");
    return -1;
  }
  p->pos += n;
  return 0;
}

static json_value *parse_container(parser *p, json_value *v, int depth) {
  int is_obj = v->type == JSON_OBJECT;
  char close = is_obj ? '}' : ']';
  p->pos++;
  skip_ws(p);
  if (p->pos < p->len && p->s[p->pos] == close) {
    p->pos++;
    return v;
  }
  json_value **tail = &v->first;
  for (;;) {
    const char *key = NULL;
    size_t key_len = 0;
    skip_ws(p);
    if (is_obj) {
      if (p->pos >= p->len || p->s[p->pos] != '"') {
        fail(p, "object key expected");
        return NULL;
      }
      if (parse_string(p, &key, &key_len) != 0) return NULL;
      skip_ws(p);
      if (p->pos >= p->len || p->s[p->pos] != ':') {
        fail(p, "':' expected");
        return NULL;
      }
      p->pos++;
    }
    json_value *item = parse_value(p, depth + 1);
    if (!item) return NULL;
    item->key = key;
    item->key_len = key_len;
    *tail = item;
    tail = &item->next;
    v->count++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->len && p->s[p->pos] == close) {
      p->pos++;
      return v;
    }
    fail(p, is_obj ? "',' or '}' expected" : "',' or ']' expected");
    return NULL;
  }
}

static json_value *parse_value(parser *p, int depth) {
  if (depth > JSON_MAX_DEPTH) {
    fail(p, "nesting deeper than %d", JSON_MAX_DEPTH);
    return NULL;
  }
  skip_ws(p);
  if (p->pos >= p->len) {
    fail(p, "value expected");
    return NULL;
  }
  json_value *v = arena_alloc(p->doc, sizeof *v);
  if (!v) {
    fail(p, "out of memory");
    return NULL;
  }
  memset(v, 0, sizeof *v);
  char c = p->s[p->pos];
  switch (c) {
  case '{':
    v->type = JSON_OBJECT;
    return parse_container(p, v, depth);
  case '[':
    v->type = JSON_ARRAY;
    return parse_container(p, v, depth);
  case '"':
    v->type = JSON_STRING;
    return parse_string(p, &v->str, &v->str_len) == 0 ? v : NULL;
  case 't':
    v->type = JSON_TRUE;
    return literal(p, "true") == 0 ? v : NULL;
  case 'f':
    v->type = JSON_FALSE;
    return literal(p, "false") == 0 ? v : NULL;
  case 'n':
    v->type = JSON_NULL;
    return literal(p, "null") == 0 ? v : NULL;
  default:
    v->type = JSON_NUMBER;
    return parse_number(p, &v->number) == 0 ? v : NULL;
  }
}

json_doc *json_parse(const char *text, size_t len, char *err, size_t errcap) {
  json_doc *d = calloc(1, sizeof *d);
  if (!d) {
    if (err && errcap) snprintf(err, errcap, "out of memory");
    return NULL;
  }
  parser p = {.s = text, .len = len, .doc = d, .err = err, .errcap = errcap};
  d->root = parse_value(&p, 0);
  if (d->root) {
    skip_ws(&p);
    if (p.pos != p.len) fail(&p, "trailing characters after the value");
  }
  if (p.failed || !d->root) {
    json_doc_free(d);
    return NULL;
  }
  return d;
}

const json_value *json_doc_root(const json_doc *doc) {
  return doc->root;
}

void json_doc_free(json_doc *doc) {
  if (!doc) return;
  for (arena_block *b = doc->blocks, *n; b; b = n) {
    n = b->next;
    free(b);
  }
  free(doc);
}

const json_value *json_object_get(const json_value *obj, const char *key) {
  if (!obj || obj->type != JSON_OBJECT) return NULL;
  size_t n = strlen(key);
  for (const json_value *m = obj->first; m; m = m->next)
    if (m->key_len == n && memcmp(m->key, key, n) == 0) return m;
  return NULL;
}

const json_value *json_array_at(const json_value *arr, size_t i) {
  if (!arr || arr->type != JSON_ARRAY) return NULL;
  const json_value *m = arr->first;
  while (m && i-- > 0)
    m = m->next;
  return m;
}
