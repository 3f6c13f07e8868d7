/* hpack.h — HPACK (RFC 7541): integer and string primitives, static and
 * dynamic tables, a decoder that hands out fields without allocating, and an
 * encoder with indexing, Huffman and never-index policies.
 * Memory is allocated by *_init and, as the dynamic table fills, by decode
 * and encode: the table's storage follows the entries inserted (growing
 * geometrically), never the announced maximum, which may be 2^32 - 1
 * (RFC 9113 §6.5.2). All of it goes through the config's allocator (malloc
 * by default); a refusal is H2_E_NO_MEMORY. */
#ifndef H2_HPACK_H
#define H2_HPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define H2_HPACK_DEFAULT_TABLE_SIZE 4096u        /* RFC 9113 §6.5.2 */
#define H2_HPACK_ENTRY_OVERHEAD 32u              /* RFC 7541 §4.1 */
#define H2_HPACK_STATIC_COUNT 61u                /* RFC 7541 Appendix A */
#define H2_HPACK_DEFAULT_MAX_STRING (64u * 1024) /* default limit of one name or value */
#define H2_HPACK_DEFAULT_MAX_LIST (256u * 1024)  /* SETTINGS_MAX_HEADER_LIST_SIZE we enforce */

/* A header field. Names and values are bytes (not NUL-terminated). */
typedef struct h2_header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
  uint8_t flags; /* enum h2_header_flag */
} h2_header;

enum h2_header_flag {
  H2_HEADER_NEVER_INDEX = 0x1, /* encoder: literal never indexed (§6.2.3); decoder: was sent so */
  H2_HEADER_NO_INDEX = 0x2,    /* encoder: literal without indexing (§6.2.2) */
};

/* ---- Primitives (§5.1, §5.2) ---- */

/* Decodes an N-bit-prefix integer at buf (prefix_bits 1..8; the bits above the
 * prefix in the first byte are ignored). Values above 2^32-1, and encodings
 * with more continuation bytes than such a value needs, are
 * H2_E_HPACK_INTEGER_OVERFLOW; a short buffer is H2_E_HPACK_TRUNCATED. */
h2_status h2_hpack_int_decode(const uint8_t *buf, size_t len, unsigned prefix_bits, uint32_t *value,
                              size_t *consumed);
/* Encodes value with an N-bit prefix; `first` holds the bits above the
 * prefix (pattern bits). Returns bytes written, 0 if cap is too small (≤ 6 needed). */
size_t h2_hpack_int_encode(uint32_t value, unsigned prefix_bits, uint8_t first, uint8_t *out,
                           size_t cap);

/* ---- Static table (Appendix A) ---- */
typedef struct h2_hpack_static_entry {
  const char *name;
  uint8_t name_len;
  const char *value;
  uint8_t value_len;
} h2_hpack_static_entry;

/* Entry for index 1..61, NULL otherwise. */
const h2_hpack_static_entry *h2_hpack_static_get(uint32_t index);
/* Best static index for a field: returns the index of an exact name+value match
 * (*value_match = true) or of the first name match (*value_match = false), or 0. */
uint32_t h2_hpack_static_find(const char *name, size_t name_len, const char *value,
                              size_t value_len, bool *value_match);

/* ---- Allocation hooks ---- */
typedef struct h2_allocator {
  void *(*alloc)(void *ctx, size_t size);
  void (*free)(void *ctx, void *ptr);
  void *ctx;
} h2_allocator;

/* ---- Decoder ---- */

typedef struct h2_hpack_decoder_config {
  uint32_t max_table_size;       /* SETTINGS_HEADER_TABLE_SIZE we announced; 0 → 4096 */
  uint32_t max_header_list_size; /* §6.5.2 sum of (name+value+32); 0 → H2_HPACK_DEFAULT_MAX_LIST */
  uint32_t max_string_len; /* per name or value (decoded); 0 → H2_HPACK_DEFAULT_MAX_STRING */
  const h2_allocator *allocator; /* NULL → malloc/free */
} h2_hpack_decoder_config;

/* How a field was represented on the wire (§6). */
enum h2_hpack_rep {
  H2_HPACK_INDEXED = 0,             /* §6.1 */
  H2_HPACK_LITERAL_INCREMENTAL = 1, /* §6.2.1 */
  H2_HPACK_LITERAL_NO_INDEX = 2,    /* §6.2.2 */
  H2_HPACK_LITERAL_NEVER_INDEX = 3, /* §6.2.3 */
};

/* Details of one decoded field, for tools that show the encoding. */
typedef struct h2_hpack_field_info {
  uint8_t rep;       /* enum h2_hpack_rep */
  bool name_huffman; /* literal name was Huffman coded (false if indexed name) */
  bool value_huffman;
  bool unknown;        /* refers to dynamic-table state we never saw (see
                          h2_hpack_decoder_set_state_unknown); name and/or value are NULL */
  uint32_t index;      /* index of the field (indexed) or of its name (literal), 0 = new name */
  size_t offset;       /* offset of the representation in the block */
  size_t wire_len;     /* its length in bytes */
  uint32_t evicted;    /* entries evicted by this insertion */
  uint32_t table_size; /* dynamic table size (octets) after this field */
} h2_hpack_field_info;

typedef struct h2_hpack_decode_callbacks {
  /* Each field in block order. h->name/value are valid only during the call
   * (they may point into the input, the tables or a scratch buffer). */
  void (*on_field)(void *user, const h2_header *h, const h2_hpack_field_info *info);
  /* Optional: a dynamic table size update (§6.3) at `offset`. */
  void (*on_size_update)(void *user, uint32_t new_size, size_t offset, uint32_t evicted);
  void *user;
} h2_hpack_decode_callbacks;

/* The decoder struct is public only so callers can place it; its fields are
 * private to codec/src/hpack_decoder.c. */
typedef struct h2_hpack_decoder {
  struct h2_hpack_table_private {
    uint8_t *ring; /* entry bytes */
    size_t ring_cap;
    uint32_t *ent_off; /* per-entry offset/len records, circular */
    uint32_t *ent_nlen;
    uint32_t *ent_vlen;
    uint32_t ent_cap;  /* slots in the circular entry arrays */
    uint32_t ent_head; /* slot of the newest entry */
    uint32_t count;    /* entries */
    uint32_t size;     /* RFC size (octets incl. 32 per entry) */
    uint32_t max_size; /* current maximum (last size update) */
    size_t ring_head;  /* where the next entry's bytes go */
    size_t ring_tail;  /* start of the oldest entry's bytes */
  } table;
  uint32_t protocol_max; /* SETTINGS_HEADER_TABLE_SIZE limit */
  uint32_t max_list;
  uint32_t max_string;
  uint8_t *scratch;        /* a name, then a Huffman value (max_string bytes) */
  bool update_required;    /* the limit went below max_size: next block must start with an update */
  uint32_t required_max;   /* ...no larger than the smallest limit since the last block (§4.2) */
  bool state_unknown;      /* started mid-connection: the table holds only what we saw */
  uint64_t last_list_size; /* of the last block, also past max_list */
  h2_allocator alloc;
} h2_hpack_decoder;

h2_status h2_hpack_decoder_init(h2_hpack_decoder *d, const h2_hpack_decoder_config *cfg);
void h2_hpack_decoder_free(h2_hpack_decoder *d);

/* The protocol limit changed (our SETTINGS_HEADER_TABLE_SIZE was acknowledged).
 * If it went below the current maximum, the next block MUST start with a size
 * update (§4.2); else H2_E_HPACK_SIZE_UPDATE_MISSING. Allocates nothing: the
 * table's storage grows with its entries while decoding. */
h2_status h2_hpack_decoder_set_max_table_size(h2_hpack_decoder *d, uint32_t size);

/* Decoding starts mid-connection: references to dynamic entries the decoder
 * never saw are reported as unknown fields (info->unknown, NULL strings)
 * instead of errors, until the state is known again (a size update to 0, or
 * enough inserted entries to fill the table). */
void h2_hpack_decoder_set_state_unknown(h2_hpack_decoder *d);
bool h2_hpack_decoder_state_known(const h2_hpack_decoder *d);

/* Decodes one complete header block, calling cb->on_field per field.
 * On error err->offset is the offset in `in`; the table may then be out of
 * sync with the peer (a connection error, RFC 9113 §4.3), except for
 * H2_E_HPACK_HEADER_LIST_TOO_LARGE: the whole block is still decoded and the
 * table kept in sync, fields past the limit are not passed to on_field. */
h2_status h2_hpack_decode_block(h2_hpack_decoder *d, const uint8_t *in, size_t len,
                                const h2_hpack_decode_callbacks *cb, h2_error *err);

/* The header list size of the last block decoded, counted as RFC 9113
 * §6.5.2 counts it (RFC 7541 §4.1: name + value + 32 octets per field).
 * After H2_E_HPACK_HEADER_LIST_TOO_LARGE it is the size the whole block
 * decodes to: the fields past the limit are still resolved (the table must
 * stay in sync) and their sizes summed, but neither handed out nor copied,
 * so a block referring to one large entry many times (an HPACK bomb) is
 * measured without being expanded. 0 after other errors. */
uint64_t h2_hpack_decoder_last_list_size(const h2_hpack_decoder *d);

/* Convenience: decodes a block into out[0..*n) with every name and value
 * copied into arena (so they outlive the call). H2_E_BUFFER_TOO_SMALL if
 * max_fields or arena_cap is too small. infos may be NULL. */
h2_status h2_hpack_decode_list(h2_hpack_decoder *d, const uint8_t *in, size_t len, h2_header *out,
                               h2_hpack_field_info *infos, size_t max_fields, size_t *n,
                               char *arena, size_t arena_cap, h2_error *err);

/* Bytes the decoder holds now (table storage and scratch area): follows the
 * entries inserted, not the maximum table size. */
size_t h2_hpack_decoder_reserved(const h2_hpack_decoder *d);

/* Dynamic table inspection: entry 0 is the newest (HPACK index 62). */
uint32_t h2_hpack_decoder_table_count(const h2_hpack_decoder *d);
uint32_t h2_hpack_decoder_table_size(const h2_hpack_decoder *d);
uint32_t h2_hpack_decoder_table_max_size(const h2_hpack_decoder *d);
bool h2_hpack_decoder_table_entry(const h2_hpack_decoder *d, uint32_t i, h2_header *out);

/* ---- Encoder ---- */

enum h2_hpack_huffman_mode {
  H2_HUFFMAN_AUTO = 0, /* Huffman when strictly shorter */
  H2_HUFFMAN_NEVER = 1,
  H2_HUFFMAN_ALWAYS = 2,
};

enum h2_hpack_indexing_mode {
  H2_INDEXING_DEFAULT = 0, /* insert fields worth reusing; sensitive ones never indexed */
  H2_INDEXING_NONE = 1,    /* only static-table references and literals without indexing */
  H2_INDEXING_ALL = 2,     /* insert every field that is not flagged */
};

typedef struct h2_hpack_encoder_config {
  uint32_t max_table_size; /* peer's SETTINGS_HEADER_TABLE_SIZE; 0 → 4096 */
  uint8_t huffman;         /* enum h2_hpack_huffman_mode */
  uint8_t indexing;        /* enum h2_hpack_indexing_mode */
  bool index_sensitive;    /* false (default): authorization, proxy-authorization and
                              cookies shorter than 20 bytes are sent never-indexed */
  const h2_allocator *allocator;
} h2_hpack_encoder_config;

typedef struct h2_hpack_encoder h2_hpack_encoder; /* defined in codec/src; opaque */

/* Allocates the encoder (its table and lookup hash) through cfg's allocator. */
h2_hpack_encoder *h2_hpack_encoder_new(const h2_hpack_encoder_config *cfg);
void h2_hpack_encoder_free(h2_hpack_encoder *e);

/* The peer's SETTINGS_HEADER_TABLE_SIZE changed (acknowledged): the encoder
 * may use up to `limit` from now on; a table larger than the new limit is
 * shrunk (and announced at the start of the next block). Allocates nothing. */
h2_status h2_hpack_encoder_set_peer_limit(h2_hpack_encoder *e, uint32_t limit);

/* Changes the table size the encoder uses (≤ the peer's limit, else
 * H2_E_INVALID_ARGUMENT). The next
 * block starts with the size update(s) §4.2 requires (the smallest value
 * since the last block, then the final one). */
h2_status h2_hpack_encoder_set_max_table_size(h2_hpack_encoder *e, uint32_t size);

/* Upper bound of the encoded size of a list in any encoder mode (for sizing
 * `out`; with H2_HUFFMAN_ALWAYS a string can grow to 30 bits per octet). */
size_t h2_hpack_encode_bound(const h2_header *list, size_t n);
/* The tighter bound for this encoder's mode: h2_hpack_encode succeeds when
 * cap is at least this. */
size_t h2_hpack_encoder_bound(const h2_hpack_encoder *e, const h2_header *list, size_t n);

/* Encodes one header block. Field flags H2_HEADER_NEVER_INDEX /
 * H2_HEADER_NO_INDEX are honoured. If cap < h2_hpack_encoder_bound(...) it
 * returns H2_E_BUFFER_TOO_SMALL without writing or changing any state (the
 * table must stay in step with the peer's decoder), so a retry with a larger
 * buffer is safe. Likewise H2_E_NO_MEMORY when the dynamic table's storage
 * (which grows with its entries) cannot grow: refused before anything is
 * written or changed. */
h2_status h2_hpack_encode(h2_hpack_encoder *e, const h2_header *list, size_t n, uint8_t *out,
                          size_t cap, size_t *written, h2_error *err);

/* Bytes the encoder holds now (itself, table storage and lookup hashes):
 * follows the entries inserted, not the maximum table size. */
size_t h2_hpack_encoder_reserved(const h2_hpack_encoder *e);
uint32_t h2_hpack_encoder_table_count(const h2_hpack_encoder *e);
uint32_t h2_hpack_encoder_table_size(const h2_hpack_encoder *e);
bool h2_hpack_encoder_table_entry(const h2_hpack_encoder *e, uint32_t i, h2_header *out);

#ifdef __cplusplus
}
#endif
#endif
