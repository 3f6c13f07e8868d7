/* ext_print.h — text and JSON of what the extensions add to a frame: the
 * fields of ALTSVC (RFC 7838 §4), ORIGIN (RFC 8336 §2.1) and PRIORITY_UPDATE
 * (RFC 9218 §7.1) frames, the parsed priority header field (RFC 9218 §4) of
 * a header list, and the WebSocket frames (RFC 6455 §5.2) a DATA frame
 * completed on an extended CONNECT stream. Used by frame_print.c. */
#ifndef H2SCOPE_EXT_PRINT_H
#define H2SCOPE_EXT_PRINT_H

#include "decoded_frame.h"
#include "frame_print.h"
#include "out_buf.h"

/* The frame type's name: RFC 9113's, or an extension's ("ALTSVC"), or NULL. */
const char *frame_type_label(uint8_t type);

/* ,"altsvc":{...} / ,"origins":[...] / ,"priority_update":{...} */
void ext_fields_json(out_buf *o, const decoded_frame *d);
/* Indented lines under the frame. */
void ext_fields_text(out_buf *o, int indent, const decoded_frame *d);

/* ,"priority_field":{"urgency":U,"incremental":B,"valid":V} when the list
 * carries a priority field (the last one). */
void priority_field_json(out_buf *o, const decoded_frame *d);
/* "  (urgency=U incremental=B)" after the value of a priority field. */
void priority_field_text(out_buf *o, const h2_header *h);

/* ,"websocket":[...] (and "websocket_more") for the frames d completed. */
void ws_frames_json(out_buf *o, const decoded_frame *d);
/* One indented "websocket: ..." line per frame d completed. */
void ws_frames_text(out_buf *o, int indent, const decoded_frame *d);

#endif
