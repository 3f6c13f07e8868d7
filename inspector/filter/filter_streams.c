/* filter_streams.c — bounded per-stream request/response facts
 * (filter_streams.h): a ring of slots (grown as streams come, up to the
 * limit; then the oldest is reused) with a hash index by stream id (open
 * addressing, linear probing, backward-shift deletion). */
#include "filter_streams.h"

#include <stdlib.h>
#include <string.h>

struct filter_streams {
  filter_stream_facts *slots;
  uint32_t cap;  /* slots allocated */
  uint32_t used; /* slots filled (the ring wraps once used reaches max) */
  uint32_t max, next, max_value, wanted;
  uint32_t *index; /* slot + 1 by hash of the stream id; 0: empty */
  uint32_t mask;   /* index size - 1 (a power of two, at least 2 * max) */
  /* The highest odd and even stream ids kept: a higher one is a new
   * stream (ids only grow, RFC 9113 §5.1.1), found without a search. */
  uint32_t max_id[2];
  /* The stream whose field block is open in each direction (a HEADERS or
   * PUSH_PROMISE without END_HEADERS: its CONTINUATIONs complete it). */
  uint32_t block_stream[2];
};

filter_streams *filter_streams_new(uint32_t max_streams, uint32_t max_value, uint32_t wanted) {
  filter_streams *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->wanted = wanted;
  s->max = max_streams ? max_streams : 1;
  s->max_value = max_value;
  uint32_t n = 4;
  while (n < 2 * s->max)
    n *= 2;
  s->mask = n - 1;
  s->index = calloc(n, sizeof *s->index);
  if (!s->index) {
    free(s);
    return NULL;
  }
  return s;
}

/* A slot for a new stream: its buffers stay for the next values. */
static void slot_reset(filter_stream_facts *f) {
  f->seen = 0;
  f->has_status = false;
  f->status = 0;
}

static void slot_free(filter_stream_facts *f) {
  for (int i = 0; i < FACT_COUNT; i++)
    h2_buf_free(&f->value[i]);
  memset(f, 0, sizeof *f);
}

void filter_streams_free(filter_streams *s) {
  if (!s) return;
  for (uint32_t i = 0; i < s->cap; i++)
    slot_free(&s->slots[i]);
  free(s->slots);
  free(s->index);
  free(s);
}

static uint32_t hash(uint32_t id) {
  return id * 2654435761u; /* Knuth's multiplicative hash */
}

/* The index position of stream id, or that of the empty entry ending its
 * probe sequence. */
static uint32_t probe(const filter_streams *s, uint32_t id) {
  uint32_t i = hash(id) & s->mask;
  while (s->index[i] && s->slots[s->index[i] - 1].stream != id)
    i = (i + 1) & s->mask;
  return i;
}

const filter_stream_facts *filter_streams_find(const filter_streams *s, uint32_t id) {
  if (!s || id == 0 || id > s->max_id[id & 1]) return NULL;
  uint32_t i = probe(s, id);
  return s->index[i] ? &s->slots[s->index[i] - 1] : NULL;
}

/* Removes stream id from the index, moving later entries of the probe
 * sequences back into the hole. */
static void unindex(filter_streams *s, uint32_t id) {
  uint32_t i = probe(s, id);
  if (!s->index[i]) return;
  s->index[i] = 0;
  for (uint32_t j = (i + 1) & s->mask; s->index[j]; j = (j + 1) & s->mask) {
    uint32_t k = hash(s->slots[s->index[j] - 1].stream) & s->mask;
    /* Stays when its home k lies cyclically in (i, j]. */
    bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    s->index[i] = s->index[j];
    s->index[j] = 0;
    i = j;
  }
}

static filter_stream_facts *slot_for(filter_streams *s, uint32_t id) {
  filter_stream_facts *f = (filter_stream_facts *)filter_streams_find(s, id);
  if (f) return f;
  if (s->used < s->max && s->used == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 8;
    if (cap > s->max) cap = s->max;
    filter_stream_facts *n = realloc(s->slots, cap * sizeof *n);
    if (!n) return NULL;
    memset(n + s->cap, 0, (cap - s->cap) * sizeof *n);
    for (uint32_t i = s->cap; i < cap; i++)
      for (int k = 0; k < FACT_COUNT; k++)
        h2_buf_init(&n[i].value[k], (size_t)s->max_value + 1);
    s->slots = n;
    s->cap = cap;
  }
  uint32_t slot;
  if (s->used < s->max) {
    slot = s->used++;
  } else {
    slot = s->next;
    s->next = (s->next + 1) % s->max;
    unindex(s, s->slots[slot].stream);
  }
  f = &s->slots[slot];
  slot_reset(f);
  f->used = true;
  f->stream = id;
  s->index[probe(s, id)] = slot + 1;
  if (id > s->max_id[id & 1]) s->max_id[id & 1] = id;
  return f;
}

static void keep(filter_streams *s, filter_stream_facts *f, int fact, const h2_header *h) {
  size_t n = h->value_len < s->max_value ? h->value_len : s->max_value;
  h2_buf *v = &f->value[fact];
  h2_buf_reset(v);
  if (!h2_buf_put(v, h->value, n) || !h2_buf_put_u8(v, 0)) {
    f->seen &= (uint8_t) ~(1u << fact); /* out of memory: the fact is unknown */
    return;
  }
  v->len = n; /* the NUL stays after the value */
  f->seen |= (uint8_t)(1u << fact);
}

static bool name_is(const h2_header *h, const char *name) {
  size_t n = strlen(name);
  return h->name_len == n && !memcmp(h->name, name, n);
}

void filter_streams_frame(filter_streams *s, int dir, const decoded_frame *d) {
  if (!s || dir < 0 || dir > 1) return;
  const h2_frame_header *hd = &d->frame.hd;
  if (hd->type == H2_HEADERS)
    s->block_stream[dir] = hd->stream_id;
  else if (hd->type == H2_PUSH_PROMISE && d->frame_status == H2_OK)
    s->block_stream[dir] = d->frame.u.push_promise.promised_stream_id;
  if (!d->block_complete || !d->headers) return;
  filter_streams_list(s, s->block_stream[dir], dir, d->headers, d->header_count);
}

/* Which wanted fact header h is (FACT_STATUS for :status), or -1. */
static int fact_of(const filter_streams *s, const h2_header *h, int dir) {
  int fact = -1;
  if (h->name_len == 12 && h->name[0] == 'c') {
    if (name_is(h, "content-type")) fact = dir ? FACT_CTYPE_S2C : FACT_CTYPE_C2S;
  } else if (h->name_len >= 5 && h->name[0] == ':') {
    if (name_is(h, ":method"))
      fact = FACT_METHOD;
    else if (name_is(h, ":path"))
      fact = FACT_PATH;
    else if (name_is(h, ":authority"))
      fact = FACT_AUTHORITY;
    else if (name_is(h, ":scheme"))
      fact = FACT_SCHEME;
    else if (name_is(h, ":status"))
      fact = FACT_STATUS;
  }
  return fact >= 0 && (s->wanted & (1u << fact)) ? fact : -1;
}

void filter_streams_list(filter_streams *s, uint32_t id, int dir, const h2_header *list, size_t n) {
  if (!s || id == 0 || dir < 0 || dir > 1) return;
  filter_stream_facts *f = NULL; /* made at the first wanted fact */
  for (size_t i = 0; i < n; i++) {
    const h2_header *h = &list[i];
    int fact = fact_of(s, h, dir);
    if (fact < 0) continue;
    if (!f && !(f = slot_for(s, id))) return;
    if (fact != FACT_STATUS) {
      keep(s, f, fact, h);
      continue;
    }
    uint16_t v = 0;
    bool ok = h->value_len == 3;
    for (size_t k = 0; ok && k < 3; k++) {
      if (h->value[k] < '0' || h->value[k] > '9') ok = false;
      v = (uint16_t)(v * 10 + (h->value[k] - '0'));
    }
    if (ok) f->status = v, f->has_status = true;
  }
}
