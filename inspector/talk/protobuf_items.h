/* protobuf_items.h — a decoded protobuf message as pure data: a flat list of
 * items in wire order, nested messages bracketed by PB_BEGIN/PB_END with a
 * depth, so a printer can indent (text) or nest (JSON) without a tree. The
 * values' bytes point into messages protobuf-c unpacked, which the list
 * keeps until it is reset. Bounded: a depth limit and an item limit. */
#ifndef H2SCOPE_PROTOBUF_ITEMS_H
#define H2SCOPE_PROTOBUF_ITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum pb_kind {
  PB_VARINT,  /* raw varint: v.u */
  PB_FIXED64, /* raw 64-bit: v.u */
  PB_FIXED32, /* raw 32-bit: v.u */
  PB_LEN,     /* raw length-delimited that is no message: string or bytes (the printer tells) */
  PB_BEGIN,   /* a nested message starts (number, name, type) */
  PB_END,     /* the nested message opened last ends */
  /* with a schema */
  PB_INT,    /* int32 int64 sint32 sint64 sfixed32 sfixed64: v.i */
  PB_UINT,   /* uint32 uint64 fixed32 fixed64: v.u */
  PB_BOOL,   /* v.u 0 or 1 */
  PB_ENUM,   /* v.i, enum_value: the value's name (NULL: not in the enum) */
  PB_FLOAT,  /* v.d */
  PB_DOUBLE, /* v.d */
  PB_STRING, /* data/len */
  PB_BYTES,  /* data/len */
} pb_kind;

/* protobuf wire types (protobuf encoding: "Message Structure") */
enum { PB_WIRE_VARINT = 0, PB_WIRE_I64 = 1, PB_WIRE_LEN = 2, PB_WIRE_I32 = 5 };

typedef struct pb_item {
  uint8_t kind;   /* pb_kind */
  uint8_t wire;   /* wire type it came in */
  uint16_t depth; /* 0: a field of the top message */
  uint32_t number;
  const char *name;       /* field name with a schema, else NULL */
  const char *type;       /* schema type ("int32", "pkg.Msg", "pkg.Enum"), else NULL */
  const char *enum_value; /* PB_ENUM: the value's name when the enum has it */
  union {
    uint64_t u;
    int64_t i;
    double d;
  } v;
  const uint8_t *data;
  size_t len;
} pb_item;

typedef struct pb_limits {
  unsigned max_depth; /* nested messages deeper than this are shown as bytes */
  size_t max_items;   /* items per message; more are dropped with a note */
} pb_limits;

#define PB_DEFAULT_MAX_DEPTH 32
#define PB_DEFAULT_MAX_ITEMS 100000

typedef struct pb_items {
  pb_item *items;
  size_t n, cap;
  pb_limits lim;
  void **keep; /* ProtobufCMessage *: the unpacked messages items point into */
  size_t n_keep, cap_keep;
  bool depth_capped;  /* a length-delimited field at the depth limit was not tried as a message */
  bool items_dropped; /* max_items reached */
  bool out_of_memory;
} pb_items;

void pb_items_init(pb_items *d, const pb_limits *lim);
/* Frees what the items point into and empties the list. */
void pb_items_reset(pb_items *d);
/* Appends an item (a copy); NULL when the limit or memory says no (flagged). */
pb_item *pb_items_push(pb_items *d, const pb_item *it);
/* Keeps an unpacked ProtobufCMessage until reset; false (and frees it) when memory is short. */
bool pb_items_keep(pb_items *d, void *message);

#endif
