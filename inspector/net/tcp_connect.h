/* tcp_connect.h — TCP for the commands that talk to live peers: opening a
 * connection to HOST:PORT (get, check, replay, fuzz: every address
 * getaddrinfo gives is tried in turn, each within a time limit) and a
 * listening socket (serve; check and fuzz --client). */
#ifndef H2SCOPE_TCP_CONNECT_H
#define H2SCOPE_TCP_CONNECT_H

/* A connected, blocking socket, or -1: then *gai_error is getaddrinfo's error
 * when the name did not resolve (for gai_strerror), else 0 and errno says why
 * the last address failed (ETIMEDOUT when timeout_ms passed; timeout_ms < 0:
 * no limit). */
int tcp_connect(const char *host, const char *port, int timeout_ms, int *gai_error);

/* A blocking, close-on-exec socket listening on IPv4 address host (a dotted
 * quad) and port (0: any free port) with SO_REUSEADDR, the port it got in
 * *bound; or -1 with errno set. */
int tcp_listen(const char *host, int port, int backlog, int *bound);

#endif
