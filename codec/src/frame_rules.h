/* frame_rules.h — private to the codec: rules shared by the frame decoder
 * (which rejects) and encoder (which refuses to write): the per-value SETTINGS
 * bounds (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1) and the section that
 * defines each frame type. */
#ifndef H2_FRAME_RULES_H
#define H2_FRAME_RULES_H

#include <stdint.h>

#include "h2/error.h"

/* Checks one setting's value. sender is enum h2_sender (H2_SENDER_UNKNOWN
 * skips the role rule on SETTINGS_ENABLE_PUSH). Returns H2_OK or the status;
 * *section (when an error) names the exact rule. Unknown ids are always OK
 * (§6.5.2: "MUST ignore that setting"). */
h2_status h2_setting_check(uint16_t id, uint32_t value, uint8_t sender, const char **section);

/* "RFC 9113 §6.x" of a defined frame type (where its stream-id and layout
 * rules are stated); "RFC 9113 §5.5" for extension types. */
const char *h2_frame_type_section(uint8_t type);

#endif
