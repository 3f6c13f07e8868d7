/* flow_table.h — the connection table: TCP connections keyed by their
 * 4-tuple in an open-addressing hash (linear probing, grown by doubling,
 * so no allocation per packet), with two intrusive lists: live flows by last
 * activity (oldest first, for idle expiry and eviction) and recently closed
 * flows ("tombstones", kept briefly so stray ACKs and retransmissions after a
 * close do not open bogus connections). One allocation per connection. */
#ifndef H2SCOPE_FLOW_TABLE_H
#define H2SCOPE_FLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow_events.h"
#include "packet_decode.h"
#include "tcp_reassembly.h"

/* The 4-tuple in canonical order: side 0 is the lower (address, port), so
 * both directions of a connection find the same key. */
typedef struct flow_key {
  uint8_t ip_version;
  uint8_t addr[2][16];
  uint16_t port[2];
} flow_key;

typedef struct flow_entry {
  capture_flow pub; /* first member: a capture_flow * is a flow_entry * */
  flow_key key;
  uint32_t hash;
  /* key side that is direction 0 (FLOW_DIR_C2S); its pending bytes are
   * flushed first at the close */
  uint8_t client_side;
  bool closed;          /* a tombstone: on_close was called */
  uint8_t notices_sent; /* per-flow notices already given */
  double first_ts, last_ts, closed_ts;
  /* per key side: 1 + index of the capture file whose packet delivered the
   * side's latest in-order bytes or its SYN (0: none yet), to name the files
   * around a gap when several files are read as one capture */
  uint32_t data_file[2];
  tcp_reassembler dir[2]; /* indexed by key side */
  struct flow_entry *list_prev, *list_next;
} flow_entry;

typedef struct flow_list {
  flow_entry *head, *tail; /* head = oldest */
  uint32_t count;
} flow_list;

typedef struct flow_slot {
  flow_entry *entry; /* NULL = empty */
  uint32_t hash;
} flow_slot;

typedef struct flow_table {
  flow_slot *slots;
  uint32_t capacity; /* power of two */
  uint32_t count;    /* entries in the hash (live + tombstones) */
  flow_list live;    /* by last activity */
  flow_list closed;  /* tombstones, by close time */
} flow_table;

/* Returns false if the first slot array cannot be allocated. */
bool flow_table_init(flow_table *t, uint32_t initial_capacity);

/* Frees every entry (their buffered segments too) and the slots. */
void flow_table_free(flow_table *t);

/* Builds the canonical key of a TCP packet; returns the key side of the
 * packet's source (0 or 1). */
int flow_key_make(flow_key *key, const packet_info *info);

uint32_t flow_key_hash(const flow_key *key);

flow_entry *flow_table_find(const flow_table *t, const flow_key *key, uint32_t hash);

/* Adds a zeroed entry for key (which must not be present) at the tail of
 * the live list. Returns NULL only if memory runs out. */
flow_entry *flow_table_insert(flow_table *t, const flow_key *key, uint32_t hash);

/* Removes an entry (live or tombstone) and frees it. */
void flow_table_remove(flow_table *t, flow_entry *e);

/* Marks a live entry as most recently active. */
void flow_table_touch(flow_table *t, flow_entry *e);

/* Turns a live entry into a tombstone (frees its buffered segments, keeps
 * the sequence state so retransmissions are recognised). */
void flow_table_bury(flow_table *t, flow_entry *e, double ts);

#endif
