/* check_cases_frames.c — server cases for the connection and frame layer of
 * RFC 9113 (§3.4 preface, §4 frames and field blocks, §5 streams, §6 every
 * frame type and flow control). Only MUST-level rules a peer's reaction on
 * the wire can show. Append new cases at the end of their section. */
#include "check_case.h"

/* Most cases leave the last field (needs) out: it is NULL then. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define REQ_1 "HEADERS END_STREAM|END_HEADERS 1 req"
#define HOLD_1 "HEADERS END_STREAM|END_HEADERS 1 hold"
#define POST_1 "HEADERS END_HEADERS 1 post"
#define PRI_HEX "hex:505249202a20485454502f322e300d0a0d0a534d0d0a0d0a"
#define RFC 9113

const check_case check_cases_frames[] = {
    /* §3.4 connection preface: "MAY omit sending a GOAWAY" after a bad one */
    {RFC, "3.4", "invalid connection preface (HTTP/1.1 in the magic)", "none",
     "RAW hex:505249202a20485454502f312e310d0a0d0a534d0d0a0d0a", "GOAWAY PROTOCOL_ERROR|CLOSE"},
    {RFC, "3.4", "first frame after the preface is PING, not SETTINGS", "none",
     "RAW " PRI_HEX "; PING - 0 zeros:8", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "3.4", "first frame after the preface is HEADERS, not SETTINGS", "none",
     "RAW " PRI_HEX "; " REQ_1, "GOAWAY PROTOCOL_ERROR"},
    {RFC, "3.4", "first frame after the preface is WINDOW_UPDATE, not SETTINGS", "none",
     "RAW " PRI_HEX "; WINDOW_UPDATE - 0 u32:1", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "3.4", "preface with a corrupted SM line", "none",
     "RAW hex:505249202a20485454502f322e300d0a0d0a534e0d0a0d0a", "GOAWAY PROTOCOL_ERROR|CLOSE"},

    /* §4.1 frame format */
    {RFC, "4.1", "unknown frame type is ignored", "", "0x21 - 0 hex:00; " REQ_1, "RESPONSE 1"},
    {RFC, "4.1", "undefined flags on PING are ignored", "", "PING 0xfe 0 zeros:8", "PING_ACK"},
    {RFC, "4.1", "reserved bit in the stream id is ignored", "",
     "HEADERS END_STREAM|END_HEADERS 2147483649 req", "RESPONSE 1"},
    {RFC, "4.1", "undefined flags on HEADERS are ignored", "", "HEADERS 0xd5 1 req", "RESPONSE 1"},
    {RFC, "4.1", "undefined flags on DATA are ignored", "", POST_1 "; DATA 0xf7 1 str:x",
     "RESPONSE 1"},
    {RFC, "4.1", "undefined flags on SETTINGS are ignored", "", "SETTINGS 0xfe 0 u16:3 u32:100",
     "SETTINGS_ACK"},
    {RFC, "4.1", "unknown frame type with a payload on a stream is ignored", "",
     "0xfa 0xff 1 zeros:100; " REQ_1, "RESPONSE 1"},

    /* §4.2 frame size */
    {RFC, "4.2", "DATA larger than SETTINGS_MAX_FRAME_SIZE", "", POST_1 "; DATA - 1 zeros:16385",
     "RST_STREAM 1 FRAME_SIZE_ERROR"},
    {RFC, "4.2", "HEADERS larger than SETTINGS_MAX_FRAME_SIZE", "",
     "HEADERS END_STREAM|END_HEADERS 1 req zeros:16385", "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "4.2", "DATA of exactly 16384 octets is accepted", "",
     POST_1 "; DATA END_STREAM 1 zeros:16384", "RESPONSE 1"},
    {RFC, "4.2", "PADDED HEADERS too short for the Pad Length", "",
     "HEADERS PADDED|END_HEADERS|END_STREAM 1", "GOAWAY FRAME_SIZE_ERROR|PROTOCOL_ERROR"},
    {RFC, "4.2", "HEADERS with PRIORITY too short for the priority fields", "",
     "HEADERS PRIORITY|END_HEADERS|END_STREAM 1 hex:00000000", "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "4.2", "GOAWAY shorter than 8 octets", "", "GOAWAY - 0 hex:00000000000000",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "4.2", "CONTINUATION larger than SETTINGS_MAX_FRAME_SIZE", "",
     "HEADERS END_STREAM 1 req; CONTINUATION END_HEADERS 1 zeros:16385", "GOAWAY FRAME_SIZE_ERROR"},

    /* §4.3 field blocks */
    {RFC, "4.3", "undecodable field block (index 0)", "", "HEADERS END_STREAM|END_HEADERS 1 hex:80",
     "GOAWAY COMPRESSION_ERROR"},
    {RFC, "4.3", "PRIORITY between HEADERS and CONTINUATION", "",
     "HEADERS END_STREAM 1 req; PRIORITY - 1 hex:0000000010", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "4.3", "DATA between HEADERS and CONTINUATION", "", "HEADERS 0 1 post; DATA - 1 str:x",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "4.3", "PING between HEADERS and CONTINUATION", "",
     "HEADERS END_STREAM 1 req; PING - 0 zeros:8", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "4.3", "HEADERS of another stream between HEADERS and CONTINUATION", "",
     "HEADERS END_STREAM 1 req; "
     "HEADERS END_STREAM|END_HEADERS 3 req",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "4.3", "SETTINGS between HEADERS and CONTINUATION", "",
     "HEADERS END_STREAM 1 req; SETTINGS - 0", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "4.3", "undecodable field block on a second stream", "",
     REQ_1 "; HEADERS END_STREAM|END_HEADERS 3 hex:80", "GOAWAY COMPRESSION_ERROR"},

    /* §5.1 stream states */
    {RFC, "5.1", "idle: DATA", "", "DATA - 1 str:x", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "5.1", "idle: RST_STREAM", "", "RST_STREAM - 1 u32:8", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "5.1", "idle: WINDOW_UPDATE", "", "WINDOW_UPDATE - 1 u32:100", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "5.1", "idle: CONTINUATION", "", "CONTINUATION END_HEADERS 1 req",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "5.1", "idle: PRIORITY is allowed", "", "PRIORITY - 1 hex:0000000310", "NOTHING"},
    {RFC, "5.1", "half-closed (remote): DATA", "", HOLD_1 "; DATA - 1 str:x",
     "RST_STREAM 1 STREAM_CLOSED"},
    {RFC, "5.1", "half-closed (remote): HEADERS", "", HOLD_1 "; HEADERS END_HEADERS 1 fields:x=1",
     "RST_STREAM 1 STREAM_CLOSED"},
    {RFC, "5.1", "half-closed (remote): WINDOW_UPDATE is allowed", "",
     HOLD_1 "; WINDOW_UPDATE - 1 u32:10", "NOTHING"},
    {RFC, "5.1", "closed: DATA after the stream ended", "", REQ_1 "; DATA - 1 str:x",
     "RST_STREAM 1 STREAM_CLOSED"},
    {RFC, "5.1", "closed: HEADERS after RST_STREAM", "",
     HOLD_1 "; RST_STREAM - 1 u32:8; HEADERS END_HEADERS 1 fields:x=1",
     "GOAWAY STREAM_CLOSED|PROTOCOL_ERROR"},
    {RFC, "5.1", "closed: WINDOW_UPDATE is ignored", "", REQ_1 "; WINDOW_UPDATE - 1 u32:10",
     "NOTHING"},
    {RFC, "5.1", "closed: RST_STREAM is ignored", "", REQ_1 "; RST_STREAM - 1 u32:8", "NOTHING"},
    {RFC, "5.1", "closed: PRIORITY is allowed", "", REQ_1 "; PRIORITY - 1 hex:0000000010",
     "NOTHING"},
    {RFC, "5.1", "half-closed (remote): RST_STREAM is allowed", "", HOLD_1 "; RST_STREAM - 1 u32:8",
     "NOTHING"},
    {RFC, "5.1", "half-closed (remote): PRIORITY is allowed", "",
     HOLD_1 "; PRIORITY - 1 hex:0000000010", "NOTHING"},
    {RFC, "5.1", "closed: DATA after RST_STREAM", "",
     POST_1 "; RST_STREAM - 1 u32:8; DATA - 1 str:x", "RST_STREAM 1 STREAM_CLOSED"},
    {RFC, "5.1", "closed: PRIORITY after RST_STREAM is allowed", "",
     POST_1 "; RST_STREAM - 1 u32:8; PRIORITY - 1 hex:0000000010", "NOTHING"},
    {RFC, "5.1", "open: DATA with END_STREAM after a request body", "",
     POST_1 "; DATA - 1 str:x; DATA END_STREAM 1 str:y", "RESPONSE 1"},

    /* §5.1.1 stream identifiers */
    {RFC, "5.1.1", "even stream id from a client", "", "HEADERS END_STREAM|END_HEADERS 2 req",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "5.1.1", "stream id lower than a previous one", "",
     "HEADERS END_STREAM|END_HEADERS 5 req; HEADERS END_STREAM|END_HEADERS 3 req",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "5.1.1", "a closed stream's id reused for a new request", "", REQ_1 "; " REQ_1,
     "GOAWAY PROTOCOL_ERROR|STREAM_CLOSED"},
    {RFC, "5.1.1", "skipping stream ids is allowed", "", "HEADERS END_STREAM|END_HEADERS 7 req",
     "RESPONSE 7"},
    {RFC, "5.1.1", "lower id after skipping (idle streams were closed)", "",
     "HEADERS END_STREAM|END_HEADERS 7 req; HEADERS END_STREAM|END_HEADERS 5 req",
     "GOAWAY PROTOCOL_ERROR"},

    /* §5.1.2 concurrency: HEADERS beyond the advertised limit (needs it <= 128) */
    {RFC, "5.1.2", "more concurrent streams than SETTINGS_MAX_CONCURRENT_STREAMS", "",
     "LOOP 129 2: HEADERS END_HEADERS 1 post", "RST_STREAM 257 PROTOCOL_ERROR|REFUSED_STREAM",
     "max_concurrent_streams<=128"},

    /* §5.5 extensions */
    {RFC, "5.5", "unknown frame inside a field block", "",
     "HEADERS END_STREAM 1 req; 0x21 - 0 hex:00", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "5.5", "unknown error code in RST_STREAM is accepted", "",
     POST_1 "; RST_STREAM - 1 u32:255", "NOTHING"},

    /* §6.1 DATA */
    {RFC, "6.1", "DATA on stream 0", "", "DATA - 0 str:x", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.1", "DATA padding longer than the payload", "", POST_1 "; DATA PADDED 1 hex:0500",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.1", "DATA Pad Length equal to the rest of the payload", "",
     POST_1 "; DATA PADDED 1 hex:02 zeros:1", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.1", "padded DATA is accepted", "",
     POST_1 "; DATA PADDED|END_STREAM 1 hex:03 str:x zeros:3", "RESPONSE 1"},
    {RFC, "6.1", "DATA with Pad Length 0 is accepted", "",
     POST_1 "; DATA PADDED|END_STREAM 1 hex:00 str:x", "RESPONSE 1"},
    {RFC, "6.1", "empty DATA with END_STREAM ends a request", "", POST_1 "; DATA END_STREAM 1",
     "RESPONSE 1"},

    /* §6.2 HEADERS */
    {RFC, "6.2", "HEADERS on stream 0", "", "HEADERS END_STREAM|END_HEADERS 0 req",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.2", "HEADERS padding longer than the payload", "",
     "HEADERS PADDED|END_HEADERS|END_STREAM 1 hex:ff req", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.2", "padded HEADERS is accepted", "",
     "HEADERS PADDED|END_HEADERS|END_STREAM 1 hex:04 req zeros:4", "RESPONSE 1"},
    {RFC, "6.2", "HEADERS with priority fields is accepted", "",
     "HEADERS PRIORITY|END_HEADERS|END_STREAM 1 hex:0000000010 req", "RESPONSE 1"},
    {RFC, "6.2", "HEADERS with padding and priority is accepted", "",
     "HEADERS PADDED|PRIORITY|END_HEADERS|END_STREAM 1 hex:02 hex:0000000010 req zeros:2",
     "RESPONSE 1"},

    /* §6.3 PRIORITY */
    {RFC, "6.3", "PRIORITY on stream 0", "", "PRIORITY - 0 hex:0000000110",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.3", "PRIORITY of length 4", "", "PRIORITY - 1 hex:00000003",
     "RST_STREAM 1 FRAME_SIZE_ERROR"},
    {RFC, "6.3", "PRIORITY of length 6", "", "PRIORITY - 1 hex:000000031000",
     "RST_STREAM 1 FRAME_SIZE_ERROR"},
    {RFC, "6.3", "PRIORITY for an idle stream, then a request on it", "",
     "PRIORITY - 3 hex:0000000010; HEADERS END_STREAM|END_HEADERS 3 req", "RESPONSE 3"},

    /* §6.4 RST_STREAM */
    {RFC, "6.4", "RST_STREAM on stream 0", "", "RST_STREAM - 0 u32:8", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.4", "RST_STREAM of length 3", "", HOLD_1 "; RST_STREAM - 1 hex:000008",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.4", "RST_STREAM of length 5", "", POST_1 "; RST_STREAM - 1 hex:0000000800",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.4", "RST_STREAM of an open stream, then more requests", "",
     POST_1 "; RST_STREAM - 1 u32:8; HEADERS END_STREAM|END_HEADERS 3 req", "RESPONSE 3"},

    /* §6.5 SETTINGS */
    {RFC, "6.5", "SETTINGS ACK with a payload", "", "SETTINGS ACK 0 u16:3 u32:100",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.5", "SETTINGS on a stream", "", "SETTINGS - 1 u16:3 u32:100", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5", "SETTINGS length not a multiple of 6", "", "SETTINGS - 0 hex:000300",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.5", "SETTINGS ACK on a stream", "", "SETTINGS ACK 1", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5", "SETTINGS of length 7", "", "SETTINGS - 0 u16:3 u32:100 hex:00",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.5", "empty SETTINGS is acknowledged", "", "SETTINGS - 0", "SETTINGS_ACK"},

    /* §6.5.2 defined parameters */
    {RFC, "6.5.2", "unknown setting is ignored", "", "SETTINGS - 0 u16:255 u32:1", "SETTINGS_ACK"},
    {RFC, "6.5.2", "SETTINGS_ENABLE_PUSH of 2", "", "SETTINGS - 0 u16:2 u32:2",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1", "",
     "SETTINGS - 0 u16:4 u32:2147483648", "GOAWAY FLOW_CONTROL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_MAX_FRAME_SIZE below 16384", "", "SETTINGS - 0 u16:5 u32:16383",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_MAX_FRAME_SIZE above 2^24-1", "", "SETTINGS - 0 u16:5 u32:16777216",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_ENABLE_PUSH of 2^32-1", "", "SETTINGS - 0 u16:2 u32:4294967295",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE of 2^32-1", "",
     "SETTINGS - 0 u16:4 u32:4294967295", "GOAWAY FLOW_CONTROL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_MAX_FRAME_SIZE of 0", "", "SETTINGS - 0 u16:5 u32:0",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_HEADER_TABLE_SIZE of 0 is accepted", "", "SETTINGS - 0 u16:1 u32:0",
     "SETTINGS_ACK"},
    {RFC, "6.5.2", "SETTINGS_ENABLE_PUSH of 0 and 1 are accepted", "",
     "SETTINGS - 0 u16:2 u32:0 u16:2 u32:1", "SETTINGS_ACK"},
    {RFC, "6.5.2", "SETTINGS_MAX_CONCURRENT_STREAMS of 0 is accepted", "",
     "SETTINGS - 0 u16:3 u32:0", "SETTINGS_ACK"},
    {RFC, "6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE of 2^31-1 is accepted", "",
     "SETTINGS - 0 u16:4 u32:2147483647", "SETTINGS_ACK"},
    {RFC, "6.5.2", "SETTINGS_MAX_FRAME_SIZE of 16384 and 2^24-1 are accepted", "",
     "SETTINGS - 0 u16:5 u32:16384 u16:5 u32:16777215", "SETTINGS_ACK"},
    {RFC, "6.5.2", "SETTINGS_MAX_HEADER_LIST_SIZE of 0 is accepted", "", "SETTINGS - 0 u16:6 u32:0",
     "SETTINGS_ACK"},
    {RFC, "6.5.2", "one invalid value among valid ones", "",
     "SETTINGS - 0 u16:3 u32:100 u16:5 u32:1 u16:4 u32:100", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5.2", "setting id 0 is ignored", "", "SETTINGS - 0 u16:0 u32:7", "SETTINGS_ACK"},

    /* §6.5.3 synchronisation */
    {RFC, "6.5.3", "SETTINGS is acknowledged", "", "SETTINGS - 0 u16:3 u32:100", "SETTINGS_ACK"},
    {RFC, "6.5.3", "the same parameter twice is processed in order", "",
     "SETTINGS - 0 u16:4 u32:2147483648 u16:4 u32:100", "GOAWAY FLOW_CONTROL_ERROR"},
    {RFC, "6.5.3", "a second SETTINGS is acknowledged too", "",
     "SETTINGS - 0 u16:3 u32:100; SETTINGS - 0 u16:3 u32:50", "SETTINGS_ACK"},

    /* §6.7 PING */
    {RFC, "6.7", "PING is answered", "", "PING - 0 str:h2scope!", "PING_ACK"},
    {RFC, "6.7", "PING on a stream", "", "PING - 1 zeros:8", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.7", "PING of length 7", "", "PING - 0 zeros:7", "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.7", "PING of length 9", "", "PING - 0 zeros:9", "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.7", "PING ACK on a stream", "", "PING ACK 1 zeros:8", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.7", "unsolicited PING ACK is not answered", "", "PING ACK 0 zeros:8", "NOTHING"},
    {RFC, "6.7", "PING of length 0", "", "PING - 0", "GOAWAY FRAME_SIZE_ERROR"},

    /* §6.8 GOAWAY */
    {RFC, "6.8", "GOAWAY on a stream", "", "GOAWAY - 1 u32:0 u32:0", "GOAWAY PROTOCOL_ERROR"},

    /* §6.9 WINDOW_UPDATE */
    {RFC, "6.9", "WINDOW_UPDATE of 0 on the connection", "", "WINDOW_UPDATE - 0 u32:0",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.9", "WINDOW_UPDATE of 0 on a stream", "", POST_1 "; WINDOW_UPDATE - 1 u32:0",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {RFC, "6.9", "WINDOW_UPDATE of length 3", "", "WINDOW_UPDATE - 0 hex:000001",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.9", "WINDOW_UPDATE of length 5 on a stream", "",
     POST_1 "; WINDOW_UPDATE - 1 hex:0000000100", "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.9", "reserved bit of the increment is ignored", "", "WINDOW_UPDATE - 0 u32:2147483649",
     "NOTHING"},
    {RFC, "6.9", "WINDOW_UPDATE on the connection is accepted", "", "WINDOW_UPDATE - 0 u32:1000",
     "NOTHING"},

    /* §6.9.1 flow-control windows */
    {RFC, "6.9.1", "connection window above 2^31-1", "", "WINDOW_UPDATE - 0 u32:2147483647",
     "GOAWAY FLOW_CONTROL_ERROR"},
    {RFC, "6.9.1", "stream window above 2^31-1", "", POST_1 "; WINDOW_UPDATE - 1 u32:2147483647",
     "RST_STREAM 1 FLOW_CONTROL_ERROR"},
    {RFC, "6.9.1", "connection window above 2^31-1 in two steps", "",
     "WINDOW_UPDATE - 0 u32:1073741824; WINDOW_UPDATE - 0 u32:1073741824",
     "GOAWAY FLOW_CONTROL_ERROR"},
    {RFC, "6.9.1", "stream window above 2^31-1 in two steps", "",
     POST_1 "; WINDOW_UPDATE - 1 u32:1073741824; WINDOW_UPDATE - 1 u32:1073741824",
     "RST_STREAM 1 FLOW_CONTROL_ERROR"},

    /* §6.9.2 initial window size */
    {RFC, "6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE pushes a window above 2^31-1", "",
     POST_1 "; WINDOW_UPDATE - 1 u32:2147418112; SETTINGS - 0 u16:4 u32:2147483647",
     "GOAWAY FLOW_CONTROL_ERROR"},
    {RFC, "6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE of 0 still allows a response's HEADERS", "",
     "SETTINGS - 0 u16:4 u32:0; " REQ_1, "RESPONSE 1"},
    {RFC, "6.9.2", "a window made negative by SETTINGS is legal", "",
     POST_1 "; SETTINGS - 0 u16:4 u32:0; SETTINGS - 0 u16:4 u32:65535", "SETTINGS_ACK"},

    /* §6.10 CONTINUATION */
    {RFC, "6.10", "HEADERS + CONTINUATION", "",
     "HEADERS END_STREAM 1 hex:82; CONTINUATION END_HEADERS 1 hex:8684 fields::authority=a",
     "RESPONSE 1"},
    {RFC, "6.10", "CONTINUATION of another stream", "",
     "HEADERS END_STREAM 1 req; CONTINUATION END_HEADERS 3 hex:00", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.10", "CONTINUATION after END_HEADERS", "",
     HOLD_1 "; CONTINUATION END_HEADERS 1 fields:x=1", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.10", "CONTINUATION on stream 0", "", "CONTINUATION END_HEADERS 0 req",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.10", "half-closed (remote): CONTINUATION", "",
     HOLD_1 "; CONTINUATION END_HEADERS 1 req", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.10", "HEADERS + two CONTINUATION frames", "",
     "HEADERS END_STREAM 1 hex:82; CONTINUATION - 1 hex:86; "
     "CONTINUATION END_HEADERS 1 hex:84 fields::authority=a",
     "RESPONSE 1"},
    {RFC, "6.10", "empty CONTINUATION frames are accepted", "",
     "HEADERS END_STREAM 1 req; CONTINUATION - 1; CONTINUATION END_HEADERS 1", "RESPONSE 1"},
    {RFC, "6.10", "CONTINUATION after DATA", "",
     POST_1 "; DATA - 1 str:x; CONTINUATION END_HEADERS 1", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.10", "second HEADERS while a field block is open", "",
     "HEADERS END_STREAM 1 req; HEADERS END_STREAM|END_HEADERS 1 req", "GOAWAY PROTOCOL_ERROR"},
};
const size_t check_cases_frames_count = sizeof check_cases_frames / sizeof *check_cases_frames;
