/* target_monitor.h — a target process under watch, for `h2scope fuzz -- CMD`
 * and the robustness verdicts of `h2scope check -- CMD`: starts the command,
 * waits until it accepts connections, keeps the tail of its stderr (where
 * sanitizers report), samples its resident size and CPU time from /proc,
 * notices when it exits or dies of a signal, and restarts it on request.
 * Nothing here speaks HTTP/2; canary.h does. One monitor per target, used
 * from one thread. */
#ifndef H2SCOPE_TARGET_MONITOR_H
#define H2SCOPE_TARGET_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct target_monitor target_monitor;

typedef struct target_monitor_opts {
  char *const *argv; /* the command and its arguments (argv[0] looked up in PATH) */
  const char *host;  /* where the target accepts connections once ready */
  const char *port;
  double ready_timeout; /* seconds to wait for the first accepted connection (default 10) */
  size_t stderr_keep;   /* bytes of the target's stderr kept (the last ones; default 64 KiB) */
  bool stderr_passthru; /* also copy the target's stderr to ours (-v) */
} target_monitor_opts;

/* What the monitor knows of the target after target_monitor_poll. */
typedef struct target_status {
  pid_t pid; /* the running process (0 when it is not running) */
  bool running;
  bool exited;        /* it ended since the last start: exit_code or signal says how */
  int exit_code;      /* when it exited normally */
  int signal;         /* the signal that killed it, 0 when none */
  bool sanitizer;     /* its stderr holds a sanitizer report ("ERROR: AddressSanitizer",
                         "runtime error:", "ERROR: LeakSanitizer", ...) since the last start */
  char report[256];   /* the first line of that report, or of the death ("killed by SIGSEGV") */
  uint64_t rss;       /* VmRSS now, bytes */
  uint64_t rss_start; /* VmRSS once it accepted its first connection (the baseline) */
  uint64_t rss_peak;  /* the largest VmRSS sampled since the last start */
  double cpu_seconds; /* user + system CPU time since the last start */
  unsigned starts;    /* how many times it was started (1 + restarts) */
} target_status;

/* Starts the target and waits until a TCP connection to host:port is
 * accepted (or ready_timeout passes). Returns NULL with a one-line reason in
 * err when it cannot be started or never accepted. */
target_monitor *target_monitor_start(const target_monitor_opts *o, char *err, size_t err_cap);

/* Reaps the process if it ended, drains its stderr, samples /proc. Never
 * blocks for more than a few milliseconds. */
void target_monitor_poll(target_monitor *m, target_status *st);

/* Samples /proc now, however recently it was sampled (poll samples at
 * most every 20 ms): for a caller that pins a growth on what it just did. */
void target_monitor_sample_now(target_monitor *m);

/* Stops the target if it runs (SIGTERM, SIGKILL after 2 s), starts it again
 * and waits until it accepts. 0 on success, -1 with err filled. */
int target_monitor_restart(target_monitor *m, char *err, size_t err_cap);

/* The kept tail of the target's stderr since the last start. */
const char *target_monitor_stderr(const target_monitor *m, size_t *len);

/* Stops the target (as restart does) and frees the monitor. NULL is fine. */
void target_monitor_stop(target_monitor *m);

#endif
