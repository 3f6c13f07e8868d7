/* grpc_print.c — text and JSON rendering of gRPC records (grpc_print.h). */
#include "grpc_print.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_meta_print.h"
#include "json_utf8.h"
#include "json_write.h"

const char *grpc_status_name(uint32_t code) {
  static const char *const names[] = {"OK",
                                      "CANCELLED",
                                      "UNKNOWN",
                                      "INVALID_ARGUMENT",
                                      "DEADLINE_EXCEEDED",
                                      "NOT_FOUND",
                                      "ALREADY_EXISTS",
                                      "PERMISSION_DENIED",
                                      "RESOURCE_EXHAUSTED",
                                      "FAILED_PRECONDITION",
                                      "ABORTED",
                                      "OUT_OF_RANGE",
                                      "UNIMPLEMENTED",
                                      "INTERNAL",
                                      "UNAVAILABLE",
                                      "DATA_LOSS",
                                      "UNAUTHENTICATED"};
  return code < sizeof names / sizeof names[0] ? names[code] : NULL;
}

static bool valid_utf8(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = json_utf8_len(p + i, n - i);
    if (!k) return false;
    i += k;
  }
  return true;
}

/* As protoc prints floats and doubles (its SimpleFtoa/SimpleDtoa): %g with
 * the type's guaranteed digits (6, 15), or with all it may need (9, 17)
 * when those do not read back as the same value. */
static void out_real(out_buf *o, double v, bool is_float) {
  char buf[40];
  if (isnan(v)) {
    out_puts(o, "nan");
    return;
  }
  if (isinf(v)) {
    out_puts(o, v < 0 ? "-inf" : "inf");
    return;
  }
  snprintf(buf, sizeof buf, "%.*g", is_float ? 6 : 15, v);
  double back = strtod(buf, NULL);
  if (is_float ? (float)back != (float)v : back != v)
    snprintf(buf, sizeof buf, "%.*g", is_float ? 9 : 17, v);
  out_puts(o, buf);
}

/* Bytes in C escapes as protoc's text format writes them (strings too):
 * \n \r \t \" \' \\, octal for other control bytes and, unless `utf8`,
 * for every byte above 0x7e. */
static void out_c_escaped(out_buf *o, const uint8_t *p, size_t n, bool utf8) {
  out_putc(o, '"');
  for (size_t i = 0; i < n; i++) {
    uint8_t c = p[i];
    switch (c) {
    case '\n':
      out_puts(o, "\\n");
      continue;
    case '\r':
      out_puts(o, "\\r");
      continue;
    case '\t':
      out_puts(o, "\\t");
      continue;
    case '"':
      out_puts(o, "\\\"");
      continue;
    case '\'':
      out_puts(o, "\\'");
      continue;
    case '\\':
      out_puts(o, "\\\\");
      continue;
    default:
      break;
    }
    if (c >= 0x20 && (c < 0x7f || (utf8 && c >= 0x80))) {
      out_putc(o, (char)c);
    } else {
      char esc[5] = {'\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)),
                     (char)('0' + (c & 7)), 0};
      out_puts(o, esc);
    }
  }
  out_putc(o, '"');
}

static void out_hex_fixed(out_buf *o, uint64_t v, int digits) {
  static const char hex[] = "0123456789abcdef";
  out_puts(o, "0x");
  for (int i = digits - 1; i >= 0; i--)
    out_putc(o, hex[(v >> (4 * i)) & 15]);
}

static void text_label(out_buf *o, const pb_item *it) {
  if (it->name)
    out_puts(o, it->name);
  else
    out_u64(o, it->number);
}

void grpc_print_fields_text(out_buf *o, const pb_items *d, int indent) {
  for (size_t i = 0; i < d->n; i++) {
    const pb_item *it = &d->items[i];
    out_spaces(o, indent + 2 * it->depth);
    if (it->kind == PB_END) {
      out_puts(o, "}\n");
      continue;
    }
    text_label(o, it);
    if (it->kind == PB_BEGIN) {
      out_puts(o, " {\n");
      continue;
    }
    out_puts(o, ": ");
    switch (it->kind) {
    case PB_VARINT:
      out_u64(o, it->v.u);
      break;
    case PB_FIXED64:
      out_hex_fixed(o, it->v.u, 16);
      break;
    case PB_FIXED32:
      out_hex_fixed(o, it->v.u, 8);
      break;
    case PB_LEN:
      out_c_escaped(o, it->data, it->len, false);
      break;
    case PB_INT:
      out_i64(o, it->v.i);
      break;
    case PB_UINT:
      out_u64(o, it->v.u);
      break;
    case PB_BOOL:
      out_puts(o, it->v.u ? "true" : "false");
      break;
    case PB_ENUM:
      if (it->enum_value)
        out_puts(o, it->enum_value);
      else
        out_i64(o, it->v.i);
      break;
    case PB_FLOAT:
      out_real(o, it->v.d, true);
      break;
    case PB_DOUBLE:
      out_real(o, it->v.d, false);
      break;
    default:
      out_c_escaped(o, it->data, it->len, false);
      break;
    }
    out_putc(o, '\n');
  }
}

static const char *wire_name(uint8_t w) {
  switch (w) {
  case PB_WIRE_VARINT:
    return "varint";
  case PB_WIRE_I64:
    return "i64";
  case PB_WIRE_LEN:
    return "len";
  case PB_WIRE_I32:
    return "i32";
  default:
    return "?";
  }
}

static void json_real(out_buf *o, double v, bool is_float) {
  if (isnan(v) || isinf(v)) {
    out_puts(o, isnan(v) ? "\"NaN\"" : v < 0 ? "\"-Infinity\"" : "\"Infinity\"");
    return;
  }
  out_real(o, v, is_float);
}

/* The items as a JSON array of fields; nested messages as "fields" arrays. */
static void json_fields(out_buf *o, const pb_items *d) {
  out_putc(o, '[');
  bool first = true;
  for (size_t i = 0; i < d->n; i++) {
    const pb_item *it = &d->items[i];
    if (it->kind == PB_END) {
      out_puts(o, "]}");
      first = false;
      continue;
    }
    if (!first) out_putc(o, ',');
    first = false;
    out_puts(o, "{\"n\":");
    out_u64(o, it->number);
    json_key(o, "wire", 0);
    json_cstr(o, wire_name(it->wire));
    if (it->name) {
      json_key(o, "name", 0);
      json_cstr(o, it->name);
    }
    if (it->type) {
      json_key(o, "type", 0);
      json_cstr(o, it->type);
    }
    switch (it->kind) {
    case PB_BEGIN:
      out_puts(o, ",\"fields\":[");
      first = true;
      continue;
    case PB_VARINT:
    case PB_FIXED64:
    case PB_FIXED32:
    case PB_UINT:
      out_puts(o, ",\"value\":");
      out_u64(o, it->v.u);
      break;
    case PB_INT:
      out_puts(o, ",\"value\":");
      out_i64(o, it->v.i);
      break;
    case PB_ENUM:
      out_puts(o, ",\"value\":");
      out_i64(o, it->v.i);
      if (it->enum_value) {
        json_key(o, "enum", 0);
        json_cstr(o, it->enum_value);
      }
      break;
    case PB_BOOL:
      out_puts(o, it->v.u ? ",\"value\":true" : ",\"value\":false");
      break;
    case PB_FLOAT:
    case PB_DOUBLE:
      out_puts(o, ",\"value\":");
      json_real(o, it->v.d, it->kind == PB_FLOAT);
      break;
    case PB_STRING:
      json_key(o, "string", 0);
      json_str(o, (const char *)it->data, it->len);
      break;
    default: /* raw length-delimited: a string when it is UTF-8; bytes */
      if (it->kind == PB_LEN && valid_utf8(it->data, it->len)) {
        json_key(o, "string", 0);
        json_str(o, (const char *)it->data, it->len);
      } else {
        out_puts(o, ",\"hex\":\"");
        out_hex(o, it->data, it->len);
        out_putc(o, '"');
      }
      break;
    }
    out_putc(o, '}');
  }
  out_putc(o, ']');
}

static void items_notes(const pb_items *d, const char **a, const char **b) {
  *a = d->items_dropped   ? "field limit reached: fields after it dropped"
       : d->out_of_memory ? "out of memory: fields dropped"
                          : NULL;
  *b = d->depth_capped ? "nesting deeper than the depth limit shown as bytes" : NULL;
}

static void grpc_json(out_buf *o, const print_options *po, const frame_meta *m,
                      const grpc_record *r) {
  json_meta(o, po, m);
  out_puts(o, ",\"grpc\":{\"stream\":");
  out_u64(o, r->stream);
  json_key(o, "kind", 0);
  json_cstr(o, r->kind == GRPC_MESSAGE ? "message" : r->kind == GRPC_STATUS ? "status" : "note");
  if (r->kind == GRPC_MESSAGE) {
    out_puts(o, ",\"index\":");
    out_u64(o, r->index);
    out_puts(o, ",\"offset\":");
    out_u64(o, r->offset);
    out_puts(o, r->compressed ? ",\"compressed\":true" : ",\"compressed\":false");
    out_puts(o, ",\"length\":");
    out_u64(o, r->length);
    if (r->compressed) {
      json_key(o, "encoding", 0);
      json_cstr(o, r->encoding ? r->encoding : "");
    }
    if (r->bytes) {
      out_puts(o, ",\"decoded_length\":");
      out_u64(o, r->n);
    }
    if (r->type) {
      json_key(o, "type", 0);
      json_cstr(o, r->type);
    }
    if (r->fields) {
      json_key(o, "fields", 0);
      json_fields(o, r->fields);
      const char *a, *b;
      items_notes(r->fields, &a, &b);
      if (a || b) {
        out_puts(o, ",\"limits\":[");
        if (a) json_cstr(o, a);
        if (a && b) out_putc(o, ',');
        if (b) json_cstr(o, b);
        out_putc(o, ']');
      }
    } else if (r->bytes) {
      out_puts(o, ",\"hex\":\"");
      out_hex(o, r->bytes, r->n);
      out_putc(o, '"');
    }
  } else if (r->kind == GRPC_STATUS) {
    if (r->has_status) {
      out_puts(o, ",\"status\":");
      out_u64(o, r->status);
      const char *name = grpc_status_name(r->status);
      if (name) {
        json_key(o, "status_name", 0);
        json_cstr(o, name);
      }
    }
    if (r->message) {
      json_key(o, "message", 0);
      json_str(o, r->message, r->message_len);
    }
  } else {
    out_puts(o, ",\"offset\":");
    out_u64(o, r->offset);
  }
  if (r->note) {
    json_key(o, "note", 0);
    json_cstr(o, r->note);
  }
  out_puts(o, "}}\n");
}

void grpc_print(out_buf *o, const print_options *po, const frame_meta *m, const grpc_record *r,
                bool fields) {
  if (po->json) {
    grpc_json(o, po, m, r);
    return;
  }
  text_prefix(o, po, m);
  out_puts(o, "grpc stream=");
  out_u64(o, r->stream);
  if (r->kind == GRPC_MESSAGE) {
    out_puts(o, " message=");
    out_u64(o, r->index);
    out_puts(o, " length=");
    out_u64(o, r->length);
    if (r->compressed) {
      out_puts(o, " compressed=");
      out_puts(o, r->encoding ? r->encoding : "?");
      if (r->bytes) {
        out_puts(o, " decoded=");
        out_u64(o, r->n);
      }
    }
    if (r->type) {
      out_puts(o, " type=");
      out_puts(o, r->type);
    }
  } else if (r->kind == GRPC_STATUS) {
    if (r->has_status) {
      out_puts(o, " status=");
      out_u64(o, r->status);
      const char *name = grpc_status_name(r->status);
      if (name) {
        out_puts(o, " (");
        out_puts(o, name);
        out_putc(o, ')');
      }
    }
    if (r->message) {
      out_puts(o, " message=");
      out_c_escaped(o, (const uint8_t *)r->message, r->message_len,
                    valid_utf8((const uint8_t *)r->message, r->message_len));
    }
  }
  if (r->note) {
    out_puts(o, r->kind == GRPC_NOTE ? " " : " note: ");
    out_puts(o, r->note);
  }
  out_putc(o, '\n');
  if (fields && r->kind == GRPC_MESSAGE && r->fields) {
    grpc_print_fields_text(o, r->fields, 4);
    const char *a, *b;
    items_notes(r->fields, &a, &b);
    for (int k = 0; k < 2; k++) {
      const char *why = k ? b : a;
      if (!why) continue;
      out_puts(o, "    (");
      out_puts(o, why);
      out_puts(o, ")\n");
    }
  }
}
