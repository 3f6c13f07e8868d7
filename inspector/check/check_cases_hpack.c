/* check_cases_hpack.c — server cases for header compression (RFC 7541):
 * every decoding error is a connection error COMPRESSION_ERROR (RFC 9113
 * §4.3). Field blocks are written in hex so each representation is exact.
 * Append new cases at the end of their section. */
#include "check_case.h"

/* Most cases leave the last field (needs) out: it is NULL then. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define RFC 7541
#define HDR "HEADERS END_STREAM|END_HEADERS 1 "
#define CE "GOAWAY COMPRESSION_ERROR"

const check_case check_cases_hpack[] = {
    /* §2.3.3 index address space */
    {RFC, "2.3.3", "field block index beyond the tables", "", HDR "hex:ff00", CE},
    {RFC, "2.3.3", "index 62 with an empty dynamic table", "", HDR "req hex:be", CE},
    {RFC, "2.3.3", "literal with a name index beyond the tables", "", HDR "req hex:7f000131", CE},
    {RFC, "2.3.3", "index 62 after an insertion is accepted", "",
     HDR "req hex:4003782d61"
         "0131 hex:be",
     "RESPONSE 1"},
    {RFC, "2.3.3", "dynamic entry reused in the next block", "",
     HDR "req hex:4003782d61"
         "0131; HEADERS END_STREAM|END_HEADERS 3 req hex:be",
     "RESPONSE 3"},

    /* §4.2 maximum table size */
    {RFC, "4.2", "table size update after a field", "", HDR "hex:8220 req", CE},
    {RFC, "4.2", "table size update to 0 at the start of a block", "", HDR "hex:20 req",
     "RESPONSE 1"},
    {RFC, "4.2", "two table size updates at the start of a block", "", HDR "hex:203fe11f req",
     "RESPONSE 1"},
    {RFC, "4.2", "table size update in the second block", "",
     HDR "req; HEADERS END_STREAM|END_HEADERS 3 hex:3f61 req", "RESPONSE 3"},

    /* §4.4 entry eviction */
    {RFC, "4.4", "reference to an evicted entry", "",
     HDR "req hex:4003782d61 lit:*2000 hex:4003782d62 lit:*2000 hex:4003782d63 lit:*2000 "
         "hex:c0",
     CE},
    {RFC, "4.4", "entries within the table size stay addressable", "",
     HDR "req hex:4003782d61 lit:*2000 hex:4003782d62 lit:*2000 hex:bf", "RESPONSE 1"},
    {RFC, "4.4", "an entry larger than the table empties it", "",
     HDR "req hex:4003782d61 lit:*5000 hex:be", CE},

    /* §5.1 integer representation */
    {RFC, "5.1", "index integer above 2^32-1", "", HDR "hex:ffffffffff7f", CE},
    {RFC, "5.1", "string length integer above 2^32-1", "", HDR "req hex:007fffffffff7f", CE},
    {RFC, "5.1", "integer with too many continuation octets", "",
     HDR "hex:ff8080808080808080808000", CE},
    {RFC, "5.1", "integer cut off at the end of the block", "", HDR "req hex:ff80", CE},

    /* §5.2 string literals */
    {RFC, "5.2", "Huffman string with the EOS symbol", "", HDR "req hex:0084ffffffff0131", CE},
    {RFC, "5.2", "Huffman padding longer than 7 bits", "", HDR "req hex:00821fff0131", CE},
    {RFC, "5.2", "Huffman padding that is not all ones", "", HDR "req hex:0081180131", CE},
    {RFC, "5.2", "string longer than the field block", "", HDR "req hex:00057878", CE},
    {RFC, "5.2", "Huffman-coded request (RFC 7541 C.4.1) is accepted", "",
     HDR "hex:828684418cf1e3c2e5f23a6ba0ab90f4ff", "RESPONSE 1"},

    /* §6.1 indexed field */
    {RFC, "6.1", "indexed field with index 0", "", HDR "req hex:80", CE},

    /* §6.2 literal fields */
    {RFC, "6.2", "never-indexed literal is accepted", "", HDR "req hex:1003782d6e0131",
     "RESPONSE 1"},
    {RFC, "6.2", "literal block truncated inside the value", "", HDR "req hex:0003782d6e05", CE},

    /* §6.3 dynamic table size update */
    {RFC, "6.3", "table size update above the limit", "", HDR "hex:3fe21f req", CE},
    {RFC, "6.3", "table size update of 2^32-1", "", HDR "hex:3fe0ffffff0f req", CE},
};
const size_t check_cases_hpack_count = sizeof check_cases_hpack / sizeof *check_cases_hpack;
