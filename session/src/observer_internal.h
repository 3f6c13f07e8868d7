/* observer_internal.h — what the parts of the passive observer share
 * (h2/observer.h): its state, the stream table entry, and the helpers of
 * observer.c (findings, stream table) that observer_windows.c, the one place
 * that keeps the flow-control windows (RFC 9113 §6.9), calls. Private to
 * the session library. */
#ifndef H2_OBSERVER_INTERNAL_H
#define H2_OBSERVER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "endpoint_sides.h"
#include "h2/observer.h"
#include "rate_window.h"

#define MAX_WINDOW 2147483647LL /* 2^31-1, §6.9.1 */
#define RING 1024               /* recently closed streams remembered */
#define PENDING 16              /* unacknowledged SETTINGS remembered per endpoint */

enum stream_flag {
  F_OVERRUN0 = 1 << 0, /* overrun by the client reported */
  F_OVERRUN1 = 1 << 1,
  F_HEAD = 1 << 2,           /* the request is HEAD: no response body (§8.1.1) */
  F_NO_BODY = 1 << 3,        /* 204/304 response */
  F_RESPONSE = 1 << 4,       /* the server sent a final response */
  F_REQUEST = 1 << 5,        /* the client's request block seen */
  F_COUNTED = 1 << 6,        /* counts toward its initiator's concurrent streams */
  F_WINDOW_UNKNOWN = 1 << 7, /* windows not known (upgraded stream 1) */
  F_CL_REPORTED0 = 1 << 8,
  F_CL_REPORTED1 = 1 << 9,
  F_PROVOKED = 1 << 10, /* the client sent a frame the server must answer with a stream error */
  /* Internal data buffering: the client's / the server's message on this
   * stream is under way (its HEADERS sent, DATA still allowed) ... */
  F_SENDING0 = 1 << 11,
  F_SENDING1 = 1 << 12,
  /* ... and the stream window leaves it nothing to send. */
  F_BLOCKED0 = 1 << 13,
  F_BLOCKED1 = 1 << 14,
  /* A zero-window stall of the client's / the server's DATA on this stream
   * is under way (observer_windows.c). */
  F_STALL0 = 1 << 15,
  F_STALL1 = 1 << 16,
};

typedef struct obs_stream {
  uint32_t id;      /* 0: empty slot */
  uint8_t state[2]; /* enum h2_stream_state of the client's and of the server's machine */
  uint32_t flags;
  int64_t window[2];         /* what endpoint d may still send on this stream */
  double stall_since[2];     /* with F_STALL*: when d's stall began */
  uint64_t stall_mark[2][2]; /* ... and the mark (offset, packet) of the frame that began it */
  int64_t content_length[2]; /* declared by d; -1: none */
  uint64_t data_len[2];      /* DATA payload sent by d */
} obs_stream;

typedef struct closed_stream {
  uint32_t id;
  uint8_t state[2];
} closed_stream;

typedef struct pending_settings {
  bool has_iws, has_mhls, has_mcs, has_push;
  uint32_t iws, mhls, mcs, push;
} pending_settings;

/* WINDOW_UPDATEs of one endpoint in the current window, and how many of
 * them its traffic explains. */
typedef struct wu_count {
  double start;
  uint32_t updates, explained;
  bool reported;
} wu_count;

typedef struct rate {
  rate_window w;
  bool reported;
} rate;

enum rate_kind {
  R_RAPID,
  R_RESET,
  R_MADE,
  R_SETTINGS,
  R_PING,
  R_EMPTY,
  R_DRIBBLE,
  R_PRIORITY,
  R_COUNT
};

struct h2_observer {
  h2_observer_config cfg;
  double ts;
  bool blind; /* history lost: state checks stop */
  /* Fixed when it is made, from cfg.limits: a frame-counting pattern has a
   * threshold (obs_count_patterns has work); stall_ms or data_buffering is
   * set (obs_windows_check has work). read's own observer has neither. */
  bool counting, window_checks;
  bool streams_blind; /* too many streams to follow */
  obs_stream *slots;
  uint32_t cap, count; /* slots (power of 2), entries */
  closed_stream ring[RING];
  uint32_t ring_next;
  uint32_t evicted_max[2]; /* highest id of each initiator forgotten from the ring */
  uint32_t max_id[2];      /* highest id opened by the client (odd) / server (even) */
  uint32_t active[2];      /* concurrent streams initiated by each endpoint */
  /* SETTINGS, by the endpoint that sent them */
  pending_settings pending[2][PENDING];
  uint32_t pending_count[2], pending_lost[2];
  bool peer_sent_after[2]; /* the peer sent frames after the oldest unacked SETTINGS */
  bool past_opening[2];    /* d sent a frame beyond its opening SETTINGS / WINDOW_UPDATE */
  uint32_t iws[2];         /* INITIAL_WINDOW_SIZE of d applied to what the peer sends */
  uint32_t mhls[2];        /* MAX_HEADER_LIST_SIZE of d (UINT32_MAX: none) */
  uint32_t mcs[2];         /* MAX_CONCURRENT_STREAMS of d, acknowledged (UINT32_MAX: none) */
  bool push_disabled;      /* the client's ENABLE_PUSH = 0, acknowledged by the server */
  /* RFC 9218 §2.1 / RFC 8441 §3: what d's first SETTINGS said about
   * NO_RFC7540_PRIORITIES (0 when absent), and whether d enabled extended
   * CONNECT; each change is reported once per endpoint. */
  bool first_settings_seen[2];
  uint32_t no_rfc7540_priorities[2];
  bool priorities_reported[2];
  bool connect_protocol[2], connect_withdrawn_reported[2];
  int64_t conn_window[2]; /* what d may still send on the connection */
  bool conn_overrun[2];
  bool goaway_sent[2];
  uint32_t goaway_last[2];
  bool goaway_reported[2], excessive_reported[2];
  /* the field block open in each direction */
  uint32_t block_stream[2];
  bool block_push[2], block_end_stream[2];
  uint64_t block_wire[2];
  uint32_t block_continuations[2];
  /* Patterns are reported once per endpoint and connection, also those
   * judged per field block: `read --lint` never suppresses a pattern, so
   * this keeps what it holds bounded. */
  bool continuation_reported[2], bomb_reported[2];
  rate rates[2][R_COUNT];
  /* zero-window stalls, by the sender whose DATA used up a window (§6.9.1):
   * [0] its stream window, [1] the connection window; stream 0: none */
  uint32_t stall_stream[2][2];
  double stall_since[2][2];
  bool stall_reported[2];
  /* zero-window stalls as events (on_window_stall), by sender: of the
   * connection window (the stream whose DATA began it) */
  bool conn_stall[2];
  uint32_t conn_stall_stream[2];
  double conn_stall_since[2];
  uint64_t conn_stall_mark[2][2];
  uint64_t mark[2]; /* h2_observer_mark: offset and packet of the frame being judged */
  /* the windows after the last frame that changed one (h2_observer_windows) */
  h2_window_view view;
  wu_count wu[2]; /* WINDOW_UPDATE flood, by the endpoint sending them */
  bool zero_length_reported[2];
  /* Internal data buffering, by sender: streams with its message under way
   * (F_SENDING*) and of those, blocked by their stream window (F_BLOCKED*);
   * since when the blocked ones have been at least the threshold. */
  uint32_t sending[2], blocked[2];
  bool buffering_held[2], buffering_reported[2];
  double buffering_since[2];
};

/* observer_patterns.c: the patterns that count frames. obs_rate_hit counts
 * one event of `kind` (enum rate_kind) for dir; true the first time the
 * count within window-ms reaches threshold. */
bool obs_rate_hit(h2_observer *o, int dir, int kind, uint32_t threshold);
void obs_count_patterns(h2_observer *o, int dir, const h2_frame *f);
/* Where the field block dir is sending stands (the stream, its wire size
 * and CONTINUATIONs so far), after HEADERS, PUSH_PROMISE or CONTINUATION:
 * kept whether or not any pattern is counted. */
static inline void obs_note_block(h2_observer *o, int dir, const h2_frame *f) {
  switch (f->hd.type) {
  case H2_HEADERS:
    o->block_continuations[dir] = 0;
    o->block_wire[dir] = f->u.headers.fragment_len;
    o->block_stream[dir] = f->hd.stream_id;
    o->block_push[dir] = false;
    o->block_end_stream[dir] = (f->hd.flags & H2_FLAG_END_STREAM) != 0;
    break;
  case H2_PUSH_PROMISE:
    o->block_continuations[dir] = 0;
    o->block_wire[dir] = f->u.push_promise.fragment_len;
    o->block_stream[dir] = f->u.push_promise.promised_stream_id;
    o->block_push[dir] = true;
    o->block_end_stream[dir] = false;
    break;
  case H2_CONTINUATION:
    o->block_wire[dir] += f->u.continuation.fragment_len;
    o->block_continuations[dir]++;
    break;
  default:
    break;
  }
}
/* A RST_STREAM from dir on s: Rapid Reset (client) and MadeYouReset (server). */
void obs_on_reset(h2_observer *o, int dir, obs_stream *s, const h2_frame *f);

/* observer_extensions.c: the settings of RFC 9218 and RFC 8441 across the
 * SETTINGS frames of one sender. */
void obs_extension_settings(h2_observer *o, int dir, const h2_frame *f);

void obs_report(h2_observer *o, const char *id, uint8_t severity, int dir, uint32_t stream,
                const char *section, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
const char *obs_who(int dir);
obs_stream *obs_find(h2_observer *o, uint32_t id);

/* observer_windows.c: the windows of a stream the observer starts following
 * (its initial windows, §6.9.2); the window part of DATA (§6.9.1), of a
 * WINDOW_UPDATE (§6.9) and of a change of SETTINGS_INITIAL_WINDOW_SIZE by
 * setter (§6.9.2); the sending/blocked counts of a stream whose state,
 * flags or windows changed (and the end of its stalls); the checks of held
 * stalls and of internal data buffering run after every frame; the stalls
 * still open at the end or when the history is lost; the start of each
 * frame. */
void obs_windows_open(h2_observer *o, obs_stream *s);
void obs_windows_data(h2_observer *o, int dir, obs_stream *s, const h2_frame *f);
void obs_windows_update(h2_observer *o, int dir, obs_stream *s, uint32_t increment);
void obs_windows_initial(h2_observer *o, int setter, uint32_t value);
void obs_windows_track_held(h2_observer *o, obs_stream *s);
static inline void obs_windows_track(h2_observer *o, obs_stream *s) {
  /* Without the internal-data-buffering counts, the work only ends stalls:
   * none held, nothing to do (the common case, every frame of read's own
   * observer). */
  if (o->cfg.limits.data_buffering || (s->flags & (F_STALL0 | F_STALL1)) || o->conn_stall[0] ||
      o->conn_stall[1])
    obs_windows_track_held(o, s);
}
void obs_windows_check(h2_observer *o);
void obs_windows_finish(h2_observer *o);
void obs_windows_lost(h2_observer *o);
static inline void obs_windows_frame_start(h2_observer *o) {
  o->view.changed = false;
}

#endif
