/* fuzz_hashset.c — a set of 64-bit values (fuzz_hashset.h). */
#include "fuzz_hashset.h"

#include <stdlib.h>
#include <string.h>

bool fuzz_hashset_add(fuzz_hashset *s, uint64_t h) {
  if (h == 0) h = 1;
  if ((s->n + 1) * 2 > s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 1024;
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots) return true;
    for (size_t i = 0; i < s->cap; i++) {
      if (!s->slots[i]) continue;
      size_t k = (size_t)(s->slots[i] & (cap - 1));
      while (slots[k])
        k = (k + 1) & (cap - 1);
      slots[k] = s->slots[i];
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
  }
  size_t k = (size_t)(h & (s->cap - 1));
  while (s->slots[k]) {
    if (s->slots[k] == h) return false;
    k = (k + 1) & (s->cap - 1);
  }
  s->slots[k] = h;
  s->n++;
  return true;
}

void fuzz_hashset_free(fuzz_hashset *s) {
  free(s->slots);
  memset(s, 0, sizeof *s);
}

bool fuzz_hashset_has(const fuzz_hashset *s, uint64_t h) {
  if (h == 0) h = 1;
  if (!s->cap) return false;
  for (size_t k = (size_t)(h & (s->cap - 1)); s->slots[k]; k = (k + 1) & (s->cap - 1))
    if (s->slots[k] == h) return true;
  return false;
}

void fuzz_hashset_clear(fuzz_hashset *s) {
  if (s->slots) memset(s->slots, 0, s->cap * sizeof *s->slots);
  s->n = 0;
}
