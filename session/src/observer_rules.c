/* observer_rules.c — the observer's catalogue as data: every finding id with
 * its default severity, the RFC section or CVE it comes from and a one-line
 * description, and the attack-pattern thresholds with their defaults. */
#include <string.h>

#include "h2/observer.h"

#define E H2_FINDING_ERROR
#define W H2_FINDING_WARNING

typedef struct rule_entry {
  const char *id;
  uint8_t severity;
  const char *section;
  const char *description;
} rule_entry;

static const rule_entry rules[] = {
    /* Abusive patterns (names fixed by issue #9). */
    {"rapid-reset", E, "CVE-2023-44487 (HTTP/2 Rapid Reset)",
     "a client opens streams and resets them before any response, faster than the threshold"},
    {"continuation-flood", E, "VU#421644 / CVE-2024-27316 (CONTINUATION flood)",
     "a field block split into more CONTINUATION frames than the threshold"},
    {"settings-flood", E, "CVE-2019-9515 (Settings Flood)",
     "more SETTINGS frames from one endpoint than the threshold"},
    {"ping-flood", E, "CVE-2019-9512 (Ping Flood)",
     "more PING frames from one endpoint than the threshold"},
    {"empty-frames-flood", E, "CVE-2019-9518 (Empty Frames Flood)",
     "more frames that carry nothing (empty DATA, HEADERS or CONTINUATION) than the threshold"},
    {"hpack-bomb", E, "CVE-2016-6581 / CVE-2016-1544 (HPACK Bomb)",
     "a header block that decodes to far more octets than it occupies on the wire"},
    {"data-dribble", E, "CVE-2019-9511 (Data Dribble)",
     "a receiver opening its window in tiny increments, forcing tiny DATA frames"},
    {"reset-flood", E, "CVE-2019-9514 (Reset Flood)",
     "more RST_STREAM frames from one endpoint than the threshold"},
    {"resource-loop", E, "CVE-2019-9513 (Resource Loop)",
     "more PRIORITY changes than the threshold (priority tree churn)"},
    {"excessive-streams", E, "RFC 9113 §5.1.2",
     "more concurrent streams than SETTINGS_MAX_CONCURRENT_STREAMS (or the threshold)"},
    {"made-you-reset", E, "CVE-2025-8671 (MadeYouReset)",
     "a client provoking the server into resetting streams with stream errors"},
    /* Stream states (rule ids of h2/stream_state.h). */
    {"data-on-idle", E, "RFC 9113 §5.1", "DATA on a stream that was never opened"},
    {"rst-on-idle", E, "RFC 9113 §5.1", "RST_STREAM on a stream that was never opened"},
    {"window-update-on-idle", E, "RFC 9113 §5.1",
     "WINDOW_UPDATE on a stream that was never opened"},
    {"headers-on-reserved-local", E, "RFC 9113 §5.1",
     "HEADERS from the client on a stream the server reserved"},
    {"data-on-reserved", E, "RFC 9113 §5.1", "DATA on a reserved stream"},
    {"window-update-on-reserved", E, "RFC 9113 §5.1",
     "WINDOW_UPDATE from the server on a stream it reserved"},
    {"push-promise-reused-id", E, "RFC 9113 §5.1", "PUSH_PROMISE promising a stream in use"},
    {"headers-on-half-closed-remote", E, "RFC 9113 §5.1",
     "HEADERS after the sender ended the stream (END_STREAM)"},
    {"data-on-half-closed-remote", E, "RFC 9113 §5.1",
     "DATA after the sender ended the stream (END_STREAM)"},
    {"headers-on-closed", E, "RFC 9113 §5.1", "HEADERS on a closed stream"},
    {"data-on-closed", E, "RFC 9113 §5.1", "DATA on a closed stream"},
    /* Stream ids, GOAWAY, push. */
    {"stream-id-parity", E, "RFC 9113 §5.1.1",
     "a stream opened with the other endpoint's parity (or by a server with HEADERS)"},
    {"stream-id-order", E, "RFC 9113 §5.1.1",
     "a new stream id not greater than all the endpoint opened before"},
    {"stream-after-goaway", W, "RFC 9113 §6.8", "a stream opened after the peer sent GOAWAY"},
    {"goaway-last-stream-increased", E, "RFC 9113 §6.8",
     "a GOAWAY with a larger last stream id than an earlier one"},
    {"push-on-closed-stream", E, "RFC 9113 §6.6",
     "PUSH_PROMISE on a stream not open or half-closed (remote) for the server"},
    {"push-disabled", E, "RFC 9113 §8.4",
     "PUSH_PROMISE after the client acknowledged SETTINGS_ENABLE_PUSH = 0"},
    /* Flow control, settings, sizes. */
    {"flow-control-overrun", E, "RFC 9113 §6.9.1",
     "DATA beyond the flow-control window the receiver granted"},
    {"window-overflow", E, "RFC 9113 §6.9.1", "a flow-control window above 2^31-1"},
    {"settings-ack-missing", W, "RFC 9113 §6.5.3",
     "SETTINGS never acknowledged although the peer kept sending"},
    {"settings-ack-unexpected", E, "RFC 9113 §6.5.3",
     "a SETTINGS ACK without SETTINGS to acknowledge"},
    {"frame-too-large", E, "RFC 9113 §4.2",
     "a frame larger than the receiver's SETTINGS_MAX_FRAME_SIZE"},
    {"header-list-too-large", W, "RFC 9113 §6.5.2",
     "a header list larger than the receiver's SETTINGS_MAX_HEADER_LIST_SIZE"},
    {"content-length-mismatch", E, "RFC 9113 §8.1.1",
     "DATA payload length different from the content-length header"},
    /* Frame and field-block level (reported by `read --lint` from the decoder). */
    {"continuation-interleaved", E, "RFC 9113 §6.10",
     "a field block interrupted by another frame, or CONTINUATION without a block"},
    {"hpack-error", E, "RFC 7541", "a header block that cannot be decoded (COMPRESSION_ERROR)"},
    {"pseudo-header-invalid", E, "RFC 9113 §8.3",
     "pseudo-header fields missing, unknown, repeated, misplaced or in trailers"},
    {"connection-specific-field", E, "RFC 9113 §8.2.2",
     "connection-specific header field (connection, keep-alive, upgrade, te other than trailers)"},
    {"field-invalid", E, "RFC 9113 §8.2.1",
     "field name with uppercase letters or value with CR, LF or NUL"},
    {"frame-invalid", E, "RFC 9113 §4-§6", "a frame that breaks its type's format rules"},
    {"findings-discarded", H2_FINDING_INFO, "h2scope",
     "findings after packets missing from the capture, left out (the loss may explain them)"},
    {"findings-suppressed", H2_FINDING_INFO, "h2scope",
     "more findings on a connection than are shown (all are counted)"},
};

bool h2_observer_rule_at(size_t i, const char **id, uint8_t *severity, const char **section,
                         const char **description) {
  if (i >= sizeof rules / sizeof *rules) return false;
  if (id) *id = rules[i].id;
  if (severity) *severity = rules[i].severity;
  if (section) *section = rules[i].section;
  if (description) *description = rules[i].description;
  return true;
}

const char *h2_finding_severity_name(uint8_t severity) {
  switch (severity) {
  case H2_FINDING_ERROR:
    return "error";
  case H2_FINDING_WARNING:
    return "warning";
  default:
    return "info";
  }
}

typedef struct limit_entry {
  const char *name;
  size_t offset;
  uint32_t default_value;
  const char *meaning;
} limit_entry;

#define L(n, f, d, m)                                                                              \
  { n, offsetof(h2_observer_limits, f), d, m }
static const limit_entry limits[] = {
    L("window-ms", window_ms, 10000, "the time window of the rate thresholds, in ms"),
    L("rapid-reset", rapid_reset, 100, "client resets of streams before a response, per window"),
    L("reset-flood", reset_flood, 1000, "RST_STREAM frames from one endpoint, per window"),
    L("made-you-reset", made_you_reset, 100,
      "server resets with PROTOCOL_ERROR/STREAM_CLOSED/FLOW_CONTROL_ERROR/FRAME_SIZE_ERROR, "
      "per window"),
    L("continuation-flood", continuation_flood, 32, "CONTINUATION frames in one field block"),
    L("settings-flood", settings_flood, 100, "SETTINGS frames (not ACK), per window"),
    L("ping-flood", ping_flood, 100, "PING frames (not ACK), per window"),
    L("empty-frames-flood", empty_frames_flood, 100, "frames that carry nothing, per window"),
    L("hpack-bomb", hpack_bomb_ratio, 100, "decoded size / wire size of a header block"),
    L("hpack-bomb-min", hpack_bomb_min, 65536, "smallest decoded list that can be a bomb"),
    L("data-dribble", data_dribble, 100, "tiny WINDOW_UPDATEs from one receiver, per window"),
    L("dribble-increment", dribble_increment, 32, "largest increment that counts as tiny"),
    L("resource-loop", resource_loop, 200, "PRIORITY changes from one endpoint, per window"),
    L("excessive-streams", excessive_streams, 1000,
      "concurrent streams when the peer announced no limit"),
};

void h2_observer_limits_default(h2_observer_limits *l) {
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
    memcpy((char *)l + limits[i].offset, &limits[i].default_value, sizeof(uint32_t));
}

int h2_observer_limit_set(h2_observer_limits *l, const char *name, uint32_t value) {
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
    if (!strcmp(limits[i].name, name)) {
      memcpy((char *)l + limits[i].offset, &value, sizeof value);
      return 0;
    }
  }
  return -1;
}

const char *h2_observer_limit_describe(size_t i, uint32_t *default_value, const char **meaning) {
  if (i >= sizeof limits / sizeof *limits) return NULL;
  if (default_value) *default_value = limits[i].default_value;
  if (meaning) *meaning = limits[i].meaning;
  return limits[i].name;
}
