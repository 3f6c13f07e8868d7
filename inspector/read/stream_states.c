/* stream_states.c — the messages of one captured connection's streams
 * (stream_states.h): which side sent its request or response and ended its
 * side, for field_rules' request/response/trailers and §8.1's DATA before
 * HEADERS. Stream-state violations (§5.1) are judged by the observer. */
#include "stream_states.h"

#include <stdlib.h>
#include <string.h>

static void note(frame_note *notes, size_t *n, size_t cap, const char *rule, const char *message,
                 const char *section) {
  if (*n < cap) notes[(*n)++] = (frame_note){.rule = rule, .message = message, .section = section};
}

void stream_states_init(stream_states *s, bool history_unknown) {
  memset(s, 0, sizeof *s);
  s->history_unknown = history_unknown;
}

void stream_states_free(stream_states *s) {
  free(s->open);
  s->open = NULL;
  s->count = s->cap = 0;
}

/* Open streams are kept sorted by id (binary search per frame; new ids
 * mostly arrive in increasing order, so insertion is usually at the end). */
static uint32_t lower_bound(const stream_states *s, uint32_t id) {
  uint32_t lo = 0, hi = s->count;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->open[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static stream_entry *find(const stream_states *s, uint32_t id) {
  uint32_t i = s->count && s->open[s->count - 1].id == id ? s->count - 1 : lower_bound(s, id);
  return i < s->count && s->open[i].id == id ? &s->open[i] : NULL;
}

static stream_entry *add(stream_states *s, uint32_t id) {
  if (s->count == s->cap) {
    if (s->cap == STREAM_STATES_MAX) {
      /* Too many open streams to follow: later checks would guess. */
      s->history_unknown = true;
      return NULL;
    }
    uint32_t cap = s->cap ? s->cap * 2 : 16;
    stream_entry *n = realloc(s->open, cap * sizeof *n);
    if (!n) {
      s->history_unknown = true;
      return NULL;
    }
    s->open = n;
    s->cap = cap;
  }
  uint32_t i = s->count && s->open[s->count - 1].id < id ? s->count : lower_bound(s, id);
  memmove(&s->open[i + 1], &s->open[i], (s->count - i) * sizeof *s->open);
  s->count++;
  stream_entry *e = &s->open[i];
  memset(e, 0, sizeof *e);
  e->id = id;
  return e;
}

static void remove_entry(stream_states *s, stream_entry *e) {
  size_t i = (size_t)(e - s->open);
  memmove(e, e + 1, (s->count - i - 1) * sizeof *e);
  s->count--;
}

/* 0: not reset recently; else 1 + the direction that sent RST_STREAM. */
static uint8_t reset_by(const stream_states *s, uint32_t id) {
  for (uint32_t i = 0; i < STREAM_STATES_RESETS; i++)
    if (s->resets[i].id == id && s->resets[i].by) return s->resets[i].by;
  return 0;
}

static int initiator(uint32_t id) {
  return (id & 1) ? 0 : 1; /* §5.1.1: odd ids are the client's, even the server's */
}

void stream_states_upgrade(stream_states *s) {
  stream_entry *e = find(s, 1);
  if (!e) e = add(s, 1);
  if (e) {
    e->ended |= 1;
    e->headers_sent |= 1;
    e->final_block |= 1;
  }
  if (s->max_id[0] < 1) s->max_id[0] = 1;
}

/* END_STREAM from dir: both sides done → the stream is closed (§5.1). */
static void end_stream(stream_states *s, stream_entry *e, int dir) {
  e->ended |= (uint8_t)(1u << dir);
  if (e->ended == 3) remove_entry(s, e);
}

static void on_headers(stream_states *s, int dir, const h2_frame *f) {
  uint32_t id = f->hd.stream_id;
  stream_entry *e = find(s, id);
  if (e) {
    /* (HEADERS after END_STREAM from the same side: the observer's) */
  } else if (id <= s->max_id[initiator(id)] && reset_by(s, id)) {
    /* (an id above the maximum was never opened, so never reset: the common
     * case of a new stream skips the search of recent resets) */
    return;
  } else if (id > s->max_id[initiator(id)] || s->history_unknown) {
    /* A new stream. Only clients open streams with HEADERS, with odd ids;
     * a server's streams are reserved by PUSH_PROMISE (§5.1.1, §8.4). */
    if (!s->history_unknown && (dir == 1 || initiator(id) != 0)) return;
    if (id > s->max_id[initiator(id)]) s->max_id[initiator(id)] = id;
    e = add(s, id);
  } else {
    return; /* a closed stream, or an id going backwards */
  }
  if (!e) return;
  e->headers_sent |= (uint8_t)(1u << dir);
  if (f->hd.flags & H2_FLAG_END_STREAM) end_stream(s, e, dir);
}

void stream_states_observe(stream_states *s, int dir, const h2_frame *f, frame_note *notes,
                           size_t *n, size_t cap) {
  uint32_t id = f->hd.stream_id;
  if (id == 0) return;
  stream_entry *e;
  switch (f->hd.type) {
  case H2_HEADERS:
    on_headers(s, dir, f);
    return;
  case H2_DATA:
    e = find(s, id);
    if (!e || (e->ended & (1u << dir))) return; /* not open for dir: the observer's */
    if (!(e->headers_sent & (1u << dir)) && !(e->pushed && dir == 0))
      note(notes, n, cap, "data-before-headers", "DATA before the HEADERS that start the message",
           "RFC 9113 §8.1");
    if (f->hd.flags & H2_FLAG_END_STREAM) end_stream(s, e, dir);
    return;
  case H2_RST_STREAM:
    e = find(s, id);
    if (!e && !reset_by(s, id) && !s->history_unknown && id > s->max_id[initiator(id)])
      return; /* idle: nothing to forget */
    if (e) remove_entry(s, e);
    s->resets[s->reset_next].id = id;
    s->resets[s->reset_next].by = (uint8_t)(dir + 1);
    s->reset_next = (s->reset_next + 1) % STREAM_STATES_RESETS;
    return;
  case H2_PUSH_PROMISE: {
    uint32_t p = f->u.push_promise.promised_stream_id;
    if (p <= s->max_id[1] && !s->history_unknown) return; /* not increasing (§5.1.1) */
    if (p > s->max_id[1]) s->max_id[1] = p;
    e = add(s, p);
    if (e) {
      /* reserved (local) for the server: the client never sends on it (§8.4). */
      e->pushed = true;
      e->ended |= 1;
      e->headers_sent |= 1;
      e->final_block |= 1;
    }
    return;
  }
  default:
    return;
  }
}

int stream_states_block_kind(const stream_states *s, int dir, uint32_t stream, bool push) {
  if (push) return FIELD_BLOCK_REQUEST;
  const stream_entry *e = find(s, stream);
  if (!e) {
    if (s->history_unknown || stream <= s->max_id[initiator(stream)]) return FIELD_BLOCK_UNKNOWN;
    return dir == 0 ? FIELD_BLOCK_REQUEST : FIELD_BLOCK_RESPONSE;
  }
  if (e->final_block & (1u << dir)) return FIELD_BLOCK_TRAILERS;
  return dir == 0 ? FIELD_BLOCK_REQUEST : FIELD_BLOCK_RESPONSE;
}

void stream_states_block_final(stream_states *s, int dir, uint32_t stream) {
  stream_entry *e = find(s, stream);
  if (e) e->final_block |= (uint8_t)(1u << dir);
}
