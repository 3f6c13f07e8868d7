/* check_cases_ext.c — cases for the HTTP/2 extensions h2scope knows: RFC 8441
 * (extended CONNECT, SETTINGS_ENABLE_CONNECT_PROTOCOL 0x8), RFC 9218
 * (PRIORITY_UPDATE 0x10, SETTINGS_NO_RFC7540_PRIORITIES 0x9, the priority
 * field) and RFC 8336 (ORIGIN 0xc). Server cases first, then client cases
 * (h2scope plays the server). A peer that does not implement an extension
 * must still treat its frames as unknown (RFC 9113 §4.1/§5.5: ignored), so
 * the "ignored" cases hold for every peer. Append new cases at the end of
 * their section. */
#include "check_case.h"

/* Most cases leave the last fields (needs, alone) out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define REQ_1 "HEADERS END_STREAM|END_HEADERS 1 req"
/* an extended CONNECT request (RFC 8441 §4: :protocol, :scheme and :path
 * with CONNECT); the stream stays open like a tunnel */
#define XCONNECT_1                                                                                 \
  "HEADERS END_HEADERS 1 fields::method=CONNECT,:protocol=websocket,:scheme=http,:path=/,"         \
  ":authority=localhost"
/* The RFC 9218 MUSTs bind a peer that implements RFC 9218; one that does not
 * ignores the unknown frame type and setting (RFC 9113 §5.5, §6.5.2). A
 * server shows it implements it by SETTINGS_NO_RFC7540_PRIORITIES = 1. */
#define PRIO "no_rfc7540_priorities=1"
#define ORIGIN_ENTRY "u16:19 str:https://example.com"

const check_case check_cases_ext[] = {
    /* RFC 8441 §3: "Upon receipt of SETTINGS_ENABLE_CONNECT_PROTOCOL with a
     * value of 1, a client MAY use the Extended CONNECT"; without it, "a
     * non-supporting peer would detect a malformed request and generate a
     * stream error" (RFC 9113 §8.1.1: PROTOCOL_ERROR). */
    {8441, "3", "extended CONNECT with :protocol after SETTINGS_ENABLE_CONNECT_PROTOCOL=1", "",
     XCONNECT_1, "RESPONSE 1", "enable_connect_protocol=1"},
    {8441, "3", ":protocol to a server that did not send SETTINGS_ENABLE_CONNECT_PROTOCOL=1", "",
     XCONNECT_1, "RST_STREAM 1 PROTOCOL_ERROR", "enable_connect_protocol=0"},
    /* RFC 8441 §4: the :protocol pseudo-header is only for CONNECT; on a GET
     * it is an undefined pseudo-header use: malformed (RFC 9113 §8.3) */
    {8441, "4", ":protocol on a GET request", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:protocol=websocket,:scheme=http,"
     ":path=/,:authority=localhost",
     "RST_STREAM 1 PROTOCOL_ERROR"},

    /* RFC 9218 §2.1: SETTINGS_NO_RFC7540_PRIORITIES values other than 0 or 1
     * are a connection error of type PROTOCOL_ERROR (a MUST) */
    {9218, "2.1", "SETTINGS_NO_RFC7540_PRIORITIES = 2", "", "SETTINGS - 0 u16:9 u32:2",
     "GOAWAY PROTOCOL_ERROR", PRIO},
    /* RFC 9218 §2.1: a change after the first SETTINGS frame MAY be treated
     * as a connection error: either reaction is allowed, the case reports */
    {9218, "2.1", "SETTINGS_NO_RFC7540_PRIORITIES 1 then 0 (MAY: reported, not graded)",
     "settings:000900000001", "SETTINGS - 0 u16:9 u32:0", "ANY"},
    /* RFC 9218 §4: unknown parameters are ignored */
    {9218, "4", "priority field with an unknown member is ignored", "",
     REQ_1 " fields:priority=u=2,priority=foo=?1", "RESPONSE 1"},
    /* RFC 9218 §5 / RFC 8941 §4.2: a field that fails to parse is ignored */
    {9218, "5", "priority field that does not parse is ignored", "", REQ_1 " fields:priority=u=(((",
     "RESPONSE 1"},
    /* RFC 9218 §7.1 PRIORITY_UPDATE (type 0x10) */
    {9218, "7.1", "PRIORITY_UPDATE on stream 0 for an idle stream is accepted", "",
     "0x10 - 0 u32:1 str:u=1; " REQ_1, "RESPONSE 1"},
    {9218, "7.1", "PRIORITY_UPDATE on a non-zero stream", "", "0x10 - 1 u32:1 str:u=1",
     "GOAWAY PROTOCOL_ERROR", PRIO},
    {9218, "7.1", "PRIORITY_UPDATE prioritizing stream 0", "", "0x10 - 0 u32:0 str:u=1",
     "GOAWAY PROTOCOL_ERROR", PRIO},
    {9218, "7.1", "PRIORITY_UPDATE with an unparsable field value is ignored", "",
     "0x10 - 0 u32:1 str:u=(((; " REQ_1, "RESPONSE 1"},

    /* RFC 8336 §2.2: ORIGIN on a stream other than 0 "is invalid and MUST be
     * ignored"; servers do not act on ORIGIN (it is for clients) */
    {8336, "2.2", "ORIGIN from a client is ignored by a server", "",
     "0xc - 0 " ORIGIN_ENTRY "; " REQ_1, "RESPONSE 1"},
    {8336, "2.2", "ORIGIN on a non-zero stream is ignored", "", "0xc - 1 " ORIGIN_ENTRY "; " REQ_1,
     "RESPONSE 1"},
};
const size_t check_cases_ext_count = sizeof check_cases_ext / sizeof *check_cases_ext;

#define RESP_1 "HEADERS END_HEADERS 1 resp"

/* Client cases: the server side is h2scope. */
const check_case check_cases_ext_client[] = {
    /* RFC 9218 §2.1, as above, from the server */
    {9218, "2.1", "SETTINGS_NO_RFC7540_PRIORITIES = 2 from the server", "",
     "SETTINGS - 0 u16:9 u32:2", "GOAWAY PROTOCOL_ERROR", PRIO},
    /* RFC 8336 §2.2: an ORIGIN frame on a non-zero stream MUST be ignored */
    {8336, "2.2", "ORIGIN on the request stream is ignored", "",
     "0xc - 1 " ORIGIN_ENTRY "; " RESP_1, "NOTHING"},
};
const size_t check_cases_ext_client_count =
    sizeof check_cases_ext_client / sizeof *check_cases_ext_client;
