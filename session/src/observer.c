/* observer.c — the passive observer of one connection (h2/observer.h):
 * stream table (hash of open streams + ring of recently closed ones), the two
 * endpoints' stream-state machines, SETTINGS and their ACKs, flow-control
 * windows, field-block facts (content-length, sizes) and attack counters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/error.h"
#include "h2/observer.h"
#include "h2/stream_state.h"
#include "observer_internal.h"

/* ---- stream table ---- */

static uint32_t slot_of(const h2_observer *o, uint32_t id) {
  return (id * 2654435761u) & (o->cap - 1);
}

obs_stream *obs_find(h2_observer *o, uint32_t id) {
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
  obs_windows_open(o, s);
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

/* After a frame: the stream's sending/blocked marks follow its state, and
 * a stream both machines consider closed moves to the ring. */
static void retire_if_closed(h2_observer *o, obs_stream *s) {
  if (!s) return;
  obs_windows_track(o, s);
  if (!is_closed(s->state[0]) || !is_closed(s->state[1])) return;
  if (s->flags & F_COUNTED) o->active[obs_initiator(s->id)]--;
  closed_stream *r = &o->ring[o->ring_next];
  if (r->id && r->id > o->evicted_max[obs_initiator(r->id)])
    o->evicted_max[obs_initiator(r->id)] = r->id;
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
  const h2_observer_limits *l = &o->cfg.limits;
  o->counting = l->empty_frames_flood || l->window_update_flood || l->settings_flood ||
                l->ping_flood || l->resource_loop || l->reset_flood || l->continuation_flood;
  o->window_checks = l->stall_ms || l->data_buffering;
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
  if (!o->blind) obs_windows_lost(o);
  o->blind = true;
  o->block_stream[0] = o->block_stream[1] = 0;
}

/* ---- SETTINGS (§6.5) ---- */

static void on_settings(h2_observer *o, int dir, const h2_frame *f) {
  int peer = !dir;
  if (f->hd.flags & H2_FLAG_ACK) {
    /* dir acknowledges the oldest SETTINGS of the peer: they bind dir now. */
    if (o->pending_count[peer] == 0) {
      if (o->pending_lost[peer]) {
        o->pending_lost[peer]--;
        return;
      }
      obs_report(o, "settings-ack-unexpected", H2_FINDING_ERROR, dir, 0, NULL,
                 "SETTINGS ACK from the %s with no SETTINGS of the %s to acknowledge", obs_who(dir),
                 obs_who(peer));
      return;
    }
    pending_settings p = o->pending[peer][0];
    memmove(&o->pending[peer][0], &o->pending[peer][1], (o->pending_count[peer] - 1) * sizeof p);
    o->pending_count[peer]--;
    o->peer_sent_after[peer] = false;
    if (p.has_iws && p.iws < o->iws[peer]) obs_windows_initial(o, peer, p.iws);
    if (p.has_mhls) o->mhls[peer] = p.mhls;
    if (p.has_mcs) o->mcs[peer] = p.mcs;
    if (p.has_push && peer == CLIENT) o->push_disabled = p.push == 0;
    return;
  }
  obs_extension_settings(o, dir, f);
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
  if (p.has_iws && p.iws > o->iws[dir]) obs_windows_initial(o, dir, p.iws);
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
    obs_report(o, "goaway-last-stream-increased", H2_FINDING_ERROR, dir, 0, NULL,
               "GOAWAY from the %s raises the last stream id from %u to %u", obs_who(dir),
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
  if (id > o->max_id[obs_initiator(id)]) {
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
  *forgotten = id <= o->evicted_max[obs_initiator(id)];
}

/* A new stream opened by dir: id rules, GOAWAY, concurrency. */
static void on_open(h2_observer *o, int dir, obs_stream *s) {
  if (o->goaway_sent[!dir] && s->id > o->goaway_last[!dir] && !o->goaway_reported[dir]) {
    o->goaway_reported[dir] = true;
    obs_report(o, "stream-after-goaway", H2_FINDING_WARNING, dir, s->id, NULL,
               "the %s opened stream %u after the %s's GOAWAY (last stream %u)", obs_who(dir),
               s->id, obs_who(!dir), o->goaway_last[!dir]);
  }
  int init = obs_initiator(s->id);
  s->flags |= F_COUNTED;
  o->active[init]++;
  if (o->excessive_reported[init]) return;
  if (o->mcs[!init] != UINT32_MAX && o->active[init] > o->mcs[!init]) {
    o->excessive_reported[init] = true;
    obs_report(o, "excessive-streams", H2_FINDING_ERROR, init, s->id, "RFC 9113 §5.1.2",
               "the %s has %u concurrent streams, above the SETTINGS_MAX_CONCURRENT_STREAMS %u it "
               "acknowledged",
               obs_who(init), o->active[init], o->mcs[!init]);
  } else if (o->mcs[!init] == UINT32_MAX && o->cfg.limits.excessive_streams &&
             o->active[init] >= o->cfg.limits.excessive_streams) {
    o->excessive_reported[init] = true;
    obs_report(o, "excessive-streams", H2_FINDING_WARNING, init, s->id, "RFC 9113 §10.5",
               "the %s has %u concurrent streams (threshold %u; the peer announced no limit)",
               obs_who(init), o->active[init], o->cfg.limits.excessive_streams);
  }
}

/* Runs event ev, sent by dir on stream id, through both machines: the
 * receiver's verdict decides (§5.1 as the receiver must enforce it). Returns
 * the table entry (created for a new stream), or NULL. */
static obs_stream *stream_event(h2_observer *o, int dir, uint32_t id, uint8_t ev, bool *rejected) {
  *rejected = false;
  if (o->blind || o->streams_blind || id == 0) return NULL;
  obs_stream *s = obs_find(o, id);
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
    if (dir == SERVER || obs_initiator(id) != CLIENT) {
      *rejected = true;
      obs_report(o, "stream-id-parity", H2_FINDING_ERROR, dir, id, NULL,
                 dir == SERVER ? "the server sent HEADERS on stream %u, which the client did not "
                                 "open and no PUSH_PROMISE reserved"
                               : "the client opened stream %u, an even (server) id",
                 id);
      return NULL;
    }
  }
  if (!s && !opening && id <= o->max_id[obs_initiator(id)] && !ring_find(o, id) &&
      (ev == H2_STREAM_EV_HEADERS || ev == H2_STREAM_EV_HEADERS_END_STREAM) &&
      obs_initiator(id) == dir) {
    /* HEADERS on an id below the highest: never opened (ids must grow) or reused. */
    *rejected = true;
    obs_report(o, "stream-id-order", forgotten ? H2_FINDING_WARNING : H2_FINDING_ERROR, dir, id,
               NULL, "HEADERS on stream %u, not greater than stream %u the %s opened before", id,
               o->max_id[obs_initiator(id)], obs_who(dir));
    return NULL;
  }
  const h2_stream_transition *recv = h2_stream_transition_get(st[!dir], H2_STREAM_RECV, ev);
  const h2_stream_transition *send = h2_stream_transition_get(st[dir], H2_STREAM_SEND, ev);
  if (!recv || !send) return s;
  if (recv->verdict == H2_STREAM_ERROR || recv->verdict == H2_STREAM_CONNECTION_ERROR) {
    *rejected = true;
    obs_report(o, recv->rule, forgotten ? H2_FINDING_WARNING : H2_FINDING_ERROR, dir, id,
               recv->section, "%s from the %s on stream %u, %s for the %s (%s)",
               h2_stream_event_name(ev), obs_who(dir), id, h2_stream_state_name(st[!dir]),
               obs_who(!dir),
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
    if (id > o->max_id[obs_initiator(id)]) o->max_id[obs_initiator(id)] = id;
    s->state[0] = st[0];
    s->state[1] = st[1];
    if (opening) on_open(o, dir, s);
    return s;
  }
  bool was_active = is_active(s->state[obs_initiator(id)]);
  s->state[0] = st[0];
  s->state[1] = st[1];
  /* A reserved (pushed) stream becomes active with the server's HEADERS. */
  if (!was_active && !(s->flags & F_COUNTED) && is_active(st[obs_initiator(id)]))
    on_open(o, dir, s);
  return s;
}

/* ---- flow control (§6.9): the windows are observer_windows.c's ---- */

static void on_window_update(h2_observer *o, int dir, const h2_frame *f) {
  uint32_t inc = f->u.window_update.increment;
  if (o->cfg.limits.dribble_increment && inc <= o->cfg.limits.dribble_increment && !o->blind &&
      obs_rate_hit(o, dir, R_DRIBBLE, o->cfg.limits.data_dribble))
    obs_report(o, "data-dribble", H2_FINDING_ERROR, dir, f->hd.stream_id, NULL,
               "%u WINDOW_UPDATEs of at most %u octets from the %s within %u ms",
               o->cfg.limits.data_dribble, o->cfg.limits.dribble_increment, obs_who(dir),
               o->cfg.limits.window_ms);
  if (o->blind) return;
  if (f->hd.stream_id == 0) {
    obs_windows_update(o, dir, NULL, inc);
    return;
  }
  bool rejected;
  obs_stream *s = stream_event(o, dir, f->hd.stream_id, H2_STREAM_EV_WINDOW_UPDATE, &rejected);
  if (!s || rejected || (s->flags & F_WINDOW_UNKNOWN)) return;
  obs_windows_update(o, dir, s, inc);
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
    obs_report(o, "zero-length-headers", H2_FINDING_ERROR, dir, sid, NULL,
               "a field block from the %s with %u fields of empty name or value (of %zu)",
               obs_who(dir), empty, b->count);
  }
  bool bomb = false;
  if ((b->fields || b->too_large) && l->hpack_bomb_ratio && size >= l->hpack_bomb_min &&
      size >= (uint64_t)l->hpack_bomb_ratio * wire)
    bomb = true;
  if (at_least && l->hpack_bomb_ratio && (uint64_t)l->hpack_bomb_ratio * wire <= size) bomb = true;
  if (bomb && !o->bomb_reported[dir]) {
    o->bomb_reported[dir] = true;
    obs_report(o, "hpack-bomb", H2_FINDING_ERROR, dir, sid, NULL,
               "a header block of %llu octets on the wire decodes to %s%llu octets%s",
               (unsigned long long)wire, at_least ? "more than " : "", (unsigned long long)size,
               b->too_large && !at_least ? " (measured past the decoder's limit, not expanded)"
                                         : "");
  }
  uint32_t limit = o->mhls[!dir];
  if (limit != UINT32_MAX && (b->fields || b->too_large) &&
      (at_least ? size >= limit : size > limit))
    obs_report(o, "header-list-too-large", H2_FINDING_WARNING, dir, sid, NULL,
               "a header list of %s%llu octets, above the %s's SETTINGS_MAX_HEADER_LIST_SIZE %u",
               at_least ? "more than " : "", (unsigned long long)size, obs_who(!dir), limit);
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
  uint32_t flag = dir == CLIENT ? F_CL_REPORTED0 : F_CL_REPORTED1;
  if (s->flags & flag) return;
  uint64_t want = (uint64_t)s->content_length[dir];
  if (s->data_len[dir] > want || (at_end && s->data_len[dir] != want)) {
    s->flags |= flag;
    obs_report(o, "content-length-mismatch", H2_FINDING_ERROR, dir, s->id, NULL,
               "the %s's content-length is %llu but %s %llu octets of DATA", obs_who(dir),
               (unsigned long long)want, at_end ? "the message carried" : "it sent at least",
               (unsigned long long)s->data_len[dir]);
  }
}

/* ---- frames ---- */

static void on_push_promise(h2_observer *o, int dir, const h2_frame *f) {
  uint32_t assoc = f->hd.stream_id, promised = f->u.push_promise.promised_stream_id;
  if (o->push_disabled)
    obs_report(o, "push-disabled", H2_FINDING_ERROR, dir, promised, NULL,
               "PUSH_PROMISE for stream %u after the server acknowledged SETTINGS_ENABLE_PUSH = 0",
               promised);
  obs_stream *a = obs_find(o, assoc);
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
    obs_report(o, "push-on-closed-stream", H2_FINDING_ERROR, dir, assoc, NULL,
               "PUSH_PROMISE on stream %u, %s for the server", assoc,
               h2_stream_state_name(st[SERVER]));
  if (promised <= o->max_id[SERVER] && !obs_find(o, promised)) {
    obs_report(o, "stream-id-order", H2_FINDING_ERROR, dir, promised, NULL,
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
  obs_windows_frame_start(o);
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
  obs_note_block(o, dir, f);
  if (o->counting) obs_count_patterns(o, dir, f);
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
    s = o->blind ? NULL : obs_find(o, o->block_stream[dir]);
    break;
  case H2_DATA:
    s = stream_event(o, dir, f->hd.stream_id, ev, &rejected);
    if (!o->blind && !rejected) obs_windows_data(o, dir, s, f);
    if (s && !rejected) {
      s->data_len[dir] += f->u.data.len;
      check_length(o, dir, s, (f->hd.flags & H2_FLAG_END_STREAM) != 0);
    }
    break;
  case H2_HEADERS:
    s = stream_event(o, dir, f->hd.stream_id, ev, &rejected);
    break;
  case H2_RST_STREAM:
    s = obs_find(o, f->hd.stream_id);
    if (s) obs_on_reset(o, dir, s, f);
    s = stream_event(o, dir, f->hd.stream_id, ev, &rejected);
    break;
  case H2_PRIORITY:
    s = stream_event(o, dir, f->hd.stream_id, ev, &rejected);
    break;
  default:
    break;
  }
  if (block && !rejected) {
    obs_stream *bs =
        f->hd.type == H2_PUSH_PROMISE ? NULL : (s ? s : obs_find(o, o->block_stream[dir]));
    on_block(o, dir, o->blind ? NULL : bs, block);
    if (o->block_end_stream[dir] && bs) check_length(o, dir, bs, true);
    if (bs != s) retire_if_closed(o, bs);
  }
  retire_if_closed(o, s);
  if (o->window_checks) obs_windows_check(o);
}

void h2_observer_finish(h2_observer *o) {
  if (o->blind) return;
  obs_windows_finish(o);
  for (int d = 0; d < 2; d++) {
    if (o->pending_count[d] && o->peer_sent_after[d])
      obs_report(o, "settings-ack-missing", H2_FINDING_WARNING, !d, 0, NULL,
                 "the %s never acknowledged %u SETTINGS from the %s although it kept sending",
                 obs_who(!d), o->pending_count[d], obs_who(d));
  }
}
