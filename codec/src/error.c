/* error.c — the status table: for every h2_status its stable name, its words,
 * the RFC 9113 §7 error code a receiver sends, the scope (§5.4.1 connection or
 * §5.4.2 stream error) and the RFC section of the rule. Decoders start from
 * these defaults (h2_error_set) and refine code/scope/section when the rule
 * depends on context (frame type, stream id). */
#include "h2/error.h"

typedef struct h2_status_entry {
  const char *name;
  const char *words;
  uint32_t code;
  uint8_t scope;
  const char *section;
} h2_status_entry;

#define CONN H2_SCOPE_CONNECTION
#define STRM H2_SCOPE_STREAM
#define NONE H2_SCOPE_NONE

/* Indexed by h2_status (designated initializers keep the table honest when the
 * enum grows; test_error.c checks every entry is filled). */
static const h2_status_entry status_table[H2_STATUS_COUNT] = {
    [H2_OK] = {"ok", "no error", H2_NO_ERROR, NONE, "h2scope API"},
    /* §4.1: the 24-bit length of the header says how many bytes a frame needs. */
    [H2_NEED_MORE] = {"need-more", "input incomplete: more bytes needed", H2_NO_ERROR, NONE,
                      "RFC 9113 §4.1"},
    [H2_E_BUFFER_TOO_SMALL] = {"buffer-too-small", "output buffer too small", H2_INTERNAL_ERROR,
                               NONE, "h2scope API"},
    [H2_E_INVALID_ARGUMENT] = {"invalid-argument", "refusing to encode what the RFC forbids",
                               H2_INTERNAL_ERROR, NONE, "h2scope API"},
    [H2_E_NO_MEMORY] = {"no-memory", "allocation failed", H2_INTERNAL_ERROR, NONE, "h2scope API"},

    /* §3.4: "MUST treat an invalid connection preface as a connection error
     * of type PROTOCOL_ERROR". */
    [H2_E_BAD_PREFACE] = {"bad-preface", "invalid client connection preface", H2_PROTOCOL_ERROR,
                          CONN, "RFC 9113 §3.4"},

    /* §4.2: a frame size error in a frame that can alter connection state is
     * a connection error; the decoder lowers it to a stream error otherwise. */
    [H2_E_FRAME_TOO_LARGE] = {"frame-too-large", "frame larger than SETTINGS_MAX_FRAME_SIZE",
                              H2_FRAME_SIZE_ERROR, CONN, "RFC 9113 §4.2"},
    [H2_E_FRAME_TOO_SHORT] = {"frame-too-short", "frame too short for its mandatory fields",
                              H2_FRAME_SIZE_ERROR, CONN, "RFC 9113 §4.2"},
    /* Per type: PRIORITY is a stream error (§6.3), RST_STREAM (§6.4), PING
     * (§6.7) and WINDOW_UPDATE (§6.9) connection errors. */
    [H2_E_BAD_FIXED_LENGTH] = {"bad-fixed-length", "frame length differs from the fixed size",
                               H2_FRAME_SIZE_ERROR, CONN, "RFC 9113 §4.2"},
    /* §6.1 §6.2 §6.3 §6.4 §6.6 §6.10: "MUST respond with a connection error
     * of type PROTOCOL_ERROR" when the stream identifier is 0. */
    [H2_E_STREAM_ID_REQUIRED] = {"stream-id-required", "frame type requires a non-zero stream id",
                                 H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6"},
    /* §6.5 §6.7 §6.8: these frames apply to the connection only. */
    [H2_E_STREAM_ID_FORBIDDEN] = {"stream-id-forbidden", "frame type requires stream id 0",
                                  H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6"},
    /* §6.1: padding >= payload "MUST treat this as a connection error of type
     * PROTOCOL_ERROR" (same wording in §6.2 and §6.6). */
    [H2_E_PADDING_TOO_LONG] = {"padding-too-long", "padding longer than the frame payload",
                               H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6.1"},
    /* RFC 9113 §5.3.2 keeps the RFC 7540 priority fields and points to RFC
     * 7540 §5.3 for their rules; RFC 7540 §5.3.1: "A stream cannot depend on
     * itself. An endpoint MUST treat this as a stream error of type
     * PROTOCOL_ERROR." */
    [H2_E_SELF_DEPENDENCY] = {"self-dependency", "stream depends on itself", H2_PROTOCOL_ERROR,
                              STRM, "RFC 7540 §5.3.1"},
    /* §6.5: ACK with a payload and length % 6 != 0 are FRAME_SIZE_ERROR
     * connection errors. */
    [H2_E_SETTINGS_ACK_LENGTH] = {"settings-ack-length", "SETTINGS ACK with a non-empty payload",
                                  H2_FRAME_SIZE_ERROR, CONN, "RFC 9113 §6.5"},
    [H2_E_SETTINGS_LENGTH] = {"settings-length", "SETTINGS length not a multiple of 6",
                              H2_FRAME_SIZE_ERROR, CONN, "RFC 9113 §6.5"},
    [H2_E_SETTINGS_ENABLE_PUSH] = {"settings-enable-push",
                                   "SETTINGS_ENABLE_PUSH other than 0 or 1, or 1 from a server",
                                   H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6.5.2"},
    [H2_E_SETTINGS_WINDOW_SIZE] = {"settings-window-size",
                                   "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1",
                                   H2_FLOW_CONTROL_ERROR, CONN, "RFC 9113 §6.5.2"},
    [H2_E_SETTINGS_FRAME_SIZE] = {"settings-frame-size",
                                  "SETTINGS_MAX_FRAME_SIZE outside 2^14..2^24-1", H2_PROTOCOL_ERROR,
                                  CONN, "RFC 9113 §6.5.2"},
    /* RFC 8441 §3 / RFC 9218 §2.1: values other than 0 or 1 are a
     * PROTOCOL_ERROR connection error (the decoder names the RFC per id). */
    [H2_E_SETTINGS_BOOLEAN] = {"settings-boolean", "boolean setting other than 0 or 1",
                               H2_PROTOCOL_ERROR, CONN, "RFC 8441 §3"},
    /* §6.9: stream error on a stream, connection error on stream 0. */
    [H2_E_WINDOW_UPDATE_ZERO] = {"window-update-zero", "WINDOW_UPDATE with an increment of 0",
                                 H2_PROTOCOL_ERROR, STRM, "RFC 9113 §6.9"},
    /* §8.4: "servers MUST treat the receipt of a PUSH_PROMISE frame as a
     * connection error of type PROTOCOL_ERROR". */
    [H2_E_PUSH_PROMISE_FROM_CLIENT] = {"push-promise-from-client", "PUSH_PROMISE sent by a client",
                                       H2_PROTOCOL_ERROR, CONN, "RFC 9113 §8.4"},
    /* §6.6 + §5.1.1: an unexpected stream identifier is a PROTOCOL_ERROR
     * connection error. */
    [H2_E_BAD_PROMISED_ID] = {"bad-promised-id", "promised stream id is 0 or not even",
                              H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6.6"},
    /* §6.2/§6.10: interleaved frames in a field block are a PROTOCOL_ERROR
     * connection error. */
    [H2_E_CONTINUATION_EXPECTED] = {"continuation-expected",
                                    "field block open: only CONTINUATION on its stream allowed",
                                    H2_PROTOCOL_ERROR, CONN, "RFC 9113 §6.10"},
    [H2_E_CONTINUATION_UNEXPECTED] = {"continuation-unexpected",
                                      "CONTINUATION without an open field block", H2_PROTOCOL_ERROR,
                                      CONN, "RFC 9113 §6.10"},
    /* A field block we refuse to gather cannot be decompressed, and §4.3 says
     * "A receiver MUST terminate the connection with a connection error of
     * type COMPRESSION_ERROR if it does not decompress a field block" (the
     * HPACK state would diverge); §10.5.1 is why a limit exists at all. */
    [H2_E_FIELD_BLOCK_TOO_LARGE] = {"field-block-too-large",
                                    "field block larger than the configured limit",
                                    H2_COMPRESSION_ERROR, CONN, "RFC 9113 §4.3"},

    /* RFC 9113 §4.3: "A decoding error in a field block MUST be treated as a
     * connection error of type COMPRESSION_ERROR"; sections name the HPACK rule. */
    [H2_E_HPACK_TRUNCATED] = {"hpack-truncated", "field block ends inside a representation",
                              H2_COMPRESSION_ERROR, CONN, "RFC 7541 §6"},
    [H2_E_HPACK_INTEGER_OVERFLOW] = {"hpack-integer-overflow", "HPACK integer too large",
                                     H2_COMPRESSION_ERROR, CONN, "RFC 7541 §5.1"},
    [H2_E_HPACK_HUFFMAN] = {"hpack-huffman", "invalid Huffman string (padding or EOS)",
                            H2_COMPRESSION_ERROR, CONN, "RFC 7541 §5.2"},
    [H2_E_HPACK_INDEX_ZERO] = {"hpack-index-zero", "HPACK index 0", H2_COMPRESSION_ERROR, CONN,
                               "RFC 7541 §6.1"},
    [H2_E_HPACK_INDEX_RANGE] = {"hpack-index-range", "HPACK index beyond the tables",
                                H2_COMPRESSION_ERROR, CONN, "RFC 7541 §2.3.3"},
    [H2_E_HPACK_SIZE_UPDATE_TOO_LARGE] = {"hpack-size-update-too-large",
                                          "dynamic table size update above the limit",
                                          H2_COMPRESSION_ERROR, CONN, "RFC 7541 §6.3"},
    [H2_E_HPACK_SIZE_UPDATE_POSITION] = {"hpack-size-update-position",
                                         "dynamic table size update after a field line",
                                         H2_COMPRESSION_ERROR, CONN, "RFC 7541 §4.2"},
    [H2_E_HPACK_SIZE_UPDATE_MISSING] = {"hpack-size-update-missing",
                                        "required dynamic table size update missing",
                                        H2_COMPRESSION_ERROR, CONN, "RFC 7541 §4.2"},
    /* RFC 7541 §7.4: "it has to set a limit to the length it accepts for
     * string literals". */
    [H2_E_HPACK_STRING_TOO_LONG] = {"hpack-string-too-long",
                                    "HPACK string longer than the configured limit",
                                    H2_COMPRESSION_ERROR, CONN, "RFC 7541 §7.4"},
    /* SETTINGS_MAX_HEADER_LIST_SIZE is advisory (RFC 9113 §6.5.2); §10.5.1
     * says a sender exceeding it risks "the request or response being treated
     * as malformed", and §8.1.1 makes a malformed message a stream error of
     * type PROTOCOL_ERROR. The block is still decoded, so HPACK state stays in
     * sync and the connection can continue. */
    [H2_E_HPACK_HEADER_LIST_TOO_LARGE] = {"header-list-too-large",
                                          "header list larger than SETTINGS_MAX_HEADER_LIST_SIZE",
                                          H2_PROTOCOL_ERROR, STRM, "RFC 9113 §10.5.1"},
};

#undef CONN
#undef STRM
#undef NONE

/* §7 error code names, indexed by code. */
static const char *const error_code_names[] = {
    [H2_NO_ERROR] = "NO_ERROR",
    [H2_PROTOCOL_ERROR] = "PROTOCOL_ERROR",
    [H2_INTERNAL_ERROR] = "INTERNAL_ERROR",
    [H2_FLOW_CONTROL_ERROR] = "FLOW_CONTROL_ERROR",
    [H2_SETTINGS_TIMEOUT] = "SETTINGS_TIMEOUT",
    [H2_STREAM_CLOSED] = "STREAM_CLOSED",
    [H2_FRAME_SIZE_ERROR] = "FRAME_SIZE_ERROR",
    [H2_REFUSED_STREAM] = "REFUSED_STREAM",
    [H2_CANCEL] = "CANCEL",
    [H2_COMPRESSION_ERROR] = "COMPRESSION_ERROR",
    [H2_CONNECT_ERROR] = "CONNECT_ERROR",
    [H2_ENHANCE_YOUR_CALM] = "ENHANCE_YOUR_CALM",
    [H2_INADEQUATE_SECURITY] = "INADEQUATE_SECURITY",
    [H2_HTTP_1_1_REQUIRED] = "HTTP_1_1_REQUIRED",
};

const char *h2_error_code_name(uint32_t code) {
  if (code >= sizeof error_code_names / sizeof error_code_names[0]) return NULL;
  return error_code_names[code];
}

static const h2_status_entry *status_entry(h2_status status) {
  static const h2_status_entry unknown = {"unknown-status", "unknown status", H2_INTERNAL_ERROR,
                                          H2_SCOPE_NONE, "h2scope API"};
  if ((unsigned)status >= (unsigned)H2_STATUS_COUNT || !status_table[status].name) return &unknown;
  return &status_table[status];
}

const char *h2_strerror(h2_status status) {
  return status_entry(status)->words;
}

const char *h2_status_name(h2_status status) {
  return status_entry(status)->name;
}

uint32_t h2_status_code(h2_status status) {
  return status_entry(status)->code;
}

uint8_t h2_status_scope(h2_status status) {
  return status_entry(status)->scope;
}

const char *h2_status_section(h2_status status) {
  return status_entry(status)->section;
}

h2_status h2_error_set(h2_error *err, h2_status status, size_t offset, uint32_t stream_id) {
  if (err) {
    const h2_status_entry *e = status_entry(status);
    err->status = status;
    err->code = e->code;
    err->scope = e->scope;
    err->section = e->section;
    err->offset = offset;
    err->need = 0;
    /* A connection error is about the connection (§5.4.1): stream 0. */
    err->stream_id = e->scope == H2_SCOPE_CONNECTION ? 0 : stream_id;
  }
  return status;
}
