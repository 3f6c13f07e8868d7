/* check_pool.h — `h2scope check -j N`: runs server cases on N connections
 * at once (one worker thread per connection slot, each case still on its own
 * connection, check_run.h) and hands the results back in case order, so the
 * report is the same as one case at a time. Cases marked `alone`
 * (check_case.h) run after all the others, one at a time. */
#ifndef H2SCOPE_CHECK_POOL_H
#define H2SCOPE_CHECK_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "check_report.h"
#include "check_run.h"

/* Called on the calling thread for each entry, in order, once its result is
 * in; false stops the run (no further case is started; cases already
 * running finish, their results are not handed back). */
typedef bool (*check_pool_take)(void *user, check_report_entry *e);

/* Runs the cases of e[0..n) (group and index set) against t with up to
 * `jobs` at a time, filling each e[k].result. */
void check_pool_run(const check_target *t, check_report_entry *e, size_t n, unsigned jobs,
                    check_pool_take take, void *user);

#endif
