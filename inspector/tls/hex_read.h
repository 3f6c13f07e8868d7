/* hex_read.h — hex text to bytes: key log secrets (keylog.c), and the --hex
 * inputs and `hpack decode` lines of the commands. Whitespace anywhere is
 * ignored and '#' starts a comment that runs to the end of the line, so
 * hand-made samples can say what they are. */
#ifndef H2SCOPE_HEX_READ_H
#define H2SCOPE_HEX_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Streaming decoder: text may be split anywhere (even between the two digits
 * of a byte or inside a comment). */
typedef struct hex_reader {
  int hi;       /* pending high nibble, -1 if none */
  bool comment; /* inside a '#' comment */
  uint64_t pos; /* characters consumed so far */
} hex_reader;

void hex_reader_init(hex_reader *h);
/* Decodes text[0..len) into out, which must hold len / 2 + 1 bytes. Returns
 * the bytes written, or -1 with *bad_at = position (from the first text fed)
 * of a character that is neither hex, whitespace nor comment. */
long hex_reader_feed(hex_reader *h, const char *text, size_t len, uint8_t *out, uint64_t *bad_at);
/* True when no half byte is pending (an even number of digits). */
bool hex_reader_complete(const hex_reader *h);

/* One-shot: decodes text[0..len) into out (cap bytes). Returns bytes
 * written, or -1 with *bad_at = offset of the first character that is not
 * hex (or len for an odd digit count), or -2 if out is too small. */
long hex_decode(const char *text, size_t len, uint8_t *out, size_t cap, size_t *bad_at);

#endif
