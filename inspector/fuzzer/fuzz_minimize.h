/* fuzz_minimize.h — a finding's input reduced to a short frame sequence:
 * delta debugging over the lines (Zeller's ddmin: drop chunks of lines,
 * halving the chunk size, while the finding still reproduces), then
 * simpler lines (a LOOP or repeat count halved, a payload cut in half),
 * every step checked against the peer by the caller's predicate. Bounded
 * by a number of tries and a deadline: what is left then is kept. */
#ifndef H2SCOPE_FUZZ_MINIMIZE_H
#define H2SCOPE_FUZZ_MINIMIZE_H

#include <stdbool.h>

#include "check_build.h"
#include "fuzz_input.h"

/* Whether the finding still shows with this input (it runs it). */
typedef bool (*fuzz_reproduces_fn)(void *user, const fuzz_input *in);

typedef struct fuzz_min_limits {
  unsigned max_tries;
  double deadline; /* check_now() clock */
} fuzz_min_limits;

/* Reduces in place; returns the tries made. */
unsigned fuzz_minimize(fuzz_input *in, const check_build_ctx *ctx, fuzz_reproduces_fn pred,
                       void *user, const fuzz_min_limits *lim);

#endif
