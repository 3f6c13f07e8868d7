/* session_conformance_cases.h — how an HTTP/2 server must react to protocol
 * violations (RFC 9113), as data: each case is a title, the RFC section, the
 * frames a client sends after a normal handshake, and the reaction expected.
 * Driven against the sans-I/O server by test_session_conformance.c; meant to
 * be reused as is by a conformance checker against live servers.
 *
 * frames: lines separated by ';', each "TYPE FLAGS STREAM [PAYLOAD...]":
 *   TYPE    frame name (DATA, HEADERS, ...) or a number (0x21)
 *   FLAGS   '-' or names joined by '|' (END_STREAM, END_HEADERS, PADDED,
 *           PRIORITY, ACK) or a number
 *   STREAM  decimal, the full 32 bits (R bit included)
 *   PAYLOAD tokens concatenated: hex:0a0b  u32:N  u16:N  zeros:N  str:text
 *           req (block of GET /), post (block of POST /), hold (block of
 *           GET /hold, which the server leaves unanswered),
 *           fields:n=v,n=v (block of literal fields, no Huffman, no indexing)
 *           len:N (overrides the Length field)
 *   A line "RAW hex:..." sends bytes as they are (with handshake "none").
 * handshake: "" = client preface + empty SETTINGS + SETTINGS ACK; "none" =
 *   nothing (the frames start the connection).
 * expect: "GOAWAY <CODE>", "RST_STREAM <id> <CODE>", "RESPONSE <id>" (HEADERS
 *   with :status 200), "PING_ACK", "SETTINGS_ACK", "NOTHING" (no GOAWAY or
 *   RST_STREAM and the connection still answers a PING). */
#ifndef H2_TEST_SESSION_CONFORMANCE_CASES_H
#define H2_TEST_SESSION_CONFORMANCE_CASES_H

typedef struct conformance_case {
  const char *title;
  const char *section;
  const char *handshake;
  const char *frames;
  const char *expect;
} conformance_case;

#define REQ_1 "HEADERS END_STREAM|END_HEADERS 1 req"
#define HOLD_1 "HEADERS END_STREAM|END_HEADERS 1 hold"
#define POST_1 "HEADERS END_HEADERS 1 post"

static const conformance_case conformance_cases[] = {
    /* §3.4 connection preface */
    {"invalid connection preface", "RFC 9113 §3.4", "none",
     "RAW hex:505249202a20485454502f312e310d0a0d0a534d0d0a0d0a", "GOAWAY PROTOCOL_ERROR"},
    {"first frame after the preface is not SETTINGS", "RFC 9113 §3.4", "none",
     "RAW hex:505249202a20485454502f322e300d0a0d0a534d0d0a0d0a; PING - 0 zeros:8",
     "GOAWAY PROTOCOL_ERROR"},
    {"valid request", "RFC 9113 §8.1", "", REQ_1, "RESPONSE 1"},
    /* §4.1 frame format */
    {"unknown frame type is ignored", "RFC 9113 §4.1", "", "0x21 - 0 hex:00; " REQ_1, "RESPONSE 1"},
    {"undefined flags are ignored", "RFC 9113 §4.1", "", "PING 0x16 0 zeros:8", "PING_ACK"},
    {"reserved bit in the stream id is ignored", "RFC 9113 §4.1", "",
     "HEADERS END_STREAM|END_HEADERS 2147483649 req", "RESPONSE 1"},
    /* §4.2 frame size */
    {"DATA larger than SETTINGS_MAX_FRAME_SIZE", "RFC 9113 §4.2", "",
     POST_1 "; DATA - 1 zeros:16385", "GOAWAY FRAME_SIZE_ERROR"},
    {"HEADERS larger than SETTINGS_MAX_FRAME_SIZE", "RFC 9113 §4.2", "",
     "HEADERS END_STREAM|END_HEADERS 1 req zeros:16385", "GOAWAY FRAME_SIZE_ERROR"},
    /* §4.3 field blocks */
    {"undecodable field block (index 0)", "RFC 9113 §4.3", "",
     "HEADERS END_STREAM|END_HEADERS 1 hex:80", "GOAWAY COMPRESSION_ERROR"},
    {"field block index beyond the tables", "RFC 7541 §2.3.3", "",
     "HEADERS END_STREAM|END_HEADERS 1 hex:ff00", "GOAWAY COMPRESSION_ERROR"},
    {"table size update above the limit", "RFC 7541 §6.3", "",
     "HEADERS END_STREAM|END_HEADERS 1 hex:3fe21f req", "GOAWAY COMPRESSION_ERROR"},
    {"PRIORITY between HEADERS and CONTINUATION", "RFC 9113 §4.3", "",
     "HEADERS END_STREAM 1 req; PRIORITY - 1 hex:0000000010", "GOAWAY PROTOCOL_ERROR"},
    /* §5.1 stream states */
    {"idle: DATA", "RFC 9113 §5.1", "", "DATA - 1 str:x", "GOAWAY PROTOCOL_ERROR"},
    {"idle: RST_STREAM", "RFC 9113 §5.1", "", "RST_STREAM - 1 u32:8", "GOAWAY PROTOCOL_ERROR"},
    {"idle: WINDOW_UPDATE", "RFC 9113 §5.1", "", "WINDOW_UPDATE - 1 u32:100",
     "GOAWAY PROTOCOL_ERROR"},
    {"idle: CONTINUATION", "RFC 9113 §5.1", "", "CONTINUATION END_HEADERS 1 req",
     "GOAWAY PROTOCOL_ERROR"},
    {"idle: PRIORITY is allowed", "RFC 9113 §5.1", "", "PRIORITY - 1 hex:0000000310", "NOTHING"},
    {"half-closed (remote): DATA", "RFC 9113 §5.1", "", HOLD_1 "; DATA - 1 str:x",
     "RST_STREAM 1 STREAM_CLOSED"},
    {"half-closed (remote): HEADERS", "RFC 9113 §5.1", "",
     HOLD_1 "; HEADERS END_HEADERS 1 fields:x=1", "RST_STREAM 1 STREAM_CLOSED"},
    {"half-closed (remote): CONTINUATION", "RFC 9113 §6.10", "",
     HOLD_1 "; CONTINUATION END_HEADERS 1 req", "GOAWAY PROTOCOL_ERROR"},
    {"half-closed (remote): WINDOW_UPDATE is allowed", "RFC 9113 §5.1", "",
     HOLD_1 "; WINDOW_UPDATE - 1 u32:10", "NOTHING"},
    {"closed: DATA after the stream ended", "RFC 9113 §5.1", "", REQ_1 "; DATA - 1 str:x",
     "GOAWAY STREAM_CLOSED"},
    {"closed: HEADERS after RST_STREAM", "RFC 9113 §5.1", "",
     HOLD_1 "; RST_STREAM - 1 u32:8; HEADERS END_HEADERS 1 fields:x=1", "GOAWAY STREAM_CLOSED"},
    {"closed: WINDOW_UPDATE is ignored", "RFC 9113 §5.1", "", REQ_1 "; WINDOW_UPDATE - 1 u32:10",
     "NOTHING"},
    {"closed: RST_STREAM is ignored", "RFC 9113 §5.1", "", REQ_1 "; RST_STREAM - 1 u32:8",
     "NOTHING"},
    {"closed: PRIORITY is allowed", "RFC 9113 §5.1", "", REQ_1 "; PRIORITY - 1 hex:0000000010",
     "NOTHING"},
    /* §5.1.1 stream identifiers */
    {"even stream id from a client", "RFC 9113 §5.1.1", "", "HEADERS END_STREAM|END_HEADERS 2 req",
     "GOAWAY PROTOCOL_ERROR"},
    {"stream id lower than a previous one", "RFC 9113 §5.1.1", "",
     "HEADERS END_STREAM|END_HEADERS 5 req; HEADERS END_STREAM|END_HEADERS 3 req",
     "GOAWAY PROTOCOL_ERROR"},
    /* §5.5 extensions */
    {"unknown frame inside a field block", "RFC 9113 §5.5", "",
     "HEADERS END_STREAM 1 req; 0x21 - 0 hex:00", "GOAWAY PROTOCOL_ERROR"},
    /* §6.1 DATA */
    {"DATA on stream 0", "RFC 9113 §6.1", "", "DATA - 0 str:x", "GOAWAY PROTOCOL_ERROR"},
    {"DATA padding longer than the payload", "RFC 9113 §6.1", "", POST_1 "; DATA PADDED 1 hex:0500",
     "GOAWAY PROTOCOL_ERROR"},
    /* §6.2 HEADERS */
    {"HEADERS on stream 0", "RFC 9113 §6.2", "", "HEADERS END_STREAM|END_HEADERS 0 req",
     "GOAWAY PROTOCOL_ERROR"},
    {"HEADERS padding longer than the payload", "RFC 9113 §6.2", "",
     "HEADERS PADDED|END_HEADERS|END_STREAM 1 hex:ff req", "GOAWAY PROTOCOL_ERROR"},
    {"HEADERS depending on itself", "RFC 9113 §5.3.1", "",
     "HEADERS PRIORITY|END_HEADERS|END_STREAM 1 hex:0000000110 req", "RST_STREAM 1 PROTOCOL_ERROR"},
    /* §6.3 PRIORITY */
    {"PRIORITY on stream 0", "RFC 9113 §6.3", "", "PRIORITY - 0 hex:0000000110",
     "GOAWAY PROTOCOL_ERROR"},
    {"PRIORITY of length 4", "RFC 9113 §6.3", "", "PRIORITY - 1 hex:00000003",
     "RST_STREAM 1 FRAME_SIZE_ERROR"},
    /* §6.4 RST_STREAM */
    {"RST_STREAM on stream 0", "RFC 9113 §6.4", "", "RST_STREAM - 0 u32:8",
     "GOAWAY PROTOCOL_ERROR"},
    {"RST_STREAM of length 3", "RFC 9113 §6.4", "", HOLD_1 "; RST_STREAM - 1 hex:000008",
     "GOAWAY FRAME_SIZE_ERROR"},
    /* §6.5 SETTINGS */
    {"SETTINGS is acknowledged", "RFC 9113 §6.5.3", "", "SETTINGS - 0 u16:3 u32:100",
     "SETTINGS_ACK"},
    {"unknown setting is ignored", "RFC 9113 §6.5.2", "", "SETTINGS - 0 u16:255 u32:1",
     "SETTINGS_ACK"},
    {"SETTINGS ACK with a payload", "RFC 9113 §6.5", "", "SETTINGS ACK 0 u16:3 u32:100",
     "GOAWAY FRAME_SIZE_ERROR"},
    {"SETTINGS on a stream", "RFC 9113 §6.5", "", "SETTINGS - 1 u16:3 u32:100",
     "GOAWAY PROTOCOL_ERROR"},
    {"SETTINGS length not a multiple of 6", "RFC 9113 §6.5", "", "SETTINGS - 0 hex:000300",
     "GOAWAY FRAME_SIZE_ERROR"},
    {"SETTINGS_ENABLE_PUSH of 2", "RFC 9113 §6.5.2", "", "SETTINGS - 0 u16:2 u32:2",
     "GOAWAY PROTOCOL_ERROR"},
    {"SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1", "RFC 9113 §6.5.2", "",
     "SETTINGS - 0 u16:4 u32:2147483648", "GOAWAY FLOW_CONTROL_ERROR"},
    {"SETTINGS_MAX_FRAME_SIZE below 16384", "RFC 9113 §6.5.2", "", "SETTINGS - 0 u16:5 u32:16383",
     "GOAWAY PROTOCOL_ERROR"},
    {"SETTINGS_MAX_FRAME_SIZE above 2^24-1", "RFC 9113 §6.5.2", "",
     "SETTINGS - 0 u16:5 u32:16777216", "GOAWAY PROTOCOL_ERROR"},
    /* §6.7 PING */
    {"PING is answered", "RFC 9113 §6.7", "", "PING - 0 str:h2scope!", "PING_ACK"},
    {"PING on a stream", "RFC 9113 §6.7", "", "PING - 1 zeros:8", "GOAWAY PROTOCOL_ERROR"},
    {"PING of length 7", "RFC 9113 §6.7", "", "PING - 0 zeros:7", "GOAWAY FRAME_SIZE_ERROR"},
    /* §6.8 GOAWAY */
    {"GOAWAY on a stream", "RFC 9113 §6.8", "", "GOAWAY - 1 u32:0 u32:0", "GOAWAY PROTOCOL_ERROR"},
    /* §6.9 WINDOW_UPDATE and flow control */
    {"WINDOW_UPDATE of 0 on the connection", "RFC 9113 §6.9", "", "WINDOW_UPDATE - 0 u32:0",
     "GOAWAY PROTOCOL_ERROR"},
    {"WINDOW_UPDATE of 0 on a stream", "RFC 9113 §6.9", "", POST_1 "; WINDOW_UPDATE - 1 u32:0",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"WINDOW_UPDATE of length 3", "RFC 9113 §6.9", "", "WINDOW_UPDATE - 0 hex:000001",
     "GOAWAY FRAME_SIZE_ERROR"},
    {"connection window above 2^31-1", "RFC 9113 §6.9.1", "", "WINDOW_UPDATE - 0 u32:2147483647",
     "GOAWAY FLOW_CONTROL_ERROR"},
    {"stream window above 2^31-1", "RFC 9113 §6.9.1", "",
     POST_1 "; WINDOW_UPDATE - 1 u32:2147483647", "RST_STREAM 1 FLOW_CONTROL_ERROR"},
    {"SETTINGS_INITIAL_WINDOW_SIZE pushes a window above 2^31-1", "RFC 9113 §6.9.2", "",
     POST_1 "; WINDOW_UPDATE - 1 u32:2147418112; SETTINGS - 0 u16:4 u32:2147483647",
     "GOAWAY FLOW_CONTROL_ERROR"},
    /* §6.10 CONTINUATION */
    {"HEADERS + CONTINUATION", "RFC 9113 §6.10", "",
     "HEADERS END_STREAM 1 hex:82; CONTINUATION END_HEADERS 1 hex:8684 fields::authority=a",
     "RESPONSE 1"},
    {"CONTINUATION of another stream", "RFC 9113 §6.10", "",
     "HEADERS END_STREAM 1 req; CONTINUATION END_HEADERS 3 hex:00", "GOAWAY PROTOCOL_ERROR"},
    {"CONTINUATION after END_HEADERS", "RFC 9113 §6.10", "",
     HOLD_1 "; CONTINUATION END_HEADERS 1 fields:x=1", "GOAWAY PROTOCOL_ERROR"},
    {"CONTINUATION on stream 0", "RFC 9113 §6.10", "", "CONTINUATION END_HEADERS 0 req",
     "GOAWAY PROTOCOL_ERROR"},
    /* §8.1 messages */
    {"trailers without END_STREAM", "RFC 9113 §8.1", "",
     POST_1 "; HEADERS END_HEADERS 1 fields:x=1", "RST_STREAM 1 PROTOCOL_ERROR"},
    {"content-length larger than the DATA", "RFC 9113 §8.1.1", "",
     "HEADERS END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=3; "
     "DATA END_STREAM 1 str:x",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"DATA beyond content-length", "RFC 9113 §8.1.1", "",
     "HEADERS END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=1; "
     "DATA - 1 str:xyz",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"matching content-length", "RFC 9113 §8.1.1", "",
     "HEADERS END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=3; "
     "DATA END_STREAM 1 str:xyz",
     "RESPONSE 1"},
    /* §8.2 fields */
    {"uppercase field name", "RFC 9113 §8.2.1", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/,X-Up=1",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"field value with a line feed", "RFC 9113 §8.2.1", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/,x=a\nb",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"connection-specific field", "RFC 9113 §8.2.2", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/,connection=close",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"TE other than trailers", "RFC 9113 §8.2.2", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/,te=gzip",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"TE: trailers is allowed", "RFC 9113 §8.2.2", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/,te=trailers",
     "RESPONSE 1"},
    /* §8.3 pseudo-header fields */
    {"unknown pseudo-header", "RFC 9113 §8.3", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/,:foo=1",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"response pseudo-header in a request", "RFC 9113 §8.3", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/,:status=200",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"pseudo-header after a regular field", "RFC 9113 §8.3", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,x=1,:path=/",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"duplicate :path", "RFC 9113 §8.3.1", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/,:path=/",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"missing :method", "RFC 9113 §8.3.1", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::scheme=http,:path=/", "RST_STREAM 1 PROTOCOL_ERROR"},
    {"empty :path", "RFC 9113 §8.3.1", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {"pseudo-header in trailers", "RFC 9113 §8.1", "",
     POST_1 "; HEADERS END_STREAM|END_HEADERS 1 fields::method=GET", "RST_STREAM 1 PROTOCOL_ERROR"},
    {"CONNECT with :path", "RFC 9113 §8.5", "",
     "HEADERS END_HEADERS 1 fields::method=CONNECT,:authority=a:443,:path=/",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    /* §8.4 server push */
    {"PUSH_PROMISE from a client", "RFC 9113 §8.4", "",
     POST_1 "; PUSH_PROMISE END_HEADERS 1 u32:2 req", "GOAWAY PROTOCOL_ERROR"},
};

#endif
