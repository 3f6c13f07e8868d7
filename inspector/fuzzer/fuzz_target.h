/* fuzz_target.h — the peer under fuzzing as a whole, beyond one connection:
 * with a command (`-- CMD`) the target monitor starts it, says when it died
 * (exit, signal, sanitizer report) and how large it grew, and restarts it;
 * without one, only the network tells: a peer that no longer accepts
 * connections has crashed. A canary request on its own connection
 * (canary.h) tells whether a peer still serves others: one that does not
 * answer in time hangs. */
#ifndef H2SCOPE_FUZZ_TARGET_H
#define H2SCOPE_FUZZ_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fuzz_kind { FUZZ_NONE = 0, FUZZ_CRASH, FUZZ_HANG, FUZZ_MEMORY, FUZZ_PROTOCOL, FUZZ_KINDS };

const char *fuzz_kind_name(int kind); /* "crash", "hang", "memory", "protocol" */

typedef struct fuzz_target_opts {
  const char *host, *port;
  bool tls;
  char *const *command;  /* NULL: network only */
  double canary_timeout; /* seconds a canary request may take (hang) */
  uint64_t max_rss;      /* growth over the size after start-up (memory) */
  bool stderr_passthru;  /* -v: the target's stderr to ours */
  bool client;           /* the peer is a client (no canary, no accept check) */
} fuzz_target_opts;

typedef struct fuzz_target fuzz_target;

/* Starts the command (when there is one) and waits until it accepts; NULL
 * with a reason in err. */
fuzz_target *fuzz_target_start(const fuzz_target_opts *o, char *err, size_t cap);
void fuzz_target_stop(fuzz_target *t);
bool fuzz_target_has_command(const fuzz_target *t);

/* After an input: FUZZ_CRASH, FUZZ_HANG, FUZZ_MEMORY or FUZZ_NONE, with a
 * one-line reason in why. `ask`: ask a canary request (it is asked
 * anyway when the connection looked wrong: refused, no SETTINGS). */
int fuzz_target_health(fuzz_target *t, bool ask, bool suspicious, char *why, size_t cap);
/* Restarts the command (after a finding, before each minimization step);
 * false with err. Without a command: false. */
bool fuzz_target_restart(fuzz_target *t, char *err, size_t cap);
/* The target's RSS sampled now (bytes; 0 without a command) and how many
 * times it was started (a restart begins a new history of its size). */
void fuzz_target_rss(fuzz_target *t, uint64_t *now, unsigned *starts);
/* The kept tail of its stderr (sanitizer reports), "" without a command. */
const char *fuzz_target_stderr(fuzz_target *t, size_t *len);

#endif
