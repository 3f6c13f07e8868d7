/* check_cases_client.c — cases for HTTP/2 clients (`h2scope check --client`):
 * h2scope plays a server that, once the client's request on stream 1 has
 * arrived, misbehaves in the case's way; the client's reaction is graded
 * like a server's. Append new cases at the end of their section. */
#include "check_case.h"

/* Most cases leave the last field (needs) out: it is NULL then. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define RFC 9113
#define RESP_1 "HEADERS END_HEADERS 1 resp"

const check_case check_cases_client[] = {
    {RFC, "4.2", "DATA larger than the client's SETTINGS_MAX_FRAME_SIZE", "",
     RESP_1 "; DATA - 1 zeros:16385", "RST_STREAM 1 FRAME_SIZE_ERROR"},
    {RFC, "4.3", "undecodable response field block (index 0)", "",
     "HEADERS END_STREAM|END_HEADERS 1 hex:80", "GOAWAY COMPRESSION_ERROR"},
    {RFC, "5.1", "DATA on an idle stream", "", "DATA - 101 str:x", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "5.1.1", "HEADERS on an odd (client) idle stream from the server", "",
     "HEADERS END_STREAM|END_HEADERS 101 resp", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.1", "DATA on stream 0", "", "DATA - 0 str:x", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.2", "HEADERS padding longer than the payload", "",
     "HEADERS PADDED|END_HEADERS 1 hex:ff resp", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.4", "RST_STREAM on stream 0", "", "RST_STREAM - 0 u32:8", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5", "SETTINGS length not a multiple of 6", "", "SETTINGS - 0 hex:000300",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.5", "SETTINGS on a stream", "", "SETTINGS - 1 u16:3 u32:100", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5", "SETTINGS ACK with a payload", "", "SETTINGS ACK 0 u16:3 u32:100",
     "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.5.2", "SETTINGS_ENABLE_PUSH of 1 from a server", "", "SETTINGS - 0 u16:2 u32:1",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1", "",
     "SETTINGS - 0 u16:4 u32:2147483648", "GOAWAY FLOW_CONTROL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_MAX_FRAME_SIZE below 16384", "", "SETTINGS - 0 u16:5 u32:16383",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.5.2", "SETTINGS_MAX_FRAME_SIZE above 2^24-1", "", "SETTINGS - 0 u16:5 u32:16777216",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.7", "PING on a stream", "", "PING - 1 zeros:8", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.7", "PING of length 7", "", "PING - 0 zeros:7", "GOAWAY FRAME_SIZE_ERROR"},
    {RFC, "6.8", "GOAWAY on a stream", "", "GOAWAY - 1 u32:0 u32:0", "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.9", "WINDOW_UPDATE of 0 on the connection", "", "WINDOW_UPDATE - 0 u32:0",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "6.9.1", "connection window above 2^31-1", "", "WINDOW_UPDATE - 0 u32:2147483647",
     "GOAWAY FLOW_CONTROL_ERROR"},
    {RFC, "6.10", "CONTINUATION without a field block", "", "CONTINUATION END_HEADERS 1 resp",
     "GOAWAY PROTOCOL_ERROR"},
    {RFC, "8.1", "response trailers without END_STREAM", "",
     RESP_1 "; DATA - 1 str:x; HEADERS END_HEADERS 1 fields:x-t=1", "RST_STREAM 1 PROTOCOL_ERROR"},
    {RFC, "8.1.1", "DATA beyond the response's content-length", "",
     "HEADERS END_HEADERS 1 fields::status=200,content-length=1; DATA END_STREAM 1 str:xyz",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {RFC, "8.2.1", "uppercase field name in a response", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::status=200,X-Up=1", "RST_STREAM 1 PROTOCOL_ERROR"},
    {RFC, "8.2.2", "connection-specific field in a response", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::status=200,connection=close",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {RFC, "8.3.2", "response without :status", "", "HEADERS END_STREAM|END_HEADERS 1 fields:x=1",
     "RST_STREAM 1 PROTOCOL_ERROR"},
    {RFC, "8.3.2", "request pseudo-header in a response", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::status=200,:path=/", "RST_STREAM 1 PROTOCOL_ERROR"},
    {RFC, "8.4", "PUSH_PROMISE although the client disabled push", "",
     "PUSH_PROMISE END_HEADERS 1 u32:2 fields::method=GET,:scheme=http,:path=/p,:authority=a",
     "GOAWAY PROTOCOL_ERROR", "enable_push<=0"},
    {7541, "2.3.3", "response field block index beyond the tables", "",
     "HEADERS END_STREAM|END_HEADERS 1 hex:ff00", "GOAWAY COMPRESSION_ERROR"},
    {7541, "5.2", "Huffman string with the EOS symbol in a response", "",
     "HEADERS END_STREAM|END_HEADERS 1 resp hex:0084ffffffff0131", "GOAWAY COMPRESSION_ERROR"},
};
const size_t check_cases_client_count = sizeof check_cases_client / sizeof *check_cases_client;
