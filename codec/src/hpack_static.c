/* hpack_static.c — static table lookups (RFC 7541 §2.3.1, Appendix A): by
 * index in O(1), and by name/value for the encoder without scanning all 61
 * entries: the generated per-length buckets (hpack_static_table.c) narrow a
 * name to at most 6 candidates, and entries with the same name are adjacent
 * in Appendix A, so its values follow the first match. */
#include <string.h>

#include "hpack_static_table.h"

const h2_hpack_static_entry *h2_hpack_static_get(uint32_t index) {
  if (index == 0 || index > H2_HPACK_STATIC_COUNT) return NULL;
  return &h2_hpack_static_entries[index];
}

uint32_t h2_hpack_static_find(const char *name, size_t name_len, const char *value,
                              size_t value_len, bool *value_match) {
  *value_match = false;
  if (name_len == 0 || name_len > H2_HPACK_STATIC_MAX_NAME) return 0;
  const h2_hpack_static_bucket *b = &h2_hpack_static_by_len[name_len];
  for (unsigned i = 0; i < b->count; i++) {
    uint32_t first = b->first[i];
    const h2_hpack_static_entry *e = &h2_hpack_static_entries[first];
    if (memcmp(e->name, name, name_len) != 0) /* name_len ≥ 1 here */
      continue;
    /* Same-name entries follow each other (e.g. :status 8..14). */
    for (uint32_t k = first; k <= H2_HPACK_STATIC_COUNT; k++) {
      const h2_hpack_static_entry *v = &h2_hpack_static_entries[k];
      if (v->name_len != name_len || memcmp(v->name, name, name_len) != 0) break;
      if (v->value_len == value_len &&
          (value_len == 0 || memcmp(v->value, value, value_len) == 0)) {
        *value_match = true;
        return k;
      }
    }
    return first;
  }
  return 0;
}
