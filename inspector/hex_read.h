/* hex_read.h — hex text to bytes, for --hex inputs and `hpack decode` lines. */
#ifndef H2SCOPE_HEX_READ_H
#define H2SCOPE_HEX_READ_H

#include <stddef.h>
#include <stdint.h>

/* Decodes hex digits from text[0..len) into out (cap bytes), skipping
 * whitespace. Returns bytes written, or -1 with *bad_at = offset of the first
 * character that is not hex (or len for an odd digit count), or -2 if out is
 * too small. */
long hex_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *bad_at);

#endif
