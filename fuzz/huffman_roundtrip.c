/* huffman_roundtrip.c — fuzz target for the Huffman code (RFC 7541 §5.2):
 * (1) arbitrary bytes encode and decode back to themselves, with the length
 * h2_huffman_encoded_len predicts; (2) arbitrary bytes as Huffman input: when
 * the decoder accepts them they are the one valid encoding of the output
 * (padding < 8 bits of ones, no EOS), so re-encoding gives the same bytes —
 * a decoder that accepted bad padding or an EOS would fail this. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "h2/huffman.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  uint8_t *enc = malloc(size * 4 + 8), *dec = malloc(size * 2 + 8);
  FUZZ_CHECK(enc && dec, "out of memory");
  size_t elen = h2_huffman_encoded_len(data, size);
  FUZZ_CHECK(h2_huffman_encode(data, size, enc, size * 4 + 8) == elen, "encoded length");
  size_t dlen = 0;
  FUZZ_CHECK(h2_huffman_decode(enc, elen, dec, size * 2 + 8, &dlen) == H2_OK, "round trip");
  FUZZ_CHECK(dlen == size && (size == 0 || memcmp(dec, data, size) == 0), "round trip differs");
  if (size > 0)
    FUZZ_CHECK(h2_huffman_encode(data, size, enc, elen - 1) == 0, "short buffer accepted");

  h2_status st = h2_huffman_decode(data, size, dec, size * 2 + 8, &dlen);
  FUZZ_CHECK(st == H2_OK || st == H2_E_HPACK_HUFFMAN, "unexpected status %d", st);
  if (st == H2_OK) {
    size_t relen = h2_huffman_encoded_len(dec, dlen);
    FUZZ_CHECK(relen == size, "accepted input is not the canonical encoding");
    FUZZ_CHECK(h2_huffman_encode(dec, dlen, enc, size * 4 + 8) == size &&
                   (size == 0 || memcmp(enc, data, size) == 0),
               "accepted input re-encodes differently (bad padding accepted?)");
  }
  free(enc);
  free(dec);
  return 0;
}
