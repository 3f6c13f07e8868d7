/* hpack_decoder.c — the HPACK decoder (RFC 7541 §3, §6): turns one complete
 * header block into fields handed to a callback, keeping the dynamic table in
 * step with the peer's encoder. No allocation while decoding other than the
 * dynamic table's storage growing with its entries: literal strings point
 * into the input, Huffman strings are decoded into the decoder's scratch
 * area, indexed fields point into the tables.
 *
 * State-unknown mode (captures that start mid-connection): the table we never
 * saw may hold entries we cannot name. Entries inserted after decoding started
 * are exact and are always the newest, so indexes 62..61+count still resolve;
 * anything beyond is reported as an unknown field instead of an error. The
 * state is known again when a size update to 0 empties the table, or when the
 * entries we know already fill it so that even a smallest older entry (32
 * octets, §4.1) could not still be there (size + 32 > max). An insertion whose
 * name is itself unknown has an unknown size, so our view is dropped (the
 * table is cleared, still unknown) rather than risking a wrong answer later. */
#include <string.h>

#include "h2/cursor.h"
#include "h2/huffman.h"
#include "hpack_internal.h"
#include "hpack_static_table.h"

/* The scratch area holds a Huffman-decoded value (max_string bytes) after a
 * name: a decoded literal name, or a copy of a table entry's name that an
 * insertion is about to move or evict. Every name in the table came from a
 * literal (≤ max_string) or from Appendix A (≤ STATIC_NAME_MAX), so the name
 * part is the larger of the two: derived from max_string, never from the
 * table, whose storage grows on its own. */
enum { STATIC_NAME_MAX = 27 }; /* "access-control-allow-origin", RFC 7541 Appendix A */

static size_t scratch_name(const h2_hpack_decoder *d) {
  return d->max_string > STATIC_NAME_MAX ? d->max_string : STATIC_NAME_MAX;
}

static h2_status alloc_scratch(h2_hpack_decoder *d) {
  d->scratch = hpack_alloc(&d->alloc, scratch_name(d) + d->max_string);
  return d->scratch ? H2_OK : H2_E_NO_MEMORY;
}

static h2_status fail(h2_error *err, h2_status st, size_t offset) {
  return h2_error_set(err, st, offset, 0);
}

uint64_t h2_hpack_decoder_last_list_size(const h2_hpack_decoder *d) {
  return d->last_list_size;
}

h2_status h2_hpack_decoder_init(h2_hpack_decoder *d, const h2_hpack_decoder_config *cfg) {
  h2_hpack_decoder_config def = {0};
  if (!cfg) cfg = &def;
  memset(d, 0, sizeof *d);
  if (cfg->allocator) d->alloc = *cfg->allocator;
  d->protocol_max = cfg->max_table_size ? cfg->max_table_size : H2_HPACK_DEFAULT_TABLE_SIZE;
  d->max_list = cfg->max_header_list_size ? cfg->max_header_list_size : H2_HPACK_DEFAULT_MAX_LIST;
  d->max_string = cfg->max_string_len ? cfg->max_string_len : H2_HPACK_DEFAULT_MAX_STRING;
  /* The table starts at the protocol maximum (§4.2: the encoder's initial
   * maximum is the SETTINGS value); name and value may both be Huffman coded
   * in one literal, so the scratch area holds two strings. */
  if (hpack_table_init(&d->table, d->protocol_max, &d->alloc) != H2_OK) return H2_E_NO_MEMORY;
  if (alloc_scratch(d) != H2_OK) {
    hpack_table_free(&d->table, &d->alloc);
    return H2_E_NO_MEMORY;
  }
  return H2_OK;
}

void h2_hpack_decoder_free(h2_hpack_decoder *d) {
  hpack_table_free(&d->table, &d->alloc);
  hpack_free(&d->alloc, d->scratch);
  d->scratch = NULL;
}

h2_status h2_hpack_decoder_set_max_table_size(h2_hpack_decoder *d, uint32_t size) {
  /* Nothing is allocated for the new limit: the table's storage grows with
   * the entries inserted (RFC 7541 §4.2 allows up to 2^32 - 1 octets). */
  /* §4.2: a lowered limit must be acknowledged by a size update at the start
   * of the next block. A raised one takes effect when the encoder sends one. */
  if (size < d->table.max_size) {
    /* §4.2: several changes before the next block: the smallest one must be
     * signalled first. */
    if (!d->update_required || size < d->required_max) d->required_max = size;
    d->update_required = true;
  }
  d->protocol_max = size;
  return H2_OK;
}

void h2_hpack_decoder_set_state_unknown(h2_hpack_decoder *d) {
  d->state_unknown = true;
  d->table.count = 0;
  d->table.size = 0;
  d->table.ring_head = d->table.ring_tail = 0;
  d->table.max_size = d->protocol_max; /* assumed until an update says otherwise */
  d->update_required = false;
}

bool h2_hpack_decoder_state_known(const h2_hpack_decoder *d) {
  return !d->state_unknown;
}

static void recheck_known(h2_hpack_decoder *d) {
  if (d->state_unknown && (uint64_t)d->table.size + H2_HPACK_ENTRY_OVERHEAD > d->table.max_size)
    d->state_unknown = false;
}

size_t h2_hpack_decoder_reserved(const h2_hpack_decoder *d) {
  return hpack_table_reserved(&d->table) + (d->scratch ? scratch_name(d) + d->max_string : 0);
}

uint32_t h2_hpack_decoder_table_count(const h2_hpack_decoder *d) {
  return d->table.count;
}
uint32_t h2_hpack_decoder_table_size(const h2_hpack_decoder *d) {
  return d->table.size;
}
uint32_t h2_hpack_decoder_table_max_size(const h2_hpack_decoder *d) {
  return d->table.max_size;
}
bool h2_hpack_decoder_table_entry(const h2_hpack_decoder *d, uint32_t i, h2_header *out) {
  if (i >= d->table.count) return false;
  hpack_table_get(&d->table, i, out);
  return true;
}

/* Resolves index (≥ 1) to a field; *unknown when it names state we never saw. */
static h2_status lookup(const h2_hpack_decoder *d, uint32_t index, h2_header *out, bool *unknown) {
  *unknown = false;
  if (index <= H2_HPACK_STATIC_COUNT) {
    const h2_hpack_static_entry *e = &h2_hpack_static_entries[index];
    out->name = e->name;
    out->name_len = e->name_len;
    out->value = e->value;
    out->value_len = e->value_len;
    out->flags = 0;
    return H2_OK;
  }
  uint32_t i = index - H2_HPACK_STATIC_COUNT - 1;
  if (i < d->table.count) {
    hpack_table_get(&d->table, i, out);
    return H2_OK;
  }
  if (d->state_unknown) {
    *unknown = true;
    out->name = out->value = NULL;
    out->name_len = out->value_len = 0;
    out->flags = 0;
    return H2_OK;
  }
  return H2_E_HPACK_INDEX_RANGE; /* §2.3.3 */
}

/* §5.1 integer with an N-bit prefix at the cursor; the cursor moves past it
 * only when it decoded. */
static inline h2_status read_int(h2_cursor *c, unsigned prefix, uint32_t *value) {
  size_t used;
  h2_status st = hpack_int_decode_inline(c->p, c->left, prefix, value, &used);
  if (st == H2_OK) (void)h2_cursor_skip(c, used);
  return st;
}

/* §5.2 string literal at the cursor. Huffman output goes to scratch. */
static h2_status read_string(h2_hpack_decoder *d, h2_cursor *c, uint8_t *scratch, const char **out,
                             size_t *out_len, bool *huffman) {
  uint8_t first;
  if (!h2_cursor_peek_u8(c, &first)) return H2_E_HPACK_TRUNCATED;
  uint32_t slen;
  h2_status st = read_int(c, 7, &slen);
  if (st != H2_OK) return st;
  *huffman = (first & 0x80) != 0;
  const uint8_t *s;
  if (!h2_cursor_get_bytes(c, slen, &s)) return H2_E_HPACK_TRUNCATED;
  if (!*huffman) {
    if (slen > d->max_string) return H2_E_HPACK_STRING_TOO_LONG;
    *out = (const char *)s;
    *out_len = slen;
    return H2_OK;
  }
  size_t n;
  st = h2_huffman_decode(s, slen, scratch, d->max_string, &n);
  if (st == H2_E_BUFFER_TOO_SMALL) return H2_E_HPACK_STRING_TOO_LONG;
  if (st != H2_OK) return st;
  *out = (const char *)scratch;
  *out_len = n;
  return H2_OK;
}

typedef struct block_state {
  uint64_t list_size;
  bool over_limit;
  size_t over_offset;
} block_state;

static void emit(h2_hpack_decoder *d, const h2_hpack_decode_callbacks *cb, block_state *bs,
                 const h2_header *h, const h2_hpack_field_info *info) {
  /* RFC 9113 §6.5.2: the size of a field is name + value + 32. Past the
   * limit the sum goes on (h2_hpack_decoder_last_list_size); nothing is
   * handed out or copied. */
  bs->list_size += h->name_len + h->value_len + H2_HPACK_ENTRY_OVERHEAD;
  if (bs->list_size > d->max_list) {
    if (!bs->over_limit) {
      bs->over_limit = true;
      bs->over_offset = info->offset;
    }
    return;
  }
  if (cb && cb->on_field) cb->on_field(cb->user, h, info);
}

/* §6.3 dynamic table size update: only before the first field (§4.2), and
 * not above the protocol limit. */
static h2_status size_update(h2_hpack_decoder *d, h2_cursor *c, bool seen_field,
                             const h2_hpack_decode_callbacks *cb, size_t start) {
  uint32_t size;
  h2_status st = read_int(c, 5, &size);
  if (st != H2_OK) return st;
  if (seen_field) return H2_E_HPACK_SIZE_UPDATE_POSITION;
  if (size > d->protocol_max) return H2_E_HPACK_SIZE_UPDATE_TOO_LARGE;
  if (d->update_required && size > d->required_max)
    return H2_E_HPACK_SIZE_UPDATE_MISSING; /* not the smallest limit */
  uint32_t evicted = hpack_table_set_max(&d->table, size);
  d->update_required = false;
  if (size == 0) d->state_unknown = false; /* an empty table is a known table */
  recheck_known(d);
  if (cb && cb->on_size_update) cb->on_size_update(cb->user, size, start, evicted);
  return H2_OK;
}

/* §6.2 literal field whose first octet is b: reads the name (indexed or
 * literal) and the value, and inserts it into the dynamic table when it is
 * "with incremental indexing". block_len is the whole block's length, so
 * the cursor tells how far the field reached. */
static h2_status literal_field(h2_hpack_decoder *d, h2_cursor *c, uint8_t b, size_t block_len,
                               h2_header *h, h2_hpack_field_info *info) {
  /* 01 incremental (6-bit index), 0001 never indexed, 0000 without
   * indexing (4-bit index). */
  unsigned prefix;
  if ((b & 0xc0) == 0x40) {
    info->rep = H2_HPACK_LITERAL_INCREMENTAL;
    prefix = 6;
  } else if ((b & 0xf0) == 0x10) {
    info->rep = H2_HPACK_LITERAL_NEVER_INDEX;
    prefix = 4;
    h->flags = H2_HEADER_NEVER_INDEX;
  } else {
    info->rep = H2_HPACK_LITERAL_NO_INDEX;
    prefix = 4;
  }
  uint32_t index;
  h2_status st = read_int(c, prefix, &index);
  if (st != H2_OK) return st;
  uint8_t *name_scratch = d->scratch, *value_scratch = d->scratch + scratch_name(d);
  bool name_unknown = false;
  if (index) {
    h2_header named;
    st = lookup(d, index, &named, &name_unknown);
    if (st != H2_OK) return st;
    h->name = named.name;
    h->name_len = named.name_len;
  } else {
    st = read_string(d, c, name_scratch, &h->name, &h->name_len, &info->name_huffman);
    if (st != H2_OK) return st;
  }
  st = read_string(d, c, value_scratch, &h->value, &h->value_len, &info->value_huffman);
  if (st != H2_OK) return st;
  info->index = index;
  info->unknown = name_unknown;
  info->wire_len = block_len - c->left - info->offset;
  if (info->rep == H2_HPACK_LITERAL_INCREMENTAL) {
    if (name_unknown) {
      /* Unknown size: forget our view of the table (see the top comment). */
      d->table.count = 0;
      d->table.size = 0;
      d->table.ring_head = d->table.ring_tail = 0;
      return H2_OK;
    }
    /* The name may point into the table, which the insertion can move or
     * evict: copy it to the scratch area first (free when the name was
     * indexed). */
    if (hpack_table_owns(&d->table, h->name)) {
      if (h->name_len > scratch_name(d)) return H2_E_HPACK_STRING_TOO_LONG; /* cannot happen */
      memcpy(name_scratch, h->name, h->name_len);
      h->name = (const char *)name_scratch;
    }
    /* Storage for the entry (not when §4.4 will refuse it anyway). */
    if ((uint64_t)h->name_len + h->value_len + H2_HPACK_ENTRY_OVERHEAD <= d->table.max_size &&
        hpack_table_make_room(&d->table, d->table.max_size, 1, h->name_len + h->value_len,
                              &d->alloc) != H2_OK)
      return H2_E_NO_MEMORY;
    bool inserted;
    info->evicted =
        hpack_table_insert(&d->table, h->name, h->name_len, h->value, h->value_len, &inserted);
    if (inserted) hpack_table_get(&d->table, 0, h); /* stable copies for the callback */
    h->flags = 0;
    recheck_known(d);
  }
  info->table_size = d->table.size;
  return H2_OK;
}

h2_status h2_hpack_decode_block(h2_hpack_decoder *d, const uint8_t *in, size_t len,
                                const h2_hpack_decode_callbacks *cb, h2_error *err) {
  h2_cursor c = h2_cursor_make(in, len);
  bool seen_field = false;
  block_state bs = {0};
  uint8_t b = 0;
  d->last_list_size = 0;
  if (!d->scratch) /* a table-size change could not allocate: the decoder is unusable */
    return fail(err, H2_E_NO_MEMORY, 0);
  if (d->update_required && (!h2_cursor_peek_u8(&c, &b) || (b & 0xe0) != 0x20))
    return fail(err, H2_E_HPACK_SIZE_UPDATE_MISSING, 0); /* §4.2 */
  while (h2_cursor_peek_u8(&c, &b)) {
    size_t start = len - c.left;
    h2_status st;
    h2_hpack_field_info info = {.offset = start};
    h2_header h = {0};

    if (b & 0x80) {
      /* §6.1 indexed header field */
      uint32_t index;
      bool unknown = false;
      st = read_int(&c, 7, &index);
      if (st != H2_OK) return fail(err, st, start);
      if (index == 0) return fail(err, H2_E_HPACK_INDEX_ZERO, start);
      st = lookup(d, index, &h, &unknown);
      if (st != H2_OK) return fail(err, st, start);
      info.rep = H2_HPACK_INDEXED;
      info.index = index;
      info.unknown = unknown;
      info.wire_len = len - c.left - start;
      info.table_size = d->table.size;
      seen_field = true;
      emit(d, cb, &bs, &h, &info);
      continue;
    }
    if ((b & 0xe0) == 0x20) {
      st = size_update(d, &c, seen_field, cb, start);
      if (st != H2_OK) return fail(err, st, start);
      continue;
    }
    st = literal_field(d, &c, b, len, &h, &info);
    if (st != H2_OK) return fail(err, st, start);
    seen_field = true;
    emit(d, cb, &bs, &h, &info);
  }
  d->last_list_size = bs.list_size;
  if (bs.over_limit) return fail(err, H2_E_HPACK_HEADER_LIST_TOO_LARGE, bs.over_offset);
  return H2_OK;
}

/* ---- h2_hpack_decode_list: copies into the caller's arena ---- */

typedef struct list_sink {
  h2_header *out;
  h2_hpack_field_info *infos;
  size_t max, n;
  char *arena;
  size_t cap, used;
  bool overflow;
} list_sink;

static const char *copy_str(list_sink *s, const char *p, size_t len) {
  if (!p) return NULL;
  if (len > s->cap - s->used) {
    s->overflow = true;
    return NULL;
  }
  char *dst = s->arena + s->used;
  if (len) memcpy(dst, p, len);
  s->used += len;
  return dst;
}

static void list_on_field(void *user, const h2_header *h, const h2_hpack_field_info *info) {
  list_sink *s = user;
  if (s->overflow) return;
  if (s->n == s->max) {
    s->overflow = true;
    return;
  }
  h2_header *o = &s->out[s->n];
  *o = *h;
  o->name = copy_str(s, h->name, h->name_len);
  o->value = copy_str(s, h->value, h->value_len);
  if (s->infos) s->infos[s->n] = *info;
  s->n++;
}

h2_status h2_hpack_decode_list(h2_hpack_decoder *d, const uint8_t *in, size_t len, h2_header *out,
                               h2_hpack_field_info *infos, size_t max_fields, size_t *n,
                               char *arena, size_t arena_cap, h2_error *err) {
  list_sink s = {.out = out, .infos = infos, .max = max_fields, .arena = arena, .cap = arena_cap};
  h2_hpack_decode_callbacks cb = {.on_field = list_on_field, .user = &s};
  h2_status st = h2_hpack_decode_block(d, in, len, &cb, err);
  *n = s.n;
  if (st == H2_OK && s.overflow) return h2_error_set(err, H2_E_BUFFER_TOO_SMALL, 0, 0);
  return st;
}
