/* check_client.c — runs a client case (`h2scope check --client`): starts
 * the user's client COMMAND (or waits for any client), accepts its
 * connection on the listening socket, does the server side of the handshake
 * (preface, SETTINGS both ways, the request on stream 1), then sends the
 * case's misbehaving frames and grades the client's reaction. */
#define _GNU_SOURCE /* pipe2, sigabbrev_np */
#include "check_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target_output.h"

/* The last bytes of the client's stderr kept per case (a sanitizer report's
 * first line is caught by target_output's line scan anyway). */
#define CLIENT_STDERR_KEEP 4096

typedef struct client_proc {
  pid_t pid;
  target_output *err; /* the drain of its stderr (NULL: not watched) */
} client_proc;

/* Starts the client with stdin and stdout on /dev/null and stderr into a
 * pipe that target_output drains (the monitor wing's, as for servers). */
static void start_command(char *const *argv, client_proc *p) {
  int fds[2] = {-1, -1};
  p->err = NULL;
  if (pipe2(fds, O_CLOEXEC) != 0) fds[0] = fds[1] = -1;
  p->pid = fork();
  if (p->pid == 0) {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(fds[1] >= 0 ? fds[1] : null, 2);
    }
    execvp(argv[0], argv);
    _exit(127);
  }
  if (fds[1] >= 0) close(fds[1]);
  if (p->pid < 0) {
    if (fds[0] >= 0) close(fds[0]);
    return;
  }
  if (fds[0] >= 0) p->err = target_output_start(fds[0], CLIENT_STDERR_KEEP, false);
}

/* Whether exit status 128+sig from a shell reports a child's crash. */
static bool crash_signal(int sig) {
  return sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
         sig == SIGSYS || sig == SIGTRAP;
}

/* How the client ended, into r; a crash fails the case, and its why says so
 * before the reaction's own why. */
static void judge_end(bool by_itself, int status, const char *report, check_result *r) {
  char end[64];
  bool crashed = false;
  if (!by_itself) {
    snprintf(end, sizeof end, "still running after the case: killed");
  } else if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char *name = sigabbrev_np(sig);
    snprintf(end, sizeof end, "killed by SIG%s", name ? name : "?");
    crashed = sig != SIGPIPE; /* a write after our close depends on timing */
  } else {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    snprintf(end, sizeof end, "exit status %d", code);
    crashed = code > 128 && crash_signal(code - 128);
  }
  /* "==PID==ERROR: AddressSanitizer: ..." without the PID, so that the
   * same report reads the same from one run to the next */
  const char *san = report[0] && strstr(report, "ERROR: ") ? strstr(report, "ERROR: ") : report;
  snprintf(r->client_end, sizeof r->client_end, "%s%s%.200s", end, san[0] ? ", stderr: " : "", san);
  crashed = crashed || san[0];
  r->client_crashed = crashed;
  if (!crashed) return;
  char why[sizeof r->why];
  snprintf(why, sizeof why, "the client crashed (%.200s)%s%.90s", r->client_end,
           r->why[0] ? "; " : "", r->why);
  snprintf(r->why, sizeof r->why, "%s", why);
  r->verdict = CHECK_FAIL;
}

/* Waits up to 1 s for the client to end by itself (else kills it), reaps
 * it and judges how it ended. */
static void stop_command(client_proc *p, check_result *r) {
  if (p->pid <= 0) return;
  int status = 0;
  bool by_itself = false;
  for (int i = 0; i < 50 && !by_itself; i++) {
    by_itself = waitpid(p->pid, &status, WNOHANG) == p->pid;
    if (!by_itself) usleep(20000);
  }
  if (!by_itself) {
    kill(p->pid, SIGKILL);
    waitpid(p->pid, &status, 0);
  }
  char report[256] = "";
  if (p->err) { /* a report written just before the end is still in the pipe */
    target_output_wait_end(p->err, 200);
    if (!target_output_report(p->err, report, sizeof report)) report[0] = 0;
    target_output_stop(p->err);
  }
  judge_end(by_itself, status, report, r);
}

static bool stop_settings(check_conn *c, void *arg) {
  (void)arg;
  return c->got_settings;
}

/* The client's first request: the first HEADERS it sends (nghttp, say,
 * opens idle streams for its priority tree first and asks on stream 13). */
static const check_rx *request_headers(const check_observed *o) {
  return check_observed_find(o, H2_HEADERS, UINT32_MAX);
}

static bool stop_request(check_conn *c, void *arg) {
  (void)arg;
  return c->got_settings && c->got_settings_ack && request_headers(c->obs) != NULL;
}

/* Reads the 24-octet client preface (RFC 9113 §3.4) into c->rx and strips it. */
static bool read_preface(check_conn *c, double deadline) {
  while (c->rx.len < H2_PREFACE_LEN) {
    size_t n = 0;
    if (!h2_buf_reserve(&c->rx, 4096) ||
        wire_read(&c->w, c->rx.p + c->rx.len, c->rx.cap - c->rx.len, deadline, &n) != WIRE_OK)
      return false;
    c->rx.len += n;
  }
  if (memcmp(c->rx.p, H2_PREFACE, H2_PREFACE_LEN) != 0) return false;
  h2_buf_consume(&c->rx, H2_PREFACE_LEN);
  return true;
}

void check_client_case(const check_client_opts *co, const check_target *t, const check_case *cs,
                       check_result *r) {
  memset(r, 0, sizeof *r);
  double start = check_now();
  /* a client without COMMAND gets longer to show up */
  double deadline = start + (co->command ? t->timeout + 3 : t->timeout + 30);
  client_proc proc = {0};
  if (co->command) start_command(co->command, &proc);
  check_conn c;
  check_observed *o = calloc(1, sizeof *o);
  /* what the client sends before the case starts is not part of the reaction */
  check_observed *handshake_obs = calloc(1, sizeof *handshake_obs);
  bool have_conn = false;
  /* a connection that sends no preface (a port probe, an HTTP/1.1 client)
   * does not use up the case: wait for the next one */
  while (o && handshake_obs && !have_conn) {
    struct pollfd pf = {.fd = co->listen_fd, .events = POLLIN};
    int ms = (int)((deadline - check_now()) * 1000);
    int fd = ms > 0 && poll(&pf, 1, ms) == 1 ? accept(co->listen_fd, NULL, NULL) : -1;
    if (fd < 0) break;
    if (!check_conn_init(&c, H2_SENDER_CLIENT, t)) {
      close(fd);
      break;
    }
    wire_adopt(&c.w, fd);
    memset(handshake_obs, 0, sizeof *handshake_obs);
    c.obs = handshake_obs;
    if (read_preface(&c, check_now() + t->timeout)) {
      have_conn = true;
    } else {
      check_conn_close(&c);
    }
  }
  if (!have_conn) {
    r->verdict = CHECK_SKIP;
    if (!o || !handshake_obs)
      snprintf(r->why, sizeof r->why, "out of memory");
    else
      snprintf(r->why, sizeof r->why,
               "no client connected and sent the HTTP/2 preface (h2c prior knowledge) in time");
    snprintf(r->actual, sizeof r->actual, "no connection");
    free(o);
    free(handshake_obs);
    stop_command(&proc, r);
    r->seconds = check_now() - start;
    return;
  }
  deadline = check_now() + t->timeout;
  h2_buf *b = &c.tx; /* the connection's send buffer */
  h2_buf_reset(b);
  char err[128];
  check_build_line(NULL, "SETTINGS - 0 u16:3 u32:100", b, err, sizeof err);
  check_conn_send(&c, b->p, b->len, deadline);
  check_conn_read(&c, stop_settings, NULL, deadline, 0);
  if (c.got_settings) {
    h2_buf_reset(b);
    check_build_line(NULL, "SETTINGS ACK 0", b, err, sizeof err);
    check_conn_send(&c, b->p, b->len, deadline);
  }
  check_conn_read(&c, stop_request, NULL, deadline, 0);
  const check_rx *req = request_headers(handshake_obs);
  if (!c.got_settings || !req) {
    r->verdict = CHECK_SKIP;
    check_observed_text(handshake_obs, r->actual, sizeof r->actual);
    snprintf(r->why, sizeof r->why, "the client sent no SETTINGS and request");
    goto done;
  }
  c.stream1 = req->hd.stream_id;
  if (cs->needs && !check_conn_needs_met(&c, cs->needs, r->why, sizeof r->why)) {
    r->verdict = CHECK_SKIP;
    snprintf(r->actual, sizeof r->actual, "not run");
    goto done;
  }
  c.obs = o;
  o->max_stream = 2; /* a client's GOAWAY names server-initiated streams */
  check_conn_run_lines(&c, cs, deadline, r);
done:
  check_conn_close(&c);
  free(o);
  free(handshake_obs);
  stop_command(&proc, r);
  r->seconds = check_now() - start;
}
