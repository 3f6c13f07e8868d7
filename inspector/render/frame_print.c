/* frame_print.c — text and JSON rendering of decoded frames (frame_print.h);
 * the events are rendered in event_print.c. */
#include "frame_print.h"

#include <stdio.h>
#include <string.h>

#include "ext_print.h"
#include "flow_events.h"
#include "frame_meta_print.h"
#include "json_write.h"
#include "plain_copy.h"
#include "windows_print.h"

#define C_RESET "\x1b[0m"
#define C_TYPE "\x1b[1;36m"
#define C_HDR "\x1b[34m"
#define C_ERR "\x1b[1;31m"

static const char *scope_name(uint8_t scope) {
  return scope == H2_SCOPE_STREAM ? "stream" : scope == H2_SCOPE_CONNECTION ? "connection" : "none";
}

static const char *rep_name(uint8_t rep) {
  switch (rep) {
  case H2_HPACK_INDEXED:
    return "indexed";
  case H2_HPACK_LITERAL_INCREMENTAL:
    return "literal-incremental";
  case H2_HPACK_LITERAL_NO_INDEX:
    return "literal-without-indexing";
  default:
    return "literal-never-indexed";
  }
}

/* --redact: credentials and fields the sender marked never-indexed (RFC
 * 7541 §7.1.3) are hidden so a trace can be shared. */
static bool redacted(const print_options *po, const h2_header *h, const h2_hpack_field_info *info) {
  if (!po->redact || !h->name) return false;
  static const char *const names[] = {"authorization", "cookie", "set-cookie",
                                      "proxy-authorization"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (h->name_len == strlen(names[i]) && !memcmp(h->name, names[i], h->name_len)) return true;
  return (info && info->rep == H2_HPACK_LITERAL_NEVER_INDEX) || (h->flags & H2_HEADER_NEVER_INDEX);
}

bool print_redacts(const print_options *po, const h2_header *h, const h2_hpack_field_info *info) {
  return redacted(po, h, info);
}

#define REDACTED "[redacted]"

static size_t data_preview_len(const print_options *po, const h2_frame *f) {
  uint32_t max = po->data_max ? po->data_max : 64;
  return f->u.data.len < max ? f->u.data.len : max;
}

/* ---- JSON ---- */

static const char *block_error_text(const decoded_frame *d, char *buf, size_t cap) {
  if (d->block_status != H2_E_HPACK_HEADER_LIST_TOO_LARGE || !d->list_limit)
    return h2_strerror(d->block_status);
  int n = snprintf(buf, cap,
                   "header list of %llu octets (name + value + 32 per field), larger than "
                   "h2scope's --max-header-list limit (%u bytes)",
                   (unsigned long long)d->list_size, d->list_limit);
  if (n > 0 && (size_t)n < cap && d->peer_list_limit_set)
    snprintf(buf + n, cap - (size_t)n,
             d->list_size > d->peer_list_limit
                 ? " and the receiver's SETTINGS_MAX_HEADER_LIST_SIZE (%u)"
                 : "; the receiver's SETTINGS_MAX_HEADER_LIST_SIZE is %u",
             d->peer_list_limit);
  return buf;
}

static void json_error(out_buf *o, const char *key, h2_status st, const h2_error *e, uint64_t base,
                       const char *message) {
  json_key(o, key, 0);
  out_puts(o, "{\"code\":");
  json_cstr(o, h2_status_name(st));
  json_key(o, "message", 0);
  json_cstr(o, message ? message : h2_strerror(st));
  const char *rfc = h2_error_code_name(e->code);
  json_key(o, "rfc_code", 0);
  json_cstr(o, rfc ? rfc : "UNKNOWN");
  json_key(o, "scope", 0);
  json_cstr(o, scope_name(e->scope));
  json_key(o, "section", 0);
  json_cstr(o, e->section ? e->section : "");
  json_key(o, "offset", 0);
  out_u64(o, base + e->offset);
  out_putc(o, '}');
}

static void json_priority(out_buf *o, const h2_priority *p) {
  out_puts(o, ",\"priority\":{\"exclusive\":");
  out_puts(o, p->exclusive ? "true" : "false");
  out_puts(o, ",\"dependency\":");
  out_u64(o, p->dependency);
  out_puts(o, ",\"weight\":");
  out_u64(o, (uint64_t)p->weight + 1);
  out_putc(o, '}');
}

/* A frame whose length broke a size rule (§4.2, §6: err offset 0 is the
 * Length field) has no fields worth showing. */
static bool fields_valid(const decoded_frame *d) {
  return !d->payload_skipped && (d->frame_status == H2_OK || d->frame_err.offset != 0);
}

static void json_fields(out_buf *o, const print_options *po, const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  if (!fields_valid(d)) return;
  if ((f->hd.type == H2_DATA || f->hd.type == H2_HEADERS || f->hd.type == H2_PUSH_PROMISE) &&
      (f->hd.flags & H2_FLAG_PADDED)) {
    out_puts(o, ",\"pad_length\":");
    out_u64(o, f->pad_length);
  }
  switch (f->hd.type) {
  case H2_DATA:
    out_puts(o, ",\"data_length\":");
    out_u64(o, f->u.data.len);
    if (po->data != PRINT_DATA_NONE && f->u.data.len) {
      size_t n = data_preview_len(po, f);
      json_key(o, "data", 0);
      if (po->data == PRINT_DATA_HEX) {
        out_putc(o, '"');
        out_hex(o, f->u.data.data, n);
        out_putc(o, '"');
      } else {
        json_str(o, (const char *)f->u.data.data, n);
      }
      if (n < f->u.data.len) out_puts(o, ",\"data_truncated\":true");
    }
    ws_frames_json(o, d);
    break;
  case H2_HEADERS:
    if (f->hd.flags & H2_FLAG_PRIORITY) json_priority(o, &f->u.headers.priority);
    out_puts(o, ",\"fragment_length\":");
    out_u64(o, f->u.headers.fragment_len);
    break;
  case H2_PRIORITY:
    json_priority(o, &f->u.priority);
    break;
  case H2_RST_STREAM:
  case H2_GOAWAY: {
    uint32_t code =
        f->hd.type == H2_RST_STREAM ? f->u.rst_stream.error_code : f->u.goaway.error_code;
    const char *name = h2_error_code_name(code);
    if (f->hd.type == H2_GOAWAY) {
      out_puts(o, ",\"last_stream\":");
      out_u64(o, f->u.goaway.last_stream_id);
    }
    out_puts(o, ",\"error_code\":");
    out_u64(o, code);
    json_key(o, "error_name", 0);
    json_cstr(o, name ? name : "UNKNOWN");
    if (f->hd.type == H2_GOAWAY) {
      json_key(o, "debug", 0);
      json_str(o, (const char *)f->u.goaway.debug, f->u.goaway.debug_len);
    }
    break;
  }
  case H2_SETTINGS:
    out_puts(o, ",\"settings\":[");
    for (uint32_t i = 0; i < f->u.settings.count; i++) {
      h2_setting s = h2_settings_at(f, i);
      const char *name = h2_settings_name(s.id);
      out_puts(o, i ? ",{\"id\":" : "{\"id\":");
      out_u64(o, s.id);
      json_key(o, "name", 0);
      json_cstr(o, name ? name : "UNKNOWN");
      out_puts(o, ",\"value\":");
      out_u64(o, s.value);
      out_putc(o, '}');
    }
    out_putc(o, ']');
    break;
  case H2_PUSH_PROMISE:
    out_puts(o, ",\"promised_stream\":");
    out_u64(o, f->u.push_promise.promised_stream_id);
    out_puts(o, ",\"fragment_length\":");
    out_u64(o, f->u.push_promise.fragment_len);
    break;
  case H2_PING:
    json_key(o, "opaque", 0);
    out_putc(o, '"');
    out_hex(o, f->u.ping.opaque, 8);
    out_putc(o, '"');
    break;
  case H2_WINDOW_UPDATE:
    out_puts(o, ",\"increment\":");
    out_u64(o, f->u.window_update.increment);
    break;
  case H2_CONTINUATION:
    out_puts(o, ",\"fragment_length\":");
    out_u64(o, f->u.continuation.fragment_len);
    break;
  default:
    ext_fields_json(o, d);
    break;
  }
}

static void json_headers(out_buf *o, const print_options *po, const decoded_frame *d) {
  bool unknown = false;
  out_puts(o, ",\"headers\":[");
  for (size_t i = 0; i < d->header_count; i++) {
    const h2_header *h = &d->headers[i];
    const h2_hpack_field_info *in = d->infos ? &d->infos[i] : NULL;
    if (i) out_putc(o, ',');
    if (h->name && h->value && !(po->redact && redacted(po, h, in))) {
      json_str_pair(o, h->name, h->name_len, h->value, h->value_len);
      if (in) unknown |= in->unknown;
      continue;
    }
    out_putc(o, '[');
    if (h->name)
      json_str(o, h->name, h->name_len);
    else
      out_puts(o, "null");
    out_putc(o, ',');
    if (po->redact && redacted(po, h, in))
      json_cstr(o, REDACTED);
    else if (h->value)
      json_str(o, h->value, h->value_len);
    else
      out_puts(o, "null");
    out_putc(o, ']');
    if (in) unknown |= in->unknown;
  }
  out_putc(o, ']');
  priority_field_json(o, d);
  if (unknown) out_puts(o, ",\"undecodable\":\"dynamic table state unknown\"");
  if (po->hpack && d->infos) {
    out_puts(o, ",\"hpack\":[");
    for (size_t i = 0; i < d->header_count; i++) {
      const h2_hpack_field_info *in = &d->infos[i];
      out_puts(o, i ? ",{\"rep\":" : "{\"rep\":");
      json_cstr(o, rep_name(in->rep));
      out_puts(o, ",\"index\":");
      out_u64(o, in->index);
      out_puts(o, ",\"name_huffman\":");
      out_puts(o, in->name_huffman ? "true" : "false");
      out_puts(o, ",\"value_huffman\":");
      out_puts(o, in->value_huffman ? "true" : "false");
      out_puts(o, ",\"wire_length\":");
      out_u64(o, in->wire_len);
      out_puts(o, ",\"evicted\":");
      out_u64(o, in->evicted);
      out_puts(o, ",\"table_size\":");
      out_u64(o, in->table_size);
      if (in->unknown) out_puts(o, ",\"unknown\":true");
      out_putc(o, '}');
    }
    out_puts(o, "],\"table_size\":");
    out_u64(o, d->table_size);
  }
}

static void frame_json(out_buf *o, const print_options *po, const frame_meta *m,
                       const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  const char *type = frame_type_label(f->hd.type);
  char flags[96];
  char block_msg[256];
  json_meta(o, po, m);
  out_puts(o, ",\"offset\":");
  out_u64(o, d->offset);
  out_puts(o, ",\"stream\":");
  out_u64(o, f->hd.stream_id);
  json_key(o, "type", 0);
  json_cstr(o, type ? type : "UNKNOWN");
  out_puts(o, ",\"type_id\":");
  out_u64(o, f->hd.type);
  out_puts(o, ",\"flags\":");
  out_u64(o, f->hd.flags);
  out_puts(o, ",\"flag_names\":[");
  const uint8_t flag_key[2] = {f->hd.type, f->hd.flags}; /* runs of frames share these */
  if (!out_memo_repeat(o, OUT_MEMO_FLAGS, flag_key, 2)) {
    uint64_t begin = out_memo_begin(o);
    h2_frame_flags_str(f->hd.type, f->hd.flags, flags, sizeof flags);
    for (char *p = flags, *start = flags; *start; p++) {
      if (*p == '|' || *p == '\0') {
        if (start != flags) out_putc(o, ',');
        /* Names from the codec's table or "0x.." for undefined bits: nothing to escape. */
        out_putc(o, '"');
        out_write(o, start, (size_t)(p - start));
        out_putc(o, '"');
        if (*p == '\0') break;
        start = p + 1;
      }
    }
    out_memo_end(o, OUT_MEMO_FLAGS, begin, flag_key, 2);
  }
  out_puts(o, "],\"length\":");
  out_u64(o, f->hd.length);
  if (f->hd.reserved) out_puts(o, ",\"reserved_bit\":1");
  json_fields(o, po, d);
  if (d->block_complete) json_headers(o, po, d);
  if (d->frame_status != H2_OK)
    json_error(o, "error", d->frame_status, &d->frame_err, d->offset, NULL);
  else if (d->block_complete && d->block_status != H2_OK)
    json_error(o, "error", d->block_status, &d->block_err, 0,
               block_error_text(d, block_msg, sizeof block_msg));
  if (d->note_count) {
    out_puts(o, ",\"notes\":[");
    for (size_t i = 0; i < d->note_count; i++) {
      out_puts(o, i ? ",{\"rule\":" : "{\"rule\":");
      json_cstr(o, d->notes[i].rule);
      json_key(o, "message", 0);
      json_cstr(o, d->notes[i].message);
      json_key(o, "section", 0);
      json_cstr(o, d->notes[i].section);
      out_putc(o, '}');
    }
    out_putc(o, ']');
  }
  if (d->windows_set) windows_print_json(o, m ? m->dir : 0, d);
  json_meta_end(o, m);
}

/* ---- text ---- */

#define INDENT 4

static void text_error(out_buf *o, const print_options *po, const char *what, h2_status st,
                       const h2_error *e, uint64_t base, const char *where, const char *message) {
  const char *rfc = h2_error_code_name(e->code);
  out_spaces(o, INDENT);
  if (po->color) out_puts(o, C_ERR);
  out_puts(o, what);
  out_puts(o, message ? message : h2_strerror(st));
  out_puts(o, " [");
  out_puts(o, h2_status_name(st));
  out_puts(o, "] ");
  out_puts(o, scope_name(e->scope));
  out_puts(o, " error ");
  out_puts(o, rfc ? rfc : "UNKNOWN");
  if (e->section && *e->section) {
    out_puts(o, " (");
    out_puts(o, e->section);
    out_putc(o, ')');
  }
  out_puts(o, where);
  out_u64(o, base + e->offset);
  if (po->color) out_puts(o, C_RESET);
  out_putc(o, '\n');
}

static void text_priority(out_buf *o, const h2_priority *p) {
  out_spaces(o, INDENT);
  out_puts(o, "priority: weight=");
  out_u64(o, (uint64_t)p->weight + 1);
  out_puts(o, " depends_on=");
  out_u64(o, p->dependency);
  out_puts(o, " exclusive=");
  out_u64(o, p->exclusive);
  out_putc(o, '\n');
}

static void text_fields(out_buf *o, const print_options *po, const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  if (!fields_valid(d)) return;
  if ((f->hd.type == H2_DATA || f->hd.type == H2_HEADERS || f->hd.type == H2_PUSH_PROMISE) &&
      (f->hd.flags & H2_FLAG_PADDED)) {
    out_spaces(o, INDENT);
    out_puts(o, "padding: ");
    out_u64(o, f->pad_length);
    out_puts(o, " bytes\n");
  }
  switch (f->hd.type) {
  case H2_DATA:
    if (po->data != PRINT_DATA_NONE && f->u.data.len) {
      size_t n = data_preview_len(po, f);
      out_spaces(o, INDENT);
      out_puts(o, "data: ");
      if (po->data == PRINT_DATA_HEX)
        out_hex(o, f->u.data.data, n);
      else
        text_escaped(o, (const char *)f->u.data.data, n);
      if (n < f->u.data.len) out_puts(o, "...");
      out_putc(o, '\n');
    }
    ws_frames_text(o, INDENT, d);
    break;
  case H2_HEADERS:
    if (f->hd.flags & H2_FLAG_PRIORITY) text_priority(o, &f->u.headers.priority);
    break;
  case H2_PRIORITY:
    text_priority(o, &f->u.priority);
    break;
  case H2_RST_STREAM: {
    const char *name = h2_error_code_name(f->u.rst_stream.error_code);
    out_spaces(o, INDENT);
    out_puts(o, "error_code: ");
    out_puts(o, name ? name : "UNKNOWN");
    out_puts(o, " (");
    out_hex_u32(o, f->u.rst_stream.error_code);
    out_puts(o, ")\n");
    break;
  }
  case H2_SETTINGS:
    for (uint32_t i = 0; i < f->u.settings.count; i++) {
      h2_setting s = h2_settings_at(f, i);
      const char *name = h2_settings_name(s.id);
      out_spaces(o, INDENT);
      if (name) {
        out_puts(o, name);
      } else {
        out_puts(o, "UNKNOWN_SETTING(");
        out_hex_u32(o, s.id);
        out_putc(o, ')');
      }
      out_puts(o, " = ");
      out_u64(o, s.value);
      out_putc(o, '\n');
    }
    break;
  case H2_PUSH_PROMISE:
    out_spaces(o, INDENT);
    out_puts(o, "promised_stream: ");
    out_u64(o, f->u.push_promise.promised_stream_id);
    out_putc(o, '\n');
    break;
  case H2_PING:
    out_spaces(o, INDENT);
    out_puts(o, "opaque: ");
    out_hex(o, f->u.ping.opaque, 8);
    out_putc(o, '\n');
    break;
  case H2_GOAWAY: {
    const char *name = h2_error_code_name(f->u.goaway.error_code);
    out_spaces(o, INDENT);
    out_puts(o, "last_stream: ");
    out_u64(o, f->u.goaway.last_stream_id);
    out_puts(o, " error_code: ");
    out_puts(o, name ? name : "UNKNOWN");
    out_puts(o, " (");
    out_hex_u32(o, f->u.goaway.error_code);
    out_puts(o, ")\n");
    if (f->u.goaway.debug_len) {
      out_spaces(o, INDENT);
      out_puts(o, "debug: ");
      text_escaped(o, (const char *)f->u.goaway.debug, f->u.goaway.debug_len);
      out_putc(o, '\n');
    }
    break;
  }
  case H2_WINDOW_UPDATE:
    out_spaces(o, INDENT);
    out_puts(o, "increment: ");
    out_u64(o, f->u.window_update.increment);
    out_putc(o, '\n');
    break;
  default:
    ext_fields_text(o, INDENT, d);
    break;
  }
}

/* "    name: value" with one room check and no calls, when name and value are
 * both non-empty and need no escape (plain_copy.h; most fields); false:
 * nothing written. */
static bool text_field_plain(out_buf *o, const h2_header *h) {
  size_t nn = h->name_len, vn = h->value_len, need = INDENT + nn + 2 + vn;
  if (!nn || !vn || need > o->cap - o->len) return false;
  char *d = o->data + o->len;
  if (!plain_copy(d + INDENT, (const uint8_t *)h->name, nn, '\\') ||
      !plain_copy(d + INDENT + nn + 2, (const uint8_t *)h->value, vn, '\\'))
    return false;
  memcpy(d, "    ", INDENT);
  memcpy(d + INDENT + nn, ": ", 2);
  o->len += need;
  return true;
}

static void text_field(out_buf *o, const print_options *po, const h2_header *h,
                       const h2_hpack_field_info *in) {
  out_spaces(o, INDENT);
  if (po->color) out_puts(o, C_HDR);
  if (in && in->unknown && !h->name)
    out_puts(o, "(undecodable: dynamic table state unknown)");
  else
    text_escaped(o, h->name, h->name_len);
  out_puts(o, ": ");
  if (po->color) out_puts(o, C_RESET);
  if (redacted(po, h, in))
    out_puts(o, REDACTED);
  else if (h->value)
    text_escaped(o, h->value, h->value_len);
  else if (in && in->unknown)
    out_puts(o, "(undecodable: dynamic table state unknown)");
}

static void text_headers(out_buf *o, const print_options *po, const decoded_frame *d) {
  for (size_t i = 0; i < d->header_count; i++) {
    const h2_header *h = &d->headers[i];
    const h2_hpack_field_info *in = d->infos ? &d->infos[i] : NULL;
    bool plain = !po->color && h->name && h->value && !redacted(po, h, in);
    if (!plain || !text_field_plain(o, h)) text_field(o, po, h, in);
    if (h->value && !redacted(po, h, in)) priority_field_text(o, h);
    if (po->hpack && in) {
      out_puts(o, "    [");
      out_puts(o, rep_name(in->rep));
      if (in->index) {
        out_puts(o, in->rep == H2_HPACK_INDEXED ? " index=" : " name_index=");
        out_u64(o, in->index);
      }
      if (in->name_huffman || in->value_huffman) out_puts(o, " huffman");
      out_puts(o, " wire=");
      out_u64(o, in->wire_len);
      if (in->evicted) {
        out_puts(o, " evicted=");
        out_u64(o, in->evicted);
      }
      out_puts(o, " table=");
      out_u64(o, in->table_size);
      out_putc(o, ']');
    }
    out_putc(o, '\n');
  }
}

static void frame_text(out_buf *o, const print_options *po, const frame_meta *m,
                       const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  const char *type = frame_type_label(f->hd.type);
  char flags[96];
  char block_msg[256];
  text_prefix(o, po, m);
  out_putc(o, '[');
  out_u64(o, d->offset);
  out_puts(o, "] ");
  if (po->color) out_puts(o, C_TYPE);
  if (type) {
    out_puts(o, type);
  } else {
    out_puts(o, "UNKNOWN(");
    out_hex_u32(o, f->hd.type);
    out_putc(o, ')');
  }
  if (po->color) out_puts(o, C_RESET);
  out_puts(o, " stream=");
  out_u64(o, f->hd.stream_id);
  out_puts(o, " length=");
  out_u64(o, f->hd.length);
  out_puts(o, " flags=");
  h2_frame_flags_str(f->hd.type, f->hd.flags, flags, sizeof flags);
  if (flags[0] && flags[0] != '0') { /* names; only undefined bits ("0x05") → the hex alone */
    out_puts(o, flags);
    out_puts(o, " (");
    out_hex_u32(o, f->hd.flags);
    out_putc(o, ')');
  } else {
    out_hex_u32(o, f->hd.flags);
  }
  if (f->hd.reserved) out_puts(o, " R=1");
  out_putc(o, '\n');
  text_fields(o, po, d);
  if (d->block_complete) text_headers(o, po, d);
  if (d->frame_status != H2_OK)
    text_error(o, po, "error: ", d->frame_status, &d->frame_err, d->offset, " at offset ", NULL);
  else if (d->block_complete && d->block_status != H2_OK)
    text_error(o, po, "header block error: ", d->block_status, &d->block_err, 0,
               " at field block offset ", block_error_text(d, block_msg, sizeof block_msg));
  for (size_t i = 0; i < d->note_count; i++) {
    out_spaces(o, INDENT);
    if (po->color) out_puts(o, C_ERR);
    out_puts(o, "violation: ");
    out_puts(o, d->notes[i].message);
    out_puts(o, " (");
    out_puts(o, d->notes[i].section);
    out_puts(o, ") [");
    out_puts(o, d->notes[i].rule);
    out_putc(o, ']');
    if (po->color) out_puts(o, C_RESET);
    out_putc(o, '\n');
  }
  if (po->windows && d->windows_set) windows_print_text(o, m ? m->dir : 0, d);
}

void frame_print(out_buf *o, const print_options *po, const frame_meta *m, const decoded_frame *d) {
  if (po->json)
    frame_json(o, po, m, d);
  else
    frame_text(o, po, m, d);
}
