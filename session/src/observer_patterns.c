/* observer_patterns.c — the observer's abusive patterns that count frames
 * (RFC 9113 §10.5 and the CVEs of the catalogue): floods of SETTINGS, PING,
 * RST_STREAM, PRIORITY, empty frames and WINDOW_UPDATE per endpoint, and
 * the client's resets (Rapid Reset) and the server's provoked ones
 * (MadeYouReset), each counted in a window of capture time. */
#include <string.h>

#include "h2/cursor.h"
#include "h2/ext_frames.h"
#include "observer_internal.h"

/* A per-endpoint count within the window (rate_window.h, the counter the
 * session's flood limits use too; capture time in ms); true the first time
 * it reaches the threshold. */
bool obs_rate_hit(h2_observer *o, int dir, int kind, uint32_t threshold) {
  rate *r = &o->rates[dir][kind];
  if (threshold == 0 || r->reported) return false;
  uint64_t now_ms = o->ts > 0 ? (uint64_t)(o->ts * 1000.0) : 0;
  if (rate_window_count(&r->w, now_ms, o->cfg.limits.window_ms) < threshold) return false;
  r->reported = true;
  return true;
}

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
  obs_report(o, "window-update-flood", H2_FINDING_ERROR, dir, 0, NULL,
             "%u WINDOW_UPDATE frames from the %s within %u ms, %u more than the DATA frames it "
             "received and the streams it opened explain",
             w->updates, obs_who(dir), l->window_ms, w->updates - w->explained);
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

/* Only with o->counting (a threshold set); after obs_note_block. */
void obs_count_patterns(h2_observer *o, int dir, const h2_frame *f) {
  const h2_observer_limits *l = &o->cfg.limits;
  uint32_t sid = f->hd.stream_id;
  if (empty_frame(f) && obs_rate_hit(o, dir, R_EMPTY, l->empty_frames_flood))
    obs_report(o, "empty-frames-flood", H2_FINDING_ERROR, dir, sid, NULL,
               "%u frames without content from the %s within %u ms", l->empty_frames_flood,
               obs_who(dir), l->window_ms);
  switch (f->hd.type) {
  case H2_DATA:
    if (l->window_update_flood) window_update_count(o, !dir, 2, false);
    break;
  case H2_WINDOW_UPDATE:
    if (l->window_update_flood) window_update_count(o, dir, 0, true);
    break;
  case H2_SETTINGS:
    if (!(f->hd.flags & H2_FLAG_ACK) && obs_rate_hit(o, dir, R_SETTINGS, l->settings_flood))
      obs_report(o, "settings-flood", H2_FINDING_ERROR, dir, 0, NULL,
                 "%u SETTINGS frames from the %s within %u ms", l->settings_flood, obs_who(dir),
                 l->window_ms);
    break;
  case H2_PING:
    if (!(f->hd.flags & H2_FLAG_ACK) && obs_rate_hit(o, dir, R_PING, l->ping_flood))
      obs_report(o, "ping-flood", H2_FINDING_ERROR, dir, 0, NULL,
                 "%u PING frames from the %s within %u ms", l->ping_flood, obs_who(dir),
                 l->window_ms);
    break;
  case H2_PRIORITY:
  case H2_PRIORITY_UPDATE:
    /* CVE-2019-9513 churns the priority tree; RFC 9218's PRIORITY_UPDATE
     * (on stream 0, naming the stream in its payload, §7.1) reprioritises
     * just the same, so both count. */
    if (f->hd.type == H2_PRIORITY_UPDATE) {
      h2_cursor c = h2_cursor_make(f->u.unknown.payload, f->u.unknown.len);
      uint32_t prioritized;
      if (h2_cursor_get_u32(&c, &prioritized)) sid = prioritized & 0x7fffffffu;
    }
    if (obs_rate_hit(o, dir, R_PRIORITY, l->resource_loop))
      obs_report(o, "resource-loop", H2_FINDING_ERROR, dir, sid, NULL,
                 "%u PRIORITY and PRIORITY_UPDATE frames from the %s within %u ms",
                 l->resource_loop, obs_who(dir), l->window_ms);
    break;
  case H2_RST_STREAM:
    if (obs_rate_hit(o, dir, R_RESET, l->reset_flood))
      obs_report(o, "reset-flood", H2_FINDING_ERROR, dir, sid, NULL,
                 "%u RST_STREAM frames from the %s within %u ms", l->reset_flood, obs_who(dir),
                 l->window_ms);
    break;
  case H2_HEADERS:
  case H2_PUSH_PROMISE:
    if (l->window_update_flood) window_update_count(o, dir, 1, false);
    break;
  case H2_CONTINUATION:
    /* obs_note_block counted this one already */
    if (l->continuation_flood && o->block_continuations[dir] >= l->continuation_flood &&
        !o->continuation_reported[dir]) {
      o->continuation_reported[dir] = true;
      obs_report(o, "continuation-flood", H2_FINDING_ERROR, dir, sid, NULL,
                 "a field block from the %s continued by %u CONTINUATION frames", obs_who(dir),
                 o->block_continuations[dir]);
    }
    break;
  default:
    break;
  }
}

/* RST_STREAM: rapid reset (the client cancels before any response) and
 * MadeYouReset (the server resets because of the client's stream errors). */
void obs_on_reset(h2_observer *o, int dir, obs_stream *s, const h2_frame *f) {
  if (o->blind || !s || obs_initiator(s->id) != CLIENT) return;
  const h2_observer_limits *l = &o->cfg.limits;
  if (dir == CLIENT && !(s->flags & F_RESPONSE) && obs_rate_hit(o, CLIENT, R_RAPID, l->rapid_reset))
    obs_report(o, "rapid-reset", H2_FINDING_ERROR, CLIENT, s->id, NULL,
               "%u streams opened and reset by the client before a response within %u ms",
               l->rapid_reset, l->window_ms);
  uint32_t code = f->u.rst_stream.error_code;
  bool provoked = (s->flags & F_PROVOKED) || code == H2_PROTOCOL_ERROR ||
                  code == H2_STREAM_CLOSED || code == H2_FLOW_CONTROL_ERROR ||
                  code == H2_FRAME_SIZE_ERROR;
  if (dir == SERVER && provoked && code != H2_NO_ERROR && code != H2_CANCEL &&
      obs_rate_hit(o, CLIENT, R_MADE, l->made_you_reset))
    obs_report(o, "made-you-reset", H2_FINDING_ERROR, CLIENT, s->id, NULL,
               "the server reset %u client streams with stream errors within %u ms",
               l->made_you_reset, l->window_ms);
}
