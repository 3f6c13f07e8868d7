/* protobuf_raw.h — a protobuf message decoded without a schema, in the
 * manner of `protoc --decode_raw`: field numbers, wire types, varints,
 * fixed32/64, and each length-delimited field shown as a nested message
 * where it parses as one (up to the depth limit), else as string or bytes.
 * The wire format is parsed by protobuf-c: a message unpacked against a
 * descriptor with no fields leaves every field in its unknown-field list
 * (tag, wire type, bytes). Groups (wire types 3 and 4, deprecated) are
 * rejected by protobuf-c, so a message with one is not decoded. */
#ifndef H2SCOPE_PROTOBUF_RAW_H
#define H2SCOPE_PROTOBUF_RAW_H

#include "protobuf_items.h"

struct ProtobufCMessage;

/* Appends the fields of message p[0..n) at `depth`; false when the bytes
 * are not a protobuf message (nothing appended). */
bool pb_raw_decode(pb_items *d, const uint8_t *p, size_t n, unsigned depth);
/* Appends the unknown fields protobuf-c kept in m, raw, at `depth`. */
void pb_raw_unknown(pb_items *d, const struct ProtobufCMessage *m, unsigned depth);
/* The value of a varint protobuf-c has already scanned (≤ 10 bytes, the
 * last without the continuation bit): protobuf-c has no public reader. */
uint64_t pb_varint_value(const uint8_t *p, size_t n, size_t *used);

#endif
