/* h2_conn.h — one captured TCP connection seen as HTTP/2: finds where the
 * HTTP/2 bytes start in each direction (prior-knowledge preface, HTTP/1.1
 * Upgrade: h2c with its 101 answer, CONNECT tunnels, mid-connection starts
 * and resynchronisation after gaps), runs a stream_decoder per direction,
 * follows SETTINGS (HEADER_TABLE_SIZE and MAX_FRAME_SIZE apply to the peer's
 * decoder once acknowledged, RFC 9113 §6.5.3) and hands every frame and
 * event, with its capture metadata, to the read_sink. */
#ifndef H2SCOPE_H2_CONN_H
#define H2SCOPE_H2_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "decoded_frame.h"
#include "event_data.h"
#include "flow_events.h"
#include "h2/buf.h"
#include "pkt_map.h"
#include "stream_decoder.h"
#include "stream_states.h"
#include "upgrade_request.h"

struct h2_conn;

/* Where frames and events go (cmd_read: filters, printing, summary). */
typedef struct read_sink {
  /* may be NULL: the frames go nowhere (the summary counts them still) */
  void (*on_frame)(void *user, struct h2_conn *c, int dir, const decoded_frame *d);
  /* event: "connection", "detect", "preface", "upgrade", "gap", "skipped",
   * "close", "limit", "stall-begin", "stall-end", "decode-error",
   * "not-http2", "truncated", ...; data: what the event carries besides its
   * message (a limit's kind, a stall), or NULL. */
  void (*on_event)(void *user, struct h2_conn *c, int dir, const char *event, uint64_t offset,
                   const char *message, const event_data *data);
  /* Optional: the "upgrade" event with its request as data (without it,
   * on_event gets the event alone). */
  void (*on_upgrade)(void *user, struct h2_conn *c, int dir, uint64_t offset, const char *message,
                     const h2_upgrade_request *u);
  /* Optional: the HTTP/1.1 request an Upgrade: h2c made stream 1 (RFC 7540
   * §3.2), as a header list with :method/:path/:scheme first. */
  void (*on_upgrade_request)(void *user, struct h2_conn *c, const h2_header *fields, size_t count);
  void *user;
} read_sink;

typedef struct conn_options {
  bool force_h2;            /* --port matched: HTTP/2 from the first plausible frame */
  uint32_t max_header_list; /* decoder limit */
  header_scratch *scratch;  /* shared */
  /* No output shows a frame's capture packets or the flow-control windows
   * after it (read -q --summary): true leaves decoded_frame's pkt_* unset
   * (0) and windows_set false, and keeps no packet map. The stream-state
   * notes and the stall events are the same either way (a stall's begin_pkt
   * is 0). The default (false) computes them. */
  bool skip_frame_details;
} conn_options;

enum conn_dir_state {
  DIR_START = 0, /* deciding what this direction carries */
  DIR_AWAIT,     /* HTTP/1.1 head seen: waiting for the answer (Upgrade, CONNECT) */
  DIR_SYNC,      /* HTTP/2 without a known frame boundary: looking for one */
  DIR_H2,        /* decoding frames */
  DIR_IGNORE,    /* not HTTP/2 */
};

typedef struct conn_dir {
  uint8_t state;
  stream_decoder *sd;
  uint64_t base;       /* stream offset where this direction's HTTP/2 bytes start */
  h2_buf held;         /* bytes held while deciding or resynchronising (h2_conn.c: HOLD_MAX) */
  uint64_t buf_offset; /* stream offset of held.p[0] */
  uint64_t ignored;    /* bytes not decoded (not HTTP/2, or skipped) */
  /* SETTINGS this direction sent, applied to the other direction's decoder
   * when the other side acknowledges them (§6.5.3). */
  bool settings_pending;
  bool pending_has_table, pending_has_frame;
  uint32_t pending_table, pending_frame;
  /* The SETTINGS_MAX_HEADER_LIST_SIZE this direction advertised (last
   * value), for the messages about the other direction's header lists. */
  bool max_list_set;
  uint32_t max_list;
  uint64_t frames, errors, bytes;
  uint64_t truncated;          /* frames or prefaces cut off by a gap or the capture's end */
  uint64_t frames_by_type[11]; /* 0..9, 10 = extension types */
  pkt_map pkts;                /* the packets of the bytes not yet decoded */
} conn_dir;

typedef struct h2_conn {
  /* The capture's flow (its id, endpoints, byte counts and packet numbers in
   * the capture's numbering of the directions, flow_events.h). */
  capture_flow *flow;
  /* The roles as read decided them, handed up as data: the capture
   * direction of the HTTP/2 client. Everything read hands its sink (the
   * `dir` of frames and events, dir[], max_stream[]) is numbered by role:
   * FLOW_DIR_C2S is the client, whatever the capture guessed.
   * h2_conn_endpoint() and h2_conn_flow_bytes() read the flow by role. It
   * starts as the capture's guess (0) and flips when the other side sends
   * the preface or is the TLS client (h2_conn_alpn_h2). */
  uint8_t client_dir;
  conn_options opt;
  read_sink sink;
  double first_ts, last_ts, ts; /* ts: of the bytes being processed */
  /* The capture packet of the bytes being processed (the last of a TLS
   * record's) and its file (capture_flow.pkt_*), for the events. */
  uint64_t pkt;
  uint32_t pkt_file;
  bool is_h2;     /* HTTP/2 was found */
  bool upgrade;   /* via HTTP/1.1 Upgrade */
  bool midstream; /* started without a preface */
  bool alpn_h2;   /* TLS with ALPN "h2": HTTP/2 from both sides' first bytes */
  uint32_t gaps;
  uint64_t gap_bytes;
  uint32_t resyncs; /* frame boundaries found again after a gap */
  uint32_t streams; /* client/server streams opened (HEADERS/PUSH_PROMISE seen) */
  uint32_t max_stream[2];
  const char *close_reason;
  /* The stream whose header list the field block open in each direction
   * carries: the HEADERS stream, or the promised stream of a PUSH_PROMISE. */
  uint32_t block_stream[2];
  bool block_push[2];
  /* Observed stream states (§5.1) for the notes on frames they forbid. */
  stream_states states;
  conn_dir dir[2];
  /* The sink's own state for this connection (cmd_read: its linter). */
  void *sink_conn;
  /* The sink's display-filter state for this connection (cmd_read -Y). */
  void *filter_conn;
} h2_conn;

/* The capture direction of role `role` (FLOW_DIR_C2S: the client). */
static inline int h2_conn_capture_dir(const h2_conn *c, int role) {
  return role ^ c->client_dir;
}
/* The "ip:port" of the client (FLOW_DIR_C2S) or the server. */
static inline const char *h2_conn_endpoint(const h2_conn *c, int role) {
  return c->flow->endpoint[h2_conn_capture_dir(c, role)];
}
/* The in-order bytes the capture delivered from the client or the server. */
static inline uint64_t h2_conn_flow_bytes(const h2_conn *c, int role) {
  return c->flow->bytes[h2_conn_capture_dir(c, role)];
}

h2_conn *h2_conn_new(capture_flow *f, const conn_options *opt, const read_sink *sink, double ts);
void h2_conn_free(h2_conn *c);
/* Bytes and gaps of capture direction dir (the capture's numbering, as the
 * flow events give it; read maps it onto its roles). */
void h2_conn_bytes(h2_conn *c, int dir, uint64_t offset, const uint8_t *data, size_t len,
                   double ts);
void h2_conn_gap(h2_conn *c, int dir, uint64_t offset, uint64_t len, double ts);
/* The connection is TLS and the server selected ALPN "h2" (RFC 9113 §3.2):
 * each side's first byte starts HTTP/2 (the client with the preface, the
 * server with its SETTINGS), so a server that speaks first decodes even when
 * the client never sends anything (an unused preconnect). client_dir is the
 * capture direction of the TLS client. Call before the first bytes; ignored
 * afterwards. */
void h2_conn_alpn_h2(h2_conn *c, int client_dir);
/* End of the connection (or capture): reports partial frames. */
void h2_conn_finish(h2_conn *c, double ts);

#endif
