/* extensions.h — the HTTP/2 extensions of one captured connection, followed
 * for `read`: the rules of the extension frames ALTSVC (RFC 7838 §4), ORIGIN
 * (RFC 8336 §2.1) and PRIORITY_UPDATE (RFC 9218 §7.1) and of the priority
 * header field (RFC 9218 §4) as frame notes; extended CONNECT (RFC 8441):
 * which side enabled SETTINGS_ENABLE_CONNECT_PROTOCOL, and the :protocol
 * requests against it (§3, §4); and on the streams that carry the WebSocket
 * protocol (RFC 8441 §5), the WebSocket frames of their DATA (RFC 6455 §5),
 * attached to the DATA frame that completed them. Memory is bounded by the
 * limits of ext_config. */
#ifndef H2SCOPE_EXTENSIONS_H
#define H2SCOPE_EXTENSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoded_frame.h"
#include "h2/ext_frames.h"
#include "h2/field_rules.h"

typedef struct ext_config {
  uint32_t max_ws_streams;   /* WebSocket streams followed at once; 0 → 64 */
  uint32_t max_ws_per_frame; /* WebSocket frames listed under one DATA frame; 0 → 32 */
  uint32_t preview_max;      /* preview octets of a WebSocket data frame; 0 → 64 */
} ext_config;

typedef struct ext_conn ext_conn;

ext_conn *ext_conn_new(const ext_config *cfg); /* cfg may be NULL: the defaults */
void ext_conn_free(ext_conn *x);

/* The part of an ext_conn that ext_conn_has_work reads (its first member,
 * so a pointer to the ext_conn is one to it): whether a WebSocket stream
 * was ever followed (DATA, RST_STREAM and END_STREAM can then concern one). */
typedef struct ext_conn_head {
  bool ws_followed;
} ext_conn_head;

/* Whether ext_conn_frame has anything to do for a frame of type t; list:
 * the field rules' facts of the complete, decoded header list the frame
 * carries (NULL: it carries none). False for the common frame (no
 * WebSocket stream ever followed, no list with :protocol or priority, a
 * type below ALTSVC other than SETTINGS, which it reads for
 * SETTINGS_ENABLE_CONNECT_PROTOCOL): a caller that tests it inline need
 * not make the call. Types from ALTSVC (0xa) on are passed whatever they
 * are: ext_conn_frame sorts out ALTSVC, ORIGIN and PRIORITY_UPDATE. */
static inline bool ext_conn_has_work(const ext_conn *x, uint8_t t, const h2_field_facts *list) {
  return ((const ext_conn_head *)(const void *)x)->ws_followed || t == H2_SETTINGS ||
         t >= H2_ALTSVC || (list && (list->has_protocol || list->has_priority));
}

/* A well-formed frame from dir (FLOW_DIR_C2S: the client) after the
 * connection's own rules: adds notes (up to cap) and, for DATA of a
 * WebSocket stream, sets d->ws / d->ws_count / d->ws_more (valid until the
 * next call). block_stream: the stream whose header list d completed.
 * roles_known: false for a connection picked up in its middle (only the
 * rules that need no roles or history run). facts: what the field rules
 * found in that list, complete (h2/field_rules.h), or NULL: a list without
 * :protocol or priority is then not scanned again unless a WebSocket stream
 * waits for its answer. With facts, does nothing when ext_conn_has_work
 * (d's type, facts if d completed a decoded list) is false: a caller may
 * test that first, inline. */
void ext_conn_frame(ext_conn *x, int dir, bool roles_known, uint32_t block_stream, decoded_frame *d,
                    const h2_field_facts *facts, frame_note *notes, size_t *n, size_t cap);

/* Whether dir sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (its last value). */
bool ext_conn_connect_enabled(const ext_conn *x, int dir);

#endif
