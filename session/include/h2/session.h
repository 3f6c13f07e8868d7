/* session.h — a minimal HTTP/2 connection (RFC 9113) without I/O: the caller
 * feeds received bytes (h2_session_recv), drains bytes to send
 * (h2_session_output), puts actions (send headers, data, RST_STREAM, PING,
 * GOAWAY, SETTINGS, WINDOW_UPDATE, raw frames) and takes events (headers,
 * data, resets, settings, pings, stream closed, errors). It never touches a
 * socket. All memory is allocated in h2_session_new from explicit limits;
 * receiving and sending never allocate. */
#ifndef H2_SESSION_H
#define H2_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/error.h"
#include "h2/frame.h"
#include "h2/hpack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Same values as enum h2_sender. */
enum h2_role { H2_ROLE_CLIENT = 1, H2_ROLE_SERVER = 2 };

/* Flood limits (RFC 9113 §10.5): counts per second of peer behaviour that
 * costs us work without progress. 0 = the default, UINT32_MAX = no limit.
 * Exceeding one is a connection error ENHANCE_YOUR_CALM. */
typedef struct h2_flood_limits {
  uint32_t rst_per_sec;          /* RST_STREAM received (rapid reset) plus RST_STREAM we send
                                    for a peer's stream error (MadeYouReset); default 1000 */
  uint32_t settings_per_sec;     /* SETTINGS received; default 100 */
  uint32_t ping_per_sec;         /* PING received (non-ACK); default 100 */
  uint32_t empty_frames_per_sec; /* DATA without payload nor END_STREAM, empty CONTINUATION
                                    and HEADERS fragments without END_HEADERS; default 100 */
  uint32_t priority_per_sec;     /* PRIORITY received; default 10000 */
  uint32_t continuation_frames;  /* CONTINUATION frames in one field block; default 64 */
  uint32_t pending_output;       /* bytes queued for the peer (acks, resets, HEADERS) above
                                    which more owed replies are refused; default 64 KiB */
} h2_flood_limits;

typedef struct h2_session_config {
  uint8_t role;      /* enum h2_role */
  bool skip_preface; /* do not send (client) / expect (server) the 24-byte magic (§3.4) */
  bool upgraded;     /* HTTP/1.1 Upgrade (RFC 7540 §3.2): stream 1 exists, half-closed
                        (remote) for a server, half-closed (local) for a client */
  /* Our SETTINGS (§6.5.2); 0 = default. */
  uint32_t header_table_size;      /* 4096 */
  uint32_t max_concurrent_streams; /* 128: streams the peer may open */
  uint32_t initial_window_size;    /* 65535; UINT32_MAX means 0 */
  uint32_t max_frame_size;         /* 16384 */
  uint32_t max_header_list_size;   /* 65536 */
  bool enable_push;                /* client only; default false */
  uint32_t connection_window;      /* receive window of the connection, raised at start with
                                      WINDOW_UPDATE; default 16 MiB (minimum 65535) */
  bool manual_window_update;       /* false: WINDOW_UPDATE sent automatically once half of a
                                      window is consumed; true: h2_session_consume() */
  h2_flood_limits flood;
  uint32_t max_streams;   /* stream slots kept (open + recently closed); default 4 *
                             max_concurrent_streams + 64 */
  uint32_t event_queue;   /* events kept before recv stops consuming; default 256 */
  uint32_t event_arena;   /* bytes for header lists and DATA in queued events; default
                             4 * max_frame_size + 2 * max_header_list_size */
  uint32_t output_buffer; /* bytes of encoded frames waiting for h2_session_output;
                             default 256 KiB */
  /* Clock for the flood counters, milliseconds; NULL = CLOCK_MONOTONIC. */
  uint64_t (*now_ms)(void *user);
  /* Observer of every frame received (dir 1) and sent (dir 0), whole frame bytes. */
  void (*on_frame)(void *user, int dir, const uint8_t *frame, size_t len);
  void *user;
} h2_session_config;

void h2_session_config_init(h2_session_config *cfg, uint8_t role);

enum h2_event_type {
  H2_EV_NONE = 0,
  H2_EV_HEADERS,          /* complete validated header list (request, response, trailers) */
  H2_EV_DATA,             /* DATA payload (flow control already accounted) */
  H2_EV_PUSH_PROMISE,     /* stream_id = associated stream, promised_id, headers */
  H2_EV_RST_STREAM,       /* the peer reset stream_id with error_code */
  H2_EV_GOAWAY,           /* the peer's GOAWAY: last_stream_id, error_code, data = debug */
  H2_EV_SETTINGS,         /* the peer's SETTINGS applied (and acknowledged) */
  H2_EV_SETTINGS_ACK,     /* the peer acknowledged our SETTINGS */
  H2_EV_PING,             /* the peer pinged (answered automatically) */
  H2_EV_PING_ACK,         /* answer to our PING: opaque */
  H2_EV_WINDOW_UPDATE,    /* stream_id (0 = connection) got more send window */
  H2_EV_STREAM_CLOSED,    /* stream_id reached "closed"; error_code if reset */
  H2_EV_DATA_SENT,        /* the data given to h2_session_send_data for stream_id is framed */
  H2_EV_STREAM_ERROR,     /* we reset stream_id: error_code, status, section */
  H2_EV_CONNECTION_ERROR, /* we are closing the connection with GOAWAY: error_code,
                             status, section, rule */
  H2_EV_UNKNOWN_FRAME,    /* extension frame (§5.5), ignored: frame_type, data */
};

typedef struct h2_event {
  uint8_t type; /* enum h2_event_type */
  bool end_stream;
  uint8_t frame_type;
  uint32_t stream_id;
  uint32_t promised_id;
  uint32_t last_stream_id;
  uint32_t error_code;
  h2_status status;    /* errors detected by us: the codec status (H2_OK for state rules) */
  const char *section; /* errors detected by us: "RFC 9113 §5.1" */
  /* Errors detected by us: the finding id of the peer's violation, the same
   * id `read --lint` reports for it (h2/observer.h's catalogue, e.g.
   * "data-on-half-closed-remote", "flow-control-overrun"); NULL when the
   * error is not a rule the catalogue names (e.g. no stream slot left). */
  const char *rule;
  const char *detail;       /* errors detected by us: the session's precise reason, also the GOAWAY
                               debug data ("stream-window-exceeded", "continuation-expected") */
  const h2_header *headers; /* valid until the next h2_session_recv */
  size_t header_count;
  const uint8_t *data; /* DATA payload / GOAWAY debug / unknown payload; same lifetime */
  size_t len;
  uint8_t opaque[8]; /* PING */
} h2_event;

typedef struct h2_session h2_session;

/* NULL when cfg is invalid or memory is short. The client preface / server
 * SETTINGS are queued at once. */
h2_session *h2_session_new(const h2_session_config *cfg);
void h2_session_free(h2_session *s);

/* Consumes up to len received bytes; returns how many were taken. Fewer than
 * len means the event queue or arena is full: take events, then call again.
 * Pointers inside previously taken events become invalid. */
size_t h2_session_recv(h2_session *s, const uint8_t *buf, size_t len);

/* Takes the next event; false when none. */
bool h2_session_take_event(h2_session *s, h2_event *ev);

/* Writes up to cap bytes of frames to send: queued control frames and HEADERS
 * first, then DATA as windows allow. Returns bytes written (0 = nothing now). */
size_t h2_session_output(h2_session *s, uint8_t *buf, size_t cap);
bool h2_session_want_write(const h2_session *s);
/* False once no more input is useful (GOAWAY exchanged and streams done, or a
 * connection error). */
bool h2_session_want_read(const h2_session *s);
/* The connection is over: nothing to read and nothing left to write. */
bool h2_session_done(const h2_session *s);

/* ---- Actions ---- */

/* Next stream id this endpoint may open (odd for clients, even for servers),
 * or 0 when exhausted or after GOAWAY. */
uint32_t h2_session_next_stream_id(const h2_session *s);

/* HEADERS (+ CONTINUATION as needed). Trailers: send_data(..., false), then
 * after H2_EV_DATA_SENT send_headers(..., true). stream_id 0 opens the next stream (client);
 * *stream_id_out gets the id. Refused (H2_E_INVALID_ARGUMENT) when §5.1 does not
 * allow it, when data is still pending on the stream, or beyond the peer's
 * MAX_CONCURRENT_STREAMS (H2_E_... REFUSED as INVALID_ARGUMENT). */
h2_status h2_session_send_headers(h2_session *s, uint32_t stream_id, const h2_header *headers,
                                  size_t n, bool end_stream, uint32_t *stream_id_out);
/* DATA: the bytes are NOT copied: they must stay valid until H2_EV_DATA_SENT
 * for this stream (or the stream closes). One chunk per stream at a time.
 * Sent as flow control windows allow (§6.9), never beyond. */
h2_status h2_session_send_data(h2_session *s, uint32_t stream_id, const uint8_t *data, size_t len,
                               bool end_stream);
/* Server push (§8.4): PUSH_PROMISE on stream_id promising the next even id. */
h2_status h2_session_send_push_promise(h2_session *s, uint32_t stream_id, const h2_header *headers,
                                       size_t n, uint32_t *promised_id);
h2_status h2_session_send_rst_stream(h2_session *s, uint32_t stream_id, uint32_t error_code);
h2_status h2_session_send_ping(h2_session *s, const uint8_t opaque[8]);
/* GOAWAY with the last stream id we processed; no new streams after it. */
h2_status h2_session_send_goaway(h2_session *s, uint32_t error_code, const char *debug);
/* Our new SETTINGS; applied to our side when the ACK comes (§6.5.3). */
h2_status h2_session_send_settings(h2_session *s, const h2_setting *settings, size_t n);
h2_status h2_session_send_window_update(h2_session *s, uint32_t stream_id, uint32_t increment);
/* Any bytes, sent as they are, in order with the other frames (conformance tests). */
h2_status h2_session_send_raw(h2_session *s, const uint8_t *bytes, size_t len);
/* With manual_window_update: the application consumed n bytes of stream_id. */
void h2_session_consume(h2_session *s, uint32_t stream_id, size_t n);
/* Graceful close: GOAWAY(NO_ERROR), finish open streams, then done. */
void h2_session_close(h2_session *s);

/* Applies the HTTP2-Settings header payload of an Upgrade request (base64url
 * decoded by the caller) as the client's first SETTINGS (RFC 7540 §3.2.1). */
h2_status h2_session_apply_upgrade_settings(h2_session *s, const uint8_t *payload, size_t len);

/* ---- Introspection (tests, -v) ---- */
uint8_t h2_session_stream_state(const h2_session *s, uint32_t stream_id); /* enum h2_stream_state */
int64_t h2_session_send_window(const h2_session *s, uint32_t stream_id);  /* 0 = connection */
int64_t h2_session_recv_window(const h2_session *s, uint32_t stream_id);
uint32_t h2_session_peer_setting(const h2_session *s, uint16_t id);
uint32_t h2_session_open_streams(const h2_session *s, bool peer_initiated);

#ifdef __cplusplus
}
#endif
#endif
