/* hpack_table.c — the HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of
 * entries with the RFC's size accounting (name + value + 32 octets, §4.1) and
 * eviction (§4.4). Entry bytes live contiguously in a byte area of twice the
 * maximum size; when the newest entry would run past its end, the live bytes
 * are moved back to the start (at most the table's size, and only after at
 * least as many bytes were inserted, so O(1) amortised per byte). Names and
 * values therefore never wrap and can be handed out as plain pointers. Entry
 * records sit in a power-of-two circular array indexed from the newest. */
#include <stdlib.h>
#include <string.h>

#include "hpack_internal.h"

static void *default_alloc(void *ctx, size_t n) {
  (void)ctx;
  return malloc(n);
}
static void default_free(void *ctx, void *p) {
  (void)ctx;
  free(p);
}

void *hpack_alloc(const h2_allocator *a, size_t n) {
  return a && a->alloc ? a->alloc(a->ctx, n) : default_alloc(NULL, n);
}
void hpack_free(const h2_allocator *a, void *p) {
  if (!p) return;
  if (a && a->free)
    a->free(a->ctx, p);
  else
    default_free(NULL, p);
}

static size_t ring_cap_for(uint32_t max_size) {
  return (size_t)max_size * 2 + 64;
}

static uint32_t ent_cap_for(uint32_t max_size) {
  uint32_t need = max_size / H2_HPACK_ENTRY_OVERHEAD + 1, cap = 4;
  while (cap < need)
    cap <<= 1;
  return cap;
}

static h2_status alloc_storage(hpack_table *t, uint32_t max_size, const h2_allocator *a) {
  t->ring_cap = ring_cap_for(max_size);
  t->ent_cap = ent_cap_for(max_size);
  t->ring = hpack_alloc(a, t->ring_cap);
  t->ent_off = hpack_alloc(a, (size_t)t->ent_cap * 3 * sizeof(uint32_t));
  if (!t->ring || !t->ent_off) {
    hpack_free(a, t->ring);
    hpack_free(a, t->ent_off);
    t->ring = NULL;
    t->ent_off = NULL;
    return H2_E_NO_MEMORY;
  }
  t->ent_nlen = t->ent_off + t->ent_cap;
  t->ent_vlen = t->ent_nlen + t->ent_cap;
  return H2_OK;
}

h2_status hpack_table_init(hpack_table *t, uint32_t max_size, const h2_allocator *a) {
  memset(t, 0, sizeof *t);
  t->max_size = max_size;
  t->ent_head = 0;
  return alloc_storage(t, max_size, a);
}

void hpack_table_free(hpack_table *t, const h2_allocator *a) {
  hpack_free(a, t->ring);
  hpack_free(a, t->ent_off);
  memset(t, 0, sizeof *t);
}

static void clear(hpack_table *t) {
  t->count = 0;
  t->size = 0;
  t->ring_head = t->ring_tail = 0;
}

static void evict_oldest(hpack_table *t) {
  uint32_t slot = (t->ent_head - (t->count - 1)) & (t->ent_cap - 1);
  uint32_t bytes = t->ent_nlen[slot] + t->ent_vlen[slot];
  t->ring_tail = t->ent_off[slot] + bytes;
  t->size -= bytes + H2_HPACK_ENTRY_OVERHEAD;
  if (--t->count == 0) t->ring_head = t->ring_tail = 0;
}

h2_status hpack_table_reserve(hpack_table *t, uint32_t max_size, const h2_allocator *a) {
  if (ring_cap_for(max_size) <= t->ring_cap && ent_cap_for(max_size) <= t->ent_cap) return H2_OK;
  hpack_table grown = *t;
  if (alloc_storage(&grown, max_size, a) != H2_OK) return H2_E_NO_MEMORY;
  /* Copy the entries oldest first, compacted at the start. */
  size_t at = 0;
  for (uint32_t k = t->count; k-- > 0;) {
    h2_header e;
    hpack_table_get(t, k, &e);
    uint32_t slot = (t->count - 1 - k) & (grown.ent_cap - 1);
    memcpy(grown.ring + at, e.name, e.name_len + e.value_len);
    grown.ent_off[slot] = (uint32_t)at;
    grown.ent_nlen[slot] = (uint32_t)e.name_len;
    grown.ent_vlen[slot] = (uint32_t)e.value_len;
    at += e.name_len + e.value_len;
  }
  grown.ent_head = (t->count - 1) & (grown.ent_cap - 1);
  grown.ring_tail = 0;
  grown.ring_head = at;
  hpack_free(a, t->ring);
  hpack_free(a, t->ent_off);
  *t = grown;
  return H2_OK;
}

uint32_t hpack_table_set_max(hpack_table *t, uint32_t new_max) {
  uint32_t evicted = 0;
  t->max_size = new_max;
  while (t->size > new_max) {
    evict_oldest(t);
    evicted++;
  }
  return evicted;
}

uint32_t hpack_table_insert(hpack_table *t, const char *name, size_t name_len, const char *value,
                            size_t value_len, bool *inserted) {
  uint64_t entry_size = (uint64_t)name_len + value_len + H2_HPACK_ENTRY_OVERHEAD;
  uint32_t evicted = 0;
  if (entry_size > t->max_size) {
    /* §4.4: not an error; the table ends up empty. */
    evicted = t->count;
    clear(t);
    *inserted = false;
    return evicted;
  }
  while (t->size + entry_size > t->max_size) {
    evict_oldest(t);
    evicted++;
  }
  size_t bytes = name_len + value_len;
  if (t->ring_head + bytes > t->ring_cap) {
    /* Move the live bytes to the start; offsets shift by ring_tail. */
    size_t live = t->ring_head - t->ring_tail, shift = t->ring_tail;
    memmove(t->ring, t->ring + shift, live);
    for (uint32_t k = 0; k < t->count; k++)
      t->ent_off[(t->ent_head - k) & (t->ent_cap - 1)] -= (uint32_t)shift;
    t->ring_tail = 0;
    t->ring_head = live;
  }
  uint8_t *dst = t->ring + t->ring_head;
  if (name_len) memcpy(dst, name, name_len);
  if (value_len) memcpy(dst + name_len, value, value_len);
  t->ent_head = (t->ent_head + 1) & (t->ent_cap - 1);
  t->ent_off[t->ent_head] = (uint32_t)t->ring_head;
  t->ent_nlen[t->ent_head] = (uint32_t)name_len;
  t->ent_vlen[t->ent_head] = (uint32_t)value_len;
  t->ring_head += bytes;
  t->count++;
  t->size += (uint32_t)entry_size;
  *inserted = true;
  return evicted;
}
