/* event_print.c — text and JSON rendering of connection-level events and
 * of the Upgrade request that became stream 1 (frame_print.h). */
#include <string.h>

#include "frame_meta_print.h"
#include "frame_print.h"
#include "json_write.h"
#include "upgrade_request.h"

#define C_RESET "\x1b[0m"
#define C_ERR "\x1b[1;31m"

/* An event's JSON object up to its extra keys: the caller closes it. */
static void event_json_open(out_buf *o, const print_options *po, const frame_meta *m,
                            const char *event, uint64_t offset, const char *message) {
  json_meta(o, po, m);
  json_key(o, "event", 0);
  json_cstr(o, event);
  out_puts(o, ",\"offset\":");
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

void event_print(out_buf *o, const print_options *po, const frame_meta *m, const char *event,
                 uint64_t offset, const char *message, const char *extra_json) {
  if (po->json) {
    event_json_open(o, po, m, event, offset, message);
    if (extra_json) out_puts(o, extra_json);
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
        out_puts(o, ",\"name\":");
        const char *name = h2_settings_name(u->settings[i].id);
        json_cstr(o, name ? name : "UNKNOWN");
        out_puts(o, ",\"value\":");
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
