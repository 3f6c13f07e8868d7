/* fuzz_target.c — the fuzzed peer's health from the target monitor and
 * canary requests (fuzz_target.h). */
#include "fuzz_target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canary.h"
#include "target_monitor.h"
#include "tcp_connect.h"

struct fuzz_target {
  fuzz_target_opts o;
  target_monitor *mon;
};

const char *fuzz_kind_name(int kind) {
  switch (kind) {
  case FUZZ_CRASH:
    return "crash";
  case FUZZ_HANG:
    return "hang";
  case FUZZ_MEMORY:
    return "memory";
  case FUZZ_PROTOCOL:
    return "protocol";
  default:
    return "none";
  }
}

fuzz_target *fuzz_target_start(const fuzz_target_opts *o, char *err, size_t cap) {
  fuzz_target *t = calloc(1, sizeof *t);
  if (!t) {
    snprintf(err, cap, "out of memory");
    return NULL;
  }
  t->o = *o;
  if (o->command && !o->client) {
    target_monitor_opts mo = {.argv = o->command,
                              .host = o->host,
                              .port = o->port,
                              .ready_timeout = 10,
                              .stderr_passthru = o->stderr_passthru};
    t->mon = target_monitor_start(&mo, err, cap);
    if (!t->mon) {
      free(t);
      return NULL;
    }
  }
  return t;
}

void fuzz_target_stop(fuzz_target *t) {
  if (!t) return;
  target_monitor_stop(t->mon);
  free(t);
}

bool fuzz_target_has_command(const fuzz_target *t) {
  return t->mon != NULL;
}

/* Whether a TCP connection is accepted, tried a few times over ~1 s (a
 * full backlog or a restart in progress is not a crash). */
static bool accepts(const fuzz_target *t) {
  for (int i = 0; i < 5; i++) {
    int gai = 0;
    int fd = tcp_connect(t->o.host, t->o.port, 500, &gai);
    if (fd >= 0) {
      close(fd);
      return true;
    }
    usleep(200000);
  }
  return false;
}

/* Whether the monitored target is down (ended, or wrote a sanitizer
 * report), with why filled; `settle_us` is given to a death the monitor has
 * not reaped yet. */
static bool target_down(fuzz_target *t, target_status *st, unsigned settle_us, char *why,
                        size_t cap) {
  target_monitor_poll(t->mon, st);
  if (!st->exited && !st->sanitizer && st->running) return false;
  if (!st->exited && !st->sanitizer) {
    usleep(settle_us);
    target_monitor_poll(t->mon, st);
  }
  snprintf(why, cap, "%s", st->report[0] ? st->report : "the target exited");
  return true;
}

int fuzz_target_health(fuzz_target *t, bool ask, bool suspicious, char *why, size_t cap) {
  why[0] = 0;
  if (t->mon) {
    target_status st;
    if (target_down(t, &st, 100000, why, cap)) return FUZZ_CRASH;
    if (t->o.max_rss && st.rss > st.rss_start + t->o.max_rss) {
      snprintf(why, cap, "RSS %llu MiB, %llu MiB over %llu MiB after start-up (--max-rss %llu MiB)",
               (unsigned long long)(st.rss >> 20),
               (unsigned long long)((st.rss - st.rss_start) >> 20),
               (unsigned long long)(st.rss_start >> 20), (unsigned long long)(t->o.max_rss >> 20));
      return FUZZ_MEMORY;
    }
  }
  if (t->o.client || (!ask && !suspicious)) return FUZZ_NONE;
  canary_target ct = {.host = t->o.host,
                      .port = t->o.port,
                      .tls = t->o.tls,
                      .path = "/",
                      .timeout = t->o.canary_timeout};
  canary_sample s;
  if (canary_request(&ct, &s)) return FUZZ_NONE;
  if (t->mon) { /* a death the canary saw first */
    target_status st;
    usleep(50000);
    if (target_down(t, &st, 0, why, cap)) return FUZZ_CRASH;
  }
  if (!accepts(t)) {
    snprintf(why, cap, "the target no longer accepts connections (canary: %s)", s.why);
    return FUZZ_CRASH;
  }
  /* one more chance: a peer that was only slow for a moment is no hang */
  if (canary_request(&ct, &s)) return FUZZ_NONE;
  snprintf(why, cap, "canary request not answered: %s", s.why);
  return FUZZ_HANG;
}

bool fuzz_target_restart(fuzz_target *t, char *err, size_t cap) {
  if (!t->mon) {
    snprintf(err, cap, "no command to restart (-- CMD)");
    return false;
  }
  return target_monitor_restart(t->mon, err, cap) == 0;
}

void fuzz_target_rss(fuzz_target *t, uint64_t *now, unsigned *starts) {
  *now = 0;
  *starts = 0;
  if (!t->mon) return;
  target_status st;
  target_monitor_sample_now(t->mon); /* the growth belongs to the input just run */
  target_monitor_poll(t->mon, &st);
  *now = st.rss;
  *starts = st.starts;
}

const char *fuzz_target_stderr(fuzz_target *t, size_t *len) {
  *len = 0;
  if (!t->mon) return "";
  return target_monitor_stderr(t->mon, len);
}
