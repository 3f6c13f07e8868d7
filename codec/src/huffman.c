/* huffman.c — HPACK Huffman encoding and decoding (RFC 7541 §5.2, Appendix B).
 * The code itself is data in huffman_table.c. Decoding is table-driven on a
 * 64-bit bit window (tables generated into huffman_decode_table.c by
 * codec/tools/gen_hpack_tables.py): the next 12 bits index a lookup table
 * that yields up to two whole symbols with their lengths at once (every code
 * of up to 12 bits: letters, digits, common punctuation); longer codes use
 * that the code is canonical (codes of one length are consecutive, lengths
 * sorted) and compare the window against one left-aligned limit per longer
 * length. So a lookup yields one or two symbols, a rare long code a few
 * compares more, never a branch per bit. Encoding packs codes into a 64-bit
 * accumulator. */
#include <stdbool.h>
#include <string.h>

#include "h2/huffman.h"
#include "huffman_decode_table.h"

size_t h2_huffman_encoded_len(const uint8_t *src, size_t len) {
  uint64_t bits = 0;
  for (size_t i = 0; i < len; i++)
    bits += h2_huffman_table[src[i]].bits;
  return (size_t)((bits + 7) / 8);
}

/* Appends one code to the accumulator. */
static inline void push_code(uint64_t *acc, unsigned *nbits, h2_huffman_code c) {
  *acc = (*acc << c.bits) | c.code;
  *nbits += c.bits;
}

/* Writes the oldest 32 pending bits when there are that many. They are
 * output whatever follows, so when they do not fit the code does not either:
 * false, and the room is checked once per 4 octets, not per symbol (the
 * encoder relies on the early refusal to try Huffman within the raw length). */
static inline bool flush32(uint64_t acc, unsigned *nbits, uint8_t *dst, size_t cap, size_t *out) {
  if (*nbits < 32) return true;
  if (cap - *out < 4) return false;
  *nbits -= 32;
  uint32_t w = (uint32_t)(acc >> *nbits);
  dst[*out] = (uint8_t)(w >> 24);
  dst[*out + 1] = (uint8_t)(w >> 16);
  dst[*out + 2] = (uint8_t)(w >> 8);
  dst[*out + 3] = (uint8_t)w;
  *out += 4;
  return true;
}

size_t h2_huffman_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap) {
  uint64_t acc = 0; /* pending bits, right-aligned; fewer than 32 between steps */
  unsigned nbits = 0;
  size_t out = 0, i = 0;
  /* Four symbols per step when their codes add up to at most 32 bits (any
   * four letters, digits or common punctuation: 5 to 8 bits each), so the
   * accumulator stays under 64 bits with one flush; otherwise one by one. */
  for (; i + 4 <= len; i += 4) {
    const h2_huffman_code a = h2_huffman_table[src[i]], b = h2_huffman_table[src[i + 1]],
                          c = h2_huffman_table[src[i + 2]], d = h2_huffman_table[src[i + 3]];
    unsigned sum = (unsigned)a.bits + b.bits + c.bits + d.bits;
    if (sum <= 32) {
      acc =
          (((((acc << a.bits) | a.code) << b.bits | b.code) << c.bits | c.code) << d.bits) | d.code;
      nbits += sum;
      if (!flush32(acc, &nbits, dst, cap, &out)) return 0;
    } else {
      const h2_huffman_code q[4] = {a, b, c, d};
      for (int k = 0; k < 4; k++) {
        push_code(&acc, &nbits, q[k]);
        if (!flush32(acc, &nbits, dst, cap, &out)) return 0;
      }
    }
  }
  for (; i < len; i++) {
    push_code(&acc, &nbits, h2_huffman_table[src[i]]);
    if (!flush32(acc, &nbits, dst, cap, &out)) return 0;
  }
  /* The last whole octets (fewer than 32 bits are pending). */
  while (nbits >= 8) {
    if (out == cap) return 0;
    nbits -= 8;
    dst[out++] = (uint8_t)(acc >> nbits);
  }
  if (nbits > 0) {
    /* §5.2: pad with the most significant bits of EOS (all ones). */
    if (out == cap) return 0;
    unsigned pad = 8 - nbits;
    dst[out++] = (uint8_t)((acc << pad) | ((1u << pad) - 1));
  }
  return out;
}

/* The symbol whose code starts at the top of a left-aligned 32-bit window;
 * *bits gets the code's length. */
static inline uint16_t decode_symbol(uint32_t window, unsigned *bits) {
  uint32_t fast = h2_huffman_fast[window >> (32 - H2_HUFFMAN_FAST_BITS)];
  if (fast) {
    *bits = H2_HUFFMAN_FAST_LEN1(fast);
    return (uint16_t)H2_HUFFMAN_FAST_SYM1(fast);
  }
  const h2_huffman_length_row *row = h2_huffman_lengths + H2_HUFFMAN_FIRST_SLOW_ROW;
  while (window > row->last)
    row++; /* the last row's limit is 0xffffffff: always stops */
  *bits = row->bits;
  return h2_huffman_sorted_symbols[row->first_index +
                                   ((window >> (32 - row->bits)) - row->first_code)];
}

/* §5.2: what is left after the last whole code must be padding — fewer than
 * 8 bits, all ones (the most significant bits of EOS). */
static inline bool valid_padding(uint64_t acc, unsigned nbits) {
  return nbits <= 7 && (acc >> (64 - nbits)) == (1u << nbits) - 1;
}

h2_status h2_huffman_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap,
                            size_t *out_len) {
  uint64_t acc = 0; /* unread bits, left-aligned (past nbits: zeros or the next input bits) */
  unsigned nbits = 0, bits;
  size_t in = 0, out = 0;
  *out_len = 0;
  for (;;) {
    /* Refill to at least 57 bits while input lasts. */
    if (len - in >= 8) {
      uint64_t w = 0;
      for (int k = 0; k < 8; k++) /* compilers turn this into one load + bswap */
        w = w << 8 | src[in + k];
      acc |= w >> nbits;
      in += (63 - nbits) >> 3;
      nbits |= 56;
    } else {
      while (nbits <= 56 && in < len) {
        acc |= (uint64_t)src[in++] << (56 - nbits);
        nbits += 8;
      }
    }
    if (nbits < 30) break; /* all input read: the tail below */
    /* A whole longest code (30 bits) is buffered: no end checks per symbol. */
    do {
      uint32_t window = (uint32_t)(acc >> 32);
      uint32_t fast = h2_huffman_fast[window >> (32 - H2_HUFFMAN_FAST_BITS)];
      if (fast && cap - out >= 2) {
        /* One or two short codes: store both bytes, keep as many as decoded. */
        dst[out] = (uint8_t)H2_HUFFMAN_FAST_SYM1(fast);
        dst[out + 1] = (uint8_t)H2_HUFFMAN_FAST_SYM2(fast);
        out += H2_HUFFMAN_FAST_COUNT(fast);
        bits = H2_HUFFMAN_FAST_TOTAL_LEN(fast);
      } else {
        uint16_t sym = decode_symbol(window, &bits);
        if (sym == 256)
          return H2_E_HPACK_HUFFMAN; /* §5.2: an encoded EOS MUST be treated as an error */
        if (out == cap) return H2_E_BUFFER_TOO_SMALL;
        dst[out++] = (uint8_t)sym;
      }
      acc <<= bits;
      nbits -= bits;
    } while (nbits >= 30);
  }
  /* The tail: fewer than 30 bits and no more input. Ones past the end make a
   * strict prefix of a code look like the longest code it starts, which is
   * then longer than what is left: the padding case. */
  while (nbits > 0) {
    uint32_t window = (uint32_t)(acc >> 32) | (0xffffffffu >> nbits);
    uint32_t fast = h2_huffman_fast[window >> (32 - H2_HUFFMAN_FAST_BITS)];
    if (fast && H2_HUFFMAN_FAST_TOTAL_LEN(fast) <= nbits && cap - out >= 2) {
      dst[out] = (uint8_t)H2_HUFFMAN_FAST_SYM1(fast);
      dst[out + 1] = (uint8_t)H2_HUFFMAN_FAST_SYM2(fast);
      out += H2_HUFFMAN_FAST_COUNT(fast);
      bits = H2_HUFFMAN_FAST_TOTAL_LEN(fast);
    } else {
      uint16_t sym = decode_symbol(window, &bits);
      if (bits > nbits) {
        if (!valid_padding(acc, nbits)) return H2_E_HPACK_HUFFMAN;
        break;
      }
      if (sym == 256) return H2_E_HPACK_HUFFMAN;
      if (out == cap) return H2_E_BUFFER_TOO_SMALL;
      dst[out++] = (uint8_t)sym;
    }
    acc <<= bits;
    nbits -= bits;
  }
  *out_len = out;
  return H2_OK;
}
