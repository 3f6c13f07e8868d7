/* fuzz_mutate.h — the mutations of `h2scope fuzz`, all in terms of HTTP/2:
 * on the sequence (a line removed, duplicated, swapped, inserted from a
 * dictionary of frames or spliced from another input, two lines joined into
 * one TCP write or split apart, a line sent in pieces), on one frame (flags,
 * type, stream id, the Length field, padding, payload bytes, the numbers a
 * frame type carries: settings, window increments, error codes,
 * dependencies, prioritized streams; repeat and LOOP counts), on the
 * handshake's SETTINGS, and on field blocks (fuzz_fields.h). Every choice
 * comes from the caller's fuzz_rng, so a run is the same for a seed. */
#ifndef H2SCOPE_FUZZ_MUTATE_H
#define H2SCOPE_FUZZ_MUTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "check_build.h"
#include "fuzz_input.h"
#include "fuzz_rng.h"

/* Applies 1 to `most` mutations to in (donor: another input to splice
 * from, or NULL). Returns how many applied; `what` gets their names joined
 * with ','. A mutation that would make an invalid line is not applied. */
unsigned fuzz_mutate(fuzz_rng *r, const check_build_ctx *ctx, fuzz_input *in,
                     const fuzz_input *donor, unsigned most, char *what, size_t cap);

/* One mutation that makes an input do more of what it does, for inputs
 * after which the target grew (fuzz_run.c): a line's LOOP count multiplied
 * (at most 2000), a line without one put in a LOOP of 2 to 16 rounds (on
 * new streams, step 2, or on the same ones, step 0), or one frame's repeat:N
 * multiplied (at most 1000). False when the line picked cannot grow; `what`
 * gets the mutation's name. */
bool fuzz_mutate_amplify(fuzz_rng *r, const check_build_ctx *ctx, fuzz_input *in, char *what,
                         size_t cap);

#endif
