/* fuzz_rng.h — the fuzzer's pseudo-random numbers: xoshiro256** seeded
 * through splitmix64, its whole state in a struct the caller owns, so a run
 * is the same for the same --seed and nothing is shared between runs. */
#ifndef H2SCOPE_FUZZ_RNG_H
#define H2SCOPE_FUZZ_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fuzz_rng {
  uint64_t s[4];
} fuzz_rng;

void fuzz_rng_seed(fuzz_rng *r, uint64_t seed);
uint64_t fuzz_rng_next(fuzz_rng *r);
/* Uniform in [0, n); 0 when n is 0. */
uint32_t fuzz_rng_below(fuzz_rng *r, uint32_t n);
/* True with probability num/den. */
bool fuzz_rng_chance(fuzz_rng *r, uint32_t num, uint32_t den);

#endif
