/* hpack_static_table.h — private access to the static table data
 * (hpack_static_table.c, generated from RFC 7541 Appendix A). */
#ifndef H2_HPACK_STATIC_TABLE_H
#define H2_HPACK_STATIC_TABLE_H
#include <stdint.h>

#include "h2/hpack.h"

/* Index 0 is a placeholder; 1..61 are Appendix A. */
extern const h2_hpack_static_entry h2_hpack_static_entries[H2_HPACK_STATIC_COUNT + 1];

/* Name lookup: for each name length, the first index of each distinct name
 * of that length (entries sharing a name are adjacent in Appendix A). The
 * generator checks both limits. */
#define H2_HPACK_STATIC_MAX_NAME 27 /* access-control-allow-origin */
#define H2_HPACK_STATIC_MAX_PER_LEN 8
typedef struct h2_hpack_static_bucket {
  uint8_t count;
  uint8_t first[H2_HPACK_STATIC_MAX_PER_LEN];
} h2_hpack_static_bucket;
extern const h2_hpack_static_bucket h2_hpack_static_by_len[H2_HPACK_STATIC_MAX_NAME + 1];

#endif
