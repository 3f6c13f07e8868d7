/* flow_table.c — the connection table: open-addressing hash of flow entries
 * keyed by the canonical 4-tuple, plus the live (LRU) and tombstone lists.
 * Deletion uses backward shifting, so lookups never wade through deleted
 * markers however many connections come and go. */
#include "flow_table.h"

#include <stdlib.h>
#include <string.h>

enum { MIN_CAPACITY = 64 };

static void list_append(flow_list *l, flow_entry *e) {
  e->list_next = NULL;
  e->list_prev = l->tail;
  if (l->tail)
    l->tail->list_next = e;
  else
    l->head = e;
  l->tail = e;
  l->count++;
}

static void list_unlink(flow_list *l, flow_entry *e) {
  if (e->list_prev)
    e->list_prev->list_next = e->list_next;
  else
    l->head = e->list_next;
  if (e->list_next)
    e->list_next->list_prev = e->list_prev;
  else
    l->tail = e->list_prev;
  e->list_prev = e->list_next = NULL;
  l->count--;
}

static uint32_t round_up_pow2(uint32_t n) {
  uint32_t c = MIN_CAPACITY;
  while (c < n && c < 0x80000000u)
    c <<= 1;
  return c;
}

bool flow_table_init(flow_table *t, uint32_t initial_capacity) {
  memset(t, 0, sizeof *t);
  t->capacity = round_up_pow2(initial_capacity);
  t->slots = calloc(t->capacity, sizeof *t->slots);
  return t->slots != NULL;
}

static void free_entry(flow_entry *e) {
  tcp_reassembler_free(&e->dir[0]);
  tcp_reassembler_free(&e->dir[1]);
  free(e);
}

void flow_table_free(flow_table *t) {
  for (uint32_t i = 0; t->slots && i < t->capacity; i++)
    if (t->slots[i].entry) free_entry(t->slots[i].entry);
  free(t->slots);
  memset(t, 0, sizeof *t);
}

/* Orders the two endpoints: -1 if a < b. */
static int compare_endpoint(const uint8_t *addr_a, uint16_t port_a, const uint8_t *addr_b,
                            uint16_t port_b) {
  int c = memcmp(addr_a, addr_b, 16);
  if (c != 0) return c < 0 ? -1 : 1;
  if (port_a != port_b) return port_a < port_b ? -1 : 1;
  return 0;
}

int flow_key_make(flow_key *key, const packet_info *info) {
  memset(key, 0, sizeof *key);
  key->ip_version = info->ip_version;
  int src_side = compare_endpoint(info->src, info->sport, info->dst, info->dport) <= 0 ? 0 : 1;
  memcpy(key->addr[src_side], info->src, 16);
  key->port[src_side] = info->sport;
  memcpy(key->addr[1 - src_side], info->dst, 16);
  key->port[1 - src_side] = info->dport;
  return src_side;
}

/* Mixes the key eight octets at a time (a multiply and a shift per word
 * instead of one multiply per octet: it runs once per packet on the capture
 * thread, which read -j cannot spread), then finishes with murmur3's
 * avalanche so the low bits that pick a slot depend on every octet. */
static uint64_t mix_word(uint64_t h, uint64_t w) {
  h ^= w * 0x9e3779b97f4a7c15u;
  h ^= h >> 29;
  return h * 0xbf58476d1ce4e5b9u;
}

_Static_assert(sizeof(((flow_key *)0)->addr) == 4 * sizeof(uint64_t),
               "the key's addresses are four words");

uint32_t flow_key_hash(const flow_key *key) {
  uint64_t w[4];
  uint32_t ports;
  memcpy(w, key->addr, sizeof w);
  memcpy(&ports, key->port, sizeof ports);
  uint64_t h = mix_word(key->ip_version, ports);
  for (int i = 0; i < 4; i++)
    h = mix_word(h, w[i]);
  uint32_t x = (uint32_t)(h ^ h >> 32);
  x ^= x >> 16;
  x *= 0x85ebca6bu;
  x ^= x >> 13;
  x *= 0xc2b2ae35u;
  x ^= x >> 16;
  return x;
}

static bool key_equal(const flow_key *a, const flow_key *b) {
  return a->ip_version == b->ip_version && a->port[0] == b->port[0] && a->port[1] == b->port[1] &&
         memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

flow_entry *flow_table_find(const flow_table *t, const flow_key *key, uint32_t hash) {
  uint32_t mask = t->capacity - 1;
  for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
    const flow_slot *s = &t->slots[i];
    if (!s->entry) return NULL;
    if (s->hash == hash && key_equal(&s->entry->key, key)) return s->entry;
  }
}

static void place(flow_slot *slots, uint32_t capacity, flow_entry *e, uint32_t hash) {
  uint32_t mask = capacity - 1;
  uint32_t i = hash & mask;
  while (slots[i].entry)
    i = (i + 1) & mask;
  slots[i].entry = e;
  slots[i].hash = hash;
}

/* Keeps the load factor at or below 1/2. */
static bool grow_if_needed(flow_table *t) {
  if ((uint64_t)(t->count + 1) * 2 <= t->capacity) return true;
  uint32_t capacity = t->capacity * 2;
  flow_slot *slots = calloc(capacity, sizeof *slots);
  if (!slots) return false;
  for (uint32_t i = 0; i < t->capacity; i++)
    if (t->slots[i].entry) place(slots, capacity, t->slots[i].entry, t->slots[i].hash);
  free(t->slots);
  t->slots = slots;
  t->capacity = capacity;
  return true;
}

flow_entry *flow_table_insert(flow_table *t, const flow_key *key, uint32_t hash) {
  if (!grow_if_needed(t)) return NULL;
  flow_entry *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->key = *key;
  e->hash = hash;
  tcp_reassembler_init(&e->dir[0]);
  tcp_reassembler_init(&e->dir[1]);
  place(t->slots, t->capacity, e, hash);
  t->count++;
  list_append(&t->live, e);
  return e;
}

/* Backward-shift deletion for linear probing: later entries of the same
 * probe run move up into the hole so no tombstone slots are needed. */
static void remove_slot(flow_table *t, uint32_t hole) {
  uint32_t mask = t->capacity - 1;
  t->slots[hole].entry = NULL;
  for (uint32_t i = (hole + 1) & mask; t->slots[i].entry; i = (i + 1) & mask) {
    uint32_t home = t->slots[i].hash & mask;
    /* The entry at i may move to the hole if its home is not in (hole, i]. */
    bool home_between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
    if (!home_between) {
      t->slots[hole] = t->slots[i];
      t->slots[i].entry = NULL;
      hole = i;
    }
  }
}

void flow_table_remove(flow_table *t, flow_entry *e) {
  uint32_t mask = t->capacity - 1;
  for (uint32_t i = e->hash & mask;; i = (i + 1) & mask) {
    if (t->slots[i].entry == e) {
      remove_slot(t, i);
      break;
    }
    if (!t->slots[i].entry) break; /* not present: cannot happen */
  }
  t->count--;
  list_unlink(e->closed ? &t->closed : &t->live, e);
  free_entry(e);
}

void flow_table_touch(flow_table *t, flow_entry *e) {
  if (e->closed || t->live.tail == e) return;
  list_unlink(&t->live, e);
  list_append(&t->live, e);
}

void flow_table_bury(flow_table *t, flow_entry *e, double ts) {
  if (e->closed) return;
  list_unlink(&t->live, e);
  e->closed = true;
  e->closed_ts = ts;
  e->pub.user = NULL;
  e->pub.filter = NULL;
  tcp_reassembler_free(&e->dir[0]);
  tcp_reassembler_free(&e->dir[1]);
  list_append(&t->closed, e);
}
