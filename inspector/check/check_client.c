/* check_client.c — runs a client case (`h2scope check --client`): starts
 * the user's client COMMAND (or waits for any client), accepts its
 * connection on the listening socket, does the server side of the handshake
 * (preface, SETTINGS both ways, the request on stream 1), then sends the
 * case's misbehaving frames and grades the client's reaction. */
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

static pid_t start_command(char *const *argv) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
  }
  execvp(argv[0], argv);
  _exit(127);
}

static void stop_command(pid_t pid) {
  if (pid <= 0) return;
  for (int i = 0; i < 50; i++) { /* up to 1 s to exit by itself */
    if (waitpid(pid, NULL, WNOHANG) == pid) return;
    usleep(20000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
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
  pid_t pid = co->command ? start_command(co->command) : 0;
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
    stop_command(pid);
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
  stop_command(pid);
  r->seconds = check_now() - start;
}
