/* protobuf_schema_types.h — inside a loaded descriptor set: shared by
 * protobuf_schema.c (which builds it) and protobuf_typed.c (which decodes
 * with it); nothing else looks in. */
#ifndef H2SCOPE_PROTOBUF_SCHEMA_TYPES_H
#define H2SCOPE_PROTOBUF_SCHEMA_TYPES_H

#include <protobuf-c/protobuf-c.h>

#include "protobuf_schema.h"

/* One field's slot in an unpacked message: quantifier (8 bytes: a
 * protobuf_c_boolean has_ or a size_t n_), then the value (16 bytes:
 * a scalar, a ProtobufCBinaryData, or the pointer to a repeated array). */
#define PB_SLOT 24

typedef struct pb_enum {
  char *full_name;
  const struct Google__Protobuf__EnumDescriptorProto *proto;
} pb_enum;

typedef struct pb_field_info {
  int proto_type;        /* descriptor.proto's FieldDescriptorProto.Type */
  const char *type_word; /* "int32", ..., or the message/enum type's full name */
  const pb_type *message;
  const pb_enum *enumeration;
} pb_field_info;

struct pb_type {
  char *full_name; /* "pkg.Outer.Inner" */
  const struct Google__Protobuf__DescriptorProto *proto;
  ProtobufCMessageDescriptor desc;
  ProtobufCFieldDescriptor *fields; /* by number */
  pb_field_info *info;              /* parallel to fields */
  ProtobufCIntRange *ranges;
  unsigned *by_name;
};

typedef struct pb_method {
  char *path; /* "/pkg.Service/Method" */
  const pb_type *input, *output;
} pb_method;

struct pb_schema {
  struct Google__Protobuf__FileDescriptorSet *set;
  pb_type *types; /* sorted by full_name */
  size_t n_types;
  pb_enum *enums; /* sorted by full_name */
  size_t n_enums;
  pb_method *methods;
  size_t n_methods;
};

#endif
