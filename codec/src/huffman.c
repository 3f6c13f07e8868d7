/* huffman.c — HPACK Huffman encoding and decoding (RFC 7541 §5.2, Appendix B).
 * The code itself is data in huffman_table.c. Decoding exploits that the code
 * is canonical (codes of one length are consecutive, lengths sorted): a 64-bit
 * bit window is compared against one left-aligned limit per code length
 * (huffman_decode_table.c), so a symbol costs a few compares, not one branch
 * per bit. Encoding packs codes into a 64-bit accumulator. */
#include <string.h>

#include "h2/huffman.h"
#include "huffman_decode_table.h"

size_t h2_huffman_encoded_len(const uint8_t *src, size_t len) {
  uint64_t bits = 0;
  for (size_t i = 0; i < len; i++)
    bits += h2_huffman_table[src[i]].bits;
  return (size_t)((bits + 7) / 8);
}

size_t h2_huffman_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap) {
  uint64_t acc = 0; /* pending bits, right-aligned; never more than 7 + 30 */
  unsigned nbits = 0;
  size_t out = 0;
  for (size_t i = 0; i < len; i++) {
    const h2_huffman_code c = h2_huffman_table[src[i]];
    acc = (acc << c.bits) | c.code;
    nbits += c.bits;
    while (nbits >= 8) {
      if (out == cap)
        return 0;
      nbits -= 8;
      dst[out++] = (uint8_t)(acc >> nbits);
    }
  }
  if (nbits > 0) {
    /* §5.2: pad with the most significant bits of EOS (all ones). */
    if (out == cap)
      return 0;
    unsigned pad = 8 - nbits;
    dst[out++] = (uint8_t)((acc << pad) | ((1u << pad) - 1));
  }
  return out;
}

h2_status h2_huffman_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap,
                            size_t *out_len) {
  uint64_t acc = 0; /* unread bits, left-aligned */
  unsigned nbits = 0;
  size_t in = 0, out = 0;
  *out_len = 0;
  for (;;) {
    if (nbits <= 32 && len - in >= 4) {
      /* Refill 32 bits at once; then at least one symbol (≤ 30 bits) is whole. */
      uint32_t w = (uint32_t)src[in] << 24 | (uint32_t)src[in + 1] << 16 |
                   (uint32_t)src[in + 2] << 8 | src[in + 3];
      acc |= (uint64_t)w << (32 - nbits);
      in += 4;
      nbits += 32;
    } else {
      while (nbits <= 56 && in < len) {
        acc |= (uint64_t)src[in++] << (56 - nbits);
        nbits += 8;
      }
    }
    if (nbits == 0)
      break;
    /* Decode while a whole longest code fits: no end-of-input checks needed. */
    while (nbits >= 30) {
      uint32_t window = (uint32_t)(acc >> 32);
      const h2_huffman_length_row *row = h2_huffman_lengths;
      while (window > row->last)
        row++;
      uint16_t sym = h2_huffman_sorted_symbols[row->first_index +
                                               ((window >> (32 - row->bits)) - row->first_code)];
      if (sym == 256)
        return H2_E_HPACK_HUFFMAN; /* §5.2: an encoded EOS MUST be treated as an error */
      if (out == cap)
        return H2_E_BUFFER_TOO_SMALL;
      dst[out++] = (uint8_t)sym;
      acc <<= row->bits;
      nbits -= row->bits;
    }
    if (in < len)
      continue;
    /* The tail: fewer than 30 bits left and no more input. */
    while (nbits > 0) {
      uint32_t window = (uint32_t)(acc >> 32) | (0xffffffffu >> nbits); /* ones past the end */
      const h2_huffman_length_row *row = h2_huffman_lengths;
      while (window > row->last)
        row++; /* the last row's limit is 0xffffffff: always stops */
      if (row->bits > nbits) {
        /* The rest is a strict prefix of a code. §5.2: valid only as padding —
         * fewer than 8 bits, all ones (the EOS prefix). */
        if (nbits > 7 || (acc >> (64 - nbits)) != (1u << nbits) - 1)
          return H2_E_HPACK_HUFFMAN;
        break;
      }
      uint16_t sym = h2_huffman_sorted_symbols[row->first_index +
                                               ((window >> (32 - row->bits)) - row->first_code)];
      if (sym == 256)
        return H2_E_HPACK_HUFFMAN;
      if (out == cap)
        return H2_E_BUFFER_TOO_SMALL;
      dst[out++] = (uint8_t)sym;
      acc <<= row->bits;
      nbits -= row->bits;
    }
    break;
  }
  *out_len = out;
  return H2_OK;
}
