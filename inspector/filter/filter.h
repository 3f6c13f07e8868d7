/* filter.h — display filters (`read -Y EXPR`): an expression over the fields
 * of a frame, event, finding or exchange (docs/filters.md), compiled once
 * into a small tree and evaluated against a field source. The filter wing
 * prints nothing: the source says what a field's values are (filter_subject.h
 * for what `read` decodes), the caller decides what to do with a match. */
#ifndef H2SCOPE_FILTER_H
#define H2SCOPE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fields a filter (and `-T fields -e`) can name (filter_fields.c). */
typedef enum filter_field_id {
  FF_FRAME,        /* 1 on frames (a test: `frame`) */
  FF_CONN,         /* connection number (1-based) */
  FF_STREAM,       /* stream id */
  FF_DIR,          /* 0 c2s (client), 1 s2c (server) */
  FF_SRC,          /* the sender's "ip:port" */
  FF_DST,          /* the receiver's "ip:port" */
  FF_TYPE,         /* frame type */
  FF_FLAGS,        /* the flags octet */
  FF_FLAG,         /* one named flag (arg: its bit), 0 or 1 */
  FF_LENGTH,       /* payload length */
  FF_OFFSET,       /* the frame's offset in its direction's byte stream */
  FF_PACKET,       /* the capture packet of the frame's last byte (1-based, as Wireshark's) */
  FF_PACKET_FIRST, /* the capture packet of its first byte */
  FF_HEADER,       /* header[NAME]: a value of the frame's completed header list */
  FF_METHOD,       /* :method of the stream's request */
  FF_STATUS,       /* :status of the stream's response */
  FF_PATH,         /* :path of the stream's request */
  FF_AUTHORITY,
  FF_SCHEME,
  FF_CTYPE,   /* content-type of this direction's header list of the stream */
  FF_ERROR,   /* RST_STREAM / GOAWAY error code */
  FF_SETTING, /* settings.NAME (arg: the id): its value in a SETTINGS frame */
  FF_EVENT,   /* event name ("gap", "close", ...) */
  FF_LINT,    /* finding id (`--lint`) */
  FF_SEVERITY,
  FF_EXCHANGE, /* 1 on exchange records (--exchanges, --export, --html, talk/exchange.h) */
  FF_COUNT
} filter_field_id;

/* How a field's values compare. */
enum filter_kind {
  FK_NUM,  /* unsigned integers */
  FK_STR,  /* byte strings */
  FK_BOOL, /* 0/1 numbers; the bare field tests for 1 */
};

/* A field as a filter or `-e` names it. */
typedef struct filter_field {
  filter_field_id id;
  uint32_t arg;     /* FF_FLAG: the bit; FF_SETTING: the id */
  const char *name; /* FF_HEADER: the header name (lower case), else NULL */
  size_t name_len;
} filter_field;

/* One value of a field. */
typedef struct filter_value {
  bool is_str;
  uint64_t num;
  const char *str;
  size_t len;
} filter_value;

/* Where field values come from: value() puts the i-th value (0-based) of
 * field f into *out and returns true, or false when it has no i-th value
 * (no value at all: the field is absent). */
typedef struct filter_source {
  bool (*value)(const void *ctx, const filter_field *f, size_t i, filter_value *out);
  const void *ctx;
} filter_source;

/* Limits of one filter, all explicit. */
typedef struct filter_limits {
  uint32_t max_length;        /* characters of the expression (default 4096) */
  uint32_t max_nodes;         /* nodes of the tree (default 512) */
  uint32_t max_depth;         /* nesting of parentheses and `not` (default 64) */
  uint32_t regex_match_limit; /* PCRE2 match limit per `matches` (default 100000) */
} filter_limits;

void filter_limits_default(filter_limits *l);

/* A compile error: the 0-based column (byte) of the expression where it is,
 * and a message saying what was expected there. */
typedef struct filter_error {
  size_t column;
  char message[256];
} filter_error;

typedef struct filter filter;

/* Compiles expr; NULL with *err filled when it is not a valid filter (or
 * memory ran out: column 0, "out of memory"). */
filter *filter_compile(const char *expr, const filter_limits *limits, filter_error *err);
void filter_free(filter *f);
/* Whether the subject the source describes passes. */
bool filter_match(const filter *f, const filter_source *src);
/* Whether the filter names any field of the stream's request/response
 * (method, status, path, authority, scheme, content-type): the caller then
 * keeps per-stream facts (filter_streams.h). */
bool filter_uses_stream_facts(const filter *f);
/* Whether it names a field: to skip what cannot match. */
bool filter_uses_field(const filter *f, filter_field_id id);

/* A field name as `-e` takes it (the same names as in filters, with
 * header["x"] or header.x); false with a message (and a suggestion when a
 * known name is close) in err. */
bool filter_field_parse(const char *text, filter_field *out, char *err, size_t cap);
/* The name table, for --help and docs: NULL after the last. */
const char *filter_field_name_at(size_t i);

#endif
