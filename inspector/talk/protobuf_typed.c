/* protobuf_typed.c — a protobuf message decoded with its type from a
 * descriptor set: protobuf-c unpacks it against the run-time descriptor
 * (protobuf_schema.c), and this walks the slots it filled, field by field
 * in number order, descending into nested messages itself (bounded by the
 * depth limit). Fields the type does not know come after, raw. */
#include <string.h>

#include "google/protobuf/descriptor.pb-c.h"
#include "protobuf_raw.h"
#include "protobuf_schema_types.h"

static const char *enum_value_name(const pb_enum *e, int32_t v) {
  if (!e) return NULL;
  for (size_t i = 0; i < e->proto->n_value; i++)
    if (e->proto->value[i]->number == v) return e->proto->value[i]->name;
  return NULL;
}

static size_t elem_size(ProtobufCType t) {
  switch (t) {
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
  case PROTOBUF_C_TYPE_DOUBLE:
    return 8;
  case PROTOBUF_C_TYPE_BOOL:
    return sizeof(protobuf_c_boolean);
  case PROTOBUF_C_TYPE_BYTES:
    return sizeof(ProtobufCBinaryData);
  default:
    return 4;
  }
}

static uint8_t wire_of(ProtobufCType t, int proto_type) {
  switch (t) {
  case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_FIXED64:
  case PROTOBUF_C_TYPE_DOUBLE:
    return PB_WIRE_I64;
  case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_FIXED32:
  case PROTOBUF_C_TYPE_FLOAT:
    return PB_WIRE_I32;
  case PROTOBUF_C_TYPE_BYTES:
    return PB_WIRE_LEN;
  default:
    return proto_type == 0 ? PB_WIRE_LEN : PB_WIRE_VARINT;
  }
}

/* One value of field fd (its bytes at v) as an item. */
static void emit_value(pb_items *d, const ProtobufCFieldDescriptor *fd, const pb_field_info *fi,
                       const void *v, unsigned depth) {
  pb_item it = {.wire = wire_of(fd->type, fi->proto_type),
                .depth = (uint16_t)depth,
                .number = fd->id,
                .name = fd->name,
                .type = fi->type_word};
  int32_t i32;
  uint32_t u32;
  int64_t i64;
  uint64_t u64;
  float f;
  switch (fd->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
    memcpy(&i32, v, 4);
    it.kind = PB_INT;
    it.v.i = i32;
    break;
  case PROTOBUF_C_TYPE_ENUM:
    memcpy(&i32, v, 4);
    it.kind = PB_ENUM;
    it.v.i = i32;
    it.enum_value = enum_value_name(fi->enumeration, i32);
    break;
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
    memcpy(&u32, v, 4);
    it.kind = PB_UINT;
    it.v.u = u32;
    break;
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
    memcpy(&i64, v, 8);
    it.kind = PB_INT;
    it.v.i = i64;
    break;
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    memcpy(&u64, v, 8);
    it.kind = PB_UINT;
    it.v.u = u64;
    break;
  case PROTOBUF_C_TYPE_BOOL: {
    protobuf_c_boolean b;
    memcpy(&b, v, sizeof b);
    it.kind = PB_BOOL;
    it.v.u = b != 0;
    break;
  }
  case PROTOBUF_C_TYPE_FLOAT:
    memcpy(&f, v, 4);
    it.kind = PB_FLOAT;
    it.v.d = f;
    break;
  case PROTOBUF_C_TYPE_DOUBLE:
    memcpy(&it.v.d, v, 8);
    it.kind = PB_DOUBLE;
    break;
  default: { /* bytes: string, bytes, or a nested message */
    ProtobufCBinaryData bd;
    memcpy(&bd, v, sizeof bd);
    it.data = bd.data;
    it.len = bd.len;
    if (fi->proto_type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING) {
      it.kind = PB_STRING;
    } else if (fi->proto_type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE &&
               fi->message) {
      if (depth + 1 < d->lim.max_depth) {
        size_t mark = d->n;
        it.kind = PB_BEGIN;
        if (pb_items_push(d, &it) &&
            pb_typed_decode(d, fi->message, bd.data ? bd.data : (const uint8_t *)"", bd.len,
                            depth + 1)) {
          pb_item end = {.kind = PB_END, .depth = (uint16_t)depth, .number = fd->id};
          if (pb_items_push(d, &end)) return;
        }
        d->n = mark;
      } else {
        d->depth_capped = true;
      }
      it.kind = PB_BYTES; /* not a message of its type, or too deep: its bytes */
    } else {
      it.kind = PB_BYTES;
    }
    break;
  }
  }
  pb_items_push(d, &it);
}

bool pb_typed_decode(pb_items *d, const pb_type *t, const uint8_t *p, size_t n, unsigned depth) {
  ProtobufCMessage *m = protobuf_c_message_unpack(&t->desc, NULL, n, p);
  if (!m || !pb_items_keep(d, m)) return false;
  const char *base = (const char *)m;
  for (unsigned i = 0; i < t->desc.n_fields; i++) {
    const ProtobufCFieldDescriptor *fd = &t->fields[i];
    const pb_field_info *fi = &t->info[i];
    if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t count;
      const char *arr;
      memcpy(&count, base + fd->quantifier_offset, sizeof count);
      memcpy(&arr, base + fd->offset, sizeof arr);
      for (size_t k = 0; k < count; k++)
        emit_value(d, fd, fi, arr + k * elem_size(fd->type), depth);
    } else {
      protobuf_c_boolean has;
      memcpy(&has, base + fd->quantifier_offset, sizeof has);
      if (has) emit_value(d, fd, fi, base + fd->offset, depth);
    }
    if (d->items_dropped || d->out_of_memory) return true;
  }
  pb_raw_unknown(d, m, depth);
  return true;
}
