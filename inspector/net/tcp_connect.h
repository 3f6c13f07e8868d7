/* tcp_connect.h — opening a TCP connection to HOST:PORT for the commands
 * that talk to live peers (get, check, replay): every address getaddrinfo
 * gives is tried in turn, each within a time limit. */
#ifndef H2SCOPE_TCP_CONNECT_H
#define H2SCOPE_TCP_CONNECT_H

/* A connected, blocking socket, or -1: then *gai_error is getaddrinfo's error
 * when the name did not resolve (for gai_strerror), else 0 and errno says why
 * the last address failed (ETIMEDOUT when timeout_ms passed; timeout_ms < 0:
 * no limit). */
int tcp_connect(const char *host, const char *port, int timeout_ms, int *gai_error);

#endif
