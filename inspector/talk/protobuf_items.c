/* protobuf_items.c — the bounded item list a decoded message becomes. */
#include "protobuf_items.h"

#include <protobuf-c/protobuf-c.h>
#include <stdlib.h>

void pb_items_init(pb_items *d, const pb_limits *lim) {
  *d = (pb_items){0};
  d->lim = *lim;
}

void pb_items_reset(pb_items *d) {
  for (size_t i = 0; i < d->n_keep; i++)
    protobuf_c_message_free_unpacked(d->keep[i], NULL);
  free(d->keep);
  free(d->items);
  pb_limits lim = d->lim;
  pb_items_init(d, &lim);
}

pb_item *pb_items_push(pb_items *d, const pb_item *it) {
  if (d->n >= d->lim.max_items) {
    d->items_dropped = true;
    return NULL;
  }
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 32;
    if (cap > d->lim.max_items) cap = d->lim.max_items;
    pb_item *p = realloc(d->items, cap * sizeof *p);
    if (!p) {
      d->out_of_memory = true;
      return NULL;
    }
    d->items = p;
    d->cap = cap;
  }
  d->items[d->n] = *it;
  return &d->items[d->n++];
}

bool pb_items_keep(pb_items *d, void *message) {
  if (d->n_keep == d->cap_keep) {
    size_t cap = d->cap_keep ? d->cap_keep * 2 : 8;
    void **p = realloc(d->keep, cap * sizeof *p);
    if (!p) {
      protobuf_c_message_free_unpacked(message, NULL);
      d->out_of_memory = true;
      return false;
    }
    d->keep = p;
    d->cap_keep = cap;
  }
  d->keep[d->n_keep++] = message;
  return true;
}
