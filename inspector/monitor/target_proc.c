/* target_proc.c — sampling a process group from /proc (target_proc.h). */
#include "target_proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a small /proc file whole into buf (NUL-terminated); false when it
 * cannot be opened (the process ended meanwhile) or read. */
static bool read_small(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t len = 0;
  while (len + 1 < cap) {
    ssize_t n = read(fd, buf + len, cap - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = '\0';
  return len > 0;
}

bool target_proc_parse_stat(const char *line, pid_t *pgrp, uint64_t *ticks) {
  const char *p = strrchr(line, ')');
  if (!p) return false;
  char state;
  int group;
  unsigned long long utime, stime;
  /* fields 3 .. 15: state ppid pgrp session tty_nr tpgid flags minflt
   * cminflt majflt cmajflt utime stime (proc(5)) */
  if (sscanf(p + 1, " %c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &state, &group, &utime,
             &stime) != 4)
    return false;
  *pgrp = (pid_t)group;
  *ticks = (uint64_t)utime + (uint64_t)stime;
  return true;
}

bool target_proc_parse_status_rss(const char *text, uint64_t *rss) {
  const char *p = strstr(text, "\nVmRSS:");
  if (!p) return false;
  unsigned long long kib;
  if (sscanf(p + 7, " %llu kB", &kib) != 1) return false;
  *rss = (uint64_t)kib * 1024u;
  return true;
}

static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return false;
  return true;
}

void target_proc_track_free(target_proc_track *t) {
  free(t->seen);
  memset(t, 0, sizeof *t);
}

/* The members of this sample replace those of the last one; a member of the
 * last one that is gone retires with its last CPU time. */
static void reconcile(target_proc_track *t, target_proc_member *now, size_t n) {
  for (size_t i = 0; i < t->n; i++) {
    bool alive = false;
    for (size_t k = 0; k < n && !alive; k++)
      alive = now[k].pid == t->seen[i].pid && now[k].ticks >= t->seen[i].ticks;
    if (!alive) t->retired_ticks += t->seen[i].ticks;
  }
  free(t->seen);
  t->seen = now;
  t->n = n;
}

bool target_proc_sample_group(pid_t pgid, target_proc_track *track, target_proc_sample *out) {
  memset(out, 0, sizeof *out);
  DIR *d = opendir("/proc");
  if (!d) return false;
  long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0) hz = 100;
  uint64_t ticks_sum = 0;
  target_proc_member *now = NULL;
  size_t n = 0, cap = 0;
  bool track_ok = track != NULL;
  struct dirent *e;
  char path[300], buf[8192];
  while ((e = readdir(d)) != NULL) {
    if (!all_digits(e->d_name) || strlen(e->d_name) > 20) continue;
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    pid_t group;
    uint64_t ticks;
    if (!read_small(path, buf, sizeof buf) || !target_proc_parse_stat(buf, &group, &ticks) ||
        group != pgid)
      continue;
    out->processes++;
    ticks_sum += ticks;
    if (track_ok && n == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      target_proc_member *grown = realloc(now, ncap * sizeof *grown);
      track_ok = grown != NULL;
      if (grown) {
        now = grown;
        cap = ncap;
      }
    }
    if (track_ok) now[n++] = (target_proc_member){(pid_t)atol(e->d_name), ticks};
    snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
    uint64_t rss;
    if (read_small(path, buf, sizeof buf) && target_proc_parse_status_rss(buf, &rss))
      out->rss += rss;
  }
  closedir(d);
  if (track_ok) {
    reconcile(track, now, n);
    ticks_sum += track->retired_ticks;
  } else {
    free(now); /* no memory to track: the living members only, this time */
  }
  out->cpu_seconds = (double)ticks_sum / (double)hz;
  return out->processes > 0;
}
