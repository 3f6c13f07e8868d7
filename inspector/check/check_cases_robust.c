/* check_cases_robust.c — the robustness group of `h2scope check`: floods and
 * resource attacks (RFC 9113 §10.5 describes them; none is an RFC MUST, so
 * they are reported apart and only run with --robustness). Each case is
 * bounded in frames sent and in time; the verdict is always "pass" and the
 * interesting part is "actual": what the peer did (GOAWAY and its code, a
 * close, or nothing) — the JSON and text output report it. Loopback peers
 * only in tests. */
#include "check_case.h"

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
};
const size_t check_cases_robust_count = sizeof check_cases_robust / sizeof *check_cases_robust;
