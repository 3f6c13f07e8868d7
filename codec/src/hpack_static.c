/* hpack_static.c — static table lookups (RFC 7541 §2.3.1, Appendix A): by
 * index in O(1), and by name/value for the encoder without scanning all 61
 * entries: the generated perfect hash of the names (hpack_static_table.c)
 * gives the one candidate, and entries with the same name are adjacent in
 * Appendix A, so its values follow the first match. */
#include <string.h>

#include "hpack_internal.h"
#include "hpack_static_table.h"

const h2_hpack_static_entry *h2_hpack_static_get(uint32_t index) {
  if (index == 0 || index > H2_HPACK_STATIC_COUNT) return NULL;
  return &h2_hpack_static_entries[index];
}

uint32_t h2_hpack_static_find(const char *name, size_t name_len, const char *value,
                              size_t value_len, bool *value_match) {
  *value_match = false;
  if (name_len < 2 || name_len > H2_HPACK_STATIC_MAX_NAME) return 0;
  uint32_t first =
      h2_hpack_static_by_hash[H2_HPACK_STATIC_HASH(name_len, name[1], name[name_len - 1])];
  const h2_hpack_static_entry *e = &h2_hpack_static_entries[first];
  if (first == 0 || e->name_len != name_len || !hpack_bytes_eq(e->name, name, name_len)) return 0;
  /* Same-name entries follow each other (e.g. :status 8..14); they share
   * the name's text when the compiler merged the literals, which saves
   * comparing it again. */
  for (uint32_t k = first; k <= H2_HPACK_STATIC_COUNT; k++) {
    const h2_hpack_static_entry *v = &h2_hpack_static_entries[k];
    if (v->name_len != name_len || (v->name != e->name && !hpack_bytes_eq(v->name, name, name_len)))
      break;
    if (v->value_len == value_len && hpack_bytes_eq(v->value, value, value_len)) {
      *value_match = true;
      return k;
    }
  }
  return first;
}
