/* frame_meta_print.h — the capture context (connection, time, endpoints,
 * direction) that opens every rendered frame and event: shared by
 * frame_print.c and event_print.c, nothing outside render/. */
#ifndef H2SCOPE_FRAME_META_PRINT_H
#define H2SCOPE_FRAME_META_PRINT_H

#include "frame_print.h"
#include "out_buf.h"

struct h2_conn;

/* Opens a JSON object: {"v":1 and, with m, the context keys; the caller
 * adds its keys and closes it. */
void json_meta(out_buf *o, const print_options *po, const frame_meta *m);
/* Closes it: the packet numbers ("pkt", "file": last, so that the keys
 * before keep their order) and "}\n". */
void json_meta_end(out_buf *o, const frame_meta *m);
/* The text line prefix "#conn ts src -> dst " (nothing without m). */
void text_prefix(out_buf *o, const print_options *po, const frame_meta *m);
/* The context of an event of connection c sent by dir, as of now: its
 * time (absolute, or since first_ts) and the packet being processed. */
void frame_meta_of_conn(frame_meta *m, const struct h2_conn *c, int dir, double first_ts,
                        bool absolute);
/* Bytes as text: printable ASCII as is, everything else \xNN. */
void text_escaped(out_buf *o, const char *s, size_t n);

#endif
