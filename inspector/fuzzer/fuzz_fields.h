/* fuzz_fields.h — mutations of the field blocks of an input (RFC 7541):
 * the HEADERS lines that carry a whole block are decoded in order with one
 * HPACK decoder, one block's field list is changed (a value, a name, a field
 * added, removed, duplicated or moved), and the blocks are encoded again —
 * by one encoder over all of them, so the dynamic table the peer builds
 * stays consistent with every later reference, or, on purpose, not: one
 * block encoded alone into a table the peer does not have, or a reference
 * past the end of the table. */
#ifndef H2SCOPE_FUZZ_FIELDS_H
#define H2SCOPE_FUZZ_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "check_build.h"
#include "fuzz_input.h"
#include "fuzz_rng.h"

/* One field-block mutation of in; false when it has no decodable
 * single-frame block or the result does not fit a line (in may then be
 * partly changed: the caller works on a copy). what gets a short name of
 * what was done. */
bool fuzz_mutate_fields(fuzz_rng *r, const check_build_ctx *ctx, fuzz_input *in, char *what,
                        size_t cap);

#endif
