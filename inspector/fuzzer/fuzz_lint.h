/* fuzz_lint.h — the `expect NO_LINT ID` of the check language: the case runs
 * with its bytes kept, and the peer's answer is judged by the fuzzer's judge
 * (fuzz_judge.h: read's decoder and the observer of `read --lint`, our own
 * broken frames excused); the case fails when the observer reports the
 * catalogue id ID in the peer's frames. h2scope fuzz writes its protocol
 * findings with it, so `check --cases` reproduces them. */
#ifndef H2SCOPE_FUZZ_LINT_H
#define H2SCOPE_FUZZ_LINT_H

#include <stdbool.h>

#include "check_client.h"
#include "check_run.h"

/* Whether the case expects NO_LINT (and so runs through fuzz_lint_case). */
bool fuzz_lint_wanted(const check_case *cs);

/* Runs the case against t (a server; with client, the client of co) and
 * fills r: fail when the id shows, pass when it does not; a case that could
 * not run keeps check's verdict (skip, connect_failed, a client crash). */
void fuzz_lint_case(const check_target *t, bool client, const check_client_opts *co,
                    const check_case *cs, check_result *r);

#endif
