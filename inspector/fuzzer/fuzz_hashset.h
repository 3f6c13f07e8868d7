/* fuzz_hashset.h — a set of 64-bit values (open addressing, grown by
 * doubling): the reactions and inputs a fuzz run has seen, and the streams
 * the judge excuses. */
#ifndef H2SCOPE_FUZZ_HASHSET_H
#define H2SCOPE_FUZZ_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A set of 64-bit hashes (open addressing; 0 is stored as 1). */
typedef struct fuzz_hashset {
  uint64_t *slots;
  size_t n, cap;
} fuzz_hashset;

/* Adds h; true when it was not there yet (also when memory is short). */
bool fuzz_hashset_add(fuzz_hashset *s, uint64_t h);
void fuzz_hashset_free(fuzz_hashset *s);
/* Whether h is in the set. */
bool fuzz_hashset_has(const fuzz_hashset *s, uint64_t h);
void fuzz_hashset_clear(fuzz_hashset *s);

#endif
