/* tcp_connect.c — see tcp_connect.h. */
#include "tcp_connect.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* connect() within timeout_ms; 0 or an errno value. */
static int connect_within(int fd, const struct sockaddr *addr, socklen_t len, int timeout_ms) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return errno;
  int err = 0;
  if (connect(fd, addr, len) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      struct pollfd pf = {.fd = fd, .events = POLLOUT};
      socklen_t sl = sizeof err;
      err = ETIMEDOUT;
      if (poll(&pf, 1, timeout_ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
        err = errno;
    }
  }
  if (fcntl(fd, F_SETFL, flags) < 0 && !err) err = errno;
  return err;
}

int tcp_connect(const char *host, const char *port, int timeout_ms, int *gai_error) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
  *gai_error = getaddrinfo(host, port, &hints, &res);
  if (*gai_error != 0) return -1;
  int fd = -1, err = ECONNREFUSED;
  for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    err = connect_within(fd, a->ai_addr, a->ai_addrlen, timeout_ms);
    if (err) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) errno = err;
  return fd;
}

int tcp_listen(const char *host, int port, int backlog, int *bound) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  socklen_t al = sizeof a;
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, backlog) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  *bound = ntohs(a.sin_port);
  return fd;
}
