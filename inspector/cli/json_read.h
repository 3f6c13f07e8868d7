/* json_read.h — a small strict JSON reader (RFC 8259) for h2scope's inputs:
 * header lists for `hpack encode`, hpack-test-case stories, test vectors.
 * The whole document is parsed into a tree owned by a json_doc; strings have
 * their escapes decoded to UTF-8 (\u0000 and surrogate pairs included) and
 * carry an explicit length. Nesting depth is bounded (JSON_MAX_DEPTH), so any
 * input, however hostile, gives a tree or an error message with its offset. */
#ifndef H2SCOPE_JSON_READ_H
#define H2SCOPE_JSON_READ_H

#include <stddef.h>

#define JSON_MAX_DEPTH 256

typedef enum json_type {
  JSON_NULL,
  JSON_FALSE,
  JSON_TRUE,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT
} json_type;

typedef struct json_value json_value;
struct json_value {
  json_type type;
  const char *str; /* JSON_STRING: decoded bytes (NUL-terminated too), str_len long */
  size_t str_len;
  double number;     /* JSON_NUMBER */
  size_t count;      /* JSON_ARRAY / JSON_OBJECT: members */
  json_value *first; /* first member; members are chained through next */
  json_value *next;
  const char *key; /* member of an object: its key (decoded, NUL-terminated) */
  size_t key_len;
};

typedef struct json_doc json_doc;

/* Parses text[0..len). NULL on error, with a message naming the byte offset
 * in err (or on allocation failure). Trailing whitespace only is allowed. */
json_doc *json_parse(const char *text, size_t len, char *err, size_t errcap);
const json_value *json_doc_root(const json_doc *doc);
void json_doc_free(json_doc *doc);

/* Member of an object by key (first match), NULL if absent or not an object. */
const json_value *json_object_get(const json_value *obj, const char *key);
/* Item i of an array (O(i)), NULL when out of range. */
const json_value *json_array_at(const json_value *arr, size_t i);

#endif
