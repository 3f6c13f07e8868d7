/* target_monitor.c — starting, watching and stopping a target process
 * (target_monitor.h). The target runs in its own process group, so the
 * signals that stop it reach its children too (a shell wrapper's server,
 * nginx's workers) and /proc is sampled over the whole group; its stdout and
 * stderr go into one pipe drained by target_output.c (a server's stdout must
 * not mix with h2scope's own output, --json above all). */
#define _GNU_SOURCE /* pipe2, close_range, dup3, sigabbrev_np */
#include "target_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "target_output.h"
#include "target_proc.h"
#include "tcp_connect.h"

/* /proc is read at most this often: poll may be called once per fuzzer
 * execution, and a scan reads two files per process of the machine. */
#define MONITOR_SAMPLE_MS 20u
/* How long a stopped target gets between SIGTERM and SIGKILL. */
#define MONITOR_TERM_MS 2000u
/* Once the target died, how long we wait for the rest of its output (a
 * sanitizer's report is written before the process ends, but may still be
 * in the pipe). */
#define MONITOR_DRAIN_MS 500

struct target_monitor {
  char **argv;
  char *host, *port;
  double ready_timeout;
  size_t keep;
  bool passthru;
  pid_t pid; /* also the process group; 0 when not running */
  target_output *out;
  bool exited;
  int exit_code, signal;
  char death[256];
  uint64_t rss, rss_start, rss_peak;
  double cpu;
  target_proc_track track; /* the group's members, for the CPU of those that ended */
  uint64_t sampled_ms;
  unsigned starts;
};

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms) {
  struct timespec ts = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* In the child, between fork and exec: only async-signal-safe calls. The
 * target gets /dev/null as stdin, the pipe as stdout and stderr, default
 * signal dispositions (h2scope ignores SIGPIPE, which exec would keep), and
 * no other descriptor of ours. When exec fails its errno goes up exec_fd
 * (close-on-exec: the parent reads nothing when exec succeeded). */
static void run_child(char *const *argv, int out_fd, int exec_fd) {
  setpgid(0, 0);
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0 && null_fd != 0) dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  if (exec_fd != 3) {
    if (dup3(exec_fd, 3, O_CLOEXEC) < 0) _exit(127);
  }
  close_range(4, ~0u, 0);
  const int sigs[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    signal(sigs[i], SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execvp(argv[0], argv);
  int e = errno;
  ssize_t w = write(3, &e, sizeof e);
  (void)w;
  _exit(127);
}

static void describe_death(target_monitor *m, int status) {
  m->exited = true;
  if (WIFSIGNALED(status)) {
    m->signal = WTERMSIG(status);
    const char *abbrev = sigabbrev_np(m->signal);
    if (abbrev)
      snprintf(m->death, sizeof m->death, "killed by SIG%s", abbrev);
    else
      snprintf(m->death, sizeof m->death, "killed by signal %d", m->signal);
  } else {
    m->exit_code = WEXITSTATUS(status);
    snprintf(m->death, sizeof m->death, "exited with code %d", m->exit_code);
  }
}

/* The leader ended (status from waitpid): what is left of its group goes
 * too, and its last output is taken in. */
static void reaped(target_monitor *m, int status) {
  describe_death(m, status);
  kill(-m->pid, SIGKILL);
  m->pid = 0;
  if (m->out) target_output_wait_end(m->out, MONITOR_DRAIN_MS);
}

/* Non-blocking: true when the target ended (and was reaped) by now. */
static bool reap(target_monitor *m) {
  if (!m->pid) return false;
  int status;
  pid_t r = waitpid(m->pid, &status, WNOHANG);
  if (r == m->pid) {
    reaped(m, status);
    return true;
  }
  return false;
}

/* SIGTERM to the group, SIGKILL after MONITOR_TERM_MS; reaps the leader. */
static void stop_process(target_monitor *m) {
  if (!m->pid) return;
  kill(-m->pid, SIGTERM);
  uint64_t until = now_ms() + MONITOR_TERM_MS;
  while (now_ms() < until) {
    if (reap(m)) return;
    sleep_ms(10);
  }
  kill(-m->pid, SIGKILL);
  int status;
  while (waitpid(m->pid, &status, 0) < 0 && errno == EINTR) {
  }
  reaped(m, status);
}

static void sample(target_monitor *m, bool now) {
  uint64_t t = now_ms();
  if (!m->pid || (!now && t - m->sampled_ms < MONITOR_SAMPLE_MS)) return;
  m->sampled_ms = t;
  target_proc_sample s;
  if (!target_proc_sample_group(m->pid, &m->track, &s)) return;
  m->rss = s.rss;
  m->cpu = s.cpu_seconds;
  if (s.rss > m->rss_peak) m->rss_peak = s.rss;
}

/* "exited with code 3 (ERROR: AddressSanitizer: ...)" into err. */
static void fail_reason(target_monitor *m, const char *what, char *err, size_t cap) {
  char report[200] = "";
  bool san = m->out && target_output_report(m->out, report, sizeof report);
  snprintf(err, cap, "%s %s%s%s%s", m->argv[0], what, san ? " (" : "", report, san ? ")" : "");
}

/* Until a connection to host:port is accepted, the target dies or
 * ready_timeout passes. */
static int wait_ready(target_monitor *m, char *err, size_t cap) {
  uint64_t until = now_ms() + (uint64_t)(m->ready_timeout * 1000.0);
  for (;;) {
    if (reap(m)) {
      char what[320];
      snprintf(what, sizeof what, "%s before accepting connections on %s:%s", m->death, m->host,
               m->port);
      fail_reason(m, what, err, cap);
      return -1;
    }
    int gai = 0;
    int fd = tcp_connect(m->host, m->port, 250, &gai);
    if (fd >= 0) {
      close(fd);
      sample(m, true);
      m->rss_start = m->rss;
      return 0;
    }
    if (gai != 0) {
      snprintf(err, cap, "%s: %s", m->host, gai_strerror(gai));
      stop_process(m);
      return -1;
    }
    if (now_ms() >= until) {
      char what[320];
      snprintf(what, sizeof what, "did not accept connections on %s:%s within %g s", m->host,
               m->port, m->ready_timeout);
      fail_reason(m, what, err, cap);
      stop_process(m);
      return -1;
    }
    sleep_ms(50);
  }
}

/* After fork: exec's errno from the close-on-exec pipe, 0 when exec worked. */
static int exec_error(int fd) {
  int e = 0;
  ssize_t n;
  do
    n = read(fd, &e, sizeof e);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof e ? e : 0;
}

static void reset_status(target_monitor *m) {
  m->exited = false;
  m->exit_code = m->signal = 0;
  m->death[0] = '\0';
  m->rss = m->rss_start = m->rss_peak = 0;
  m->cpu = 0;
  target_proc_track_free(&m->track);
  m->sampled_ms = 0;
}

/* Refuses to start when something already accepts on host:port: readiness
 * would be judged on that other process. */
static bool port_taken(target_monitor *m, char *err, size_t cap) {
  int gai = 0;
  int fd = tcp_connect(m->host, m->port, 250, &gai);
  if (fd < 0) return false;
  close(fd);
  snprintf(err, cap, "%s:%s already accepts connections before %s starts", m->host, m->port,
           m->argv[0]);
  return true;
}

static int launch(target_monitor *m, char *err, size_t cap) {
  reset_status(m);
  if (port_taken(m, err, cap)) return -1;
  int out[2], ex[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    snprintf(err, cap, "pipe: %s", strerror(errno));
    return -1;
  }
  if (pipe2(ex, O_CLOEXEC) != 0) {
    snprintf(err, cap, "pipe: %s", strerror(errno));
    close(out[0]);
    close(out[1]);
    return -1;
  }
  pid_t pid = fork();
  if (pid == 0) run_child(m->argv, out[1], ex[1]);
  close(out[1]);
  close(ex[1]);
  if (pid < 0) {
    snprintf(err, cap, "fork: %s", strerror(errno));
    close(out[0]);
    close(ex[0]);
    return -1;
  }
  setpgid(pid, pid); /* also here: signals sent before the child ran setpgid reach it */
  int e = exec_error(ex[0]);
  close(ex[0]);
  m->pid = pid;
  m->starts++;
  m->out = target_output_start(out[0], m->keep, m->passthru);
  if (e) {
    int status;
    waitpid(pid, &status, 0);
    m->pid = 0;
    snprintf(err, cap, "cannot run %s: %s", m->argv[0], strerror(e));
    return -1;
  }
  if (!m->out) {
    snprintf(err, cap, "out of memory");
    stop_process(m);
    return -1;
  }
  return wait_ready(m, err, cap);
}

static void free_monitor(target_monitor *m) {
  if (!m) return;
  if (m->argv)
    for (size_t i = 0; m->argv[i]; i++)
      free(m->argv[i]);
  free(m->argv);
  free(m->host);
  free(m->port);
  target_proc_track_free(&m->track);
  free(m);
}

static target_monitor *copy_opts(const target_monitor_opts *o) {
  target_monitor *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  size_t n = 0;
  while (o->argv[n])
    n++;
  m->argv = calloc(n + 1, sizeof *m->argv);
  bool ok = m->argv != NULL;
  for (size_t i = 0; ok && i < n; i++)
    ok = (m->argv[i] = strdup(o->argv[i])) != NULL;
  m->host = strdup(o->host ? o->host : "127.0.0.1");
  m->port = o->port ? strdup(o->port) : NULL;
  if (!ok || !m->host || !m->port) {
    free_monitor(m);
    return NULL;
  }
  m->ready_timeout = o->ready_timeout > 0 ? o->ready_timeout : 10.0;
  m->keep = o->stderr_keep ? o->stderr_keep : 64u * 1024u;
  m->passthru = o->stderr_passthru;
  return m;
}

target_monitor *target_monitor_start(const target_monitor_opts *o, char *err, size_t err_cap) {
  if (!o->argv || !o->argv[0] || !o->port) {
    snprintf(err, err_cap, "no command or no port to watch");
    return NULL;
  }
  target_monitor *m = copy_opts(o);
  if (!m) {
    snprintf(err, err_cap, "out of memory");
    return NULL;
  }
  if (launch(m, err, err_cap) != 0) {
    target_monitor_stop(m);
    return NULL;
  }
  return m;
}

void target_monitor_sample_now(target_monitor *m) {
  reap(m);
  sample(m, true);
}

void target_monitor_poll(target_monitor *m, target_status *st) {
  reap(m);
  sample(m, false);
  memset(st, 0, sizeof *st);
  st->pid = m->pid;
  st->running = m->pid != 0;
  st->exited = m->exited;
  st->exit_code = m->exit_code;
  st->signal = m->signal;
  st->sanitizer = m->out && target_output_report(m->out, st->report, sizeof st->report);
  if (!st->sanitizer && m->exited) snprintf(st->report, sizeof st->report, "%s", m->death);
  st->rss = m->pid ? m->rss : 0;
  st->rss_start = m->rss_start;
  st->rss_peak = m->rss_peak;
  st->cpu_seconds = m->cpu;
  st->starts = m->starts;
}

int target_monitor_restart(target_monitor *m, char *err, size_t err_cap) {
  stop_process(m);
  target_output_stop(m->out);
  m->out = NULL;
  return launch(m, err, err_cap);
}

const char *target_monitor_stderr(const target_monitor *m, size_t *len) {
  if (!m->out) {
    *len = 0;
    return "";
  }
  return target_output_tail(m->out, len);
}

void target_monitor_stop(target_monitor *m) {
  if (!m) return;
  stop_process(m);
  target_output_stop(m->out);
  free_monitor(m);
}
