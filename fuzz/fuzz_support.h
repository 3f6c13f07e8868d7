/* fuzz_support.h — what every fuzz target shares: the libFuzzer entry point
 * prototypes, a bounds-checked reader that turns fuzz bytes into decisions
 * (like LLVM's FuzzedDataProvider), a check macro that aborts with a message
 * (so a broken invariant is a finding in libFuzzer and a failed test in the
 * replay driver), and a verbose mode for triage. */
#ifndef H2_FUZZ_SUPPORT_H
#define H2_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's interface (https://llvm.org/docs/LibFuzzer.html). Every target
 * defines LLVMFuzzerTestOneInput; LLVMFuzzerInitialize is optional. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Verbose mode: targets print what they decode (to stderr) so a finding can
 * be understood without a debugger. Set by the replay driver's -v flag or by
 * the environment variable H2_FUZZ_VERBOSE=1 (read on first use). */
bool fuzz_verbose(void);
void fuzz_set_verbose(bool on);
/* printf to stderr when verbose. */
void fuzz_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Hex dump of n bytes (at most 64 shown, then "...") when verbose. */
void fuzz_log_hex(const char *label, const uint8_t *p, size_t n);

/* Reports a broken invariant and aborts. */
_Noreturn void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* FUZZ_CHECK(cond, "fmt", ...): stays active in every build type (unlike assert). */
#define FUZZ_CHECK(cond, ...)                                                                      \
  do {                                                                                             \
    if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                \
  } while (0)

/* Consumes fuzz input front to back. When the input runs out every getter
 * returns 0 / empty, so targets never need to check lengths. */
typedef struct fuzz_reader {
  const uint8_t *p;
  size_t left;
} fuzz_reader;

fuzz_reader fuzz_reader_make(const uint8_t *data, size_t size);
uint8_t fuzz_u8(fuzz_reader *r);
uint16_t fuzz_u16(fuzz_reader *r); /* big-endian */
uint32_t fuzz_u32(fuzz_reader *r); /* big-endian */
bool fuzz_bool(fuzz_reader *r);    /* low bit of one byte */
/* Up to n bytes (fewer at the end of the input); *got says how many. */
const uint8_t *fuzz_bytes(fuzz_reader *r, size_t n, size_t *got);
/* Everything that is left. */
const uint8_t *fuzz_rest(fuzz_reader *r, size_t *got);

/* Allocator for the codec's h2_allocator hooks that counts live blocks and
 * can be told to fail after a budget of successful allocations, so the
 * targets reach H2_E_NO_MEMORY paths and prove nothing leaks. */
typedef struct fuzz_alloc_state {
  long live;     /* blocks allocated and not yet freed */
  long budget;   /* allocations left before failures start; < 0 = unlimited */
  long failures; /* allocations refused */
} fuzz_alloc_state;

void *fuzz_alloc(void *ctx, size_t size);
void fuzz_free(void *ctx, void *ptr);

#endif
