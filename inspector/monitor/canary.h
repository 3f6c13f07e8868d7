/* canary.h — a normal request on its own connection, to tell whether a peer
 * still serves others while it is being attacked or fuzzed: one GET (the
 * client preface, SETTINGS, a request, the whole response) over TCP or TLS
 * with ALPN h2, through the session library, timed. A canary thread asks one
 * at a fixed interval and keeps the samples per phase (before, during and
 * after an attack) so a robustness verdict can compare them. */
#ifndef H2SCOPE_CANARY_H
#define H2SCOPE_CANARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct canary_target {
  const char *host;
  const char *port;
  bool tls;         /* TLS with ALPN h2, certificate not verified */
  const char *path; /* default "/" */
  double timeout;   /* seconds for one whole request (default 2) */
} canary_target;

typedef struct canary_sample {
  bool answered;  /* a complete response (any :status) within the timeout */
  int status;     /* its :status, 0 when none */
  double seconds; /* from connect to the end of the response (or to the failure) */
  char why[128];  /* when not answered: "connect: Connection refused", "timeout after 2 s", ... */
} canary_sample;

/* One request now, on a new connection; blocks at most t->timeout. Returns
 * s->answered. */
bool canary_request(const canary_target *t, canary_sample *s);

enum canary_phase { CANARY_BEFORE = 0, CANARY_DURING = 1, CANARY_AFTER = 2, CANARY_PHASES = 3 };

typedef struct canary_stats {
  unsigned sent, answered; /* requests in the phase, and those answered in time */
  double median, p95, max; /* seconds, over the answered ones (0 when none) */
  char why[128];           /* why the phase's last unanswered request failed ("" when none) */
} canary_stats;

typedef struct canary canary;

/* A thread that sends a canary request every `interval` seconds (the next
 * starts when the last ended if it took longer) into the current phase,
 * which starts as CANARY_BEFORE. NULL when the thread cannot be started. */
canary *canary_start(const canary_target *t, double interval);
void canary_set_phase(canary *c, enum canary_phase p);
/* Samples so far of phase p (safe while the thread runs). */
void canary_phase_stats(canary *c, enum canary_phase p, canary_stats *out);
/* Waits until phase p holds at least n samples (answered or not), the
 * thread stopped, or `timeout` seconds passed; true when the samples are
 * there. */
bool canary_wait_samples(canary *c, enum canary_phase p, unsigned n, double timeout);
/* Stops the thread (waits for the request in flight) and frees. NULL is fine. */
void canary_stop(canary *c);

#endif
