/* filter_fields.h — the field names of display filters and `-T fields -e`
 * (docs/filters.md): what each is called, how its values compare, the names
 * its number values have (frame types, error codes, directions), and the
 * nearest known name for a misspelt one. */
#ifndef H2SCOPE_FILTER_FIELDS_H
#define H2SCOPE_FILTER_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/* Looks name up (not header[...], which the parser builds): true with *out
 * and *kind set. */
bool filter_field_lookup(const char *name, size_t len, filter_field *out, enum filter_kind *kind);
/* The kind of a field (header[...] too). */
enum filter_kind filter_field_kind(const filter_field *f);
/* The known name closest to name (edit distance at most 2), or NULL. */
const char *filter_field_suggest(const char *name, size_t len);
/* Number fields whose values have names (type, dir, error): the number of
 * a name (case-insensitive); false when the field has no names or this one
 * is unknown. */
bool filter_field_value_of_name(const filter_field *f, const char *name, size_t len, uint64_t *out);
/* The name of value v of such a field (NULL when it has none): `-T fields`
 * prints types, directions and error codes by name. */
const char *filter_field_name_of_value(const filter_field *f, uint64_t v);
/* Whether the field's facts come from the stream's request/response. */
bool filter_field_is_stream_fact(filter_field_id id);

#endif
