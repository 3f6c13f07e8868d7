/* check_cases_robust.c — the robustness group of `h2scope check`: floods and
 * resource attacks (RFC 9113 §10.5 describes them; none is an RFC MUST, so
 * they are reported apart and only run with --robustness). Each case is
 * bounded in frames sent and in time; the verdict is always "pass" and the
 * interesting part is "actual": what the peer did (GOAWAY and its code, a
 * close, or nothing) — the JSON and text output report it. Loopback peers
 * only in tests. */
#include "check_case.h"

/* The fields after `alone` (repeat) are left out: zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* Every case here runs alone (the last field, `alone`): a flood measures the
 * server as a whole, and other connections at the same time would blur it. */
const check_case check_cases_robust[] = {
    {0, "rapid-reset", "1000 requests each reset at once (CVE-2023-44487)", "",
     "LOOP 1000 2: HEADERS END_STREAM|END_HEADERS 1 req & RST_STREAM - 1 u32:8", "ANY", NULL, true},
    {0, "continuation-flood", "10000 empty CONTINUATION frames in one field block", "",
     "HEADERS END_STREAM 1 req; CONTINUATION - 1 repeat:10000", "ANY", NULL, true},
    {0, "settings-flood", "10000 SETTINGS frames", "", "SETTINGS - 0 u16:3 u32:100 repeat:10000",
     "ANY", NULL, true},
    {0, "ping-flood", "10000 PING frames", "", "PING - 0 zeros:8 repeat:10000", "ANY", NULL, true},
    {0, "empty-data-flood", "10000 empty DATA frames on one stream", "",
     "HEADERS END_HEADERS 1 post; DATA - 1 repeat:10000", "ANY", NULL, true},
    {0, "hpack-bomb", "one 4 KB dynamic entry referenced 4000 times (16 MB of fields)", "",
     "HEADERS END_STREAM|END_HEADERS 1 req hex:4003782d62 lit:*4000 rep:4000:be", "ANY", NULL,
     true},
    {0, "zero-window-stall", "SETTINGS_INITIAL_WINDOW_SIZE 0, then a request that is never read",
     "", "SETTINGS - 0 u16:4 u32:0; HEADERS END_STREAM|END_HEADERS 1 req", "ANY", NULL, true},
    /* MadeYouReset (CVE-2025-8671): each request is followed by a frame the
     * server must answer with RST_STREAM (§6.9: a WINDOW_UPDATE increment of
     * 0 on a stream is a stream error PROTOCOL_ERROR), so the server resets
     * the streams itself after starting their work: a rapid reset that
     * counters of RST_STREAM received do not see. */
    {0, "madeyoureset", "5000 requests each followed by a WINDOW_UPDATE of 0 (CVE-2025-8671)", "",
     "LOOP 5000 2: HEADERS END_HEADERS 1 req & WINDOW_UPDATE - 1 u32:0", "ANY", NULL, true},
    {0, "window-update-flood", "10000 WINDOW_UPDATE frames of 1 on the connection", "",
     "WINDOW_UPDATE - 0 u32:1 repeat:10000", "ANY", NULL, true},
    /* CVE-2019-9516: literal fields without indexing (RFC 7541 §6.2.2) with
     * an empty name and an empty value, 4000 in each of 100 requests */
    {0, "zero-length-headers", "100 requests of 4000 empty header fields each (CVE-2019-9516)", "",
     "LOOP 100 2: HEADERS END_STREAM|END_HEADERS 1 req rep:4000:000000", "ANY", NULL, true},
    /* CVE-2019-9517: the responses cannot be sent (window 0) and are never
     * read; a server that queues them whole holds them all in memory */
    {0, "data-buffering",
     "SETTINGS_INITIAL_WINDOW_SIZE 0, then 100 requests whose responses are never read "
     "(CVE-2019-9517)",
     "", "SETTINGS - 0 u16:4 u32:0; LOOP 100 2: HEADERS END_STREAM|END_HEADERS 1 req", "ANY", NULL,
     true},
    /* §5.1.1: stream ids cannot be reused; a client that runs out sends
     * 0x7FFFFFFF last. Requests from 0x7FFFFF01 up to it, then 0x80000001:
     * with the reserved bit ignored that is stream 1, lower than the ones
     * opened (a connection error PROTOCOL_ERROR). */
    {0, "stream-id-exhaustion",
     "128 requests on stream ids 0x7FFFFF01 to 0x7FFFFFFF, then one on 0x80000001", "",
     "LOOP 128 2: HEADERS END_STREAM|END_HEADERS 2147483393 req; "
     "HEADERS END_STREAM|END_HEADERS 2147483649 req",
     "ANY", NULL, true},
};
const size_t check_cases_robust_count = sizeof check_cases_robust / sizeof *check_cases_robust;
