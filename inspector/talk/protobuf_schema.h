/* protobuf_schema.h — message types from a FileDescriptorSet (what
 * `protoc --include_imports --descriptor_set_out=FILE` writes), for
 * `read --proto-descriptors FILE`: the set is unpacked by protobuf-c's code
 * for descriptor.proto (generated at build time), and every message type
 * becomes a protobuf-c message descriptor built at run time, so protobuf-c
 * unpacks typed messages (varints, zigzag, fixed, packed and unpacked
 * repeated fields) and the decoder only walks what it filled in. gRPC
 * methods (`/package.Service/Method`) name their input and output types. */
#ifndef H2SCOPE_PROTOBUF_SCHEMA_H
#define H2SCOPE_PROTOBUF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "protobuf_items.h"

typedef struct pb_schema pb_schema;
typedef struct pb_type pb_type;

/* The largest descriptor set file read (a configuration file, read whole). */
#define PB_SCHEMA_MAX_FILE (64u << 20)

/* Loads FILE; NULL with a reason in err when it cannot. */
pb_schema *pb_schema_load(const char *path, char *err, size_t errlen);
/* The same from bytes in memory (tests, fuzzing). */
pb_schema *pb_schema_from_bytes(const uint8_t *p, size_t n, char *err, size_t errlen);
void pb_schema_free(pb_schema *s);

/* The message type called `name` ("pkg.Msg", a leading '.' allowed). */
const pb_type *pb_schema_type(const pb_schema *s, const char *name);
/* The input (request) or output (response) type of the method at the gRPC
 * path "/pkg.Service/Method"; NULL when the set has no such method. */
const pb_type *pb_schema_method(const pb_schema *s, const char *path, size_t path_len,
                                bool response);
const char *pb_type_name(const pb_type *t);

/* Appends the fields of message p[0..n) of type t at `depth`, by field
 * number (unknown fields after, raw); false when the bytes are not a
 * message of that type (nothing appended). */
bool pb_typed_decode(pb_items *d, const pb_type *t, const uint8_t *p, size_t n, unsigned depth);

#endif
