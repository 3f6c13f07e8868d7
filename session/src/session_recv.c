/* session_recv.c — the receive path: preface check (§3.4), frame assembly,
 * and the reaction to every received frame — stream states (§5.1), stream id
 * rules (§5.1.1), concurrency (§5.1.2), flow control (§6.9), SETTINGS (§6.5),
 * PING (§6.7), GOAWAY (§6.8), field blocks (§4.3, §6.10), message rules (§8.1)
 * and flood limits (§10.5). */
#include <string.h>

#include "session_internal.h"

#define SEC(x) "RFC 9113 §" x

static bool peer_id(const h2_session *s, uint32_t id) {
  return (id & 1) == (s->peer_role == H2_ROLE_CLIENT ? 1u : 0u);
}

/* Applies the §5.1 table to a received frame. Returns false when the frame
 * must not be processed further (error raised or frame ignored). */
static bool recv_transition(h2_session *s, uint32_t id, h2_stream **stp, uint8_t event,
                            bool *ignored) {
  h2_stream *st = h2s_stream_find(s, id);
  uint8_t state = st ? st->state : h2s_stream_state_of(s, id);
  const h2_stream_transition *t = h2_stream_transition_get(state, H2_STREAM_RECV, event);
  *ignored = false;
  switch (t->verdict) {
  case H2_STREAM_OK:
    if (t->next != state) {
      if (!st) st = h2s_stream_create(s, id, H2_SS_IDLE);
      if (!st) {
        h2s_stream_error(s, id, H2_REFUSED_STREAM, H2_OK, SEC("5.1.2"), "no-stream-slot");
        return false;
      }
      h2s_stream_set_state(s, st, t->next, 0);
    }
    *stp = st;
    return true;
  case H2_STREAM_IGNORE:
    *ignored = true;
    *stp = st;
    return false;
  case H2_STREAM_ERROR:
    h2s_stream_error(s, id, t->code, H2_OK, t->section, t->rule);
    return false;
  default:
    h2s_connection_error(s, t->code, H2_OK, t->section, t->rule);
    return false;
  }
}

/* ---- header blocks ---- */

static void on_field(void *user, const h2_header *h, const h2_hpack_field_info *info) {
  (void)info;
  h2_session *s = user;
  if (s->field_count >= H2_SESSION_MAX_FIELDS) {
    s->fields_overflow = true;
    return;
  }
  char *name = h2s_arena_alloc(s, h->name_len + 1, 1);
  char *value = h2s_arena_alloc(s, h->value_len + 1, 1);
  if (!name || !value) {
    s->fields_alloc_failed = true;
    return;
  }
  memcpy(name, h->name, h->name_len);
  name[h->name_len] = 0;
  memcpy(value, h->value, h->value_len);
  value[h->value_len] = 0;
  h2_header *out = &s->fields[s->field_count++];
  *out = *h;
  out->name = name;
  out->value = value;
}

/* Decodes the completed block. Returns H2_OK, or the status of a stream-level
 * problem (list too large); connection errors are raised here. */
static h2_status decode_block(h2_session *s, const h2_header **list, size_t *n) {
  s->field_count = 0;
  s->fields_overflow = s->fields_alloc_failed = false;
  h2_hpack_decode_callbacks cb = {.on_field = on_field, .user = s};
  h2_error err;
  h2_status st = h2_hpack_decode_block(&s->decoder, s->block.buf, s->block.len, &cb, &err);
  if (st != H2_OK && st != H2_E_HPACK_HEADER_LIST_TOO_LARGE) {
    /* §4.3: a decoding error is a connection error COMPRESSION_ERROR. */
    h2s_connection_error(s, H2_COMPRESSION_ERROR, st, err.section, h2_status_name(st));
    return st;
  }
  if (st == H2_OK && (s->fields_overflow || s->fields_alloc_failed))
    st = H2_E_HPACK_HEADER_LIST_TOO_LARGE;
  h2_header *copy = h2s_arena_alloc(s, s->field_count * sizeof(h2_header) + 1, sizeof(void *));
  if (!copy)
    st = H2_E_HPACK_HEADER_LIST_TOO_LARGE;
  else
    memcpy(copy, s->fields, s->field_count * sizeof(h2_header));
  *list = copy;
  *n = s->field_count;
  return st;
}

static void headers_complete(h2_session *s) {
  const h2_header *list = NULL;
  size_t n = 0;
  uint32_t id = s->block.stream_id;
  bool end_stream = (s->block.flags & H2_FLAG_END_STREAM) != 0;
  h2_status hs = decode_block(s, &list, &n);
  if (s->failed) return;

  if (s->block.type == H2_PUSH_PROMISE) {
    uint32_t pid = s->block.promised_id;
    h2_stream *pst = NULL;
    bool ignored;
    if (!recv_transition(s, pid, &pst, H2_STREAM_EV_PUSH_PROMISE, &ignored)) return;
    if (pid > s->last_peer_stream) s->last_peer_stream = pid;
    if (hs != H2_OK) {
      h2s_stream_error(s, pid, H2_PROTOCOL_ERROR, hs, SEC("8.1.1"), "header-list-too-large");
      return;
    }
    int64_t cl;
    bool info, head, connect;
    const char *rule = h2s_fields_check(list, n, H2S_REQUEST, false, &cl, &info, &head, &connect);
    if (rule) { /* §8.4: a malformed promised request is a stream error on the promise */
      h2s_stream_error(s, pid, H2_PROTOCOL_ERROR, H2_OK, SEC("8.4"), rule);
      return;
    }
    h2_event *ev = h2s_event_push(s, H2_EV_PUSH_PROMISE, id);
    if (ev) {
      ev->promised_id = pid;
      ev->headers = list;
      ev->header_count = n;
    }
    return;
  }

  /* HEADERS: the stream's state decides (idle → open, trailers, ...). */
  h2_stream *st = h2s_stream_find(s, id);
  uint8_t before = st ? st->state : h2s_stream_state_of(s, id);
  if (!st && before == H2_SS_CLOSED && peer_id(s, id) && s->role == H2_ROLE_SERVER) {
    /* §5.1.1: a new stream id must be larger than every one the peer used. */
    h2s_connection_error(s, H2_PROTOCOL_ERROR, H2_OK, SEC("5.1.1"), "stream-id-not-increasing");
    return;
  }
  if (before == H2_SS_IDLE) {
    /* §5.1.1: a new stream from the peer: right parity, larger than any before. */
    if (!peer_id(s, id) || s->role == H2_ROLE_CLIENT) {
      h2s_connection_error(s, H2_PROTOCOL_ERROR, H2_OK, SEC("5.1.1"), "bad-stream-id");
      return;
    }
    if (s->goaway_sent && id > s->goaway_last) return; /* §6.8: ignored after GOAWAY */
    if (s->active_peer >= s->cfg.max_concurrent_streams) {
      /* §5.1.2: beyond our limit: PROTOCOL_ERROR or REFUSED_STREAM; refused can be retried. */
      s->last_peer_stream = id;
      h2s_stream_error(s, id, H2_REFUSED_STREAM, H2_OK, SEC("5.1.2"), "too-many-streams");
      return;
    }
  }
  bool ignored = false;
  uint8_t event = end_stream ? H2_STREAM_EV_HEADERS_END_STREAM : H2_STREAM_EV_HEADERS;
  if (!recv_transition(s, id, &st, event, &ignored)) return;
  if (before == H2_SS_IDLE && id > s->last_peer_stream) s->last_peer_stream = id;
  if (hs != H2_OK) {
    h2s_stream_error(s, id, H2_PROTOCOL_ERROR, hs, SEC("8.1.1"), "header-list-too-large");
    return;
  }

  /* §8.1: a request/response header section, 1xx responses, then optionally
   * one trailer section that must end the stream. */
  int kind =
      st->final_headers ? H2S_TRAILERS : (s->role == H2_ROLE_SERVER ? H2S_REQUEST : H2S_RESPONSE);
  int64_t cl = -1;
  bool info = false, head = false, connect = false;
  const char *rule =
      h2s_fields_check(list, n, kind, s->connect_protocol, &cl, &info, &head, &connect);
  if (!rule && kind == H2S_TRAILERS && !end_stream) rule = "trailers-without-end-stream";
  if (!rule && info && end_stream) rule = "informational-with-end-stream";
  if (rule) {
    h2s_stream_error(s, id, H2_PROTOCOL_ERROR, H2_OK,
                     kind == H2S_TRAILERS ? SEC("8.1") : SEC("8.3"), rule);
    return;
  }
  if (kind != H2S_TRAILERS && !info) {
    st->final_headers = true;
    st->content_length = cl;
    if (kind == H2S_REQUEST) st->is_head_request = head;
    if (kind == H2S_RESPONSE && st->is_head_request) st->content_length = -1;
  }
  if (end_stream && st->content_length >= 0 && (uint64_t)st->content_length != st->data_received) {
    h2s_stream_error(s, id, H2_PROTOCOL_ERROR, H2_OK, SEC("8.1.1"), "content-length-mismatch");
    return;
  }
  h2_event *ev = h2s_event_push(s, H2_EV_HEADERS, id);
  if (ev) {
    ev->headers = list;
    ev->header_count = n;
    ev->end_stream = end_stream;
  }
}

/* ---- DATA (§6.1, §6.9) ---- */

/* DATA counts toward the connection window whatever becomes of its stream
 * (gone, reset, ignored after GOAWAY: §5.1, §6.8, §6.9): false after a
 * FLOW_CONTROL_ERROR when the peer sent more than the window allows
 * (§6.9.1). */
static bool consume_conn_window(h2_session *s, uint32_t len) {
  if ((int64_t)len > s->conn_recv_window) {
    h2s_connection_error(s, H2_FLOW_CONTROL_ERROR, H2_OK, SEC("6.9.1"),
                         "connection-window-exceeded");
    return false;
  }
  s->conn_recv_window -= len;
  s->conn_recv_unacked += len;
  return true;
}

static void recv_data(h2_session *s, const h2_frame *f) {
  uint32_t id = f->hd.stream_id;
  uint32_t flow_len = f->hd.length; /* padding included (§6.9.1) */
  /* Connection window first: it counts even when the stream is gone (§5.1, §6.9). */
  if (!consume_conn_window(s, flow_len)) return;
  bool end = (f->hd.flags & H2_FLAG_END_STREAM) != 0;
  if (!end && f->u.data.len == 0 &&
      h2s_flood_count(s, &s->n_empty, s->cfg.flood.empty_frames_per_sec, "empty-frames-flood"))
    return;
  h2_stream *st = NULL;
  bool ignored;
  h2_stream *pre = h2s_stream_find(s, id);
  if (pre && (int64_t)flow_len > pre->recv_window &&
      (pre->state == H2_SS_OPEN || pre->state == H2_SS_HALF_CLOSED_LOCAL)) {
    h2s_stream_error(s, id, H2_FLOW_CONTROL_ERROR, H2_OK, SEC("6.9.1"), "stream-window-exceeded");
    h2s_maybe_window_update(s, NULL);
    return;
  }
  if (!recv_transition(s, id, &st, end ? H2_STREAM_EV_DATA_END_STREAM : H2_STREAM_EV_DATA,
                       &ignored)) {
    h2s_maybe_window_update(s, NULL);
    return;
  }
  st->recv_window -= flow_len;
  st->recv_unacked += flow_len;
  st->data_received += f->u.data.len;
  /* §8.1.1: DATA beyond content-length, or short of it at the end, is malformed. */
  if (st->content_length >= 0 && (st->data_received > (uint64_t)st->content_length ||
                                  (end && st->data_received != (uint64_t)st->content_length))) {
    h2s_stream_error(s, id, H2_PROTOCOL_ERROR, H2_OK, SEC("8.1.1"), "content-length-mismatch");
    h2s_maybe_window_update(s, NULL);
    return;
  }
  if (f->u.data.len || end) {
    uint8_t *copy = f->u.data.len ? h2s_arena_alloc(s, f->u.data.len, 1) : NULL;
    if (copy) memcpy(copy, f->u.data.data, f->u.data.len);
    h2_event *ev = h2s_event_push(s, H2_EV_DATA, id);
    if (ev) {
      ev->data = copy;
      ev->len = copy ? f->u.data.len : 0;
      ev->end_stream = end;
    }
  }
  h2s_maybe_window_update(s, st);
}

/* ---- SETTINGS (§6.5) ---- */

static void recv_settings(h2_session *s, const h2_frame *f) {
  if (f->hd.flags & H2_FLAG_ACK) {
    if (s->pending_count == 0) return; /* unsolicited ACK: nothing to apply */
    h2s_apply_local_settings(s, &s->pending[s->pending_head]);
    s->pending_head = (s->pending_head + 1) % H2_SESSION_PENDING_SETTINGS;
    s->pending_count--;
    h2s_event_push(s, H2_EV_SETTINGS_ACK, 0);
    return;
  }
  if (h2s_flood_count(s, &s->n_settings, s->cfg.flood.settings_per_sec, "settings-flood")) return;
  if (s->out_len > s->cfg.flood.pending_output) {
    h2s_connection_error(s, H2_ENHANCE_YOUR_CALM, H2_OK, SEC("10.5"), "settings-ack-backlog");
    return;
  }
  /* §6.5.3: values are processed in the order they appear. */
  for (uint32_t i = 0; i < f->u.settings.count; i++) {
    h2_setting e = h2_settings_at(f, i);
    switch (e.id) {
    case H2_SETTINGS_HEADER_TABLE_SIZE:
      h2_hpack_encoder_set_peer_limit(s->encoder, e.value);
      break;
    case H2_SETTINGS_INITIAL_WINDOW_SIZE: {
      /* §6.9.2: the change applies to every stream's send window, which may
       * go negative; beyond 2^31-1 it is a FLOW_CONTROL_ERROR. */
      int64_t delta = (int64_t)e.value - (int64_t)s->peer[H2_SETTINGS_INITIAL_WINDOW_SIZE];
      for (uint32_t k = 0; k < s->stream_cap; k++) {
        h2_stream *st = &s->streams[k];
        if (!st->id || st->state == H2_SS_CLOSED || st->state == H2_SS_CLOSED_RESET_LOCAL) continue;
        st->send_window += delta;
        if (st->send_window > H2_MAX_WINDOW_SIZE) {
          h2s_connection_error(s, H2_FLOW_CONTROL_ERROR, H2_OK, SEC("6.9.2"),
                               "initial-window-overflow");
          return;
        }
      }
      break;
    }
    default:
      break;
    }
    if (e.id >= 1 && e.id <= 6) s->peer[e.id] = e.value;
  }
  h2_frame ack = {.hd = {.type = H2_SETTINGS, .flags = H2_FLAG_ACK}};
  h2s_out_frame(s, &ack);
  h2s_event_push(s, H2_EV_SETTINGS, 0);
}

static void recv_window_update(h2_session *s, const h2_frame *f) {
  uint32_t id = f->hd.stream_id;
  uint32_t inc = f->u.window_update.increment;
  if (id == 0) {
    s->conn_send_window += inc;
    if (s->conn_send_window > H2_MAX_WINDOW_SIZE)
      h2s_connection_error(s, H2_FLOW_CONTROL_ERROR, H2_OK, SEC("6.9.1"), "window-overflow");
    else
      h2s_event_push(s, H2_EV_WINDOW_UPDATE, 0);
    return;
  }
  h2_stream *st = NULL;
  bool ignored;
  if (!recv_transition(s, id, &st, H2_STREAM_EV_WINDOW_UPDATE, &ignored) || !st) return;
  st->send_window += inc;
  if (st->send_window > H2_MAX_WINDOW_SIZE) {
    h2s_stream_error(s, id, H2_FLOW_CONTROL_ERROR, H2_OK, SEC("6.9.1"), "window-overflow");
    return;
  }
  if (st->out_pending) h2s_event_push(s, H2_EV_WINDOW_UPDATE, id);
}

static void recv_goaway(h2_session *s, const h2_frame *f) {
  s->goaway_received = true;
  uint32_t last = f->u.goaway.last_stream_id;
  if (!s->peer_goaway_last || last < s->peer_goaway_last) s->peer_goaway_last = last;
  h2_event *ev = h2s_event_push(s, H2_EV_GOAWAY, 0);
  if (ev) {
    ev->last_stream_id = last;
    ev->error_code = f->u.goaway.error_code;
    uint8_t *copy = h2s_arena_alloc(s, f->u.goaway.debug_len + 1, 1);
    if (copy) {
      memcpy(copy, f->u.goaway.debug, f->u.goaway.debug_len);
      ev->data = copy;
      ev->len = f->u.goaway.debug_len;
    }
  }
  /* §6.8: our streams above last_stream_id were not processed: close them
   * (REFUSED_STREAM tells the application they can be retried). */
  for (uint32_t k = 0; k < s->stream_cap; k++) {
    h2_stream *st = &s->streams[k];
    if (st->id && st->local && st->id > last && st->state != H2_SS_CLOSED &&
        st->state != H2_SS_CLOSED_RESET_LOCAL && st->state != H2_SS_IDLE)
      h2s_stream_set_state(s, st, H2_SS_CLOSED, H2_REFUSED_STREAM);
  }
}

/* A frame the codec or the field-block tracker rejected: a stream error
 * resets that stream, anything else ends the connection (§5.4). */
static void recv_rejected(h2_session *s, const h2_frame *f, h2_status st, const h2_error *err) {
  if (err->scope == H2_SCOPE_STREAM && err->stream_id && f->hd.type == H2_HEADERS) {
    /* §4.3: the field block must still go through HPACK, or the tables
     * drift apart; without END_HEADERS we cannot follow it: close. */
    if (!(f->hd.flags & H2_FLAG_END_HEADERS) || !f->u.headers.fragment || s->block.open) {
      h2s_connection_error(s, err->code, st, err->section, h2_status_name(st));
      return;
    }
    h2_hpack_decode_callbacks none = {0};
    h2_error herr;
    h2_status hs = h2_hpack_decode_block(&s->decoder, f->u.headers.fragment,
                                         f->u.headers.fragment_len, &none, &herr);
    if (hs != H2_OK && hs != H2_E_HPACK_HEADER_LIST_TOO_LARGE) {
      h2s_connection_error(s, H2_COMPRESSION_ERROR, hs, herr.section, h2_status_name(hs));
      return;
    }
  }
  if (err->scope == H2_SCOPE_STREAM && err->stream_id) {
    /* flow-controlled bytes still count toward the connection window */
    if (f->hd.type == H2_DATA) {
      if (!consume_conn_window(s, f->hd.length)) return;
      h2s_maybe_window_update(s, NULL);
    }
    h2s_stream_error(s, err->stream_id, err->code, st, err->section, h2_status_name(st));
  } else {
    h2s_connection_error(s, err->code ? err->code : H2_PROTOCOL_ERROR, st, err->section,
                         h2_status_name(st));
  }
}

/* §6.8: after our GOAWAY, frames on streams the peer opened above its
 * last stream id are ignored (field blocks still go through HPACK below,
 * DATA still counts toward the connection window). Returns true when the
 * frame was consumed here. */
static bool ignored_after_goaway(h2_session *s, const h2_frame *f) {
  if (!(s->goaway_sent && f->hd.stream_id && peer_id(s, f->hd.stream_id) &&
        f->hd.stream_id > s->goaway_last && f->hd.type != H2_HEADERS &&
        f->hd.type != H2_CONTINUATION && f->hd.type != H2_PUSH_PROMISE))
    return false;
  if (f->hd.type == H2_DATA && consume_conn_window(s, f->hd.length))
    h2s_maybe_window_update(s, NULL);
  return true;
}

/* HEADERS, PUSH_PROMISE and CONTINUATION: one field block (§4.3, §6.2,
 * §6.6, §6.10), fed to the tracker and decoded once complete; err is the
 * decode's record, reused for the tracker's verdict. */
static void recv_field_block_frame(h2_session *s, const h2_frame *f, h2_error *err) {
  if (f->hd.type == H2_PUSH_PROMISE) {
    /* §6.6/§8.4: push must be enabled, on a stream the client opened and
     * that is open or half-closed (local) from the client's view. */
    if (!s->cfg.enable_push) {
      h2s_connection_error(s, H2_PROTOCOL_ERROR, H2_OK, SEC("6.6"), "push-disabled");
      return;
    }
    uint8_t as = h2s_stream_state_of(s, f->hd.stream_id);
    if (as != H2_SS_OPEN && as != H2_SS_HALF_CLOSED_LOCAL) {
      h2s_connection_error(s, H2_PROTOCOL_ERROR, H2_OK, SEC("6.6"), "push-on-bad-stream");
      return;
    }
  }
  if (f->hd.type == H2_CONTINUATION) {
    if (s->block.frames + 1 > s->cfg.flood.continuation_frames) {
      h2s_connection_error(s, H2_ENHANCE_YOUR_CALM, H2_OK, SEC("10.5"), "continuation-flood");
      return;
    }
    if (!(f->hd.flags & H2_FLAG_END_HEADERS) && f->u.continuation.fragment_len == 0 &&
        h2s_flood_count(s, &s->n_empty, s->cfg.flood.empty_frames_per_sec, "empty-frames-flood"))
      return;
  }
  if (f->hd.type == H2_HEADERS && !(f->hd.flags & H2_FLAG_END_HEADERS) &&
      f->u.headers.fragment_len == 0 &&
      h2s_flood_count(s, &s->n_empty, s->cfg.flood.empty_frames_per_sec, "empty-frames-flood"))
    return;
  bool complete = false;
  h2_status bs = h2_field_block_feed(&s->block, f, &complete, err);
  if (bs != H2_OK) {
    h2s_connection_error(s, err->code ? err->code : H2_COMPRESSION_ERROR, bs, err->section,
                         h2_status_name(bs));
    return;
  }
  if (complete) headers_complete(s);
}

static void recv_rst_stream(h2_session *s, const h2_frame *f) {
  if (h2s_flood_count(s, &s->n_rst, s->cfg.flood.rst_per_sec, "reset-flood")) return;
  h2_stream *stp = NULL;
  bool ignored;
  if (!recv_transition(s, f->hd.stream_id, &stp, H2_STREAM_EV_RST_STREAM, &ignored)) return;
  h2_event *ev = h2s_event_push(s, H2_EV_RST_STREAM, f->hd.stream_id);
  if (ev) ev->error_code = f->u.rst_stream.error_code;
}

static void recv_ping(h2_session *s, const h2_frame *f) {
  if (f->hd.flags & H2_FLAG_ACK) {
    h2_event *ev = h2s_event_push(s, H2_EV_PING_ACK, 0);
    if (ev) memcpy(ev->opaque, f->u.ping.opaque, 8);
    return;
  }
  if (h2s_flood_count(s, &s->n_ping, s->cfg.flood.ping_per_sec, "ping-flood")) return;
  if (s->out_len > s->cfg.flood.pending_output) {
    h2s_connection_error(s, H2_ENHANCE_YOUR_CALM, H2_OK, SEC("10.5"), "ping-ack-backlog");
    return;
  }
  /* §6.7: answer with the same opaque data and ACK. */
  h2_frame ack = {.hd = {.type = H2_PING, .flags = H2_FLAG_ACK}};
  memcpy(ack.u.ping.opaque, f->u.ping.opaque, 8);
  h2s_out_frame(s, &ack);
  h2_event *ev = h2s_event_push(s, H2_EV_PING, 0);
  if (ev) memcpy(ev->opaque, f->u.ping.opaque, 8);
}

void h2s_handle_frame(h2_session *s, const uint8_t *bytes, size_t len) {
  if (s->cfg.on_frame) s->cfg.on_frame(s->cfg.user, 1, bytes, len);
  h2_frame f;
  size_t used = 0;
  h2_error err;
  memset(&err, 0, sizeof err);
  h2_frame_decode_options opt = {.max_frame_size =
                                     s->local[H2_SETTINGS_MAX_FRAME_SIZE] > s->announced_max_frame
                                         ? s->local[H2_SETTINGS_MAX_FRAME_SIZE]
                                         : s->announced_max_frame,
                                 .sender = s->peer_role};
  h2_status st = h2_frame_decode(bytes, len, &opt, &f, &used, &err);
  if (st == H2_OK) st = h2_field_block_check(&s->block, &f.hd, &err);
  if (st != H2_OK) {
    recv_rejected(s, &f, st, &err);
    return;
  }
  if (ignored_after_goaway(s, &f)) return;
  /* §3.4: the peer's preface ends with a SETTINGS frame. */
  if (!s->first_frame_seen) {
    s->first_frame_seen = true;
    if (f.hd.type != H2_SETTINGS || (f.hd.flags & H2_FLAG_ACK)) {
      h2s_connection_error(s, H2_PROTOCOL_ERROR, H2_OK, SEC("3.4"), "preface-not-settings");
      return;
    }
  }
  switch (f.hd.type) {
  case H2_DATA:
    recv_data(s, &f);
    break;
  case H2_HEADERS:
  case H2_PUSH_PROMISE:
  case H2_CONTINUATION:
    recv_field_block_frame(s, &f, &err);
    break;
  case H2_PRIORITY:
    /* allowed in every state (§5.1), creates nothing; deprecated signal (§5.3.2) */
    (void)h2s_flood_count(s, &s->n_priority, s->cfg.flood.priority_per_sec, "priority-flood");
    break;
  case H2_RST_STREAM:
    recv_rst_stream(s, &f);
    break;
  case H2_SETTINGS:
    recv_settings(s, &f);
    break;
  case H2_PING:
    recv_ping(s, &f);
    break;
  case H2_GOAWAY:
    recv_goaway(s, &f);
    break;
  case H2_WINDOW_UPDATE:
    recv_window_update(s, &f);
    break;
  default: {
    /* §5.5: unknown frame types are ignored. */
    h2_event *ev = h2s_event_push(s, H2_EV_UNKNOWN_FRAME, f.hd.stream_id);
    if (ev) ev->frame_type = f.hd.type;
    break;
  }
  }
}

size_t h2_session_recv(h2_session *s, const uint8_t *buf, size_t len) {
  size_t used = 0;
  if (s->ev_count == 0) s->arena_len = 0;
  while (used < len || s->inbuf_len >= H2_FRAME_HEADER_LEN) {
    if (s->failed) return len; /* nothing more is read after a connection error */
    if (s->ev_count >= s->ev_soft_cap || s->arena_cap - s->arena_len < s->arena_reserve) break;
    if (s->preface_needed) {
      /* §3.4: the client preface starts with the 24-octet magic. */
      while (used < len && s->preface_seen < H2_PREFACE_LEN) {
        if (buf[used] != (uint8_t)H2_PREFACE[s->preface_seen]) {
          h2s_connection_error(s, H2_PROTOCOL_ERROR, H2_E_BAD_PREFACE, SEC("3.4"), "bad-preface");
          return len;
        }
        used++;
        s->preface_seen++;
      }
      if (s->preface_seen < H2_PREFACE_LEN) break;
      s->preface_needed = false;
      continue;
    }
    if (s->inbuf_len < H2_FRAME_HEADER_LEN) {
      size_t take = H2_FRAME_HEADER_LEN - s->inbuf_len;
      if (take > len - used) take = len - used;
      if (take) memcpy(s->inbuf + s->inbuf_len, buf + used, take);
      s->inbuf_len += take;
      used += take;
      if (s->inbuf_len < H2_FRAME_HEADER_LEN) break;
    }
    h2_frame_header hd;
    (void)h2_frame_header_decode(s->inbuf, s->inbuf_len, &hd, NULL); /* nine bytes are here */
    uint32_t flen = hd.length;
    if (flen > s->inbuf_cap - H2_FRAME_HEADER_LEN) {
      /* §4.2: larger than our SETTINGS_MAX_FRAME_SIZE: FRAME_SIZE_ERROR. */
      h2s_connection_error(s, H2_FRAME_SIZE_ERROR, H2_E_FRAME_TOO_LARGE, SEC("4.2"),
                           "frame-too-large");
      return len;
    }
    size_t need = H2_FRAME_HEADER_LEN + flen - s->inbuf_len;
    size_t take = need < len - used ? need : len - used;
    if (take) memcpy(s->inbuf + s->inbuf_len, buf + used, take);
    s->inbuf_len += take;
    used += take;
    if (s->inbuf_len < H2_FRAME_HEADER_LEN + flen) break;
    s->in_frame = true;
    h2s_handle_frame(s, s->inbuf, s->inbuf_len);
    h2s_flush_closed(s);
    s->inbuf_len = 0;
  }
  return s->failed ? len : used;
}
