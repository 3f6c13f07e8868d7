/* ext_print.c — text and JSON of extension frames, the priority field and
 * WebSocket frames (ext_print.h). */
#include "ext_print.h"

#include <string.h>

#include "frame_meta_print.h"
#include "h2/ext_frames.h"
#include "json_write.h"

const char *frame_type_label(uint8_t type) {
  const char *name = h2_frame_type_name(type);
  return name ? name : h2_ext_frame_type_name(type);
}

static void json_bool(out_buf *o, const char *key, bool v) {
  json_key(o, key, 0);
  out_puts(o, v ? "true" : "false");
}

static void json_uint(out_buf *o, const char *key, uint64_t v) {
  json_key(o, key, 0);
  out_u64(o, v);
}

static void json_priority_value(out_buf *o, const uint8_t *v, size_t len) {
  h2_priority_field pf;
  h2_priority_field_parse((const char *)v, len, &pf, NULL);
  json_uint(o, "urgency", pf.urgency);
  json_bool(o, "incremental", pf.incremental);
}

void ext_fields_json(out_buf *o, const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  if (d->frame_status != H2_OK) return;
  switch (f->hd.type) {
  case H2_ALTSVC: {
    h2_altsvc a;
    h2_altsvc_decode(f, &a, NULL);
    if (!a.value) break; /* malformed (a note says so): no fields to show */
    json_key(o, "altsvc", 0);
    out_puts(o, "{\"origin\":");
    json_str(o, (const char *)a.origin, a.origin_len);
    json_key(o, "value", 0);
    json_str(o, (const char *)a.value, a.value_len);
    out_putc(o, '}');
    break;
  }
  case H2_ORIGIN: {
    h2_origin_iter it;
    const uint8_t *p;
    size_t len;
    int r, k = 0;
    h2_origin_begin(f, &it, NULL);
    json_key(o, "origins", 0);
    out_putc(o, '[');
    while ((r = h2_origin_next(&it, &p, &len, NULL)) != 0) {
      if (r < 0) continue;
      if (k++) out_putc(o, ',');
      json_str(o, (const char *)p, len);
    }
    out_putc(o, ']');
    break;
  }
  case H2_PRIORITY_UPDATE: {
    h2_priority_update u;
    if (h2_priority_update_decode(f, &u, NULL) == H2_EXT_ERROR && f->u.unknown.len < 4) break;
    json_key(o, "priority_update", 0);
    out_puts(o, "{\"stream\":");
    out_u64(o, u.stream_id);
    json_key(o, "value", 0);
    json_str(o, (const char *)u.value, u.value_len);
    json_priority_value(o, u.value, u.value_len);
    out_putc(o, '}');
    break;
  }
  default:
    break;
  }
}

static void text_priority_value(out_buf *o, const uint8_t *v, size_t len) {
  h2_priority_field pf;
  h2_ext_result r = h2_priority_field_parse((const char *)v, len, &pf, NULL);
  out_puts(o, "(urgency=");
  out_u64(o, pf.urgency);
  out_puts(o, pf.incremental ? " incremental=true" : " incremental=false");
  if (r != H2_EXT_OK) out_puts(o, " invalid");
  out_putc(o, ')');
}

void ext_fields_text(out_buf *o, int indent, const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  if (d->frame_status != H2_OK) return;
  switch (f->hd.type) {
  case H2_ALTSVC: {
    h2_altsvc a;
    h2_altsvc_decode(f, &a, NULL);
    if (!a.value) break; /* malformed (a note says so): no fields to show */
    out_spaces(o, indent);
    out_puts(o, "altsvc: origin=\"");
    text_escaped(o, (const char *)a.origin, a.origin_len);
    out_puts(o, "\" value=\"");
    text_escaped(o, (const char *)a.value, a.value_len);
    out_puts(o, "\"\n");
    break;
  }
  case H2_ORIGIN: {
    h2_origin_iter it;
    const uint8_t *p;
    size_t len;
    int r;
    h2_origin_begin(f, &it, NULL);
    while ((r = h2_origin_next(&it, &p, &len, NULL)) != 0) {
      if (r < 0) continue;
      out_spaces(o, indent);
      out_puts(o, "origin: ");
      text_escaped(o, (const char *)p, len);
      out_putc(o, '\n');
    }
    break;
  }
  case H2_PRIORITY_UPDATE: {
    h2_priority_update u;
    if (h2_priority_update_decode(f, &u, NULL) == H2_EXT_ERROR && f->u.unknown.len < 4) break;
    out_spaces(o, indent);
    out_puts(o, "priority_update: stream=");
    out_u64(o, u.stream_id);
    out_puts(o, " value=\"");
    text_escaped(o, (const char *)u.value, u.value_len);
    out_puts(o, "\" ");
    text_priority_value(o, u.value, u.value_len);
    out_putc(o, '\n');
    break;
  }
  default:
    break;
  }
}

static bool is_priority(const h2_header *h) {
  return h->name && h->value && h->name_len == 8 && !memcmp(h->name, "priority", 8);
}

void priority_field_json(out_buf *o, const decoded_frame *d) {
  const h2_header *last = NULL;
  for (size_t i = 0; i < d->header_count; i++)
    if (is_priority(&d->headers[i])) last = &d->headers[i];
  if (!last) return;
  h2_priority_field pf;
  h2_ext_result r = h2_priority_field_parse(last->value, last->value_len, &pf, NULL);
  json_key(o, "priority_field", 0);
  out_puts(o, "{\"urgency\":");
  out_u64(o, pf.urgency);
  json_bool(o, "incremental", pf.incremental);
  json_bool(o, "valid", r == H2_EXT_OK);
  out_putc(o, '}');
}

void priority_field_text(out_buf *o, const h2_header *h) {
  if (!is_priority(h)) return;
  out_puts(o, "  ");
  text_priority_value(o, (const uint8_t *)h->value, h->value_len);
}

void ws_frames_json(out_buf *o, const decoded_frame *d) {
  if (!d->ws_count && !d->ws_more) return;
  json_key(o, "websocket", 0);
  out_putc(o, '[');
  for (size_t i = 0; i < d->ws_count; i++) {
    const ws_frame_info *w = &d->ws[i];
    out_puts(o, i ? ",{\"fin\":" : "{\"fin\":");
    out_puts(o, w->fin ? "true" : "false");
    json_uint(o, "rsv", w->rsv);
    json_uint(o, "opcode", w->opcode);
    json_key(o, "opcode_name", 0);
    json_cstr(o, ws_opcode_name(w->opcode));
    json_bool(o, "masked", w->masked);
    if (w->masked) {
      json_key(o, "mask_key", 0);
      out_putc(o, '"');
      out_hex(o, w->mask_key, 4);
      out_putc(o, '"');
    }
    json_uint(o, "length", w->length);
    json_uint(o, "length_bits", w->length_bits);
    json_uint(o, "data_frames", w->data_frames);
    if (w->has_close_code) json_uint(o, "close_code", w->close_code);
    if (w->preview_len) {
      if (w->text) {
        json_key(o, w->opcode == WS_CLOSE ? "close_reason" : "text", 0);
        json_str(o, (const char *)w->preview, w->preview_len);
      } else {
        json_key(o, "hex", 0);
        out_putc(o, '"');
        out_hex(o, w->preview, w->preview_len);
        out_putc(o, '"');
      }
    }
    if (w->preview_truncated) out_puts(o, ",\"preview_truncated\":true");
    out_putc(o, '}');
  }
  out_putc(o, ']');
  if (d->ws_more) json_uint(o, "websocket_more", d->ws_more);
}

void ws_frames_text(out_buf *o, int indent, const decoded_frame *d) {
  for (size_t i = 0; i < d->ws_count; i++) {
    const ws_frame_info *w = &d->ws[i];
    out_spaces(o, indent);
    out_puts(o, "websocket: ");
    out_puts(o, ws_opcode_name(w->opcode));
    if (w->opcode > WS_BINARY && w->opcode != WS_CLOSE && w->opcode != WS_PING &&
        w->opcode != WS_PONG) {
      out_putc(o, '(');
      out_hex_u32(o, w->opcode);
      out_putc(o, ')');
    }
    out_puts(o, w->fin ? " FIN" : " more");
    if (w->rsv) {
      out_puts(o, " RSV=");
      out_u64(o, w->rsv);
    }
    if (w->masked) {
      out_puts(o, " masked key=");
      out_hex(o, w->mask_key, 4);
    } else {
      out_puts(o, " unmasked");
    }
    out_puts(o, " length=");
    out_u64(o, w->length);
    out_puts(o, " (");
    out_u64(o, w->length_bits);
    out_puts(o, "-bit)");
    if (w->data_frames > 1) {
      out_puts(o, " over ");
      out_u64(o, w->data_frames);
      out_puts(o, " DATA frames");
    }
    if (w->has_close_code) {
      out_puts(o, " code=");
      out_u64(o, w->close_code);
    }
    if (w->preview_len) {
      out_puts(o, w->opcode == WS_CLOSE ? " reason=" : " ");
      if (w->text) {
        out_putc(o, '"');
        text_escaped(o, (const char *)w->preview, w->preview_len);
        out_putc(o, '"');
      } else {
        out_hex(o, w->preview, w->preview_len);
      }
      if (w->preview_truncated) out_puts(o, "...");
    }
    out_putc(o, '\n');
  }
  if (d->ws_more) {
    out_spaces(o, indent);
    out_puts(o, "websocket: ");
    out_u64(o, d->ws_more);
    out_puts(o, " more frames not listed\n");
  }
}
