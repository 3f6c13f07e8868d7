/* pkt_map.h — which capture packets carried the bytes of one direction of a
 * connection, for the bytes the decoder may still need to name: the last
 * PKT_MAP_CHUNKS chunks handed over (stream offset range → packet range)
 * and the packet of the byte where the next frame starts, remembered even
 * when that frame spans more chunks than the ring holds. So a frame's first
 * and last byte are named in bounded memory, with no table per packet. */
#ifndef H2SCOPE_PKT_MAP_H
#define H2SCOPE_PKT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAP_CHUNKS 16

typedef struct pkt_chunk {
  uint64_t start, end;  /* stream offsets [start, end) */
  uint64_t first, last; /* the packets that carried them (a TLS record's: several) */
  uint32_t file;        /* of several files read as one, the one they are in (0: one file) */
} pkt_chunk;

typedef struct pkt_map {
  pkt_chunk ring[PKT_MAP_CHUNKS];
  uint32_t next, count;
  bool mark_set;
  uint64_t mark_offset, mark_pkt; /* where the next frame starts; its packet (0: not yet seen) */
  uint32_t mark_file;
} pkt_map;

/* len bytes at offset came in packets first..last of file (0: unknown,
 * ignored). */
void pkt_map_add(pkt_map *m, uint64_t offset, size_t len, uint64_t first, uint64_t last,
                 uint32_t file);
/* The first (or the last) packet of the chunk that carried the byte at
 * offset; 0 when it is no longer (or not yet) known. pkt_map_first: 0 also
 * when that packet is in another file than `file` (numbers count per file). */
uint64_t pkt_map_first(const pkt_map *m, uint64_t offset, uint32_t file);
uint64_t pkt_map_last(const pkt_map *m, uint64_t offset, uint32_t *file);
/* Remembers the packet of the byte at offset, where the next frame starts
 * (now, or when it arrives). */
void pkt_map_mark(pkt_map *m, uint64_t offset);
/* A frame at [offset, end): pkt_map_last of its last byte (*file: in, the
 * file of the bytes at hand; out, that of the last byte when known),
 * pkt_map_first of its first byte in that file, then pkt_map_mark at end,
 * in one call; a frame that lies in the newest chunk with the next one's
 * start (the common case) is answered from that chunk alone. */
void pkt_map_frame(pkt_map *m, uint64_t offset, uint64_t end, uint32_t *file, uint64_t *first,
                   uint64_t *last);

#endif
