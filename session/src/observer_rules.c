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
  /* The session's more specific reasons (the `detail` of its error events,
   * its GOAWAY debug data), space-separated, which report under this id.
   * read's notes use the id itself. */
  const char *aliases;
  uint8_t kind;  /* enum h2_observer_rule_kind (0: a rule) */
  uint32_t code; /* the RFC 9113 §7 error code a receiver sends for it (or NO_ERROR) */
} rule_entry;

#define P H2_RULE_PATTERN
#define C H2_RULE_COUNTING_PATTERN
#define K H2_RULE_CHECK

static const rule_entry rules[] = {
    /* Abusive patterns (names fixed by issue #9). */
    {"rapid-reset", E, "CVE-2023-44487 (HTTP/2 Rapid Reset)",
     "a client opens streams and resets them before any response, faster than the threshold", NULL,
     P, H2_ENHANCE_YOUR_CALM},
    {"continuation-flood", E, "VU#421644 / CVE-2024-27316 (CONTINUATION flood)",
     "a field block split into more CONTINUATION frames than the threshold", NULL, C,
     H2_ENHANCE_YOUR_CALM},
    {"settings-flood", E, "CVE-2019-9515 (Settings Flood)",
     "more SETTINGS frames from one endpoint than the threshold", "settings-ack-backlog", C,
     H2_ENHANCE_YOUR_CALM},
    {"ping-flood", E, "CVE-2019-9512 (Ping Flood)",
     "more PING frames from one endpoint than the threshold", "ping-ack-backlog", C,
     H2_ENHANCE_YOUR_CALM},
    {"empty-frames-flood", E, "CVE-2019-9518 (Empty Frames Flood)",
     "more frames that carry nothing (empty DATA, HEADERS or CONTINUATION) than the threshold",
     NULL, C, H2_ENHANCE_YOUR_CALM},
    {"hpack-bomb", E, "CVE-2016-6581 / CVE-2016-1544 (HPACK Bomb)",
     "a header block that decodes to far more octets than it occupies on the wire", NULL, C,
     H2_ENHANCE_YOUR_CALM},
    {"data-dribble", E, "CVE-2019-9511 (Data Dribble)",
     "a receiver opening its window in tiny increments, forcing tiny DATA frames, or holding it "
     "at 0 while the sender has DATA pending (zero-window stall)",
     NULL, C, H2_ENHANCE_YOUR_CALM},
    {"reset-flood", E, "CVE-2019-9514 (Reset Flood)",
     "more RST_STREAM frames from one endpoint than the threshold", NULL, C, H2_ENHANCE_YOUR_CALM},
    {"resource-loop", E, "CVE-2019-9513 (Resource Loop)",
     "more PRIORITY and PRIORITY_UPDATE frames than the threshold (priority churn)",
     "priority-flood", C, H2_ENHANCE_YOUR_CALM},
    {"excessive-streams", E, "RFC 9113 §5.1.2",
     "more concurrent streams than SETTINGS_MAX_CONCURRENT_STREAMS (or the threshold)",
     "too-many-streams", P, H2_REFUSED_STREAM},
    {"made-you-reset", E, "CVE-2025-8671 (MadeYouReset)",
     "a client provoking the server into resetting streams with stream errors", NULL, P,
     H2_ENHANCE_YOUR_CALM},
    {"window-update-flood", E, "RFC 9113 §10.5 (WINDOW_UPDATE flood)",
     "more WINDOW_UPDATE frames from one endpoint than the DATA it received and the streams it "
     "opened explain",
     NULL, C, H2_ENHANCE_YOUR_CALM},
    {"zero-length-headers", E, "CVE-2019-9516 (0-Length Headers Leak)",
     "a field block full of fields with an empty name or value", NULL, C, H2_ENHANCE_YOUR_CALM},
    {"internal-data-buffering", E, "CVE-2019-9517 (Internal Data Buffering)",
     "a receiver holding the windows of many streams at 0 while the sender has their DATA "
     "pending, for long: the sender buffers it all",
     NULL, P, H2_ENHANCE_YOUR_CALM},
    /* Stream states (rule ids of h2/stream_state.h). */
    {"data-on-idle", E, "RFC 9113 §5.1", "DATA on a stream that was never opened", NULL, K,
     H2_PROTOCOL_ERROR},
    {"rst-on-idle", E, "RFC 9113 §5.1", "RST_STREAM on a stream that was never opened", NULL, K,
     H2_PROTOCOL_ERROR},
    {"window-update-on-idle", E, "RFC 9113 §5.1", "WINDOW_UPDATE on a stream that was never opened",
     NULL, K, H2_PROTOCOL_ERROR},
    {"headers-on-reserved-local", E, "RFC 9113 §5.1",
     "HEADERS from the client on a stream the server reserved", NULL, K, H2_PROTOCOL_ERROR},
    {"data-on-reserved", E, "RFC 9113 §5.1", "DATA on a reserved stream", NULL, K,
     H2_PROTOCOL_ERROR},
    {"window-update-on-reserved", E, "RFC 9113 §5.1",
     "WINDOW_UPDATE from the server on a stream it reserved", NULL, K, H2_PROTOCOL_ERROR},
    {"push-promise-reused-id", E, "RFC 9113 §5.1", "PUSH_PROMISE promising a stream in use", NULL,
     K, H2_PROTOCOL_ERROR},
    {"headers-on-half-closed-remote", E, "RFC 9113 §5.1",
     "HEADERS after the sender ended the stream (END_STREAM)", NULL, K, H2_PROTOCOL_ERROR},
    {"data-on-half-closed-remote", E, "RFC 9113 §5.1",
     "DATA after the sender ended the stream (END_STREAM)", NULL, K, H2_STREAM_CLOSED},
    {"headers-on-closed", E, "RFC 9113 §5.1", "HEADERS on a closed stream", NULL, K,
     H2_STREAM_CLOSED},
    {"data-on-closed", E, "RFC 9113 §5.1", "DATA on a closed stream", NULL, K, H2_STREAM_CLOSED},
    /* Stream ids, GOAWAY, push. */
    {"stream-id-parity", E, "RFC 9113 §5.1.1",
     "a stream opened with the other endpoint's parity (or by a server with HEADERS)",
     "bad-stream-id", K, H2_PROTOCOL_ERROR},
    {"stream-id-order", E, "RFC 9113 §5.1.1",
     "a new stream id not greater than all the endpoint opened before", "stream-id-not-increasing",
     K, H2_PROTOCOL_ERROR},
    {"stream-after-goaway", W, "RFC 9113 §6.8", "a stream opened after the peer sent GOAWAY", NULL,
     K, H2_NO_ERROR},
    {"goaway-last-stream-increased", E, "RFC 9113 §6.8",
     "a GOAWAY with a larger last stream id than an earlier one", NULL, K, H2_PROTOCOL_ERROR},
    {"push-on-closed-stream", E, "RFC 9113 §6.6",
     "PUSH_PROMISE on a stream not open or half-closed (remote) for the server",
     "push-on-bad-stream", K, H2_PROTOCOL_ERROR},
    {"push-disabled", E, "RFC 9113 §8.4",
     "PUSH_PROMISE after the client acknowledged SETTINGS_ENABLE_PUSH = 0", NULL, K,
     H2_PROTOCOL_ERROR},
    /* Flow control, settings, sizes. */
    {"flow-control-overrun", E, "RFC 9113 §6.9.1",
     "DATA beyond the flow-control window the receiver granted",
     "connection-window-exceeded stream-window-exceeded", K, H2_FLOW_CONTROL_ERROR},
    {"window-overflow", E, "RFC 9113 §6.9.1", "a flow-control window above 2^31-1",
     "initial-window-overflow", K, H2_FLOW_CONTROL_ERROR},
    {"settings-ack-missing", W, "RFC 9113 §6.5.3",
     "SETTINGS never acknowledged although the peer kept sending", NULL, K, H2_SETTINGS_TIMEOUT},
    {"settings-ack-unexpected", E, "RFC 9113 §6.5.3",
     "a SETTINGS ACK without SETTINGS to acknowledge", NULL, K, H2_PROTOCOL_ERROR},
    {"frame-too-large", E, "RFC 9113 §4.2",
     "a frame larger than the receiver's SETTINGS_MAX_FRAME_SIZE", NULL, K, H2_FRAME_SIZE_ERROR},
    {"header-list-too-large", W, "RFC 9113 §6.5.2",
     "a header list larger than the receiver's SETTINGS_MAX_HEADER_LIST_SIZE", NULL, K,
     H2_PROTOCOL_ERROR},
    {"content-length-mismatch", E, "RFC 9113 §8.1.1",
     "DATA payload length different from the content-length header", "bad-content-length", K,
     H2_PROTOCOL_ERROR},
    /* Frame and field-block level (reported by `read --lint` from the decoder). */
    {"continuation-interleaved", E, "RFC 9113 §6.10",
     "a field block interrupted by another frame, or CONTINUATION without a block", NULL, K,
     H2_PROTOCOL_ERROR},
    {"hpack-error", E, "RFC 7541", "a header block that cannot be decoded (COMPRESSION_ERROR)",
     NULL, K, H2_COMPRESSION_ERROR},
    {"pseudo-header-invalid", E, "RFC 9113 §8.3",
     "pseudo-header fields missing, unknown, repeated, misplaced or in trailers",
     "pseudo-header-after-regular pseudo-header-in-trailers unknown-pseudo-header bad-status "
     "duplicate-pseudo-header missing-pseudo-header bad-connect-request "
     "empty-path",
     K, H2_PROTOCOL_ERROR},
    {"connection-specific-field", E, "RFC 9113 §8.2.2",
     "connection-specific header field (connection, keep-alive, upgrade, te other than trailers)",
     "te-not-trailers", K, H2_PROTOCOL_ERROR},
    {"field-invalid", E, "RFC 9113 §8.2.1",
     "field name with uppercase letters or value with CR, LF or NUL",
     "bad-field-name bad-field-value field-unknown", K, H2_PROTOCOL_ERROR},
    {"frame-invalid", E, "RFC 9113 §4-§6", "a frame that breaks its type's format rules", NULL, K,
     H2_PROTOCOL_ERROR},
    {"findings-discarded", H2_FINDING_INFO, "h2scope",
     "findings after packets missing from the capture, left out (the loss may explain them)", NULL,
     K, H2_NO_ERROR},
    {"findings-suppressed", H2_FINDING_INFO, "h2scope",
     "more findings of one id on a connection than are shown (all are counted; attack patterns "
     "are always shown)",
     NULL, K, H2_NO_ERROR},
    /* Extensions: SETTINGS of RFC 8441 and RFC 9218 (the observer), extension frames,
     * extended CONNECT and WebSocket (the decoder's notes). */
    {"priorities-setting-changed", E, "RFC 9218 §2.1",
     "SETTINGS_NO_RFC7540_PRIORITIES changed after the first SETTINGS frame", NULL, K,
     H2_PROTOCOL_ERROR},
    {"connect-protocol-withdrawn", E, "RFC 8441 §3",
     "SETTINGS_ENABLE_CONNECT_PROTOCOL sent as 0 after it was 1", NULL, K, H2_PROTOCOL_ERROR},
    {"altsvc-invalid", W, "RFC 7838 §4",
     "an ALTSVC frame the receiver must ignore (origin on a stream, none on stream 0, "
     "malformed)",
     NULL, K, H2_NO_ERROR},
    {"origin-invalid", W, "RFC 8336 §2.1",
     "an ORIGIN frame the receiver must ignore (not on stream 0, malformed entry)", NULL, K,
     H2_NO_ERROR},
    {"priority-update-invalid", E, "RFC 9218 §7.1",
     "a PRIORITY_UPDATE frame not on stream 0, for stream 0, too short or from a server", NULL, K,
     H2_PROTOCOL_ERROR},
    {"priority-field-invalid", W, "RFC 9218 §4",
     "a priority field value that is not a Structured Field Dictionary, or a u or i member "
     "the receiver must ignore",
     NULL, K, H2_NO_ERROR},
    {"extended-connect-invalid", E, "RFC 8441 §4",
     "a :protocol request the server did not enable, or one that is not CONNECT or lacks "
     ":scheme and :path",
     "protocol-without-connect extended-connect-without-path", K, H2_PROTOCOL_ERROR},
    {"websocket-frame-invalid", E, "RFC 6455 §5",
     "a WebSocket frame on an extended CONNECT stream that breaks RFC 6455 (mask, opcode, "
     "length, control frame, close code)",
     NULL, K, H2_PROTOCOL_ERROR},
    /* Rules the session enforces (their detail is the id) and read notes. */
    {"preface-invalid", E, "RFC 9113 §3.4",
     "a connection preface that is not the client magic followed by SETTINGS",
     "bad-preface preface-not-settings", K, H2_PROTOCOL_ERROR},
    {"data-before-headers", E, "RFC 9113 §8.1",
     "DATA on a stream before the HEADERS of its message", NULL, K, H2_PROTOCOL_ERROR},
    {"trailers-without-end-stream", E, "RFC 9113 §8.1",
     "a trailer section on a HEADERS frame without END_STREAM", NULL, K, H2_PROTOCOL_ERROR},
    {"informational-with-end-stream", E, "RFC 9113 §8.1",
     "an informational (1xx) response on a HEADERS frame with END_STREAM", NULL, K,
     H2_PROTOCOL_ERROR},
};

_Static_assert(sizeof rules / sizeof *rules <= H2_OBSERVER_RULE_MAX,
               "H2_OBSERVER_RULE_MAX is smaller than the catalogue");

bool h2_observer_rule_at(size_t i, const char **id, uint8_t *severity, const char **section,
                         const char **description) {
  if (i >= sizeof rules / sizeof *rules) return false;
  if (id) *id = rules[i].id;
  if (severity) *severity = rules[i].severity;
  if (section) *section = rules[i].section;
  if (description) *description = rules[i].description;
  return true;
}

int h2_observer_rule_index(const char *id) {
  for (size_t i = 0; id && i < sizeof rules / sizeof *rules; i++)
    if (!strcmp(rules[i].id, id)) return (int)i;
  return -1;
}

uint32_t h2_observer_rule_code(size_t i) {
  return i < sizeof rules / sizeof *rules ? rules[i].code : H2_NO_ERROR;
}

uint8_t h2_observer_rule_kind(size_t i) {
  return i < sizeof rules / sizeof *rules ? rules[i].kind : H2_RULE_CHECK;
}

/* True when name is one of the space-separated words of aliases. */
static bool alias_of(const char *aliases, const char *name) {
  size_t n = strlen(name);
  for (const char *p = aliases; p && *p;) {
    const char *space = strchr(p, ' ');
    size_t len = space ? (size_t)(space - p) : strlen(p);
    if (len == n && !memcmp(p, name, n)) return true;
    p = space ? space + 1 : NULL;
  }
  return false;
}

const char *h2_observer_rule_id(const char *name) {
  if (!name || !*name) return NULL;
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
    if (!strcmp(rules[i].id, name) || alias_of(rules[i].aliases, name)) return rules[i].id;
  return NULL;
}

const char *h2_observer_rule_for_status(h2_status status) {
  switch (status) {
  case H2_OK:
  case H2_NEED_MORE:
  case H2_E_BUFFER_TOO_SMALL:
  case H2_E_INVALID_ARGUMENT:
  case H2_E_NO_MEMORY:
  case H2_E_BAD_PREFACE:
    return NULL; /* not a frame a peer got wrong */
  case H2_E_FRAME_TOO_LARGE:
    return h2_observer_rule_id("frame-too-large");
  case H2_E_CONTINUATION_EXPECTED:
  case H2_E_CONTINUATION_UNEXPECTED:
    return h2_observer_rule_id("continuation-interleaved");
  case H2_E_FIELD_BLOCK_TOO_LARGE:
  case H2_E_HPACK_HEADER_LIST_TOO_LARGE:
    return h2_observer_rule_id("header-list-too-large");
  case H2_E_HPACK_TRUNCATED:
  case H2_E_HPACK_INTEGER_OVERFLOW:
  case H2_E_HPACK_HUFFMAN:
  case H2_E_HPACK_INDEX_ZERO:
  case H2_E_HPACK_INDEX_RANGE:
  case H2_E_HPACK_SIZE_UPDATE_TOO_LARGE:
  case H2_E_HPACK_SIZE_UPDATE_POSITION:
  case H2_E_HPACK_SIZE_UPDATE_MISSING:
  case H2_E_HPACK_STRING_TOO_LONG:
    return h2_observer_rule_id("hpack-error");
  default:
    return h2_observer_rule_id("frame-invalid");
  }
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
    L("stall-ms", stall_ms, 30000,
      "ms a receiver may hold a window at 0 while the sender has DATA pending (zero-window "
      "stall, reported as data-dribble)"),
    L("resource-loop", resource_loop, 200,
      "PRIORITY and PRIORITY_UPDATE frames from one endpoint, per window"),
    L("excessive-streams", excessive_streams, 1000,
      "concurrent streams when the peer announced no limit"),
    L("window-update-flood", window_update_flood, 1000,
      "WINDOW_UPDATE frames from one endpoint, per window, beyond two per DATA frame it received "
      "and one per stream it opened"),
    L("zero-length-headers", zero_length_headers, 100,
      "fields with an empty name or value in one field block"),
    L("internal-data-buffering", data_buffering, 100,
      "streams with DATA pending behind a window at 0 at the same time, held for buffering-ms"),
    L("buffering-ms", buffering_ms, 30000,
      "ms those streams must stay blocked, in capture time (internal-data-buffering)"),
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
