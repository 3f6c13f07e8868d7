/* frame_print.h — renders one decoded HTTP/2 frame (all its fields, the
 * header list of a field block it completed, any rule it broke) and
 * connection-level events, as aligned text or as one JSON object per line.
 * Shared by `h2scope frames` (one raw byte stream) and `h2scope read`
 * (captures: the optional frame_meta adds connection, time, endpoints,
 * direction). Everything goes through out_buf; no printf per field. */
#ifndef H2SCOPE_FRAME_PRINT_H
#define H2SCOPE_FRAME_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "h2/frame.h"
#include "h2/hpack.h"
#include "out_buf.h"

/* A rule the frame broke that only connection context shows (`read`: stream
 * states, RFC 9113 §5.1; field validity, §8.2/§8.3). Strings are static. */
typedef struct frame_note {
  const char *rule;    /* short id, e.g. "closed-stream" */
  const char *message; /* one sentence */
  const char *section; /* "RFC 9113 §5.1" */
} frame_note;

/* A frame as the decoders hand it to the printer. */
typedef struct decoded_frame {
  uint64_t offset;        /* of the frame's first byte in its direction's stream */
  h2_frame frame;         /* hd always valid; fields valid as far as decoding got */
  h2_status frame_status; /* H2_OK or the rule the frame broke (frame_err) */
  h2_error frame_err;
  bool payload_skipped; /* too large: only the header was decoded */
  /* Set on the frame that completed a field block (END_HEADERS). */
  bool block_complete;
  const h2_header *headers;
  const h2_hpack_field_info *infos;
  size_t header_count;
  h2_status block_status; /* H2_OK or the HPACK/field-block error (block_err) */
  h2_error block_err;
  /* The list's size (RFC 9113 §6.5.2: name + value + 32 per field), also
   * past the decoder's own limit list_limit (--max-header-list), where
   * block_status is H2_E_HPACK_HEADER_LIST_TOO_LARGE: what it decodes to. */
  uint64_t list_size;
  uint32_t list_limit;
  /* `read`: the SETTINGS_MAX_HEADER_LIST_SIZE the block's receiver
   * advertised, when it advertised one. */
  bool peer_list_limit_set;
  uint32_t peer_list_limit;
  uint32_t table_size;     /* decoder's dynamic table size after the block */
  const frame_note *notes; /* connection-context rule notes (NULL for `frames`) */
  size_t note_count;
} decoded_frame;

/* Capture context of a frame or event (`read`); NULL for `frames`. */
typedef struct frame_meta {
  uint32_t conn;
  double ts;       /* seconds (absolute epoch, or relative: see ts_relative) */
  const char *src; /* "ip:port" of the sender */
  const char *dst;
  int dir; /* FLOW_DIR_C2S / FLOW_DIR_S2C */
} frame_meta;

typedef struct print_options {
  bool json;
  bool color;        /* ANSI colours in text mode */
  bool hpack;        /* per-field representation details */
  int ts_decimals;   /* digits of the timestamp (default 6) */
  uint8_t data;      /* enum print_data: DATA payload preview */
  uint32_t data_max; /* preview bytes (default 64) */
  bool redact;       /* values of credentials and never-indexed fields → "[redacted]" */
} print_options;

enum print_data { PRINT_DATA_NONE = 0, PRINT_DATA_TEXT = 1, PRINT_DATA_HEX = 2 };

/* True when --redact hides this field's value (credentials, and fields the
 * sender marked never-indexed, RFC 7541 §7.1.3); info may be NULL. */
bool print_redacts(const print_options *po, const h2_header *h, const h2_hpack_field_info *info);

void frame_print(out_buf *o, const print_options *po, const frame_meta *m, const decoded_frame *d);

/* An event that is not a frame ("preface", "truncated", "gap", ...): text is
 * one line "<event> <message>"; JSON is {"v":1,<meta>,"event":...,"offset":N,
 * "message":...} plus `extra_json` (pre-rendered ,"k":v pairs, may be NULL). */
void event_print(out_buf *o, const print_options *po, const frame_meta *m, const char *event,
                 uint64_t offset, const char *message, const char *extra_json);

#endif
