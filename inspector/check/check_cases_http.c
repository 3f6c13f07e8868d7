/* check_cases_http.c — server cases for HTTP message exchange over RFC 9113
 * (§8: messages, content-length, trailers, field validity, connection-
 * specific fields, pseudo-header fields, CONNECT, push). A malformed request
 * is a stream error PROTOCOL_ERROR (§8.1.1); a response before the reset is
 * allowed, a response instead of it is graded lenient. Append new cases at
 * the end of their section. */
#include "check_case.h"

/* Most cases leave the last field (needs) out: it is NULL then. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define RFC 9113
#define POST_1 "HEADERS END_HEADERS 1 post"
#define GET "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=/"
#define GET_A GET ",:authority=localhost"
#define MALFORMED "RST_STREAM 1 PROTOCOL_ERROR"

const check_case check_cases_http[] = {
    /* §8.1 HTTP message framing */
    {RFC, "8.1", "valid request", "", "HEADERS END_STREAM|END_HEADERS 1 req", "RESPONSE 1"},
    {RFC, "8.1", "trailers without END_STREAM", "", POST_1 "; HEADERS END_HEADERS 1 fields:x=1",
     MALFORMED},
    {RFC, "8.1", "pseudo-header in trailers", "",
     POST_1 "; HEADERS END_STREAM|END_HEADERS 1 fields::method=GET", MALFORMED},
    {RFC, "8.1", "request with a body and trailers", "",
     POST_1 "; DATA - 1 str:x; HEADERS END_STREAM|END_HEADERS 1 fields:x-t=1", "RESPONSE 1"},
    {RFC, "8.1", "trailers right after the request headers", "",
     POST_1 "; HEADERS END_STREAM|END_HEADERS 1 fields:x-t=1", "RESPONSE 1"},
    {RFC, "8.1", "DATA before the request HEADERS", "", "DATA END_STREAM 1 str:x",
     "GOAWAY PROTOCOL_ERROR"},

    /* §8.1.1 malformed messages: content-length */
    {RFC, "8.1.1", "content-length larger than the DATA", "",
     "HEADERS END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=3; "
     "DATA END_STREAM 1 str:x",
     MALFORMED},
    {RFC, "8.1.1", "DATA beyond content-length", "",
     "HEADERS END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=1; "
     "DATA - 1 str:xyz",
     MALFORMED},
    {RFC, "8.1.1", "matching content-length", "",
     "HEADERS END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=3; "
     "DATA END_STREAM 1 str:xyz",
     "RESPONSE 1"},
    {RFC, "8.1.1", "content-length on a request without DATA", "",
     "HEADERS END_STREAM|END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=5",
     MALFORMED},
    {RFC, "8.1.1", "content-length split over two DATA frames, one octet short", "",
     "HEADERS END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=4; "
     "DATA - 1 str:x; DATA END_STREAM 1 str:yz",
     MALFORMED},
    {RFC, "8.1.1", "content-length of 0 with DATA", "",
     "HEADERS END_HEADERS 1 "
     "fields::method=POST,:scheme=http,:path=/,:authority=a,content-length=0; "
     "DATA END_STREAM 1 str:x",
     MALFORMED},

    /* §8.2.1 field validity */
    {RFC, "8.2.1", "uppercase field name", "", GET ",X-Up=1", MALFORMED},
    {RFC, "8.2.1", "field value with a line feed", "", GET ",x=a\\nb", MALFORMED},
    {RFC, "8.2.1", "field value with a carriage return", "",
     GET " hex:0001780361"
         "0d62",
     MALFORMED},
    {RFC, "8.2.1", "field value with NUL", "",
     GET " hex:000178036100"
         "62",
     MALFORMED},
    {RFC, "8.2.1", "field name with a space", "",
     GET " hex:0003782079"
         "0131",
     MALFORMED},
    {RFC, "8.2.1", "field name with a colon", "", GET ",x:y=1", MALFORMED},
    {RFC, "8.2.1", "empty field name", "",
     GET " hex:0000"
         "0131",
     MALFORMED},
    {RFC, "8.2.1", "field name with DEL (0x7f)", "",
     GET " hex:00027f78"
         "0131",
     MALFORMED},
    {RFC, "8.2.1", "field name with a non-ASCII octet", "",
     GET " hex:0002e978"
         "0131",
     MALFORMED},
    {RFC, "8.2.1", "field value starting with a space", "", GET " hex:000178022061", MALFORMED},
    {RFC, "8.2.1", "field value ending with a tab", "", GET " hex:000178026109", MALFORMED},
    {RFC, "8.2.1", "uppercase letter in a pseudo-header name", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:Path=/", MALFORMED},

    /* §8.2.2 connection-specific fields */
    {RFC, "8.2.2", "connection-specific field", "", GET ",connection=close", MALFORMED},
    {RFC, "8.2.2", "TE other than trailers", "", GET ",te=gzip", MALFORMED},
    {RFC, "8.2.2", "TE: trailers is allowed", "", GET_A ",te=trailers", "RESPONSE 1"},
    {RFC, "8.2.2", "keep-alive field", "", GET ",keep-alive=timeout=5", MALFORMED},
    {RFC, "8.2.2", "proxy-connection field", "", GET ",proxy-connection=keep-alive", MALFORMED},
    {RFC, "8.2.2", "transfer-encoding field", "", GET ",transfer-encoding=chunked", MALFORMED},
    {RFC, "8.2.2", "upgrade field", "", GET ",upgrade=h2c", MALFORMED},

    /* §8.2.3 cookies */
    {RFC, "8.2.3", "split cookie fields are accepted", "", GET_A ",cookie=a=1,cookie=b=2",
     "RESPONSE 1"},

    /* §8.3 pseudo-header fields */
    {RFC, "8.3", "unknown pseudo-header", "", GET ",:foo=1", MALFORMED},
    {RFC, "8.3", "response pseudo-header in a request", "", GET ",:status=200", MALFORMED},
    {RFC, "8.3", "pseudo-header after a regular field", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,x=1,:path=/", MALFORMED},
    {RFC, "8.3", "pseudo-header in trailers after DATA", "",
     POST_1 "; DATA - 1 str:x; HEADERS END_STREAM|END_HEADERS 1 fields::path=/", MALFORMED},

    /* §8.3.1 request pseudo-header fields */
    {RFC, "8.3.1", "duplicate :path", "", GET ",:path=/", MALFORMED},
    {RFC, "8.3.1", "missing :method", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::scheme=http,:path=/", MALFORMED},
    {RFC, "8.3.1", "empty :path", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:path=", MALFORMED},
    {RFC, "8.3.1", "duplicate :method", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:method=GET,:scheme=http,:path=/",
     MALFORMED},
    {RFC, "8.3.1", "duplicate :scheme", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:scheme=http,:path=/",
     MALFORMED},
    {RFC, "8.3.1", "missing :scheme", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:path=/,:authority=a", MALFORMED},
    {RFC, "8.3.1", "missing :path", "",
     "HEADERS END_STREAM|END_HEADERS 1 fields::method=GET,:scheme=http,:authority=a", MALFORMED},
    {RFC, "8.3.1", "duplicate :authority", "", GET_A ",:authority=localhost", MALFORMED},

    /* §8.4 server push */
    {RFC, "8.4", "PUSH_PROMISE from a client", "", POST_1 "; PUSH_PROMISE END_HEADERS 1 u32:2 req",
     "GOAWAY PROTOCOL_ERROR"},

    /* §8.5 CONNECT */
    {RFC, "8.5", "CONNECT with :path", "",
     "HEADERS END_HEADERS 1 fields::method=CONNECT,:authority=a:443,:path=/", MALFORMED},
    {RFC, "8.5", "CONNECT with :scheme", "",
     "HEADERS END_HEADERS 1 fields::method=CONNECT,:authority=a:443,:scheme=http", MALFORMED},
    {RFC, "8.5", "CONNECT without :authority", "", "HEADERS END_HEADERS 1 fields::method=CONNECT",
     MALFORMED},
};
const size_t check_cases_http_count = sizeof check_cases_http / sizeof *check_cases_http;
