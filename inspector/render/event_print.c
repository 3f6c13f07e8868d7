/* event_print.c — text and JSON rendering of connection-level events and
 * of the Upgrade request that became stream 1 (frame_print.h). */
#include <stdio.h>
#include <string.h>

#include "flow_events.h"
#include "frame_meta_print.h"
#include "frame_print.h"
#include "json_write.h"
#include "tls_print.h"
#include "upgrade_request.h"

#define C_RESET "\x1b[0m"
#define C_ERR "\x1b[1;31m"

/* An event's JSON object up to its extra keys: the caller closes it. */
static void event_json_open(out_buf *o, const print_options *po, const frame_meta *m,
                            const char *event, uint64_t offset, const char *message) {
  json_meta(o, po, m);
  json_key(o, "event", 0);
  json_cstr(o, event);
  json_key(o, "offset", 0);
  out_u64(o, offset);
  if (message) {
    json_key(o, "message", 0);
    json_cstr(o, message);
  }
}

static void event_text_line(out_buf *o, const print_options *po, const frame_meta *m,
                            const char *event, const char *message) {
  text_prefix(o, po, m);
  /* Only a line that was coloured is reset: no stray escape sequence at the
   * end of the others. */
  bool colored = po->color && (!strcmp(event, "truncated") || !strcmp(event, "decode-error"));
  if (colored) out_puts(o, C_ERR);
  /* A message that already starts with the event's name stands alone. */
  if (!message || strncmp(message, event, strlen(event)) != 0) {
    out_puts(o, event);
    if (message) out_putc(o, ' ');
  }
  if (message) out_puts(o, message);
  if (colored) out_puts(o, C_RESET);
  out_putc(o, '\n');
}

/* A number as printf writes it (the digits the output has always had). */
static void out_double(out_buf *o, int decimals, double v) {
  char b[64];
  snprintf(b, sizeof b, "%.*f", decimals, v);
  out_puts(o, b);
}

/* A zero-window stall's members: where it waits, and for its end why it
 * ended, how long it lasted and where it began. */
static void stall_json(out_buf *o, const h2_window_stall *s, double ms) {
  json_key(o, "stream", 0);
  out_u64(o, s->stream);
  json_key(o, "window", 0);
  json_cstr(o, s->connection ? "connection" : "stream");
  json_key(o, "sender", 0);
  json_cstr(o, s->sender == FLOW_DIR_C2S ? "client" : "server");
  json_key(o, "value", 0);
  out_i64(o, s->window);
  if (!s->end) return;
  json_key(o, "why", 0);
  json_cstr(o, s->why);
  json_key(o, "duration_ms", 0);
  out_double(o, 3, ms < 0 ? 0 : ms);
  json_key(o, "begin_offset", 0);
  out_u64(o, s->begin_offset);
  if (s->begin_pkt) {
    json_key(o, "begin_pkt", 0);
    out_u64(o, s->begin_pkt);
  }
}

/* The members of an event's data (event_data.h), in the order the JSON
 * output has always had them. */
static void event_data_json(out_buf *o, const event_data *d) {
  switch (d->kind) {
  case EVENT_DATA_NONE:
    return;
  case EVENT_DATA_KIND:
    json_key(o, "kind", 0);
    json_cstr(o, d->kind_id);
    if (d->has_stream) {
      json_key(o, "stream", 0);
      out_u64(o, d->stream);
    }
    return;
  case EVENT_DATA_STALL:
    stall_json(o, d->stall, d->stall_ms);
    return;
  case EVENT_DATA_BODY:
    json_key(o, "stream", 0);
    out_u64(o, d->stream);
    json_key(o, "side", 0);
    json_cstr(o, d->side ? "response" : "request");
    json_key(o, "decoded_offset", 0);
    out_u64(o, d->decoded_offset);
    return;
  case EVENT_DATA_NEED:
    json_key(o, "need", 0);
    out_u64(o, d->need);
    return;
  case EVENT_DATA_DROPS:
    json_key(o, "ts", 0);
    out_double(o, 6, d->ts);
    json_key(o, "dropped", 0);
    out_u64(o, d->dropped);
    json_key(o, "interface_dropped", 0);
    out_u64(o, d->if_dropped);
    json_key(o, "new", 0);
    out_u64(o, d->added);
    return;
  case EVENT_DATA_CLOSE:
    json_key(o, "reason", 0);
    json_cstr(o, d->reason);
    if (d->tls) tls_info_json(o, d->tls);
    return;
  }
}

void event_print(out_buf *o, const print_options *po, const frame_meta *m, const char *event,
                 uint64_t offset, const char *message, const event_data *data) {
  if (po->json) {
    event_json_open(o, po, m, event, offset, message);
    if (data) event_data_json(o, data);
    json_meta_end(o, m);
    return;
  }
  event_text_line(o, po, m, event, message);
}

/* Header names of the upgrade request in JSON: lowercased (RFC 9113 §8.2.1),
 * at most 127 characters. */
static void json_lower_name(out_buf *o, const char *name, size_t len) {
  char low[128];
  size_t n = len < sizeof low ? len : sizeof low - 1;
  for (size_t k = 0; k < n; k++)
    low[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] + 32 : name[k]);
  json_str(o, low, n);
}

void upgrade_event_print(out_buf *o, const print_options *po, const frame_meta *m, uint64_t offset,
                         const char *message, const h2_upgrade_request *u) {
  if (po->json) {
    event_json_open(o, po, m, "upgrade", offset, message);
    out_puts(o, ",\"stream\":1,\"headers\":[[\":method\",");
    json_cstr(o, u->method);
    out_puts(o, "],[\":path\",");
    json_cstr(o, u->target);
    out_puts(o, "],[\":scheme\",\"http\"]");
    for (size_t i = 0; i < u->count; i++) {
      out_puts(o, ",[");
      json_lower_name(o, u->fields[i].name, u->fields[i].name_len);
      out_putc(o, ',');
      json_str(o, u->fields[i].value, u->fields[i].value_len);
      out_putc(o, ']');
    }
    out_putc(o, ']');
    if (u->has_settings) {
      out_puts(o, ",\"http2_settings\":[");
      for (size_t i = 0; i < u->nsettings; i++) {
        out_puts(o, i ? ",{\"id\":" : "{\"id\":");
        out_u64(o, u->settings[i].id);
        json_key(o, "name", 0);
        const char *name = h2_settings_name(u->settings[i].id);
        json_cstr(o, name ? name : "UNKNOWN");
        json_key(o, "value", 0);
        out_u64(o, u->settings[i].value);
        out_putc(o, '}');
      }
      out_putc(o, ']');
    }
    json_meta_end(o, m);
    return;
  }
  event_text_line(o, po, m, "upgrade", message);
  /* The request as stream 1's header list, values cut at 400 bytes. */
  out_puts(o, "    stream 1 (the upgraded HTTP/1.1 request, RFC 7540 §3.2)\n    :method: ");
  out_puts(o, u->method);
  out_puts(o, "\n    :path: ");
  out_puts(o, u->target);
  out_putc(o, '\n');
  for (size_t i = 0; i < u->count; i++) {
    out_puts(o, "    ");
    out_write(o, u->fields[i].name, u->fields[i].name_len);
    out_puts(o, ": ");
    out_write(o, u->fields[i].value, u->fields[i].value_len < 400 ? u->fields[i].value_len : 400);
    out_putc(o, '\n');
  }
}
