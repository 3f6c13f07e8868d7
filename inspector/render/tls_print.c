/* tls_print.c — TLS facts (tls_conn_info) as text and as JSON members. */
#include "tls_print.h"

#include <stdbool.h>
#include <stdio.h>

#include "tls_conn_info.h"

/* Keys that opened the handshake but no application data after it (an unused
 * preconnect) still decrypted the connection: there was just nothing more. */
static bool tls_opened(const tls_conn_info *info) {
  return info->decrypted || info->records_opened;
}

void tls_info_text(const tls_conn_info *info, char *text, size_t cap) {
  if (!cap) return;
  const char *version = info->version ? info->version_name : "TLS";
  const char *suite = info->cipher_suite ? info->suite_name : "";
  bool opened = tls_opened(info);
  const char *state = info->decrypted ? "decrypted"
                      : opened        ? "decrypted, no application data"
                                      : "not decrypted";
  char early[48] = "";
  if (info->early_data > 0)
    snprintf(early, sizeof early, ", 0-RTT %llu bytes", (unsigned long long)info->early_bytes);
  else if (info->early_data < 0)
    snprintf(early, sizeof early, ", 0-RTT rejected");
  snprintf(text, cap, "%s%s%s%s%s %s%s%s%s", version, suite[0] ? " " : "", suite,
           info->alpn[0] ? " alpn=" : "", info->alpn, state, early,
           info->problem ? (opened ? " with problems: " : ": ") : "",
           info->problem ? info->problem : "");
}

/* A JSON string of wire text: printable ASCII, anything else (and '"',
 * '\\') as '?'. */
static void json_safe_str(out_buf *o, const char *s) {
  out_putc(o, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    out_putc(o, (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) ? '?' : (char)c);
  }
  out_putc(o, '"');
}

static void json_quoted(out_buf *o, const char *s) {
  out_putc(o, '"');
  out_puts(o, s);
  out_putc(o, '"');
}

void tls_info_json(out_buf *o, const tls_conn_info *info) {
  out_puts(o, ",\"tls\":{\"version\":");
  json_quoted(o, info->version ? info->version_name : "unknown");
  out_puts(o, ",\"suite\":");
  json_quoted(o, info->cipher_suite ? info->suite_name : "unknown");
  out_puts(o, ",\"alpn\":");
  json_safe_str(o, info->alpn);
  out_puts(o, ",\"sni\":");
  json_safe_str(o, info->server_name);
  out_puts(o, tls_opened(info) ? ",\"decrypted\":true" : ",\"decrypted\":false");
  out_puts(o, ",\"problem\":");
  if (info->problem)
    json_quoted(o, info->problem);
  else
    out_puts(o, "null");
  out_puts(o, ",\"app_data_bytes\":[");
  out_u64(o, info->app_bytes[0]);
  out_putc(o, ',');
  out_u64(o, info->app_bytes[1]);
  out_puts(o, "],\"early_data\":");
  json_quoted(o, info->early_data > 0 ? "accepted" : info->early_data < 0 ? "rejected" : "none");
  out_putc(o, '}');
}
