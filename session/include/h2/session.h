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
#include "h2/session_api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which end of the connection this session is (§3); the same values as
 * the codec's enum h2_sender. */
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

/* How h2_session_new builds a session: the role, how the connection started,
 * our SETTINGS and the memory limits (docs/api.md, Limits). Fill it with
 * h2_session_config_init, then change fields; 0 means the default. */
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
                             (and minimum) twice the largest event: one max_frame_size
                             DATA payload plus one max_header_list_size header list */
  uint32_t output_buffer; /* bytes of encoded frames waiting for h2_session_output (DATA
                             is framed straight into the caller's buffer); default 128 KiB */
  /* Clock for the flood counters, milliseconds; NULL = CLOCK_MONOTONIC. */
  uint64_t (*now_ms)(void *user);
  /* Observer of every frame received (dir 1) and sent (dir 0), whole frame bytes. */
  void (*on_frame)(void *user, int dir, const uint8_t *frame, size_t len);
  void *user;
} h2_session_config;

/* Zeroes *cfg (every limit at its default) and sets the role (enum h2_role).
 * Start from this, then change the fields you need: a zero field always means
 * "the default". */
H2_SESSION_API void h2_session_config_init(h2_session_config *cfg, uint8_t role);

/* What an event is. Later compatible versions may add types at the end:
 * skip a type you do not know (docs/api.md, versioning). */
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

/* One event, copied out by h2_session_take_event. The integers and the
 * static strings (section, rule, detail) are the caller's to keep. headers
 * and data point into the session's event arena: they stay valid until the
 * next h2_session_recv (with the blocking wrapper: the next
 * h2_session_io_take), or h2_session_free; copy what must live longer. */
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
  const h2_header *headers; /* HEADERS, PUSH_PROMISE: the fields in order, pseudo-headers first;
                               valid until the next h2_session_recv */
  size_t header_count;
  const uint8_t *data; /* DATA payload / GOAWAY debug / unknown payload; same lifetime */
  size_t len;
  uint8_t opaque[8]; /* PING */
} h2_event;

/* One HTTP/2 connection; opaque. Not thread-safe: one thread at a time. */
typedef struct h2_session h2_session;

/* A new connection with the limits of cfg (copied; cfg need not outlive the
 * call). Everything the session will ever use is allocated here. The client
 * preface (§3.4) and our SETTINGS are queued at once: the first
 * h2_session_output returns them. NULL when cfg is invalid (no role,
 * max_frame_size outside 16384..16777215, initial_window_size above 2^31-1)
 * or memory is short. */
H2_SESSION_API h2_session *h2_session_new(const h2_session_config *cfg);
/* Frees the session and everything it allocated; NULL is a no-op. Event
 * pointers taken from it die with it. */
H2_SESSION_API void h2_session_free(h2_session *s);

/* ---- Bytes in, events out, bytes out ---- */

/* Consumes up to len received bytes; returns how many were taken. Fewer than
 * len means the event queue or arena is full: take events, then call again
 * with the rest. Pointers inside previously taken events become invalid.
 * After a connection error everything is taken (and ignored). */
H2_SESSION_API size_t h2_session_recv(h2_session *s, const uint8_t *buf, size_t len);

/* Copies the next event into *ev; false when there is none. Events come in
 * the order of the frames that caused them (send-side events such as
 * H2_EV_DATA_SENT in the order h2_session_output produced them). */
H2_SESSION_API bool h2_session_take_event(h2_session *s, h2_event *ev);

/* Writes up to cap bytes of frames to send: queued control frames and HEADERS
 * first, then DATA as windows allow. Returns bytes written (0 = nothing now).
 * Any cap works; 16 KiB + 9 or more lets a whole DATA frame through at once. */
H2_SESSION_API size_t h2_session_output(h2_session *s, uint8_t *buf, size_t cap);
/* True when h2_session_output has bytes to give now (false when DATA is only
 * waiting for the peer's WINDOW_UPDATE). */
H2_SESSION_API bool h2_session_want_write(const h2_session *s);
/* False once no more input is useful (GOAWAY exchanged and streams done, or a
 * connection error). */
H2_SESSION_API bool h2_session_want_read(const h2_session *s);
/* The connection is over: nothing to read and nothing left to write. */
H2_SESSION_API bool h2_session_done(const h2_session *s);

/* ---- Actions ("put": each queues frames and returns at once) ----
 * They return H2_OK; H2_E_INVALID_ARGUMENT when RFC 9113 does not allow the
 * action now (§5.1 stream state, §5.1.2 concurrency, after GOAWAY or a
 * connection error); H2_E_BUFFER_TOO_SMALL when the output buffer cannot take
 * the frames (drain h2_session_output and try again); H2_E_NO_MEMORY when no
 * stream slot is left (max_streams). Nothing is queued on failure. */

/* The payload of the SETTINGS frame a session made with cfg sends first
 * (RFC 9113 §3.4), as the HTTP2-Settings header of an HTTP/1.1 Upgrade
 * carries it (RFC 7540 §3.2.1): 6 octets per setting into buf; 0 when cap
 * is too small (36 always suffices). */
H2_SESSION_API size_t h2_session_settings_payload(const h2_session_config *cfg, uint8_t *buf,
                                                  size_t cap);

/* Next stream id this endpoint may open (odd for clients, even for servers),
 * or 0 when exhausted or after GOAWAY. */
H2_SESSION_API uint32_t h2_session_next_stream_id(const h2_session *s);

/* HEADERS (+ CONTINUATION cut at the peer's SETTINGS_MAX_FRAME_SIZE, §4.3):
 * a request (client, stream_id 0 = open the next stream; *stream_id_out, if
 * not NULL, gets its id), a response (server, the request's stream id), or
 * trailers (send_data(..., false), then after H2_EV_DATA_SENT
 * send_headers(..., true)). The fields are HPACK-encoded during the call:
 * headers need only live until it returns; names must be lowercase (§8.2.1),
 * pseudo-headers first (§8.3). Refused when §5.1 does not allow it, when data
 * is still pending on the stream, or beyond the peer's
 * SETTINGS_MAX_CONCURRENT_STREAMS (§5.1.2). */
H2_SESSION_API h2_status h2_session_send_headers(h2_session *s, uint32_t stream_id,
                                                 const h2_header *headers, size_t n,
                                                 bool end_stream, uint32_t *stream_id_out);
/* DATA: the bytes are NOT copied: they must stay valid until H2_EV_DATA_SENT
 * for this stream (or H2_EV_STREAM_CLOSED). One chunk per stream at a time;
 * len may be 0 (an empty DATA frame, e.g. only END_STREAM). Framed by
 * h2_session_output as the flow-control windows allow (§6.9), never beyond,
 * round-robin across streams. */
H2_SESSION_API h2_status h2_session_send_data(h2_session *s, uint32_t stream_id,
                                              const uint8_t *data, size_t len, bool end_stream);
/* Server push (§8.4): PUSH_PROMISE on stream_id (a request of the client,
 * open or half-closed (remote)) with the promised request's fields (:method
 * GET, :scheme, :authority, :path), promising the next even stream id, which
 * *promised_id gets; that stream is then "reserved (local)": answer it with
 * send_headers and send_data like a request. Refused when the client disabled
 * push (SETTINGS_ENABLE_PUSH = 0, §6.5.2) or for a client session. */
H2_SESSION_API h2_status h2_session_send_push_promise(h2_session *s, uint32_t stream_id,
                                                      const h2_header *headers, size_t n,
                                                      uint32_t *promised_id);
/* RST_STREAM (§6.4) with an enum h2_error_code: the stream is closed at once;
 * frames the peer had in flight for it are dropped quietly. */
H2_SESSION_API h2_status h2_session_send_rst_stream(h2_session *s, uint32_t stream_id,
                                                    uint32_t error_code);
/* PING (§6.7) with 8 opaque bytes; the answer comes as H2_EV_PING_ACK. */
H2_SESSION_API h2_status h2_session_send_ping(h2_session *s, const uint8_t opaque[8]);
/* GOAWAY (§6.8) with the last stream id we processed; no new streams after
 * it. debug (may be NULL) is copied, at most 256 bytes. An error code other
 * than NO_ERROR ends the connection: nothing but the queued bytes is sent. */
H2_SESSION_API h2_status h2_session_send_goaway(h2_session *s, uint32_t error_code,
                                                const char *debug);
/* Our new SETTINGS (at most 16 entries, copied); applied to our side when the
 * ACK comes (§6.5.3). Limits that size our buffers (MAX_FRAME_SIZE,
 * MAX_HEADER_LIST_SIZE, HEADER_TABLE_SIZE) cannot go above the configured
 * ones. Any refusal, a full output buffer included, is H2_E_INVALID_ARGUMENT. */
H2_SESSION_API h2_status h2_session_send_settings(h2_session *s, const h2_setting *settings,
                                                  size_t n);
/* WINDOW_UPDATE (§6.9) for stream_id (0 = the connection); only needed with
 * manual_window_update, or to grow a window beyond its initial size. */
H2_SESSION_API h2_status h2_session_send_window_update(h2_session *s, uint32_t stream_id,
                                                       uint32_t increment);
/* Any bytes, sent as they are, in order with the other frames (conformance
 * tests; the session does not track what they mean). Copied. */
H2_SESSION_API h2_status h2_session_send_raw(h2_session *s, const uint8_t *bytes, size_t len);
/* With manual_window_update: the application consumed n bytes of stream_id's
 * DATA, so they are given back to the peer (connection and stream windows). */
H2_SESSION_API void h2_session_consume(h2_session *s, uint32_t stream_id, size_t n);
/* Graceful close: GOAWAY(NO_ERROR), finish open streams, then
 * h2_session_done() becomes true. Calling it again does nothing. */
H2_SESSION_API void h2_session_close(h2_session *s);

/* Applies the HTTP2-Settings header payload of an Upgrade request (base64url
 * decoded by the caller) as the client's first SETTINGS (RFC 7540 §3.2.1). */
H2_SESSION_API h2_status h2_session_apply_upgrade_settings(h2_session *s, const uint8_t *payload,
                                                           size_t len);

/* ---- Introspection ---- */

/* The §5.1 state of a stream (enum h2_stream_state); H2_SS_IDLE for one never
 * seen, H2_SS_CLOSED for one forgotten after closing. */
H2_SESSION_API uint8_t h2_session_stream_state(const h2_session *s, uint32_t stream_id);
/* Send / receive flow-control window (§6.9) of stream_id (0 = the connection);
 * may be negative after a SETTINGS_INITIAL_WINDOW_SIZE decrease; 0 for an
 * unknown stream. */
H2_SESSION_API int64_t h2_session_send_window(const h2_session *s, uint32_t stream_id);
H2_SESSION_API int64_t h2_session_recv_window(const h2_session *s, uint32_t stream_id);
/* The peer's value of SETTINGS parameter id (1..6, enum h2_settings_id): its
 * RFC default until its SETTINGS arrive (MAX_CONCURRENT_STREAMS and
 * MAX_HEADER_LIST_SIZE: UINT32_MAX, unlimited); 0 for other ids. */
H2_SESSION_API uint32_t h2_session_peer_setting(const h2_session *s, uint16_t id);
/* Streams counted against MAX_CONCURRENT_STREAMS (§5.1.2): opened by the peer
 * (peer_initiated) or by us. */
H2_SESSION_API uint32_t h2_session_open_streams(const h2_session *s, bool peer_initiated);

#ifdef __cplusplus
}
#endif
#endif
