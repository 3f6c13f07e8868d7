/* fuzz_exec.c — one input on one connection (fuzz_exec.h). */
#include "fuzz_exec.h"

#include <stdlib.h>
#include <string.h>

static void tap(void *user, int dir, const uint8_t *p, size_t n) {
  fuzz_exec *x = user;
  /* check's dir 0 is what h2scope sent: the client's side unless h2scope
   * plays the server */
  fuzz_transcript_add(&x->tr, x->client ? !dir : dir, p, n, check_now());
}

bool fuzz_exec_init(fuzz_exec *x, const check_target *t, bool client, const check_client_opts *co) {
  memset(x, 0, sizeof *x);
  x->t = *t;
  x->t.tap = tap;
  x->t.tap_user = x;
  x->client = client;
  if (co) x->co = *co;
  fuzz_transcript_init(&x->tr);
  x->judge = fuzz_judge_new();
  return x->judge != NULL;
}

void fuzz_exec_free(fuzz_exec *x) {
  fuzz_judge_free(x->judge);
  fuzz_transcript_free(&x->tr);
}

void fuzz_exec_run(fuzz_exec *x, const fuzz_input *in, const char *expect, fuzz_outcome *o) {
  memset(o, 0, sizeof *o);
  char *frames = fuzz_input_frames(in);
  if (!frames) {
    o->r.verdict = CHECK_SKIP;
    return;
  }
  check_case cs;
  fuzz_input_case(in, frames, "fuzz input", expect, &cs);
  fuzz_exec_case(x, &cs, o);
  free(frames);
}

void fuzz_exec_case(fuzz_exec *x, const check_case *cs, fuzz_outcome *o) {
  memset(o, 0, sizeof *o);
  fuzz_transcript_reset(&x->tr, check_now());
  if (x->client)
    check_client_case(&x->co, &x->t, cs, &o->r);
  else
    check_run_case(&x->t, cs, &o->r);
  fuzz_judge_run(x->judge, &x->tr, x->client ? 0 : 1, &o->r, &o->re);
}
