/* packed_fields.h — a header list copied out of a decoder's scratch so it
 * can outlive the frame that carried it (HAR export, replay): one growing
 * buffer (h2_buf) of packed records [u32 name_len][u32 value_len][name][value].
 * A zeroed packed_fields is an empty list. */
#ifndef H2SCOPE_PACKED_FIELDS_H
#define H2SCOPE_PACKED_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/buf.h"

/* The most bytes one packed list holds: above the largest list a decoder
 * hands over (read's --max-header-list is at most 256 MiB of §6.5.2 size,
 * where each field counts 32 octets more than its 8 bytes of record head
 * here). A list beyond it is refused, and its owner says so. */
#define PACKED_FIELDS_MAX ((size_t)1 << 30)

typedef struct packed_fields {
  h2_buf b; /* the records */
  uint32_t count;
} packed_fields;

/* Appends one field; false when it does not fit (PACKED_FIELDS_MAX, or
 * memory is short): the list is unchanged, and every later append fails
 * too until packed_clear. */
bool packed_add(packed_fields *pf, const char *name, size_t nlen, const char *value, size_t vlen);
/* Walks the records from *pos (start at 0): false at the end. */
bool packed_next(const packed_fields *pf, size_t *pos, const char **name, size_t *nlen,
                 const char **value, size_t *vlen);
/* The first field called `want` (exact, case-sensitive: HTTP/2 names are lowercase). */
bool packed_find(const packed_fields *pf, const char *want, const char **value, size_t *vlen);
/* Frees the buffer and empties the list. */
void packed_clear(packed_fields *pf);

#endif
