/* observer.c — the passive observer of one connection (h2/observer.h):
 * stream table (hash of open streams + ring of recently closed ones), the two
 * endpoints' stream-state machines, SETTINGS and their ACKs, flow-control
 * windows, field-block facts (content-length, sizes) and attack counters. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/cursor.h"
#include "h2/error.h"
#include "h2/observer.h"
#include "h2/stream_state.h"

#define CLIENT 0
#define SERVER 1
#define MAX_WINDOW 2147483647LL /* 2^31-1, §6.9.1 */
#define RING 1024               /* recently closed streams remembered */
#define PRIORITY_UPDATE 0x10    /* RFC 9218 §7.1 frame type */
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
};

typedef struct obs_stream {
  uint32_t id;      /* 0: empty slot */
  uint8_t state[2]; /* enum h2_stream_state of the client's and of the server's machine */
  uint16_t flags;
  int64_t window[2];         /* what endpoint d may still send on this stream */
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
  double start;
  uint32_t count;
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
  bool blind;         /* history lost: state checks stop */
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
  wu_count wu[2]; /* WINDOW_UPDATE flood, by the endpoint sending them */
  bool zero_length_reported[2];
  /* Internal data buffering, by sender: streams with its message under way
   * (F_SENDING*) and of those, blocked by their stream window (F_BLOCKED*);
   * since when the blocked ones have been at least the threshold. */
  uint32_t sending[2], blocked[2];
  bool buffering_held[2], buffering_reported[2];
  double buffering_since[2];
};

/* ---- findings ---- */

static void report(h2_observer *o, const char *id, uint8_t severity, int dir, uint32_t stream,
                   const char *section, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static const char *section_of(const char *id) {
  const char *rid, *sec;
  for (size_t i = 0; h2_observer_rule_at(i, &rid, NULL, &sec, NULL); i++)
    if (!strcmp(rid, id)) return sec;
  return "RFC 9113";
}

static void report(h2_observer *o, const char *id, uint8_t severity, int dir, uint32_t stream,
                   const char *section, const char *fmt, ...) {
  if (!o->cfg.on_finding) return;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  h2_finding f = {.id = id,
                  .severity = severity,
                  .dir = (uint8_t)dir,
                  .stream = stream,
                  .section = section ? section : section_of(id),
                  .message = msg};
  o->cfg.on_finding(o->cfg.user, &f);
}

static const char *who(int dir) {
  return dir == CLIENT ? "client" : "server";
}

/* A per-endpoint count within the window; true the first time it reaches the
 * threshold. */
static bool rate_hit(h2_observer *o, int dir, int kind, uint32_t threshold) {
  rate *r = &o->rates[dir][kind];
  if (threshold == 0 || r->reported) return false;
  if (r->count == 0 || (o->ts - r->start) * 1000.0 > o->cfg.limits.window_ms) {
    r->start = o->ts;
    r->count = 0;
  }
  if (++r->count < threshold) return false;
  r->reported = true;
  return true;
}

/* ---- stream table ---- */

static uint32_t slot_of(const h2_observer *o, uint32_t id) {
  return (id * 2654435761u) & (o->cap - 1);
}

static obs_stream *find(h2_observer *o, uint32_t id) {
  if (!o->cap) return NULL;
  for (uint32_t i = slot_of(o, id);; i = (i + 1) & (o->cap - 1)) {
    if (o->slots[i].id == id) return &o->slots[i];
    if (o->slots[i].id == 0) return NULL;
  }
}

static bool grow(h2_observer *o) {
  uint32_t cap = o->cap ? o->cap * 2 : 64;
  obs_stream *n = calloc(cap, sizeof *n);
  if (!n) return false;
  obs_stream *old = o->slots;
  uint32_t old_cap = o->cap;
  o->slots = n;
  o->cap = cap;
  for (uint32_t i = 0; i < old_cap; i++) {
    if (!old[i].id) continue;
    uint32_t j = slot_of(o, old[i].id);
    while (n[j].id)
      j = (j + 1) & (cap - 1);
    n[j] = old[i];
  }
  free(old);
  return true;
}

static obs_stream *add(h2_observer *o, uint32_t id) {
  uint32_t limit = o->cfg.max_open_streams ? o->cfg.max_open_streams : 16384;
  if (o->count >= limit) {
    o->streams_blind = true; /* later frames would be judged on guesses */
    return NULL;
  }
  if ((o->count + 1) * 2 > o->cap && !grow(o)) {
    o->streams_blind = true;
    return NULL;
  }
  uint32_t i = slot_of(o, id);
  while (o->slots[i].id)
    i = (i + 1) & (o->cap - 1);
  obs_stream *s = &o->slots[i];
  memset(s, 0, sizeof *s);
  s->id = id;
  s->content_length[0] = s->content_length[1] = -1;
  s->window[CLIENT] = o->iws[SERVER];
  s->window[SERVER] = o->iws[CLIENT];
  o->count++;
  return s;
}

/* Removes s, shifting later entries of its probe run back (no tombstones). */
static void remove_slot(h2_observer *o, obs_stream *s) {
  uint32_t i = (uint32_t)(s - o->slots);
  uint32_t j = i;
  for (;;) {
    o->slots[i].id = 0;
    for (;;) {
      j = (j + 1) & (o->cap - 1);
      if (!o->slots[j].id) {
        o->count--;
        return;
      }
      uint32_t k = slot_of(o, o->slots[j].id);
      /* the entry at j may move to i if its home k is not in (i, j] */
      if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) continue;
      break;
    }
    o->slots[i] = o->slots[j];
    i = j;
  }
}

static int initiator(uint32_t id) {
  return (id & 1) ? CLIENT : SERVER; /* §5.1.1 */
}

static bool is_closed(uint8_t st) {
  return st == H2_SS_CLOSED || st == H2_SS_CLOSED_RESET_LOCAL;
}

static bool is_active(uint8_t st) {
  return st == H2_SS_OPEN || st == H2_SS_HALF_CLOSED_LOCAL || st == H2_SS_HALF_CLOSED_REMOTE;
}

static const closed_stream *ring_find(const h2_observer *o, uint32_t id) {
  for (uint32_t i = 0; i < RING; i++)
    if (o->ring[i].id == id) return &o->ring[i];
  return NULL;
}

/* Keeps the internal-data-buffering counts in step with s: a sender's
 * message is under way once its HEADERS are out (the request; the final
 * response) while its own machine still lets it send DATA (§5.1: open or
 * half-closed (remote)); it is blocked while the stream window is at 0 or
 * below (§6.9.1). Called whenever a stream's state, flags or windows change. */
static void track_sending(h2_observer *o, obs_stream *s) {
  for (int d = 0; d < 2; d++) {
    uint16_t fs = d == CLIENT ? F_SENDING0 : F_SENDING1;
    uint16_t fb = d == CLIENT ? F_BLOCKED0 : F_BLOCKED1;
    bool started = (s->flags & (d == CLIENT ? F_REQUEST : F_RESPONSE)) != 0;
    bool sending = started && !(s->flags & F_WINDOW_UNKNOWN) &&
                   (s->state[d] == H2_SS_OPEN || s->state[d] == H2_SS_HALF_CLOSED_REMOTE);
    bool blocked = sending && s->window[d] <= 0;
    if (sending != ((s->flags & fs) != 0)) {
      if (sending)
        o->sending[d]++;
      else
        o->sending[d]--;
      s->flags ^= fs;
    }
    if (blocked != ((s->flags & fb) != 0)) {
      if (blocked)
        o->blocked[d]++;
      else
        o->blocked[d]--;
      s->flags ^= fb;
    }
  }
}

/* After a frame: the stream's sending/blocked marks follow its state, and
 * a stream both machines consider closed moves to the ring. */
static void retire_if_closed(h2_observer *o, obs_stream *s) {
  if (!s) return;
  track_sending(o, s);
  if (!is_closed(s->state[0]) || !is_closed(s->state[1])) return;
  if (s->flags & F_COUNTED) o->active[initiator(s->id)]--;
  closed_stream *r = &o->ring[o->ring_next];
  if (r->id && r->id > o->evicted_max[initiator(r->id)]) o->evicted_max[initiator(r->id)] = r->id;
  r->id = s->id;
  r->state[0] = s->state[0];
  r->state[1] = s->state[1];
  o->ring_next = (o->ring_next + 1) % RING;
  remove_slot(o, s);
}

/* ---- lifetime ---- */

h2_observer *h2_observer_new(const h2_observer_config *cfg) {
  h2_observer *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  o->cfg = *cfg;
  if (!o->cfg.limits.window_ms) o->cfg.limits.window_ms = 10000;
  for (int d = 0; d < 2; d++) {
    o->iws[d] = 65535;
    o->mhls[d] = UINT32_MAX;
    o->mcs[d] = UINT32_MAX;
    o->conn_window[d] = 65535;
  }
  o->blind = cfg->roles_unknown;
  if (cfg->upgraded) {
    /* RFC 7540 §3.2: the request is stream 1, half-closed (local) for the
     * client; its settings came in HTTP2-Settings, which we do not see here. */
    obs_stream *s = add(o, 1);
    if (s) {
      s->state[CLIENT] = H2_SS_HALF_CLOSED_LOCAL;
      s->state[SERVER] = H2_SS_HALF_CLOSED_REMOTE;
      s->flags |= F_WINDOW_UNKNOWN | F_COUNTED | F_REQUEST;
      o->active[CLIENT] = 1;
    }
    o->max_id[CLIENT] = 1;
  }
  return o;
}

size_t h2_observer_memory(const h2_observer *o) {
  return sizeof *o + (size_t)o->cap * sizeof *o->slots;
}

size_t h2_observer_memory_limit(const h2_observer_config *cfg) {
  /* add() keeps count <= limit and grow() doubles while 2 * count > cap. */
  size_t limit = cfg->max_open_streams ? cfg->max_open_streams : 16384;
  size_t cap = 64;
  while (cap < 2 * limit)
    cap *= 2;
  return sizeof(h2_observer) + cap * sizeof(obs_stream);
}

void h2_observer_free(h2_observer *o) {
  if (!o) return;
  free(o->slots);
  free(o);
}

void h2_observer_lost_history(h2_observer *o) {
  o->blind = true;
  o->block_stream[0] = o->block_stream[1] = 0;
}

/* ---- SETTINGS (§6.5) ---- */

static void apply_iws(h2_observer *o, int setter, uint32_t value) {
  int64_t delta = (int64_t)value - (int64_t)o->iws[setter];
  o->iws[setter] = value;
  int sender = !setter;
  /* §6.9.2: the change applies to every open stream's window, which can go
   * negative. */
  for (uint32_t i = 0; i < o->cap; i++) {
    obs_stream *s = &o->slots[i];
    if (!s->id) continue;
    s->window[sender] += delta;
    track_sending(o, s);
    if (s->window[sender] > MAX_WINDOW && !(s->flags & F_WINDOW_UNKNOWN))
      report(o, "window-overflow", H2_FINDING_ERROR, setter, s->id, NULL,
             "SETTINGS_INITIAL_WINDOW_SIZE %u makes the window of stream %u exceed 2^31-1", value,
             s->id);
  }
}

/* The settings of the extensions, checked across SETTINGS frames of one
 * sender (the values themselves are checked by the frame codec). */
static void extension_settings(h2_observer *o, int dir, const h2_frame *f) {
  bool first = !o->first_settings_seen[dir];
  o->first_settings_seen[dir] = true;
  for (uint32_t i = 0; i < f->u.settings.count; i++) {
    h2_setting s = h2_settings_at(f, i);
    if (s.id == H2_SETTINGS_NO_RFC7540_PRIORITIES) {
      /* RFC 9218 §2.1: "Senders MUST NOT change the
       * SETTINGS_NO_RFC7540_PRIORITIES value after the first SETTINGS frame." */
      if (first) {
        o->no_rfc7540_priorities[dir] = s.value;
      } else if (s.value != o->no_rfc7540_priorities[dir] && !o->priorities_reported[dir] &&
                 !o->blind) {
        o->priorities_reported[dir] = true;
        report(o, "priorities-setting-changed", H2_FINDING_ERROR, dir, 0, NULL,
               "the %s changed SETTINGS_NO_RFC7540_PRIORITIES from %u to %u after its first "
               "SETTINGS",
               who(dir), o->no_rfc7540_priorities[dir], s.value);
      }
    } else if (s.id == H2_SETTINGS_ENABLE_CONNECT_PROTOCOL) {
      /* RFC 8441 §3: "A sender MUST NOT send a SETTINGS_ENABLE_CONNECT_PROTOCOL
       * parameter with the value of 0 after previously sending a value of 1." */
      if (s.value == 1) {
        o->connect_protocol[dir] = true;
      } else if (s.value == 0 && o->connect_protocol[dir] && !o->connect_withdrawn_reported[dir]) {
        o->connect_withdrawn_reported[dir] = true;
        report(o, "connect-protocol-withdrawn", H2_FINDING_ERROR, dir, 0, NULL,
               "the %s sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 0 after sending 1", who(dir));
      }
    }
  }
}

static void on_settings(h2_observer *o, int dir, const h2_frame *f) {
  int peer = !dir;
  if (f->hd.flags & H2_FLAG_ACK) {
    /* dir acknowledges the oldest SETTINGS of the peer: they bind dir now. */
    if (o->pending_count[peer] == 0) {
      if (o->pending_lost[peer]) {
        o->pending_lost[peer]--;
        return;
      }
      report(o, "settings-ack-unexpected", H2_FINDING_ERROR, dir, 0, NULL,
             "SETTINGS ACK from the %s with no SETTINGS of the %s to acknowledge", who(dir),
             who(peer));
      return;
    }
    pending_settings p = o->pending[peer][0];
    memmove(&o->pending[peer][0], &o->pending[peer][1], (o->pending_count[peer] - 1) * sizeof p);
    o->pending_count[peer]--;
    o->peer_sent_after[peer] = false;
    if (p.has_iws && p.iws < o->iws[peer]) apply_iws(o, peer, p.iws);
    if (p.has_mhls) o->mhls[peer] = p.mhls;
    if (p.has_mcs) o->mcs[peer] = p.mcs;
    if (p.has_push && peer == CLIENT) o->push_disabled = p.push == 0;
    return;
  }
  extension_settings(o, dir, f);
  pending_settings p;
  memset(&p, 0, sizeof p);
  for (uint32_t i = 0; i < f->u.settings.count; i++) {
    h2_setting s = h2_settings_at(f, i);
    switch (s.id) {
    case H2_SETTINGS_INITIAL_WINDOW_SIZE:
      p.has_iws = true;
      p.iws = s.value;
      break;
    case H2_SETTINGS_MAX_HEADER_LIST_SIZE:
      p.has_mhls = true;
      p.mhls = s.value;
      break;
    case H2_SETTINGS_MAX_CONCURRENT_STREAMS:
      p.has_mcs = true;
      p.mcs = s.value;
      break;
    case H2_SETTINGS_ENABLE_PUSH:
      p.has_push = true;
      p.push = s.value;
      break;
    default:
      break;
    }
  }
  /* Larger limits may be used by the peer as soon as it reads them, before
   * its ACK shows up: applied at once. Smaller ones bind after the ACK. */
  if (p.has_iws && p.iws > o->iws[dir]) apply_iws(o, dir, p.iws);
  if (p.has_mhls && (o->mhls[dir] == UINT32_MAX ? false : p.mhls > o->mhls[dir]))
    o->mhls[dir] = p.mhls;
  if (o->pending_count[dir] == PENDING) {
    o->pending_lost[dir]++;
    return;
  }
  o->pending[dir][o->pending_count[dir]++] = p;
}

/* ---- GOAWAY (§6.8) ---- */

static void on_goaway(h2_observer *o, int dir, const h2_frame *f) {
  uint32_t last = f->u.goaway.last_stream_id;
  if (o->goaway_sent[dir] && last > o->goaway_last[dir])
    report(o, "goaway-last-stream-increased", H2_FINDING_ERROR, dir, 0, NULL,
           "GOAWAY from the %s raises the last stream id from %u to %u", who(dir),
           o->goaway_last[dir], last);
  o->goaway_sent[dir] = true;
  o->goaway_last[dir] = last;
}

/* ---- stream states (§5.1 via h2/stream_state.h) ---- */

/* The states of a stream not in the table: idle above the initiator's
 * highest id; else closed (remembered in the ring, or implicitly closed,
 * §5.1.1). *forgotten: it may have been closed in a way we no longer know. */
static void unknown_states(const h2_observer *o, uint32_t id, uint8_t st[2], bool *forgotten) {
  *forgotten = false;
  if (id > o->max_id[initiator(id)]) {
    st[0] = st[1] = H2_SS_IDLE;
    return;
  }
  const closed_stream *r = ring_find(o, id);
  if (r) {
    st[0] = r->state[0];
    st[1] = r->state[1];
    return;
  }
  st[0] = st[1] = H2_SS_CLOSED;
  *forgotten = id <= o->evicted_max[initiator(id)];
}

/* A new stream opened by dir: id rules, GOAWAY, concurrency. */
static void on_open(h2_observer *o, int dir, obs_stream *s) {
  if (o->goaway_sent[!dir] && s->id > o->goaway_last[!dir] && !o->goaway_reported[dir]) {
    o->goaway_reported[dir] = true;
    report(o, "stream-after-goaway", H2_FINDING_WARNING, dir, s->id, NULL,
           "the %s opened stream %u after the %s's GOAWAY (last stream %u)", who(dir), s->id,
           who(!dir), o->goaway_last[!dir]);
  }
  int init = initiator(s->id);
  s->flags |= F_COUNTED;
  o->active[init]++;
  if (o->excessive_reported[init]) return;
  if (o->mcs[!init] != UINT32_MAX && o->active[init] > o->mcs[!init]) {
    o->excessive_reported[init] = true;
    report(o, "excessive-streams", H2_FINDING_ERROR, init, s->id, "RFC 9113 §5.1.2",
           "the %s has %u concurrent streams, above the SETTINGS_MAX_CONCURRENT_STREAMS %u it "
           "acknowledged",
           who(init), o->active[init], o->mcs[!init]);
  } else if (o->mcs[!init] == UINT32_MAX && o->cfg.limits.excessive_streams &&
             o->active[init] >= o->cfg.limits.excessive_streams) {
    o->excessive_reported[init] = true;
    report(o, "excessive-streams", H2_FINDING_WARNING, init, s->id, "RFC 9113 §10.5",
           "the %s has %u concurrent streams (threshold %u; the peer announced no limit)",
           who(init), o->active[init], o->cfg.limits.excessive_streams);
  }
}

/* Runs event ev, sent by dir on stream id, through both machines: the
 * receiver's verdict decides (§5.1 as the receiver must enforce it). Returns
 * the table entry (created for a new stream), or NULL. */
static obs_stream *stream_event(h2_observer *o, int dir, uint32_t id, uint8_t ev, bool *rejected) {
  *rejected = false;
  if (o->blind || o->streams_blind || id == 0) return NULL;
  obs_stream *s = find(o, id);
  uint8_t st[2];
  bool forgotten = false;
  if (s) {
    st[0] = s->state[0];
    st[1] = s->state[1];
  } else {
    unknown_states(o, id, st, &forgotten);
  }
  bool opening = st[dir] == H2_SS_IDLE &&
                 (ev == H2_STREAM_EV_HEADERS || ev == H2_STREAM_EV_HEADERS_END_STREAM);
  if (opening) {
    /* Only clients open streams with HEADERS, with odd ids (§5.1.1); a
     * server's streams are reserved by PUSH_PROMISE (§8.4). */
    if (dir == SERVER || initiator(id) != CLIENT) {
      *rejected = true;
      report(o, "stream-id-parity", H2_FINDING_ERROR, dir, id, NULL,
             dir == SERVER ? "the server sent HEADERS on stream %u, which the client did not "
                             "open and no PUSH_PROMISE reserved"
                           : "the client opened stream %u, an even (server) id",
             id);
      return NULL;
    }
  }
  if (!s && !opening && id <= o->max_id[initiator(id)] && !ring_find(o, id) &&
      (ev == H2_STREAM_EV_HEADERS || ev == H2_STREAM_EV_HEADERS_END_STREAM) &&
      initiator(id) == dir) {
    /* HEADERS on an id below the highest: never opened (ids must grow) or reused. */
    *rejected = true;
    report(o, "stream-id-order", forgotten ? H2_FINDING_WARNING : H2_FINDING_ERROR, dir, id, NULL,
           "HEADERS on stream %u, not greater than stream %u the %s opened before", id,
           o->max_id[initiator(id)], who(dir));
    return NULL;
  }
  const h2_stream_transition *recv = h2_stream_transition_get(st[!dir], H2_STREAM_RECV, ev);
  const h2_stream_transition *send = h2_stream_transition_get(st[dir], H2_STREAM_SEND, ev);
  if (!recv || !send) return s;
  if (recv->verdict == H2_STREAM_ERROR || recv->verdict == H2_STREAM_CONNECTION_ERROR) {
    *rejected = true;
    report(o, recv->rule, forgotten ? H2_FINDING_WARNING : H2_FINDING_ERROR, dir, id, recv->section,
           "%s from the %s on stream %u, %s for the %s (%s)", h2_stream_event_name(ev), who(dir),
           id, h2_stream_state_name(st[!dir]), who(!dir),
           recv->verdict == H2_STREAM_ERROR ? "stream error" : "connection error");
    if (s && dir == CLIENT) s->flags |= F_PROVOKED;
    return s;
  }
  if (send->verdict == H2_STREAM_OK || send->verdict == H2_STREAM_IGNORE) st[dir] = send->next;
  st[!dir] = recv->next;
  if (!s) {
    if (st[0] == H2_SS_IDLE && st[1] == H2_SS_IDLE) return NULL; /* PRIORITY on idle */
    if (is_closed(st[0]) && is_closed(st[1])) return NULL;       /* stays closed */
    s = add(o, id);
    if (!s) return NULL;
    if (id > o->max_id[initiator(id)]) o->max_id[initiator(id)] = id;
    s->state[0] = st[0];
    s->state[1] = st[1];
    if (opening) on_open(o, dir, s);
    return s;
  }
  bool was_active = is_active(s->state[initiator(id)]);
  s->state[0] = st[0];
  s->state[1] = st[1];
  /* A reserved (pushed) stream becomes active with the server's HEADERS. */
  if (!was_active && !(s->flags & F_COUNTED) && is_active(st[initiator(id)])) on_open(o, dir, s);
  return s;
}

/* ---- flow control (§6.9) ---- */

static void on_data_flow(h2_observer *o, int dir, obs_stream *s, const h2_frame *f) {
  int64_t len = f->hd.length; /* padding counts (§6.9.1) */
  o->conn_window[dir] -= len;
  if (o->conn_window[dir] < 0 && !o->conn_overrun[dir]) {
    o->conn_overrun[dir] = true;
    report(o, "flow-control-overrun", H2_FINDING_ERROR, dir, f->hd.stream_id, NULL,
           "DATA from the %s overruns the connection window by %lld octets", who(dir),
           (long long)-o->conn_window[dir]);
  }
  if (!s || (s->flags & F_WINDOW_UNKNOWN)) return;
  s->window[dir] -= len;
  /* The message goes on (no END_STREAM) but a window is used up: the
   * sender has DATA pending until the receiver opens it again. */
  if (!(f->hd.flags & H2_FLAG_END_STREAM)) {
    if (s->window[dir] <= 0 && !o->stall_stream[dir][0]) {
      o->stall_stream[dir][0] = s->id;
      o->stall_since[dir][0] = o->ts;
    }
    if (o->conn_window[dir] <= 0 && !o->stall_stream[dir][1]) {
      o->stall_stream[dir][1] = s->id;
      o->stall_since[dir][1] = o->ts;
    }
  }
  uint16_t flag = dir == CLIENT ? F_OVERRUN0 : F_OVERRUN1;
  if (s->window[dir] < 0 && !(s->flags & flag)) {
    s->flags |= flag;
    report(o, "flow-control-overrun", H2_FINDING_ERROR, dir, s->id, NULL,
           "DATA from the %s overruns the window of stream %u by %lld octets", who(dir), s->id,
           (long long)-s->window[dir]);
  }
}

static void on_window_update(h2_observer *o, int dir, const h2_frame *f) {
  uint32_t inc = f->u.window_update.increment;
  if (o->cfg.limits.dribble_increment && inc <= o->cfg.limits.dribble_increment && !o->blind &&
      rate_hit(o, dir, R_DRIBBLE, o->cfg.limits.data_dribble))
    report(o, "data-dribble", H2_FINDING_ERROR, dir, f->hd.stream_id, NULL,
           "%u WINDOW_UPDATEs of at most %u octets from the %s within %u ms",
           o->cfg.limits.data_dribble, o->cfg.limits.dribble_increment, who(dir),
           o->cfg.limits.window_ms);
  if (o->blind) return;
  int sender = !dir;
  if (f->hd.stream_id == 0) {
    o->conn_window[sender] += inc;
    if (o->conn_window[sender] > MAX_WINDOW) {
      report(o, "window-overflow", H2_FINDING_ERROR, dir, 0, NULL,
             "WINDOW_UPDATE from the %s raises the connection window above 2^31-1", who(dir));
      o->conn_window[sender] = MAX_WINDOW;
    }
    return;
  }
  bool rejected;
  obs_stream *s = stream_event(o, dir, f->hd.stream_id, H2_STREAM_EV_WINDOW_UPDATE, &rejected);
  if (!s || rejected || (s->flags & F_WINDOW_UNKNOWN)) return;
  s->window[sender] += inc;
  if (s->window[sender] > MAX_WINDOW) {
    report(o, "window-overflow", H2_FINDING_ERROR, dir, s->id, NULL,
           "WINDOW_UPDATE from the %s raises the window of stream %u above 2^31-1", who(dir),
           s->id);
    s->window[sender] = MAX_WINDOW;
  }
  track_sending(o, s);
}

/* ---- field blocks ---- */

static bool name_is(const h2_header *h, const char *name) {
  size_t n = strlen(name);
  return h->name_len == n && !memcmp(h->name, name, n);
}

static int64_t parse_length(const h2_header *h) {
  if (h->value_len == 0 || h->value_len > 18) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < h->value_len; i++) {
    if (h->value[i] < '0' || h->value[i] > '9') return -1;
    v = v * 10 + (h->value[i] - '0');
  }
  return v;
}

static void on_block(h2_observer *o, int dir, obs_stream *s, const h2_observer_block *b) {
  uint64_t wire = o->block_wire[dir];
  uint32_t sid = o->block_stream[dir];
  uint64_t size = 0;
  int64_t cl = -1;
  int status = 0;
  bool head = false;
  uint32_t empty = 0;
  for (size_t i = 0; b->fields && i < b->count; i++) {
    const h2_header *h = &b->fields[i];
    size += h->name_len + h->value_len + 32; /* §6.5.2 / RFC 7541 §4.1 */
    if (!h->name_len || !h->value_len) empty++;
    if (name_is(h, "content-length"))
      cl = parse_length(h);
    else if (name_is(h, ":status") && h->value_len == 3)
      status = (h->value[0] - '0') * 100 + (h->value[1] - '0') * 10 + (h->value[2] - '0');
    else if (name_is(h, ":method") && h->value_len == 4 && !memcmp(h->value, "HEAD", 4))
      head = true;
  }
  /* What the list decodes to: summed here, or measured by the decoder past
   * its own limit (an HPACK bomb stops the decoder long before its real
   * size: judged by that, not by the limit); unmeasured, only "more than
   * the limit" is known. */
  bool at_least = b->too_large && !b->list_size;
  if (b->too_large) size = b->list_size ? b->list_size : b->local_limit;
  const h2_observer_limits *l = &o->cfg.limits;
  /* CVE-2019-9516: fields of no length cost a receiver that keeps them per
   * field (32 octets of accounting each, §6.5.2, and its own allocation)
   * while the block stays small on the wire (3 octets each, 1 when indexed
   * from the table). */
  if (l->zero_length_headers && empty >= l->zero_length_headers && !o->zero_length_reported[dir]) {
    o->zero_length_reported[dir] = true;
    report(o, "zero-length-headers", H2_FINDING_ERROR, dir, sid, NULL,
           "a field block from the %s with %u fields of empty name or value (of %zu)", who(dir),
           empty, b->count);
  }
  bool bomb = false;
  if ((b->fields || b->too_large) && l->hpack_bomb_ratio && size >= l->hpack_bomb_min &&
      size >= (uint64_t)l->hpack_bomb_ratio * wire)
    bomb = true;
  if (at_least && l->hpack_bomb_ratio && (uint64_t)l->hpack_bomb_ratio * wire <= size) bomb = true;
  if (bomb && !o->bomb_reported[dir]) {
    o->bomb_reported[dir] = true;
    report(o, "hpack-bomb", H2_FINDING_ERROR, dir, sid, NULL,
           "a header block of %llu octets on the wire decodes to %s%llu octets%s",
           (unsigned long long)wire, at_least ? "more than " : "", (unsigned long long)size,
           b->too_large && !at_least ? " (measured past the decoder's limit, not expanded)" : "");
  }
  uint32_t limit = o->mhls[!dir];
  if (limit != UINT32_MAX && (b->fields || b->too_large) &&
      (at_least ? size >= limit : size > limit))
    report(o, "header-list-too-large", H2_FINDING_WARNING, dir, sid, NULL,
           "a header list of %s%llu octets, above the %s's SETTINGS_MAX_HEADER_LIST_SIZE %u",
           at_least ? "more than " : "", (unsigned long long)size, who(!dir), limit);
  if (!s || !b->fields || o->block_push[dir]) return;
  if (dir == CLIENT && !(s->flags & F_REQUEST)) {
    s->flags |= F_REQUEST;
    if (head) s->flags |= F_HEAD;
    s->content_length[CLIENT] = cl;
  } else if (dir == SERVER && !(s->flags & F_RESPONSE) && status >= 200) {
    s->flags |= F_RESPONSE;
    if (status == 204 || status == 304) s->flags |= F_NO_BODY;
    s->content_length[SERVER] = cl;
  }
}

/* §8.1.1: a content-length must equal the DATA payload of the message. */
static void check_length(h2_observer *o, int dir, obs_stream *s, bool at_end) {
  if (!s || s->content_length[dir] < 0) return;
  if (dir == SERVER && (s->flags & (F_HEAD | F_NO_BODY))) return;
  uint16_t flag = dir == CLIENT ? F_CL_REPORTED0 : F_CL_REPORTED1;
  if (s->flags & flag) return;
  uint64_t want = (uint64_t)s->content_length[dir];
  if (s->data_len[dir] > want || (at_end && s->data_len[dir] != want)) {
    s->flags |= flag;
    report(o, "content-length-mismatch", H2_FINDING_ERROR, dir, s->id, NULL,
           "the %s's content-length is %llu but %s %llu octets of DATA", who(dir),
           (unsigned long long)want, at_end ? "the message carried" : "it sent at least",
           (unsigned long long)s->data_len[dir]);
  }
}

/* ---- zero-window stall (CVE-2019-9511's other face) ---- */

/* A receiver that keeps a window at 0 while the sender still has DATA for a
 * stream it has not ended stalls it (§6.9.1 gives the receiver that power;
 * holding it for long ties up the sender's buffers). Checked at every frame
 * and at the end in capture time: each stall ends when the window opens or
 * the stream can no longer carry DATA from the sender; one lasting longer
 * than stall_ms is reported once per receiver. */
static void check_stalls(h2_observer *o) {
  uint32_t limit_ms = o->cfg.limits.stall_ms;
  for (int d = 0; d < 2; d++) {
    for (int k = 0; k < 2; k++) {
      uint32_t id = o->stall_stream[d][k];
      if (!id) continue;
      obs_stream *s = o->blind ? NULL : find(o, id);
      bool sendable = s && (s->state[d] == H2_SS_OPEN || s->state[d] == H2_SS_HALF_CLOSED_REMOTE);
      int64_t window = !s ? 1 : k == 0 ? s->window[d] : o->conn_window[d];
      if (!sendable || window > 0) {
        o->stall_stream[d][k] = 0;
        continue;
      }
      double held_ms = (o->ts - o->stall_since[d][k]) * 1000.0;
      if (!limit_ms || held_ms <= limit_ms || o->stall_reported[!d]) continue;
      o->stall_reported[!d] = true;
      report(o, "data-dribble", H2_FINDING_WARNING, !d, id, NULL,
             "the %s held the %s window at 0 for %.0f ms while the %s had DATA pending on "
             "stream %u",
             who(!d), k == 0 ? "stream" : "connection", held_ms, who(d), id);
    }
  }
}

/* ---- internal data buffering (CVE-2019-9517) ---- */

/* A receiver that asks for many messages (requests large responses) and
 * keeps their windows at 0 makes the sender hold all that DATA: every
 * stream whose message is under way is blocked while the connection window
 * is at 0, else those whose stream window is. Reported once per receiver
 * when at least data_buffering streams stay blocked for buffering_ms of
 * capture time; checked at every frame and at the end. */
static void check_buffering(h2_observer *o) {
  const h2_observer_limits *l = &o->cfg.limits;
  if (o->blind || !l->data_buffering) return;
  for (int d = 0; d < 2; d++) {
    uint32_t n = o->conn_window[d] <= 0 ? o->sending[d] : o->blocked[d];
    if (n < l->data_buffering) {
      o->buffering_held[d] = false;
      continue;
    }
    if (!o->buffering_held[d]) {
      o->buffering_held[d] = true;
      o->buffering_since[d] = o->ts;
      continue;
    }
    double held_ms = (o->ts - o->buffering_since[d]) * 1000.0;
    if (held_ms <= l->buffering_ms || o->buffering_reported[!d]) continue;
    o->buffering_reported[!d] = true;
    report(o, "internal-data-buffering", H2_FINDING_ERROR, !d, 0, NULL,
           "the %s held %u streams at a zero %s window for %.0f ms while the %s had DATA "
           "pending on them",
           who(!d), n, o->conn_window[d] <= 0 ? "connection" : "stream", held_ms, who(d));
  }
}

/* ---- patterns that count frames ---- */

/* WINDOW_UPDATE flood (§10.5): a receiver legitimately sends about one
 * stream and one connection WINDOW_UPDATE per DATA frame it read, and one
 * per stream it opened (some clients enlarge each new stream's window at
 * once). Per endpoint and window, the WINDOW_UPDATEs beyond that count;
 * explained is what its traffic adds, update whether this is one. */
static void window_update_count(h2_observer *o, int dir, uint32_t explained, bool update) {
  const h2_observer_limits *l = &o->cfg.limits;
  wu_count *w = &o->wu[dir];
  if (!l->window_update_flood || w->reported) return;
  if ((w->updates == 0 && w->explained == 0) || (o->ts - w->start) * 1000.0 > l->window_ms) {
    w->start = o->ts;
    w->updates = w->explained = 0;
  }
  w->explained += explained;
  if (!update || ++w->updates <= w->explained || w->updates - w->explained < l->window_update_flood)
    return;
  w->reported = true;
  report(o, "window-update-flood", H2_FINDING_ERROR, dir, 0, NULL,
         "%u WINDOW_UPDATE frames from the %s within %u ms, %u more than the DATA frames it "
         "received and the streams it opened explain",
         w->updates, who(dir), l->window_ms, w->updates - w->explained);
}

static bool empty_frame(const h2_frame *f) {
  switch (f->hd.type) {
  case H2_DATA:
    return f->u.data.len == 0 && !(f->hd.flags & H2_FLAG_END_STREAM);
  case H2_HEADERS:
    return f->u.headers.fragment_len == 0 &&
           !(f->hd.flags & (H2_FLAG_END_HEADERS | H2_FLAG_END_STREAM));
  case H2_CONTINUATION:
    return f->u.continuation.fragment_len == 0 && !(f->hd.flags & H2_FLAG_END_HEADERS);
  default:
    return false;
  }
}

static void count_patterns(h2_observer *o, int dir, const h2_frame *f) {
  const h2_observer_limits *l = &o->cfg.limits;
  uint32_t sid = f->hd.stream_id;
  if (empty_frame(f) && rate_hit(o, dir, R_EMPTY, l->empty_frames_flood))
    report(o, "empty-frames-flood", H2_FINDING_ERROR, dir, sid, NULL,
           "%u frames without content from the %s within %u ms", l->empty_frames_flood, who(dir),
           l->window_ms);
  switch (f->hd.type) {
  case H2_DATA:
    window_update_count(o, !dir, 2, false);
    break;
  case H2_WINDOW_UPDATE:
    window_update_count(o, dir, 0, true);
    break;
  case H2_SETTINGS:
    if (!(f->hd.flags & H2_FLAG_ACK) && rate_hit(o, dir, R_SETTINGS, l->settings_flood))
      report(o, "settings-flood", H2_FINDING_ERROR, dir, 0, NULL,
             "%u SETTINGS frames from the %s within %u ms", l->settings_flood, who(dir),
             l->window_ms);
    break;
  case H2_PING:
    if (!(f->hd.flags & H2_FLAG_ACK) && rate_hit(o, dir, R_PING, l->ping_flood))
      report(o, "ping-flood", H2_FINDING_ERROR, dir, 0, NULL,
             "%u PING frames from the %s within %u ms", l->ping_flood, who(dir), l->window_ms);
    break;
  case H2_PRIORITY:
  case PRIORITY_UPDATE:
    /* CVE-2019-9513 churns the priority tree; RFC 9218's PRIORITY_UPDATE
     * (on stream 0, naming the stream in its payload, §7.1) reprioritises
     * just the same, so both count. */
    if (f->hd.type == PRIORITY_UPDATE) {
      h2_cursor c = h2_cursor_make(f->u.unknown.payload, f->u.unknown.len);
      uint32_t prioritized;
      if (h2_cursor_get_u32(&c, &prioritized)) sid = prioritized & 0x7fffffffu;
    }
    if (rate_hit(o, dir, R_PRIORITY, l->resource_loop))
      report(o, "resource-loop", H2_FINDING_ERROR, dir, sid, NULL,
             "%u PRIORITY and PRIORITY_UPDATE frames from the %s within %u ms", l->resource_loop,
             who(dir), l->window_ms);
    break;
  case H2_RST_STREAM:
    if (rate_hit(o, dir, R_RESET, l->reset_flood))
      report(o, "reset-flood", H2_FINDING_ERROR, dir, sid, NULL,
             "%u RST_STREAM frames from the %s within %u ms", l->reset_flood, who(dir),
             l->window_ms);
    break;
  case H2_HEADERS:
  case H2_PUSH_PROMISE:
    window_update_count(o, dir, 1, false);
    o->block_continuations[dir] = 0;
    o->block_wire[dir] =
        f->hd.type == H2_HEADERS ? f->u.headers.fragment_len : f->u.push_promise.fragment_len;
    o->block_stream[dir] = f->hd.type == H2_HEADERS ? sid : f->u.push_promise.promised_stream_id;
    o->block_push[dir] = f->hd.type == H2_PUSH_PROMISE;
    o->block_end_stream[dir] = f->hd.type == H2_HEADERS && (f->hd.flags & H2_FLAG_END_STREAM) != 0;
    break;
  case H2_CONTINUATION:
    o->block_wire[dir] += f->u.continuation.fragment_len;
    o->block_continuations[dir]++;
    if (l->continuation_flood && o->block_continuations[dir] >= l->continuation_flood &&
        !o->continuation_reported[dir]) {
      o->continuation_reported[dir] = true;
      report(o, "continuation-flood", H2_FINDING_ERROR, dir, sid, NULL,
             "a field block from the %s continued by %u CONTINUATION frames", who(dir),
             o->block_continuations[dir]);
    }
    break;
  default:
    break;
  }
}

/* RST_STREAM: rapid reset (the client cancels before any response) and
 * MadeYouReset (the server resets because of the client's stream errors). */
static void on_reset(h2_observer *o, int dir, obs_stream *s, const h2_frame *f) {
  if (o->blind || !s || initiator(s->id) != CLIENT) return;
  const h2_observer_limits *l = &o->cfg.limits;
  if (dir == CLIENT && !(s->flags & F_RESPONSE) && rate_hit(o, CLIENT, R_RAPID, l->rapid_reset))
    report(o, "rapid-reset", H2_FINDING_ERROR, CLIENT, s->id, NULL,
           "%u streams opened and reset by the client before a response within %u ms",
           l->rapid_reset, l->window_ms);
  uint32_t code = f->u.rst_stream.error_code;
  bool provoked = (s->flags & F_PROVOKED) || code == H2_PROTOCOL_ERROR ||
                  code == H2_STREAM_CLOSED || code == H2_FLOW_CONTROL_ERROR ||
                  code == H2_FRAME_SIZE_ERROR;
  if (dir == SERVER && provoked && code != H2_NO_ERROR && code != H2_CANCEL &&
      rate_hit(o, CLIENT, R_MADE, l->made_you_reset))
    report(o, "made-you-reset", H2_FINDING_ERROR, CLIENT, s->id, NULL,
           "the server reset %u client streams with stream errors within %u ms", l->made_you_reset,
           l->window_ms);
}

/* ---- frames ---- */

static void on_push_promise(h2_observer *o, int dir, const h2_frame *f) {
  uint32_t assoc = f->hd.stream_id, promised = f->u.push_promise.promised_stream_id;
  if (o->push_disabled)
    report(o, "push-disabled", H2_FINDING_ERROR, dir, promised, NULL,
           "PUSH_PROMISE for stream %u after the server acknowledged SETTINGS_ENABLE_PUSH = 0",
           promised);
  obs_stream *a = find(o, assoc);
  uint8_t st[2];
  bool forgotten;
  if (a) {
    st[0] = a->state[0];
    st[1] = a->state[1];
  } else {
    unknown_states(o, assoc, st, &forgotten);
  }
  /* §6.6: the associated stream is open or half-closed (remote) for the
   * server; a client that reset it meanwhile ignores the promise. */
  if (st[SERVER] != H2_SS_OPEN && st[SERVER] != H2_SS_HALF_CLOSED_REMOTE &&
      st[CLIENT] != H2_SS_CLOSED_RESET_LOCAL)
    report(o, "push-on-closed-stream", H2_FINDING_ERROR, dir, assoc, NULL,
           "PUSH_PROMISE on stream %u, %s for the server", assoc, h2_stream_state_name(st[SERVER]));
  if (promised <= o->max_id[SERVER] && !find(o, promised)) {
    report(o, "stream-id-order", H2_FINDING_ERROR, dir, promised, NULL,
           "promised stream %u is not greater than stream %u the server used before", promised,
           o->max_id[SERVER]);
    return;
  }
  bool rejected;
  (void)stream_event(o, dir, promised, H2_STREAM_EV_PUSH_PROMISE, &rejected);
}

void h2_observer_frame(h2_observer *o, int dir, const h2_frame *f, const h2_observer_block *block,
                       double ts) {
  dir = dir ? SERVER : CLIENT;
  o->ts = ts;
  /* Frames that show dir read the peer's SETTINGS and still did not answer:
   * not a GOAWAY on the way out, and not dir's opening flight (its preface
   * SETTINGS and a connection WINDOW_UPDATE, written at connection start
   * whether or not anything was read: a browser's unused preconnect sends
   * them and a GOAWAY, nothing else). */
  bool opening =
      !o->past_opening[dir] && ((f->hd.type == H2_SETTINGS && !(f->hd.flags & H2_FLAG_ACK)) ||
                                (f->hd.type == H2_WINDOW_UPDATE && f->hd.stream_id == 0));
  if (!opening) o->past_opening[dir] = true;
  if (o->pending_count[!dir] && f->hd.type != H2_GOAWAY && !opening)
    o->peer_sent_after[!dir] = true;
  count_patterns(o, dir, f);
  uint8_t ev = h2_stream_event_of(f->hd.type, f->hd.flags);
  obs_stream *s = NULL;
  bool rejected = false;
  switch (f->hd.type) {
  case H2_SETTINGS:
    if (!o->blind) on_settings(o, dir, f);
    break;
  case H2_GOAWAY:
    on_goaway(o, dir, f);
    break;
  case H2_WINDOW_UPDATE:
    on_window_update(o, dir, f);
    break;
  case H2_PUSH_PROMISE:
    if (!o->blind && !o->streams_blind) on_push_promise(o, dir, f);
    break;
  case H2_CONTINUATION:
    s = o->blind ? NULL : find(o, o->block_stream[dir]);
    break;
  case H2_DATA:
    s = stream_event(o, dir, f->hd.stream_id, ev, &rejected);
    if (!o->blind && !rejected) on_data_flow(o, dir, s, f);
    if (s && !rejected) {
      s->data_len[dir] += f->u.data.len;
      check_length(o, dir, s, (f->hd.flags & H2_FLAG_END_STREAM) != 0);
    }
    break;
  case H2_HEADERS:
    s = stream_event(o, dir, f->hd.stream_id, ev, &rejected);
    break;
  case H2_RST_STREAM:
    s = find(o, f->hd.stream_id);
    if (s) on_reset(o, dir, s, f);
    s = stream_event(o, dir, f->hd.stream_id, ev, &rejected);
    break;
  case H2_PRIORITY:
    s = stream_event(o, dir, f->hd.stream_id, ev, &rejected);
    break;
  default:
    break;
  }
  if (block && !rejected) {
    obs_stream *bs = f->hd.type == H2_PUSH_PROMISE ? NULL : (s ? s : find(o, o->block_stream[dir]));
    on_block(o, dir, o->blind ? NULL : bs, block);
    if (o->block_end_stream[dir] && bs) check_length(o, dir, bs, true);
    if (bs != s) retire_if_closed(o, bs);
  }
  retire_if_closed(o, s);
  check_stalls(o);
  check_buffering(o);
}

void h2_observer_finish(h2_observer *o) {
  if (o->blind) return;
  check_stalls(o);
  check_buffering(o);
  for (int d = 0; d < 2; d++) {
    if (o->pending_count[d] && o->peer_sent_after[d])
      report(o, "settings-ack-missing", H2_FINDING_WARNING, !d, 0, NULL,
             "the %s never acknowledged %u SETTINGS from the %s although it kept sending", who(!d),
             o->pending_count[d], who(d));
  }
}
