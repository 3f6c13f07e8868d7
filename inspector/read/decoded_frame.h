/* decoded_frame.h — what the decoders of the read wing produce for one
 * HTTP/2 frame: the frame, the header list of a field block it completed, the
 * frame and HPACK status, and the rules it broke that only connection context
 * shows. The decoders (stream_decoder, h2_conn, stream_states, field_rules)
 * fill it; the printers of the out wing (frame_print) render it. It knows no
 * output format. */
#ifndef H2SCOPE_DECODED_FRAME_H
#define H2SCOPE_DECODED_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/frame.h"
#include "h2/hpack.h"
#include "h2/observer.h"
#include "websocket_frames.h"

/* A rule the frame broke that only connection context shows (`read`: stream
 * states, RFC 9113 §5.1; field validity, §8.2/§8.3). Strings are static. */
typedef struct frame_note {
  const char *rule;    /* short id, e.g. "closed-stream" */
  const char *message; /* one sentence */
  const char *section; /* "RFC 9113 §5.1" */
} frame_note;

/* A frame as the decoders hand it on (to the printer, the linter, HAR...). */
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
  /* `read`: the WebSocket frames (RFC 6455 §5.2) this DATA frame completed
   * on an extended CONNECT stream (RFC 8441 §5), and how many more it
   * completed than are listed. */
  const ws_frame_info *ws;
  size_t ws_count;
  uint32_t ws_more;
  /* `read`: the flow-control windows after this frame, when it changed one
   * and they are known (RFC 9113 §6.9; the observer's, h2/observer.h).
   * windows is valid only when windows_set (the stream decoder does not
   * clear it). */
  bool windows_set;
  h2_window_view windows;
  /* `read`: the capture packets (1-based, as Wireshark numbers them in the
   * file) that carried the frame's first and its last byte; for TLS, of
   * the records that carried them. 0: not known. */
  uint64_t pkt_first, pkt_last;
  uint32_t pkt_file; /* of several files read as one, the 1-based file of pkt_last; else 0 */
} decoded_frame;

#endif
