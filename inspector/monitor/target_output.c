/* target_output.c — the drain thread of a target's output (target_output.h). */
#define _GNU_SOURCE /* memmem */
#include "target_output.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How often the thread looks at its stop flag while the pipe is quiet. */
#define OUTPUT_POLL_MS 100

struct target_output {
  int fd;
  bool passthru;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool stopping, ended;
  char *tail, *snap;
  size_t keep, len;
  char line[1024]; /* the line being received (its first bytes when longer) */
  size_t line_len;
  bool reported;
  char report[256];
};

/* The words sanitizers start their reports with (compiler-rt's report
 * headers: "==PID==ERROR: AddressSanitizer: ...", "file.c:3:5: runtime
 * error: ...", "WARNING: ThreadSanitizer: data race", "WARNING:
 * MemorySanitizer: use-of-uninitialized-value"). */
static const char *const report_markers[] = {
    "ERROR: AddressSanitizer", "ERROR: HWAddressSanitizer", "ERROR: LeakSanitizer",
    "runtime error:",          "ThreadSanitizer",           "MemorySanitizer",
};

bool target_output_is_report(const char *line, size_t len) {
  for (size_t i = 0; i < sizeof report_markers / sizeof report_markers[0]; i++)
    if (memmem(line, len, report_markers[i], strlen(report_markers[i]))) return true;
  return false;
}

/* With o->mu held. */
static void end_line(target_output *o) {
  if (!o->reported && target_output_is_report(o->line, o->line_len)) {
    size_t n = o->line_len < sizeof o->report - 1 ? o->line_len : sizeof o->report - 1;
    memcpy(o->report, o->line, n);
    o->report[n] = '\0';
    o->reported = true;
  }
  o->line_len = 0;
}

/* With o->mu held: the bytes join the tail (its last `keep` bytes stay) and
 * the line scan. */
static void take_bytes(target_output *o, const char *p, size_t n) {
  if (n >= o->keep) {
    memcpy(o->tail, p + (n - o->keep), o->keep);
    o->len = o->keep;
  } else {
    if (o->len + n > o->keep) {
      size_t drop = o->len + n - o->keep;
      memmove(o->tail, o->tail + drop, o->len - drop);
      o->len -= drop;
    }
    memcpy(o->tail + o->len, p, n);
    o->len += n;
  }
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\n')
      end_line(o);
    else if (o->line_len < sizeof o->line)
      o->line[o->line_len++] = p[i];
  }
}

static bool stop_asked(target_output *o) {
  pthread_mutex_lock(&o->mu);
  bool s = o->stopping;
  pthread_mutex_unlock(&o->mu);
  return s;
}

static void copy_to_stderr(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(2, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

static void *drain(void *arg) {
  target_output *o = arg;
  char buf[4096];
  while (!stop_asked(o)) {
    struct pollfd pf = {.fd = o->fd, .events = POLLIN};
    int r = poll(&pf, 1, OUTPUT_POLL_MS);
    if (r == 0 || (r < 0 && errno == EINTR)) continue;
    ssize_t n = r > 0 ? read(o->fd, buf, sizeof buf) : -1;
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    pthread_mutex_lock(&o->mu);
    if (n > 0) {
      take_bytes(o, buf, (size_t)n);
    } else {
      if (o->line_len) end_line(o); /* a last line without its newline */
      o->ended = true;
      pthread_cond_broadcast(&o->cv);
    }
    pthread_mutex_unlock(&o->mu);
    if (n <= 0) break;
    if (o->passthru) copy_to_stderr(buf, (size_t)n);
  }
  return NULL;
}

target_output *target_output_start(int fd, size_t keep, bool passthru) {
  target_output *o = calloc(1, sizeof *o);
  if (o) {
    o->tail = malloc(keep);
    o->snap = malloc(keep + 1);
  }
  if (!o || !o->tail || !o->snap) {
    if (o) {
      free(o->tail);
      free(o->snap);
    }
    free(o);
    close(fd);
    return NULL;
  }
  o->fd = fd;
  o->keep = keep;
  o->passthru = passthru;
  pthread_mutex_init(&o->mu, NULL);
  pthread_cond_init(&o->cv, NULL);
  if (pthread_create(&o->thread, NULL, drain, o) != 0) {
    pthread_mutex_destroy(&o->mu);
    pthread_cond_destroy(&o->cv);
    free(o->tail);
    free(o->snap);
    free(o);
    close(fd);
    return NULL;
  }
  return o;
}

bool target_output_wait_end(target_output *o, int timeout_ms) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&o->mu);
  while (!o->ended)
    if (pthread_cond_timedwait(&o->cv, &o->mu, &until) != 0) break;
  bool ended = o->ended;
  pthread_mutex_unlock(&o->mu);
  return ended;
}

bool target_output_report(target_output *o, char *line, size_t cap) {
  pthread_mutex_lock(&o->mu);
  bool r = o->reported;
  if (r && cap) {
    size_t n = strlen(o->report);
    if (n >= cap) n = cap - 1;
    memcpy(line, o->report, n);
    line[n] = '\0';
  }
  pthread_mutex_unlock(&o->mu);
  return r;
}

const char *target_output_tail(target_output *o, size_t *len) {
  pthread_mutex_lock(&o->mu);
  memcpy(o->snap, o->tail, o->len);
  o->snap[o->len] = '\0';
  *len = o->len;
  pthread_mutex_unlock(&o->mu);
  return o->snap;
}

void target_output_stop(target_output *o) {
  if (!o) return;
  pthread_mutex_lock(&o->mu);
  o->stopping = true;
  pthread_mutex_unlock(&o->mu);
  pthread_join(o->thread, NULL);
  close(o->fd);
  pthread_mutex_destroy(&o->mu);
  pthread_cond_destroy(&o->cv);
  free(o->tail);
  free(o->snap);
  free(o);
}
