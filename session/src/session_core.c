/* session_core.c — the session's bookkeeping primitives: the stream table
 * (hash + closed FIFO), the event queue and its arena, the output queue, connection/stream error
 * reactions (§5.4), flood counters (§10.5), settings application and window refills (§6.9). */
#include <stdlib.h>
#include <string.h>

#include "h2/observer.h"
#include "session_internal.h"

/* ---- streams ---- */

static uint32_t hash_id(uint32_t id) {
  return (id * 2654435761u) >> 7;
}

h2_stream *h2s_stream_find(h2_session *s, uint32_t id) {
  if (id == 0) return NULL;
  uint32_t i = s->buckets[hash_id(id) & s->bucket_mask];
  while (i) {
    h2_stream *st = &s->streams[i - 1];
    if (st->id == id) return st;
    i = st->next;
  }
  return NULL;
}

static void stream_unlink(h2_session *s, h2_stream *st) {
  uint32_t *link = &s->buckets[hash_id(st->id) & s->bucket_mask];
  uint32_t self = (uint32_t)(st - s->streams) + 1;
  while (*link && *link != self)
    link = &s->streams[*link - 1].next;
  if (*link == self) *link = st->next;
  memset(st, 0, sizeof *st);
}

h2_stream *h2s_stream_create(h2_session *s, uint32_t id, uint8_t state) {
  h2_stream *st = NULL;
  if (s->slots_used < s->stream_cap) st = &s->streams[s->slots_used++];
  if (!st && s->closed_count) { /* forget the oldest closed stream */
    st = &s->streams[s->closed_fifo[s->closed_head]];
    s->closed_head = (s->closed_head + 1) % s->stream_cap;
    s->closed_count--;
    stream_unlink(s, st);
  }
  if (!st) return NULL;
  memset(st, 0, sizeof *st);
  st->id = id;
  st->state = H2_SS_IDLE;
  st->local = (id & 1) == (s->role == H2_ROLE_CLIENT ? 1u : 0u);
  st->send_window = s->peer[H2_SETTINGS_INITIAL_WINDOW_SIZE];
  st->recv_window = s->local[H2_SETTINGS_INITIAL_WINDOW_SIZE];
  st->content_length = -1;
  uint32_t *b = &s->buckets[hash_id(id) & s->bucket_mask];
  st->next = *b;
  *b = (uint32_t)(st - s->streams) + 1;
  h2s_stream_set_state(s, st, state, 0);
  return st;
}

static bool is_active(uint8_t state) {
  return state == H2_SS_OPEN || state == H2_SS_HALF_CLOSED_LOCAL ||
         state == H2_SS_HALF_CLOSED_REMOTE;
}
static bool is_closed(uint8_t state) {
  return state == H2_SS_CLOSED || state == H2_SS_CLOSED_RESET_LOCAL;
}

uint8_t h2s_stream_state_of(const h2_session *s, uint32_t id) {
  const h2_stream *st = h2s_stream_find((h2_session *)s, id);
  if (st) return st->state;
  bool local = (id & 1) == (s->role == H2_ROLE_CLIENT ? 1u : 0u);
  uint32_t last = local ? s->last_local_stream : s->last_peer_stream;
  /* §5.1.1: a stream whose id is below one already used is closed (or was
   * skipped, which closes it implicitly). */
  return id != 0 && id <= last ? H2_SS_CLOSED : H2_SS_IDLE;
}

/* §5.1.2: open and half-closed streams count toward the limit. */
void h2s_stream_set_state(h2_session *s, h2_stream *st, uint8_t state, uint32_t error_code) {
  uint8_t old = st->state;
  st->state = state;
  bool now_active = is_active(state);
  if (now_active && !st->counted) {
    st->counted = true;
    if (st->local)
      s->active_local++;
    else
      s->active_peer++;
  } else if (!now_active && st->counted) {
    st->counted = false;
    if (st->local)
      s->active_local--;
    else
      s->active_peer--;
  }
  if (is_closed(state) && !st->closed_queued) {
    st->closed_queued = true;
    st->out_pending = false;
    s->closed_fifo[(s->closed_head + s->closed_count) % s->stream_cap] =
        (uint32_t)(st - s->streams);
    s->closed_count++;
    if (old != H2_SS_IDLE) {
      if (s->in_frame && s->n_closed_deferred <= s->stream_cap) {
        s->closed_ids[s->n_closed_deferred] = st->id;
        s->closed_codes[s->n_closed_deferred++] = error_code;
      } else {
        h2_event *ev = h2s_event_push(s, H2_EV_STREAM_CLOSED, st->id);
        if (ev) ev->error_code = error_code;
      }
    }
  }
}

/* ---- events and arena ---- */

h2_event *h2s_event_push(h2_session *s, uint8_t type, uint32_t stream_id) {
  if (s->ev_count == s->ev_cap) return NULL;
  h2_event *ev = &s->events[(s->ev_head + s->ev_count) % s->ev_cap];
  s->ev_count++;
  memset(ev, 0, sizeof *ev);
  ev->type = type;
  ev->stream_id = stream_id;
  return ev;
}

void h2s_flush_closed(h2_session *s) {
  for (uint32_t i = 0; i < s->n_closed_deferred; i++) {
    h2_event *ev = h2s_event_push(s, H2_EV_STREAM_CLOSED, s->closed_ids[i]);
    if (ev) ev->error_code = s->closed_codes[i];
  }
  s->n_closed_deferred = 0;
  s->in_frame = false;
}

bool h2_session_take_event(h2_session *s, h2_event *ev) {
  if (s->ev_count == 0) return false;
  *ev = s->events[s->ev_head];
  s->ev_head = (s->ev_head + 1) % s->ev_cap;
  s->ev_count--;
  return true;
}

void *h2s_arena_alloc(h2_session *s, size_t n, size_t align) {
  size_t at = (s->arena_len + align - 1) & ~(align - 1);
  if (at > s->arena_cap || s->arena_cap - at < n) return NULL;
  s->arena_len = at + n;
  return s->arena + at;
}

/* ---- output queue ---- */

bool h2s_out_bytes(h2_session *s, const uint8_t *p, size_t n) {
  if (s->out_head && s->out_head + s->out_len + n > s->out_cap) {
    memmove(s->out, s->out + s->out_head, s->out_len);
    s->out_head = 0;
  }
  if (s->out_cap - s->out_len < n) return false;
  memcpy(s->out + s->out_head + s->out_len, p, n);
  s->out_len += n;
  return true;
}

bool h2s_out_frame(h2_session *s, const h2_frame *f) {
  uint8_t buf[H2_FRAME_HEADER_LEN + 512];
  size_t n = 0;
  h2_error err;
  if (h2_frame_encoded_size(f) > sizeof buf) return false;
  if (h2_frame_encode(f, buf, sizeof buf, &n, &err) != H2_OK) return false;
  if (!h2s_out_bytes(s, buf, n)) return false;
  if (s->cfg.on_frame) s->cfg.on_frame(s->cfg.user, 0, buf, n);
  return true;
}

/* ---- errors (§5.4) ---- */

/* The observer's finding id for a violation the session detected: one
 * catalogue (observer_rules.c) names the rules for the session, `check` and
 * `read --lint`. */
static const char *finding_id(const char *rule, h2_status status) {
  const char *id = h2_observer_rule_id(rule);
  return id || status == H2_OK ? id : h2_observer_rule_for_status(status);
}

void h2s_connection_error(h2_session *s, uint32_t code, h2_status status, const char *section,
                          const char *rule) {
  if (s->failed) return;
  s->failed = true;
  /* §5.4.1: GOAWAY with the last stream we processed, then close. */
  h2_frame f = {.hd = {.type = H2_GOAWAY}};
  f.u.goaway.last_stream_id = s->last_peer_stream;
  f.u.goaway.error_code = code;
  f.u.goaway.debug = (const uint8_t *)(rule ? rule : "");
  f.u.goaway.debug_len = rule ? (uint32_t)strlen(rule) : 0;
  if (!h2s_out_frame(s, &f)) { /* no room: drop queued output, the GOAWAY matters more */
    s->out_len = s->out_head = 0;
    h2s_out_frame(s, &f);
  }
  s->goaway_sent = true;
  s->goaway_last = s->last_peer_stream;
  h2_event *ev = h2s_event_push(s, H2_EV_CONNECTION_ERROR, 0);
  if (ev) {
    ev->error_code = code;
    ev->status = status;
    ev->section = section;
    ev->rule = finding_id(rule, status);
    ev->detail = rule;
  }
}

void h2s_stream_error(h2_session *s, uint32_t stream_id, uint32_t code, h2_status status,
                      const char *section, const char *rule) {
  if (s->failed) return;
  /* MadeYouReset (CVE-2025-8671): every stream error here is provoked by a
   * peer frame (a zero-increment WINDOW_UPDATE, a window overflow, a bad
   * field), so a peer can make us reset its streams as cheaply as it resets
   * them itself (Rapid Reset, CVE-2023-44487). Both kinds count against the
   * same rst_per_sec budget (§10.5), or alternating them would double it. */
  if (h2s_flood_count(s, &s->n_rst, s->cfg.flood.rst_per_sec, "made-you-reset")) return;
  if (s->out_len > s->cfg.flood.pending_output) {
    h2s_connection_error(s, H2_ENHANCE_YOUR_CALM, H2_OK, "RFC 9113 §10.5", "reset-flood");
    return;
  }
  h2_frame f = {.hd = {.type = H2_RST_STREAM, .stream_id = stream_id}};
  f.u.rst_stream.error_code = code;
  h2s_out_frame(s, &f);
  h2_stream *st = h2s_stream_find(s, stream_id);
  bool idle = !st && h2s_stream_state_of(s, stream_id) == H2_SS_IDLE;
  /* A stream whose H2_EV_STREAM_CLOSED the application already took gets
   * its RST_STREAM on the wire (§5.4.2) but no further event: the API
   * promises nothing about a stream after its close (found by the
   * session_server fuzz campaign: a bad PRIORITY on a reset stream). */
  bool reported_closed = st ? is_closed(st->state) : !idle;
  h2_event *ev = reported_closed ? NULL : h2s_event_push(s, H2_EV_STREAM_ERROR, stream_id);
  if (ev) {
    ev->error_code = code;
    ev->status = status;
    ev->section = section;
    ev->rule = finding_id(rule, status);
    ev->detail = rule;
  }
  if (idle) st = h2s_stream_create(s, stream_id, H2_SS_IDLE);
  bool peer_id = (stream_id & 1) == (s->peer_role == H2_ROLE_CLIENT ? 1u : 0u);
  if (peer_id && stream_id > s->last_peer_stream) s->last_peer_stream = stream_id;
  if (st && !is_closed(st->state)) h2s_stream_set_state(s, st, H2_SS_CLOSED_RESET_LOCAL, code);
}

/* §10.5: counts per second; true when the limit is exceeded (error raised). */
bool h2s_flood_count(h2_session *s, rate_window *counter, uint32_t limit, const char *rule) {
  if (limit == UINT32_MAX) return false;
  if (rate_window_count(counter, s->cfg.now_ms(s->cfg.user), 1000) > limit) {
    h2s_connection_error(s, H2_ENHANCE_YOUR_CALM, H2_OK, "RFC 9113 §10.5", rule);
    return true;
  }
  return false;
}

/* §6.5.3: our settings take effect for us when the peer acknowledges them. */
void h2s_apply_local_settings(h2_session *s, const h2_pending_settings *p) {
  for (uint32_t i = 0; i < p->count; i++) {
    uint16_t id = p->entries[i].id;
    uint32_t v = p->entries[i].value;
    if (id == H2_SETTINGS_INITIAL_WINDOW_SIZE) {
      int64_t delta = (int64_t)v - (int64_t)s->local[id];
      for (uint32_t k = 0; k < s->stream_cap; k++)
        if (s->streams[k].id && !is_closed(s->streams[k].state)) s->streams[k].recv_window += delta;
    } else if (id == H2_SETTINGS_HEADER_TABLE_SIZE) {
      h2_hpack_decoder_set_max_table_size(&s->decoder, v);
    }
    if (id >= 1 && id <= 6) s->local[id] = v;
  }
}

/* §6.9: give the peer back what it used once half a window is consumed. */
void h2s_maybe_window_update(h2_session *s, h2_stream *st) {
  if (s->cfg.manual_window_update || s->failed) return;
  if (s->conn_recv_unacked >= s->conn_window_target / 2) {
    h2_frame f = {.hd = {.type = H2_WINDOW_UPDATE}};
    f.u.window_update.increment = s->conn_recv_unacked;
    if (h2s_out_frame(s, &f)) {
      s->conn_recv_window += s->conn_recv_unacked;
      s->conn_recv_unacked = 0;
    }
  }
  if (st && (st->state == H2_SS_OPEN || st->state == H2_SS_HALF_CLOSED_LOCAL) &&
      st->recv_unacked >= s->local[H2_SETTINGS_INITIAL_WINDOW_SIZE] / 2 && st->recv_unacked) {
    h2_frame f = {.hd = {.type = H2_WINDOW_UPDATE, .stream_id = st->id}};
    f.u.window_update.increment = st->recv_unacked;
    if (h2s_out_frame(s, &f)) {
      st->recv_window += st->recv_unacked;
      st->recv_unacked = 0;
    }
  }
}

void h2_session_consume(h2_session *s, uint32_t stream_id, size_t n) {
  if (s->failed) return;
  uint32_t add = n > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)n;
  h2_frame f = {.hd = {.type = H2_WINDOW_UPDATE}};
  if (add == 0) return;
  f.u.window_update.increment = add;
  if (h2s_out_frame(s, &f)) s->conn_recv_window += add;
  h2_stream *st = h2s_stream_find(s, stream_id);
  if (st && (st->state == H2_SS_OPEN || st->state == H2_SS_HALF_CLOSED_LOCAL)) {
    f.hd.stream_id = stream_id;
    if (h2s_out_frame(s, &f)) st->recv_window += add;
  }
}

/* ---- introspection ---- */

uint8_t h2_session_stream_state(const h2_session *s, uint32_t stream_id) {
  return h2s_stream_state_of(s, stream_id);
}

int64_t h2_session_send_window(const h2_session *s, uint32_t stream_id) {
  if (stream_id == 0) return s->conn_send_window;
  const h2_stream *st = h2s_stream_find((h2_session *)s, stream_id);
  return st ? st->send_window : 0;
}

int64_t h2_session_recv_window(const h2_session *s, uint32_t stream_id) {
  if (stream_id == 0) return s->conn_recv_window;
  const h2_stream *st = h2s_stream_find((h2_session *)s, stream_id);
  return st ? st->recv_window : 0;
}

uint32_t h2_session_peer_setting(const h2_session *s, uint16_t id) {
  return id >= 1 && id <= 6 ? s->peer[id] : 0;
}

uint32_t h2_session_open_streams(const h2_session *s, bool peer_initiated) {
  return peer_initiated ? s->active_peer : s->active_local;
}

bool h2_session_want_write(const h2_session *s) {
  if (s->out_len) return true;
  if (s->failed) return false;
  for (uint32_t i = 0; i < s->ready_count; i++) {
    const h2_stream *st = &s->streams[s->ready[i]];
    if (st->id && st->out_pending &&
        (st->out_len == 0 || (st->send_window > 0 && s->conn_send_window > 0)))
      return true;
  }
  return false;
}

bool h2_session_want_read(const h2_session *s) {
  if (s->failed) return false;
  if ((s->goaway_sent || s->goaway_received) && s->active_local == 0 && s->active_peer == 0)
    return false;
  return true;
}

bool h2_session_done(const h2_session *s) {
  return !h2_session_want_read(s) && s->out_len == 0;
}
