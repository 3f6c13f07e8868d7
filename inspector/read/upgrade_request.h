/* upgrade_request.h — the HTTP/1.1 request of an accepted Upgrade: h2c as
 * read hands it up with the "upgrade" event (read_sink.on_upgrade), plain
 * data for whoever renders it. */
#ifndef H2SCOPE_UPGRADE_REQUEST_H
#define H2SCOPE_UPGRADE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/hpack.h"

/* One setting of an HTTP2-Settings header (RFC 7540 §3.2.1). */
typedef struct h2_upgrade_setting {
  uint16_t id;
  uint32_t value;
} h2_upgrade_setting;

/* The HTTP/1.1 request of an accepted Upgrade: h2c (RFC 7540 §3.2: it becomes
 * stream 1, half-closed from the client), as data for the "upgrade" event:
 * the request line, the header fields as sent (names in their own case),
 * and the settings of its HTTP2-Settings header (has_settings false when it
 * had none, or one that is not base64url). */
typedef struct h2_upgrade_request {
  const char *method, *target;
  const h2_header *fields;
  size_t count;
  const h2_upgrade_setting *settings;
  size_t nsettings;
  bool has_settings;
} h2_upgrade_request;

#endif
