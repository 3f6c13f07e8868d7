/* plain_copy.h — copying strings that need no escaping a word at a time,
 * shared by the JSON writer (json_write.c) and the text printer
 * (text_escaped in frame_meta_print.c). "Plain" is printable ASCII
 * (0x20..0x7e) other than '\\' and one more byte the caller names (JSON:
 * '"'; text: '\\' again, i.e. none): everything else takes the caller's
 * byte-wise path (escapes, UTF-8 checks). Header names and values are
 * almost all plain bytes. */
#ifndef H2SCOPE_PLAIN_COPY_H
#define H2SCOPE_PLAIN_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define PLAIN_ONES UINT64_C(0x0101010101010101)
#define PLAIN_HIGHS UINT64_C(0x8080808080808080)

/* True when none of the 8 bytes of w needs a look of its own: each is
 * plain. Each test sets a byte's high bit when that byte matches (borrows
 * can only add marks above a byte that already matched, so "any byte
 * matches" is exact). */
static inline bool plain_word(uint64_t w, uint8_t also) {
  uint64_t low = (w - 0x20 * PLAIN_ONES) & ~w; /* byte < 0x20 */
  uint64_t high = (w + PLAIN_ONES) | w;        /* byte ≥ 0x7f */
  uint64_t other = ((w ^ (also * PLAIN_ONES)) - PLAIN_ONES) & ~(w ^ (also * PLAIN_ONES));
  uint64_t bslash = ((w ^ ('\\' * PLAIN_ONES)) - PLAIN_ONES) & ~(w ^ ('\\' * PLAIN_ONES));
  return ((low | high | other | bslash) & PLAIN_HIGHS) == 0;
}

static inline uint64_t plain_load64(const uint8_t *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}
static inline uint64_t plain_load32(const uint8_t *p) {
  uint32_t w;
  memcpy(&w, p, 4);
  return w;
}
static inline void plain_store64(char *p, uint64_t w) {
  memcpy(p, &w, 8);
}
static inline void plain_store32(char *p, uint64_t w) {
  uint32_t v = (uint32_t)w;
  memcpy(p, &v, 4);
}

/* Copies s[0..n), n ≥ 1, to d when every byte is plain and says whether it
 * did (d may hold a partial copy when not). Whole words, the last one
 * overlapping its neighbour; under 8 bytes two overlapping halves, under 4
 * the first, middle and last bytes (which are all of them): never a read
 * past s[n-1] nor a write past d[n-1]. Most header strings are short, so the
 * tail is done as fast as the body, and checking and copying share the loads. */
static inline bool plain_copy(char *d, const uint8_t *s, size_t n, uint8_t also) {
#ifdef __SSE2__
  /* x86-64 always has SSE2: 16 bytes per step for the long values (user
   * agents, accept lists, cookies). Signed compares put bytes ≥ 0x80 below
   * 0x20 with the controls. */
  if (n >= 16) {
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
    const __m128i other = _mm_set1_epi8((char)also), bslash = _mm_set1_epi8('\\');
    for (size_t i = 0;; i += 16) {
      size_t at = i + 16 < n ? i : n - 16;
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
      __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, other), _mm_cmpeq_epi8(v, bslash)));
      if (_mm_movemask_epi8(bad)) return false;
      _mm_storeu_si128((__m128i *)(void *)(d + at), v);
      if (at == n - 16) return true;
    }
  }
#endif
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      uint64_t w = plain_load64(s + i);
      if (!plain_word(w, also)) return false;
      plain_store64(d + i, w);
    }
    uint64_t w = plain_load64(s + n - 8);
    if (!plain_word(w, also)) return false;
    plain_store64(d + n - 8, w);
    return true;
  }
  if (n >= 4) {
    uint64_t lo = plain_load32(s), hi = plain_load32(s + n - 4);
    if (!plain_word(lo | hi << 32, also)) return false;
    plain_store32(d, lo);
    plain_store32(d + n - 4, hi);
    return true;
  }
  uint8_t first = s[0], mid = s[n >> 1], last = s[n - 1];
  uint64_t w = ('a' * PLAIN_ONES) << 24 | first | (uint64_t)mid << 8 | (uint64_t)last << 16;
  if (!plain_word(w, also)) return false;
  d[0] = (char)first;
  d[n >> 1] = (char)mid;
  d[n - 1] = (char)last;
  return true;
}

#endif
