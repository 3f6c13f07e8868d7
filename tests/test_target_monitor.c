/* test_target_monitor.c — the monitor wing: a target started, watched and
 * restarted (target_monitor.h) with tests/cli/monitor_target.py standing in
 * for servers that exit, crash, report a sanitizer error, grow, spin, have
 * children or ignore SIGTERM; a command that never listens or cannot run;
 * the /proc and report-line parsers; and canary requests (canary.h) against
 * `h2scope serve` started by the monitor, a silent listener and a port with
 * nothing listening. Waits are bounded loops, never timing assertions. */
#include <check.h>

#include "run_suite.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "canary.h"
#include "target_monitor.h"
#include "target_output.h"
#include "target_proc.h"
#include "tcp_connect.h"

#define TARGET_PY H2_SOURCE_DIR "/tests/cli/monitor_target.py"

/* A port nothing listens on now (the kernel's pick of a free one). */
static void free_port(char *port, size_t cap) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  socklen_t len = sizeof a;
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  snprintf(port, cap, "%u", (unsigned)ntohs(a.sin_port));
  close(fd);
}

static void pause_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static target_monitor *start_py(const char *mode, char *port, size_t keep) {
  free_port(port, 16);
  char *argv[] = {"python3", TARGET_PY, port, (char *)mode, NULL};
  target_monitor_opts o = {.argv = argv, .host = "127.0.0.1", .port = port, .stderr_keep = keep};
  char err[300] = "";
  target_monitor *m = target_monitor_start(&o, err, sizeof err);
  ck_assert_msg(m != NULL, "start %s: %s", mode, err);
  return m;
}

/* One connection that triggers the target's mode; returns once the target
 * closed it (done its work, or died). */
static void poke(const char *port) {
  int gai = 0;
  int fd = tcp_connect("127.0.0.1", port, 5000, &gai);
  ck_assert_int_ge(fd, 0);
  struct timeval tv = {.tv_sec = 10};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char b[64];
  while (read(fd, b, sizeof b) > 0) {
  }
  close(fd);
}

static void wait_exited(target_monitor *m, target_status *st) {
  for (int i = 0; i < 500; i++) {
    target_monitor_poll(m, st);
    if (st->exited) return;
    pause_ms(20);
  }
  ck_abort_msg("the target did not end");
}

START_TEST(exit_code_and_tail) {
  char port[16];
  target_monitor *m = start_py("exit3", port, 256);
  target_status st;
  target_monitor_poll(m, &st);
  ck_assert(st.running);
  ck_assert(!st.exited);
  ck_assert_int_gt(st.pid, 0);
  ck_assert_uint_eq(st.starts, 1);
  ck_assert_uint_gt(st.rss_start, 0);
  poke(port);
  wait_exited(m, &st);
  ck_assert(!st.running);
  ck_assert_int_eq(st.pid, 0);
  ck_assert_int_eq(st.exit_code, 3);
  ck_assert_int_eq(st.signal, 0);
  ck_assert(!st.sanitizer);
  ck_assert_str_eq(st.report, "exited with code 3");
  size_t len;
  const char *tail = target_monitor_stderr(m, &len);
  ck_assert_uint_eq(len, 256); /* 300 lines were written: only the last 256 bytes stay */
  ck_assert_uint_eq(strlen(tail), 256);
  ck_assert_str_eq(tail + len - 13, "line 299\nbye\n");
  target_monitor_stop(m);
}
END_TEST

START_TEST(killed_by_signal_then_restarted) {
  char port[16];
  target_monitor *m = start_py("segv", port, 0);
  poke(port);
  target_status st;
  wait_exited(m, &st);
  ck_assert_int_eq(st.signal, SIGSEGV);
  ck_assert_str_eq(st.report, "killed by SIGSEGV");
  ck_assert_uint_eq(st.starts, 1);
  char err[300] = "";
  ck_assert_msg(target_monitor_restart(m, err, sizeof err) == 0, "%s", err);
  target_monitor_poll(m, &st);
  ck_assert(st.running);
  ck_assert(!st.exited);
  ck_assert_int_eq(st.signal, 0);
  ck_assert_str_eq(st.report, "");
  ck_assert_uint_eq(st.starts, 2);
  poke(port);
  wait_exited(m, &st);
  ck_assert_int_eq(st.signal, SIGSEGV);
  ck_assert_msg(target_monitor_restart(m, err, sizeof err) == 0, "%s", err);
  target_monitor_poll(m, &st);
  ck_assert_uint_eq(st.starts, 3);
  /* a restart of a running target stops it first */
  pid_t before = st.pid;
  ck_assert_msg(target_monitor_restart(m, err, sizeof err) == 0, "%s", err);
  target_monitor_poll(m, &st);
  ck_assert(st.running);
  ck_assert_int_ne(st.pid, before);
  ck_assert_uint_eq(st.starts, 4);
  target_monitor_stop(m);
}
END_TEST

START_TEST(sanitizer_report_line) {
  char port[16];
  target_monitor *m = start_py("asan", port, 0);
  poke(port);
  target_status st;
  wait_exited(m, &st);
  ck_assert(st.sanitizer);
  ck_assert_int_eq(st.exit_code, 1);
  ck_assert_str_eq(st.report, "==4242==ERROR: AddressSanitizer: heap-use-after-free on address "
                              "0x602000000010 at pc 0x55d5 bp 0x7ffc sp 0x7ffc");
  size_t len;
  const char *tail = target_monitor_stderr(m, &len);
  ck_assert_ptr_nonnull(strstr(tail, "READ of size 1"));
  /* the report belongs to that run: a restart clears it */
  char err[300] = "";
  ck_assert_msg(target_monitor_restart(m, err, sizeof err) == 0, "%s", err);
  target_monitor_poll(m, &st);
  ck_assert(!st.sanitizer);
  ck_assert_str_eq(st.report, "");
  ck_assert_ptr_null(strstr(target_monitor_stderr(m, &len), "AddressSanitizer"));
  target_monitor_stop(m);
}
END_TEST

START_TEST(rss_grows) {
  char port[16];
  target_monitor *m = start_py("grow", port, 0);
  target_status st;
  target_monitor_poll(m, &st);
  uint64_t start = st.rss_start;
  ck_assert_uint_gt(start, 1u << 20);
  poke(port);
  poke(port);
  pause_ms(50); /* past the sampling interval */
  target_monitor_poll(m, &st);
  ck_assert_uint_eq(st.rss_start, start);
  ck_assert_uint_ge(st.rss, start + (60u << 20)); /* two times 32 MiB kept */
  ck_assert_uint_ge(st.rss_peak, st.rss);
  target_monitor_stop(m);
}
END_TEST

START_TEST(cpu_time) {
  char port[16];
  target_monitor *m = start_py("spin", port, 0);
  target_status st;
  target_monitor_poll(m, &st);
  double before = st.cpu_seconds;
  poke(port);
  pause_ms(50);
  target_monitor_poll(m, &st);
  ck_assert_double_ge(st.cpu_seconds, before + 0.25); /* 0.3 s of CPU time burnt */
  target_monitor_stop(m);
}
END_TEST

/* The CPU time of a member that ended still counts (a server's child per
 * connection, reaped at once): the monitor remembers the members it saw
 * (a member that lives and ends between two samples is not seen at all). */
START_TEST(cpu_time_of_ended_children) {
  char port[16];
  target_monitor *m = start_py("childspin", port, 0);
  target_status st;
  target_monitor_poll(m, &st);
  double before = st.cpu_seconds;
  poke(port);
  for (int i = 0; i < 100; i++) { /* 2 s: the child spins 0.3 s of CPU, then ends */
    target_monitor_poll(m, &st);
    pause_ms(20);
  }
  target_monitor_poll(m, &st);
  /* sampled every 20 ms while it lived: all but its last few ms count */
  ck_assert_double_ge(st.cpu_seconds, before + 0.2);
  target_monitor_stop(m);
}
END_TEST

static bool process_gone(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return true;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *p = strrchr(buf, ')');
  return p && p[1] == ' ' && p[2] == 'Z'; /* a zombie waiting for its reaper is gone too */
}

START_TEST(children_stop_with_it) {
  char port[16];
  target_monitor *m = start_py("family", port, 0);
  pid_t child = 0;
  for (int i = 0; i < 250 && !child; i++) {
    size_t len;
    const char *out = target_monitor_stderr(m, &len);
    const char *p = strstr(out, "child ");
    if (p && strchr(p, '\n'))
      child = (pid_t)atoi(p + 6);
    else
      pause_ms(20);
  }
  ck_assert_int_gt(child, 0);
  ck_assert(!process_gone(child));
  target_status st;
  target_monitor_poll(m, &st);
  ck_assert_uint_gt(st.rss, st.rss_start / 2); /* the group: python and its sleep */
  target_monitor_stop(m);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; i++) {
    gone = process_gone(child);
    if (!gone) pause_ms(20);
  }
  ck_assert(gone);
}
END_TEST

START_TEST(sigterm_ignored) {
  char port[16];
  target_monitor *m = start_py("stubborn", port, 0);
  char err[300] = "";
  ck_assert_msg(target_monitor_restart(m, err, sizeof err) == 0, "%s", err);
  target_status st;
  target_monitor_poll(m, &st);
  ck_assert(st.running);
  ck_assert_uint_eq(st.starts, 2);
  target_monitor_stop(m);
}
END_TEST

START_TEST(never_listens) {
  char port[16], err[300] = "";
  free_port(port, sizeof port);
  char *argv[] = {"sh", "-c", "sleep 30", NULL};
  target_monitor_opts o = {.argv = argv, .port = port, .ready_timeout = 0.5};
  ck_assert_ptr_null(target_monitor_start(&o, err, sizeof err));
  char want[300];
  snprintf(want, sizeof want, "sh did not accept connections on 127.0.0.1:%s within 0.5 s", port);
  ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(exits_before_listening) {
  char port[16], err[300] = "";
  free_port(port, sizeof port);
  char *argv[] = {"sh", "-c", "echo 'x.c:3:5: runtime error: signed integer overflow' >&2; exit 7",
                  NULL};
  target_monitor_opts o = {.argv = argv, .port = port};
  ck_assert_ptr_null(target_monitor_start(&o, err, sizeof err));
  char want[300];
  snprintf(want, sizeof want,
           "sh exited with code 7 before accepting connections on 127.0.0.1:%s "
           "(x.c:3:5: runtime error: signed integer overflow)",
           port);
  ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(cannot_run) {
  char err[300] = "";
  char *argv[] = {"/nonexistent/h2scope-target", NULL};
  target_monitor_opts o = {.argv = argv, .port = "1"};
  ck_assert_ptr_null(target_monitor_start(&o, err, sizeof err));
  ck_assert_str_eq(err, "cannot run /nonexistent/h2scope-target: No such file or directory");
  o.argv = NULL;
  ck_assert_ptr_null(target_monitor_start(&o, err, sizeof err));
  ck_assert_str_eq(err, "no command or no port to watch");
}
END_TEST

START_TEST(port_already_taken) {
  char port[16], err[300] = "";
  target_monitor *m = start_py("serve", port, 0);
  char *argv[] = {"sh", "-c", "sleep 30", NULL};
  target_monitor_opts o = {.argv = argv, .port = port};
  ck_assert_ptr_null(target_monitor_start(&o, err, sizeof err));
  char want[300];
  snprintf(want, sizeof want, "127.0.0.1:%s already accepts connections before sh starts", port);
  ck_assert_str_eq(err, want);
  target_monitor_stop(m);
  target_monitor_stop(NULL);
}
END_TEST

START_TEST(proc_parsers) {
  pid_t g;
  uint64_t ticks;
  /* a command name with spaces and parentheses of its own */
  const char *stat = "123 (a) b (c) S 1 77 77 0 -1 4194560 10 0 0 0 250 31 0 0 20 0 1 0 5 1 2";
  ck_assert(target_proc_parse_stat(stat, &g, &ticks));
  ck_assert_int_eq(g, 77);
  ck_assert_uint_eq(ticks, 281);
  ck_assert(!target_proc_parse_stat("123 (x S 1", &g, &ticks));
  ck_assert(!target_proc_parse_stat("123 (x) S 1", &g, &ticks));
  uint64_t rss;
  ck_assert(target_proc_parse_status_rss("Name:\tx\nVmRSS:\t  2048 kB\nVmData: 1 kB\n", &rss));
  ck_assert_uint_eq(rss, 2048u * 1024u);
  ck_assert(!target_proc_parse_status_rss("Name:\tx\nState:\tZ (zombie)\n", &rss));
  target_proc_sample s;
  ck_assert(target_proc_sample_group(getpgrp(), NULL, &s));
  ck_assert_uint_ge(s.processes, 1);
  ck_assert_uint_gt(s.rss, 0);
}
END_TEST

START_TEST(report_lines) {
  const char *yes[] = {
      "==1==ERROR: AddressSanitizer: stack-buffer-overflow",
      "==1==ERROR: LeakSanitizer: detected memory leaks",
      "src/x.c:10:3: runtime error: load of null pointer",
      "WARNING: ThreadSanitizer: data race (pid=5)",
      "==5==WARNING: MemorySanitizer: use-of-uninitialized-value",
  };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    ck_assert_msg(target_output_is_report(yes[i], strlen(yes[i])), "%s", yes[i]);
  const char *no[] = {"listening on 127.0.0.1:8080", "ERROR: bind failed", "AddressSanitizer"};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    ck_assert_msg(!target_output_is_report(no[i], strlen(no[i])), "%s", no[i]);
}
END_TEST

#ifdef H2SCOPE_BIN
static target_monitor *start_serve(char *port) {
  free_port(port, 16);
  char *argv[] = {H2SCOPE_BIN, "serve", "--port", port, NULL};
  target_monitor_opts o = {.argv = argv, .port = port};
  char err[300] = "";
  target_monitor *m = target_monitor_start(&o, err, sizeof err);
  ck_assert_msg(m != NULL, "serve: %s", err);
  return m;
}

START_TEST(canary_against_serve) {
  char port[16];
  target_monitor *m = start_serve(port);
  canary_target t = {.host = "127.0.0.1", .port = port};
  canary_sample s;
  ck_assert(canary_request(&t, &s));
  ck_assert(s.answered);
  ck_assert_int_eq(s.status, 200);
  ck_assert_double_gt(s.seconds, 0);
  ck_assert_str_eq(s.why, "");
  t.path = "/any/path";
  ck_assert(canary_request(&t, &s));
  ck_assert_int_eq(s.status, 200);
  target_status st;
  target_monitor_poll(m, &st);
  ck_assert(st.running);
  ck_assert(!st.sanitizer);
  target_monitor_stop(m);
}
END_TEST

START_TEST(canary_phases_against_serve) {
  char port[16];
  target_monitor *m = start_serve(port);
  canary_target t = {.host = "127.0.0.1", .port = port};
  canary *c = canary_start(&t, 0.02);
  ck_assert_ptr_nonnull(c);
  ck_assert(canary_wait_samples(c, CANARY_BEFORE, 5, 30));
  canary_set_phase(c, CANARY_DURING);
  ck_assert(canary_wait_samples(c, CANARY_DURING, 2, 30));
  canary_set_phase(c, CANARY_AFTER);
  ck_assert(canary_wait_samples(c, CANARY_AFTER, 2, 30));
  /* a sample is filed under the phase its request started in */
  canary_stats ph[CANARY_PHASES];
  for (int p = 0; p < CANARY_PHASES; p++) {
    canary_phase_stats(c, (enum canary_phase)p, &ph[p]);
    ck_assert_uint_ge(ph[p].sent, p == CANARY_BEFORE ? 5 : 2);
    ck_assert_uint_eq(ph[p].answered, ph[p].sent);
    ck_assert_double_gt(ph[p].median, 0);
    ck_assert_double_ge(ph[p].p95, ph[p].median);
    ck_assert_double_ge(ph[p].max, ph[p].p95);
    ck_assert_str_eq(ph[p].why, "");
  }
  canary_stop(c);
  target_monitor_stop(m);
}
END_TEST
#endif

START_TEST(canary_nothing_listening) {
  char port[16];
  free_port(port, sizeof port);
  canary_target t = {.host = "127.0.0.1", .port = port, .timeout = 1};
  canary_sample s;
  ck_assert(!canary_request(&t, &s));
  ck_assert(!s.answered);
  ck_assert_int_eq(s.status, 0);
  ck_assert_str_eq(s.why, "connect: Connection refused");
  canary *c = canary_start(&t, 0.01);
  ck_assert_ptr_nonnull(c);
  ck_assert(canary_wait_samples(c, CANARY_BEFORE, 3, 30));
  canary_stats st;
  canary_phase_stats(c, CANARY_BEFORE, &st);
  ck_assert_uint_ge(st.sent, 3);
  ck_assert_uint_eq(st.answered, 0);
  ck_assert_double_eq(st.median, 0);
  ck_assert_double_eq(st.max, 0);
  ck_assert_str_eq(st.why, "connect: Connection refused");
  canary_stop(c);
  canary_stop(NULL);
}
END_TEST

START_TEST(canary_silent_peer) {
  char port[16];
  target_monitor *m = start_py("silent", port, 0);
  canary_target t = {.host = "127.0.0.1", .port = port, .timeout = 0.3};
  canary_sample s;
  ck_assert(!canary_request(&t, &s));
  ck_assert_str_eq(s.why, "timeout after 0.3 s");
  ck_assert_double_ge(s.seconds, 0.3);
  target_monitor_stop(m);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("target_monitor");
  TCase *t = tcase_create("monitor");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, exit_code_and_tail);
  tcase_add_test(t, killed_by_signal_then_restarted);
  tcase_add_test(t, sanitizer_report_line);
  tcase_add_test(t, rss_grows);
  tcase_add_test(t, cpu_time);
  tcase_add_test(t, cpu_time_of_ended_children);
  tcase_add_test(t, children_stop_with_it);
  tcase_add_test(t, sigterm_ignored);
  tcase_add_test(t, never_listens);
  tcase_add_test(t, exits_before_listening);
  tcase_add_test(t, cannot_run);
  tcase_add_test(t, port_already_taken);
  tcase_add_test(t, proc_parsers);
  tcase_add_test(t, report_lines);
  suite_add_tcase(s, t);
  TCase *c = tcase_create("canary");
  tcase_set_timeout(c, 120);
#ifdef H2SCOPE_BIN
  tcase_add_test(c, canary_against_serve);
  tcase_add_test(c, canary_phases_against_serve);
#endif
  tcase_add_test(c, canary_nothing_listening);
  tcase_add_test(c, canary_silent_peer);
  suite_add_tcase(s, c);
  return s;
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  return run_suite(suite());
}
