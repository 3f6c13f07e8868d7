/* protobuf_raw.c — schema-less protobuf decoding through protobuf-c's
 * unknown fields (see protobuf_raw.h). */
#include "protobuf_raw.h"

#include <protobuf-c/protobuf-c.h>
#include <string.h>

#include "h2/cursor.h"

/* A message type with no fields: every field of what it unpacks is unknown. */
static const ProtobufCIntRange no_ranges[1] = {{0, 0}};
static const ProtobufCMessageDescriptor no_fields = {
    .magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
    .name = "h2scope.Raw",
    .short_name = "Raw",
    .c_name = "Raw",
    .package_name = "h2scope",
    .sizeof_message = sizeof(ProtobufCMessage),
    .n_fields = 0,
    .fields = NULL,
    .fields_sorted_by_name = NULL,
    .n_field_ranges = 0,
    .field_ranges = no_ranges,
    .message_init = NULL,
};

uint64_t pb_varint_value(const uint8_t *p, size_t n, size_t *used) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < n && i < 10; i++) {
    v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
    if (!(p[i] & 0x80)) {
      i++;
      break;
    }
  }
  if (used) *used = i;
  return v;
}

/* A fixed32 or fixed64 value (little-endian, protobuf encoding) of the
 * 4 or 8 bytes protobuf-c has checked are there. */
static uint64_t le_value(const uint8_t *p, size_t n) {
  h2_cursor c = h2_cursor_make(p, n);
  uint32_t lo = 0, hi = 0;
  (void)h2_cursor_get_u32_le(&c, &lo);
  if (n == 8) (void)h2_cursor_get_u32_le(&c, &hi);
  return (uint64_t)hi << 32 | lo;
}

/* A length-delimited field: a nested message when it parses as one and
 * the depth allows; otherwise its bytes (string or bytes: the printer tells). */
static void raw_len(pb_items *d, pb_item *it, const uint8_t *p, size_t n, unsigned depth) {
  if (n > 0 && depth + 1 < d->lim.max_depth) {
    size_t mark = d->n;
    it->kind = PB_BEGIN;
    if (pb_items_push(d, it)) {
      if (pb_raw_decode(d, p, n, depth + 1)) {
        pb_item end = {.kind = PB_END, .depth = (uint16_t)depth, .number = it->number};
        if (pb_items_push(d, &end)) return;
      }
    }
    d->n = mark; /* not a message (or cut by the item limit): its bytes */
  } else if (n > 0) {
    d->depth_capped = true;
  }
  it->kind = PB_LEN;
  it->data = p;
  it->len = n;
  pb_items_push(d, it);
}

void pb_raw_unknown(pb_items *d, const ProtobufCMessage *m, unsigned depth) {
  for (unsigned i = 0; i < m->n_unknown_fields; i++) {
    const ProtobufCMessageUnknownField *u = &m->unknown_fields[i];
    pb_item it = {.wire = (uint8_t)u->wire_type, .depth = (uint16_t)depth, .number = u->tag};
    switch (u->wire_type) {
    case PROTOBUF_C_WIRE_TYPE_VARINT:
      it.kind = PB_VARINT;
      it.v.u = pb_varint_value(u->data, u->len, NULL);
      pb_items_push(d, &it);
      break;
    case PROTOBUF_C_WIRE_TYPE_64BIT:
      it.kind = PB_FIXED64;
      it.v.u = le_value(u->data, 8);
      pb_items_push(d, &it);
      break;
    case PROTOBUF_C_WIRE_TYPE_32BIT:
      it.kind = PB_FIXED32;
      it.v.u = le_value(u->data, 4);
      pb_items_push(d, &it);
      break;
    case PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED: {
      size_t prefix = 0;
      pb_varint_value(u->data, u->len, &prefix); /* protobuf-c keeps the length prefix */
      raw_len(d, &it, u->data + prefix, u->len - prefix, depth);
      break;
    }
    default: /* protobuf-c rejects the other wire types while scanning */
      break;
    }
    if (d->items_dropped || d->out_of_memory) return;
  }
}

bool pb_raw_decode(pb_items *d, const uint8_t *p, size_t n, unsigned depth) {
  ProtobufCMessage *m = protobuf_c_message_unpack(&no_fields, NULL, n, p);
  if (!m) return false;
  /* protobuf encoding: field numbers run from 1 to 2^29 - 1 (protobuf-c
   * reads wider tags and a 0 without complaint) */
  for (unsigned i = 0; i < m->n_unknown_fields; i++) {
    if (m->unknown_fields[i].tag == 0 || m->unknown_fields[i].tag > 0x1fffffff) {
      protobuf_c_message_free_unpacked(m, NULL);
      return false;
    }
  }
  if (!pb_items_keep(d, m)) return false;
  pb_raw_unknown(d, m, depth);
  return true;
}
