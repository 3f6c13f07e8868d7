/* fuzz_rng.c — xoshiro256** (Blackman and Vigna's public-domain generator,
 * written from its description) seeded with splitmix64. */
#include "fuzz_rng.h"

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void fuzz_rng_seed(fuzz_rng *r, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t v, int k) {
  return (v << k) | (v >> (64 - k));
}

uint64_t fuzz_rng_next(fuzz_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

uint32_t fuzz_rng_below(fuzz_rng *r, uint32_t n) {
  if (n == 0) return 0;
  return (uint32_t)((fuzz_rng_next(r) >> 32) * n >> 32);
}

bool fuzz_rng_chance(fuzz_rng *r, uint32_t num, uint32_t den) {
  return fuzz_rng_below(r, den) < num;
}
