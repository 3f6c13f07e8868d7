/* body_decode.c — fuzz target for the streaming Content-Encoding decoder
 * (inspector/talk/body_decode.c): the first byte picks the codings (gzip,
 * deflate, br, zstd, two of them chained, an unknown one) and the size of
 * the pieces the rest is fed in; whatever the bytes, the decoder must not
 * crash or leak, hand out chunks of at most BODY_CHUNK bytes at consecutive
 * offsets, never more than the size limit, and end in a known state. */
#include <string.h>

#include "body_decode.h"
#include "fuzz_support.h"

typedef struct seen {
  uint64_t next;
} seen;

static void out(void *user, const uint8_t *p, size_t n, uint64_t offset) {
  seen *s = user;
  FUZZ_CHECK(n > 0 && n <= BODY_CHUNK, "chunk of %zu bytes", n);
  FUZZ_CHECK(offset == s->next, "offset %llu, expected %llu", (unsigned long long)offset,
             (unsigned long long)s->next);
  FUZZ_CHECK(p != NULL, "no bytes");
  s->next += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const codings[] = {
      "gzip",   "deflate",  "br",       "zstd",   "gzip, br",      "zstd,gzip",
      "x-gzip", "compress", "identity", "br, br", "deflate, zstd", ""};
  if (size < 1 || size > 1 << 16) return 0;
  const char *coding = codings[data[0] % (sizeof codings / sizeof *codings)];
  size_t step = 1 + (data[0] >> 4) * 97;
  body_limits lim = {.max_decoded = 4u << 20, .max_ratio = 1000};
  body_decoder *d = body_decoder_new(coding, strlen(coding), &lim);
  FUZZ_CHECK(d != NULL, "out of memory");
  seen s = {0};
  for (size_t i = 1; i < size; i += step)
    body_decoder_feed(d, data + i, size - i < step ? size - i : step, out, &s);
  body_decoder_finish(d, out, &s);
  FUZZ_CHECK(body_decoder_decoded(d) == s.next, "decoded count");
  FUZZ_CHECK(s.next <= lim.max_decoded, "past the size limit");
  FUZZ_CHECK(body_decoder_wire(d) == size - 1, "wire count");
  enum body_state st = body_decoder_state(d);
  FUZZ_CHECK(st <= BODY_GAP, "state %d", (int)st);
  body_decoder_free(d);
  return 0;
}
