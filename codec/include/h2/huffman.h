/* huffman.h — the HPACK Huffman code (RFC 7541 §5.2, Appendix B). */
#ifndef H2_HUFFMAN_H
#define H2_HUFFMAN_H

#include <stddef.h>
#include <stdint.h>

#include "h2/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appendix B: code (right-aligned) and bit length of symbols 0..256 (256 = EOS). */
typedef struct h2_huffman_code {
  uint32_t code;
  uint8_t bits;
} h2_huffman_code;
extern const h2_huffman_code h2_huffman_table[257];

/* Encoded length in bytes of src (padding included). */
size_t h2_huffman_encoded_len(const uint8_t *src, size_t len);
/* Encodes src into dst (needs h2_huffman_encoded_len bytes), padding the
 * last byte with the EOS prefix (ones). Returns bytes written, 0 if cap is short. */
size_t h2_huffman_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap);
/* Decodes src. Decoded output is at most len*8/5 bytes. Errors:
 * H2_E_HPACK_HUFFMAN (EOS decoded, padding > 7 bits or not all ones — §5.2),
 * H2_E_BUFFER_TOO_SMALL (cap exceeded). */
h2_status h2_huffman_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap,
                            size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
