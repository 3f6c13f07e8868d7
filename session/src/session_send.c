/* session_send.c — the actions a user puts (HEADERS, DATA, PUSH_PROMISE,
 * RST_STREAM, PING, GOAWAY, SETTINGS, WINDOW_UPDATE, raw bytes) and
 * h2_session_output, which drains queued frames and then frames pending DATA
 * as the flow-control windows allow (§6.9: never beyond them). */
#include <string.h>

#include "session_internal.h"

static bool send_allowed(h2_session *s, h2_stream *st, uint32_t id, uint8_t event, uint8_t *next) {
  uint8_t state = st ? st->state : h2s_stream_state_of(s, id);
  const h2_stream_transition *t = h2_stream_transition_get(state, H2_STREAM_SEND, event);
  if (!t || t->verdict != H2_STREAM_OK) return false;
  *next = t->next;
  return true;
}

/* Encodes a header block and queues HEADERS/PUSH_PROMISE + CONTINUATIONs
 * cut at the peer's SETTINGS_MAX_FRAME_SIZE (§4.3: one contiguous sequence). */
static h2_status queue_field_block(h2_session *s, uint8_t type, uint32_t id, uint32_t promised,
                                   const h2_header *h, size_t n, bool end_stream) {
  size_t bound = h2_hpack_encoder_bound(s->encoder, h, n);
  if (bound > s->hpack_cap) return H2_E_BUFFER_TOO_SMALL;
  size_t frame_max = s->peer[H2_SETTINGS_MAX_FRAME_SIZE];
  size_t frames_bound = bound + (bound / frame_max + 2) * H2_FRAME_HEADER_LEN + 4;
  if (s->out_cap - s->out_len < frames_bound) return H2_E_BUFFER_TOO_SMALL;
  size_t len = 0;
  h2_error err;
  h2_status st = h2_hpack_encode(s->encoder, h, n, s->hpack_buf, s->hpack_cap, &len, &err);
  if (st != H2_OK) return st;
  size_t off = 0;
  bool first = true;
  do {
    size_t room = frame_max - (first && type == H2_PUSH_PROMISE ? 4 : 0);
    size_t chunk = len - off < room ? len - off : room;
    bool last = off + chunk == len;
    h2_frame f;
    memset(&f, 0, sizeof f);
    f.hd.stream_id = id;
    f.hd.flags = last ? H2_FLAG_END_HEADERS : 0;
    if (first && type == H2_HEADERS) {
      f.hd.type = H2_HEADERS;
      if (end_stream) f.hd.flags |= H2_FLAG_END_STREAM;
      f.u.headers.fragment = s->hpack_buf + off;
      f.u.headers.fragment_len = (uint32_t)chunk;
    } else if (first) {
      f.hd.type = H2_PUSH_PROMISE;
      f.u.push_promise.promised_stream_id = promised;
      f.u.push_promise.fragment = s->hpack_buf + off;
      f.u.push_promise.fragment_len = (uint32_t)chunk;
    } else {
      f.hd.type = H2_CONTINUATION;
      f.u.continuation.fragment = s->hpack_buf + off;
      f.u.continuation.fragment_len = (uint32_t)chunk;
    }
    uint8_t hd[H2_FRAME_HEADER_LEN + 4];
    size_t hdlen = H2_FRAME_HEADER_LEN;
    uint32_t plen = (uint32_t)chunk + (f.hd.type == H2_PUSH_PROMISE ? 4u : 0u);
    h2_frame_header_write(hd, plen, f.hd.type, f.hd.flags, id);
    if (f.hd.type == H2_PUSH_PROMISE) {
      hd[9] = (uint8_t)(promised >> 24);
      hd[10] = (uint8_t)(promised >> 16);
      hd[11] = (uint8_t)(promised >> 8);
      hd[12] = (uint8_t)promised;
      hdlen += 4;
    }
    size_t start = s->out_head + s->out_len;
    h2s_out_bytes(s, hd, hdlen);
    h2s_out_bytes(s, s->hpack_buf + off, chunk);
    if (s->cfg.on_frame) {
      /* the queue may have been compacted by the first write: recompute */
      start = s->out_head + s->out_len - hdlen - chunk;
      s->cfg.on_frame(s->cfg.user, 0, s->out + start, hdlen + chunk);
    }
    off += chunk;
    first = false;
  } while (off < len);
  return H2_OK;
}

uint32_t h2_session_next_stream_id(const h2_session *s) {
  if (s->goaway_received || s->goaway_sent || s->failed) return 0;
  if (s->next_local_stream > H2_STREAM_ID_MASK) return 0;
  return s->next_local_stream;
}

h2_status h2_session_send_headers(h2_session *s, uint32_t stream_id, const h2_header *headers,
                                  size_t n, bool end_stream, uint32_t *stream_id_out) {
  if (s->failed) return H2_E_INVALID_ARGUMENT;
  bool opening = false;
  if (stream_id == 0) {
    if (s->role != H2_ROLE_CLIENT) return H2_E_INVALID_ARGUMENT;
    stream_id = h2_session_next_stream_id(s);
    if (stream_id == 0) return H2_E_INVALID_ARGUMENT;
    /* §5.1.2: respect the peer's SETTINGS_MAX_CONCURRENT_STREAMS. */
    if (s->active_local >= s->peer[H2_SETTINGS_MAX_CONCURRENT_STREAMS])
      return H2_E_INVALID_ARGUMENT;
    opening = true;
  }
  h2_stream *st = h2s_stream_find(s, stream_id);
  if (st && st->out_pending) return H2_E_INVALID_ARGUMENT; /* DATA first */
  uint8_t next;
  uint8_t ev = end_stream ? H2_STREAM_EV_HEADERS_END_STREAM : H2_STREAM_EV_HEADERS;
  if (!send_allowed(s, st, stream_id, ev, &next)) return H2_E_INVALID_ARGUMENT;
  if (!st && !opening) return H2_E_INVALID_ARGUMENT;
  if (!st) {
    st = h2s_stream_create(s, stream_id, H2_SS_IDLE);
    if (!st) return H2_E_NO_MEMORY;
  }
  h2_status r = queue_field_block(s, H2_HEADERS, stream_id, 0, headers, n, end_stream);
  if (r != H2_OK) {
    if (opening && st->state == H2_SS_IDLE) h2s_stream_set_state(s, st, H2_SS_CLOSED, 0);
    return r;
  }
  if (opening) {
    s->last_local_stream = stream_id;
    s->next_local_stream = stream_id + 2;
    /* remember HEAD so the response's content-length is not checked against a body */
    for (size_t i = 0; i < n; i++)
      if (headers[i].name_len == 7 && !memcmp(headers[i].name, ":method", 7) &&
          headers[i].value_len == 4 && !memcmp(headers[i].value, "HEAD", 4))
        st->is_head_request = true;
  }
  h2s_stream_set_state(s, st, next, 0);
  if (stream_id_out) *stream_id_out = stream_id;
  return H2_OK;
}

h2_status h2_session_send_data(h2_session *s, uint32_t stream_id, const uint8_t *data, size_t len,
                               bool end_stream) {
  if (s->failed) return H2_E_INVALID_ARGUMENT;
  h2_stream *st = h2s_stream_find(s, stream_id);
  uint8_t next;
  if (!st || st->out_pending || !send_allowed(s, st, stream_id, H2_STREAM_EV_DATA, &next))
    return H2_E_INVALID_ARGUMENT;
  if (!st->in_ready && s->ready_count == s->ready_cap) return H2_E_BUFFER_TOO_SMALL;
  st->out_data = data;
  st->out_len = len;
  st->out_end = end_stream;
  st->out_pending = true;
  if (!st->in_ready) {
    st->in_ready = true;
    s->ready[s->ready_count++] = (uint32_t)(st - s->streams);
  }
  return H2_OK;
}

h2_status h2_session_send_push_promise(h2_session *s, uint32_t stream_id, const h2_header *headers,
                                       size_t n, uint32_t *promised_id) {
  if (s->failed || s->role != H2_ROLE_SERVER || !s->peer[H2_SETTINGS_ENABLE_PUSH])
    return H2_E_INVALID_ARGUMENT;
  uint8_t as = h2s_stream_state_of(s, stream_id);
  /* §8.4: promised on a stream the client opened, still open from its side... */
  if (as != H2_SS_OPEN && as != H2_SS_HALF_CLOSED_REMOTE) return H2_E_INVALID_ARGUMENT;
  uint32_t pid = h2_session_next_stream_id(s);
  if (!pid) return H2_E_INVALID_ARGUMENT;
  h2_stream *pst = h2s_stream_create(s, pid, H2_SS_IDLE);
  if (!pst) return H2_E_NO_MEMORY;
  h2_status r = queue_field_block(s, H2_PUSH_PROMISE, stream_id, pid, headers, n, false);
  if (r != H2_OK) {
    h2s_stream_set_state(s, pst, H2_SS_CLOSED, 0);
    return r;
  }
  s->last_local_stream = pid;
  s->next_local_stream = pid + 2;
  h2s_stream_set_state(s, pst, H2_SS_RESERVED_LOCAL, 0);
  if (promised_id) *promised_id = pid;
  return H2_OK;
}

h2_status h2_session_send_rst_stream(h2_session *s, uint32_t stream_id, uint32_t error_code) {
  if (s->failed || stream_id == 0) return H2_E_INVALID_ARGUMENT;
  h2_stream *st = h2s_stream_find(s, stream_id);
  uint8_t next;
  if (!send_allowed(s, st, stream_id, H2_STREAM_EV_RST_STREAM, &next)) return H2_E_INVALID_ARGUMENT;
  h2_frame f = {.hd = {.type = H2_RST_STREAM, .stream_id = stream_id}};
  f.u.rst_stream.error_code = error_code;
  if (!h2s_out_frame(s, &f)) return H2_E_BUFFER_TOO_SMALL;
  if (st) h2s_stream_set_state(s, st, next, error_code);
  return H2_OK;
}

h2_status h2_session_send_ping(h2_session *s, const uint8_t opaque[8]) {
  if (s->failed) return H2_E_INVALID_ARGUMENT;
  h2_frame f = {.hd = {.type = H2_PING}};
  memcpy(f.u.ping.opaque, opaque, 8);
  return h2s_out_frame(s, &f) ? H2_OK : H2_E_BUFFER_TOO_SMALL;
}

h2_status h2_session_send_goaway(h2_session *s, uint32_t error_code, const char *debug) {
  if (s->failed) return H2_E_INVALID_ARGUMENT;
  h2_frame f = {.hd = {.type = H2_GOAWAY}};
  f.u.goaway.last_stream_id = s->last_peer_stream;
  f.u.goaway.error_code = error_code;
  size_t dl = debug ? strlen(debug) : 0;
  if (dl > 256) dl = 256;
  f.u.goaway.debug = (const uint8_t *)(debug ? debug : "");
  f.u.goaway.debug_len = (uint32_t)dl;
  if (!h2s_out_frame(s, &f)) return H2_E_BUFFER_TOO_SMALL;
  s->goaway_sent = true;
  s->goaway_last = s->last_peer_stream;
  if (error_code != H2_NO_ERROR) s->failed = true;
  return H2_OK;
}

h2_status h2_session_send_settings(h2_session *s, const h2_setting *set, size_t n) {
  if (s->failed || n > H2_SESSION_MAX_SETTINGS_ENTRIES ||
      s->pending_count == H2_SESSION_PENDING_SETTINGS)
    return H2_E_INVALID_ARGUMENT;
  for (size_t i = 0; i < n; i++) {
    /* our buffers were sized from the configuration: no larger frames or lists */
    if (set[i].id == H2_SETTINGS_MAX_FRAME_SIZE && set[i].value > s->announced_max_frame)
      return H2_E_INVALID_ARGUMENT;
    if (set[i].id == H2_SETTINGS_MAX_HEADER_LIST_SIZE && set[i].value > s->cfg.max_header_list_size)
      return H2_E_INVALID_ARGUMENT;
    if (set[i].id == H2_SETTINGS_HEADER_TABLE_SIZE && set[i].value > s->cfg.header_table_size)
      return H2_E_INVALID_ARGUMENT;
    /* RFC 9113 §6.5.2: "A server MUST NOT explicitly set this value to 1"; and
     * any other value is invalid from either side. */
    if (set[i].id == H2_SETTINGS_ENABLE_PUSH &&
        (set[i].value > 1 || (s->cfg.role == H2_ROLE_SERVER && set[i].value != 0)))
      return H2_E_INVALID_ARGUMENT;
  }
  uint8_t raw[6 * H2_SESSION_MAX_SETTINGS_ENTRIES];
  h2_settings_pack(set, n, raw, sizeof raw);
  h2_frame f = {.hd = {.type = H2_SETTINGS}};
  f.u.settings.raw = raw;
  f.u.settings.count = (uint32_t)n;
  if (!h2s_out_frame(s, &f)) return H2_E_INVALID_ARGUMENT;
  h2_pending_settings *p =
      &s->pending[(s->pending_head + s->pending_count) % H2_SESSION_PENDING_SETTINGS];
  p->count = (uint32_t)n;
  memcpy(p->entries, set, n * sizeof *set);
  s->pending_count++;
  /* RFC 8441 §3: once sent, 1 may not go back to 0; the peer may use
   * extended CONNECT from now on */
  for (size_t i = 0; i < n; i++)
    if (set[i].id == H2_SETTINGS_ENABLE_CONNECT_PROTOCOL && set[i].value == 1)
      s->connect_protocol = true;
  return H2_OK;
}

h2_status h2_session_send_window_update(h2_session *s, uint32_t stream_id, uint32_t increment) {
  if (s->failed || increment == 0 || increment > H2_MAX_WINDOW_SIZE) return H2_E_INVALID_ARGUMENT;
  h2_stream *st = NULL;
  if (stream_id) {
    st = h2s_stream_find(s, stream_id);
    uint8_t next;
    if (!send_allowed(s, st, stream_id, H2_STREAM_EV_WINDOW_UPDATE, &next))
      return H2_E_INVALID_ARGUMENT;
  }
  int64_t w = st ? st->recv_window : s->conn_recv_window;
  if (w + increment > H2_MAX_WINDOW_SIZE) return H2_E_INVALID_ARGUMENT;
  h2_frame f = {.hd = {.type = H2_WINDOW_UPDATE, .stream_id = stream_id}};
  f.u.window_update.increment = increment;
  if (!h2s_out_frame(s, &f)) return H2_E_BUFFER_TOO_SMALL;
  if (st)
    st->recv_window += increment;
  else
    s->conn_recv_window += increment;
  return H2_OK;
}

h2_status h2_session_send_raw(h2_session *s, const uint8_t *bytes, size_t len) {
  if (!h2s_out_bytes(s, bytes, len)) return H2_E_BUFFER_TOO_SMALL;
  if (s->cfg.on_frame) s->cfg.on_frame(s->cfg.user, 0, bytes, len);
  return H2_OK;
}

void h2_session_close(h2_session *s) {
  if (s->closing || s->failed) return;
  s->closing = true;
  if (!s->goaway_sent) h2_session_send_goaway(s, H2_NO_ERROR, NULL);
}

h2_status h2_session_apply_upgrade_settings(h2_session *s, const uint8_t *payload, size_t len) {
  uint8_t frame[H2_FRAME_HEADER_LEN + 6 * 32];
  if (len % 6 || len > 6 * 32) return H2_E_INVALID_ARGUMENT;
  h2_frame_header_write(frame, (uint32_t)len, H2_SETTINGS, 0, 0);
  memcpy(frame + H2_FRAME_HEADER_LEN, payload, len);
  h2_frame f;
  size_t used;
  h2_error err;
  h2_frame_decode_options opt = {.sender = H2_SENDER_CLIENT};
  h2_status st = h2_frame_decode(frame, H2_FRAME_HEADER_LEN + len, &opt, &f, &used, &err);
  if (st != H2_OK) return st;
  for (uint32_t i = 0; i < f.u.settings.count; i++) {
    h2_setting e = h2_settings_at(&f, i);
    if (e.id == H2_SETTINGS_HEADER_TABLE_SIZE) h2_hpack_encoder_set_peer_limit(s->encoder, e.value);
    if (e.id == H2_SETTINGS_INITIAL_WINDOW_SIZE) {
      int64_t delta = (int64_t)e.value - (int64_t)s->peer[e.id];
      for (uint32_t k = 0; k < s->stream_cap; k++)
        if (s->streams[k].id) s->streams[k].send_window += delta;
    }
    if (e.id >= 1 && e.id <= 6) s->peer[e.id] = e.value;
  }
  return H2_OK;
}

/* One DATA frame for st into buf; returns bytes written (0 = blocked). */
static size_t frame_data(h2_session *s, h2_stream *st, uint8_t *buf, size_t cap) {
  if (cap < H2_FRAME_HEADER_LEN) return 0;
  int64_t allow = st->out_len;
  if (allow > st->send_window) allow = st->send_window;
  if (allow > s->conn_send_window) allow = s->conn_send_window;
  if (allow > (int64_t)s->peer[H2_SETTINGS_MAX_FRAME_SIZE])
    allow = s->peer[H2_SETTINGS_MAX_FRAME_SIZE];
  if (allow > (int64_t)(cap - H2_FRAME_HEADER_LEN)) allow = (int64_t)(cap - H2_FRAME_HEADER_LEN);
  if (allow < 0) allow = 0;
  if (allow == 0 && st->out_len > 0) return 0;
  size_t n = (size_t)allow;
  bool last = n == st->out_len;
  bool end = last && st->out_end;
  h2_frame_header_write(buf, (uint32_t)n, H2_DATA, end ? H2_FLAG_END_STREAM : 0, st->id);
  if (n) memcpy(buf + H2_FRAME_HEADER_LEN, st->out_data, n);
  st->out_data += n;
  st->out_len -= n;
  st->send_window -= (int64_t)n;
  s->conn_send_window -= (int64_t)n;
  if (s->cfg.on_frame) s->cfg.on_frame(s->cfg.user, 0, buf, H2_FRAME_HEADER_LEN + n);
  if (last) {
    st->out_pending = false;
    h2s_event_push(s, H2_EV_DATA_SENT, st->id);
    if (end) {
      uint8_t next;
      if (send_allowed(s, st, st->id, H2_STREAM_EV_DATA_END_STREAM, &next))
        h2s_stream_set_state(s, st, next, 0);
    }
  }
  return H2_FRAME_HEADER_LEN + n;
}

size_t h2_session_output(h2_session *s, uint8_t *buf, size_t cap) {
  size_t w = 0;
  if (s->out_len) {
    size_t n = s->out_len < cap ? s->out_len : cap;
    memcpy(buf, s->out + s->out_head, n);
    s->out_head += n;
    s->out_len -= n;
    if (s->out_len == 0) s->out_head = 0;
    w += n;
    if (s->out_len) return w;
  }
  if (s->failed) return w;
  /* Round-robin over the streams with data: one frame each per pass. */
  bool progress = true;
  while (progress && s->ready_count && cap - w > H2_FRAME_HEADER_LEN) {
    progress = false;
    for (uint32_t k = 0; k < s->ready_count && cap - w > H2_FRAME_HEADER_LEN;) {
      uint32_t pos = (s->data_rr + k) % s->ready_count;
      h2_stream *st = &s->streams[s->ready[pos]];
      size_t n = st->id && st->out_pending ? frame_data(s, st, buf + w, cap - w) : 0;
      if (n) {
        w += n;
        progress = true;
      }
      if (!st->id || !st->out_pending) { /* done or closed: leave the list */
        st->in_ready = false;
        s->ready[pos] = s->ready[--s->ready_count];
        continue; /* the moved entry is looked at next */
      }
      k++;
    }
    if (s->ready_count) s->data_rr = (s->data_rr + 1) % s->ready_count;
  }
  return w;
}
