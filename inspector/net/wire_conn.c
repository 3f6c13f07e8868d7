/* wire_conn.c — see wire_conn.h: one non-blocking connection, every wait in
 * poll() up to a deadline. */
#include "wire_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tcp_connect.h"

double wire_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int wire_ms_until(double deadline) {
  if (deadline == 0) return -1;
  double left = deadline - wire_now();
  if (left <= 0) return 0;
  return (int)(left * 1000) + 1;
}

void wire_init(wire_conn *w) {
  memset(w, 0, sizeof *w);
  w->fd = -1;
}

void wire_adopt(wire_conn *w, int fd) {
  w->fd = fd;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  /* each write goes out at once: Nagle would hold it until the peer ACKs
   * the previous one, and its delayed ACK costs tens of ms per exchange */
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* The blocking TLS handshake may not outlast the deadline: the socket's
 * receive and send timeouts become the time left. */
static void bound_blocking(int fd, double deadline) {
  if (deadline == 0) return;
  double left = deadline - wire_now();
  if (left < 0.001) left = 0.001; /* a zero timeval would mean no limit */
  struct timeval tv = {.tv_sec = (time_t)left,
                       .tv_usec = (suseconds_t)((left - (double)(time_t)left) * 1e6)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

wire_connect_error wire_connect(wire_conn *w, const wire_peer *p, double deadline, char *err,
                                size_t cap) {
  int gai = 0;
  int fd = tcp_connect(p->host, p->port, wire_ms_until(deadline), &gai);
  if (fd < 0) {
    w->err = gai ? 0 : errno;
    w->timed_out = w->err == ETIMEDOUT;
    snprintf(err, cap, "%s", gai ? gai_strerror(gai) : strerror(w->err));
    return gai ? WIRE_CONNECT_RESOLVE : WIRE_CONNECT_TCP;
  }
  tls_conn *tls = NULL;
  if (p->tls) {
    bound_blocking(fd, deadline);
    errno = 0;
    tls = p->tls_client ? tls_client_open(p->tls_client, fd, p->host, err, cap)
                        : tls_client_connect(fd, p->host, p->verify, err, cap);
    if (!tls) {
      /* a socket timeout that ran out fails the blocking read with EAGAIN */
      w->err = errno;
      w->timed_out = errno == EAGAIN || errno == EWOULDBLOCK || wire_ms_until(deadline) == 0;
      close(fd);
      return WIRE_CONNECT_TLS;
    }
  }
  wire_adopt(w, fd);
  w->tls = tls;
  return WIRE_CONNECT_OK;
}

void wire_close(wire_conn *w) {
  if (w->tls) tls_conn_free(w->tls);
  if (w->fd >= 0) close(w->fd);
  w->tls = NULL;
  w->fd = -1;
  w->err = 0;
  w->timed_out = false;
}

/* Waits until the socket can do what the last TLS_AGAIN (or EAGAIN) asked
 * for; false when the deadline came first. */
static bool wait_ready(const wire_conn *w, short events, double deadline) {
  for (;;) {
    int ms = wire_ms_until(deadline);
    if (ms == 0) return false;
    struct pollfd pf = {.fd = w->fd, .events = events};
    int r = poll(&pf, 1, ms);
    if (r > 0) return true;
    if (r < 0 && errno == EINTR) continue;
    return false;
  }
}

/* After a TLS_AGAIN: OpenSSL may need to read while writing (a
 * renegotiation, a post-handshake message) or to write while reading. */
static short tls_events(const wire_conn *w) {
  return tls_conn_want_write(w->tls) ? POLLOUT : POLLIN;
}

wire_status wire_write_all(wire_conn *w, const uint8_t *p, size_t n, double deadline) {
  while (n) {
    ssize_t k = w->tls ? tls_conn_write(w->tls, p, n) : send(w->fd, p, n, MSG_NOSIGNAL);
    if (k > 0) {
      if (w->tap) w->tap(w->tap_user, 0, p, (size_t)k);
      p += k;
      n -= (size_t)k;
      continue;
    }
    if (!w->tls && k < 0 && errno == EINTR) continue;
    bool again = w->tls ? k == TLS_AGAIN : (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
    if (!again) {
      w->err = k < 0 ? errno : 0;
      return WIRE_FAILED;
    }
    if (!wait_ready(w, w->tls ? tls_events(w) : POLLOUT, deadline)) return WIRE_TIMEOUT;
  }
  return WIRE_OK;
}

wire_status wire_read(wire_conn *w, uint8_t *buf, size_t cap, double deadline, size_t *got) {
  *got = 0;
  for (;;) {
    if (wire_ms_until(deadline) == 0) return WIRE_TIMEOUT;
    ssize_t n;
    if (w->tls) {
      /* OpenSSL may hold decrypted bytes already: read before polling */
      n = tls_conn_read(w->tls, buf, cap);
      if (n == TLS_AGAIN) {
        wait_ready(w, tls_events(w), deadline);
        continue;
      }
    } else {
      /* most reads wait for an answer: poll first, one recv when it is there */
      if (!wait_ready(w, POLLIN, deadline)) continue;
      n = recv(w->fd, buf, cap, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    }
    if (n == 0) return WIRE_CLOSED;
    if (n < 0) {
      w->err = errno;
      return WIRE_FAILED;
    }
    if (w->tap) w->tap(w->tap_user, 1, buf, (size_t)n);
    *got = (size_t)n;
    return WIRE_OK;
  }
}

/* The wait of one transport call: idle seconds from now, never past the
 * connection's deadline; 0: none. */
static double call_deadline(const wire_conn *w) {
  double d = w->idle > 0 ? wire_now() + w->idle : 0;
  if (w->deadline > 0 && (d == 0 || w->deadline < d)) d = w->deadline;
  return d;
}

ssize_t wire_session_read(void *ctx, uint8_t *buf, size_t cap) {
  wire_conn *w = ctx;
  size_t got = 0;
  switch (wire_read(w, buf, cap, call_deadline(w), &got)) {
  case WIRE_OK:
    return (ssize_t)got;
  case WIRE_CLOSED:
    return 0;
  case WIRE_TIMEOUT:
    w->timed_out = true;
    return -1;
  default:
    return -1;
  }
}

ssize_t wire_session_write(void *ctx, const uint8_t *buf, size_t len) {
  wire_conn *w = ctx;
  wire_status st = wire_write_all(w, buf, len, call_deadline(w));
  if (st == WIRE_TIMEOUT) w->timed_out = true;
  return st == WIRE_OK ? (ssize_t)len : -1;
}
