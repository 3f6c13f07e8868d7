/* json_write.c — JSON string escaping with UTF-8 validation (RFC 8259 §7,
 * RFC 3629 §4 for what valid UTF-8 is). */
#include "json_write.h"

#include "json_utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* True when none of the 8 bytes of w needs a look of its own: each is
 * printable ASCII (0x20..0x7e) other than '"' and '\\' (RFC 8259 §7 makes
 * those two and the controls the only characters that must be escaped;
 * 0x7f and bytes ≥ 0x80 go the byte-wise way for \u007f and UTF-8 checks).
 * Header names and values are almost all such bytes, so the scan moves a
 * word at a time instead of a byte at a time. Each test sets a byte's high
 * bit when that byte matches (borrows can only add marks above a byte that
 * already matched, so "any byte matches" is exact). */
static inline bool word_plain(uint64_t w) {
  uint64_t low = (w - 0x20 * ONES) & ~w; /* byte < 0x20 */
  uint64_t high = (w + ONES) | w;        /* byte ≥ 0x7f */
  uint64_t quote = ((w ^ ('"' * ONES)) - ONES) & ~(w ^ ('"' * ONES));
  uint64_t bslash = ((w ^ ('\\' * ONES)) - ONES) & ~(w ^ ('\\' * ONES));
  return ((low | high | quote | bslash) & HIGHS) == 0;
}

static inline uint64_t load64(const uint8_t *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}
static inline uint64_t load32(const uint8_t *p) {
  uint32_t w;
  memcpy(&w, p, 4);
  return w;
}

static inline void store64(char *p, uint64_t w) {
  memcpy(p, &w, 8);
}
static inline void store32(char *p, uint64_t w) {
  uint32_t v = (uint32_t)w;
  memcpy(p, &v, 4);
}

/* Copies s[0..n), n ≥ 1, to d when every byte is plain and says whether it
 * did (d may hold a partial copy when not). Whole words, the last one
 * overlapping its neighbour; under 8 bytes two overlapping halves, under 4
 * the first, middle and last bytes (which are all of them): never a read
 * past s[n-1] nor a write past d[n-1]. Most header strings are short, so the
 * tail is done as fast as the body, and checking and copying share the loads. */
static bool copy_plain(char *d, const uint8_t *s, size_t n) {
#ifdef __SSE2__
  /* x86-64 always has SSE2: 16 bytes per step for the long values (user
   * agents, accept lists, cookies). Signed compares put bytes ≥ 0x80 below
   * 0x20 with the controls. */
  if (n >= 16) {
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    for (size_t i = 0;; i += 16) {
      size_t at = i + 16 < n ? i : n - 16;
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
      __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
      if (_mm_movemask_epi8(bad)) return false;
      _mm_storeu_si128((__m128i *)(void *)(d + at), v);
      if (at == n - 16) return true;
    }
  }
#endif
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      uint64_t w = load64(s + i);
      if (!word_plain(w)) return false;
      store64(d + i, w);
    }
    uint64_t w = load64(s + n - 8);
    if (!word_plain(w)) return false;
    store64(d + n - 8, w);
    return true;
  }
  if (n >= 4) {
    uint64_t lo = load32(s), hi = load32(s + n - 4);
    if (!word_plain(lo | hi << 32)) return false;
    store32(d, lo);
    store32(d + n - 4, hi);
    return true;
  }
  uint8_t first = s[0], mid = s[n >> 1], last = s[n - 1];
  uint64_t w = ('a' * ONES) << 24 | first | (uint64_t)mid << 8 | (uint64_t)last << 16;
  if (!word_plain(w)) return false;
  d[0] = (char)first;
  d[n >> 1] = (char)mid;
  d[n - 1] = (char)last;
  return true;
}

/* Strings with bytes to escape or check as UTF-8, or that do not fit in
 * the buffer: byte by byte (whole plain words skipped). Kept out of line so
 * the common path of json_str stays small. */
static NOINLINE void json_str_escaped(out_buf *o, const uint8_t *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0; /* start of the pending run of bytes copied as they are */
  out_putc(o, '"');
  for (size_t i = 0; i < n;) {
    if (n - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (word_plain(w)) {
        i += 8;
        continue;
      }
    }
    uint8_t c = s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      i++;
      continue;
    }
    size_t ulen = c >= 0x80 ? json_utf8_len(s + i, n - i) : 0;
    if (ulen) {
      i += ulen;
      continue;
    }
    out_write(o, s + run, i - run);
    switch (c) {
    case '"':
      out_write(o, "\\\"", 2);
      break;
    case '\\':
      out_write(o, "\\\\", 2);
      break;
    case '\n':
      out_write(o, "\\n", 2);
      break;
    case '\r':
      out_write(o, "\\r", 2);
      break;
    case '\t':
      out_write(o, "\\t", 2);
      break;
    default: {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out_write(o, esc, 6);
    }
    }
    i++;
    run = i;
  }
  out_write(o, s + run, n - run);
  out_putc(o, '"');
}

void json_str(out_buf *o, const char *str, size_t n) {
  const uint8_t *s = (const uint8_t *)str;
  if (n == 0) { /* also covers s == NULL */
    out_write(o, "\"\"", 2);
    return;
  }
  /* The common case: every byte plain and room in the buffer, so the
   * string goes straight in between its quotes. */
  if (n + 2 <= o->cap - o->len && copy_plain(o->data + o->len + 1, s, n)) {
    o->data[o->len] = '"';
    o->data[o->len + n + 1] = '"';
    o->len += n + 2;
    return;
  }
  json_str_escaped(o, s, n);
}

void json_str_pair(out_buf *o, const char *a, size_t an, const char *b, size_t bn) {
  /* ["a","b"]: one room check and no calls when both are plain and non-empty. */
  char *d = o->data + o->len;
  if (an && bn && an + bn + 7 <= o->cap - o->len && copy_plain(d + 2, (const uint8_t *)a, an) &&
      copy_plain(d + an + 5, (const uint8_t *)b, bn)) {
    memcpy(d, "[\"", 2);
    memcpy(d + 2 + an, "\",\"", 3);
    memcpy(d + 5 + an + bn, "\"]", 2);
    o->len += an + bn + 7;
    return;
  }
  out_putc(o, '[');
  json_str(o, a, an);
  out_putc(o, ',');
  json_str(o, b, bn);
  out_putc(o, ']');
}
