/* follow_print.h — `read --follow CONN:STREAM`: one stream's request and
 * response as a person reads them: each header list, then its body (Content-
 * Encoding decoded) as text when it is text (valid UTF-8 without control
 * bytes other than tab, CR, LF and FF), as a hex dump otherwise, the first
 * `max` bytes of each (--data-max). A body consumer (talk/body_consumer.h)
 * keeps those bytes for the one stream followed; the exchange is printed
 * when it ends. */
#ifndef H2SCOPE_FOLLOW_PRINT_H
#define H2SCOPE_FOLLOW_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "body_consumer.h"
#include "out_buf.h"

typedef struct follow_view follow_view;

follow_view *follow_new(uint32_t conn, uint32_t stream, uint32_t max);
void follow_free(follow_view *f);
body_consumer follow_consumer(follow_view *f);
/* When an exchange ends: prints it when it is the one followed; true then. */
bool follow_print(follow_view *f, out_buf *o, const exchange *x);
/* "CONN:STREAM" → numbers; false when malformed. */
bool follow_parse(const char *s, uint32_t *conn, uint32_t *stream);

#endif
