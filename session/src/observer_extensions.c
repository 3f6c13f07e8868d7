/* observer_extensions.c — the observer's rules for the settings of the
 * extensions: SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218 §2.1) must not change
 * after a sender's first SETTINGS, SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC
 * 8441 §3) must not go back from 1 to 0. The values themselves (0 or 1) are
 * checked by the frame codec. */
#include "observer_internal.h"

void obs_extension_settings(h2_observer *o, int dir, const h2_frame *f) {
  bool first = !o->first_settings_seen[dir];
  o->first_settings_seen[dir] = true;
  for (uint32_t i = 0; i < f->u.settings.count; i++) {
    h2_setting s = h2_settings_at(f, i);
    if (s.id == H2_SETTINGS_NO_RFC7540_PRIORITIES) {
      /* RFC 9218 §2.1: "Senders MUST NOT change the
       * SETTINGS_NO_RFC7540_PRIORITIES value after the first SETTINGS frame." */
      if (first) {
        o->no_rfc7540_priorities[dir] = s.value;
      } else if (s.value != o->no_rfc7540_priorities[dir] && !o->priorities_reported[dir] &&
                 !o->blind) {
        o->priorities_reported[dir] = true;
        obs_report(o, "priorities-setting-changed", H2_FINDING_ERROR, dir, 0, NULL,
                   "the %s changed SETTINGS_NO_RFC7540_PRIORITIES from %u to %u after its first "
                   "SETTINGS",
                   obs_who(dir), o->no_rfc7540_priorities[dir], s.value);
      }
    } else if (s.id == H2_SETTINGS_ENABLE_CONNECT_PROTOCOL) {
      /* RFC 8441 §3: "A sender MUST NOT send a SETTINGS_ENABLE_CONNECT_PROTOCOL
       * parameter with the value of 0 after previously sending a value of 1." */
      if (s.value == 1) {
        o->connect_protocol[dir] = true;
      } else if (s.value == 0 && o->connect_protocol[dir] && !o->connect_withdrawn_reported[dir]) {
        o->connect_withdrawn_reported[dir] = true;
        obs_report(o, "connect-protocol-withdrawn", H2_FINDING_ERROR, dir, 0, NULL,
                   "the %s sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 0 after sending 1",
                   obs_who(dir));
      }
    }
  }
}
