/* protobuf_schema.c — a FileDescriptorSet turned into protobuf-c message
 * descriptors at run time (see protobuf_schema.h). Every field gets one
 * slot of the same shape in the unpacked message: a quantifier (has_ or
 * n_) and a 16-byte value (a scalar, a ProtobufCBinaryData or an array
 * pointer). Strings and nested messages are declared as bytes, so protobuf-c
 * never recurses on its own: the typed decoder descends itself, under the
 * depth limit, and shows strings with their exact bytes. */
#include "protobuf_schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "google/protobuf/descriptor.pb-c.h"
#include "protobuf_schema_types.h"

typedef Google__Protobuf__FileDescriptorProto file_proto;
typedef Google__Protobuf__DescriptorProto message_proto;
typedef Google__Protobuf__EnumDescriptorProto enum_proto;

static char *join_name(const char *scope, const char *name) {
  size_t a = scope && *scope ? strlen(scope) : 0, b = strlen(name);
  char *s = malloc(a + b + 2);
  if (!s) return NULL;
  if (a) {
    memcpy(s, scope, a);
    s[a++] = '.';
  }
  memcpy(s + a, name, b + 1);
  return s;
}

/* First pass: count the message and enum types. */
static void count_message(const message_proto *m, size_t *types, size_t *enums) {
  (*types)++;
  *enums += m->n_enum_type;
  for (size_t i = 0; i < m->n_nested_type; i++)
    count_message(m->nested_type[i], types, enums);
}

static bool add_enum(pb_schema *s, const char *scope, const enum_proto *e) {
  pb_enum *en = &s->enums[s->n_enums++];
  en->full_name = join_name(scope, e->name ? e->name : "");
  en->proto = e;
  return en->full_name != NULL;
}

static bool add_message(pb_schema *s, const char *scope, const message_proto *m) {
  pb_type *t = &s->types[s->n_types++];
  t->full_name = join_name(scope, m->name ? m->name : "");
  t->proto = m;
  if (!t->full_name) return false;
  for (size_t i = 0; i < m->n_enum_type; i++)
    if (!add_enum(s, t->full_name, m->enum_type[i])) return false;
  for (size_t i = 0; i < m->n_nested_type; i++)
    if (!add_message(s, t->full_name, m->nested_type[i])) return false;
  return true;
}

static int cmp_type(const void *a, const void *b) {
  return strcmp(((const pb_type *)a)->full_name, ((const pb_type *)b)->full_name);
}
static int cmp_enum(const void *a, const void *b) {
  return strcmp(((const pb_enum *)a)->full_name, ((const pb_enum *)b)->full_name);
}

const pb_type *pb_schema_type(const pb_schema *s, const char *name) {
  if (!s || !name) return NULL;
  if (*name == '.') name++;
  pb_type key = {.full_name = (char *)name};
  return bsearch(&key, s->types, s->n_types, sizeof key, cmp_type);
}

static const pb_enum *find_enum(const pb_schema *s, const char *name) {
  if (!name) return NULL;
  if (*name == '.') name++;
  pb_enum key = {.full_name = (char *)name};
  return bsearch(&key, s->enums, s->n_enums, sizeof key, cmp_enum);
}

/* protobuf-c's type for a descriptor.proto field type; strings, messages
 * and groups are bytes (see the file comment). */
static ProtobufCType c_type(int t) {
  switch (t) {
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE:
    return PROTOBUF_C_TYPE_DOUBLE;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    return PROTOBUF_C_TYPE_FLOAT;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
    return PROTOBUF_C_TYPE_INT64;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    return PROTOBUF_C_TYPE_UINT64;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
    return PROTOBUF_C_TYPE_INT32;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
    return PROTOBUF_C_TYPE_FIXED64;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    return PROTOBUF_C_TYPE_FIXED32;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
    return PROTOBUF_C_TYPE_BOOL;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
    return PROTOBUF_C_TYPE_UINT32;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM:
    return PROTOBUF_C_TYPE_ENUM;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
    return PROTOBUF_C_TYPE_SFIXED32;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
    return PROTOBUF_C_TYPE_SFIXED64;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
    return PROTOBUF_C_TYPE_SINT32;
  case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
    return PROTOBUF_C_TYPE_SINT64;
  default:
    return PROTOBUF_C_TYPE_BYTES;
  }
}

static const char *type_word(int t) {
  static const char *const words[] = {
      [1] = "double",    [2] = "float",   [3] = "int64",   [4] = "uint64", [5] = "int32",
      [6] = "fixed64",   [7] = "fixed32", [8] = "bool",    [9] = "string", [10] = "group",
      [11] = "message",  [12] = "bytes",  [13] = "uint32", [14] = "enum",  [15] = "sfixed32",
      [16] = "sfixed64", [17] = "sint32", [18] = "sint64"};
  return t > 0 && t <= 18 ? words[t] : "bytes";
}

static int cmp_field(const void *a, const void *b) {
  uint32_t x = ((const ProtobufCFieldDescriptor *)a)->id;
  uint32_t y = ((const ProtobufCFieldDescriptor *)b)->id;
  return x < y ? -1 : x > y;
}

/* The protobuf-c descriptor of t: fields sorted by number, one slot each,
 * ranges of consecutive numbers for protobuf-c's lookup. */
static bool build_type(pb_schema *s, pb_type *t) {
  const message_proto *m = t->proto;
  size_t n = m->n_field;
  t->fields = calloc(n ? n : 1, sizeof *t->fields);
  t->info = calloc(n ? n : 1, sizeof *t->info);
  t->ranges = calloc(n + 1, sizeof *t->ranges);
  t->by_name = calloc(n ? n : 1, sizeof *t->by_name);
  if (!t->fields || !t->info || !t->ranges || !t->by_name) return false;
  for (size_t i = 0; i < n; i++) {
    const Google__Protobuf__FieldDescriptorProto *f = m->field[i];
    ProtobufCFieldDescriptor *fd = &t->fields[i];
    fd->name = f->name ? f->name : "";
    fd->id = (uint32_t)f->number;
    fd->label = f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED
                    ? PROTOBUF_C_LABEL_REPEATED
                    : PROTOBUF_C_LABEL_OPTIONAL;
    fd->type = c_type(f->type);
    /* reserved3 carries the schema's own field back after sorting */
    fd->reserved3 = (void *)f;
  }
  qsort(t->fields, n, sizeof *t->fields, cmp_field);
  size_t n_ranges = 0;
  for (size_t i = 0; i < n; i++) {
    ProtobufCFieldDescriptor *fd = &t->fields[i];
    const Google__Protobuf__FieldDescriptorProto *f = fd->reserved3;
    fd->reserved3 = NULL;
    fd->quantifier_offset = (unsigned)(sizeof(ProtobufCMessage) + i * PB_SLOT);
    fd->offset = fd->quantifier_offset + 8;
    pb_field_info *fi = &t->info[i];
    fi->proto_type = f->type;
    fi->type_word = type_word(f->type);
    if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE) {
      fi->message = pb_schema_type(s, f->type_name);
      fi->type_word = fi->message ? fi->message->full_name : "message";
    } else if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM) {
      fi->enumeration = find_enum(s, f->type_name);
      fi->type_word = fi->enumeration ? fi->enumeration->full_name : "enum";
    }
    if (i == 0 || fd->id != t->fields[i - 1].id + 1)
      t->ranges[n_ranges++] = (ProtobufCIntRange){(int)fd->id, (unsigned)i};
    t->by_name[i] = (unsigned)i; /* protobuf-c's unpack never looks fields up by name */
  }
  t->ranges[n_ranges] = (ProtobufCIntRange){0, (unsigned)n};
  t->desc = (ProtobufCMessageDescriptor){
      .magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
      .name = t->full_name,
      .short_name = m->name ? m->name : "",
      .c_name = t->full_name,
      .package_name = "",
      .sizeof_message = sizeof(ProtobufCMessage) + n * PB_SLOT,
      .n_fields = (unsigned)n,
      .fields = t->fields,
      .fields_sorted_by_name = t->by_name,
      .n_field_ranges = (unsigned)n_ranges,
      .field_ranges = t->ranges,
  };
  return true;
}

static bool build_methods(pb_schema *s) {
  const Google__Protobuf__FileDescriptorSet *set = s->set;
  size_t n = 0;
  for (size_t f = 0; f < set->n_file; f++)
    for (size_t v = 0; v < set->file[f]->n_service; v++)
      n += set->file[f]->service[v]->n_method;
  s->methods = calloc(n ? n : 1, sizeof *s->methods);
  if (!s->methods) return false;
  for (size_t f = 0; f < set->n_file; f++) {
    const file_proto *fp = set->file[f];
    for (size_t v = 0; v < fp->n_service; v++) {
      const Google__Protobuf__ServiceDescriptorProto *sv = fp->service[v];
      char *service = join_name(fp->package, sv->name ? sv->name : "");
      if (!service) return false;
      for (size_t k = 0; k < sv->n_method; k++) {
        const Google__Protobuf__MethodDescriptorProto *md = sv->method[k];
        const char *name = md->name ? md->name : "";
        pb_method *pm = &s->methods[s->n_methods++];
        size_t a = strlen(service), b = strlen(name);
        pm->path = malloc(a + b + 3);
        if (!pm->path) {
          free(service);
          return false;
        }
        /* gRPC over HTTP/2: ":path" is "/" Service-Name "/" Method-Name */
        pm->path[0] = '/';
        memcpy(pm->path + 1, service, a);
        pm->path[a + 1] = '/';
        memcpy(pm->path + a + 2, name, b + 1);
        pm->input = pb_schema_type(s, md->input_type);
        pm->output = pb_schema_type(s, md->output_type);
      }
      free(service);
    }
  }
  return true;
}

static void set_err(char *err, size_t errlen, const char *msg) {
  if (errlen) snprintf(err, errlen, "%s", msg);
}

pb_schema *pb_schema_from_bytes(const uint8_t *p, size_t n, char *err, size_t errlen) {
  pb_schema *s = calloc(1, sizeof *s);
  if (!s) {
    set_err(err, errlen, "out of memory");
    return NULL;
  }
  s->set = google__protobuf__file_descriptor_set__unpack(NULL, n, p);
  if (!s->set) {
    set_err(err, errlen, "not a FileDescriptorSet (protoc --descriptor_set_out)");
    free(s);
    return NULL;
  }
  size_t types = 0, enums = 0;
  for (size_t f = 0; f < s->set->n_file; f++) {
    const file_proto *fp = s->set->file[f];
    enums += fp->n_enum_type;
    for (size_t i = 0; i < fp->n_message_type; i++)
      count_message(fp->message_type[i], &types, &enums);
  }
  s->types = calloc(types ? types : 1, sizeof *s->types);
  s->enums = calloc(enums ? enums : 1, sizeof *s->enums);
  bool ok = s->types && s->enums;
  for (size_t f = 0; ok && f < s->set->n_file; f++) {
    const file_proto *fp = s->set->file[f];
    for (size_t i = 0; ok && i < fp->n_enum_type; i++)
      ok = add_enum(s, fp->package, fp->enum_type[i]);
    for (size_t i = 0; ok && i < fp->n_message_type; i++)
      ok = add_message(s, fp->package, fp->message_type[i]);
  }
  if (ok) {
    qsort(s->types, s->n_types, sizeof *s->types, cmp_type);
    qsort(s->enums, s->n_enums, sizeof *s->enums, cmp_enum);
  }
  for (size_t i = 0; ok && i < s->n_types; i++)
    ok = build_type(s, &s->types[i]);
  ok = ok && build_methods(s);
  if (!ok) {
    set_err(err, errlen, "out of memory");
    pb_schema_free(s);
    return NULL;
  }
  return s;
}

pb_schema *pb_schema_load(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errlen) snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  uint8_t *buf = malloc(PB_SCHEMA_MAX_FILE);
  size_t n = buf ? fread(buf, 1, PB_SCHEMA_MAX_FILE, f) : 0;
  bool too_big = buf && n == PB_SCHEMA_MAX_FILE && fgetc(f) != EOF;
  bool failed = ferror(f);
  fclose(f);
  pb_schema *s = NULL;
  if (!buf)
    set_err(err, errlen, "out of memory");
  else if (failed)
    snprintf(err, errlen, "%s: read error", path);
  else if (too_big)
    snprintf(err, errlen, "%s: larger than %u MiB", path, PB_SCHEMA_MAX_FILE >> 20);
  else {
    char why[160];
    s = pb_schema_from_bytes(buf, n, why, sizeof why);
    if (!s && errlen) snprintf(err, errlen, "%s: %s", path, why);
  }
  free(buf);
  return s;
}

void pb_schema_free(pb_schema *s) {
  if (!s) return;
  for (size_t i = 0; s->types && i < s->n_types; i++) {
    pb_type *t = &s->types[i];
    free(t->full_name);
    free(t->fields);
    free(t->info);
    free(t->ranges);
    free(t->by_name);
  }
  for (size_t i = 0; s->enums && i < s->n_enums; i++)
    free(s->enums[i].full_name);
  for (size_t i = 0; s->methods && i < s->n_methods; i++)
    free(s->methods[i].path);
  free(s->types);
  free(s->enums);
  free(s->methods);
  if (s->set) google__protobuf__file_descriptor_set__free_unpacked(s->set, NULL);
  free(s);
}

const pb_type *pb_schema_method(const pb_schema *s, const char *path, size_t path_len,
                                bool response) {
  if (!s) return NULL;
  for (size_t i = 0; i < s->n_methods; i++) {
    const pb_method *m = &s->methods[i];
    if (strlen(m->path) == path_len && memcmp(m->path, path, path_len) == 0)
      return response ? m->output : m->input;
  }
  return NULL;
}

const char *pb_type_name(const pb_type *t) {
  return t->full_name;
}
