/* connection_fields.h — the one statement of RFC 9113 §8.2.2: the HTTP/1.1
 * connection-specific header fields that HTTP/2 forbids, and the one
 * exception (te: trailers). The session (received header sections), read
 * (captured header lists) and replay (HTTP/1.1 Upgrade requests converted to
 * HTTP/2) all ask here. Header-only, so the session's ABI is unchanged. */
#ifndef H2_CONNECTION_FIELDS_H
#define H2_CONNECTION_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* True when the lowercase field name (len octets, not NUL-terminated) is
 * connection-specific: connection, keep-alive, proxy-connection,
 * transfer-encoding or upgrade (§8.2.2). te is judged by its value
 * (h2_field_te_forbidden). */
static inline bool h2_field_connection_specific(const char *name, size_t len) {
  switch (len) {
  case 7:
    return !memcmp(name, "upgrade", 7);
  case 10:
    return !memcmp(name, "connection", 10) || !memcmp(name, "keep-alive", 10);
  case 16:
    return !memcmp(name, "proxy-connection", 16);
  case 17:
    return !memcmp(name, "transfer-encoding", 17);
  default:
    return false;
  }
}

/* True for a te field with any value other than "trailers" (§8.2.2). */
static inline bool h2_field_te_forbidden(const char *name, size_t len, const char *value,
                                         size_t value_len) {
  return len == 2 && !memcmp(name, "te", 2) && !(value_len == 8 && !memcmp(value, "trailers", 8));
}

#endif
