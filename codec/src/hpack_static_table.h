/* hpack_static_table.h — private access to the static table data
 * (hpack_static_table.c, generated from RFC 7541 Appendix A). */
#ifndef H2_HPACK_STATIC_TABLE_H
#define H2_HPACK_STATIC_TABLE_H
#include <stdint.h>

#include "h2/hpack.h"

/* Index 0 is a placeholder; 1..61 are Appendix A. */
extern const h2_hpack_static_entry h2_hpack_static_entries[H2_HPACK_STATIC_COUNT + 1];

#define H2_HPACK_STATIC_MAX_NAME 27 /* access-control-allow-origin (the generator checks) */

/* Name lookup in one step: a perfect hash of the distinct names (length, last
 * and second character; the generator uses the same multipliers 5 and 51, checks
 * that no two names share a slot, and writes the slot → first index table;
 * 0 = no name there). A name of another length or text that lands in a slot
 * is told apart by comparing it with the slot's name. Names ≥ 2 bytes. */
#define H2_HPACK_STATIC_HASH(len, second, last)                                                    \
  (((len)*5u + (uint8_t)(last)*51u + (uint8_t)(second)) & 255u)
extern const uint8_t h2_hpack_static_by_hash[256];

#endif
