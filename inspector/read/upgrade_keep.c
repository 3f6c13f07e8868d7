/* upgrade_keep.c — the HTTP/1.1 request of an Upgrade: h2c kept as data
 * (upgrade_keep.h). */
#include "upgrade_keep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/cursor.h"

upgrade_request *upgrade_keep_new(void) {
  return calloc(1, sizeof(upgrade_request));
}

void upgrade_keep(upgrade_request *u, const http1_head *h) {
  snprintf(u->method, sizeof u->method, "%s", h->method);
  snprintf(u->target, sizeof u->target, "%s", h->target);
  /* The fields as sent (what fits: a head is at most 64 KiB, h2_conn.c HOLD_LIMIT). */
  size_t nsent = 0, used = 0;
  for (unsigned i = 0; i < h->field_count && nsent < sizeof u->sent / sizeof *u->sent; i++) {
    size_t nl = h->fields[i].name_len, vl = h->fields[i].value_len;
    if (used + nl + vl > sizeof u->sent_bytes) break;
    char *dst = u->sent_bytes + used;
    memcpy(dst, h->fields[i].name, nl);
    memcpy(dst + nl, h->fields[i].value, vl);
    u->sent[nsent++] = (h2_header){.name = dst, .name_len = nl, .value = dst + nl, .value_len = vl};
    used += nl + vl;
  }
  /* HTTP2-Settings: a SETTINGS payload in base64url (RFC 7540 §3.2.1). */
  uint8_t settings[6 * 32];
  long sn = h->has_http2_settings ? base64url_decode(h->http2_settings, strlen(h->http2_settings),
                                                     settings, sizeof settings)
                                  : -1;
  size_t nset = 0;
  h2_cursor cur = h2_cursor_make(settings, sn > 0 ? (size_t)sn : 0);
  uint16_t id;
  uint32_t v;
  while (nset < sizeof u->settings / sizeof *u->settings && h2_cursor_get_u16(&cur, &id) &&
         h2_cursor_get_u32(&cur, &v))
    u->settings[nset++] = (h2_upgrade_setting){.id = id, .value = v};
  u->req = (h2_upgrade_request){.method = u->method,
                                .target = u->target,
                                .fields = u->sent,
                                .count = nsent,
                                .settings = u->settings,
                                .nsettings = nset,
                                .has_settings = sn >= 0};
  /* The same list, copied (names lowercased) for the sink. */
  u->count = 0;
  used = 0;
  const char *pairs[3][2] = {{":method", h->method}, {":path", h->target}, {":scheme", "http"}};
  for (unsigned i = 0; i < 3 + h->field_count; i++) {
    const char *nm = i < 3 ? pairs[i][0] : h->fields[i - 3].name;
    size_t nl = i < 3 ? strlen(nm) : h->fields[i - 3].name_len;
    const char *vv = i < 3 ? pairs[i][1] : h->fields[i - 3].value;
    size_t vl = i < 3 ? strlen(vv) : h->fields[i - 3].value_len;
    if (u->count == sizeof u->fields / sizeof *u->fields || used + nl + vl > sizeof u->bytes) break;
    char *dst = u->bytes + used;
    for (size_t k = 0; k < nl; k++)
      dst[k] = (char)(nm[k] >= 'A' && nm[k] <= 'Z' ? nm[k] + 32 : nm[k]);
    memcpy(dst + nl, vv, vl);
    u->fields[u->count++] =
        (h2_header){.name = dst, .name_len = nl, .value = dst + nl, .value_len = vl};
    used += nl + vl;
  }
}
