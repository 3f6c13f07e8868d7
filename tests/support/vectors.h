/* vectors.h — test helpers for reading test data: whole files, hex strings,
 * the JSON documents of ../shared/vectors and, on top of them, the stories of
 * the hpack-test-case suite (../shared/vectors/hpack-test-case). */
#ifndef H2SCOPE_TEST_VECTORS_H
#define H2SCOPE_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "h2/hpack.h"
#include "json_read.h"

/* Reads a whole file (NUL-terminated); NULL on error. Caller frees. */
char *vectors_read_file(const char *path, size_t *len);
/* Decodes hex (whitespace ignored) into a malloc'd buffer; NULL on bad hex. */
uint8_t *vectors_hex_decode(const char *hex, size_t hex_len, size_t *out_len);
/* Parses a JSON file; NULL on error (message printed to stderr). */
json_doc *vectors_load_json(const char *path);

/* One case (header block) of an hpack-test-case story. */
typedef struct vectors_story_case {
  int seqno;
  uint8_t *wire; /* the encoded block; NULL (and wire_len 0) in raw-data stories */
  size_t wire_len;
  long header_table_size; /* SETTINGS_HEADER_TABLE_SIZE before this case, -1 if not given */
  h2_header *headers;     /* the expected list; strings point into the story's JSON tree */
  size_t count;
} vectors_story_case;

typedef struct vectors_story {
  json_doc *doc;
  vectors_story_case *cases;
  size_t count;
} vectors_story;

/* Loads a story_*.json file; NULL (message on stderr) if it cannot be read or
 * does not have the suite's shape. Free with vectors_story_free. */
vectors_story *vectors_story_load(const char *path);
void vectors_story_free(vectors_story *s);

/* The story_*.json files of a folder as full paths, sorted by name; NULL with
 * *n = 0 if the folder cannot be opened. Free with vectors_paths_free. */
char **vectors_list_stories(const char *dir, size_t *n);
void vectors_paths_free(char **paths, size_t n);

#endif
