/* hpack_table.c — the HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of
 * entries with the RFC's size accounting (name + value + 32 octets, §4.1) and
 * eviction (§4.4). Entry bytes live contiguously in a byte area of at least
 * twice the live bytes; when the newest entry would run past its end, the live
 * bytes are moved back to the start (only after at least as many bytes were
 * inserted, so O(1) amortised per byte). The storage follows the entries, not
 * the maximum (a peer may announce 2^32 - 1, RFC 9113 §6.5.2): it grows
 * geometrically in hpack_table_make_room, up to what the maximum needs. Names and
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

/* Byte area for a table holding `octets` of names and values: twice that
 * plus slack, so compaction is amortised (see the top comment). Offsets are
 * 32-bit: above 2^31 octets the area stays at 2^32 - 1, which still holds a
 * whole table (names and values of a table of max octets take < max). */
static size_t ring_cap_for(uint64_t octets) {
  uint64_t cap = octets * 2 + 64;
  return cap < UINT32_MAX ? (size_t)cap : UINT32_MAX;
}

/* Entry slots (a power of two) for `entries` entries. */
static uint32_t ent_cap_for_count(uint64_t entries) {
  uint32_t cap = 4;
  while (cap < entries && cap < (1u << 31))
    cap <<= 1;
  return cap;
}

/* Slots for every entry a table of max_size octets can hold (each takes at
 * least 32 octets, §4.1). */
static uint32_t ent_cap_for(uint32_t max_size) {
  return ent_cap_for_count((uint64_t)max_size / H2_HPACK_ENTRY_OVERHEAD + 1);
}

/* Moves the entries into storage of ring_cap bytes and ent_cap slots, oldest
 * first and compacted at the start. The old storage is freed only after the
 * copy. H2_E_NO_MEMORY leaves the table as it was. */
static h2_status regrow(hpack_table *t, size_t ring_cap, uint32_t ent_cap, const h2_allocator *a) {
  uint8_t *ring = hpack_alloc(a, ring_cap);
  uint32_t *ent = hpack_alloc(a, (size_t)ent_cap * 3 * sizeof(uint32_t));
  if (!ring || !ent) {
    hpack_free(a, ring);
    hpack_free(a, ent);
    return H2_E_NO_MEMORY;
  }
  size_t at = 0;
  for (uint32_t k = t->count; k-- > 0;) {
    h2_header e;
    hpack_table_get(t, k, &e);
    uint32_t slot = t->count - 1 - k;
    memcpy(ring + at, e.name, e.name_len + e.value_len);
    ent[slot] = (uint32_t)at;
    ent[ent_cap + slot] = (uint32_t)e.name_len;
    ent[2 * (size_t)ent_cap + slot] = (uint32_t)e.value_len;
    at += e.name_len + e.value_len;
  }
  hpack_free(a, t->ring);
  hpack_free(a, t->ent_off);
  t->ring = ring;
  t->ring_cap = ring_cap;
  t->ent_off = ent;
  t->ent_nlen = ent + ent_cap;
  t->ent_vlen = ent + 2 * (size_t)ent_cap;
  t->ent_cap = ent_cap;
  t->ent_head = (t->count - 1) & (ent_cap - 1);
  t->ring_tail = 0;
  t->ring_head = at;
  return H2_OK;
}

h2_status hpack_table_init(hpack_table *t, uint32_t max_size, const h2_allocator *a) {
  memset(t, 0, sizeof *t);
  t->max_size = max_size;
  /* Storage follows the entries (hpack_table_make_room); it starts with room
   * for a table of the default size, or of max_size when that is smaller. */
  uint32_t initial =
      max_size < H2_HPACK_DEFAULT_TABLE_SIZE ? max_size : H2_HPACK_DEFAULT_TABLE_SIZE;
  return regrow(t, ring_cap_for(initial), ent_cap_for(initial), a);
}

void hpack_table_free(hpack_table *t, const h2_allocator *a) {
  hpack_free(a, t->ring);
  hpack_free(a, t->ent_off);
  memset(t, 0, sizeof *t);
}

size_t hpack_table_reserved(const hpack_table *t) {
  return t->ring ? t->ring_cap + (size_t)t->ent_cap * 3 * sizeof(uint32_t) : 0;
}

bool hpack_table_has_room_for(const hpack_table *t, uint32_t limit) {
  return t->ring_cap >= ring_cap_for(limit) && t->ent_cap >= ent_cap_for(limit);
}

h2_status hpack_table_make_room(hpack_table *t, uint32_t limit, uint64_t entries, uint64_t bytes,
                                const h2_allocator *a) {
  /* No eviction is assumed (the sums are upper bounds); a table of limit
   * octets never holds more than limit octets of names and values nor more
   * than limit / 32 entries, so neither need goes beyond that. */
  uint64_t live = t->ring_head - t->ring_tail, octets = live + bytes;
  if (octets > limit) octets = limit;
  uint64_t want_ent = (uint64_t)t->count + entries,
           most = (uint64_t)limit / H2_HPACK_ENTRY_OVERHEAD;
  if (want_ent > most) want_ent = most;
  bool ring_ok = t->ring_head + bytes <= t->ring_cap || ring_cap_for(octets) <= t->ring_cap;
  bool ent_ok = want_ent <= t->ent_cap;
  if (ring_ok && ent_ok) return H2_OK;
  /* Geometric growth, never beyond what limit needs. */
  size_t ring_cap = t->ring_cap, full_ring = ring_cap_for(limit);
  if (!ring_ok) {
    ring_cap = ring_cap_for(octets);
    size_t twice = t->ring_cap * 2 < full_ring ? t->ring_cap * 2 : full_ring;
    if (twice > ring_cap) ring_cap = twice;
  }
  uint32_t ent_cap = t->ent_cap, full_ent = ent_cap_for(limit);
  if (!ent_ok) {
    ent_cap = ent_cap_for_count(want_ent);
    uint32_t twice = t->ent_cap * 2 < full_ent ? t->ent_cap * 2 : full_ent;
    if (twice > ent_cap) ent_cap = twice;
  }
  return regrow(t, ring_cap, ent_cap, a);
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
