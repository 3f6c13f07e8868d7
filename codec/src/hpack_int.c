/* hpack_int.c — HPACK integer representation (RFC 7541 §5.1). */
#include "h2/hpack.h"
#include "hpack_internal.h"

h2_status h2_hpack_int_decode(const uint8_t *buf, size_t len, unsigned prefix_bits, uint32_t *value,
                              size_t *consumed) {
  return hpack_int_decode_inline(buf, len, prefix_bits, value, consumed);
}

size_t h2_hpack_int_encode(uint32_t value, unsigned prefix_bits, uint8_t first, uint8_t *out,
                           size_t cap) {
  uint32_t max_prefix = (1u << prefix_bits) - 1;
  uint8_t pattern = (uint8_t)(first & ~max_prefix);
  if (cap == 0) return 0;
  if (value < max_prefix) {
    out[0] = (uint8_t)(pattern | value);
    return 1;
  }
  out[0] = (uint8_t)(pattern | max_prefix);
  value -= max_prefix;
  size_t n = 1;
  while (value >= 128) {
    if (n == cap) return 0;
    out[n++] = (uint8_t)(0x80 | (value & 0x7f));
    value >>= 7;
  }
  if (n == cap) return 0;
  out[n++] = (uint8_t)value;
  return n;
}
