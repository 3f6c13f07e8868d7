/* pkt_map.c — packets of the recent bytes of one direction (pkt_map.h). */
#include "pkt_map.h"

void pkt_map_add(pkt_map *m, uint64_t offset, size_t len, uint64_t first, uint64_t last,
                 uint32_t file) {
  if (!len || !last) return;
  if (!first) first = last;
  m->ring[m->next] =
      (pkt_chunk){.start = offset, .end = offset + len, .first = first, .last = last, .file = file};
  m->next = (m->next + 1) % PKT_MAP_CHUNKS;
  if (m->count < PKT_MAP_CHUNKS) m->count++;
  if (m->mark_set && !m->mark_pkt && m->mark_offset >= offset && m->mark_offset < offset + len) {
    m->mark_pkt = first;
    m->mark_file = file;
  }
}

static const pkt_chunk *find(const pkt_map *m, uint64_t offset) {
  for (uint32_t i = 0; i < m->count; i++) { /* newest first */
    const pkt_chunk *c = &m->ring[(m->next + PKT_MAP_CHUNKS - 1 - i) % PKT_MAP_CHUNKS];
    if (offset >= c->start && offset < c->end) return c;
  }
  return NULL;
}

uint64_t pkt_map_first(const pkt_map *m, uint64_t offset, uint32_t file) {
  const pkt_chunk *c = find(m, offset);
  if (c) return c->file == file ? c->first : 0;
  return m->mark_set && m->mark_offset == offset && m->mark_file == file ? m->mark_pkt : 0;
}

uint64_t pkt_map_last(const pkt_map *m, uint64_t offset, uint32_t *file) {
  const pkt_chunk *c = find(m, offset);
  if (c) *file = c->file;
  return c ? c->last : 0;
}

void pkt_map_mark(pkt_map *m, uint64_t offset) {
  const pkt_chunk *c = find(m, offset);
  m->mark_set = true;
  m->mark_offset = offset;
  m->mark_pkt = c ? c->first : 0;
  m->mark_file = c ? c->file : 0;
}

void pkt_map_frame(pkt_map *m, uint64_t offset, uint64_t end, uint32_t *file, uint64_t *first,
                   uint64_t *last) {
  const pkt_chunk *n = &m->ring[(m->next + PKT_MAP_CHUNKS - 1) % PKT_MAP_CHUNKS];
  if (m->count && offset >= n->start && end < n->end) {
    /* find() looks at the newest chunk first: what the three calls below
     * would answer */
    *file = n->file;
    *last = n->last;
    *first = n->first;
    m->mark_set = true;
    m->mark_offset = end;
    m->mark_pkt = n->first;
    m->mark_file = n->file;
    return;
  }
  *last = pkt_map_last(m, end - 1, file);
  *first = pkt_map_first(m, offset, *file);
  pkt_map_mark(m, end);
}
