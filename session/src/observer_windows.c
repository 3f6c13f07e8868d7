/* observer_windows.c — the flow-control windows of the passive observer
 * (h2/observer.h, RFC 9113 §6.9), the one place that keeps them: the rules
 * of `read --lint` (overrun, overflow, held stalls, internal data buffering)
 * and the windows `read` shows after each frame (h2_observer_windows, the
 * stall events of on_stall) come from the same arithmetic.
 *
 * What endpoint d may still send, as d sees it: the connection window and
 * one window per stream, both starting at 65535 (§6.9.2) and for streams at
 * the INITIAL_WINDOW_SIZE of the receiver; DATA (its whole payload, padding
 * included, §6.9.1) takes from both, a WINDOW_UPDATE of the receiver adds to
 * one; a change of INITIAL_WINDOW_SIZE moves every open stream's window by
 * the difference and may leave it negative (§6.9.2). A larger value is
 * applied as soon as the SETTINGS is seen (the peer may use it once it has
 * read it, before its ACK shows up), a smaller one with the ACK (sent by the
 * endpoint whose windows shrink, after it applied them, §6.5.3): so DATA
 * that a sender was entitled to is never called an overrun. */
#include <string.h>

#include "h2/stream_state.h"
#include "observer_internal.h"

/* The windows after a change, for h2_observer_windows: of stream id (s its
 * entry, NULL when not followed) and of the connection. */
static void touch(h2_observer *o, uint32_t id, const obs_stream *s) {
  if (o->cfg.no_window_view) return; /* nobody reads it */
  h2_window_view *v = &o->view;
  v->changed = true;
  v->stream = id;
  v->stream_known = s && !(s->flags & F_WINDOW_UNKNOWN);
  for (int d = 0; d < 2; d++) {
    v->conn[d] = o->conn_window[d];
    v->initial[d] = o->iws[!d];
    v->stream_window[d] = v->stream_known ? s->window[d] : 0;
  }
}

static void stall_event(h2_observer *o, bool end, int sender, uint32_t stream, bool connection,
                        int64_t window, double since, const uint64_t mark[2], const char *why) {
  if (!o->cfg.on_stall) return;
  h2_window_stall e = {.end = end,
                       .sender = (uint8_t)sender,
                       .stream = stream,
                       .connection = connection,
                       .window = window,
                       .since = since,
                       .begin_offset = mark[0],
                       .begin_pkt = mark[1],
                       .why = why};
  o->cfg.on_stall(o->cfg.user, &e);
}

/* d's own machine still lets it send DATA on s (§5.1: open or half-closed
 * (remote)). */
static bool can_send(const obs_stream *s, int d) {
  return s->state[d] == H2_SS_OPEN || s->state[d] == H2_SS_HALF_CLOSED_REMOTE;
}

static void end_conn_stall(h2_observer *o, int d, const char *why) {
  o->conn_stall[d] = false;
  o->stall_stream[d][1] = 0;
  stall_event(o, true, d, o->conn_stall_stream[d], true, o->conn_window[d], o->conn_stall_since[d],
              o->conn_stall_mark[d], why);
}

/* Keeps the internal-data-buffering counts in step with s: a sender's
 * message is under way once its HEADERS are out (the request; the final
 * response) while its own machine still lets it send DATA; it is blocked
 * while the stream window is at 0 or below (§6.9.1). Ends the stalls that s
 * no longer holds: its window opened (by `opened`), or it can carry no more
 * DATA from that sender. Called whenever a stream's state, flags or windows
 * change. */
static void track(h2_observer *o, obs_stream *s, const char *opened) {
  /* The counts serve internal-data-buffering alone (check_buffering): with
   * no threshold for it (read's own observer) nobody reads them. The limits
   * are fixed when the observer is made. */
  bool counts = o->cfg.limits.data_buffering != 0;
  for (int d = 0; d < 2; d++) {
    uint32_t fst = d == 0 ? F_STALL0 : F_STALL1;
    if (counts) {
      uint32_t fs = d == 0 ? F_SENDING0 : F_SENDING1;
      uint32_t fb = d == 0 ? F_BLOCKED0 : F_BLOCKED1;
      bool started = (s->flags & (d == 0 ? F_REQUEST : F_RESPONSE)) != 0;
      bool sending = started && !(s->flags & F_WINDOW_UNKNOWN) && can_send(s, d);
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
    if ((s->flags & fst) && (!can_send(s, d) || s->window[d] > 0)) {
      s->flags &= ~fst;
      if (o->stall_stream[d][0] == s->id) o->stall_stream[d][0] = 0;
      stall_event(o, true, d, s->id, false, s->window[d], s->stall_since[d], s->stall_mark[d],
                  can_send(s, d) ? opened : "stream-closed");
    }
    if (o->conn_stall[d] && o->conn_stall_stream[d] == s->id && !can_send(s, d))
      end_conn_stall(o, d, "stream-closed");
  }
}

void obs_windows_track_held(h2_observer *o, obs_stream *s) {
  track(o, s, "window-update");
}

void obs_windows_open(h2_observer *o, obs_stream *s) {
  s->window[0] = o->iws[1];
  s->window[1] = o->iws[0];
  touch(o, s->id, s);
}

void h2_observer_mark(h2_observer *o, uint64_t offset, uint64_t pkt) {
  o->mark[0] = offset;
  o->mark[1] = pkt;
}

bool h2_observer_windows(const h2_observer *o, h2_window_view *v) {
  if (o->blind || o->cfg.no_window_view) return false;
  *v = o->view;
  return true;
}

void obs_windows_initial(h2_observer *o, int setter, uint32_t value) {
  int64_t delta = (int64_t)value - (int64_t)o->iws[setter];
  o->iws[setter] = value;
  int sender = !setter;
  /* §6.9.2: the change applies to every open stream's window, which can go
   * negative. */
  for (uint32_t i = 0; i < o->cap; i++) {
    obs_stream *s = &o->slots[i];
    if (!s->id) continue;
    s->window[sender] += delta;
    track(o, s, "settings");
    if (s->window[sender] > MAX_WINDOW && !(s->flags & F_WINDOW_UNKNOWN))
      obs_report(o, "window-overflow", H2_FINDING_ERROR, setter, s->id, NULL,
                 "SETTINGS_INITIAL_WINDOW_SIZE %u makes the window of stream %u exceed 2^31-1",
                 value, s->id);
  }
  touch(o, 0, NULL);
}

void obs_windows_data(h2_observer *o, int dir, obs_stream *s, const h2_frame *f) {
  int64_t len = f->hd.length; /* padding counts (§6.9.1) */
  o->conn_window[dir] -= len;
  if (o->conn_window[dir] < 0 && !o->conn_overrun[dir]) {
    o->conn_overrun[dir] = true;
    obs_report(o, "flow-control-overrun", H2_FINDING_ERROR, dir, f->hd.stream_id, NULL,
               "DATA from the %s overruns the connection window by %lld octets", obs_who(dir),
               (long long)-o->conn_window[dir]);
  }
  if (!s || (s->flags & F_WINDOW_UNKNOWN)) {
    touch(o, f->hd.stream_id, NULL);
    return;
  }
  s->window[dir] -= len;
  touch(o, s->id, s);
  /* The message goes on (no END_STREAM) but a window is used up: the
   * sender has DATA pending until the receiver opens it again. */
  if (!(f->hd.flags & H2_FLAG_END_STREAM)) {
    uint32_t fst = dir == 0 ? F_STALL0 : F_STALL1;
    if (s->window[dir] <= 0 && !(s->flags & fst)) {
      s->flags |= fst;
      s->stall_since[dir] = o->ts;
      memcpy(s->stall_mark[dir], o->mark, sizeof o->mark);
      if (!o->stall_stream[dir][0]) {
        o->stall_stream[dir][0] = s->id;
        o->stall_since[dir][0] = o->ts;
      }
      stall_event(o, false, dir, s->id, false, s->window[dir], o->ts, o->mark, NULL);
    }
    if (o->conn_window[dir] <= 0 && !o->conn_stall[dir]) {
      o->conn_stall[dir] = true;
      o->conn_stall_stream[dir] = s->id;
      o->conn_stall_since[dir] = o->ts;
      memcpy(o->conn_stall_mark[dir], o->mark, sizeof o->mark);
      o->stall_stream[dir][1] = s->id;
      o->stall_since[dir][1] = o->ts;
      stall_event(o, false, dir, s->id, true, o->conn_window[dir], o->ts, o->mark, NULL);
    }
  }
  uint32_t flag = dir == 0 ? F_OVERRUN0 : F_OVERRUN1;
  if (s->window[dir] < 0 && !(s->flags & flag)) {
    s->flags |= flag;
    obs_report(o, "flow-control-overrun", H2_FINDING_ERROR, dir, s->id, NULL,
               "DATA from the %s overruns the window of stream %u by %lld octets", obs_who(dir),
               s->id, (long long)-s->window[dir]);
  }
}

void obs_windows_update(h2_observer *o, int dir, obs_stream *s, uint32_t inc) {
  int sender = !dir;
  if (!s) {
    o->conn_window[sender] += inc;
    if (o->conn_window[sender] > MAX_WINDOW) {
      obs_report(o, "window-overflow", H2_FINDING_ERROR, dir, 0, NULL,
                 "WINDOW_UPDATE from the %s raises the connection window above 2^31-1",
                 obs_who(dir));
      o->conn_window[sender] = MAX_WINDOW;
    }
    touch(o, 0, NULL);
    if (o->conn_stall[sender] && o->conn_window[sender] > 0)
      end_conn_stall(o, sender, "window-update");
    return;
  }
  s->window[sender] += inc;
  if (s->window[sender] > MAX_WINDOW) {
    obs_report(o, "window-overflow", H2_FINDING_ERROR, dir, s->id, NULL,
               "WINDOW_UPDATE from the %s raises the window of stream %u above 2^31-1",
               obs_who(dir), s->id);
    s->window[sender] = MAX_WINDOW;
  }
  touch(o, s->id, s);
  track(o, s, "window-update");
}

/* ---- zero-window stall (CVE-2019-9511's other face) ---- */

/* A receiver that keeps a window at 0 while the sender still has DATA for a
 * stream it has not ended stalls it (§6.9.1 gives the receiver that power;
 * holding it for long ties up the sender's buffers). The oldest stall of
 * each kind per sender is timed at every frame and at the end in capture
 * time; one lasting longer than stall_ms is reported once per receiver. */
static void check_stalls(h2_observer *o) {
  uint32_t limit_ms = o->cfg.limits.stall_ms;
  if (!limit_ms) return; /* no threshold: nothing to report */
  for (int d = 0; d < 2; d++) {
    for (int k = 0; k < 2; k++) {
      uint32_t id = o->stall_stream[d][k];
      if (!id) continue;
      double held_ms = (o->ts - o->stall_since[d][k]) * 1000.0;
      if (held_ms <= limit_ms || o->stall_reported[!d]) continue;
      o->stall_reported[!d] = true;
      obs_report(o, "data-dribble", H2_FINDING_WARNING, !d, id, NULL,
                 "the %s held the %s window at 0 for %.0f ms while the %s had DATA pending on "
                 "stream %u",
                 obs_who(!d), k == 0 ? "stream" : "connection", held_ms, obs_who(d), id);
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
    obs_report(o, "internal-data-buffering", H2_FINDING_ERROR, !d, 0, NULL,
               "the %s held %u streams at a zero %s window for %.0f ms while the %s had DATA "
               "pending on them",
               obs_who(!d), n, o->conn_window[d] <= 0 ? "connection" : "stream", held_ms,
               obs_who(d));
  }
}

void obs_windows_check(h2_observer *o) {
  /* at every frame: each check only with its threshold */
  if (o->blind) return;
  if (o->cfg.limits.stall_ms) check_stalls(o);
  if (o->cfg.limits.data_buffering) check_buffering(o);
}

/* Every stall still open ends with the connection (or where the windows
 * stop being known). */
static void end_all(h2_observer *o, const char *why) {
  for (int d = 0; d < 2; d++) {
    uint32_t fst = d == 0 ? F_STALL0 : F_STALL1;
    for (uint32_t i = 0; i < o->cap; i++) {
      obs_stream *s = &o->slots[i];
      if (!s->id || !(s->flags & fst)) continue;
      s->flags &= ~fst;
      stall_event(o, true, d, s->id, false, s->window[d], s->stall_since[d], s->stall_mark[d], why);
    }
    if (o->conn_stall[d]) end_conn_stall(o, d, why);
    o->stall_stream[d][0] = o->stall_stream[d][1] = 0;
  }
}

void obs_windows_finish(h2_observer *o) {
  check_stalls(o);
  check_buffering(o);
  end_all(o, "connection-end");
}

void obs_windows_lost(h2_observer *o) {
  end_all(o, "history-lost");
}
