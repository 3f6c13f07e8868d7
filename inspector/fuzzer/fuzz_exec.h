/* fuzz_exec.h — one input run against the peer on a connection of its own,
 * through check's machinery (check_run.h against a server, check_client.h
 * against a client that connects to us): the handshake, each line followed
 * by the marker PING, the wait until the reaction is decided; the bytes of
 * both directions are kept (check_target.tap) and judged (fuzz_judge.h). */
#ifndef H2SCOPE_FUZZ_EXEC_H
#define H2SCOPE_FUZZ_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "check_client.h"
#include "check_run.h"
#include "fuzz_input.h"
#include "fuzz_judge.h"

typedef struct fuzz_exec {
  check_target t;
  bool client;          /* the peer is a client (check_client_case) */
  check_client_opts co; /* with client */
  fuzz_transcript tr;   /* the last input's bytes */
  fuzz_judge *judge;
} fuzz_exec;

typedef struct fuzz_outcome {
  check_result r;
  fuzz_reaction re;
} fuzz_outcome;

/* t and co are copied; false when memory is short. */
bool fuzz_exec_init(fuzz_exec *x, const check_target *t, bool client, const check_client_opts *co);
void fuzz_exec_free(fuzz_exec *x);
/* Runs in with the expectation `expect` ("ANY": none) and judges it. */
void fuzz_exec_run(fuzz_exec *x, const fuzz_input *in, const char *expect, fuzz_outcome *o);
/* Runs a case as it is (its expectation graded by check) and judges it. */
void fuzz_exec_case(fuzz_exec *x, const check_case *cs, fuzz_outcome *o);

#endif
