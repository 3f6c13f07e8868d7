/* wire_set.h — HPACK header blocks to decode in a benchmark: a list of blocks,
 * each tagged with the decoding context (connection direction) it belongs to,
 * all bytes in one buffer. Built by encoding header lists with libnghttp2's
 * deflater (the reference encoder), or loaded from hpack-test-case stories. */
#ifndef H2SCOPE_BENCH_WIRE_SET_H
#define H2SCOPE_BENCH_WIRE_SET_H

#include <stddef.h>
#include <stdint.h>

#include "header_corpus.h"

typedef struct wire_block {
  size_t off, len;
  uint32_t context;      /* blocks of one context share a dynamic table, in order */
  uint32_t header_count; /* fields the block decodes to */
} wire_block;

typedef struct wire_set {
  uint8_t *bytes;
  size_t len, cap;
  wire_block *blocks;
  size_t count, blocks_cap;
  uint32_t contexts;      /* contexts are 0..contexts-1 */
  uint32_t *table_size;   /* per context: SETTINGS_HEADER_TABLE_SIZE it was encoded with */
  size_t total_headers;
  size_t total_header_bytes; /* sum of name+value lengths, decoded */
} wire_set;

void wire_set_init(wire_set *w);
void wire_set_free(wire_set *w);
int wire_set_add(wire_set *w, uint32_t context, const uint8_t *bytes, size_t len,
                 uint32_t header_count, size_t header_bytes);
int wire_set_set_contexts(wire_set *w, uint32_t contexts, uint32_t table_size);

/* Encodes the corpus with libnghttp2's deflater: requests (even lists) on
 * context 0, responses (odd lists) on context 1, dynamic table `table_size`. */
int wire_set_from_corpus_nghttp2(wire_set *w, const header_corpus *c, uint32_t table_size);

/* Loads every story_*.json of dir (hpack-test-case format), one context per
 * story, with the story's header_table_size (default 4096). Returns stories
 * loaded, -1 on error. */
int wire_set_load_stories(wire_set *w, const char *dir);

#endif
