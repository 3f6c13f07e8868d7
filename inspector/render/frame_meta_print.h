/* frame_meta_print.h — the capture context (connection, time, endpoints,
 * direction) that opens every rendered frame and event: shared by
 * frame_print.c and event_print.c, nothing outside render/. */
#ifndef H2SCOPE_FRAME_META_PRINT_H
#define H2SCOPE_FRAME_META_PRINT_H

#include "frame_print.h"
#include "out_buf.h"

/* Opens a JSON object: {"v":1 and, with m, the context keys; the caller
 * adds its keys and closes it. */
void json_meta(out_buf *o, const print_options *po, const frame_meta *m);
/* Closes it: the packet numbers ("pkt", "file": last, so that the keys
 * before keep their order) and "}\n". */
void json_meta_end(out_buf *o, const frame_meta *m);
/* The text line prefix "#conn ts src -> dst " (nothing without m). */
void text_prefix(out_buf *o, const print_options *po, const frame_meta *m);
/* Bytes as text: printable ASCII as is, everything else \xNN. */
void text_escaped(out_buf *o, const char *s, size_t n);

#endif
