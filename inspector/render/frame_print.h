/* frame_print.h — renders one decoded HTTP/2 frame (all its fields, the
 * header list of a field block it completed, any rule it broke) and
 * connection-level events, as aligned text or as one JSON object per line.
 * Shared by `h2scope frames` (one raw byte stream) and `h2scope read`
 * (captures: the optional frame_meta adds connection, time, endpoints,
 * direction). The frame types are the read wing's (decoded_frame.h).
 * Everything goes through out_buf; no printf per field. */
#ifndef H2SCOPE_FRAME_PRINT_H
#define H2SCOPE_FRAME_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "decoded_frame.h"
#include "event_data.h"
#include "h2/frame.h"
#include "h2/hpack.h"
#include "out_buf.h"

/* Capture context of a frame or event (`read`); NULL for `frames`. */
typedef struct frame_meta {
  uint32_t conn;
  double ts;       /* seconds (absolute epoch, or relative: see ts_relative) */
  const char *src; /* "ip:port" of the sender */
  const char *dst;
  int dir; /* FLOW_DIR_C2S / FLOW_DIR_S2C */
  /* The capture packets it came from (1-based, Wireshark's frame.number in
   * its file): first..last, 0 when unknown (first 0: only last known);
   * file: the 1-based file when several are read, else 0. */
  uint64_t pkt_first, pkt_last;
  uint32_t file;
} frame_meta;

typedef struct print_options {
  bool json;
  bool color;        /* ANSI colours in text mode */
  bool hpack;        /* per-field representation details */
  int ts_decimals;   /* digits of the timestamp (default 6) */
  uint8_t data;      /* enum print_data: DATA payload preview */
  uint32_t data_max; /* preview bytes (default 64) */
  bool redact;       /* values of credentials and never-indexed fields → "[redacted]" */
  bool windows;      /* text: the flow-control windows under each frame that changed one */
} print_options;

enum print_data { PRINT_DATA_NONE = 0, PRINT_DATA_TEXT = 1, PRINT_DATA_HEX = 2 };

/* True when --redact hides this field's value (credentials, and fields the
 * sender marked never-indexed, RFC 7541 §7.1.3); info may be NULL. */
bool print_redacts(const print_options *po, const h2_header *h, const h2_hpack_field_info *info);

void frame_print(out_buf *o, const print_options *po, const frame_meta *m, const decoded_frame *d);

/* An event that is not a frame ("preface", "truncated", "gap", ...): text is
 * one line "<event> <message>"; JSON is {"v":1,<meta>,"event":...,"offset":N,
 * "message":...} plus the members of its data (event_data.h; may be NULL),
 * which text does not show. */
void event_print(out_buf *o, const print_options *po, const frame_meta *m, const char *event,
                 uint64_t offset, const char *message, const event_data *data);
/* The "upgrade" event (an accepted Upgrade: h2c) with its request, which
 * became stream 1, and the settings of its HTTP2-Settings header: in JSON
 * the keys stream, headers (names lowercased) and http2_settings; in text
 * indented lines under the event. */
struct h2_upgrade_request;
void upgrade_event_print(out_buf *o, const print_options *po, const frame_meta *m, uint64_t offset,
                         const char *message, const struct h2_upgrade_request *u);

#endif
