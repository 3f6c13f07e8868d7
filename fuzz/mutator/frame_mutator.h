/* frame_mutator.h — a structure-aware libFuzzer mutator for inputs that are
 * HTTP/2 frame streams (RFC 9113 §4.1) after a fixed-size option prefix.
 * A target that links fuzz/mutator/frame_mutator.c defines how many option
 * bytes come before the frames; a client preface right after them (§3.4) is
 * kept as it is. */
#ifndef H2_FUZZ_FRAME_MUTATOR_H
#define H2_FUZZ_FRAME_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

/* Defined by the target: number of option bytes in front of the frames. */
extern const size_t h2_frame_mutator_prefix;

/* libFuzzer's hooks (https://llvm.org/docs/LibFuzzer.html#custom-mutators). */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#endif
