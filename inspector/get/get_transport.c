/* get_transport.c — `get`'s socket or TLS transport with an idle timeout
 * (get_transport.h). */
#include "get_transport.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

bool get_transport_set_timeout(int fd, uint32_t seconds) {
  struct timeval tv = {.tv_sec = (time_t)seconds, .tv_usec = 0};
  return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
         setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0;
}

bool get_transport_errno_timed_out(void) {
  return errno == EAGAIN || errno == EWOULDBLOCK;
}

/* On a blocking socket, a would-block answer means the timeout ran out:
 * errno EAGAIN from the kernel, TLS_AGAIN from the TLS layer. */
static ssize_t timed(get_transport *t, ssize_t n) {
  if (n == TLS_AGAIN || (n < 0 && t->tls == NULL && get_transport_errno_timed_out())) {
    t->timed_out = true;
    return -1;
  }
  return n;
}

static ssize_t get_read(void *ctx, uint8_t *buf, size_t cap) {
  get_transport *t = ctx;
  if (t->tls) return timed(t, tls_conn_read(t->tls, buf, cap));
  ssize_t n;
  do
    n = read(t->fd, buf, cap);
  while (n < 0 && errno == EINTR);
  return timed(t, n);
}

static ssize_t get_write(void *ctx, const uint8_t *buf, size_t len) {
  get_transport *t = ctx;
  if (t->tls) return timed(t, tls_conn_write(t->tls, buf, len));
  ssize_t n;
  do
    n = write(t->fd, buf, len);
  while (n < 0 && errno == EINTR);
  return timed(t, n);
}

h2_transport get_transport_wrap(get_transport *t) {
  return (h2_transport){get_read, get_write, t};
}
