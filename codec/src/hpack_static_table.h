/* hpack_static_table.h — private access to the static table data. */
#ifndef H2_HPACK_STATIC_TABLE_H
#define H2_HPACK_STATIC_TABLE_H
#include "h2/hpack.h"

/* Index 0 is a placeholder; 1..61 are Appendix A. */
extern const h2_hpack_static_entry h2_hpack_static_entries[H2_HPACK_STATIC_COUNT + 1];

#endif
