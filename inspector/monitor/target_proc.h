/* target_proc.h — what /proc says of a target's process group: the resident
 * size (VmRSS of /proc/PID/status) and the CPU time (utime + stime of
 * /proc/PID/stat) summed over every process in the group, so a server that
 * works in child processes (nginx's workers, a shell wrapper's child) is
 * measured whole. Linux only. */
#ifndef H2SCOPE_TARGET_PROC_H
#define H2SCOPE_TARGET_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct target_proc_sample {
  uint64_t rss;       /* bytes, summed over the group */
  double cpu_seconds; /* user + system, summed over the living members */
  unsigned processes; /* members found */
} target_proc_sample;

/* The members seen so far, so the CPU time of those that ended (a worker
 * that exited, a child per connection reaped at once) still counts. Zero it
 * before the first sample of a process group; free with target_proc_track_free. */
typedef struct target_proc_member {
  pid_t pid;
  uint64_t ticks;
} target_proc_member;

typedef struct target_proc_track {
  target_proc_member *seen; /* the members of the last sample */
  size_t n;
  uint64_t retired_ticks; /* CPU of the members that ended */
} target_proc_track;

void target_proc_track_free(target_proc_track *t);

/* Samples the processes whose process group is pgid. With a track, the CPU
 * time is that of the living members plus that of every member seen before
 * that ended since (out->cpu_seconds never goes down); without one, only the
 * living members count. false when /proc cannot be read or no member was
 * found. */
bool target_proc_sample_group(pid_t pgid, target_proc_track *track, target_proc_sample *out);

/* The pieces of one /proc/PID/stat line that matter here: the process group
 * (field 5) and utime + stime (fields 14 and 15) in clock ticks. The command
 * name (field 2) is skipped whatever it holds: it ends at the last ')'. */
bool target_proc_parse_stat(const char *line, pid_t *pgrp, uint64_t *ticks);

/* VmRSS of a /proc/PID/status text, bytes; false when absent (a zombie). */
bool target_proc_parse_status_rss(const char *text, uint64_t *rss);

#endif
