/* session_internal.h — the session's private state, shared by the session_*.c
 * files (creation, core, receive path, send path, field rules). Not installed.
 * session_new.c calls both session_core.c and session_send.c; session_core.c
 * calls neither the send nor the receive path. */
#ifndef H2_SESSION_INTERNAL_H
#define H2_SESSION_INTERNAL_H

#include "h2/session.h"
#include "h2/stream_state.h"
#include "rate_window.h"

#define H2_SESSION_MAX_FIELDS 256u /* fields in one header list we keep */
#define H2_SESSION_PENDING_SETTINGS 8u
#define H2_SESSION_MAX_SETTINGS_ENTRIES 16u

typedef struct h2_stream {
  uint32_t id;   /* 0 = free slot */
  uint32_t next; /* hash chain: slot index + 1, 0 = end */
  uint8_t state; /* enum h2_stream_state */
  bool local;    /* opened by this endpoint (its id parity) */
  bool counted;  /* counts toward a concurrency limit */
  bool closed_queued;
  bool in_ready;
  int64_t send_window;
  int64_t recv_window;
  uint32_t recv_unacked; /* bytes received not yet returned with WINDOW_UPDATE */
  /* data the application gave (not copied) */
  const uint8_t *out_data;
  size_t out_len;
  bool out_pending;
  bool out_end;
  /* message framing (§8.1) */
  uint8_t header_blocks;  /* complete non-informational HEADERS received */
  bool final_headers;     /* response with final status (or request) received */
  int64_t content_length; /* -1 = none */
  uint64_t data_received;
  bool is_head_request; /* client: response to HEAD has no body to check */
} h2_stream;

typedef struct h2_pending_settings {
  uint32_t count;
  h2_setting entries[H2_SESSION_MAX_SETTINGS_ENTRIES];
} h2_pending_settings;

struct h2_session {
  h2_session_config cfg;
  uint8_t role;
  uint8_t peer_role;

  /* settings */
  uint32_t local[7]; /* acknowledged values of our settings, index = id (1..6) */
  uint32_t peer[7];  /* the peer's values in force */
  h2_pending_settings pending[H2_SESSION_PENDING_SETTINGS];
  uint32_t pending_head, pending_count;
  uint32_t announced_max_frame; /* the largest SETTINGS_MAX_FRAME_SIZE we may announce */

  /* streams */
  h2_stream *streams;
  uint32_t stream_cap;
  uint32_t *buckets; /* slot index + 1 */
  uint32_t bucket_mask;
  uint32_t *closed_fifo; /* slot indexes of closed streams, oldest first */
  uint32_t closed_head, closed_count;
  uint32_t last_peer_stream;  /* highest id the peer opened */
  uint32_t last_local_stream; /* highest id we opened */
  uint32_t next_local_stream;
  uint32_t active_local, active_peer; /* streams counting toward the limits */
  uint32_t slots_used;                /* slots [0, slots_used) have held a stream */
  uint32_t *ready;                    /* slots of streams with DATA to send (may hold stale ones) */
  uint32_t ready_count, ready_cap;
  uint32_t data_rr; /* round-robin position in `ready` */

  /* flow control (§6.9) */
  int64_t conn_send_window;
  int64_t conn_recv_window;
  uint32_t conn_recv_unacked;
  uint32_t conn_window_target;

  /* receive path */
  bool preface_needed;
  uint32_t preface_seen;
  bool first_frame_seen; /* the peer's first frame must be SETTINGS (§3.4) */
  uint8_t *inbuf;
  size_t inbuf_cap, inbuf_len;
  h2_field_block block;
  uint8_t *block_buf;
  h2_hpack_decoder decoder;
  bool decoder_ready;
  h2_hpack_encoder *encoder;

  /* header list being decoded */
  h2_header *fields;
  uint32_t field_count;
  bool fields_overflow;
  bool fields_alloc_failed;

  /* events */
  h2_event *events;
  uint32_t ev_cap, ev_head, ev_count, ev_soft_cap;
  uint8_t *arena;
  size_t arena_cap, arena_len, arena_reserve;

  /* output */
  uint8_t *out;
  size_t out_cap, out_head, out_len;
  uint8_t *hpack_buf;
  size_t hpack_cap;

  /* connection end */
  bool failed; /* connection error: GOAWAY queued, nothing more read */
  bool goaway_sent;
  uint32_t goaway_last; /* last stream id we announced */
  bool goaway_received;
  uint32_t peer_goaway_last;
  bool closing; /* h2_session_close was called */

  /* STREAM_CLOSED events wait until the frame that closed the stream has
   * produced its own event (DATA/HEADERS with END_STREAM come first). */
  bool in_frame;
  uint32_t *closed_ids;
  uint32_t *closed_codes;
  uint32_t n_closed_deferred;

  /* flood counters */
  /* §10.5: frames of each kind the peer sent in the last second */
  rate_window n_rst, n_settings, n_ping, n_empty, n_priority;
};

/* session_core.c: the primitives every other session file uses */
h2_stream *h2s_stream_find(h2_session *s, uint32_t id);
h2_stream *h2s_stream_create(h2_session *s, uint32_t id, uint8_t state);
uint8_t h2s_stream_state_of(const h2_session *s, uint32_t id);
void h2s_stream_set_state(h2_session *s, h2_stream *st, uint8_t state, uint32_t error_code);
h2_event *h2s_event_push(h2_session *s, uint8_t type, uint32_t stream_id);
void h2s_flush_closed(h2_session *s);
void *h2s_arena_alloc(h2_session *s, size_t n, size_t align);
bool h2s_out_frame(h2_session *s, const h2_frame *f);
bool h2s_out_bytes(h2_session *s, const uint8_t *p, size_t n);
void h2s_connection_error(h2_session *s, uint32_t code, h2_status status, const char *section,
                          const char *rule);
void h2s_stream_error(h2_session *s, uint32_t stream_id, uint32_t code, h2_status status,
                      const char *section, const char *rule);
bool h2s_flood_count(h2_session *s, rate_window *counter, uint32_t limit, const char *rule);
void h2s_apply_local_settings(h2_session *s, const h2_pending_settings *p);
void h2s_maybe_window_update(h2_session *s, h2_stream *st);

/* session_recv.c */
void h2s_handle_frame(h2_session *s, const uint8_t *frame, size_t len);

/* session_fields.c: §8.2/§8.3 field validity. kind: */
enum h2s_message_kind { H2S_REQUEST, H2S_RESPONSE, H2S_TRAILERS };
/* NULL when valid, else a rule id; *content_length = -1 or the value;
 * *informational = 1xx response; *is_head = request method HEAD. */
const char *h2s_fields_check(const h2_header *h, size_t n, int kind, int64_t *content_length,
                             bool *informational, bool *is_head, bool *is_connect);

#endif
