/* replay_report.h — the output of `h2scope replay`: one verdict per
 * recorded stream ("match", "differ" with the differences, the live peer's
 * violations and the replay's notes; "skipped" with the reason) as text or
 * JSON Lines ("v":1), then a summary line / object. */
#ifndef H2SCOPE_REPLAY_REPORT_H
#define H2SCOPE_REPLAY_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "out_buf.h"
#include "replay_capture.h"
#include "replay_compare.h"
#include "replay_run.h"

typedef struct replay_totals {
  uint64_t connections, streams, match, differ, skipped;
  uint64_t unreachable; /* connections that could not be made */
} replay_totals;

/* Judges and prints every stream of one replayed connection. */
void replay_report_conn(out_buf *o, bool json, const replay_compare_options *co,
                        const replay_conn *rc, const replay_conn_result *r, replay_totals *tot);
/* The closing summary; exit is the status the command returns. */
void replay_report_summary(out_buf *o, bool json, const replay_totals *tot, int exit_status);

#endif
