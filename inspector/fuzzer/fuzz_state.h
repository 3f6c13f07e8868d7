/* fuzz_state.h — the state of one `h2scope fuzz` run, shared by the loop
 * (fuzz_run.c) and the handling of findings (fuzz_finding.c); internal to
 * the fuzzer wing. */
#ifndef H2SCOPE_FUZZ_STATE_H
#define H2SCOPE_FUZZ_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "fuzz_exec.h"
#include "fuzz_hashset.h"
#include "fuzz_rng.h"
#include "fuzz_run.h"
#include "h2/observer.h"

#define FUZZ_WHY_SEEN 32
#define FUZZ_RECENT 4
#define FUZZ_FAVOURED 16
#define FUZZ_RSS_STEP (64u * 1024) /* 16 pages: one leaked buffer of 64 KiB counts */
/* A memory finding is judged over this many runs of its input on a
 * restarted target (growth per run above --max-rss / FUZZ_MEMORY_REPEAT):
 * a leak that piles up over many inputs is pinned on one that leaks by
 * itself, and its case (`repeat` FUZZ_MEMORY_REPEAT, `expect MEMORY`)
 * reproduces it with check -- SERVER. */
#define FUZZ_MEMORY_REPEAT 16

typedef struct fuzz_state {
  const fuzz_options *o;
  const fuzz_callbacks *cb;
  fuzz_stats *st;
  fuzz_exec x;
  fuzz_rng rng;
  check_build_ctx ctx;
  fuzz_hashset reactions, inputs;
  bool protocol_seen[H2_OBSERVER_RULE_MAX + 1];
  /* crash, hang and memory findings already reported, by kind and reason */
  uint64_t why_seen[FUZZ_WHY_SEEN];
  size_t nwhy;
  bool memory_reported; /* memory: once per run, when confirmed */
  /* the inputs run last, newest at recent[0]: a crash seen only on the
   * next connection belongs to one of them */
  fuzz_input recent[FUZZ_RECENT];
  size_t nrecent;
  /* memory feedback (with a command): the highest RSS seen, and the corpus
   * items after which it rose by FUZZ_RSS_STEP or more, newest last */
  uint64_t rss_high;
  size_t favoured[FUZZ_FAVOURED];
  uint64_t favoured_growth[FUZZ_FAVOURED]; /* how much each one raised the high */
  bool favoured_again[FUZZ_FAVOURED];      /* and whether it grew the target again */
  unsigned rss_starts;                     /* the target's starts when rss_high was taken */
  size_t nfavoured;
  double start;
  bool stop; /* the peer is gone (no command to restart it) or enough findings */
} fuzz_state;

/* One finding of the input just run (x's transcript is its exchange):
 * minimizes, saves, reports, restarts the target when it can. */
void fuzz_finding_handle(fuzz_state *s, int kind, const char *id, const char *why,
                         const fuzz_input *in);

#endif
