/* observer.h — the connection rules of RFC 9113 in a third role next to
 * client and server: a passive observer fed the frames of both directions of
 * one connection (a capture), which reports every rule a peer broke and every
 * known abusive pattern as a finding instead of reacting. Stream states come
 * from h2/stream_state.h (one machine per endpoint: a frame is checked against
 * the receiver's state, so frames in flight across a reset are not blamed);
 * it adds flow control (connection and stream windows, INITIAL_WINDOW_SIZE
 * changes, §6.9), SETTINGS and their acknowledgement (§6.5.3), stream id
 * rules (§5.1.1), concurrency (§5.1.2), GOAWAY (§6.8), content-length
 * (§8.1.1), header list size (§6.5.2) and flood/attack patterns (§10.5).
 * Finding identifiers are stable; the stream-state ones are the rule ids of
 * h2/stream_state.h, so the session, `check` and `read --lint` agree.
 * Memory is bounded: a small entry per open stream (at most max_open_streams),
 * and closed streams are forgotten except for a fixed ring of recent ones. */
#ifndef H2_OBSERVER_H
#define H2_OBSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/frame.h"
#include "h2/hpack.h"

#ifdef __cplusplus
extern "C" {
#endif

enum h2_finding_severity {
  H2_FINDING_ERROR = 0,   /* a MUST broken, or an attack pattern */
  H2_FINDING_WARNING = 1, /* a SHOULD, an advisory limit, or a likely (not certain) violation */
  H2_FINDING_INFO = 2,    /* worth knowing; nothing wrong */
};

const char *h2_finding_severity_name(uint8_t severity); /* "error", "warning", "info" */

/* One finding. Strings are static except message (valid during the callback). */
typedef struct h2_finding {
  const char *id;      /* stable identifier, e.g. "rapid-reset", "data-on-closed" */
  uint8_t severity;    /* enum h2_finding_severity */
  uint8_t dir;         /* the endpoint at fault: 0 client, 1 server */
  uint32_t stream;     /* 0: the connection */
  const char *section; /* "RFC 9113 §6.9.1", "CVE-2023-44487 (HTTP/2 Rapid Reset)" */
  const char *message; /* one line */
} h2_finding;

/* Thresholds of the abusive patterns. Counts are per endpoint within one
 * window of window_ms (a fixed window restarting at the first event after it
 * elapsed); each pattern is reported once per endpoint and connection. */
typedef struct h2_observer_limits {
  uint32_t window_ms;           /* 10000 */
  uint32_t rapid_reset;         /* client resets of streams without a response: 100 */
  uint32_t reset_flood;         /* RST_STREAM frames from one endpoint: 1000 */
  uint32_t made_you_reset;      /* server resets with PROTOCOL_ERROR, STREAM_CLOSED,
                                   FLOW_CONTROL_ERROR or FRAME_SIZE_ERROR: 100 */
  uint32_t continuation_flood;  /* CONTINUATION frames in one field block: 32 */
  uint32_t settings_flood;      /* SETTINGS (not ACK): 100 */
  uint32_t ping_flood;          /* PING (not ACK): 100 */
  uint32_t empty_frames_flood;  /* frames that carry nothing: 100 */
  uint32_t hpack_bomb_ratio;    /* decoded list size / block wire size: 100 */
  uint32_t hpack_bomb_min;      /* ... for decoded lists of at least this many octets: 65536 */
  uint32_t data_dribble;        /* tiny WINDOW_UPDATEs from one receiver: 100 */
  uint32_t dribble_increment;   /* ... "tiny" means at most this increment: 32 */
  uint32_t stall_ms;            /* a window held at 0 while the sender has DATA pending
                                   (zero-window stall, also data-dribble), in ms of capture
                                   time: 30000; 0 turns the check off */
  uint32_t resource_loop;       /* PRIORITY frames (and HEADERS that reprioritise): 200 */
  uint32_t excessive_streams;   /* concurrent streams when no limit was announced: 1000 */
  uint32_t window_update_flood; /* WINDOW_UPDATEs from one endpoint beyond what the DATA it
                                   received and the streams it opened explain: 1000 */
  uint32_t zero_length_headers; /* fields with an empty name or value in one field block: 100 */
  uint32_t data_buffering;      /* internal-data-buffering: streams on which one sender has
                                   DATA pending behind a window at 0, at the same time: 100 */
  uint32_t buffering_ms;        /* ... held for longer than this, in ms of capture time: 30000 */
} h2_observer_limits;

void h2_observer_limits_default(h2_observer_limits *l);
/* Sets the limit called `name` (the finding id, or "window-ms", "hpack-bomb-min",
 * "dribble-increment", "stall-ms", "buffering-ms"); -1 for an unknown name. */
int h2_observer_limit_set(h2_observer_limits *l, const char *name, uint32_t value);
/* The i-th limit's name, default and meaning; NULL past the end. */
const char *h2_observer_limit_describe(size_t i, uint32_t *default_value, const char **meaning);

/* The catalogue of finding ids: id, default severity, section, description;
 * false past the end. For SARIF rules and documentation. */
bool h2_observer_rule_at(size_t i, const char **id, uint8_t *severity, const char **section,
                         const char **description);

/* Upper bound of the catalogue's size (checked at compile time), for arrays
 * of counts by catalogue index. */
#define H2_OBSERVER_RULE_MAX 96

/* What kind of finding a catalogue entry is. */
enum h2_observer_rule_kind {
  H2_RULE_CHECK = 0,            /* a rule of RFC 9113 / RFC 7541, or a note of h2scope */
  H2_RULE_PATTERN = 1,          /* an abusive pattern (§10.5) that needs the connection's state */
  H2_RULE_COUNTING_PATTERN = 2, /* an abusive pattern that only counts frames: frames lost
                                   from a capture cannot make it up */
};

/* The catalogue index of id (exactly as listed, not an alias), or -1. */
int h2_observer_rule_index(const char *id);
/* The kind (enum h2_observer_rule_kind) of the i-th entry; H2_RULE_CHECK past the end. */
uint8_t h2_observer_rule_kind(size_t i);
/* The RFC 9113 §7 error code a receiver answers the i-th entry's violation
 * with (the session does; patterns: ENHANCE_YOUR_CALM); H2_NO_ERROR for
 * warnings and notes, and past the end. */
uint32_t h2_observer_rule_code(size_t i);

/* The catalogue id for a rule name: the id itself, or one of the more
 * specific names the session and the inspector use for the same rule
 * ("stream-window-exceeded" -> "flow-control-overrun"); NULL when the name is
 * not a peer violation the catalogue knows. The pointer is the catalogue's. */
const char *h2_observer_rule_id(const char *name);
/* The catalogue id for a codec rejection of a peer's frame or field block
 * ("frame-too-large", "continuation-interleaved", "hpack-error",
 * "frame-invalid", ...); NULL for statuses that are not a peer's fault. */
const char *h2_observer_rule_for_status(h2_status status);

typedef void (*h2_finding_fn)(void *user, const h2_finding *f);

/* The flow-control windows (RFC 9113 §6.9) as each sender sees them: what
 * endpoint d (0 client, 1 server) may still send. A window can be negative
 * after SETTINGS_INITIAL_WINDOW_SIZE shrinks (§6.9.2) or an overrun. */
typedef struct h2_window_view {
  bool changed;             /* the last frame changed a window */
  uint32_t stream;          /* the stream whose windows stream_window holds; 0: none */
  bool stream_known;        /* false: not followed (upgraded stream 1, table full, closed) */
  int64_t conn[2];          /* what d may still send on the connection */
  int64_t stream_window[2]; /* ... on that stream */
  int64_t initial[2];       /* the window d's next streams start with: the peer's
                               SETTINGS_INITIAL_WINDOW_SIZE in force (§6.9.2) */
} h2_window_view;

/* A zero-window stall: DATA from sender without END_STREAM used a window up
 * (to 0 or below, §6.9.1), so the sender has more to send and must wait for
 * the receiver's WINDOW_UPDATE (or a larger INITIAL_WINDOW_SIZE); it ends
 * when the window is above 0 again or the stream can carry no more DATA from
 * the sender. Reported when it begins and when it ends. */
typedef struct h2_window_stall {
  bool end;        /* false: it begins (at this frame); true: it ends */
  uint8_t sender;  /* whose DATA waits: 0 client, 1 server */
  uint32_t stream; /* the stream; for the connection window, the one whose DATA used it up */
  bool connection; /* the connection window, else the stream's */
  int64_t window;  /* the window now */
  double since;    /* when it began (capture time, s) */
  /* what h2_observer_mark gave for the frame that began it */
  uint64_t begin_offset, begin_pkt;
  /* with end: "window-update", "settings" (INITIAL_WINDOW_SIZE), "stream-closed",
   * "connection-end", "history-lost" */
  const char *why;
} h2_window_stall;

typedef void (*h2_window_stall_fn)(void *user, const h2_window_stall *s);

typedef struct h2_observer_config {
  h2_observer_limits limits;
  bool upgraded;             /* HTTP/1.1 Upgrade: stream 1 half-closed by the client */
  bool roles_unknown;        /* no preface seen: only role-free pattern checks run */
  uint32_t max_open_streams; /* entries kept; 0 → 16384. Beyond: stream checks stop */
  h2_finding_fn on_finding;
  void *user;
  h2_window_stall_fn on_stall; /* may be NULL; called with user */
  /* The caller never asks for h2_observer_windows (it then returns false):
   * the windows are still kept, for the findings and stall events, but not
   * the view of them after each frame. */
  bool no_window_view;
} h2_observer_config;

/* A field block completed by the frame given with it. */
typedef struct h2_observer_block {
  const h2_header *fields; /* the decoded list (NULL when it could not be decoded) */
  size_t count;
  bool too_large;       /* the decoder stopped at its own list limit */
  uint32_t local_limit; /* that limit */
  /* With too_large: the size the whole list decodes to (RFC 9113 §6.5.2:
   * name + value + 32 per field), as h2_hpack_decoder_last_list_size
   * measures it; 0 when not measured (then only "more than local_limit"). */
  uint64_t list_size;
} h2_observer_block;

typedef struct h2_observer h2_observer;

h2_observer *h2_observer_new(const h2_observer_config *cfg);
void h2_observer_free(h2_observer *o);
/* A well-formed frame sent by dir (0 client, 1 server) at time ts (seconds);
 * block (may be NULL) when this frame completed a field block. */
void h2_observer_frame(h2_observer *o, int dir, const h2_frame *f, const h2_observer_block *block,
                       double ts);
/* Labels the frames given from now on (e.g. a capture's byte offset and
 * packet number) for the stall events, which say where a stall began. */
void h2_observer_mark(h2_observer *o, uint64_t offset, uint64_t pkt);
/* The windows after the last frame (v->changed: that frame changed one:
 * DATA, WINDOW_UPDATE, a SETTINGS or its ACK that changed
 * INITIAL_WINDOW_SIZE, the HEADERS or PUSH_PROMISE that opened a stream);
 * false when the windows are not known (history lost) or not kept
 * (no_window_view). */
bool h2_observer_windows(const h2_observer *o, h2_window_view *v);
/* Bytes the observer holds now, and the most it can ever hold with cfg: a
 * fixed part and the stream table, whose size max_open_streams bounds. */
size_t h2_observer_memory(const h2_observer *o);
size_t h2_observer_memory_limit(const h2_observer_config *cfg);
/* Frames were lost (a capture gap): state-dependent checks stop from here. */
void h2_observer_lost_history(h2_observer *o);
/* End of the connection: reports SETTINGS never acknowledged. */
void h2_observer_finish(h2_observer *o);

#ifdef __cplusplus
}
#endif
#endif
