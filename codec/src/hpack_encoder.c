/* hpack_encoder.c — the HPACK encoder (RFC 7541 §4, §6): static and dynamic
 * table references, literals with/without/never indexing, Huffman when it is
 * shorter, sensitive fields never indexed (§7.1.3), and table size changes
 * announced at the start of the next block (§4.2, §6.3).
 *
 * Dynamic-table lookups never scan: an open-addressing hash over
 * (name, value) and one over name map to the insertion sequence number of the
 * newest matching entry; an entry's HPACK index follows from its sequence
 * number. Slots of evicted entries are recognised by their sequence number and
 * reused; the hash is rebuilt when stale slots pile up. */
#include <stddef.h>
#include <string.h>

#include "h2/huffman.h"
#include "hpack_internal.h"

typedef struct hash_slot {
  uint32_t hash; /* 0 = empty */
  uint32_t seq;  /* insertion number of the entry */
} hash_slot;

struct h2_hpack_encoder {
  hpack_table table;
  h2_allocator alloc;
  uint8_t huffman;
  uint8_t indexing;
  bool index_sensitive;
  uint32_t peer_limit;   /* peer's SETTINGS_HEADER_TABLE_SIZE */
  uint32_t inserted;     /* entries ever inserted: the newest has seq inserted-1 */
  hash_slot *field_hash; /* (name, value) → newest seq */
  hash_slot *name_hash;  /* name → newest seq */
  uint32_t hash_cap;     /* power of two, ≥ 4 × the entries the table has room for */
  uint32_t hash_used;    /* occupied slots (live or stale) in field_hash */
  uint32_t name_used;
  /* §4.2 pending size change: smallest value since the last block, and the final one. */
  bool update_pending;
  uint32_t update_min;
  uint32_t update_final;
};

/* A multiply-xorshift hash taking 8 bytes per step (not for adversaries: a
 * colliding peer only costs probe steps in a table bounded by its size). */
static uint32_t hash_bytes(uint32_t seed, const char *p, size_t n) {
  const char *start = p;
  uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  if (n) {
    /* The tail as fixed-size loads (a variable-length copy is a call):
     * the last 8 bytes when the string had a whole word (overlapping it),
     * else two overlapping halves or the first, middle and last bytes. The
     * length is already in h, so overlap loses nothing that matters. */
    uint64_t w;
    if (p - start >= 8 - (ptrdiff_t)n) {
      memcpy(&w, p + n - 8, 8);
    } else if (n >= 4) {
      uint32_t lo, hi;
      memcpy(&lo, p, 4);
      memcpy(&hi, p + n - 4, 4);
      w = (uint64_t)hi << 32 | lo;
    } else {
      w = (uint64_t)(uint8_t)p[0] | (uint64_t)(uint8_t)p[n >> 1] << 8 |
          (uint64_t)(uint8_t)p[n - 1] << 16;
    }
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
  }
  return (uint32_t)(h ^ (h >> 32));
}

/* A name Appendix A has is keyed by its first static index (static_index,
 * which the encoder has looked up anyway) instead of by hashing its bytes:
 * most names are such. Other names hash their bytes. Either way a match is
 * confirmed by comparing the entry. */
static uint32_t name_hash_of(uint32_t static_index, const char *name, size_t nlen) {
  uint32_t h = static_index ? static_index * 0x9e3779b1u : hash_bytes(2166136261u, name, nlen);
  return h ? h : 1;
}

/* First Appendix A index with this name, 0 if none (no value is SIZE_MAX
 * octets long, so the lookup never stops at a value match). */
static uint32_t static_name_index(const char *name, size_t nlen) {
  bool exact;
  return h2_hpack_static_find(name, nlen, NULL, SIZE_MAX, &exact);
}

static uint32_t field_hash_of(uint32_t name_h, const char *value, size_t vlen) {
  uint32_t h = hash_bytes(name_h ^ 0x9e3779b9u, value, vlen);
  return h ? h : 1;
}

/* Live when the entry with this seq is still in the table. */
static bool seq_live(const h2_hpack_encoder *e, uint32_t seq) {
  return e->inserted - seq <= e->table.count && e->inserted - seq >= 1;
}

static void seq_entry(const h2_hpack_encoder *e, uint32_t seq, h2_header *out) {
  hpack_table_get(&e->table, e->inserted - 1 - seq, out);
}

/* Empty hashes with room for `entries` entries (a quarter full at most);
 * H2_E_NO_MEMORY keeps the old ones. */
static h2_status alloc_hash(h2_hpack_encoder *e, uint32_t entries) {
  uint32_t cap = 16;
  while (cap < entries * 4)
    cap <<= 1;
  hash_slot *f = hpack_alloc(&e->alloc, (size_t)cap * sizeof *f);
  hash_slot *n = hpack_alloc(&e->alloc, (size_t)cap * sizeof *n);
  if (!f || !n) {
    hpack_free(&e->alloc, f);
    hpack_free(&e->alloc, n);
    return H2_E_NO_MEMORY;
  }
  hpack_free(&e->alloc, e->field_hash);
  hpack_free(&e->alloc, e->name_hash);
  memset(f, 0, (size_t)cap * sizeof *f);
  memset(n, 0, (size_t)cap * sizeof *n);
  e->field_hash = f;
  e->name_hash = n;
  e->hash_cap = cap;
  return H2_OK;
}

static void hash_put(h2_hpack_encoder *e, hash_slot *tab, uint32_t *used, uint32_t h, uint32_t seq,
                     bool by_name, const h2_header *f) {
  uint32_t mask = e->hash_cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    hash_slot *s = &tab[i];
    if (s->hash == 0) {
      s->hash = h;
      s->seq = seq;
      (*used)++;
      return;
    }
    if (!seq_live(e, s->seq)) {
      s->hash = h; /* reuse a stale slot */
      s->seq = seq;
      return;
    }
    if (s->hash == h) {
      h2_header x;
      seq_entry(e, s->seq, &x);
      if (x.name_len == f->name_len && hpack_bytes_eq(x.name, f->name, f->name_len) &&
          (by_name ||
           (x.value_len == f->value_len && hpack_bytes_eq(x.value, f->value, f->value_len)))) {
        s->seq = seq; /* the newer duplicate has the smaller index */
        return;
      }
    }
  }
}

static void rebuild_hash(h2_hpack_encoder *e) {
  memset(e->field_hash, 0, (size_t)e->hash_cap * sizeof *e->field_hash);
  memset(e->name_hash, 0, (size_t)e->hash_cap * sizeof *e->name_hash);
  e->hash_used = e->name_used = 0;
  for (uint32_t k = e->table.count; k-- > 0;) { /* oldest first: newest wins */
    h2_header f;
    hpack_table_get(&e->table, k, &f);
    uint32_t seq = e->inserted - 1 - k,
             nh = name_hash_of(static_name_index(f.name, f.name_len), f.name, f.name_len);
    hash_put(e, e->field_hash, &e->hash_used, field_hash_of(nh, f.value, f.value_len), seq, false,
             &f);
    hash_put(e, e->name_hash, &e->name_used, nh, seq, true, &f);
  }
}

/* Newest live entry matching; returns its seq + 1, or 0. */
static uint32_t hash_find(const h2_hpack_encoder *e, const hash_slot *tab, uint32_t h,
                          const h2_header *f, bool by_name) {
  uint32_t mask = e->hash_cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    const hash_slot *s = &tab[i];
    if (s->hash == 0) return 0;
    if (s->hash != h || !seq_live(e, s->seq)) continue;
    h2_header x;
    seq_entry(e, s->seq, &x);
    if (x.name_len != f->name_len || !hpack_bytes_eq(x.name, f->name, f->name_len)) continue;
    if (by_name || (x.value_len == f->value_len && hpack_bytes_eq(x.value, f->value, f->value_len)))
      return s->seq + 1;
  }
}

h2_hpack_encoder *h2_hpack_encoder_new(const h2_hpack_encoder_config *cfg) {
  h2_hpack_encoder_config def = {0};
  if (!cfg) cfg = &def;
  h2_allocator a = {0};
  if (cfg->allocator) a = *cfg->allocator;
  h2_hpack_encoder *e = hpack_alloc(&a, sizeof *e);
  if (!e) return NULL;
  memset(e, 0, sizeof *e);
  e->alloc = a;
  e->huffman = cfg->huffman;
  e->indexing = cfg->indexing;
  e->index_sensitive = cfg->index_sensitive;
  uint32_t max = cfg->max_table_size ? cfg->max_table_size : H2_HPACK_DEFAULT_TABLE_SIZE;
  e->peer_limit = max;
  /* Like the table, the hashes start small and grow with the entries. */
  uint32_t initial = max < H2_HPACK_DEFAULT_TABLE_SIZE ? max : H2_HPACK_DEFAULT_TABLE_SIZE;
  if (hpack_table_init(&e->table, max, &e->alloc) != H2_OK ||
      alloc_hash(e, initial / H2_HPACK_ENTRY_OVERHEAD + 1) != H2_OK) {
    h2_hpack_encoder_free(e);
    return NULL;
  }
  return e;
}

void h2_hpack_encoder_free(h2_hpack_encoder *e) {
  if (!e) return;
  h2_allocator a = e->alloc;
  hpack_table_free(&e->table, &a);
  hpack_free(&a, e->field_hash);
  hpack_free(&a, e->name_hash);
  hpack_free(&a, e);
}

h2_status h2_hpack_encoder_set_max_table_size(h2_hpack_encoder *e, uint32_t size) {
  if (size > e->peer_limit)
    return H2_E_INVALID_ARGUMENT; /* §6.3: never above the decoder's setting */
  if (!e->update_pending || size < e->update_min) e->update_min = size;
  e->update_final = size;
  e->update_pending = true;
  /* Evict now so lookups made before the next block stay valid. */
  hpack_table_set_max(&e->table, e->update_min);
  return H2_OK;
}

h2_status h2_hpack_encoder_set_peer_limit(h2_hpack_encoder *e, uint32_t limit) {
  e->peer_limit = limit;
  uint32_t current = e->update_pending ? e->update_final : e->table.max_size;
  return current > limit ? h2_hpack_encoder_set_max_table_size(e, limit) : H2_OK;
}

size_t h2_hpack_encoder_reserved(const h2_hpack_encoder *e) {
  return sizeof *e + hpack_table_reserved(&e->table) + (size_t)e->hash_cap * 2 * sizeof(hash_slot);
}

/* Storage (table and hashes) for every field of the list that may be
 * inserted, made before anything is written so that a refusal leaves the
 * encoder as it was. The sums are upper bounds (no eviction assumed), and
 * the table's storage never goes beyond what `limit` octets need. */
static h2_status make_room(h2_hpack_encoder *e, const h2_header *list, size_t n) {
  if (e->indexing == H2_INDEXING_NONE) return H2_OK;
  uint32_t limit = e->update_pending ? e->update_final : e->table.max_size;
  uint64_t most = (uint64_t)limit / H2_HPACK_ENTRY_OVERHEAD;
  if (hpack_table_has_room_for(&e->table, limit) && e->hash_cap / 4 > most) return H2_OK;
  uint64_t entries = 0, bytes = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t b = (uint64_t)list[i].name_len + list[i].value_len;
    if (list[i].flags & (H2_HEADER_NEVER_INDEX | H2_HEADER_NO_INDEX) ||
        b + H2_HPACK_ENTRY_OVERHEAD > limit)
      continue;
    entries++;
    bytes += b;
  }
  if (!entries) return H2_OK;
  if (hpack_table_make_room(&e->table, limit, entries, bytes, &e->alloc) != H2_OK)
    return H2_E_NO_MEMORY;
  uint64_t want = e->table.count + entries;
  if (want > most) want = most;
  if (e->hash_cap / 4 > want) return H2_OK;
  /* Geometric growth: at least twice the slots, at most what limit needs. */
  uint64_t grown = want + 1 > e->hash_cap / 2 ? want + 1 : e->hash_cap / 2;
  if (grown > most + 1) grown = most + 1;
  if (alloc_hash(e, (uint32_t)grown) != H2_OK) return H2_E_NO_MEMORY;
  rebuild_hash(e);
  return H2_OK;
}

uint32_t h2_hpack_encoder_table_count(const h2_hpack_encoder *e) {
  return e->table.count;
}
uint32_t h2_hpack_encoder_table_size(const h2_hpack_encoder *e) {
  return e->table.size;
}
bool h2_hpack_encoder_table_entry(const h2_hpack_encoder *e, uint32_t i, h2_header *out) {
  if (i >= e->table.count) return false;
  hpack_table_get(&e->table, i, out);
  return true;
}

/* Bytes a string literal can take: its length prefix (≤ 6 bytes for a 32-bit
 * length, §5.1) and either the raw bytes or, when Huffman coding is forced,
 * the code (up to 30 bits per octet, Appendix B). */
static size_t string_bound(size_t len, bool huffman_forced) {
  return 6 + (huffman_forced ? (len * 30 + 7) / 8 : len);
}

/* Two size updates (§4.2), then per field the representation byte with its
 * index (≤ 6 bytes) and the two strings. */
static size_t list_bound(const h2_header *list, size_t n, bool huffman_forced) {
  size_t b = 2 * 6;
  for (size_t i = 0; i < n; i++)
    b += 6 + string_bound(list[i].name_len, huffman_forced) +
         string_bound(list[i].value_len, huffman_forced);
  return b;
}

size_t h2_hpack_encode_bound(const h2_header *list, size_t n) {
  return list_bound(list, n, true);
}

size_t h2_hpack_encoder_bound(const h2_hpack_encoder *e, const h2_header *list, size_t n) {
  if (e->huffman != H2_HUFFMAN_ALWAYS)
    return list_bound(list, n, false); /* AUTO only picks Huffman when it is shorter */
  size_t b = 2 * 6;
  for (size_t i = 0; i < n; i++)
    b += 6 + 6 + h2_huffman_encoded_len((const uint8_t *)list[i].name, list[i].name_len) + 6 +
         h2_huffman_encoded_len((const uint8_t *)list[i].value, list[i].value_len);
  return b;
}

typedef struct out_buf {
  uint8_t *p;
  size_t cap, len;
  bool short_;
} out_buf;

static inline void put_int(out_buf *o, uint32_t v, unsigned prefix, uint8_t pattern) {
  if (v < (1u << prefix) - 1 && o->len < o->cap) { /* §5.1: fits the prefix (most indexes) */
    o->p[o->len++] = (uint8_t)(pattern | v);
    return;
  }
  size_t n = h2_hpack_int_encode(v, prefix, pattern, o->p + o->len, o->cap - o->len);
  if (n == 0) o->short_ = true;
  o->len += n;
}

/* Octets of an HPACK integer with a 7-bit prefix (§5.1). */
static size_t int7_len(size_t v) {
  size_t n = 1;
  if (v >= 127)
    for (v -= 127, n++; v >= 128; v >>= 7)
      n++;
  return n;
}

static void put_string(h2_hpack_encoder *e, out_buf *o, const char *s, size_t len) {
  if (o->short_) return;
  const uint8_t *u = (const uint8_t *)s;
  bool huff = false;
  size_t hlen = 0;
  if (e->huffman == H2_HUFFMAN_AUTO && len > 0) {
    /* One pass instead of measuring the code first: encode after a length
     * prefix sized for the raw string into at most len - 1 octets, which
     * h2_huffman_encode refuses (0) exactly when the code is not shorter —
     * then the raw string is written over it. A shorter code never needs a
     * longer prefix; a shorter prefix moves the code back. The up-front
     * bound (raw sizes in AUTO mode) leaves room for prefix + len. */
    size_t pre = int7_len(len), at = o->len + pre;
    if (o->cap - o->len >= pre + len) {
      hlen = h2_huffman_encode(u, len, o->p + at, len - 1);
      if (hlen) {
        size_t hpre = int7_len(hlen);
        if (hpre < pre) memmove(o->p + o->len + hpre, o->p + at, hlen);
        put_int(o, (uint32_t)hlen, 7, 0x80);
        o->len += hlen;
        return;
      }
    }
  } else if (e->huffman == H2_HUFFMAN_ALWAYS && len > 0) {
    hlen = h2_huffman_encoded_len(u, len);
    huff = true;
  }
  size_t body = huff ? hlen : len;
  put_int(o, (uint32_t)body, 7, huff ? 0x80 : 0x00);
  if (o->short_ || o->cap - o->len < body) {
    o->short_ = true;
    return;
  }
  if (huff)
    h2_huffman_encode(u, len, o->p + o->len, body);
  else if (len)
    memcpy(o->p + o->len, s, len);
  o->len += body;
}

static bool name_is(const h2_header *h, const char *lit, size_t n) {
  return h->name_len == n && hpack_bytes_eq(h->name, lit, n);
}
#define NAME_IS(h, lit) name_is(h, lit, sizeof(lit) - 1)

/* §7.1.3: values an attacker could guess through compression stay out of the table. */
static bool sensitive(const h2_hpack_encoder *e, const h2_header *h) {
  if (e->index_sensitive) return false;
  return NAME_IS(h, "authorization") || NAME_IS(h, "proxy-authorization") ||
         (NAME_IS(h, "cookie") && h->value_len < 20);
}

/* Default policy (H2_INDEXING_DEFAULT): an entry is worth its table space
 * only if the same field is likely to be sent again on this connection.
 * Kept simple and cheap (a switch on the name length):
 *  - entries larger than 3/4 of the table are not inserted: they would evict
 *    nearly everything else for one probable reuse;
 *  - names whose values change per request or response are sent without
 *    indexing: :path (query strings, distinct resources), content-length,
 *    date, age, etag, last-modified, location, if-none-match,
 *    if-modified-since, x-request-id;
 *  - everything else (methods, schemes, authorities, user-agent, accept-*,
 *    cookies ≥ 20 bytes, content-type, server, ...) is inserted.
 * Sensitive fields are decided before this (see sensitive()). */
static bool worth_indexing(const h2_hpack_encoder *e, const h2_header *h) {
  uint64_t size = (uint64_t)h->name_len + h->value_len + H2_HPACK_ENTRY_OVERHEAD;
  if (size > (uint64_t)e->table.max_size * 3 / 4) return false;
  switch (h->name_len) {
  case 3:
    return !NAME_IS(h, "age");
  case 4:
    return !NAME_IS(h, "date") && !NAME_IS(h, "etag");
  case 5:
    return !NAME_IS(h, ":path");
  case 8:
    return !NAME_IS(h, "location");
  case 12:
    return !NAME_IS(h, "x-request-id");
  case 13:
    return !NAME_IS(h, "if-none-match") && !NAME_IS(h, "last-modified");
  case 14:
    return !NAME_IS(h, "content-length");
  case 17:
    return !NAME_IS(h, "if-modified-since");
  default:
    return true;
  }
}

h2_status h2_hpack_encode(h2_hpack_encoder *e, const h2_header *list, size_t n, uint8_t *out,
                          size_t cap, size_t *written, h2_error *err) {
  out_buf o = {.p = out, .cap = cap};
  *written = 0;
  /* Encoding changes the table as it goes; running out of room half-way
   * would leave it ahead of the peer's. So refuse up front, state untouched,
   * unless the worst case fits. */
  if (cap < h2_hpack_encoder_bound(e, list, n))
    return h2_error_set(err, H2_E_BUFFER_TOO_SMALL, 0, 0);
  if (make_room(e, list, n) != H2_OK) return h2_error_set(err, H2_E_NO_MEMORY, 0, 0);
  if (e->update_pending) {
    /* §4.2: the smallest size since the last block, then the final one. */
    if (e->update_min < e->update_final) put_int(&o, e->update_min, 5, 0x20);
    put_int(&o, e->update_final, 5, 0x20);
    hpack_table_set_max(&e->table, e->update_final);
    e->update_pending = false;
  }
  for (size_t i = 0; i < n && !o.short_; i++) {
    const h2_header *h = &list[i];
    bool never = (h->flags & H2_HEADER_NEVER_INDEX) || sensitive(e, h);
    bool value_match = false;
    uint32_t index =
        h2_hpack_static_find(h->name, h->name_len, h->value, h->value_len, &value_match);
    uint32_t static_index = value_match ? 0 : index; /* the name's first entry, or 0 */
    /* Hashes are computed only when needed (0 = not yet): not for static
     * exact matches, nor against an empty dynamic table. */
    uint32_t nh = 0, fh = 0;
    if (!value_match && !never && e->table.count) {
      nh = name_hash_of(static_index, h->name, h->name_len);
      fh = field_hash_of(nh, h->value, h->value_len);
      uint32_t seq1 = hash_find(e, e->field_hash, fh, h, false);
      if (seq1) {
        index = H2_HPACK_STATIC_COUNT + (e->inserted - (seq1 - 1));
        value_match = true;
      }
    }
    if (value_match && !never) {
      put_int(&o, index, 7, 0x80); /* §6.1 */
      continue;
    }
    if (index == 0 && e->table.count) {
      if (!nh) nh = name_hash_of(static_index, h->name, h->name_len);
      uint32_t seq1 = hash_find(e, e->name_hash, nh, h, true);
      if (seq1) index = H2_HPACK_STATIC_COUNT + (e->inserted - (seq1 - 1));
    }
    bool incremental = false;
    if (!never && !(h->flags & H2_HEADER_NO_INDEX)) {
      if (e->indexing == H2_INDEXING_ALL)
        incremental =
            (uint64_t)h->name_len + h->value_len + H2_HPACK_ENTRY_OVERHEAD <= e->table.max_size;
      else if (e->indexing == H2_INDEXING_DEFAULT)
        incremental = worth_indexing(e, h);
    }
    if (incremental)
      put_int(&o, index, 6, 0x40); /* §6.2.1 */
    else if (never)
      put_int(&o, index, 4, 0x10); /* §6.2.3 */
    else
      put_int(&o, index, 4, 0x00); /* §6.2.2 */
    if (index == 0) put_string(e, &o, h->name, h->name_len);
    put_string(e, &o, h->value, h->value_len);
    if (incremental && !o.short_) {
      bool inserted;
      hpack_table_insert(&e->table, h->name, h->name_len, h->value, h->value_len, &inserted);
      if (inserted) {
        uint32_t seq = e->inserted++;
        h2_header f;
        hpack_table_get(&e->table, 0, &f);
        if (!nh) nh = name_hash_of(static_index, h->name, h->name_len);
        if (!fh) fh = field_hash_of(nh, h->value, h->value_len);
        hash_put(e, e->field_hash, &e->hash_used, fh, seq, false, &f);
        hash_put(e, e->name_hash, &e->name_used, nh, seq, true, &f);
        if (e->hash_used > e->hash_cap / 2 || e->name_used > e->hash_cap / 2) rebuild_hash(e);
      }
    }
  }
  if (o.short_) return h2_error_set(err, H2_E_BUFFER_TOO_SMALL, o.len, 0);
  *written = o.len;
  return H2_OK;
}
