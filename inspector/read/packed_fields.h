/* packed_fields.h — a header list copied out of a decoder's scratch so it
 * can outlive the frame that carried it (HAR export, replay): one growing
 * buffer of packed records [u32 name_len][u32 value_len][name][value]. */
#ifndef H2SCOPE_PACKED_FIELDS_H
#define H2SCOPE_PACKED_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct packed_fields {
  uint8_t *p;
  size_t len, cap;
  uint32_t count;
} packed_fields;

/* Appends one field; false when memory is short (the list is unchanged). */
bool packed_add(packed_fields *pf, const char *name, size_t nlen, const char *value, size_t vlen);
/* Walks the records from *pos (start at 0): false at the end. */
bool packed_next(const packed_fields *pf, size_t *pos, const char **name, size_t *nlen,
                 const char **value, size_t *vlen);
/* The first field called `want` (exact, case-sensitive: HTTP/2 names are lowercase). */
bool packed_find(const packed_fields *pf, const char *want, const char **value, size_t *vlen);
/* Frees the buffer and empties the list. */
void packed_clear(packed_fields *pf);

#endif
