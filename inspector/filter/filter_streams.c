/* filter_streams.c — bounded per-stream request/response facts
 * (filter_streams.h): a ring of slots, searched newest first. */
#include "filter_streams.h"

#include <stdlib.h>
#include <string.h>

struct filter_streams {
  filter_stream_facts *slots;
  uint32_t cap, next, max_value;
  /* The stream whose field block is open in each direction (a HEADERS or
   * PUSH_PROMISE without END_HEADERS: its CONTINUATIONs complete it). */
  uint32_t block_stream[2];
};

filter_streams *filter_streams_new(uint32_t max_streams, uint32_t max_value) {
  filter_streams *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->cap = max_streams ? max_streams : 1;
  s->max_value = max_value;
  s->slots = calloc(s->cap, sizeof *s->slots);
  if (!s->slots) {
    free(s);
    return NULL;
  }
  return s;
}

static void slot_clear(filter_stream_facts *f) {
  for (int i = 0; i < FACT_COUNT; i++)
    free(f->value[i]);
  memset(f, 0, sizeof *f);
}

void filter_streams_free(filter_streams *s) {
  if (!s) return;
  for (uint32_t i = 0; i < s->cap; i++)
    slot_clear(&s->slots[i]);
  free(s->slots);
  free(s);
}

const filter_stream_facts *filter_streams_find(const filter_streams *s, uint32_t id) {
  if (!s || id == 0) return NULL;
  /* Newest first: frames mostly belong to streams that began lately. */
  for (uint32_t k = 1; k <= s->cap; k++) {
    const filter_stream_facts *f = &s->slots[(s->next + s->cap - k) % s->cap];
    if (!f->used) return NULL; /* slots fill in order: the rest are empty */
    if (f->stream == id) return f;
  }
  return NULL;
}

static filter_stream_facts *slot_for(filter_streams *s, uint32_t id) {
  filter_stream_facts *f = (filter_stream_facts *)filter_streams_find(s, id);
  if (f) return f;
  f = &s->slots[s->next];
  s->next = (s->next + 1) % s->cap;
  slot_clear(f);
  f->used = true;
  f->stream = id;
  return f;
}

static void keep(filter_streams *s, filter_stream_facts *f, int fact, const h2_header *h) {
  size_t n = h->value_len < s->max_value ? h->value_len : s->max_value;
  char *v = malloc(n + 1);
  if (!v) return;
  if (n) memcpy(v, h->value, n);
  v[n] = '\0';
  free(f->value[fact]);
  f->value[fact] = v;
  f->len[fact] = (uint32_t)n;
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

void filter_streams_list(filter_streams *s, uint32_t id, int dir, const h2_header *list, size_t n) {
  if (!s || id == 0 || dir < 0 || dir > 1) return;
  filter_stream_facts *f = slot_for(s, id);
  for (size_t i = 0; i < n; i++) {
    const h2_header *h = &list[i];
    if (name_is(h, ":method"))
      keep(s, f, FACT_METHOD, h);
    else if (name_is(h, ":path"))
      keep(s, f, FACT_PATH, h);
    else if (name_is(h, ":authority"))
      keep(s, f, FACT_AUTHORITY, h);
    else if (name_is(h, ":scheme"))
      keep(s, f, FACT_SCHEME, h);
    else if (name_is(h, "content-type"))
      keep(s, f, dir ? FACT_CTYPE_S2C : FACT_CTYPE_C2S, h);
    else if (name_is(h, ":status") && h->value_len == 3) {
      uint16_t v = 0;
      bool ok = true;
      for (size_t k = 0; k < 3; k++) {
        if (h->value[k] < '0' || h->value[k] > '9') ok = false;
        v = (uint16_t)(v * 10 + (h->value[k] - '0'));
      }
      if (ok) f->status = v, f->has_status = true;
    }
  }
}
