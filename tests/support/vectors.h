/* vectors.h — test helpers for reading test data: whole files, hex strings,
 * and the JSON documents of ../shared/vectors. */
#ifndef H2SCOPE_TEST_VECTORS_H
#define H2SCOPE_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "json_read.h"

/* Reads a whole file (NUL-terminated); NULL on error. Caller frees. */
char *vectors_read_file(const char *path, size_t *len);
/* Decodes hex (whitespace ignored) into a malloc'd buffer; NULL on bad hex. */
uint8_t *vectors_hex_decode(const char *hex, size_t hex_len, size_t *out_len);
/* Parses a JSON file; NULL on error (message printed to stderr). */
json_doc *vectors_load_json(const char *path);

#endif
