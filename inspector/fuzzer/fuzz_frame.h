/* fuzz_frame.h — a line of the check language taken apart so that a
 * mutation can change one field of one frame and write the line back:
 * the line's "LOOP N K:" prefix and its '&'-joined parts (check_build.h),
 * and one part as a frame (type, flags, stream, payload bytes, and the
 * len:/repeat:/split: tokens). A part is built with check_build_line, so
 * every token of the language (req, fields:, lit:...) becomes the bytes it
 * stands for; it is printed back as "TYPE FLAGS STREAM hex:..." (a RAW part
 * as "RAW hex:..."). */
#ifndef H2SCOPE_FUZZ_FRAME_H
#define H2SCOPE_FUZZ_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_build.h"
#include "fuzz_input.h"

#define FUZZ_PARTS_MAX 8
#define FUZZ_PAYLOAD_MAX 1900 /* payload octets a printed part may carry as hex */

typedef struct fuzz_line {
  unsigned long loops, step; /* loops 0: no LOOP prefix */
  char parts[FUZZ_PARTS_MAX][FUZZ_LINE_MAX + 1];
  size_t n;
} fuzz_line;

/* Takes a line apart; false when it has more than FUZZ_PARTS_MAX parts or a
 * malformed LOOP prefix. */
bool fuzz_line_split(const char *line, fuzz_line *l);
/* Writes it back; false when it does not fit in cap or FUZZ_LINE_MAX. */
bool fuzz_line_join(const fuzz_line *l, char *out, size_t cap);

typedef struct fuzz_frame {
  bool raw;
  uint8_t type, flags;
  uint32_t stream;
  uint8_t payload[FUZZ_PAYLOAD_MAX];
  size_t len;
  long forced_len; /* len:N, -1 when absent */
  unsigned repeat; /* repeat:N, 1 when absent */
  unsigned split;  /* split:N, 0 when absent */
} fuzz_frame;

/* Builds one part (no '&', no LOOP) into f; false when it does not build or
 * its payload is longer than FUZZ_PAYLOAD_MAX. */
bool fuzz_frame_parse(const check_build_ctx *ctx, const char *part, fuzz_frame *f);
/* The part's text; false when it does not fit in cap. */
bool fuzz_frame_print(const fuzz_frame *f, char *out, size_t cap);

#endif
