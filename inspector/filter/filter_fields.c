/* filter_fields.c — the field table of display filters (filter_fields.h). */
#include "filter_fields.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "h2/error.h"
#include "h2/ext_frames.h"
#include "h2/frame.h"

static const struct field_def {
  const char *name;
  filter_field_id id;
  enum filter_kind kind;
  uint32_t arg;
} fields[] = {
    {"frame", FF_FRAME, FK_BOOL, 0},
    {"conn", FF_CONN, FK_NUM, 0},
    {"stream", FF_STREAM, FK_NUM, 0},
    {"dir", FF_DIR, FK_NUM, 0},
    {"src", FF_SRC, FK_STR, 0},
    {"dst", FF_DST, FK_STR, 0},
    {"type", FF_TYPE, FK_NUM, 0},
    {"flags", FF_FLAGS, FK_NUM, 0},
    /* RFC 9113 §6: the flags each frame type defines (a flag is absent on
     * frames whose type does not define it). */
    {"flags.end_stream", FF_FLAG, FK_BOOL, H2_FLAG_END_STREAM},
    {"flags.ack", FF_FLAG, FK_BOOL, 0x100 | H2_FLAG_ACK},
    {"flags.end_headers", FF_FLAG, FK_BOOL, H2_FLAG_END_HEADERS},
    {"flags.padded", FF_FLAG, FK_BOOL, H2_FLAG_PADDED},
    {"flags.priority", FF_FLAG, FK_BOOL, H2_FLAG_PRIORITY},
    {"length", FF_LENGTH, FK_NUM, 0},
    {"offset", FF_OFFSET, FK_NUM, 0},
    {"packet", FF_PACKET, FK_NUM, 0},
    {"packet.first", FF_PACKET_FIRST, FK_NUM, 0},
    {"method", FF_METHOD, FK_STR, 0},
    {"status", FF_STATUS, FK_NUM, 0},
    {"path", FF_PATH, FK_STR, 0},
    {"authority", FF_AUTHORITY, FK_STR, 0},
    {"scheme", FF_SCHEME, FK_STR, 0},
    {"content-type", FF_CTYPE, FK_STR, 0},
    {"content_type", FF_CTYPE, FK_STR, 0},
    {"error", FF_ERROR, FK_NUM, 0},
    {"error_code", FF_ERROR, FK_NUM, 0},
    /* RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1 */
    {"settings.header_table_size", FF_SETTING, FK_NUM, 1},
    {"settings.enable_push", FF_SETTING, FK_NUM, 2},
    {"settings.max_concurrent_streams", FF_SETTING, FK_NUM, 3},
    {"settings.initial_window_size", FF_SETTING, FK_NUM, 4},
    {"settings.max_frame_size", FF_SETTING, FK_NUM, 5},
    {"settings.max_header_list_size", FF_SETTING, FK_NUM, 6},
    {"settings.enable_connect_protocol", FF_SETTING, FK_NUM, 8},
    {"settings.no_rfc7540_priorities", FF_SETTING, FK_NUM, 9},
    {"event", FF_EVENT, FK_STR, 0},
    {"lint", FF_LINT, FK_STR, 0},
    {"severity", FF_SEVERITY, FK_STR, 0},
    {"exchange", FF_EXCHANGE, FK_BOOL, 0},
    {"header", FF_HEADER, FK_STR, 0},
};
#define NFIELDS (sizeof fields / sizeof *fields)

const char *filter_field_name_at(size_t i) {
  return i < NFIELDS ? fields[i].name : NULL;
}

bool filter_field_lookup(const char *name, size_t len, filter_field *out, enum filter_kind *kind) {
  for (size_t i = 0; i < NFIELDS; i++) {
    if (strlen(fields[i].name) != len || strncmp(fields[i].name, name, len)) continue;
    if (fields[i].id == FF_HEADER) return false; /* needs [NAME] */
    *out = (filter_field){.id = fields[i].id, .arg = fields[i].arg};
    *kind = fields[i].kind;
    return true;
  }
  return false;
}

enum filter_kind filter_field_kind(const filter_field *f) {
  if (f->id == FF_HEADER) return FK_STR;
  for (size_t i = 0; i < NFIELDS; i++)
    if (fields[i].id == f->id) return fields[i].kind;
  return FK_NUM;
}

static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb) {
  enum { MAXN = 48 };
  if (na >= MAXN || nb >= MAXN) return MAXN;
  size_t row[MAXN], prev[MAXN];
  for (size_t j = 0; j <= nb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= na; i++) {
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      size_t del = prev[j] + 1, ins = row[j - 1] + 1;
      row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    memcpy(prev, row, (nb + 1) * sizeof *row);
  }
  return prev[nb];
}

const char *filter_field_suggest(const char *name, size_t len) {
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < NFIELDS; i++) {
    size_t d = edit_distance(name, len, fields[i].name, strlen(fields[i].name));
    if (d < best_d) best = fields[i].name, best_d = d;
  }
  /* "flags.endstream", "settings.initial_window": a prefix names it too. */
  if (!best)
    for (size_t i = 0; i < NFIELDS; i++)
      if (len >= 4 && !strncmp(fields[i].name, name, len)) return fields[i].name;
  return best;
}

/* RFC 9113 §6 names, and the extension types h2scope knows (ALTSVC,
 * ORIGIN, PRIORITY_UPDATE). */
static const char *type_name(uint8_t t) {
  const char *n = h2_frame_type_name(t);
  return n ? n : h2_ext_frame_type_name(t);
}

static bool name_is(const char *name, size_t len, const char *known) {
  return known && strlen(known) == len && !strncasecmp(name, known, len);
}

bool filter_field_value_of_name(const filter_field *f, const char *name, size_t len,
                                uint64_t *out) {
  switch (f->id) {
  case FF_TYPE:
    for (unsigned t = 0; t < 256; t++)
      if (name_is(name, len, type_name((uint8_t)t))) return *out = t, true;
    return false;
  case FF_ERROR:
    for (uint32_t e = 0; e < 64; e++)
      if (name_is(name, len, h2_error_code_name(e))) return *out = e, true;
    return false;
  case FF_DIR:
    if (name_is(name, len, "c2s") || name_is(name, len, "client")) return *out = 0, true;
    if (name_is(name, len, "s2c") || name_is(name, len, "server")) return *out = 1, true;
    return false;
  default:
    return false;
  }
}

const char *filter_field_name_of_value(const filter_field *f, uint64_t v) {
  switch (f->id) {
  case FF_TYPE:
    return v < 256 ? type_name((uint8_t)v) : NULL;
  case FF_ERROR:
    return v <= UINT32_MAX ? h2_error_code_name((uint32_t)v) : NULL;
  case FF_DIR:
    return v == 0 ? "c2s" : v == 1 ? "s2c" : NULL;
  default:
    return NULL;
  }
}

bool filter_field_is_stream_fact(filter_field_id id) {
  return id == FF_METHOD || id == FF_STATUS || id == FF_PATH || id == FF_AUTHORITY ||
         id == FF_SCHEME || id == FF_CTYPE;
}

/* `-e NAME`: a field name, header["x"] or header.x. */
bool filter_field_parse(const char *text, filter_field *out, char *err, size_t cap) {
  size_t len = strlen(text);
  enum filter_kind kind;
  if (filter_field_lookup(text, len, out, &kind)) return true;
  const char *hname = NULL;
  size_t hlen = 0;
  if (!strncmp(text, "header.", 7) && len > 7) {
    hname = text + 7;
    hlen = len - 7;
  } else if (!strncmp(text, "header[", 7) && len > 10 && text[len - 1] == ']' &&
             (text[7] == '"' || text[7] == '\'') && text[len - 2] == text[7]) {
    hname = text + 8;
    hlen = len - 10;
  }
  if (hname) {
    *out = (filter_field){.id = FF_HEADER, .name = hname, .name_len = hlen};
    return true;
  }
  const char *s = filter_field_suggest(text, len);
  if (!strcmp(text, "header"))
    snprintf(err, cap, "field 'header' needs a name: header[\"NAME\"] or header.NAME");
  else if (s)
    snprintf(err, cap, "unknown field '%s' (did you mean '%s'?)", text, s);
  else
    snprintf(err, cap, "unknown field '%s' (docs/filters.md lists them)", text);
  return false;
}
