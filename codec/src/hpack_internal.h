/* hpack_internal.h — pieces shared by the HPACK decoder and encoder: the
 * inline integer decoder and the dynamic table (RFC 7541 §2.3.2, §4). */
#ifndef H2_HPACK_INTERNAL_H
#define H2_HPACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "h2/hpack.h"

/* §5.1. A 32-bit value needs at most 5 continuation bytes (7 bits each, the
 * prefix absorbing up to 255); more bytes — even zero-valued ones — or a value
 * above 2^32-1 is H2_E_HPACK_INTEGER_OVERFLOW. */
static inline h2_status hpack_int_decode_inline(const uint8_t *buf, size_t len,
                                                unsigned prefix_bits, uint32_t *value,
                                                size_t *consumed) {
  if (len == 0) return H2_E_HPACK_TRUNCATED;
  uint32_t max_prefix = (1u << prefix_bits) - 1;
  uint32_t v = buf[0] & max_prefix;
  if (v < max_prefix) {
    *value = v;
    *consumed = 1;
    return H2_OK;
  }
  uint64_t acc = v;
  unsigned shift = 0;
  for (size_t i = 1;; i++) {
    if (i > 5) return H2_E_HPACK_INTEGER_OVERFLOW; /* known without reading further */
    if (i >= len) return H2_E_HPACK_TRUNCATED;
    uint8_t b = buf[i];
    acc += (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (acc > UINT32_MAX) return H2_E_HPACK_INTEGER_OVERFLOW;
    if (!(b & 0x80)) {
      *value = (uint32_t)acc;
      *consumed = i + 1;
      return H2_OK;
    }
  }
}

/* a[0..n) == b[0..n). Names and most values compared by the encoder's
 * lookups are short: up to 16 bytes take two overlapping word compares (or
 * three bytes under 4) instead of a call to memcmp. */
static inline bool hpack_bytes_eq(const char *a, const char *b, size_t n) {
  if (n >= 8) {
    if (n > 16) return memcmp(a, b, n) == 0;
    uint64_t a0, b0, a1, b1;
    memcpy(&a0, a, 8);
    memcpy(&b0, b, 8);
    memcpy(&a1, a + n - 8, 8);
    memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4) {
    uint32_t a0, b0, a1, b1;
    memcpy(&a0, a, 4);
    memcpy(&b0, b, 4);
    memcpy(&a1, a + n - 4, 4);
    memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
}

typedef struct h2_hpack_table_private hpack_table;

/* A table of at most max_size octets, with storage for a small one to start
 * with (it grows in hpack_table_make_room). */
h2_status hpack_table_init(hpack_table *t, uint32_t max_size, const h2_allocator *a);
void hpack_table_free(hpack_table *t, const h2_allocator *a);
/* Bytes of storage the table holds now. */
size_t hpack_table_reserved(const hpack_table *t);
/* Grows the storage (geometrically, never beyond what a table of `limit`
 * octets needs) so that `entries` insertions of `bytes` octets of names and
 * values in all, with the maximum at most `limit`, need no allocation. Must
 * precede every hpack_table_insert. H2_E_NO_MEMORY leaves the table as it
 * was; the entries' bytes move, so pointers into the table are stale after
 * it. */
h2_status hpack_table_make_room(hpack_table *t, uint32_t limit, uint64_t entries, uint64_t bytes,
                                const h2_allocator *a);
/* True when the storage already holds any table of up to `limit` octets. */
bool hpack_table_has_room_for(const hpack_table *t, uint32_t limit);
/* §4.3 size update: evicts down to new_max. Returns entries evicted. */
uint32_t hpack_table_set_max(hpack_table *t, uint32_t new_max);
/* §4.4: evicts until the entry fits, then inserts it; an entry larger than
 * the maximum empties the table and is not inserted (*inserted = false).
 * name/value must not point into the table (copy them first), and
 * hpack_table_make_room must have made room for the entry. Never allocates.
 * Returns the number of entries evicted. */
uint32_t hpack_table_insert(hpack_table *t, const char *name, size_t name_len, const char *value,
                            size_t value_len, bool *inserted);
/* Entry i, 0 = newest (HPACK index 62 + i). */
static inline void hpack_table_get(const hpack_table *t, uint32_t i, h2_header *out) {
  uint32_t slot = (t->ent_head - i) & (t->ent_cap - 1);
  const char *base = (const char *)t->ring + t->ent_off[slot];
  out->name = base;
  out->name_len = t->ent_nlen[slot];
  out->value = base + t->ent_nlen[slot];
  out->value_len = t->ent_vlen[slot];
  out->flags = 0;
}
/* True when p lies inside the table's byte storage. */
static inline bool hpack_table_owns(const hpack_table *t, const void *p) {
  const uint8_t *q = p;
  return t->ring && q >= t->ring && q < t->ring + t->ring_cap;
}

void *hpack_alloc(const h2_allocator *a, size_t n);
void hpack_free(const h2_allocator *a, void *p);

#endif
