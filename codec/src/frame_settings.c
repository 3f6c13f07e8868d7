/* frame_settings.c — SETTINGS entries: reading entry i of a decoded frame,
 * packing entries for encoding, and the bounds each defined value must keep
 * (RFC 9113 §6.5.1 layout, §6.5.2 values, RFC 8441 §3, RFC 9218 §2.1). */
#include "frame_rules.h"

#include "h2/cursor.h"
#include "h2/frame.h"

#define SETTING_ENTRY_LEN 6 /* §6.5.1: Identifier (16) + Value (32) */

h2_setting h2_settings_at(const h2_frame *f, uint32_t i) {
  h2_setting s = {0, 0};
  if (!f || !f->u.settings.raw || i >= f->u.settings.count) return s;
  h2_cursor c =
      h2_cursor_make(f->u.settings.raw + (size_t)i * SETTING_ENTRY_LEN, SETTING_ENTRY_LEN);
  (void)h2_cursor_get_u16(&c, &s.id);
  (void)h2_cursor_get_u32(&c, &s.value);
  return s;
}

size_t h2_settings_pack(const h2_setting *s, size_t n, uint8_t *buf, size_t cap) {
  if (n > cap / SETTING_ENTRY_LEN || (n && (!s || !buf))) return 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t *p = buf + i * SETTING_ENTRY_LEN;
    p[0] = (uint8_t)(s[i].id >> 8);
    p[1] = (uint8_t)s[i].id;
    p[2] = (uint8_t)(s[i].value >> 24);
    p[3] = (uint8_t)(s[i].value >> 16);
    p[4] = (uint8_t)(s[i].value >> 8);
    p[5] = (uint8_t)s[i].value;
  }
  return n * SETTING_ENTRY_LEN;
}

h2_status h2_setting_check(uint16_t id, uint32_t value, uint8_t sender, const char **section) {
  switch (id) {
  case H2_SETTINGS_ENABLE_PUSH:
    /* §6.5.2: "Any value other than 0 or 1 MUST be treated as a connection
     * error of type PROTOCOL_ERROR"; "A client MUST treat receipt of a
     * SETTINGS frame with SETTINGS_ENABLE_PUSH set to 1 as a connection
     * error of type PROTOCOL_ERROR" (i.e. 1 sent by a server). */
    if (value > 1 || (value == 1 && sender == H2_SENDER_SERVER)) {
      *section = "RFC 9113 §6.5.2";
      return H2_E_SETTINGS_ENABLE_PUSH;
    }
    return H2_OK;
  case H2_SETTINGS_INITIAL_WINDOW_SIZE:
    /* §6.5.2: "Values above the maximum flow-control window size of 2^31-1
     * MUST be treated as a connection error of type FLOW_CONTROL_ERROR". */
    if (value > H2_MAX_WINDOW_SIZE) {
      *section = "RFC 9113 §6.5.2";
      return H2_E_SETTINGS_WINDOW_SIZE;
    }
    return H2_OK;
  case H2_SETTINGS_MAX_FRAME_SIZE:
    /* §6.5.2: between 2^14 and 2^24-1 inclusive, else PROTOCOL_ERROR. */
    if (value < H2_DEFAULT_MAX_FRAME_SIZE || value > H2_MAX_FRAME_SIZE_LIMIT) {
      *section = "RFC 9113 §6.5.2";
      return H2_E_SETTINGS_FRAME_SIZE;
    }
    return H2_OK;
  case H2_SETTINGS_ENABLE_CONNECT_PROTOCOL:
    /* RFC 8441 §3: "The value of the parameter MUST be 0 or 1." */
    if (value > 1) {
      *section = "RFC 8441 §3";
      return H2_E_SETTINGS_BOOLEAN;
    }
    return H2_OK;
  case H2_SETTINGS_NO_RFC7540_PRIORITIES:
    /* RFC 9218 §2.1: "Any value other than 0 or 1 MUST be treated as a
     * connection error of type PROTOCOL_ERROR." */
    if (value > 1) {
      *section = "RFC 9218 §2.1";
      return H2_E_SETTINGS_BOOLEAN;
    }
    return H2_OK;
  default:
    return H2_OK;
  }
}
