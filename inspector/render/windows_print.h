/* windows_print.h — the flow-control windows of a decoded frame (RFC 9113
 * §6.9: what the frame's sender and the other side may still send after
 * it, as the observer computed them: decoded_frame.windows), as the JSON
 * "windows" member and as the text line of `read --windows`. */
#ifndef H2SCOPE_WINDOWS_PRINT_H
#define H2SCOPE_WINDOWS_PRINT_H

#include "decoded_frame.h"
#include "out_buf.h"

/* ,"windows":{"sender":{...},"peer":{...}}; sender: the frame's direction. */
void windows_print_json(out_buf *o, int sender, const decoded_frame *d);
/* "    windows: sender conn=N stream=N | peer conn=N stream=N\n" */
void windows_print_text(out_buf *o, int sender, const decoded_frame *d);

#endif
