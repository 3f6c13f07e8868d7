/* fuzz_run.h — `h2scope fuzz` as an engine: runs every seed once, then
 * mutated inputs picked from the corpus, one connection each, until the
 * run count or the time is used up; inputs whose reaction signature is new
 * join the corpus. After each input it asks the peer's health (fuzz_target.h)
 * and the observer's judgement (fuzz_judge.h); a finding is minimized,
 * checked again and saved in the output directory as a case file and a
 * capture (fuzz_finding.c), and the target restarted when there is a
 * command. The engine prints nothing: findings, progress and new reactions
 * go to the caller's callbacks. */
#ifndef H2SCOPE_FUZZ_RUN_H
#define H2SCOPE_FUZZ_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_client.h"
#include "check_run.h"
#include "fuzz_corpus.h"
#include "fuzz_target.h"

typedef struct fuzz_options {
  check_target target; /* host, port, tls, path, timeout (seconds per input) */
  bool client;         /* --client: the peer connects to us (co) */
  check_client_opts co;
  fuzz_target *peer; /* started by the caller */
  uint64_t seed;
  double time_limit;     /* seconds, 0: none */
  uint64_t runs;         /* inputs, 0: none (at least one of the two is set) */
  uint32_t max_findings; /* stop after this many, 0: never */
  unsigned stop_on;      /* stop at the first finding of these kinds (1 << kind) */
  double canary_every;   /* seconds between canary requests (hang) */
  double minimize_time;  /* seconds per finding */
  unsigned minimize_tries;
  const char *out_dir;         /* where findings are saved (exists) */
  const char *argv_text;       /* the command line, for the case files' comment */
  volatile sig_atomic_t *stop; /* set by a signal: the run ends after the input */
} fuzz_options;

typedef struct fuzz_stats {
  uint64_t execs;       /* inputs run */
  uint64_t connections; /* inputs, canary requests and minimization runs */
  uint64_t reactions;   /* distinct reaction signatures */
  uint64_t corpus;
  uint64_t findings;
  uint64_t by_kind[FUZZ_KINDS];
  uint64_t seeds;
  unsigned restarts;
  double seconds;
  bool peer_gone; /* the run ended because the peer crashed or hung without -- CMD */
} fuzz_stats;

typedef struct fuzz_finding {
  int kind;       /* enum fuzz_kind */
  unsigned n;     /* its number among the findings of its kind (1-based) */
  const char *id; /* protocol: the observer's catalogue id; else NULL */
  char why[320];
  uint64_t exec;  /* the input that showed it */
  double seconds; /* since the run began */
  char origin[96];
  size_t lines_found, lines_saved;
  unsigned tries;  /* minimization runs */
  bool minimized;  /* the predicate could be run (a command, or a protocol finding) */
  bool reproduced; /* the saved input showed it again */
  char case_path[512], pcap_path[512];
  char save_error[256]; /* "" when both files were written */
} fuzz_finding;

typedef struct fuzz_callbacks {
  void (*on_finding)(void *user, const fuzz_finding *f);
  void (*on_progress)(void *user, const fuzz_stats *s);                  /* about twice a second */
  void (*on_reaction)(void *user, uint64_t exec, const char *signature); /* a new one */
  void *user;
} fuzz_callbacks;

/* Runs the fuzzer over corpus (the seeds; inputs are added to it). Returns
 * 0, or -1 with a reason in err when it could not start. */
int fuzz_run(const fuzz_options *o, fuzz_corpus *corpus, const fuzz_callbacks *cb, fuzz_stats *st,
             char *err, size_t cap);

#endif
